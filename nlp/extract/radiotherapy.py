"""Total radiotherapy dose given to the lesion."""
from __future__ import annotations

import re
from typing import Iterator, Optional

from nlp.extract.base import Candidate, SentenceView, family, load_patterns
from nlp.normalize.numbers import parse_number
from nlp.normalize.units import to_gy


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


@family("radiotherapy")
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
