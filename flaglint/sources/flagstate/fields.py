"""Reading one entry of an export strictly: each getter returns a field of the type the
vendor documents, or raises `Malformed` naming the field and where it is, so that one bad
entry becomes a Problem and the rest of the file is still read."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flaglint.sources.flagstate.document import At, Document
from flaglint.sources.flagstate.model import FlagStateError, Problem, ServedValue, ServiceFlag

_MISSING: Any = object()


class Malformed(Exception):
    """A part of an entry that is not what the format documents; `at` is where it is."""

    def __init__(self, at: At, message: str) -> None:
        super().__init__(message)
        self.at = at
        self.message = message


def _field(entry: dict[str, Any], at: At, key: str, *, required: bool) -> Any:
    value = entry.get(key, _MISSING)
    if value is _MISSING and required:
        raise Malformed(at, f"`{key}` is missing")
    return value


def mapping(entry: dict[str, Any], at: At, key: str, *, required: bool = False
            ) -> dict[str, Any] | None:
    value = _field(entry, at, key, required=required)
    if value is _MISSING or (value is None and not required):
        return None
    if not isinstance(value, dict):
        raise Malformed((*at, key), f"`{key}` is {_kind(value)}; expected an object")
    return value


def array(entry: dict[str, Any], at: At, key: str, *, required: bool = False) -> list[Any]:
    value = _field(entry, at, key, required=required)
    if value is _MISSING or (value is None and not required):
        return []
    if not isinstance(value, list):
        raise Malformed((*at, key), f"`{key}` is {_kind(value)}; expected a list")
    return value


def text(entry: dict[str, Any], at: At, key: str, *, required: bool = False) -> str | None:
    value = _field(entry, at, key, required=required)
    if value is _MISSING or (value is None and not required):
        return None
    if not isinstance(value, str) or (required and not value):
        raise Malformed((*at, key), f"`{key}` is {_kind(value)}; expected a non-empty string"
                        if required else f"`{key}` is {_kind(value)}; expected a string")
    return value


def boolean(entry: dict[str, Any], at: At, key: str, *, required: bool = False,
            default: bool | None = None) -> bool | None:
    value = _field(entry, at, key, required=required)
    if value is _MISSING or value is None:
        return default
    if not isinstance(value, bool):
        raise Malformed((*at, key), f"`{key}` is {_kind(value)}; expected true or false")
    return value


def number(entry: dict[str, Any], at: At, key: str, *, numeric_text: bool = False
           ) -> float | None:
    """A finite number; with `numeric_text`, also a string holding one (Unleash's `"50"`)."""
    value = entry.get(key)
    if value is None:
        return None
    if numeric_text and isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise Malformed((*at, key), f"`{key}` is \"{value}\"; expected a number") from None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise Malformed((*at, key), f"`{key}` is {_kind(value)}; expected a number")
    return float(value)


def percentage(entry: dict[str, Any], at: At, key: str, *, numeric_text: bool = False
               ) -> float | None:
    value = number(entry, at, key, numeric_text=numeric_text)
    if value is not None and not 0 <= value <= 100:
        raise Malformed((*at, key), f"`{key}` is {value:g}; expected a percentage (0 to 100)")
    return value


def object_at(value: Any, at: At, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Malformed(at, f"{what} is {_kind(value)}; expected an object")
    return value


def strings(entry: dict[str, Any], at: At, key: str) -> tuple[str, ...]:
    items = array(entry, at, key)
    for index, item in enumerate(items):
        if not isinstance(item, str):
            raise Malformed((*at, key, index), f"`{key}` holds {_kind(item)}; expected strings")
    return tuple(items)


def iso_date(entry: dict[str, Any], at: At, key: str) -> dt.date | None:
    """The date of an ISO 8601 timestamp (`2021-09-17T07:06:40.925Z`)."""
    value = text(entry, at, key)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise Malformed((*at, key), f"`{key}` is \"{value}\"; expected an ISO 8601 date"
                        ) from None


def field_of(name: str) -> Callable[[dict[str, Any]], Any]:
    """What `collect` calls to name an entry: its field `name`."""
    return lambda entry: entry.get(name)


def served_value(value: Any) -> ServedValue:
    """A value flaglint can hold: a JSON object or list is None (see `Served.value`)."""
    return value if value is None or isinstance(value, bool | int | float | str) else None


def variant_name(value: Any) -> str:
    """A variant named by its value: strings as they are, anything else as JSON text."""
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"\"{value}\"" if len(value) <= 40 else "a long string"
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    return "a list" if isinstance(value, list) else "an object"


def not_format(doc: Document, what: str, fix: str, at: At = ()) -> FlagStateError:
    """The error for a file that is not the declared format at all."""
    return FlagStateError(doc.path, doc.line(at), f"not {what}; {fix}")


def collect(doc: Document, entries: Iterable[tuple[At, Any]],
            read_entry: Callable[[At, Any], ServiceFlag],
            key_of: Callable[[dict[str, Any]], Any] | None = None
            ) -> tuple[dict[str, ServiceFlag], list[Problem]]:
    """Each entry read into a flag; a malformed one, or a second entry for a key already
    read, becomes a Problem at its exact place and the others are still read. Entries are
    `(where, entry)`; the flag's key, for messages, is `key_of(entry)` or the last step of
    `where`."""
    flags: dict[str, ServiceFlag] = {}
    problems: list[Problem] = []
    for at, entry in entries:
        try:
            flag = read_entry(at, entry)
        except Malformed as error:
            line, column = doc.where(error.at)
            key = key_of(entry) if key_of and isinstance(entry, dict) else at[-1]
            named = f"flag `{key}`: " if isinstance(key, str) and key else \
                f"`{at[-2]}` item {at[-1]}: " if len(at) > 1 else ""
            problems.append(Problem(doc.path, line, column, named + error.message))
            continue
        first = flags.get(flag.key)
        if first is not None:
            problems.append(Problem(doc.path, flag.line, flag.column,
                                    f"flag `{flag.key}` is listed again; the entry on line "
                                    f"{first.line} is the one read"))
            continue
        flags[flag.key] = flag
    return flags, problems


@dataclass(frozen=True, slots=True)
class Reading:
    """What one format's reader makes of a document, before an environment is chosen:
    `environments` names every environment the file describes."""

    flags: dict[str, ServiceFlag]
    problems: list[Problem]
    environments: tuple[str, ...]
