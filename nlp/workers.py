"""Worker processes that turn one input file into document results.

Each worker builds the pipeline once and handles one file at a time. A file that runs past
its time limit, or that crashes its worker (a segfault inside a C parser, say), costs only
that file: the worker is replaced and the batch goes on. Time is enforced from outside the
worker, so it holds inside C code and regular expressions too.
"""
from __future__ import annotations

import hashlib
import multiprocessing as mp
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Iterator, Optional


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


def process_file(nlp, path: Path, max_bytes: int) -> list[DocResult]:
    """Read and extract one input file (runs inside a worker)."""
    from nlp.ingest import document_id_for, read_path
    from nlp.ingest.document import ReadError
    from nlp.records import extract_records

    source = str(path)
    fallback_id = document_id_for(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [DocResult(source, fallback_id, "failed", error=one_line(f"cannot read file: {exc.strerror or exc}"))]
    digest = hashlib.sha256(data).hexdigest()
    if len(data) > max_bytes:
        return [DocResult(source, fallback_id, "failed", digest,
                          f"file is {len(data)} bytes, over the limit of {max_bytes} (--max-bytes)")]
    try:
        documents = read_path(path)
    except ReadError as exc:
        return [DocResult(source, fallback_id, "failed", digest, one_line(str(exc)))]
    except Exception as exc:  # a reader bug must not take the batch down
        return [DocResult(source, fallback_id, "failed", digest, one_line(f"unreadable: {type(exc).__name__}: {exc}"))]
    results = []
    for document in documents:
        base = DocResult(source, document.id, "ok", digest, text=document.text, title=document.title,
                         metadata=dict(document.metadata))
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


def _worker_main(conn: Connection, max_bytes: int) -> None:
    from nlp.pipeline import build_pipeline
    nlp = build_pipeline()
    conn.send(("ready", None))
    while True:
        job = conn.recv()
        if job is None:
            return
        index, path = job
        conn.send((index, process_file(nlp, Path(path), max_bytes)))


class _Worker:
    def __init__(self, ctx, max_bytes: int):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, max_bytes), daemon=True)
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

    def __init__(self, workers: int = 1, timeout: float = 120.0, max_bytes: int = 50_000_000,
                 startup_timeout: float = 300.0):
        self.ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        self.size = max(1, workers)
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.startup_timeout = startup_timeout

    def run(self, jobs: list[tuple[int, str]]) -> Iterator[tuple[int, list[DocResult]]]:
        pending = list(reversed(jobs))
        workers = [_Worker(self.ctx, self.max_bytes) for _ in range(min(self.size, len(jobs)))]
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
        yield index, [DocResult(path, document_id_for(Path(path)), "failed", _sha256(Path(path)), reason)]
        workers[i] = _Worker(self.ctx, self.max_bytes)
        workers[i].deadline = time.monotonic() + self.startup_timeout


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""
