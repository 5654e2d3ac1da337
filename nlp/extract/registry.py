"""The field families, each declared in one place.

A family is a module ``nlp/extract/<name>.py`` with a pattern file ``patterns/<name>.yaml``; the
module ends with its :class:`Family`: the finder that reads a sentence, the readers of the table
cells under its columns, how it reads the text of a trained model's span, and what it completes
in an assembled record. The pipeline, the case-series tables, the model component and the
assembler look families up here, never in a family's module.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping, Optional

from spacy.language import Language

from nlp.extract.base import Candidate, FamilyExtractor, Finder, SentenceView
from nlp.extract.cells import CellReader
from nlp.patterns import load_patterns

# The families in the order their components run.
FAMILY_NAMES = ("demographics", "levels", "treatments", "embolization", "cement", "bleeding",
                "radiotherapy", "scores", "follow_up", "outcome", "diagnosis")


@dataclass
class Assembled:
    """A patient's record while it is assembled: per field, the value chosen, its evidence (spans),
    its confidence, and the candidates that support it."""
    values: dict[str, Any]
    evidence: dict[str, list]
    confidence: dict[str, float]
    support: dict[str, tuple[Candidate, ...]]

    def drop(self, name: str) -> None:
        for table in (self.values, self.evidence, self.confidence, self.support):
            table.pop(name, None)


@dataclass(frozen=True)
class Family:
    name: str
    find: Finder
    # field (or column kind, e.g. "cement") -> how a cell under such a column is read
    cell_readers: Mapping[str, CellReader] = field(default_factory=dict)
    # field -> the value of a model span's text where the finder reads none (None: no value)
    span_readers: Mapping[str, Callable[[str], Any]] = field(default_factory=dict)
    # what the family derives in a record once every field is chosen
    complete: Optional[Callable[[Assembled], None]] = None
    # what the family derives from a patient's table candidates (its rows of every table)
    complete_rows: Optional[Callable[[list[Candidate]], list[Candidate]]] = None
    # fields whose stated value makes a patient of its own (a table row, a told case)
    identifies_patient: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def families() -> tuple[Family, ...]:
    """Every family, in pipeline order; each is also a spaCy factory ``caseminer_<name>``."""
    found = tuple(importlib.import_module(f"nlp.extract.{name}").FAMILY for name in FAMILY_NAMES)
    for fam in found:
        if not Language.has_factory(f"caseminer_{fam.name}"):
            Language.factory(f"caseminer_{fam.name}",
                             func=lambda nlp, name, fam=fam: FamilyExtractor(fam.name, fam.find))
    return found


def find_in(view: SentenceView, fields: Iterable[str]) -> list[Candidate]:
    """Every family's candidates for ``fields`` in a text read as a sentence of its own (a
    table cell, a model's span)."""
    wanted = frozenset(fields)
    return [c for fam in families() for c in fam.find(view) if c.field in wanted]


@lru_cache(maxsize=None)
def cell_reader(kind: str) -> Optional[CellReader]:
    return next((fam.cell_readers[kind] for fam in families() if kind in fam.cell_readers), None)


@lru_cache(maxsize=None)
def span_reader(field_name: str) -> Optional[Callable[[str], Any]]:
    return next((fam.span_readers[field_name] for fam in families() if field_name in fam.span_readers), None)


@lru_cache(maxsize=1)
def patient_fields() -> frozenset[str]:
    """The fields that, stated, make a patient of their own (age and sex)."""
    return frozenset(f for fam in families() for f in fam.identifies_patient)


def complete_record(record: Assembled) -> None:
    for fam in families():
        if fam.complete is not None:
            fam.complete(record)


def complete_rows(candidates: list[Candidate]) -> list[Candidate]:
    """What the families derive from one patient's table candidates."""
    return [c for fam in families() if fam.complete_rows is not None for c in fam.complete_rows(candidates)]


@lru_cache(maxsize=1)
def column_rules() -> tuple[dict, ...]:
    """Which headers hold which fields: the series' own (the patient's label), then each
    family's, in family order."""
    return tuple(load_patterns("series")["columns"]) + tuple(
        rule for name in FAMILY_NAMES for rule in load_patterns(name)["columns"])


@lru_cache(maxsize=1)
def assembly_rules() -> dict[str, dict]:
    """Per field, the ``assemble:`` entry of the family that owns it."""
    return {f: rule for name in FAMILY_NAMES for f, rule in load_patterns(name)["assemble"].items()}


@lru_cache(maxsize=1)
def model_labels() -> dict[str, str]:
    """The span labels a trained model may use for each family's fields ("Age" -> its field)."""
    return {label: f for name in FAMILY_NAMES for label, f in load_patterns(name)["model_labels"].items()}
