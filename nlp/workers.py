"""Worker processes that turn one input file into document results.

Each worker builds the pipeline once and handles one file at a time. A file that runs past
its time limit, or that crashes its worker (a segfault inside a C parser, say), costs only
that file: the worker is replaced and the batch goes on. Time is enforced from outside the
worker, so it holds inside C code and regular expressions too. Workers end with the main
process, however it ends.
"""
from __future__ import annotations

import hashlib
import logging
import multiprocessing as mp
import os
import signal
import sys
import time
import warnings
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Iterator, Optional

from nlp.ingest import Limits


@dataclass
class DocResult:
    """What one document of an input file gave (a PubMed set gives several)."""
    source: str
    document_id: str
    status: str  # ok, no_case, failed, skipped, duplicate
    sha256: str = ""
    error: str = ""
    text: Optional[str] = None
    title: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)


def one_line(message: str) -> str:
    return " ".join(str(message).split())[:300] or "unknown error"


def process_file(nlp, path: Path, limits: Limits) -> list[DocResult]:
    """Read and extract one input file (runs inside a worker)."""
    from nlp.ingest import document_id_for, read_path
    from nlp.ingest.document import ReadError
    from nlp.records import extract_records

    source = str(path)
    fallback_id = document_id_for(path)
    try:  # a file over the limit is refused by read_path below, unhashed
        digest = sha256_of(path) if path.stat().st_size <= limits.max_bytes else ""
    except OSError as exc:
        return [DocResult(source, fallback_id, "failed", error=one_line(f"cannot read file: {exc.strerror or exc}"))]
    try:
        documents = read_path(path, limits)
    except ReadError as exc:
        return [DocResult(source, fallback_id, "failed", digest, one_line(str(exc)))]
    except Exception as exc:  # a reader bug must not take the batch down
        return [DocResult(source, fallback_id, "failed", digest, one_line(f"unreadable: {type(exc).__name__}: {exc}"))]
    results = []
    for document in documents:
        base = DocResult(source, document.id, "ok", digest, text=document.text, title=document.title,
                         metadata=dict(document.metadata))
        if len(document.text) > nlp.max_length:  # spaCy's own limit, said plainly
            base.status, base.text = "failed", None
            base.error = f"text is {len(document.text)} characters, over the limit of {nlp.max_length}"
            results.append(base)
            continue
        try:
            records = extract_records(nlp, document)
        except Exception as exc:
            base.status, base.error = "failed", one_line(f"extraction error: {type(exc).__name__}: {exc}")
            results.append(base)
            continue
        base.records = [r.to_json() for r in records]
        base.status = "ok" if records else "no_case"
        results.append(base)
    return results


_WARM_UP = ("Case report\nA 47-year-old woman had back pain for 6 months and VAS 8/10. MRI showed a T8 hemangioma. "
            "The right T8 intercostal artery was embolized with PVA, then vertebroplasty with 4 mL of PMMA; "
            "blood loss was 300 mL. 30 Gy. At 12 months of follow-up she was pain free without recurrence.\n")


def _warm_up(nlp) -> None:
    """Extract from a small report once, so what the first extraction loads (rules, patterns)
    is loaded before the worker says it is ready: a file's time limit is spent on the file."""
    from nlp.ingest.document import Document
    from nlp.records import extract_records
    try:
        extract_records(nlp, Document(id="warm-up", text=_WARM_UP))
    except Exception:  # the first real file will say what is wrong
        pass


def _end_with_parent(parent: int) -> None:
    """Have the kernel kill this worker when its main process dies, however it dies (Linux);
    elsewhere the worker notices between files (see ``_next_job``)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # it died before that took hold
        os._exit(0)


def _next_job(conn: Connection, parent: int):
    while not conn.poll(1.0):
        if os.getppid() != parent:  # the main process is gone: nobody wants the result
            raise EOFError
    return conn.recv()


def _worker_main(conn: Connection, limits: Limits, parent: int, model: Optional[Path] = None) -> None:
    # Ctrl-C is the main process's to handle (it stops the workers); a worker whose main process
    # is gone (killed) ends with it.
    _end_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from nlp.pipeline import build_pipeline
    nlp = build_pipeline(model=model)
    _warm_up(nlp)
    # What a library says about one broken file (pypdf: "EOF marker not found") is not for the
    # terminal: a file's one-line reason in the manifest and on stderr says it.
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    try:
        conn.send(("ready", None))
        while True:
            job = _next_job(conn, parent)
            if job is None:
                return
            index, path = job
            conn.send((index, process_file(nlp, Path(path), limits)))
    except (EOFError, OSError):
        return


class _Worker:
    def __init__(self, ctx, limits: Limits, model: Optional[Path] = None):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, limits, os.getpid(), model), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.job: Optional[tuple[int, str]] = None
        self.deadline = 0.0

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.process.join(timeout=5)
        self.conn.close()


class WorkerPool:
    """Runs files on N worker processes; yields ``(index, [DocResult])`` as files finish."""

    def __init__(self, workers: int = 1, timeout: float = 120.0, limits: Optional[Limits] = None,
                 startup_timeout: float = 300.0, model: Optional[Path] = None):
        self.ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        self.size = max(1, workers)
        self.timeout = timeout
        self.limits = limits or Limits()
        self.model = model  # a trained model folder whose spans join the rules
        self.startup_timeout = startup_timeout

    def run(self, jobs: list[tuple[int, str]]) -> Iterator[tuple[int, list[DocResult]]]:
        pending = list(reversed(jobs))
        workers = [_Worker(self.ctx, self.limits, self.model) for _ in range(min(self.size, len(jobs)))]
        for w in workers:
            w.deadline = time.monotonic() + self.startup_timeout
        try:
            while any(w.job for w in workers) or pending:
                for w in workers:
                    if w.ready and w.job is None and pending:
                        w.job = pending.pop()
                        w.deadline = time.monotonic() + self.timeout
                        w.conn.send(w.job)
                ready = wait([w.conn for w in workers], timeout=0.5)
                for i, w in enumerate(workers):
                    if w.conn in ready:
                        try:
                            tag, payload = w.conn.recv()
                        except (EOFError, OSError):
                            yield from self._replace(workers, i, "worker crashed")
                            continue
                        if tag == "ready":
                            w.ready = True
                        else:
                            w.job = None
                            yield tag, payload
                    elif time.monotonic() > w.deadline and (w.job or not w.ready):
                        if not w.ready:
                            raise RuntimeError("a worker could not build the pipeline in time")
                        yield from self._replace(workers, i, f"timed out after {self.timeout:g} s (--timeout)")
        finally:
            for w in workers:
                w.stop(kill=w.job is not None)

    def _replace(self, workers: list[_Worker], i: int, reason: str) -> Iterator[tuple[int, list[DocResult]]]:
        w = workers[i]
        job = w.job
        w.stop(kill=True)
        if job is None:
            raise RuntimeError(f"a worker died before it was ready ({reason})")
        index, path = job
        from nlp.ingest import document_id_for
        digest = file_sha256(Path(path), self.limits.max_bytes)
        yield index, [DocResult(path, document_id_for(Path(path)), "failed", digest, reason)]
        workers[i] = _Worker(self.ctx, self.limits, self.model)
        workers[i].deadline = time.monotonic() + self.startup_timeout


def sha256_of(path: Path) -> str:
    """The file's SHA-256, read in chunks: a huge file costs time (bounded by --timeout), not memory."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_sha256(path: Path, max_bytes: int) -> str:
    """For the main process: the SHA-256 of a regular file within the size limit, else "" (never
    blocks on a pipe or reads a huge file)."""
    try:
        if path.is_file() and path.stat().st_size <= max_bytes:
            return sha256_of(path)
    except OSError:
        pass
    return ""
