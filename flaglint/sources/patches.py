"""Unified diffs without context (`-U0`), file by file: each file's hunks, and their
positions shifted as the hunks before them apply."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


@dataclass
class Hunk:
    at: int  # 0-based index in the file as it is when the hunk is applied
    removed: int
    added: list[str]


@dataclass(frozen=True, slots=True)
class FilePatch:
    """What one commit did to one file; hunk positions refer to the file before the commit
    (see `shifted`)."""

    path: str
    deleted: bool
    hunks: list[Hunk]


def file_patches(diff: list[str]) -> Iterator[FilePatch]:
    """The patch of each file in one commit's -U0 diff."""
    path: str | None = None
    deleted = False
    hunks: list[Hunk] = []
    for line in diff:
        if line.startswith("diff --git "):
            if path is not None:
                yield FilePatch(path, deleted, hunks)
            match = re.match(r"diff --git a/(.*) b/(.*)$", line)
            path = match.group(2) if match else None
            deleted, hunks = False, []
        elif line.startswith("rename to "):
            path = line[len("rename to "):]
        elif line == "+++ /dev/null":
            deleted = True
        elif line.startswith("@@"):
            hunk = _hunk(line)
            if hunk is not None:
                hunks.append(hunk)
        elif hunks and line.startswith("+") and not line.startswith("+++ "):
            hunks[-1].added.append(line[1:])
    if path is not None:
        yield FilePatch(path, deleted, hunks)


def _hunk(header: str) -> Hunk | None:
    """The hunk an `@@ -a,b +c,d @@` line starts, with no added lines yet."""
    match = _HUNK.match(header)
    if match is None:
        return None
    start = int(match.group(1))
    count = int(match.group(2)) if match.group(2) is not None else 1
    return Hunk(start - 1 if count else start, count, [])


def shifted(hunks: list[Hunk]) -> list[Hunk]:
    """Hunk positions refer to the old file; shift each by what earlier hunks added."""
    offset = 0
    result = []
    for hunk in hunks:
        result.append(Hunk(hunk.at + offset, hunk.removed, hunk.added))
        offset += len(hunk.added) - hunk.removed
    return result
