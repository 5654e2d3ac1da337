"""One table cell to candidates for the fields of its column.

Numbers, units, levels and scores go through the normalisers, with the column's unit where
the cell gives none ("24" under "FU (mo)"). Words that name a treatment, an agent, an
artery, a complication or an outcome go through the field families' own finders, run on
the cell with the legend's abbreviations, so that no vocabulary is repeated here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Optional

from nlp.extract.base import Candidate, SentenceView
from nlp.normalize.durations import parse_duration
from nlp.normalize.levels import find_levels, normalize_level
from nlp.normalize.numbers import parse_number
from nlp.normalize.scores import pain_score
from nlp.normalize.units import (
    age_years,
    find_quantities,
    to_gy,
    to_ml,
    to_months,
    total_dose_gy,
)
from nlp.series.detect import Cell
from nlp.series.headers import Column, expand
from nlp.series.rules import rules

CONFIDENCE = 0.95  # a table states its values plainly
SECTION = "results"
_WORDS = re.compile(r"[^\W\d_]+|\d+|\+", re.UNICODE)
_REMARK = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")  # "3 (then lost to follow-up)"


@dataclass
class TableContext:
    """What every cell of a table is read with."""
    abbreviations: dict[str, str]
    grade_meanings: dict[str, str] = field(default_factory=dict)  # "good" -> "improved" as defined


@dataclass
class RowState:
    """What a row's other cells tell the reading of one cell (its vertebrae, for cement)."""
    levels: list[str] = field(default_factory=list)


def _candidate(field_name: str, value: Any, cell: Cell) -> Candidate:
    return Candidate(field_name, value, cell.start, cell.end, CONFIDENCE, SECTION)


def is_null(cell: Cell) -> bool:
    return cell.empty or bool(rules()["regex"]["null_cell"].search(cell.text))


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORDS.findall(text)]


def _bare(text: str) -> Optional[float]:
    """The cell's number (or range) when it says nothing else but a remark in brackets."""
    return parse_number(_REMARK.sub("", text))


def _numbers(text: str) -> list[float]:
    values = (parse_number(m.group(0)) for m in rules()["regex"]["number"].finditer(text))
    return [v for v in values if v is not None]


def from_finders(cell: Cell, fields: frozenset[str], context: TableContext, header: str = "") -> list[Candidate]:
    """The families' candidates for ``fields`` in the cell, read as a sentence of its own.
    The header is the context a sentence would give ("PVA" under "Embolic agent" is an
    embolic agent): the view expands the whole cell to it, for matching only."""
    abbreviations = dict(context.abbreviations)
    if header:
        abbreviations[cell.text] = f"{abbreviations.get(cell.text, '')}; {header}".lstrip("; ")
    view = SentenceView(cell.text, cell.start, SECTION, abbreviations)
    from nlp.pipeline import family_finders  # the pipeline room sits above this one
    return [c for find in family_finders() for c in find(view) if c.field in fields]


# ---- one reader per field -----------------------------------------------------------------

def _age(cell: Cell, column: Column, row: RowState, context: TableContext) -> Iterator[Candidate]:
    m = rules()["regex"]["age_cell"].search(cell.text)
    if not m:
        return
    unit = m["unit"] or column.unit or "years"
    value = parse_number(m["age"])
    years = age_years(value, unit) if value is not None else None
    if years is not None and 0 <= years <= 120:
        yield _candidate("age_years", years, cell)


def _sex(cell: Cell, column: Column, row: RowState, context: TableContext) -> Iterator[Candidate]:
    words = rules()["sex_words"]
    for word in _words(cell.text):
        for sex, names in words.items():
            if word in names:
                yield _candidate("sex", sex, cell)
                return


def _levels(cell: Cell, column: Column, row: RowState, context: TableContext) -> Iterator[Candidate]:
    for mention in find_levels(cell.text):
        for level in mention.levels:
            if level not in row.levels:
                row.levels.append(level)
            yield Candidate("levels", level, cell.start + mention.start, cell.start + mention.end,
                            CONFIDENCE, SECTION)


def _enneking(cell: Cell, column: Column, row: RowState, context: TableContext) -> Iterator[Candidate]:
    stages = rules()["enneking_words"]
    for word in _words(re.sub(r"(?i)\bs\s*(?=[1-3]\b)", "s", cell.text)):
        if word in stages:
            yield _candidate("enneking_stage", stages[word], cell)
            return


def _months(cell: Cell, column: Column) -> Optional[float]:
    """A duration: with its own unit, or a bare number (or range) in the column's unit (months)."""
    stated = parse_duration(cell.text)
    if stated is not None:
        return stated
    bare = _bare(cell.text)
    return to_months(bare, column.unit or "months") if bare is not None else None


def _duration(field_name: str) -> Callable:
    def read(cell: Cell, column: Column, row: RowState, context: TableContext) -> Iterator[Candidate]:
        months = _months(cell, column)
        if months is not None:
            yield _candidate(field_name, months, cell)
    return read


def _volume(cell: Cell, column: Column) -> Optional[float]:
    """A volume with its own unit, or a bare number in the column's unit (mL)."""
    stated = find_quantities(cell.text, "volume")
    if stated:
        return to_ml(stated[0].value, stated[0].unit)
    bare = _bare(cell.text)
    if bare is None:
        return None
    return to_ml(bare, column.unit) if column.unit and to_ml(1, column.unit) else bare


def _blood_loss(cell: Cell, column: Column, row: RowState, context: TableContext) -> Iterator[Candidate]:
    volume = _volume(cell, column)
    if volume is not None:
        yield _candidate("blood_loss_ml", volume, cell)


def _transfusion(cell: Cell, column: Column, row: RowState, context: TableContext) -> Iterator[Candidate]:
    if cell.text.strip().lower() in rules()["zero_words"]:
        yield _candidate("transfusion_ml", 0, cell)
        return
    if column.unit is None and not find_quantities(cell.text, "volume"):
        return  # "2" under "Transfusion" counts units, not mL
    volume = _volume(cell, column)
    if volume is not None:
        yield _candidate("transfusion_ml", volume, cell)


def _dose(cell: Cell, column: Column, row: RowState, context: TableContext) -> Iterator[Candidate]:
    dose = total_dose_gy(cell.text)
    bare = _bare(cell.text)
    if dose is None and bare is not None and "treatments" not in column.fields:
        dose = to_gy(bare, column.unit if column.unit and to_gy(1, column.unit) else "Gy")
    if dose is not None and dose > 0:
        yield _candidate("radiotherapy_dose_gy", dose, cell)


def _scores(cell: Cell, column: Column, row: RowState, context: TableContext) -> Iterator[Candidate]:
    """"8/2" or "7→1" under a pre/post header; one number under a header for one of them."""
    wanted = [f for f in ("vas_pre", "vas_post") if f in column.fields]
    pair = rules()["regex"]["score_pair"].search(cell.text)
    if pair and len(wanted) == 2:
        values = {"vas_pre": pair["pre"], "vas_post": pair["post"]}
    elif len(wanted) == 1 and not pair:
        values = {wanted[0]: _REMARK.sub("", cell.text)}
    else:
        values = {}
    for name, raw in values.items():
        number = parse_number(raw)
        if number is None:
            continue
        score = pain_score(number, "mm" if column.scale100 else None)
        if score is not None:
            yield _candidate(name, round(score, 2), cell)


def _cement(cell: Cell, column: Column, row: RowState, context: TableContext) -> Iterator[Candidate]:
    """Volumes per vertebra ("T12 4.0; L1 4.5"), or volumes matched to the row's vertebrae in
    order ("4.0/3.5" for L2-L3), or one volume for one vertebra; else a total."""
    rx = rules()["regex"]
    named = [(normalize_level(m["level"]), parse_number(m["ml"])) for m in rx["level_volume"].finditer(cell.text)]
    named = [(level, ml) for level, ml in named if level and ml is not None]
    if named:
        for level, ml in named:
            yield _candidate("cement_volumes", {"level": level, "ml": ml}, cell)
        return
    stated = find_quantities(cell.text, "volume")
    if stated:
        volumes = [to_ml(q.value, q.unit) for q in stated]
    elif "treatments" in column.fields:
        return  # a bare number among the words of a procedure is no volume
    else:
        volumes = _numbers(cell.text)
    volumes = [v for v in volumes if v is not None and v > 0]
    if not volumes:
        return
    if len(volumes) == len(row.levels):
        for level, ml in zip(row.levels, volumes):
            yield _candidate("cement_volumes", {"level": level, "ml": ml}, cell)
    else:
        yield _candidate("cement_total_ml", round(sum(volumes), 2), cell)


def _unassessed(cell: Cell) -> bool:
    return bool(rules()["regex"]["unassessed"].search(cell.text))


def _recurrence(cell: Cell, column: Column, row: RowState, context: TableContext) -> Iterator[Candidate]:
    if _unassessed(cell):
        return
    words = _words(expand(cell.text, context.abbreviations))
    data = rules()
    first = words[0] if words else ""
    answer = True if first in data["yes_words"] else False if first in data["no_words"] else None
    if answer is None:
        yield from from_finders(cell, frozenset({"recurrence"}), context, column.header)
        return
    yield _candidate("recurrence", answer != column.inverse, cell)


def grade_of(text: str, meanings: dict[str, str]) -> Optional[str]:
    """The outcome code of a grade ("Good", "partial relief"): as the text defines it, else the
    usual meaning; the longest known phrase of the cell counts."""
    lowered = f" {' '.join(_words(text))} "
    grades = rules()["grades"]
    for phrase in sorted(set(meanings) | set(grades), key=len, reverse=True):
        if f" {' '.join(_words(phrase))} " in lowered:
            return meanings.get(phrase) or grades[phrase]
    return None


def _outcome(cell: Cell, column: Column, row: RowState, context: TableContext) -> Iterator[Candidate]:
    if _unassessed(cell):
        return
    code = grade_of(cell.text, context.grade_meanings) or \
        grade_of(expand(cell.text, context.abbreviations), context.grade_meanings)
    if code is not None:
        yield _candidate("outcome", code, cell)
    else:
        yield from from_finders(cell, frozenset({"outcome"}), context, column.header)


def _feeders(cell: Cell, column: Column, row: RowState, context: TableContext) -> Iterator[Candidate]:
    """The embolisation finder's arteries; under a feeder header a side and a vertebra are
    enough ("Left L2 lumbar")."""
    found = from_finders(cell, frozenset({"feeder_arteries"}), context, column.header)
    if found:
        yield from found
        return
    side = next((w for w in _words(cell.text) if w in ("left", "right", "bilateral", "both")), None)
    for mention in find_levels(cell.text):
        for level in mention.levels:
            value = {"side": "bilateral" if side == "both" else side, "level": level}
            yield _candidate("feeder_arteries", value, cell)


READERS: dict[str, Callable[..., Iterator[Candidate]]] = {
    "age_years": _age, "sex": _sex, "levels": _levels, "enneking_stage": _enneking,
    "symptom_duration_months": _duration("symptom_duration_months"),
    "follow_up_months": _duration("follow_up_months"),
    "blood_loss_ml": _blood_loss, "transfusion_ml": _transfusion, "radiotherapy_dose_gy": _dose,
    "vas_pre": _scores, "vas_post": _scores, "cement": _cement, "recurrence": _recurrence,
    "outcome": _outcome, "feeder_arteries": _feeders,
}


def read_cell(cell: Cell, column: Column, row: RowState, context: TableContext) -> list[Candidate]:
    """Candidates for every field of the column that the cell states. A cell of a list with
    no header is read as a short sentence, by the families' finders (and its vertebrae)."""
    if is_null(Cell(expand(cell.text, context.abbreviations), cell.start, cell.end)):
        return []  # "NA", "–"; but "NR" where the legend makes it "no recurrence"
    if column.headerless:
        return list(_levels(cell, column, row, context)) + \
            from_finders(cell, column.fields - {"levels"}, context)
    found: list[Candidate] = []
    done: set[Callable] = set()
    by_finder = set()
    for name in sorted(column.fields):
        reader = READERS.get(name)
        if reader is None:
            by_finder.add(name)
        elif reader not in done:
            done.add(reader)
            found.extend(reader(cell, column, row, context))
    if by_finder:
        found.extend(from_finders(cell, frozenset(by_finder), context, column.header))
    return found
