"""What the family tests share: a one-section document and its first patient's record."""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

from nlp.ingest.document import Document, Section
from nlp.pipeline import build_pipeline
from nlp.records import extract_records
from nlp.schema import CaseRecord


@lru_cache(maxsize=1)
def full_pipeline():
    return build_pipeline()


def first_record(nlp, text: str, kind: str = "case") -> Optional[CaseRecord]:
    """The first patient's record of ``text`` as one section of ``kind`` (None: no patient)."""
    records = extract_records(nlp, Document("t", text, sections=[Section("", kind, 0, len(text))]))
    return records[0] if records else None
