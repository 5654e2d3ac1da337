"""``--resume``: what earlier runs in an OUTDIR finished, kept instead of extracted again.

The earlier run's manifest, records and texts are moved aside into ``OUTDIR/.resume/<n>/`` and a
fresh run is written in input order, exactly as a clean run writes it, except that a document
already read there (``ok``, ``no_case``, ``excluded``), from a file with the same sha256, is copied from the earlier
run instead of being extracted again. Only manifest rows count: records or a text without a
manifest row (what a killed run was writing) are never kept. A resumed run that is killed in turn
leaves one more folder under ``.resume/``; the next resume looks in all of them, newest first, and
the folder goes once a run has finished.
"""
from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from nlp.dataset.duplicates import READ_STATUSES
from nlp.ids import safe_id, writable
from nlp.ingest import Limits, document_id_for
from nlp.job import DocResult, file_sha256

RESUME_DIR = ".resume"
KEPT_STATUSES = READ_STATUSES  # an excluded document is screened again by the writer
# What a resume takes from the run in OUTDIR, the manifest last: a move killed midway is finished
# by the next resume.
RESUMED = ("cases.jsonl", "texts", "manifest.jsonl")

_REPEAT_SUFFIX = re.compile(r"__\d+$")


@dataclass
class EarlierRun:
    """One earlier run moved aside: its manifest rows by source, and where each document's records lie."""
    folder: Path
    rows: dict[str, list[dict]]  # source -> its manifest rows (only sources whose rows are complete)
    records: dict[str, tuple[int, int, int]]  # document_id -> (offset, length, count) in cases.jsonl


@dataclass
class KeptFile:
    """An input whose documents an earlier run holds, to be copied from there."""
    cache: EarlierRun
    path: Path
    rows: list[dict]


class Previous:
    """The earlier runs in an OUTDIR, for ``--resume``."""

    def __init__(self, outdir: Path):
        self.outdir = outdir
        self.root = outdir / RESUME_DIR
        self.caches: list[EarlierRun] = []  # newest first

    @classmethod
    def prepare(cls, outdir: Path) -> "Previous":
        """Move the run in ``outdir`` (whatever a killed run left) aside and index every earlier run."""
        self = cls(outdir)
        if not outdir.is_dir():
            return self
        incoming = self.root / "incoming"
        if (outdir / "manifest.jsonl").exists() or incoming.exists():
            incoming.mkdir(parents=True, exist_ok=True)
            for name in RESUMED:
                if (outdir / name).exists() and not (incoming / name).exists():
                    os.replace(outdir / name, incoming / name)
            if (incoming / "manifest.jsonl").exists():
                numbers = [int(p.name) for p in self.root.iterdir() if p.name.isdigit()]
                os.replace(incoming, self.root / str(max(numbers, default=0) + 1))
            else:
                shutil.rmtree(incoming, ignore_errors=True)
        if self.root.is_dir():
            folders = sorted((p for p in self.root.iterdir() if p.name.isdigit()), key=lambda p: -int(p.name))
            self.caches = [self._index(folder) for folder in folders]
        return self

    @staticmethod
    def _whole_lines(path: Path) -> Iterable[tuple[int, bytes]]:
        """(offset, line) for every whole line of ``path`` (a half line a kill left is ignored)."""
        if not path.is_file():
            return
        offset = 0
        with path.open("rb") as fh:
            for line in fh:
                if not line.endswith(b"\n"):
                    return
                yield offset, line
                offset += len(line)

    def _index(self, folder: Path) -> EarlierRun:
        rows: dict[str, list[dict]] = {}
        order: list[str] = []
        for _, line in self._whole_lines(folder / "manifest.jsonl"):
            try:
                row = json.loads(line)
            except ValueError:
                continue
            source = row.get("source", "")
            if source not in rows:
                order.append(source)
            rows.setdefault(source, []).append(row)
        # A file's documents are written one after another: the rows of the file written last may be
        # only some of them (a PubMed set); any other file's rows are all there.
        if order and order[-1].lower().endswith((".xml", ".nxml")):
            rows.pop(order[-1])
        wanted = {row["document_id"] for rs in rows.values() for row in rs if row.get("cases")}
        records: dict[str, tuple[int, int, int]] = {}
        for offset, line in self._whole_lines(folder / "cases.jsonl"):
            try:
                document_id = json.loads(line).get("document_id")
            except ValueError:
                continue
            if document_id not in wanted:
                continue
            start, length, count = records.get(document_id, (offset, 0, 0))
            if start + length == offset:  # one document's records are one block of lines
                records[document_id] = (start, length + len(line), count + 1)
        return EarlierRun(folder, rows, records)

    def lookup(self, path: Path, limits: Limits) -> Optional[KeptFile]:
        """What the newest earlier run holds for ``path``, when it can be kept as it is."""
        source = writable(str(path))
        for cache in self.caches:
            rows = cache.rows.get(source)
            if rows is None:
                continue
            digest = file_sha256(path, limits.max_bytes)
            for row in rows:
                if row.get("status") not in KEPT_STATUSES or not digest or row.get("sha256") != digest:
                    return None
                if not (cache.folder / "texts" / f"{row['document_id']}.txt").is_file():
                    return None
                if row.get("cases") and cache.records.get(row["document_id"], (0, 0, 0))[2] != row["cases"]:
                    return None
            return KeptFile(cache, path, rows)
        return None

    def materialize(self, kept: KeptFile) -> list[DocResult]:
        """The kept documents as results, ready for the writer (which gives them their ids again)."""
        results = []
        natural = safe_id(document_id_for(kept.path))
        for row in kept.rows:
            stored = row["document_id"]
            base = natural if (stored == natural or re.fullmatch(re.escape(natural) + r"__\d+", stored)) \
                else _REPEAT_SUFFIX.sub("", stored)
            text = (kept.cache.folder / "texts" / f"{stored}.txt").read_bytes().decode("utf-8")
            records = []
            if row.get("cases"):
                offset, length, _ = kept.cache.records[stored]
                with (kept.cache.folder / "cases.jsonl").open("rb") as fh:
                    fh.seek(offset)
                    records = [json.loads(line) for line in fh.read(length).splitlines()]
            results.append(DocResult(str(kept.path), base, row["status"], row.get("sha256", ""), row.get("reason", ""),
                                     text=text, title=row.get("title", ""),
                                     metadata={k: row.get(k, "") for k in ("journal", "year", "pmid", "doi")},
                                     records=records))
        return results

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
