"""Inline suppressions on a line: `# flaglint: ignore[FL301]` or `# flaglint: ignore`, and
`# noqa: FL301` as flake8 and ruff users write it (a bare `# noqa` hides every finding of
its line, as it does for them; `# noqa: E501` names no code of flaglint's and hides none)."""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

from flaglint.findings import made_in_bulk

_PATTERN = re.compile(r"#\s*flaglint:\s*ignore\b(?:\[([A-Za-z0-9,\s]*)\])?")
_NOQA = re.compile(r"#\s*noqa(?::\s*([A-Za-z]+[0-9]+(?:[,\s]+[A-Za-z]+[0-9]+)*))?\b",
                   re.IGNORECASE)
_OURS = re.compile(r"FL[0-9]*", re.IGNORECASE)
_MARK = re.compile(r"flaglint|noqa", re.IGNORECASE)  # what a line needs to hold one
_LINE_END = re.compile(r"\r\n|\r|\n")


def source_lines(text: str) -> list[str]:
    """The lines of Python source as Python numbers them: `str.splitlines` also splits at a
    form feed, vertical tab and other separators that are not line ends in Python."""
    return _LINE_END.split(text)


@made_in_bulk
@dataclass(frozen=True, slots=True)
class Suppression:
    line: int
    codes: tuple[str, ...] | None  # None: every code
    noqa: bool = False  # written as a noqa comment (a bare one, codes None, is for other
    # linters too: it is never reported unused)

    def covers(self, code: str) -> bool:
        return self.codes is None or any(code.startswith(prefix) for prefix in self.codes)

    @property
    def bare(self) -> bool:
        return self.noqa and self.codes is None

    def written(self) -> str:
        """The comment as the user wrote it (its codes that are flaglint's)."""
        if self.noqa:
            return f"# noqa: {', '.join(self.codes)}" if self.codes else "# noqa"
        return f"# flaglint: ignore[{', '.join(self.codes)}]" if self.codes else \
            "# flaglint: ignore"


def _may_hold_one(text: str) -> bool:
    """Could any line of `text` hold a suppression? `_PATTERN` spells `flaglint` in lower
    case; `_NOQA`'s letters match no other characters than their two cases, which `lower`
    makes one. Ten times faster than `_MARK` over a whole file (a case-blind search of a
    Python regex is a character at a time): most files hold none."""
    return "flaglint" in text or "noqa" in text.lower()


def _suppression(line: int, comment: str) -> Suppression | None:
    """The suppression a comment makes, if any (`flaglint: ignore` wins over `noqa`)."""
    match = _PATTERN.search(comment)
    if match is not None:
        codes = None
        if match.group(1) is not None:
            codes = tuple(c.strip().upper() for c in match.group(1).split(",") if c.strip())
        return Suppression(line, codes)
    noqa = _NOQA.search(comment)
    if noqa is None:
        return None
    if noqa.group(1) is None:
        return Suppression(line, None, noqa=True)
    ours = tuple(c.upper() for c in re.split(r"[,\s]+", noqa.group(1))
                 if _OURS.fullmatch(c))
    return Suppression(line, ours, noqa=True) if ours else None




@made_in_bulk
@dataclass(frozen=True, slots=True)
class Suppressions:
    by_line: dict[int, Suppression] = field(default_factory=dict)

    @classmethod
    def scan(cls, text: str) -> Suppressions:
        if not _may_hold_one(text):
            return cls()
        found = {}
        for number, line in enumerate(source_lines(text), start=1):
            if not _MARK.search(line):
                continue
            suppression = _suppression(number, line)
            if suppression is not None:
                found[number] = suppression
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
                if token.type == tokenize.COMMENT and \
                        (found_here := _suppression(token.start[0], token.string)):
                    comments[token.start[0]] = found_here
        except (tokenize.TokenError, SyntaxError, ValueError):  # IndentationError included
            return found
        return cls(comments)

    def suppresses(self, line: int, code: str) -> Suppression | None:
        suppression = self.by_line.get(line)
        return suppression if suppression is not None and suppression.covers(code) else None
