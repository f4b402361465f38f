"""What git remembers of flag keys, as data: commits, the events of each key (declared,
removed, retired, revived, changed meaning), and the history of every key."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field


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
    in_code: bool = False  # an event of a definition in code, not of the registry


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


@dataclass(frozen=True, slots=True)
class LineOrigin:
    """The commit that last brought a line in; `sha` None: not committed yet."""

    sha: str | None
    time: int  # committer time (0 for a line not committed yet)

    @property
    def date(self) -> dt.date:
        return dt.datetime.fromtimestamp(self.time, dt.timezone.utc).date()
