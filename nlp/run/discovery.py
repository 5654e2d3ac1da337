"""Input discovery: the files a run reads, from the files and folders named on the command line."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from nlp.ingest import READABLE_SUFFIXES, Limits, document_id_for
from nlp.job import DocResult, file_sha256


class NoInput(Exception):
    """A named path that does not exist, or nothing caseminer reads among the inputs."""


@dataclass
class Input:
    path: Path
    named: bool  # given on the command line rather than met while scanning a folder


def readable(path: Path) -> bool:
    name = path.name.lower()
    return any(name.endswith(suffix) for suffix in READABLE_SUFFIXES)


def collect_inputs(paths: Iterable[Path]) -> list[Input]:
    """Files named and files under folders named, in sorted path order."""
    found: dict[Path, Input] = {}
    for path in paths:
        if not path.exists():
            raise NoInput(f"no such file or folder: {path}")
        if path.is_dir():
            for child in path.rglob("*"):
                if child.is_file() and not any(part.startswith(".") for part in child.relative_to(path).parts):
                    found.setdefault(child, Input(child, False))
        else:
            found[path] = Input(path, True)
    inputs = [found[p] for p in sorted(found, key=str)]
    if not any(readable(i.path) for i in inputs) and not any(i.named for i in inputs):
        raise NoInput("no readable input found (caseminer reads " + ", ".join(READABLE_SUFFIXES) + ")")
    return inputs


def unread_result(inp: Input, limits: Limits) -> DocResult:
    """An input of a type caseminer does not read: ``skipped`` when met in a folder, ``failed``
    when named."""
    if inp.named:
        return DocResult(str(inp.path), document_id_for(inp.path), "failed", "",
                         f"unsupported file type '{''.join(inp.path.suffixes) or inp.path.name}'")
    return DocResult(str(inp.path), document_id_for(inp.path), "skipped",
                     file_sha256(inp.path, limits.max_bytes), "not a type caseminer reads")
