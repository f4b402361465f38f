"""The flag registry: `[flags.KEY]` tables in one or more TOML files, strictly validated."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flaglint import tomlsource
from flaglint.config import FLAG_TYPES, REGISTRY_FIELDS, Config, ConfigError
from flaglint.findings import FlagValue as FlagValue
from flaglint.findings import Span
from flaglint.suppressions import Suppressions

_table = tomlsource.flag_table  # `[flags.KEY]` in messages, quoted where TOML needs it


class Status(enum.Enum):
    ACTIVE = "active"
    ROLLED_OUT = "rolled-out"
    RETIRED = "retired"


@dataclass(frozen=True, slots=True)
class FlagDecl:
    """One `[flags.KEY]` entry; `path` is relative to the project root, `line` its header."""

    key: str
    path: str
    line: int
    span: Span  # the `[flags.KEY]` header line
    status: Status = Status.ACTIVE
    type: str | None = None
    owner: str | None = None
    description: str | None = None
    created: dt.date | None = None
    expires: dt.date | None = None
    retired: dt.date | None = None
    value: FlagValue | None = None
    fields: frozenset[str] = frozenset()
    # Where the declaration comes from: "registry", or the flag service whose export holds
    # it (`[[tool.flaglint.flag-state]]`, sources/services.py); only the registry's are
    # edited, and only they must carry the `require`d fields.
    source: str = "registry"
    stale: bool = False  # the service marks it stale
    temporary: bool | None = None  # the service says it is meant to go (None: not said)

    @property
    def from_registry(self) -> bool:
        return self.source == "registry"


@dataclass(frozen=True, slots=True)
class Registry:
    flags: dict[str, FlagDecl]
    paths: tuple[str, ...]  # the registry files that exist, relative to the root
    suppressions: dict[str, Suppressions]
    services: tuple[str, ...] = ()  # the flag-state exports that declare flags too

    @property
    def present(self) -> bool:
        return bool(self.paths)

    @property
    def declares(self) -> bool:
        """Does anything list the project's flags (a registry file or a service export)?"""
        return bool(self.paths or self.services)


def load_registry(config: Config) -> Registry:
    flags: dict[str, FlagDecl] = {}
    paths: list[str] = []
    suppressions: dict[str, Suppressions] = {}
    for name in config.registry:
        path = (config.root / name).resolve()
        if not path.is_file():
            if config.registry_configured:
                raise ConfigError(config.source, 0, f"registry file {name!r} does not exist "
                                                    f"(looked at {path}); create it or fix "
                                                    f"`registry`")
            continue
        rel = _relative(path, config.root)
        try:
            data, lines, text = tomlsource.load(path)
        except tomlsource.TomlError as error:
            raise ConfigError(error.path, error.line, error.message) from None
        paths.append(rel)
        suppressions[rel] = Suppressions.scan(text)
        for decl in _parse(data, lines, path, rel, text.splitlines()):
            if decl.key in flags:
                other = flags[decl.key]
                raise ConfigError(path, decl.line, f"flag {decl.key!r} is declared twice (also "
                                                   f"at {other.path}:{other.line}); keep one")
            flags[decl.key] = decl
    return Registry(flags, tuple(paths), suppressions)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _parse(data: dict[str, Any], lines: dict[tomlsource.KeyPath, int], path: Path,
           rel: str, text: list[str]) -> list[FlagDecl]:
    def error(keys: tomlsource.KeyPath, message: str) -> ConfigError:
        return ConfigError(path, tomlsource.line_of(lines, keys), message)

    for key in data:
        if key != "flags":
            raise error((key,), f"unknown top-level key `{key}`; a registry holds only "
                                f"[flags.KEY] tables")
    table = data.get("flags", {})
    if not isinstance(table, dict):
        raise error(("flags",), "`flags` must be a table of [flags.KEY] tables")
    decls = []
    for key, entry in table.items():
        where = ("flags", key)
        if not isinstance(entry, dict):
            raise error(where, f"`flags.{key}` must be a table: write {_table(key)} and its "
                               f"fields under it")
        line = tomlsource.line_of(lines, where)
        span = Span.at_line(line, text[line - 1].rstrip() if 0 < line <= len(text) else "")
        decls.append(_decl(key, entry, line, span, rel, _field_error(error, key)))
    return decls


def _field_error(error: Callable[[tomlsource.KeyPath, str], ConfigError], key: str
                 ) -> FieldError:
    return lambda field, message: error(("flags", key, field), message)


FieldError = Callable[[str, str], ConfigError]  # (field, message): the error at its line


def _decl(key: str, entry: dict[str, Any], line: int, span: Span, rel: str,
          error: FieldError) -> FlagDecl:
    # Checked in this order, so that of two mistakes in one entry the same one is named.
    for field in entry:
        if field not in REGISTRY_FIELDS and isinstance(entry[field], dict):
            # `[flags.runner.fastReruns]`: a key with dots, unquoted, nests tables
            dotted = _table(f"{key}.{field}")
            raise error(field, f"unknown field `{field}` in {_table(key)}: "
                               f"a key with dots must be quoted, as in {dotted}")
        if field not in REGISTRY_FIELDS:
            raise error(field, f"unknown field `{field}` in {_table(key)}; "
                               f"expected {', '.join(REGISTRY_FIELDS)}")
    values: dict[str, Any] = {**_text_fields(key, entry, error), **_dates(key, entry, error)}
    status = _status(key, entry, error)
    if "value" in entry:
        if not isinstance(entry["value"], (bool, int, float, str)):
            raise error("value", f"`value` of {_table(key)} must be a boolean, number or "
                                 f"string")
        value = entry["value"]
        if status is Status.RETIRED:
            raise error("value", f"{_table(key)} is retired, so `value` has no effect (its "
                                 f"reads yield their own default, else off); delete the line, "
                                 f"or mark it rolled-out if every environment serves it")
        values["value"] = value
    if status is Status.ROLLED_OUT and "value" not in entry:
        raise error("status", f"{_table(key)} is rolled-out but has no `value`; add the value "
                              f"every environment serves, like value = true")
    return FlagDecl(key=key, path=rel, line=line, span=span, status=status,
                    fields=frozenset(entry),
                    **values)


def _text_fields(key: str, entry: dict[str, Any], error: FieldError) -> dict[str, str]:
    """`owner`, `description` and `type`, those the entry has."""
    values: dict[str, str] = {}
    for field in ("owner", "description"):
        if field in entry:
            if not isinstance(entry[field], str):
                raise error(field, f"`{field}` of {_table(key)} must be a string")
            values[field] = entry[field]
    if "type" in entry:
        if entry["type"] not in FLAG_TYPES:
            raise error("type", f"unknown type {entry['type']!r} in {_table(key)}; expected "
                                f"{', '.join(FLAG_TYPES)}")
        values["type"] = entry["type"]
    return values


def _dates(key: str, entry: dict[str, Any], error: FieldError) -> dict[str, dt.date]:
    """`created`, `expires` and `retired`, those the entry has."""
    values: dict[str, dt.date] = {}
    for field in ("created", "expires", "retired"):
        if field in entry:
            value = entry[field]
            if isinstance(value, dt.datetime):
                value = value.date()
            if not isinstance(value, dt.date):
                raise error(field, f"`{field}` of {_table(key)} must be a date like "
                                   f"2026-01-10, without quotes")
            values[field] = value
    return values


def _status(key: str, entry: dict[str, Any], error: FieldError) -> Status:
    if "status" not in entry:
        return Status.ACTIVE
    try:
        return Status(entry["status"])
    except ValueError:
        raise error("status", f"unknown status {entry['status']!r} in {_table(key)}; "
                              f"expected active, rolled-out or retired") from None
