"""A table cell as the field families read it: the cell, the column it stands in, what the rest
of its row says, and the small readings every family's cell reader shares.

Families read a cell of their own columns (``Family.cell_readers``); :mod:`nlp.series` finds the
tables, their columns and rows, and hands each cell to the family that owns its column.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Optional

from nlp.extract.base import Candidate, SentenceView
from nlp.normalize.numbers import parse_number
from nlp.normalize.words import whole_words
from nlp.patterns import load_patterns

CONFIDENCE = 0.95  # a table states its values plainly
SECTION = "results"
_WORDS = re.compile(r"[^\W\d_]+|\d+|\+", re.UNICODE)
_REMARK = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")  # "3 (then lost to follow-up)"


@dataclass(frozen=True)
class Cell:
    """One cell: ``text`` as it stands at ``start:end`` in the document (footnote marks
    excluded, see ``marks``)."""
    text: str
    start: int
    end: int
    marks: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.text.strip()


@dataclass(frozen=True)
class Column:
    header: str
    fields: frozenset[str]
    unit: Optional[str] = None  # as the header writes it: "mo", "mL", "years"
    scale100: bool = False      # pain scores out of 100
    inverse: bool = False       # "Local control: yes" is no recurrence
    implies: tuple[str, ...] = ()
    implies_alone: tuple[str, ...] = ()
    headerless: bool = False    # a row of a list with no header: cells read by their content


@dataclass
class TableContext:
    """What every cell of a table is read with."""
    abbreviations: dict[str, str]
    grade_meanings: dict[str, str] = field(default_factory=dict)  # "good" -> "improved" as defined

    def view_of(self, cell: Cell, header: str = "") -> SentenceView:
        """The cell read as a sentence of its own, with the table's abbreviations. The header is
        the context a sentence would give ("PVA" under "Embolic agent" is an embolic agent): the
        view expands the whole cell to it, for matching only."""
        abbreviations = dict(self.abbreviations)
        if header:
            abbreviations[cell.text] = f"{abbreviations.get(cell.text, '')}; {header}".lstrip("; ")
        return SentenceView(cell.text, cell.start, SECTION, abbreviations)


@dataclass
class RowState:
    """What a row's other cells tell the reading of one cell (its vertebrae, for cement)."""
    levels: list[str] = field(default_factory=list)


def expand(text: str, abbreviations: dict[str, str]) -> str:
    """The text with each abbreviation the legend defines replaced by its long form."""
    if not abbreviations:
        return text
    return whole_words(abbreviations).sub(lambda m: abbreviations[m.group(0)], text)


# reads one cell of a column into candidates
CellReader = Callable[[Cell, Column, RowState, TableContext], Iterator[Candidate]]


def table_candidate(field_name: str, value: Any, cell: Cell) -> Candidate:
    return Candidate(field_name, value, cell.start, cell.end, CONFIDENCE, SECTION)


def _cell_rules() -> dict:
    return load_patterns("series")


def is_null(cell: Cell) -> bool:
    return cell.empty or bool(_cell_rules()["regex"]["null_cell"].search(cell.text))


def unassessed(cell: Cell) -> bool:
    """A cell that leaves the question open ("recurrence not assessed")."""
    return bool(_cell_rules()["regex"]["unassessed"].search(cell.text))


def cell_words(text: str) -> list[str]:
    return [w.lower() for w in _WORDS.findall(text)]


def without_remark(text: str) -> str:
    return _REMARK.sub("", text)


def bare_number(text: str) -> Optional[float]:
    """The cell's number (or range) when it says nothing else but a remark in brackets."""
    return parse_number(without_remark(text))


def numbers_in(text: str) -> list[float]:
    values = (parse_number(m.group(0)) for m in _cell_rules()["regex"]["number"].finditer(text))
    return [v for v in values if v is not None]


def yes_or_no(word: str) -> Optional[bool]:
    """A cell's answer: "yes", "+", "present" / "no", "none", "0"; None for anything else."""
    words = _cell_rules()["data"]
    return True if word in words["yes_words"] else False if word in words["no_words"] else None


def says_zero(text: str) -> bool:
    """A quantity cell meaning none was given ("nil", "0")."""
    return text.strip().lower() in _cell_rules()["data"]["zero_words"]
