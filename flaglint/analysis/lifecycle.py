"""When a key stopped being a live flag, whether a read came after that, and whether a
description or owner was rewritten or only had a typo fixed."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass

from flaglint.findings import Related
from flaglint.links.model import FlagRead
from flaglint.model.project import Project
from flaglint.sources.history_model import EventKind, KeyEvent, LineOrigin
from flaglint.sources.registry import Status

_REVERT_DAYS = 14
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Ending:
    """A key's retirement (tombstone) or removal from the registry, and its comeback."""

    kind: str  # "retired" | "removed"
    date: dt.date | None
    event: KeyEvent | None  # None without history
    again: KeyEvent | None = None  # declared or made active again since
    service: str | None = None  # the flag service that archived it (its export says so)

    def phrase(self) -> str:
        if self.service is not None:
            when = f" since {self.date.isoformat()}" if self.date else ""
            return f"is archived in {self.service}{when}"
        when = f" on {self.date.isoformat()}" if self.date else ""
        sha = f" ({self.event.commit.short})" if self.event is not None else ""
        removed = "deleted from the code" if self.event is not None and self.event.in_code \
            else "removed from the registry"
        text = f"was {'retired' if self.kind == 'retired' else removed}{when}{sha}"
        if self.again is not None:
            verb = "made active again" if self.again.kind is EventKind.REVIVED else \
                "declared again"
            text += (f" and {verb} on {self.again.commit.date.isoformat()} "
                     f"({self.again.commit.short})")
        return text


def ending_places(project: Project, key: str, end: Ending) -> tuple[Related, ...]:
    """Where a key's end is written: its tombstone in the registry, and the commit."""
    commit = end.event.commit if end.event is not None else None
    said = f" in {commit.short} ({commit.date.isoformat()}): {commit.subject}" \
        if commit is not None else ""
    decl = project.registry.flags.get(key)
    if decl is not None and end.service is not None:
        return (Related(decl.path, decl.span, f"`{key}` archived in {end.service} here"),)
    if decl is not None and end.kind == "retired":
        return (Related(decl.path, decl.span, f"`{key}` retired here{said}"),)
    if commit is not None and project.registry.paths:
        return (Related(project.registry.paths[0], None,
                        f"`{key}` {'retired' if end.kind == 'retired' else 'removed'}{said}"),)
    return ()


def ending(project: Project, key: str) -> Ending | None:
    history = project.history.of(key) if project.history is not None else None
    decl = project.registry.flags.get(key)
    if decl is not None and decl.status is Status.RETIRED and not decl.from_registry:
        return Ending("retired", decl.retired, None, service=decl.source)
    if decl is not None and decl.status is Status.RETIRED:
        event = history.last(EventKind.RETIRED) if history is not None else None
        date = decl.retired or (event.commit.date if event is not None else None)
        return Ending("retired", date, event)
    removal = project.removed.get(key)
    if removal is not None:
        return Ending("removed", removal.commit.date, removal)
    if history is not None:
        ended = history.last(EventKind.REMOVED, EventKind.RETIRED)
        again = history.last(EventKind.DECLARED, EventKind.REVIVED)
        if ended is not None and again is not None and again.commit.seq > ended.commit.seq:
            kind = "retired" if ended.kind is EventKind.RETIRED else "removed"
            return Ending(kind, ended.commit.date, ended, again)
    return None


def reuse(project: Project, read: FlagRead, end: Ending) -> LineOrigin | None:
    """The origin of a read that came after the key's end (a reuse), else None (left-over
    code, or no history to tell)."""
    return line_after(project, read.path, read.span.line, end)


def line_after(project: Project, path: str, line: int, end: Ending) -> LineOrigin | None:
    """The origin of a line of code that came after the key's end, else None (older, or no
    history to tell)."""
    if end.event is None and (end.service is None or end.date is None):
        return None
    origin = project.appeared(path, line)
    if origin is None:
        return None
    if origin.sha is None:
        return origin  # not committed yet: new
    if end.event is None:  # archived in a flag service on a day its export says
        assert end.date is not None
        return origin if origin.date > end.date else None
    assert project.history is not None
    return origin if project.history.later(origin.sha, origin.time, end.event) else None


def looks_like_revert(ended: KeyEvent, again: KeyEvent) -> str | None:
    if re.search(r"\brevert", again.commit.subject, re.IGNORECASE):
        return f"the commit says it reverts ({again.commit.subject!r})"
    days = (again.commit.date - ended.commit.date).days
    if ended.text and ended.text == again.text and days <= _REVERT_DAYS:
        return f"the same entry came back {days} day{'s' if days != 1 else ''} later"
    return None


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def rewritten(old: str | None, new: str | None) -> bool:
    """A rewrite: most of the old words are gone. Not a typo fix (a word matches a near
    spelling), and not a description that only gained words ("Beta reports" → "Beta reports
    (experiment ended: keep off)" settles the flag, it does not repurpose it)."""
    if old is None or new is None or old == new:
        return False
    before, after = _words(old), _words(new)
    if not before or not after:
        return before != after
    normalized = [next(iter(difflib.get_close_matches(w, before, n=1, cutoff=0.8)), w)
                  for w in after]
    matcher = difflib.SequenceMatcher(None, before, normalized, autojunk=False)
    kept = sum(block.size for block in matcher.get_matching_blocks())
    return kept / len(before) < 0.75
