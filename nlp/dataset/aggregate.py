"""``caseminer aggregate RUN_DIR... -o OUTDIR``: several runs merged into one run folder.

Documents are taken run by run, in manifest order. A document already met (same DOI, PMID or content:
:mod:`nlp.dataset.duplicates`) is kept in the manifest with status ``duplicate`` and its records and text
are dropped; a different document whose id is taken gets ``__2`` (``__3``, ...), in its records
and its text's name too. Rows a run already marked failed, skipped or duplicate are carried over.
Then the tables are built as at the end of a run.
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from nlp.dataset.csvio import open_atomic, temporary_name
from nlp.ids import UniqueIds
from nlp.dataset.duplicates import READ_STATUSES, SeenDocuments
from nlp.dataset.rundir import NotARun, check_run, manifest_rows, read_jsonl, text_path


@dataclass
class AggregateSummary:
    runs: int = 0
    documents: int = 0
    records: int = 0
    duplicates: int = 0
    renamed: dict = field(default_factory=dict)  # (run, old id) -> new id


def aggregate_runs(runs: list[Path], outdir: Path) -> AggregateSummary:
    """Merge ``runs`` into ``outdir`` (an earlier run there is replaced) and build its tables."""
    from nlp.dataset import remove_outputs
    from nlp.dataset.tables import build_tables

    runs = [check_run(Path(r)) for r in runs]
    outdir = Path(outdir)
    for run in runs:
        if run.resolve() == outdir.resolve():
            raise NotARun(f"the output folder is one of the runs to merge: {outdir}")
    outdir.mkdir(parents=True, exist_ok=True)
    remove_outputs(outdir)
    for name in ("cases.jsonl", "manifest.jsonl"):
        (outdir / name).unlink(missing_ok=True)
    texts = outdir / "texts"
    shutil.rmtree(texts, ignore_errors=True)
    texts.mkdir()

    summary = AggregateSummary(runs=len(runs))
    ids, seen = UniqueIds(), SeenDocuments()
    with open_atomic(outdir / "cases.jsonl") as cases, open_atomic(outdir / "manifest.jsonl") as manifest:
        for run in runs:
            kept: dict[str, str] = {}  # id in the run -> id in the merged run
            source, part = None, 0
            for row in manifest_rows(run):
                row = dict(row)
                part = part + 1 if row.get("source") == source else 0  # its place among its file's documents
                source = row.get("source")
                old_id = row["document_id"]
                row["document_id"] = new_id = ids(old_id)
                if new_id != old_id:
                    summary.renamed[(str(run), old_id)] = new_id
                if row.get("status") in READ_STATUSES:
                    reason = seen.earlier(row, part)
                    if reason:
                        row.update(status="duplicate", cases=0, reason=reason)
                        summary.duplicates += 1
                    else:
                        seen.add(row, new_id, part)
                        kept[old_id] = new_id
                        source = text_path(run, old_id)
                        if source.is_file():
                            target = text_path(outdir, new_id)
                            shutil.copyfile(source, temporary_name(target))
                            os.replace(temporary_name(target), target)
                manifest.write(json.dumps(row, ensure_ascii=False) + "\n")
                summary.documents += 1
            for record in read_jsonl(run / "cases.jsonl"):
                if record.get("document_id") in kept:
                    record["document_id"] = kept[record["document_id"]]
                    cases.write(json.dumps(record, ensure_ascii=False) + "\n")
                    summary.records += 1
    build_tables(outdir)
    return summary
