"""corpora/render_reports.py on reports written like ../shared/corpus/dev (headings right above
their text, tab-separated, space-aligned and grid tables, a label without a caption, arrows and
dashes beyond Latin-1): JATS with real table markup and PDF in both benchmark layouts give the
cells the text reader finds."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from nlp.ingest import read_path

pytest.importorskip("fpdf")
_SPEC = importlib.util.spec_from_file_location("render_reports", Path(__file__).parents[2] / "corpora" / "render_reports.py")
render = sys.modules.setdefault("render_reports", importlib.util.module_from_spec(_SPEC))
_SPEC.loader.exec_module(render)

REPORT = """Radiotherapy and cement for painful vertebral hemangiomas: six patients

Abstract
Six patients were treated with radiotherapy or vertebroplasty. Pain fell from 8 to 2 – a lasting result.

Methods
Pain was scored on a 0-10 visual analogue scale before treatment and at the last visit.

Results
Table 1. Radiotherapy
Pt   Age   Sex   Level   Dose (Gy)   VAS pre→post
1    52    F     D11     36          7→2
2    44    F     L4      40          8→0
3    63    M     D8      30          6→3
RT, radiotherapy.

Table 2
Case\tAge\tSex\tLevel\tCement (mL)
4\t43\tF\tT7\t4.0
5\t58\tM\tT9\t5.5

Table 3. Ethanol
+------+-----+-----+-------+
| Case | Age | Sex | Level |
+------+-----+-----+-------+
| 6    | 41  | M   | T10   |
+------+-----+-----+-------+
| 7    | 55  | F   | L3    |
+------+-----+-----+-------+

Discussion
Radiotherapy relieves pain slowly; vertebroplasty relieves it at once.
"""


def test_a_dev_style_report_keeps_its_tables_in_every_format(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    (source / "rt_series.txt").write_text(REPORT, encoding="utf-8")
    folders = render.render_by_format(source, tmp_path / "out")
    assert sorted(folders) == ["jats", "pdf_ruled", "pdf_two_column", "text"]
    assert {p.name for folder in folders.values() for p in folder.iterdir()} == {
        "rt_series.txt", "rt_series.nxml", "rt_series.pdf"}
    jats = (folders["jats"] / "rt_series.nxml").read_text(encoding="utf-8")
    assert jats.count("<table-wrap id=") == 3 and "<th>VAS pre→post</th>" in jats
    assert "<sec><title>Results</title>" in jats and "<abstract><p>Six patients" in jats

    def tables(path: Path) -> list[tuple[str, list[list[str]], list[list[str]]]]:
        [doc] = read_path(path)
        return [(t.label.text if t.label else "", [r.texts for r in t.header], [r.texts for r in t.body])
                for t in doc.tables]

    expected = tables(folders["text"] / "rt_series.txt")
    assert [(label, len(body)) for label, _, body in expected] == [("Table 1", 3), ("Table 2", 2), ("Table 3", 2)]
    assert expected[0][2][0] == ["1", "52", "F", "D11", "36", "7→2"]
    for name in ("jats", "pdf_ruled", "pdf_two_column"):
        found = tables(next(folders[name].iterdir()))
        assert found == expected, name


def test_text_before_the_first_heading_and_a_long_first_line() -> None:
    report = render.parse_report("A title\nAn untitled first paragraph.\n\nCase\nA 40-year-old man.\n")
    assert report.title == "A title"
    assert report.sections == [("", ["An untitled first paragraph."]), ("Case", ["A 40-year-old man."])]
    assert b"<body><p>An untitled first paragraph.</p><sec><title>Case</title>" in render.to_jats(report)
