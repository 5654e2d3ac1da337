"""Screening by the protocol: each patient and document included or excluded, with the reason, in the
manifest and cases.csv; combinations count included patients only; the protocol kept in the run."""
import csv
import json

import pytest

from nlp.dataset.protocol import Protocol, screen_document
from writing import case, document, write

PROTOCOL = "diagnoses: [hemangioma]\nregions: [thoracic]\ndesigns: [case_report, case_series]\nyears: {from: 2000}\n"


def rows(path):
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def screened(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("screen")
    protocol = tmp / "protocol.yaml"
    protocol.write_text(PROTOCOL)
    vp = {"treatments": ["vertebroplasty"], "combination": "vertebroplasty"}
    files = [
        [document("in/in.txt", [case(1, diagnosis="hemangioma", levels=["T12"], **vp)], year="2019")],
        [document("in/mixed.txt", [case(1, diagnosis="hemangioma", levels=["T8"], **vp),
                                   case(2, diagnosis="metastasis", levels=["T9"], **vp),
                                   case(3, levels=["L2"], **vp)], year="2015 Mar")],
        [document("in/lumbar.txt", [case(1, diagnosis="hemangioma", levels=["L3"], **vp)], year="2020")],
        [document("in/old.txt", [case(1, diagnosis="hemangioma", levels=["T5"], **vp)], year="1994")],
        [document("in/review.txt", [], reason="review", year="2018")],
    ]
    return write(tmp / "run", files, protocol)


def test_manifest_marks_each_document_with_its_reason(screened):
    manifest = {r["document_id"]: (r["status"], r["reason"]) for r in rows(screened / "manifest.csv")}
    assert manifest == {
        "in": ("ok", ""),
        "mixed": ("ok", "2 of 3 patients outside the protocol"),
        "lumbar": ("excluded", "outside the protocol: levels L3 outside the protocol's"),
        "old": ("excluded", "outside the protocol: published 1994 (protocol: 2000-...)"),
        "review": ("no_case", "review"),
    }


def test_cases_csv_says_which_patients_are_included_and_why_not(screened):
    cases = {(r["document_id"], r["case_index"]): (r["included"], r["exclusion_reason"])
             for r in rows(screened / "cases.csv")}
    assert cases == {
        ("in", "1"): ("true", ""),
        ("mixed", "1"): ("true", ""),
        ("mixed", "2"): ("false", "outside the protocol: diagnosis metastasis (protocol: hemangioma)"),
        ("mixed", "3"): ("false", "outside the protocol: diagnosis not stated; levels L2 outside the protocol's"),
        ("lumbar", "1"): ("false", "outside the protocol: levels L3 outside the protocol's"),
        ("old", "1"): ("false", "outside the protocol: published 1994 (protocol: 2000-...)"),
    }


def test_combinations_count_included_patients_only(screened):
    (combination,) = rows(screened / "combinations.csv")
    assert (combination["combination"], combination["n_patients"], combination["n_documents"]) == \
        ("vertebroplasty", "2", "2")


def test_the_protocol_is_kept_in_the_run_as_given(screened):
    assert (screened / "protocol.yaml").read_text() == PROTOCOL


def test_without_a_protocol_every_patient_is_included(tmp_path):
    run = write(tmp_path / "run", [[document("in/a.txt", [case(1, diagnosis="metastasis")])]])
    assert [(r["included"], r["exclusion_reason"]) for r in rows(run / "cases.csv")] == [("true", "")]
    assert not (run / "protocol.yaml").exists()
    assert json.loads((run / "manifest.jsonl").read_text())["reason"] == ""


@pytest.mark.parametrize("patients, design, included", [(1, "case_report", True), (2, "case_series", False)])
def test_the_design_is_one_patient_or_several(patients, design, included):
    protocol = Protocol(designs=["case_report"])
    screening = screen_document(protocol, {}, [case(i + 1) for i in range(patients)])
    assert (screening.status == "ok") is included
    if not included:
        assert screening.reason == "outside the protocol: design case_series (protocol: case_report)"


def test_a_document_of_patients_excluded_for_different_reasons_lists_them():
    protocol = Protocol(diagnoses=["hemangioma"], levels=["T1"])
    screening = screen_document(protocol, {"year": "2020"}, [case(1, diagnosis="chordoma", levels=["T1"]),
                                                              case(2, diagnosis="hemangioma", levels=["S1"])])
    assert screening.status == "excluded"
    assert screening.reason == ("no patient in the protocol: diagnosis chordoma (protocol: hemangioma) | "
                                "levels S1 outside the protocol's")
    assert set(screening.excluded_cases) == {"1", "2"}


def test_a_year_not_stated_misses_a_year_condition():
    screening = screen_document(Protocol(years={"to": 2020}), {"year": ""}, [case(1)])
    assert screening.reason == "outside the protocol: publication year not stated"
