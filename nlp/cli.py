"""The `caseminer` command: parses arguments and calls the rooms below it."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from nlp.exits import EXIT_FAILED_INPUT, EXIT_INTERRUPTED, fail

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Structured, evidence-backed case records from spinal-tumour case reports.")


def _print_version(value: bool) -> None:
    if not value:
        return
    from importlib.metadata import PackageNotFoundError, version
    try:
        installed = version("caseminer")
    except PackageNotFoundError:
        installed = "unknown (not installed)"
    typer.echo(f"caseminer {installed}")
    raise typer.Exit(0)


@app.callback()
def _main(
    show_version: bool = typer.Option(False, "--version", "-V", is_eager=True, callback=_print_version,
                                      help="print the version and exit"),
) -> None:
    """Structured, evidence-backed case records from spinal-tumour case reports."""


@app.command()
def extract(
    inputs: List[Path] = typer.Argument(..., help="files or folders (searched recursively)"),
    out: Path = typer.Option(..., "-o", "--out", help="output folder: new, empty, or an earlier run's (which "
                             "is replaced)"),
    workers: int = typer.Option(1, "--workers", min=1, help="worker processes (with --engine dask and no "
                                "--scheduler: the LocalCluster's)"),
    timeout: float = typer.Option(120.0, "--timeout", min=1, help="seconds allowed per input file"),
    max_bytes: int = typer.Option(50_000_000, "--max-bytes", min=1, help="largest input file read, in bytes"),
    max_pages: int = typer.Option(500, "--max-pages", min=1, help="most pages of a PDF read"),
    progress: Optional[bool] = typer.Option(None, "--progress/--no-progress",
                                            help="progress bar (default: on a terminal)"),
    resume: bool = typer.Option(False, "--resume", help="keep the documents an earlier (or killed) run into OUT "
                                "finished from unchanged files; extract the rest"),
    engine: str = typer.Option("local", "--engine", help="local (worker processes) or dask (a dask.distributed "
                               "cluster)"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="with --engine dask: the scheduler's address "
                                            "(tcp://host:8786); default a LocalCluster of --workers processes"),
    model: Optional[Path] = typer.Option(None, "--model", help="a trained model folder (caseminer train); "
                                         "its spans join the rules' candidates"),
    force: bool = typer.Option(False, "--force", help="write into a folder that holds other files (never over "
                               "them: a file caseminer did not write is never touched)"),
    protocol: Optional[Path] = typer.Option(None, "--protocol", help="a review protocol (YAML: diagnoses, regions "
                                            "or levels, designs, years): each patient and document included or "
                                            "excluded, with the reason"),
) -> None:
    """Extract case records from INPUTS into OUT: cases.jsonl, cases.csv, texts/, manifest.csv."""
    from nlp.ingest import Limits
    from nlp.run import UsageError, run_extract
    if model is not None:
        from nlp.train.safeload import ModelFolderError, check_model_dir
        try:
            check_model_dir(model)
        except ModelFolderError as exc:
            fail(str(exc))
    try:
        summary = run_extract(inputs, out, workers=workers, timeout=timeout,
                              limits=Limits(max_bytes=max_bytes, max_pages=max_pages), progress=progress,
                              resume=resume, engine=engine, scheduler=scheduler, model=model, force=force,
                              protocol=protocol)
    except UsageError as exc:
        fail(str(exc))
    except KeyboardInterrupt:  # what is written so far is whole (see nlp/run/writer.py)
        fail("interrupted", EXIT_INTERRUPTED)
    counts = ", ".join(f"{n} {status}" for status, n in sorted(summary.counts.items()))
    kept = f"; {summary.kept} kept from the earlier run" if resume else ""
    typer.echo(f"{summary.records} case records from {sum(summary.counts.values())} documents ({counts}{kept}) "
               f"in {out}", err=True)
    if summary.failed:
        raise typer.Exit(EXIT_FAILED_INPUT)


@app.command()
def restore(out: Path = typer.Argument(..., help="a run folder whose last run was stopped before it finished")) -> None:
    """Put back the earlier run that a stopped run into OUT left whole in OUT/.previous/."""
    from nlp.run import UsageError, restore_run
    try:
        started = restore_run(out)
    except UsageError as exc:
        fail(str(exc))
    typer.echo(f"restored the run started {started} in {out}", err=True)


@app.command()
def evaluate(
    gold: Path = typer.Option(..., "--gold", help="gold case records (JSON Lines)"),
    pred: Path = typer.Option(..., "--pred", help="a run's folder, or its cases.jsonl"),
    texts: Optional[Path] = typer.Option(None, "--texts", help="document texts for the evidence check "
                                         "(default: PRED/texts when present)"),
    fields: Optional[str] = typer.Option(None, "--fields", help="comma-separated fields to score"),
    only_gold_fields: bool = typer.Option(False, "--only-gold-fields",
                                          help="score a field only where the gold value is set"),
) -> None:
    """Per-field precision, recall and F1 of a run against gold records, and evidence validity."""
    from nlp.evaluate import evaluate as evaluate_run
    from nlp.evaluate import format_report
    from nlp.schema import FIELDS
    chosen = None  # the v1 fields, and the v1.1 fields apart
    if fields:
        chosen = [f.strip() for f in fields.split(",") if f.strip()]
        unknown = [f for f in chosen if f not in FIELDS]
        if unknown:
            fail(f"unknown fields: {', '.join(unknown)}")
    for path in (gold, pred):
        if not path.exists():
            fail(f"no such file or folder: {path}")
    if texts is None and pred.is_dir() and (pred / "texts").is_dir():
        texts = pred / "texts"
    result = evaluate_run(gold, pred, texts, chosen, only_gold_fields)
    typer.echo(format_report(result).rstrip("\n"))


@app.command()
def schema(out: Optional[Path] = typer.Option(None, "-o", "--out", help="write here instead of stdout")) -> None:
    """The JSON schema of a case record, generated from the record model."""
    from nlp.schema import json_schema_text
    if out:
        out.write_text(json_schema_text(), encoding="utf-8")
    else:
        sys.stdout.write(json_schema_text())


from nlp.dataset.commands import register as _register_dataset_commands  # noqa: E402

_register_dataset_commands(app)  # report, review export/import, aggregate

from nlp.train.commands import register as _register_train_commands  # noqa: E402

_register_train_commands(app)  # corpus silver/build, train, evaluate-model

from nlp.search.commands import register as _register_search_commands  # noqa: E402

_register_search_commands(app)  # search, fetch: the only commands that reach the network


def main() -> None:
    app(prog_name="caseminer")
