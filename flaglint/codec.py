"""Stage outputs as JSON data and back, so that the cache holds data and never code.

A frozen dataclass is written as the list of its field values, an Enum as its value, a
tuple, list, set or frozenset as a list, a dict as a list of `[key, value]` pairs; the
reader is built once per type from the dataclasses' own type hints. Only types named in a
hint are ever made: data from a cache someone else wrote cannot make anything else, and data
of the wrong shape is an error (`CodecError`), which the cache treats as a miss.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
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


# -- writing ------------------------------------------------------------------------------


def _encoder(hint: object) -> Encode:
    found = _encoders.get(hint)
    if found is None:
        found = _make_encoder(hint)
        _encoders[hint] = found
    return found


def _make_encoder(hint: object) -> Encode:
    if hint in _PRIMITIVES or hint is type(None) or hint is Any or hint is object:
        return _same
    if hint is dt.date:
        return dt.date.isoformat
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return _union_encoder(args)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _enum_value
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass_encoder(hint)
    if origin in (dict, Mapping):
        key, value = _encoder(args[0]), _encoder(args[1])
        return lambda data: [[key(k), value(v)] for k, v in data.items()]
    if origin in (tuple, list, Sequence, set, frozenset, Set):
        return _sequence_encoder(origin, args)
    raise CodecError(f"no JSON form for {hint!r}")


def _same(value: Any) -> Any:
    return value


def _enum_value(value: enum.Enum) -> Any:
    return value.value


def _union_encoder(args: tuple[object, ...]) -> Encode:
    others = [a for a in args if a is not type(None)]
    if all(a in _PRIMITIVES for a in others):
        return _same
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
    fields: list[tuple[str, Encode]] = []

    def write(value: Any) -> Any:
        return [encode_field(getattr(value, name)) for name, encode_field in fields]

    _encoders[cls] = write  # registered before its fields: a type may contain itself
    hints = typing.get_type_hints(cls)
    fields += [(f.name, _encoder(hints[f.name])) for f in dataclasses.fields(cls)]
    return write


def _sequence_encoder(origin: object, args: tuple[object, ...]) -> Encode:
    if origin is tuple and args and args[-1] is not Ellipsis:
        parts = [_encoder(a) for a in args]
        return lambda data: [write(item) for write, item in zip(parts, data, strict=True)]
    item = _encoder(args[0]) if args else _same
    if origin in (set, frozenset, Set):
        return lambda data: sorted((item(x) for x in data), key=_order)
    return lambda data: [item(x) for x in data]


def _order(value: Any) -> str:
    return repr(value)


# -- reading ------------------------------------------------------------------------------


def _decoder(hint: object) -> Decode:
    found = _decoders.get(hint)
    if found is None:
        found = _make_decoder(hint)
        _decoders[hint] = found
    return found


def _make_decoder(hint: object) -> Decode:
    if hint in _PRIMITIVES:
        return _primitive(typing.cast(type, hint))
    if hint is type(None):
        return _none
    if hint is Any or hint is object:
        return _json_value
    if hint is dt.date:
        return dt.date.fromisoformat
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return _union_decoder(args)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass_decoder(hint)
    if origin in (dict, Mapping):
        key, value = _decoder(args[0]), _decoder(args[1])
        return lambda data: {key(k): value(v) for k, v in data}
    if origin in (tuple, list, Sequence, set, frozenset, Set):
        return _sequence_decoder(origin, args)
    raise CodecError(f"no JSON form for {hint!r}")


def _primitive(kind: type) -> Decode:
    def read(data: Any) -> Any:
        # JSON has one number type: an int read where a float is said is that float.
        if type(data) is kind or (kind is float and type(data) is int):
            return data
        raise CodecError(f"expected {kind.__name__}, found {type(data).__name__}")

    return read


def _none(data: Any) -> None:
    if data is not None:
        raise CodecError("expected null")


def _json_value(data: Any) -> Any:
    if data is None or isinstance(data, _PRIMITIVES):
        return data
    raise CodecError(f"expected a plain value, found {type(data).__name__}")


def _union_decoder(args: tuple[object, ...]) -> Decode:
    others = [a for a in args if a is not type(None)]
    optional = len(others) < len(args)
    if all(a in _PRIMITIVES for a in others):
        allowed = tuple(typing.cast(type, a) for a in others)

        def plain(data: Any) -> Any:
            if (data is None and optional) or isinstance(data, allowed):
                return data
            raise CodecError(f"expected one of {allowed}, found {type(data).__name__}")

        return plain
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
    readers: list[Decode] = []

    def read(data: Any) -> Any:
        if type(data) is not list or len(data) != len(readers):
            raise CodecError(f"expected {len(readers)} fields of {cls.__name__}")
        return cls(*[reader(item) for reader, item in zip(readers, data)])  # noqa: B905

    _decoders[cls] = read  # registered before its fields: a type may contain itself
    hints = typing.get_type_hints(cls)
    readers += [_decoder(hints[f.name]) for f in dataclasses.fields(cls)]
    return read


def _sequence_decoder(origin: object, args: tuple[object, ...]) -> Decode:
    if origin is tuple and args and args[-1] is not Ellipsis:
        parts = [_decoder(a) for a in args]

        def fixed(data: Any) -> tuple[Any, ...]:
            if len(data) != len(parts):
                raise CodecError(f"expected {len(parts)} items")
            return tuple(read(item) for read, item in zip(parts, data))  # noqa: B905

        return fixed
    item = _decoder(args[0]) if args else _json_value
    made: Callable[[Any], Any] = {tuple: tuple, Sequence: tuple, list: list, set: set,
                                  frozenset: frozenset, Set: frozenset}[origin]  # type: ignore[index]

    def many(data: Any) -> Any:
        if type(data) is not list:
            raise CodecError("expected a list")
        return made([item(x) for x in data])

    return many
