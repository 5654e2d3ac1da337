"""A run of ``caseminer extract``: discovery (:mod:`~nlp.run.discovery`), the streaming writer
(:mod:`~nlp.run.writer`), ``--resume`` (:mod:`~nlp.run.resume`) and the orchestration
(:mod:`~nlp.run.extract`) that joins them to an engine (:mod:`nlp.engines`)."""
from nlp.run.extract import RunSummary, UsageError, run_extract

__all__ = ["RunSummary", "UsageError", "run_extract"]
