"""Read TOML files and find the line each key stands on, for messages that name a line.

`tomllib` gives values without positions; flaglint's errors and registry findings need the
line of `[flags.KEY]` or of `status = ...`. A light line scanner recovers them: it knows table
headers, arrays of tables, dotted and quoted keys, and skips multi-line strings.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on older Pythons only
    import tomli as tomllib

KeyPath = tuple[str | int, ...]

_BARE_OR_QUOTED = r'(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
_DOTTED = rf"{_BARE_OR_QUOTED}(?:\s*\.\s*{_BARE_OR_QUOTED})*"
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_DOTTED})\s*\]\]?\s*(?:#.*)?$")
_KEY_LINE = re.compile(rf"^\s*({_DOTTED})\s*=")
_PART = re.compile(_BARE_OR_QUOTED)
_ERROR_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def flag_table(key: str) -> str:
    """The registry table of a flag as TOML writes it: `[flags.new_ui]`, and
    `[flags."runner.fastReruns"]` for a key a bare TOML key cannot spell (unquoted, its dots
    would nest tables)."""
    return f"[flags.{key if _BARE.fullmatch(key) else json.dumps(key)}]"


_BARE = re.compile(r"[A-Za-z0-9_-]+")


class TomlError(Exception):
    """A TOML file that cannot be read or parsed; `line` is 0 when unknown."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message


def split_dotted(text: str) -> tuple[str, ...]:
    parts = []
    for match in _PART.finditer(text):
        part = match.group(0)
        if part[0] in "\"'":
            part = part[1:-1]
        parts.append(part)
    return tuple(parts)


def key_lines(text: str) -> dict[KeyPath, int]:
    """Map each table and key path to its 1-based line (arrays of tables get an index)."""
    lines: dict[KeyPath, int] = {}
    table: KeyPath = ()
    array_counts: dict[tuple[str, ...], int] = {}
    in_string: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string is not None:
            if line.count(in_string) % 2 == 1:
                in_string = None
            continue
        header = _HEADER.match(line)
        if header:
            path = split_dotted(header.group(2))
            if header.group(1) == "[[":
                index = array_counts.get(path, -1) + 1
                array_counts[path] = index
                table = (*path, index)
            else:
                table = _with_array_indexes(path, array_counts)
            for end in range(1, len(table) + 1):
                lines.setdefault(table[:end], number)
            continue
        key = _KEY_LINE.match(line)
        if key:
            lines.setdefault((*table, *split_dotted(key.group(1))), number)
            rest = line[key.end():]
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2 == 1:
                    in_string = quote
    return lines


def _with_array_indexes(path: tuple[str, ...], counts: dict[tuple[str, ...], int]) -> KeyPath:
    # `[tool.flaglint.readers.x]` after `[[tool.flaglint.readers]]` belongs to the last element.
    result: list[str | int] = []
    for i, part in enumerate(path):
        result.append(part)
        prefix = path[: i + 1]
        if prefix in counts and i < len(path) - 1:
            result.append(counts[prefix])
    return tuple(result)


def load(path: Path) -> tuple[dict[str, Any], dict[KeyPath, int], str]:
    """Parse a TOML file; return its data, its key lines and its text."""
    try:
        text = path.read_bytes().decode("utf-8-sig")  # a BOM from a Windows editor is fine
    except OSError as error:
        raise TomlError(path, 0, f"cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise TomlError(path, 0, "not UTF-8 text; TOML files must be UTF-8") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        position = _ERROR_POSITION.search(message)
        line = int(position.group(1)) if position else 0
        if not position and message.endswith("(at end of document)"):
            # an unclosed array, table or string runs to the end: its last line
            line = max(1, len(text.rstrip().split("\n")))
            message = message.removesuffix("(at end of document)").strip() + \
                " (at the end of the file: something opened above is not closed)"
        message = _ERROR_POSITION.sub("", message).strip()
        raise TomlError(path, line, f"invalid TOML: {message}") from None
    return data, key_lines(text), text


def line_of(lines: dict[KeyPath, int], path: KeyPath) -> int:
    """The line of `path`, or of its nearest ancestor that has one; 0 when none does."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return 0
