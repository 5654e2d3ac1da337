"""``patterns/series.yaml`` compiled once: column headers (the series' own and every family's),
cell words, patient references."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from nlp.extract.registry import column_rules
from nlp.patterns import load_patterns


@dataclass(frozen=True)
class ColumnRule:
    fields: tuple[str, ...]
    match: re.Pattern
    unless: Optional[re.Pattern] = None
    implies: Optional[str] = None
    implies_alone: Optional[str] = None
    inverse: bool = False

    def names(self, header: str) -> bool:
        return bool(self.match.search(header)) and not (self.unless and self.unless.search(header))


def _rx(source: str) -> re.Pattern:
    return re.compile(source, re.IGNORECASE)


def _column_rule(entry: dict) -> ColumnRule:
    return ColumnRule(tuple(entry["fields"]), _rx(entry["match"]), _rx(entry["unless"]) if entry["unless"] else None,
                      entry["implies"], entry["implies_alone"], entry["inverse"])


@lru_cache(maxsize=1)
def rules() -> dict:
    data = dict(load_patterns("series"))
    data["columns"] = [_column_rule(e) for e in column_rules()]
    return data
