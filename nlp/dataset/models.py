"""pandera models of every table caseminer writes; each table is validated by its model
before it is written.

The columns that carry a record field are generated from the record model (type, codes,
bounds, unit, meaning); the others are described here, once. The codebook is read off
these models.
"""
from __future__ import annotations

from typing import Any, Optional

import pandas as pd
import pandera.pandas as pa
from pandera import extensions
from pandera.typing import Series

from nlp.schema import FIELDS, OUTCOME_CODES, TREATMENT_CODES, combination_of
from nlp.dataset.fields import (BOOL, CODE, CODES, INTEGER, NUMBER, OBJECTS, REGIONS, SPECS, TEXT,
                                FieldSpec)

# Statuses a run gives a document (README, "Outputs").
STATUSES = ("ok", "no_case", "failed", "skipped", "duplicate")
# The outcome measures of outcomes.csv: record fields, one row each where set.
MEASURES = ("vas_pre", "vas_post", "follow_up_months", "recurrence", "complications", "outcome")
# The record's details that belong to a treatment code: the treatments table fills them on that
# code's rows only; `levels` (the treated lesion) is on every row.
TREATMENT_DETAILS = {
    "embolization": ("embolic_agents", "feeder_arteries"),
    "vertebroplasty": ("cement_volumes", "cement_total_ml"),
    "kyphoplasty": ("cement_volumes", "cement_total_ml"),
    "radiotherapy": ("radiotherapy_dose_gy",),
}
assert set(MEASURES) <= set(FIELDS) and set(TREATMENT_DETAILS) <= set(TREATMENT_CODES)
assert all(set(details) <= set(FIELDS) for details in TREATMENT_DETAILS.values())


@extensions.register_check_method(statistics=["field"], check_type="element_wise")
def record_value(element: Any, *, field: str) -> bool:
    """A list cell holds a valid value of the record field ``field`` (codes, objects)."""
    try:
        SPECS[field].validate(list(element))
        return True
    except Exception:
        return False


@extensions.register_check_method(statistics=[], check_type="element_wise")
def combination_string(element: Any) -> bool:
    """Treatment codes in vocabulary order joined by '+' (nulls are not checked)."""
    return isinstance(element, str) and combination_of(element.split("+")) == element


_DTYPES = {NUMBER: float, INTEGER: pd.Int64Dtype, CODE: str, BOOL: pd.BooleanDtype, TEXT: str,
           CODES: object, OBJECTS: object}


def _column(dtype: Any, meaning: str, *, nullable: bool = True, unit: str = "", codes: str = "",
            csv: str = "", kind: str = "", field: str = "", denominator: str = "", **checks: Any):
    """(annotation, pandera Field) of one column; the codebook reads the metadata."""
    metadata = {"unit": unit, "codes": codes, "csv": csv or ("blank when not stated" if nullable else ""),
                "kind": kind, "field": field, "denominator": denominator}
    return Series[dtype], pa.Field(nullable=nullable, description=meaning, metadata=metadata, **checks)


def record_column(name: str, meaning: Optional[str] = None, nullable: Optional[bool] = None):
    """A column holding the record field ``name``, typed and checked from the record model."""
    spec: FieldSpec = SPECS[name]
    checks: dict[str, Any] = {}
    if spec.kind in (CODE, INTEGER):
        checks["isin"] = list(spec.codes)
    if spec.kind == NUMBER:
        checks.update({k: v for k, v in (("ge", spec.ge), ("le", spec.le)) if v is not None})
    if spec.is_list:
        checks["record_value"] = {"field": name}
    if name == "combination":
        checks["combination_string"] = ()
    nullable = not spec.is_list if nullable is None else nullable
    return _column(_DTYPES[spec.kind], meaning or spec.meaning, nullable=nullable, unit=spec.unit,
                   codes=spec.codes_text(), csv=spec.csv_format(), kind=spec.kind, field=name, **checks)


def text(meaning: str, nullable: bool = True, **kw):
    return _column(str, meaning, nullable=nullable, kind=TEXT, **kw)


def code(meaning: str, codes, nullable: bool = False):
    """A column of codes that are not a record field's."""
    return _column(str, meaning, nullable=nullable, kind=CODE, codes=" ".join(map(str, codes)), isin=list(codes))


def count(meaning: str, denominator: str = ""):
    return _column(int, meaning, nullable=False, kind=INTEGER, ge=0, denominator=denominator)


def number(meaning: str, unit: str = "", denominator: str = "", **kw):
    return _column(float, meaning, unit=unit, kind=NUMBER, denominator=denominator, **kw)


def percent(meaning: str, denominator: str):
    return _column(float, f"{meaning} (percent of {denominator})", unit="%", kind=NUMBER, ge=0, le=100,
                   denominator=denominator)


def _model(name: str, doc: str, columns: dict[str, tuple]) -> type[pa.DataFrameModel]:
    """A DataFrameModel with ``columns`` (name -> (annotation, Field)) in order."""
    class Config:
        coerce = True
        strict = True
        ordered = True

    attrs: dict[str, Any] = {"__doc__": doc, "__annotations__": {}, "Config": Config,
                             "__module__": __name__}
    for column, (annotation, fld) in columns.items():
        attrs["__annotations__"][column] = annotation
        attrs[column] = fld
    return type(name, (pa.DataFrameModel,), attrs)


def _patient_key() -> dict[str, tuple]:
    return {"document_id": text("the document's id in the run (its file name without extension, "
                                "or a PubMed article's PMID)", nullable=False),
            "case_index": _column(int, "the patient's number in the document: 1, 2, ... in order of "
                                  "appearance", nullable=False, kind=INTEGER, ge=1)}


DOCUMENT_COLUMNS = {
    "title": text("the document's title"),
    "journal": text("journal, where the document states it"),
    "year": _column(pd.Int64Dtype, "year of publication, where the document states it", kind=INTEGER),
    "pmid": text("PubMed id, where known"),
    "doi": text("DOI, where known"),
    "source": text("the input file, as given to caseminer extract (the manifest's source)", nullable=False),
}

ManifestTable = _model("ManifestTable", "manifest.csv: one row per input document of the run.", {
    "source": text("the input file", nullable=False),
    "document_id": text("the document's id in the run; texts/<document_id>.txt holds its text",
                        nullable=False),
    "status": code("ok (patients found), no_case (read, no individual patient), failed, skipped "
                   "(not a type caseminer reads), duplicate (same document as an earlier input)", STATUSES),
    "cases": count("case records written for the document"),
    "model_filled": count("values of its records a trained model filled where the rules gave none (extract "
                          "--model; 0 without)"),
    "model_changed": count("values of its records a trained model changed from the rules' (extract --model; "
                           "0 without)"),
    "error": text("one-line reason for failed, skipped and duplicate"),
    "sha256": text("SHA-256 of the input file's bytes"),
})

CasesTable = _model("CasesTable", "cases.csv: one row per patient.", {
    **_patient_key(),
    **DOCUMENT_COLUMNS,
    **{name: record_column(name) for name in FIELDS},
    "confidence_mean": number("mean of the record's per-field confidences (set fields only)", ge=0, le=1),
})


def _details_meaning(name: str) -> str:
    codes = [code for code, details in TREATMENT_DETAILS.items() if name in details]
    return f"{SPECS[name].meaning}; on {' and '.join(codes)} rows only"


TreatmentsTable = _model("TreatmentsTable", "treatments.csv: one row per patient and treatment code, "
                         "with the details the record holds for that treatment.", {
    **_patient_key(),
    "treatment": code("one treatment code of the patient", TREATMENT_CODES),
    "combination": record_column("combination", "the patient's whole combination of treatments"),
    "levels": record_column("levels"),
    **{name: record_column(name, _details_meaning(name))
       for name in dict.fromkeys(d for details in TREATMENT_DETAILS.values() for d in details)},
    "confidence": number("confidence of the patient's treatments field", ge=0, le=1),
})

OutcomesTable = _model("OutcomesTable", "outcomes.csv: one row per patient and outcome measure the "
                       "record states (a measure left null or empty has no row).", {
    **_patient_key(),
    "combination": record_column("combination", "the patient's combination of treatments"),
    "measure": code("the record field measured", MEASURES),
    "value": text("the value as the record holds it (codes joined by '; ', true/false)", nullable=False),
    "value_number": number("the value as a number, for numeric measures"),
    "unit": text("unit of the value, from the record model"),
    "confidence": number("confidence of the value", ge=0, le=1),
    "evidence": text("the text the value came from: its evidence spans joined by ' | '"),
})


def _combination_columns() -> dict[str, tuple]:
    columns: dict[str, tuple] = {
        "combination": record_column("combination", nullable=False),
        "n_patients": count("patients with this combination"),
        "n_documents": count("documents these patients come from"),
        "age_n": count("patients of the combination with age stated"),
        "age_median": number("median age", "years", "age_n"),
        "age_q1": number("first quartile of age", "years", "age_n"),
        "age_q3": number("third quartile of age", "years", "age_n"),
        "sex_n": count("patients with sex stated"),
        "female_n": count("female patients", "sex_n"),
        "female_percent": percent("female patients", "sex_n"),
        "levels_n": count("patients with lesion levels stated"),
    }
    for region in REGIONS.values():
        columns[f"{region}_n"] = count(f"patients whose lesion involves a {region} vertebra", "levels_n")
        columns[f"{region}_percent"] = percent(f"patients whose lesion involves a {region} vertebra",
                                               "levels_n")
    columns.update({
        "vas_pre_n": count("patients with a pain score before treatment"),
        "vas_pre_median": number("median pain score before treatment", "0-10", "vas_pre_n"),
        "vas_post_n": count("patients with a pain score after treatment"),
        "vas_post_median": number("median pain score after treatment", "0-10", "vas_post_n"),
        "vas_change_n": count("patients with both pain scores"),
        "vas_change_median": number("median of each patient's own change, vas_post - vas_pre "
                                    "(negative: less pain)", "0-10", "vas_change_n"),
        "follow_up_n": count("patients with follow-up stated"),
        "follow_up_median_months": number("median follow-up", "months", "follow_up_n"),
        "recurrence_n": count("patients with recurrence reported (true)", "recurrence_n_reported"),
        "recurrence_n_reported": count("patients whose record says whether there was recurrence"),
        "complications_n": count("patients with at least one complication", "complications_n_reported"),
        "complications_n_reported": count("patients whose course after treatment the record holds (any "
                                          "of vas_post, follow_up_months, recurrence, complications, "
                                          "outcome set): a record cannot tell 'no complication' from "
                                          "'not stated', so this is the denominator"),
        "outcome_n_reported": count("patients with an outcome stated"),
    })
    for code in OUTCOME_CODES:
        columns[f"outcome_{code}_n"] = count(f"patients with outcome {code}", "outcome_n_reported")
    columns.update({
        "blood_loss_n": count("patients with blood loss stated"),
        "blood_loss_median_ml": number("median intraoperative blood loss", "mL", "blood_loss_n"),
    })
    return columns


CombinationsTable = _model("CombinationsTable", "combinations.csv: one row per treatment combination "
                           "(patients without any treatment are in no row), most patients first. "
                           "Every median, quartile and percent is over the patients counted in the "
                           "column its denominator names.", _combination_columns())

ReviewTable = _model("ReviewTable", "review.csv (caseminer review export): one row per patient and "
                     "record field, null fields included; the reviewer fills corrected_value.", {
    **_patient_key(),
    "field": code("the record field", FIELDS),
    "value": text("the extracted value, written as in cases.csv; blank when not stated"),
    "evidence": text("the text the value came from: its evidence spans joined by ' | '"),
    "confidence": number("confidence of the value", ge=0, le=1),
    "corrected_value": text("for the reviewer: blank keeps the value, 'null' removes it, anything else "
                            "replaces it (written as in cases.csv)"),
    "run": text("the run folder the rows come from; review import reads its texts and manifest"),
})

CodebookTable = _model("CodebookTable", "codebook.csv: one row per column of every table.", {
    "table": text("the file the column is in", nullable=False),
    "column": text("the column's name", nullable=False),
    "type": text("number, integer, code, boolean, text, list of codes, list of {parts}", nullable=False),
    "nullable": _column(pd.BooleanDtype, "whether the column can be blank", nullable=False, kind=BOOL),
    "unit": text("unit of the values"),
    "codes": text("allowed codes (for objects, per part)"),
    "meaning": text("what the column holds"),
    "denominator": text("for a count, median, quartile or percent: the column counting the patients "
                        "it is taken over"),
    "csv": text("how a value is written in a CSV cell"),
})

# file name -> model, in the order the codebook lists them
TABLES: dict[str, type[pa.DataFrameModel]] = {
    "manifest.csv": ManifestTable,
    "cases.csv": CasesTable,
    "treatments.csv": TreatmentsTable,
    "outcomes.csv": OutcomesTable,
    "combinations.csv": CombinationsTable,
    "review.csv": ReviewTable,
    "codebook.csv": CodebookTable,
}


def columns_of(model: type[pa.DataFrameModel]) -> tuple[str, ...]:
    return tuple(model.to_schema().columns)


def validate(model: type[pa.DataFrameModel], data: pd.DataFrame) -> pd.DataFrame:
    """``data`` checked (all errors collected) and coerced to ``model``'s types."""
    return model.validate(data, lazy=True)


def frame(model: type[pa.DataFrameModel], rows: list[dict]) -> pd.DataFrame:
    """Rows (mappings) as a frame of ``model``'s columns, validated and typed."""
    return validate(model, pd.DataFrame(rows, columns=list(columns_of(model))))
