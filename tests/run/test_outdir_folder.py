"""The output folder without a run: the marker, the lock, what is set aside and when, and what a
kill in the middle of a move leaves (nlp/run/outdir.py, nlp/run/lock.py)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from nlp.dataset.runmarker import MARKER, RunMarker, add_outputs, read_marker
from nlp.run.lock import LOCK_FILE, FolderBusy, RunLock
from nlp.run.outdir import PREVIOUS_DIR, FolderRefused, OutputFolder

OUTPUTS = ("cases.jsonl", "texts")


def finished_run(folder, content: str) -> dict[str, bytes]:
    """A folder holding a whole run (as a run leaves it); returns its files."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cases.jsonl").write_text(content)
    (folder / "texts").mkdir()
    (folder / "texts" / "a.txt").write_text(content)
    RunMarker(list(OUTPUTS), finished="2025-01-01T00:00:00+00:00").save(folder)
    return files(folder)


def files(folder) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_new_run_marks_the_folder_and_sets_the_earlier_run_aside_until_it_finishes(tmp_path):
    out = tmp_path / "out"
    earlier = finished_run(out, "earlier")
    with OutputFolder(out) as folder:
        assert (out / LOCK_FILE).read_text().strip() == str(os.getpid())
        assert folder.make_room(OUTPUTS) is None
        assert files(out / PREVIOUS_DIR) == earlier  # whole, marker included
        assert read_marker(out).outputs == list(OUTPUTS) and not read_marker(out).whole
        (out / "cases.jsonl").write_text("new")
        folder.finish()
    assert not (out / PREVIOUS_DIR).exists() and not (out / LOCK_FILE).exists()
    marker = read_marker(out)
    assert marker.whole and marker.outputs == ["cases.jsonl"]  # only what is there


def test_a_folder_of_other_files_is_refused_untouched_and_force_never_writes_over_them(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    before = files(out)
    with pytest.raises(FolderRefused, match="--force"):
        OutputFolder(out).__enter__()
    assert files(out) == before and sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    (out / "texts").mkdir()
    with OutputFolder(out, force=True) as folder:
        with pytest.raises(FolderRefused, match="not written by caseminer"):
            folder.make_room(OUTPUTS)
    (out / "texts").rmdir()
    with OutputFolder(out, force=True) as folder:  # beside them is fine
        folder.make_room(OUTPUTS)
        folder.finish()
    assert (out / "notes.txt").read_text() == "mine"


def test_a_killed_run_leaves_the_earlier_whole_run_and_restore_puts_it_back(tmp_path):
    out = tmp_path / "out"
    earlier = finished_run(out, "earlier")
    with OutputFolder(out) as folder:
        folder.make_room(OUTPUTS)
        (out / "cases.jsonl").write_text("half of the new run")  # ... and the run is killed
    with OutputFolder(out) as folder:
        assert "caseminer restore" in folder.make_room(OUTPUTS)  # the next run says so
        assert files(out / PREVIOUS_DIR) == earlier
    with OutputFolder(out) as folder:
        folder.restore()
    assert files(out) == earlier and not (out / PREVIOUS_DIR).exists()


def test_a_move_aside_stopped_midway_is_rolled_back(tmp_path):
    out = tmp_path / "out"
    earlier = finished_run(out, "earlier")
    (out / PREVIOUS_DIR).mkdir()
    (out / "texts").rename(out / PREVIOUS_DIR / "texts")  # killed after the first move, before the marker's
    with OutputFolder(out) as folder:
        folder.make_room(OUTPUTS)
        assert files(out / PREVIOUS_DIR) == earlier


def test_a_cleanup_stopped_midway_is_finished_once_the_new_run_is_whole(tmp_path):
    out = tmp_path / "out"
    newer = finished_run(out, "newer")
    finished_run(out / PREVIOUS_DIR, "earlier")
    (out / PREVIOUS_DIR / "texts" / "a.txt").unlink()  # the cleanup was stopped here
    with OutputFolder(out) as folder:
        folder.make_room(OUTPUTS)
        assert files(out / PREVIOUS_DIR) == newer  # the older one went, the newer one is aside


def test_a_marker_cannot_point_outside_the_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    (out / MARKER).write_text(json.dumps({"started": "x", "finished": None,
                                          "outputs": ["../victim.txt", "/etc", "..", "cases.jsonl"]}))
    assert read_marker(out).outputs == ["cases.jsonl"]
    with OutputFolder(out) as folder:
        folder.make_room(OUTPUTS)
    assert victim.read_text() == "keep"


def test_the_report_lists_its_files_in_the_marker(tmp_path):
    RunMarker(["cases.jsonl"]).save(tmp_path)
    add_outputs(tmp_path, ["report.html", "figures"])
    assert read_marker(tmp_path).outputs == ["cases.jsonl", "figures", "report.html"]


def test_a_second_run_is_refused_at_once_naming_the_holder(tmp_path):
    first = RunLock(tmp_path)
    first.acquire()
    try:
        with pytest.raises(FolderBusy, match=rf"pid {os.getpid()}\b"):
            OutputFolder(tmp_path).__enter__()
    finally:
        first.release()


def test_a_lock_left_by_a_killed_run_does_not_block(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from pathlib import Path; "
                               "from nlp.run.lock import RunLock; RunLock(Path(sys.argv[1])).acquire(); "
                               "print('held', flush=True); time.sleep(60)", str(tmp_path)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(FolderBusy, match=f"pid {holder.pid}"):
        RunLock(tmp_path).acquire()
    holder.kill()
    holder.wait()
    assert (tmp_path / LOCK_FILE).read_text().strip() == str(holder.pid)  # left behind, stale
    with OutputFolder(tmp_path) as folder:
        folder.make_room(OUTPUTS)
