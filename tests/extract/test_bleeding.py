import pytest

from nlp.assemble import BLOCKING
from nlp.extract.base import SentenceView
from nlp.extract.bleeding import find
from nlp.pipeline import build_pipeline
from support import first_record


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline(("demographics", "bleeding"))



def _found(sentence):
    view = SentenceView(sentence, 0, "case", {})
    return {(c.field, c.value) for c in find(view) if not c.flags & BLOCKING}


@pytest.mark.parametrize("sentence, found", [
    ("Intraoperative blood loss amounted to approximately 1.5 litres.", {("blood_loss_ml", 1500)}),
    ("EBL was 350cc.", {("blood_loss_ml", 350)}),
    ("The operation took 5 h, with an estimated blood loss of 2,200 ml.", {("blood_loss_ml", 2200)}),
    ("He lost about 900 mL of blood during the resection.", {("blood_loss_ml", 900)}),
    ("There were no complications, and the blood loss was 300 mL.", {("blood_loss_ml", 300)}),
    ("She was transfused with 600 ml of packed red blood cells.", {("transfusion_ml", 600)}),
    ("300 mL of fresh frozen plasma and 500 mL of red cells were given.", {("transfusion_ml", 800)}),
    ("Blood loss was 800 mL; no blood transfusion was required.", {("blood_loss_ml", 800), ("transfusion_ml", 0)}),
    ("The patient did not need any transfusion.", {("transfusion_ml", 0)}),
    ("Transfusion was not necessary.", {("transfusion_ml", 0)}),
])
def test_blood_loss_and_transfusion(sentence, found):
    assert _found(sentence) == found


@pytest.mark.parametrize("sentence", [
    "Mean blood loss was 650 mL (range 200-1800 mL).",
    "He received 3 units of packed red cells.",  # units are no volume
    "Postoperative drainage was 250 mL on the first day.",
    "Haemoglobin fell to 8.1 g/dl after 500 ml of crystalloid.",
])
def test_not_blood_loss_or_transfusion(sentence):
    assert _found(sentence) == set()


def test_staged_operation_gives_the_combined_loss(nlp):
    text = ("A 38-year-old man had a two-stage resection. Blood loss at the first stage was 700 mL. "
            "The combined blood loss of both stages was approximately 1.9 L, and he was transfused "
            "900 mL of packed red cells.")
    record = first_record(nlp, text)
    assert record.blood_loss_ml == 1900 and record.transfusion_ml == 900
    span = record.evidence["blood_loss_ml"][0]
    assert text[span.start:span.end] == span.text


def test_blood_loss_quoted_from_the_literature_is_not_the_patients(nlp):
    text = ("A 38-year-old man had a laminectomy. Blood loss was 400 mL. Smith et al. reported a blood loss "
            "of 2500 mL without embolization.")
    assert first_record(nlp, text).blood_loss_ml == 400
