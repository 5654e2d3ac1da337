"""A run killed midway (SIGKILL, no chance to clean up) leaves whole outputs: every line of
cases.jsonl and manifest.jsonl is whole JSON, every visible text is whole, a document's records
are all there or none, and a document in the manifest has its text and all its records."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from hostile import TWO_CASES, command, report

pytestmark = pytest.mark.slow  # worker processes, kills and timeouts

DOCUMENTS = 40


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    data = path.read_bytes()
    assert data == b"" or data.endswith(b"\n"), f"{path.name} ends in half a line"
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("kill-in")
    for n in range(DOCUMENTS):
        text = TWO_CASES.format(a=20 + n, b=60 + n) if n % 3 == 0 else report(20 + n, "female" if n % 2 else "male")
        (src / f"doc{n:02d}.txt").write_text(text, encoding="utf-8")
    (src / "empty.txt").write_bytes(b"")
    return src


@pytest.fixture(scope="module")
def complete(inputs, tmp_path_factory) -> dict[str, list[dict]]:
    """The records of an uninterrupted run, by document: what a killed run must match, document by document."""
    out = tmp_path_factory.mktemp("kill-complete")
    result = subprocess.run([*command(), "extract", inputs, "-o", out, "--no-progress"], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 3, result.stderr
    by_document: dict[str, list[dict]] = {}
    for record in lines(out / "cases.jsonl"):
        by_document.setdefault(record["document_id"], []).append(record)
    return by_document


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find the workers")
@pytest.mark.parametrize("after", [2, 9])
def test_a_killed_run_leaves_whole_outputs(inputs, complete, tmp_path, after):
    out = tmp_path / "out"
    process = subprocess.Popen([*command(), "extract", inputs, "-o", out, "--workers", "2", "--no-progress"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    manifest = out / "manifest.jsonl"
    deadline = time.monotonic() + 120
    workers: set[int] = set()
    while time.monotonic() < deadline and process.poll() is None:
        workers.update(children(process.pid))
        if manifest.exists() and manifest.read_bytes().count(b"\n") >= after:
            break
        time.sleep(0.005)
    assert process.poll() is None, "the run ended before it could be killed"
    workers.update(children(process.pid))
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)

    rows = lines(manifest)
    records = lines(out / "cases.jsonl")
    assert after <= len(rows) < DOCUMENTS + 1
    assert not (out / "cases.csv").exists() and not (out / "manifest.csv").exists()  # written only at the end

    # A document's records are all there or none, exactly as an uninterrupted run writes them.
    written: dict[str, list[dict]] = {}
    for record in records:
        written.setdefault(record["document_id"], []).append(record)
    for document_id, got in written.items():
        assert got == complete[document_id]
    # A document with a manifest row has its text and all its records.
    for row in rows:
        assert row["cases"] == len(written.get(row["document_id"], []))
        if row["status"] == "ok":
            assert (out / "texts" / f"{row['document_id']}.txt").exists()
    assert len(written) - len({r["document_id"] for r in rows if r["cases"]}) <= 1  # at most the one being written

    # Every visible text is whole; a text being written when the kill came is hidden (".x.txt.tmp").
    for path in (out / "texts").iterdir():
        if path.name.startswith("."):
            assert path.name.endswith(".tmp")
            continue
        assert path.suffix == ".txt"
        assert path.read_bytes() == (inputs / path.name).read_bytes()

    # The workers notice their main process is gone and end.
    deadline = time.monotonic() + 20
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if alive(pid)]

    # A new run over the remains finishes the job.
    again = subprocess.run([*command(), "extract", inputs, "-o", out, "--no-progress"], capture_output=True,
                           text=True, timeout=300)
    assert again.returncode == 3
    assert len(lines(manifest)) == DOCUMENTS + 1
    assert not [p for p in (out / "texts").iterdir() if p.name.startswith(".")]
    finished: dict[str, list[dict]] = {}
    for record in lines(out / "cases.jsonl"):
        finished.setdefault(record["document_id"], []).append(record)
    assert finished == complete


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find the workers")
def test_ctrl_c_stops_the_run_and_its_workers_without_a_traceback(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a-numbers.txt").write_text("\n".join(str(n * 7919 % 1_000_003) for n in range(100_000)), encoding="utf-8")
    (src / "b-case.txt").write_text(report(47, "female"), encoding="utf-8")
    process = subprocess.Popen([*command(), "extract", src, "-o", tmp_path / "out", "--no-progress"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while not children(process.pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    workers = children(process.pid)
    time.sleep(3)  # the worker is deep in the 100,000 numbers
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert stderr == "caseminer: interrupted\n"
    time.sleep(0.5)
    assert workers and not [pid for pid in workers if alive(pid)]
    lines(tmp_path / "out" / "manifest.jsonl")  # whole lines, if any
