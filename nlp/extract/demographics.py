"""Age and sex of the patient."""
from __future__ import annotations

from functools import lru_cache
from typing import Iterator

from nlp.extract.base import Candidate, SentenceView, family, load_patterns
from nlp.normalize.numbers import parse_number
from nlp.normalize.units import age_years

_SEX_LETTER = {"M": "male", "F": "female"}


def _age_value(number: str, unit: str | None) -> float | None:
    value = parse_number(number)
    if value is None:
        return None
    years = age_years(value, unit or "years")
    return years if years is not None and 0 <= years <= 120 else None


@lru_cache(maxsize=1)
def _sex_lexicon() -> dict[str, dict[str, tuple[str, float]]]:
    """word class -> word -> (sex, confidence)"""
    data = load_patterns("demographics")
    return {kind: {word: (sex, data["sex_confidence"][kind]) for sex, words in by_sex.items() for word in words}
            for kind, by_sex in data["sex_words"].items()}


def _describes_a_group(rx: dict, text: str, m) -> bool:
    before, after = text[max(0, m.start() - 40):m.start()], text[m.end():m.end() + 20]
    return (any(p.search(before) for p in rx["not_age_before"])
            or any(p.search(after) for p in rx["not_age_after"])
            or any(p.search(m.group(0)) for p in rx["range"]))


@family("demographics")
def find(view: SentenceView) -> Iterator[Candidate]:
    rx = load_patterns("demographics")["regex"]
    text = view.text
    taken: list[tuple[int, int]] = []
    for pattern in rx["age_sex_cs"]:
        for m in pattern.finditer(text):
            age = _age_value(m.group("age"), None)
            if age is None:
                continue
            taken.append(m.span())
            yield view.candidate("age_years", age, *m.span(), confidence=0.7)
            yield view.candidate("sex", _SEX_LETTER[m.group("sex")], *m.span(), confidence=0.7)
    for pattern in rx["age"]:
        for m in pattern.finditer(text):
            if any(s <= m.start() < e for s, e in taken) or _describes_a_group(rx, text, m):
                continue
            age = 0.0 if m.groupdict().get("newborn") else _age_value(m.group("age"), m.groupdict().get("unit"))
            if age is None:
                continue
            taken.append(m.span())
            yield view.candidate("age_years", age, *m.span(), confidence=0.9)
    lexicon = _sex_lexicon()
    words = {**lexicon["noun"], **lexicon["adjective"], **lexicon["pronoun"]}
    for key, table in (("sex", words), ("sex_noun_phrase", lexicon["noun_phrase"]), ("sex_title_cs", lexicon["noun"])):
        for pattern in rx[key]:
            for m in pattern.finditer(text):
                sex, confidence = table[m.group("sex").lower()]
                yield view.candidate("sex", sex, *m.span("sex"), confidence=confidence)
