import pytest

from nlp.pipeline import build_pipeline
from support import first_record


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline(("demographics",))



@pytest.mark.parametrize("text, age, sex", [
    ("A 56-year-old man presented with back pain.", 56, "male"),
    ("A 75–year–old female presented with dyspnea.", 75, "female"),
    ("Woman, 52 yo. Back pain for 8 months.", 52, "female"),
    ("Man aged 34. Lesion at D9.", 34, "male"),
    ("The patient, a fifty-six-year-old lady, had neck pain.", 56, "female"),
    ("A 3-month-old boy was referred for a lumbar mass.", 0.25, "male"),
    ("A newborn girl was delivered at 37 weeks.", 0, "female"),
    ("The patient was 61 years of age. He reported numbness.", 61, "male"),
    ("Mrs. Smith, 72, presented with pain in the lower back.", 72, "female"),
    ("A twenty-two-year-old primigravida had back pain.", 22, "female"),
    ("A 64-yo man was admitted.", 64, "male"),
    ("She was a previously healthy woman of 38 years.", 38, "female"),
    ("An 81 years Scottish gentleman had back pain.", 81, "male"),
])
def test_age_and_sex(nlp, text, age, sex):
    record = first_record(nlp, text)
    assert record is not None
    assert record.age_years == pytest.approx(age, abs=0.01)
    assert record.sex == sex
    span = record.evidence["age_years"][0]
    assert text[span.start:span.end] == span.text


def test_age_of_a_relative_is_not_the_patients(nlp):
    record = first_record(nlp, "His mother, 32 years old, was healthy. A 12-year-old boy had torticollis.")
    assert record.age_years == 12


def test_pooled_series_gives_no_patient(nlp):
    text = "Eleven patients were treated. The mean age was 45 years (range 30-60)."
    assert first_record(nlp, text, kind="results") is None


def test_ages_in_the_discussion_do_not_count(nlp):
    text = "Most lesions manifest after the age of 40 years."
    assert first_record(nlp, text, kind="discussion") is None


@pytest.mark.parametrize("text", [
    "Cells were incubated in 0.1 M phosphate buffer. The corpus has 37M tokens.",
    "Male mice and female rats were housed together for 4 months.",
    "We studied patients aged 65 or over and children 0–6 months old.",
    "MR imaging was performed in all participants.",
])
def test_research_text_describes_no_patient(nlp, text):
    assert first_record(nlp, text, kind="methods") is None


def test_a_relative_named_after_the_patient(nlp):
    record = first_record(nlp, "The affected individual, a male, was the fourth child. One sibling, a girl, was well.")
    assert record.sex == "male"


def test_clinical_note_opening_with_sex_and_age(nlp):
    record = first_record(nlp, "F, 41. Low back pain x 9 mo, worse at night. No deficit.")
    assert (record.age_years, record.sex) == (41, "female")


def test_clinical_association_is_no_generic_statement(nlp):
    record = first_record(nlp, "A 47-year-old man was admitted because of diarrhea, which is associated with vomiting.")
    assert (record.age_years, record.sex) == (47, "male")


@pytest.mark.parametrize("text, age, sex", [
    ("58F, seen in clinic for 4 mo of low back pain.", 58, "female"),
    ("71 M presenting with leg weakness and a T11 lesion.", 71, "male"),
    ("Referred: a 39 y/o M with neck pain.", 39, "male"),
    ("A 64-yr-old F had a painful L3 vertebra.", 64, "female"),
    ("52 yo F, back pain x 3 wks.", 52, "female"),
])
def test_clinic_shorthand_for_age_and_sex(nlp, text, age, sex):
    record = first_record(nlp, text)
    assert record is not None
    assert (record.age_years, record.sex) == (age, sex)


@pytest.mark.parametrize("text", [
    "29M, 14F were enrolled after screening.",
    "The library holds 37M sequences.",
    "Buffer was 12M urea in water.",
])
def test_a_number_with_a_sex_letter_alone_is_no_patient(nlp, text):
    assert first_record(nlp, text, kind="methods") is None
