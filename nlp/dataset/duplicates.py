"""A document met twice: the one rule ``extract`` (within a run) and ``aggregate`` (across runs)
share.

A document repeats an earlier one when it has the same DOI, the same PMID, or the same content:
the same file bytes (sha256) at the same place among the documents that file gave (a PubMed set
gives several articles from one file; they are not copies of each other).
"""
from __future__ import annotations

from typing import Optional

# manifest statuses of documents that were read: the ones a later copy repeats
READ_STATUSES = ("ok", "no_case", "excluded")
_DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:")


def normal_doi(value: Optional[str]) -> str:
    """A DOI as written in any of its usual forms, lower-cased without its URL or ``doi:`` prefix."""
    value = (value or "").strip().lower()
    for prefix in _DOI_PREFIXES:
        if value.startswith(prefix):
            value = value[len(prefix):]
    return value.strip()


class SeenDocuments:
    """Identities (DOI, PMID, content) of the documents kept so far, and the name of the first of each."""

    def __init__(self) -> None:
        self.keys: dict[tuple[str, str], str] = {}

    @staticmethod
    def identities(row: dict, part: int = 0) -> list[tuple[str, str]]:
        """``row``: a manifest row (doi, pmid, sha256); ``part``: its place among its file's documents."""
        keys = []
        if normal_doi(row.get("doi")):
            keys.append(("DOI", normal_doi(row["doi"])))
        if str(row.get("pmid") or "").strip():
            keys.append(("PMID", str(row["pmid"]).strip()))
        if row.get("sha256"):
            keys.append(("content", f"{row['sha256']}#{part}"))
        return keys

    def earlier(self, row: dict, part: int = 0) -> Optional[str]:
        """Why ``row`` repeats a kept document ("same DOI as a"), or None."""
        for kind, value in self.identities(row, part):
            if (kind, value) in self.keys:
                return f"same {kind} as {self.keys[(kind, value)]}"
        return None

    def add(self, row: dict, name: str, part: int = 0) -> None:
        for key in self.identities(row, part):
            self.keys.setdefault(key, name)
