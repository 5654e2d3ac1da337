"""Train a token classifier on a corpus folder (``caseminer corpus build``) with the HF Trainer:
evaluation each epoch, the best checkpoint kept (seqeval micro F1 on validation), early stopping.

Without a base model: a small BERT built from a config, with a WordPiece vocabulary trained on
the training split. The model folder holds safetensors weights only (see :mod:`nlp.train.modeldir`).
"""
from __future__ import annotations

import json
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Optional

from nlp.train.windows import IGNORE, encode_windows

PROGRESS_SECONDS = 15.0  # within an epoch, a line of progress at most this often (an epoch shorter says nothing)


@dataclass
class TrainConfig:
    base_model: Optional[str] = None
    epochs: int = 20
    lr: Optional[float] = None          # default: 5e-4 from scratch, 5e-5 fine-tuning a base model
    seed: int = 13
    max_length: int = 256
    stride: int = 32
    batch_size: int = 16
    patience: int = 4                   # epochs without a better validation F1 before stopping
    # the small model built from a config (no base model)
    hidden_size: int = 128
    layers: int = 2
    heads: int = 2
    intermediate_size: int = 512
    vocab_size: int = 8000

    @property
    def learning_rate(self) -> float:
        return self.lr if self.lr is not None else (5e-5 if self.base_model else 5e-4)


def _small_model(tokenizer, labels: list[str], cfg: TrainConfig):
    from transformers import AutoModelForTokenClassification, BertConfig
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=cfg.hidden_size, num_hidden_layers=cfg.layers,
                        num_attention_heads=cfg.heads, intermediate_size=cfg.intermediate_size,
                        max_position_embeddings=max(cfg.max_length, 64), pad_token_id=tokenizer.pad_token_id,
                        id2label=dict(enumerate(labels)), label2id={l: i for i, l in enumerate(labels)})
    return AutoModelForTokenClassification.from_config(config)


def _windows_dataset(tokenizer, split, cfg: TrainConfig):
    from datasets import Dataset
    enc = encode_windows(tokenizer, [list(w) for w in split["words"]], cfg.max_length, cfg.stride,
                         tags=[list(t) for t in split["ner_tags"]])
    return Dataset.from_dict({"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
                              "labels": enc["labels"]})


def seqeval_scores(true_tags: list[list[str]], pred_tags: list[list[str]]) -> dict:
    """Strict (IOB2) span scores: per label and micro."""
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2
    report = classification_report(true_tags, pred_tags, mode="strict", scheme=IOB2, output_dict=True,
                                   zero_division=0)
    return {k: {"precision": float(v["precision"]), "recall": float(v["recall"]), "f1": float(v["f1-score"]),
                "support": int(v["support"])} for k, v in report.items()}


def train_model(data_dir: Path, out: Path, cfg: TrainConfig, log=print) -> dict:
    import numpy as np
    import torch
    from transformers import (DataCollatorForTokenClassification, EarlyStoppingCallback, PrinterCallback, Trainer,
                              TrainerCallback, TrainingArguments, set_seed)

    from nlp.train import modeldir
    from nlp.train.corpus import corpus_fingerprint, load_corpus
    from nlp.train.safeload import load_token_classifier, load_tokenizer, quiet

    class EpochLog(TrainerCallback):
        """A line per epoch (its validation figures) and, in a long epoch, a line of progress every
        PROGRESS_SECONDS; silent once training is over (the best checkpoint's re-evaluation)."""

        def __init__(self) -> None:
            self.training = True
            self.epoch = 0
            self.first_step = 0
            self.started = self.shown = time.monotonic()

        def on_epoch_begin(self, args, state, control, **kwargs):
            self.epoch = round(state.epoch or 0) + 1
            self.first_step = state.global_step
            self.started = self.shown = time.monotonic()

        def on_step_end(self, args, state, control, **kwargs):
            now = time.monotonic()
            per_epoch = max(1, state.max_steps // max(1, round(args.num_train_epochs)))
            done = state.global_step - self.first_step
            if now - self.shown < PROGRESS_SECONDS or done >= per_epoch:  # the epoch's own line follows
                return
            self.shown = now
            rate = done / max(now - self.started, 1e-9)
            log(f"epoch {self.epoch} of {round(args.num_train_epochs)}: step {done} of {per_epoch} "
                f"({rate:.1f} steps/s, about {(per_epoch - done) / rate:.0f} s left in the epoch)")

        def on_evaluate(self, args, state, control, metrics=None, **kwargs):
            if self.training:
                log(f"epoch {state.epoch:.0f}: validation loss {metrics.get('eval_loss', 0):.3f}, "
                    f"F1 {metrics.get('eval_f1', 0):.3f}")

    quiet()
    from nlp.train.tokenizer import train_wordpiece

    started = time.time()
    set_seed(cfg.seed)
    corpus = load_corpus(data_dir)
    labels = corpus["train"].features["ner_tags"].feature.names
    if len(corpus["train"]) == 0:
        raise ValueError(f"the corpus has no training documents: {data_dir}")
    if cfg.base_model:
        tokenizer = load_tokenizer(cfg.base_model)
        model = load_token_classifier(cfg.base_model, num_labels=len(labels), id2label=dict(enumerate(labels)),
                                      label2id={l: i for i, l in enumerate(labels)}, ignore_mismatched_sizes=True)
    else:
        tokenizer = train_wordpiece(list(corpus["train"]["text"]), cfg.vocab_size, cfg.max_length)
        model = _small_model(tokenizer, labels, cfg)
    train_ds = _windows_dataset(tokenizer, corpus["train"], cfg)
    has_validation = len(corpus["validation"]) > 0
    eval_ds = _windows_dataset(tokenizer, corpus["validation"] if has_validation else corpus["train"], cfg)

    def compute_metrics(prediction):
        logits, gold = prediction
        predicted = np.argmax(logits, axis=-1)
        true_tags, pred_tags = [], []
        for p_row, g_row in zip(predicted, gold):
            keep = g_row != IGNORE
            true_tags.append([labels[i] for i in g_row[keep]])
            pred_tags.append([labels[i] for i in p_row[keep]])
        micro = seqeval_scores(true_tags, pred_tags).get("micro avg", {})
        return {"f1": micro.get("f1", 0.0), "precision": micro.get("precision", 0.0),
                "recall": micro.get("recall", 0.0)}

    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="caseminer-train-") as work:
        args = TrainingArguments(
            output_dir=work, num_train_epochs=cfg.epochs, learning_rate=cfg.learning_rate, seed=cfg.seed,
            per_device_train_batch_size=cfg.batch_size, per_device_eval_batch_size=cfg.batch_size * 2,
            eval_strategy="epoch", save_strategy="epoch", logging_strategy="epoch",
            load_best_model_at_end=True, metric_for_best_model="f1", greater_is_better=True,
            save_total_limit=1, save_only_model=True, report_to=[], disable_tqdm=True,
            use_cpu=not torch.cuda.is_available(), dataloader_num_workers=0,
            warmup_steps=0.1 if not cfg.base_model else 0.0, weight_decay=0.01)
        epoch_log = EpochLog()
        trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds,
                          data_collator=DataCollatorForTokenClassification(tokenizer),
                          compute_metrics=compute_metrics,
                          callbacks=[EarlyStoppingCallback(early_stopping_patience=cfg.patience), epoch_log])
        trainer.remove_callback(PrinterCallback)
        result = trainer.train()
        epoch_log.training = False
        history = [h for h in trainer.state.log_history if "eval_f1" in h]
        best_epoch = _best_epoch(history, trainer.state)
        best = trainer.evaluate()  # the kept (best) checkpoint, reloaded
        training_args = json.loads(args.to_json_string())
    seconds = round(time.time() - started, 1)
    validation = {k.removeprefix("eval_"): v for k, v in best.items()}
    validation["epoch"] = best_epoch
    metrics = {"validation": validation, "best_epoch": best_epoch,
               "best_checkpoint": trainer.state.best_model_checkpoint and Path(
                   trainer.state.best_model_checkpoint).name,
               "epochs_run": round(trainer.state.epoch or 0, 2), "train_loss": result.training_loss,
               "train_windows": len(train_ds), "history": history, "seconds": seconds}
    modeldir.save(out, trainer.model, tokenizer, labels=labels, metrics=metrics,
                  training_args={**training_args, "caseminer": asdict(cfg)},
                  fingerprint=corpus_fingerprint(data_dir), base_model=cfg.base_model)
    log(f"trained in {seconds} s ({metrics['epochs_run']:g} epochs)")
    return metrics


def _best_epoch(history: list[dict], state) -> Optional[int]:
    """The epoch of the kept checkpoint: the evaluation at its step, else the first with the best F1."""
    step = getattr(state, "best_global_step", None)
    if step is None and state.best_model_checkpoint:
        tail = Path(state.best_model_checkpoint).name.rpartition("-")[2]
        step = int(tail) if tail.isdigit() else None
    at_step = [h for h in history if step is not None and h.get("step") == step]
    if not at_step and history:
        at_step = [max(history, key=lambda h: h.get("eval_f1", 0.0))]
    return round(at_step[0]["epoch"]) if at_step else None


def best_epoch_line(metrics: dict) -> str:
    """The last line of ``caseminer train``: the kept epoch and its validation figures."""
    v = metrics.get("validation", {})
    return (f"best epoch {metrics.get('best_epoch')} of {metrics.get('epochs_run', 0):g} kept: validation F1 "
            f"{v.get('f1', 0):.3f} (precision {v.get('precision', 0):.3f}, recall {v.get('recall', 0):.3f}, "
            f"loss {v.get('loss', 0):.3f})")
