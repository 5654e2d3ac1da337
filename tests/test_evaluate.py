import copy
import importlib.util
import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nlp import evaluate as ev
from nlp.cli import app
from nlp.evaluate import FIELDS
from shared_corpus import shared_path  # ../shared beside the repository: skip where absent, else fail

V11 = list(ev.FIELDS_V11)


def patient(doc, index, **fields):
    return {"document_id": doc, "case_index": index, **fields}


def counts(result, field):
    m = result["fields"][field]
    return m["tp"], m["fp"], m["fn"]


# -- the rules, on hand-made records -----------------------------------------------------

def test_a_missed_patient_in_the_middle_does_not_shift_later_pairs():
    gold = [patient("d", 1, age_years=30, sex="male"), patient("d", 2, age_years=40, sex="female"),
            patient("d", 3, age_years=50, sex="male")]
    pred = [patient("d", 1, age_years=30, sex="male"), patient("d", 2, age_years=50, sex="male")]
    result = ev.score(gold, pred)
    assert counts(result, "age_years") == (2, 0, 1)
    assert counts(result, "sex") == (2, 0, 1)
    assert result["cases"] == {"gold": 3, "pred": 2, "paired": 2}


def test_equal_counts_pair_one_to_one_even_without_agreement():
    gold = [patient("d", 1, age_years=30), patient("d", 2, age_years=40)]
    pred = [patient("d", 1, age_years=31), patient("d", 2, age_years=41)]
    result = ev.score(gold, pred)
    assert result["cases"]["paired"] == 2
    assert counts(result, "age_years") == (0, 2, 2)


def test_null_case_documents_make_every_prediction_a_false_positive():
    gold = [{"document_id": "series", "case_index": None}]
    pred = [patient("series", 1, sex="female", levels=["L1", "L2"]),
            {"document_id": "series", "case_index": None, "sex": "male"},   # "no patient": not scored
            patient("other", 1, sex="male")]                                 # no gold: ignored
    result = ev.score(gold, pred)
    assert counts(result, "sex") == (0, 1, 0)
    assert counts(result, "levels") == (0, 2, 0)
    assert result["cases"] == {"gold": 0, "pred": 1, "paired": 0}
    assert result["documents"] == 1 and result["per_document_f1"] == {"series": 0.0}


@pytest.mark.parametrize("pred, agrees", [(10.0, True), (10.14, True), (9.86, True), (10.16, False),
                                          ("10", True), (True, False), (float("nan"), False)])
def test_numbers_agree_within_five_hundredths_plus_one_percent(pred, agrees):
    result = ev.score([patient("d", 1, blood_loss_ml=10)], [patient("d", 1, blood_loss_ml=pred)])
    tp, fp, fn = counts(result, "blood_loss_ml")
    assert (tp, fn) == ((1, 0) if agrees else (0, 1))
    assert fp == (0 if agrees or ev._number(pred) is None else 1)


def test_lists_are_sets_and_object_items_compare_every_key():
    gold = patient("d", 1, levels=["L1", "L2"],
                   feeder_arteries=[{"side": "right", "level": "L1"}, {"side": None, "level": None}],
                   cement_volumes=[{"level": "L1", "ml": 3}, {"level": "L2", "ml": 6}])
    pred = patient("d", 1, levels=["l2", "L1", "L1"],
                   feeder_arteries=[{"side": "Right", "level": "L1"}, {"side": "left", "level": "L2"}, "junk"],
                   cement_volumes=[{"level": "L2", "ml": 6.04}, {"level": "L1", "ml": 3.5}])
    result = ev.score([gold], [pred])
    assert counts(result, "levels") == (2, 0, 0)
    assert counts(result, "feeder_arteries") == (1, 1, 1)
    assert counts(result, "cement_volumes") == (1, 1, 1)


def test_categories_compare_as_lower_case_text():
    gold = patient("d", 1, sex="female", enneking_stage=3, recurrence=False, outcome="improved")
    pred = patient("d", 1, sex="Female ", enneking_stage="3", recurrence="false", outcome="resolved")
    result = ev.score([gold], [pred])
    assert [counts(result, f) for f in ("sex", "enneking_stage", "recurrence", "outcome")] == [
        (1, 0, 0), (1, 0, 0), (1, 0, 0), (0, 1, 1)]


def test_only_gold_scores_fields_that_gold_sets():
    gold = [patient("d", 1, age_years=30, sex=None)]
    pred = [patient("d", 1, age_years=30, sex="male", levels=["T1"])]
    assert counts(ev.score(gold, pred), "sex") == (0, 1, 0)
    result = ev.score(gold, pred, fields=["age_years", "sex"], only_gold=True)
    assert list(result["fields"]) == ["age_years", "sex"]
    assert result["micro"]["tp"] == 1 and result["micro"]["fp"] == 0


def test_unknown_fields_are_refused():
    with pytest.raises(ValueError, match="colour"):
        ev.score([], [], fields=["age_years", "colour"])


def test_evidence_spans_are_checked_against_the_text(tmp_path):
    (tmp_path / "d.txt").write_text("A 66-year-old female.", encoding="utf-8")
    pred = [patient("d", 1, age_years=66, sex="female", combination="embolization", levels=[],
                    evidence={"age_years": [{"start": 2, "end": 13, "text": "66-year-old"}],
                              "sex": {"start": 14, "end": 20, "text": "female"},           # one span, not a list
                              "levels": [{"start": 0, "end": 1, "text": "B"}, {"start": 0}, "junk"]}),
            patient("missing", 1, sex="male", evidence={"sex": [{"start": 0, "end": 1, "text": "A"}]})]
    result = ev.check_evidence(pred, tmp_path)
    assert (result["valid"], result["total"]) == (2, 6)
    # set fields: age, sex (combination is derived, empty levels unset) and sex of "missing"
    assert (result["fields_with_evidence"], result["fields_set"]) == (3, 3)
    assert len(result["examples_invalid"]) == 4 and result["examples_invalid"][0].startswith("d levels:")


def test_load_records_reads_a_file_or_a_folder(tmp_path):
    (tmp_path / "cases.jsonl").write_text('{"document_id": "a", "case_index": 1}\n\n{"document_id": "b"}\n')
    assert [r["document_id"] for r in ev.load_records(tmp_path)] == ["a", "b"]
    (tmp_path / "bad.jsonl").write_text("{not json\n")
    with pytest.raises(ValueError, match="bad.jsonl:1"):
        ev.load_records(tmp_path / "bad.jsonl")


def test_evaluate_and_report(tmp_path):
    gold, pred, texts = tmp_path / "gold.jsonl", tmp_path / "out", tmp_path / "texts"
    pred.mkdir()
    texts.mkdir()
    (texts / "d.txt").write_text("A man.")
    gold.write_text(json.dumps(patient("d", 1, sex="male")) + "\n")
    (pred / "cases.jsonl").write_text(json.dumps(
        patient("d", 1, sex="male", evidence={"sex": [{"start": 2, "end": 5, "text": "man"}]})) + "\n")
    result = ev.evaluate(gold, pred, texts)
    assert result["micro"]["f1"] == 1.0 and result["evidence"]["valid"] == 1
    report = ev.format_report(result).splitlines()
    assert report[0] == "documents 1  gold cases 1  predicted cases 1  paired 1"
    assert report[1].split() == ["field", "P", "R", "F1", "tp", "fp", "fn"]
    assert report[3].split() == ["sex", "1.000", "1.000", "1.000", "1", "0", "0"]
    assert "evidence spans valid: 1/1; set fields with evidence: 1/1" in report
    assert report[-1] == "overall micro P 1.000 R 1.000 F1 1.000"


# -- the same figures as the reference scorer ---------------------------------------------

@pytest.fixture(scope="module")
def reference():
    spec = importlib.util.spec_from_file_location("reference_score", shared_path("eval", "score.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def dev():
    """The shared dev corpus: gold.jsonl and texts/ (its gold carries the v1.1 fields)."""
    corpus = shared_path("corpus", "dev")
    shared_path("corpus", "dev", "gold.jsonl")
    shared_path("corpus", "dev", "texts")
    return corpus


def test_field_list_and_kinds_match_the_reference(reference):
    assert list(FIELDS) == reference.FIELDS
    assert V11 == reference.FIELDS_V11
    assert set(V11) <= set(reference.SCALARS_CAT)  # categories, as ev compares a field outside the model
    assert ev.NUMERIC_FIELDS == set(reference.SCALARS_NUM)
    assert ev.STRING_LIST_FIELDS == set(reference.LISTS_STR)
    assert {f: tuple(k for k, _ in keys) for f, keys in ev.OBJECT_LIST_FIELDS.items()} == reference.LISTS_OBJ


def _perturb(gold_rows: list[dict], texts_dir: Path, seed: int = 7) -> list[dict]:
    """Predictions made from gold with the mistakes an extractor makes: fields dropped or
    emptied, numbers shifted (inside and outside tolerance), list items lost, invented or
    reordered, categories recased or changed, patients deleted or duplicated, records for
    null-case documents and for documents without gold, spans valid and invalid."""
    rng = random.Random(seed)
    texts = {p.stem: p.read_text(encoding="utf-8") for p in texts_dir.glob("*.txt")}
    pred = []
    real = [r for r in gold_rows if r.get("case_index") is not None]
    for row in gold_rows:
        doc = row["document_id"]
        if row.get("case_index") is None:
            if rng.random() < 0.5:
                pred.append({**copy.deepcopy(rng.choice(real)), "document_id": doc, "case_index": 1})
            else:
                pred.append({"document_id": doc, "case_index": None})
            continue
        if rng.random() < 0.1:
            continue  # a missed patient
        rec = copy.deepcopy(row)
        for field in [*FIELDS, *V11]:
            roll, value = rng.random(), rec.get(field)
            if roll < 0.08:
                rec.pop(field, None)
            elif roll < 0.16:
                rec[field] = [] if isinstance(value, list) else None
            elif roll < 0.4 and value is not None:
                rec[field] = _mistake(rng, value)
        rec["evidence"] = _evidence(rng, rec, texts.get(doc, ""))
        pred.append(rec)
        if rng.random() < 0.05:
            pred.append({**copy.deepcopy(rec), "case_index": rec["case_index"] + 0.5})  # a split patient
    pred.append({"document_id": "not_in_gold", "case_index": 1, "sex": "male"})
    rng.shuffle(pred)
    return pred


def _mistake(rng: random.Random, value):
    if isinstance(value, bool):
        return rng.choice([not value, str(value).lower(), None])
    if isinstance(value, (int, float)):
        return rng.choice([value * 1.005 + 0.04, value + 1, value * 0.97, str(value), float(value)])
    if isinstance(value, str):
        return rng.choice([value.upper(), value + "_x", f" {value} "])
    if isinstance(value, list):
        items = [_mistake(rng, x) if isinstance(x, dict) and rng.random() < 0.3 else x for x in value]
        rng.shuffle(items)
        return rng.choice([items, items[1:], items + ["other"], items + [{"level": "L3", "ml": 2.96}]])
    if isinstance(value, dict):
        return {k: (v + 0.04 if isinstance(v, (int, float)) and not isinstance(v, bool) else v)
                for k, v in value.items()}
    return value


def _evidence(rng: random.Random, rec: dict, text: str) -> dict:
    evidence = {}
    for field in [*FIELDS, *V11]:
        if rec.get(field) in (None, []) or rng.random() < 0.3:
            continue
        start = rng.randrange(max(1, len(text) - 20))
        span = {"start": start, "end": start + 10, "text": text[start:start + 10]}
        kind = rng.random()
        if kind < 0.1:
            span["text"] += "!"
        elif kind < 0.15:
            span = {"start": "x", "end": 1, "text": ""}
        elif kind < 0.2:
            span = "junk"
        evidence[field] = span if kind > 0.9 else [span]
    return evidence


@pytest.mark.parametrize("fields, only_gold", [(FIELDS, False), (FIELDS, True),
                                               (["age_years", "levels", "cement_volumes", "outcome"], False),
                                               (V11, False), (["sex", *V11], True)])
@pytest.mark.parametrize("seed", [1, 7])
def test_dev_scores_equal_the_reference(reference, dev, fields, only_gold, seed):
    gold = ev.load_records(dev / "gold.jsonl")
    pred = _perturb(gold, dev / "texts", seed)
    mine, theirs = ev.score(gold, pred, fields, only_gold), reference.score(gold, pred, list(fields), only_gold)
    assert [counts(mine, f) for f in fields] == [counts(theirs, f) for f in fields]
    assert mine == theirs
    assert 0 < mine["micro"]["f1"] < 1


def test_the_dev_gold_and_the_perturbation_exercise_the_v1_1_fields(dev):
    gold = ev.load_records(dev / "gold.jsonl")
    assert ev.v1_1_fields(gold, FIELDS) == V11, "the dev gold no longer carries the v1.1 fields"
    result = ev.score(gold, _perturb(gold, dev / "texts"), V11)
    for field in V11:
        tp, fp, fn = counts(result, field)
        assert tp > 0 and fp > 0 and fn > 0, field


@pytest.mark.parametrize("options", [[], ["--only-gold-fields"], ["--fields", "age_years,sex,outcome"]])
@pytest.mark.parametrize("seed", [1, 7])
def test_evidence_check_and_report_equal_the_reference(reference, dev, tmp_path, capsys, options, seed):
    gold_path, texts = dev / "gold.jsonl", dev / "texts"
    pred_path = tmp_path / "cases.jsonl"
    pred = _perturb(ev.load_records(gold_path), texts, seed)
    pred_path.write_text("".join(json.dumps(r) + "\n" for r in pred), encoding="utf-8")
    assert ev.check_evidence(pred, texts) == dict(zip(
        ["valid", "total", "examples_invalid", "fields_with_evidence", "fields_set"],
        reference.check_evidence(pred, texts)))
    argv = ["--gold", str(gold_path), "--pred", str(tmp_path), "--texts", str(texts), *options]
    reference.main(argv)
    printed = capsys.readouterr().out
    if not options:
        assert sum(line.startswith("v1.1 ") for line in printed.splitlines()) == len(V11)
    fields = options[1].split(",") if "--fields" in options else None
    assert ev.format_report(ev.evaluate(gold_path, tmp_path, texts, fields, "--only-gold-fields" in options)) == printed
    ran = CliRunner().invoke(app, ["evaluate", *argv])  # caseminer evaluate prints the same
    assert ran.exit_code == 0, ran.output
    assert ran.stdout == printed
    reference.main([*argv, "--json"])
    assert ev.evaluate(gold_path, tmp_path, texts, fields, "--only-gold-fields" in options) == json.loads(
        capsys.readouterr().out)


def test_v1_1_fields_are_scored_apart_only_where_the_gold_has_them(tmp_path):
    gold, pred = tmp_path / "gold.jsonl", tmp_path / "cases.jsonl"
    gold.write_text(json.dumps(patient("d", 1, sex="male", diagnosis="hemangioma")) + "\n")
    pred.write_text(json.dumps(patient("d", 1, sex="male", diagnosis="Hemangioma ",
                                       complications_reported=True)) + "\n")
    result = ev.evaluate(gold, pred)
    assert list(result["v1_1_fields"]) == ["diagnosis"]  # complications_reported: not in the gold
    assert counts({"fields": result["v1_1_fields"]}, "diagnosis") == (1, 0, 0)
    assert result["micro"]["tp"] == 1 and "diagnosis" not in result["fields"]
    report = ev.format_report(result).splitlines()
    assert report[-2].split() == ["v1.1", "diagnosis", "1.000", "1.000", "1.000", "1", "0", "0", "(not", "in",
                                  "the", "micro", "figure)"]
    assert "v1_1_fields" not in ev.evaluate(gold, pred, fields=["sex"])
    assert "v1_1_fields" not in ev.evaluate(gold, pred, v1_1_apart=False)
    assert counts(ev.evaluate(gold, pred, fields=["sex", "diagnosis"]), "diagnosis") == (1, 0, 0)


def test_age_and_sex_only_gold_equal_the_reference(reference):
    gold = ev.load_records(shared_path("corpus", "maccrobat_dev", "gold.jsonl"))
    rng = random.Random(3)
    pred = [{**r, "age_years": _mistake(rng, r["age_years"]) if r.get("age_years") is not None else 40,
             "sex": rng.choice([r.get("sex"), "male", "female", None])} for r in gold if rng.random() < 0.9]
    fields = ["age_years", "sex"]
    assert ev.score(gold, pred, fields, True) == reference.score(gold, pred, fields, True)
