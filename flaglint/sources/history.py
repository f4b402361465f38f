"""What git remembers about flag keys: one `git log -p` pass over the declaring files.

The patches are applied in order to rebuild each registry file at every commit that touched
it (first-parent, so merges count once; `--follow`, so renames keep the history); each
snapshot is parsed and compared with the previous one, key by key. That is one git call per
registry file plus one for the files that define flags in code, whatever the number of keys
or commits, and the result is cached by HEAD commit.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from flaglint import progress
from flaglint.sources import git

# Commit, EventKind, History and KeyEvent are also read from here (model/project.py, engine/).
from flaglint.sources.history_model import (
    Commit,
    EventKind,
    History,
    HistoryUnavailable,
    KeyEvent,
    KeyHistory,
    LineOrigin,
)
from flaglint.sources.patches import FilePatch, Hunk, file_patches, shifted
from flaglint.sources.registry_snapshots import RegistrySnapshot, key_events

log = logging.getLogger(__name__)

_MARK = "\x01"
_STRING = re.compile(r"""(["'])([^"'\\\n]{1,200})\1""")
# A key bound to an upper-case name in a class body (`    LEGACY_SMS = "LEGACY_SMS"`: an Enum
# member or class constant), and a key passed first to a definition call (`add("org:x", …)`).
_MEMBER = re.compile(r"""^\s+[A-Z][A-Z0-9_]*\s*(?::[^=]*)?=\s*(["'])([^"'\\\n]{1,200})\1""")
# A module-level name bound to a definition call whose key is the name (`bound_name = true`:
# prefect's `PREFECT_X = Setting(bool, default=False)`), with the call's name. Not indented:
# a class attribute's key is `Class.name`, which one line cannot tell.
_BOUND = re.compile(r"^([A-Za-z_]\w*)\s*(?::[^=]*)?=\s*(?:[A-Za-z_][\w.]*\.)?([A-Za-z_]\w*)\(")


@dataclass(frozen=True)
class DefinitionShapes:
    """How the configured definitions write a key: as members of classes (`classes`, by
    name), or as the first argument of calls (`calls`, by the called name)."""

    classes: frozenset[str] = frozenset()
    calls: frozenset[str] = frozenset()
    bound: frozenset[str] = frozenset()  # calls whose key is the name they are bound to

    def bound_in(self, line: str) -> str | None:
        """The key a line binds to a `bound` definition call (`X = Setting(…)`: `X`)."""
        found = _BOUND.match(line) if self.bound else None
        return found.group(1) if found is not None and found.group(2) in self.bound else None

    def keys_in(self, line: str) -> Iterator[str]:
        """The keys a line of a definition file defines, as far as one line can tell (a
        definition commented out defines nothing)."""
        line = _without_comment(line)
        if self.classes and (member := _MEMBER.match(line)):
            yield member.group(2)
        if (bound := self.bound_in(line)) is not None:
            yield bound
        for name in self.calls:
            if name in line:
                for call in re.finditer(re.escape(name) + r"""\(\s*(?:\w+\s*=\s*)?(["'])"""
                                        r"""([^"'\\\n]{1,200})\1""", line):
                    yield call.group(2)
HISTORY_VERSION = "6"


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
            "--no-color", "--no-ext-diff", "--text", "--no-textconv", "--encoding=UTF-8",
            "--date=short",
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



def read_history(root: Path, registry: Iterable[str], definition_files: Iterable[str],
                 code_keys: set[str], shapes: DefinitionShapes = DefinitionShapes(),
                 spelled: Mapping[str, tuple[str, ...]] | None = None) -> History:
    """Every key's history, the keys deleted long ago included. `code_keys` are keys looked
    for in `definition_files` as any string literal; every key a line of those files ever
    defined in the configured `shapes` (a class member, a definition call) is looked for
    too. `spelled`: the keys a definition writes in no literal, by the text of the string
    it writes instead (`{NS}.beta` of `f'{NS}.beta'`), which stands for them."""
    head = head_commit(root)
    shallow = is_shallow(root)
    order = {sha: i for i, sha in enumerate(reversed(
        _git(root, "rev-list", "--first-parent", "HEAD").split()))}
    found = _Events(order)
    for path in sorted(set(registry)):
        _read_registry_file(root, path, found)
    definition_files = sorted(set(definition_files))
    if definition_files:
        _read_definition_files(root, definition_files, code_keys, found, shapes, spelled or {})
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
    state = RegistrySnapshot()  # one logical file, whatever it was called in the past
    for step in _log(root, [path], follow=True):
        found.reading(step.commit, "reading the registry's history: commits")
        for patch in file_patches(step.lines):
            before = dict(state.entries)
            for key, entry in state.apply(patch.hunks, deleted=patch.deleted).items():
                for event in key_events(key, before.get(key), entry, step.commit):
                    found.record(event, key)


def _read_definition_files(root: Path, paths: list[str], code_keys: set[str],
                           found: _Events, shapes: DefinitionShapes,
                           spelled: Mapping[str, tuple[str, ...]]) -> None:
    """A key is declared in code while some definition file has its string literal: count
    each key's literals in the definition files, patch by patch. The keys are today's and
    every key an added line ever defined (so that a member deleted years ago has a life)."""
    steps = list(_log(root, paths, follow=False))
    ever = {key for step in steps for line in step.lines
            if line.startswith("+") and not line.startswith("+++")
            for key in shapes.keys_in(line[1:])}
    if not code_keys and not ever:
        return
    literals = _KeyLiterals(code_keys | ever, shapes, spelled)
    events: list[tuple[str, KeyEvent]] = []
    for step in steps:
        found.reading(step.commit, "reading the history of flag definitions: commits")
        present = literals.present()
        for patch in file_patches(step.lines):
            literals.apply(patch)
        now = literals.present()
        events += [(key, KeyEvent(EventKind.DECLARED, step.commit, text=key, in_code=True))
                   for key in sorted(now - present)]
        events += [(key, KeyEvent(EventKind.REMOVED, step.commit, text=key, in_code=True))
                   for key in sorted(present - now)]
    # A key a line of today's files writes as a definition would, which today's code does
    # not define: the line is no definition (an example in a docstring), and the key has no
    # life (streamlit's `_create_option('section.optionName')`). A key defined
    # once, deleted since and only named today (`# "a.old" was removed`) keeps its life.
    stray = {key for lines in literals.files.values() for line in lines
             for key in shapes.keys_in(line)} - code_keys if ever - code_keys else set()
    for key, event in events:
        if key not in stray:
            found.record(event, key)


class _KeyLiterals:
    """How many string literals of each key the followed files hold (or of the text that
    stands for it, `spelled`), and bindings of a key to a definition call whose key is the
    name (`shapes.bound`)."""

    def __init__(self, keys: set[str], shapes: DefinitionShapes,
                 spelled: Mapping[str, tuple[str, ...]]) -> None:
        self.keys = keys
        self.shapes = shapes
        self.spelled = spelled
        self.files: dict[str, list[str]] = {}  # each file's lines
        self.counts: dict[str, int] = {}

    def present(self) -> set[str]:
        return {key for key, count in self.counts.items() if count > 0}

    def apply(self, patch: FilePatch) -> None:
        lines = self.files.setdefault(patch.path, [])
        hunks = [Hunk(0, len(lines), [])] if patch.deleted else patch.hunks
        for hunk in shifted(hunks):
            end = hunk.at + hunk.removed
            for key in self._keys_in(lines[hunk.at:end]):
                self.counts[key] -= 1
            for key in self._keys_in(hunk.added):
                self.counts[key] = self.counts.get(key, 0) + 1
            lines[hunk.at:end] = hunk.added

    def _keys_in(self, lines: list[str]) -> Iterator[str]:
        for line in lines:
            line = _without_comment(line)
            for match in _STRING.finditer(line):
                if match.group(2) in self.keys:
                    yield match.group(2)
                yield from self.spelled.get(match.group(2), ())
            bound = self.shapes.bound_in(line)
            if bound is not None and bound in self.keys:
                yield bound


def _without_comment(line: str) -> str:
    """The line without its comment (a `#` outside a string on it), as far as one line can
    tell: a key named in a comment (`# "a.old" went`) is no literal of it."""
    if "#" not in line:
        return line
    quote = ""
    index = 0
    while index < len(line):
        char = line[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#":
            return line[:index]
        index += 1
    return line


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


def line_times(root: Path, path: str, lines: Sequence[int] | None = None
               ) -> dict[int, LineOrigin]:
    """Where each line of the file (or each of `lines`, numbers of lines it has) came from,
    by `git blame -w` (whitespace changes ignored); a line not committed yet has no commit
    (and time 0). Blaming only the lines asked for takes git as long, but its output is
    theirs alone: jax's 65 files with reads, 8 MB of output whole, 49 KB for their 349
    lines of reads."""
    ranges = [arg for first, last in _runs(lines) for arg in ("-L", f"{first},{last}")] \
        if lines is not None else []
    if lines is not None and not ranges:
        return {}
    try:
        out = _git(root, "blame", "--porcelain", "-w", "--no-textconv", *ranges, "--", path)
    except HistoryUnavailable as error:
        if ranges and " has only " in str(error):
            # A line git does not count (a lone `\r` ends a line for Python, not for git):
            # the whole file, as git sees it, and the lines asked for that it has
            whole = line_times(root, path)
            return {line: whole[line] for line in lines or () if line in whole}
        if "no such path" not in str(error):
            raise
        try:
            count = (root / path).read_bytes().count(b"\n") + 1
        except OSError:
            count = 0
        return {line: LineOrigin(None, 0)  # untracked
                for line in (lines if lines is not None else range(1, count + 1))
                if 0 < line <= count}
    times: dict[str, int] = {}
    result: dict[int, LineOrigin] = {}
    sha = ""
    final_line = 0
    # A line of the file (a tab first), a commit's time, or a line's header (its commit's
    # sha, its line before and now): tested in that order, the cheapest first, as a
    # 90,000-line blame is parsed on an audit's first run.
    for raw in out.split("\n"):
        if raw.startswith("\t"):
            if sha == _UNCOMMITTED:
                result[final_line] = LineOrigin(None, 0)
            elif sha in times:
                result[final_line] = LineOrigin(sha, times[sha])
        elif raw.startswith("committer-time "):
            times[sha] = int(raw.split(" ", 1)[1])
        else:
            parts = raw.split(" ", 3)
            if len(parts) >= 3 and len(parts[0]) == 40 and _HEX.issuperset(parts[0]):
                sha, final_line = parts[0], int(parts[2])
    return result


def _runs(lines: Sequence[int] | None) -> list[tuple[int, int]]:
    """The runs of consecutive numbers among `lines`, first and last of each."""
    runs: list[tuple[int, int]] = []
    for line in sorted(set(lines or ())):
        if runs and runs[-1][1] == line - 1:
            runs[-1] = (runs[-1][0], line)
        else:
            runs.append((line, line))
    return runs


_HEX = frozenset("0123456789abcdef")
_UNCOMMITTED = "0" * 40  # git blame's sha of a line not committed yet
