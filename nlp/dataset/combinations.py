"""combinations.csv: per treatment combination, who the patients were and how they fared.

Only a few numbers per patient are kept while the records stream past, so memory stays small.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Optional

from nlp.schema import OUTCOME_CODES
from nlp.dataset.fields import REGIONS, region_of
from nlp.dataset.models import CombinationsTable, columns_of
from nlp.dataset.rows import complications_addressed, counted
from nlp.dataset.statistics import median, quantile



@dataclass
class _Group:
    patients: int = 0
    documents: set = field(default_factory=set)
    ages: list = field(default_factory=list)
    sexes: list = field(default_factory=list)
    regions: list = field(default_factory=list)  # one set of regions per patient with levels
    vas_pre: list = field(default_factory=list)
    vas_post: list = field(default_factory=list)
    vas_change: list = field(default_factory=list)
    follow_up: list = field(default_factory=list)
    recurrence: list = field(default_factory=list)
    complications: list = field(default_factory=list)  # per patient whose report addresses them
    outcomes: list = field(default_factory=list)
    blood_loss: list = field(default_factory=list)


def _percent(n: int, of: int) -> Optional[float]:
    return round(100.0 * n / of, 1) if of else None


class CombinationStats:
    """Accumulates records; :meth:`rows` gives the table, most patients first."""

    def __init__(self) -> None:
        self.groups: dict[str, _Group] = defaultdict(_Group)

    def add(self, record: dict) -> None:
        if not counted(record):
            return
        g = self.groups[record["combination"]]
        g.patients += 1
        g.documents.add(record["document_id"])
        if record.get("age_years") is not None:
            g.ages.append(record["age_years"])
        if record.get("sex"):
            g.sexes.append(record["sex"])
        if record.get("levels"):
            g.regions.append({region_of(level) for level in record["levels"]})
        pre, post = record.get("vas_pre"), record.get("vas_post")
        if pre is not None:
            g.vas_pre.append(pre)
        if post is not None:
            g.vas_post.append(post)
        if pre is not None and post is not None:
            g.vas_change.append(post - pre)
        if record.get("follow_up_months") is not None:
            g.follow_up.append(record["follow_up_months"])
        if record.get("recurrence") is not None:
            g.recurrence.append(bool(record["recurrence"]))
        if complications_addressed(record):
            g.complications.append(bool(record.get("complications")))
        if record.get("outcome"):
            g.outcomes.append(record["outcome"])
        if record.get("blood_loss_ml") is not None:
            g.blood_loss.append(record["blood_loss_ml"])

    def rows(self) -> list[dict]:
        rows = [self._row(name, g) for name, g in self.groups.items()]
        rows.sort(key=lambda r: (-r["n_patients"], r["combination"]))
        return rows

    @staticmethod
    def _row(name: str, g: _Group) -> dict:
        female = sum(1 for s in g.sexes if s == "female")
        row = {"combination": name, "n_patients": g.patients, "n_documents": len(g.documents),
               "age_n": len(g.ages), "age_median": median(g.ages), "age_q1": quantile(g.ages, 0.25),
               "age_q3": quantile(g.ages, 0.75), "sex_n": len(g.sexes), "female_n": female,
               "female_percent": _percent(female, len(g.sexes)), "levels_n": len(g.regions)}
        for region in REGIONS.values():
            n = sum(1 for regions in g.regions if region in regions)
            row[f"{region}_n"] = n
            row[f"{region}_percent"] = _percent(n, len(g.regions))
        row.update({
            "vas_pre_n": len(g.vas_pre), "vas_pre_median": median(g.vas_pre),
            "vas_post_n": len(g.vas_post), "vas_post_median": median(g.vas_post),
            "vas_change_n": len(g.vas_change), "vas_change_median": median(g.vas_change),
            "follow_up_n": len(g.follow_up), "follow_up_median_months": median(g.follow_up),
            "recurrence_n": sum(g.recurrence), "recurrence_n_reported": len(g.recurrence),
            "complications_n": sum(g.complications), "complications_n_reported": len(g.complications),
            "outcome_n_reported": len(g.outcomes),
        })
        for code in OUTCOME_CODES:
            row[f"outcome_{code}_n"] = g.outcomes.count(code)
        row.update({"blood_loss_n": len(g.blood_loss), "blood_loss_median_ml": median(g.blood_loss)})
        assert tuple(row) == columns_of(CombinationsTable)
        return row
