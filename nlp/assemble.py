"""Spans to record: choose among one patient's candidates, field by field, keeping the
evidence of every value and a confidence for it."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Iterable, Optional

from nlp.context import BLOCKING, section_weight
from nlp.extract.base import MODEL_FLAG, Candidate
from nlp.extract.registry import Assembled, assembly_rules, complete_record
from nlp.schema import FIELDS, LEVELS, LIST_FIELDS, CaseRecord, Span, combination_of


@dataclass(frozen=True)
class Choice:
    value: Any
    support: tuple[Candidate, ...]


def _weight(c: Candidate) -> float:
    return c.confidence * section_weight(c.section)


def _agreeing(best: Candidate, pool: list[Candidate]) -> tuple[Candidate, ...]:
    return (best,) + tuple(c for c in pool if c is not best and c.value == best.value)[:2]


def first(pool: list[Candidate]) -> Optional[Choice]:
    """The strongest candidate, earliest among equals."""
    best = min(pool, key=lambda c: (-round(_weight(c), 2), c.start))
    return Choice(best.value, _agreeing(best, pool))


def last(pool: list[Candidate]) -> Optional[Choice]:
    """The latest candidate from the best-weighted sections (the state at last report)."""
    top = max(round(section_weight(c.section), 2) for c in pool)
    best = max((c for c in pool if round(section_weight(c.section), 2) == top),
               key=lambda c: (c.start, c.confidence))
    return Choice(best.value, (best,))


def largest(pool: list[Candidate]) -> Optional[Choice]:
    best = max(pool, key=lambda c: (c.value, _weight(c)))
    return Choice(best.value, _agreeing(best, pool))


def any_true(pool: list[Candidate]) -> Optional[Choice]:
    """True wins over False: a recurrence reported at any point of the history counts."""
    positives = [c for c in pool if c.value is True]
    return first(positives) if positives else first(pool)


def union(pool: list[Candidate]) -> Optional[Choice]:
    values: list[Any] = []
    support: list[Candidate] = []
    for c in sorted(pool, key=lambda c: c.start):
        key = _key(c.value)
        if key not in {_key(v) for v in values}:
            values.append(c.value)
        support.append(c)
    return Choice(values, tuple(support))


def _key(value: Any) -> Any:
    return tuple(sorted(value.items())) if isinstance(value, dict) else value


def cement_by_level(pool: list[Candidate]) -> Optional[Choice]:
    """One volume per vertebra: the strongest statement for each."""
    chosen: dict[Any, Candidate] = {}
    for c in sorted(pool, key=lambda c: (-round(_weight(c), 2), c.start)):
        chosen.setdefault(c.value.get("level"), c)
    ordered = sorted(chosen.values(), key=lambda c: c.start)
    return Choice([c.value for c in ordered], tuple(ordered))


def arteries(pool: list[Candidate]) -> Optional[Choice]:
    """All arteries named, less the side-less mention of one named elsewhere with its side
    ("bilateral feeders from L1 ... the L1 lumbar arteries were occluded") and a bilateral
    mention of a level whose left and right arteries are named."""
    choice = union(pool)
    sides = {}
    for v in choice.value:
        sides.setdefault(v["level"], set()).add(v.get("side"))
    # "the right and left T11 arteries ... Both T11 feeders": the bilateral one is those two
    kept = [v for v in choice.value
            if (v.get("side") or sides[v["level"]] == {None})
            and not (v.get("side") == "bilateral" and {"left", "right"} <= sides[v["level"]])]
    return Choice(kept, choice.support)


def spine_order(pool: list[Candidate]) -> Optional[Choice]:
    """All vertebrae named, from the head down."""
    choice = union(pool)
    return Choice(sorted(choice.value, key=LEVELS.index), choice.support)


POLICIES: dict[str, Callable[[list[Candidate]], Optional[Choice]]] = {
    "first": first, "last": last, "largest": largest, "any_true": any_true, "union": union,
    "cement_by_level": cement_by_level, "arteries": arteries, "spine_order": spine_order}


@dataclass(frozen=True)
class FieldRule:
    policy: Callable[[list[Candidate]], Optional[Choice]]
    blocking: frozenset[str]


@lru_cache(maxsize=1)
def field_rules() -> dict[str, FieldRule]:
    """How each field chooses among its candidates: the defaults (the strongest for a
    scalar, all of them for a list), overridden by the families' ``assemble:`` entries,
    e.g. ``vas_post: {policy: last}`` or ``sex: {blocking: [review, pooled]}``."""
    rules = {f: FieldRule(union if f in LIST_FIELDS else first, BLOCKING) for f in FIELDS}
    for field, rule in assembly_rules().items():
        rules[field] = FieldRule(POLICIES[rule.get("policy", "union" if field in LIST_FIELDS else "first")],
                                 frozenset(rule["blocking"]) if "blocking" in rule else BLOCKING)
    return rules


def choose(field: str, candidates: list[Candidate]) -> Optional[Choice]:
    rule = field_rules()[field]
    pool = [c for c in candidates if not (c.flags & rule.blocking) and section_weight(c.section) > 0]
    return rule.policy(pool) if pool else None


def assemble(document_id: str, case_index: int, candidates: Iterable[Candidate], text: str) -> CaseRecord:
    """The record of one patient from the candidates found in its part of the document."""
    by_field: dict[str, list[Candidate]] = defaultdict(list)
    for c in candidates:
        by_field[c.field].append(c)
    record = Assembled({}, {}, {}, {})
    effects: dict[str, str] = {}
    for field in FIELDS:
        choice = choose(field, by_field.get(field, []))
        if choice is None or choice.value in (None, []):
            continue
        effect = model_effect(field, by_field[field], choice)
        if effect:
            effects[field] = effect
        record.values[field] = choice.value
        record.support[field] = choice.support
        record.evidence[field] = _spans(choice.support, text)
        record.confidence[field] = round(max(min(1.0, _weight(c)) for c in choice.support), 3)
    complete_record(record)
    values, evidence, confidence = record.values, record.evidence, record.confidence
    combination = combination_of(values.get("treatments", []))
    if combination:  # derived by the record model's own rule
        values["combination"] = combination
        evidence["combination"] = evidence["treatments"]
        confidence["combination"] = confidence["treatments"]
    model = {field: effect for field, effect in effects.items() if field in values}  # completion may drop one
    return CaseRecord(document_id=document_id, case_index=case_index, evidence=evidence,
                      confidence=confidence, model=model, **values)


def model_effect(field: str, candidates: list[Candidate], choice: Choice) -> str | None:
    """What a trained model's candidates did to a field's value: ``filled`` (the rules' own
    candidates give none), ``changed`` (they give another value), or None (the value rests on
    the rules alone, or the model only agrees with them)."""
    if not any(MODEL_FLAG in c.flags for c in choice.support):
        return None
    rules_only = choose(field, [c for c in candidates if MODEL_FLAG not in c.flags])
    if rules_only is None or rules_only.value in (None, []):
        return "filled"
    return "changed" if rules_only.value != choice.value else None


def _spans(support: Iterable[Candidate], text: str) -> list[Span]:
    seen: set[tuple[int, int]] = set()
    spans = []
    for c in sorted(support, key=lambda c: c.start):
        if (c.start, c.end) not in seen:
            seen.add((c.start, c.end))
            spans.append(Span(start=c.start, end=c.end, text=text[c.start:c.end]))
    return spans
