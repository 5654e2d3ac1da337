import pytest

from nlp.assemble import BLOCKING
from nlp.extract.base import SentenceView
from nlp.extract.embolization import find
from nlp.pipeline import build_pipeline
from support import first_record


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline(("demographics", "embolization"))



def _found(sentence, field, section="case"):
    view = SentenceView(sentence, 0, section, {})
    return [c.value for c in find(view) if c.field == field and not c.flags & BLOCKING]


def _feeders(sentence):
    return sorted((f["side"] or "", f["level"] or "") for f in _found(sentence, "feeder_arteries"))


@pytest.mark.parametrize("sentence, feeders", [
    ("Angiography showed that the mass was fed mainly by the left eighth intercostal artery.", [("left", "T8")]),
    ("The tumour blush came from the right T9 and left T10 intercostal arteries.",
     [("left", "T10"), ("right", "T9")]),
    ("The bilateral Th7 and Th8 segmental arteries were embolised.", [("bilateral", "T7"), ("bilateral", "T8")]),
    ("Supply was from the L3 lumbar arteries on both sides.", [("bilateral", "L3")]),
    ("The left and right D11 intercostals were catheterised superselectively.", [("left", "T11"), ("right", "T11")]),
    ("Selective injection of the right segmental artery at L2 showed a dense stain.", [("right", "L2")]),
    ("The lesion was supplied by the right subcostal artery.", [("right", "T12")]),
    # arteries without a segmental level
    ("The mass was fed by branches of the left ascending cervical artery.", [("left", "")]),
    ("Feeders arose from the right iliolumbar and right lateral sacral arteries.", [("right", "")]),
])
def test_feeder_arteries(sentence, feeders):
    assert _feeders(sentence) == feeders


@pytest.mark.parametrize("sentence", [
    # the artery of Adamkiewicz is named only to say it is spared
    "The artery of Adamkiewicz arose from the left T11 intercostal artery, two levels below the lesion.",
    # no angiographic or embolisation context
    "The left T10 intercostal nerve was sacrificed during the approach.",
    "A right T6 intercostal artery was ligated and divided during the thoracotomy.",
    # a segmental artery with no vertebra repeats an earlier mention: not read
    "The right lumbar artery was then embolised.",
    "No supply from the left T9 intercostal artery was seen.",
])
def test_not_feeders(sentence):
    assert _feeders(sentence) == []


@pytest.mark.parametrize("sentence, agents", [
    ("The feeder was occluded with 300-500 micron polyvinyl alcohol particles and two microcoils.", {"pva", "coils"}),
    ("Embolisation was done with Gelfoam pledgets.", {"gelfoam"}),
    ("Through a microcatheter, Histoacryl mixed with Lipiodol (1:3) was injected.", {"nbca"}),
    ("Transarterial embolization with Onyx 18 devascularised the lesion.", {"onyx"}),
    ("The feeding artery was embolized with absolute alcohol.", {"ethanol"}),
    ("TAE with calibrated microspheres (Embosphere 500-700 um) was performed.", {"microspheres"}),
    ("The lesion was embolized with N-butyl-2-cyanoacrylate glue.", {"nbca"}),
])
def test_embolic_agents(sentence, agents):
    assert set(_found(sentence, "embolic_agents")) == agents


@pytest.mark.parametrize("sentence", [
    # ethanol into the lesion is ablation; PVA's alcohol is not ethanol
    "Under CT guidance, 6 ml of dehydrated alcohol was injected percutaneously into the vertebral body.",
    # haemostatic agents and sealants at open surgery are not embolic agents
    "Epidural bleeding was controlled with Gelfoam and the dura was sealed with fibrin glue.",
    "MRI with a surface coil showed a T2-weighted hyperintense lesion.",
    "We did not use coils for the embolization.",
])
def test_not_embolic_agents(sentence):
    assert _found(sentence, "embolic_agents") == []


def test_pva_is_not_ethanol():
    assert _found("The artery was embolised with polyvinyl alcohol.", "embolic_agents") == ["pva"]


def test_record_from_a_case_report(nlp):
    text = ("A 47-year-old woman had an aggressive haemangioma of T9. Spinal angiography showed a dense "
            "blush supplied by the right T9 intercostal artery; the artery of Adamkiewicz arose from the left "
            "T11 intercostal artery. The right T9 intercostal artery was embolised with PVA particles and "
            "then closed with a coil. There were no complications after the embolization.")
    record = first_record(nlp, text)
    assert [(f.side, f.level) for f in record.feeder_arteries] == [("right", "T9")]
    assert set(record.embolic_agents) == {"pva", "coils"}
    span = record.evidence["feeder_arteries"][0]
    assert text[span.start:span.end] == span.text


def test_agents_reviewed_in_the_discussion_are_not_the_patients(nlp):
    text = ("A 51-year-old man underwent laminectomy. Embolization with PVA particles or Onyx is commonly "
            "used before surgery to reduce blood loss.")
    record = first_record(nlp, text)
    assert record.embolic_agents == []
