"""Intraoperative blood loss and the volume of blood products transfused."""
from __future__ import annotations

import re
from typing import Iterator, Optional

from nlp.extract.base import Candidate, SentenceView, family, load_patterns
from nlp.normalize.numbers import parse_number
from nlp.normalize.units import to_ml


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


@family("bleeding")
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
