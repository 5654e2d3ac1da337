"""The patient's state at last follow-up (outcome), recurrence, and complications."""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, Optional

from nlp.context import BLOCKING, modifiers
from nlp.extract.base import Candidate, SentenceView
from nlp.extract.cells import (
    Cell,
    Column,
    RowState,
    TableContext,
    cell_words,
    expand,
    table_candidate,
    unassessed,
    yes_or_no,
)
from nlp.extract.registry import Assembled, Family, find_in
from nlp.normalize.scores import find_pain_scores
from nlp.patterns import load_patterns


@dataclass(frozen=True)
class Cue:
    state: str
    start: int
    end: int


def _data() -> dict:
    return load_patterns("outcome")


def _rx(name: str) -> list[re.Pattern]:
    return _data()["regex"].get(name, [])


def _matches(name: str, text: str) -> bool:
    return any(p.search(text) for p in _rx(name))


def _treated(text: str) -> bool:
    return _matches("after_treatment", text) or _matches("follow_up_context", text)


def _score_cues(text: str) -> list[Cue]:
    """A pain score after treatment: 0 is relief, anything above it pain that is left."""
    return [Cue("resolved" if s.value == 0 else "residual", s.start, s.end) for s in find_pain_scores(text)]


def _raw_cues(text: str) -> list[Cue]:
    after, treated = _matches("post_context", text), _treated(text)
    if (_matches("conservative_context", text) and not treated) or _matches("presentation_context", text):
        return []
    cues = _score_cues(text) if after else []
    # each state's cue list, and its `_after` list where the sentence is about the time after
    # treatment (for a worsening: explicitly after the treatment)
    for state in _data()["data"]["precedence"]:
        names = [state] + ([f"{state}_after"] if (treated if state == "worsened" else after) else [])
        cues += [Cue(state, m.start(), m.end()) for name in names for p in _rx(name) for m in p.finditer(text)]
    return cues


def _cues(view: SentenceView) -> list[Cue]:
    """The sentence's outcome cues that describe the patient, the stronger one kept where
    two overlap ("fully recovered" is resolved, not improved)."""
    data = _data()
    rank = {state: i for i, state in enumerate(data["data"]["precedence"])}
    kept: list[Cue] = []
    for cue in sorted(_raw_cues(view.text), key=lambda c: (rank[c.state], c.start)):
        if any(k.start < cue.end and cue.start < k.end for k in kept):
            continue
        if cue.state != "died" and _matches("tumour_response", view.text[cue.start:cue.end + 60]):
            continue
        flags = modifiers(view.text, cue.start, cue.end, view.section)
        if cue.state in data["data"]["negation_is_value"]:
            flags.discard("negated")
        if not flags & BLOCKING:
            kept.append(cue)
    return sorted(kept, key=lambda c: c.start)


def _deciding(cues: list[Cue]) -> Cue:
    """A death; else the last state the sentence reaches ("improved, and at 6 months pain
    free"), where a good end is improved if a deficit is left over, and a resolution outranks a
    vaguer improvement ("recovered full function, and the recovery was maintained")."""
    # nothing came back: the state reached before holds, else nothing is left
    cues = [Cue(next((k.state for k in reversed(cues[:i]) if k.state != "kept"), "resolved"), c.start, c.end)
            if c.state == "kept" else c for i, c in enumerate(cues)]
    states = {c.state: c for c in cues}
    last = cues[-1]
    if "died" in states:
        return states["died"]
    # what is left: a residual deficit; a deficit that improved, unless it is then said to be gone
    left = [c for c in cues if c.state == "residual" or (
        c.state == "partial" and not any(r.state == "resolved" and r.start > c.start for r in cues))]
    if last.state in ("resolved", "improved", "residual", "partial") and left:
        return left[0]
    return states["resolved"] if last.state in ("improved", "partial") and "resolved" in states else last


def _outcome(view: SentenceView) -> Iterator[Candidate]:
    """One state per sentence."""
    cues = _cues(view)
    if not cues:
        return
    deciding = _deciding(cues)
    state = "improved" if deciding.state in ("residual", "partial") else deciding.state
    # "no improvement" after a deterioration told before in the paragraph: still worse
    if state == "unchanged" and any(_matches("worsened_after", t) and _treated(t) for t in view.earlier):
        state = "worsened"
    # the deciding cue's own negation ("no pain", "no improvement") is its value
    negation_is_value = _data()["data"]["negation_is_value"]
    allow = ("negated",) if any(c.state in negation_is_value and (c.start, c.end) == (deciding.start, deciding.end)
                                for c in cues) else ()
    yield view.candidate("outcome", state, deciding.start, deciding.end, confidence=0.8, allow=allow)


def _recurrence(view: SentenceView) -> Iterator[Candidate]:
    text = view.text
    # the time after treatment: said in the sentence, or "later" in a paragraph that told of it
    treated = _treated(text) or (_matches("post_context", text) and any(
        _matches("treatment_context", t) for t in view.earlier))
    names = ["recurrence"] + (["regrowth_treated"] if treated else [])
    for pattern in (p for name in names for p in _rx(name)):
        for m in pattern.finditer(text):
            if not (_matches("not_recurrence", text[max(0, m.start() - 40):m.start()])
                    or _matches("not_recurrence_after", text[m.end():m.end() + 80])):
                yield view.candidate("recurrence", True, *m.span(), confidence=0.8)
    names = ["no_recurrence"] + (["no_recurrence_treated"] if _matches("after_treatment", text) else [])
    names += ["disease_free"] if treated and not _matches("not_disease_free", text) else []
    for pattern in (p for name in names for p in _rx(name)):
        for m in pattern.finditer(text):
            yield view.candidate("recurrence", False, *m.span(), confidence=0.8, allow=("negated",))


def _in_context(view: SentenceView, name: str, reach: int = 1) -> bool:
    """The sentence, or one of the ``reach`` sentences before it in its paragraph, matches."""
    return _matches(name, view.text) or any(_matches(name, t) for t in view.earlier[-reach:] if reach)


_CLAUSE = re.compile(r"[;,]")


def _clause(text: str, start: int, end: int) -> str:
    """The stretch between commas or semicolons that holds ``text[start:end]``."""
    left = max((m.end() for m in _CLAUSE.finditer(text, 0, start)), default=0)
    right = next((m.start() for m in _CLAUSE.finditer(text, end)), len(text))
    return text[left:right]


def _complications(view: SentenceView) -> Iterator[Candidate]:
    text = view.text
    # "On the second postoperative day ... MRI showed an epidural hematoma": the sentence
    # before, in the same paragraph, may be the one that places it after treatment; a story
    # needs the treatment named, not only a time ("at 28 weeks she developed paraparesis")
    timed = _in_context(view, "complication_context") or _in_context(view, "complication_time")
    told = _in_context(view, "complication_context")
    data, rx = _data()["data"], _data()["regex"]
    groups = [(code, patterns, "timed" if code in data["needs_context"] else "") for code, patterns in rx["complications"].items()]
    groups += [(code, patterns, "told") for code, patterns in rx["complications_after"].items()]
    groups += [(code, patterns, "paragraph") for code, patterns in rx["complications_in_paragraph"].items()]
    groups += [(code, patterns, "") for code, patterns in rx["complications_iatrogenic"].items()]
    placed = {"": True, "timed": timed, "told": told,
              "paragraph": _in_context(view, "complication_context", len(view.earlier))}
    for code, patterns, needs in groups:
        for pattern in patterns:
            for m in pattern.finditer(text):
                # "cement leakage is a feared complication": a general statement, in its clause
                if _matches("general_statement", _clause(text, *m.span())):
                    continue
                found = view.candidate("complications", code, *m.span(), confidence=0.75)
                if placed[needs]:
                    yield found
                # "there was no wound infection": the report says this one did not happen (the
                # paragraph, not only the sentence before, places a denial after treatment)
                if "negated" in found.flags and code in data["reported_when_denied"] and \
                        (not needs or placed["paragraph"]):
                    yield _reported(view, m.start(), m.end())


def _reported(view: SentenceView, start: int, end: int) -> Candidate:
    """complications_reported, true: a statement that names no patient ("there were no
    complications") holds for every patient the text tells."""
    found = view.candidate("complications_reported", True, start, end, confidence=0.8, allow=("negated",))
    return dataclasses.replace(found, flags=found.flags | {"all_patients"})


def _none_occurred(view: SentenceView) -> Iterator[Candidate]:
    """The report says no complication occurred ("the postoperative course was uneventful",
    "there were no complications"): complications_reported is true; silence gives nothing."""
    text = view.text
    if _matches("not_treatment_course", text):
        return
    names = ["none_occurred"] + (["none_occurred_after"] if _in_context(
        view, "treatment_context", len(view.earlier)) else [])
    for pattern in (p for name in names for p in _rx(name)):
        for m in pattern.finditer(text):
            if not _matches("general_statement", _clause(text, *m.span())):
                yield _reported(view, m.start(), m.end())


def find(view: SentenceView) -> Iterator[Candidate]:
    yield from _outcome(view)
    yield from _recurrence(view)
    yield from _complications(view)
    yield from _none_occurred(view)


# ---- table cells ------------------------------------------------------------------------------

def _recurrence_cell(cell: Cell, column: Column, row: RowState, context: TableContext) -> Iterator[Candidate]:
    if unassessed(cell):
        return
    words = cell_words(expand(cell.text, context.abbreviations))
    answer = yes_or_no(words[0] if words else "")
    if answer is None:
        yield from find_in(context.view_of(cell, column.header), {"recurrence"})
        return
    yield table_candidate("recurrence", answer != column.inverse, cell)


@lru_cache(maxsize=1)
def _grade_definition() -> re.Pattern:
    data = _data()["data"]
    grades = "|".join(sorted((re.escape(g) for g in data["grades"]), key=len, reverse=True))
    return re.compile(data["grade_definition"].replace("<<GRADE>>", grades), re.IGNORECASE)


def grade_of(text: str, meanings: dict[str, str]) -> Optional[str]:
    """The outcome code of a grade ("Good", "partial relief"): as the text defines it, else the
    usual meaning; the longest known phrase of the cell counts."""
    lowered = f" {' '.join(cell_words(text))} "
    grades = _data()["data"]["grades"]
    for phrase in sorted(set(meanings) | set(grades), key=len, reverse=True):
        if f" {' '.join(cell_words(phrase))} " in lowered:
            return meanings.get(phrase) or grades[phrase]
    return None


def grade_meanings(text: str, legend: dict[str, str]) -> dict[str, str]:
    """Outcome grades as a table's legend ("Good, no pain") or the text ("Excellent
    (asymptomatic)") defines them."""
    grades = _data()["data"]["grades"]
    defined = [(short, long) for short, long in legend.items() if short.lower() in grades]
    defined += [(m["grade"], m["meaning"]) for m in _grade_definition().finditer(text)]
    meanings: dict[str, str] = {}
    for grade, meaning in defined:
        code = grade_of(meaning, {})
        if code is not None:
            meanings.setdefault(grade.lower(), code)
    return meanings


def _outcome_cell(cell: Cell, column: Column, row: RowState, context: TableContext) -> Iterator[Candidate]:
    if unassessed(cell):
        return
    code = grade_of(cell.text, context.grade_meanings) or \
        grade_of(expand(cell.text, context.abbreviations), context.grade_meanings)
    if code is not None:
        yield table_candidate("outcome", code, cell)
    else:
        yield from find_in(context.view_of(cell, column.header), {"outcome"})


def _complications_cell(cell: Cell, column: Column, row: RowState, context: TableContext) -> Iterator[Candidate]:
    """A cell under "Complications": what it names; "none" says none occurred."""
    if unassessed(cell):
        return
    words = cell_words(expand(cell.text, context.abbreviations))
    if words and yes_or_no(words[0]) is False:
        yield table_candidate("complications_reported", True, cell)
        return
    yield from find_in(context.view_of(cell, column.header), {"complications", "complications_reported"})


def _complete(record: Assembled) -> None:
    """A complication named is a report on complications: its spans are the evidence."""
    if record.values.get("complications") and not record.values.get("complications_reported"):
        record.values["complications_reported"] = True
        record.evidence["complications_reported"] = list(record.evidence["complications"])
        record.confidence["complications_reported"] = record.confidence["complications"]
        record.support["complications_reported"] = record.support["complications"]


FAMILY = Family("outcome", find,
                cell_readers={"recurrence": _recurrence_cell, "outcome": _outcome_cell,
                              "complications": _complications_cell},
                complete=_complete)
