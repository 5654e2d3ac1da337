"""What every field family shares: candidates, the sentence view they read, and the
spaCy component that runs a family's finder over a document.

A family (``extract/cement.py`` ...) is declared in :mod:`nlp.extract.registry`; its regular
expressions live in ``patterns/<family>.yaml``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from spacy.tokens import Doc

from nlp.context import modifiers
from nlp.normalize.words import whole_words
from nlp.patterns import load_patterns

if not Doc.has_extension("candidates"):
    Doc.set_extension("candidates", default=None)
if not Doc.has_extension("sections"):
    Doc.set_extension("sections", default=None)


# The flag of a candidate that a trained model proposed (nlp/train/model_extractor.py): the
# assembler tells the values it filled or changed from the rules' own.
MODEL_FLAG = "model"


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
        return whole_words(sorted(self.abbreviations)).sub(
            lambda m: f"{m.group(0)} [{self.abbreviations[m.group(0)]}]", self.text)


Finder = Callable[[SentenceView], Iterable[Candidate]]


class FamilyExtractor:
    """spaCy component: runs one finder over every sentence, appending to ``doc._.candidates``.
    A family whose pattern file names its ``triggers`` (words or units every sentence it can
    read holds) skips the other sentences: most sentences state none of its values."""

    def __init__(self, name: str, finder: Finder):
        self.name = name
        self.finder = finder
        self.gate = load_patterns(name)["gate"]

    def __call__(self, doc: Doc) -> Doc:
        if doc._.candidates is None:
            doc._.candidates = []
        for view in sentence_views(doc):
            if self.gate is None or self.gate.search(view.text):
                doc._.candidates.extend(self.finder(view))
        return doc


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
