"""What git remembers about flag keys, read in one `git log` pass over the declaring files."""

from __future__ import annotations

import datetime as dt
import logging
import re
import subprocess
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

_HEADER = re.compile(r"""^\+\s*\[\s*flags\s*\.\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*\]""")
_STRING = re.compile(r"""(["'])([^"'\\\n]{1,200})\1""")
_DATE_MARK = "\x01"


class HistoryUnavailable(Exception):
    """Git history cannot be read here (not a repository, git missing, ...)."""


def first_added(root: Path, files: Iterable[str], keys: set[str]) -> dict[str, dt.date]:
    """The date each key first appeared in `files`: as a `[flags.KEY]` header in a registry,
    or as a string literal in a file that defines flags in code. One git call for all keys."""
    files = sorted(set(files))
    if not files or not keys:
        return {}
    command = ["git", "log", "--reverse", "--no-color", "--no-ext-diff", "--no-renames",
               "-p", "-U0", f"--format={_DATE_MARK}%ad", "--date=short", "--", *files]
    try:
        result = subprocess.run(command, cwd=root, capture_output=True, timeout=600)
    except (OSError, subprocess.SubprocessError) as error:
        raise HistoryUnavailable(f"git is not usable: {error}") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise HistoryUnavailable(message[0] if message else "git log failed")
    dates: dict[str, dt.date] = {}
    today: dt.date | None = None
    for raw in result.stdout.decode("utf-8", "replace").splitlines():
        if raw.startswith(_DATE_MARK):
            today = dt.date.fromisoformat(raw[1:].strip())
            continue
        if today is None or not raw.startswith("+") or raw.startswith("+++"):
            continue
        header = _HEADER.match(raw)
        if header:
            key = next(group for group in header.groups() if group)
            if key in keys:
                dates.setdefault(key, today)
            continue
        for match in _STRING.finditer(raw):
            if match.group(2) in keys:
                dates.setdefault(match.group(2), today)
    return dates
