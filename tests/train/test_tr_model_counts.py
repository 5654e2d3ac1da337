"""What a trained model did to a record: the values it filled (the rules gave none) or changed (the
rules gave another), kept in the record's ``model`` entry and counted in the manifest."""
import csv
import json
import subprocess
import sys

import pytest

from nlp.assemble import assemble
from nlp.extract.base import MODEL_FLAG, Candidate

TEXT = "A 45-year-old man had an L2 lesion. The woman was treated at L3 and L2."


def rule(field, value, phrase, confidence=0.8):
    start = TEXT.index(phrase)
    return Candidate(field, value, start, start + len(phrase), confidence, "case")


def model(field, value, phrase, confidence=0.54):
    start = TEXT.index(phrase)
    return Candidate(field, value, start, start + len(phrase), confidence, "case", frozenset({MODEL_FLAG}))


def test_the_record_says_which_values_the_model_filled_or_changed():
    candidates = [rule("age_years", 45, "45-year-old"), model("age_years", 45, "45-year-old"),  # agrees: rules'
                  model("sex", "female", "woman"),                                              # rules: none
                  rule("levels", "L2", "L2 lesion"), model("levels", "L3", "L3")]            # rules: L2 only
    record = assemble("d1", 1, candidates, TEXT)
    assert (record.age_years, record.sex, record.levels) == (45, "female", ["L2", "L3"])
    assert record.model == {"sex": "filled", "levels": "changed"}
    assert list(record.to_json())[-1] == "model"
    rules_only = assemble("d1", 1, [c for c in candidates if MODEL_FLAG not in c.flags], TEXT)
    assert rules_only.model == {} and "model" not in rules_only.to_json()  # a rules-only record is as it was


def test_a_weaker_model_value_that_loses_changes_nothing():
    record = assemble("d1", 1, [rule("sex", "male", "man"), model("sex", "female", "woman")], TEXT)
    assert record.sex == "male" and record.model == {}


@pytest.mark.slow
def test_extract_with_a_model_counts_its_values_in_the_manifest_and_the_summary(tiny_model, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Case report\nA 33-year-old woman presented with back pain at T7.\n", encoding="utf-8")
    (src / "b.txt").write_text("Case report\nThe patient, a girl aged 23, had a lesion of T4.\n", encoding="utf-8")
    out = tmp_path / "out"
    # a command of its own: this process holds torch's threads (it trained the model), which a forked
    # worker would not survive
    result = subprocess.run([sys.executable, "-m", "nlp", "extract", str(src), "-o", str(out), "--model",
                             str(tiny_model), "--no-progress"], capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in (out / "cases.jsonl").read_text(encoding="utf-8").splitlines()]
    with (out / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    effects = {row["document_id"]: [e for r in records if r["document_id"] == row["document_id"]
                                    for e in r.get("model", {}).values()] for row in rows}
    assert [(int(row["model_filled"]), int(row["model_changed"])) for row in rows] == [
        (effects[row["document_id"]].count("filled"), effects[row["document_id"]].count("changed")) for row in rows]
    filled = sum(int(row["model_filled"]) for row in rows)
    changed = sum(int(row["model_changed"]) for row in rows)
    touched = sum(1 for row in rows if int(row["model_filled"]) or int(row["model_changed"]))
    said = (f"the model filled {filled} value{'' if filled == 1 else 's'} and changed {changed} in {touched} "
            f"document{'' if touched == 1 else 's'}" if touched else
            "the model filled and changed no value: the records are the rules' own")
    assert result.stderr.splitlines()[-1] == f"2 case records from 2 documents (2 ok; {said}) in {out}"
