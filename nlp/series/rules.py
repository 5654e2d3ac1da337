"""``patterns/series.yaml`` compiled once: column headers, cell words, patient references."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from nlp.extract.base import load_patterns


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
    return ColumnRule(tuple(entry.get("fields", ())), _rx(entry["match"]),
                      _rx(entry["unless"]) if entry.get("unless") else None,
                      entry.get("implies"), entry.get("implies_alone"), bool(entry.get("inverse")))


@lru_cache(maxsize=1)
def rules() -> dict:
    data = dict(load_patterns("series"))
    data["regex"] = dict(data["regex"])
    data["columns"] = [_column_rule(e) for e in data["columns"]]
    for key in ("vas_100", "header_unit"):
        data[key] = _rx(data[key])
    grades = "|".join(sorted((re.escape(g) for g in data["grades"]), key=len, reverse=True))
    data["regex"]["grade_definition"] = _rx(data["regex"]["grade_definition"].pattern.replace("{grade}", grades))
    patients = dict(data["patients"])
    num = patients.pop("num")
    compiled = {key: [_rx(s) for s in value] if isinstance(value, list)
                else re.compile(value) if key.endswith("_cs") else _rx(value.replace("{num}", num))
                for key, value in patients.items()}
    compiled["num"] = _rx(num)
    data["patients"] = compiled
    return data
