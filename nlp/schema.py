"""The case record: the single source of truth for field names, types and codes.

Everything downstream (the JSON schema in docs/, the CSV columns, the codebook, the
scorer's field list) is derived from :class:`CaseRecord`; nothing repeats it by hand.
"""
from __future__ import annotations

import json
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.1"

# Vocabularies, in the order GUIDELINES.md lists them: the order of TREATMENT_CODES is
# the order in which `combination` joins them.
TREATMENT_CODES = ("embolization", "vertebroplasty", "kyphoplasty", "laminectomy", "vertebrectomy",
                   "fixation", "radiotherapy", "ethanol_ablation", "other")
EMBOLIC_AGENT_CODES = ("coils", "pva", "gelfoam", "nbca", "onyx", "ethanol", "microspheres", "other")
COMPLICATION_CODES = ("cement_leakage", "pulmonary_embolism", "neurological_deterioration", "infection",
                      "hematoma", "csf_leak", "vertebral_collapse", "radiation_injury", "death", "other")
OUTCOME_CODES = ("resolved", "improved", "unchanged", "worsened", "died")
DIAGNOSIS_CODES = ("hemangioma", "giant_cell_tumour", "aneurysmal_bone_cyst", "metastasis", "myeloma_plasmacytoma",
                   "lymphoma", "chordoma", "osteoid_osteoma_osteoblastoma", "nerve_sheath_tumour", "meningioma",
                   "sarcoma", "other_tumour", "osteoporotic_fracture", "traumatic_fracture", "infection",
                   "degenerative", "other")
SIDE_CODES = ("left", "right", "bilateral")
SEX_CODES = ("female", "male")
LEVELS = tuple([f"C{i}" for i in range(1, 8)] + [f"T{i}" for i in range(1, 13)]
               + [f"L{i}" for i in range(1, 6)] + [f"S{i}" for i in range(1, 6)])

Level = Literal[LEVELS]  # type: ignore[valid-type]
Treatment = Literal[TREATMENT_CODES]  # type: ignore[valid-type]
EmbolicAgent = Literal[EMBOLIC_AGENT_CODES]  # type: ignore[valid-type]
Complication = Literal[COMPLICATION_CODES]  # type: ignore[valid-type]
Outcome = Literal[OUTCOME_CODES]  # type: ignore[valid-type]
Diagnosis = Literal[DIAGNOSIS_CODES]  # type: ignore[valid-type]
ModelEffect = Literal["filled", "changed"]
Side = Literal[SIDE_CODES]  # type: ignore[valid-type]
Sex = Literal[SEX_CODES]  # type: ignore[valid-type]


class Span(BaseModel):
    """Where a value came from: ``document_text[start:end] == text``."""
    model_config = ConfigDict(extra="forbid")
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class FeederArtery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    side: Optional[Side] = Field(None, description="left, right or bilateral; null when not stated")
    level: Optional[Level] = Field(None, description="vertebra whose segmental artery it is; null for "
                                   "arteries without a segmental level")


class CementVolume(BaseModel):
    model_config = ConfigDict(extra="forbid")
    level: Optional[Level] = Field(None, description="vertebra injected")
    ml: float = Field(ge=0, description="cement injected into that vertebra, mL")


class CaseFields(BaseModel):
    """The extracted fields of one patient (GUIDELINES.md, schema v1.1), in contract order."""
    model_config = ConfigDict(extra="forbid")

    age_years: Optional[float] = Field(None, ge=0, le=130, json_schema_extra={"unit": "years"},
                                       description="age at presentation; infants as a fraction of a year")
    sex: Optional[Sex] = Field(None, description="female or male")
    levels: list[Level] = Field(default_factory=list, description="vertebrae involved by the treated lesion")
    enneking_stage: Optional[Literal[1, 2, 3]] = Field(None, description="Enneking stage where the text states it")
    symptom_duration_months: Optional[float] = Field(None, ge=0, json_schema_extra={"unit": "months"},
                                                     description="time from first symptom to presentation")
    treatments: list[Treatment] = Field(default_factory=list, description="what was done to treat the lesion")
    combination: Optional[str] = Field(None, description="treatment codes in vocabulary order joined by '+'")
    feeder_arteries: list[FeederArtery] = Field(default_factory=list,
                                                description="arteries embolised or named as feeding the lesion")
    embolic_agents: list[EmbolicAgent] = Field(default_factory=list, description="embolic agents used")
    cement_volumes: list[CementVolume] = Field(default_factory=list, description="bone cement per vertebra")
    cement_total_ml: Optional[float] = Field(None, ge=0, json_schema_extra={"unit": "mL"},
                                             description="total bone cement injected")
    blood_loss_ml: Optional[float] = Field(None, ge=0, json_schema_extra={"unit": "mL"},
                                           description="intraoperative (estimated) blood loss")
    transfusion_ml: Optional[float] = Field(None, ge=0, json_schema_extra={"unit": "mL"},
                                            description="volume of blood products transfused; 0 when none needed")
    radiotherapy_dose_gy: Optional[float] = Field(None, ge=0, json_schema_extra={"unit": "Gy"},
                                                  description="total radiotherapy dose to the lesion")
    vas_pre: Optional[float] = Field(None, ge=0, le=10, json_schema_extra={"unit": "0-10"},
                                     description="pain score (VAS/NRS, 0-10) before treatment")
    vas_post: Optional[float] = Field(None, ge=0, le=10, json_schema_extra={"unit": "0-10"},
                                      description="pain score (VAS/NRS, 0-10) at the last report after treatment")
    follow_up_months: Optional[float] = Field(None, ge=0, json_schema_extra={"unit": "months"},
                                              description="longest follow-up stated for the patient")
    recurrence: Optional[bool] = Field(None, description="recurrence or regrowth reported (true), denied (false)")
    complications: list[Complication] = Field(default_factory=list, description="complications that happened")
    outcome: Optional[Outcome] = Field(None, description="state at last follow-up against presentation")
    complications_reported: bool = Field(False, description=(
        "(v1.1) true where the report names a complication or says none occurred; false where it is "
        "silent (no evidence: silence has none). The denominator of a complication rate"))
    diagnosis: Optional[Diagnosis] = Field(None, description="(v1.1) the lesion treated")


FIELDS: tuple[str, ...] = tuple(CaseFields.model_fields)
# the fields schema v1.1 added: scored apart from the v1 micro figure
V1_1_FIELDS: tuple[str, ...] = ("complications_reported", "diagnosis")
LIST_FIELDS: tuple[str, ...] = tuple(n for n, f in CaseFields.model_fields.items()
                                     if getattr(f.annotation, "__origin__", None) is list)


class CaseRecord(CaseFields):
    """One patient of one document, with the evidence and confidence of every set field."""
    document_id: str = Field(description="input file name without extension, or the PMID of a PubMed article")
    case_index: int = Field(ge=1, description="1, 2, ... in the order the patients appear")
    evidence: dict[str, list[Span]] = Field(default_factory=dict,
                                            description="for each set field, the spans it came from")
    confidence: dict[str, float] = Field(default_factory=dict,
                                         description="for each set field, a confidence from 0 to 1")
    model: dict[str, ModelEffect] = Field(
        default_factory=dict, description="(extract --model) for each value the trained model filled (the rules "
        "gave none) or changed (the rules gave another); written only where there is one")

    def to_json(self) -> dict[str, Any]:
        """The record as written to cases.jsonl: identifiers first, then the fields in contract order."""
        data = self.model_dump(mode="json")
        order = ["document_id", "case_index", *FIELDS, "evidence", "confidence"] + (["model"] if self.model else [])
        return {k: data[k] for k in order}


def combination_of(treatments: list[str]) -> Optional[str]:
    """The `combination` string: codes in vocabulary order, joined by '+'."""
    codes = [c for c in TREATMENT_CODES if c in set(treatments)]
    return "+".join(codes) if codes else None


def json_schema() -> dict[str, Any]:
    schema = CaseRecord.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"caseminer case record (schema v{SCHEMA_VERSION})"
    return schema


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=False) + "\n"
