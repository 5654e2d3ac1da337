"""A run: inputs in, case records, texts and a manifest out.

Every input is accounted for in the manifest. Records, texts and manifest rows are
streamed as each document finishes, in input order, one whole line or file at a time;
the CSV tables are derived from them at the end and written under a temporary name first.

A document is written in three steps, each whole: its text (under a hidden temporary name,
then renamed), all its records (one write of whole lines), then its manifest row (one line).
A run killed at any point leaves whole lines and whole texts, and a document that has its
manifest row has its text and all its records.

``--resume`` (see :class:`Previous`): the earlier run's manifest, records and texts are moved aside
into ``OUTDIR/.resume/<n>/`` and a fresh run is written in input order, exactly as a clean run
writes it, except that a document already ``ok`` or ``no_case`` there, from a file with the same
sha256, is copied from the earlier run instead of being extracted again. Only manifest rows count:
records or a text without a manifest row (what a killed run was writing) are never kept. A resumed
run that is killed in turn leaves one more folder under ``.resume/``; the next resume looks in all
of them, newest first, and the folder goes once a run has finished.
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
RESUME_DIR = ".resume"
KEPT_STATUSES = ("ok", "no_case")


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
    kept: int = 0  # documents taken from an earlier run (--resume) rather than extracted again

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

    def __init__(self, outdir: Path, resume: bool = False):
        self.outdir = outdir
        self.texts = outdir / "texts"
        self.ids = UniqueIds()
        self.hashes: dict[str, str] = {}
        self.summary = RunSummary()
        outdir.mkdir(parents=True, exist_ok=True)
        for name in RUN_FILES:  # a new run replaces an earlier one
            (outdir / name).unlink(missing_ok=True)
        remove_outputs(outdir)
        if not resume:  # the earlier run's results kept aside for --resume go with it
            shutil.rmtree(outdir / RESUME_DIR, ignore_errors=True)
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


_REPEAT_SUFFIX = re.compile(r"__\d+$")


@dataclass
class _Cache:
    """One earlier run moved aside: its manifest rows by source, and where each document's records lie."""
    folder: Path
    rows: dict[str, list[dict]]  # source -> its manifest rows (only sources whose rows are complete)
    records: dict[str, tuple[int, int, int]]  # document_id -> (offset, length, count) in cases.jsonl


@dataclass
class _Kept:
    cache: _Cache
    path: Path
    rows: list[dict]


class Previous:
    """The earlier runs in an OUTDIR, for ``--resume``."""

    def __init__(self, outdir: Path):
        self.outdir = outdir
        self.root = outdir / RESUME_DIR
        self.caches: list[_Cache] = []  # newest first

    @classmethod
    def prepare(cls, outdir: Path) -> "Previous":
        """Move the run in ``outdir`` (whatever a killed run left) aside and index every earlier run."""
        self = cls(outdir)
        if not outdir.is_dir():
            return self
        incoming = self.root / "incoming"
        if (outdir / "manifest.jsonl").exists() or incoming.exists():
            incoming.mkdir(parents=True, exist_ok=True)
            # The manifest last: a move killed midway is finished by the next resume.
            for name in ("cases.jsonl", "texts", "manifest.jsonl"):
                if (outdir / name).exists() and not (incoming / name).exists():
                    os.replace(outdir / name, incoming / name)
            if (incoming / "manifest.jsonl").exists():
                numbers = [int(p.name) for p in self.root.iterdir() if p.name.isdigit()]
                os.replace(incoming, self.root / str(max(numbers, default=0) + 1))
            else:
                shutil.rmtree(incoming, ignore_errors=True)
        if self.root.is_dir():
            folders = sorted((p for p in self.root.iterdir() if p.name.isdigit()), key=lambda p: -int(p.name))
            self.caches = [self._index(folder) for folder in folders]
        return self

    @staticmethod
    def _whole_lines(path: Path) -> Iterable[tuple[int, bytes]]:
        """(offset, line) for every whole line of ``path`` (a half line a kill left is ignored)."""
        if not path.is_file():
            return
        offset = 0
        with path.open("rb") as fh:
            for line in fh:
                if not line.endswith(b"\n"):
                    return
                yield offset, line
                offset += len(line)

    def _index(self, folder: Path) -> _Cache:
        rows: dict[str, list[dict]] = {}
        order: list[str] = []
        for _, line in self._whole_lines(folder / "manifest.jsonl"):
            try:
                row = json.loads(line)
            except ValueError:
                continue
            source = row.get("source", "")
            if source not in rows:
                order.append(source)
            rows.setdefault(source, []).append(row)
        # A file's documents are written one after another: the rows of the file written last may be
        # only some of them (a PubMed set); any other file's rows are all there.
        if order and order[-1].lower().endswith((".xml", ".nxml")):
            rows.pop(order[-1])
        wanted = {row["document_id"] for rs in rows.values() for row in rs if row.get("cases")}
        records: dict[str, tuple[int, int, int]] = {}
        for offset, line in self._whole_lines(folder / "cases.jsonl"):
            try:
                document_id = json.loads(line).get("document_id")
            except ValueError:
                continue
            if document_id not in wanted:
                continue
            start, length, count = records.get(document_id, (offset, 0, 0))
            if start + length == offset:  # one document's records are one block of lines
                records[document_id] = (start, length + len(line), count + 1)
        return _Cache(folder, rows, records)

    def lookup(self, path: Path, limits: Limits) -> Optional[_Kept]:
        """What the newest earlier run holds for ``path``, when it can be kept as it is."""
        source = writable(str(path))
        for cache in self.caches:
            rows = cache.rows.get(source)
            if rows is None:
                continue
            digest = file_sha256(path, limits.max_bytes)
            for row in rows:
                if row.get("status") not in KEPT_STATUSES or not digest or row.get("sha256") != digest:
                    return None
                if not (cache.folder / "texts" / f"{row['document_id']}.txt").is_file():
                    return None
                if row.get("cases") and cache.records.get(row["document_id"], (0, 0, 0))[2] != row["cases"]:
                    return None
            return _Kept(cache, path, rows)
        return None

    def materialize(self, kept: _Kept) -> list[DocResult]:
        """The kept documents as results, ready for the writer (which gives them their ids again)."""
        results = []
        natural = safe_id(document_id_for(kept.path))
        for row in kept.rows:
            stored = row["document_id"]
            base = natural if (stored == natural or re.fullmatch(re.escape(natural) + r"__\d+", stored)) \
                else _REPEAT_SUFFIX.sub("", stored)
            text = (kept.cache.folder / "texts" / f"{stored}.txt").read_bytes().decode("utf-8")
            records = []
            if row.get("cases"):
                offset, length, _ = kept.cache.records[stored]
                with (kept.cache.folder / "cases.jsonl").open("rb") as fh:
                    fh.seek(offset)
                    records = [json.loads(line) for line in fh.read(length).splitlines()]
            results.append(DocResult(str(kept.path), base, row["status"], row.get("sha256", ""), row.get("error", ""),
                                     text=text, title=row.get("title", ""),
                                     metadata={k: row.get(k, "") for k in ("journal", "year", "pmid", "doi")},
                                     records=records))
        return results

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def run_extract(paths: list[Path], outdir: Path, workers: int = 1, timeout: float = 120.0,
                limits: Optional[Limits] = None, progress: Optional[bool] = None, resume: bool = False,
                engine: str = "local", scheduler: Optional[str] = None, model: Optional[Path] = None) -> RunSummary:
    """Extract every input into ``outdir``; each file gets ``timeout`` seconds and ``limits``.

    ``resume``: keep what an earlier run in ``outdir`` finished (see :class:`Previous`).
    ``engine``: ``local`` (worker processes, :mod:`nlp.workers`) or ``dask`` (:mod:`nlp.dask_engine`,
    on the cluster at ``scheduler``, or on a LocalCluster of ``workers`` processes).
    ``model``: a trained model folder whose spans join the rules' candidates."""
    limits = limits or Limits()
    if engine not in ("local", "dask"):
        raise UsageError(f"unknown engine '{engine}' (local or dask)")
    if scheduler and engine != "dask":
        raise UsageError("--scheduler needs --engine dask")
    inputs = collect_inputs(paths)
    if outdir.exists() and not outdir.is_dir():
        raise UsageError(f"not a folder: {outdir}")
    try:
        previous = Previous.prepare(outdir) if resume else None
        writer = RunWriter(outdir, resume=resume)
    except OSError as exc:
        raise UsageError(f"cannot write to {outdir}: {exc.strerror or exc}") from None
    jobs: list[tuple[int, str]] = []
    kept: dict[int, _Kept] = {}
    done: dict[int, list[DocResult]] = {}
    for i, inp in enumerate(inputs):
        if not _readable(inp.path):
            done[i] = [_unsupported(inp)] if inp.named else [_skipped(inp, limits)]
        elif previous and (hit := previous.lookup(inp.path, limits)) is not None:
            kept[i] = hit
        else:
            jobs.append((i, str(inp.path)))
    from tqdm import tqdm
    bar = tqdm(total=len(inputs), unit="file", disable=not (sys.stderr.isatty() if progress is None else progress))
    next_index = 0

    def flush() -> None:
        nonlocal next_index
        while next_index in done or next_index in kept:
            if next_index in kept:
                results = previous.materialize(kept.pop(next_index))
                writer.write(results)
                writer.summary.kept += len(results)
            else:
                writer.write(done.pop(next_index))
            bar.update(1)
            next_index += 1

    flush()
    if engine == "dask":
        from nlp.dask_engine import DaskEngine
        pool = DaskEngine(workers, timeout, limits, scheduler=scheduler, model=model)
    else:
        pool = WorkerPool(workers, timeout, limits, model=model)
    for index, results in (pool.run(jobs) if jobs else ()):
        done[index] = results
        flush()
    flush()
    bar.close()
    summary = writer.close()
    if previous:
        previous.discard()
    return summary
