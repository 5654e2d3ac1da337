import json

import pytest

from nlp.train.importers import load_span_docs
from nlp.train.spans import SpanError


def test_brat_with_discontinuous_entity(tmp_path):
    text = "A 28-year-old man had pain in the left and right knee."
    (tmp_path / "d1.txt").write_text(text, encoding="utf-8")
    (tmp_path / "d1.ann").write_text(
        "T1\tAge 2 13\t28-year-old\nT2\tSex 14 17\tman\nE1\tSex:T2 \nR1\tMODIFY Arg1:T1 Arg2:T2\t\n"
        "T3\tBiological_structure 34 38;49 53\tleft knee\n#1\tAnnotatorNotes T1\tnote\n", encoding="utf-8")
    (doc,) = load_span_docs(tmp_path)
    assert doc.id == "d1"
    assert [(s["label"], text[s["start"]:s["end"]]) for s in doc.spans] == [
        ("Age", "28-year-old"), ("Sex", "man"), ("Biological_structure", "left"), ("Biological_structure", "knee")]


def test_brat_bad_offsets_name_file_and_line(tmp_path):
    (tmp_path / "d1.txt").write_text("short", encoding="utf-8")
    (tmp_path / "d1.ann").write_text("T1\tAge 2 13\t28-year-old\n", encoding="utf-8")
    with pytest.raises(SpanError, match=r"d1\.ann: document d1 span 0: \[2, 13\) out of range"):
        load_span_docs(tmp_path)
    (tmp_path / "d1.ann").write_text("T1\tAge two 3\tx\n", encoding="utf-8")
    with pytest.raises(SpanError, match=r"d1\.ann line 1: bad offsets"):
        load_span_docs(tmp_path)


def test_label_studio(tmp_path):
    export = [{"id": 7, "data": {"text": "She is 40 years old."},
               "annotations": [{"result": [
                   {"value": {"start": 0, "end": 3, "text": "She", "labels": ["Sex"]}, "type": "labels"},
                   {"value": {"start": 7, "end": 19, "text": "40 years old", "labels": ["Age"]}, "type": "labels"}]}]}]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    (doc,) = load_span_docs(path)
    assert doc.id == "7"
    assert [(s["start"], s["end"], s["label"]) for s in doc.spans] == [(0, 3, "Sex"), (7, 19, "Age")]


def test_doccano(tmp_path):
    path = tmp_path / "doccano.jsonl"
    path.write_text(json.dumps({"id": 1, "text": "A 5-year-old boy.", "label": [[2, 12, "Age"], [13, 16, "Sex"]]})
                    + "\n", encoding="utf-8")
    (doc,) = load_span_docs(path)
    assert [s["label"] for s in doc.spans] == ["Age", "Sex"]


def test_ours_and_blank_span_error(tmp_path):
    path = tmp_path / "spans.jsonl"
    rows = [{"id": "a", "text": "A man.", "spans": [{"start": 2, "end": 5, "label": "sex"}]},
            {"id": "b", "text": "A   man.", "spans": [{"start": 1, "end": 3, "label": "sex"}]}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    with pytest.raises(SpanError, match=r"spans\.jsonl line 2: document b span 0: \[1, 3\) covers no text"):
        load_span_docs(path)
    path.write_text(json.dumps(rows[0]) + "\n", encoding="utf-8")
    (doc,) = load_span_docs(path)
    assert doc.spans == [{"start": 2, "end": 5, "label": "sex"}]


def test_silver_from_run(tmp_path):
    from nlp.train.silver import silver_docs
    run = tmp_path / "run"
    (run / "texts").mkdir(parents=True)
    text = "A 60-year-old woman had embolization of T7."
    (run / "texts" / "d1.txt").write_text(text, encoding="utf-8")
    (run / "manifest.jsonl").write_text(json.dumps({"document_id": "d1", "status": "ok"}) + "\n", encoding="utf-8")
    record = {"document_id": "d1", "case_index": 1, "age_years": 60, "sex": "female",
              "treatments": ["embolization"], "combination": "embolization",
              "evidence": {"age_years": [{"start": 2, "end": 13, "text": "60-year-old"}],
                           "sex": [{"start": 14, "end": 19, "text": "woman"}],
                           "treatments": [{"start": 24, "end": 36, "text": "embolization"}],
                           "combination": [{"start": 24, "end": 36, "text": "embolization"}]}}
    (run / "cases.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    (doc,) = silver_docs(run)
    assert [(s["label"], text[s["start"]:s["end"]]) for s in doc.spans] == [
        ("age_years", "60-year-old"), ("sex", "woman"), ("treatments", "embolization")]
