"""What `caseminer extract` tells a user: summary lines whose nouns agree with their counts, what a
trained model did (per document in the manifest, in the summary, on the report page), and progress
lines in a log. The engine is replaced by one that hands back prepared results: no worker, no spaCy."""
import csv
import hashlib
import io
import re
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import nlp.run.extract as run_module
import nlp.run.progress as progress_module
from nlp.cli import app
from nlp.job import DocResult
from nlp.plural import plural
from nlp.run import run_extract
from nlp.run.progress import Progress
from nlp.schema import CaseRecord, Span

TEXT = "A 47-year-old woman had a T8 hemangioma. The lady was treated by embolization.\n"


def record(case_index: int, model: dict[str, str]) -> dict:
    """A valid record of TEXT; ``model``: the fields a model filled or changed."""
    def span(phrase: str) -> list[Span]:
        start = TEXT.index(phrase)
        return [Span(start=start, end=start + len(phrase), text=phrase)]
    return CaseRecord(document_id="?", case_index=case_index, age_years=47, sex="female", levels=["T8"],
                      evidence={"age_years": span("47-year-old"), "sex": span("lady"), "levels": span("T8")},
                      confidence={"age_years": 0.9, "sex": 0.54, "levels": 0.8}, model=model).to_json()


class PreparedEngine:
    """An engine whose file NAME gives ``results[NAME]`` (records), one file every ``delay`` seconds."""

    def __init__(self, results: dict[str, list[dict]], delay: float = 0.0):
        self.results, self.delay = results, delay

    def run(self, jobs):
        for index, path in jobs:
            time.sleep(self.delay)
            records = self.results[Path(path).name]
            yield index, [DocResult(path, Path(path).stem, "ok" if records else "no_case",
                                    hashlib.sha256(Path(path).read_bytes()).hexdigest(), text=TEXT,
                                    records=[dict(r) for r in records])]


@pytest.fixture
def engine(monkeypatch):
    """Install a PreparedEngine: ``engine(results, delay)``."""
    def install(results: dict[str, list[dict]], delay: float = 0.0) -> None:
        monkeypatch.setattr(run_module, "make_engine", lambda *args, **kw: PreparedEngine(results, delay))
    return install


def inputs(folder: Path, names: list[str]) -> Path:
    folder.mkdir()
    for name in names:
        (folder / name).write_text(f"{name}: {TEXT}", encoding="utf-8")
    return folder


def manifest(out: Path) -> list[dict]:
    with (out / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("records, skipped, line", [
    (1, 1, "1 case record from 2 documents (1 ok, 1 skipped)"),
    (2, 0, "2 case records from 1 document (1 ok)"),
    (0, 0, "0 case records from 1 document (1 no_case)"),
])
def test_the_summary_line_agrees_in_number(engine, tmp_path, records, skipped, line):
    src = inputs(tmp_path / "in", ["a.txt"] + ["notes.docx"] * skipped)
    engine({"a.txt": [record(i + 1, {}) for i in range(records)]})
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["extract", str(src), "-o", str(out)], prog_name="caseminer")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == f"{line} in {out}"


def test_plural():
    assert [plural(n, "case record") for n in (0, 1, 2)] == ["0 case records", "1 case record", "2 case records"]
    assert plural(1, "id") == "1 id" and plural(3, "ox", "oxen") == "3 oxen"


def test_the_manifest_and_the_summary_say_what_the_model_did(engine, tmp_path):
    src = inputs(tmp_path / "in", ["a.txt", "b.txt", "c.txt"])
    engine({"a.txt": [record(1, {"sex": "filled", "levels": "changed"}), record(2, {"sex": "filled"})],
            "b.txt": [record(1, {})], "c.txt": []})
    out = tmp_path / "out"
    summary = run_extract([src], out, model=tmp_path / "model", progress=False)
    assert summary.line(out) == (f"3 case records from 3 documents (1 no_case, 2 ok; the model filled 2 values "
                                 f"and changed 1 in 1 document) in {out}")
    assert [(r["document_id"], r["model_filled"], r["model_changed"]) for r in manifest(out)] == [
        ("a", "2", "1"), ("b", "0", "0"), ("c", "0", "0")]


def test_a_model_that_did_nothing_is_said_to_have_done_nothing(engine, tmp_path):
    src = inputs(tmp_path / "in", ["a.txt"])
    engine({"a.txt": [record(1, {})]})
    out = tmp_path / "out"
    with_model = run_extract([src], out, model=tmp_path / "model", progress=False)
    assert with_model.line(out) == (f"1 case record from 1 document (1 ok; the model filled and changed no value: "
                                    f"the records are the rules' own) in {out}")
    assert run_extract([src], out, progress=False).line(out) == f"1 case record from 1 document (1 ok) in {out}"


def test_the_report_page_marks_the_values_from_the_model(engine, tmp_path):
    from nlp.dataset.report import write_report
    src = inputs(tmp_path / "in", ["a.txt"])
    engine({"a.txt": [record(1, {"sex": "filled", "levels": "changed"})]})
    out = tmp_path / "out"
    run_extract([src], out, model=tmp_path / "model", progress=False)
    page = write_report(out).read_text(encoding="utf-8")
    rows = dict(re.findall(r'<tr id="p1-1-(\w+)"[^>]*>(.*?)</tr>', page))
    assert ('<span class="badge model" title="filled by the trained model: the rules gave no value">model</span>'
            in rows["sex"])
    assert ('<span class="badge model" title="changed by the trained model: the rules gave another value">'
            'model</span>' in rows["levels"])
    assert "badge model" not in rows["age_years"]


def test_progress_line_reads_files_done_rate_and_failures():
    now = [100.0]
    shown = Progress(40, stream=io.StringIO(), every=60, clock=lambda: now[0])
    try:
        for failed in [0] * 11 + [1]:
            shown.update(failed)
        now[0] += 5.0
        assert shown.line() == "12 of 40 files done (2.4/s), 1 failed"
    finally:
        shown.close()


def test_a_log_gets_a_progress_line_every_few_seconds(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(progress_module, "LINE_SECONDS", 0.05)
    src = inputs(tmp_path / "in", ["a.txt", "b.txt", "c.txt"])
    engine({"a.txt": [record(1, {})], "b.txt": [], "c.txt": []}, delay=0.2)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["extract", str(src), "-o", str(out)], prog_name="caseminer")
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    progress = [line for line in lines if re.fullmatch(r"[0-3] of 3 files done \(\d+\.\d/s\), 0 failed", line)]
    assert len(progress) >= 3 and progress == lines[:-1]  # nothing else but the summary line
    assert [int(line[0]) for line in progress] == sorted(int(line[0]) for line in progress)
    quiet = CliRunner().invoke(app, ["extract", str(src), "-o", str(out), "--no-progress"], prog_name="caseminer")
    assert quiet.stderr == f"1 case record from 3 documents (2 no_case, 1 ok) in {out}\n"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_the_bar_and_no_lines():
    stream = Terminal()
    shown = Progress(2, stream=stream, every=0.01)
    shown.update(0)
    time.sleep(0.05)
    shown.update(1)
    shown.close()
    assert "2/2" in stream.getvalue() and "files done" not in stream.getvalue()
