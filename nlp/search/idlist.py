"""The id list ``caseminer fetch --pmids FILE`` reads: a PMID or PMCID a line, ``#`` comments and
blank lines allowed (an export from a reference manager or another search tool)."""
from __future__ import annotations

import re
from pathlib import Path

from nlp.search.articles import pmcid

_PMID = re.compile(r"(?:PMID:?\s*)?(\d{1,9})", re.IGNORECASE)


class IdListError(Exception):
    """A list that cannot be read, or a line that holds no id: one line naming the file and line."""


def read_id_list(path: Path) -> list[str]:
    """PMIDs ("123") and PMCIDs ("PMC456"), in file order, each once."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise IdListError(f"{path}: cannot read the id list: {getattr(error, 'strerror', None) or error}") from None
    ids: dict[str, None] = {}
    for number, line in enumerate(lines, 1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        pmid = _PMID.fullmatch(text)
        found = pmcid(text) if text.upper().startswith("PMC") else (pmid.group(1) if pmid else "")
        if not found:
            raise IdListError(f"{path}:{number}: '{text[:60]}' is neither a PMID nor a PMCID")
        ids[found] = None
    if not ids:
        raise IdListError(f"{path}: holds no PMID or PMCID")
    return list(ids)
