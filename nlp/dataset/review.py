"""Review round trip: a run's values out to a CSV a reviewer corrects, and the corrections back in
as gold case records (GUIDELINES.md format, readable by the scorer) with training spans beside.

``review.csv`` has one row per patient and record field, null fields included. In
``corrected_value`` a blank cell keeps the value, ``null`` removes it, anything else replaces it,
written as cases.csv writes values (lists joined by ``;``, a feeder artery ``right T12``, a cement
volume ``L1 3``, ``true``/``false``). Rows with a new case_index for a document of the run add a
patient. Each CSV row carries the run folder (column ``run``); ``--run`` overrides it.
"""
from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from pydantic import ValidationError

from nlp.schema import FIELDS, CaseFields, combination_of
from nlp.dataset.csvio import CsvWriter, format_value, open_atomic, unneutralise
from nlp.dataset.fields import BOOL, CODE, CODES, INTEGER, NUMBER, OBJECTS, SPECS, FieldSpec, is_set
from nlp.dataset.models import ReviewTable, columns_of, frame
from nlp.dataset.rows import evidence_text
from nlp.dataset.rundir import check_run, chunked, iter_records, load_documents, read_text

NULL = "null"
SPANS_FILE = "spans.jsonl"
_TRUE, _FALSE = {"true", "yes", "y", "1"}, {"false", "no", "n", "0"}


class ReviewError(Exception):
    """A review CSV that cannot be imported; the message is one line naming the row."""


# --- export ---------------------------------------------------------------------------------------

def export_review(outdir: Path, out: Path) -> int:
    """review.csv for the run in ``outdir``; returns the number of rows."""
    outdir = check_run(outdir)
    documents = load_documents(outdir)
    run = str(outdir.resolve())

    def rows(record: dict) -> list[dict]:
        confidence = record.get("confidence") or {}
        return [{"document_id": record["document_id"], "case_index": record["case_index"], "field": name,
                 "value": str(format_value(record.get(name))) if is_set(record.get(name)) else None,
                 "evidence": evidence_text(record, name), "confidence": confidence.get(name),
                 "corrected_value": None, "run": run} for name in FIELDS]

    with CsvWriter(Path(out), columns_of(ReviewTable)) as writer:
        for records in chunked(iter_records(outdir, documents), 200):
            writer.write_frame(frame(ReviewTable, [row for r in records for row in rows(r)]))
    return writer.rows


# --- reading a corrected cell ----------------------------------------------------------------------

def _match(token: str, codes: tuple) -> Optional[Any]:
    for code in codes:
        if str(code).lower() == token.lower():
            return code
    return None


def _number(token: str) -> Optional[float]:
    try:
        value = float(token)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def _codes(text: str, codes: tuple) -> list:
    values = []
    for token in (t.strip() for t in re.split(r"[;,]", text)):
        if not token:
            continue
        code = _match(token, codes)
        if code is None:
            raise ValueError(f"'{token}' is not one of: {' '.join(map(str, codes))}")
        if code not in values:
            values.append(code)
    return values


def _objects(text: str, spec: FieldSpec) -> list[dict]:
    layout = " ".join(f"<{p.name}>" for p in spec.parts)
    items = []
    for item in (i.strip() for i in text.split(";")):
        if not item:
            continue
        value: dict[str, Any] = {p.name: None for p in spec.parts}
        for token in item.replace(",", " ").split():
            for part in spec.parts:
                if value[part.name] is not None:
                    continue
                found = _match(token, part.codes) if part.kind == CODE else _number(token)
                if found is not None:
                    value[part.name] = found
                    break
            else:
                raise ValueError(f"cannot read '{token}' in '{item}' (write each item as \"{layout}\")")
        items.append(value)
    return items


def parse_value(spec: FieldSpec, text: str) -> Any:
    """A corrected cell as a record value, checked against the record model (ValueError if not valid)."""
    if spec.kind == NUMBER:
        value = _number(text)
        if value is None:
            raise ValueError(f"'{text}' is not a number")
    elif spec.kind == INTEGER:
        number = _number(text)
        value = _match(str(int(number)), spec.codes) if number is not None and number.is_integer() else None
        if value is None:
            raise ValueError(f"'{text}' is not one of: {' '.join(map(str, spec.codes))}")
    elif spec.kind == CODE:
        value = _match(text, spec.codes)
        if value is None:
            raise ValueError(f"'{text}' is not one of: {' '.join(map(str, spec.codes))}")
    elif spec.kind == BOOL:
        if text.lower() not in _TRUE | _FALSE:
            raise ValueError(f"'{text}' is not true or false")
        value = text.lower() in _TRUE
    elif spec.kind == CODES:
        value = _codes(text, spec.codes)
    elif spec.kind == OBJECTS:
        value = _objects(text, spec)
    elif spec.name == "combination":
        treatments = _codes(text.replace("+", ";"), SPECS["treatments"].codes)
        value = combination_of(treatments)
    else:
        value = text
    try:
        return spec.validate(value)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(x) for x in error.get("loc", ()) if x not in ("nullable",))
        raise ValueError(f"'{text}' is not a valid {spec.name}: {error['msg']}"
                         + (f" ({where})" if where else "")) from None


# --- import ---------------------------------------------------------------------------------------

@dataclass
class _Patient:
    document_id: str
    case_index: int
    fields: dict
    evidence: dict
    new: bool = False
    corrected: dict = field(default_factory=dict)  # field -> (value, line)


@dataclass
class ImportSummary:
    records: int = 0
    no_case: int = 0
    kept: int = 0
    replaced: int = 0
    removed: int = 0
    added_patients: int = 0
    spans: int = 0
    spans_dropped: int = 0
    spans_path: Optional[Path] = None


def _empty_fields() -> dict:
    return CaseFields().model_dump(mode="json")


def _load_patients(run: Path, documents: dict) -> dict[tuple[str, int], _Patient]:
    patients = {}
    for record in iter_records(run, documents):
        fields = {name: record.get(name, [] if SPECS[name].is_list else None) for name in FIELDS}
        patients[(record["document_id"], int(record["case_index"]))] = _Patient(
            record["document_id"], int(record["case_index"]), fields, record.get("evidence") or {})
    return patients


def _read_rows(path: Path) -> tuple[list[tuple[int, dict]], list[str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            rows = [(reader.line_num, row) for row in reader]
            return rows, list(reader.fieldnames or [])
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ReviewError(f"{path}: cannot read the review CSV: {exc}") from None


def import_review(review_csv: Path, out: Path, run: Optional[Path] = None) -> ImportSummary:
    """gold.jsonl (``out``) and spans.jsonl beside it from a corrected review CSV."""
    review_csv, out = Path(review_csv), Path(out)
    if out.name == SPANS_FILE:
        raise ReviewError(f"{out}: choose another name; {SPANS_FILE} is written beside the gold file")
    rows, columns = _read_rows(review_csv)
    missing = [c for c in ("document_id", "case_index", "field", "corrected_value") if c not in columns]
    if missing:
        raise ReviewError(f"{review_csv}: not a review CSV (no column {', '.join(missing)})")
    if run is None:
        named = next((r.get("run") for _, r in rows if r.get("run")), None)
        if not named:
            raise ReviewError(f"{review_csv}: no run folder named in the CSV; give --run RUN_DIR")
        run = Path(unneutralise(named))
    run = check_run(run)
    documents = load_documents(run)
    patients = _load_patients(run, documents)
    summary = ImportSummary()

    for line, row in rows:
        document_id = unneutralise(row.get("document_id") or "")
        name = (row.get("field") or "").strip()
        where = f"{review_csv} line {line} ({document_id} case {row.get('case_index')}, {name})"
        try:
            case_index = int(row.get("case_index") or "")
        except ValueError:
            raise ReviewError(f"{where}: case_index '{row.get('case_index')}' is not a whole number") from None
        if name not in SPECS:
            raise ReviewError(f"{where}: '{name}' is not a field of the case record")
        if document_id not in documents:
            raise ReviewError(f"{where}: document '{document_id}' is not in the run {run}")
        corrected = unneutralise((row.get("corrected_value") or "").strip()).strip()
        key = (document_id, case_index)
        if not corrected:
            if key in patients:
                summary.kept += 1
            continue
        spec = SPECS[name]
        if corrected.lower() == NULL:
            value = [] if spec.is_list else None
        else:
            try:
                value = parse_value(spec, corrected)
            except ValueError as exc:
                raise ReviewError(f"{where}: {exc}") from None
        if key not in patients:
            if case_index < 1:
                raise ReviewError(f"{where}: case_index must be 1 or more")
            if documents[document_id].get("status") not in ("ok", "no_case"):
                raise ReviewError(f"{where}: document '{document_id}' has status "
                                  f"{documents[document_id].get('status')}; no patient can be added to it")
            patients[key] = _Patient(document_id, case_index, _empty_fields(), {}, new=True)
        patient = patients[key]
        earlier = patient.corrected.get(name)
        if earlier is not None and earlier[0] != value:
            raise ReviewError(f"{where}: a different correction of the same value is on line {earlier[1]}")
        patient.corrected[name] = (value, line)

    for patient in patients.values():
        _apply(patient, review_csv, summary)
    summary.added_patients = sum(1 for p in patients.values() if p.new)
    _write_gold(out, run, documents, patients, summary)
    return summary


def _apply(patient: _Patient, review_csv: Path, summary: ImportSummary) -> None:
    corrected = {name: value for name, (value, _) in patient.corrected.items()}
    lines = {name: line for name, (_, line) in patient.corrected.items()}

    def where(name: str) -> str:
        return f"{review_csv} line {lines[name]} ({patient.document_id} case {patient.case_index}, {name})"

    if "combination" in corrected:
        implied = [code for code in SPECS["treatments"].codes if code in (corrected["combination"] or "").split("+")]
        if "treatments" in corrected and combination_of(corrected["treatments"]) != corrected["combination"]:
            raise ReviewError(f"{where('combination')}: the combination does not match the corrected treatments "
                              f"(line {lines['treatments']})")
        corrected.setdefault("treatments", implied)
    elif "treatments" in corrected:
        corrected["combination"] = combination_of(corrected["treatments"])
    for name, value in corrected.items():
        if value == patient.fields.get(name):
            continue
        if is_set(value):
            summary.replaced += 1
        else:
            summary.removed += 1
        patient.fields[name] = value
        patient.evidence.pop(name, None)  # the run's evidence was for the old value
    try:
        patient.fields = CaseFields.model_validate(patient.fields).model_dump(mode="json")
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error.get("loc") else ""
        line = lines.get(name, min(lines.values(), default=0))
        raise ReviewError(f"{review_csv} line {line} ({patient.document_id} case {patient.case_index}, {name}): "
                          f"{error['msg']}") from None


def _spans(patient: _Patient, text: str, summary: ImportSummary) -> list[dict]:
    spans = []
    for name in FIELDS:
        if not is_set(patient.fields.get(name)):
            continue
        for span in patient.evidence.get(name) or []:
            start, end = span.get("start"), span.get("end")
            if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)
                    and text[start:end] == span.get("text")):
                summary.spans_dropped += 1
                continue
            spans.append({"start": start, "end": end, "label": name})
    return spans


def _write_gold(out: Path, run: Path, documents: dict, patients: dict, summary: ImportSummary) -> None:
    by_document: dict[str, list[_Patient]] = {}
    for patient in patients.values():
        by_document.setdefault(patient.document_id, []).append(patient)
    summary.spans_path = out.parent / SPANS_FILE
    with open_atomic(out) as gold, open_atomic(summary.spans_path) as spans_fh:
        for document_id, row in documents.items():
            group = sorted(by_document.get(document_id, []), key=lambda p: p.case_index)
            if not group:
                if row.get("status") == "no_case":
                    gold.write(json.dumps({"document_id": document_id, "case_index": None}) + "\n")
                    summary.no_case += 1
                continue
            for patient in group:
                gold.write(json.dumps({"document_id": document_id, "case_index": patient.case_index,
                                       **patient.fields}, ensure_ascii=False) + "\n")
                summary.records += 1
            text = read_text(run, document_id)
            if text is None:
                continue
            seen, spans = set(), []
            for patient in group:
                for span in _spans(patient, text, summary):
                    key = (span["start"], span["end"], span["label"])
                    if key not in seen:
                        seen.add(key)
                        spans.append(span)
            spans.sort(key=lambda s: (s["start"], s["end"], s["label"]))
            summary.spans += len(spans)
            spans_fh.write(json.dumps({"id": document_id, "text": text, "spans": spans}, ensure_ascii=False) + "\n")
