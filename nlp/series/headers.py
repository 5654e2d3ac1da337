"""Column headers to fields: "Age/Sex" holds age and sex, "VAS pre (mm)" the pain score
before treatment on a 0-100 scale, "FU (mo)" the follow-up in months; "Enn." and "Tx"
are read through the table's legend when their own words name nothing."""
from __future__ import annotations

from typing import Optional

from nlp.extract.cells import Column, expand
from nlp.series.rules import rules


def _unit(header: str) -> Optional[str]:
    m = rules()["regex"]["header_unit"].search(header)
    return (m["paren"] or m["comma"]).strip() if m else None


def read_column(header: str, abbreviations: dict[str, str]) -> Column:
    """What the column under ``header`` holds."""
    matched = _matching(header) or _matching(expand(header, abbreviations))
    fields = frozenset(f for rule in matched for f in rule.fields)
    return Column(header, fields, _unit(header), bool(rules()["regex"]["vas_100"].search(header)),
                  any(rule.inverse for rule in matched),
                  tuple(r.implies for r in matched if r.implies),
                  tuple(r.implies_alone for r in matched if r.implies_alone))


def _matching(header: str) -> list:
    return [rule for rule in rules()["columns"] if rule.names(header)]


def headerless_column(fields: frozenset[str]) -> Column:
    return Column("", fields, headerless=True)
