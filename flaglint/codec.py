"""Stage outputs as JSON data and back, so that the cache holds data and never code.

A frozen dataclass is written as the list of its field values, an Enum as its value, a
tuple, list, set or frozenset as a list, a dict as a list of `[key, value]` pairs. The
reader and writer of each dataclass are made once, from the dataclass's own type hints, as
small functions that name its fields (the cache reads megabytes of facts on a large
project, and a loop over fields costs twice the time). Only types named in a hint are ever
made: data from a cache someone else wrote cannot make anything else, and data of the wrong
shape is an error (`CodecError`), which the cache treats as a miss.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import operator
import types
import typing
from collections.abc import Callable, Mapping, Sequence, Set
from typing import Any, TypeVar

T = TypeVar("T")

Encode = Callable[[Any], Any]
Decode = Callable[[Any], Any]


class CodecError(Exception):
    """Data that does not have the shape its type says."""


_PRIMITIVES = (bool, int, float, str)
_decoders: dict[object, Decode] = {}
_encoders: dict[object, Encode] = {}


def encode(value: object, hint: object | None = None) -> Any:
    """`value` as JSON data; `hint` is its type (default: its class)."""
    return _encoder(type(value) if hint is None else hint)(value)


def decode(hint: type[T], data: Any) -> T:
    """The value of type `hint` that `encode` wrote as `data`."""
    try:
        return _decoder(hint)(data)  # type: ignore[no-any-return]
    except CodecError:
        raise
    except (TypeError, ValueError, KeyError, IndexError, AttributeError) as error:
        raise CodecError(f"cannot read {hint}: {error}") from None


def _same(value: Any) -> Any:
    return value


def _plain(hint: object) -> bool:
    """Is a value of this type its own JSON form (a primitive, or a union of them)?"""
    if hint in _PRIMITIVES or hint is type(None):
        return True
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return all(a in _PRIMITIVES or a is type(None) for a in typing.get_args(hint))
    return False


# -- writing ------------------------------------------------------------------------------


def _encoder(hint: object) -> Encode:
    found = _encoders.get(hint)
    if found is None:
        found = _make_encoder(hint)
        _encoders[hint] = found
    return found


def _make_encoder(hint: object) -> Encode:
    if _plain(hint) or hint is Any or hint is object:
        return _same
    if hint is dt.date:
        return dt.date.isoformat
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return _union_encoder(args)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        # A member's value from a table: `member.value` is a descriptor's call in Python
        return {member: member.value for member in hint}.__getitem__
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass_encoder(hint)
    if origin in (dict, Mapping):
        key, value = _encoder(args[0]), _encoder(args[1])
        return lambda data: [[key(k), value(v)] for k, v in data.items()]
    if origin in (tuple, list, Sequence, set, frozenset, Set):
        return _sequence_encoder(origin, args)
    raise CodecError(f"no JSON form for {hint!r}")


def _union_encoder(args: tuple[object, ...]) -> Encode:
    others = [a for a in args if a is not type(None)]
    if len(others) == 1:
        inner = _encoder(others[0])
        return lambda value: None if value is None else inner(value)
    # A union of several structured types: each value says which one it is.
    choices = {a: _encoder(a) for a in others}

    def tagged(value: Any) -> Any:
        if value is None or isinstance(value, _PRIMITIVES):
            return value
        kind = type(value)
        return {"type": kind.__name__, "value": choices[kind](value)}

    return tagged


def _dataclass_encoder(cls: type) -> Encode:
    """`def write(v): return [v.a, _w1(v.b), [_w2(x) for x in v.c], …]`, made from the
    class's fields; a class whose every field is its own JSON form is its fields' tuple,
    taken in C (a Span)."""
    slot: list[Encode] = []

    def forward(value: Any) -> Any:
        return slot[0](value)

    _encoders[cls] = forward  # registered before the fields: a type may contain itself
    hints = typing.get_type_hints(cls)
    fields = dataclasses.fields(cls)
    if len(fields) > 1 and all(_as_is(hints[field.name]) for field in fields):
        made_plain = operator.attrgetter(*(field.name for field in fields))
        _encoders[cls] = made_plain
        slot.append(made_plain)
        return made_plain
    names: dict[str, Any] = {}
    parts = []
    for index, field in enumerate(fields):
        parts.append(_field_writer(hints[field.name], f"v.{field.name}", f"_w{index}", names))
    source = f"def write(v):\n    return [{', '.join(parts)}]\n"
    made: dict[str, Any] = {}
    exec(compile(source, f"<codec writer of {cls.__name__}>", "exec"), dict(names), made)
    slot.append(made["write"])
    _encoders[cls] = made["write"]
    return made["write"]  # type: ignore[no-any-return]


def _as_is(hint: object) -> bool:
    """Is a value of this type its own JSON form, as `json` writes it (a tuple of plain
    values as a list)?"""
    if _plain(hint) or hint is Any or hint is object:
        return True
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple and args:
        return all(_as_is(a) for a in args if a is not Ellipsis)
    return False


def _field_writer(hint: object, item: str, name: str, names: dict[str, Any]) -> str:
    """The expression that writes `item`, a field of type `hint`: the field itself when it
    is its own JSON form, a sequence of dataclasses written in place."""
    if _as_is(hint):
        return item
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        names[name] = _encoder(args[0])
        return f"[{name}(x) for x in {item}]"
    names[name] = _encoder(hint)
    return f"{name}({item})"


def _sequence_encoder(origin: object, args: tuple[object, ...]) -> Encode:
    if origin is tuple and args and args[-1] is not Ellipsis:
        parts = [_encoder(a) for a in args]
        return lambda data: [write(item) for write, item in zip(parts, data, strict=True)]
    item = _encoder(args[0]) if args else _same
    if origin in (set, frozenset, Set):
        return lambda data: sorted((item(x) for x in data), key=repr)
    if item is _same:
        return list
    return lambda data: [item(x) for x in data]


# -- reading ------------------------------------------------------------------------------


def _decoder(hint: object) -> Decode:
    found = _decoders.get(hint)
    if found is None:
        found = _make_decoder(hint)
        _decoders[hint] = found
    return found


def _make_decoder(hint: object) -> Decode:
    if _plain(hint):
        return _plain_decoder(hint)
    if hint is Any or hint is object:
        return _json_value
    if hint is dt.date:
        return dt.date.fromisoformat
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return _union_decoder(args)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _enum_decoder(hint)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass_decoder(hint)
    if origin in (dict, Mapping):
        key, value = _decoder(args[0]), _decoder(args[1])
        return lambda data: {key(k): value(v) for k, v in data}
    if origin in (tuple, list, Sequence, set, frozenset, Set):
        return _sequence_decoder(origin, args)
    raise CodecError(f"no JSON form for {hint!r}")


def _allowed(hint: object) -> tuple[type, ...]:
    """The Python types a JSON value of a plain type may have (an int where a float is
    said: JSON has one number type)."""
    kinds = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union,
                                                                 types.UnionType) else (hint,)
    allowed = {typing.cast(type, k) for k in kinds}
    if float in allowed:
        allowed.add(int)
    return tuple(allowed)


def _plain_decoder(hint: object) -> Decode:
    allowed = _allowed(hint)
    strict = bool not in allowed and int in allowed  # True is an int to isinstance

    def read(data: Any) -> Any:
        if isinstance(data, allowed) and not (strict and type(data) is bool):
            return data
        raise CodecError(f"expected {hint}, found {type(data).__name__}")

    return read


def _enum_decoder(hint: type[enum.Enum]) -> Decode:
    """A member by its value, from a table: calling the Enum costs ten times as much."""
    members = {member.value: member for member in hint}

    def read(data: Any) -> Any:
        try:
            return members[data]
        except (KeyError, TypeError):
            raise CodecError(f"no {hint.__name__} has the value {data!r}") from None

    return read


def _json_value(data: Any) -> Any:
    if data is None or isinstance(data, _PRIMITIVES):
        return data
    raise CodecError(f"expected a plain value, found {type(data).__name__}")


def _union_decoder(args: tuple[object, ...]) -> Decode:
    others = [a for a in args if a is not type(None)]
    if len(others) == 1:
        inner = _decoder(others[0])
        return lambda data: None if data is None else inner(data)
    choices = {typing.cast(type, a).__name__: _decoder(a) for a in others}

    def tagged(data: Any) -> Any:
        if data is None or isinstance(data, _PRIMITIVES):
            return data
        return choices[data["type"]](data["value"])

    return tagged


def _dataclass_decoder(cls: type) -> Decode:
    """`def read(d): return cls(_r0(d[0]), d[1] if type(d[1]) is str else bad(), …)`,
    made from the class's fields; a list of another length is no such class."""
    slot: list[Decode] = []

    def forward(data: Any) -> Any:
        return slot[0](data)

    _decoders[cls] = forward  # registered before the fields: a type may contain itself
    hints = typing.get_type_hints(cls)
    fields = dataclasses.fields(cls)
    names: dict[str, Any] = {"cls": cls, "CodecError": CodecError}
    parts = []
    for index, field in enumerate(fields):
        hint = hints[field.name]
        item = f"d[{index}]"
        if hint in (str, int, bool):  # the common case inline, else the checking reader
            names[f"_t{index}"] = hint
            parts.append(f"({item} if type({item}) is _t{index} else _r{index}({item}))")
            names[f"_r{index}"] = _decoder(hint)
        elif hint in (str | None, int | None):
            names[f"_t{index}"] = next(a for a in typing.get_args(hint) if a is not type(None))
            parts.append(f"({item} if {item} is None or type({item}) is _t{index} "
                         f"else _r{index}({item}))")
            names[f"_r{index}"] = _decoder(hint)
        else:
            names[f"_r{index}"] = _decoder(hint)
            parts.append(f"_r{index}({item})")
    source = (f"def read(d):\n"
              f"    if type(d) is not list or len(d) != {len(fields)}:\n"
              f"        raise CodecError('expected {len(fields)} fields of {cls.__name__}')\n"
              f"    return cls({', '.join(parts)})\n")
    made: dict[str, Any] = {}
    exec(compile(source, f"<codec reader of {cls.__name__}>", "exec"), names, made)
    slot.append(made["read"])
    _decoders[cls] = made["read"]
    return made["read"]  # type: ignore[no-any-return]


def _sequence_decoder(origin: object, args: tuple[object, ...]) -> Decode:
    if origin is tuple and args and args[-1] is not Ellipsis:
        # `def read(d): return (_r0(d[0]), _r1(d[1]), …)`, made for the tuple's length
        names: dict[str, Any] = {f"_r{i}": _decoder(a) for i, a in enumerate(args)}
        names["CodecError"] = CodecError
        items = "".join(f"_r{i}(d[{i}]), " for i in range(len(args)))
        source = (f"def read(d):\n"
                  f"    if type(d) is not list or len(d) != {len(args)}:\n"
                  f"        raise CodecError('expected {len(args)} items')\n"
                  f"    return ({items})\n")
        made_fixed: dict[str, Any] = {}
        exec(compile(source, "<codec reader of a tuple>", "exec"), names, made_fixed)
        return made_fixed["read"]  # type: ignore[no-any-return]
    item = _decoder(args[0]) if args else _json_value
    made: Callable[[Any], Any] = {tuple: tuple, Sequence: tuple, list: list, set: set,
                                  frozenset: frozenset, Set: frozenset}[origin]  # type: ignore[index]
    plain = args[0] if args and args[0] in (str, int) else None

    def many(data: Any) -> Any:
        if type(data) is not list:
            raise CodecError("expected a list")
        if not data:
            return made(())
        if plain is not None and all(type(x) is plain for x in data):
            return made(data)
        return made([item(x) for x in data])

    return many
