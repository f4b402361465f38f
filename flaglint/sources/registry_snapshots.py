"""A registry file rebuilt commit by commit from its patches, and the events between two
snapshots of one key's table."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from flaglint.sources.history_model import Commit, EventKind, KeyEvent, Meaning
from flaglint.sources.patches import Hunk, shifted

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@dataclass(frozen=True, slots=True)
class KeyEntry:
    retired: bool
    meaning: Meaning
    text: str


_TABLE = re.compile(r"""^\s*\[\s*flags\s*\.\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*\]""")


def _header(line: str) -> str | None:
    """The key of a `[flags.KEY]` header line; "" for any other table header; None for a
    line that is no header."""
    if not line.lstrip().startswith("["):
        return None
    match = _TABLE.match(line)
    return next(g for g in match.groups() if g) if match else ""


class RegistrySnapshot:
    """One registry file followed commit by commit. Each line knows the `[flags.KEY]` table
    it belongs to, so a patch re-reads only the tables it touches: the work per commit grows
    with the size of the change, not with the number of flags."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.owner: list[str | None] = []  # the table each line belongs to
        self.entries: dict[str, KeyEntry] = {}

    def apply(self, hunks: list[Hunk], *, deleted: bool) -> dict[str, KeyEntry | None]:
        """Apply the patches; return the entries they changed (None: the key is gone)."""
        affected: set[str] = set()
        for hunk in shifted(hunks):
            end = hunk.at + hunk.removed
            affected.update(k for k in self.owner[hunk.at:end] if k)
            self.lines[hunk.at:end] = hunk.added
            self.owner[hunk.at:end] = [None] * len(hunk.added)
            affected.update(self._reown(hunk.at, hunk.at + len(hunk.added)))
        if deleted:
            affected.update(self.entries)
            self.lines, self.owner = [], []
        changes: dict[str, KeyEntry | None] = {}
        for key in sorted(affected):
            entry = self._entry(key)
            if entry != self.entries.get(key):
                changes[key] = entry
                if entry is None:
                    self.entries.pop(key, None)
                else:
                    self.entries[key] = entry
        return changes

    def _reown(self, start: int, end: int) -> set[str]:
        """Recompute line owners from `start` on, past `end`, up to the next header."""
        current = self.owner[start - 1] if start > 0 else None
        if start > 0 and _header(self.lines[start - 1]) is not None:
            current = _header(self.lines[start - 1]) or None
        touched: set[str] = set()
        i = start
        while i < len(self.lines):
            header = _header(self.lines[i])
            if header is not None:
                if i >= end:
                    break
                current = header or None
            if self.owner[i] != current:
                if self.owner[i]:
                    touched.add(self.owner[i])  # type: ignore[arg-type]
                self.owner[i] = current
            if current:
                touched.add(current)
            i += 1
        return touched

    def _entry(self, key: str) -> KeyEntry | None:
        lines = self._table(key)
        if not lines:
            return None
        try:
            data = tomllib.loads("\n".join(lines))
        except tomllib.TOMLDecodeError:
            return self.entries.get(key)  # a broken intermediate commit: keep what we had
        table = data.get("flags", {}).get(key)
        if not isinstance(table, dict):
            return None
        meaning = Meaning(*(table.get(f) if isinstance(table.get(f), str) else None
                            for f in ("type", "owner", "description")))
        text = "\n".join(line.strip() for line in lines if line.strip())
        return KeyEntry(table.get("status") == "retired", meaning, text)

    def _table(self, key: str) -> list[str]:
        # The table's lines are contiguous: find its header, then read to the next one.
        try:
            start = self.owner.index(key)
        except ValueError:
            return []
        end = start + 1
        while end < len(self.lines) and self.owner[end] == key:
            end += 1
        return self.lines[start:end]


def key_events(key: str, before: KeyEntry | None, after: KeyEntry | None,
            commit: Commit) -> Iterator[KeyEvent]:
    if before is None and after is not None:
        yield KeyEvent(EventKind.DECLARED, commit, None, after.meaning, after.text)
        if after.retired:
            yield KeyEvent(EventKind.RETIRED, commit, None, after.meaning, after.text)
    elif before is not None and after is None:
        yield KeyEvent(EventKind.REMOVED, commit, before.meaning, None, before.text)
    elif before is not None and after is not None:
        if not before.retired and after.retired:
            yield KeyEvent(EventKind.RETIRED, commit, before.meaning, after.meaning, after.text)
        elif before.retired and not after.retired:
            yield KeyEvent(EventKind.REVIVED, commit, before.meaning, after.meaning, after.text)
        if not after.retired and before.meaning != after.meaning and _both_set(before.meaning,
                                                                             after.meaning):
            yield KeyEvent(EventKind.CHANGED, commit, before.meaning, after.meaning, after.text)


def _both_set(before: Meaning, after: Meaning) -> bool:
    # Filling in a field that was missing is documentation, not a change of meaning.
    return any(getattr(before, f) is not None and getattr(before, f) != getattr(after, f)
               for f in ("type", "owner", "description"))
