"""synthesis.csv: intervals against published reference values, denominators against the records
they count, small samples marked and never ranked."""
import json
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from tinyrun import records_run

from nlp.dataset import build_tables, load_table
from nlp.dataset.models import MEDIANS, RATES
from nlp.dataset.statistics import proportion
from nlp.dataset.synthesis import SynthesisStats
from nlp.schema import COMPLICATION_CODES

# Newcombe RG. Two-sided confidence intervals for the single proportion: comparison of seven
# methods. Stat Med 1998;17:857-872, Table I: method 3 (Wilson score, no continuity correction)
# and method 5 (exact, Clopper-Pearson), 95 % limits to four places.
NEWCOMBE_TABLE_I = {
    (81, 263): {"wilson": (0.2553, 0.3662), "clopper_pearson": (0.2527, 0.3676)},
    (15, 148): {"wilson": (0.0624, 0.1605), "clopper_pearson": (0.0578, 0.1617)},
    (0, 20): {"wilson": (0.0000, 0.1611), "clopper_pearson": (0.0000, 0.1684)},
    (1, 29): {"wilson": (0.0061, 0.1718), "clopper_pearson": (0.0009, 0.1776)},
}


@pytest.mark.parametrize("events, n", list(NEWCOMBE_TABLE_I))
def test_intervals_are_those_newcombe_published(events, n):
    p = proportion(events, n)
    assert (p.low, p.high) == NEWCOMBE_TABLE_I[(events, n)]["clopper_pearson"]
    assert (p.wilson_low, p.wilson_high) == NEWCOMBE_TABLE_I[(events, n)]["wilson"]
    assert p.estimate == round(events / n, 4)


def test_no_patient_gives_no_estimate():
    p = proportion(0, 0)
    assert (p.estimate, p.low, p.high, p.wilson_low, p.wilson_high) == (None,) * 5


def test_newcombe_examples_through_the_table():
    """Each example as a combination of that many patients, recurrence in `events` of them."""
    stats = SynthesisStats()
    treatments = ("embolization", "vertebroplasty", "kyphoplasty", "radiotherapy")
    for treatment, (events, n) in zip(treatments, NEWCOMBE_TABLE_I):
        for i in range(n):
            stats.add({"document_id": f"{treatment}-{i // 3}", "case_index": i % 3 + 1,
                       "combination": treatment, "recurrence": i < events})
    rows = {(r["group"], r["measure"]): r for r in stats.rows() if r["grouping"] == "combination"}
    for treatment, (events, n) in zip(treatments, NEWCOMBE_TABLE_I):
        row = rows[(treatment, "recurrence")]
        assert (row["events"], row["denominator"], row["n_patients"]) == (events, n, n)
        assert (row["ci_low"], row["ci_high"]) == NEWCOMBE_TABLE_I[(events, n)]["clopper_pearson"]
        assert (row["wilson_low"], row["wilson_high"]) == NEWCOMBE_TABLE_I[(events, n)]["wilson"]
        assert rows[(treatment, "any_complication")]["denominator"] == 0  # nothing said about them


E_VP, VP, LAM = ["embolization", "vertebroplasty"], ["vertebroplasty"], ["laminectomy", "fixation"]
PATIENTS = {
    "s1": [{"treatments": E_VP, "diagnosis": "hemangioma", "outcome": "resolved", "recurrence": False,
            "complications_reported": True, "vas_pre": 8, "vas_post": 1, "follow_up_months": 12},
           {"treatments": E_VP, "diagnosis": "hemangioma", "outcome": "improved", "recurrence": True,
            "complications": ["cement_leakage"], "complications_reported": True, "vas_pre": 7, "vas_post": 3},
           {"treatments": E_VP, "diagnosis": "hemangioma", "outcome": "unchanged",
            "cement_total_ml": 4.5, "blood_loss_ml": 200}],
    "s2": [{"treatments": E_VP, "diagnosis": "hemangioma", "outcome": "worsened", "recurrence": False,
            "complications": ["cement_leakage", "pulmonary_embolism"], "complications_reported": True,
            "follow_up_months": 36, "cement_total_ml": 3}],
    "s3": [{"treatments": VP, "diagnosis": "hemangioma", "outcome": "improved", "complications_reported": True},
           {"treatments": VP, "diagnosis": "metastasis", "outcome": "improved", "recurrence": True},
           {"treatments": VP, "outcome": "resolved", "vas_pre": 9, "vas_post": 2}],
    "s4": [{"treatments": LAM, "diagnosis": "giant_cell_tumour", "recurrence": True,
            "complications": ["infection"], "complications_reported": True, "blood_loss_ml": 1500}],
    "s5": [{"treatments": LAM, "diagnosis": "giant_cell_tumour", "outcome": "resolved", "recurrence": False}],
    "s6": [{"diagnosis": "hemangioma", "outcome": "improved"}],  # no treatment: in no group
}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = records_run(tmp_path_factory.mktemp("synthesis") / "run", PATIENTS)
    build_tables(folder)
    return folder


def _expected(records):
    """The groups, events and denominators worked out from the records by the issue's rules."""
    groups = defaultdict(list)
    for r in records:
        if not r["combination"]:
            continue
        diagnosis = r["diagnosis"] or "not_stated"
        groups[("all", "all")].append(r)
        for treatment in r["treatments"]:
            groups[("treatment", treatment)].append(r)
        groups[("combination", r["combination"])].append(r)
        groups[("diagnosis", diagnosis)].append(r)
        groups[("diagnosis_combination", f"{diagnosis} / {r['combination']}")].append(r)
    expected = {}
    for key, members in groups.items():
        reported = {"resolved_or_improved": [r for r in members if r["outcome"] is not None],
                    "recurrence": [r for r in members if r["recurrence"] is not None],
                    "complications": [r for r in members if r["complications_reported"]]}
        rates = {"resolved_or_improved": (sum(r["outcome"] in ("resolved", "improved")
                                              for r in reported["resolved_or_improved"]),
                                          len(reported["resolved_or_improved"])),
                 "recurrence": (sum(r["recurrence"] for r in reported["recurrence"]), len(reported["recurrence"])),
                 "any_complication": (sum(bool(r["complications"]) for r in reported["complications"]),
                                      len(reported["complications"]))}
        for code in COMPLICATION_CODES:
            rates[f"complication_{code}"] = (sum(code in r["complications"] for r in reported["complications"]),
                                             len(reported["complications"]))
        values = {"vas_change": [r["vas_post"] - r["vas_pre"] for r in members
                                 if r["vas_pre"] is not None and r["vas_post"] is not None],
                  **{m: [r[m] for r in members if r[m] is not None] for m in MEDIANS if m != "vas_change"}}
        expected[key] = (len(members), len({r["document_id"] for r in members}), rates, values)
    return expected


def test_every_denominator_is_the_records_it_counts(run):
    records = [json.loads(line) for line in (run / "cases.jsonl").read_text().splitlines()]
    expected = _expected(records)
    table = load_table(run, "synthesis")
    assert set(zip(table["grouping"], table["group"])) == set(expected)
    assert len(table) == len(expected) * (len(RATES) + len(MEDIANS))
    for row in table.to_dict("records"):
        n_patients, n_documents, rates, values = expected[(row["grouping"], row["group"])]
        assert (row["n_patients"], row["n_documents"]) == (n_patients, n_documents)
        if row["measure"] in rates:
            assert (row["events"], row["denominator"]) == rates[row["measure"]], row
        else:
            vals = values[row["measure"]]
            assert row["denominator"] == len(vals)
            if vals:
                assert row["estimate"] == pytest.approx(np.median(vals), abs=0.005)  # medians to 2 places
                assert (row["q1"], row["q3"]) == pytest.approx((np.percentile(vals, 25), np.percentile(vals, 75)), abs=0.005)
            else:
                assert np.isnan(row["estimate"])


def test_worked_by_hand(run):
    table = load_table(run, "synthesis")
    row = {(r["grouping"], r["group"], r["measure"]): r for r in table.to_dict("records")}
    ev = ("combination", "embolization+vertebroplasty")
    assert row[(*ev, "resolved_or_improved")]["events"] == 2 and row[(*ev, "resolved_or_improved")]["denominator"] == 4
    assert row[(*ev, "resolved_or_improved")]["estimate"] == 0.5
    assert (row[(*ev, "any_complication")]["events"], row[(*ev, "any_complication")]["denominator"]) == (2, 3)
    assert row[(*ev, "complication_pulmonary_embolism")]["events"] == 1
    assert row[(*ev, "cement_total_ml")]["estimate"] == 3.75  # median of 4.5 and 3
    assert row[(*ev, "vas_change")]["estimate"] == -5.5 and row[(*ev, "vas_change")]["unit"] == "0-10"
    assert row[("treatment", "vertebroplasty", "resolved_or_improved")]["denominator"] == 7
    assert row[("diagnosis", "not_stated", "resolved_or_improved")]["n_patients"] == 1
    assert row[("diagnosis_combination", "hemangioma / vertebroplasty", "any_complication")]["denominator"] == 1
    assert row[("all", "all", "resolved_or_improved")]["n_patients"] == 9  # s6 has no treatment


def test_small_samples_are_marked_and_never_ranked(run):
    table = load_table(run, "synthesis")
    assert (table["small_sample"] == (table["denominator"] < 3)).all()
    assert table.loc[table["small_sample"], "rank"].isna().all()
    lam = table[(table["grouping"] == "combination") & (table["group"] == "laminectomy+fixation")]
    assert lam["n_patients"].eq(2).all() and lam["small_sample"].all()
    rates = table[(table["grouping"] == "combination") & (table["measure"] == "resolved_or_improved")]
    ranked = rates[rates["rank"].notna()].sort_values("rank")
    # vertebroplasty 3/3 before embolization+vertebroplasty 2/4; laminectomy+fixation (1/1) is not ranked
    assert list(ranked["group"]) == ["vertebroplasty", "embolization+vertebroplasty"]
    assert list(ranked["rank"]) == [1, 2]
    recurrence = table[(table["grouping"] == "combination") & (table["measure"] == "recurrence")]
    assert recurrence.loc[recurrence["group"] == "embolization+vertebroplasty", "rank"].item() == 1
    # the combinations of one diagnosis compete among themselves: hemangioma's 2/4, and 1/1 (small)
    hem = table[(table["grouping"] == "diagnosis_combination") & (table["diagnosis"] == "hemangioma")
                & (table["measure"] == "resolved_or_improved")]
    assert dict(zip(hem["combination"], hem["rank"].astype(object))) == \
        {"embolization+vertebroplasty": 1, "vertebroplasty": pd.NA}
    gct = table[(table["grouping"] == "diagnosis_combination") & (table["diagnosis"] == "giant_cell_tumour")]
    assert gct["rank"].isna().all()  # laminectomy+fixation: 2 patients
    # follow-up has no better side; 'all' and patients without a diagnosis are not ranked
    assert table.loc[table["measure"] == "follow_up_months", "rank"].isna().all()
    assert table.loc[table["grouping"] == "all", "rank"].isna().all()
    assert table.loc[table["diagnosis"] == "not_stated", "rank"].isna().all()


def test_a_few_perfect_patients_do_not_outrank_many_nearly_perfect_ones():
    stats = SynthesisStats()
    for combination, outcomes in (("kyphoplasty", ["resolved"] * 3), ("vertebroplasty", ["improved"] * 9 + ["worsened"])):
        for i, outcome in enumerate(outcomes):
            stats.add({"document_id": f"{combination}{i}", "case_index": 1, "combination": combination,
                       "outcome": outcome, "recurrence": outcome == "worsened"})
    rows = {(r["group"], r["measure"]): r for r in stats.rows() if r["grouping"] == "combination"}
    # 9/10 (exact interval 0.555-0.997) before 3/3 (0.292-1): the lower limits decide
    assert rows[("vertebroplasty", "resolved_or_improved")]["rank"] == 1
    assert rows[("kyphoplasty", "resolved_or_improved")]["rank"] == 2
    # recurrence 1/10 (upper limit 0.445) before 0/3 (upper limit 0.708)
    assert rows[("vertebroplasty", "recurrence")]["rank"] == 1 and rows[("kyphoplasty", "recurrence")]["rank"] == 2


def test_rows_are_ordered_by_grouping_then_patients(run):
    table = load_table(run, "synthesis")
    groupings = list(dict.fromkeys(table["grouping"]))
    assert groupings == ["all", "treatment", "combination", "diagnosis", "diagnosis_combination"]
    combinations = list(dict.fromkeys(table.loc[table["grouping"] == "combination", "group"]))
    assert combinations == ["embolization+vertebroplasty", "vertebroplasty", "laminectomy+fixation"]
