"""The one gate every model loader goes through: model folders hold safetensors weights only.

A folder with any pickled file (*.bin, *.pt, *.pth, *.pkl, *.ckpt) or without
``model.safetensors`` is refused with a one-line error, and weights load with
``use_safetensors=True``. Hub names (not folders) are loaded with ``use_safetensors=True`` and,
when ``HF_HUB_OFFLINE`` is set, ``local_files_only=True``.
"""
from __future__ import annotations

import os
from pathlib import Path

PICKLED = ("*.bin", "*.pt", "*.pth", "*.pkl", "*.ckpt")


class ModelFolderError(ValueError):
    """A model folder that is not safe (or not complete) to load."""


def check_model_dir(path: Path) -> Path:
    path = Path(path)
    if not path.is_dir():
        raise ModelFolderError(f"no such model folder: {path}")
    pickled = sorted({str(p.relative_to(path)) for pattern in PICKLED for p in path.rglob(pattern)})
    if pickled:
        shown = ", ".join(pickled[:3]) + (f" and {len(pickled) - 3} more" if len(pickled) > 3 else "")
        raise ModelFolderError(f"refusing model folder {path}: pickled weights ({shown}); "
                               f"only safetensors are loaded")
    if not (path / "model.safetensors").is_file():
        raise ModelFolderError(f"refusing model folder {path}: no model.safetensors")
    return path


def offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def quiet() -> None:
    """No progress bars from transformers ("Loading weights", "Writing model shards")."""
    from transformers.utils import logging as hf_logging
    hf_logging.disable_progress_bar()


def _source(name_or_path) -> tuple[str, dict]:
    path = Path(str(name_or_path))
    if path.exists():
        check_model_dir(path)
        return str(path), {"local_files_only": True}
    return str(name_or_path), {"local_files_only": offline()}


def load_token_classifier(name_or_path, **kwargs):
    """AutoModelForTokenClassification, safetensors only."""
    from transformers import AutoModelForTokenClassification
    quiet()
    source, extra = _source(name_or_path)
    return AutoModelForTokenClassification.from_pretrained(source, use_safetensors=True, **extra, **kwargs)


def load_tokenizer(name_or_path, **kwargs):
    """AutoTokenizer (fast) from a checked folder or a hub name."""
    from transformers import AutoTokenizer
    quiet()
    path = Path(str(name_or_path))
    if path.exists():
        check_model_dir(path)
        return AutoTokenizer.from_pretrained(str(path), local_files_only=True, **kwargs)
    return AutoTokenizer.from_pretrained(str(name_or_path), local_files_only=offline(), **kwargs)
