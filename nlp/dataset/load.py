"""Reading a run's CSV tables back with the types their Parquet files have.

A plain ``pd.read_csv`` guesses: a year with blanks comes back as ``2022.0``, a PMID as a number,
``true``/``false`` as text. The codebook's ``dtype`` column (from :func:`nlp.dataset.models.csv_dtype`)
says how to read each column; :func:`load_table` reads with it, turns list cells back into lists
(objects into dicts, as in cases.parquet) and undoes the ``'`` put before formula-like text.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from nlp.dataset.csvio import unneutralise
from nlp.dataset.fields import CODE, CODES, OBJECTS, SPECS, TEXT
from nlp.dataset.models import TABLES, csv_dtype
from nlp.dataset.review import parse_value


def table_file(name: str) -> str:
    """``cases`` or ``cases.csv`` -> ``cases.csv``; ValueError naming the tables for anything else."""
    file = name if name.endswith(".csv") else f"{name}.csv"
    if file not in TABLES:
        raise ValueError(f"no table {name!r}; the tables are: {', '.join(t[:-4] for t in TABLES)}")
    return file


def read_options(name: str) -> dict:
    """The ``pd.read_csv`` keywords that read table ``name`` with its types (blank cells are null,
    text such as 'NA' stays text)."""
    columns = TABLES[table_file(name)].to_schema().columns
    return {"dtype": {column: csv_dtype(spec) for column, spec in columns.items()},
            "keep_default_na": False, "na_values": [""]}


def load_table(run_dir: Path, name: str) -> pd.DataFrame:
    """Table ``name`` (``cases``, ``outcomes``, ``synthesis``...) of the run in ``run_dir``, typed."""
    file = table_file(name)
    path = Path(run_dir) / file
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such table (build the run's tables first: caseminer extract "
                                "or caseminer report)")
    frame = pd.read_csv(path, **read_options(file))
    for column, spec in TABLES[file].to_schema().columns.items():
        kind, field = (spec.metadata or {}).get("kind"), (spec.metadata or {}).get("field")
        if kind in (CODES, OBJECTS) and field:
            frame[column] = [parse_value(SPECS[field], cell) if isinstance(cell, str) else []
                             for cell in frame[column]]
        elif kind in (CODE, TEXT):
            frame[column] = frame[column].map(unneutralise, na_action="ignore").astype(frame[column].dtype)
    return frame
