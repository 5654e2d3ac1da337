"""Documents through the run's writer (no pipeline): a run folder with its tables, in milliseconds."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from tinyrun import patient

from nlp.dataset.protocol import load_protocol
from nlp.job import DocResult
from nlp.run.writer import RunWriter

TEXT = "A 60-year-old woman had a T12 hemangioma treated by vertebroplasty.\n"


def case(index: int, **values) -> dict:
    """A patient of ``TEXT`` with ``values`` (evidence: the whole sentence)."""
    return patient(TEXT, index, values, {name: TEXT.strip() for name in values})


def document(source: str, records: list[dict], *, doc_id: str = "", sha256: str = "", status: str = "",
             reason: str = "", **metadata) -> DocResult:
    return DocResult(source, doc_id or Path(source).stem, status or ("ok" if records else "no_case"),
                     sha256 or f"sha-{source}", reason, text=TEXT, title=f"title of {source}",
                     metadata=metadata, records=records)


def write(outdir: Path, files: list[list[DocResult]], protocol: Optional[Path] = None) -> Path:
    """``files``: the documents of each input file, in order; the run's tables built."""
    outdir.mkdir(parents=True, exist_ok=True)
    writer = RunWriter(outdir, *(load_protocol(protocol) if protocol else ()))
    for results in files:
        writer.write(results)
    writer.close()
    return outdir
