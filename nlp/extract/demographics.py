"""Age and sex of the patient."""
from __future__ import annotations

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


@family("demographics")
def find(view: SentenceView) -> Iterator[Candidate]:
    rx = load_patterns("demographics")["regex"]
    data = load_patterns("demographics")
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
            if any(s <= m.start() < e for s, e in taken):
                continue
            prefix = text[max(0, m.start() - 40):m.start()]
            if any(p.search(prefix) for p in rx["not_age"]):
                continue
            age = 0.0 if m.groupdict().get("newborn") else _age_value(m.group("age"), m.groupdict().get("unit"))
            if age is None:
                continue
            taken.append(m.span())
            yield view.candidate("age_years", age, *m.span(), confidence=0.9)
    female = set(data["sex_words"]["female"])
    pronouns = set(data["pronouns"])
    for pattern in rx["sex"]:
        for m in pattern.finditer(text):
            word = m.group("sex").lower()
            sex = "female" if word in female else "male"
            confidence = 0.55 if word in pronouns else 0.9
            yield view.candidate("sex", sex, *m.span(), confidence=confidence)
