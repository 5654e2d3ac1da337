import pytest

from nlp.extract.base import SentenceView
from nlp.extract.levels import find
from nlp.ingest.document import Document, Section
from nlp.pipeline import build_pipeline
from nlp.records import extract_records
from support import first_record, full_pipeline


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline(("demographics", "levels"))


def _levels(sentence: str, abbreviations: dict[str, str] | None = None) -> set[str]:
    view = SentenceView(sentence, 0, "case", abbreviations or {})
    return {c.value for c in find(view) if not c.flags & {"review", "pooled", "other_person"}}


def _record(nlp, case: str, discussion: str = ""):
    text = case + ("\n" + discussion if discussion else "")
    sections = [Section("", "case", 0, len(case))]
    if discussion:
        sections.append(Section("", "discussion", len(case) + 1, len(text)))
    return extract_records(nlp, Document("t", text, sections=sections))[0]


@pytest.mark.parametrize("sentence, levels", [
    ("MRI revealed an aggressive haemangioma of the T7 vertebral body.", {"T7"}),
    ("A Th9 hemangioma with epidural extension compressed the cord.", {"T9"}),
    ("CT showed coarse vertical trabeculae at L2 and L4.", {"L2", "L4"}),
    ("The lesion involved the vertebrae from T3 to T5.", {"T3", "T4", "T5"}),
    ("A mass occupying the eleventh and twelfth thoracic vertebrae was found.", {"T11", "T12"}),
    ("There was cord compression at the D6 level.", {"T6"}),
    ("She underwent kyphoplasty of L1.", {"L1"}),
    ("Radiotherapy to T10 followed four weeks later.", {"T10"}),
    ("The C4 body had a honeycomb pattern.", {"C4"}),
])
def test_levels_tied_to_the_lesion(sentence, levels):
    assert _levels(sentence) == levels


@pytest.mark.parametrize("sentence", [
    "Pedicle screws were inserted from T8 to L1 and joined with rods.",
    "A T10-T12 posterior fusion was performed.",
    "The tumour blush came from the left T9 intercostal artery.",
    "Sensation was reduced below T6 and the plantars were upgoing.",
    "There was a small cement leak into the T11/12 disc.",
    "She had numbness in the right L5 dermatome.",
    "The hemangioma was hyperintense on T2-weighted images and bright on T1.",
    "An incidental haemangioma was also noted at L3.",
    "The lesion did not extend into T11.",
    "No fracture of L2 was seen on the radiographs.",
    "He presented with a T10 cord compression syndrome.",
    "She had a recurrent T4 squamous cell carcinoma of the tongue.",
    "Radiographs showed ankylosis of the lateral masses of C2 and C3.",
])
def test_levels_that_are_not_the_lesion(sentence):
    assert _levels(sentence) == set()


def test_a_list_shares_its_head_noun():
    assert _levels("Tenderness was noted over the T9, T10 and T11 spinous processes.") == set()
    assert _levels("Lesions were seen at D6, D7, and D8.") == {"T6", "T7", "T8"}


def test_abbreviation_of_a_lesion_defined_in_the_document():
    assert _levels("SPB of the fourth lumbar vertebra recurred.",
                   {"SPB": "solitary plasmacytoma of bone"}) == {"L4"}


def test_instrumented_and_decompressed_levels_stay_out_of_the_record(nlp):
    record = _record(nlp, "A 47-year-old man had an aggressive hemangioma of T8. He underwent a T7-T9 "
                          "laminectomy and pedicle screw fixation from T6 to T10. The feeding right T8 "
                          "intercostal artery was embolized first.")
    assert record.levels == ["T8"]
    span = record.evidence["levels"][0]
    assert "T8" in span.text


def test_discussion_of_other_cases_gives_no_level(nlp):
    record = _record(nlp, "A 30-year-old woman had a T4 hemangioma treated by laminectomy.",
                     "Hemangiomas of L2 have been reported to collapse after ethanol injection.")
    assert record.levels == ["T4"]


def test_a_table_cell_of_levels_alone():
    assert _levels("T12, L1") == {"T12", "L1"}
    assert _levels("Right T8 intercostal") == set()


def test_slash_notation_names_both_vertebrae_of_a_lesion_but_not_of_a_disc():
    text = ("A 15-year-old boy had an expansile lesion at L4/5 on the right. "
            "Cement leaked into the L3/4 foramen.")
    record = first_record(full_pipeline(), text)
    assert record.levels == ["L4", "L5"]


@pytest.mark.parametrize("sentence, levels", [
    ("Radiographs showed an L2 burst fracture with retropulsion.", {"L2"}),
    ("CT confirmed a compression fracture of the T12 vertebra.", {"T12"}),
    ("MRI demonstrated a C6-C7 disc herniation indenting the cord.", {"C6", "C7"}),
    ("A large extruded disc fragment was found at L4/5.", {"L4", "L5"}),
    ("MRI was consistent with spondylodiscitis at L4-L5.", {"L4", "L5"}),
    ("A paravertebral abscess extended along the T7 and T8 bodies.", {"T7", "T8"}),
    ("A retroperitoneal mass lay anterior to the L3 and L4 vertebral bodies.", {"L3", "L4"}),
    ("CT showed a fracture-dislocation of cervical vertebrae 5 and 6.", {"C5", "C6"}),
    ("An osteoid osteoma of the left C5 lateral mass was excised.", {"C5"}),
    ("CT showed osteolysis of the endplates of L2 and L3.", {"L2", "L3"}),
])
def test_fractures_disc_lesions_and_infections_name_their_levels(sentence, levels):
    assert _levels(sentence) == levels


def test_a_fracture_beside_a_tumour_is_not_its_level():
    record = first_record(full_pipeline(),
                          "A 66-year-old woman had an aggressive haemangioma of T8. The L1 fracture looked "
                          "osteoporotic and not tumour-related. She underwent vertebroplasty of T8.")
    assert record.levels == ["T8"]
    assert all("L1" not in span.text for span in record.evidence["levels"])


def test_a_fracture_is_the_lesion_of_a_report_about_it():
    record = first_record(full_pipeline(),
                          "A 78-year-old woman fell at home. Radiographs showed an osteoporotic compression "
                          "fracture of L1. She underwent kyphoplasty with pedicle screws from T12 to L2.")
    assert record.levels == ["L1"]


def test_disc_levels_but_not_the_decompressed_ones():
    record = first_record(full_pipeline(),
                          "A 45-year-old man had sciatica. MRI showed an L5-S1 disc prolapse compressing the S1 "
                          "root. An L4-L5 laminotomy and discectomy were performed.")
    assert record.levels == ["L5", "S1"]
