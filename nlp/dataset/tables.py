"""A run's tables, built from its streamed records at the end of the run.

``build_tables(outdir)`` reads ``cases.jsonl`` in chunks together with ``manifest.jsonl`` and
writes, each validated by its pandera model and renamed into place when complete:
manifest.csv, cases.csv, cases.parquet, treatments.csv, outcomes.csv, combinations.csv,
synthesis.csv, codebook.csv, codebook.md and the Hugging Face dataset in dataset/.
"""
from __future__ import annotations

import shutil
from contextlib import ExitStack
from pathlib import Path

from nlp.dataset import STAGING_DIR, codebook, hf
from nlp.dataset.combinations import CombinationStats
from nlp.dataset.csvio import CsvWriter, write_frame
from nlp.dataset.models import (CasesTable, CombinationsTable, ManifestTable, OutcomesTable,
                                SynthesisTable, TreatmentsTable, columns_of, frame)
from nlp.dataset.parquet import ParquetTable
from nlp.dataset.rows import case_row, exclusion_of, outcome_rows, treatment_rows
from nlp.dataset.rundir import chunked, iter_records, load_documents, manifest_rows
from nlp.dataset.synthesis import SynthesisStats

CHUNK_SIZE = 1000
NO_MODEL_COUNTS = {"model_filled": 0, "model_changed": 0}


def write_manifest_table(outdir: Path) -> None:
    """manifest.csv from manifest.jsonl, validated a chunk at a time."""
    outdir = Path(outdir)
    with CsvWriter(outdir / "manifest.csv", columns_of(ManifestTable)) as writer:
        for chunk in chunked(manifest_rows(outdir), CHUNK_SIZE):
            # a run made before the model counts were written (merged by aggregate) has none
            writer.write_frame(frame(ManifestTable, [{**NO_MODEL_COUNTS, **row} for row in chunk]))


def build_tables(outdir: Path, chunk_size: int = CHUNK_SIZE) -> dict[str, int]:
    """Every table of the run in ``outdir``; returns the number of rows of each."""
    outdir = Path(outdir)
    write_manifest_table(outdir)
    documents = load_documents(outdir)
    staging = outdir / STAGING_DIR
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    stats, synthesis = CombinationStats(), SynthesisStats()
    try:
        with ExitStack() as stack:
            cases_csv = stack.enter_context(CsvWriter(outdir / "cases.csv", columns_of(CasesTable)))
            cases_parquet = stack.enter_context(ParquetTable(outdir / "cases.parquet", CasesTable))
            treatments_csv = stack.enter_context(CsvWriter(outdir / "treatments.csv", columns_of(TreatmentsTable)))
            treatments_parquet = stack.enter_context(ParquetTable(staging / "treatments.parquet", TreatmentsTable))
            outcomes_csv = stack.enter_context(CsvWriter(outdir / "outcomes.csv", columns_of(OutcomesTable)))
            for records in chunked(iter_records(outdir, documents), chunk_size):
                cases = frame(CasesTable, [case_row(r, documents[r["document_id"]]) for r in records])
                cases_csv.write_frame(cases)
                cases_parquet.write_frame(cases)
                treatments = frame(TreatmentsTable, [row for r in records for row in treatment_rows(r)])
                treatments_csv.write_frame(treatments)
                treatments_parquet.write_frame(treatments)
                outcomes = [row for r in records for row in outcome_rows(r, documents[r["document_id"]])]
                outcomes_csv.write_frame(frame(OutcomesTable, outcomes))
                for record in records:  # a protocol's excluded patients are in no summary
                    if exclusion_of(record, documents[record["document_id"]]) is None:
                        stats.add(record)
                        synthesis.add(record)
        combinations = frame(CombinationsTable, stats.rows())
        write_frame(outdir / "combinations.csv", columns_of(CombinationsTable), combinations)
        synthesis_rows = frame(SynthesisTable, synthesis.rows())
        write_frame(outdir / "synthesis.csv", columns_of(SynthesisTable), synthesis_rows)
        counts = {"documents": len(documents), "cases": cases_csv.rows, "treatments": treatments_csv.rows,
                  "outcomes": outcomes_csv.rows, "combinations": len(combinations),
                  "synthesis": len(synthesis_rows)}
        codebook.write_codebook(outdir)
        hf.write_dataset(outdir, {"cases": outdir / "cases.parquet", "treatments": staging / "treatments.parquet"},
                         documents, counts, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return counts
