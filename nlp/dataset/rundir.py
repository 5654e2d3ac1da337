"""Reading a run folder: its manifest, its records (streamed) and its document texts."""
from __future__ import annotations

import itertools
from pathlib import Path
from typing import Iterable, Iterator, Optional

from nlp.dataset.csvio import read_jsonl

class NotARun(Exception):
    """The folder holds no run (no manifest.jsonl)."""


def check_run(outdir: Path) -> Path:
    outdir = Path(outdir)
    if not (outdir / "manifest.jsonl").is_file():
        raise NotARun(f"not a caseminer run folder (no manifest.jsonl): {outdir}")
    return outdir


def manifest_rows(outdir: Path) -> Iterator[dict]:
    """The manifest's rows; a run written before ``reason`` replaced ``error`` reads the same."""
    for row in read_jsonl(Path(outdir) / "manifest.jsonl"):
        if "error" in row:
            row.setdefault("reason", row.pop("error"))
        yield row


def load_documents(outdir: Path) -> dict[str, dict]:
    """document_id -> its manifest row, in manifest order."""
    return {row["document_id"]: row for row in manifest_rows(outdir)}


def iter_records(outdir: Path, documents: Optional[dict] = None) -> Iterator[dict]:
    """The run's case records in order; with ``documents``, only those of documents the manifest
    holds (a run killed before a document's manifest row leaves that document out)."""
    for record in read_jsonl(Path(outdir) / "cases.jsonl"):
        if documents is None or record.get("document_id") in documents:
            yield record


def records_by_document(records: Iterable[dict]) -> Iterator[tuple[str, list[dict]]]:
    """(document_id, its records) for consecutive records of one document."""
    for document_id, group in itertools.groupby(records, key=lambda r: r["document_id"]):
        yield document_id, list(group)


def chunked(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def text_path(outdir: Path, document_id: str) -> Path:
    return Path(outdir) / "texts" / f"{document_id}.txt"


def read_text(outdir: Path, document_id: str) -> Optional[str]:
    """The document's text exactly as the run wrote it (evidence offsets point into it)."""
    path = text_path(outdir, document_id)
    if not path.is_file():
        return None
    with path.open(encoding="utf-8", newline="") as fh:
        return fh.read()
