"""What was done to treat the lesion, as the contract's treatment codes.

Every wording of ``patterns/treatments.yaml`` that names a code is a candidate, unless its
sentence speaks of the treatment in general or of another condition, a refusal or negation
sits right beside it ("the lesion was not embolised", "she refused irradiation"), or it
treated a primary tumour elsewhere before the spine was involved. Options reviewed,
recommended or planned are left to the ConText modifiers (hypothetical, generic, review).
Negation is judged here rather than by ConText, whose scope runs to the end of the sentence
and would also take "no growth since the radiotherapy".

Some wordings hold only where the patient's record agrees (``bound``): antibiotics treat
the lesion where it is an infection, an unnamed decompression or a tumour removal is
``other`` where no laminectomy or vertebrectomy is that decompression or removal. The
record completion (:func:`complete`) drops them where it does not.
"""
from __future__ import annotations

import dataclasses
import re
from functools import lru_cache
from typing import Iterator

from nlp.extract.base import Candidate, SentenceView
from nlp.extract.registry import Assembled, Family
from nlp.normalize.words import whole_words
from nlp.patterns import load_patterns


def _patterns() -> dict:
    return load_patterns("treatments")


def _code_named(phrase: str) -> str | None:
    """The code a phrase names outright or by a weaker wording, if any."""
    rx = _patterns()["regex"]
    for code, patterns in rx["codes"].items():
        if any(p.search(phrase) for p in patterns):
            return code
    for code, rules in rx["conditional"].items():
        if any(_conditions_hold(rule, phrase) and rule["wording"].search(phrase) for rule in rules):
            return code
    return None


@lru_cache(maxsize=64)
def _abbreviation_terms(abbreviations: tuple[tuple[str, str], ...]) -> tuple[tuple[str, re.Pattern], ...]:
    """The document's abbreviations whose long form names a code ("TAE", "PKP", "EA")."""
    terms = []
    for short, long in abbreviations:
        code = _code_named(long)
        if code:
            terms.append((code, whole_words([short])))
    return tuple(terms)


def _wordings(view: SentenceView) -> Iterator[tuple[str, re.Pattern]]:
    """(code, pattern) for every wording that may name a code in this sentence."""
    rx = _patterns()["regex"]
    for table in (rx["codes"], rx["codes_cs"]):
        for code, patterns in table.items():
            for pattern in patterns:
                yield code, pattern
    yield from _abbreviation_terms(tuple(sorted(view.abbreviations.items())))
    for code, rules in rx["conditional"].items():
        for rule in rules:
            if _conditions_hold(rule, view.text):
                yield code, rule["wording"]


def _conditions_hold(rule: dict, text: str) -> bool:
    requires, refuses = rule.get("requires"), rule.get("refuses")
    return (requires is None or requires.search(text) is not None) and \
        (refuses is None or refuses.search(text) is None)


def _done(text: str, start: int, end: int) -> bool:
    rx = _patterns()["regex"]
    return bool(rx["done_before"].search(text[:start]) or rx["done_after"].match(text[end:]))


def _not_given(text: str, start: int, end: int) -> bool:
    rx = _patterns()["regex"]
    return bool(rx["not_given_before"].search(text[:start]) or rx["not_given_after"].search(text[end:]))


_BOUND = "bound:"  # the flag of a candidate whose code holds only where the record agrees


def _bound_wordings() -> Iterator[tuple[str, str, re.Pattern]]:
    """(tag, code, pattern) for the wordings that hold only where the record agrees."""
    conditions = _patterns()["data"]["bound"]
    for tag, patterns in _patterns()["regex"]["bound"].items():
        for pattern in patterns:
            yield tag, conditions[tag]["code"], pattern


def _clause(text: str, start: int, end: int) -> str:
    rx = _patterns()["regex"]
    edges = [0] + [m.end() for m in rx["clause_break"].finditer(text) if m.end() <= start]
    after = [m.start() for m in rx["clause_break"].finditer(text, end)]
    return text[max(edges):after[0] if after else len(text)]


def _names_primary(text: str) -> bool:
    rx = _patterns()["regex"]
    return bool(rx["primary_elsewhere"].search(text) or rx["primary_elsewhere_cs"].search(text))


def _treats_primary(view: SentenceView, start: int, end: int, flags: frozenset[str]) -> bool:
    """A treatment of a primary tumour elsewhere, before the spine was involved: told as past or
    as (neo)adjuvant in a sentence that names the primary, or in a paragraph that named it and
    no spinal site yet; its own clause names no spinal site."""
    rx = _patterns()["regex"]
    text = view.text
    if "historical" not in flags and not rx["adjuvant"].search(text):
        return False
    clause = _clause(text, start, end)
    if rx["spinal_site"].search(clause) or rx["lesion_site"].search(clause):
        return False
    if _names_primary(text):
        return True
    earlier = " ".join(view.earlier)
    return _names_primary(earlier) and not rx["spinal_site"].search(earlier + " " + text)


def find(view: SentenceView) -> Iterator[Candidate]:
    text = view.text
    rx = _patterns()["regex"]
    if rx["general"].search(text) or rx["elsewhere"].search(text):
        return
    past_condition = rx["elsewhere_past"].search(text) is not None
    taken: list[tuple[str, int, int]] = []
    wordings = [(None, code, pattern) for code, pattern in _wordings(view)] + list(_bound_wordings())
    for tag, code, pattern in wordings:
        for m in pattern.finditer(text):
            # one candidate per wording: "pedicle screws" and "screws were placed" are one
            if any(c == code and s < m.end() and m.start() < e for c, s, e in taken) \
                    or _not_given(text, *m.span()):
                continue
            allow = ("negated", "hypothetical") if _done(text, *m.span()) else ("negated",)
            candidate = view.candidate("treatments", code, *m.span(), confidence=0.85, allow=allow)
            if (past_condition and "historical" in candidate.flags) \
                    or _treats_primary(view, *m.span(), candidate.flags):
                continue
            taken.append((code, *m.span()))
            if tag is not None:
                candidate = dataclasses.replace(candidate, flags=candidate.flags | {_BOUND + tag})
            yield candidate


def _holds(candidate: Candidate, values: dict) -> bool:
    """A candidate's code holds in this record: it is no bound wording, or the record agrees."""
    tags = [f[len(_BOUND):] for f in candidate.flags if f.startswith(_BOUND)]
    if not tags:
        return True
    condition = _patterns()["data"]["bound"][tags[0]]
    treatments = set(values.get("treatments", []))
    return ("diagnosis" not in condition or values.get("diagnosis") in condition["diagnosis"]) \
        and not treatments & set(condition.get("absent", []))


def complete(record: Assembled) -> None:
    """Drop the bound wordings the record does not agree with, and a code left with none."""
    support = record.support.get("treatments")
    if not support:
        return
    values = dict(record.values)
    values["treatments"] = [c.value for c in support if not any(f.startswith(_BOUND) for f in c.flags)]
    kept = tuple(c for c in support if _holds(c, values))
    if len(kept) == len(support):
        return
    if not kept:
        record.drop("treatments")
        return
    codes = list(dict.fromkeys(c.value for c in kept))
    spans = {(c.start, c.end) for c in kept}
    record.values["treatments"] = [v for v in record.values["treatments"] if v in codes]
    record.support["treatments"] = kept
    record.evidence["treatments"] = [s for s in record.evidence["treatments"] if (s.start, s.end) in spans]


FAMILY = Family("treatments", find, complete=complete)
