"""Files written whole or not at all: a reader (or a run killed half-way) never sees half a file."""
from __future__ import annotations

from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Whole under its name or absent: written under a hidden temporary name, then renamed."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
