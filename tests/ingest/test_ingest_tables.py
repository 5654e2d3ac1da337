"""Table model: JATS rowspan/colspan, and the tables of plain text (pipe, grid, tab, aligned)."""
from __future__ import annotations

from nlp.ingest.document import Document
from nlp.ingest.jats import read_jats
from nlp.ingest.tables import aligned_columns, find_text_tables
from nlp.ingest.text import read_text
from nlp.ingest.xmltools import parse_xml


def _valid(doc: Document) -> None:
    for table in doc.tables:
        for span in table.spans():
            assert doc.text[span.start:span.end] == span.text


SPANNING = b"""<article><front><article-meta><title-group><article-title>Two patients</article-title>
</title-group></article-meta></front><body><sec><title>Results</title><p>See Table 1.</p>
<table-wrap id="T1"><label>1</label><caption><title>Patients</title></caption><table>
<thead><tr><th rowspan="2">Patient</th><th colspan="2">VAS</th></tr><tr><th>pre</th><th>post</th></tr></thead>
<tbody><tr><td>1</td><td>8</td><td>2</td></tr><tr><td rowspan="2">2</td><td>9</td><td>0</td></tr>
<tr><td>7</td><td>1</td></tr></tbody></table>
<table-wrap-foot><fn><p>VAS, visual analogue scale.</p></fn></table-wrap-foot></table-wrap></sec></body></article>"""


def test_jats_table_resolves_rowspan_and_colspan() -> None:
    doc = read_jats(parse_xml(SPANNING), "x")
    _valid(doc)
    [table] = doc.tables
    assert table.columns == 3
    assert [row.texts for row in table.rows] == [["Patient", "VAS", "VAS"], ["Patient", "pre", "post"],
                                                 ["1", "8", "2"], ["2", "9", "0"], ["2", "7", "1"]]
    assert [row.header for row in table.rows] == [True, True, False, False, False]
    assert [cell.spanned for cell in table.rows[0].cells] == [False, False, True]
    assert table.rows[1].cells[0].spanned and table.rows[1].cells[0].start == table.rows[0].cells[0].start
    assert (table.label.text, table.caption.text) == ("Table 1", "Patients")
    assert [note.text for note in table.footnotes] == ["VAS, visual analogue scale."]
    # the text is as before: caption line, then the cells each row holds, " | "-separated
    assert "Table 1. Patients\nPatient | VAS\npre | post\n1 | 8 | 2\n2 | 9 | 0\n7 | 1" in doc.text


def test_text_reader_finds_pipe_grid_tab_and_aligned_tables_without_changing_the_text() -> None:
    text = ("Case series\n\nTable 1. Pipe\n| Patient | Age/Sex | Level |\n|---|---|---|\n| 1 | 54/F | T8 |\n"
            "| 2 | 61/F | T11 |\nVAS, visual analogue scale.\n\n"
            "+----+-----+\n| No | Age |\n+----+-----+\n| 1  | 41  |\n+----+-----+\n| 2  | 55  |\n+----+-----+\n\n"
            "Patient\tLevel\tCement (mL)\n1\tL2\t4.0\n2\tT9\t\n\n"
            "Table 2. Aligned\nPt   Age   Level    Dose (Gy)\n1    52    D11      36\n2    44    L4       40\n"
            "Mean 48.0         38\n\n"
            "Vertebral hemangiomas are common.  They are benign.\nMost cause no symptoms at all.\n")
    doc = read_text(text.encode(), "x")
    assert doc.text == text
    _valid(doc)
    pipe, grid, tab, aligned = doc.tables
    assert [row.texts for row in pipe.rows] == [["Patient", "Age/Sex", "Level"], ["1", "54/F", "T8"],
                                                ["2", "61/F", "T11"]]
    assert pipe.rows[0].header and (pipe.label.text, pipe.caption.text) == ("Table 1", "Pipe")
    assert [n.text for n in pipe.footnotes] == ["VAS, visual analogue scale."]
    assert [row.texts for row in grid.rows] == [["No", "Age"], ["1", "41"], ["2", "55"]]
    assert [row.texts for row in tab.rows] == [["Patient", "Level", "Cement (mL)"], ["1", "L2", "4.0"], ["2", "T9", ""]]
    assert [row.texts for row in aligned.rows][:3] == [["Pt", "Age", "Level", "Dose (Gy)"], ["1", "52", "D11", "36"],
                                                       ["2", "44", "L4", "40"]]
    assert aligned.columns == 4 and aligned.label.text == "Table 2"


def test_prose_is_no_table() -> None:
    assert find_text_tables("A 47-year-old woman had pain.  MRI showed a lesion.\nShe was treated.  "
                            "She recovered well after that.\nNo recurrence.  None at all was seen here.\n") == []


def test_aligned_columns_tolerate_a_row_across_a_gap() -> None:
    rows = [[(0, 2), (5, 8), (12, 15)], [(0, 1), (5, 7), (12, 14)], [(0, 1), (5, 7), (12, 13)],
            [(0, 9), (12, 14)]]  # "Mean 54.9" crosses the first gap
    assert aligned_columns(rows, min_gap=2) == [(0, 2), (5, 8), (12, 15)]
