"""Split a document into its patients.

Patients told one by one ("Case 1", "Patient 2", "The second patient") each get the text
from their heading to the next one; a document that describes one patient is one case
over its whole text; a pooled series or a review has none. Case series laid out as tables
are read by ``nlp.tables``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from nlp.extract.base import Candidate
from nlp.ingest.document import Document

_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
             "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10}
CASE_HEADING = re.compile(
    r"(?:^|(?<=\n))[ \t#*]*(?:"
    r"(?:case|patient)\s*(?:no\.?\s*|#\s*)?(?P<num>\d{1,2}|[ivx]{1,4}|one|two|three|four|five|six|seven|eight|nine|ten)\b(?![.,]\d|\s*(?:%|patients|cases))"
    r"|(?:the\s+)?(?P<ord>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\s+(?:case|patient)\b)",
    re.IGNORECASE)
# Section kinds after which a patient's story is over.
_CLOSING_KINDS = {"discussion", "conclusion", "references", "introduction"}


@dataclass
class CaseSegment:
    """One patient: the stretches of text that tell of them."""
    index: int
    ranges: list[tuple[int, int]]
    candidates: list[Candidate] = field(default_factory=list)

    def holds(self, offset: int) -> bool:
        return any(s <= offset < e for s, e in self.ranges)


def _case_number(m: re.Match) -> int | None:
    token = (m.group("num") or m.group("ord") or "").lower()
    if token.isdigit():
        return int(token)
    return _ORDINALS.get(token) or _ROMAN.get(token) or _WORDS.get(token)


def numbered_cases(document: Document) -> list[CaseSegment]:
    """Segments for patients told one by one under "Case N"-style headings (two or more)."""
    text = document.text
    headings = [(m.start(), _case_number(m)) for m in CASE_HEADING.finditer(text)]
    headings = [(start, n) for start, n in headings if n is not None]
    if len({n for _, n in headings}) < 2:
        return []
    closers = sorted(s.start for s in document.sections if s.kind in _CLOSING_KINDS)
    order: dict[int, CaseSegment] = {}
    for i, (start, number) in enumerate(headings):
        end = headings[i + 1][0] if i + 1 < len(headings) else len(text)
        end = min([end] + [c for c in closers if c > start])
        segment = order.setdefault(number, CaseSegment(len(order) + 1, []))
        segment.ranges.append((start, end))
    return list(order.values())


def describes_a_patient(candidates: list[Candidate]) -> bool:
    """A patient of its own: a stated age, or the sex named with a noun, outside general
    or pooled statements."""
    blocking = {"review", "pooled", "generic", "hypothetical", "other_person"}
    return any(c.field in ("age_years", "sex") and c.confidence >= 0.7 and not (c.flags & blocking)
               for c in candidates)


def split_cases(document: Document, candidates: list[Candidate]) -> list[CaseSegment]:
    segments = numbered_cases(document)
    if segments:
        return segments
    if describes_a_patient(candidates):
        return [CaseSegment(1, [(0, len(document.text))])]
    return []
