"""Inline suppressions: `# flaglint: ignore[FL301]` or `# flaglint: ignore` on a line."""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

from flaglint.findings import compact_pickle

_PATTERN = re.compile(r"#\s*flaglint:\s*ignore\b(?:\[([A-Za-z0-9,\s]*)\])?")
_LINE_END = re.compile(r"\r\n|\r|\n")


def source_lines(text: str) -> list[str]:
    """The lines of Python source as Python numbers them: `str.splitlines` also splits at a
    form feed, vertical tab and other separators that are not line ends in Python."""
    return _LINE_END.split(text)


@compact_pickle
@dataclass(frozen=True, slots=True)
class Suppression:
    line: int
    codes: tuple[str, ...] | None  # None: every code

    def covers(self, code: str) -> bool:
        return self.codes is None or any(code.startswith(prefix) for prefix in self.codes)


def _suppression(line: int, match: re.Match[str]) -> Suppression:
    codes = None
    if match.group(1) is not None:
        codes = tuple(c.strip().upper() for c in match.group(1).split(",") if c.strip())
    return Suppression(line, codes)


@compact_pickle
@dataclass(frozen=True, slots=True)
class Suppressions:
    by_line: dict[int, Suppression] = field(default_factory=dict)

    @classmethod
    def scan(cls, text: str) -> Suppressions:
        if "flaglint" not in text:
            return cls()
        found = {}
        for number, line in enumerate(source_lines(text), start=1):
            if "flaglint" not in line:
                continue
            match = _PATTERN.search(line)
            if match:
                found[number] = _suppression(number, match)
        return cls(found)

    @classmethod
    def scan_python(cls, text: str) -> Suppressions:
        """As `scan`, for Python: a marker counts only in a comment, not in a string literal
        (`"# flaglint: ignore"` is text). Only a file with a marker is tokenized; one that
        does not tokenize (it is FL001, or its grammar is newer than this Python's) keeps
        what the text scan found."""
        found = cls.scan(text)
        if not found.by_line:
            return found
        comments = {}
        try:
            for token in tokenize.generate_tokens(io.StringIO(text, newline=None).readline):
                if token.type == tokenize.COMMENT and (match := _PATTERN.search(token.string)):
                    comments[token.start[0]] = _suppression(token.start[0], match)
        except (tokenize.TokenError, SyntaxError, ValueError):  # IndentationError included
            return found
        return cls(comments)

    def suppresses(self, line: int, code: str) -> Suppression | None:
        suppression = self.by_line.get(line)
        return suppression if suppression is not None and suppression.covers(code) else None
