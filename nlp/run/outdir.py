"""The output folder of a run: only what caseminer wrote is ever moved, overwritten or deleted.

A folder is a caseminer run when it holds a run marker (:mod:`nlp.dataset.runmarker`), which
lists what the run wrote there.

- A non-empty folder without a marker is refused unless ``force``; even then a run whose outputs
  would land on a name no marker lists is refused, so nothing of the user's is touched.
- An earlier whole run is moved into ``.previous/`` before the new run writes anything, and removed
  when the new run has finished. A run killed half-way leaves it whole there: the next run says
  so, and :meth:`OutputFolder.restore` (``caseminer restore``) puts it back.
- What a killed run left is not worth keeping: the files its marker lists go (``keep`` names stay,
  for ``--resume``, which moves them aside itself).
- Every move is ordered so that a kill at any point leaves a state the next run puts right: into
  ``.previous/`` the outputs first and the marker last (``.previous/`` without a marker is an
  interrupted move, rolled back); back out of it the marker first.
- One run at a time: :class:`~nlp.run.lock.RunLock`, held from the first look at the folder to
  the end of the run.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterable, Optional, Sequence

from nlp.dataset.runmarker import MARKER, MARKER_TEMPORARY, RunMarker, now, read_marker
from nlp.run.lock import LOCK_FILE, RunLock

PREVIOUS_DIR = ".previous"


class FolderRefused(Exception):
    """The folder cannot take the run as it is; the message says why and what to do."""


def _exists(path: Path) -> bool:
    return os.path.lexists(path)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


class OutputFolder:
    """``with OutputFolder(path) as folder:`` holds the folder's lock; :meth:`make_room` then
    :meth:`finish` for a run, or :meth:`restore`."""

    def __init__(self, path: Path, force: bool = False):
        self.path = Path(path)
        self.force = force
        self.previous = self.path / PREVIOUS_DIR
        self.lock = RunLock(self.path)
        self.marker: Optional[RunMarker] = None

    def __enter__(self) -> "OutputFolder":
        if self.path.exists() and not self.path.is_dir():
            raise FolderRefused(f"not a folder: {self.path}")
        self._refuse_foreign()  # before the lock file: a refused folder is left untouched
        self.path.mkdir(parents=True, exist_ok=True)
        self.lock.acquire()
        try:
            self._refuse_foreign()  # again, now that no other run can change it
        except FolderRefused:
            self.lock.release()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.lock.release()

    def _refuse_foreign(self) -> None:
        if self.force or not self.path.is_dir() or read_marker(self.path) is not None:
            return
        ours = {LOCK_FILE, MARKER_TEMPORARY} | ({PREVIOUS_DIR} if read_marker(self.previous) else set())
        if any(entry.name not in ours for entry in self.path.iterdir()):
            raise FolderRefused(f"{self.path} is not empty and holds no caseminer run (no {MARKER}): write to a "
                                "new or empty folder, or add --force to write beside its files (caseminer "
                                "never touches a file it did not write)")

    def make_room(self, outputs: Sequence[str], keep: Sequence[str] = ()) -> Optional[str]:
        """Set the earlier run aside for a new one that writes ``outputs`` (``keep``: names of the
        earlier run left in place), and mark the folder as the new run's. Returns a notice for
        the user when a whole earlier run waits in ``.previous/``."""
        notice = self._settle_previous()
        top = read_marker(self.path)
        listed = set(top.outputs) | set(keep) if top else set()
        for name in outputs:
            if _exists(self.path / name) and name not in listed:
                raise FolderRefused(f"{self.path / name} was not written by caseminer (no run marker lists it): "
                                    "move it away, or write to another folder")
        if top is not None and top.whole and not keep:
            self._move_aside(top)
        elif top is not None:  # a killed run's remains (or, for --resume, its tables)
            for name in top.outputs:
                if name not in keep and _exists(self.path / name):
                    _remove(self.path / name)
        self.marker = RunMarker(list(outputs))
        self.marker.save(self.path)  # before any output: a kill from here on leaves a listed run
        return notice

    def finish(self) -> None:
        """The run has finished: its marker says so and lists what is there; the run it replaced goes."""
        assert self.marker is not None, "make_room first"
        self.marker.finished = now()
        self.marker.outputs = [name for name in self.marker.outputs if _exists(self.path / name)]
        self.marker.save(self.path)
        kept = read_marker(self.previous)
        if kept is not None:
            self._drop_previous(kept)

    def restore(self) -> RunMarker:
        """Put back the whole run kept in ``.previous/`` in place of what a killed run left."""
        self._settle_previous()
        kept, top = read_marker(self.previous), read_marker(self.path)
        if kept is None:
            raise FolderRefused(f"nothing to restore: no earlier run waits in {self.previous}")
        listed = set(top.outputs) if top else set()
        for name in kept.outputs:
            if _exists(self.path / name) and name not in listed:
                raise FolderRefused(f"{self.path / name} was not written by caseminer (no run marker lists it): "
                                    "move it away first")
        for name in listed:
            if _exists(self.path / name):
                _remove(self.path / name)
        os.replace(self.previous / MARKER, self.path / MARKER)  # first: it lists what is coming back
        self._move_back(kept.outputs)
        return kept

    def _settle_previous(self) -> Optional[str]:
        """Finish what a kill interrupted in ``.previous/``; a notice when a whole earlier run waits there."""
        if not self.previous.is_dir() or self.previous.is_symlink():
            return None
        kept, top = read_marker(self.previous), read_marker(self.path)
        if kept is None:  # a move into .previous/ or out of it was stopped: back to the top
            self._move_back(top.outputs if top else ())
            return None
        if top is not None and top.whole:  # the run that replaced it finished, then was stopped
            self._drop_previous(kept)
            return None
        return (f"the last run into {self.path} stopped before it finished; the run before it (started "
                f"{kept.started}) is kept whole in {self.previous}/ until this run finishes "
                f"(`caseminer restore {self.path}` puts it back)")

    def _move_aside(self, top: RunMarker) -> None:
        try:
            self.previous.mkdir()
        except OSError as exc:
            raise FolderRefused(f"cannot keep the earlier run aside in {self.previous}: {exc.strerror}") from None
        moved: list[str] = []
        try:
            for name in top.outputs:
                if _exists(self.path / name):
                    os.rename(self.path / name, self.previous / name)
                    moved.append(name)
            os.rename(self.path / MARKER, self.previous / MARKER)  # last: .previous/ is whole once it is there
        except OSError as exc:
            for name in reversed(moved):
                os.rename(self.previous / name, self.path / name)
            self.previous.rmdir()
            raise FolderRefused(f"cannot move the earlier run aside ({exc.filename}: {exc.strerror}); it is "
                                "left as it was") from None

    def _move_back(self, names: Iterable[str]) -> None:
        for name in names:
            if _exists(self.previous / name) and not _exists(self.path / name):
                os.rename(self.previous / name, self.path / name)
        self._remove_previous_if_empty()

    def _drop_previous(self, kept: RunMarker) -> None:
        for name in kept.outputs:
            if _exists(self.previous / name):
                _remove(self.previous / name)
        (self.previous / MARKER).unlink()  # last: until then .previous/ says whose files it holds
        self._remove_previous_if_empty()

    def _remove_previous_if_empty(self) -> None:
        try:
            self.previous.rmdir()
        except OSError:  # something no marker lists is in there: not caseminer's to delete
            pass
