"""`caseminer extract` over a folder of hostile inputs: nothing crashes the batch, runs code, reads
a file it was not given or leaves the output folder; every input is accounted for."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import hostile
from nlp.ingest import Limits, ReadError, read_path

pytestmark = pytest.mark.slow  # worker processes, kills and timeouts

TIMEOUT = 3  # seconds per file: the 100,000 numbers run past it, every good report is far within it
RUN_LIMIT = 90  # seconds for the whole run


def caseminer(*args, cwd: Path) -> tuple[subprocess.CompletedProcess, float]:
    script = Path(sys.executable).with_name("caseminer")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "nlp"]
    started = time.monotonic()
    result = subprocess.run([*command, *map(str, args)], capture_output=True, text=True, cwd=cwd,
                            timeout=RUN_LIMIT + 60)
    return result, time.monotonic() - started


def shown(path: Path) -> str:
    """A path as the manifest writes it (bytes of a name that are not UTF-8 as \\xe9)."""
    return os.fsencode(str(path)).decode("utf-8", "backslashreplace")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    src, out, cwd = base / "in", base / "out", base / "cwd"
    cwd.mkdir()
    expect = hostile.build(src, base / "secret.txt")
    result, elapsed = caseminer("extract", src, "-o", out, "--workers", "2", "--timeout", TIMEOUT, "--no-progress",
                                cwd=cwd)
    rows = [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    records = [json.loads(line) for line in (out / "cases.jsonl").read_text(encoding="utf-8").splitlines()]
    return {"src": src, "out": out, "cwd": cwd, "base": base, "expect": expect, "result": result,
            "elapsed": elapsed, "rows": {row["source"]: row for row in rows}, "manifest": rows, "records": records}


def test_the_run_ends_in_bounded_time_with_exit_code_3(run):
    assert run["elapsed"] < RUN_LIMIT
    assert run["result"].returncode == 3, run["result"].stderr


def test_every_input_is_in_the_manifest_once_with_its_status(run):
    expected = {shown(run["src"] / name): e for name, e in run["expect"].items()}
    assert sorted(row["source"] for row in run["manifest"]) == sorted(expected)
    for source, e in expected.items():
        row = run["rows"][source]
        assert row["status"] == e.status, (source, row)
        if e.status == "failed":
            assert e.reason in row["reason"], (source, row["reason"])
            assert row["reason"].strip() and "\n" not in row["reason"] and len(row["reason"]) <= 300


def test_good_inputs_beside_them_are_extracted(run):
    by_document = {}
    for record in run["records"]:
        by_document.setdefault(record["document_id"], []).append(record)
    for name, e in run["expect"].items():
        if e.status != "ok":
            continue
        row = run["rows"][shown(run["src"] / name)]
        first = by_document[row["document_id"]][0]
        assert (first["age_years"], first["sex"]) == (e.age, e.sex), name
        text = (run["out"] / "texts" / f"{row['document_id']}.txt").read_text(encoding="utf-8")
        assert e.text in text
        for record in by_document[row["document_id"]]:
            for spans in record["evidence"].values():
                assert all(text[s["start"]:s["end"]] == s["text"] for s in spans)


def test_stderr_says_one_line_per_failed_input_and_no_traceback(run):
    stderr = run["result"].stderr
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    failed = [row for row in run["manifest"] if row["status"] == "failed"]
    reports = [line for line in lines if line.startswith("caseminer: ")]
    assert len(reports) == len(failed) and len(lines) == len(failed) + 1  # and the summary line
    for row in failed:
        assert sum(row["reason"] in line for line in reports) >= 1


def test_no_name_reached_a_shell(run):
    for root in (run["base"], run["cwd"], Path.cwd(), Path(__file__).parents[1]):
        assert not list(root.rglob("PWNED*")), root


def test_outputs_stay_in_the_output_folder(run):
    texts = run["out"] / "texts"
    assert all(p.parent == texts and p.suffix == ".txt" for p in texts.iterdir())
    assert not (texts / "../../../../ESCAPED.txt").resolve().exists()  # where a PMID "../../../../ESCAPED" led
    assert [p.parent for p in run["base"].rglob("*ESCAPED*")] == [texts]
    assert all("/" not in row["document_id"] for row in run["manifest"])


def test_no_output_holds_a_file_the_inputs_only_pointed_at(run):
    passwd = Path("/etc/passwd")
    leaks = [hostile.SECRET.encode()]
    if passwd.exists():
        leaks += [line for line in passwd.read_bytes().splitlines()[:3] if line.strip()]
    for path in run["out"].rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(leak in data for leak in leaks), path


def test_the_tables_are_whole(run):
    import csv
    with (run["out"] / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == len(run["manifest"])
    with (run["out"] / "cases.csv").open(encoding="utf-8", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == len(run["records"])


def test_a_real_file_that_runs_long_times_out_and_the_worker_is_replaced(tmp_path):
    """The 100,000 numbers take far more than a second inside spaCy and the regular expressions:
    the worker is stopped from outside, and the next file gets a fresh one."""
    src = tmp_path / "in"
    src.mkdir()
    rows = "\n".join(str(n * 7919 % 1_000_003) for n in range(hostile.NUMBERS))
    (src / "a-numbers.txt").write_text(rows, encoding="utf-8")
    (src / "b-good.txt").write_text(hostile.report(47, "female"), encoding="utf-8")
    result, elapsed = caseminer("extract", src, "-o", tmp_path / "out", "--timeout", 1, "--no-progress", cwd=tmp_path)
    assert result.returncode == 3 and "Traceback" not in result.stderr
    status = {Path(r["source"]).name: (r["status"], r["reason"])
              for r in map(json.loads, (tmp_path / "out" / "manifest.jsonl").read_text().splitlines())}
    assert status == {"a-numbers.txt": ("failed", "timed out after 1 s (--timeout)"), "b-good.txt": ("ok", "")}
    assert elapsed < 60


def test_limits_are_options(tmp_path):
    (tmp_path / "case.txt").write_text(hostile.report(47, "female") * 30, encoding="utf-8")
    (tmp_path / "pages.pdf").write_bytes(hostile.blank_pdf(12))
    assert (tmp_path / "pages.pdf").stat().st_size < 3000 < (tmp_path / "case.txt").stat().st_size
    with pytest.raises(ReadError, match=r"PDF has 12 pages, over the limit of 10 \(--max-pages\)"):
        read_path(tmp_path / "pages.pdf", Limits(max_pages=10))
    with pytest.raises(ReadError, match="no text layer"):  # within the limit, the file is read
        read_path(tmp_path / "pages.pdf", Limits(max_pages=12))
    with pytest.raises(ReadError, match=r"over the limit of 3000 \(--max-bytes\)"):
        read_path(tmp_path / "case.txt", Limits(max_bytes=3000))
    result, _ = caseminer("extract", tmp_path / "case.txt", tmp_path / "pages.pdf", "-o", tmp_path / "out",
                          "--max-pages", 3, "--max-bytes", 3000, cwd=tmp_path)
    assert result.returncode == 3
    errors = [json.loads(line)["reason"] for line in (tmp_path / "out" / "manifest.jsonl").read_text().splitlines()]
    assert errors == [f"file is {(tmp_path / 'case.txt').stat().st_size} bytes, over the limit of 3000 (--max-bytes)",
                      "PDF has 12 pages, over the limit of 3 (--max-pages)"]
