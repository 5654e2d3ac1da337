"""Each table of a run on the tiny corpus, with counts and values worked out by hand."""
import csv
import json

import pandas as pd
import pytest

from nlp.dataset import build_tables
from nlp.dataset.models import TABLES, columns_of
from nlp.dataset.tables import build_tables as build_tables_in_chunks
from nlp.schema import FIELDS
from tinyrun import write_run


def rows(path):
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_output_is_written_and_no_temporary_file_is_left(built_run):
    for name in ("manifest.csv", "cases.csv", "cases.parquet", "treatments.csv", "outcomes.csv",
                 "combinations.csv", "synthesis.csv", "codebook.csv", "codebook.md", "dataset/README.md"):
        assert (built_run / name).is_file(), name
    leftovers = [p.name for p in built_run.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(".dataset")]
    assert leftovers == []


def test_csv_columns_are_those_of_the_models(built_run):
    for name, model in TABLES.items():
        if (built_run / name).exists():
            with (built_run / name).open(encoding="utf-8") as fh:
                assert tuple(next(csv.reader(fh))) == columns_of(model), name
    assert columns_of(TABLES["cases.csv"]) == ("document_id", "case_index", "title", "journal", "year", "pmid",
                                               "doi", "source", "included", "exclusion_reason", *FIELDS,
                                               "confidence_mean")


def test_cases_one_row_per_patient_with_its_document(built_run):
    cases = rows(built_run / "cases.csv")
    assert [(r["document_id"], r["case_index"]) for r in cases] == [("a", "1"), ("a", "2"), ("b", "1"), ("e", "1")]
    a1 = cases[0]
    assert (a1["title"], a1["journal"], a1["year"], a1["pmid"], a1["doi"], a1["source"]) == \
        ("Two patients with vertebral hemangioma", "Spine Cases", "2020", "111", "10.1000/a", "in/a.txt")
    assert a1["treatments"] == "vertebroplasty; embolization" and a1["cement_volumes"] == "T12 3"
    assert a1["recurrence"] == "false" and a1["age_years"] == "60" and a1["enneking_stage"] == ""
    assert cases[2]["levels"] == "C5; T1"
    assert cases[3]["combination"] == "" and cases[3]["treatments"] == ""


def test_cases_parquet_has_real_lists_structs_and_types(built_run):
    frame = pd.read_parquet(built_run / "cases.parquet")
    assert list(frame.columns) == list(columns_of(TABLES["cases.csv"]))
    a1 = frame.iloc[0]
    assert list(a1["levels"]) == ["T12"]
    assert [dict(x) for x in a1["cement_volumes"]] == [{"level": "T12", "ml": 3.0}]
    assert a1["year"] == 2020 and pd.isna(frame.iloc[2]["year"])
    assert bool(a1["recurrence"]) is False and pd.isna(frame.iloc[2]["recurrence"])
    assert str(frame["enneking_stage"].dtype) == "Int64"


def test_treatments_one_row_per_patient_and_code_with_its_details(built_run):
    treatments = rows(built_run / "treatments.csv")
    assert [(r["document_id"], r["case_index"], r["treatment"]) for r in treatments] == [
        ("a", "1", "embolization"), ("a", "1", "vertebroplasty"), ("a", "2", "vertebroplasty"),
        ("b", "1", "embolization"), ("b", "1", "vertebroplasty")]
    emb, vp = treatments[0], treatments[1]
    assert emb["embolic_agents"] == "pva" and emb["cement_volumes"] == "" and emb["cement_total_ml"] == ""
    assert vp["cement_volumes"] == "T12 3" and vp["cement_total_ml"] == "3" and vp["embolic_agents"] == ""
    assert all(r["levels"] for r in treatments) and treatments[3]["levels"] == "C5; T1"


def test_outcomes_one_row_per_stated_measure(built_run):
    outcomes = rows(built_run / "outcomes.csv")
    assert len(outcomes) == 12
    by_key = {(r["document_id"], r["case_index"], r["measure"]): r for r in outcomes}
    assert by_key[("a", "1", "vas_pre")]["value_number"] == "8" and by_key[("a", "1", "vas_pre")]["unit"] == "0-10"
    assert by_key[("a", "1", "follow_up_months")]["unit"] == "months"
    assert by_key[("a", "1", "recurrence")]["value"] == "false"
    assert by_key[("a", "2", "complications")]["value"] == "cement_leakage"
    assert by_key[("b", "1", "outcome")]["evidence"] == "she improved"
    assert not any(r["document_id"] == "e" for r in outcomes)


def test_combinations_counts_medians_and_denominators(built_run):
    table = pd.read_csv(built_run / "combinations.csv")
    assert list(table["combination"]) == ["embolization+vertebroplasty", "vertebroplasty"]
    cases = pd.read_csv(built_run / "cases.csv")
    assert table["n_patients"].sum() == cases["combination"].notna().sum() == 3
    ev = table.iloc[0].to_dict()
    assert (ev["n_patients"], ev["n_documents"]) == (2, 2)
    assert (ev["age_median"], ev["age_q1"], ev["age_q3"], ev["age_n"]) == (55, 52.5, 57.5, 2)
    assert (ev["female_n"], ev["sex_n"], ev["female_percent"]) == (2, 2, 100)
    assert (ev["cervical_percent"], ev["thoracic_percent"], ev["lumbar_percent"], ev["levels_n"]) == (50, 100, 0, 2)
    assert (ev["vas_pre_median"], ev["vas_post_median"], ev["vas_change_median"], ev["vas_change_n"]) == (8.5, 2.5, -6, 2)
    assert (ev["follow_up_median_months"], ev["follow_up_n"]) == (12, 1)
    assert (ev["recurrence_n"], ev["recurrence_n_reported"]) == (0, 1)
    assert (ev["complications_n"], ev["complications_n_reported"]) == (0, 0)  # neither report addresses them
    assert (ev["outcome_improved_n"], ev["outcome_n_reported"]) == (1, 1)
    assert (ev["blood_loss_median_ml"], ev["blood_loss_n"]) == (300, 1)
    vp = table.iloc[1].to_dict()
    assert (vp["female_percent"], vp["lumbar_percent"], vp["vas_change_median"]) == (0, 100, -5)
    assert (vp["recurrence_n"], vp["recurrence_n_reported"], vp["complications_n"]) == (1, 1, 1)
    assert pd.isna(vp["blood_loss_median_ml"]) and vp["blood_loss_n"] == 0


def test_hugging_face_dataset_loads_with_typed_features_and_a_card(built_run):
    import datasets
    ds = datasets.load_from_disk(str(built_run / "dataset"))
    assert set(ds) == {"cases", "treatments"}
    assert ds["cases"].num_rows == 4 and ds["treatments"].num_rows == 5
    features = ds["cases"].features
    assert features["age_years"].dtype == "float64" and features["recurrence"].dtype == "bool"
    assert ds["cases"][0]["cement_volumes"] == [{"level": "T12", "ml": 3.0}]
    card = (built_run / "dataset" / "README.md").read_text(encoding="utf-8")
    assert "| cases | 4 |" in card and "| treatments | 5 |" in card
    assert "Licence" in card and "Provenance" in card and "age_years" in card


def test_chunks_give_the_same_tables(tmp_path, built_run):
    run = write_run(tmp_path / "run")
    build_tables_in_chunks(run, chunk_size=1)
    for name in ("cases.csv", "treatments.csv", "outcomes.csv", "combinations.csv", "synthesis.csv"):
        assert (run / name).read_text() == (built_run / name).read_text(), name


def test_a_record_without_its_manifest_row_is_left_out(tmp_path):
    run = write_run(tmp_path / "run")
    with (run / "cases.jsonl").open("a", encoding="utf-8") as fh:  # a run killed before the manifest row
        fh.write(json.dumps({"document_id": "zz", "case_index": 1, "age_years": 5}) + "\n")
    build_tables(run)
    assert "zz" not in (run / "cases.csv").read_text()


def test_an_invalid_value_stops_the_tables_and_leaves_the_earlier_ones(tmp_path):
    import pandera.errors
    run = write_run(tmp_path / "run")
    build_tables(run)
    before = (run / "cases.csv").read_text()
    with (run / "cases.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"document_id": "e", "case_index": 2, "sex": "unknown"}) + "\n")
    with pytest.raises(pandera.errors.SchemaErrors):
        build_tables(run)
    assert (run / "cases.csv").read_text() == before
    assert not [p for p in run.iterdir() if p.name.startswith(".")]


def test_an_empty_run_gives_empty_tables(tmp_path):
    import datasets
    run = write_run(tmp_path / "run", [])
    build_tables(run)
    assert rows(run / "cases.csv") == [] and rows(run / "combinations.csv") == []
    assert rows(run / "synthesis.csv") == []
    assert pd.read_parquet(run / "cases.parquet").empty
    assert datasets.load_from_disk(str(run / "dataset"))["cases"].num_rows == 0
