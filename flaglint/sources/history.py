"""What git remembers about flag keys: one `git log -p` pass over the declaring files.

The patches are applied in order to rebuild each registry file at every commit that touched
it (first-parent, so merges count once; `--follow`, so renames keep the history); each
snapshot is parsed and compared with the previous one, key by key. That is one git call per
registry file plus one for the files that define flags in code, whatever the number of keys
or commits, and the result is cached by HEAD commit.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from flaglint import progress
from flaglint.sources import git

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

log = logging.getLogger(__name__)

_MARK = "\x01"
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_STRING = re.compile(r"""(["'])([^"'\\\n]{1,200})\1""")
HISTORY_VERSION = "4"


class HistoryUnavailable(Exception):
    """Git history cannot be read here (not a repository, git missing, ...)."""


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    date: dt.date  # author date
    time: int  # committer time, seconds since the epoch
    subject: str
    seq: int = 0  # position on the first-parent line from the root: orders events (times
    # can go backwards after a rebase or with a skewed clock)

    @property
    def short(self) -> str:
        return self.sha[:7]


@dataclass(frozen=True, slots=True)
class Meaning:
    type: str | None = None
    owner: str | None = None
    description: str | None = None


class EventKind(enum.Enum):
    DECLARED = "declared"
    REMOVED = "removed"
    RETIRED = "retired"  # became a tombstone
    REVIVED = "revived"  # a tombstone made active again
    CHANGED = "changed"  # type, owner or description rewritten


@dataclass(frozen=True, slots=True)
class KeyEvent:
    kind: EventKind
    commit: Commit
    before: Meaning | None = None
    after: Meaning | None = None
    text: str = ""  # the key's table (or definition lines) after the event, or before a removal


@dataclass
class KeyHistory:
    key: str
    events: list[KeyEvent] = field(default_factory=list)

    @property
    def first_declared(self) -> KeyEvent | None:
        return next((e for e in self.events if e.kind is EventKind.DECLARED), None)

    def last(self, *kinds: EventKind) -> KeyEvent | None:
        return next((e for e in reversed(self.events) if e.kind in kinds), None)

    @property
    def ended(self) -> KeyEvent | None:
        """When the key last stopped being a live flag (removed or retired), if it did."""
        return self.last(EventKind.REMOVED, EventKind.RETIRED)


@dataclass
class History:
    head: str
    keys: dict[str, KeyHistory]
    shallow: bool
    commits: int  # how many commits touched the declaring files
    order: dict[str, int] = field(default_factory=dict)  # first-parent position of commits

    def of(self, key: str) -> KeyHistory | None:
        return self.keys.get(key)

    def later(self, sha: str, time: int, event: KeyEvent) -> bool:
        """Did the commit `sha` come after the event's? By first-parent position when the
        commit is on that line, else by time (a commit merged from a side branch)."""
        position = self.order.get(sha)
        if position is not None and event.commit.seq >= 0:
            return position > event.commit.seq
        return time > event.commit.time


# -- git ---------------------------------------------------------------------------------------


def _git(root: Path, *args: str, timeout: int = 600) -> str:
    result = git.run(root, *args, timeout=timeout)
    if result.returncode == 127:
        raise HistoryUnavailable(result.stderr.decode("utf-8", "replace"))
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        if "not a git repository" in message:
            raise HistoryUnavailable("not a git repository")
        if "unknown revision" in message and "HEAD" in args:
            raise HistoryUnavailable("no commits yet")
        lines = message.splitlines()
        raise HistoryUnavailable(lines[0] if lines else f"git {args[0]} failed")
    return result.stdout.decode("utf-8", "replace")


def head_commit(root: Path) -> str:
    """HEAD's commit id, read from the .git folder when that is plain (no git process),
    else from `git rev-parse`."""
    sha = git.read_head(root)
    return sha if sha is not None else _git(root, "rev-parse", "HEAD").strip()


def is_shallow(root: Path) -> bool:
    return _git(root, "rev-parse", "--is-shallow-repository").strip() == "true"


@dataclass(frozen=True, slots=True)
class _CommitDiff:
    commit: Commit
    lines: list[str]  # its diff, line by line


def _log(root: Path, paths: list[str], *, follow: bool) -> Iterable[_CommitDiff]:
    """Each commit with its diff, in first-parent order, oldest first. (git's `--reverse`
    stops `--follow` at a rename, so the newest-first log is reversed here.)"""
    args = ["log", "--first-parent", "--diff-merges=first-parent", "-p", "-U0",
            "--no-color", "--no-ext-diff", "--date=short",
            f"--format={_MARK}%H%x02%ad%x02%ct%x02%s"]
    if follow:
        args += ["--follow", "-M"]
    else:
        args.append("--no-renames")
    text = _git(root, *args, "--", *paths)
    blocks: list[_CommitDiff] = []
    for line in text.split("\n"):
        if line.startswith(_MARK):
            sha, date, time, subject = line[1:].split("\x02", 3)
            commit = Commit(sha, dt.date.fromisoformat(date), int(time), subject)
            blocks.append(_CommitDiff(commit, []))
        elif blocks:
            blocks[-1].lines.append(line)
    return reversed(blocks)


@dataclass
class _Hunk:
    at: int  # 0-based index in the file as it is when the hunk is applied
    removed: int
    added: list[str]


@dataclass(frozen=True, slots=True)
class _FilePatch:
    """What one commit did to one file; hunk positions refer to the file before the commit
    (see `_shifted`)."""

    path: str
    deleted: bool
    hunks: list[_Hunk]


def _patches(diff: list[str]) -> Iterator[_FilePatch]:
    """The patch of each file in one commit's -U0 diff."""
    path: str | None = None
    deleted = False
    hunks: list[_Hunk] = []
    for line in diff:
        if line.startswith("diff --git "):
            if path is not None:
                yield _FilePatch(path, deleted, hunks)
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
        yield _FilePatch(path, deleted, hunks)


def _hunk(header: str) -> _Hunk | None:
    """The hunk an `@@ -a,b +c,d @@` line starts, with no added lines yet."""
    match = _HUNK.match(header)
    if match is None:
        return None
    start = int(match.group(1))
    count = int(match.group(2)) if match.group(2) is not None else 1
    return _Hunk(start - 1 if count else start, count, [])


def _shifted(hunks: list[_Hunk]) -> list[_Hunk]:
    """Hunk positions refer to the old file; shift each by what earlier hunks added."""
    offset = 0
    result = []
    for hunk in hunks:
        result.append(_Hunk(hunk.at + offset, hunk.removed, hunk.added))
        offset += len(hunk.added) - hunk.removed
    return result


# -- snapshots -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Entry:
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


class _Registry:
    """One registry file followed commit by commit. Each line knows the `[flags.KEY]` table
    it belongs to, so a patch re-reads only the tables it touches: the work per commit grows
    with the size of the change, not with the number of flags."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.owner: list[str | None] = []  # the table each line belongs to
        self.entries: dict[str, _Entry] = {}

    def apply(self, hunks: list[_Hunk], *, deleted: bool) -> dict[str, _Entry | None]:
        """Apply the patches; return the entries they changed (None: the key is gone)."""
        affected: set[str] = set()
        for hunk in _shifted(hunks):
            end = hunk.at + hunk.removed
            affected.update(k for k in self.owner[hunk.at:end] if k)
            self.lines[hunk.at:end] = hunk.added
            self.owner[hunk.at:end] = [None] * len(hunk.added)
            affected.update(self._reown(hunk.at, hunk.at + len(hunk.added)))
        if deleted:
            affected.update(self.entries)
            self.lines, self.owner = [], []
        changes: dict[str, _Entry | None] = {}
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

    def _entry(self, key: str) -> _Entry | None:
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
        return _Entry(table.get("status") == "retired", meaning, text)

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


def _events(key: str, before: _Entry | None, after: _Entry | None,
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


def read_history(root: Path, registry: Iterable[str], definition_files: Iterable[str],
                 code_keys: set[str]) -> History:
    """Every key's history. `code_keys` are the keys looked for in `definition_files`."""
    head = head_commit(root)
    shallow = is_shallow(root)
    order = {sha: i for i, sha in enumerate(reversed(
        _git(root, "rev-list", "--first-parent", "HEAD").split()))}
    found = _Events(order)
    for path in sorted(set(registry)):
        _read_registry_file(root, path, found)
    definition_files = sorted(set(definition_files))
    if definition_files and code_keys:
        _read_definition_files(root, definition_files, code_keys, found)
    for history in found.keys.values():
        history.events.sort(key=lambda e: e.commit.seq)  # stable: a commit's events in order
        _cancel_moves(history)
    return History(head, found.keys, shallow, len(found.commits), order)


class _Events:
    """The events found so far, key by key, and the commits read to find them."""

    def __init__(self, order: dict[str, int]) -> None:
        self.order = order  # first-parent position of each commit
        self.keys: dict[str, KeyHistory] = {}
        self.commits: set[str] = set()
        self._read = 0  # commits read, counting a commit once per log that shows it

    def reading(self, commit: Commit, what: str) -> None:
        self._read += 1
        progress.update(what, self._read)
        self.commits.add(commit.sha)

    def record(self, event: KeyEvent, key: str) -> None:
        commit = replace(event.commit, seq=self.order.get(event.commit.sha, -1))
        self.keys.setdefault(key, KeyHistory(key)).events.append(replace(event, commit=commit))


def _read_registry_file(root: Path, path: str, found: _Events) -> None:
    """The events of one registry file's history, renames followed."""
    state = _Registry()  # one logical file, whatever it was called in the past
    for step in _log(root, [path], follow=True):
        found.reading(step.commit, "reading the registry's history: commits")
        for patch in _patches(step.lines):
            before = dict(state.entries)
            for key, entry in state.apply(patch.hunks, deleted=patch.deleted).items():
                for event in _events(key, before.get(key), entry, step.commit):
                    found.record(event, key)


def _read_definition_files(root: Path, paths: list[str], code_keys: set[str],
                           found: _Events) -> None:
    """A key is declared in code while some definition file has its string literal: count
    each key's literals in the definition files, patch by patch."""
    literals = _KeyLiterals(code_keys)
    for step in _log(root, paths, follow=False):
        found.reading(step.commit, "reading the history of flag definitions: commits")
        present = literals.present()
        for patch in _patches(step.lines):
            literals.apply(patch)
        now = literals.present()
        for key in sorted(now - present):
            found.record(KeyEvent(EventKind.DECLARED, step.commit, text=key), key)
        for key in sorted(present - now):
            found.record(KeyEvent(EventKind.REMOVED, step.commit, text=key), key)


class _KeyLiterals:
    """How many string literals of each key the followed files hold."""

    def __init__(self, keys: set[str]) -> None:
        self.keys = keys
        self.files: dict[str, list[str]] = {}  # each file's lines
        self.counts: dict[str, int] = {}

    def present(self) -> set[str]:
        return {key for key, count in self.counts.items() if count > 0}

    def apply(self, patch: _FilePatch) -> None:
        lines = self.files.setdefault(patch.path, [])
        hunks = [_Hunk(0, len(lines), [])] if patch.deleted else patch.hunks
        for hunk in _shifted(hunks):
            end = hunk.at + hunk.removed
            for key in _keys_in(lines[hunk.at:end], self.keys):
                self.counts[key] -= 1
            for key in _keys_in(hunk.added, self.keys):
                self.counts[key] = self.counts.get(key, 0) + 1
            lines[hunk.at:end] = hunk.added


def _keys_in(lines: list[str], keys: set[str]) -> Iterator[str]:
    for line in lines:
        for match in _STRING.finditer(line):
            if match.group(2) in keys:
                yield match.group(2)


def _cancel_moves(history: KeyHistory) -> None:
    """A key removed from one declaring file and declared in another in the same commit
    has moved, not been removed."""
    by_commit: dict[str, set[EventKind]] = {}
    for event in history.events:
        by_commit.setdefault(event.commit.sha, set()).add(event.kind)
    moved = {sha for sha, kinds in by_commit.items()
             if {EventKind.REMOVED, EventKind.DECLARED} <= kinds}
    if moved:
        history.events = [e for e in history.events if e.commit.sha not in moved
                          or e.kind not in (EventKind.REMOVED, EventKind.DECLARED)]


@dataclass(frozen=True, slots=True)
class LineOrigin:
    """The commit that last brought a line in; `sha` None: not committed yet."""

    sha: str | None
    time: int  # committer time (0 for a line not committed yet)

    @property
    def date(self) -> dt.date:
        return dt.datetime.fromtimestamp(self.time, dt.timezone.utc).date()


def line_times(root: Path, path: str) -> dict[int, LineOrigin]:
    """Where each line of the file came from, by `git blame -w` (whitespace changes
    ignored); a line not committed yet has no commit (and time 0)."""
    try:
        out = _git(root, "blame", "--porcelain", "-w", "--", path)
    except HistoryUnavailable as error:
        if "no such path" not in str(error):
            raise
        try:
            count = (root / path).read_bytes().count(b"\n") + 1
        except OSError:
            count = 0
        return {line: LineOrigin(None, 0) for line in range(1, count + 1)}  # untracked
    times: dict[str, int] = {}
    result: dict[int, LineOrigin] = {}
    sha = ""
    final_line = 0
    for raw in out.split("\n"):
        parts = raw.split(" ")
        if len(parts) >= 3 and len(parts[0]) == 40 and all(c in "0123456789abcdef"
                                                           for c in parts[0]):
            sha, final_line = parts[0], int(parts[2])
        elif raw.startswith("committer-time "):
            times[sha] = int(raw.split(" ", 1)[1])
        elif raw.startswith("\t"):
            if set(sha) == {"0"}:
                result[final_line] = LineOrigin(None, 0)
            elif sha in times:
                result[final_line] = LineOrigin(sha, times[sha])
    return result
