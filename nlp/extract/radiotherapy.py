"""Total radiotherapy dose given to the lesion."""
from __future__ import annotations

import re
from typing import Iterator, Optional

from nlp.extract.base import Candidate, SentenceView
from nlp.extract.cells import (
    Cell,
    Column,
    RowState,
    TableContext,
    bare_number,
    table_candidate,
)
from nlp.extract.registry import Family
from nlp.normalize.numbers import parse_number
from nlp.normalize.units import parse_quantity, to_gy, total_dose_gy
from nlp.patterns import load_patterns


def _rx() -> dict:
    return load_patterns("radiotherapy")["regex"]


def _count(m: Optional[re.Match]) -> Optional[float]:
    if not m:
        return None
    return parse_number(m.groupdict().get("count") or m.groupdict().get("count2") or "")


def _total(text: str, m: re.Match) -> Optional[float]:
    """The total dose a dose mention states: itself, or times its number of fractions
    ("10 x 3 Gy"); None for a dose per fraction given without their number."""
    rx = _rx()
    dose = parse_number(m["number"])
    gy = None if dose is None else to_gy(dose, m["unit"])
    if gy is None:
        return None
    count = _count(rx["count_before"].search(text, 0, m.start())) or _count(rx["count_after"].match(text, m.end()))
    if count:
        return gy * count
    return None if rx["per_fraction"].match(text, m.end()) else gy


def find(view: SentenceView) -> Iterator[Candidate]:
    rx = _rx()
    text = view.text
    for m in rx["dose"].finditer(text):
        if re.search(r"[-–—]|\bto\b|\bbetween\b", m["number"]):
            continue  # a range of doses is a statement about treatment in general
        if rx["not_total"].search(text, 0, m.start()) or rx["negated_near"].search(text, 0, m.start()):
            continue
        gy = _total(text, m)
        if gy is not None and 0 < gy <= 100:
            yield view.candidate("radiotherapy_dose_gy", round(gy, 2), *m.span(), confidence=0.85,
                                 allow=("negated",))


def _dose_cell(cell: Cell, column: Column, row: RowState, context: TableContext) -> Iterator[Candidate]:
    dose = total_dose_gy(cell.text)
    bare = bare_number(cell.text)
    if dose is None and bare is not None and "treatments" not in column.fields:
        dose = to_gy(bare, column.unit if column.unit and to_gy(1, column.unit) else "Gy")
    if dose is not None and dose > 0:
        yield table_candidate("radiotherapy_dose_gy", dose, cell)


def _dose_span(text: str) -> Optional[float]:
    quantity = parse_quantity(text)
    return to_gy(*quantity) if quantity else None


FAMILY = Family("radiotherapy", find, cell_readers={"radiotherapy_dose_gy": _dose_cell},
                span_readers={"radiotherapy_dose_gy": _dose_span})
