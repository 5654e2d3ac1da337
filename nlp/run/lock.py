"""One run at a time per output folder: an exclusive ``flock`` on ``OUTDIR/.caseminer.lock``.

The kernel drops the lock when its holder dies, however it dies, so a lock file left by a killed
run blocks nothing. The holder writes its pid into the file, for the message of the run it turns
away. (Worker processes forked from the holder share the lock; they end with it.)
"""
from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

LOCK_FILE = ".caseminer.lock"


class FolderBusy(Exception):
    """Another run holds the folder."""


class RunLock:
    def __init__(self, folder: Path):
        self.path = Path(folder) / LOCK_FILE
        self.fd = -1

    def acquire(self) -> None:
        """Take the lock at once, or raise FolderBusy naming the holder's pid."""
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = self._holder(fd)
                os.close(fd)
                raise FolderBusy(f"{self.path.parent} is in use by another caseminer run (pid {holder}); "
                                 "wait for it to end, or write to another folder") from None
            if self._still_named(fd):
                break
            os.close(fd)  # the holder before us removed the file as we opened it: lock the new one
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.fd = fd

    def _still_named(self, fd: int) -> bool:
        try:
            return os.stat(self.path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            return False

    @staticmethod
    def _holder(fd: int) -> str:
        for _ in range(20):  # the holder writes its pid just after it takes the lock
            pid = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            if pid:
                return pid
            time.sleep(0.025)
        return "unknown"

    def release(self) -> None:
        if self.fd < 0:
            return
        self.path.unlink(missing_ok=True)  # while still held: nobody locks a file that is going
        os.close(self.fd)
        self.fd = -1
