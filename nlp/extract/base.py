"""What every field family shares: candidates, the sentence view they read, and the
spaCy component that runs a family's finder over a document.

A family module (``extract/cement.py`` ...) is a finder, ``find(view) -> Iterable[Candidate]``,
registered with :func:`family`; its regular expressions live in ``patterns/<family>.yaml``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import yaml
from spacy.language import Language
from spacy.tokens import Doc

from nlp.context import modifiers

PATTERN_DIR = Path(__file__).resolve().parent.parent / "patterns"

if not Doc.has_extension("candidates"):
    Doc.set_extension("candidates", default=None)
if not Doc.has_extension("sections"):
    Doc.set_extension("sections", default=None)


@dataclass(frozen=True)
class Candidate:
    """One value for one field, with the document span that supports it."""
    field: str
    value: Any
    start: int
    end: int
    confidence: float = 0.8
    section: str = "other"
    flags: frozenset[str] = frozenset()
    # set by the assembler's callers: which table row / case segment it belongs to
    extra: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass
class SentenceView:
    """A sentence as a finder sees it: its text, where it sits, and its context."""
    text: str
    start: int
    section: str
    abbreviations: dict[str, str]
    # the sentences before this one in its paragraph: "PVP of L3 was done. A total of 3.5 ml
    # went in." is one story
    earlier: tuple[str, ...] = ()

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    def candidate(self, field_name: str, value: Any, start: int, end: int,
                  confidence: float = 0.8, allow: Iterable[str] = ()) -> Candidate:
        """A candidate for a span given in sentence offsets, carrying the ConText modifiers
        that govern it (those named in ``allow`` are dropped: e.g. a negation is the value
        itself for "no recurrence")."""
        flags = modifiers(self.text, start, end, self.section) - set(allow)
        return Candidate(field_name, value, self.start + start, self.start + end,
                         confidence, self.section, frozenset(flags))

    def expanded(self) -> str:
        """The text with each defined abbreviation followed by its long form in brackets,
        for matching only (offsets do not map back): lets "TAE" count as embolisation."""
        if not self.abbreviations:
            return self.text
        def sub(m: re.Match) -> str:
            return f"{m.group(0)} [{self.abbreviations[m.group(0)]}]"
        return _abbreviation_re(tuple(sorted(self.abbreviations))).sub(sub, self.text)


@lru_cache(maxsize=256)
def _abbreviation_re(shorts: tuple[str, ...]) -> re.Pattern:
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(s) for s in sorted(shorts, key=len, reverse=True))
                      + r")(?![\w-])")


Finder = Callable[[SentenceView], Iterable[Candidate]]


class FamilyExtractor:
    """spaCy component: runs one finder over every sentence, appending to ``doc._.candidates``.
    A family whose pattern file has a ``gate`` (a cheap pattern every sentence it can read must
    match, such as a unit) skips the other sentences: most sentences state none of its values."""

    def __init__(self, name: str, finder: Finder):
        self.name = name
        self.finder = finder
        self.gate = load_patterns(name)["gate"] if (PATTERN_DIR / f"{name}.yaml").exists() else None

    def __call__(self, doc: Doc) -> Doc:
        if doc._.candidates is None:
            doc._.candidates = []
        for view in sentence_views(doc):
            if self.gate is None or self.gate.search(view.text):
                doc._.candidates.extend(self.finder(view))
        return doc


def family(name: str) -> Callable[[Finder], Finder]:
    """Register a finder as the spaCy factory ``caseminer_<name>``."""
    def register(finder: Finder) -> Finder:
        Language.factory(f"caseminer_{name}", func=lambda nlp, name, family=name: FamilyExtractor(family, finder))
        return finder
    return register


def sentence_views(doc: Doc) -> Iterator[SentenceView]:
    """Views of the doc's sentences, each knowing its section kind and the doc's abbreviations."""
    views = doc.user_data.get("caseminer_views")
    if views is None:
        sections = doc._.sections or []
        abbreviations = {str(a): str(a._.long_form) for a in getattr(doc._, "abbreviations", [])}
        views = []
        paragraph: list[str] = []
        for sent in doc.sents:
            text = sent.text
            if not text.strip():
                paragraph = []
                continue
            views.append(SentenceView(text, sent.start_char, _kind_at(sections, sent.start_char), abbreviations,
                                      tuple(paragraph)))
            paragraph = [] if "\n" in text or "\n" in sent[-1].whitespace_ else paragraph + [text]
        doc.user_data["caseminer_views"] = views
    return iter(views)


def _kind_at(sections, offset: int) -> str:
    kind = "other"
    for section in sections:
        if section.start <= offset < section.end:
            kind = section.kind
    return kind


# -- patterns as data -------------------------------------------------------------------

def _macros() -> dict[str, str]:
    from nlp.normalize.numbers import NUMBER_RE
    from nlp.normalize.levels import LEVEL_RE
    return {"NUM": NUMBER_RE, "LEVEL": LEVEL_RE}


@lru_cache(maxsize=None)
def load_patterns(family_name: str) -> dict[str, Any]:
    """``patterns/<family>.yaml`` with every string under ``regex:`` compiled (case-insensitive
    unless the key ends in ``_cs``). ``<<NUM>>`` and ``<<LEVEL>>`` expand to the normalisers'
    number and vertebra patterns."""
    data = yaml.safe_load((PATTERN_DIR / f"{family_name}.yaml").read_text(encoding="utf-8")) or {}
    macros = _macros()

    def compile_one(key: str, source: str) -> re.Pattern:
        for macro, value in macros.items():
            source = source.replace(f"<<{macro}>>", f"(?:{value})")
        return re.compile(source, 0 if key.endswith("_cs") else re.IGNORECASE)

    def walk(key: str, node: Any) -> Any:
        if isinstance(node, dict):
            return {k: walk(k, v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(key, v) for v in node]
        return compile_one(key, node) if isinstance(node, str) else node

    data["regex"] = walk("regex", data.get("regex", {}))
    data["gate"] = compile_one("gate", data["gate"]) if data.get("gate") else None
    return data


def terms_regex(terms: Iterable[str]) -> re.Pattern:
    """One case-insensitive pattern matching any of ``terms`` as whole words (longest first)."""
    alternatives = sorted(set(terms), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w])", re.IGNORECASE)
