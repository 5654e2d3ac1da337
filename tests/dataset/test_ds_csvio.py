"""The one CSV writer: formula cells neutralised, numbers kept, files whole or absent."""
import csv

import pandas as pd
import pytest

from nlp.dataset.csvio import CsvWriter, format_value, neutralise, unneutralise, write_frame


@pytest.mark.parametrize("cell", ["=1+1", "+cmd", "-cmd", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"http://x\")"])
def test_formula_cells_are_prefixed(cell):
    assert neutralise(cell) == "'" + cell
    assert unneutralise(neutralise(cell)) == cell


@pytest.mark.parametrize("cell", ["-3.5", "+2", "-0", "T11", "a=b", "", 4.5, None])
def test_numbers_and_plain_text_pass(cell):
    assert neutralise(cell) == cell


def test_written_csv_neutralises_every_column(tmp_path):
    path = tmp_path / "t.csv"
    frame = pd.DataFrame([{"a": "=cmd|' /C calc'!A0", "b": -2.5, "c": ["@x", "y"]},
                          {"a": "-1", "b": "+x", "c": {"side": "right", "level": "T1"}}])
    assert write_frame(path, ("a", "b", "c"), frame) == 2
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0] == {"a": "'=cmd|' /C calc'!A0", "b": "-2.5", "c": "'@x; y"}
    assert rows[1] == {"a": "-1", "b": "'+x", "c": "right T1"}


def test_titles_in_the_run_tables_are_neutralised(built_run):
    text = (built_run / "cases.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text


def test_values_are_written_alike_everywhere():
    assert format_value(["T11", "T12"]) == "T11; T12"
    assert format_value([{"side": "right", "level": "L1"}, {"side": None, "level": "L2"}]) == "right L1; L2"
    assert format_value([{"level": "L1", "ml": 3.0}, {"level": None, "ml": 2.5}]) == "L1 3; 2.5"
    assert format_value(False) == "false" and format_value(12.0) == 12 and format_value(None) == ""
    assert format_value(float("nan")) == ""


def test_a_failed_write_leaves_neither_file_nor_temporary(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("earlier\n")
    with pytest.raises(RuntimeError):
        with CsvWriter(path, ("a",)) as writer:
            writer.write_frame(pd.DataFrame({"a": [1]}))
            raise RuntimeError("stop")
    assert path.read_text() == "earlier\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]
