"""``caseminer prisma RUN_DIR... [--search SEARCH_DIR...]``: the PRISMA 2020 flow of a review,
counted from its runs' manifests (and the searches that gave their inputs) into ``prisma.csv``.

The records are the ids of the searches' ``search.jsonl`` (databases), and the documents of the
runs that no search id names (other sources); without a search, every document of the runs. A
search id is matched to a document by PMID, file name or document id. Then, in order:

- duplicates: an id met earlier in the searches, an id whose documents an earlier id named (a
  PMCID and its PMID: one file), or a document the run marked ``duplicate``;
- records excluded before retrieval: none (caseminer screens the reports themselves);
- not retrieved: an id whose fetch ``failed`` or whose document is in no run;
- reports excluded: ``failed`` to read, ``no_case`` by its reason (review, pooled series only, no
  individual patient), ``excluded`` (outside the protocol);
- included: the ``ok`` documents (studies), and their patients the protocol includes.

A file of a type caseminer does not read (``skipped``) is no record unless a search id names it.
Each stage is the one before less what it removes, so every count adds up (``check_flow``).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from nlp.dataset.csvio import write_frame
from nlp.dataset.models import PrismaTable, columns_of, frame
from nlp.dataset.rundir import check_run, manifest_rows

SEARCH_FILE = "search.jsonl"
PRISMA_FILE = "prisma.csv"
# no_case reasons (nlp.cases) and the other exclusions, as PRISMA names them
EXCLUSIONS = {"review": "review", "pooled_only": "pooled series only", "no_patient": "no individual patient",
              "protocol": "outside the protocol", "failed": "failed to read"}
BOXES = {
    "identified": "records identified",
    "identified_databases": "records identified from databases (the searches' ids)",
    "identified_other": "records identified from other sources (documents no search id names)",
    "duplicates_removed": "duplicate records removed before screening",
    "screened": "records screened",
    "records_excluded": "records excluded before retrieval (caseminer screens the reports: 0)",
    "sought": "reports sought for retrieval",
    "not_retrieved": "reports not retrieved (fetch failed, or in no run)",
    "assessed": "reports assessed for eligibility",
    **{f"excluded_{key}": f"reports excluded: {label}" for key, label in EXCLUSIONS.items()},
    "excluded": "reports excluded, all reasons",
    "studies_included": "studies included",
    "patients_included": "patients included (of the included studies, within the protocol)",
    "patients_excluded": "patients of the reports assessed (included or not) outside the protocol",
}


class PrismaError(Exception):
    """A search folder without search.jsonl, or a line of it that is not JSON: one line."""


@dataclass
class Flow:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BOXES, 0))

    def add_report(self, row: dict) -> None:
        """One retrieved report (a run's document) through assessment."""
        status = row.get("status")
        if status == "duplicate":
            self.counts["duplicates_removed"] += 1
        elif status in ("failed", "skipped"):
            self.counts["excluded_failed"] += 1
        elif status == "no_case":
            reason = row.get("reason") if row.get("reason") in EXCLUSIONS else "no_patient"
            self.counts[f"excluded_{reason}"] += 1
        elif status == "excluded":
            self.counts["excluded_protocol"] += 1
            self.counts["patients_excluded"] += len(row.get("excluded_cases") or {})
        else:
            excluded = len(row.get("excluded_cases") or {})
            self.counts["studies_included"] += 1
            self.counts["patients_included"] += int(row.get("cases") or 0) - excluded
            self.counts["patients_excluded"] += excluded

    def close(self) -> dict[str, int]:
        c = self.counts
        c["identified"] = c["identified_databases"] + c["identified_other"]
        c["screened"] = c["identified"] - c["duplicates_removed"]
        c["sought"] = c["screened"] - c["records_excluded"]
        c["assessed"] = c["sought"] - c["not_retrieved"]
        c["excluded"] = sum(c[f"excluded_{key}"] for key in EXCLUSIONS)
        return c


def search_ids(folder: Path) -> list[dict]:
    """The id lines of a search folder's search.jsonl (its query lines carry no id)."""
    path = Path(folder) / SEARCH_FILE
    if not path.is_file():
        raise PrismaError(f"not a search folder (no {SEARCH_FILE}): {folder}")
    lines = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except ValueError as exc:
                raise PrismaError(f"{path}: line {number}: not JSON ({exc})") from None
            if isinstance(item, dict) and item.get("id") not in (None, ""):
                lines.append(item)
    return lines


class _Documents:
    """The runs' manifest rows, found by PMID, file name or document id."""

    def __init__(self, rows: list[dict]):
        self.rows = rows
        self.by_key: dict[str, list[int]] = {}
        for i, row in enumerate(rows):
            keys = {str(row.get("pmid") or ""), Path(row.get("source") or "").name, row.get("document_id") or ""}
            for key in keys - {""}:
                self.by_key.setdefault(key, []).append(i)

    def named(self, item: dict) -> list[int]:
        found: dict[int, None] = {}
        for key in (str(item["id"]), Path(str(item.get("file") or "")).name):
            for i in self.by_key.get(key, []) if key else []:
                found[i] = None
        return list(found)


def count_flow(runs: list[Path], searches: list[Path] | None = None) -> dict[str, int]:
    """The PRISMA counts (``BOXES``) of ``runs``, and of the ``searches`` that gave their inputs."""
    rows = [row for run in runs for row in manifest_rows(check_run(Path(run)))]
    documents, flow = _Documents(rows), Flow()
    claimed: set[int] = set()
    met: set[str] = set()
    for item in (item for folder in searches or () for item in search_ids(folder)):
        flow.counts["identified_databases"] += 1
        if str(item["id"]) in met:
            flow.counts["duplicates_removed"] += 1
            continue
        met.add(str(item["id"]))
        named = documents.named(item)
        fresh = [i for i in named if i not in claimed]
        if named and not fresh:  # the article an earlier id gave: its PMCID, or its PMID in another list
            flow.counts["duplicates_removed"] += 1
            continue
        claimed.update(fresh)
        if item.get("status") == "failed" or not fresh:
            flow.counts["not_retrieved"] += 1
            continue
        first = next((i for i in fresh if rows[i].get("status") != "duplicate"), fresh[0])
        flow.add_report(rows[first])
    for i, row in enumerate(rows):
        if i not in claimed and row.get("status") != "skipped":
            flow.counts["identified_other"] += 1
            flow.add_report(row)
    return flow.close()


def check_flow(c: dict[str, int]) -> list[str]:
    """The equalities a PRISMA flow keeps; the ones ``c`` breaks, in words (none: it adds up)."""
    rules = [("identified - duplicates_removed = screened", c["identified"] - c["duplicates_removed"], c["screened"]),
             ("screened - records_excluded = sought", c["screened"] - c["records_excluded"], c["sought"]),
             ("sought - not_retrieved = assessed", c["sought"] - c["not_retrieved"], c["assessed"]),
             ("assessed - excluded = studies_included", c["assessed"] - c["excluded"], c["studies_included"])]
    return [rule for rule, left, right in rules if left != right]


def write_prisma(runs: list[Path], outdir: Path, searches: list[Path] | None = None) -> dict[str, int]:
    """prisma.csv and figures/prisma.svg, .png in ``outdir``; returns the counts."""
    from nlp.dataset.figures import FIGURES_DIR
    from nlp.dataset.prisma_figure import draw_prisma
    from nlp.dataset.runmarker import add_outputs
    for run in runs:
        check_run(Path(run))
    counts = count_flow(runs, searches)
    broken = check_flow(counts)
    if broken:  # a bug, never the input's fault: said plainly rather than drawn
        raise AssertionError(f"PRISMA counts do not add up: {'; '.join(broken)}")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    add_outputs(outdir, (PRISMA_FILE, FIGURES_DIR))
    table = frame(PrismaTable, [{"box": box, "n": n, "meaning": BOXES[box]} for box, n in counts.items()])
    write_frame(outdir / PRISMA_FILE, columns_of(PrismaTable), table)
    (outdir / FIGURES_DIR).mkdir(exist_ok=True)
    draw_prisma(counts, outdir / FIGURES_DIR / "prisma")
    return counts


def read_prisma(outdir: Path) -> dict[str, int] | None:
    """The counts of the run's prisma.csv, None when it has none."""
    import csv
    path = Path(outdir) / PRISMA_FILE
    if not path.is_file():
        return None
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["box"]: int(row["n"]) for row in csv.DictReader(fh)}

