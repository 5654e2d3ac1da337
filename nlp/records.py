"""One document to its case records: annotate, split into patients, assemble each."""
from __future__ import annotations

from spacy.language import Language

from nlp.assemble import assemble
from nlp.cases import split_cases
from nlp.ingest.document import Document
from nlp.pipeline import annotate
from nlp.schema import CaseRecord


def extract_records(nlp: Language, document: Document) -> list[CaseRecord]:
    doc = annotate(nlp, document)
    candidates = doc._.candidates
    segments = split_cases(document, candidates)
    records = []
    for segment in segments:
        own = [c for c in candidates if segment.holds(c.start)] + segment.candidates
        if len(segments) > 1:
            # "PVA particles were used in all cases": a series-wide statement outside every
            # patient's own text applies to each of them
            own += [c for c in candidates if "all_patients" in c.flags
                    and not any(s.holds(c.start) for s in segments)]
        records.append(assemble(document.id, segment.index, own, document.text))
    return records
