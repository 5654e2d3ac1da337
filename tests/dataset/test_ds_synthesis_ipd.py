"""outcomes.csv as individual patient data, tables read back with their types, and the Python
example of docs/synthesis.md run on a real run folder."""
import re
from pathlib import Path

import pandas as pd
import pytest
from tinyrun import records_run

from nlp.dataset import build_tables, load_table
from nlp.dataset.models import TABLES, columns_of

DOCS = Path(__file__).resolve().parents[2] / "docs" / "synthesis.md"


def test_every_outcome_row_carries_the_study_and_the_patient(built_run):
    outcomes = load_table(built_run, "outcomes")
    cases = load_table(built_run, "cases").set_index(["document_id", "case_index"])
    assert list(outcomes.columns) == list(columns_of(TABLES["outcomes.csv"]))
    for row in outcomes.to_dict("records"):
        case = cases.loc[(row["document_id"], row["case_index"])]
        for column in ("year", "diagnosis", "combination", "follow_up_months"):
            assert (pd.isna(row[column]) and pd.isna(case[column])) or row[column] == case[column], column
    designs = dict(zip(outcomes["document_id"], outcomes["design"]))
    assert designs == {"a": "case_series", "b": "case_report"}  # a has two patients, b one
    assert outcomes.loc[outcomes["document_id"] == "a", "year"].eq(2020).all()


def test_binary_measures_are_numbers_and_complications_have_their_denominator(tmp_path):
    run = records_run(tmp_path / "run", {
        "x": [{"treatments": ["vertebroplasty"], "recurrence": True, "complications_reported": True},
              {"treatments": ["vertebroplasty"], "recurrence": False,
               "complications": ["cement_leakage", "infection"], "complications_reported": True},
              {"treatments": ["vertebroplasty"], "outcome": "improved"}]}, years={"x": 2019})
    build_tables(run)
    outcomes = load_table(run, "outcomes")
    by = {(r["case_index"], r["measure"]): r for r in outcomes.to_dict("records")}
    assert (by[(1, "recurrence")]["value_number"], by[(2, "recurrence")]["value_number"]) == (1, 0)
    assert (by[(1, "complications")]["value"], by[(1, "complications")]["value_number"]) == ("none", 0)
    assert (by[(2, "complications")]["value"], by[(2, "complications")]["value_number"]) == \
        ("cement_leakage; infection", 2)
    assert (3, "complications") not in by  # silent on complications: no row, not in the denominator
    assert set(outcomes["design"]) == {"case_series"} and set(outcomes["year"]) == {2019}


def test_tables_load_with_the_parquet_types(built_run):
    cases = load_table(built_run, "cases")
    parquet = pd.read_parquet(built_run / "cases.parquet")
    assert dict(cases.dtypes.astype(str)) == dict(parquet.dtypes.astype(str))
    assert cases.loc[0, "year"] == 2020 and str(cases["year"].dtype) == "Int64"
    assert cases.loc[0, "pmid"] == "111" and isinstance(cases.loc[0, "pmid"], str)
    assert str(cases["recurrence"].dtype) == "boolean" and not cases.loc[0, "recurrence"]
    assert pd.isna(cases.loc[2, "recurrence"])
    assert cases.loc[0, "cement_volumes"] == [{"level": "T12", "ml": 3.0}] and cases.loc[2, "levels"] == ["C5", "T1"]
    assert cases.loc[2, "title"] == '=HYPERLINK("http://evil.example")'  # the text, not its CSV guard
    synthesis = load_table(built_run, "synthesis")
    assert str(synthesis["small_sample"].dtype) == "boolean" and str(synthesis["rank"].dtype) == "Int64"


def test_the_codebook_dtypes_read_a_csv_in_one_line(built_run):
    codebook = load_table(built_run, "codebook")
    rows = codebook[codebook["table"] == "cases.csv"]
    cases = pd.read_csv(built_run / "cases.csv", dtype=dict(zip(rows["column"], rows["dtype"])),
                        keep_default_na=False, na_values=[""])
    assert cases.loc[0, "year"] == 2020 and cases.loc[0, "pmid"] == "111"
    assert str(cases["year"].dtype) == "Int64" and str(cases["case_index"].dtype) == "int64"
    assert set(codebook["table"]) >= {"synthesis.csv", "outcomes.csv"} and codebook["dtype"].notna().all()


def test_a_table_that_is_not_there_is_named(built_run, tmp_path):
    with pytest.raises(ValueError, match="no table 'nope'; the tables are: manifest, cases"):
        load_table(built_run, "nope")
    with pytest.raises(FileNotFoundError, match="synthesis.csv: no such table"):
        load_table(tmp_path, "synthesis")


def test_the_python_example_of_the_docs_gives_the_numbers_of_synthesis_csv(tmp_path):
    run = records_run(tmp_path / "run", {
        "p": [{"treatments": ["vertebroplasty"], "recurrence": i < 2} for i in range(9)],
        "q": [{"treatments": ["embolization", "vertebroplasty"], "recurrence": i == 0} for i in range(4)],
        "r": [{"treatments": ["vertebroplasty"], "recurrence": True}]})
    build_tables(run)
    (code,) = re.findall(r"```python\n(.+?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
    code = code.replace('run_dir = "outputs/examples"', f"run_dir = {str(run)!r}")
    namespace: dict = {}
    exec(compile(code, str(DOCS), "exec"), namespace)  # noqa: S102 - the documented example, as written
    per_combination = namespace["per_combination"]
    synthesis = load_table(run, "synthesis")
    rows = synthesis[(synthesis["grouping"] == "combination") & (synthesis["measure"] == "recurrence")]
    for row in rows.to_dict("records"):
        mine = per_combination.loc[row["combination"]]
        assert (mine["events"], mine["n"]) == (row["events"], row["denominator"])
        assert (round(mine["ci_low"], 4), round(mine["ci_high"], 4)) == (row["ci_low"], row["ci_high"])
    assert set(per_combination.index) == set(rows["combination"]) == {"vertebroplasty", "embolization+vertebroplasty"}
    assert len(namespace["per_study"]) == 3
