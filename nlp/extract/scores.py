"""Pain scores before and after treatment (vas_pre, vas_post) and the Enneking stage."""
from __future__ import annotations

import dataclasses
import re
from typing import Iterator

from nlp.extract.base import Candidate, SentenceView
from nlp.extract.cells import (
    Cell,
    Column,
    RowState,
    TableContext,
    cell_words,
    table_candidate,
    without_remark,
)
from nlp.extract.registry import Assembled, Family
from nlp.normalize.numbers import parse_number
from nlp.normalize.scores import find_pain_scores, pain_score
from nlp.patterns import load_patterns

_HUNDRED = re.compile(r"mm|/\s*100|out\s+of\s+100", re.IGNORECASE)


def _rx(name: str) -> list[re.Pattern]:
    return load_patterns("scores")["regex"][name]


def _score(number: str, scale: str | None = None) -> float | None:
    value = parse_number(number)
    if value is None:
        return None
    return pain_score(value, scale.strip() if scale and scale.strip() else None)


def _pair(m: re.Match) -> tuple[float | None, float | None]:
    """Both ends of a change on one scale: "from 80 mm to 10 mm" is 8 to 1."""
    numbers = [parse_number(m["pre"]), parse_number(m["post"])]
    if None in numbers:
        return None, None
    scale = "100" if max(numbers) > 10 or _HUNDRED.search(m.group(0)) else "10"
    return pain_score(numbers[0], scale), pain_score(numbers[1], scale)


def _allow(text: str) -> tuple[str, ...]:
    """"The mean preoperative VAS was 8" in a single-patient report averages that patient's
    ratings: "mean" is no pooled figure unless the sentence speaks of a series."""
    return ("negated",) if any(p.search(text) for p in _rx("series")) else ("negated", "pooled")


def _timing(text: str, start: int, end: int) -> set[str]:
    """Which of vas_pre / vas_post a score fits, by the nearest timing cue (both when none)."""
    best: tuple[int, str] | None = None
    for field, name in (("vas_pre", "pre_cue"), ("vas_post", "post_cue")):
        for pattern in _rx(name):
            for m in pattern.finditer(text):
                distance = max(m.start() - end, start - m.end(), 0)
                if best is None or distance < best[0]:
                    best = (distance, field)
    return {best[1]} if best else {"vas_pre", "vas_post"}


def _changes(view: SentenceView) -> Iterator[tuple[Candidate, tuple[int, int]]]:
    """"VAS fell from 8 to 2": both scores at once, with the span they cover. "No pain" is a
    score of 0, not a negated one: negation never blocks a pain score."""
    text, allow = view.text, _allow(view.text)
    if not any(p.search(text) for p in _rx("pain_context")):
        return
    for pattern in _rx("change"):
        for m in pattern.finditer(text):
            pre, post = _pair(m)
            if pre is None or post is None:
                continue
            yield view.candidate("vas_pre", pre, *m.span(), confidence=0.9, allow=allow), m.span()
            yield view.candidate("vas_post", post, *m.span(), confidence=0.9, allow=allow), m.span()
    for pattern in _rx("fell_to"):
        for m in pattern.finditer(text):
            post = _score(m["post"], m["scale"])
            if post is not None:
                yield view.candidate("vas_post", post, *m.span("post"), confidence=0.85, allow=allow), m.span()


def _pain_scores(view: SentenceView) -> Iterator[Candidate]:
    taken: list[tuple[int, int]] = []
    for candidate, span in _changes(view):
        taken.append(span)
        yield candidate
    allow = _allow(view.text)
    for score in find_pain_scores(view.text):
        if any(s < score.end and score.start < e for s, e in taken):
            continue
        # "NRS was 8, which decreased to 2": what comes before a fall is the start
        before_change = any(score.end <= s for s, _ in taken)
        fields = {"vas_pre"} if before_change else _timing(view.text, score.start, score.end)
        untimed = len(fields) > 1
        for field in sorted(fields):
            candidate = view.candidate(field, score.value, score.start, score.end, 0.6 if untimed else 0.85,
                                       allow=allow)
            # offered to both: the assembler keeps it as the score before treatment when alone
            yield dataclasses.replace(candidate, flags=candidate.flags | {"untimed"}) if untimed else candidate


def _stage(m: re.Match) -> int | None:
    data = load_patterns("scores")
    groups = m.groupdict()
    if groups.get("word"):
        return data["data"]["stage_words"][groups["word"].lower()]
    token = groups["stage"].upper().lstrip("S")
    return int(token) if token.isdigit() else data["data"]["roman"].get(token)


def _enneking(view: SentenceView) -> Iterator[Candidate]:
    taken: list[tuple[int, int]] = []
    for pattern in _rx("enneking"):
        for m in pattern.finditer(view.text):
            stage = _stage(m)
            if stage in (1, 2, 3) and not any(s < m.end() and m.start() < e for s, e in taken):
                taken.append(m.span())
                yield view.candidate("enneking_stage", stage, *m.span(), confidence=0.9)


def find(view: SentenceView) -> Iterator[Candidate]:
    yield from _pain_scores(view)
    yield from _enneking(view)


# ---- table cells and the assembled record -------------------------------------------------

def _scores_cell(cell: Cell, column: Column, row: RowState, context: TableContext) -> Iterator[Candidate]:
    """"8/2" or "7→1" under a pre/post header; one number under a header for one of them."""
    wanted = [f for f in ("vas_pre", "vas_post") if f in column.fields]
    pair = load_patterns("scores")["regex"]["score_pair"].search(cell.text)
    if pair and len(wanted) == 2:
        values = {"vas_pre": pair["pre"], "vas_post": pair["post"]}
    elif len(wanted) == 1 and not pair:
        values = {wanted[0]: without_remark(cell.text)}
    else:
        values = {}
    for name, raw in values.items():
        number = parse_number(raw)
        if number is None:
            continue
        score = pain_score(number, "mm" if column.scale100 else None)
        if score is not None:
            yield table_candidate(name, round(score, 2), cell)


def _stage_cell(cell: Cell, column: Column, row: RowState, context: TableContext) -> Iterator[Candidate]:
    stages = load_patterns("scores")["data"]["cell_stage_words"]
    for word in cell_words(re.sub(r"(?i)\bs\s*(?=[1-3]\b)", "s", cell.text)):
        if word in stages:
            yield table_candidate("enneking_stage", stages[word], cell)
            return


def _complete(record: Assembled) -> None:
    """One score with no word of when it was taken is the score at presentation: it is not
    also the score after treatment."""
    post = record.support.get("vas_post")
    if post and all("untimed" in c.flags for c in post) and \
            {(c.start, c.end) for c in post} <= {(c.start, c.end) for c in record.support.get("vas_pre", ())}:
        record.drop("vas_post")


FAMILY = Family("scores", find,
                cell_readers={"vas_pre": _scores_cell, "vas_post": _scores_cell, "enneking_stage": _stage_cell},
                complete=_complete)
