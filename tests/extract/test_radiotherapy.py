import pytest

from nlp.assemble import BLOCKING
from nlp.extract.base import SentenceView
from nlp.extract.radiotherapy import find
from nlp.pipeline import build_pipeline
from support import first_record


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline(("demographics", "radiotherapy"))



def _doses(sentence):
    view = SentenceView(sentence, 0, "case", {})
    return [c.value for c in find(view) if not c.flags & BLOCKING]


@pytest.mark.parametrize("sentence, dose", [
    ("She received 36 Gy in 18 fractions to T7.", 36),
    ("Radiotherapy (2 Gy x 20) was given to the residual tumour.", 40),
    ("He was treated with 15 fractions of 2.5 Gy.", 37.5),
    ("A total dose of 3,000 cGy was delivered.", 30),
    ("External beam radiotherapy, 1.8 Gy per fraction to a total of 45 Gy, followed.", 45),
    ("Stereotactic radiosurgery delivered 16 Gy in a single fraction.", 16),
    ("She had radiotherapy at 2 Gy per fraction, 20 fractions in all.", 40),
])
def test_total_dose(sentence, dose):
    assert _doses(sentence) == [pytest.approx(dose)]


@pytest.mark.parametrize("sentence", [
    "Radiotherapy at doses of 30-40 Gy relieves pain in most patients.",
    "The maximum dose to the spinal cord was kept below 45 Gy.",
    "Median total dose was 34 Gy.",
    "Each fraction was 2 Gy.",
])
def test_not_a_total_dose(sentence):
    assert _doses(sentence) == []


def test_dose_recommended_in_the_discussion_is_not_given(nlp):
    text = ("A 59-year-old woman underwent laminectomy and fixation of T6. Radiotherapy of 30 Gy would be "
            "considered if the lesion regrows.")
    assert first_record(nlp, text).radiotherapy_dose_gy is None


def test_dose_given_to_the_patient(nlp):
    text = "A 59-year-old woman underwent laminectomy. Four weeks later she received 30 Gy in 10 fractions."
    record = first_record(nlp, text)
    assert record.radiotherapy_dose_gy == 30
    span = record.evidence["radiotherapy_dose_gy"][0]
    assert text[span.start:span.end] == span.text
