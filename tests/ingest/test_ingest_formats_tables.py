"""The same reports as text, JATS and PDF (four layouts): the same tables, cells and section kinds."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from nlp.ingest import read_path
from nlp.ingest.document import Document

pytest.importorskip("fpdf")
_SPEC = importlib.util.spec_from_file_location("render_reports", Path(__file__).parents[2] / "corpora" / "render_reports.py")
render = sys.modules.setdefault("render_reports", importlib.util.module_from_spec(_SPEC))
_SPEC.loader.exec_module(render)

REPORTS = sorted(p.stem for p in render.REPORTS.glob("*.txt"))
SERIES = [name for name in REPORTS if name.startswith("series")]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    return render.render_all(tmp_path_factory.mktemp("rendered"))[0].parent


def _read(folder: Path, name: str) -> Document:
    [doc] = read_path(folder / name)
    for table in doc.tables:
        for span in table.spans():
            assert doc.text[span.start:span.end] == span.text, (name, span)
        assert all(len(row.cells) == table.columns for row in table.rows)
    return doc


def _expected(name: str) -> "render.TableSpec":
    report = render.parse_report((render.REPORTS / f"{name}.txt").read_text(encoding="utf-8"))
    return next(b for _, blocks in report.sections for b in blocks if isinstance(b, render.TableSpec))


def _formats(name: str) -> list[str]:
    layouts = [f"{name}.{layout}.pdf" for layout in ("ruled", "unruled", "two_column")]
    return [f"{name}.txt", f"{name}.nxml", *layouts, *([f"{name}.long_table.pdf"] if name == "series_long" else [])]


@pytest.mark.parametrize("name", SERIES)
def test_every_format_gives_the_table_cell_by_cell(rendered: Path, name: str) -> None:
    expected = _expected(name)
    for file in _formats(name):
        [table] = _read(rendered, file).tables
        assert [row.texts for row in table.header] == [expected.header], file
        assert [row.texts for row in table.body] == expected.rows, file
        assert (table.label.text, table.caption.text) == (expected.label, expected.caption), file
        assert [note.text for note in table.footnotes] == expected.notes, file


@pytest.mark.parametrize("name", REPORTS)
def test_section_kinds_agree_in_every_format(rendered: Path, name: str) -> None:
    kinds = {file: [s.kind for s in _read(rendered, file).sections] for file in _formats(name)}
    text_kinds = kinds.pop(f"{name}.txt")
    assert text_kinds[:2] == ["title", "abstract"] and "discussion" in text_kinds
    for file, found in kinds.items():
        assert found == text_kinds, file


def test_jats_reader_kinds_on_a_single_report(tmp_path: Path) -> None:
    report = render.parse_report((render.REPORTS / "t10_single.txt").read_text(encoding="utf-8"))
    (tmp_path / "t10.nxml").write_bytes(render.to_jats(report))
    doc = _read(tmp_path, "t10.nxml")
    assert [(s.kind, s.title) for s in doc.sections][3:6] == [
        ("case", "Case presentation"), ("case", "Treatment"), ("case", "Outcome and follow-up")]


def test_text_reader_kinds_on_a_single_report() -> None:
    doc = _read(render.REPORTS, "t10_single.txt")
    assert [s.kind for s in doc.sections] == ["title", "abstract", "introduction", "case", "case", "case",
                                              "discussion", "conclusion"]


def test_pdf_reader_kinds_and_furniture_on_a_two_column_report(tmp_path: Path) -> None:
    report = render.parse_report((render.REPORTS / "t10_single.txt").read_text(encoding="utf-8"))
    (tmp_path / "t10.pdf").write_bytes(render.to_pdf(report, "two_column"))
    doc = _read(tmp_path, "t10.pdf")
    assert [s.kind for s in doc.sections] == ["title", "abstract", "introduction", "case", "case", "case",
                                              "discussion", "conclusion"]
    assert int(doc.metadata["pages"]) >= 2
    assert render.RUNNING_HEAD.split(";")[0] not in doc.text
    assert not any(line.strip().isdigit() for line in doc.text.splitlines())
    # read column by column: every paragraph of the report comes out whole
    for paragraph in (render.REPORTS / "t10_single.txt").read_text(encoding="utf-8").split("\n")[2:]:
        if len(paragraph) > 40:
            assert paragraph in doc.text


def test_a_table_across_a_page_break_is_one_table_without_its_repeated_header(rendered: Path) -> None:
    doc = _read(rendered, "series_long.long_table.pdf")
    assert int(doc.metadata["pages"]) >= 2
    [table] = doc.tables
    assert len(table.header) == 1 and len(table.body) == 28
    assert [row.texts[0] for row in table.body] == [str(n) for n in range(1, 29)]
    assert "Journal of Spine Case Reports" not in doc.text
    rows = doc.text[table.start:table.end].split("\n")
    assert len(rows) == 29 and rows[0].startswith("Patient | Age/Sex | Level")
