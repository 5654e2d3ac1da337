"""The `caseminer` command end to end: outputs, manifest, statuses and exit codes."""
import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

CASE_A = """Aggressive vertebral hemangioma of T8 treated by embolization

Case report
A 47-year-old woman presented with back pain for six months. MRI showed a T8 hemangioma.
She recovered fully.
"""
CASE_B = """Vertebral hemangioma at L3

Case presentation
A 62-year-old man was admitted with radicular pain. He improved after treatment.
"""
REVIEW = """Vertebral hemangiomas: a review

Introduction
Vertebral hemangiomas are common benign lesions. Most patients are asymptomatic.
Radiotherapy is reserved for patients who are unfit for surgery.
"""


def caseminer(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "nlp", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def manifest(out: Path) -> list[dict]:
    with (out / "manifest.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    src = tmp_path_factory.mktemp("in")
    (src / "b_case.txt").write_text(CASE_B, encoding="utf-8")
    (src / "a_case.txt").write_text(CASE_A, encoding="utf-8")
    (src / "sub").mkdir()
    (src / "sub" / "a_case.txt").write_text(CASE_A.replace("47-year-old", "48-year-old"), encoding="utf-8")
    (src / "review.txt").write_text(REVIEW, encoding="utf-8")
    (src / "empty.txt").write_text("   \n", encoding="utf-8")
    (src / "copy of b.txt").write_text(CASE_B, encoding="utf-8")
    (src / "notes.docx").write_bytes(b"PK\x03\x04 not a report")
    out = tmp_path_factory.mktemp("out")
    result = caseminer("extract", src, "-o", out)
    return src, out, result


def test_exit_code_3_when_an_input_failed_and_the_rest_is_written(run):
    _, out, result = run
    assert result.returncode == 3, result.stderr
    assert "empty.txt" in result.stderr and "Traceback" not in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.startswith("caseminer: ")]) == 1


def test_every_input_is_in_the_manifest_in_sorted_order(run):
    src, out, _ = run
    rows = manifest(out)
    assert [r["source"] for r in rows] == sorted(str(p) for p in src.rglob("*") if p.is_file())
    status = {Path(r["source"]).name if "sub" not in r["source"] else "sub/a": r["status"] for r in rows}
    assert status == {"a_case.txt": "ok", "b_case.txt": "ok", "sub/a": "ok", "review.txt": "no_case",
                      "empty.txt": "failed", "copy of b.txt": "duplicate", "notes.docx": "skipped"}
    assert all(len(r["sha256"]) == 64 for r in rows)


def test_shared_ids_get_a_suffix(run):
    _, out, _ = run
    ids = [r["document_id"] for r in manifest(out)]
    assert "a_case" in ids and "a_case__2" in ids


def test_records_carry_valid_evidence_into_the_written_texts(run):
    _, out, _ = run
    records = [json.loads(line) for line in (out / "cases.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["document_id"], r["age_years"], r["sex"]) for r in records] == [
        ("a_case", 47, "female"), ("b_case", 62, "male"), ("a_case__2", 48, "female")]
    for record in records:
        text = (out / "texts" / f"{record['document_id']}.txt").read_text(encoding="utf-8")
        for spans in record["evidence"].values():
            for span in spans:
                assert text[span["start"]:span["end"]] == span["text"]
        assert set(record["confidence"]) == set(record["evidence"])
    with (out / "cases.csv").open(encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == 3


def test_a_new_run_replaces_the_old_one(run, tmp_path):
    src, out, _ = run
    first = (out / "cases.jsonl").read_bytes()
    again = caseminer("extract", src / "a_case.txt", "-o", out)
    assert again.returncode == 0
    assert [r["document_id"] for r in manifest(out)] == ["a_case"]
    assert sorted(p.name for p in (out / "texts").iterdir()) == ["a_case.txt"]
    assert (out / "cases.jsonl").read_bytes() == first.splitlines(keepends=True)[0]


def test_usage_errors_exit_2(tmp_path):
    missing = caseminer("extract", tmp_path / "nope", "-o", tmp_path / "out")
    assert missing.returncode == 2 and "no such file" in missing.stderr
    (tmp_path / "only").mkdir()
    (tmp_path / "only" / "x.docx").write_bytes(b"x")
    nothing = caseminer("extract", tmp_path / "only", "-o", tmp_path / "out2")
    assert nothing.returncode == 2 and "no readable input" in nothing.stderr


def test_unsupported_file_named_directly_fails(tmp_path):
    (tmp_path / "x.docx").write_bytes(b"PK")
    (tmp_path / "a.txt").write_text(CASE_A, encoding="utf-8")
    result = caseminer("extract", tmp_path / "x.docx", tmp_path / "a.txt", "-o", tmp_path / "out")
    assert result.returncode == 3
    assert {r["status"] for r in manifest(tmp_path / "out")} == {"failed", "ok"}


def test_two_workers_write_the_same_bytes(run, tmp_path):
    src, _, _ = run
    one, two = tmp_path / "one", tmp_path / "two"
    caseminer("extract", src, "-o", one)
    caseminer("extract", src, "-o", two, "--workers", "2")
    assert (one / "cases.jsonl").read_bytes() == (two / "cases.jsonl").read_bytes()
    assert (one / "manifest.csv").read_bytes() == (two / "manifest.csv").read_bytes()


def test_a_model_folder_with_pickled_weights_is_refused(tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text("{}", encoding="utf-8")
    (model / "pytorch_model.bin").write_bytes(b"\x80\x04pickle")
    (tmp_path / "a.txt").write_text(CASE_A, encoding="utf-8")
    result = caseminer("extract", tmp_path / "a.txt", "-o", tmp_path / "out", "--model", model)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
