"""How long the patient was followed (follow_up_months) and how long the symptoms had
lasted before presentation (symptom_duration_months)."""
from __future__ import annotations

import re
from typing import Iterator, Optional

from nlp.extract.base import Candidate, SentenceView
from nlp.extract.cells import (
    Cell,
    CellReader,
    Column,
    RowState,
    TableContext,
    bare_number,
    table_candidate,
)
from nlp.extract.registry import Family
from nlp.normalize.durations import parse_duration
from nlp.normalize.numbers import NUMBER_RE
from nlp.normalize.units import to_months
from nlp.patterns import load_patterns

# the last number of a list ("1.5, 6, and 12 months"): the list is read at its end
_LAST_NUMBER = re.compile(rf"(?:{NUMBER_RE})[\s-]*[a-z]+\s*$", re.IGNORECASE)
# A duration is never itself a negated finding: "no regrowth at 6 months" still says the
# patient was seen at 6 months.
_ALLOW = ("negated",)


def _data() -> dict:
    return load_patterns("follow_up")


def _months(text: str) -> float | None:
    tail = _LAST_NUMBER.search(text)
    return parse_duration(tail.group(0) if tail else text)


def _gestational(text: str, months: float) -> bool:
    """"at 28 weeks": weeks this many are a pregnancy's term, not a time after treatment."""
    data = _data()
    weeks_unit = any(p.search(text) for p in data["regex"]["gestation"])
    return weeks_unit and months * 30.44 / 7 >= data["data"]["gestation_weeks"]


def _bounded(text: str, start: int) -> bool:
    return any(p.search(text[max(0, start - 30):start]) for p in _data()["regex"]["not_follow_up"])


def _follow_up(view: SentenceView) -> Iterator[Candidate]:
    if view.section == "title":
        return  # "... nine years after laminectomy": a title dates the story, not the follow-up
    rx = _data()["regex"]
    for pattern in rx["follow_up"] + rx["after_treatment"]:
        for m in pattern.finditer(view.text):
            months = _months(m["dur"])
            if months is None or months <= 0 or _gestational(m["dur"], months) or _bounded(view.text, m.start()):
                continue
            yield view.candidate("follow_up_months", months, *m.span(), confidence=0.85, allow=_ALLOW)
    for pattern in rx["treated_ago"]:
        for m in pattern.finditer(view.text):
            months = _months(m["dur"])
            if months and not _names_a_primary(view.text[m.start():m.start("dur")]):
                yield view.candidate("follow_up_months", months, *m.span(), confidence=0.7, allow=_ALLOW)
    yield from _relative_follow_up(view)


def _names_a_primary(text: str) -> bool:
    return any(p.search(text) for p in _data()["regex"]["primary"])


def _treatment_at(text: str) -> Optional[int]:
    """Where the first treatment of ``text`` is told (none of a primary tumour elsewhere)."""
    rx = _data()["regex"]
    starts = [m.start() for p in rx["treatment"] for m in p.finditer(text)
              if not _names_a_primary(text[max(0, m.start() - 20):m.end() + 50])
              and not any(q.search(text[max(0, m.start() - 40):m.start()]) for q in rx["not_treatment"])]
    return min(starts) if starts else None


def _times(text: str) -> list[tuple[int, int, float, bool]]:
    """(start, end, months, relative) of the times of a sentence that chain: relative ones ("two
    years later") and those counted from a treatment ("six months after surgery")."""
    rx = _data()["regex"]
    found = {}
    for key in ("relative", "after_treatment"):
        for pattern in rx[key]:
            for m in pattern.finditer(text):
                months = _months(m["dur"])
                if months and months > 0 and not _gestational(m["dur"], months) and not _bounded(text, m.start()):
                    found.setdefault(m.start("dur"), (m.start(), m.end(), months, key == "relative"))
    return [found[k] for k in sorted(found)]


def _relative_follow_up(view: SentenceView) -> Iterator[Candidate]:
    """"Two years later she was well", "After 6 weeks, ...": a follow-up where a treatment was
    told before it in the story (this sentence or the earlier ones of its paragraph), counted
    from that treatment: relative times told one after another add up. A sentence that tells
    the presentation ("Five years later she presented with ...") starts the story again."""
    rx = _data()["regex"]
    if not any(p.search(view.text) for p in rx["relative"]):
        return
    running: Optional[float] = None  # months since the treatment, once one is told
    for i, text in enumerate(view.earlier + (view.text,)):
        current = i == len(view.earlier)
        if any(p.search(text) for p in rx["presentation"]):
            if current:
                return
            running = None
            continue
        treated = None if any(p.search(text) for p in rx["history"]) else _treatment_at(text)
        for start, end, months, relative in _times(text):
            if running is None and (treated is None or treated > start):
                continue
            running = (running or 0.0) + months if relative else max(running or 0.0, months)
            if current and relative:
                yield view.candidate("follow_up_months", round(running, 2), start, end, confidence=0.7,
                                     allow=_ALLOW)
        if running is None and treated is not None:
            running = 0.0


def _clause_before(text: str, start: int) -> str:
    """The clause that ends where a duration starts (back to a semicolon or 100 characters)."""
    head = text[max(0, start - 100):start]
    return re.split(r"[;]", head)[-1]


def _symptom_in(text: str) -> re.Match | None:
    return next((m for p in _data()["regex"]["symptom"] for m in [p.search(text)] if m), None)


def _symptom_spans(view: SentenceView) -> Iterator[tuple[int, int, str]]:
    """(start, end, duration text) of each symptom duration in the sentence."""
    rx = _data()["regex"]["symptom_duration"]
    text = view.text
    for pattern in rx["before"]:
        for m in pattern.finditer(text):
            if _symptom_in(_clause_before(text, m.start())):
                yield m.start(), m.end(), m["dur"]
    for pattern in rx["after"]:
        for m in pattern.finditer(text):
            symptom = _symptom_in(m["ctx"])
            if symptom:
                yield m.start(), m.start("ctx") + symptom.end(), m["dur"]
    for pattern in rx["alone"]:
        for m in pattern.finditer(text):
            yield m.start(), m.end(), m["dur"]


def _after_treatment(text: str, start: int, end: int) -> bool:
    """"Pain free for 2 years", "pain for 2 weeks after surgery": time after treatment."""
    rx = _data()["regex"]
    return (any(p.search(_clause_before(text, start)[-40:]) for p in rx["not_symptom"])
            or any(p.search(text[end:end + 60]) for p in rx["not_symptom_after"]))


def _symptom_duration(view: SentenceView) -> Iterator[Candidate]:
    seen: set[tuple[int, int]] = set()
    for start, end, duration in _symptom_spans(view):
        if (start, end) in seen or _after_treatment(view.text, start, end):
            continue
        seen.add((start, end))
        months = parse_duration(duration)
        if months is None and duration.strip().isalpha():
            months = parse_duration(f"1 {duration}")  # "for the past year": a unit alone is one of it
        if months is not None and months > 0:
            yield view.candidate("symptom_duration_months", months, start, end, confidence=0.8)


def find(view: SentenceView) -> Iterator[Candidate]:
    yield from _follow_up(view)
    yield from _symptom_duration(view)


def _months_cell(cell: Cell, column: Column) -> Optional[float]:
    """A duration: with its own unit, or a bare number (or range) in the column's unit (months)."""
    stated = parse_duration(cell.text)
    if stated is not None:
        return stated
    bare = bare_number(cell.text)
    return to_months(bare, column.unit or "months") if bare is not None else None


def _duration_cell(field_name: str) -> CellReader:
    def read(cell: Cell, column: Column, row: RowState, context: TableContext) -> Iterator[Candidate]:
        months = _months_cell(cell, column)
        if months is not None:
            yield table_candidate(field_name, months, cell)
    return read


FAMILY = Family("follow_up", find,
                cell_readers={"symptom_duration_months": _duration_cell("symptom_duration_months"),
                              "follow_up_months": _duration_cell("follow_up_months")},
                span_readers={"symptom_duration_months": parse_duration, "follow_up_months": parse_duration})
