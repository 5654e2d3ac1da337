"""codebook.csv and codebook.md: every column of every table, read off the pandera models
(which take the record fields' types, codes, units and meanings from the record model)."""
from __future__ import annotations

from pathlib import Path

from nlp.schema import SCHEMA_VERSION
from nlp.dataset.csvio import LIST_SEPARATOR, write_frame, write_text_atomic
from nlp.dataset.fields import BOOL, CODE, CODES, INTEGER, NUMBER, OBJECTS, SPECS, TEXT
from nlp.dataset.models import TABLES, CodebookTable, columns_of, csv_dtype, frame

_TYPE = {NUMBER: "number", INTEGER: "integer", CODE: "code", BOOL: "boolean", TEXT: "text", CODES: "list of codes"}
# Tables written in more than one form, with the same columns.
ALSO_AS = {"cases.csv": "cases.parquet (lists and objects as real lists and structs) and the "
                        "`cases` split of dataset/",
           "treatments.csv": "the `treatments` split of dataset/"}


def _type(column) -> str:
    meta = column.metadata or {}
    if meta.get("kind") == OBJECTS:
        return SPECS[meta["field"]].type_name()
    return _TYPE.get(meta.get("kind"), str(column.dtype))


def _codes(column) -> str:
    if (column.metadata or {}).get("codes"):
        return column.metadata["codes"]
    for check in column.checks:
        if check.name == "isin":
            return " ".join(map(str, check.statistics["allowed_values"]))
    return ""


def codebook_rows() -> list[dict]:
    rows = []
    for table, model in TABLES.items():
        for name, column in model.to_schema().columns.items():
            meta = column.metadata or {}
            rows.append({"table": table, "column": name, "type": _type(column), "nullable": column.nullable,
                         "unit": meta.get("unit") or None, "codes": _codes(column) or None,
                         "meaning": column.description or None, "denominator": meta.get("denominator") or None,
                         "csv": meta.get("csv") or None, "dtype": csv_dtype(column)})
    return rows


def _md(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("|", "\\|").replace("\n", " ")


def codebook_markdown(rows: list[dict]) -> str:
    lines = [f"# Codebook (case record schema v{SCHEMA_VERSION})", "",
             "Generated from the record model (`nlp/schema.py`) and the table models "
             "(`nlp/dataset/models.py`); do not edit by hand.", "",
             "In every CSV: a blank cell is null (not stated); lists are joined by "
             f"`{LIST_SEPARATOR}`; an object is written as its stated parts separated by a space "
             "(a feeder artery `right T12`, a cement volume `L1 3`); booleans are `true`/`false`; "
             "a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed "
             "with `'` so that no spreadsheet runs it as a formula.", "",
             ("The column `dtype` is the pandas dtype to read it with, so that a CSV gives the types "
              "the Parquet file has (`year` an integer, `pmid` a string, booleans as booleans): "
              "`pd.read_csv(path, dtype=..., keep_default_na=False, na_values=[\"\"])`, or "
              "`nlp.dataset.load_table(run_dir, \"cases\")`, which also turns lists back into lists "
              "and undoes the `'` prefix."), ""]
    for table, model in TABLES.items():
        lines += [f"## {table}", "", (model.__doc__ or "").strip()]
        if table in ALSO_AS:
            lines[-1] += f" Also written as {ALSO_AS[table]}."
        lines += ["", "| column | type | unit | codes | meaning | denominator | in CSV | dtype |",
                  "|---|---|---|---|---|---|---|---|"]
        for row in (r for r in rows if r["table"] == table):
            lines.append("| " + " | ".join(_md(row[k]) for k in ("column", "type", "unit", "codes", "meaning",
                                                                  "denominator", "csv", "dtype")) + " |")
        lines.append("")
    return "\n".join(lines)


def write_codebook(outdir: Path) -> None:
    """codebook.csv and codebook.md in ``outdir``."""
    rows = codebook_rows()
    write_frame(Path(outdir) / "codebook.csv", columns_of(CodebookTable), frame(CodebookTable, rows))
    write_text_atomic(Path(outdir) / "codebook.md", codebook_markdown(rows))
