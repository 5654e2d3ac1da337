"""``--engine dask``: extraction on a dask.distributed LocalCluster of 2 worker processes gives the
outputs of the local engine, byte for byte."""
from __future__ import annotations

import shutil

import pytest

from hostile import EXAMPLES, report
from nlp.run import UsageError, run_extract

pytestmark = pytest.mark.slow  # worker processes, kills and timeouts

pytest.importorskip("distributed")


def test_dask_engine_equals_the_local_engine(tmp_path):
    src = tmp_path / "in"
    shutil.copytree(EXAMPLES, src)  # text, JATS, PubMed set, PDF
    for n in range(12):
        (src / f"case{n:02d}.txt").write_text(report(30 + n, "female" if n % 2 else "male"), encoding="utf-8")
    (src / "empty.txt").write_bytes(b"")
    (src / "notes.docx").write_bytes(b"PK")
    local, dask = tmp_path / "local", tmp_path / "dask"
    one = run_extract([src], local, progress=False)
    two = run_extract([src], dask, workers=2, progress=False, engine="dask")
    assert one == two
    for name in ("cases.jsonl", "manifest.jsonl", "cases.csv", "manifest.csv"):
        assert (local / name).read_bytes() == (dask / name).read_bytes(), name
    assert sorted(p.name for p in (local / "texts").iterdir()) == sorted(p.name for p in (dask / "texts").iterdir())
    # the source in every record's manifest row is the input's path, not the worker's copy
    assert str(src) in (dask / "manifest.jsonl").read_text(encoding="utf-8")


def test_scheduler_needs_the_dask_engine(tmp_path):
    (tmp_path / "a.txt").write_text(report(40, "male"), encoding="utf-8")
    with pytest.raises(UsageError):
        run_extract([tmp_path / "a.txt"], tmp_path / "out", scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(UsageError):
        run_extract([tmp_path / "a.txt"], tmp_path / "out", engine="spark")
