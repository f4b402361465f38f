"""A flag's life in git: when each key was first and last written about, by whom (one
`git log -p` of the files that name the keys), and how many flags lived, month by month, from
every key's whole history (the keys removed since included)."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from flaglint import progress
from flaglint.audit.model import FlagRow
from flaglint.model.project import Project
from flaglint.sources import git
from flaglint.sources.history_model import EventKind

MONTHS = 24  # debt over time: the last two years


@dataclass
class Mentions:
    """What the history of the files that name a key says of it."""

    first: dict[str, dt.date] = field(default_factory=dict)
    last: dict[str, dt.date] = field(default_factory=dict)
    authors: dict[str, Counter[str]] = field(default_factory=dict)
    commits: int = 0


def mentions(root: Path, paths: list[str], keys: set[str],
             spelled: Mapping[str, tuple[str, ...]] | None = None) -> Mentions | None:
    """Each key's first and last mention on an added or removed line, and who wrote those
    lines, from one `git log -p` of the given files (oldest first). None outside git.
    `spelled`: keys a definition writes in no literal, by the text it writes instead
    (`{NS}.beta` of `f'{NS}.beta'`), a mention of them."""
    found = Mentions()
    if not paths or not keys:
        return found
    # Each text looked for, with the keys a line that holds it mentions
    means: dict[str, set[str]] = {key: {key} for key in keys}
    for written, spelt in (spelled or {}).items():
        if keys.intersection(spelt):
            means.setdefault(written, set()).update(keys.intersection(spelt))
    texts = set(means)
    # A key that is one word is found among the words of a line (a set lookup each). The
    # others (`org:new-view`): a pattern finds the longest that starts at each position
    # (`_longest_at_each_start`); the keys it begins with (`org:new`) start there too.
    plain = {key for key in texts if _WORD.fullmatch(key)}
    others = texts - plain
    pattern = re.compile("|".join(re.escape(k) for k in sorted(others, key=len, reverse=True))) \
        if others else None
    starts = {key: [key[:n] for n in range(1, len(key)) if key[:n] in others] for key in others}
    result = git.text(root, "log", "--reverse", "--no-color", "-U0", "--no-renames",
                      "--no-ext-diff", "--text", "--no-textconv", "--encoding=UTF-8",
                      "--format=%x00%at %an", "-p", "--", *sorted(paths), timeout=1800)
    if result.returncode != 0:
        return None
    text = result.stdout
    # Each commit's header (`\0time author`) starts a line; only the lines that hold a
    # key's first characters are looked at, found with a fast search: jax's one commit is
    # 90,000 lines, 1,900 of which say `jax_`.
    headers = _line_starts_with(text, "\0")
    lives = []
    for commit, start in enumerate(headers, start=1):
        end = text.find("\n", start)
        stamp, author = [*text[start + 1:end if end >= 0 else len(text)].split(" ", 1), ""][:2]
        lives.append((dt.datetime.fromtimestamp(int(stamp or 0), dt.timezone.utc).date(),
                      author))
        progress.update("reading the history of flag reads: commits", commit)
    found.commits = len(headers)
    for start in sorted({line for needle in _needles(texts)
                         for line in _lines_holding(text, needle)}):
        end = text.find("\n", start)
        line = text[start:end if end >= 0 else len(text)]
        if not line or line[0] not in "+-" or line.startswith(("+++", "---")):
            continue
        commit = bisect.bisect_right(headers, start) - 1
        date, author = lives[commit] if commit >= 0 else (dt.date.min, "")
        named = plain.intersection(_WORD.findall(line)) if plain else set()
        if pattern is not None and pattern.search(line):
            longest = _longest_at_each_start(pattern, line)
            named.update(key for key in longest.union(*(starts[k] for k in longest))
                         if _whole(line, key))
        for key in set().union(*(means[written] for written in named)):
            found.first.setdefault(key, date)
            found.last[key] = date
            found.authors.setdefault(key, Counter())[author] += 1
    return found


def _needles(keys: set[str]) -> set[str]:
    """Text every line naming one of the keys holds: each key's first four characters (up
    to a line break; "" for a key that starts with one: every line)."""
    return {key[:_NEEDLE].split("\n", 1)[0] for key in keys}


_NEEDLE = 4


def _line_starts_with(text: str, mark: str) -> list[int]:
    """Where each line that starts with `mark` starts, in order."""
    found = []
    at = text.find(mark)
    while at >= 0:
        if at == 0 or text[at - 1] == "\n":
            found.append(at)
        at = text.find(mark, at + 1)
    return found


def _lines_holding(text: str, needle: str) -> Iterator[int]:
    """Where each line that holds `needle` (no line break in it) starts, once a line;
    every line for ""."""
    if not needle:
        yield 0
        yield from (at + 1 for at in _line_starts_with(text, "\n"))
        return
    at = text.find(needle)
    while at >= 0:
        start = text.rfind("\n", 0, at) + 1
        yield start
        end = text.find("\n", at)
        if end < 0:
            return
        at = text.find(needle, end)


def _longest_at_each_start(pattern: re.Pattern[str], line: str) -> set[str]:
    """The longest key (the pattern tries the longest first) that starts at each position:
    one key inside another (`new-view` in `org:new-view`) is found too."""
    found = set()
    match = pattern.search(line)
    while match is not None:
        found.add(match.group())
        match = pattern.search(line, match.start() + 1)
    return found


# A run of the characters a name is made of: `_whole`'s test of a key's edges, in one pattern
# (`\w` is what `isalnum()` accepts, and `_`).
_WORD = re.compile(r"\w+")


def _whole(line: str, key: str) -> bool:
    """Is `key` in the line as a key, not inside a longer name?"""
    for match in re.finditer(re.escape(key), line):
        before = line[match.start() - 1] if match.start() else " "
        after = line[match.end()] if match.end() < len(line) else " "
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            return True
    return False


def months(rows: list[FlagRow], project: Project, today: dt.date
            ) -> list[tuple[str, int, int]]:
    """Flags alive and flags stale (past a declared lifetime, or their `expires` date, which
    the lifetime yields to, as in FL201) at the end of each of the last 24 months, from
    every key's whole life: each time it was declared and removed or retired (in the
    registry or in code, the keys deleted since included), else from when git first shows
    it."""
    lives = _lives(rows, project)
    lifetimes = {row.key: row.lifetime_days for row in rows}
    ends = {row.key: row.expires for row in rows if row.expires is not None}
    months = []
    year, month = today.year, today.month
    for _ in range(MONTHS):
        start = dt.date(year, month, 1)
        following = dt.date(year + (month == 12), month % 12 + 1, 1)
        end = min(following - dt.timedelta(days=1), today)
        alive = stale = 0
        for key, spans in lives.items():
            since = next((begin for begin, until in spans
                          if begin <= end and (until is None or until > end)), None)
            if since is None:
                continue
            alive += 1
            lifetime = lifetimes.get(key)
            if key in ends:
                stale += end > ends[key]
            elif lifetime is not None and (end - since).days > lifetime:
                stale += 1
        months.append((start.strftime("%Y-%m"), alive, stale))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(months))


Lives = dict[str, list[tuple[dt.date, dt.date | None]]]  # key -> (declared, ended) each time


def _lives(rows: list[FlagRow], project: Project) -> Lives:
    """Each key's lives: (declared, ended or None) from the history of every key ever
    declared; a key with no such history lives from its first mention in git."""
    lives: Lives = {}
    for key, history in (project.history.keys.items() if project.history else ()):
        spans: list[tuple[dt.date, dt.date | None]] = []
        begin = None
        for event in history.events:
            if event.kind in (EventKind.DECLARED, EventKind.REVIVED) and begin is None:
                begin = event.commit.date
            elif event.kind in (EventKind.REMOVED, EventKind.RETIRED) and begin is not None:
                spans.append((begin, event.commit.date))
                begin = None
        if begin is not None:
            spans.append((begin, None))
        if spans:
            lives[key] = spans
    for row in rows:
        if row.key not in lives and row.created is not None and \
                row.status not in ("removed", "retired"):
            lives[row.key] = [(row.created, None)]
    return lives
