import pytest

from nlp.extract.base import SentenceView
from nlp.extract.cells import Cell, Column, RowState, TableContext
from nlp.extract.diagnosis import FAMILY, find
from support import first_record, full_pipeline


def _diagnosis(text: str):
    record = first_record(full_pipeline(), text)
    return record.diagnosis if record else None


@pytest.mark.parametrize("text, code", [
    ("A 45-year-old woman had back pain from an aggressive T9 haemangioma.", "hemangioma"),
    ("A 16-year-old boy had an aneurysmal bone cyst in the C2 lateral mass.", "aneurysmal_bone_cyst"),
    ("A 33-year-old woman had a giant cell tumour in the sacrum.", "giant_cell_tumour"),
    ("A 61-year-old man with a solitary plasmacytoma of L3 was referred.", "myeloma_plasmacytoma"),
    ("A 70-year-old man presented with cord compression from diffuse large B-cell lymphoma at T6.", "lymphoma"),
    ("A 55-year-old man had a clival and C2 chordoma.", "chordoma"),
    ("A 14-year-old boy had night pain from an osteoid osteoma of the L4 lamina.", "osteoid_osteoma_osteoblastoma"),
    ("A 40-year-old woman had a dumbbell schwannoma at C5-C6.", "nerve_sheath_tumour"),
    ("A 66-year-old woman had a thoracic meningioma compressing the cord at T4.", "meningioma"),
    ("A 29-year-old man had an Ewing sarcoma of the L2 vertebral body.", "sarcoma"),
    ("A 58-year-old woman had a spinal ependymoma removed at T11.", "other_tumour"),
    ("An 81-year-old woman had a painful osteoporotic compression fracture of L1.", "osteoporotic_fracture"),
    ("A 24-year-old man fell from a ladder and sustained an L2 burst fracture.", "traumatic_fracture"),
    ("A 67-year-old man with fever had L2-L3 spondylodiscitis and a psoas abscess.", "infection"),
    ("A 39-year-old man had sciatica from an L5-S1 disc herniation.", "degenerative"),
    ("A 72-year-old woman had neurogenic claudication from lumbar canal stenosis.", "degenerative"),
    ("A 60-year-old man had a spontaneous spinal epidural hematoma from T2 to T5.", "other"),
])
def test_the_lesion_named(text, code):
    assert _diagnosis(text) == code


@pytest.mark.parametrize("text, code", [
    # the final histology beats the impression of the imaging
    ("A 50-year-old man had a T12 lesion. MRI suggested a metastasis. The biopsy showed a "
     "plasmacytoma.", "myeloma_plasmacytoma"),
    # the name the text revises is weak
    ("A 57-year-old man had a lesion of L1. Histology showed an atypical hemangioma, specifically an "
     "epithelioid hemangioendothelioma.", "sarcoma"),
    # a primary tumour elsewhere and its spinal deposit: a metastasis
    ("A 62-year-old woman with renal cell carcinoma had back pain from a lytic T8 lesion.", "metastasis"),
    ("A 48-year-old woman had breast cancer treated five years earlier. She now presented with a "
     "T6 metastasis.", "metastasis"),
    # a differential and a negation name no lesion
    ("A 35-year-old woman had an L4 lesion; tuberculosis was ruled out, and the biopsy confirmed a "
     "giant cell tumour.", "giant_cell_tumour"),
    # a complication of treatment is not the lesion treated
    ("A 44-year-old woman had a T8 hemangioma treated with vertebroplasty. A postoperative wound "
     "infection settled with antibiotics.", "hemangioma"),
    # a fracture the tumour caused is the tumour's
    ("A 66-year-old man had a pathological wedge fracture of T10 caused by myeloma.", "myeloma_plasmacytoma"),
    # a kind of tumour outweighs a tumour of no kind named
    ("A 30-year-old woman had a tumour at T3. It was a capillary hemangioma.", "hemangioma"),
])
def test_which_mention_names_the_lesion_treated(text, code):
    assert _diagnosis(text) == code


@pytest.mark.parametrize("text", [
    "A 52-year-old woman reported low back pain. Bone scan gave no evidence of metastasis.",
    "A 40-year-old man had neck pain; an infection was among the differential diagnoses.",
])
def test_no_lesion_named(text):
    assert _diagnosis(text) is None


def test_evidence_is_the_mention():
    text = "A 45-year-old woman had an aggressive haemangioma of T9."
    record = first_record(full_pipeline(), text)
    spans = record.evidence["diagnosis"]
    assert [s.text for s in spans] == ["haemangioma"]


def test_abbreviations_as_written():
    view = SentenceView("The VH at T9 measured 5 mm.", 0, "case", {})
    assert [c.value for c in find(view)] == ["hemangioma"]


def test_a_lesion_named_for_a_whole_series_reaches_each_patient():
    text = ("Vertebroplasty for painful vertebral haemangiomas: a series\n\nMethods\n"
            "Patients treated with vertebroplasty for a painful hemangioma from 2015 to 2020 were included.\n\nResults\n"
            "Table 1. Patients\n| Patient | Age/Sex | Level | Treatment | FU (mo) |\n|---|---|---|---|---|\n"
            "| 1 | 54/F | T8 | PVP | 24 |\n| 2 | 61/M | L1 | PVP | 12 |\n| 3 | 47/F | T11 | PVP | 18 |\n")
    from nlp.ingest.document import Document, Section
    from nlp.records import extract_records
    starts = [text.index("Methods"), text.index("Results")]
    doc = Document("t", text, sections=[Section("", "title", 0, starts[0]),
                                        Section("", "methods", starts[0], starts[1]),
                                        Section("", "results", starts[1], len(text))])
    records = extract_records(full_pipeline(), doc)
    assert [r.diagnosis for r in records] == ["hemangioma"] * 3


def test_a_primary_tumour_column_gives_the_metastasis():
    reader = FAMILY.cell_readers["diagnosis"]
    cell = Cell("Renal cell ca.", 10, 24)
    found = list(reader(cell, Column("Primary tumour", frozenset({"diagnosis"})), RowState(), TableContext({})))
    assert [c.value for c in found] == ["metastasis"]
    cell = Cell("Chordoma", 30, 38)
    found = list(reader(cell, Column("Histology", frozenset({"diagnosis"})), RowState(), TableContext({})))
    assert [c.value for c in found] == ["chordoma"]


@pytest.mark.parametrize("text, code", [
    # a fracture in a bone the text calls osteoporotic, with no injury of force
    ("A 79-year-old woman with long-standing osteoporosis had two new vertebral fractures at T11 and "
     "T12.", "osteoporotic_fracture"),
    ("A 35-year-old man was thrown from his motorcycle and had a T12 fracture.", "traumatic_fracture"),
    # conditions outside the named codes
    ("A 26-year-old woman had transverse myelitis from C4 to C7.", "other"),
    ("A 2-year-old girl had a lumbosacral myelomeningocele.", "other"),
    # a carcinoma of an organ written the other way round
    ("A 59-year-old man with carcinoma of the prostate had a painful lesion at L2.", "metastasis"),
])
def test_more_wordings(text, code):
    assert _diagnosis(text) == code


def test_lesions_listed_as_others_to_exclude_are_no_diagnosis():
    text = ("A 40-year-old man had neck pain. Other conditions such as lymphoma and tuberculosis were "
            "excluded. Biopsy of C3 showed a chordoma.")
    assert _diagnosis(text) == "chordoma"
