"""The patient's state at last follow-up (outcome), recurrence, and complications."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from nlp.assemble import BLOCKING
from nlp.context import modifiers
from nlp.extract.base import Candidate, SentenceView, family, load_patterns
from nlp.normalize.scores import find_pain_scores


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
    if _matches("conservative_context", text) and not treated:
        return []
    cues = _score_cues(text) if after else []
    # each state's cue list, and its `_after` list where the sentence is about the time after
    # treatment (for a worsening: explicitly after the treatment)
    for state in _data()["precedence"]:
        names = [state] + ([f"{state}_after"] if (treated if state == "worsened" else after) else [])
        cues += [Cue(state, m.start(), m.end()) for name in names for p in _rx(name) for m in p.finditer(text)]
    return cues


def _cues(view: SentenceView) -> list[Cue]:
    """The sentence's outcome cues that describe the patient, the stronger one kept where
    two overlap ("fully recovered" is resolved, not improved)."""
    data = _data()
    rank = {state: i for i, state in enumerate(data["precedence"])}
    kept: list[Cue] = []
    for cue in sorted(_raw_cues(view.text), key=lambda c: (rank[c.state], c.start)):
        if any(k.start < cue.end and cue.start < k.end for k in kept):
            continue
        flags = modifiers(view.text, cue.start, cue.end, view.section)
        if cue.state in data["negation_is_value"]:
            flags.discard("negated")
        if not flags & BLOCKING:
            kept.append(cue)
    return sorted(kept, key=lambda c: c.start)


def _deciding(cues: list[Cue]) -> Cue:
    """A death; else the last state the sentence reaches ("improved, and at 6 months pain
    free"), where a good end is improved if a deficit is left over, and a resolution outranks a
    vaguer improvement ("recovered full function, and the recovery was maintained")."""
    states = {c.state: c for c in cues}
    last = cues[-1]
    if "died" in states:
        return states["died"]
    if last.state in ("resolved", "improved", "residual") and "residual" in states:
        return states["residual"]
    return states["resolved"] if last.state == "improved" and "resolved" in states else last


def _outcome(view: SentenceView) -> Iterator[Candidate]:
    """One state per sentence."""
    cues = _cues(view)
    if not cues:
        return
    deciding = _deciding(cues)
    state = "improved" if deciding.state == "residual" else deciding.state
    allow = ("negated",) if deciding.state in _data()["negation_is_value"] else ()
    yield view.candidate("outcome", state, deciding.start, deciding.end, confidence=0.8, allow=allow)


def _recurrence(view: SentenceView) -> Iterator[Candidate]:
    text = view.text
    for pattern in _rx("recurrence"):
        for m in pattern.finditer(text):
            if not (_matches("not_recurrence", text[max(0, m.start() - 40):m.start()])
                    or _matches("not_recurrence_after", text[m.end():m.end() + 40])):
                yield view.candidate("recurrence", True, *m.span(), confidence=0.8)
    names = ["no_recurrence"] + (["no_recurrence_treated"] if _matches("after_treatment", text) else [])
    for pattern in (p for name in names for p in _rx(name)):
        for m in pattern.finditer(text):
            yield view.candidate("recurrence", False, *m.span(), confidence=0.8, allow=("negated",))


def _complications(view: SentenceView) -> Iterator[Candidate]:
    text = view.text
    if _matches("general_statement", text):
        return
    # "On the second postoperative day ... MRI showed an epidural hematoma": the sentence
    # before, in the same paragraph, may be the one that places it after treatment
    in_context = _matches("complication_context", text) or bool(
        view.earlier and _matches("complication_context", view.earlier[-1]))
    for code, patterns in _data()["regex"]["complications"].items():
        if code in _data()["needs_context"] and not in_context:
            continue
        for pattern in patterns:
            for m in pattern.finditer(text):
                yield view.candidate("complications", code, *m.span(), confidence=0.75)


@family("outcome")
def find(view: SentenceView) -> Iterator[Candidate]:
    yield from _outcome(view)
    yield from _recurrence(view)
    yield from _complications(view)
