"""``--resume``: a run killed at any moment (kill -9), then resumed, ends with the outputs of one
clean run (the same cases.jsonl bytes, one manifest row per document, no duplicate records); what
an earlier run finished from unchanged files is kept, not extracted again."""
from __future__ import annotations

import json
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from hostile import EXAMPLES, TWO_CASES, command, report
from nlp.run import run_extract

pytestmark = pytest.mark.slow  # worker processes, kills and timeouts

DOCUMENTS = 24


def extract(src: Path, out: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([*command(), "extract", str(src), "-o", str(out), "--no-progress", *options],
                          capture_output=True, text=True, timeout=300)


def outputs(out: Path) -> dict[str, bytes]:
    """Everything a run leaves that must match a clean run's."""
    found = {name: (out / name).read_bytes() for name in ("cases.jsonl", "manifest.jsonl", "manifest.csv",
                                                         "cases.csv", "treatments.csv", "outcomes.csv")}
    for path in sorted((out / "texts").iterdir()):
        found[f"texts/{path.name}"] = path.read_bytes()
    return found


def check_whole_run(out: Path, clean: dict[str, bytes]) -> None:
    assert outputs(out) == clean
    assert not (out / ".resume").exists()
    rows = [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len({r["document_id"] for r in rows}) == len(rows)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("resume-in")
    for n in range(DOCUMENTS):
        text = TWO_CASES.format(a=20 + n, b=60 + n) if n % 3 == 0 else report(20 + n, "female" if n % 2 else "male")
        (src / f"doc{n:02d}.txt").write_text(text, encoding="utf-8")
    (src / "sub").mkdir()
    (src / "sub" / "doc03.txt").write_text(report(71, "male"), encoding="utf-8")  # a shared id: doc03__2
    (src / "copy.txt").write_bytes((src / "doc05.txt").read_bytes())  # duplicate
    (src / "empty.txt").write_bytes(b"")  # failed, retried on resume
    shutil.copy(EXAMPLES / "pubmed_set.xml", src / "m_pubmed_set.xml")  # several documents in one file
    return src


@pytest.fixture(scope="module")
def clean(inputs, tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("resume-clean")
    assert extract(inputs, out).returncode == 3
    return outputs(out)


def test_resume_after_a_kill_9_equals_a_clean_run(inputs, clean, tmp_path):
    out = tmp_path / "out"
    process = subprocess.Popen([*command(), "extract", str(inputs), "-o", str(out), "--workers", "2",
                                "--no-progress"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    manifest = out / "manifest.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if manifest.exists() and manifest.read_bytes().count(b"\n") >= 8:
            break
        time.sleep(0.005)
    assert process.poll() is None, "the run ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    done = manifest.read_bytes().count(b"\n")

    resumed = extract(inputs, out, "--resume", "--workers", "2")
    assert resumed.returncode == 3, resumed.stderr
    kept = int(resumed.stderr.rsplit("; ", 1)[1].split()[0])
    assert done - 2 <= kept <= done  # all the finished ones but the failed one (and the last XML's)
    check_whole_run(out, clean)


def test_resume_drops_half_written_documents_and_redoes_changed_files(inputs, clean, tmp_path):
    """What a kill leaves (records and a text with no manifest row, half a line, a hidden text), a
    killed move aside, and a file changed since: all put right."""
    src = tmp_path / "in"
    shutil.copytree(inputs, src)
    out = tmp_path / "out"
    run_extract([src], out, progress=False)
    rows = (out / "manifest.jsonl").read_bytes().splitlines(keepends=True)
    (out / "manifest.jsonl").write_bytes(b"".join(rows[:10]) + rows[10][:25])  # a kill after 10 rows
    (out / "cases.jsonl").write_bytes((out / "cases.jsonl").read_bytes() + b'{"document_id": "doc2')
    (out / "texts" / ".doc11.txt.tmp").write_bytes(b"half")
    (out / "cases.csv").unlink()
    (src / "doc01.txt").write_text(report(33, "male"), encoding="utf-8")  # changed since: extracted again
    # a resume killed while moving the earlier run aside
    (out / ".resume" / "incoming").mkdir(parents=True)
    shutil.move(str(out / "cases.jsonl"), out / ".resume" / "incoming" / "cases.jsonl")

    summary = run_extract([src], out, progress=False, resume=True)
    # 10 rows (copy.txt, doc00-doc08) less doc01 (changed) and doc05 (a duplicate: extracted again)
    assert summary.kept == 8
    fresh = tmp_path / "fresh"
    run_extract([src], fresh, progress=False)
    check_whole_run(out, outputs(fresh))
    assert outputs(fresh) != clean

    # A finished run resumed: everything kept but the failed and the duplicate documents, same outputs.
    assert run_extract([src], out, progress=False, resume=True).kept == 27
    check_whole_run(out, outputs(fresh))
