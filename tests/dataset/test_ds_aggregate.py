"""Merging runs: duplicates by DOI, PMID or content dropped and noted, clashing ids renamed."""
import csv
import json

import pytest

from nlp.dataset.aggregate import aggregate_runs
from nlp.dataset.rundir import NotARun
from tinyrun import TEXT_C, patient, write_run

TEXT_E2 = "Another report\n\nA 70-year-old woman had a T4 lesion treated by radiotherapy.\n"
TEXT_F = "A sacral lesion\n\nA 33-year-old man with an S2 lesion had kyphoplasty.\n"


def second_run_documents():
    return [
        {"id": "a", "status": "ok", "text": "The same article as a, read from its PDF.\n", "title": "Two patients",
         "doi": "https://doi.org/10.1000/A", "patients": [
             patient("A 61-year-old woman\n", 1, {"age_years": 61}, {})]},
        {"id": "x", "status": "ok", "text": "Same PubMed record as b.\n", "pmid": "222", "patients": [
            patient("x", 1, {"age_years": 1}, {})]},
        {"id": "y", "status": "no_case", "text": TEXT_C, "patients": []},  # the bytes of c
        {"id": "e", "status": "ok", "text": TEXT_E2, "title": "Another report", "patients": [
            patient(TEXT_E2, 1, {"age_years": 70, "sex": "female", "levels": ["T4"], "treatments": ["radiotherapy"]},
                    {"age_years": "70-year-old", "levels": "T4 lesion", "treatments": "radiotherapy"})]},
        {"id": "f", "status": "ok", "text": TEXT_F, "patients": [
            patient(TEXT_F, 1, {"age_years": 33, "levels": ["S2"], "treatments": ["kyphoplasty"]},
                    {"age_years": "33-year-old", "levels": "S2 lesion", "treatments": "kyphoplasty"})]},
        {"id": "d", "status": "failed", "text": None, "reason": "encrypted PDF", "patients": []},
    ]


@pytest.fixture(scope="module")
def merged(tmp_path_factory):
    base = tmp_path_factory.mktemp("agg")
    first = write_run(base / "first")
    second = write_run(base / "second", second_run_documents())
    summary = aggregate_runs([first, second], base / "merged")
    return base / "merged", summary


def manifest(run):
    return [json.loads(line) for line in (run / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]


def test_duplicates_by_doi_pmid_and_content_are_kept_as_duplicate(merged):
    out, summary = merged
    rows = manifest(out)
    assert [(r["document_id"], r["status"]) for r in rows] == [
        ("a", "ok"), ("b", "ok"), ("c", "no_case"), ("d", "failed"), ("e", "ok"),
        ("a__2", "duplicate"), ("x", "duplicate"), ("y", "duplicate"), ("e__2", "ok"), ("f", "ok"),
        ("d__2", "failed")]
    by_id = {r["document_id"]: r for r in rows}
    assert by_id["a__2"]["reason"] == "same DOI as a" and by_id["a__2"]["cases"] == 0
    assert by_id["x"]["reason"] == "same PMID as b"
    assert by_id["y"]["reason"] == "same content as c"
    assert summary.duplicates == 3


def test_records_and_texts_follow_the_kept_documents_and_their_new_ids(merged):
    out, summary = merged
    records = [json.loads(line) for line in (out / "cases.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["document_id"], r["case_index"]) for r in records] == [
        ("a", 1), ("a", 2), ("b", 1), ("e", 1), ("e__2", 1), ("f", 1)]
    assert records[4]["age_years"] == 70
    assert sorted(p.name for p in (out / "texts").iterdir()) == ["a.txt", "b.txt", "c.txt", "e.txt", "e__2.txt",
                                                                 "f.txt"]
    assert (out / "texts" / "e__2.txt").read_text(encoding="utf-8") == TEXT_E2
    span = records[4]["evidence"]["age_years"][0]
    assert TEXT_E2[span["start"]:span["end"]] == span["text"]


def test_the_merged_run_has_all_its_tables(merged):
    out, _ = merged
    with (out / "cases.csv").open(encoding="utf-8", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 6
    with (out / "combinations.csv").open(encoding="utf-8", newline="") as fh:
        combos = {r["combination"]: int(r["n_patients"]) for r in csv.DictReader(fh)}
    assert combos == {"embolization+vertebroplasty": 2, "vertebroplasty": 1, "radiotherapy": 1, "kyphoplasty": 1}
    with (out / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        assert sum(1 for r in csv.DictReader(fh) if r["status"] == "duplicate") == 3
    assert (out / "dataset" / "dataset_dict.json").exists()


def test_merging_into_one_of_the_runs_or_from_no_run_is_refused(tmp_path):
    run = write_run(tmp_path / "run")
    with pytest.raises(NotARun):
        aggregate_runs([run], run)
    with pytest.raises(NotARun):
        aggregate_runs([tmp_path / "nothing"], tmp_path / "out")
