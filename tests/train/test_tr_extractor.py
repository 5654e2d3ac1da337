from nlp.extract.base import SentenceView
from nlp.train.model_extractor import ModelCandidates, normalise


def test_normalise_reuses_rule_normalisers():
    assert normalise("age_years", "28-year-old", 0) == 28
    assert normalise("age_years", "8 months", 0) == normalise("age_years", "8-month-old", 0)
    assert normalise("sex", "woman", 0) == "female"
    assert normalise("sex", "He", 0) == "male"
    assert normalise("sex", "pain", 0) is None
    assert normalise("blood_loss_ml", "500 mL", 0) == 500


def _fake(monkeypatch, spans, label_map):
    extractor = ModelCandidates.__new__(ModelCandidates)
    extractor.factor = 0.6
    extractor.fields = {k: v for k, v in label_map.items() if v}
    monkeypatch.setattr(ModelCandidates, "spans", lambda self, text: [s for s in spans if s["label"] in self.fields])
    return extractor


def test_model_candidates_reach_a_record(monkeypatch):
    from nlp.assemble import assemble
    text = "Patient 71 presented. The lady was treated."
    at = text.index
    spans = [{"start": at("lady"), "end": at("lady") + 4, "label": "Sex", "score": 0.9},
             {"start": 8, "end": 10, "label": "Age", "score": 0.8},
             {"start": at("was"), "end": at("was") + 3, "label": "Sign_symptom", "score": 0.99}]
    extractor = _fake(monkeypatch, spans, {"Sex": "sex", "Age": "age_years", "Sign_symptom": None})
    views = [SentenceView(text[:21], 0, "case", {}), SentenceView(text[22:], 22, "case", {})]
    candidates = extractor(text, views)
    assert {(c.field, c.value) for c in candidates} == {("sex", "female"), ("age_years", 71)}
    assert all("model" in c.flags for c in candidates)
    sex = next(c for c in candidates if c.field == "sex")
    assert sex.confidence == 0.54 and sex.section == "case"
    record = assemble("d1", 1, candidates, text)
    assert record.sex == "female" and record.age_years == 71
    assert record.evidence["sex"][0].text == "lady"


def test_rules_win_over_weaker_model_candidates(monkeypatch):
    from nlp.assemble import assemble
    from nlp.extract.demographics import find
    text = "A 45-year-old man. The woman was treated."
    views = [SentenceView(text[:18], 0, "case", {}), SentenceView(text[19:], 19, "case", {})]
    rules = [c for c in find(views[0])]
    at = text.index("woman")
    extractor = _fake(monkeypatch, [{"start": at, "end": at + 5, "label": "Sex", "score": 0.99}], {"Sex": "sex"})
    record = assemble("d1", 1, rules + extractor(text, views), text)
    assert record.sex == "male"


def test_pipeline_component_with_trained_model(tiny_model):
    from nlp.ingest.document import Document
    from nlp.pipeline import build_pipeline
    from nlp.records import extract_records
    nlp = build_pipeline(model=tiny_model)
    assert nlp.pipe_names[-1] == "caseminer_model"
    document = Document(id="d1", text="A 33-year-old woman presented with back pain at T7.", sections=[])
    (record,) = extract_records(nlp, document)
    assert record.age_years == 33 and record.sex == "female"
