"""A run's progress on stderr: tqdm's bar on a terminal; in a log (stderr not a terminal) a line
every LINE_SECONDS with the files done, the rate and the failures so far, so that a long run
says how far it is, even while one slow file holds it."""
from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

from nlp.plural import plural

LINE_SECONDS = 5.0


class Progress:
    """``update(failed)`` after each input file; ``close()`` at the end (stops the line timer)."""

    def __init__(self, total: int, show: bool = True, stream: TextIO | None = None,
                 every: float | None = None, clock: Callable[[], float] = time.monotonic):
        self.stream = stream or sys.stderr
        self.total, self.done, self.failed = total, 0, 0
        self.clock, self.started = clock, clock()
        self.bar = None
        self.stop = threading.Event()
        self.timer: threading.Thread | None = None
        if not show:
            return
        if self.stream.isatty():
            from tqdm import tqdm
            self.bar = tqdm(total=total, unit="file", file=self.stream)
        else:
            period = LINE_SECONDS if every is None else every
            self.timer = threading.Thread(target=self._tick, args=(period,), name="caseminer-progress", daemon=True)
            self.timer.start()

    def update(self, failed: int) -> None:
        """One more file done; ``failed``: the failures so far."""
        self.done += 1
        self.failed = failed
        if self.bar is not None:
            self.bar.update(1)

    def line(self) -> str:
        """``12 of 40 files done (2.4/s), 1 failed``."""
        rate = self.done / max(self.clock() - self.started, 1e-9)
        return f"{self.done} of {plural(self.total, 'file')} done ({rate:.1f}/s), {self.failed} failed"

    def _tick(self, period: float) -> None:
        while not self.stop.wait(period):
            self.stream.write(self.line() + "\n")  # one write: never interleaved with an error line
            self.stream.flush()

    def close(self) -> None:
        self.stop.set()
        if self.timer is not None:
            self.timer.join()
        if self.bar is not None:
            self.bar.close()
