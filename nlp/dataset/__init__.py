"""The dataset a run makes for analysts and reviewers: tables (CSV, Parquet) validated by pandera
models, a codebook, a Hugging Face dataset, figures, a review page, review round trips and the
merging of runs.

``build_tables(outdir)`` is what a run calls at its end; ``load_table(run_dir, "cases")`` reads a
table back with its types. The heavy libraries are imported only then.
"""
from __future__ import annotations

from pathlib import Path

# What build_tables and caseminer report write into a run folder (a new run replaces them).
TABLE_FILES = ("manifest.csv", "cases.csv", "cases.parquet", "treatments.csv", "outcomes.csv",
               "combinations.csv", "synthesis.csv", "codebook.csv", "codebook.md", "dataset")
REPORT_FILES = ("report.html", "report", "figures", "prisma.csv")  # prisma.csv: caseminer prisma
STAGING_DIR = ".dataset.tmp"  # build_tables' working folder
OLD_DATASET_DIR = ".dataset.old"  # the earlier dataset/ while the new one takes its place


def with_temporaries(names: tuple[str, ...]) -> tuple[str, ...]:
    """``names`` and the hidden names they are written under first (what a kill can leave)."""
    from nlp.dataset.csvio import temporary_name
    return names + tuple(temporary_name(Path(name)).name for name in names)


# Every name at the top of a run folder that building the tables, or the report, may write.
TABLE_OUTPUTS = with_temporaries(TABLE_FILES) + (STAGING_DIR, OLD_DATASET_DIR)
REPORT_OUTPUTS = with_temporaries(REPORT_FILES)


def build_tables(outdir: Path) -> None:
    """Every table of the run in ``outdir`` (see :mod:`nlp.dataset.tables`)."""
    from nlp.dataset.tables import build_tables as build
    build(Path(outdir))


def load_table(run_dir: Path, name: str):
    """Table ``name`` of a run (``cases``, ``outcomes``, ``synthesis``...) as a pandas DataFrame with
    the types of the Parquet files (see :mod:`nlp.dataset.load`)."""
    from nlp.dataset.load import load_table as load
    return load(Path(run_dir), name)


def remove_outputs(outdir: Path) -> None:
    """Remove the tables, dataset and report of an earlier run in ``outdir``."""
    import shutil
    for name in TABLE_FILES + REPORT_FILES:
        path = Path(outdir) / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
