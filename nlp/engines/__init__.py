"""The engines that run the per-file job (:mod:`nlp.job`) over a run's input files.

Every engine takes jobs ``(index, path)`` and yields ``(index, [DocResult])`` as files finish, in
any order; the run puts them back in input order. :func:`make_engine` builds one from its name
(``caseminer extract --engine``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator, Optional, Protocol

from nlp.ingest import Limits
from nlp.job import DocResult

ENGINES = ("local", "dask")

Job = tuple[int, str]  # (index of the input, its path)


class Engine(Protocol):
    def run(self, jobs: list[Job]) -> Iterator[tuple[int, list[DocResult]]]:
        """Each job's results, as its file finishes."""
        ...


class EngineError(ValueError):
    """An unknown engine, or an option the chosen engine does not take."""


def make_engine(name: str, workers: int = 1, timeout: float = 120.0, limits: Optional[Limits] = None,
                scheduler: Optional[str] = None, model: Optional[Path] = None) -> Engine:
    """``local``: ``workers`` processes on this machine, each file given ``timeout`` seconds.
    ``dask``: the dask.distributed cluster at ``scheduler``, or a LocalCluster of ``workers``
    processes (no timeout: dask cannot stop a running task). ``model``: a trained model folder
    whose spans join the rules' candidates."""
    if name not in ENGINES:
        raise EngineError(f"unknown engine '{name}' ({' or '.join(ENGINES)})")
    if scheduler and name != "dask":
        raise EngineError("--scheduler needs --engine dask")
    if name == "dask":
        from nlp.engines.dask import DaskEngine
        return DaskEngine(workers, limits, scheduler=scheduler, model=model)
    from nlp.engines.local import WorkerPool
    return WorkerPool(workers, timeout, limits, model=model)
