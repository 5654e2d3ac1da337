"""A model folder: what is saved beside the weights, and loading it back (through the
safetensors-only gate of :mod:`nlp.train.safeload`).

Files: model.safetensors + config.json (labels as id2label), the tokenizer, label_map.json
(model label -> record field; editable), metrics.json, training_args.json, data_fingerprint.json,
versions.json and a model card README.md.
"""
from __future__ import annotations

import json
import platform
import shutil
from pathlib import Path
from typing import Optional

from nlp.extract.registry import model_labels
from nlp.schema import FIELDS
from nlp.train.safeload import (
    PICKLED,
    check_model_dir,
    load_token_classifier,
    load_tokenizer,
)

LABEL_MAP = "label_map.json"


def entity_types(labels: list[str]) -> list[str]:
    return sorted({l[2:] for l in labels if l[:2] in ("B-", "I-")})


def default_label_map(labels: list[str]) -> dict[str, Optional[str]]:
    """Entity types of the public corpora that a family names (its ``model_labels``) map to its
    field; a label equal to a field name (silver spans, review spans) maps to that field."""
    known = model_labels()
    return {t: known.get(t, t if t in FIELDS else None) for t in entity_types(labels)}


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version
    found = {"python": platform.python_version()}
    for name in ("caseminer", "torch", "transformers", "tokenizers", "datasets", "accelerate", "seqeval",
                 "safetensors", "numpy"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            pass
    return found


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")


def save(out: Path, model, tokenizer, labels: list[str], metrics: dict, training_args: dict,
         fingerprint: dict, base_model: Optional[str]) -> Path:
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    model.save_pretrained(str(out), safe_serialization=True)
    tokenizer.save_pretrained(str(out))
    for pattern in PICKLED:  # nothing pickled may sit in a model folder
        for stray in out.rglob(pattern):
            stray.unlink()
    _write_json(out / LABEL_MAP, default_label_map(labels))
    _write_json(out / "metrics.json", metrics)
    _write_json(out / "training_args.json", training_args)
    _write_json(out / "data_fingerprint.json", fingerprint)
    _write_json(out / "versions.json", versions())
    (out / "README.md").write_text(model_card(out, labels, metrics, training_args, fingerprint, base_model),
                                   encoding="utf-8")
    check_model_dir(out)
    return out


def model_card(out: Path, labels, metrics, training_args, fingerprint, base_model) -> str:
    cfg = training_args.get("caseminer", {})
    validation = metrics.get("validation", {})
    label_map = default_label_map(labels)
    base = f"`{base_model}`" if base_model else (
        f"a small BERT built from a config (hidden {cfg.get('hidden_size')}, {cfg.get('layers')} layers, "
        f"{cfg.get('heads')} heads) with a WordPiece vocabulary trained on the training split")
    lines = [f"# {out.name}", "", "Token classifier (BIO tags) trained by `caseminer train`.", "",
             f"- Base: {base}", f"- Data: `{fingerprint.get('path')}` (sha256 {fingerprint.get('sha256', '')[:16]}…)",
             f"- Epochs run: {metrics.get('epochs_run')} of {cfg.get('epochs')}, learning rate "
             f"{training_args.get('learning_rate')}, max length {cfg.get('max_length')} (stride {cfg.get('stride')}), "
             f"seed {cfg.get('seed')}",
             f"- Validation (best epoch, strict span micro): P {validation.get('precision', 0):.3f} "
             f"R {validation.get('recall', 0):.3f} F1 {validation.get('f1', 0):.3f}",
             f"- Training time: {metrics.get('seconds')} s", "",
             "## Labels and the record fields they feed (`label_map.json`, editable)", "",
             "| model label | record field |", "|---|---|"]
    lines += [f"| {label} | {field or '—'} |" for label, field in label_map.items()]
    lines += ["", "Weights are safetensors only; `caseminer` refuses to load a folder holding pickled files.", ""]
    return "\n".join(lines)


class LoadedModel:
    """A model folder loaded for prediction."""

    def __init__(self, path: Path):
        self.path = check_model_dir(Path(path))
        self.model = load_token_classifier(self.path)
        self.model.eval()
        self.tokenizer = load_tokenizer(self.path)
        config = self.model.config
        self.labels = [config.id2label[i] for i in range(len(config.id2label))]
        map_path = self.path / LABEL_MAP
        self.label_map = (json.loads(map_path.read_text(encoding="utf-8")) if map_path.is_file()
                          else default_label_map(self.labels))
        args_path = self.path / "training_args.json"
        cfg = json.loads(args_path.read_text(encoding="utf-8")).get("caseminer", {}) if args_path.is_file() else {}
        self.max_length = int(cfg.get("max_length") or min(getattr(self.tokenizer, "model_max_length", 512), 512))
        self.stride = int(cfg.get("stride") or 32)
