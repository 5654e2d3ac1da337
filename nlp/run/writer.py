"""The streaming writer: a run's texts, records and manifest rows, in input order, as each
document finishes.

A document is written in three steps, each whole: its text (under a hidden temporary name,
then renamed), all its records (one write of whole lines), then its manifest row (one line).
A run killed at any point leaves whole lines and whole texts, and a document that has its
manifest row has its text and all its records. The tables are derived from them at the end.
The folder is made ready first (:mod:`nlp.run.outdir`): none of these names is there.
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from nlp.atomic import write_atomic
from nlp.dataset import build_tables
from nlp.dataset.duplicates import READ_STATUSES, SeenDocuments
from nlp.dataset.protocol import PROTOCOL_FILE, Protocol, screen_document
from nlp.ids import UniqueIds, printable, safe_id, writable
from nlp.job import DocResult, one_line

TEXTS_DIR = "texts"
WRITER_OUTPUTS = ("cases.jsonl", "manifest.jsonl", TEXTS_DIR, PROTOCOL_FILE)
METADATA = ("journal", "year", "pmid", "doi")


class AppendFile:
    """A file that grows by whole pieces: each ``append`` is one ``write`` at the end of the file,
    with nothing held back in a buffer."""

    def __init__(self, path: Path):
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)

    def append(self, data: bytes) -> None:
        view = memoryview(data)
        while view:  # a regular file takes it in one write; the loop is for the rare short one
            view = view[os.write(self.fd, view):]

    def close(self) -> None:
        os.close(self.fd)


@dataclass
class ModelCounts:
    """How many values a trained model filled and changed (the records' ``model`` entries), and in
    how many documents."""
    filled: int = 0
    changed: int = 0
    documents: int = 0

    @classmethod
    def of(cls, records: list[dict]) -> ModelCounts:
        effects = [effect for record in records for effect in record.get("model", {}).values()]
        filled, changed = effects.count("filled"), effects.count("changed")
        return cls(filled, changed, 1 if filled or changed else 0)

    def add(self, other: ModelCounts) -> None:
        self.filled += other.filled
        self.changed += other.changed
        self.documents += other.documents


class RunWriter:
    """Streams a run's results into OUTDIR and counts them (``counts`` by status, ``records``,
    ``model``).

    A document read is a ``duplicate`` when an earlier one of the run has its DOI, PMID or content
    (:mod:`nlp.dataset.duplicates`); with a ``protocol`` (and its ``protocol_text``, kept as
    protocol.yaml), every other document with patients is screened (:mod:`nlp.dataset.protocol`)."""

    def __init__(self, outdir: Path, protocol: Optional[Protocol] = None, protocol_text: str = ""):
        self.outdir = outdir
        self.texts = outdir / TEXTS_DIR
        self.ids = UniqueIds()
        self.seen = SeenDocuments()
        self.protocol = protocol
        self.counts: dict[str, int] = {}
        self.records = 0
        self.model = ModelCounts()
        self.texts.mkdir()
        if protocol is not None:
            write_atomic(outdir / PROTOCOL_FILE, protocol_text.encode("utf-8"))
        self.cases = AppendFile(outdir / "cases.jsonl")
        self.manifest = AppendFile(outdir / "manifest.jsonl")

    def write(self, results: list[DocResult]) -> None:
        """The documents of one input file, in order."""
        for part, result in enumerate(results):
            self._write_one(result, part)

    def _write_one(self, result: DocResult, part: int) -> None:
        result.source, result.reason, result.title = (writable(result.source), writable(result.reason),
                                                      writable(result.title))
        result.document_id = self.ids(safe_id(result.document_id))
        metadata = {k: writable(str(result.metadata.get(k, ""))) for k in METADATA}
        identity = {**metadata, "sha256": result.sha256}
        screening = None
        if result.status in READ_STATUSES:
            earlier = self.seen.earlier(identity, part)
            if earlier:
                result.status, result.records, result.reason = "duplicate", [], earlier
            else:
                self.seen.add(identity, result.document_id, part)
                if result.records:  # screened again when a resumed run kept it
                    result.status, result.reason = "ok", ""
        for record in result.records:
            record["document_id"] = result.document_id
        if self.protocol is not None and result.records:
            screening = screen_document(self.protocol, metadata, result.records)
            result.status, result.reason = screening.status, screening.reason
        text = result.text if result.status in READ_STATUSES else None
        try:  # all encoded before anything is written: a document is written whole or not at all
            text_bytes = text.encode("utf-8") if text is not None else None
            cases_bytes = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in result.records).encode("utf-8")
        except (UnicodeEncodeError, ValueError) as exc:
            result.status, result.records, text_bytes, cases_bytes = "failed", [], None, b""
            result.reason, screening = one_line(f"cannot write the document: {exc}"), None
        model = ModelCounts.of(result.records)
        row = {"source": result.source, "document_id": result.document_id, "status": result.status,
               "cases": len(result.records), "model_filled": model.filled, "model_changed": model.changed,
               "reason": result.reason, "sha256": result.sha256, "title": result.title, **metadata}
        if screening is not None and screening.excluded_cases:
            row["excluded_cases"] = screening.excluded_cases
        if text_bytes is not None:
            write_atomic(self.texts / f"{result.document_id}.txt", text_bytes)
        if cases_bytes:
            self.cases.append(cases_bytes)
        # Last: a document with a manifest row has its text and all its records written.
        self.manifest.append((json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))
        self.counts[result.status] = self.counts.get(result.status, 0) + 1
        self.records += len(result.records)
        self.model.add(model)
        if result.status == "failed":
            print(f"caseminer: {printable(result.source)}: {printable(result.reason)}", file=sys.stderr)

    def close(self) -> None:
        """Close the streams and build the tables from them."""
        self.cases.close()
        self.manifest.close()
        build_tables(self.outdir)
