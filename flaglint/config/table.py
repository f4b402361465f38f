"""A `[tool.flaglint]` table (or a flaglint.toml) read into a Config and strictly checked:
each mistake is named with its line and what to write instead."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flaglint import tomlsource
from flaglint.config.keys import DEFINITION, ENVIRONMENT, FLAG_STATE, READER, TOP
from flaglint.config.model import (
    DEFAULT_LIFETIMES,
    ENV_FORMATS,
    FLAG_STATE_FORMATS,
    FLAG_TYPES,
    INI_INLINE_COMMENTS,
    NEWEST_PYTHON,
    REGISTRY_FIELDS,
    Config,
    ConfigError,
    EnvironmentSpec,
    FlagStateSpec,
)
from flaglint.presets import PRESETS, DefinitionSpec, ReaderSpec

# The keys each table takes, from their one definition (keys.py), which the docs are made of.
_KEYS = TOP.names
_ENV_KEYS = ENVIRONMENT.names
_FLAG_STATE_KEYS = FLAG_STATE.names


@dataclass(frozen=True, slots=True)
class Where:
    """Where a table lies in its file, to name a setting and the line of a mistake."""

    path: Path
    lines: dict[tomlsource.KeyPath, int]
    prefix: tuple[str, ...]

    def error(self, keys: tuple[str | int, ...], message: str) -> ConfigError:
        line = tomlsource.line_of(self.lines, (*self.prefix, *keys))
        return ConfigError(self.path, line, message)

    def name(self, keys: tuple[str | int, ...]) -> str:
        parts = [*self.prefix]
        for key in keys:
            if isinstance(key, int):
                parts[-1] = f"{parts[-1]}[{key}]"
            else:
                parts.append(key)
        return ".".join(parts)


def parse_table(table: dict[str, Any], where: Where, root: Path) -> Config:
    # Each setting is checked in this order, so that of two mistakes the same one is named.
    _check_section(table, where)
    settings: dict[str, Any] = {"root": root.resolve(), "source": where.path}
    settings |= _string_lists(table, where)
    if "presets" in table:
        settings["presets"] = _presets(table["presets"], where)
    _check_required_fields(settings.get("require", ()), where)
    if "lifetimes" in table:
        settings["lifetimes"] = _lifetimes(table["lifetimes"], where)
    if "readers" in table:
        settings["readers"] = readers = tuple(
            _reader(item, i, where) for i, item in
            enumerate(_tables(table["readers"], where, "readers")))
        _one_reader_per_call(readers, where)
    if "definitions" in table:
        settings["definitions"] = tuple(
            _definition(item, i, where)
            for i, item in enumerate(_tables(table["definitions"], where, "definitions")))
    if "overloaded" in table:
        settings["overloaded"] = _overloaded(table["overloaded"], where)
    if "target-version" in table:
        settings["target_version"] = _target_version(table["target-version"], where)
        settings["target_origin"] = "target-version"
    if "environments" in table:
        settings["environments"] = _environments(table["environments"], where)
    if "flag-state" in table:
        settings["flag_state"] = tuple(
            _flag_state(item, i, where)
            for i, item in enumerate(_tables(table["flag-state"], where, "flag-state")))
    return Config(**settings)


def _check_section(table: object, where: Where) -> None:
    """The flaglint section is a table of known keys."""
    if not isinstance(table, dict):
        raise where.error((), f"`{where.name(())}` must be a table")
    for key in table:
        if key not in _KEYS:
            section = f"[{where.name(())}]" if where.prefix else where.path.name
            raise where.error((key,), f"unknown key `{key}` in {section}; expected "
                                      f"one of {', '.join(_KEYS)}")


_STRING_LISTS = ("registry", "src", "exclude", "tests", "require", "select", "ignore")


def _string_lists(table: dict[str, Any], where: Where) -> dict[str, Any]:
    """The settings that are lists of strings, as Config's fields."""
    settings: dict[str, Any] = {key: _strings(table[key], where, key)
                                for key in _STRING_LISTS if key in table}
    if "registry" in table:
        settings["registry_configured"] = True
    return settings


def _presets(value: Any, where: Where) -> tuple[str, ...]:
    presets = _strings(value, where, "presets")
    for name in presets:
        if name not in PRESETS:
            raise where.error(("presets",), f"unknown preset {name!r}; expected one of "
                                            f"{', '.join(PRESETS)}")
    return presets


def _check_required_fields(required: tuple[str, ...], where: Where) -> None:
    for name in required:
        if name not in REGISTRY_FIELDS:
            raise where.error(("require",), f"unknown registry field {name!r} in `require`; "
                                            f"expected some of {', '.join(REGISTRY_FIELDS)}")


def _overloaded(value: Any, where: Where) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 2:
        raise where.error(("overloaded",), "`overloaded` must be a whole number of "
                                           "packages, 2 or more")
    return value


def _environments(value: Any, where: Where) -> tuple[EnvironmentSpec, ...]:
    if not isinstance(value, dict):
        raise where.error(("environments",), "`environments` must be a table of name = "
                                             "\"path or glob\" (or name = { path = ... })")
    specs = []
    for name, entry in value.items():
        keys: tuple[str | int, ...] = ("environments", name)
        if isinstance(entry, str):
            entry = {"path": entry}
        if not isinstance(entry, dict):
            raise where.error(keys, f"`{where.name(keys)}` must be a path or glob, or a table "
                                    f"like {{ path = \"k8s/prod.yaml\", at = \"data\" }}")
        _check_keys(entry, _ENV_KEYS, keys, where)
        for key in _ENV_KEYS:
            if key in entry and not isinstance(entry[key], str):
                raise where.error((*keys, key), f"`{where.name((*keys, key))}` must be a string")
        path = entry.get("path")
        if not path:
            raise where.error(keys, f"`{where.name(keys)}` needs `path`: a file or glob below "
                                    f"the project root")
        if entry.get("format") not in (None, *ENV_FORMATS):
            raise where.error((*keys, "format"), f"unknown format {entry['format']!r}; "
                                                 f"expected one of {', '.join(ENV_FORMATS)}")
        if entry.get("case") not in (None, "upper", "lower"):
            raise where.error((*keys, "case"), f"`{where.name((*keys, 'case'))}` must be "
                                               f"\"upper\" or \"lower\"")
        if entry.get("at") is not None and not _AT_PATH.fullmatch(entry["at"]):
            raise where.error((*keys, "at"), f"`{where.name((*keys, 'at'))}` must be a dotted "
                                             f"path like \"data\" or \"containerDefinitions"
                                             f"[*].environment\"")
        specs.append(EnvironmentSpec(name, path, entry.get("at"), entry.get("format"),
                                     entry.get("prefix", ""), entry.get("case"),
                                     tomlsource.line_of(where.lines, (*where.prefix, *keys)),
                                     entry.get("inline-comments", INI_INLINE_COMMENTS)))
    return tuple(specs)


def _flag_state(entry: dict[str, Any], index: int, where: Where) -> FlagStateSpec:
    keys: tuple[str | int, ...] = ("flag-state", index)
    _check_keys(entry, _FLAG_STATE_KEYS, keys, where)
    for key in _FLAG_STATE_KEYS:
        if key in entry and (not isinstance(entry[key], str) or not entry[key]):
            raise where.error((*keys, key), f"`{where.name((*keys, key))}` must be a "
                                            f"non-empty string")
    for key in ("format", "path"):
        if key not in entry:
            raise where.error(keys, f"`{where.name(keys)}` needs `{key}`: like format = "
                                    f"\"unleash\" and path = \"exports/unleash.json\"")
    if entry["format"] not in FLAG_STATE_FORMATS:
        raise where.error((*keys, "format"), f"unknown flag-state format "
                                             f"{entry['format']!r}; expected one of "
                                             f"{', '.join(FLAG_STATE_FORMATS)}")
    return FlagStateSpec(entry["format"], entry["path"], entry.get("environment"),
                         tomlsource.line_of(where.lines, (*where.prefix, *keys)))


_AT_SEGMENT = r"(?:[^.\[\]]+(?:\[(?:\*|\d+)\])*|(?:\[(?:\*|\d+)\])+)"
_AT_PATH = re.compile(rf"{_AT_SEGMENT}(?:\.{_AT_SEGMENT})*")


def _target_version(value: Any, where: Where) -> tuple[int, int]:
    match = re.fullmatch(r"py3(\d+)", value) if isinstance(value, str) else None
    newest = f"py3{NEWEST_PYTHON[1]}"
    if match is None or not 0 <= int(match.group(1)) <= NEWEST_PYTHON[1]:
        raise where.error(("target-version",), f"`target-version` must name a Python 3 "
                                               f"version like \"py312\" (py30 to {newest})")
    return 3, int(match.group(1))


def _strings(value: Any, where: Where, key: str,
             table: tuple[str | int, ...] = ()) -> tuple[str, ...]:
    """A list of strings (or one): the value of `key` in the table at `table`."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    keys = (*table, key)
    raise where.error(keys, f"`{where.name(keys)}` must be a list of strings, "
                            f"like {key} = [\"...\"]")


def _tables(value: Any, where: Where, key: str) -> list[dict[str, Any]]:
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        return value
    raise where.error((key,), f"`{where.name((key,))}` must be an array of tables: "
                              f"write [[{where.name((key,))}]] entries")


def _lifetimes(value: Any, where: Where) -> dict[str, int | None]:
    if not isinstance(value, dict):
        raise where.error(("lifetimes",), "`lifetimes` must be a table of type = days")
    lifetimes = dict(DEFAULT_LIFETIMES)
    for name, days in value.items():
        if name not in FLAG_TYPES:
            raise where.error(("lifetimes", name), f"unknown flag type {name!r} in lifetimes; "
                                                   f"expected one of {', '.join(FLAG_TYPES)}")
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise where.error(("lifetimes", name), f"lifetime of {name!r} must be a whole "
                                                   f"number of days, 1 or more")
        lifetimes[name] = days
    return lifetimes


def _position(item: dict[str, Any], key: str, keys: tuple[str | int, ...], where: Where, *,
              required: bool) -> tuple[int | None, str | None]:
    """An argument's position and keyword name: `key = 1`, `key = "name"`, or both,
    `key = [1, "name"]` (the keyword, else the position)."""
    if key not in item:
        if required:
            raise where.error(keys, f"`{where.name(keys)}` needs `{key}`: the position "
                                    f"(0, 1, …) or the keyword name of the argument")
        return None, None
    given = item[key] if isinstance(item[key], list) else [item[key]]
    positions = [p for p in given if isinstance(p, int) and not isinstance(p, bool)]
    names = [n for n in given if isinstance(n, str)]
    if not given or len(positions) > 1 or len(names) > 1 or \
            len(positions) + len(names) != len(given) or any(p < 0 for p in positions) or \
            any(not n.isidentifier() for n in names):
        raise where.error((*keys, key), f"`{where.name((*keys, key))}` must be an argument "
                                        f"position (0, 1, …), a keyword name, or both, like "
                                        f"{key} = [1, \"name\"]")
    return positions[0] if positions else None, names[0] if names else None


def _one_reader_per_call(readers: tuple[ReaderSpec, ...], where: Where) -> None:
    """Two readers of one call: only one would be used. Its key by position or keyword is
    one reader's `key = [1, "name"]`."""
    first: dict[str, int] = {}
    for index, reader in enumerate(readers):
        if reader.call in first:
            earlier = where.name(("readers", first[reader.call]))
            raise where.error(("readers", index, "call"),
                              f"`{where.name(('readers', index))}` reads `{reader.call}` as "
                              f"`{earlier}` does; keep one reader for a call (a key by "
                              f"position or keyword: key = [1, \"name\"])")
        first[reader.call] = index


def _check_keys(item: dict[str, Any], allowed: tuple[str, ...], keys: tuple[str | int, ...],
                where: Where) -> None:
    for key in item:
        if key not in allowed:
            raise where.error((*keys, key), f"unknown key `{key}` in `{where.name(keys)}`; "
                                            f"expected {', '.join(allowed)}")


def _call(item: dict[str, Any], keys: tuple[str | int, ...], where: Where) -> str:
    call = item.get("call")
    if not isinstance(call, str) or not call:
        raise where.error((*keys, "call"), f"`{where.name(keys)}` needs `call`: a qualified "
                                           f"name like \"myapp.flags.is_on\" or \"*.is_on\"")
    method = call.removeprefix("*.")
    if call.startswith("*.") and "." in method and qualified_name(method):
        raise where.error((*keys, "call"), f"`{where.name((*keys, 'call'))}` is {call!r}; "
                                           f"a method on any receiver is named alone, like "
                                           f"\"*.{method.rpartition('.')[2]}\"")
    if not qualified_name(method):
        # a pattern or a stray character would match no call, and leave every flag unread
        raise where.error((*keys, "call"), f"`{where.name((*keys, 'call'))}` is {call!r}, "
                                           f"which names no call; write the qualified name "
                                           f"of a function, class or method, like "
                                           f"\"myapp.flags.is_on\", or \"*.is_on\" for a "
                                           f"method of that name on any receiver")
    return call


def qualified_name(name: str) -> bool:
    """Is `name` a dotted name of Python identifiers (`myapp.flags.is_on`)?"""
    return all(part.isidentifier() for part in name.split("."))


def _line(where: Where, keys: tuple[str | int, ...]) -> int:
    return tomlsource.line_of(where.lines, (*where.prefix, *keys))


def _reader(item: dict[str, Any], index: int, where: Where) -> ReaderSpec:
    keys: tuple[str | int, ...] = ("readers", index)
    _check_keys(item, READER.names, keys, where)
    call = _call(item, keys, where)
    flag = _fixed_key(item, keys, where)
    key, key_name = _position(item, "key", keys, where, required=flag is None)
    default, default_name = _position(item, "default", keys, where, required=False)
    writes = item.get("writes", False)
    if not isinstance(writes, bool):
        raise where.error((*keys, "writes"), f"`{where.name((*keys, 'writes'))}` must be true "
                                             f"or false")
    return ReaderSpec(call, key, key_name, default, default_name, origin=f"readers[{index}]",
                      writes=writes, line=_line(where, (*keys, "call")), flag=flag)


def _fixed_key(item: dict[str, Any], keys: tuple[str | int, ...], where: Where) -> str | None:
    """`flag = "mode.copy_on_write"`: the key every call of the reader reads (it takes
    none), instead of `key`."""
    if "flag" not in item:
        return None
    flag = item["flag"]
    if not isinstance(flag, str) or not flag.strip():
        raise where.error((*keys, "flag"), f"`{where.name((*keys, 'flag'))}` must be the "
                                           f"flag's key as text, like flag = \"new_checkout\"")
    if "key" in item:
        raise where.error((*keys, "flag"), f"`{where.name(keys)}` takes either `key` (the "
                                           f"argument that is the key) or `flag` (the key "
                                           f"every call reads), not both")
    return flag


def _definition(item: dict[str, Any], index: int, where: Where) -> DefinitionSpec:
    keys: tuple[str | int, ...] = ("definitions", index)
    _check_keys(item, DEFINITION.names, keys, where)
    origin = f"definitions[{index}]"
    if "class" in item:
        return _class_definition(item, keys, where, origin)
    if "call" not in item and "namespace" in item:
        return _namespace_definition(item, keys, where, origin)
    call = _call(item, keys, where)
    if "key" in item and item.get("bound_name") is True:
        raise where.error((*keys, "bound_name"), f"`{where.name(keys)}` takes either `key` "
                                                 f"or `bound_name = true`, not both")
    key, key_name = _definition_key(item, keys, where)
    reads = _strings(item["reads"], where, "reads", keys) if "reads" in item else ()
    writes = _strings(item["writes"], where, "writes", keys) if "writes" in item else ()
    attributes = _strings(item["attributes"], where, "attributes", keys) \
        if "attributes" in item else ()
    for switch in ("call_reads", "truth_reads", "bound_name"):
        if not isinstance(item.get(switch, False), bool):
            raise where.error((*keys, switch), f"`{where.name((*keys, switch))}` must be true "
                                               f"or false")
    prefix = item.get("prefix", "")
    if not isinstance(prefix, str):
        raise where.error((*keys, "prefix"), f"`{where.name((*keys, 'prefix'))}` must be a "
                                             f"string, like prefix = \"jax_\"")
    namespace = item.get("namespace", "")
    if not isinstance(namespace, str) or (namespace and (not prefix or
                                                         not qualified_name(namespace))):
        raise where.error((*keys, "namespace"), f"`{where.name((*keys, 'namespace'))}` must be "
                                                f"a qualified name, with a `prefix` that the "
                                                f"attributes naming keys start with")
    return DefinitionSpec(call=call, key=key, key_name=key_name, origin=origin, reads=reads,
                          attributes=attributes, call_reads=item.get("call_reads", False),
                          prefix=prefix, truth_reads=item.get("truth_reads", False),
                          namespace=namespace, bound_name=item.get("bound_name", False),
                          writes=writes, line=_line(where, (*keys, "call")))


_CALL_ONLY = ("bound_name", "reads", "writes", "attributes", "call_reads", "truth_reads",
              "prefix", "namespace")


def _namespace_definition(item: dict[str, Any], keys: tuple[str | int, ...], where: Where,
                          origin: str) -> DefinitionSpec:
    """`namespace = "django.conf.settings"` with `prefix = "OFFER_"` and no `call`: an
    attribute of the object whose name starts with the prefix reads the flag of that name
    (Weblate's `settings.OFFER_HOSTING`); nothing in the code defines them."""
    for option in (*_CALL_ONLY, "key"):
        if option in item and option not in ("prefix", "namespace"):
            raise where.error((*keys, option), f"`{where.name((*keys, option))}` goes with "
                                               f"`call`; a `namespace` without one takes "
                                               f"only `prefix`")
    namespace, prefix = item["namespace"], item.get("prefix", "")
    if not isinstance(namespace, str) or not qualified_name(namespace) or \
            not isinstance(prefix, str) or not prefix:
        raise where.error((*keys, "namespace"), f"`{where.name((*keys, 'namespace'))}` must be "
                                                f"a qualified name, with a `prefix` that the "
                                                f"attributes naming keys start with, like "
                                                f"namespace = \"django.conf.settings\" and "
                                                f"prefix = \"OFFER_\"")
    return DefinitionSpec(key=None, origin=origin, prefix=prefix, namespace=namespace,
                          line=_line(where, (*keys, "namespace")))


def _class_definition(item: dict[str, Any], keys: tuple[str | int, ...], where: Where,
                      origin: str) -> DefinitionSpec:
    """`class = "app.flags.Flags"`: every string member of the class is a flag's key."""
    if "call" in item or "key" in item:
        raise where.error(keys, f"`{where.name(keys)}` takes either `class` or "
                                f"`call` with `key`, not both")
    for option in _CALL_ONLY:
        if option in item:  # a class's members are keys, not objects read or set
            raise where.error((*keys, option), f"`{where.name((*keys, option))}` goes with "
                                               f"`call`, not `class`")
    name = item["class"]
    if not isinstance(name, str) or not qualified_name(name):
        raise where.error((*keys, "class"), f"`{where.name((*keys, 'class'))}` must be "
                                            f"a qualified class name")
    return DefinitionSpec(class_=name, key=None, origin=origin)


def _definition_key(item: dict[str, Any], keys: tuple[str | int, ...], where: Where
                    ) -> tuple[int | None, str | None]:
    """The key argument's position and keyword name; the first argument when unsaid."""
    key, key_name = _position(item, "key", keys, where, required=False)
    return (0, None) if key is None and key_name is None else (key, key_name)
