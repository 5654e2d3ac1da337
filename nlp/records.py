"""One document to its case records: annotate, split into patients, assemble each."""
from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language

from nlp.assemble import assemble, choose
from nlp.cases import CaseSegment, CaseSplit, split_cases
from nlp.extract.base import Candidate, sentence_views
from nlp.ingest.document import Document
from nlp.pipeline import annotate
from nlp.schema import LIST_FIELDS, CaseRecord
from nlp.series.rules import rules


@dataclass
class Extraction:
    """A document's case records; where it has none, why (``nlp.cases.NO_CASE_REASONS``)."""
    records: list[CaseRecord]
    reason: str = ""


def extract(nlp: Language, document: Document) -> Extraction:
    doc = annotate(nlp, document)
    views = list(sentence_views(doc))
    abbreviations = views[0].abbreviations if views else {}
    split = split_cases(document, views, doc._.candidates, abbreviations)
    return Extraction([assemble(document.id, segment.index, patient_candidates(segment, split), document.text)
                       for segment in split.segments], split.reason)


def extract_records(nlp: Language, document: Document) -> list[CaseRecord]:
    return extract(nlp, document).records


def patient_candidates(segment: CaseSegment, split: CaseSplit) -> list[Candidate]:
    """A patient's candidates, field by field: what its table row states stands (the narrative
    adds only to its lists of treatments, agents, arteries and complications); a statement
    about the whole series counts where the patient's own text gives no value (lists: adds)."""
    data = rules()["data"]
    given = {c.field for c in segment.table if choose(c.field, [c]) is not None}
    grouped = {f for group in data["table_groups"] for f in group}
    table_fields = {f for f in given if f not in data["narrative_adds_to"] and f not in grouped}
    table_fields |= {f for group in data["table_groups"] if given & set(group) for f in group}
    own = segment.table + [c for c in segment.narrative if c.field not in table_fields]
    stated = {c.field for c in own if c.field not in LIST_FIELDS and choose(c.field, [c]) is not None}
    treated = {c.value for c in own if c.field == "treatments" and choose(c.field, [c]) is not None}
    shared = [s.candidate for s in split.shared
              if segment.number not in s.excluded
              and s.candidate.field not in stated
              and data["shared_requires"].get(s.candidate.field, "") in treated | {""}
              and not (segment.lost and s.candidate.field in data["follow_up_fields"])]
    return own + shared
