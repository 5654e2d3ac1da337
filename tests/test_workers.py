"""A document that hangs or crashes its worker costs only itself."""
import pytest
import os
import time
from pathlib import Path

from nlp.engines import local
from nlp.engines.local import WorkerPool
from nlp.job import DocResult

pytestmark = pytest.mark.slow  # worker processes, kills and timeouts


def _fake_process_file(nlp, path: Path, max_bytes: int):
    if "crash" in path.name:
        os._exit(139)  # as a segfault inside a C parser would
    if "hang" in path.name:
        time.sleep(60)
    return [DocResult(str(path), path.stem, "ok")]


def test_crash_and_timeout_fail_one_file_and_the_batch_goes_on(monkeypatch, tmp_path):
    monkeypatch.setattr(local, "process_file", _fake_process_file)  # inherited by forked workers
    names = ["a.txt", "crash.txt", "b.txt", "hang.txt", "c.txt"]
    for name in names:
        (tmp_path / name).write_text("x", encoding="utf-8")
    jobs = [(i, str(tmp_path / n)) for i, n in enumerate(names)]
    started = time.monotonic()
    results = dict(WorkerPool(workers=2, timeout=2).run(jobs))
    assert time.monotonic() - started < 30
    status = {names[i]: r[0].status for i, r in results.items()}
    assert status == {"a.txt": "ok", "crash.txt": "failed", "b.txt": "ok", "hang.txt": "failed", "c.txt": "ok"}
    assert "crashed" in results[1][0].reason
    assert "timed out" in results[3][0].reason
