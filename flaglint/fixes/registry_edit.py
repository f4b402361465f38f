"""Remove a flag's table from a registry file, or turn it into a tombstone, keeping the rest
of the file (comments, order, formatting) as it was."""

from __future__ import annotations

import datetime as dt
import re

_HEADER = re.compile(r"^\s*\[")


def _table_lines(lines: list[str], header: int) -> tuple[int, int]:
    """[start, end) of the table whose header is line `header` (1-based), trailing blank
    lines and comments left to what follows."""
    start = header - 1
    end = start + 1
    while end < len(lines) and not _HEADER.match(lines[end]):
        end += 1
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith(
            "#")):
        end -= 1
    return start, end


def remove_table(text: str, header: int) -> str:
    lines = text.splitlines(keepends=True)
    start, end = _table_lines(lines, header)
    del lines[start:end]
    # Do not leave two blank lines where the table was.
    if start < len(lines) and not lines[start].strip() and (start == 0 or not lines[
            start - 1].strip()):
        del lines[start]
    # nor a blank line at the end, where the last table was
    while start == len(lines) and start > 0 and not lines[start - 1].strip():
        del lines[start - 1]
        start -= 1
    return "".join(lines)


def tombstone(text: str, header: int, key: str, today: dt.date) -> str:
    lines = text.splitlines(keepends=True)
    start, end = _table_lines(lines, header)
    newline = "\n" if not lines[start].endswith("\r\n") else "\r\n"
    lines[start:end] = [lines[start].rstrip("\r\n") + newline, f'status = "retired"{newline}',
                        f"retired = {today.isoformat()}{newline}"]
    return "".join(lines)
