"""Document ids and file-name safety: ids made unique within a run, made plain file names, and
any name made printable. Low in the house: imports nothing of nlp (a run and the merging of runs
both use it)."""
from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_BYTES = range(0xDC80, 0xDD00)  # how Python keeps the bytes of a file name that are not UTF-8
_UNSAFE_IN_ID = re.compile(r"[\x00-\x1f\x7f/\\]")
_MAX_ID_BYTES = 200  # room left for "__NN", ".txt" and the temporary name within 255 bytes


class UniqueIds:
    """``document_id`` made unique within a run: later holders of an id get ``__2``, ``__3``
    (skipping any that an input already holds by its own name)."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}
        self.issued: set[str] = set()

    def __call__(self, document_id: str) -> str:
        n = self.seen.get(document_id, 0)
        unique = document_id
        while unique in self.issued:
            n += 1
            unique = f"{document_id}__{n}" if n > 1 else document_id
        self.seen[document_id] = max(n, 1)
        self.issued.add(unique)
        return unique


def writable(text: str) -> str:
    """``text`` as valid Unicode: a file-name byte that is not UTF-8 shows as ``\\xe9``, any other
    lone surrogate as U+FFFD."""
    def fix(match: re.Match) -> str:
        code = ord(match.group())
        return f"\\x{code - 0xDC00:02x}" if code in _ESCAPED_BYTES else "\ufffd"
    return _SURROGATE.sub(fix, text)


def printable(text: str) -> str:
    """``text`` for one line of a terminal: control characters (a newline in a file name) escaped."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                   for ch in writable(text))


def safe_id(document_id: str) -> str:
    """A document id that is one plain file name in texts/: no path separator or control character
    (a PMID comes from the file's content and could be "../../x"), valid UTF-8, at most 200 bytes."""
    safe = _UNSAFE_IN_ID.sub("_", writable(document_id)) or "_"
    while len(safe.encode("utf-8")) > _MAX_ID_BYTES:
        safe = safe[:-1]
    return safe
