"""What the record model says about each field, in the form the tables need.

Everything here is read off :class:`nlp.schema.CaseFields` (types, codes, units, bounds,
meanings); nothing restates a field by hand.
"""
from __future__ import annotations

import functools
import typing
from dataclasses import dataclass, field
from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, TypeAdapter

from nlp.schema import FIELDS, CaseFields

NUMBER, INTEGER, CODE, BOOL, TEXT, CODES, OBJECTS = "number", "integer", "code", "bool", "text", "codes", "objects"


@dataclass(frozen=True)
class Part:
    """One part of an object value (``side`` of a feeder artery, ``ml`` of a cement volume)."""
    name: str
    kind: str  # CODE or NUMBER
    codes: tuple = ()
    unit: str = ""
    meaning: str = ""
    required: bool = False


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str
    codes: tuple = ()
    parts: tuple[Part, ...] = ()
    unit: str = ""
    meaning: str = ""
    ge: Optional[float] = None
    le: Optional[float] = None
    item_model: Optional[type] = field(default=None, compare=False)

    @property
    def is_list(self) -> bool:
        return self.kind in (CODES, OBJECTS)

    def csv_format(self) -> str:
        """How a value of this field is written in a CSV cell."""
        if self.kind == CODES:
            return 'codes joined by "; "; blank when none'
        if self.kind == OBJECTS:
            layout = " ".join(f"<{p.name}>" for p in self.parts)
            return (f'one "{layout}" per item (parts not stated left out), items joined by "; "; '
                    "blank when none")
        if self.kind == BOOL:
            return "true or false; blank when not stated"
        return "blank when not stated"

    def type_name(self) -> str:
        if self.kind == OBJECTS:
            return "list of {" + ", ".join(p.name for p in self.parts) + "}"
        return {NUMBER: "number", INTEGER: "integer", CODE: "code", BOOL: "boolean", TEXT: "text",
                CODES: "list of codes"}[self.kind]

    def codes_text(self) -> str:
        """The allowed codes, or for objects the codes of each part."""
        if self.kind == OBJECTS:
            return "; ".join(f"{p.name}: {' '.join(map(str, p.codes))}" for p in self.parts if p.codes)
        return " ".join(map(str, self.codes))

    def validate(self, value: Any) -> Any:
        """``value`` checked against the record model and returned as a record holds it (JSON
        types); raises pydantic's ValidationError."""
        adapter = _adapter(self.name)
        return adapter.dump_python(adapter.validate_python(value), mode="json")


def _strip_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) is Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _bounds(info) -> tuple[Optional[float], Optional[float]]:
    ge = le = None
    for meta in info.metadata:
        ge = getattr(meta, "ge", ge)
        le = getattr(meta, "le", le)
    return ge, le


def _unit(info) -> str:
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    return str(extra.get("unit", ""))


def _part(name: str, info) -> Part:
    inner = _strip_optional(info.annotation)
    if typing.get_origin(inner) is Literal:
        return Part(name, CODE, typing.get_args(inner), _unit(info), info.description or "", info.is_required())
    return Part(name, NUMBER, (), _unit(info), info.description or "", info.is_required())


def _spec(name: str, info) -> FieldSpec:
    inner = _strip_optional(info.annotation)
    ge, le = _bounds(info)
    common = dict(unit=_unit(info), meaning=info.description or "", ge=ge, le=le)
    if typing.get_origin(inner) is list:
        (item,) = typing.get_args(inner)
        if isinstance(item, type) and issubclass(item, BaseModel):
            parts = tuple(_part(n, f) for n, f in item.model_fields.items())
            return FieldSpec(name, OBJECTS, parts=parts, item_model=item, **common)
        return FieldSpec(name, CODES, codes=typing.get_args(item), **common)
    if typing.get_origin(inner) is Literal:
        codes = typing.get_args(inner)
        kind = INTEGER if all(isinstance(c, int) for c in codes) else CODE
        return FieldSpec(name, kind, codes=codes, **common)
    if inner is bool:
        return FieldSpec(name, BOOL, **common)
    if inner in (float, int):
        return FieldSpec(name, NUMBER, **common)
    return FieldSpec(name, TEXT, **common)


SPECS: dict[str, FieldSpec] = {name: _spec(name, info) for name, info in CaseFields.model_fields.items()}
assert tuple(SPECS) == FIELDS


@functools.lru_cache(maxsize=None)
def _adapter(name: str) -> TypeAdapter:
    info = CaseFields.model_fields[name]
    return TypeAdapter(typing.Annotated[info.annotation, info])


# Where along the spine a vertebra lies: the letter its code starts with.
REGIONS = {"C": "cervical", "T": "thoracic", "L": "lumbar", "S": "sacral"}


def region_of(level: str) -> str:
    return REGIONS[level[0]]


def is_set(value: Any) -> bool:
    """A record value that says something: not null and not an empty list."""
    return value is not None and value != []
