"""Tables derived from a run's streamed JSON files: manifest.csv and cases.csv.

Programs read a run's state from the JSON files; the CSVs are for people and spreadsheets,
so every cell that a spreadsheet would run as a formula is neutralised.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Iterator

from nlp.schema import FIELDS

MANIFEST_COLUMNS = ("source", "document_id", "status", "cases", "error", "sha256")
DOCUMENT_COLUMNS = ("title", "journal", "year", "pmid", "doi", "source")
CASE_COLUMNS = ("document_id", "case_index", *DOCUMENT_COLUMNS, *FIELDS, "confidence_mean")
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


def format_value(value: Any) -> Any:
    """A record value as one CSV cell: lists joined by "; ", feeder arteries as
    "<side> <level>", cement volumes as "<level> <ml>" (unknown parts left out)."""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(format_value(v)) for v in value)
    if isinstance(value, dict):
        if "ml" in value:
            return " ".join(str(x) for x in (value.get("level"), _number(value["ml"])) if x is not None)
        return " ".join(str(x) for x in (value.get("side"), value.get("level")) if x is not None)
    if isinstance(value, bool):
        return str(value).lower()
    return _number(value) if isinstance(value, float) else value


def _number(x: float) -> Any:
    return int(x) if float(x).is_integer() else x


def read_jsonl(path: Path) -> Iterator[dict]:
    if not path.exists():
        return
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _write_csv(path: Path, columns: tuple[str, ...], rows: Iterator[dict]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: neutralise(row.get(k)) for k in columns})
    tmp.replace(path)


def write_manifest_csv(manifest_jsonl: Path, out: Path) -> None:
    _write_csv(out, MANIFEST_COLUMNS, read_jsonl(manifest_jsonl))


def write_cases_csv(cases_jsonl: Path, manifest_jsonl: Path, out: Path) -> None:
    documents = {row["document_id"]: row for row in read_jsonl(manifest_jsonl)}

    def rows() -> Iterator[dict]:
        for record in read_jsonl(cases_jsonl):
            row = {k: format_value(record.get(k)) for k in ("document_id", "case_index", *FIELDS)}
            meta = documents.get(record["document_id"], {})
            row.update({k: meta.get(k, "") for k in DOCUMENT_COLUMNS})
            confidences = list((record.get("confidence") or {}).values())
            row["confidence_mean"] = round(sum(confidences) / len(confidences), 3) if confidences else ""
            yield row
    _write_csv(out, CASE_COLUMNS, rows())
