"""Intraoperative blood loss and the volume of blood products transfused."""
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
    says_zero,
    table_candidate,
)
from nlp.extract.registry import Family
from nlp.normalize.numbers import parse_number
from nlp.normalize.units import find_quantities, to_ml, volume_ml
from nlp.patterns import load_patterns


def _rx() -> dict:
    return load_patterns("bleeding")["regex"]


def _ml(m: re.Match) -> Optional[float]:
    value = parse_number(m["number"])
    return None if value is None else to_ml(value, m["unit"].replace(".", ""))


def _is_loss(text: str, m: re.Match) -> bool:
    rx = _rx()
    before = rx["loss_before"].search(text, 0, m.start())
    if before and not rx["gap_stop"].search(before["gap"]):
        return not rx["not_loss"].search(text, before.start(), m.start())
    return bool(rx["loss_after"].match(text, m.end())) and not rx["not_loss"].search(text, 0, m.start())


def _is_transfused(text: str, m: re.Match) -> bool:
    rx = _rx()
    if rx["transfused_before"].search(text, 0, m.start()):
        return True
    return bool(rx["product_after"].match(text, m.end()) and rx["transfusion_verb"].search(text))


def find(view: SentenceView) -> Iterator[Candidate]:
    rx = _rx()
    text = view.text
    # negation is read near the volume
    allow = ("negated",)
    transfused: list[tuple[float, int, int]] = []
    for m in rx["volume"].finditer(text):
        ml = _ml(m)
        if ml is None or ml <= 0 or rx["negated_near"].search(text, 0, m.start()):
            continue
        if _is_loss(text, m):
            yield view.candidate("blood_loss_ml", ml, *m.span(), confidence=0.9, allow=allow)
        elif _is_transfused(text, m):
            transfused.append((ml, *m.span()))
    if transfused:
        # products given together ("400 mL of plasma and 600 mL of red cells") add up
        yield view.candidate("transfusion_ml", sum(t[0] for t in transfused), transfused[0][1], transfused[-1][2],
                             confidence=0.85, allow=allow)
    for pattern in rx["no_transfusion"]:
        for m in pattern.finditer(text):
            yield view.candidate("transfusion_ml", 0.0, *m.span(), confidence=0.8, allow=allow)
            return


# ---- table cells and model spans ----------------------------------------------------------

def _cell_volume(cell: Cell, column: Column) -> Optional[float]:
    """A volume with its own unit, or a bare number in the column's unit (mL)."""
    stated = find_quantities(cell.text, "volume")
    if stated:
        return to_ml(stated[0].value, stated[0].unit)
    bare = bare_number(cell.text)
    if bare is None:
        return None
    return to_ml(bare, column.unit) if column.unit and to_ml(1, column.unit) else bare


def _blood_loss_cell(cell: Cell, column: Column, row: RowState, context: TableContext) -> Iterator[Candidate]:
    volume = _cell_volume(cell, column)
    if volume is not None:
        yield table_candidate("blood_loss_ml", volume, cell)


def _transfusion_cell(cell: Cell, column: Column, row: RowState, context: TableContext) -> Iterator[Candidate]:
    if says_zero(cell.text):
        yield table_candidate("transfusion_ml", 0, cell)
        return
    if column.unit is None and not find_quantities(cell.text, "volume"):
        return  # "2" under "Transfusion" counts units, not mL
    volume = _cell_volume(cell, column)
    if volume is not None:
        yield table_candidate("transfusion_ml", volume, cell)


FAMILY = Family("bleeding", find,
                cell_readers={"blood_loss_ml": _blood_loss_cell, "transfusion_ml": _transfusion_cell},
                span_readers={"blood_loss_ml": volume_ml, "transfusion_ml": volume_ml})
