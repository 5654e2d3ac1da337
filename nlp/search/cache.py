"""``DIR/.cache/``: every article efetch answered, one file per id and version, and the id list of
each search; a rerun reads them instead of asking again (``--refresh`` asks again).

Each file is written whole (:func:`nlp.atomic.write_atomic`) as soon as its batch has come, so a
search killed half-way keeps every batch it had received, and nothing is fetched twice.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from nlp.atomic import write_atomic

CACHE_DIR = ".cache"
_VERSION = re.compile(r"\.v(\d+)\.xml$")


class Cache:
    def __init__(self, folder: Path) -> None:
        self.root = folder / CACHE_DIR

    def get(self, db: str, key: str) -> bytes | None:
        """The newest version on disk of article ``key`` of ``db``, or None."""
        versions = {}
        for path in (self.root / db).glob(f"{key}.v*.xml"):
            found = _VERSION.search(path.name)
            if found and path.name == f"{key}.v{found.group(1)}.xml":
                versions[int(found.group(1))] = path
        return versions[max(versions)].read_bytes() if versions else None

    def put(self, db: str, key: str, version: str, data: bytes) -> None:
        (self.root / db).mkdir(parents=True, exist_ok=True)
        write_atomic(self.root / db / f"{key}.v{version}.xml", data)

    def _listing_path(self, params: dict) -> Path:
        digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:20]
        return self.root / "esearch" / f"{digest}.json"

    def listing(self, params: dict) -> dict | None:
        """The id list an earlier search with the same ``params`` found, or None."""
        path = self._listing_path(params)
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # absent, or not ours: search again
            return None

    def put_listing(self, params: dict, listing: dict) -> None:
        path = self._listing_path(params)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps({**listing, "params": params}).encode())
