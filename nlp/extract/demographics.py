"""Age and sex of the patient."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator, Optional

from nlp.extract.base import Candidate, SentenceView
from nlp.extract.cells import (
    Cell,
    Column,
    RowState,
    TableContext,
    cell_words,
    table_candidate,
)
from nlp.extract.registry import Family
from nlp.normalize.numbers import parse_number
from nlp.normalize.units import parse_quantity, to_years
from nlp.patterns import load_patterns

_SEX_LETTER = {"M": "male", "F": "female"}


def _age_value(number: str, unit: str | None) -> float | None:
    value = parse_number(number)
    if value is None:
        return None
    years = to_years(value, unit or "years")
    return years if years is not None and 0 <= years <= 120 else None


@lru_cache(maxsize=1)
def _sex_lexicon() -> dict[str, dict[str, tuple[str, float]]]:
    """word class -> word -> (sex, confidence)"""
    data = load_patterns("demographics")["data"]
    return {kind: {word: (sex, data["sex_confidence"][kind]) for sex, words in by_sex.items() for word in words}
            for kind, by_sex in data["sex_words"].items()}


def _describes_a_group(rx: dict, text: str, m) -> bool:
    before, after = text[max(0, m.start() - 40):m.start()], text[m.end():m.end() + 20]
    return (any(p.search(before) for p in rx["not_age_before"])
            or any(p.search(after) for p in rx["not_age_after"])
            or any(p.search(m.group(0)) for p in rx["range"]))


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


# ---- table cells and model spans ----------------------------------------------------------

def _age_cell(cell: Cell, column: Column, row: RowState, context: TableContext) -> Iterator[Candidate]:
    m = load_patterns("demographics")["regex"]["age_cell"].search(cell.text)
    if not m:
        return
    unit = m["unit"] or column.unit or "years"
    value = parse_number(m["age"])
    years = to_years(value, unit) if value is not None else None
    if years is not None and 0 <= years <= 120:
        yield table_candidate("age_years", years, cell)


def _sex_cell(cell: Cell, column: Column, row: RowState, context: TableContext) -> Iterator[Candidate]:
    words = load_patterns("demographics")["data"]["cell_sex_words"]
    for word in cell_words(cell.text):
        for sex, names in words.items():
            if word in names:
                yield table_candidate("sex", sex, cell)
                return


def _age_span(text: str) -> Optional[float]:
    """An age a model marked, where the patterns read none: a quantity ("3 months") or a number."""
    quantity = parse_quantity(text)
    if quantity:
        value = to_years(*quantity)
    else:
        m = re.search(r"\d+(?:\.\d+)?", text)
        value = parse_number(m.group(0)) if m else parse_number(text)
    return value if value is not None and 0 <= value <= 120 else None


def _sex_span(text: str) -> Optional[str]:
    """A sex a model marked: any word of the lexicon, or a lone letter ("F")."""
    lexicon = {w: s for table in _sex_lexicon().values() for w, (s, _) in table.items()}
    for word in re.findall(r"[A-Za-z]+", text.lower()):
        if word in lexicon:
            return lexicon[word]
    return _SEX_LETTER.get(text.strip().upper())


FAMILY = Family("demographics", find,
                cell_readers={"age_years": _age_cell, "sex": _sex_cell},
                span_readers={"age_years": _age_span, "sex": _sex_span},
                identifies_patient=frozenset({"age_years", "sex"}))
