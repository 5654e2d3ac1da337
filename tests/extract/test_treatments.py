import pytest

from nlp.extract.base import SentenceView
from nlp.extract.treatments import find
from nlp.ingest.document import Document, Section
from nlp.pipeline import build_pipeline
from nlp.records import extract_records
from support import first_record, full_pipeline

PATIENT = "A 52-year-old woman had an aggressive hemangioma of T9. "


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline(("demographics", "treatments"))


def _record(nlp, case: str, discussion: str = ""):
    case = PATIENT + case
    text = case + ("\n" + discussion if discussion else "")
    sections = [Section("", "case", 0, len(case))]
    if discussion:
        sections.append(Section("", "discussion", len(case) + 1, len(text)))
    return extract_records(nlp, Document("t", text, sections=sections))[0]


@pytest.mark.parametrize("case, codes", [
    ("She underwent transarterial embolisation with PVA particles, then a T9 corpectomy with "
     "cage reconstruction and posterior pedicle screw fixation.", ["embolization", "vertebrectomy", "fixation"]),
    ("Percutaneous vertebroplasty was performed with 4 cc of PMMA.", ["vertebroplasty"]),
    ("Through channelled pedicle screws, bone cement was injected into the T9 vertebral body.",
     ["vertebroplasty", "fixation"]),
    ("Balloon kyphoplasty was done; 3 mL of PMMA was then injected.", ["kyphoplasty"]),
    ("Through a hemilaminectomy the epidural component was removed.", ["laminectomy"]),
    ("We removed the T9 lamina and decompressed the cord.", ["laminectomy"]),
    ("Total en bloc spondylectomy of T9 was carried out.", ["vertebrectomy"]),
    ("Absolute alcohol (6 ml) was injected directly into the lesion under CT guidance.", ["ethanol_ablation"]),
    ("Sclerotherapy with polidocanol was repeated twice.", ["ethanol_ablation"]),
    ("Ethanol was injected through the microcatheter into the feeding artery until the blush faded.", []),
    ("Intralesional curettage was followed by zoledronic acid infusions.", ["other"]),
    ("A partial removal of the tumour was performed for diagnosis.", ["other"]),
    ("Stereotactic radiosurgery delivered 24 Gy in three fractions.", ["radiotherapy"]),
    ("She received 36 Gy to the lesion.", ["radiotherapy"]),
    ("Sacroplasty was performed under CT guidance.", ["vertebroplasty"]),
])
def test_treatment_codes(nlp, case, codes):
    record = _record(nlp, case)
    assert sorted(record.treatments) == sorted(codes)
    for span in record.evidence.get("treatments", []):
        assert len(span.text) < 80


def test_abbreviations_defined_in_the_document(nlp):
    record = _record(nlp, "Transarterial embolization (TAE) was planned. TAE was then performed with coils. "
                          "Percutaneous kyphoplasty (PKP) was not offered.")
    assert record.treatments == ["embolization"]


@pytest.mark.parametrize("case", [
    "Embolization was not performed because of the urgency.",
    "We did not embolise the lesion.",
    "Radiotherapy was deliberately avoided in this young girl.",
    "She declined radiotherapy.",
    "Radiotherapy was recommended by the tumour board.",
    "Should the lesion regrow, vertebroplasty would be considered.",
    "Curettage has long been the standard treatment for these lesions.",
    "Her regular medications included alendronate and calcium supplements.",
    "She had a lumbar laminectomy years ago for a disc herniation.",
])
def test_treatments_not_given(nlp, case):
    assert _record(nlp, case).treatments == []


def test_denial_of_something_else_keeps_the_treatment(nlp):
    record = _record(nlp, "There was no regrowth after radiotherapy.")
    assert record.treatments == ["radiotherapy"]


def test_done_despite_a_could_in_the_sentence(nlp):
    record = _record(nlp, "Embolisation was performed, although not every feeder could be reached.")
    assert record.treatments == ["embolization"]


def test_options_reviewed_in_the_discussion_are_not_treatments(nlp):
    record = _record(nlp, "She had a T9 laminectomy.",
                     "Vertebroplasty, ethanol injection and radiotherapy are alternatives. Corpectomy "
                     "gives the lowest recurrence rate. In our patient embolization was not performed.")
    assert record.treatments == ["laminectomy"]
    assert record.combination == "laminectomy"


def test_table_cell_with_a_legend_of_abbreviations():
    legend = {"EA": "ethanol injection", "LAM": "laminectomy", "VBR": "vertebral body resection", "FU": "follow-up"}
    view = SentenceView("TAE+VBR, then EA + LAM", 0, "results", legend)
    assert {c.value for c in find(view)} == {"embolization", "vertebrectomy", "ethanol_ablation", "laminectomy"}


@pytest.mark.parametrize("sentence", [
    "Adjuvant radiotherapy to the residual tumor was discussed at the tumor board but withheld.",
    "Adjuvant radiotherapy for the residual lesion was postponed while she was breastfeeding.",
    "The residual lesion is unchanged, and radiotherapy has not been necessary so far.",
])
def test_treatment_put_off_or_not_needed_is_not_given(sentence):
    text = "A 30-year-old woman underwent T5 laminectomy. " + sentence
    record = first_record(full_pipeline(), text)
    assert record.treatments == ["laminectomy"]


def test_a_drug_given_for_the_lesion_is_other():
    record = first_record(full_pipeline(), "A 7-month-old girl with a T6 hemangioma underwent laminotomy and "
                                           "was then given oral propranolol for the residual lesion.")
    assert record.treatments == ["laminectomy", "other"]


def test_steroid_injected_into_the_lesion_is_other_and_a_discussed_option_is_not_given():
    record = first_record(full_pipeline(), "An 8-year-old girl had vertebra plana of T9. In the same session 40 mg "
                                           "of methylprednisolone was injected into the lesion through the needle.")
    assert record.treatments == ["other"]
    record = first_record(full_pipeline(), "We describe a 30-year-old woman with a T6 hemangioma treated by "
                                           "laminectomy, and discuss the place of embolization and radiotherapy.")
    assert record.treatments == ["laminectomy"]


def test_feeders_occluded_with_particles_are_an_embolization():
    record = first_record(full_pipeline(), "A 25-year-old woman had a T4 hemangioma. Angiography showed feeding "
                          "vessels from the right T4 intercostal artery, which were occluded with PVA particles.")
    assert record.treatments == ["embolization"]


@pytest.mark.parametrize("case, codes", [
    ("Through a posterior approach an L4-L5 microdiscectomy was carried out.", ["other"]),
    ("She underwent anterior cervical diskectomy and fusion at C6-C7 with a plate.", ["fixation", "other"]),
    ("The extruded disc fragment was removed through an interlaminar window.", ["other"]),
    ("A two-level cervical disc replacement was performed.", ["other"]),
    ("An L3-L4 interlaminar endoscopic decompression was performed.", ["laminectomy"]),
    ("Posterolateral decompression and stabilization followed at L4-L5.", ["fixation", "other"]),
    ("The fracture was managed with open reduction and internal fixation the next day.", ["fixation"]),
    ("The odontoid fracture was treated by anterior screw osteosynthesis.", ["fixation"]),
    ("The tumour was completely excised under neuromonitoring.", ["other"]),
    ("CT-guided radiofrequency ablation of the nidus relieved the night pain.", ["other"]),
    ("The lesion was treated with percutaneous cryoablation.", ["other"]),
    ("She received six cycles of chemotherapy with doxorubicin and ifosfamide.", ["other"]),
    ("Pembrolizumab was started for the vertebral deposits.", ["other"]),
    ("A T11 corporectomy with an expandable cage was done.", ["vertebrectomy", "fixation"]),
    ("A marginal en bloc resection of the tumour was then carried out.", ["vertebrectomy"]),
    ("A targeted epidural blood patch was placed at L2.", ["other"]),
])
def test_vocabulary_of_published_reports(nlp, case, codes):
    assert sorted(_record(nlp, case).treatments) == sorted(codes)


@pytest.mark.parametrize("case", [
    "A CT-guided biopsy of the T9 lesion was obtained.",
    "She was fitted with a thoracolumbar brace and given paracetamol.",
    "Fundoscopy showed loss of visual fixation.",
])
def test_not_treatments_of_the_lesion(nlp, case):
    assert _record(nlp, case).treatments == []


def test_an_unnamed_decompression_is_the_laminectomy_told_elsewhere(nlp):
    record = _record(nlp, "She underwent a T9 laminectomy. The decompression relieved her leg pain at once.")
    assert record.treatments == ["laminectomy"]


def test_a_tumour_taken_out_through_a_laminectomy_is_the_laminectomy(nlp):
    record = _record(nlp, "A T9 laminectomy was carried out. Afterwards the intraspinal mass was completely removed.")
    assert record.treatments == ["laminectomy"]


def test_antibiotics_treat_an_infection_not_a_tumour():
    pipeline = full_pipeline()
    record = first_record(pipeline, "A 61-year-old man had L3-L4 spondylodiscitis. He was given intravenous "
                                    "antibiotics for eight weeks and the abscess was drained percutaneously.")
    assert record.diagnosis == "infection"
    assert record.treatments == ["other"]
    record = first_record(pipeline, "A 48-year-old woman had a T7 hemangioma treated with vertebroplasty. A "
                                    "superficial wound infection healed with oral antibiotics.")
    assert record.treatments == ["vertebroplasty"]


@pytest.mark.parametrize("text, codes", [
    # the primary treated before the spine was involved
    ("A 58-year-old woman had a mastectomy for breast cancer, followed by adjuvant chemotherapy and "
     "radiotherapy. Three years later a T10 metastasis was found and she received zoledronic acid.", ["other"]),
    ("A 70-year-old man had lung cancer irradiated four years earlier. He now presented with an L2 "
     "metastasis, which was treated with vertebroplasty.", ["vertebroplasty"]),
    ("A 52-year-old man had neoadjuvant sunitinib, after which the kidney tumour was removed, and "
     "radiotherapy was then given to the T8 deposit.", ["radiotherapy"]),
])
def test_treatment_of_a_primary_elsewhere_is_not_the_spinal_lesions(text, codes):
    assert first_record(full_pipeline(), text).treatments == codes


@pytest.mark.parametrize("text", [
    "A 38-year-old man with tuberculous spondylitis of T10 was given anti-TB drugs for twelve months.",
    "A 55-year-old woman had an L4-L5 epidural abscess; it was incised and drained.",
])
def test_anti_infective_treatment_of_an_infection(text):
    assert first_record(full_pipeline(), text).treatments == ["other"]
