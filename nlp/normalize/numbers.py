"""Numbers as case reports write them: digits, decimal commas, vulgar fractions, words, ranges.

``NUMBER_RE`` finds them inside larger patterns; :func:`parse_number` turns any of its matches
(or the same with a qualifier such as "approximately" in front) into a float. A range gives
its midpoint, as the record contract asks.
"""
from __future__ import annotations

import re

_SMALL = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * n for n, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
WORD_VALUES = {**_SMALL, **_TENS}
ORDINALS = {w: n for n, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split(), 1)}
ORDINALS.update({f"{n}{suffix}": n for n, suffix in zip(range(1, 13), ["st", "nd", "rd"] + ["th"] * 9)})
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
_FRACTIONS = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3}


def _alternation(words) -> str:
    # longest first, so "seventeen" is not read as "seven"
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


_FRACTION = f"[{''.join(_FRACTIONS)}]"
# "1,200" groups thousands (a first group of 1-3 digits not starting with 0, then groups of
# exactly three); any other single comma between digits is a decimal comma ("12,5", "0,500")
_THOUSANDS = r"[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?"
_DIGITS = (rf"(?<![\w.,])(?:{_THOUSANDS}|\d+(?:[.,]\d+)?|\.\d+)(?:\s?{_FRACTION})?"
           rf"|(?<![\w.,]){_FRACTION}")
DIGITS_RE = f"(?:{_DIGITS})"
"""One number written in digits ("12", "12,5", "1,200", "1½"): for scores, where words mislead
("pain scores on a ...", "VAS decreased in six patients")."""
_DIGIT_WORDS = _alternation(w for w, n in _SMALL.items() if 0 < n < 10)
_BELOW_100 = rf"(?:(?:{_alternation(_TENS)})(?:[-\s](?:{_DIGIT_WORDS}))?|{_alternation(_SMALL)})"
_BELOW_1000 = rf"(?:(?:{_BELOW_100}|an?)\s+hundred(?:\s+(?:and\s+)?{_BELOW_100})?|{_BELOW_100})"
# "a"/"an" count as one ("a year", "a hundred"); "half a(n)" is a half
_WORDS = (rf"\b(?:(?:{_BELOW_1000}|an?)\s+thousand(?:\s+(?:and\s+)?{_BELOW_1000})?|{_BELOW_1000}|an?)\b")
_HALF = r"\bhalf(?:\s+an?)?\b"
SINGLE_NUMBER_RE = rf"(?i:(?:{_DIGITS}|{_WORDS})(?:\s+and\s+a\s+half\b)?|{_HALF})"
"""One number, no range: for "VAS decreased from 8 to 2", where "8 to 2" is no range."""

_RANGE_SEP = r"\s*[-–—]\s*|\s+(?:to|through)\s+"
_QUALIFIER = (r"(?:(?:approximately|approx\.?|about|around|nearly|almost|roughly|over|more\s+than|"
              r"less\s+than|up\s+to|at\s+least|at\s+most|circa|ca\.|(?:an\s+)?estimated)\s+|(?:~|≈|<=|>=|<|>|≤|≥)\s*)")


def _number_pattern(capture: bool) -> str:
    def group(name: str) -> str:
        return f"(?P<{name}>{SINGLE_NUMBER_RE})" if capture else SINGLE_NUMBER_RE
    return (rf"(?i:\bbetween\s+{group('low')}\s+and\s+{group('high')}"
            rf"|{group('first')}(?:(?:{_RANGE_SEP}){group('second')})?)")


NUMBER_RE = _number_pattern(capture=False)
"""A number or a range ("3-5", "3 to 5", "between 3 and 5"), in digits or words; no capturing
groups, case-insensitive whatever the flags of the pattern it is put in. Qualifiers stay out of
the match, so that a pattern can still see the "over" of "over 60 years"."""

_PARSE = re.compile(rf"(?:{_QUALIFIER})*{_number_pattern(capture=True)}", re.IGNORECASE)


def parse_number(text: str) -> float | None:
    """The value of a number or range written in ``text`` (the whole string), or None.

    Qualifiers ("approximately", "~", "more than", ...) are dropped and the value kept;
    a range gives its midpoint. Negative numbers are not read (no field holds one).
    """
    m = _PARSE.fullmatch(text.strip())
    if not m:
        return None
    low, high = m["low"] or m["first"], m["high"] or m["second"]
    values = [_single(low)] + ([_single(high)] if high else [])
    return sum(values) / len(values)


def _single(text: str) -> float:
    """The value of a string ``SINGLE_NUMBER_RE`` matches in full."""
    text = text.lower()
    if re.fullmatch(_HALF, text):
        return 0.5
    value = 0.0
    if text.endswith("half"):  # "... and a half"
        value, text = 0.5, re.sub(r"\s+and\s+a\s+half$", "", text)
    if text[-1] in _FRACTIONS:
        value, text = value + _FRACTIONS[text[-1]], text[:-1].strip()
        if not text:
            return value
    if text[0].isdigit() or text[0] == ".":
        return value + _digits(text)
    return value + _words(text)


def _digits(text: str) -> float:
    if re.fullmatch(_THOUSANDS, text):
        return float(text.replace(",", ""))
    return float(text.replace(",", "."))


def _words(text: str) -> float:
    total = current = 0
    for word in re.split(r"[\s-]+", text):
        if word in ("a", "an"):
            current += 1
        elif word in WORD_VALUES:
            current += WORD_VALUES[word]
        elif word == "hundred":
            current = (current or 1) * 100
        elif word == "thousand":
            total, current = total + (current or 1) * 1000, 0
    return float(total + current)
