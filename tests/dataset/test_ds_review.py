"""Review round trip: export, correct some cells, import as gold records and training spans."""
import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from nlp.dataset.review import ReviewError, export_review, import_review
from nlp.schema import FIELDS

sys.path.append(str(Path(__file__).resolve().parents[1]))  # tests/: shared_corpus locates ../shared
from shared_corpus import shared_path  # noqa: E402


def read(path):
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write(path, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def correct(rows, document_id, case_index, field, value):
    for row in rows:
        if (row["document_id"], row["case_index"], row["field"]) == (document_id, str(case_index), field):
            row["corrected_value"] = value
            return rows
    rows.append({**rows[0], "document_id": document_id, "case_index": str(case_index), "field": field,
                 "value": "", "evidence": "", "confidence": "", "corrected_value": value})
    return rows


def gold(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_export_has_a_row_per_patient_and_field_with_nulls(built_run, tmp_path):
    out = tmp_path / "review.csv"
    assert export_review(built_run, out) == 4 * len(FIELDS)
    rows = read(out)
    assert [r["field"] for r in rows[:len(FIELDS)]] == list(FIELDS)
    a1 = {r["field"]: r for r in rows if (r["document_id"], r["case_index"]) == ("a", "1")}
    assert a1["age_years"]["value"] == "60" and a1["age_years"]["evidence"] == "60-year-old"
    assert a1["enneking_stage"]["value"] == "" and a1["enneking_stage"]["confidence"] == ""
    assert a1["cement_volumes"]["value"] == "T12 3"
    assert all(r["corrected_value"] == "" and r["run"] == str(built_run.resolve()) for r in rows)


def test_round_trip_applies_the_corrections_and_keeps_the_rest(built_run, tmp_path):
    review = tmp_path / "review.csv"
    export_review(built_run, review)
    rows = read(review)
    correct(rows, "a", 1, "age_years", "61")
    correct(rows, "a", 1, "vas_pre", "null")
    correct(rows, "a", 2, "treatments", "vertebroplasty; Kyphoplasty")
    correct(rows, "b", 1, "feeder_arteries", "right T1; left")
    correct(rows, "e", 1, "outcome", "Resolved")
    correct(rows, "e", 2, "age_years", "70")  # a patient the run missed
    write(review, rows)
    summary = import_review(review, tmp_path / "gold.jsonl")
    records = gold(tmp_path / "gold.jsonl")
    assert [(r["document_id"], r["case_index"]) for r in records] == [
        ("a", 1), ("a", 2), ("b", 1), ("c", None), ("e", 1), ("e", 2)]
    a1, a2, b1, _, e1, e2 = records
    assert a1["age_years"] == 61 and a1["vas_pre"] is None and a1["sex"] == "female" and a1["vas_post"] == 2
    assert a2["treatments"] == ["vertebroplasty", "kyphoplasty"] and a2["combination"] == "vertebroplasty+kyphoplasty"
    assert b1["feeder_arteries"] == [{"side": "right", "level": "T1"}, {"side": "left", "level": None}]
    assert e1["outcome"] == "resolved" and e2["age_years"] == 70 and e2["treatments"] == []
    assert set(a1) == {"document_id", "case_index", *FIELDS}
    assert (summary.replaced, summary.removed, summary.added_patients) == (6, 1, 1)

    spans = {line["id"]: line for line in gold(tmp_path / "spans.jsonl")}
    assert set(spans) == {"a", "b", "e"}
    a_labels = [(s["label"], spans["a"]["text"][s["start"]:s["end"]]) for s in spans["a"]["spans"]]
    assert ("sex", "woman") in a_labels and ("vas_post", "to 2") in a_labels
    assert ("age_years", "60-year-old") not in a_labels and ("vas_pre", "VAS fell from 8") not in a_labels
    assert ("age_years", "40-year-old") in a_labels
    assert not any(label in ("treatments", "combination") and text == "treated by vertebroplasty"
                   for label, text in a_labels)
    assert spans["a"]["text"] == (built_run / "texts" / "a.txt").read_text(encoding="utf-8")


def test_the_scorer_reads_the_gold(built_run, tmp_path):
    review = tmp_path / "review.csv"
    export_review(built_run, review)
    import_review(review, tmp_path / "gold.jsonl")
    scorer = shared_path("eval", "score.py")  # skips only where ../shared is absent
    result = subprocess.run([sys.executable, str(scorer), "--gold", str(tmp_path / "gold.jsonl"),
                             "--pred", str(built_run / "cases.jsonl"), "--texts", str(built_run / "texts")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "F1 1.000" in result.stdout


@pytest.mark.parametrize("field, value, message", [
    ("sex", "femal", "'femal' is not one of: female male"),
    ("vas_pre", "11", "less than or equal to 10"),
    ("levels", "T13", "'T13' is not one of"),
    ("cement_volumes", "L1 lots", "cannot read 'lots'"),
    ("recurrence", "maybe", "not true or false"),
])
def test_an_invalid_correction_is_a_one_line_error_naming_the_row(built_run, tmp_path, field, value, message):
    review = tmp_path / "review.csv"
    export_review(built_run, review)
    rows = correct(read(review), "b", 1, field, value)
    line = 2 + next(i for i, r in enumerate(rows) if r["corrected_value"])
    write(review, rows)
    with pytest.raises(ReviewError) as error:
        import_review(review, tmp_path / "gold.jsonl")
    text = str(error.value)
    assert "\n" not in text and message in text
    assert f"line {line} (b case 1, {field})" in text
    assert not (tmp_path / "gold.jsonl").exists()


def test_unknown_documents_fields_and_contradictions_are_refused(built_run, tmp_path):
    review = tmp_path / "review.csv"
    export_review(built_run, review)
    for edit, message in [
        (lambda rows: correct(rows, "zz", 1, "age_years", "5"), "document 'zz' is not in the run"),
        (lambda rows: correct(rows, "a", 1, "colour", "red"), "'colour' is not a field"),
        (lambda rows: correct(correct(rows, "a", 1, "treatments", "kyphoplasty"), "a", 1, "combination",
                              "vertebroplasty"), "does not match the corrected treatments"),
    ]:
        rows = edit(read(review))
        write(tmp_path / "edited.csv", rows)
        with pytest.raises(ReviewError, match=message):
            import_review(tmp_path / "edited.csv", tmp_path / "gold.jsonl")


def test_the_run_folder_comes_from_the_csv_or_from_run(built_run, tmp_path):
    review = tmp_path / "review.csv"
    export_review(built_run, review)
    rows = read(review)
    for row in rows:
        row["run"] = ""
    write(review, rows)
    with pytest.raises(ReviewError, match="--run"):
        import_review(review, tmp_path / "gold.jsonl")
    assert import_review(review, tmp_path / "gold.jsonl", run=built_run).records == 4
