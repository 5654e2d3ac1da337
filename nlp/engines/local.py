"""The local engine: worker processes on this machine, each running the per-file job.

Each worker builds the pipeline once and handles one file at a time. A file that runs past
its time limit, or that crashes its worker (a segfault inside a C parser, say), costs only
that file: the worker is replaced and the batch goes on. Time is enforced from outside the
worker, so it holds inside C code and regular expressions too. Workers end with the main
process, however it ends.
"""
from __future__ import annotations

import logging
import multiprocessing as mp
import os
import signal
import sys
import time
import warnings
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Iterator, Optional

from nlp.engines import Job
from nlp.ingest import Limits
from nlp.job import DocResult, failure, file_sha256, process_file, worker_pipeline


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


def _worker_main(conn: Connection, limits: Limits, parent: int, model: Optional[Path] = None,
                 pipeline=None) -> None:
    # Ctrl-C is the main process's to handle (it stops the workers); a worker whose main process
    # is gone (killed) ends with it.
    _end_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    nlp = pipeline if pipeline is not None else worker_pipeline(model)
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
    def __init__(self, ctx, limits: Limits, model: Optional[Path] = None, pipeline=None):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, limits, os.getpid(), model, pipeline),
                                   daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.job: Optional[Job] = None
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
        self.pipeline = None

    def _inherited_pipeline(self):
        """A forked worker inherits the pipeline built here once, its patterns compiled and gated
        (seconds of start-up each worker would otherwise repeat). Not with a model: torch's
        threads do not survive a fork."""
        if self.pipeline is None and self.ctx.get_start_method() == "fork" and self.model is None:
            self.pipeline = worker_pipeline()
        return self.pipeline

    def _start(self) -> _Worker:
        return _Worker(self.ctx, self.limits, self.model, self._inherited_pipeline())

    def run(self, jobs: list[Job]) -> Iterator[tuple[int, list[DocResult]]]:
        pending = list(reversed(jobs))
        workers = [self._start() for _ in range(min(self.size, len(jobs)))]
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
        yield index, [failure(path, reason, file_sha256(Path(path), self.limits.max_bytes))]
        workers[i] = self._start()
        workers[i].deadline = time.monotonic() + self.startup_timeout
