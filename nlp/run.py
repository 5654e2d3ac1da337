"""A run: inputs in, case records, texts and a manifest out.

Every input is accounted for in the manifest. Records, texts and manifest rows are
streamed as each document finishes, in input order, one whole line or file at a time;
the CSV tables are derived from them at the end and written under a temporary name first.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from nlp.ingest import READABLE_SUFFIXES, document_id_for
from nlp.outputs import write_cases_csv, write_manifest_csv
from nlp.workers import DocResult, WorkerPool

RUN_FILES = ("cases.jsonl", "cases.csv", "manifest.csv", "manifest.jsonl")


class UsageError(Exception):
    """Bad arguments: exit code 2."""


@dataclass
class Input:
    path: Path
    named: bool  # given on the command line rather than met while scanning a folder


@dataclass
class RunSummary:
    counts: dict[str, int] = field(default_factory=dict)
    records: int = 0

    @property
    def failed(self) -> int:
        return self.counts.get("failed", 0)


def _readable(path: Path) -> bool:
    name = path.name.lower()
    return any(name.endswith(suffix) for suffix in READABLE_SUFFIXES)


def collect_inputs(paths: Iterable[Path]) -> list[Input]:
    """Files named and files under folders named, in sorted path order."""
    found: dict[Path, Input] = {}
    for path in paths:
        if not path.exists():
            raise UsageError(f"no such file or folder: {path}")
        if path.is_dir():
            for child in path.rglob("*"):
                if child.is_file() and not any(part.startswith(".") for part in child.relative_to(path).parts):
                    found.setdefault(child, Input(child, False))
        else:
            found[path] = Input(path, True)
    inputs = [found[p] for p in sorted(found, key=str)]
    if not any(_readable(i.path) for i in inputs) and not any(i.named for i in inputs):
        raise UsageError("no readable input found (caseminer reads " + ", ".join(READABLE_SUFFIXES) + ")")
    return inputs


class UniqueIds:
    """``document_id`` made unique within a run: later holders of an id get ``__2``, ``__3``."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def __call__(self, document_id: str) -> str:
        n = self.seen.get(document_id, 0) + 1
        self.seen[document_id] = n
        return document_id if n == 1 else f"{document_id}__{n}"


class RunWriter:
    """Streams a run's results into OUTDIR."""

    def __init__(self, outdir: Path):
        self.outdir = outdir
        self.texts = outdir / "texts"
        self.ids = UniqueIds()
        self.hashes: dict[str, str] = {}
        self.summary = RunSummary()
        outdir.mkdir(parents=True, exist_ok=True)
        for name in RUN_FILES:  # a new run replaces an earlier one
            (outdir / name).unlink(missing_ok=True)
        shutil.rmtree(self.texts, ignore_errors=True)
        self.texts.mkdir()
        self.cases = (outdir / "cases.jsonl").open("a", encoding="utf-8")
        self.manifest = (outdir / "manifest.jsonl").open("a", encoding="utf-8")

    def write(self, results: list[DocResult]) -> None:
        for result in results:
            result.document_id = self.ids(result.document_id)
            if result.status in ("ok", "no_case") and result.sha256:
                earlier = self.hashes.setdefault(result.sha256, result.source)
                if earlier != result.source:  # the same bytes under another name
                    result.status, result.records = "duplicate", []
                    result.error = f"same content as {earlier}"
            if result.text is not None and result.status in ("ok", "no_case"):
                _write_atomic(self.texts / f"{result.document_id}.txt", result.text)
            if result.records:
                for record in result.records:
                    record["document_id"] = result.document_id
                self.cases.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in result.records))
                self.cases.flush()
            row = {"source": result.source, "document_id": result.document_id, "status": result.status,
                   "cases": len(result.records), "error": result.error, "sha256": result.sha256,
                   "title": result.title, **{k: result.metadata.get(k, "") for k in ("journal", "year", "pmid", "doi")}}
            self.manifest.write(json.dumps(row, ensure_ascii=False) + "\n")
            self.manifest.flush()
            self.summary.counts[result.status] = self.summary.counts.get(result.status, 0) + 1
            self.summary.records += len(result.records)
            if result.status == "failed":
                print(f"caseminer: {result.source}: {result.error}", file=sys.stderr)

    def close(self) -> RunSummary:
        self.cases.close()
        self.manifest.close()
        write_manifest_csv(self.outdir / "manifest.jsonl", self.outdir / "manifest.csv")
        write_cases_csv(self.outdir / "cases.jsonl", self.outdir / "manifest.jsonl", self.outdir / "cases.csv")
        return self.summary


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8", newline="")
    tmp.replace(path)


def _skipped(inp: Input) -> DocResult:
    return DocResult(str(inp.path), document_id_for(inp.path), "skipped",
                     hashlib.sha256(inp.path.read_bytes()).hexdigest(), "not a type caseminer reads")


def _unsupported(inp: Input) -> DocResult:
    return DocResult(str(inp.path), document_id_for(inp.path), "failed", "",
                     f"unsupported file type '{''.join(inp.path.suffixes) or inp.path.name}'")


def run_extract(paths: list[Path], outdir: Path, workers: int = 1, timeout: float = 120.0,
                max_bytes: int = 50_000_000, progress: Optional[bool] = None) -> RunSummary:
    inputs = collect_inputs(paths)
    writer = RunWriter(outdir)
    jobs = [(i, str(inp.path)) for i, inp in enumerate(inputs) if _readable(inp.path)]
    done: dict[int, list[DocResult]] = {i: ([_unsupported(inp)] if inp.named else [_skipped(inp)])
                                        for i, inp in enumerate(inputs) if not _readable(inp.path)}
    from tqdm import tqdm
    bar = tqdm(total=len(inputs), unit="file", disable=not (sys.stderr.isatty() if progress is None else progress))
    next_index = 0

    def flush() -> None:
        nonlocal next_index
        while next_index in done:
            writer.write(done.pop(next_index))
            bar.update(1)
            next_index += 1

    flush()
    for index, results in WorkerPool(workers, timeout, max_bytes).run(jobs):
        done[index] = results
        flush()
    bar.close()
    return writer.close()
