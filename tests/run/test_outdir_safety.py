"""Never lose a user's files (issue 11): each row of the issue's table, end to end.

The user's files and the inputs are byte-identical after a refused run; a second run into the
same folder at once is refused; a run's own outputs are never read as inputs; an earlier run that
cannot be moved aside stays whole; links leaving the folder and FIFOs are skipped with the reason;
evidence points into texts/; a replacement killed half-way leaves the earlier run whole."""
from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from hostile import command, report
from nlp.dataset.runmarker import read_marker
from nlp.run import UsageError, run_extract

pytestmark = pytest.mark.slow
README = Path(__file__).parents[2] / "README.md"


def caseminer(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([*command(), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300)


def extract(*args, cwd=None) -> subprocess.CompletedProcess:
    return caseminer("extract", *args, "--no-progress", cwd=cwd)


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) under ``folder``, by relative path."""
    return {str(p.relative_to(folder)): None if p.is_dir() else p.read_bytes() for p in sorted(folder.rglob("*"))}


def reports(folder: Path, n: int, first_age: int = 30) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"case{i:02d}.txt").write_text(report(first_age + i, "female" if i % 2 else "male"), encoding="utf-8")
    return folder


def rows(out: Path) -> dict[str, dict]:
    lines = (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    return {Path(row["source"]).name: row for row in map(json.loads, lines)}


def refused_in_one_line(result: subprocess.CompletedProcess) -> bool:
    return result.returncode == 2 and len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def earlier(tmp_path_factory) -> Path:
    """A finished run of three reports."""
    base = tmp_path_factory.mktemp("earlier")
    result = extract(reports(base / "in", 3), "-o", base / "run")
    assert result.returncode == 0, result.stderr
    return base / "run"


def test_inputs_in_texts_with_the_output_folder_above_them_are_left_as_they_are(tmp_path):
    work = tmp_path / "work"
    reports(work / "texts", 3)
    before = tree(work)
    for options in ((), ("--force",)):
        result = extract("texts", "-o", ".", *options, cwd=work)
        assert refused_in_one_line(result), result.stderr
        assert tree(work) == before


def test_a_folder_of_the_users_own_files_is_refused_and_left_byte_identical(tmp_path):
    src = reports(tmp_path / "in", 2)
    mine = tmp_path / "mine"
    for name in ("texts/notes.txt", "figures/plot.png", "report/index.html", "dataset/data.csv", "report.html",
                 "manifest.csv", "cases.csv"):
        (mine / name).parent.mkdir(parents=True, exist_ok=True)
        (mine / name).write_text(f"the user's {name}")
    before = tree(mine)
    plain = extract(src, "-o", mine)
    assert refused_in_one_line(plain) and "--force" in plain.stderr
    forced = extract(src, "-o", mine, "--force")
    assert refused_in_one_line(forced) and "not written by caseminer" in forced.stderr
    assert tree(mine) == before


def test_a_second_run_into_the_same_folder_at_once_is_refused_naming_the_first(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for part in (1, 2):  # slow to extract: the first run is still at it when the second one starts
        (src / f"a{part}-numbers.txt").write_text("\n".join(str(n * 7919 % 1_000_003 + part) for n in range(100_000)))
    (src / "b-case.txt").write_text(report(47, "female"), encoding="utf-8")
    other = reports(tmp_path / "other", 2)
    out = tmp_path / "out"
    first = subprocess.Popen([*command(), "extract", src, "-o", out, "--no-progress"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (out / "manifest.jsonl").exists():  # it is writing
        time.sleep(0.05)
    assert first.poll() is None, "the first run ended before the second one started"
    second = extract(other, "-o", out)
    assert first.poll() is None, "the first run ended before the second one was refused"
    assert refused_in_one_line(second) and f"pid {first.pid}" in second.stderr
    assert first.wait(timeout=300) == 0
    assert sorted(rows(out)) == ["a1-numbers.txt", "a2-numbers.txt", "b-case.txt"]


def test_an_output_folder_inside_the_input_folder_is_never_read(tmp_path):
    src = reports(tmp_path / "in", 3)
    out = src / "out"
    first = extract(src, "-o", out)
    first_rows = rows(out)
    second = extract(src, "-o", out)
    assert first.returncode == second.returncode == 0, second.stderr
    assert rows(out) == first_rows and sorted(first_rows) == ["case00.txt", "case01.txt", "case02.txt"]


def test_an_earlier_run_whose_texts_cannot_be_moved_stays_whole(tmp_path, earlier, monkeypatch):
    out = tmp_path / "out"
    shutil.copytree(earlier, out, symlinks=True)
    before = tree(out)
    texts = out / "texts"
    texts.chmod(0o555)  # a folder without write permission cannot be moved (its ".." would change)
    if os.geteuid() == 0:  # permissions do not bind root: the refusal a user gets from the kernel, given here
        rename = os.rename

        def refusing_rename(src, dst, *args, **kwargs):
            if Path(src) == texts:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(src))
            return rename(src, dst, *args, **kwargs)
        monkeypatch.setattr(os, "rename", refusing_rename)
    try:
        with pytest.raises(UsageError, match="texts.*Permission denied.*left as it was"):
            run_extract([reports(tmp_path / "in", 1)], out, progress=False)
    finally:
        texts.chmod(0o755)
    assert tree(out) == before


def test_a_link_leaving_the_folder_and_fifos_are_skipped_with_the_reason(tmp_path):
    src = reports(tmp_path / "in", 1)
    secret = tmp_path / "secret.txt"
    secret.write_text(report(55, "male", extra=" CANARY-outside-the-folder"), encoding="utf-8")
    (src / "link.txt").symlink_to(secret)
    os.mkfifo(src / "pipe.txt")
    out = tmp_path / "out"
    result = extract(src, "-o", out)
    assert result.returncode == 0, result.stderr
    found = rows(out)
    assert (found["link.txt"]["status"], found["pipe.txt"]["status"]) == ("skipped", "skipped")
    assert "outside the folder" in found["link.txt"]["reason"] and "FIFO" in found["pipe.txt"]["reason"]
    assert not [name for name, data in tree(out).items() if data and b"CANARY" in data]
    named = extract(src / "pipe.txt", src / "case00.txt", "-o", tmp_path / "named", "--timeout", "60")
    assert named.returncode == 3
    assert "FIFO" in rows(tmp_path / "named")["pipe.txt"]["reason"]  # failed at once, never opened


def test_evidence_of_a_crlf_file_points_into_its_written_text_as_the_readme_says(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "crlf.txt").write_bytes(b"\xef\xbb\xbf" + report(61, "female").replace("\n", "\r\n").encode("utf-8"))
    out = tmp_path / "out"
    assert extract(src, "-o", out).returncode == 0
    with (out / "texts" / "crlf.txt").open(encoding="utf-8", newline="") as fh:
        text = fh.read()
    assert "\r" not in text and not text.startswith("\ufeff")
    record = json.loads((out / "cases.jsonl").read_text(encoding="utf-8").splitlines()[0])
    spans = [span for field in record["evidence"].values() for span in field]
    assert spans and all(text[s["start"]:s["end"]] == s["text"] for s in spans)
    readme = README.read_text(encoding="utf-8")
    assert "offsets match the file" not in readme
    assert "evidence offsets point into `texts/<document_id>.txt`" in readme


def test_a_replacement_killed_half_way_leaves_the_earlier_run_whole_to_restore(tmp_path, earlier):
    out = tmp_path / "out"
    shutil.copytree(earlier, out, symlinks=True)
    before = tree(out)
    many = reports(tmp_path / "many", 30, first_age=20)
    replacement = subprocess.Popen([*command(), "extract", many, "-o", out, "--no-progress"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    manifest = out / "manifest.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and replacement.poll() is None:
        marker = read_marker(out)
        if marker and not marker.whole and manifest.exists() and manifest.read_bytes().count(b"\n") >= 3:
            break  # the replacement's own rows
        time.sleep(0.01)
    assert replacement.poll() is None, "the replacement ended before it could be killed"
    replacement.send_signal(signal.SIGKILL)
    replacement.wait(timeout=30)
    assert tree(out / ".previous") == before

    again = tmp_path / "again"
    shutil.copytree(out, again, symlinks=True)
    restored = caseminer("restore", out)
    assert restored.returncode == 0, restored.stderr
    assert tree(out) == before

    # Without a restore, the next run says where the earlier run is, and replaces it when it has finished.
    result = extract(reports(tmp_path / "next", 1), "-o", again)
    assert result.returncode == 0, result.stderr
    assert ".previous" in result.stderr and "caseminer restore" in result.stderr
    assert not (again / ".previous").exists() and sorted(rows(again)) == ["case00.txt"]
