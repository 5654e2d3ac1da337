"""A trained model as a candidate source for the assembler.

The model's spans whose label ``label_map.json`` ties to a record field become candidates;
the value comes from the same code the rules use: the rule families are run on a
SentenceView of the predicted span's text (so "28-year-old" reads as 28 through the
demographics patterns, "man" as male through its lexicon), and where they find nothing the
field's family reads the span's text directly (``Family.span_readers``). Labels tied to no field are ignored, and a
span no normaliser can read gives no candidate.

How rule and model candidates combine: a model candidate enters with confidence = model
score × ``factor`` (default 0.6) and the ConText flags of its sentence, and the assembler's
policies choose as they do among rule candidates. Rule candidates (0.7–0.9) therefore win a
single-valued field whenever they exist, and the model fills the gaps; list fields take the
union of both.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Optional

from spacy.language import Language
from spacy.tokens import Doc

from nlp.extract.base import MODEL_FLAG, Candidate, SentenceView, sentence_views
from nlp.extract.registry import find_in, span_reader

DEFAULT_FACTOR = 0.6
MODEL_COMPONENT = "caseminer_model"


def normalise(field: str, text: str, start: int, section: str = "other",
              abbreviations: Optional[dict] = None) -> Any:
    """The value the rules would give ``field`` for ``text`` (document offset ``start``), or None."""
    found = find_in(SentenceView(text, start, section, abbreviations or {}), {field})
    if found:
        return found[0].value
    read = span_reader(field)
    return read(text) if read else None


class ModelCandidates:
    """``candidates(doc_text, views) -> list[Candidate]`` from a model folder."""

    def __init__(self, model_dir: Path, factor: float = DEFAULT_FACTOR):
        from nlp.train.modeldir import LoadedModel
        self.loaded = LoadedModel(model_dir)
        self.factor = factor
        self.fields = {label: field for label, field in self.loaded.label_map.items() if field}

    def spans(self, text: str) -> list[dict]:
        from nlp.train.predict import predict_spans
        return [s for s in predict_spans(self.loaded, text) if s["label"] in self.fields]

    def __call__(self, doc_text: str, views: Iterable[SentenceView]) -> list[Candidate]:
        views = list(views)
        found = []
        for span in self.spans(doc_text):
            field = self.fields[span["label"]]
            view = next((v for v in views if v.start <= span["start"] < v.end), None)
            section = view.section if view else "other"
            value = normalise(field, doc_text[span["start"]:span["end"]], span["start"], section,
                              view.abbreviations if view else {})
            if value is None:
                continue
            confidence = round(span["score"] * self.factor, 3)
            if view is not None and span["end"] <= view.end:
                c = view.candidate(field, value, span["start"] - view.start, span["end"] - view.start, confidence)
                c = Candidate(c.field, c.value, c.start, c.end, c.confidence, c.section, c.flags | {MODEL_FLAG})
            else:
                c = Candidate(field, value, span["start"], span["end"], confidence, section,
                              frozenset({MODEL_FLAG}))
            found.append(c)
        return found


def candidates_from(model_dir: Path, factor: float = DEFAULT_FACTOR) -> ModelCandidates:
    """The callable ``candidates(doc_text, views) -> list[Candidate]`` of a model folder."""
    return ModelCandidates(model_dir, factor)


class ModelComponent:
    """spaCy component ``caseminer_model``: appends the model's candidates to ``doc._.candidates``."""

    def __init__(self, model_dir: str, factor: float):
        self.candidates = candidates_from(Path(model_dir), factor)

    def __call__(self, doc: Doc) -> Doc:
        if doc._.candidates is None:
            doc._.candidates = []
        doc._.candidates.extend(self.candidates(doc.text, sentence_views(doc)))
        return doc


@Language.factory(MODEL_COMPONENT, default_config={"model_dir": "", "factor": DEFAULT_FACTOR})
def make_model_component(nlp: Language, name: str, model_dir: str, factor: float) -> ModelComponent:
    return ModelComponent(model_dir, factor)
