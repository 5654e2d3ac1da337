import pytest

from nlp.ingest.document import Document, Section
from nlp.pipeline import build_pipeline
from nlp.records import extract_records
from support import first_record, full_pipeline

PATIENT = "A 63-year-old man presented with back pain that was getting worse. "


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline(("demographics", "outcome"))



@pytest.mark.parametrize("text, outcome", [
    ("His legs improved after surgery. At 1 year he had made a complete recovery.", "resolved"),
    ("At 2 years he was symptom-free and back to his usual work.", "resolved"),
    ("Power recovered, and at 8 months slight numbness of the feet persisted.", "improved"),
    ("At the last visit his back pain was rated 3/10.", "improved"),
    ("After the operation there was no improvement in his paraparesis.", "unchanged"),
    ("After the operation his weakness worsened and he remained in a wheelchair.", "worsened"),
    ("He improved at first but died of disease progression 10 months later.", "died"),
    ("Pain did not improve with rest. After kyphoplasty the pain went at once.", "resolved"),
])
def test_outcome_at_last_follow_up(nlp, text, outcome):
    assert first_record(nlp, PATIENT + text).outcome == outcome


def test_history_and_attributes_are_no_outcome(nlp):
    text = PATIENT + "His pain improved partially with analgesics. An asymptomatic haemangioma was seen at L2."
    assert first_record(nlp, text).outcome is None


@pytest.mark.parametrize("text, recurrence", [
    ("He had been operated on elsewhere and the lesion had regrown.", True),
    ("MRI at 2 years showed no sign of regrowth.", False),
    ("The residual tumour was unchanged at 1 year.", False),
    ("Radiotherapy was given to reduce the risk of recurrence.", None),
    ("Should the lesion recur, radiotherapy would be considered.", None),
    ("No recurrence was seen at 6 months. At 3 years the tumour recurred.", True),
])
def test_recurrence(nlp, text, recurrence):
    assert first_record(nlp, PATIENT + text).recurrence is recurrence


@pytest.mark.parametrize("text, codes", [
    ("Post-procedural CT showed an asymptomatic venous leak of cement.", ["cement_leakage"]),
    ("No cement leakage was seen and there were no complications.", []),
    ("A superficial wound infection developed on day 9 after surgery.", ["infection"]),
    ("On the evening of the procedure he reported new weakness of both legs.", ["neurological_deterioration"]),
    ("An incidental dural tear was repaired.", ["csf_leak"]),
    ("Cement leakage is the commonest complication of vertebroplasty.", []),
    ("He presented with collapse of the L1 vertebral body.", []),
])
def test_complications(nlp, text, codes):
    assert sorted(first_record(nlp, PATIENT + text).complications) == codes


def test_complications_reviewed_in_the_discussion_are_not_the_patients(nlp):
    case = PATIENT + "He recovered well."
    discussion = " Ethanol injection has been linked to vertebral collapse and cord injury after treatment."
    text = case + discussion
    doc = Document("t", text, sections=[Section("", "case", 0, len(case)),
                                        Section("", "discussion", len(case), len(text))])
    assert extract_records(nlp, doc)[0].complications == []


def test_death_from_the_disease_is_an_outcome_not_a_complication():
    text = ("A 67-year-old man underwent kyphoplasty of L2 for a renal cell carcinoma metastasis. "
            "His pain decreased. He died of disseminated disease 7 months after treatment.")
    record = first_record(full_pipeline(), text)
    assert record.outcome == "died"
    assert "death" not in record.complications


def test_complication_placed_after_treatment_by_the_sentence_before():
    text = ("A 52-year-old man underwent T11 vertebrectomy. On the second postoperative day his back pain "
            "increased. MRI showed a dorsal epidural hematoma, which was evacuated the same day.")
    record = first_record(full_pipeline(), text)
    assert record.complications == ["hematoma"]


def test_a_leak_named_by_where_it_went():
    record = first_record(full_pipeline(), "A 70-year-old woman underwent vertebroplasty of L2. "
                                           "Postoperative CT showed leakage into the L2-L3 disc, without symptoms.")
    assert record.complications == ["cement_leakage"]


@pytest.mark.parametrize("sentence, outcome", [
    ("Six months later her pain had not changed.", "unchanged"),
    ("Her neurological status deteriorated despite treatment.", "worsened"),
])
def test_outcome_unchanged_or_worse(sentence, outcome):
    record = first_record(full_pipeline(), "A 50-year-old woman with a T10 hemangioma underwent vertebroplasty. "
                          + sentence)
    assert record.outcome == outcome


def test_a_complication_named_as_a_general_risk_did_not_happen():
    record = first_record(full_pipeline(), "A 50-year-old woman underwent vertebroplasty of T10. Cement leakage "
                                           "into the spinal canal is a feared complication of vertebroplasty.")
    assert record.complications == []


@pytest.mark.parametrize("text, codes", [
    ("Two days after the vertebroplasty she developed weakness of both legs.", ["neurological_deterioration"]),
    ("After the laminectomy the patient deteriorated to a complete paraplegia.", ["neurological_deterioration"]),
    ("Three weeks after surgery he was diagnosed with an epidural abscess.", ["infection"]),
    ("A chest CT after kyphoplasty showed cement fragments in the pulmonary arteries.",
     ["cement_leakage", "pulmonary_embolism"]),
    ("The wound dehiscence was closed again under local anaesthesia.", ["other"]),
    ("Radiographs at one year showed a broken rod at the level of L3.", ["other"]),
    ("Imaging showed an infected collection at the operated site.", ["infection"]),
])
def test_complications_told_as_a_story(text, codes):
    record = first_record(full_pipeline(), "A 64-year-old woman underwent surgery for an L2 metastasis. " + text)
    assert sorted(record.complications) == codes


@pytest.mark.parametrize("text", [
    "At 28 weeks of pregnancy she developed weakness of both legs.",
    "He developed paraparesis over two months and was referred for surgery.",
    "He was diagnosed with spondylodiscitis of L3-L4 on MRI.",
    "Wound dehiscence is a known risk after posterior surgery.",
    "The rods showed no sign of breakage at one year.",
])
def test_presenting_deficits_general_risks_and_denials_are_no_complications(text):
    record = first_record(full_pipeline(), "A 58-year-old man with back pain. " + text)
    assert record.complications == []


@pytest.mark.parametrize("text, reported, evidence", [
    ("He underwent T9 vertebroplasty. The postoperative course was uneventful.", True, "uneventful"),
    ("He underwent T9 vertebroplasty without any complication.", True, "without any complication"),
    ("He underwent T9 vertebroplasty. No procedure-related complications occurred.", True,
     "No procedure-related complications"),
    ("He underwent T9 vertebroplasty. The treatment was well tolerated.", True, "was well tolerated"),
    ("He underwent T9 vertebroplasty. CT showed no cement leakage.", True, "cement leakage"),
    ("He underwent T9 vertebroplasty. Cement leaked into the T9-T10 disc.", True, "Cement leaked"),
    ("He underwent T9 vertebroplasty, and his pain improved.", False, None),
    ("He was born at term after an uncomplicated delivery. He underwent T9 vertebroplasty.", False, None),
])
def test_complications_reported(text, reported, evidence):
    record = first_record(full_pipeline(), "A 71-year-old man with a T9 fracture. " + text)
    assert record.complications_reported is reported
    spans = [s.text for s in record.evidence.get("complications_reported", [])]
    assert (evidence in spans) if evidence else spans == []


@pytest.mark.parametrize("text, recurrence", [
    ("After resection of the L4 tumour and radiotherapy she has been free of disease for 3 years.", False),
    ("After vertebroplasty of L4, progression of the collapse was arrested.", False),
    ("Radiographs at one year after fixation showed no loss of correction.", False),
    ("MRI at 6 months after embolisation showed a reduced tumour size.", False),
    ("She underwent resection of the L4 mass. Eighteen months later the mass had grown again.", True),
    ("Chemotherapy was started, but after two cycles there was rapid progression of the spinal tumour.", True),
    ("After surgery she developed new metastases in the liver and lungs.", None),
    ("One year after mastectomy, the cancer recurred as bone metastases in L4.", None),
    ("She was observed at first. Several months later MRI showed that the lesion had grown.", None),
])
def test_recurrence_as_real_reports_write_it(text, recurrence):
    record = first_record(full_pipeline(), "A 48-year-old woman had an L4 lesion. " + text)
    assert record.recurrence is recurrence


@pytest.mark.parametrize("text, outcome", [
    ("After a partial corpectomy of L2, her pain improved.", "improved"),
    ("A complete resection was achieved. At one year she was better but still walked with a cane.", "improved"),
    ("After the operation she was completely relieved of her leg pain.", "resolved"),
    ("Two years after surgery she had no neurological deficit and had returned to her normal activities.",
     "resolved"),
    ("After the operation she recovered well.", "improved"),
    ("The evolution was good after surgery.", "improved"),
    ("After radiotherapy the patient remained in stable disease at 2 years.", "unchanged"),
    ("At 6 months after surgery there was complete resolution of the sciatica and an improvement in the "
     "strength of her ankle.", "improved"),
    ("At 6 months after surgery she had good relief of pain and no recurrence of her sciatica.", "improved"),
    ("At 6 months after surgery she had no recurrence of pain.", "resolved"),
    ("After the operation she deteriorated neurologically. Radiotherapy was given after surgery, but there "
     "was no improvement.", "worsened"),
    ("She was referred to us with persistent pain following a discectomy elsewhere.", None),
    ("After radiotherapy MRI showed a partial response of the tumour.", None),
    ("After chemotherapy she achieved a complete remission of the lymphoma.", None),
])
def test_outcome_cues_in_their_context(text, outcome):
    record = first_record(full_pipeline(), "A 55-year-old woman had a lesion of L2. " + text)
    assert record.outcome == outcome


@pytest.mark.parametrize("text, codes, reported", [
    ("The postoperative course was complicated by a deep wound infection.", ["infection"], True),
    ("In the first hours after surgery she developed a large paraspinal hematoma.", ["hematoma"], True),
    ("Complications, including dural tears and infections, were not observed after surgery.", [], True),
    ("Her postoperative course was complicated by a urinary retention.", ["other"], True),
])
def test_a_complicated_course(text, codes, reported):
    record = first_record(full_pipeline(), "A 61-year-old woman underwent L4 decompression. " + text)
    assert sorted(record.complications) == codes
    assert record.complications_reported is reported
