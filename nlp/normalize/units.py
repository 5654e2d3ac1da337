"""Units of the record's numeric fields: volumes to mL, doses to Gy, durations to months,
ages to years.

Every converter takes a value and a unit as written ("cc", "cGy", "wks", "months-old") and
returns None for a unit it does not know or one of another kind (mL asked of "weeks").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.normalize.numbers import NUMBER_RE, parse_number

DAYS_PER_MONTH = 30.44  # GUIDELINES.md: 1 month = 30.44 days

# unit (singular, lower case) -> (kind, canonical name, multiplier, divisor) to the kind's base
# unit: mL, Gy, months. Multiplier and divisor are kept apart so that 3000 cGy is exactly 30.
_UNITS: dict[str, tuple[str, str, float, float]] = {}
for _kind, _name, _mul, _div, _aliases in [
    ("volume", "mL", 1, 1, "ml millilitre milliliter cc cm3 cm³"),
    ("volume", "dL", 100, 1, "dl decilitre deciliter"),
    ("volume", "L", 1000, 1, "l litre liter"),
    ("dose", "Gy", 1, 1, "gy gray"),
    ("dose", "cGy", 1, 100, "cgy centigray rad"),
    ("time", "hour", 1, 24 * DAYS_PER_MONTH, "h hr hour"),
    ("time", "day", 1, DAYS_PER_MONTH, "d day"),
    ("time", "week", 7, DAYS_PER_MONTH, "wk week"),
    ("time", "fortnight", 14, DAYS_PER_MONTH, "fortnight"),
    ("time", "month", 1, 1, "mo mth month"),
    ("time", "year", 12, 1, "y yr year"),
]:
    for _alias in _aliases.split():
        _UNITS[_alias] = (_kind, _name, _mul, _div)


def _lookup(unit: str) -> tuple[str, str, float, float] | None:
    key = unit.strip().rstrip(".").lower()
    # plurals: "weeks", "wks", "mos", "yrs", "litres", "rads"
    return _UNITS.get(key) or (_UNITS.get(key[:-1]) if key.endswith("s") else None)


def unit_pattern(kind: str | None = None) -> str:
    """A regex alternation of the units of ``kind`` ("volume", "dose", "time"; None: all),
    plurals included, case-insensitive; it must not be followed by a letter or digit."""
    aliases = sorted((a for a, u in _UNITS.items() if kind in (None, u[0])), key=len, reverse=True)
    return r"(?i:(?:" + "|".join(map(re.escape, aliases)) + r")s?)(?![^\W_])"


def _convert(value: float, unit: str, kind: str) -> float | None:
    found = _lookup(unit)
    if found is None or found[0] != kind:
        return None
    return value * found[2] / found[3]


def to_ml(value: float, unit: str) -> float | None:
    """A volume in mL ("0.5 L" -> 500, "3 cc" -> 3)."""
    return _convert(value, unit, "volume")


def to_gy(value: float, unit: str) -> float | None:
    """A radiation dose in Gy ("3000 cGy" -> 30; 1 rad = 1 cGy)."""
    return _convert(value, unit, "dose")


def to_months(value: float, unit: str) -> float | None:
    """A duration in months, to two decimals as the gold writes them ("6 weeks" -> 1.38)."""
    months = _convert(value, unit, "time")
    return None if months is None else round(months, 2)


def to_years(value: float, unit: str) -> float | None:
    """An age in years; infants as a fraction ("3 months-old" -> 0.25), to two decimals."""
    months = _convert(value, re.sub(r"[\s-]*old$", "", unit.strip(), flags=re.I), "time")
    return None if months is None else round(months / 12, 2)


@dataclass(frozen=True)
class Quantity:
    """A number with its unit in a text: ``text[start:end]`` reads e.g. "approximately 500 mL"."""
    value: float
    unit: str  # canonical: mL dL L Gy cGy hour day week fortnight month year
    start: int
    end: int


_QUANTITY = {kind: re.compile(rf"(?P<number>{NUMBER_RE})\s*-?\s*(?P<unit>{unit_pattern(kind)})")
             for kind in (None, "volume", "dose", "time")}


def find_quantities(text: str, kind: str | None = None) -> list[Quantity]:
    """Every number followed by a unit of ``kind`` (None: any) in ``text``, in order.
    "6-week" and "500mL" count; the number may be a range (midpoint) or words."""
    quantities = []
    for m in _QUANTITY[kind].finditer(text):
        value = parse_number(m["number"])
        if value is not None:
            quantities.append(Quantity(value, _lookup(m["unit"])[1], m.start(), m.end()))
    return quantities


def parse_quantity(text: str) -> tuple[float, str] | None:
    """The first quantity in ``text`` as (value, canonical unit): "approximately 500 mL" ->
    (500.0, "mL"), "30 Gy in 10 fractions" -> (30.0, "Gy"); None where there is none."""
    found = find_quantities(text)
    return (found[0].value, found[0].unit) if found else None


_FRACTIONS = r"(?:daily\s+)?(?:fractions?|fx)"
_TIMES = r"\s*[x×*]\s*"
_DOSE = rf"(?P<dose>{NUMBER_RE})\s*(?P<unit>{unit_pattern('dose')})"
_COUNT = rf"(?P<count>{NUMBER_RE})"
_FRACTIONATED = [re.compile(p, re.I) for p in (
    rf"{_COUNT}\s*{_FRACTIONS}\s+of\s+{_DOSE}",         # 10 fractions of 3 Gy
    rf"{_COUNT}{_TIMES}{_DOSE}",                         # 10 x 3 Gy
    rf"{_DOSE}{_TIMES}{_COUNT}",                         # 3 Gy x 10
)]
_PER_FRACTION = re.compile(rf"\s*(?:/|per|each)\s*(?:{_FRACTIONS}|day|session)", re.I)


def total_dose_gy(text: str) -> float | None:
    """The total radiation dose a text states, in Gy: "30 Gy in 10 fractions" -> 30,
    "10 fractions of 3 Gy" and "3 Gy x 10" -> 30; a dose "per fraction" alone is no total."""
    for pattern in _FRACTIONATED:
        m = pattern.search(text)
        if m:
            count, dose = parse_number(m["count"]), parse_number(m["dose"])
            if count is not None and dose is not None:
                return to_gy(count * dose, m["unit"])
    for q in find_quantities(text, "dose"):
        if not _PER_FRACTION.match(text, q.end):
            return to_gy(q.value, q.unit)
    return None


def volume_ml(text: str) -> float | None:
    """The volume a short text states, in mL ("1.5 L" -> 1500), or None."""
    quantity = parse_quantity(text)
    return to_ml(*quantity) if quantity else None
