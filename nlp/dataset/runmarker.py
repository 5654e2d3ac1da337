"""The run marker, ``.caseminer-run.json``: what makes a folder a caseminer run, and the list of
what caseminer wrote there, the only files and folders it will ever move, overwrite or delete.

    {"caseminer": "0.1.0", "started": "2025-01-31T10:00:00+00:00", "finished": null,
     "outputs": ["cases.jsonl", "manifest.jsonl", "texts", ...]}

``outputs`` are names at the top of the folder; a folder listed is wholly caseminer's (it made it).
A run writes its marker before any output, listing every name it may write, and again when it has
finished (``finished`` set, only the names that are there); ``caseminer report`` adds its own.
It lives with the run folder's format (below the run, which writes it, and the report, which adds
to it).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Optional

from nlp import __version__
from nlp.dataset.csvio import temporary_name, write_text_atomic

MARKER = ".caseminer-run.json"
MARKER_TEMPORARY = temporary_name(Path(MARKER)).name


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def plain_name(name: str) -> bool:
    """One name inside the folder: a marker can never point caseminer outside it."""
    return name not in ("", ".", "..", MARKER) and not any(c in name for c in "/\\\0")


@dataclass
class RunMarker:
    outputs: list[str]
    started: str = field(default_factory=now)
    finished: Optional[str] = None
    caseminer: str = __version__

    @property
    def whole(self) -> bool:
        """The run finished: every output it lists is complete."""
        return self.finished is not None

    def save(self, folder: Path) -> None:
        data = {"caseminer": self.caseminer, "started": self.started, "finished": self.finished,
                "outputs": self.outputs}
        write_text_atomic(Path(folder) / MARKER, json.dumps(data, indent=1) + "\n")


def read_marker(folder: Path) -> Optional[RunMarker]:
    """The marker of the run in ``folder``; None when there is none, or none that caseminer wrote."""
    try:
        data = json.loads((Path(folder) / MARKER).read_text(encoding="utf-8"))
        outputs = [name for name in data["outputs"] if isinstance(name, str) and plain_name(name)]
        return RunMarker(outputs, str(data["started"]), data.get("finished"), str(data.get("caseminer", "")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def add_outputs(folder: Path, names: Iterable[str]) -> None:
    """List ``names`` among the outputs of the run in ``folder`` (nothing when it has no marker)."""
    marker = read_marker(folder)
    if marker is not None:
        marker.outputs = sorted(set(marker.outputs) | set(names))
        marker.save(folder)
