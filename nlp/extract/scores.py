"""Pain scores before and after treatment (vas_pre, vas_post) and the Enneking stage."""
from __future__ import annotations

import dataclasses
import re
from typing import Iterator

from nlp.extract.base import Candidate, SentenceView, family, load_patterns
from nlp.normalize.numbers import parse_number
from nlp.normalize.scores import find_pain_scores, pain_score

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
        return data["stage_words"][groups["word"].lower()]
    token = groups["stage"].upper().lstrip("S")
    return int(token) if token.isdigit() else data["roman"].get(token)


def _enneking(view: SentenceView) -> Iterator[Candidate]:
    taken: list[tuple[int, int]] = []
    for pattern in _rx("enneking"):
        for m in pattern.finditer(view.text):
            stage = _stage(m)
            if stage in (1, 2, 3) and not any(s < m.end() and m.start() < e for s, e in taken):
                taken.append(m.span())
                yield view.candidate("enneking_stage", stage, *m.span(), confidence=0.9)


@family("scores")
def find(view: SentenceView) -> Iterator[Candidate]:
    yield from _pain_scores(view)
    yield from _enneking(view)
