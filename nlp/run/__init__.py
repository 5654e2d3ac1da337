"""A run of ``caseminer extract``: discovery (:mod:`~nlp.run.discovery`), the output folder and its
lock (:mod:`~nlp.run.outdir`, :mod:`~nlp.run.lock`), the streaming writer (:mod:`~nlp.run.writer`),
``--resume`` (:mod:`~nlp.run.resume`) and the orchestration (:mod:`~nlp.run.extract`) that joins
them to an engine (:mod:`nlp.engines`)."""
from nlp.run.extract import RunSummary, UsageError, restore_run, run_extract

__all__ = ["RunSummary", "UsageError", "restore_run", "run_extract"]
