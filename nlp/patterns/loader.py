"""One loader for every pattern file, with one template syntax and a typed schema.

A family's file (``<family>.yaml``) may hold:

- ``regex``: named regular expressions, alone, in lists or in nested mappings; each is compiled
  case-insensitive unless its nearest key ends in ``_cs``. ``<<NUM>>`` and ``<<LEVEL>>`` stand for
  the normalisers' number and vertebra patterns, ``<<NAME>>`` for the file's own ``macros``.
- ``triggers``: the words and units without which none of the family's patterns can match; a
  sentence with none of them skips the family's finder (a family without triggers reads every
  sentence).
- ``assemble``: per field, the policy that chooses among its candidates and the modifiers that
  block a candidate (default: :data:`nlp.context` ``blocking``).
- ``columns``: which table headers hold the family's fields (see :mod:`nlp.series.headers`).
- ``model_labels``: the span labels of a trained model that name the family's fields.
- ``data``: the family's word tables and settings, read by its module.

Anything else, a regex that does not compile, an unknown macro, field, policy or modifier
stops the load with one line naming the file, the key and the reason.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Iterator, Literal, Optional, Union

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    ValidationError,
    field_validator,
)
from typing_extensions import TypeAliasType

from nlp.normalize.levels import LEVEL_RE
from nlp.normalize.numbers import NUMBER_RE
from nlp.patterns.prefilter import LITERAL_CACHE, gated
from nlp.schema import FIELDS

PATTERN_DIR = Path(__file__).resolve().parent
_BUILTIN_MACROS = {"NUM": NUMBER_RE, "LEVEL": LEVEL_RE}
_MACRO = re.compile(r"<<(\w+)>>")
# what a table column may hold besides record fields: the patient's label, cement of any kind
_COLUMN_FIELDS = set(FIELDS) | {"id", "cement"}

Policy = Literal["first", "last", "largest", "any_true", "union", "cement_by_level", "arteries", "spine_order"]
Modifier = Literal["negated", "hypothetical", "generic", "historical", "other_person", "review", "pooled",
                   "all_patients"]


def _compiles(source: str) -> str:
    try:
        re.compile(source)
    except re.error as exc:
        raise ValueError(f"bad regular expression: {exc}") from None
    return source


# a regular expression compiled by the module that reads it (context, series headers)
Regex = Annotated[str, AfterValidator(_compiles)]
RegexTree = TypeAliasType("RegexTree", Union[str, list["RegexTree"], dict[str, "RegexTree"]])


class PatternError(ValueError):
    """A pattern file that cannot be used, said in one line."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _known_field(name: str, allowed: set[str]) -> str:
    if name not in allowed:
        raise ValueError(f"unknown field '{name}'")
    return name


class FieldPolicy(_Strict):
    policy: Optional[Policy] = None
    blocking: Optional[list[Modifier]] = None


class ColumnRule(_Strict):
    fields: list[str] = []
    match: Regex
    unless: Optional[Regex] = None
    implies: Optional[str] = None
    implies_alone: Optional[str] = None
    inverse: bool = False

    @field_validator("fields")
    @classmethod
    def _fields_known(cls, names: list[str]) -> list[str]:
        return [_known_field(n, _COLUMN_FIELDS) for n in names]


class PatternFile(_Strict):
    regex: dict[str, RegexTree] = {}
    triggers: list[str] = []
    macros: dict[str, str] = {}
    assemble: dict[str, FieldPolicy] = {}
    columns: list[ColumnRule] = []
    model_labels: dict[str, str] = {}
    data: dict[str, Any] = {}

    @field_validator("assemble")
    @classmethod
    def _assembled_fields_known(cls, rules: dict[str, FieldPolicy]) -> dict[str, FieldPolicy]:
        for name in rules:
            _known_field(name, set(FIELDS))
        return rules

    @field_validator("model_labels")
    @classmethod
    def _labelled_fields_known(cls, labels: dict[str, str]) -> dict[str, str]:
        for name in labels.values():
            _known_field(name, set(FIELDS))
        return labels


class ContextRule(_Strict):
    trigger: Regex
    category: Modifier
    direction: Literal["forward", "backward", "both"]
    window: int = 0  # how many characters the scope reaches (0: to the sentence's end)


class ContextFile(_Strict):
    terminators: Regex
    pseudo_triggers: list[Regex] = []
    rules: list[ContextRule]
    extra_rules: list[ContextRule] = []
    review_sections: list[str]
    patient_reference: Regex
    blocking: list[Modifier]
    section_weight: dict[str, float]
    default_section_weight: float


def pattern_names() -> list[str]:
    """The families' pattern files (context.yaml is no family's)."""
    return sorted(p.stem for p in PATTERN_DIR.glob("*.yaml") if p.stem != "context")


def _read(name: str, model: type[BaseModel]) -> tuple[Path, BaseModel]:
    path = PATTERN_DIR / f"{name}.yaml"
    where = f"{path.parent.name}/{path.name}"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise PatternError(f"{where}: cannot read: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise PatternError(f"{where}: not YAML: {' '.join(str(exc).split())}") from None
    try:
        return path, model.model_validate(raw)
    except ValidationError as exc:
        raise PatternError(f"{where}: {first_error(exc)}") from None


def first_error(exc: ValidationError) -> str:
    """The first error of a validated YAML file as ``key: reason`` (``regex.levels: unknown key``)."""
    error = exc.errors()[0]
    key = ".".join(str(part) for part in error["loc"]) or "(top)"
    reason = "unknown key" if error["type"] == "extra_forbidden" else error["msg"].removeprefix("Value error, ")
    return f"{key}: {reason}"


def _compiler(where: str, macros: dict[str, str]):
    def compile_one(key: str, source: str, case_sensitive: bool = False) -> re.Pattern:
        expanded = _MACRO.sub(lambda m: f"(?:{macros[m[1]]})" if m[1] in macros else m[0], source)
        unknown = _MACRO.search(expanded)
        if unknown:
            raise PatternError(f"{where}: {key}: unknown macro {unknown[0]}")
        try:
            compiled = re.compile(expanded, 0 if case_sensitive else re.IGNORECASE)
        except re.error as exc:
            raise PatternError(f"{where}: {key}: bad regular expression: {exc}") from None
        return gated(compiled)
    return compile_one


@lru_cache(maxsize=None)
def load_patterns(name: str) -> dict[str, Any]:
    """``<name>.yaml`` validated, with every regex compiled: a dict with ``regex`` (the compiled
    tree), ``gate`` (any trigger, or None), ``assemble``, ``columns``, ``model_labels``, ``data``."""
    path, spec = _read(name, PatternFile)
    where = f"{path.parent.name}/{path.name}"
    compile_one = _compiler(where, {**_BUILTIN_MACROS, **spec.macros})

    def walk(key: str, dotted: str, node: Any) -> Any:
        if isinstance(node, dict):
            return {k: walk(k, f"{dotted}.{k}", v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(key, f"{dotted}[{i}]", v) for i, v in enumerate(node)]
        return compile_one(dotted, node, key.endswith("_cs"))

    gate = None
    if spec.triggers:
        gate = compile_one("triggers", "|".join(f"(?:{t})" for t in spec.triggers))
    regex = walk("regex", "regex", spec.regex)
    LITERAL_CACHE.save()
    return {"regex": regex, "gate": gate,
            "assemble": {f: rule.model_dump(exclude_none=True) for f, rule in spec.assemble.items()},
            "columns": [rule.model_dump() for rule in spec.columns], "model_labels": dict(spec.model_labels),
            "data": spec.data}


def compiled_regexes(name: str) -> Iterator[tuple[str, Any]]:
    """(dotted key, compiled pattern) of every regex under ``regex`` of ``<name>.yaml``, in file
    order: ``scores.enneking[0]``."""
    def walk(key: str, node: Any) -> Iterator[tuple[str, Any]]:
        if isinstance(node, dict):
            for k, v in node.items():
                yield from walk(f"{key}.{k}", v)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from walk(f"{key}[{i}]", v)
        elif node is not None:
            yield key, node
    yield from walk(name, load_patterns(name)["regex"])


@lru_cache(maxsize=1)
def load_context() -> ContextFile:
    """``context.yaml``, validated (its regexes are compiled by :mod:`nlp.context`)."""
    _, spec = _read("context", ContextFile)
    return spec
