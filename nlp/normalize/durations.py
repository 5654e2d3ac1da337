"""Durations in months: "pain for 1 year" is 12, "6 weeks" 1.38, "a year and a half" 18."""
from __future__ import annotations

import re

from nlp.normalize.units import Quantity, find_quantities, to_months

_AND_A_HALF = re.compile(r"\s+and\s+a\s+half\b", re.IGNORECASE)
_JOINER = re.compile(r"\s*(?:,|and)?\s*", re.IGNORECASE)


def parse_duration(text: str) -> float | None:
    """The first duration stated in ``text``, in months (two decimals); None where none is.

    "3-4 months" gives the midpoint; compound durations add up ("1 year and 6 months" = 18,
    "a year and a half" = 18); vague ones ("several months") are None.
    """
    quantities = find_quantities(text, "time")
    if not quantities:
        return None
    months, end = _months(text, quantities[0])
    # "2 years and 3 months", "1 year, 2 months": a following quantity joined by "and" or a comma
    for q in quantities[1:]:
        joiner = _JOINER.match(text, end)
        if joiner.end() != q.start:
            break
        more, end = _months(text, q)
        months += more
    return round(months, 2)


def _months(text: str, q: Quantity) -> tuple[float, int]:
    """A quantity in months and where it ends, a following "and a half" included."""
    half = _AND_A_HALF.match(text, q.end)
    return to_months(q.value + (0.5 if half else 0), q.unit), half.end() if half else q.end
