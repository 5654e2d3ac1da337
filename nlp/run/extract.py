"""A run: inputs in, case records, texts and a manifest out (``caseminer extract``).

Every input is accounted for in the manifest. The output folder is claimed first (one run at a
time, only caseminer's files touched: :mod:`nlp.run.outdir`). The engine extracts files in any
order; results are written in input order as soon as the ones before them are (see
:mod:`nlp.run.writer`), and the tables are built at the end.
"""
from __future__ import annotations

import sys
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from nlp.dataset import TABLE_OUTPUTS
from nlp.dataset.protocol import ProtocolError, load_protocol
from nlp.engines import Engine, EngineError, make_engine
from nlp.ingest import Limits
from nlp.job import DocResult
from nlp.plural import plural
from nlp.run.discovery import Input, NoInput, collect_inputs, readable, unread_result
from nlp.run.lock import FolderBusy
from nlp.run.outdir import FolderRefused, OutputFolder
from nlp.run.progress import Progress
from nlp.run.resume import RESUME_DIR, RESUMED, KeptFile, Previous
from nlp.run.writer import WRITER_OUTPUTS, ModelCounts, RunWriter

# Every name a run may write at the top of OUTDIR: what its marker lists from the start.
RUN_OUTPUTS = WRITER_OUTPUTS + TABLE_OUTPUTS + (RESUME_DIR,)


class UsageError(Exception):
    """Bad arguments: exit code 2."""


@dataclass
class RunSummary:
    counts: dict[str, int] = field(default_factory=dict)
    records: int = 0
    kept: int = 0  # documents taken from an earlier run (--resume) rather than extracted again
    resumed: bool = False
    model: Optional[ModelCounts] = None  # with --model: what the model did to the records

    @property
    def failed(self) -> int:
        return self.counts.get("failed", 0)

    def line(self, outdir: Path) -> str:
        """The run's last line: records, documents by status, and what was kept or the model did."""
        statuses = ", ".join(f"{n} {status}" for status, n in sorted(self.counts.items()))
        notes = [f"{self.kept} kept from the earlier run"] if self.resumed else []
        if self.model is not None:
            m = self.model
            notes.append(f"the model filled {plural(m.filled, 'value')} and changed {m.changed} in "
                         f"{plural(m.documents, 'document')}" if m.documents else
                         "the model filled and changed no value: the records are the rules' own")
        return (f"{plural(self.records, 'case record')} from {plural(sum(self.counts.values()), 'document')} "
                f"({'; '.join([statuses] + notes)}) in {outdir}")


def run_extract(paths: list[Path], outdir: Path, workers: int = 1, timeout: float = 120.0,
                limits: Optional[Limits] = None, progress: bool = True, resume: bool = False,
                engine: str = "local", scheduler: Optional[str] = None, model: Optional[Path] = None,
                force: bool = False, protocol: Optional[Path] = None) -> RunSummary:
    """Extract every input into ``outdir``; each file gets ``timeout`` seconds and ``limits``.

    ``resume``: keep what an earlier run in ``outdir`` finished (see :mod:`nlp.run.resume`).
    ``engine``: ``local`` or ``dask`` (see :func:`nlp.engines.make_engine`, with ``workers`` and
    ``scheduler``). ``model``: a trained model folder whose spans join the rules' candidates.
    ``force``: write into a folder that holds files but no caseminer run (never over them).
    ``protocol``: a review protocol file that screens the patients (:mod:`nlp.dataset.protocol`).
    ``progress``: a bar on a terminal, a line every few seconds in a log (:mod:`nlp.run.progress`)."""
    limits = limits or Limits()
    try:
        screening = load_protocol(protocol) if protocol is not None else (None, "")
        pool = make_engine(engine, workers, timeout, limits, scheduler=scheduler, model=model)
        inputs = collect_inputs(paths, outdir, RUN_OUTPUTS)
    except (EngineError, NoInput, ProtocolError) as exc:
        raise UsageError(str(exc)) from None
    folder = OutputFolder(outdir, force)
    with ExitStack() as held:
        try:
            held.enter_context(folder)
            notice = folder.make_room(RUN_OUTPUTS, keep=RESUMED + (RESUME_DIR,) if resume else ())
            previous = Previous.prepare(outdir) if resume else None
            writer = RunWriter(outdir, *screening)
        except (FolderRefused, FolderBusy) as exc:
            raise UsageError(str(exc)) from None
        except OSError as exc:
            raise UsageError(f"cannot write to {outdir}: {exc.strerror or exc}") from None
        if notice:
            print(f"caseminer: {notice}", file=sys.stderr)
        summary = _extract(inputs, writer, pool, previous, limits, progress)
        summary.resumed = resume
        if model is not None:
            summary.model = writer.model
        folder.finish()
    return summary


def _extract(inputs: list[Input], writer: RunWriter, pool: Engine, previous: Optional[Previous], limits: Limits,
             progress: bool) -> RunSummary:
    """Every input through the engine (or from the earlier run) into the writer, in input order."""
    summary = RunSummary()
    jobs: list[tuple[int, str]] = []
    kept: dict[int, KeptFile] = {}
    done: dict[int, list[DocResult]] = {}
    for i, inp in enumerate(inputs):
        if inp.refused or not readable(inp.path):
            done[i] = [unread_result(inp, limits)]
        elif previous and (hit := previous.lookup(inp.path, limits)) is not None:
            kept[i] = hit
        else:
            jobs.append((i, str(inp.path)))
    shown = Progress(len(inputs), progress)
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
            shown.update(writer.counts.get("failed", 0))
            next_index += 1

    try:
        flush()
        for index, results in (pool.run(jobs) if jobs else ()):
            done[index] = results
            flush()
        flush()
    finally:
        shown.close()
    writer.close()
    if previous:
        previous.discard()
    summary.counts, summary.records = writer.counts, writer.records
    return summary


def restore_run(outdir: Path) -> str:
    """``caseminer restore``: the whole run kept in ``OUTDIR/.previous/`` put back in place of what
    a stopped replacement left; returns when that run started."""
    if not outdir.is_dir():
        raise UsageError(f"no such folder: {outdir}")
    try:
        with OutputFolder(outdir) as folder:
            return folder.restore().started
    except (FolderRefused, FolderBusy) as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot restore in {outdir}: {exc.strerror or exc}") from None
