"""Extraction on a dask.distributed cluster (``caseminer extract --engine dask``).

The main process reads each input file and ships its bytes, in batches, to the cluster's workers:
the workers need caseminer installed (the same version) but no access to the input files, and
nothing is written on them except a temporary copy of the file being read. Each worker process
builds the pipeline once (:func:`pipeline`, a module-level cache) and sends back the same
:class:`nlp.job.DocResult` objects as the local engine, which the main process writes in input
order; the outputs are those of a local run.

What differs from the local engine: ``--timeout`` is not enforced inside a dask worker (dask cannot
stop a running task); a file that kills its worker process fails its batch, and dask's nanny starts
a new worker. Files over ``--max-bytes`` and files that are not regular files are never shipped:
they fail in the main process, with the same reason as in a local run.
"""
from __future__ import annotations

import logging
import tempfile
import warnings
from pathlib import Path
from typing import Any, Iterator, Optional

from nlp.engines import Job
from nlp.ingest import Limits
from nlp.job import DocResult, failure, file_sha256, process_file, worker_pipeline

BATCH_FILES = 8  # files per task
BATCH_BYTES = 8_000_000  # a batch is cut earlier when its files add up to this
IN_FLIGHT_PER_WORKER = 3  # batches submitted ahead, per worker: bounds the main process's memory

_PIPELINE: dict[str, Any] = {}


def pipeline(model: Optional[str] = None):
    """This process's pipeline (with the model folder, a path the worker can read), built and
    warmed up once."""
    nlp = _PIPELINE.get(str(model))
    if nlp is None:
        nlp = worker_pipeline(Path(model) if model else None)
        _PIPELINE[str(model)] = nlp
    return nlp


def extract_batch(batch: list[tuple[int, str, str, bytes]], limits: Limits,
                  model: Optional[str] = None) -> list[tuple[int, list[DocResult]]]:
    """Runs on a worker: each (index, source, file name, bytes) written to a temporary file and
    extracted as the local engine does; results carry the original source."""
    nlp = pipeline(model)
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        previous = logging.root.manager.disable
        logging.disable(logging.CRITICAL)
        try:
            with tempfile.TemporaryDirectory(prefix="caseminer-") as tmp:
                for index, source, name, data in batch:
                    folder = Path(tmp) / str(index)
                    folder.mkdir()
                    path = folder / name
                    path.write_bytes(data)
                    results = process_file(nlp, path, limits)
                    path.unlink()
                    for result in results:
                        result.source = source
                        if "source" in result.metadata:
                            result.metadata["source"] = source
                    out.append((index, results))
        finally:
            logging.disable(previous)
    return out


def _failed(path: str, limits: Limits, reason: str) -> list[DocResult]:
    return [failure(path, reason, file_sha256(Path(path), limits.max_bytes))]


class DaskEngine:
    """Runs files on a dask.distributed cluster; yields ``(index, [DocResult])`` as batches finish."""

    def __init__(self, workers: int = 1, limits: Optional[Limits] = None, scheduler: Optional[str] = None,
                 batch_files: int = BATCH_FILES, model: Optional[Path] = None):
        self.size = max(1, workers)
        self.model = str(model) if model else None
        self.limits = limits or Limits()
        self.scheduler = scheduler
        self.batch_files = batch_files

    def _batches(self, jobs: list[Job]) -> Iterator[tuple[list, list[tuple[int, list[DocResult]]]]]:
        """(batch to ship, results decided here) in input order."""
        batch: list = []
        size = 0
        for index, source in jobs:
            path = Path(source)
            local: Optional[list[DocResult]] = None
            try:
                st = path.stat()
                if not path.is_file():
                    local = _failed(source, self.limits, "cannot read file: not a regular file")
                elif st.st_size > self.limits.max_bytes:
                    local = process_file(None, path, self.limits)  # refused before any pipeline is needed
                else:
                    with path.open("rb") as fh:
                        data = fh.read(self.limits.max_bytes + 1)
            except OSError as exc:
                local = _failed(source, self.limits, f"cannot read file: {exc.strerror or exc}")
            if local is not None:
                yield [], [(index, local)]
                continue
            batch.append((index, source, path.name, data))
            size += len(data)
            if len(batch) >= self.batch_files or size >= BATCH_BYTES:
                yield batch, []
                batch, size = [], 0
        if batch:
            yield batch, []

    def run(self, jobs: list[Job]) -> Iterator[tuple[int, list[DocResult]]]:
        from distributed import Client, LocalCluster, as_completed
        cluster = None
        if self.scheduler:
            client = Client(self.scheduler)
        else:
            cluster = LocalCluster(n_workers=self.size, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(cluster)
        try:
            workers = max(1, len(client.scheduler_info().get("workers", {})) or self.size)
            limit = workers * IN_FLIGHT_PER_WORKER
            futures = as_completed()
            shipped: dict[Any, list] = {}
            batches = self._batches(jobs)
            exhausted = False

            def submit_more() -> Iterator[tuple[int, list[DocResult]]]:
                nonlocal exhausted
                while not exhausted and futures.count() < limit:
                    try:
                        batch, local = next(batches)
                    except StopIteration:
                        exhausted = True
                        return
                    yield from local
                    if batch:
                        future = client.submit(extract_batch, batch, self.limits, self.model, pure=False)
                        shipped[future.key] = [(i, s) for i, s, _, _ in batch]
                        futures.add(future)

            yield from submit_more()
            while futures.count() or not exhausted:
                if not futures.count():
                    yield from submit_more()
                    continue
                future = next(futures)
                files = shipped.pop(future.key)
                try:
                    results = future.result()
                except Exception as exc:  # the batch killed its workers, or a task error
                    reason = f"dask worker failed: {type(exc).__name__}: {exc}"
                    results = [(i, _failed(s, self.limits, reason)) for i, s in files]
                future.release()
                yield from results
                yield from submit_more()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
