"""synthesis.csv: what a meta-analyst computes by hand from case reports, with its uncertainty.

Every patient the summary tables count (:func:`nlp.dataset.rows.counted`) is put in the groups
:func:`groups_of` gives: all of them, each treatment they had, their combination, their diagnosis,
and their diagnosis with their combination. Per group, each rate (models.RATES) is events among
the patients whose report addresses it, with its 95 % intervals (:mod:`nlp.dataset.statistics`),
and each median (models.MEDIANS) is taken over the patients with the value. Only counts and the
values of medians are kept while the records stream past.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from nlp.dataset.fields import SPECS
from nlp.dataset.models import (
    GROUPINGS,
    MEDIANS,
    NOT_STATED,
    RATES,
    SMALL_SAMPLE,
    SynthesisTable,
    columns_of,
)
from nlp.dataset.rows import complications_addressed, counted
from nlp.dataset.statistics import median_iqr, proportion
from nlp.schema import COMPLICATION_CODES

GOOD_OUTCOMES = ("resolved", "improved")
# Which side of a measure is better, for ranking: -1 the highest first, +1 the lowest first.
# Follow-up and cement volume have no better side and are not ranked.
BETTER = {"resolved_or_improved": -1, "vas_change": +1, "blood_loss_ml": +1,
          **{name: +1 for name in RATES if name != "resolved_or_improved"}}
UNITS = {"vas_change": SPECS["vas_pre"].unit, **{name: SPECS[name].unit for name in MEDIANS if name in SPECS}}
assert set(UNITS) == set(MEDIANS)


def groups_of(record: dict) -> list[tuple[str, str, dict]]:
    """(grouping, group, the group's diagnosis/treatment/combination) of each group a counted
    patient is in, in the order of GROUPINGS."""
    combination = record["combination"]
    diagnosis = record.get("diagnosis") or NOT_STATED
    return [("all", "all", {}),
            *(("treatment", code, {"treatment": code}) for code in combination.split("+")),
            ("combination", combination, {"combination": combination}),
            ("diagnosis", diagnosis, {"diagnosis": diagnosis}),
            ("diagnosis_combination", f"{diagnosis} / {combination}",
             {"diagnosis": diagnosis, "combination": combination})]


def rate_events(record: dict) -> dict[str, bool | None]:
    """Per rate: None where the report does not address it, else whether the event happened."""
    outcome, recurrence = record.get("outcome"), record.get("recurrence")
    addressed = complications_addressed(record)
    complications = set(record.get("complications") or [])
    events = {"resolved_or_improved": None if outcome is None else outcome in GOOD_OUTCOMES,
              "recurrence": None if recurrence is None else bool(recurrence),
              "any_complication": bool(complications) if addressed else None,
              **{f"complication_{code}": (code in complications) if addressed else None
                 for code in COMPLICATION_CODES}}
    assert tuple(events) == tuple(RATES)
    return events


def median_values(record: dict) -> dict[str, float | None]:
    """Per median: the patient's value, or None."""
    pre, post = record.get("vas_pre"), record.get("vas_post")
    values = {"vas_change": post - pre if pre is not None and post is not None else None,
              **{name: record.get(name) for name in MEDIANS if name != "vas_change"}}
    assert tuple(values) == tuple(MEDIANS)
    return values


@dataclass
class _Group:
    grouping: str
    group: str
    keys: dict
    patients: int = 0
    documents: set = field(default_factory=set)
    events: dict = field(default_factory=lambda: {name: 0 for name in RATES})
    addressed: dict = field(default_factory=lambda: {name: 0 for name in RATES})
    values: dict = field(default_factory=lambda: {name: [] for name in MEDIANS})


class SynthesisStats:
    """Accumulates records; :meth:`rows` gives synthesis.csv."""

    def __init__(self) -> None:
        self.groups: dict[tuple[str, str], _Group] = {}

    def add(self, record: dict) -> None:
        if not counted(record):
            return
        events, values = rate_events(record), median_values(record)
        for grouping, name, keys in groups_of(record):
            g = self.groups.get((grouping, name))
            if g is None:
                g = self.groups[(grouping, name)] = _Group(grouping, name, keys)
            g.patients += 1
            g.documents.add(record["document_id"])
            for rate, happened in events.items():
                if happened is not None:
                    g.addressed[rate] += 1
                    g.events[rate] += happened
            for measure, value in values.items():
                if value is not None:
                    g.values[measure].append(value)

    def rows(self) -> list[dict]:
        order = {grouping: i for i, grouping in enumerate(GROUPINGS)}
        groups = sorted(self.groups.values(), key=lambda g: (order[g.grouping], -g.patients, g.group))
        rows = [row for g in groups for row in self._rows(g)]
        _rank(rows)
        return rows

    @staticmethod
    def _rows(g: _Group) -> list[dict]:
        common = {"grouping": g.grouping, "group": g.group, "diagnosis": g.keys.get("diagnosis"),
                  "treatment": g.keys.get("treatment"), "combination": g.keys.get("combination"),
                  "n_patients": g.patients, "n_documents": len(g.documents)}
        rows = []
        for rate in RATES:
            p = proportion(g.events[rate], g.addressed[rate])
            rows.append({**common, "measure": rate, "statistic": "rate", "events": p.events,
                         "denominator": p.n, "estimate": p.estimate, "ci_low": p.low, "ci_high": p.high,
                         "wilson_low": p.wilson_low, "wilson_high": p.wilson_high, "q1": None, "q3": None,
                         "unit": "proportion", "small_sample": p.n < SMALL_SAMPLE, "rank": None})
        for measure in MEDIANS:
            values = g.values[measure]
            middle, q1, q3 = median_iqr(values)
            rows.append({**common, "measure": measure, "statistic": "median", "events": None,
                         "denominator": len(values), "estimate": middle, "ci_low": None, "ci_high": None,
                         "wilson_low": None, "wilson_high": None, "q1": q1, "q3": q3, "unit": UNITS[measure],
                         "small_sample": len(values) < SMALL_SAMPLE, "rank": None})
        assert all(tuple(row) == columns_of(SynthesisTable) for row in rows)
        return rows


def rankable(row: dict) -> bool:
    """A row that takes part in ranking: a real group (not 'all', not the patients without a
    diagnosis), a measure with a better side, and enough patients behind the estimate."""
    return (row["grouping"] != "all" and row["diagnosis"] != NOT_STATED and row["measure"] in BETTER
            and not row["small_sample"] and row["estimate"] is not None)


def _score(row: dict) -> tuple[float, float]:
    """What a row is ranked by, the smaller the better: for a rate, the limit of its exact interval
    on the unfavourable side first (so that 3/3 does not outrank 9/10 on its point estimate alone),
    then the estimate; for a median, the median."""
    better = BETTER[row["measure"]]
    if row["statistic"] == "rate":
        worse = row["ci_low"] if better < 0 else row["ci_high"]
        return better * worse, better * row["estimate"]
    return better * row["estimate"], 0.0


def _rank(rows: list[dict]) -> None:
    """Fill ``rank`` within each grouping and measure (the combinations of one diagnosis compete
    among themselves): 1 the best; ties share the lowest rank."""
    contests: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        if rankable(row):
            diagnosis = row["diagnosis"] if row["grouping"] == "diagnosis_combination" else None
            contests[(row["grouping"], diagnosis, row["measure"])].append(row)
    for contest in contests.values():
        scores = sorted(_score(row) for row in contest)
        for row in contest:
            row["rank"] = scores.index(_score(row)) + 1
