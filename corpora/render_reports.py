"""Render the plain-text reports of corpora/tables to JATS XML and to PDF (fpdf2) in several layouts.

A report's text: a title line, then blocks separated by blank lines; a block opening with a short
line without a full stop opens a section under that heading; a table is a "Table N. Caption"
line, pipe rows (a markdown rule under the header) and note lines.

    python corpora/render_reports.py OUTDIR     # every report in every format and layout
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union
from xml.sax.saxutils import escape

REPORTS = Path(__file__).resolve().parent / "tables"
PDF_LAYOUTS = ("ruled", "unruled", "two_column", "long_table")
RUNNING_HEAD = "Journal of Spine Case Reports 2024; 7: 112-118"


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
    sections: list[tuple[str, list[Union[str, TableSpec]]]]


def parse_report(text: str) -> Report:
    blocks = [block.strip("\n").split("\n") for block in text.strip().split("\n\n")]
    title = blocks[0][0]
    sections: list[tuple[str, list[Union[str, TableSpec]]]] = []
    for lines in blocks[1:]:
        is_table = len(lines) > 1 and lines[1].startswith("|")
        if len(lines[0]) < 40 and not lines[0].endswith(".") and not is_table:
            sections.append((lines[0], []))
            lines = lines[1:]
        if is_table:
            sections[-1][1].append(_table(lines))
        else:
            sections[-1][1].extend(lines)
    return Report(title, sections)


def _table(lines: list[str]) -> TableSpec:
    label, caption = lines[0].split(". ", 1)
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in lines[1:]
            if line.startswith("|") and not line.startswith("|---")]
    notes = [line for line in lines[1:] if not line.startswith("|")]
    return TableSpec(label, caption, rows[0], rows[1:], notes)


def to_jats(report: Report) -> bytes:
    """A PMC-style article: the first section is the abstract, tables as <table-wrap>."""
    (_, abstract), *body = report.sections
    parts = []
    for heading, blocks in body:
        inner = "".join(_jats_table(b, n) if isinstance(b, TableSpec) else f"<p>{escape(b)}</p>"
                        for n, b in enumerate(blocks, 1))
        parts.append(f"<sec><title>{escape(heading)}</title>{inner}</sec>")
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<article article-type="case-report"><front><article-meta>'
            f"<title-group><article-title>{escape(report.title)}</article-title></title-group>"
            f"<abstract>{''.join(f'<p>{escape(p)}</p>' for p in abstract)}</abstract></article-meta></front>"
            f"<body>{''.join(parts)}</body></article>").encode("utf-8")


def _jats_table(table: TableSpec, n: int) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in table.header)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in table.rows)
    notes = "".join(f"<fn><p>{escape(note)}</p></fn>" for note in table.notes)
    return (f'<table-wrap id="T{n}"><label>{escape(table.label)}</label><caption><title>{escape(table.caption)}'
            f"</title></caption><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            f"<table-wrap-foot>{notes}</table-wrap-foot></table-wrap>")


def to_pdf(report: Report, layout: str) -> bytes:
    """``ruled`` / ``unruled``: one column; ``two_column``: a running head and page numbers, the
    text in two columns, each table across both at the top of a page; ``long_table``: one column,
    running head, ruled (for a table long enough to cross a page)."""
    from fpdf import FPDF

    class Paper(FPDF):
        def header(self) -> None:
            if layout in ("two_column", "long_table"):
                self.set_font("Helvetica", size=8)
                self.cell(0, 6, RUNNING_HEAD, new_x="LMARGIN", new_y="NEXT")

        def footer(self) -> None:
            if layout in ("two_column", "long_table"):
                self.set_y(-15)
                self.set_font("Helvetica", size=8)
                self.cell(0, 10, str(self.page_no()), align="C")

    pdf = Paper()
    pdf.set_title(report.title)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=14)
    pdf.multi_cell(0, 7, report.title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pending: list[tuple[str, str]] = []  # text written together: one flow of two columns
    for heading, blocks in report.sections:
        if layout == "two_column" and heading == "Discussion":
            _write_text(pdf, pending, layout)
            pending = []
            pdf.add_page()  # two pages at least, so that the running head repeats
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


def _write_text(pdf, blocks: list[tuple[str, str]], layout: str) -> None:
    if not blocks:
        return
    if layout != "two_column":
        for style, text in blocks:
            _write_block(pdf, style, text)
        return
    with pdf.text_columns(ncols=2, gutter=8, balance=True) as columns:  # both columns used
        for style, text in blocks:
            pdf.set_font("Helvetica", style="B" if style == "heading" else "", size=11 if style == "heading" else 10)
            columns.write(text=text + "\n")
            columns.ln(2)
    pdf.ln(3)


def _write_block(pdf, style: str, text: str) -> None:
    if style == "heading":
        pdf.ln(2)
        pdf.set_font("Helvetica", style="B", size=11)
        pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.set_font("Helvetica", size=10)
        pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)


def _write_table(pdf, table: TableSpec, ruled: bool) -> None:
    pdf.ln(2)
    pdf.set_font("Helvetica", style="B", size=9)
    pdf.multi_cell(0, 5, f"{table.label}. {table.caption}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=8)
    widths = [max(pdf.get_string_width(row[k]) for row in [table.header, *table.rows]) + 9
              for k in range(len(table.header))]
    widths = [w * min(1.0, (pdf.epw - 1) / sum(widths)) for w in widths]
    with pdf.table(col_widths=widths, width=sum(widths), align="LEFT", line_height=5,
                   borders_layout="ALL" if ruled else "NONE", first_row_as_headings=True) as grid:
        for cells in [table.header, *table.rows]:
            row = grid.row()
            for cell in cells:
                row.cell(cell)
    pdf.set_font("Helvetica", size=8)
    for note in table.notes:
        pdf.multi_cell(0, 4, note, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def render_all(out: Path) -> list[Path]:
    """Every report as .txt, .nxml and one .pdf per layout in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sorted(REPORTS.glob("*.txt")):
        report = parse_report(source.read_text(encoding="utf-8"))
        written.append(out / source.name)
        written[-1].write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
        written.append(out / f"{source.stem}.nxml")
        written[-1].write_bytes(to_jats(report))
        for layout in PDF_LAYOUTS:
            if layout == "long_table" and not any(len(b.rows) > 20 for _, blocks in report.sections
                                                  for b in blocks if isinstance(b, TableSpec)):
                continue
            written.append(out / f"{source.stem}.{layout}.pdf")
            written[-1].write_bytes(to_pdf(report, layout))
    return written


if __name__ == "__main__":
    for path in render_all(Path(sys.argv[1] if len(sys.argv) > 1 else "rendered")):
        print(path)
