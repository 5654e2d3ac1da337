"""The same report as plain text, JATS XML or PDF gives the same record."""
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from nlp.ingest import read_path
from nlp.pipeline import build_pipeline
from nlp.records import extract_records
from nlp.schema import FIELDS

REPORT = Path(__file__).resolve().parents[1] / "corpora" / "examples" / "avh_t8_embolization.txt"
HEADINGS = ("Abstract", "Introduction", "Case report", "Discussion", "Conclusion")


def _parts() -> tuple[str, list[tuple[str, list[str]]]]:
    """The report's title and its (heading, paragraphs) sections."""
    lines = [line for line in REPORT.read_text(encoding="utf-8").splitlines() if line.strip()]
    sections: list[tuple[str, list[str]]] = []
    for line in lines[1:]:
        if line in HEADINGS:
            sections.append((line, []))
        else:
            sections[-1][1].append(line)
    return lines[0], sections


def _jats(title: str, sections) -> str:
    abstract = "".join(f"<p>{escape(p)}</p>" for p in sections[0][1])
    body = "".join(f"<sec><title>{escape(h)}</title>{''.join(f'<p>{escape(p)}</p>' for p in ps)}</sec>"
                   for h, ps in sections[1:])
    return (f'<?xml version="1.0"?><article><front><article-meta><title-group><article-title>{escape(title)}'
            f"</article-title></title-group><abstract>{abstract}</abstract></article-meta></front>"
            f"<body>{body}</body></article>")


def _pdf(title: str, sections) -> bytes:
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=14)
    pdf.multi_cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    for heading, paragraphs in sections:
        pdf.ln(3)
        pdf.set_font("Helvetica", style="B", size=11)
        pdf.cell(0, 6, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        for paragraph in paragraphs:
            pdf.multi_cell(0, 5, paragraph, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
    return bytes(pdf.output())


def _values(path: Path) -> dict:
    records = extract_records(build_pipeline(), read_path(path)[0])
    assert len(records) == 1
    return {f: getattr(records[0], f) for f in FIELDS}


def test_text_jats_and_pdf_give_the_same_record(tmp_path):
    title, sections = _parts()
    (tmp_path / "report.xml").write_text(_jats(title, sections), encoding="utf-8")
    (tmp_path / "report.pdf").write_bytes(_pdf(title, sections))
    from_text = _values(REPORT)
    assert from_text["treatments"] == ["embolization", "vertebroplasty", "laminectomy", "fixation"]
    assert _values(tmp_path / "report.xml") == from_text
    assert _values(tmp_path / "report.pdf") == from_text
