"""Section kinds: what a heading's words name, and what untitled text most likely is."""
from __future__ import annotations

import re
from typing import Optional

# A heading may go on past its telling words only through a connective ("Results of surgery",
# "Discussion and conclusions"), so that a sentence such as "Case reports are rare." is no heading.
_TAIL = r"( (and|or|of|with|in|on|for|to|from|after|at)\b.*)?"
# Ordered: the first full match wins, so the specific forms ("case summary", "summary and
# conclusions") come before the general ones ("summary").
_KIND_PATTERNS: tuple[tuple[str, str], ...] = (
    ("references", r"references?( cited)?|bibliography|literature cited|works cited|reference list"),
    ("other", r"acknowledge?ments?|funding|financial (support|disclosures?)|sources? of (funding|support)"
              r"|conflicts? of interests?|competing interests?|disclosures?|declarations?" + _TAIL +
              r"|authors?['’]? contributions?|author information|ethic(s|al)( .*)?"
              r"|(informed |patient )?consents?( .*)?|abbreviations|key ?words|data availability"
              r"|availability of data( .*)?|supplementary( .*)?|supporting information|appendix( .*)?"
              r"|foot ?notes|notes|publisher['’]?s note|additional information|pre-publication history"),
    ("case", r"cases?( (\d+|[ivx]+|[a-z]))?( (reports?|presentations?|descriptions?|histor(y|ies)|summary|study"
             r"|illustrations?|details|series|discussion))?" + _TAIL +
             r"|(clinical|illustrative|index) cases?|report of (the |a |two |three )?cases?"
             r"|presentation of (the )?cases?|patients? (\d+|[a-z])"
             r"|patient (history|presentation|information|description)"
             r"|clinical (presentation|history|findings|course|summary|description|features)"
             r"|history|history of (the )?present(ing)? illness"),
    ("methods", r"((materials?|patients?|subjects?|participants?) and )?methods?" + _TAIL + r"|methodology|patients"
                r"|subjects|participants|study (design|population|sample)|design|setting"
                r"|statistic(s|al analysis|al analyses|al methods)|data (collection|analysis|sources?)"
                r"|experimental (procedures?|design)|(patient|case) selection|outcome measures"),
    ("results", r"results?" + _TAIL + r"|findings"),
    ("conclusion", r"(conclusions?|concluding remarks?|summary and conclusions?|learning points|take-home messages?)"
                   + _TAIL),
    ("discussion", r"discussion" + _TAIL + r"|comments?|commentary|review of (the )?literature|literature review"),
    ("introduction", r"(introduction|background|aims?)" + _TAIL + r"|objectives?|purpose|rationale|context|importance"),
    ("abstract", r"abstract|summary|synopsis|structured abstract|author summary"),
)
_KIND_RES = tuple((kind, re.compile(pattern)) for kind, pattern in _KIND_PATTERNS)
# Kinds a heading with no telling words takes over from its parent (or, in flat text, the section
# before it): "Operation" under "Case presentation" is still the case.
_INHERITABLE = frozenset({"abstract", "introduction", "case", "methods", "results", "discussion"})

# Section numbers ("2", "2.1", "IV.", "B)"); a year ("2019. Title of a cited paper") is none.
SECTION_NUMBER = r"\d{1,2}(?:\.\d{1,2})*"
NUMBERING = re.compile(rf"^(?:{SECTION_NUMBER}\.?|[IVX]+\.|[A-H][.)])\s+")


def _normalise(title: str) -> str:
    text = title.strip().lstrip("#").strip()
    text = NUMBERING.sub("", text)
    text = text.lower().replace("&", "and").replace("(s)", "s")
    text = re.sub(r"\s+", " ", text)
    return text.strip(" .:;-–—")


def named_kind(title: str, whole: bool = False) -> Optional[str]:
    """The kind a heading's words name, or None when they name none.

    Unless ``whole``, the part before a colon, slash or dash may name it: "Case report: a rare
    cause", "Conclusions/Significance".
    """
    norm = _normalise(title)
    candidates = [norm] if whole else [norm, re.split(r"\s*(?::|/|\s[-–—]\s)\s*", norm, maxsplit=1)[0]]
    for candidate in dict.fromkeys(candidates):
        for kind, pattern in _KIND_RES:
            if pattern.fullmatch(candidate):
                return kind
    return None


def heading_kind(title: str, context: Optional[str] = None) -> str:
    """The section kind of a heading; ``context`` is the kind of the section it sits under."""
    kind = named_kind(title)
    if kind is not None:
        return kind
    return context if context in _INHERITABLE else "other"


_PATIENT = re.compile(
    r"\b\d{1,3}[- ](?:year|yr|month|week|day)s?[- ]old\b|\baged? \d{1,3}\b|\b\d{1,3} ?(?:yo|y/o|y\.o\.)\b"
    r"|\b(?:a|an|the|our|this) (?:\w+ )?(?:man|woman|boy|girl|male|female|patient|gentleman|lady|infant|child)\b",
    re.IGNORECASE)


def describes_patient(text: str) -> bool:
    """Whether a stretch of text reads like the description of one patient."""
    return _PATIENT.search(text) is not None


def lead_kind(text: str, sections_follow: bool) -> str:
    """Kind of untitled body text (structured formats): an introduction before titled sections,
    else the case when it describes a patient."""
    if sections_follow:
        return "introduction"
    return "case" if describes_patient(text) else "other"


def untitled_kind(text: str, next_kind: Optional[str]) -> str:
    """Kind of text with no heading before the first heading (``next_kind`` is that heading's)."""
    if next_kind in ("introduction", "case", "methods") and len(text) <= 3000:
        return "abstract"  # an unheaded abstract: short, right before the body starts
    return "case" if describes_patient(text) else "other"
