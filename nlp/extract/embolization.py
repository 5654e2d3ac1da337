"""Feeder arteries and embolic agents of an embolisation."""
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
from nlp.extract.registry import Family, find_in
from nlp.normalize.levels import find_levels
from nlp.normalize.words import whole_words
from nlp.patterns import load_patterns

Feeder = tuple[Optional[str], Optional[str]]  # (side, level)


def _patterns() -> dict:
    return load_patterns("embolization")


@lru_cache(maxsize=1)
def _agent_regexes() -> dict[str, re.Pattern]:
    return {code: whole_words(terms, literal=False, before_hyphen=True, flags=re.IGNORECASE)
            for code, terms in _patterns()["data"]["agents"].items()}


def _side_of(word: str) -> str:
    word = word.lower()
    return "bilateral" if word.startswith(("bilateral", "both")) else word


def _join_sides(old: tuple[str, ...], new: str) -> tuple[str, ...]:
    """"the right and left T11 arteries" names two arteries, one a side; "both the right ..."
    is the right one; "bilateral" and "on both sides" stay one bilateral artery."""
    if not old or old == ("bilateral",) or new == "bilateral":
        return (new,)
    return old if new in old else old + (new,)


def _one_side(sides: tuple[str, ...]) -> Optional[str]:
    return None if not sides else sides[0] if len(sides) == 1 else "bilateral"


def _ordinal_level(ordinal: str, region: str) -> Optional[str]:
    found = find_levels(f"{ordinal} {region} vertebra")
    return found[0].levels[0] if found else None


def _parse_phrase(phrase: str) -> tuple[list[Feeder], Optional[str]]:
    """The (side, level) of each artery a phrase names, left to right, and the side it
    names last: a side holds for the vertebrae after it until another side is named;
    ordinals wait for the artery kind that gives their region."""
    data = _patterns()
    feeders: list[Feeder] = []
    sides: tuple[str, ...] = ()
    last_was_side = False
    ordinals: list[tuple[str, tuple[str, ...]]] = []
    for m in data["regex"]["phrase_token"].finditer(phrase):
        kind = m.lastgroup
        each_side = sides or (None,)
        if kind == "side":
            sides = _join_sides(sides if last_was_side else (), _side_of(m["side"]))
        elif kind == "level":
            feeders.extend((side, level) for mention in find_levels(m["level"]) for level in mention.levels
                           for side in each_side)
        elif kind == "ordinal":
            ordinals.append((m["ordinal"], sides))
        elif kind == "named":
            feeders.extend((side, None) for side in each_side)
        elif kind == "segmental":
            word = m["segmental"].lower()
            region = data["data"]["regions"].get(word)
            levels = [(s, _ordinal_level(o, region)) for o, ss in ordinals for s in ss or (None,)] if region else []
            feeders.extend((s, level) for s, level in levels if level)
            ordinals = []
            implied = data["data"]["implied_level"].get(word)
            if implied and not levels:
                feeders.extend((side, implied) for side in each_side)
        last_was_side = kind == "side"
    return feeders, _one_side(sides)


def _trailing(text: str, end: int) -> tuple[list[Feeder], Optional[str], int]:
    """Vertebrae and a side stated just after an artery phrase ("... of T9 on both sides")."""
    rx = _patterns()["regex"]
    levels: list[Feeder] = []
    m = rx["after_level"].match(text, end)
    if m:
        levels = [(None, level) for mention in find_levels(m["levels"]) for level in mention.levels]
        end = m.end()
    for side, pattern in rx["after_side"].items():
        s = pattern.match(text, end)
        if s:
            return levels, side, s.end()
    return levels, None, end


def _clause(text: str, start: int, end: int) -> str:
    """The clause around ``text[start:end]``."""
    breaks = [m for m in _patterns()["regex"]["clause_break"].finditer(text)]
    left = max([b.end() for b in breaks if b.end() <= start], default=0)
    right = min([b.start() for b in breaks if b.start() >= end], default=len(text))
    return text[left:right]


def _negated(text: str, start: int, end: int) -> bool:
    rx = _patterns()["regex"]
    return bool(rx["negated_near"].search(text, 0, start) or rx["negated_after"].match(text, end))


def _feeders(view: SentenceView) -> Iterator[Candidate]:
    rx = _patterns()["regex"]
    text = view.text
    if not rx["feeder_cue"].search(view.expanded()):
        return
    for m in rx["artery_phrase"].finditer(text):
        feeders, phrase_side = _parse_phrase(m.group())
        extra, side, end = _trailing(text, m.end())
        if extra and not any(level for _, level in feeders):
            # "the right segmental artery at T9": the vertebra comes after the artery
            feeders = [(s, level) for s, _ in feeders or [(phrase_side, None)] for _, level in extra]
        # "the T10 left intercostal artery": a side named after the vertebra
        feeders = [(s or phrase_side or side, level) for s, level in feeders]
        if not feeders or rx["not_feeder"].search(_clause(text, m.start(), end)) or _negated(text, m.start(), end):
            continue
        start = m.start() + rx["phrase_lead"].match(m.group()).end()
        for side_, level in dict.fromkeys(feeders):
            yield view.candidate("feeder_arteries", {"side": side_, "level": level}, start, end,
                                 confidence=0.8, allow=("negated",))


def _agents(view: SentenceView) -> Iterator[Candidate]:
    rx = _patterns()["regex"]
    expanded = view.expanded()
    if not rx["agent_cue"].search(expanded):
        return
    allow = ("negated",)
    for code, pattern in _agent_regexes().items():
        if code == "ethanol" and (rx["ethanol_direct"].search(expanded) or not rx["ethanol_arterial"].search(expanded)):
            continue
        for m in pattern.finditer(view.text):
            if not _negated(view.text, *m.span()):
                yield view.candidate("embolic_agents", code, *m.span(), confidence=0.8, allow=allow)
                break


def find(view: SentenceView) -> Iterator[Candidate]:
    yield from _feeders(view)
    yield from _agents(view)


def _feeders_cell(cell: Cell, column: Column, row: RowState, context: TableContext) -> Iterator[Candidate]:
    """The finder's arteries; under a feeder header a side and a vertebra are enough
    ("Left L2 lumbar")."""
    found = find_in(context.view_of(cell, column.header), {"feeder_arteries"})
    if found:
        yield from found
        return
    side = next((w for w in cell_words(cell.text) if w in ("left", "right", "bilateral", "both")), None)
    for mention in find_levels(cell.text):
        for level in mention.levels:
            value = {"side": "bilateral" if side == "both" else side, "level": level}
            yield table_candidate("feeder_arteries", value, cell)


FAMILY = Family("embolization", find, cell_readers={"feeder_arteries": _feeders_cell})
