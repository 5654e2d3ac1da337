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


@app.command(short_help="Extract case records from INPUT... into OUT (a run folder).")
def extract(
    inputs: List[Path] = typer.Argument(..., metavar="INPUT", help="files or folders"),
    out: Path = typer.Option(..., "-o", "--out", metavar="OUT", help="output folder"),
    workers: int = typer.Option(1, "--workers", min=1, metavar="N", help="worker processes"),
    timeout: float = typer.Option(120, "--timeout", min=1, metavar="S", help="seconds a file"),
    max_bytes: int = typer.Option(50_000_000, "--max-bytes", min=1, metavar="N", show_default=False,
                                   help="bytes a file (default 50 MB)"),
    max_pages: int = typer.Option(500, "--max-pages", min=1, metavar="N", help="pages a PDF"),
    progress: bool = typer.Option(True, "--progress/--no-progress", show_default=False,
                                  help="a bar, or a line every 5 s"),
    resume: bool = typer.Option(False, "--resume", help="keep what an earlier run did"),
    engine: str = typer.Option("local", "--engine", metavar="NAME", show_default=False,
                               help="local (default) or dask"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", metavar="URL", help="a dask scheduler"),
    model: Optional[Path] = typer.Option(None, "--model", metavar="DIR", help="a trained model folder"),
    force: bool = typer.Option(False, "--force", help="write beside other files"),
    protocol: Optional[Path] = typer.Option(None, "--protocol", metavar="FILE",
                                            help="a review protocol"),
) -> None:
    """Extract case records from INPUT... into OUT: cases.jsonl (the records, with their
    evidence), texts/ (each document's text), manifest.jsonl, the tables manifest.csv,
    cases.csv, cases.parquet, treatments.csv, outcomes.csv, combinations.csv and synthesis.csv,
    codebook.csv, codebook.md, dataset/ (a Hugging Face dataset), protocol.yaml (with
    --protocol) and the run marker .caseminer-run.json.
    README.md says what each holds and what each option does."""
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
    typer.echo(summary.line(out), err=True)
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
