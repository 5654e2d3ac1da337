"""Vertebral levels: "D7" is T7, "T11-L1" spans T11 T12 L1, "the first lumbar vertebra" is L1,
"cervical vertebra 2 to 4" spans C2 C3 C4.

Written codes have false friends, which ``LEVEL_RE`` refuses: MRI sequences ("T2-weighted",
"T1 hypointense", "hyperintense on T2"), Enneking stages ("Enneking S3"), markers and
molecules glued to a word or named after one ("CD34", "S100", "PD-L1", "C3 complement",
"vitamin D3", "free T4").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.normalize.numbers import ORDINALS
from nlp.schema import LEVELS

_POSITION = {level: i for i, level in enumerate(LEVELS)}
_NUMBER = r"(?:1[0-2]|[1-9])(?![A-Za-z0-9])"
_MRI_WORD = (r"(?i:weight|wi\b|w\b|signal|hyper|hypo|iso-?intens|intens|image|imaging|sequence|flair|stir|"
             r"fat|gad|gd\b|(?:post[-\s]?)?contrast|bright|dark|map|relax|c\+|\+|\*|fs\b|mri?\b)")
# T1/T2, then perhaps "and T2", "/T2", "- and T2" (chained sequence names), then an MRI word
_MRI_AFTER = (r"(?:(?<=T[12])|(?<=T-[12]))"
              r"(?:[\s,/&-]+(?:(?i:and|or)[\s-]+)?T[12](?!\d))*[\s:-]*" + _MRI_WORD)

# "bright on T1", "on both T1 and T2": lookbehinds must have a fixed width, hence one each
_MRI_BEFORE = "|".join(rf"(?<=\b{words}\s)" for words in (
    r"(?i:on)", r"(?i:both)", r"(?i:on)\sT1\s(?i:and)", r"(?i:both)\sT1\s(?i:and)",
    r"(?i:hypointense)\s(?i:in)", r"(?i:hyperintense)\s(?i:in)", r"(?i:isointense)\s(?i:in)"))

LEVEL_RE = (
    r"(?-i:"
    r"(?<![A-Za-z0-9])(?<![A-Za-z]-)"                 # not glued to a word: CD34, pT2, PD-L1
    r"(?<!(?i:vitamin)\s)(?<!(?i:free)\s)"            # vitamin D3, free T4
    r"(?<!(?i:stage)\s)(?<!(?i:enneking)\s)"          # Enneking stage S3, TNM stage T2
    r"(?!(?:" + _MRI_BEFORE + r")T-?[12](?!\d))"       # hyperintense on (both) T1 (and T2)
    r"(?:Th|[CTDLS])-?" + _NUMBER +
    r"(?!" + _MRI_AFTER + r")"
    r"(?![\s-]*(?i:complement|esterase|inhibitor|ligand|cells?\b|hormone|receptor))"
    r"(?!(?:(?<=S[1-3])|(?<=S-[1-3]))\s*\(?\s*(?i:latent|active|aggressive|enneking))"
    r")"
)
"""One written vertebra code ("T11", "D9", "Th4", "T-8"), no capturing groups, case-sensitive
whatever the flags of the pattern it is put in; pass the match to :func:`normalize_level`
(which refuses codes outside the spine, such as "C8" or "L6")."""

_REGIONS = {"cervical": "C", "thoracic": "T", "dorsal": "T", "lumbar": "L", "sacral": "S"}
_ORDINAL = "|".join(sorted(ORDINALS, key=len, reverse=True))
_SPAN_SEP = r"\s*[-–—]\s*|\s+(?:to|through|thru)\s+"
_ORDINAL_SEP = rf"\s*,\s*|\s+(?:and|or)\s+|{_SPAN_SEP}"
_REGION = "|".join(_REGIONS)
_VERTEBRA = r"(?:vertebra(?:e|l(?:\s+bod(?:y|ies))?)?|levels?|segments?|bod(?:y|ies))"
_NAMED = {"atlas": "C1", "axis": "C2"}

_MENTION = re.compile(
    # T11-L1, T11 to L1, L1/2, L1-2, C1–2, or one code
    rf"(?P<first>{LEVEL_RE})(?:(?:{_SPAN_SEP}|\s*/\s*)(?:(?P<last>{LEVEL_RE})|(?P<bare>{_NUMBER})))?"
    # the first (and second) lumbar vertebra(e), the twelfth thoracic vertebral body, between the
    # sixth and eighth thoracic vertebrae, the twelfth thoracic (and fifth lumbar vertebrae)
    rf"|(?i:\b(?P<between>between\s+(?:the\s+)?)?(?P<ordinals>(?:{_ORDINAL})(?:(?:{_ORDINAL_SEP})(?:{_ORDINAL}))*)\s+"
    rf"(?P<region>{_REGION})(?:\s+{_VERTEBRA}\b|(?=(?:{_ORDINAL_SEP})(?:the\s+)?(?:{_ORDINAL})\s+(?:{_REGION})\s+{_VERTEBRA}\b)))"
    # the atlas, the axis vertebra
    r"|(?i:\b(?P<named>atlas|axis(?=\s+vertebra))\b)"
    # cervical vertebra 3, lumbar vertebrae 4 and 5, cervical vertebra 2 to 4
    rf"|(?i:\b(?P<coded>{_REGION})\s+vertebra[el]?\s+(?P<num>\d{{1,2}})(?!\d|\s*(?:mm|cm|%|°))"
    rf"(?:(?P<numsep>\s*[-–—]\s*|\s+(?:to|through|and)\s+)(?P<numlast>\d{{1,2}})(?!\d|\s*(?:mm|cm|%|°)))?)")


@dataclass
class LevelMention:
    """Vertebrae named at ``text[start:end]``, in spine order."""
    levels: list[str]
    start: int
    end: int


def normalize_level(token: str) -> str | None:
    """"T12", "t12", "D7" (dorsal), "Th4", "T-8", "L 1" -> the contract's code; None for
    anything else, "T13" and "C8" included."""
    m = re.fullmatch(r"\s*(th|[ctdls])\s*-?\s*(\d{1,2})\s*", token, re.IGNORECASE)
    if not m:
        return None
    region = "T" if m[1].lower() in ("th", "d") else m[1].upper()
    level = f"{region}{int(m[2])}"
    return level if level in _POSITION else None


def expand_range(first: str, last: str) -> list[str]:
    """Every vertebra from ``first`` to ``last`` along the spine (C1..C7 T1..T12 L1..L5 S1..S5),
    in spine order whichever end comes first; [] when either is no vertebra."""
    a, b = normalize_level(first), normalize_level(last)
    if a is None or b is None:
        return []
    i, j = sorted((_POSITION[a], _POSITION[b]))
    return list(LEVELS[i:j + 1])


def find_levels(text: str) -> list[LevelMention]:
    """Every mention of vertebrae in ``text``, in order: codes, ranges of codes, ordinal phrases."""
    mentions = []
    for m in _MENTION.finditer(text):
        if m["named"]:
            levels, end = [_NAMED[m["named"].lower()]], m.end()
        elif m["coded"]:
            levels, end = _numbered_levels(m)
        elif m["ordinals"]:
            levels, end = _ordinal_levels(m["ordinals"], _REGIONS[m["region"].lower()], bool(m["between"])), m.end()
        else:
            levels, end = _code_levels(m)
        if levels:
            mentions.append(LevelMention(levels, m.start(), end))
    return mentions


def _numbered_levels(m: re.Match) -> tuple[list[str], int]:
    """"cervical vertebra 2 to 4" -> C2 C3 C4; "lumbar vertebrae 4 and 5" -> L4 L5."""
    region = _REGIONS[m["coded"].lower()]
    first = normalize_level(f"{region}{m['num']}")
    if first is None:
        return [], m.end()
    last = normalize_level(f"{region}{m['numlast']}") if m["numlast"] else None
    if last is None:
        return [first], m.end("num")
    if re.search(r"\band\b", m["numsep"], re.IGNORECASE):
        return sorted({first, last}, key=_POSITION.__getitem__), m.end()
    return expand_range(first, last), m.end()


def _code_levels(m: re.Match) -> tuple[list[str], int]:
    """The levels of a code mention and where it ends: only its first code where the
    second is no vertebra, or a bare number ("L4-2") does not go down the spine."""
    first = normalize_level(m["first"])
    if first is None:
        return [], m.end()
    last = normalize_level(m["last"]) if m["last"] else None
    if m["bare"] and int(m["bare"]) > int(first[1:]):
        last = normalize_level(first[0] + m["bare"])
    if last is None:
        return [first], m.end("first")
    return expand_range(first, last), m.end()


def _ordinal_levels(ordinals: str, region: str, between: bool = False) -> list[str]:
    """"eleventh and twelfth" -> T11 T12; "first to third" -> L1 L2 L3 (region given);
    "between the sixth and eighth" -> T6 T7 T8."""
    parts = re.split(rf"({_ORDINAL_SEP})", ordinals, flags=re.IGNORECASE)
    levels: set[str] = set()
    previous = None
    for i in range(0, len(parts), 2):
        level = normalize_level(f"{region}{ORDINALS[parts[i].lower()]}")
        if level is None:
            continue
        spans = i and (between or re.fullmatch(_SPAN_SEP, parts[i - 1], re.IGNORECASE))
        levels.update(expand_range(previous, level) if spans and previous else [level])
        previous = level
    return sorted(levels, key=_POSITION.__getitem__)
