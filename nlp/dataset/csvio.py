"""The one CSV writer of caseminer, and the reading of a run's JSON Lines.

Every CSV a run or a command writes goes through :class:`CsvWriter`: cells a spreadsheet would
run as a formula are neutralised, values are written the same way everywhere (lists joined by
``"; "``, objects as their parts, ``true``/``false``, blank for null), and the file appears under
its name only when it is complete (written under a hidden temporary name, then renamed).
"""
from __future__ import annotations

import csv
import json
import math
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence, TextIO

LIST_SEPARATOR = "; "
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: Any) -> Any:
    """Prefix ``'`` to a text cell a spreadsheet would read as a formula (numbers pass)."""
    if not isinstance(cell, str) or not cell.startswith(_FORMULA_START):
        return cell
    try:
        float(cell)
        return cell
    except ValueError:
        return "'" + cell


def unneutralise(cell: str) -> str:
    """Undo :func:`neutralise` on a cell read back from a CSV."""
    if cell.startswith("'") and cell[1:].startswith(_FORMULA_START) and neutralise(cell[1:]) == cell:
        return cell[1:]
    return cell


def is_missing(value: Any) -> bool:
    """Null in any of its spellings: None, NaN, pandas' NA and NaT."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:
        import pandas as pd
        return value is pd.NA or value is pd.NaT
    except ImportError:  # pragma: no cover
        return False


def format_value(value: Any) -> Any:
    """A value as one CSV cell: lists joined by "; ", an object as its known parts in order
    separated by a space (a feeder artery "<side> <level>", a cement volume "<level> <ml>"),
    booleans as true/false, whole floats as integers, null as blank."""
    if isinstance(value, (list, tuple)) or type(value).__name__ == "ndarray":
        return LIST_SEPARATOR.join(str(format_value(v)) for v in value)
    if isinstance(value, Mapping):
        return " ".join(str(format_value(v)) for v in value.values() if not is_missing(v))
    if is_missing(value):
        return ""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return str(bool(value)).lower()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    return value


def cell(value: Any) -> Any:
    """A value as written into a CSV file: formatted, then neutralised."""
    return neutralise(format_value(value))


def temporary_name(path: Path) -> Path:
    """Where ``path`` is written before it is renamed into place."""
    return path.with_name(f".{path.name}.tmp")


class AtomicTable:
    """A table written under a temporary name and renamed into place by :meth:`close`.

    Use as a context manager: on an exception the temporary file is removed and nothing
    replaces an earlier table of the same name. Subclasses close their handle in ``_finish``.
    """
    path: Path
    tmp: Path

    def _finish(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self._finish()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        self._finish()
        self.tmp.unlink(missing_ok=True)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


class CsvWriter(AtomicTable):
    """One CSV table written in pieces."""

    def __init__(self, path: Path, columns: Sequence[str]):
        self.path = Path(path)
        self.columns = tuple(columns)
        self.tmp = temporary_name(self.path)
        self.rows = 0
        self._fh = self.tmp.open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._fh)
        self._writer.writerow(self.columns)

    def write_frame(self, frame) -> None:
        """The rows of a pandas DataFrame, in the writer's column order."""
        for values in frame[list(self.columns)].itertuples(index=False, name=None):
            self._writer.writerow([cell(v) for v in values])
            self.rows += 1

    def _finish(self) -> None:
        self._fh.close()


def write_frame(path: Path, columns: Sequence[str], frame) -> int:
    """A whole CSV table from a pandas DataFrame; returns the number of rows."""
    with CsvWriter(path, columns) as writer:
        writer.write_frame(frame)
    return writer.rows


@contextmanager
def open_atomic(path: Path) -> Iterator[TextIO]:
    """A text file to write, under a temporary name until the block ends without an exception."""
    path = Path(path)
    tmp = temporary_name(path)
    try:
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            yield fh
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_text_atomic(path: Path, text: str) -> None:
    """A text file written under a temporary name, then renamed into place."""
    with open_atomic(path) as fh:
        fh.write(text)


def read_jsonl(path: Path) -> Iterator[dict]:
    """The objects of a JSON Lines file, one at a time (nothing when the file is absent)."""
    path = Path(path)
    if not path.exists():
        return
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)

