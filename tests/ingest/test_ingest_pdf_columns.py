"""Two-column PDF pages read column by column: the gutter is the widest gap between the columns
(not a chance line-up of word spaces), a page with too little text to show its columns (a short
stretch under a full-width table) takes the gutter of the document's other pages, and a page
number centred in the gutter is no part of a column."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from nlp.ingest.pdf import read_pdf

fpdf = pytest.importorskip("fpdf")
_SPEC = importlib.util.spec_from_file_location("render_reports", Path(__file__).parents[2] / "corpora" / "render_reports.py")
render = sys.modules.setdefault("render_reports", importlib.util.module_from_spec(_SPEC))
_SPEC.loader.exec_module(render)

INTRO = ("Surgery for an aggressive vertebral hemangioma can cause heavy bleeding, and embolization of the "
         "feeding arteries the day before surgery is widely used to reduce it. ") * 3
OUTCOME = ("All patients regained independent walking. Patient 4 needed a transfusion of two units of red "
           "cells. No hemangioma recurred during follow-up.")


class _Journal(fpdf.FPDF):
    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=8)
        self.cell(0, 10, str(self.page_no()), align="C")  # centred: in the gutter


def _columns(pdf: fpdf.FPDF, blocks: list[tuple[str, str]]) -> None:
    with pdf.text_columns(ncols=2, gutter=8, balance=True) as columns:
        for style, text in blocks:
            pdf.set_font("Helvetica", style="B" if style == "heading" else "", size=11 if style == "heading" else 10)
            columns.write(text=text + "\n")
            columns.ln(2)


def _report() -> bytes:
    pdf = _Journal()
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=14)
    pdf.multi_cell(0, 7, "Preoperative embolization of vertebral hemangiomas", new_x="LMARGIN", new_y="NEXT")
    _columns(pdf, [("heading", "Introduction"), ("text", INTRO)])
    pdf.add_page()  # a full-width table at the top, then a few lines in two columns under it
    pdf.set_font("Helvetica", size=8)
    with pdf.table(borders_layout="ALL", first_row_as_headings=True) as grid:
        for cells in (["Patient", "Age/Sex", "Level", "Blood loss (mL)"], ["1", "43/F", "T7", "450"],
                      ["2", "58/M", "T9", "900"]):
            row = grid.row()
            for cell in cells:
                row.cell(cell)
    pdf.ln(4)
    _columns(pdf, [("heading", "Outcome"), ("text", OUTCOME)])
    return bytes(pdf.output())


def test_a_short_two_column_stretch_under_a_wide_table_reads_column_by_column() -> None:
    doc = read_pdf(_report(), "columns")
    assert OUTCOME in doc.text  # not "Outcome hemangioma recurred during follow-up. All patients ... No"
    assert doc.text.index("Outcome") < doc.text.index(OUTCOME)
    assert INTRO.strip() in doc.text  # the page number in the gutter is not read into the left column
    assert not any(line.strip().isdigit() for line in doc.text.splitlines())
    [table] = doc.tables
    assert [row.texts for row in table.body] == [["1", "43/F", "T7", "450"], ["2", "58/M", "T9", "900"]]


def test_the_rendered_two_column_series_keeps_its_outcome_sentence(tmp_path: Path) -> None:
    report = render.parse_report((render.REPORTS / "series_embolization.txt").read_text(encoding="utf-8"))
    doc = read_pdf(render.to_pdf(report, "two_column"), "series_embolization")
    assert OUTCOME in doc.text
    assert "widely used to reduce it." in doc.text
