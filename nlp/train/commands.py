"""The typer commands of the training room: ``corpus silver``, ``corpus build``, ``train`` and
``evaluate-model``. ``register(app)`` adds them to the caseminer app; torch, transformers and
datasets are imported only when a command runs.

Exit codes: 0 done; 1 invalid input (a span file or model folder that cannot be used: the
message names the file and line); 2 usage errors (no such folder, a bad option, a split the corpus
lacks, a run folder where spans are expected).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from nlp.exits import EXIT_INVALID, EXIT_USAGE, fail
from nlp.plural import plural


corpus_app = typer.Typer(add_completion=False, no_args_is_help=True,
                         help="Span corpora for training: silver spans from a run, and train/validation/test sets.")


def _offline_defaults() -> None:
    """No network here: never let a hub name wait for a download that cannot come."""
    import os
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@corpus_app.command("silver")
def corpus_silver(
    run_dir: Path = typer.Argument(..., help="a run's folder (caseminer extract -o RUN_DIR)"),
    out: Path = typer.Option(..., "-o", "--out", help="the span file to write (JSON Lines)"),
) -> None:
    """Silver spans from a run's evidence: one span per evidence span, labelled with its field."""
    from nlp.dataset.rundir import NotARun
    from nlp.train.silver import write_silver
    try:
        documents, spans = write_silver(run_dir, out)
    except NotARun as exc:
        fail(str(exc), EXIT_USAGE)
    typer.echo(f"{plural(spans, 'silver span')} from {plural(documents, 'document')} in {out}", err=True)


@corpus_app.command("build")
def corpus_build(
    source: Path = typer.Argument(..., help="spans: a brat folder, a Label Studio .json, a doccano or caseminer .jsonl"),
    out: Path = typer.Option(..., "-o", "--out", help="the corpus folder to write (datasets save_to_disk)"),
    labels: Optional[str] = typer.Option(None, "--labels", help="comma-separated labels to keep (default: all)"),
    split: str = typer.Option("0.8,0.1,0.1", "--split", help="train,validation,test fractions, by document"),
    seed: int = typer.Option(13, "--seed", help="seed of the document shuffle"),
) -> None:
    """A train/validation/test DatasetDict split by document, words with BIO tags, and a card."""
    _offline_defaults()
    from nlp.train.corpus import build_corpus, parse_split, run_folder_hint
    from nlp.train.importers import load_span_docs
    from nlp.train.spans import SpanError
    try:
        fractions = parse_split(split)
    except ValueError as exc:
        fail(str(exc), EXIT_USAGE)
    if not source.exists():
        fail(f"no such file or folder: {source}", EXIT_USAGE)
    hint = run_folder_hint(source)
    if hint:
        fail(hint, EXIT_USAGE)
    try:
        docs = load_span_docs(source)
        chosen = [label.strip() for label in labels.split(",") if label.strip()] if labels else None
        summary = build_corpus(docs, out, chosen, fractions, seed, source=str(source))
    except (SpanError, ValueError) as exc:
        fail(str(exc), EXIT_INVALID)
    docs_text = ", ".join(f"{n} {s}" for s, n in summary.documents.items())
    typer.echo(f"{plural(len(summary.labels), 'label')}, documents {docs_text}; "
               f"{plural(summary.dropped_overlaps, 'overlapping span')} dropped; card in {out / 'README.md'}", err=True)


def train(
    data: Path = typer.Option(..., "--data", help="a corpus folder (caseminer corpus build)"),
    out: Path = typer.Option(..., "-o", "--out", help="the model folder to write, e.g. models/NAME"),
    base_model: Optional[str] = typer.Option(None, "--base-model", help="a hub name or local folder to fine-tune "
                                             "(default: a small BERT built from a config)"),
    epochs: int = typer.Option(20, "--epochs", min=1, help="most epochs (early stopping may end sooner)"),
    lr: Optional[float] = typer.Option(None, "--lr", help="learning rate (default 5e-4 from scratch, 5e-5 with "
                                       "--base-model)"),
    seed: int = typer.Option(13, "--seed"),
    max_length: int = typer.Option(256, "--max-length", min=16, help="sub-tokens per window (long documents "
                                   "are split into overlapping windows)"),
    stride: int = typer.Option(32, "--stride", min=0, help="sub-tokens shared by neighbouring windows"),
    batch_size: int = typer.Option(16, "--batch-size", min=1),
    patience: int = typer.Option(4, "--patience", min=1, help="epochs without a better validation F1 before stopping"),
    hidden_size: int = typer.Option(128, "--hidden-size", min=8, help="small model: hidden size"),
    layers: int = typer.Option(2, "--layers", min=1, help="small model: layers"),
    heads: int = typer.Option(2, "--heads", min=1, help="small model: attention heads"),
) -> None:
    """Train a token classifier (HF Trainer, best epoch kept) into a safetensors-only model folder."""
    _offline_defaults()
    from nlp.train.safeload import ModelFolderError
    from nlp.train.trainer import TrainConfig, best_epoch_line, train_model
    if not data.is_dir():
        fail(f"no such corpus folder: {data}", EXIT_USAGE)
    if stride >= max_length // 2:
        fail("--stride must be less than half of --max-length", EXIT_USAGE)
    cfg = TrainConfig(base_model=base_model, epochs=epochs, lr=lr, seed=seed, max_length=max_length, stride=stride,
                      batch_size=batch_size, patience=patience, hidden_size=hidden_size, layers=layers, heads=heads,
                      intermediate_size=hidden_size * 4)
    try:
        metrics = train_model(data, out, cfg, log=lambda m: typer.echo(m, err=True))
    except (ModelFolderError, FileNotFoundError, ValueError, OSError) as exc:
        fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, EXIT_INVALID)
    typer.echo(f"model in {out}; {best_epoch_line(metrics)}", err=True)


def evaluate_model(
    model: Path = typer.Option(..., "--model", help="a model folder (caseminer train -o)"),
    data: Path = typer.Option(..., "--data", help="a corpus folder (caseminer corpus build)"),
    split: str = typer.Option("test", "--split", help="the split to score"),
) -> None:
    """Strict span precision, recall and F1 per label and micro (seqeval) on a corpus split."""
    _offline_defaults()
    from nlp.train.evaluate import evaluate_model as run
    from nlp.train.evaluate import UnknownSplit, format_scores
    from nlp.train.safeload import ModelFolderError
    if not data.is_dir():
        fail(f"no such corpus folder: {data}", EXIT_USAGE)
    try:
        result = run(model, data, split)
    except UnknownSplit as exc:
        fail(str(exc), EXIT_USAGE)
    except (ModelFolderError, FileNotFoundError, ValueError) as exc:
        fail(str(exc), EXIT_INVALID)
    typer.echo(format_scores(result).rstrip("\n"))


def register(app: typer.Typer) -> None:
    """Add corpus (silver, build), train and evaluate-model to ``app``."""
    app.add_typer(corpus_app, name="corpus")
    app.command("train")(train)
    app.command("evaluate-model")(evaluate_model)
