"""ConText-style modifiers for a span of a sentence: negated, hypothetical, generic,
historical, other_person and review (general statements in an Introduction or
Discussion). The rules are data (``patterns/context.yaml``); this module applies them, and
says which modifiers keep a value out of the record (:data:`BLOCKING`) and how much a
section's sentences are trusted (:func:`section_weight`)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nlp.patterns import load_context

# the modifiers under which a value does not describe what happened to the patient
BLOCKING = frozenset(load_context().blocking)


@dataclass(frozen=True)
class Rule:
    trigger: re.Pattern
    category: str
    direction: str  # forward, backward, both
    window: int  # how many characters the scope reaches (0: to the sentence's end)


@dataclass(frozen=True)
class Rules:
    rules: tuple[Rule, ...]
    terminators: re.Pattern
    review_sections: frozenset[str]
    patient_reference: re.Pattern
    pseudo_triggers: tuple[re.Pattern, ...]


@lru_cache(maxsize=1)
def load_rules() -> Rules:
    data = load_context()
    rules = tuple(Rule(re.compile(r.trigger, re.IGNORECASE), r.category, r.direction, r.window)
                  for r in data.rules + data.extra_rules)
    return Rules(rules, re.compile(data.terminators, re.IGNORECASE),
                 frozenset(data.review_sections), re.compile(data.patient_reference, re.IGNORECASE),
                 tuple(re.compile(p, re.IGNORECASE) for p in data.pseudo_triggers))


def section_weight(kind: str) -> float:
    """How much a sentence in a section of this kind is trusted to describe the patient."""
    data = load_context()
    return data.section_weight.get(kind, data.default_section_weight)


def _without_pseudo_triggers(sentence: str, rules: Rules) -> str:
    """The sentence with each pseudo-trigger's word blanked (same length, so offsets hold)."""
    for pattern in rules.pseudo_triggers:
        for m in pattern.finditer(sentence):
            sentence = sentence[:m.start("word")] + " " * len(m["word"]) + sentence[m.end("word"):]
    return sentence


@lru_cache(maxsize=4096)
def _triggers(sentence: str) -> tuple[tuple[int, int, str, str, int], ...]:
    rules = load_rules()
    sentence = _without_pseudo_triggers(sentence, rules)
    return tuple((m.start(), m.end(), r.category, r.direction, r.window or len(sentence))
                 for r in rules.rules for m in r.trigger.finditer(sentence))


@lru_cache(maxsize=4096)
def _terminator_positions(sentence: str) -> tuple[int, ...]:
    return tuple(m.start() for m in load_rules().terminators.finditer(sentence))


def _refers_to_patient(sentence: str, start: int, end: int, rules: Rules, terminators: tuple[int, ...]) -> bool:
    """A reference to the patient in the span's own clause ("..., and our case suggests"
    speaks of the patient in its clause only)."""
    for m in rules.patient_reference.finditer(sentence):
        lo, hi = min(m.start(), start), max(m.end(), end)
        if not any(lo < p < hi for p in terminators):
            return True
    return False


def modifiers(sentence: str, start: int, end: int, section: str = "other") -> set[str]:
    """The categories whose trigger has the span ``sentence[start:end]`` in scope."""
    rules = load_rules()
    terminators = _terminator_positions(sentence)
    found: set[str] = set()
    for t_start, t_end, category, direction, window in _triggers(sentence):
        if t_start < end and start < t_end:
            continue  # the trigger is part of the span itself
        if t_end <= start and direction in ("forward", "both"):
            if start - t_end <= window and not any(t_end <= p < start for p in terminators):
                found.add(category)
        elif t_start >= end and direction in ("backward", "both"):
            if t_start - end <= window and not any(end <= p < t_start for p in terminators):
                found.add(category)
    if section in rules.review_sections and not _refers_to_patient(sentence, start, end, rules, terminators):
        found.add("review")
    return found
