"""Bone cement injected: the volume per vertebra and the total."""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Optional

from nlp.extract.base import Candidate, SentenceView
from nlp.extract.cells import (
    Cell,
    Column,
    RowState,
    TableContext,
    numbers_in,
    table_candidate,
)
from nlp.extract.registry import Assembled, Family
from nlp.normalize.levels import LevelMention, find_levels, normalize_level
from nlp.normalize.numbers import NUMBER_RE, parse_number
from nlp.normalize.units import find_quantities, to_ml, volume_ml
from nlp.patterns import load_patterns

_NUMBER = re.compile(NUMBER_RE)
# how far (characters) the substance named beside a volume may be
_SUBSTANCE_REACH = 60


def sole_level(levels: Iterable[str]) -> Optional[str]:
    """The vertebra that takes the whole of a total volume: the one vertebra treated, where only
    one is named (a sentence, a table row or a record may name it apart from the volume)."""
    distinct = set(levels)
    return distinct.pop() if len(distinct) == 1 else None


@dataclass
class Volume:
    """One volume written in a sentence: ``values`` in mL ("3 and 6 mL" has two)."""
    values: list[float]
    start: int
    end: int
    total: bool = False
    per_side: bool = False
    # where "per level" / "into each of the T11 and L1 bodies" ends: the vertebrae it names
    # (or, naming none, every vertebra of the sentence) get the volume each
    per_level_end: Optional[int] = None


@dataclass
class _Paragraph:
    """What the earlier sentences of the paragraph said about cement."""
    about_cement: bool = False
    levels: list[str] = field(default_factory=list)


def _rx() -> dict:
    return load_patterns("cement")["regex"]


def _paragraph(view: SentenceView) -> _Paragraph:
    paragraph = _Paragraph()
    for text in view.earlier:
        _remember(text, paragraph, find_levels(text))
    return paragraph


def _volumes(text: str) -> list[Volume]:
    rx = _rx()
    found = []
    for m in rx["volume"].finditer(text):
        unit = m["unit"].replace(".", "").replace("^", "").replace("³", "3")
        numbers = (parse_number(n.group()) for n in _NUMBER.finditer(m["numbers"]))
        values = [ml for v in numbers if v is not None and (ml := to_ml(v, unit)) is not None and 0 < ml < 100]
        if not values:
            continue
        after = text[m.end():]
        each = rx["per_level"].match(after)
        # a total's span takes its "a total of" / "in all", which then say nothing of the series
        lead, tail = rx["total_before"].search(text, 0, m.start()), rx["total_after"].match(text, m.end())
        found.append(Volume(values, lead.start() if lead else m.start(), tail.end() if tail else m.end(),
                            total=bool(lead or tail), per_side=bool(rx["per_side"].match(after)),
                            per_level_end=m.end() + each.end() if each else None))
    return found


def _is_cement(text: str, volume: Volume, paragraph: _Paragraph) -> bool:
    """The substance named nearest a volume decides; with none named near it, the sentence
    (or its paragraph) must be about cement augmentation and name nothing else."""
    rx = _rx()
    named = [(m, True) for m in rx["cement"].finditer(text)] + [(m, False) for m in rx["other_substance"].finditer(text)]

    def distance(m: re.Match) -> int:
        return max(m.start() - volume.end, volume.start - m.end(), 0)
    near = [(distance(m), is_cement) for m, is_cement in named if distance(m) <= _SUBSTANCE_REACH]
    if near:
        return min(near, key=lambda d: d[0])[1]
    if any(not is_cement for _, is_cement in named):
        return False
    return bool(named) or bool(rx["procedure"].search(text)) or paragraph.about_cement


def _nearest(mentions: list[LevelMention], volume: Volume) -> Optional[LevelMention]:
    def distance(m: LevelMention) -> int:
        return max(m.start - volume.end, volume.start - m.end, 0)
    return min(mentions, key=distance, default=None)


def _levels_for(volume: Volume, mentions: list[LevelMention], paragraph: _Paragraph) -> list[Optional[str]]:
    """The vertebra of each value of a volume (None where it cannot be told)."""
    n = len(volume.values)
    if not mentions:
        # the vertebrae the paragraph's augmentation named, where they are as many as the values
        return list(paragraph.levels) if len(paragraph.levels) == n else [None] * n
    if n > 1:
        after = [lv for m in mentions if m.start >= volume.end for lv in m.levels]
        before = [lv for m in mentions if m.end <= volume.start for lv in m.levels]
        for group in (after[:n], before[-n:]):
            if len(group) == n:
                return list(group)
        return [None] * n
    nearest = _nearest(mentions, volume)
    return [nearest.levels[0] if nearest and len(nearest.levels) == 1 else None]


def _remember(text: str, paragraph: _Paragraph, mentions: list[LevelMention]) -> None:
    """Note the vertebrae a sentence about cement augmentation names, for the sentences after it."""
    rx = _rx()
    words = list(rx["cement"].finditer(text)) + list(rx["procedure"].finditer(text))
    if not words:
        return
    paragraph.about_cement = True
    near = [lv for m in mentions if any(max(m.start - w.end(), w.start() - m.end) <= 30 for w in words)
            for lv in m.levels]
    if near:
        paragraph.levels = list(dict.fromkeys(near))


def _per_level(volumes: list[Volume], mentions: list[LevelMention],
               paragraph: _Paragraph) -> tuple[dict[Optional[str], float], dict[Optional[str], tuple[int, int]]]:
    """The sentence's volume for each vertebra: parts (one side, then the other) add up; a volume
    "on each side" counts twice unless the sentence gives the total."""
    has_total = any(v.total for v in volumes)
    ml: dict[Optional[str], float] = {}
    spans: dict[Optional[str], tuple[int, int]] = {}
    for volume in volumes:
        if volume.total or (volume.per_side and has_total):
            continue
        if volume.per_level_end is not None:
            named = [lv for m in mentions if volume.end <= m.start < volume.per_level_end for lv in m.levels]
            levels = named or [lv for m in mentions for lv in m.levels] or [None]
            pairs = [(lv, volume.values[0]) for lv in levels]
        else:
            factor = 2 if volume.per_side else 1
            pairs = [(lv, v * factor) for lv, v in zip(_levels_for(volume, mentions, paragraph), volume.values)]
        for level, value in pairs:
            ml[level] = ml.get(level, 0) + value
            s, e = spans.get(level, (volume.start, volume.end))
            spans[level] = (min(s, volume.start), max(e, volume.end))
    return ml, spans


def find(view: SentenceView) -> Iterator[Candidate]:
    rx = _rx()
    paragraph = _paragraph(view)
    text = view.text
    mentions = find_levels(text)
    volumes = [v for v in _volumes(text) if _is_cement(text, v, paragraph)
               and not rx["negated_near"].search(text, 0, v.start)]
    if not volumes:
        return
    allow = ("negated",)  # negation was read near the volume above
    ml, spans = _per_level(volumes, mentions, paragraph)
    totals = [v for v in volumes if v.total]
    named = {lv for m in mentions for lv in m.levels} or set(paragraph.levels)
    level = sole_level(named) if len(totals) == 1 and not ml else None
    if level is not None:
        ml, spans = {level: totals[0].values[0]}, {level: (totals[0].start, totals[0].end)}
    for level, value in ml.items():
        if level is not None:
            yield view.candidate("cement_volumes", {"level": level, "ml": round(value, 2)}, *spans[level],
                                 confidence=0.85, allow=allow)
    for volume in totals:
        yield view.candidate("cement_total_ml", sum(volume.values), volume.start, volume.end,
                             confidence=0.9, allow=allow)
    if None in ml and not totals:
        # a volume whose vertebra is not told still gives the patient's total
        yield view.candidate("cement_total_ml", round(sum(ml.values()), 2), *spans[None],
                             confidence=0.6, allow=allow)


# ---- table cells and the assembled record -------------------------------------------------

def _cement_cell(cell: Cell, column: Column, row: RowState, context: TableContext) -> Iterator[Candidate]:
    """Volumes per vertebra ("T12 4.0; L1 4.5"), or volumes matched to the row's vertebrae in
    order ("4.0/3.5" for L2-L3), or one volume for one vertebra; else a total."""
    named = [(normalize_level(m["level"]), parse_number(m["ml"])) for m in _rx()["level_volume"].finditer(cell.text)]
    named = [(level, ml) for level, ml in named if level and ml is not None]
    if named:
        for level, ml in named:
            yield table_candidate("cement_volumes", {"level": level, "ml": ml}, cell)
        return
    stated = find_quantities(cell.text, "volume")
    if stated:
        volumes = [to_ml(q.value, q.unit) for q in stated]
    elif "treatments" in column.fields:
        return  # a bare number among the words of a procedure is no volume
    else:
        volumes = numbers_in(cell.text)
    volumes = [v for v in volumes if v is not None and v > 0]
    if not volumes:
        return
    if len(volumes) == len(row.levels):
        for level, ml in zip(row.levels, volumes):
            yield table_candidate("cement_volumes", {"level": level, "ml": ml}, cell)
    else:
        yield table_candidate("cement_total_ml", round(sum(volumes), 2), cell)


def _complete(record: Assembled) -> None:
    """The one vertebra treated takes the total; the volumes per vertebra add up to the total."""
    values, evidence, confidence = record.values, record.evidence, record.confidence
    level = sole_level(values.get("levels", []))
    if values.get("cement_total_ml") and not values.get("cement_volumes") and level is not None:
        values["cement_volumes"] = [{"level": level, "ml": values["cement_total_ml"]}]
        evidence["cement_volumes"] = evidence["cement_total_ml"] + evidence["levels"]
        confidence["cement_volumes"] = min(confidence["cement_total_ml"], confidence["levels"])
    if "cement_total_ml" not in values and values.get("cement_volumes"):
        values["cement_total_ml"] = round(sum(v["ml"] for v in values["cement_volumes"]), 2)
        evidence["cement_total_ml"] = evidence["cement_volumes"]
        confidence["cement_total_ml"] = confidence["cement_volumes"]


def _complete_rows(candidates: list[Candidate]) -> list[Candidate]:
    """A patient's total cement, where its row(s) name one vertebra, is that vertebra's volume
    (tables may give the vertebra and the volume in different tables or cells)."""
    level = sole_level(c.value for c in candidates if c.field == "levels")
    if level is None or any(c.field == "cement_volumes" for c in candidates):
        return []
    return [dataclasses.replace(c, field="cement_volumes", value={"level": level, "ml": c.value})
            for c in candidates if c.field == "cement_total_ml"]


FAMILY = Family("cement", find, cell_readers={"cement": _cement_cell},
                span_readers={"cement_total_ml": volume_ml}, complete=_complete, complete_rows=_complete_rows)
