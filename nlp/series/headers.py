"""Column headers to fields: "Age/Sex" holds age and sex, "VAS pre (mm)" the pain score
before treatment on a 0-100 scale, "FU (mo)" the follow-up in months; "Enn." and "Tx"
are read through the table's legend when their own words name nothing."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from nlp.series.rules import rules


@dataclass(frozen=True)
class Column:
    header: str
    fields: frozenset[str]
    unit: Optional[str] = None  # as the header writes it: "mo", "mL", "years"
    scale100: bool = False      # pain scores out of 100
    inverse: bool = False       # "Local control: yes" is no recurrence
    implies: tuple[str, ...] = ()
    implies_alone: tuple[str, ...] = ()
    headerless: bool = False    # a row of a list with no header: cells read by their content


def expand(header: str, abbreviations: dict[str, str]) -> str:
    """The header with each abbreviation the legend defines replaced by its long form."""
    if not abbreviations:
        return header
    keys = sorted(abbreviations, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, keys)) + r")(?![\w-])")
    return pattern.sub(lambda m: abbreviations[m.group(0)], header)


def _unit(header: str) -> Optional[str]:
    m = rules()["header_unit"].search(header)
    return (m["paren"] or m["comma"]).strip() if m else None


def read_column(header: str, abbreviations: dict[str, str]) -> Column:
    """What the column under ``header`` holds."""
    matched = _matching(header) or _matching(expand(header, abbreviations))
    fields = frozenset(f for rule in matched for f in rule.fields)
    return Column(header, fields, _unit(header), bool(rules()["vas_100"].search(header)),
                  any(rule.inverse for rule in matched),
                  tuple(r.implies for r in matched if r.implies),
                  tuple(r.implies_alone for r in matched if r.implies_alone))


def _matching(header: str) -> list:
    return [rule for rule in rules()["columns"] if rule.names(header)]


def headerless_column(fields: frozenset[str]) -> Column:
    return Column("", fields, headerless=True)
