"""Pain scores (VAS, NRS) on the record's 0-10 scale: "VAS 75 mm" is 7.5, "NRS 7" is 7."""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.normalize.numbers import DIGITS_RE, parse_number
from nlp.normalize.units import unit_pattern

# the largest value of each scale, by how the text names it
_SCALE_MAX = {"10": 10, "ten": 10, "cm": 10, "100": 100, "mm": 100}


def pain_score(value: float, scale: str | None = None) -> float | None:
    """``value`` on a 0-10 scale. ``scale`` is how the text gives the scale: "/10", "out of
    10", "cm" (0-10) or "/100", "mm" (0-100); None reads a value above 10 (up to 100) as a
    0-100 mm VAS. None for values outside the scale or a scale not known."""
    if scale is None:
        top = 10 if value <= 10 else 100
    else:
        top = _SCALE_MAX.get(re.sub(r"^(?:/|out\s+of|of)\s*", "", scale.strip().lower()))
    if top is None or not 0 <= value <= top:
        return None
    return value * 10 / top


@dataclass(frozen=True)
class PainScore:
    """A pain score at ``text[start:end]``, on 0-10."""
    value: float
    start: int
    end: int


_STRONG = (r"(?:VAS|NRS|NPRS|VNRS|visual\s+analog(?:ue)?\s+scale|numeric(?:al)?\s+(?:pain\s+)?rating\s+scale"
           r"|pain\s+(?:scores?|intensity|scales?))\b(?:\s*\([^()\d]*\))?")
_RANGE_NOTE = r"(?:\s*\(\s*0\s*[-–]\s*(?:10|100)\s*(?:mm|cm)?\s*\))?"  # "VAS (0-100 mm)"
_FRACTION = r"\s*(?:/|out\s+of|of)\s*(?:100|10|ten)\b"
_SCALE = rf"(?P<scale>{_FRACTION}|\s*(?:mm|cm)\b)"
# the number in digits, perhaps a dash range ("VAS 7-8"), but never a "from 8 to 2" change,
# nor a time ("VAS at 6 months was 2") or a percentage
_VALUE = (rf"(?<![-–/])(?P<value>{DIGITS_RE}(?:\s*[-–]\s*{DIGITS_RE})?"
          r"|\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten)\b(?!\s+(?:of|patients|cases|subjects|lesions)\b))"
          rf"(?!\s*-?\s*(?:%|{unit_pattern('time')}))")
# "80 on a 0-100 mm visual analogue scale": the scale named before the cue gives the range
_NOTED_RANGE = r"(?:(?P<note>0\s*[-–]\s*(?:10|100)|(?:10|ten)[\s-]*point|(?:100|hundred)[\s-]*(?:mm|point))\s*(?:mm|cm)?\s+)?"
_GAP = r"[^.;\n()]{0,30}?"  # within the clause, not into a bracket: "VAS (0-10)"
_PATTERNS = [re.compile(p, re.IGNORECASE) for p in (
    rf"\b{_STRONG}{_RANGE_NOTE}{_GAP}{_VALUE}{_SCALE}?",                   # VAS 8/10, NRS of 7, VAS 75 mm
    rf"\b(?:score|pain){_GAP}{_VALUE}(?P<scale>{_FRACTION})",            # score of 7/10, pain 8/10
    rf"{_VALUE}{_SCALE}?\s+(?:on|in)\s+(?:the\s+|a\s+)?{_NOTED_RANGE}{_STRONG}",  # 8 on VAS, 80 on a 0-100 mm VAS
)]


def find_pain_scores(text: str) -> list[PainScore]:
    """Every pain score stated in ``text``, in order (the first of overlapping readings)."""
    found: list[PainScore] = []
    matches = sorted((m for p in _PATTERNS for m in p.finditer(text)), key=lambda m: (m.start(), -m.end()))
    for m in matches:
        if found and m.start() < found[-1].end:
            continue
        number = parse_number(m["value"])
        scale = m["scale"] and m["scale"].strip()
        if not scale and m.groupdict().get("note"):
            scale = "100" if re.search(r"100|hundred", m["note"]) else "10"
        value = None if number is None else pain_score(number, scale)
        if value is not None:
            found.append(PainScore(value, m.start(), m.end()))
    return found


def parse_pain_score(text: str) -> float | None:
    """The first pain score in ``text`` on 0-10 ("VAS 8/10", "VAS 75 mm", "8 on VAS"), or None."""
    found = find_pain_scores(text)
    return found[0].value if found else None
