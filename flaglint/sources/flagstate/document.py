"""An export file read once into plain data, with where each value is written.

JSON is parsed by the standard `json` module; a second walk over the text, with the same
module's string and scalar scanners, notes where each object member and array item starts.
YAML is composed by PyYAML and built from its nodes, whose marks give the positions. The
YAML resolver is narrowed to what JSON means (YAML 1.2's core schema): `on`, `off`, `yes` and
`no` stay strings and dates stay text, as flagd's own YAML reader sees them.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flaglint.sources.flagstate.model import At, FlagStateError

__all__ = ["At", "Document", "load"]

_SPACE = re.compile(r"[ \t\n\r]*")


@dataclass(frozen=True, slots=True)
class Document:
    """The data of one export file and the position (line, column; 1-based) of each value:
    for an object member the position of its key, for an array item its first character."""

    path: str
    data: Any
    positions: dict[At, tuple[int, int]]

    def where(self, at: At) -> tuple[int, int]:
        """The position of `at`, or of its nearest ancestor the document records."""
        while at not in self.positions and at:
            at = at[:-1]
        return self.positions.get(at, (1, 1))

    def line(self, at: At) -> int:
        return self.where(at)[0]


def load(file: Path, shown: str) -> Document:
    """The document in `file` (YAML when its name ends .yaml or .yml, else JSON); `shown`
    is the path messages name."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise FlagStateError(shown, 1, f"cannot read the file: {error}") from None
    if file.suffix.lower() in (".yaml", ".yml"):
        return _yaml_document(text, shown)
    return _json_document(text, shown)


# -- JSON -----------------------------------------------------------------------------------


def _json_document(text: str, shown: str) -> Document:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise FlagStateError(shown, error.lineno, f"not JSON: {error.msg} (column "
                                                  f"{error.colno})") from None
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    positions: dict[At, tuple[int, int]] = {}
    for at, offset in _json_starts(text):
        line = bisect.bisect_right(line_starts, offset)
        positions[at] = (line, offset - line_starts[line - 1] + 1)
    return Document(shown, data, positions)


def _json_starts(text: str) -> Iterator[tuple[At, int]]:
    """(where, offset) of every member and item of a valid JSON text, the top value first."""
    decoder = json.JSONDecoder()
    # Each open container: its path, the index of its next item (or -1 for an object).
    stack: list[tuple[At, int]] = []
    at: At = ()
    index = _SPACE.match(text, 0).end()  # type: ignore[union-attr]
    yield at, index
    while True:
        char = text[index]
        if char in "{[":
            stack.append((at, -1 if char == "{" else 0))
            index = _SPACE.match(text, index + 1).end()  # type: ignore[union-attr]
            if text[index] in "}]":
                stack.pop()
                index += 1
        else:
            index = decoder.raw_decode(text, index)[1]
        # After a value: a comma starts the parent's next member or item, a bracket ends it.
        while True:
            index = _SPACE.match(text, index).end()  # type: ignore[union-attr]
            if not stack:
                return
            parent, next_item = stack[-1]
            if text[index] in "}]":
                stack.pop()
                index += 1
                continue
            if text[index] == ",":
                index = _SPACE.match(text, index + 1).end()  # type: ignore[union-attr]
            break
        if next_item < 0:
            key_start = index
            key, index = decoder.raw_decode(text, index)
            index = _SPACE.match(text, index).end()  # type: ignore[union-attr]
            index = _SPACE.match(text, index + 1).end()  # type: ignore[union-attr]  # past ':'
            at = (*parent, key)
            yield at, key_start
        else:
            stack[-1] = (parent, next_item + 1)
            at = (*parent, next_item)
            yield at, index


# -- YAML -----------------------------------------------------------------------------------


def _yaml_document(text: str, shown: str) -> Document:
    # PyYAML is imported only to read YAML (~10 ms of every run's start before)
    from flaglint.sources.flagstate.yaml_text import yaml_document

    data, positions = yaml_document(text, shown)
    return Document(shown, data, positions)
