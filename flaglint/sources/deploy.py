"""Deployment configs (`[tool.flaglint.environments]`): what each environment, or each host of
a glob, sets, to which value, on which line.

Formats: `.env` (python-dotenv's parser), JSON and YAML (PyYAML's composer, whose node marks
give the lines), TOML and INI. The settings are a file's top-level mapping, or its `flags`
table, or what `at` points to: a mapping, or a name/value list (Kubernetes `env:`, ECS
`environment`, docker-compose `KEY=value` strings). A file that cannot be read or parsed is a
problem (FL001), never a crash; a path or glob that finds no file is a configuration error.
"""

from __future__ import annotations

import configparser
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flaglint import tomlsource
from flaglint.config import Config, ConfigError, EnvironmentSpec
from flaglint.config.model import INI_INLINE_COMMENTS
from flaglint.findings import Span
from flaglint.sources.registry import FlagValue
from flaglint.suppressions import Suppressions

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on older Pythons only
    import tomli as tomllib

_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


@dataclass(frozen=True, slots=True)
class Setting:
    """One key a config sets. `known` is False when the value is decided elsewhere
    (`${VAR}`, a Helm template, a Kubernetes `valueFrom`)."""

    key: str  # as the file writes it
    value: FlagValue | None
    known: bool
    path: str
    span: Span  # the key's line, to the end of its value
    flags_only: bool  # the mapping holds flags only (a `flags` table, a flags file)


@dataclass(frozen=True, slots=True)
class Host:
    environment: str
    path: str
    settings: tuple[Setting, ...]
    anchor: Span  # where "this host does not set it" points: the settings' first line

    def setting(self, key: str) -> Setting | None:
        for setting in self.settings:
            if setting.key == key:
                return setting
        return None


@dataclass(frozen=True, slots=True)
class Environment:
    spec: EnvironmentSpec
    hosts: tuple[Host, ...]
    unreadable: tuple[str, ...] = ()  # its files that cannot be read: they serve nothing known

    @property
    def group(self) -> bool:
        """A glob of several hosts, compared with each other."""
        return self.spec.is_glob and len(self.hosts) > 1


@dataclass(frozen=True, slots=True)
class Problem:
    """A deployment file flaglint cannot read: an FL001 finding."""

    path: str
    line: int
    column: int
    message: str


@dataclass(frozen=True)
class Deployments:
    environments: tuple[Environment, ...] = ()
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()
    suppressions: dict[str, Suppressions] = field(default_factory=dict)

    def hosts(self) -> Iterator[Host]:
        for environment in self.environments:
            yield from environment.hosts


def normalise(raw: object) -> tuple[bool, FlagValue | None]:
    """(known, value): true/false/yes/no/on/off/1/0 in any case are booleans, numbers are
    numbers; a value decided elsewhere (`${VAR}`, `{{ .Values.x }}`, null) is unknown."""
    if raw is None:
        return False, None
    if isinstance(raw, bool):
        return True, raw
    if isinstance(raw, int) and raw in (0, 1):
        return True, bool(raw)
    if isinstance(raw, (int, float)):
        return True, raw
    text = str(raw).strip()
    if "${" in text or "{{" in text:
        return False, None
    lowered = text.lower()
    if lowered in _TRUE or lowered in _FALSE:
        return True, lowered in _TRUE
    if _NUMBER.fullmatch(text):
        number = float(text)
        return True, int(text) if number.is_integer() and "." not in text and "e" not in \
            lowered else number
    return True, text


def files(config: Config) -> list[tuple[EnvironmentSpec, list[Path]]]:
    """Each environment's files; a path or glob that finds none is a configuration error."""
    found = []
    for spec in config.environments:
        where = f"`environments.{spec.name}`"
        if spec.is_glob:
            try:
                paths = sorted(p for p in config.root.glob(spec.path) if p.is_file())
            except (ValueError, NotImplementedError, OSError) as error:
                raise ConfigError(config.source, spec.line, f"{where}: cannot use the glob "
                                  f"{spec.path!r} ({error}); write it relative to "
                                  f"{config.root}") from None
            if not paths:
                raise ConfigError(config.source, spec.line, f"{where}: the glob {spec.path!r} "
                                  f"matches no file under {config.root}; fix the glob or "
                                  f"remove the entry")
        else:
            path = config.root / spec.path
            if not path.is_file():
                raise ConfigError(config.source, spec.line, f"{where}: {spec.path!r} does not "
                                  f"exist (looked at {path}); fix the path or remove the entry")
            paths = [path]
        for path in paths:
            if _format(spec, path) is None:
                raise ConfigError(config.source, spec.line, f"{where}: cannot tell the format "
                                  f"of {path.name!r} from its name; add format = \"env\", "
                                  f"\"json\", \"toml\", \"yaml\" or \"ini\"")
        found.append((spec, paths))
    return found


def load_deployments(config: Config) -> Deployments:
    environments = []
    problems: list[Problem] = []
    notes: list[str] = []
    suppressions: dict[str, Suppressions] = {}
    for spec, paths in files(config):
        hosts = []
        unreadable = []
        for path in paths:
            rel = _relative(path, config.root)
            host, problem, text = _read(spec, path, rel)
            if problem is not None:
                problems.append(problem)
            if text is not None:
                suppressions[rel] = Suppressions.scan(text)
            if host is None:
                if problem is None:
                    notes.append(f"{rel}: nothing at `{spec.at}` (environments.{spec.name}); "
                                 f"no flag settings are read from it")
                else:
                    unreadable.append(rel)
                continue
            hosts.append(host)
        environments.append(Environment(spec, tuple(hosts), tuple(unreadable)))
    return Deployments(tuple(environments), tuple(problems), tuple(notes), suppressions)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _format(spec: EnvironmentSpec, path: Path) -> str | None:
    if spec.format is not None:
        return spec.format
    name = path.name.lower()
    suffix = path.suffix.lower()
    if name in (".env", "env") or name.startswith(".env.") or suffix == ".env":
        return "env"
    return {".json": "json", ".toml": "toml", ".yaml": "yaml", ".yml": "yaml", ".ini": "ini",
            ".cfg": "ini", ".conf": "ini"}.get(suffix)


# -- reading -------------------------------------------------------------------------------


class _Malformed(Exception):
    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message


@dataclass(slots=True)
class Node:
    """A parsed value with its place: a mapping is a dict of Nodes (each spanning its key and
    value), a list a list of Nodes, anything else a scalar."""

    value: Any
    span: Span


def _read(spec: EnvironmentSpec, path: Path, rel: str
          ) -> tuple[Host | None, Problem | None, str | None]:
    try:
        data = path.read_bytes()
    except OSError as error:
        return None, Problem(rel, 1, 1, f"cannot read: {error.strerror or error}"), None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return None, Problem(rel, line, 1, f"cannot decode: byte 0x{data[error.start]:02x} "
                                           f"is not valid UTF-8"), None
    kind = _format(spec, path) or "env"
    problem = None
    try:
        if kind == "env":
            root, problem = _dotenv(text, rel)
        elif kind == "ini":
            root = _ini(text, spec.inline_comments)
        else:
            root = _PARSERS[kind](text)
    except _Malformed as bad:
        return None, Problem(rel, bad.line, bad.column, f"cannot parse as {_NAMES[kind]}: "
                                                        f"{bad.message}; the flags this "
                                                        f"deployment config sets are not "
                                                        f"checked"), text
    except (RecursionError, MemoryError, ValueError, TypeError) as error:
        return None, Problem(rel, 1, 1, f"cannot parse as {_NAMES[kind]} "
                                        f"({type(error).__name__}: nested too deeply or too "
                                        f"large); the flags this deployment config sets are "
                                        f"not checked"), text
    targets, flags_only = _targets(root, spec.at, path)
    if not targets:
        return None, problem, text
    settings: list[Setting] = []
    for target in targets:
        settings.extend(_settings(target, rel, flags_only=flags_only))
    return Host(spec.name, rel, tuple(settings), targets[0].span), problem, text


_NAMES = {"env": "a .env file", "json": "JSON", "toml": "TOML", "yaml": "YAML", "ini": "INI"}


def _targets(root: Node, at: str | None, path: Path) -> tuple[list[Node], bool]:
    """The nodes that hold the settings, and whether they hold flags only."""
    documents = root.value if isinstance(root.value, _Documents) else [root]
    if at is not None:
        found = [n for doc in documents for n in _walk(doc, at)]
        return found, at.rsplit(".", 1)[-1].split("[")[0] == "flags"
    targets = []
    flags_only = False
    for doc in documents:
        if isinstance(doc.value, dict) and isinstance(doc.value.get("flags"), Node) and \
                isinstance(doc.value["flags"].value, dict):
            targets.append(doc.value["flags"])
            flags_only = True
        elif isinstance(doc.value, (dict, list)):
            targets.append(doc)
    stem = path.name.lower()
    return targets, flags_only or "flag" in stem or "feature" in stem


_SEGMENT = re.compile(r"([^.\[\]]*)((?:\[(?:\*|\d+)\])*)")


def _walk(node: Node, at: str) -> list[Node]:
    nodes = [node]
    for segment in at.split("."):
        match = _SEGMENT.fullmatch(segment)
        assert match is not None  # the configuration checked the path
        name, indexes = match.groups()
        step = []
        for current in nodes:
            if name:
                if not isinstance(current.value, dict) or name not in current.value:
                    continue
                current = current.value[name]
            picked = [current]
            for index in re.findall(r"\[(\*|\d+)\]", indexes):
                picked = [item for n in picked if isinstance(n.value, list)
                          for item in (n.value if index == "*" else n.value[int(index):
                                                                             int(index) + 1])]
            step.extend(picked)
        nodes = step
    return nodes


def _settings(target: Node, rel: str, *, flags_only: bool, prefix: str = ""
              ) -> Iterator[Setting]:
    if isinstance(target.value, dict):
        for key, child in target.value.items():
            if isinstance(child.value, dict) and not flags_only:
                # a section of a config (`[runner]` then `fastReruns = false`, streamlit's
                # config.toml): its keys are dotted, `runner.fastReruns`. Not in a file of
                # flags alone, where a table is a flag's own (`[flags.new_ui] enabled = true`)
                # or what it says of itself (`meta`): no key of such a table is a flag's
                yield from _settings(child, rel, flags_only=flags_only,
                                     prefix=f"{prefix}{key}.")
            elif not isinstance(child.value, (dict, list, _Documents)):
                known, value = normalise(child.value)
                yield Setting(f"{prefix}{key}", value, known, rel, child.span, flags_only)
        return
    if prefix:
        return  # a list inside a section
    if not isinstance(target.value, list):
        return
    for item in target.value:
        if isinstance(item.value, dict):  # {name: X, value: Y}; no value: `valueFrom`
            name = item.value.get("name")
            if name is None or isinstance(name.value, (dict, list)) or name.value is None:
                continue
            value = item.value.get("value")
            raw = value.value if value is not None and not isinstance(
                value.value, (dict, list)) else None
            known, normalised = normalise(raw)
            yield Setting(str(name.value), normalised, known, rel, item.span, flags_only)
        elif isinstance(item.value, str) and item.value.strip():  # docker-compose KEY=value
            key, equals, raw = item.value.partition("=")
            known, normalised = normalise(raw if equals else None)
            if key.strip():
                yield Setting(key.strip(), normalised, known, rel, item.span, flags_only)


class _Documents(list):  # type: ignore[type-arg]
    """The documents of a multi-document YAML file."""


# -- formats ---------------------------------------------------------------------------------


def _dotenv(text: str, rel: str) -> tuple[Node, Problem | None]:
    import io

    from dotenv.parser import parse_stream

    mapping: dict[str, Node] = {}
    problem = None
    for binding in parse_stream(io.StringIO(text)):
        line = binding.original.line
        if binding.error:
            if problem is None:
                problem = Problem(rel, line, 1, "cannot parse this line of a .env file "
                                                "(expected KEY=value); flaglint reads the "
                                                "file's other lines")
            continue
        if binding.key is None:
            continue
        raw: str | None = binding.value
        written = binding.original.string.partition("=")[2].lstrip()
        if raw is not None and "$" in raw and not written.startswith("'"):
            raw = "${}"  # interpolated when the file is loaded: unknown here
        written_lines = binding.original.string.rstrip("\r\n").split("\n")
        end = line + len(written_lines) - 1
        mapping[binding.key] = Node(raw, Span(line, 1, end, len(written_lines[-1]) + 1))
    return Node(mapping, Span(1, 1, 1, 1)), problem


def _yaml(text: str) -> Node:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        documents = [d for d in yaml.compose_all(text, Loader=loader) if d is not None]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        if mark is None:
            raise _Malformed(1, 1, str(problem)) from None
        raise _Malformed(mark.line + 1, mark.column + 1, str(problem)) from None
    lines = text.splitlines()
    seen: dict[int, Node] = {}
    nodes = [_from_yaml(d, lines, seen) for d in documents]
    if len(nodes) == 1:
        return nodes[0]
    return Node(_Documents(nodes), Span(1, 1, 1, 1))


def _from_yaml(node: Any, lines: list[str], seen: dict[int, Node]) -> Node:
    """The tree of a composed YAML node. An alias is the node it names: converted once
    (`seen`), so that a "billion laughs" file or a recursive anchor costs nothing."""
    import yaml

    if id(node) in seen:
        return seen[id(node)]
    span = _mark_span(node.start_mark, node.end_mark, lines)
    converted = Node(None, span)
    seen[id(node)] = converted
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Node] = {}
        merged: dict[str, Node] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            if key.tag == "tag:yaml.org,2002:merge":
                # `<<: *common` (or a list of them): the named mappings' entries, under the
                # mapping's own (the first merged mapping wins among them, as YAML says).
                for source in value.value if isinstance(value, yaml.SequenceNode) else [value]:
                    found = _from_yaml(source, lines, seen).value
                    if isinstance(found, dict):
                        for name, entry in found.items():
                            merged.setdefault(name, entry)
                continue
            child = _from_yaml(value, lines, seen)
            mapping[str(key.value)] = Node(child.value, _mark_span(key.start_mark,
                                                                   value.end_mark, lines))
        converted.value = {**merged, **mapping}
    elif isinstance(node, yaml.SequenceNode):
        converted.value = [_from_yaml(item, lines, seen) for item in node.value]
    elif not node.tag.endswith(":null"):
        converted.value = node.value
    return converted


def _mark_span(start: Any, end: Any, lines: list[str]) -> Span:
    end_line, end_column = end.line + 1, end.column + 1
    before = lines[end.line][:end.column] if end.line < len(lines) else ""
    if end.line > start.line and not before.strip():
        # A block node ends where the next entry starts: on the line before, in fact.
        end_line = end.line
        end_column = len(lines[end_line - 1]) + 1 if end_line <= len(lines) else 1
    return Span(start.line + 1, start.column + 1, end_line, end_column)


def _json(text: str) -> Node:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise _Malformed(error.lineno, error.colno, error.msg) from None
    try:
        return _yaml(text)  # JSON is YAML: its composer gives each value's line
    except _Malformed:
        return _plain(data, text.splitlines(), lambda key: f'"{key}"')


def _toml(text: str) -> Node:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        position = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        if position is None:
            raise _Malformed(1, 1, message) from None
        raise _Malformed(int(position.group(1)), int(position.group(2)), message) from None
    lines = tomlsource.key_lines(text)
    source = text.splitlines()

    def build(value: Any, keys: tomlsource.KeyPath, parent: int) -> Node:
        line = lines.get(keys, parent)  # an inline value has its parent's line
        span = Span(line, 1, line, len(source[line - 1]) + 1 if line <= len(source) else 1)
        if isinstance(value, dict):
            return Node({str(k): build(v, (*keys, str(k)), line) for k, v in value.items()},
                        span)
        if isinstance(value, list):
            return Node([build(v, (*keys, i), line) for i, v in enumerate(value)], span)
        return Node(value, span)

    return build(data, (), 1)


def _ini(text: str, inline_comments: str = INI_INLINE_COMMENTS) -> Node:
    parser = configparser.ConfigParser(interpolation=None, strict=False,
                                       default_section="\0",
                                       inline_comment_prefixes=tuple(inline_comments) or None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    try:
        parser.read_string(text)
    except configparser.MissingSectionHeaderError:
        try:  # keys before any section: the whole file is one flat mapping
            parser.read_string("[\0top]\n" + text)
        except configparser.ParsingError as error:
            line, written = error.errors[0] if error.errors else (2, "")
            raise _Malformed(max(line - 1, 1), 1, f"expected `key = value` or a [section], "
                                                  f"not {_unrepr(written)!r}") from None
        except configparser.Error as error:
            raise _Malformed(max(getattr(error, "lineno", 2) - 1, 1), 1,
                             _first_line(error)) from None
    except configparser.ParsingError as error:
        line, written = error.errors[0] if error.errors else (1, "")
        raise _Malformed(line, 1, f"expected `key = value` or a [section], not "
                                  f"{_unrepr(written)!r}") from None
    except configparser.Error as error:
        raise _Malformed(getattr(error, "lineno", 1), 1, _first_line(error)) from None
    source = text.splitlines()
    places = _ini_lines(source)
    root: dict[str, Node] = {}
    for section in parser.sections():
        entries = {}
        for key, value in parser.items(section, raw=True):
            line = places.get((section, key), places.get(("\0top", key), 1))
            entries[key] = Node(value, Span(line, 1, line, len(source[line - 1]) + 1))
        header = places.get((section, ""), 1)
        if section == "\0top":
            root.update(entries)
        else:
            root[section] = Node(entries, Span(header, 1, header, len(source[header - 1]) + 1
                                               if source else 1))
    return Node(root, Span(1, 1, 1, 1))


def _unrepr(written: str) -> str:
    """configparser keeps a bad line as its repr."""
    import ast

    try:
        value = ast.literal_eval(written)
    except (ValueError, SyntaxError):
        value = written
    return str(value).strip()


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0]


_INI_SECTION = re.compile(r"^\s*\[([^\]]+)\]")
_INI_KEY = re.compile(r"^([^\s=:;#\[][^=:]*?)\s*[=:]")


def _ini_lines(source: list[str]) -> dict[tuple[str, str], int]:
    places: dict[tuple[str, str], int] = {}
    section = "\0top"
    for number, line in enumerate(source, start=1):
        header = _INI_SECTION.match(line)
        if header:
            section = header.group(1).strip()
            places.setdefault((section, ""), number)
            continue
        key = _INI_KEY.match(line)
        if key:
            places.setdefault((section, key.group(1).strip()), number)
    return places


def _plain(data: Any, source: list[str], quoted: Any) -> Node:
    """A tree without marks (JSON that YAML cannot read): each key's line is the next line,
    in order, that names it."""
    cursor = [0]

    def line_of(key: str) -> int:
        needle = quoted(key)
        for index in range(cursor[0], len(source)):
            if needle in source[index]:
                cursor[0] = index
                return index + 1
        return cursor[0] + 1

    def build(value: Any, line: int) -> Node:
        span = Span(line, 1, line, len(source[line - 1]) + 1 if line <= len(source) else 1)
        if isinstance(value, dict):
            return Node({str(k): build(v, line_of(str(k))) for k, v in value.items()}, span)
        if isinstance(value, list):
            return Node([build(v, line) for v in value], span)
        return Node(value, span)

    return build(data, 1)


_PARSERS = {"json": _json, "yaml": _yaml, "toml": _toml, "ini": _ini}


def format_of(spec: EnvironmentSpec, path: Path) -> str | None:
    """The format a deployment file is read as: `format`, else from its name."""
    return _format(spec, path)


def parses(text: str, fmt: str) -> bool:
    """Does `text` parse as a deployment config of this format (a `.env` line by line)?"""
    try:
        if fmt == "env":
            _, problem = _dotenv(text, "")
            return problem is None
        _PARSERS[fmt](text)
    except (_Malformed, RecursionError, MemoryError, ValueError, TypeError):
        return False
    return True
