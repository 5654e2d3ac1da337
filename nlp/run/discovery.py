"""Input discovery: the files a run reads, from the files and folders named on the command line.

Folders are searched recursively, in sorted path order, and never into the output folder nor into
any folder holding a run marker (their files are outputs, not inputs). Only regular files are
read: a symbolic link met in a folder is followed only when its target stays inside the folder
searched; FIFOs, sockets, devices and links leaving the folder are ``skipped`` with the reason,
never opened. Hidden names and the log of a ``caseminer search`` folder are passed over in silence.
A path named on the command line is the user's choice: a link is followed, and anything but a
regular file ``failed`` with the reason.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Collection, Iterable, Iterator

from nlp.dataset.runmarker import MARKER
from nlp.ingest import READABLE_SUFFIXES, Limits, document_id_for
from nlp.job import DocResult, file_sha256
from nlp.search import SEARCH_LOG


class NoInput(Exception):
    """A named path that does not exist or is an output, or nothing caseminer reads among the inputs."""


@dataclass
class Input:
    path: Path
    named: bool  # given on the command line rather than met while scanning a folder
    refused: str = ""  # why the file is not opened (a FIFO, a link leaving the folder)


def readable(path: Path) -> bool:
    name = path.name.lower()
    return any(name.endswith(suffix) for suffix in READABLE_SUFFIXES)


def _kind(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    for test, kind in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return kind
    return "not a regular file"


def _inside(path: str, folder: str) -> bool:
    return os.path.commonpath([path, folder]) == folder


def _walk(folder: Path, root: str, outdir: str) -> Iterator[Input]:
    """The files under ``folder`` (``root``: the real path of the folder named, links must stay inside)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(".") or entry.name == SEARCH_LOG:  # a search folder's log and .cache/
            continue
        path = Path(entry.path)
        if entry.is_symlink():
            target = os.path.realpath(entry.path)
            if not os.path.exists(target):
                yield Input(path, False, "a symbolic link to nothing")
            elif not _inside(target, root):
                yield Input(path, False, "a symbolic link to a file outside the folder searched")
            elif os.path.isfile(target):
                yield Input(path, False)
            elif not os.path.isdir(target):  # a link to a folder inside is searched as that folder
                yield Input(path, False, _kind(os.stat(target).st_mode))
        elif entry.is_dir(follow_symlinks=False):
            if os.path.realpath(entry.path) != outdir and not (path / MARKER).exists():
                yield from _walk(path, root, outdir)
        elif entry.is_file(follow_symlinks=False):
            yield Input(path, False)
        else:
            yield Input(path, False, _kind(entry.stat(follow_symlinks=False).st_mode))


def _output_of_the_run(real: str, out: str, outputs: Collection[str]) -> bool:
    """Is ``real`` the output folder, or in what the run writes or keeps there (hidden names included)?"""
    if not _inside(real, out):
        return False
    first = Path(os.path.relpath(real, out)).parts[:1]
    return not first or first[0] in outputs or first[0].startswith(".")


def collect_inputs(paths: Iterable[Path], outdir: Path, outputs: Collection[str] = ()) -> list[Input]:
    """Files named and files under folders named, in sorted path order; nothing from ``outdir``
    (a file named inside it is read, unless it lies in ``outputs``, the names the run writes there)."""
    out = os.path.realpath(outdir)
    found: dict[Path, Input] = {}
    for path in paths:
        if not path.exists():
            raise NoInput(f"no such file or folder: {path}")
        if _output_of_the_run(os.path.realpath(path), out, outputs):
            raise NoInput(f"{path} is the output folder {outdir} or one of its outputs: caseminer does not "
                          "read its outputs")
        real = os.path.realpath(path)
        if path.is_dir():
            if (path / MARKER).exists():
                raise NoInput(f"{path} holds a caseminer run ({MARKER}): its files are outputs, not inputs")
            for inp in _walk(path, real, out):
                found.setdefault(inp.path, inp)
        else:
            mode = path.stat().st_mode
            found[path] = Input(path, True, "" if stat.S_ISREG(mode) else _kind(mode))
    inputs = [found[p] for p in sorted(found, key=str)]
    if not any(readable(i.path) and not i.refused for i in inputs) and not any(i.named for i in inputs):
        raise NoInput("no readable input found (caseminer reads " + ", ".join(READABLE_SUFFIXES) + ")")
    return inputs


def unread_result(inp: Input, limits: Limits) -> DocResult:
    """An input caseminer does not open: not a regular file, or of a type it does not read;
    ``skipped`` when met in a folder, ``failed`` when named."""
    status = "failed" if inp.named else "skipped"
    if inp.refused:
        return DocResult(str(inp.path), document_id_for(inp.path), status, "", f"not read: {inp.refused}")
    if inp.named:
        return DocResult(str(inp.path), document_id_for(inp.path), status, "",
                         f"unsupported file type '{''.join(inp.path.suffixes) or inp.path.name}'")
    return DocResult(str(inp.path), document_id_for(inp.path), status,
                     file_sha256(inp.path, limits.max_bytes), "not a type caseminer reads")
