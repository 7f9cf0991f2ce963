"""Check a parsed TOML table against msgspec Structs, reporting every problem at once.

``msgspec.convert`` stops at the first error and words it for programmers ("Expected `int` >= 1
- at `$.site.capacity`"). A volunteer editing ``seuil.toml`` wants every mistake of the file at
once, each at its line and in words. So this walks the Structs field by field: a table or a
table of tables is walked into, every other value is converted on its own by msgspec (types,
``Meta`` bounds and patterns), then checked by the field's own ``Parse``/``Check`` functions, and
a Struct's ``__post_init__`` checks what involves several fields once its fields are good.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

import msgspec

from access.msgspec_errors import split_location

Loc = tuple[str | int, ...]
S = TypeVar("S", bound=msgspec.Struct)


@dataclass(frozen=True)
class Parse:
    """``Annotated`` marker: turn the file's value into the field's type before it is converted
    (``2.50`` EUR into 250 cents). Raises ValueError with a message for a bad value."""

    function: Callable[[object], object]


@dataclass(frozen=True)
class Check:
    """``Annotated`` marker: check (and normalise) the converted value; ValueError says why not."""

    function: Callable[[Any], object]


class Invalid(ValueError):
    """Raised by a Struct's ``__post_init__``: rules across fields, each ``(key, message)``
    shown at that key's line."""

    def __init__(self, *problems: tuple[str, str]) -> None:
        self.problems = problems
        super().__init__("; ".join(message for _, message in problems))


class SchemaInvalid(ValueError):
    """The table does not fit: every ``(location, message)`` found."""

    def __init__(self, problems: list[tuple[Loc, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{where(loc)}: {message}" for loc, message in problems))


def where(loc: Loc) -> str:
    """``nodes.door.relay.pin``, ``kiosk.payment[1]``, ``nodes."front door"`` (as TOML quotes it).

    >>> where(("nodes", "front door", "relay", "pin")), where(("kiosk", "payment", 1))
    ('nodes."front door".relay.pin', 'kiosk.payment[1]')
    """
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
            continue
        key = part if re.fullmatch(r"[A-Za-z0-9_-]+", part) else '"' + part.replace('"', '\\"') + '"'
        text += f".{key}" if text else key
    return text


def convert(cls: type[S], data: Mapping[str, object], skip: frozenset[str] = frozenset()) -> S:
    """``data`` as a ``cls``, or SchemaInvalid with every problem. ``skip``: fields of ``cls``
    that are not keys of the file (they keep their default)."""
    value, problems = _struct(cls, data, (), skip)
    if problems or value is None:
        raise SchemaInvalid(problems)
    return value


def _struct(cls: type[S], data: Mapping[str, object], loc: Loc,
            skip: frozenset[str] = frozenset()) -> tuple[S | None, list[tuple[Loc, str]]]:
    fields = {name: field for name, field in _fields(cls).items() if name not in skip}
    names = list(fields)
    problems: list[tuple[Loc, str]] = []
    values: dict[str, object] = {}
    for key, value in data.items():
        if key not in names:
            problems.append(((*loc, key), _unknown(key, names, section=not loc and isinstance(value, dict))))
            continue
        converted, found = _value(fields[key].type, value, (*loc, key))
        problems.extend(found)
        values[key] = converted
    for name, field in fields.items():
        if field.required and name not in data:
            problems.append(((*loc, name), "missing: this table needs it"))
    if problems:
        return None, problems
    try:
        return cls(**values), []
    except Invalid as error:
        return None, [((*loc, *key.split(".")), message) for key, message in error.problems]
    except (ValueError, TypeError) as error:
        return None, [(loc, str(error))]


def _unknown(key: str, names: list[str], *, section: bool) -> str:
    what = "unknown section" if section else "unknown key"
    if key.lower() in names:
        return f'{what} (did you mean "{key.lower()}"? keys are lower-case)'
    close = difflib.get_close_matches(key.lower(), names, n=1, cutoff=0.6)
    if close:
        return f'{what} (did you mean "{close[0]}"?)'
    return f"{what} (see the commented sample from `seuil init`)"


def _value(hint: Any, value: object, loc: Loc) -> tuple[object, list[tuple[Loc, str]]]:
    base, _ = _unwrap(hint)
    table = _struct_type(base)
    if table is not None and isinstance(value, dict):
        return _struct(table, value, loc)
    if get_origin(base) is dict and isinstance(value, dict):
        key_type, item_type = get_args(base)
        items: dict[object, object] = {}
        problems: list[tuple[Loc, str]] = []
        for key, item in value.items():
            checked_key, bad_name = _leaf(key_type, key, (*loc, key), what="the name")
            items[checked_key], found = _value(item_type, item, (*loc, key))
            problems.extend(bad_name + found)
        return items, problems
    return _leaf(hint, value, loc)


def _leaf(hint: Any, value: object, loc: Loc, what: str = "") -> tuple[object, list[tuple[Loc, str]]]:
    base, markers = _unwrap(hint)
    if isinstance(value, list) and get_origin(base) is tuple and get_args(base)[1:] == (...,):
        item_type = get_args(base)[0]
        problems = [found for index, item in enumerate(value)
                    for found in _leaf(item_type, item, (*loc, index), what)[1]]
        if problems:
            return value, problems
    written = value
    try:
        for marker in markers:
            if isinstance(marker, Parse):
                value = marker.function(value)
        value = msgspec.convert(value, hint, strict=False)  # "20" and 20.0 are 20, as they were
        for marker in markers:
            if isinstance(marker, Check):
                value = marker.function(value)
    except msgspec.ValidationError as error:
        inner, message = _words(str(error), hint, written)
        return value, [(loc + inner, f"{what} {message}".strip() if what else message)]
    except ValueError as error:
        return value, [(loc, str(error))]
    return value, []


_KINDS = {"int": "a whole number", "float": "a number", "str": "text in quotes",
          "bool": "true or false", "array": "a list", "object": "a table", "null": "nothing",
          "datetime": "a date and time", "date": "a date", "time": "a time of day"}
_SCALARS = {"int", "float", "bool", "str"}
_BOUNDS = {">=": "at least", ">": "greater than", "<=": "at most", "<": "less than"}


def _words(message: str, hint: Any, value: object) -> tuple[Loc, str]:
    """msgspec's message for one value, in words, and where inside the value it points."""
    message, path = split_location(message)
    inner: Loc = tuple(int(index) for index in re.findall(r"\[(\d+)\]", path))
    metas = [marker for marker in _unwrap(hint)[1] if isinstance(marker, msgspec.Meta)]
    if match := re.fullmatch(r"Expected `([^`]+)`, got `(\w+)`", message):
        kinds = [kind for kind in match[1].split(" | ") if kind != "null"]
        expected, got = " or ".join(_KINDS.get(kind, kind) for kind in kinds), match[2]
        if kinds == ["str"] and got in ("datetime", "date", "time"):
            return inner, f'must be text in quotes ("{value}")'
        if got in _SCALARS:
            return inner, f"must be {expected} (it is {_toml(value)})"
        return inner, f"must be {expected}, not {_KINDS.get(got, got)}"
    if match := re.fullmatch(r"Expected `\w+` (>=|>|<=|<) (\S+)", message):
        return inner, f"must be {_BOUNDS[match[1]]} {_number(match[2])} (it is {_toml(value)})"
    if match := re.fullmatch(r"Expected `(\w+)` of length (>=|<=) (\d+)", message):
        unit = "character" if match[1] == "str" else "value"
        plural = "s" if match[3] != "1" else ""
        return inner, f"must have {_BOUNDS[match[2]]} {match[3]} {unit}{plural}"
    if message.startswith("Expected `str` matching regex"):
        described = next((meta.description for meta in metas if meta.description), None)
        return inner, f"must be {described}" if described else f"{_toml(value)} is not written as expected"
    if match := re.fullmatch(r"Invalid enum value (.+)", message):
        choices = ", ".join(_toml(choice) for choice in _literals(hint))
        index = inner[0] if inner else None
        bad = value[index] if isinstance(index, int) and isinstance(value, list | tuple) else value
        return inner, f"{_toml(bad)} is not one of {choices}"
    return inner, message


def _number(text: str) -> str:
    return text.removesuffix(".0")


def _toml(value: object) -> str:
    """A value as the file writes it: ``"octal"``, ``0``, ``true``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def _literals(hint: Any) -> list[object]:
    base, _ = _unwrap(hint)
    if get_origin(base) is Literal:
        return list(get_args(base))
    return [choice for arg in get_args(base) for choice in _literals(arg)]


def _unwrap(hint: Any) -> tuple[Any, tuple[object, ...]]:
    """The type inside ``Annotated``, and its metadata."""
    if get_origin(hint) is typing.Annotated:
        base, *metadata = get_args(hint)
        return base, tuple(metadata)
    return hint, ()


def _struct_type(base: Any) -> type[msgspec.Struct] | None:
    """The Struct of a ``Struct`` or ``Struct | None`` field, else None."""
    if isinstance(base, type) and issubclass(base, msgspec.Struct):
        return base
    if get_origin(base) in (Union, types.UnionType):
        structs = [arg for arg in get_args(base) if isinstance(arg, type) and issubclass(arg, msgspec.Struct)]
        if len(structs) == 1 and type(None) in get_args(base):
            return structs[0]
    return None


@cache
def _fields(cls: type[msgspec.Struct]) -> dict[str, msgspec.structs.FieldInfo]:
    """A Struct's fields by name, each with its type as written (``Annotated`` metadata kept)."""
    return {field.name: field for field in msgspec.structs.fields(cls)}
