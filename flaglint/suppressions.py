"""Inline suppressions: `# flaglint: ignore[FL301]` or `# flaglint: ignore` on a line."""

from __future__ import annotations

import re
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
                codes = None
                if match.group(1) is not None:
                    codes = tuple(c.strip().upper() for c in match.group(1).split(",")
                                  if c.strip())
                found[number] = Suppression(number, codes)
        return cls(found)

    def suppresses(self, line: int, code: str) -> Suppression | None:
        suppression = self.by_line.get(line)
        return suppression if suppression is not None and suppression.covers(code) else None
