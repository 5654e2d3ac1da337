"""Render plain-text case reports to JATS XML and to PDF (fpdf2) in several layouts.

A report's text: a title line, then blocks separated by blank lines; a block opening with a short
line without a full stop opens a section under that heading (text before the first heading is a
section without one); every other line is a paragraph. Tables are found as the text reader finds
them (``nlp.ingest.tables``: pipe, grid, tab-separated and space-aligned rows, with the "Table N.
Caption" line above and the note lines under them), so each format carries the very cells of the
text version.

    python corpora/render_reports.py OUTDIR                      # corpora/tables: every format and layout
    python corpora/render_reports.py OUTDIR --source TEXTS --by-format   # OUTDIR/<format>/<id>.<ext>
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Union
from xml.sax.saxutils import escape

REPORTS = Path(__file__).resolve().parent / "tables"
PDF_LAYOUTS = ("ruled", "unruled", "two_column", "long_table")
RUNNING_HEAD = "Journal of Spine Case Reports 2024; 7: 112-118"
# A font with more than Latin-1, for reports that need it (arrows, dashes, quotes): DejaVu Sans.
_UNICODE_FONTS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
                  Path("/usr/local/share/fonts"), Path("/Library/Fonts"), Path("C:/Windows/Fonts"))
_HEADING_LENGTH = 40


@dataclass
class TableSpec:
    label: str
    caption: str
    header: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)


@dataclass
class Report:
    title: str
    sections: list[tuple[str, list[Union[str, TableSpec]]]]  # ("", ...): text before the first heading


def parse_report(text: str) -> Report:
    """Title, sections (heading, paragraphs and tables) of a plain-text report."""
    regions = _table_regions(text)
    title: Optional[str] = None
    sections: list[tuple[str, list[Union[str, TableSpec]]]] = []
    opens_block = False
    offset = 0
    for line in text.split("\n"):
        start, offset = offset, offset + len(line) + 1
        stripped = line.strip()
        if not stripped:
            opens_block = True
            continue
        region = next((r for r in regions if r[0] <= start < r[1] or start <= r[0] < offset), None)
        if region is not None:
            if not region[3]:  # the table, once, where its first line is
                region[3] = True
                if not sections:
                    sections.append(("", []))
                sections[-1][1].append(region[2])
            opens_block = False
            continue
        if title is None:
            title = stripped
        elif opens_block and len(stripped) < _HEADING_LENGTH and not stripped.endswith("."):
            sections.append((stripped, []))
        else:
            if not sections:
                sections.append(("", []))
            sections[-1][1].append(stripped)
        opens_block = False
    return Report(title or "", sections)


def _table_regions(text: str) -> list[list]:
    """[start, end, table, written] for each table of the text: its caption, rows and notes."""
    from nlp.ingest.tables import find_text_tables

    regions = []
    for table in find_text_tables(text):
        spans = [table, *table.spans()]
        header = [row.texts for row in table.rows if row.header]
        body = [row.texts for row in table.rows if not row.header]
        spec = TableSpec(table.label.text if table.label else "", table.caption.text if table.caption else "",
                         header[0] if header else [], header[1:] + body, [note.text for note in table.footnotes])
        regions.append([min(s.start for s in spans), max(s.end for s in spans), spec, False])
    return regions


def to_jats(report: Report) -> bytes:
    """A PMC-style article: a first section headed "Abstract" (or "Summary") is the abstract, text
    before the first heading opens the body untitled, tables are <table-wrap>s."""
    sections = list(report.sections)
    abstract: list[Union[str, TableSpec]] = []
    if sections and sections[0][0].lower() in ("abstract", "summary"):
        abstract = sections.pop(0)[1]
    tables = iter(range(1, 1000))
    parts = []
    for heading, blocks in sections:
        inner = "".join(_jats_table(b, next(tables)) if isinstance(b, TableSpec) else f"<p>{escape(b)}</p>"
                        for b in blocks)
        parts.append(f"<sec><title>{escape(heading)}</title>{inner}</sec>" if heading else inner)
    abstract_xml = "".join(f"<p>{escape(p)}</p>" for p in abstract if isinstance(p, str))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<article article-type="case-report"><front><article-meta>'
            f"<title-group><article-title>{escape(report.title)}</article-title></title-group>"
            + (f"<abstract>{abstract_xml}</abstract>" if abstract else "")
            + f"</article-meta></front><body>{''.join(parts)}</body></article>").encode("utf-8")


def _jats_table(table: TableSpec, n: int) -> str:
    head = "<thead><tr>" + "".join(f"<th>{escape(c)}</th>" for c in table.header) + "</tr></thead>" if table.header else ""
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in table.rows)
    notes = "".join(f"<fn><p>{escape(note)}</p></fn>" for note in table.notes)
    caption = f"<caption><title>{escape(table.caption)}</title></caption>" if table.caption else ""
    label = f"<label>{escape(table.label)}</label>" if table.label else ""
    foot = f"<table-wrap-foot>{notes}</table-wrap-foot>" if notes else ""
    return f'<table-wrap id="T{n}">{label}{caption}<table>{head}<tbody>{body}</tbody></table>{foot}</table-wrap>'


def to_pdf(report: Report, layout: str) -> bytes:
    """``ruled`` / ``unruled``: one column; ``two_column``: a running head and page numbers, the
    text in two columns, each table across both at the top of a page; ``long_table``: one column,
    running head, ruled (for a table long enough to cross a page). Helvetica, or DejaVu Sans for
    a report with characters beyond Latin-1."""
    from fpdf import FPDF

    class Paper(FPDF):
        def header(self) -> None:
            if layout in ("two_column", "long_table"):
                self.set_font(font, size=8)
                self.cell(0, 6, RUNNING_HEAD, new_x="LMARGIN", new_y="NEXT")

        def footer(self) -> None:
            if layout in ("two_column", "long_table"):
                self.set_y(-15)
                self.set_font(font, size=8)
                self.cell(0, 10, str(self.page_no()), align="C")

    pdf = Paper()
    font = _font(pdf, report)
    pdf.set_title(report.title)
    pdf.add_page()
    pdf.set_font(font, style="B", size=14)
    pdf.multi_cell(0, 7, report.title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pending: list[tuple[str, str]] = []  # text written together: one flow of two columns
    for heading, blocks in report.sections:
        if layout == "two_column" and heading == "Discussion":
            _write_text(pdf, pending, layout)
            pending = []
            pdf.add_page()  # two pages at least, so that the running head repeats
        if heading:
            pending.append(("heading", heading))
        for block in blocks:
            if isinstance(block, TableSpec):
                _write_text(pdf, pending, layout)
                pending = []
                if layout == "two_column":
                    pdf.add_page()  # a wide table at the top of a page, across both columns
                _write_table(pdf, block, ruled=layout != "unruled")
            else:
                pending.append(("text", block))
    _write_text(pdf, pending, layout)
    return bytes(pdf.output())


def _font(pdf, report: Report) -> str:
    """The font family for the report: Helvetica when Latin-1 writes all of it, else DejaVu Sans."""
    text = report.title + "".join(
        block if isinstance(block, str) else " ".join([block.label, block.caption, *block.header, *block.notes,
                                                      *(cell for row in block.rows for cell in row)])
        for heading, blocks in report.sections for block in [heading, *blocks])
    try:
        (text + RUNNING_HEAD).encode("latin-1")
        return "Helvetica"
    except UnicodeEncodeError:
        pass
    folder = next((f for f in _UNICODE_FONTS if (f / "DejaVuSans.ttf").is_file() and (f / "DejaVuSans-Bold.ttf").is_file()),
                  None)
    if folder is None:
        raise RuntimeError("a report needs a Unicode font and DejaVuSans.ttf was not found")
    pdf.add_font("DejaVuSans", "", str(folder / "DejaVuSans.ttf"))
    pdf.add_font("DejaVuSans", "B", str(folder / "DejaVuSans-Bold.ttf"))
    return "DejaVuSans"


def _write_text(pdf, blocks: list[tuple[str, str]], layout: str) -> None:
    if not blocks:
        return
    if layout != "two_column":
        for style, text in blocks:
            _write_block(pdf, style, text)
        return
    with pdf.text_columns(ncols=2, gutter=8, balance=True) as columns:  # both columns used
        for style, text in blocks:
            pdf.set_font(pdf.font_family, style="B" if style == "heading" else "", size=11 if style == "heading" else 10)
            columns.write(text=text + "\n")
            columns.ln(2)
    pdf.ln(3)


def _write_block(pdf, style: str, text: str) -> None:
    if style == "heading":
        pdf.ln(2)
        pdf.set_font(pdf.font_family, style="B", size=11)
        pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.set_font(pdf.font_family, size=10)
        pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)


def _write_table(pdf, table: TableSpec, ruled: bool) -> None:
    pdf.ln(2)
    pdf.set_font(pdf.font_family, style="B", size=9)
    caption = f"{table.label}. {table.caption}" if table.label and table.caption else table.label or table.caption
    if caption:
        pdf.multi_cell(0, 5, caption, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.font_family, size=8)
    rows = [table.header, *table.rows] if table.header else table.rows
    columns = max(len(row) for row in rows)
    rows = [row + [""] * (columns - len(row)) for row in rows]
    widths = [max(pdf.get_string_width(row[k]) for row in rows) + 9 for k in range(columns)]
    widths = [w * min(1.0, (pdf.epw - 1) / sum(widths)) for w in widths]
    with pdf.table(col_widths=widths, width=sum(widths), align="LEFT", line_height=5,
                   borders_layout="ALL" if ruled else "NONE", first_row_as_headings=bool(table.header)) as grid:
        for cells in rows:
            row = grid.row()
            for cell in cells:
                row.cell(cell)
    pdf.set_font(pdf.font_family, size=8)
    for note in table.notes:
        pdf.multi_cell(0, 4, note, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _needs_long_table(report: Report) -> bool:
    return any(len(b.rows) > 20 for _, blocks in report.sections for b in blocks if isinstance(b, TableSpec))


def render_all(out: Path, source: Path = REPORTS) -> list[Path]:
    """Every report of ``source`` as .txt, .nxml and one .pdf per layout in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(source.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        report = parse_report(text)
        written.append(out / path.name)
        written[-1].write_text(text, encoding="utf-8")
        written.append(out / f"{path.stem}.nxml")
        written[-1].write_bytes(to_jats(report))
        for layout in PDF_LAYOUTS:
            if layout == "long_table" and not _needs_long_table(report):
                continue
            written.append(out / f"{path.stem}.{layout}.pdf")
            written[-1].write_bytes(to_pdf(report, layout))
    return written


def render_by_format(source: Path, out: Path, layouts: tuple[str, ...] = ("ruled", "two_column")) -> dict[str, Path]:
    """Every report of ``source`` once per format, one folder per format, the document id as the
    file name stem: ``out/text/<id>.txt``, ``out/jats/<id>.nxml``, ``out/pdf_<layout>/<id>.pdf``."""
    folders = {"text": out / "text", "jats": out / "jats", **{f"pdf_{layout}": out / f"pdf_{layout}" for layout in layouts}}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.txt")):
        data = path.read_bytes()
        report = parse_report(data.decode("utf-8"))
        (folders["text"] / path.name).write_bytes(data)
        (folders["jats"] / f"{path.stem}.nxml").write_bytes(to_jats(report))
        for layout in layouts:
            (folders[f"pdf_{layout}"] / f"{path.stem}.pdf").write_bytes(to_pdf(report, layout))
    return folders


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", nargs="?", type=Path, default=Path("rendered"))
    parser.add_argument("--source", type=Path, default=REPORTS, help="a folder of plain-text reports")
    parser.add_argument("--by-format", action="store_true", help="one folder per format, ids as file names")
    parser.add_argument("--layouts", default="ruled,two_column", help="PDF layouts with --by-format")
    args = parser.parse_args(argv)
    if args.by_format:
        for name, folder in render_by_format(args.source, args.out, tuple(args.layouts.split(","))).items():
            print(f"{name}: {folder}")
    else:
        for path in render_all(args.out, args.source):
            print(path)


if __name__ == "__main__":
    main()
