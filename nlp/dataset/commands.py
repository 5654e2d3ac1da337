"""The typer commands of the dataset room: ``report``, ``review export``, ``review import``,
``aggregate`` and ``prisma``. ``register(app)`` adds them to the caseminer app; everything heavy is imported
only when a command runs.

Exit codes: 0 done; 1 a review CSV that cannot be imported (the message names the row);
2 usage errors (no such folder, not a run folder, a bad option).
"""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from nlp.exits import EXIT_INVALID, EXIT_USAGE, fail
from nlp.plural import plural


review_app = typer.Typer(add_completion=False, no_args_is_help=True,
                         help="Review a run's values in a spreadsheet and turn the corrections into gold records.")


def report(
    outdir: Path = typer.Argument(..., help="a run's folder (caseminer extract -o OUTDIR)"),
    flag_below: float = typer.Option(0.5, "--flag-below", min=0.0, max=1.0,
                                     help="flag values whose confidence is below this"),
    split_above: int = typer.Option(50, "--split-above", min=0,
                                    help="more documents than this: an index page and one page per document"),
) -> None:
    """figures/ and report.html in OUTDIR: summary tables, figures, and every value with its evidence."""
    from nlp.dataset.report import write_report
    from nlp.dataset.rundir import NotARun
    try:
        path = write_report(outdir, flag_below=flag_below, split_above=split_above)
    except NotARun as exc:
        fail(str(exc), EXIT_USAGE)
    typer.echo(f"report: {path}", err=True)


@review_app.command("export")
def review_export(
    outdir: Path = typer.Argument(..., help="a run's folder"),
    out: Path = typer.Option(..., "-o", "--out", help="the review CSV to write"),
) -> None:
    """A review CSV: one row per patient and field (null fields too), corrected_value left blank."""
    from nlp.dataset.review import export_review
    from nlp.dataset.rundir import NotARun
    try:
        rows = export_review(outdir, out)
    except NotARun as exc:
        fail(str(exc), EXIT_USAGE)
    typer.echo(f"{plural(rows, 'row')} in {out}", err=True)


@review_app.command("import")
def review_import(
    review_csv: Path = typer.Argument(..., help="a review CSV with corrected_value filled where needed"),
    out: Path = typer.Option(..., "-o", "--out", help="the gold file to write (JSON Lines); spans.jsonl "
                             "is written beside it"),
    run: Optional[Path] = typer.Option(None, "--run", help="the run folder the CSV was exported from "
                                       "(default: the CSV's run column)"),
) -> None:
    """Gold records from a review CSV: blank keeps a value, `null` removes it, anything else replaces it."""
    from nlp.dataset.review import ReviewError, import_review
    from nlp.dataset.rundir import NotARun
    if not review_csv.is_file():
        fail(f"no such file: {review_csv}", EXIT_USAGE)
    try:
        summary = import_review(review_csv, out, run)
    except NotARun as exc:
        fail(str(exc), EXIT_USAGE)
    except ReviewError as exc:
        fail(str(exc), EXIT_INVALID)
    typer.echo(f"{plural(summary.records, 'record')} ({plural(summary.replaced, 'value')} replaced, "
               f"{summary.removed} removed, {plural(summary.added_patients, 'patient')} added) and "
               f"{plural(summary.no_case, 'document')} without a case in {out}; {plural(summary.spans, 'span')} in "
               f"{summary.spans_path}", err=True)


def aggregate(
    runs: List[Path] = typer.Argument(..., help="run folders to merge, in order"),
    out: Path = typer.Option(..., "-o", "--out", help="the merged run's folder (an earlier run there is replaced)"),
) -> None:
    """Merge runs into one run folder; a document met twice (DOI, PMID, sha256) is marked `duplicate`."""
    from nlp.dataset.aggregate import aggregate_runs
    from nlp.dataset.rundir import NotARun
    try:
        summary = aggregate_runs(runs, out)
    except NotARun as exc:
        fail(str(exc), EXIT_USAGE)
    typer.echo(f"{plural(summary.records, 'case record')} from {plural(summary.documents, 'document')} of "
               f"{plural(summary.runs, 'run')} ({plural(summary.duplicates, 'duplicate')}, "
               f"{plural(len(summary.renamed), 'id')} renamed) in {out}", err=True)


def prisma(
    runs: List[Path] = typer.Argument(..., help="the review's run folders"),
    search: Optional[List[Path]] = typer.Option(None, "--search", help="a search folder (caseminer search or "
                                                "fetch) whose search.jsonl lists the records identified; "
                                                "repeat for several"),
    out: Optional[Path] = typer.Option(None, "-o", "--out", help="where prisma.csv and figures/prisma.svg, .png "
                                       "go (default: the run folder, when there is one)"),
) -> None:
    """PRISMA 2020 flow counts (prisma.csv) and diagram (figures/prisma.svg, .png) of a review's runs."""
    from nlp.dataset.prisma import PrismaError, write_prisma
    from nlp.dataset.rundir import NotARun
    if out is None and len(runs) > 1:
        fail("several runs: say where the flow goes with -o OUT", EXIT_USAGE)
    try:
        counts = write_prisma(runs, out or runs[0], search)
    except (NotARun, PrismaError) as exc:
        fail(str(exc), EXIT_USAGE)
    typer.echo(f"{counts['identified']} records identified, {counts['studies_included']} studies and "
               f"{counts['patients_included']} patients included: {(out or runs[0]) / 'prisma.csv'}", err=True)


def register(app: typer.Typer) -> None:
    """Add report, review (export, import), aggregate and prisma to ``app``."""
    app.command("report")(report)
    app.command("aggregate")(aggregate)
    app.command("prisma")(prisma)
    app.add_typer(review_app, name="review")
