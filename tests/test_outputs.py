import csv
import json

from nlp.dataset import build_tables
from nlp.dataset.csvio import format_value, neutralise


def test_formula_cells_are_neutralised_but_numbers_pass():
    assert neutralise("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert neutralise("+1 (555) call") == "'+1 (555) call"
    assert neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("\tcmd") == "'\tcmd"
    assert neutralise("-3.5") == "-3.5"
    assert neutralise("T11") == "T11"
    assert neutralise(4.5) == 4.5


def test_list_and_object_values_in_one_cell():
    assert format_value(["T11", "T12"]) == "T11; T12"
    assert format_value([{"side": "right", "level": "L1"}, {"side": None, "level": "L2"}]) == "right L1; L2"
    assert format_value([{"level": "L1", "ml": 3.0}, {"level": None, "ml": 2.5}]) == "L1 3; 2.5"
    assert format_value(False) == "false"
    assert format_value(12.0) == 12


def test_cases_csv_joins_records_with_their_document(tmp_path):
    record = {"document_id": "a", "case_index": 1, "age_years": 66.0, "sex": "female", "levels": ["L1", "L2"],
              "confidence": {"age_years": 0.9, "sex": 0.7}}
    (tmp_path / "cases.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    (tmp_path / "manifest.jsonl").write_text(json.dumps(
        {"document_id": "a", "source": "in/a.txt", "status": "ok", "cases": 1, "reason": "", "sha256": "",
         "title": "=cmd|' /C calc'!A0", "year": "2020"}) + "\n")
    build_tables(tmp_path)
    with (tmp_path / "cases.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 1
    row = rows[0]
    assert row["levels"] == "L1; L2" and row["age_years"] == "66" and row["source"] == "in/a.txt"
    assert row["title"].startswith("'=")
    assert row["confidence_mean"] == "0.8"
