"""A run: inputs in, case records, texts and a manifest out (``caseminer extract``).

Every input is accounted for in the manifest. The engine extracts files in any order; results
are written in input order as soon as the ones before them are (see :mod:`nlp.run.writer`), and
the tables are built at the end.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from nlp.engines import EngineError, make_engine
from nlp.ingest import Limits
from nlp.job import DocResult
from nlp.run.discovery import NoInput, collect_inputs, readable, unread_result
from nlp.run.resume import KeptFile, Previous
from nlp.run.writer import RunWriter


class UsageError(Exception):
    """Bad arguments: exit code 2."""


@dataclass
class RunSummary:
    counts: dict[str, int] = field(default_factory=dict)
    records: int = 0
    kept: int = 0  # documents taken from an earlier run (--resume) rather than extracted again

    @property
    def failed(self) -> int:
        return self.counts.get("failed", 0)


def run_extract(paths: list[Path], outdir: Path, workers: int = 1, timeout: float = 120.0,
                limits: Optional[Limits] = None, progress: Optional[bool] = None, resume: bool = False,
                engine: str = "local", scheduler: Optional[str] = None, model: Optional[Path] = None) -> RunSummary:
    """Extract every input into ``outdir``; each file gets ``timeout`` seconds and ``limits``.

    ``resume``: keep what an earlier run in ``outdir`` finished (see :mod:`nlp.run.resume`).
    ``engine``: ``local`` or ``dask`` (see :func:`nlp.engines.make_engine`, with ``workers`` and
    ``scheduler``). ``model``: a trained model folder whose spans join the rules' candidates."""
    limits = limits or Limits()
    try:
        pool = make_engine(engine, workers, timeout, limits, scheduler=scheduler, model=model)
        inputs = collect_inputs(paths)
    except (EngineError, NoInput) as exc:
        raise UsageError(str(exc)) from None
    if outdir.exists() and not outdir.is_dir():
        raise UsageError(f"not a folder: {outdir}")
    try:
        previous = Previous.prepare(outdir) if resume else None
        writer = RunWriter(outdir, resume=resume)
    except OSError as exc:
        raise UsageError(f"cannot write to {outdir}: {exc.strerror or exc}") from None
    summary = RunSummary()
    jobs: list[tuple[int, str]] = []
    kept: dict[int, KeptFile] = {}
    done: dict[int, list[DocResult]] = {}
    for i, inp in enumerate(inputs):
        if not readable(inp.path):
            done[i] = [unread_result(inp, limits)]
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
                summary.kept += len(results)
            else:
                writer.write(done.pop(next_index))
            bar.update(1)
            next_index += 1

    flush()
    for index, results in (pool.run(jobs) if jobs else ()):
        done[index] = results
        flush()
    flush()
    bar.close()
    writer.close()
    if previous:
        previous.discard()
    summary.counts, summary.records = writer.counts, writer.records
    return summary
