"""Vertebrae involved by the lesion being treated.

The level mentions come from :func:`nlp.normalize.levels.find_levels`; this family decides
which of them are the lesion's. A case report names many other levels: screws "from T10 to
L2", a "D3-D5 laminectomy", the "left T9 intercostal artery", a "sensory level at D7", the
"L5 root", the "T11/12 disc". Each mention, or list of mentions ("D6, D7 and D8"), takes
the role of the word that owns it (``patterns/levels.yaml``): a head noun right after it,
else the nearest cue before it in its clause, else the nearest cue after it.

A fracture, a disc lesion, an infection or a stenosis ("an L2 burst fracture", "C6-C7 disc
herniation") is the lesion of a report about it, and a finding beside the lesion in a report
about a tumour: the levels such a word owns are kept only where the record has no level owned
by a word of the lesion itself (:func:`_complete`).
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Iterable, Iterator, Optional

from nlp.extract.base import Candidate, SentenceView
from nlp.extract.cells import CONFIDENCE, SECTION, Cell, Column, RowState, TableContext
from nlp.extract.registry import Assembled, Family
from nlp.normalize.levels import LevelMention, find_levels
from nlp.normalize.words import whole_words
from nlp.patterns import load_patterns

LESION, SECONDARY, TREATED, ELSEWHERE, DENIED = "lesion", "secondary", "treated", "elsewhere", "denied"
# the flag of a level owned by a SECONDARY word (read by _complete)
SECONDARY_FLAG = "secondary_lesion"
# how much each way of owning a level is trusted
_CONFIDENCE = {"head": 0.9, "before": 0.8, "after": 0.7, "cell": 0.6}


@dataclass(frozen=True)
class Cue:
    role: str
    start: int
    end: int


@dataclass(frozen=True)
class Group:
    """Level mentions read as one list ("D6, D7, and D8"), sharing the words around them."""
    mentions: tuple[LevelMention, ...]

    @property
    def start(self) -> int:
        return self.mentions[0].start

    @property
    def end(self) -> int:
        return self.mentions[-1].end


def _patterns() -> dict:
    return load_patterns("levels")


def _lesion_abbreviations(abbreviations: dict[str, str], key: str = "lesion") -> Optional[re.Pattern]:
    """The document's abbreviations whose long form names a lesion ("SPB", "AVH"; with
    ``key="secondary"`` a fracture or an infection: "VO")."""
    lesion = _patterns()["regex"][key]
    shorts = sorted(s for s, long in abbreviations.items() if lesion.search(long))
    return whole_words(shorts) if shorts else None


def _cues(view: SentenceView) -> list[Cue]:
    """Every cue word of the sentence with its role; a negated lesion cue denies its level.
    A cue inside a longer one gives way to it ("disc" to "disc herniation"); of two on the
    same words, the one listed first stands."""
    rx = _patterns()["regex"]
    sources = [(LESION, rx["lesion"]), (LESION, rx["lesion_cs"]), (LESION, _lesion_abbreviations(view.abbreviations)),
               (SECONDARY, rx["secondary"]), (SECONDARY, _lesion_abbreviations(view.abbreviations, "secondary")),
               (TREATED, rx["treated"]), (TREATED, rx["treated_cs"]),
               (ELSEWHERE, rx["elsewhere"])]
    cues = []
    for role, pattern in sources:
        for m in pattern.finditer(view.text) if pattern else ():
            denied = role in (LESION, SECONDARY) and rx["negated_cue"].search(view.text[:m.start()])
            cues.append(Cue(DENIED if denied else role, m.start(), m.end()))
    return [c for i, c in enumerate(cues)
            if not any(o.start <= c.start and c.end <= o.end and (o.end - o.start > c.end - c.start or j < i)
                       for j, o in enumerate(cues) if j != i)]


def _groups(text: str, mentions: list[LevelMention]) -> list[Group]:
    """Mentions joined by commas or "and" form one list."""
    rx = _patterns()["regex"]
    groups: list[list[LevelMention]] = []
    for m in mentions:
        if groups and rx["joiner"].match(text[groups[-1][-1].end:m.start]):
            groups[-1].append(m)
        else:
            groups.append([m])
    return [Group(tuple(g)) for g in groups]


def _clause(text: str, start: int, end: int, lower: int, upper: int) -> tuple[int, int]:
    """The bounds of the clause around ``text[start:end]``, kept within ``lower``-``upper``."""
    breaks = list(_patterns()["regex"]["clause_break"].finditer(text))
    left = max([lower] + [b.end() for b in breaks if b.end() <= start])
    right = min([upper] + [b.start() for b in breaks if b.start() >= end])
    return left, right


def _owner(text: str, group: Group, cues: list[Cue], lower: int, upper: int) -> Optional[tuple[Cue, str]]:
    """The cue that owns the group and how it does ("head", "before", "after")."""
    data = _patterns()
    rx, window = data["regex"], data["data"]["window"]
    part = rx["part_after"].match(text[group.end:])
    tail = group.end + (part.end() if part else 0)
    left, right = _clause(text, group.start, tail, lower, upper)
    heads = [c for c in cues if tail <= c.start <= tail + window["head"] and c.start <= right
             and rx["head_gap"].match(text[tail:c.start])]
    if heads:
        return min(heads, key=lambda c: c.start), "head"
    before = [c for c in cues if left <= c.start and c.end <= group.start and group.start - c.end <= window["before"]]
    if before:
        return max(before, key=lambda c: c.end), "before"
    after = [c for c in cues if c.start >= tail and c.end <= right and c.start - tail <= window["after"]]
    if after:
        return min(after, key=lambda c: c.start), "after"
    return None


def _only_levels(text: str, mentions: list[LevelMention]) -> bool:
    """Whether the text is nothing but levels, as a table cell under "Level" is."""
    rest = "".join(text[a.end:b.start] for a, b in zip(mentions, mentions[1:]))
    rest += text[:mentions[0].start] + text[mentions[-1].end:]
    return _patterns()["regex"]["only_levels"].match(rest) is not None


def _candidates(view: SentenceView, mentions: Iterable[LevelMention], start: int, end: int,
                confidence: float, secondary: bool = False) -> Iterator[Candidate]:
    # negation is read on the cues (negated_cue), not from ConText's sentence-wide scope
    for mention in mentions:
        for level in mention.levels:
            candidate = view.candidate("levels", level, start, end, confidence, allow=("negated",))
            yield dataclasses.replace(candidate, flags=candidate.flags | {SECONDARY_FLAG}) if secondary else candidate


def find(view: SentenceView) -> Iterator[Candidate]:
    text = view.text
    mentions = find_levels(text)
    if not mentions:
        return
    if _only_levels(text, mentions):
        for mention in mentions:
            yield from _candidates(view, [mention], mention.start, mention.end, _CONFIDENCE["cell"])
        return
    cues = _cues(view)
    groups = _groups(text, mentions)
    for i, group in enumerate(groups):
        lower = groups[i - 1].end if i else 0
        upper = groups[i + 1].start if i + 1 < len(groups) else len(text)
        owner = _owner(text, group, cues, lower, upper)
        if owner is None or owner[0].role not in (LESION, SECONDARY, TREATED):
            continue
        cue, how = owner
        confidence = _CONFIDENCE[how] - (0.05 if cue.role != LESION else 0.0)
        yield from _candidates(view, group.mentions, min(cue.start, group.start), max(cue.end, group.end),
                               confidence, secondary=cue.role == SECONDARY)


def _levels_cell(cell: Cell, column: Column, row: RowState, context: TableContext) -> Iterator[Candidate]:
    """Every vertebra of a level cell; the row remembers them (its cement is matched to them)."""
    for mention in find_levels(cell.text):
        for level in mention.levels:
            if level not in row.levels:
                row.levels.append(level)
            yield Candidate("levels", level, cell.start + mention.start, cell.start + mention.end,
                            CONFIDENCE, SECTION)


def _complete(record: Assembled) -> None:
    """A level only a fracture, a disc lesion or an infection owns is the lesion's where no
    other word names the lesion's levels; beside a tumour's own levels it is another finding."""
    support = record.support.get("levels", ())
    primary = [c for c in support if SECONDARY_FLAG not in c.flags]
    if not primary or len(primary) == len(support):
        return
    kept = {c.value for c in primary}
    record.values["levels"] = [level for level in record.values["levels"] if level in kept]
    record.support["levels"] = tuple(primary)
    record.evidence["levels"] = [span for span in record.evidence["levels"]
                                 if any(span.start == c.start and span.end == c.end for c in primary)]


FAMILY = Family("levels", find, cell_readers={"levels": _levels_cell}, complete=_complete)
