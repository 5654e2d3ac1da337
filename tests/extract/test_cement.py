import pytest

from nlp.assemble import BLOCKING
from nlp.extract.base import SentenceView
from nlp.extract.cement import find
from nlp.pipeline import build_pipeline
from support import first_record, full_pipeline


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline(("demographics", "cement"))



def _volumes(record):
    return [(v.level, v.ml) for v in record.cement_volumes]


def _found(sentence):
    view = SentenceView(sentence, 0, "case", {})
    return {(c.field, str(c.value)) for c in find(view) if not c.flags & BLOCKING}


@pytest.mark.parametrize("sentence, volumes, total", [
    ("Bone cement, 2.5 and 4 cc respectively, was injected into the T11 and T12 bodies.",
     [("T11", 2.5), ("T12", 4)], 6.5),
    ("Kyphoplasty of L1 (3.5 mL of PMMA) and L3 (4 mL of PMMA) was performed.", [("L1", 3.5), ("L3", 4)], 7.5),
    ("Vertebroplasty of D8 was done with five millilitres of polymethylmethacrylate.", [("T8", 5)], 5),
    ("A total of 8 cc of cement was injected into T6 and T7.", [], 8),
    ("Vertebroplasty of T4 was carried out with 2 mL of cement through each pedicle.", [("T4", 4)], 4),
    ("PKP of L2 was done with 2 cc of cement on each side, 4.5 cc in total.", [("L2", 4.5)], 4.5),
    ("Vertebroplasty was performed at T9 and T10 with 3 mL of PMMA per level.", [("T9", 3), ("T10", 3)], 6),
    # contrast and ethanol volumes in the same sentence are not cement
    ("After 2 mL of contrast confirmed the needle position, 4 mL of PMMA was injected into L4.", [("L4", 4)], 4),
    ("Ethanol (10 ml) was injected into T7, followed by 3 ml of bone cement.", [("T7", 3)], 3),
])
def test_volumes_in_one_sentence(nlp, sentence, volumes, total):
    record = first_record(nlp, "A 60-year-old woman. " + sentence)
    assert _volumes(record) == volumes
    assert record.cement_total_ml == pytest.approx(total)


def test_a_volume_told_after_the_procedure_takes_its_vertebra(nlp):
    text = ("A 45-year-old man had a painful haemangioma.\nHe underwent PVP of L4 under sedation. "
            "PMMA was injected slowly. In all, 4.5 ml went in. Estimated blood loss was 10 ml.")
    record = first_record(nlp, text)
    assert _volumes(record) == [("L4", 4.5)]
    assert record.cement_total_ml == 4.5


def test_the_paragraph_memory_ends_with_the_paragraph(nlp):
    text = ("A 45-year-old man underwent vertebroplasty of L4.\n"
            "Two days later, 6 ml of fluid was aspirated from the wound.")
    assert first_record(nlp, text).cement_volumes == []


def test_a_volume_without_its_vertebra_still_gives_the_total(nlp):
    text = "A 70-year-old woman. Approximately 6 mL of bone cement was injected under fluoroscopy."
    record = first_record(nlp, text)
    assert record.cement_volumes == [] and record.cement_total_ml == 6


@pytest.mark.parametrize("sentence", [
    "The mean cement volume was 4.2 mL (range 2-7 mL).",
    "Volumes of cement above 6 mL may increase the risk of leakage.",
    "Blood loss during vertebroplasty was 50 mL.",
    "Percutaneous injection of 8 ml of absolute ethanol into the T9 body was performed.",
])
def test_no_cement_volume_for_the_patient(sentence):
    assert _found(sentence) == set()


def test_an_mri_sequence_is_not_a_vertebra():
    assert _found("T2-weighted images after the cement injection of 3 mL showed no leak.") == {
        ("cement_total_ml", "3.0")}


def test_negation_elsewhere_in_the_sentence_does_not_drop_the_volume():
    found = _found("No cement leakage was seen after injection of 5 mL of PMMA into T12.")
    assert ("cement_volumes", "{'level': 'T12', 'ml': 5.0}") in found


def test_same_volume_into_each_of_two_named_bodies():
    text = ("A 52-year-old woman had a hemangioma of T11 and L1. "
            "Then 2.5 mL of PMMA was injected into each of the T11 and L1 bodies through the screws.")
    record = first_record(full_pipeline(), text)
    assert sorted((v.level, v.ml) for v in record.cement_volumes) == [("L1", 2.5), ("T11", 2.5)]
    assert record.cement_total_ml == 5


def test_both_pedicles_is_the_route_not_a_doubling():
    text = "A 60-year-old man had an L3 hemangioma. Then 5.5 mL of PMMA was injected into L3 through both pedicles."
    record = first_record(full_pipeline(), text)
    assert record.cement_total_ml == 5.5
