"""What was done to treat the lesion, as the contract's treatment codes.

Every wording of ``patterns/treatments.yaml`` that names a code is a candidate, unless its
sentence speaks of the treatment in general or of another condition, or a refusal or
negation sits right beside it ("we did not embolise", "radiotherapy was avoided").
Options reviewed, recommended or planned are left to the ConText modifiers (hypothetical,
generic, review). Negation is judged here rather than by ConText, whose scope runs to the
end of the sentence and would also take "no regrowth after radiotherapy".
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

from nlp.extract.base import Candidate, SentenceView
from nlp.extract.registry import Family
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


def find(view: SentenceView) -> Iterator[Candidate]:
    text = view.text
    rx = _patterns()["regex"]
    if rx["general"].search(text) or rx["elsewhere"].search(text):
        return
    taken: list[tuple[str, int, int]] = []
    for code, pattern in _wordings(view):
        for m in pattern.finditer(text):
            # one candidate per wording: "pedicle screws" and "screws were placed" are one
            if any(c == code and s < m.end() and m.start() < e for c, s, e in taken) \
                    or _not_given(text, *m.span()):
                continue
            taken.append((code, *m.span()))
            allow = ("negated", "hypothetical") if _done(text, *m.span()) else ("negated",)
            yield view.candidate("treatments", code, *m.span(), confidence=0.85, allow=allow)


FAMILY = Family("treatments", find)
