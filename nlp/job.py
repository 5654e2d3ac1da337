"""The per-file job: one input file read and extracted into document results.

Every engine runs :func:`process_file` on its workers, with the pipeline of
:func:`worker_pipeline` built once per worker; the main process uses the hashing and :func:`failure` for files it
decides about without a worker.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from nlp.ingest import Limits, document_id_for


@dataclass
class DocResult:
    """What one document of an input file gave (a PubMed set gives several)."""
    source: str
    document_id: str
    status: str  # ok, no_case, failed, skipped, duplicate, excluded
    sha256: str = ""
    reason: str = ""  # one line: why the status, for every status but ok
    text: Optional[str] = None
    title: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)


def one_line(message: str) -> str:
    return " ".join(str(message).split())[:300] or "unknown error"


def failure(source: str, reason: str, sha256: str = "") -> DocResult:
    """The one result of a file that failed as a whole, with its one-line reason."""
    return DocResult(source, document_id_for(Path(source)), "failed", sha256, one_line(reason))


def process_file(nlp, path: Path, limits: Limits) -> list[DocResult]:
    """Read and extract one input file (runs inside a worker)."""
    from nlp.ingest import read_path
    from nlp.ingest.document import ReadError
    from nlp.records import extract

    source = str(path)
    try:  # a file over the limit is refused by read_path below, unhashed
        digest = sha256_of(path) if path.stat().st_size <= limits.max_bytes else ""
    except OSError as exc:
        return [failure(source, f"cannot read file: {exc.strerror or exc}")]
    try:
        documents = read_path(path, limits)
    except ReadError as exc:
        return [failure(source, str(exc), digest)]
    except Exception as exc:  # a reader bug must not take the batch down
        return [failure(source, f"unreadable: {type(exc).__name__}: {exc}", digest)]
    results = []
    for document in documents:
        base = DocResult(source, document.id, "ok", digest, text=document.text, title=document.title,
                         metadata=dict(document.metadata))
        if len(document.text) > nlp.max_length:  # spaCy's own limit, said plainly
            base.status, base.text = "failed", None
            base.reason = f"text is {len(document.text)} characters, over the limit of {nlp.max_length}"
            results.append(base)
            continue
        try:
            extraction = extract(nlp, document)
        except Exception as exc:
            base.status, base.reason = "failed", one_line(f"extraction error: {type(exc).__name__}: {exc}")
            results.append(base)
            continue
        base.records = [r.to_json() for r in extraction.records]
        base.status = "ok" if base.records else "no_case"
        base.reason = "" if base.records else extraction.reason
        results.append(base)
    return results


_WARM_UP = ("Case report\nA 47-year-old woman had back pain for 6 months and VAS 8/10. MRI showed a T8 hemangioma. "
            "The right T8 intercostal artery was embolized with PVA, then vertebroplasty with 4 mL of PMMA; "
            "blood loss was 300 mL. 30 Gy. At 12 months of follow-up she was pain free without recurrence.\n")


# scispaCy's abbreviation detector finds "( ... )" with a pattern of any length, so its matcher
# returns every pair of brackets in a document, quadratic in time and memory (a 990,000-character
# text: 41 s and 1 GB in that one component); its own filter then keeps the pairs with at most 8
# tokens inside. The pattern bounded to 8 gives the same matches, in the same order.
ABBREVIATION_MAX_TOKENS = 8


def bound_abbreviation_matcher(nlp) -> None:
    from spacy.matcher import Matcher
    if "abbreviation_detector" not in nlp.pipe_names:
        return
    matcher = Matcher(nlp.vocab)
    matcher.add("parenthesis", [[{"ORTH": "("}, {"OP": f"{{1,{ABBREVIATION_MAX_TOKENS}}}"}, {"ORTH": ")"}]])
    nlp.get_pipe("abbreviation_detector").matcher = matcher


def worker_pipeline(model: Optional[Path] = None):
    """The pipeline a worker extracts with (``model``: a trained model folder whose spans join the
    rules): built, its abbreviation matcher bounded, warmed up."""
    from nlp.pipeline import build_pipeline
    nlp = build_pipeline(model=model)
    bound_abbreviation_matcher(nlp)
    warm_up(nlp)
    return nlp


def warm_up(nlp) -> None:
    """Extract from a small report once, so what the first extraction loads (rules, patterns)
    is loaded before the worker says it is ready: a file's time limit is spent on the file."""
    from nlp.ingest.document import Document
    from nlp.records import extract_records
    try:
        extract_records(nlp, Document(id="warm-up", text=_WARM_UP))
    except Exception:  # the first real file will say what is wrong
        pass


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
