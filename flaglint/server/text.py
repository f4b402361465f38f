"""A file's text as the protocol counts it: lines split where Python splits them (`\\r\\n`,
`\\r`, `\\n`, as the protocol does too), columns in the code units the client chose (UTF-16
unless it asked for UTF-8 or UTF-32), while flaglint's spans count characters from 1. And
the text edits that turn one text into another, whole lines at a time."""

from __future__ import annotations

import re
from collections.abc import Callable

from lsprotocol import types

from flaglint.findings import Span
from flaglint.linediff import opcodes

Units = Callable[[str], int]  # how many code units of the client's encoding a string takes

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def lines_of(text: str) -> list[str]:
    """The lines of `text`, each with its line end."""
    return _LINE.findall(text)


def _bare(line: str) -> str:
    return line.rstrip("\r\n")


class Text:
    """Positions in one text, both ways."""

    def __init__(self, text: str, units: Units) -> None:
        self.text = text
        self.lines = lines_of(text)
        self.units = units

    def line(self, number: int) -> str:
        """Line `number` (from 1) without its line end; "" past the end."""
        return _bare(self.lines[number - 1]) if 0 < number <= len(self.lines) else ""

    def position(self, line: int, column: int) -> types.Position:
        """The protocol's position of a character position (line and column from 1)."""
        if line > len(self.lines):
            return self.end()
        text = self.line(line)
        prefix = text[:max(column - 1, 0)]
        width = len(prefix) if prefix.isascii() else self.units(prefix)
        return types.Position(line=max(line - 1, 0), character=width)

    def range(self, span: Span) -> types.Range:
        start = self.position(span.line, span.column)
        end = self.position(span.end_line, span.end_column)
        if (end.line, end.character) < (start.line, start.character):
            end = start
        return types.Range(start=start, end=end)

    def line_range(self, line: int) -> types.Range:
        """Line `line` (from 1), from its start to its end."""
        return types.Range(start=self.position(line, 1),
                           end=self.position(line, len(self.line(line)) + 1))

    def column(self, position: types.Position) -> tuple[int, int]:
        """A protocol position as (line, column), both from 1, in characters."""
        text = self.line(position.line + 1)
        if text.isascii():
            return position.line + 1, min(position.character, len(text)) + 1
        counted = 0
        for index, char in enumerate(text):
            if counted >= position.character:
                return position.line + 1, index + 1
            counted += self.units(char)
        return position.line + 1, len(text) + 1

    def start_of(self, index: int) -> types.Position:
        """Where line `index` (from 0) starts; the end of the text past the last line."""
        if index < len(self.lines):
            return types.Position(line=index, character=0)
        return self.end()

    def end(self) -> types.Position:
        if not self.lines:
            return types.Position(line=0, character=0)
        last = self.lines[-1]
        if last != _bare(last):  # the text ends with a line end: the empty line after it
            return types.Position(line=len(self.lines), character=0)
        return types.Position(line=len(self.lines) - 1, character=self.units(last))


def text_edits(before: str, after: str, units: Units) -> list[types.TextEdit]:
    """The edits that turn `before` into `after`: each run of changed lines replaced."""
    if before == after:
        return []
    old = Text(before, units)
    new = lines_of(after)
    edits = []
    for tag, i1, i2, j1, j2 in opcodes(old.lines, new):
        if tag == "equal":
            continue
        edits.append(types.TextEdit(range=types.Range(start=old.start_of(i1),
                                                      end=old.start_of(i2)),
                                    new_text="".join(new[j1:j2])))
    return edits
