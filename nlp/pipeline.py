"""Build the spaCy pipeline once: scispaCy's tokenizer, sentences that respect line breaks,
scispaCy's abbreviation detector, then one registered component per field family."""
from __future__ import annotations

import re
import warnings

import numpy
import spacy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from nlp.extract.registry import families
from nlp.ingest.document import Document
from nlp.patterns import load_patterns
from nlp.train.model_extractor import MODEL_COMPONENT


_NEWLINE = re.compile("\n")


@Language.component("caseminer_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headings, table rows and list items stand alone; so does a
    patient's label run on into the text.
    (Set through the array: one ``is_sent_start`` at a time rescans the doc each time.)"""
    starts = doc.to_array([SENT_START])
    if len(doc) > 1:  # the token after each one holding a newline (located by offsets, not token by token)
        token_starts = doc.to_array([IDX])
        newlines = numpy.fromiter((m.start() for m in _NEWLINE.finditer(doc.text)), dtype=numpy.int64)
        holders = numpy.unique(numpy.searchsorted(token_starts, newlines, side="right") - 1)
        starts[holders[holders < len(doc) - 1] + 1] = 1
    # a patient's label opens a sentence even where the text runs on ("... was done Case 2: ...")
    for m in load_patterns("series")["regex"]["patients"]["case_label_cs"].finditer(doc.text):
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is not None and span.start > 0:
            starts[span.start] = 1
    doc.from_array([SENT_START], starts)
    return doc


def _tokenizer(nlp: Language):
    from scispacy.custom_tokenizer import combined_rule_tokenizer
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        tokenizer = combined_rule_tokenizer(nlp)
    # "4 mL." keeps its full stop otherwise, and the sentence boundary is lost;
    # a lower-then-upper-case ending ("mL", "dL") is a unit, never an abbreviation like "U.S."
    extra = re.compile(r"(?<=[a-z][A-Z])\.$")
    base_search = tokenizer.suffix_search

    def suffix_search(text: str):
        return extra.search(text) or base_search(text)
    tokenizer.suffix_search = suffix_search
    return tokenizer


def build_pipeline(only: tuple[str, ...] | None = None, model=None) -> Language:
    """The rule pipeline (``only``: these families); with ``model`` (a trained model folder, see nlp/train), the component
    ``caseminer_model`` runs after the rule families and adds the model's candidates."""
    nlp = spacy.blank("en")
    nlp.tokenizer = _tokenizer(nlp)
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("caseminer_line_breaks")
    import scispacy.abbreviation  # noqa: F401  (registers "abbreviation_detector")
    nlp.add_pipe("abbreviation_detector")
    for fam in families():
        if only is None or fam.name in only:
            nlp.add_pipe(f"caseminer_{fam.name}")
    if model is not None:
        nlp.add_pipe(MODEL_COMPONENT, config={"model_dir": str(model)})
    return nlp


def annotate(nlp: Language, document: Document) -> Doc:
    """Run the pipeline over a document's text, with its sections known to every component."""
    doc = nlp.make_doc(document.text)
    doc._.sections = document.sections
    doc._.candidates = []
    with warnings.catch_warnings():
        # scispaCy's abbreviation matcher warns on every doc that its global matcher is empty
        warnings.filterwarnings("ignore", message=r"\[W036\]")
        for _, component in nlp.pipeline:
            doc = component(doc)
    return doc
