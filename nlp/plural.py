"""Counts in the summary lines, with their nouns in agreement ("1 case record", "4 documents")."""
from __future__ import annotations


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """``n`` and ``noun``, or its plural (``nouns``, default ``noun`` + "s") unless ``n`` is 1."""
    return f"{n} {noun if n == 1 else nouns or noun + 's'}"
