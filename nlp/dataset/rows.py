"""One case record (with its document's manifest row) as rows of the cases, treatments and
outcomes tables. Values keep the record's types (lists stay lists); the writers format them."""
from __future__ import annotations

import re
from typing import Any, Optional

from nlp.schema import FIELDS, TREATMENT_CODES
from nlp.dataset.csvio import format_value
from nlp.dataset.fields import NUMBER, SPECS
from nlp.dataset.models import MEASURES, TREATMENT_DETAILS

EVIDENCE_SEPARATOR = " | "


def evidence_text(record: dict, field: str) -> Optional[str]:
    """The texts of a field's evidence spans, joined by " | "."""
    spans = (record.get("evidence") or {}).get(field) or []
    return EVIDENCE_SEPARATOR.join(s.get("text", "") for s in spans) or None


def _blank(value: Any) -> Any:
    return None if value in ("", None) else value


def year_of(value: Any) -> Optional[int]:
    """The year a manifest's ``year`` starts with ("2019", "2019 Mar"), or None."""
    match = re.match(r"\s*(\d{4})", str(value or ""))
    return int(match.group(1)) if match else None


def document_columns(row: dict) -> dict:
    """The manifest row's metadata as cases.csv columns."""
    return {"title": _blank(row.get("title")), "journal": _blank(row.get("journal")),
            "year": year_of(row.get("year")), "pmid": _blank(str(row.get("pmid") or "")),
            "doi": _blank(row.get("doi")), "source": row.get("source") or ""}


def confidence_mean(record: dict) -> Optional[float]:
    values = [float(v) for v in (record.get("confidence") or {}).values()]
    return round(sum(values) / len(values), 3) if values else None


def _field(record: dict, name: str) -> Any:
    value = record.get(name)
    return (value or []) if SPECS[name].is_list else value


def exclusion_of(record: dict, document: dict) -> Optional[str]:
    """Why the run's screening excluded the patient (kept in its document's manifest row), or None."""
    return (document.get("excluded_cases") or {}).get(str(record["case_index"]))


def case_row(record: dict, document: dict) -> dict:
    exclusion = exclusion_of(record, document)
    return {"document_id": record["document_id"], "case_index": record["case_index"],
            **document_columns(document), "included": exclusion is None, "exclusion_reason": exclusion,
            **{name: _field(record, name) for name in FIELDS},
            "confidence_mean": confidence_mean(record)}


def treatment_rows(record: dict) -> list[dict]:
    """One row per treatment code of the patient, in vocabulary order."""
    given = set(record.get("treatments") or [])
    detail_columns = dict.fromkeys(d for details in TREATMENT_DETAILS.values() for d in details)
    rows = []
    for code in (c for c in TREATMENT_CODES if c in given):
        row = {"document_id": record["document_id"], "case_index": record["case_index"], "treatment": code,
               "combination": record.get("combination"), "levels": _field(record, "levels"),
               "confidence": (record.get("confidence") or {}).get("treatments")}
        for name in detail_columns:
            held = name in TREATMENT_DETAILS.get(code, ())
            row[name] = _field(record, name) if held else ([] if SPECS[name].is_list else None)
        rows.append(row)
    return rows


def counted(record: dict) -> bool:
    """Whether a patient counts in the summary tables (combinations.csv, synthesis.csv): every patient
    with a treatment recorded (build_tables leaves out beforehand those a protocol excluded)."""
    return bool(record.get("combination"))


def design(document: dict) -> str:
    """case_report for a document with one patient, case_series for more (the manifest's count)."""
    return "case_report" if int(document.get("cases") or 0) <= 1 else "case_series"


def complications_addressed(record: dict) -> bool:
    """The report names a complication or says none occurred: the denominator of complication rates.
    A record that lists complications addresses them even where complications_reported was left
    false (records made before schema v1.1)."""
    return bool(record.get("complications_reported")) or bool(record.get("complications"))


def _measure_value(record: dict, measure: str) -> tuple[str | None, float | None, str]:
    """(the value as written in outcomes.csv or None for no row, its number, the field whose
    confidence and evidence it has)."""
    value = record.get(measure)
    if measure == "complications":
        if not value:  # 'none' rests on the statement that none occurred
            return ("none" if complications_addressed(record) else None), 0.0, "complications_reported"
        return str(format_value(value)), float(len(value)), measure
    if value is None:
        return None, None, measure
    if isinstance(value, bool):
        return str(format_value(value)), float(value), measure
    return str(format_value(value)), (float(value) if SPECS[measure].kind == NUMBER else None), measure


def outcome_rows(record: dict, document: dict) -> list[dict]:
    """One row per outcome measure the record states, with the study and the patient's covariates."""
    covariates = {"document_id": record["document_id"], "case_index": record["case_index"],
                  "year": document_columns(document)["year"], "design": design(document),
                  "diagnosis": record.get("diagnosis"), "combination": record.get("combination"),
                  "follow_up_months": record.get("follow_up_months")}
    rows = []
    for measure in MEASURES:
        value, number, source = _measure_value(record, measure)
        if value is None:
            continue
        rows.append({**covariates, "measure": measure, "value": value, "value_number": number,
                     "unit": SPECS[measure].unit or None,
                     "confidence": (record.get("confidence") or {}).get(source),
                     "evidence": evidence_text(record, source)})
    return rows
