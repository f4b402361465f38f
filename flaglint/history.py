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
import hashlib
import logging
import pickle
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

log = logging.getLogger(__name__)

_MARK = "\x01"
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_STRING = re.compile(r"""(["'])([^"'\\\n]{1,200})\1""")
HISTORY_VERSION = "2"


class HistoryUnavailable(Exception):
    """Git history cannot be read here (not a repository, git missing, ...)."""


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    date: dt.date  # author date
    time: int  # committer time, seconds since the epoch: orders commits
    subject: str

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

    def of(self, key: str) -> KeyHistory | None:
        return self.keys.get(key)


# -- git ---------------------------------------------------------------------------------------


def _git(root: Path, *args: str, timeout: int = 600) -> str:
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, timeout=timeout)
    except (OSError, subprocess.SubprocessError) as error:
        raise HistoryUnavailable(f"git is not usable: {error}") from None
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
    return _git(root, "rev-parse", "HEAD").strip()


def is_shallow(root: Path) -> bool:
    return _git(root, "rev-parse", "--is-shallow-repository").strip() == "true"


def _log(root: Path, paths: list[str], follow: bool) -> Iterable[tuple[Commit, list[str]]]:
    """(commit, its diff lines) in first-parent order, oldest first. (git's `--reverse`
    stops `--follow` at a rename, so the newest-first log is reversed here.)"""
    args = ["log", "--first-parent", "--diff-merges=first-parent", "-p", "-U0",
            "--no-color", "--no-ext-diff", "--date=short",
            f"--format={_MARK}%H%x02%ad%x02%ct%x02%s"]
    if follow:
        args += ["--follow", "-M"]
    else:
        args.append("--no-renames")
    text = _git(root, *args, "--", *paths)
    blocks: list[tuple[Commit, list[str]]] = []
    for line in text.split("\n"):
        if line.startswith(_MARK):
            sha, date, time, subject = line[1:].split("\x02", 3)
            blocks.append((Commit(sha, dt.date.fromisoformat(date), int(time), subject), []))
        elif blocks:
            blocks[-1][1].append(line)
    return reversed(blocks)


def _apply(files: dict[str, list[str]], diff: list[str]) -> set[str]:
    """Apply one commit's -U0 patches to `files` (path -> lines); return the paths touched."""
    touched: set[str] = set()
    path: str | None = None
    rename_from: str | None = None
    hunk: tuple[int, int, list[str]] | None = None  # (old start, old count, new lines)
    offset = 0  # how far earlier hunks of this file moved later lines

    def flush() -> None:
        nonlocal hunk, offset
        if hunk is None or path is None:
            return
        start, count, new = hunk
        lines = files.setdefault(path, [])
        at = (start - 1 if count else start) + offset
        lines[at:at + count] = new
        offset += len(new) - count
        hunk = None

    for line in diff:
        if line.startswith("diff --git "):
            flush()
            path, rename_from, offset = None, None, 0
            match = re.match(r"diff --git a/(.*) b/(.*)$", line)
            if match:
                path = match.group(2)
        elif line.startswith("rename from "):
            rename_from = line[len("rename from "):]
        elif line.startswith("rename to ") and rename_from is not None:
            path = line[len("rename to "):]
            files[path] = files.pop(rename_from, [])
        elif line.startswith("+++ "):
            if line == "+++ /dev/null" and path is not None:
                files[path] = []
                touched.add(path)
        elif line.startswith("@@"):
            flush()
            match = _HUNK.match(line)
            if match and path is not None:
                old_count = int(match.group(2)) if match.group(2) is not None else 1
                hunk = (int(match.group(1)), old_count, [])
                touched.add(path)
        elif hunk is not None and line.startswith("+"):
            hunk[2].append(line[1:])
    flush()
    return touched


# -- snapshots -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Entry:
    retired: bool
    meaning: Meaning
    text: str


def _registry_entries(lines: list[str]) -> dict[str, _Entry] | None:
    text = "\n".join(lines)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None  # a broken intermediate commit: keep the previous state
    flags = data.get("flags")
    if not isinstance(flags, dict):
        return {}
    tables = _table_texts(lines)
    entries = {}
    for key, table in flags.items():
        if not isinstance(table, dict):
            continue
        meaning = Meaning(*(table.get(f) if isinstance(table.get(f), str) else None
                            for f in ("type", "owner", "description")))
        entries[key] = _Entry(table.get("status") == "retired", meaning, tables.get(key, ""))
    return entries


_TABLE = re.compile(r"""^\s*\[\s*flags\s*\.\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*\]""")


def _table_texts(lines: list[str]) -> dict[str, str]:
    texts: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines:
        if line.lstrip().startswith("["):
            match = _TABLE.match(line)
            current = None
            if match:
                key = next(g for g in match.groups() if g)
                current = texts.setdefault(key, [])
        if current is not None:
            current.append(line.strip())
    return {k: "\n".join(line for line in v if line) for k, v in texts.items()}


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
    keys: dict[str, KeyHistory] = {}
    commits: set[str] = set()

    def record(event: KeyEvent, key: str) -> None:
        keys.setdefault(key, KeyHistory(key)).events.append(event)

    for path in sorted(set(registry)):
        files: dict[str, list[str]] = {}
        state: dict[str, _Entry] = {}
        for commit, diff in _log(root, [path], follow=True):
            commits.add(commit.sha)
            touched = _apply(files, diff)
            if not touched:
                continue
            current = files.get(next(iter(touched)), [])
            entries = _registry_entries(current)
            if entries is None:
                continue
            for key in sorted(set(state) | set(entries)):
                for event in _events(key, state.get(key), entries.get(key), commit):
                    record(event, key)
            state = entries
    definition_files = sorted(set(definition_files))
    if definition_files and code_keys:
        files = {}
        present: set[str] = set()
        for commit, diff in _log(root, definition_files, follow=False):
            commits.add(commit.sha)
            if not _apply(files, diff):
                continue
            now = {m.group(2) for lines in files.values() for line in lines
                   for m in _STRING.finditer(line)} & code_keys
            for key in sorted(now - present):
                record(KeyEvent(EventKind.DECLARED, commit, text=key), key)
            for key in sorted(present - now):
                record(KeyEvent(EventKind.REMOVED, commit, text=key), key)
            present = now
    for history in keys.values():
        history.events.sort(key=lambda e: e.commit.time)
        _cancel_moves(history)
    return History(head, keys, shallow, len(commits))


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


def cached_history(root: Path, registry: Iterable[str], definition_files: Iterable[str],
                   code_keys: set[str], cache_dir: Path | None) -> History:
    """read_history, cached by HEAD commit: a second run on the same HEAD reads no git log."""
    registry, definition_files = sorted(set(registry)), sorted(set(definition_files))
    head = head_commit(root)
    if cache_dir is None:
        return read_history(root, registry, definition_files, code_keys)
    key = hashlib.blake2b(repr((HISTORY_VERSION, str(root), head, registry, definition_files,
                                sorted(code_keys))).encode(), digest_size=16).hexdigest()
    path = cache_dir / f"history-{key}.pickle"
    try:
        with path.open("rb") as handle:
            history = pickle.load(handle)
        if isinstance(history, History) and history.head == head:
            return history
    except FileNotFoundError:
        pass
    except Exception as error:  # a damaged cache is only a slower run
        log.debug("ignoring unreadable history cache %s: %s", path, error)
    history = read_history(root, registry, definition_files, code_keys)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            pickle.dump(history, handle, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError as error:
        log.debug("cannot write history cache %s: %s", path, error)
    return history


# -- when lines appeared ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LineOrigin:
    """The commit that last brought a line in; `sha` None: not committed yet."""

    sha: str | None
    time: int  # committer time (now, for an uncommitted line)

    @property
    def date(self) -> dt.date:
        return dt.datetime.fromtimestamp(self.time, dt.timezone.utc).date()


def line_times(root: Path, path: str, lines: set[int]) -> dict[int, LineOrigin]:
    """Where each of `lines` came from, by `git blame -w` (whitespace changes ignored)."""
    try:
        out = _git(root, "blame", "--porcelain", "-w", "--", path)
    except HistoryUnavailable as error:
        if "no such path" not in str(error):
            raise
        now = int(dt.datetime.now(dt.timezone.utc).timestamp())
        return {line: LineOrigin(None, now) for line in lines}  # a file git does not track
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
        elif raw.startswith("\t") and final_line in lines:
            if set(sha) == {"0"}:
                result[final_line] = LineOrigin(None, times.get(sha, 0))
            elif sha in times:
                result[final_line] = LineOrigin(sha, times[sha])
    return result
