"""pandera models of every table caseminer writes; each table is validated by its model
before it is written.

The columns that carry a record field are generated from the record model (type, codes,
bounds, unit, meaning); the others are described here, once. The codebook is read off
these models.
"""
from __future__ import annotations

from functools import lru_cache

from typing import Any, Optional

import pandas as pd
import pandera.pandas as pa
from pandera import extensions
from pandera.typing import Series

from nlp.schema import (COMPLICATION_CODES, DIAGNOSIS_CODES, FIELDS, OUTCOME_CODES, TREATMENT_CODES,
                        combination_of)
from nlp.dataset.fields import (BOOL, CODE, CODES, INTEGER, NUMBER, OBJECTS, REGIONS, SPECS, TEXT,
                                FieldSpec)

# Statuses a run gives a document (README, "Outputs").
STATUSES = ("ok", "no_case", "failed", "skipped", "duplicate", "excluded")
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
# Study designs of outcomes.csv: a document with one patient is a case report, with more a series.
DESIGNS = ("case_report", "case_series")
# synthesis.csv: how patients are grouped, the rates (events among the patients whose report
# addresses them) and the medians (over the patients with the value) given for every group.
GROUPINGS = ("all", "treatment", "combination", "diagnosis", "diagnosis_combination")
NOT_STATED = "not_stated"  # the diagnosis group of patients whose diagnosis the record lacks
RATES = {
    "resolved_or_improved": "outcome resolved or improved, of the patients with an outcome stated",
    "recurrence": "recurrence reported, of the patients whose record says whether there was recurrence",
    "any_complication": "at least one complication, of the patients whose report names a complication or "
                        "says none occurred (complications_reported true, or complications listed)",
    **{f"complication_{code}": f"complication {code}, of the same patients as any_complication"
       for code in COMPLICATION_CODES},
}
MEDIANS = {
    "vas_change": "each patient's own change in pain score, vas_post - vas_pre (negative: less pain)",
    "follow_up_months": "follow-up",
    "blood_loss_ml": "intraoperative blood loss",
    "cement_total_ml": "total bone cement injected",
}
SMALL_SAMPLE = 3  # an estimate over fewer patients is marked and never ranked
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


def csv_dtype(column) -> str:
    """The pandas dtype a CSV column is read with (``pd.read_csv(dtype=...)``) to get the types the
    Parquet files have: integers that may be blank as Int64, booleans as boolean, numbers as
    float64, and everything else (codes, texts, ids such as a PMID, the text of a list) as str."""
    kind = (column.metadata or {}).get("kind")
    if kind == INTEGER:
        return "Int64" if column.nullable else "int64"
    return {NUMBER: "float64", BOOL: "boolean"}.get(kind, "str")


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


def _year() -> tuple:
    return _column(pd.Int64Dtype, "year of publication, where the document states it", kind=INTEGER)


DOCUMENT_COLUMNS = {
    "title": text("the document's title"),
    "journal": text("journal, where the document states it"),
    "year": _year(),
    "pmid": text("PubMed id, where known"),
    "doi": text("DOI, where known"),
    "source": text("the input file, as given to caseminer extract (the manifest's source)", nullable=False),
}

ManifestTable = _model("ManifestTable", "manifest.csv: one row per input document of the run.", {
    "source": text("the input file", nullable=False),
    "document_id": text("the document's id in the run; texts/<document_id>.txt holds its text",
                        nullable=False),
    "status": code("ok (patients found), no_case (read, no individual patient), failed, skipped "
                   "(not a type caseminer reads), duplicate (same document as an earlier input), excluded "
                   "(patients found, none within the review protocol)", STATUSES),
    "cases": count("case records written for the document"),
    "model_filled": count("values of its records a trained model filled where the rules gave none (extract "
                          "--model; 0 without)"),
    "model_changed": count("values of its records a trained model changed from the rules' (extract --model; "
                           "0 without)"),
    "reason": text("one line, for every status but ok: why it failed or was skipped, the earlier document "
                   "a duplicate repeats, for no_case review (a review of others' patients), pooled_only (the "
                   "authors' series told only in pooled figures) or no_patient, for excluded the protocol's "
                   "conditions missed; for ok, how many patients the protocol excluded"),
    "sha256": text("SHA-256 of the input file's bytes"),
})

CasesTable = _model("CasesTable", "cases.csv: one row per patient.", {
    **_patient_key(),
    **DOCUMENT_COLUMNS,
    "included": _column(pd.BooleanDtype, "whether the patient is within the run's review protocol (true "
                        "when the run had none); combinations count included patients only",
                        nullable=False, kind=BOOL),
    "exclusion_reason": text("why the protocol excludes the patient: every condition missed"),
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

OutcomesTable = _model("OutcomesTable", "outcomes.csv: individual patient data in the long format of "
                       "meta-analysis packages: one row per patient and outcome measure the record states "
                       "(a measure left null has no row; complications has a row wherever the report "
                       "addresses them, 'none' where it says none occurred), with the study and the "
                       "patient's covariates on every row. document_id is the study id.", {
    **_patient_key(),
    "year": _year(),
    "design": code("case_report (the document describes one patient) or case_series (more than one)",
                   DESIGNS),
    "diagnosis": record_column("diagnosis"),
    "combination": record_column("combination", "the patient's combination of treatments"),
    "follow_up_months": record_column("follow_up_months", "the patient's follow-up (the time the outcome "
                                      "was last reported at)"),
    "measure": code("the record field measured", MEASURES),
    "value": text("the value as the record holds it (codes joined by '; ', true/false; 'none' for a "
                  "report that says no complication occurred)", nullable=False),
    "value_number": number("the value as a number: the number for numeric measures, 1/0 for recurrence, "
                           "the number of complications for complications"),
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
        "complications_n_reported": count("patients whose report names a complication or says none "
                                          "occurred (complications_reported true, or complications "
                                          "listed): silence is no evidence of none, so this is the "
                                          "denominator, as in synthesis.csv"),
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

SynthesisTable = _model("SynthesisTable", "synthesis.csv: for every group of patients (all treated "
                        "patients, each treatment, each combination, each diagnosis, each diagnosis and "
                        "combination) one row per measure: a rate with its 95 % intervals, or a median "
                        "with its quartiles. Patients without any treatment are in no group. Rates are 0-1; "
                        "intervals are Clopper-Pearson (exact: it never covers less than 95 %, which "
                        "matters for the small groups case reports make, and it is meta::metaprop's "
                        "default) with the Wilson score interval beside it, both from statsmodels. An "
                        f"estimate over fewer than {SMALL_SAMPLE} patients is marked small_sample and "
                        "not ranked. Case reports carry publication bias (good outcomes and unusual "
                        "events get published): these are descriptions of the literature, not of "
                        "patients at large.", {
    "grouping": code("how the patients are grouped: " + ", ".join(GROUPINGS), GROUPINGS),
    "group": text("the group: 'all', a treatment code, a combination, a diagnosis code (not_stated for "
                  "patients without one), or '<diagnosis> / <combination>'", nullable=False),
    "diagnosis": code("the group's diagnosis (diagnosis and diagnosis_combination rows)",
                      (*DIAGNOSIS_CODES, NOT_STATED), nullable=True),
    "treatment": code("the group's treatment (treatment rows): every patient who had it, alone or with "
                      "others", TREATMENT_CODES, nullable=True),
    "combination": record_column("combination", "the group's combination of treatments (combination and "
                                 "diagnosis_combination rows)"),
    "n_patients": count("patients in the group"),
    "n_documents": count("documents these patients come from"),
    "measure": code("what is measured: the rates " + "; ".join(f"{k} ({v})" for k, v in RATES.items())
                    + "; the medians " + "; ".join(f"{k} ({v})" for k, v in MEDIANS.items()),
                    (*RATES, *MEDIANS)),
    "statistic": code("rate (events of denominator, with intervals) or median (with quartiles)",
                      ("rate", "median")),
    "events": _column(pd.Int64Dtype, "patients with the event (rates only)", kind=INTEGER, ge=0,
                      denominator="denominator"),
    "denominator": count("patients the estimate is taken over: for a rate, those whose report addresses "
                         "the measure; for a median, those with the value"),
    "estimate": number("the rate (events / denominator, 0-1) or the median; blank when the denominator "
                       "is 0", denominator="denominator"),
    "ci_low": number("lower limit of the exact Clopper-Pearson 95 % interval of the rate", ge=0, le=1,
                     denominator="denominator"),
    "ci_high": number("upper limit of the exact Clopper-Pearson 95 % interval of the rate", ge=0, le=1,
                      denominator="denominator"),
    "wilson_low": number("lower limit of the Wilson score 95 % interval of the rate", ge=0, le=1,
                         denominator="denominator"),
    "wilson_high": number("upper limit of the Wilson score 95 % interval of the rate", ge=0, le=1,
                          denominator="denominator"),
    "q1": number("first quartile (medians only)", denominator="denominator"),
    "q3": number("third quartile (medians only)", denominator="denominator"),
    "unit": text("unit of the estimate: 'proportion' for rates, the field's unit for medians",
                 nullable=False),
    "small_sample": _column(pd.BooleanDtype, f"true where the denominator is below {SMALL_SAMPLE}: listed, "
                            "but too few patients to compare", nullable=False, kind=BOOL),
    "rank": _column(pd.Int64Dtype, "rank of the group among the groups of its grouping for this measure "
                    "(for diagnosis_combination: among the combinations of the same diagnosis), 1 the best. "
                    "Rates are ranked by the limit of their exact interval on the unfavourable "
                    "side (the lower limit of resolved_or_improved, the upper limit of recurrence and "
                    "complications), then by the estimate, so that a few patients with a perfect record do "
                    "not outrank many with a nearly perfect one; medians by the median (the largest fall in "
                    "pain, the least blood loss). Ties share a rank. Blank for small samples, for the 'all' "
                    "and not_stated groups, and for follow-up and cement, which have no better side",
                    kind=INTEGER, ge=1),
})

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
    "dtype": text("the pandas dtype to read the column with: pd.read_csv(path, dtype=dict(zip(columns, "
                  "dtypes)), keep_default_na=False, na_values=['']) gives the Parquet types "
                  "(nlp.dataset.load_table does it and also turns lists back into lists)", nullable=False),
})

PrismaTable = _model("PrismaTable", "prisma.csv (caseminer prisma): one row per box of the PRISMA 2020 flow "
                     "diagram, in its order; identified - duplicates_removed = screened, screened - "
                     "records_excluded = sought, sought - not_retrieved = assessed, assessed - excluded = "
                     "studies_included.", {
    "box": text("the box: identified, duplicates_removed, screened, ..., excluded_<reason>, studies_included, "
                "patients_included", nullable=False),
    "n": count("records, reports, studies or patients in the box"),
    "meaning": text("what the box counts", nullable=False),
})

# file name -> model, in the order the codebook lists them
TABLES: dict[str, type[pa.DataFrameModel]] = {
    "manifest.csv": ManifestTable,
    "cases.csv": CasesTable,
    "treatments.csv": TreatmentsTable,
    "outcomes.csv": OutcomesTable,
    "combinations.csv": CombinationsTable,
    "synthesis.csv": SynthesisTable,
    "review.csv": ReviewTable,
    "prisma.csv": PrismaTable,
    "codebook.csv": CodebookTable,
}


@lru_cache(maxsize=None)  # pandera builds the schema anew at each call (milliseconds each)
def columns_of(model: type[pa.DataFrameModel]) -> tuple[str, ...]:
    return tuple(model.to_schema().columns)


def validate(model: type[pa.DataFrameModel], data: pd.DataFrame) -> pd.DataFrame:
    """``data`` checked (all errors collected) and coerced to ``model``'s types."""
    return model.validate(data, lazy=True)


def frame(model: type[pa.DataFrameModel], rows: list[dict]) -> pd.DataFrame:
    """Rows (mappings) as a frame of ``model``'s columns, validated and typed."""
    return validate(model, pd.DataFrame(rows, columns=list(columns_of(model))))
