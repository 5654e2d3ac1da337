"""A run: inputs in, case records, texts and a manifest out.

Every input is accounted for in the manifest. Records, texts and manifest rows are
streamed as each document finishes, in input order, one whole line or file at a time;
the CSV tables are derived from them at the end and written under a temporary name first.

A document is written in three steps, each whole: its text (under a hidden temporary name,
then renamed), all its records (one write of whole lines), then its manifest row (one line).
A run killed at any point leaves whole lines and whole texts, and a document that has its
manifest row has its text and all its records.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from nlp.ingest import READABLE_SUFFIXES, Limits, document_id_for
from nlp.dataset import build_tables, remove_outputs
from nlp.workers import DocResult, WorkerPool, file_sha256, one_line

RUN_FILES = ("cases.jsonl", "manifest.jsonl")


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
    """``document_id`` made unique within a run: later holders of an id get ``__2``, ``__3``
    (skipping any that an input already holds by its own name)."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}
        self.issued: set[str] = set()

    def __call__(self, document_id: str) -> str:
        n = self.seen.get(document_id, 0)
        unique = document_id
        while unique in self.issued:
            n += 1
            unique = f"{document_id}__{n}" if n > 1 else document_id
        self.seen[document_id] = max(n, 1)
        self.issued.add(unique)
        return unique


_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_BYTES = range(0xDC80, 0xDD00)  # how Python keeps the bytes of a file name that are not UTF-8
_UNSAFE_IN_ID = re.compile(r"[\x00-\x1f\x7f/\\]")
_MAX_ID_BYTES = 200  # room left for "__NN", ".txt" and the temporary name within 255 bytes


def writable(text: str) -> str:
    """``text`` as valid Unicode: a file-name byte that is not UTF-8 shows as ``\\xe9``, any other
    lone surrogate as U+FFFD."""
    def fix(match: re.Match) -> str:
        code = ord(match.group())
        return f"\\x{code - 0xDC00:02x}" if code in _ESCAPED_BYTES else "\ufffd"
    return _SURROGATE.sub(fix, text)


def printable(text: str) -> str:
    """``text`` for one line of a terminal: control characters (a newline in a file name) escaped."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                   for ch in writable(text))


def safe_id(document_id: str) -> str:
    """A document id that is one plain file name in texts/: no path separator or control character
    (a PMID comes from the file's content and could be "../../x"), valid UTF-8, at most 200 bytes."""
    safe = _UNSAFE_IN_ID.sub("_", writable(document_id)) or "_"
    while len(safe.encode("utf-8")) > _MAX_ID_BYTES:
        safe = safe[:-1]
    return safe


class AppendFile:
    """A file that grows by whole pieces: each ``append`` is one ``write`` at the end of the file,
    with nothing held back in a buffer."""

    def __init__(self, path: Path):
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)

    def append(self, data: bytes) -> None:
        view = memoryview(data)
        while view:  # a regular file takes it in one write; the loop is for the rare short one
            view = view[os.write(self.fd, view):]

    def close(self) -> None:
        os.close(self.fd)


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
        remove_outputs(outdir)
        shutil.rmtree(self.texts, ignore_errors=True)
        self.texts.mkdir()
        self.cases = AppendFile(outdir / "cases.jsonl")
        self.manifest = AppendFile(outdir / "manifest.jsonl")

    def write(self, results: list[DocResult]) -> None:
        for result in results:
            self._write_one(result)

    def _write_one(self, result: DocResult) -> None:
        result.source, result.error, result.title = (writable(result.source), writable(result.error),
                                                     writable(result.title))
        result.document_id = self.ids(safe_id(result.document_id))
        if result.status in ("ok", "no_case") and result.sha256:
            earlier = self.hashes.setdefault(result.sha256, result.source)
            if earlier != result.source:  # the same bytes under another name
                result.status, result.records = "duplicate", []
                result.error = f"same content as {earlier}"
        for record in result.records:
            record["document_id"] = result.document_id
        text = result.text if result.status in ("ok", "no_case") else None
        try:  # all encoded before anything is written: a document is written whole or not at all
            text_bytes = text.encode("utf-8") if text is not None else None
            cases_bytes = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in result.records).encode("utf-8")
        except (UnicodeEncodeError, ValueError) as exc:
            result.status, result.records, text_bytes, cases_bytes = "failed", [], None, b""
            result.error = one_line(f"cannot write the document: {exc}")
        row = {"source": result.source, "document_id": result.document_id, "status": result.status,
               "cases": len(result.records), "error": result.error, "sha256": result.sha256,
               "title": result.title,
               **{k: writable(str(result.metadata.get(k, ""))) for k in ("journal", "year", "pmid", "doi")}}
        if text_bytes is not None:
            _write_atomic(self.texts / f"{result.document_id}.txt", text_bytes)
        if cases_bytes:
            self.cases.append(cases_bytes)
        # Last: a document with a manifest row has its text and all its records written.
        self.manifest.append((json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))
        self.summary.counts[result.status] = self.summary.counts.get(result.status, 0) + 1
        self.summary.records += len(result.records)
        if result.status == "failed":
            print(f"caseminer: {printable(result.source)}: {printable(result.error)}", file=sys.stderr)

    def close(self) -> RunSummary:
        self.cases.close()
        self.manifest.close()
        build_tables(self.outdir)
        return self.summary


def _write_atomic(path: Path, data: bytes) -> None:
    """Whole under its name or absent: written under a hidden temporary name, then renamed."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _skipped(inp: Input, limits: Limits) -> DocResult:
    return DocResult(str(inp.path), document_id_for(inp.path), "skipped",
                     file_sha256(inp.path, limits.max_bytes), "not a type caseminer reads")


def _unsupported(inp: Input) -> DocResult:
    return DocResult(str(inp.path), document_id_for(inp.path), "failed", "",
                     f"unsupported file type '{''.join(inp.path.suffixes) or inp.path.name}'")


def run_extract(paths: list[Path], outdir: Path, workers: int = 1, timeout: float = 120.0,
                limits: Optional[Limits] = None, progress: Optional[bool] = None) -> RunSummary:
    """Extract every input into ``outdir``; each file gets ``timeout`` seconds and ``limits``."""
    limits = limits or Limits()
    inputs = collect_inputs(paths)
    if outdir.exists() and not outdir.is_dir():
        raise UsageError(f"not a folder: {outdir}")
    try:
        writer = RunWriter(outdir)
    except OSError as exc:
        raise UsageError(f"cannot write to {outdir}: {exc.strerror or exc}") from None
    jobs = [(i, str(inp.path)) for i, inp in enumerate(inputs) if _readable(inp.path)]
    done: dict[int, list[DocResult]] = {i: ([_unsupported(inp)] if inp.named else [_skipped(inp, limits)])
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
    for index, results in WorkerPool(workers, timeout, limits).run(jobs):
        done[index] = results
        flush()
    bar.close()
    return writer.close()
