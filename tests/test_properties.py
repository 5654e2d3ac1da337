"""Property-based: extraction on any text never raises, and what it gives is always a valid
record whose every evidence span points at its own text. (The normalisers' properties are in
tests/normalize/.)"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from nlp.ingest.document import Document
from nlp.ingest.sections import sections_from_headings
from nlp.pipeline import build_pipeline
from nlp.records import extract_records
from nlp.schema import CaseRecord

# Pieces of case reports that wake the rules up: levels, volumes, scores, ages, case markers,
# table rows, headings, negations and the numbers the normalisers read.
FRAGMENTS = [
    "T12", "L3-L5", "C2", "S1", "T8 and T9", "from T6 to T10", "the eighth thoracic vertebra", "5 mL", "PMMA 4 mL",
    "3.5 ml of cement", "blood loss 800 ml", "estimated blood loss of 1,200 mL", "2 units of packed red cells",
    "VAS 8/10", "NRS 2", "VAS from 9 to 1", "30 Gy in 10 fractions", "Case 2", "Case 1:", "Patient 3", "Case report",
    "Discussion", "Table 1", "| 45 | F | T8 | PVA |", "| Case | Age | Sex |", "A 45-year-old woman",
    "a 6-month-old boy", "F, 41", "62-year-old man", "aged 70 years", "follow-up of 2 years", "12 months",
    "after 18 mo", "no recurrence", "recurrence at 3 years", "died", "improved", "Enneking stage 3",
    "embolization with Onyx", "coils", "vertebroplasty", "kyphoplasty", "laminectomy and fixation",
    "right T8 intercostal artery", "left L2 lumbar artery", "ethanol ablation", "radiotherapy",
    "cement leakage", "pulmonary embolism", "no complication", "½", "1½", "−5", "3–5", "between 2 and 4 weeks",
    "twenty-one", "one and a half months", "0", "999999999999", "1e309", "NaN", "∞", "(", ")", "[1]", "%", "±",
]
SEPARATORS = [" ", "  ", ". ", ", ", "; ", "\n", "\n\n", "\t", " | ", "-", "/", ""]

random_text = st.text(max_size=300)
clinical_text = st.lists(
    st.tuples(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), st.sampled_from(SEPARATORS)),
    max_size=40,
).map(lambda parts: "".join(piece + sep for piece, sep in parts))


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline()


def check_extraction(nlp, text: str) -> None:
    document = Document(id="doc", text=text, title="", sections=sections_from_headings(text))
    records = extract_records(nlp, document)
    for index, record in enumerate(records, start=1):
        data = record.to_json()
        valid = CaseRecord.model_validate(data)
        assert valid.document_id == "doc" and valid.case_index == index
        assert set(data["evidence"]) == set(data["confidence"])
        for spans in valid.evidence.values():
            for span in spans:
                assert 0 <= span.start <= span.end <= len(text)
                assert text[span.start:span.end] == span.text
        assert all(0 <= c <= 1 for c in valid.confidence.values())


FAST = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(text=random_text)
def test_extract_on_random_text(nlp, text):
    check_extraction(nlp, text)


@FAST
@given(text=clinical_text)
def test_extract_on_random_text_mixed_with_clinical_fragments(nlp, text):
    check_extraction(nlp, text)


@FAST
@given(prefix=clinical_text, cases=st.lists(clinical_text, min_size=2, max_size=4))
@example(prefix="Case report 30 Gy in 10 fractions ", cases=["", ""])  # once crashed nlp/cases.py _nearest
def test_extract_on_several_told_cases(nlp, prefix, cases):
    text = "Case report\n" + prefix + "".join(f"\n\nCase {n}\nA {30 + n}-year-old woman. {body}"
                                            for n, body in enumerate(cases, start=1))
    check_extraction(nlp, text)
