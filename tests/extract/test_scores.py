import pytest

from nlp.ingest.document import Document, Section
from nlp.pipeline import build_pipeline
from nlp.records import extract_records
from support import first_record, full_pipeline

PATIENT = "A 48-year-old man was admitted with back pain. "


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline(("demographics", "scores"))



@pytest.mark.parametrize("text, pre, post", [
    ("He rated his pain at 7/10 on the NRS. At 18 months he was pain free, NRS 0/10.", 7, 0),
    ("Pain scores fell from 9 to 3 after the kyphoplasty.", 9, 3),
    ("The VAS improved from 85 mm before surgery to 15 mm at one year.", 8.5, 1.5),
    ("Preoperatively the VAS was 8, which decreased to 1 at the last visit.", 8, 1),
    ("Visual analogue scale score 6 preoperatively and 2 at 3 months.", 6, 2),
    ("Back pain VAS 9/10. Two days after vertebroplasty the VAS was 4/10. "
     "At 12 months the VAS was 1/10.", 9, 1),
])
def test_pre_and_post_scores(nlp, text, pre, post):
    record = first_record(nlp, PATIENT + text)
    assert record.vas_pre == pytest.approx(pre)
    assert record.vas_post == pytest.approx(post)


def test_a_patients_mean_preoperative_score_is_not_pooled(nlp):
    record = first_record(nlp, PATIENT + "The mean preoperative VAS was 8.")
    assert record.vas_pre == 8


def test_a_series_mean_is_pooled(nlp):
    record = first_record(nlp, PATIENT + "In the 14 patients, the mean VAS fell from 7.9 to 2.2.")
    assert record.vas_pre is None and record.vas_post is None


@pytest.mark.parametrize("text, stage", [
    ("MRI findings were those of an aggressive haemangioma (Enneking stage 3).", 3),
    ("The lesion was graded Enneking S3.", 3),
    ("According to the Enneking classification, the lesion was stage II.", 2),
    ("It was classified as aggressive (Enneking).", 3),
])
def test_enneking_stage(nlp, text, stage):
    assert first_record(nlp, PATIENT + text).enneking_stage == stage


def test_stages_defined_in_the_introduction_are_not_the_patients(nlp):
    intro = "Latent lesions are Enneking stage 1 and aggressive ones Enneking stage 3."
    text = intro + " " + PATIENT
    doc = Document("t", text, sections=[Section("", "introduction", 0, len(intro)),
                                        Section("", "case", len(intro), len(text))])
    assert extract_records(nlp, doc)[0].enneking_stage is None


def test_sacral_level_is_no_stage(nlp):
    assert first_record(nlp, PATIENT + "A Tomita type IV lesion compressed the S3 root.").enneking_stage is None


def test_change_with_the_scale_named_at_both_ends():
    record = first_record(full_pipeline(), "A 47-year-old woman had vertebroplasty of T12. "
                                           "Her pain fell from VAS 8 to VAS 0.")
    assert (record.vas_pre, record.vas_post) == (8, 0)
