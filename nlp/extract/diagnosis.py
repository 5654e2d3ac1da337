"""The lesion treated (diagnosis): one code per patient.

Every wording of ``patterns/diagnosis.yaml`` that names a lesion is a candidate whose
confidence says how surely it names the lesion treated: the diagnosis made or the final
histology is the strongest, a kind of tumour named plainly outweighs a condition (a fracture,
an infection, a degenerative disc), and both outweigh a tumour of no kind named ("the mass",
"a neoplasm"). A lesion only suspected, one the text then names otherwise ("an atypical
haemangioma, namely ...") and one of the patient's past are weak; one weighed in a
differential, negated, or a complication of treatment ("a wound infection after surgery") is
none. The assembler keeps the strongest, the
earliest among equals.

A lesion named where no patient of a series is told (a Methods paragraph of a table series)
is the series' lesion: it is marked ``all_patients``, and a patient whose own text names
none takes it.
"""
from __future__ import annotations

import dataclasses
import re
from functools import lru_cache
from typing import Iterator, Optional

from nlp.extract.base import Candidate, SentenceView
from nlp.extract.cells import Cell, Column, RowState, TableContext, table_candidate
from nlp.extract.registry import Family
from nlp.normalize.words import whole_words
from nlp.patterns import load_patterns

FIELD = "diagnosis"
_GENERIC = "other_tumour"  # the code of a tumour of no kind named


def _patterns() -> dict:
    return load_patterns("diagnosis")


def _wordings() -> Iterator[tuple[str, bool, re.Pattern]]:
    """(code, generic, pattern) in the order of the pattern file: where two overlap, the first
    listed names the span."""
    rx = _patterns()["regex"]
    for table in (rx["codes"], rx["codes_cs"]):
        for code, patterns in table.items():
            for pattern in patterns:
                yield code, False, pattern
    yield _GENERIC, True, rx["generic_tumour"]


def _code_of(phrase: str) -> Optional[str]:
    """The code a phrase names (the long form of an abbreviation), if any."""
    return next((code for code, generic, p in _wordings() if not generic and p.search(phrase)), None)


@lru_cache(maxsize=64)
def _abbreviation_terms(abbreviations: tuple[tuple[str, str], ...]) -> tuple[tuple[str, re.Pattern], ...]:
    """The document's abbreviations whose long form names a lesion ("VH", "SPB", "TB")."""
    return tuple((code, whole_words([short])) for short, long in abbreviations
                 if (code := _code_of(long)) is not None)


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    breaks = list(_patterns()["regex"]["clause_break"].finditer(text))
    lo = max([0] + [m.end() for m in breaks if m.end() <= start])
    hi = min([len(text)] + [m.start() for m in breaks if m.start() >= end])
    return lo, hi


def strength(text: str, start: int, end: int, code: str, generic: bool) -> Optional[float]:
    """How surely ``text[start:end]`` names the lesion treated; None: it does not (a
    differential, a diagnosis ruled out, a complication of treatment)."""
    rx, data = _patterns()["regex"], _patterns()["data"]
    weights = data["strength"]
    lo, hi = _clause(text, start, end)
    clause = text[lo:hi]
    if rx["differential"].search(clause):
        return None
    if generic:
        value = weights["generic"]
    elif rx["confirmed"].search(clause) and not rx["uncertain"].search(clause):
        value = weights["confirmed"]
    else:
        value = weights["tumour"] if code in data["tumour_codes"] else weights["condition"]
    if rx["complication_before"].search(text[:start]) or rx["complication_after"].search(text[end:]):
        return None
    if code in data["caused_codes"] and (rx["caused_before"].search(text[:start]) or rx["caused_after"].search(text[end:])):
        return None
    caps = [(rx["uncertain"].search(clause), weights["uncertain"]),
            (rx["revised_after"].search(text[end:]), weights["revised"]),
            (rx["past_before"].search(text[:start]) or rx["past_after"].search(text[end:])
             or rx["past_sentence"].search(text), weights["past"])]
    return min([value] + [cap for found, cap in caps if found])


def _osteoporotic(view: SentenceView) -> bool:
    """A fracture in a bone the text calls osteoporotic, with no injury of force told."""
    rx = _patterns()["regex"]
    story = " ".join(view.earlier + (view.text,))
    return bool(rx["osteoporotic_context"].search(story)) and not rx["high_energy"].search(story)


def find(view: SentenceView) -> Iterator[Candidate]:
    text = view.text
    taken: list[tuple[int, int]] = []
    wordings = list(_wordings())
    wordings += [(code, False, p) for code, p in _abbreviation_terms(tuple(sorted(view.abbreviations.items())))]
    for code, generic, pattern in wordings:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append(m.span())
            confidence = strength(text, *m.span(), code, generic)
            if confidence is None:
                continue
            if code == "traumatic_fracture" and _osteoporotic(view):
                code = "osteoporotic_fracture"
            # a hypothesis is weighed above (`uncertain`), not blocked by ConText's wide scope;
            # a histology told of the lesion is no general statement ("with many thin-walled
            # vessels")
            allow = ("hypothetical", "generic") if confidence >= _patterns()["data"]["strength"]["confirmed"] \
                else ("hypothetical",)
            candidate = view.candidate(FIELD, code, *m.span(), confidence=confidence, allow=allow)
            yield dataclasses.replace(candidate, flags=candidate.flags | {"all_patients"})


def _diagnosis_cell(cell: Cell, column: Column, row: RowState, context: TableContext) -> Iterator[Candidate]:
    """A "Primary tumour" cell gives the metastasis; a "Diagnosis" or "Histology" cell its
    lesion, read by the finder."""
    if _patterns()["regex"]["primary_column"].search(column.header):
        yield table_candidate(FIELD, "metastasis", cell)
        return
    found = sorted(find(context.view_of(cell)), key=lambda c: (-c.confidence, c.start))
    if found:
        yield table_candidate(FIELD, found[0].value, cell)


FAMILY = Family("diagnosis", find, cell_readers={FIELD: _diagnosis_cell})
