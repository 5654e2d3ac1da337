"""A review protocol (``extract --protocol protocol.yaml``) and the screening it decides.

    diagnoses: [hemangioma, aneurysmal_bone_cyst]   # codes of the diagnosis field
    regions: [thoracic, lumbar]                      # and/or levels: [T10, T11, T12, L1]
    designs: [case_report, case_series]
    years: {from: 2000, to: 2024}                    # publication years, both ends included

Every key may be left out (no condition on it). A patient is included when the document meets
the protocol (design, year) and the patient does (diagnosis, a lesion level in the regions or
levels); otherwise excluded, with every condition missed as the reason. A value the record does
not state misses its condition: a reviewer includes what the report shows to meet the protocol.
A document is excluded when none of its patients is included. The design is the document's:
one patient, a case report; more, a case series.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from nlp.patterns.loader import first_error
from nlp.schema import LEVELS, Diagnosis, Level
from nlp.dataset.fields import REGIONS, region_of
from nlp.dataset.rows import year_of

PROTOCOL_FILE = "protocol.yaml"  # the copy a run keeps of the protocol it screened with
DESIGNS = ("case_report", "case_series")
Region = Literal[tuple(REGIONS.values())]  # type: ignore[valid-type]


class ProtocolError(Exception):
    """A protocol file that cannot be read or does not validate: one line naming the file and the key."""


class Years(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    first: Optional[int] = Field(None, alias="from", ge=1800, le=2200)
    last: Optional[int] = Field(None, alias="to", ge=1800, le=2200)

    @model_validator(mode="after")
    def _ordered(self) -> "Years":
        if self.first is not None and self.last is not None and self.first > self.last:
            raise ValueError(f"from ({self.first}) is after to ({self.last})")
        return self

    def __str__(self) -> str:
        return f"{self.first or '...'}-{self.last or '...'}"


class Protocol(BaseModel):
    model_config = ConfigDict(extra="forbid")
    diagnoses: Optional[list[Diagnosis]] = Field(None, min_length=1)
    regions: Optional[list[Region]] = Field(None, min_length=1)
    levels: Optional[list[Level]] = Field(None, min_length=1)
    designs: Optional[list[Literal[DESIGNS]]] = Field(None, min_length=1)  # type: ignore[valid-type]
    years: Optional[Years] = None

    def allowed_levels(self) -> Optional[set[str]]:
        """The vertebrae the protocol takes (its regions' and its levels), None: any."""
        if self.regions is None and self.levels is None:
            return None
        return {lv for lv in LEVELS if region_of(lv) in (self.regions or ())} | set(self.levels or ())


def load_protocol(path: Path) -> tuple[Protocol, str]:
    """The protocol in ``path`` and its text (kept in the run folder as it was given)."""
    import yaml
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ProtocolError(f"{path}: not YAML: {' '.join(str(exc).split())}") from None
    if not isinstance(raw, dict) or not raw:
        raise ProtocolError(f"{path}: (top): a mapping of diagnoses, regions, levels, designs, years expected")
    try:
        return Protocol.model_validate(raw), text
    except ValidationError as exc:
        raise ProtocolError(f"{path}: {first_error(exc)}") from None


def design_of(patients: int) -> str:
    return "case_report" if patients == 1 else "case_series"


@dataclass
class Screening:
    """A document's screening: ``ok`` or ``excluded``, the manifest's reason, and the patients excluded."""
    status: str
    reason: str = ""
    excluded_cases: dict[str, str] = field(default_factory=dict)  # str(case_index) -> why


def _document_misses(protocol: Protocol, row: dict, patients: int) -> list[str]:
    misses = []
    if protocol.designs is not None and design_of(patients) not in protocol.designs:
        misses.append(f"design {design_of(patients)} (protocol: {', '.join(protocol.designs)})")
    if protocol.years is not None:
        year = year_of(row.get("year"))
        if year is None:
            misses.append("publication year not stated")
        elif not (protocol.years.first or year) <= year <= (protocol.years.last or year):
            misses.append(f"published {year} (protocol: {protocol.years})")
    return misses


def _patient_misses(protocol: Protocol, record: dict) -> list[str]:
    misses = []
    if protocol.diagnoses is not None:
        diagnosis = record.get("diagnosis")
        if diagnosis is None:
            misses.append("diagnosis not stated")
        elif diagnosis not in protocol.diagnoses:
            misses.append(f"diagnosis {diagnosis} (protocol: {', '.join(protocol.diagnoses)})")
    allowed = protocol.allowed_levels()
    if allowed is not None:
        levels = record.get("levels") or []
        if not levels:
            misses.append("levels not stated")
        elif not set(levels) & allowed:
            misses.append(f"levels {' '.join(levels)} outside the protocol's")
    return misses


def screen_document(protocol: Protocol, row: dict, records: list[dict]) -> Screening:
    """The screening of a document with patients: ``row`` its manifest metadata, ``records`` its patients."""
    shared = _document_misses(protocol, row, len(records))
    excluded = {}
    for record in records:
        misses = shared + _patient_misses(protocol, record)
        if misses:
            excluded[str(record["case_index"])] = "outside the protocol: " + "; ".join(misses)
    if len(excluded) < len(records):
        note = f"{len(excluded)} of {len(records)} patients outside the protocol" if excluded else ""
        return Screening("ok", note, excluded)
    reasons = list(dict.fromkeys(excluded.values()))
    return Screening("excluded", "; ".join(reasons) if len(reasons) == 1 else
                     "no patient in the protocol: " + " | ".join(r.removeprefix("outside the protocol: ")
                                                                 for r in reasons), excluded)

