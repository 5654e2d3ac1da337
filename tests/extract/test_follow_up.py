import pytest

from nlp.pipeline import build_pipeline
from support import first_record, full_pipeline

PATIENT = "A 57-year-old woman was seen. "


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline(("demographics", "follow_up"))



@pytest.mark.parametrize("text, months", [
    ("Clinical review at 3, 9 and 15 months showed no regrowth.", 15),
    ("At the most recent visit, 4 years after the operation, she was well.", 48),
    ("She has been followed up for eighteen months.", 18),
    ("At 6 weeks she walked. By the 2-year review she was back at work.", 24),
    ("There was no recurrence at 9 months.", 9),
    ("At last review, 10 months after the revision and 50 months after the first operation, she walked.", 50),
])
def test_longest_follow_up(nlp, text, months):
    assert first_record(nlp, PATIENT + text).follow_up_months == pytest.approx(months)


@pytest.mark.parametrize("text", [
    "At 30 weeks of gestation she developed paraparesis.",
    "She became paraparetic at 32 weeks and was delivered.",
    "Within 6 weeks after surgery she had recovered fully.",
    "Follow-up MRI should be repeated at 12 months.",
    "She presented with back pain. Two weeks later she developed paraparesis and underwent surgery.",
    "She had a mastectomy for breast cancer. Five years later she presented with thoracic pain.",
    "Conservative treatment with analgesics failed. Two months later MRI showed growth of the T9 lesion.",
    "Her gait disturbance showed rapid progression for three months.",
    "She was treated with insulin, and had a hysterectomy 12 years ago.",
])
def test_not_a_follow_up(nlp, text):
    assert first_record(nlp, PATIENT + text).follow_up_months is None


@pytest.mark.parametrize("text, months", [
    ("She had thoracic pain for two years and leg weakness for the last 3 weeks.", 24),
    ("She gave a 10-day history of numbness in both legs.", 0.33),
    ("The neck pain, which had begun 6 weeks earlier, was worse at night.", 1.38),
    ("She complained of lumbar pain of 9 months' duration.", 9),
    ("Paraparesis developed over 5 days.", 0.16),
    ("She had neck pain since 3 weeks.", 0.69),
    ("He gave a 2 months history of radiating arm pain.", 2),
    ("He was admitted after six weeks of fever and night sweats.", 1.38),
    ("She had noticed a painful swelling over the sacrum for the past year.", 12),
    ("Walking had been painful for approximately 1 month's duration.", 1),
])
def test_symptom_duration(nlp, text, months):
    assert first_record(nlp, PATIENT + text).symptom_duration_months == pytest.approx(months, abs=0.01)


@pytest.mark.parametrize("text", [
    "She remained pain-free for 2 years after the procedure.",
    "She had 3 months of physiotherapy with analgesics.",
    "She went home after 2 months of gait and bladder rehabilitation.",
])
def test_not_a_symptom_duration(nlp, text):
    assert first_record(nlp, PATIENT + text).symptom_duration_months is None


def test_gestational_age_is_not_a_symptom_duration():
    text = ("A 29-year-old woman at 30 weeks of gestation developed progressive paraparesis over ten days. "
            "MRI showed a T6 hemangioma.")
    record = first_record(full_pipeline(), text)
    assert record.symptom_duration_months == pytest.approx(0.33, abs=0.01)


def test_clinical_note_shorthand():
    text = "M, 52. Neck pain x 6 wks. Tx: vertebroplasty of C4.\nFU 18 mo: pain free."
    record = first_record(full_pipeline(), text)
    assert record.symptom_duration_months == pytest.approx(1.38, abs=0.01)
    assert record.follow_up_months == 18


def test_a_fortnight_of_symptoms():
    record = first_record(full_pipeline(), "A 63-year-old woman presented with a fortnight of severe arm pain.")
    assert record.symptom_duration_months == pytest.approx(0.46, abs=0.01)


@pytest.mark.parametrize("text, months", [
    ("She underwent resection of the lesion. Two years later she was walking unaided.", 24),
    ("He underwent vertebroplasty of T7. He died 18 months later of pneumonia.", 18),
    ("Decompression was performed. After 3 months of rehabilitation, she walked again.", 3),
    ("The mass was excised. Six months later the pain recurred; one year later she was well after reoperation.", 18),
    ("Embolization was done. Six months after embolization the lesion was smaller. A year later she was well.", 18),
    ("The patient had been operated on for a T8 haemangioma 10 years ago and now has no pain.", 120),
    ("At the 2-year follow-up she had no pain.", 24),
    ("She has been followed up for the past 14 months without recurrence.", 14),
    ("He has remained disease-free for the last 3 years.", 36),
])
def test_follow_up_told_in_other_ways(nlp, text, months):
    assert first_record(nlp, PATIENT + text).follow_up_months == pytest.approx(months, abs=0.01)
