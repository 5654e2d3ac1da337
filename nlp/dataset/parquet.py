"""Parquet tables with real lists and structs, typed from the pandera models (and, for the
columns that carry a record field, from the record model)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from nlp.dataset.csvio import AtomicTable, temporary_name
from nlp.dataset.fields import BOOL, CODE, CODES, INTEGER, NUMBER, OBJECTS, SPECS, TEXT
from nlp.dataset.models import validate


def _part_type(kind: str) -> pa.DataType:
    return pa.float64() if kind == NUMBER else pa.string()


def _arrow_type(column) -> pa.DataType:
    meta = (column.metadata or {})
    kind, field = meta.get("kind"), meta.get("field")
    if kind == OBJECTS:
        parts = SPECS[field].parts
        return pa.list_(pa.struct([pa.field(p.name, _part_type(p.kind)) for p in parts]))
    if kind == CODES:
        return pa.list_(pa.string())
    if kind == NUMBER:
        return pa.float64()
    if kind == INTEGER:
        return pa.int64()
    if kind == BOOL:
        return pa.bool_()
    if kind in (CODE, TEXT):
        return pa.string()
    raise ValueError(f"no Parquet type for column {column.name!r}")


def arrow_schema(model) -> pa.Schema:
    """The Arrow schema of a table: one field per column, described."""
    fields = []
    for name, column in model.to_schema().columns.items():
        metadata = {"description": column.description or ""}
        if (column.metadata or {}).get("unit"):
            metadata["unit"] = column.metadata["unit"]
        fields.append(pa.field(name, _arrow_type(column), nullable=column.nullable, metadata=metadata))
    return pa.schema(fields, metadata={"table": model.__doc__ or ""})


class ParquetTable(AtomicTable):
    """A Parquet file written a frame at a time."""

    def __init__(self, path: Path, model):
        self.path = Path(path)
        self.tmp = temporary_name(self.path)
        self.schema = arrow_schema(model)
        # nullable=False list columns are written as empty lists; Arrow keeps the field nullable so
        # that readers do not trip over a struct part that may be null.
        # pandas' own metadata too, so that pandas reads nullable integers and booleans back as such
        empty = validate(model, pd.DataFrame(columns=self.schema.names))
        pandas_meta = pa.Table.from_pandas(empty, preserve_index=False).schema.metadata or {}
        self.schema = pa.schema([f.with_nullable(True) for f in self.schema],
                                metadata={**pandas_meta, **self.schema.metadata})
        self._writer = pq.ParquetWriter(self.tmp, self.schema)

    def write_frame(self, frame: pd.DataFrame) -> None:
        table = pa.Table.from_pandas(frame[self.schema.names], schema=self.schema, preserve_index=False)
        self._writer.write_table(table)

    def _finish(self) -> None:
        self._writer.close()
