"""Dead code behind settled flags, as data: what a settled read yields, the branches that
can never run, and the functions and classes only they call (`analysis/deadcode.py` finds
them)."""

from __future__ import annotations

import bisect
import enum
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field

from flaglint.findings import Span
from flaglint.links.model import FlagRead
from flaglint.sources.registry import FlagValue


class DeadKind(enum.Enum):
    IF_BODY = "if body"
    ELSE = "`else` branch"
    ELIF = "`elif` branch"
    OPERAND = "operand"
    AFTER_EXIT = "code after an early exit"
    VIEW = "decorated function"


@dataclass(frozen=True, slots=True)
class Settled:
    """What a read yields once its flag is settled."""

    key: str
    value: FlagValue | None
    safe: bool  # the registry pins the value (rolled out, or pinned by `clean`)
    why: str  # "is rolled out with value `true`", for messages


ReadId = tuple[str, int]  # (path, call index): one read


@dataclass(frozen=True, slots=True)
class DeadRegion:
    path: str
    span: Span
    kind: DeadKind
    settled: Settled  # the first read that decided it, for messages
    reads: tuple[ReadId, ...] = ()  # every settled read that decided it
    safe: bool = True  # every deciding read is pinned
    removable: bool = True  # the fix can settle every deciding read and delete the region
    live: Span | None = None  # the test on a dead `if`/`elif` line: it still runs
    # It holds what shapes its function (`global`, `nonlocal`, or a `yield` where no other
    # of the function's lies outside a dead region): it stays, and so do the reads that
    # decide it (settled alone, they would leave `if False:` around it, which flaglint would
    # no longer see as dead)
    shaped: bool = False
    # The operands of the live test it never evaluates (`_is_upload(name)` in `if
    # flag_set("cloud") and _is_upload(name):`, the flag settled false): dead too
    skipped: tuple[Span, ...] = ()

    def covers(self, span: Span) -> bool:
        """Is code at `span` dead (inside the region, not in the part of its test that
        still runs)?"""
        return contains(self.span, span) and not (
            self.live is not None and contains(self.live, span)
            and not any(contains(operand, span) for operand in self.skipped))


@dataclass(frozen=True, slots=True)
class DeadSymbol:
    qualname: str
    kind: str  # "function" | "class"
    path: str
    span: Span
    settled: Settled  # the first reason, for messages
    reads: frozenset[ReadId] = frozenset()  # settling these removes every call of it
    safe: bool = True  # every reason is a pinned flag
    removable: bool = True  # every dead caller is removed by its fix
    needs: frozenset[str] = frozenset()  # dead symbols that call it, deleted with it
    # Its calls, all dead (path, where), for FL302's message: kept with the dead code, so
    # that a run which finds it decodes no call graph (a light edit on Sentry settled)
    callers: tuple[tuple[str, Span], ...] = ()


@dataclass(frozen=True, slots=True)
class FileDead:
    """What dead code finds in one file with a settled read, given what settles its reads:
    its dead regions and the calls its guards test and, where it has a region, the names
    its live code may use (`names_in_use`) and its calls into the project: (name, top-level
    package of the callee, scope, in a region; None: not made, its facts say). All the
    analysis asks of the file's facts, a small part of them to keep and decode."""

    regions: tuple[DeadRegion, ...] = ()
    tested: tuple[int, ...] = ()
    alive: frozenset[str] = frozenset()
    calls: tuple[tuple[str, str, str, bool], ...] | None = ()


@dataclass(frozen=True, slots=True)
class DeadCode:
    settled: dict[tuple[str, int], Settled]  # (path, call index) -> what that read yields
    regions: tuple[DeadRegion, ...]
    symbols: tuple[DeadSymbol, ...]
    tested: frozenset[tuple[str, int]] = frozenset()  # reads whose truth a guard tests
    reads: Mapping[ReadId, FlagRead] = field(default_factory=dict)
    # The names live code may use (`names_alive`), when dead symbols were sought: what dead
    # code calls is read for next against them too
    alive: Set[str] | None = field(default=None, compare=False, repr=False)
    # What each file with a settled read holds (`FileDead`), when analysed in this run
    files: Mapping[str, FileDead] = field(default_factory=dict, compare=False, repr=False)
    # The reads that decide a region that holds what shapes its function: no fix replaces
    # them, nor the reads inside a wrapper a call of which is one of them or takes
    # arguments a fix cannot drop (made from `regions`)
    shaping: frozenset[ReadId] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "shaping", frozenset(_kept_reads(self)))


def _kept_reads(dead: DeadCode) -> set[ReadId]:
    """`DeadCode.shaping`. A wrapper whose own read became its value while a call of it is
    left would hide that call: it no longer reads the flag, and the dead code it decides
    is no longer seen (mlflow's `if is_testing():` around a `nonlocal`, after `is_testing`
    became `return False`). So a wrapper with such a call keeps its reads, through wrappers
    of wrappers."""
    kept = {read for region in dead.regions if region.shaped for read in region.reads}
    wrappers = {read.via for read_id, read in dead.reads.items() if read.via is not None
                and (read_id in kept or not read.pure_args)}
    done: set[str] = set()
    while wrappers - done:
        done |= wrappers
        inner = {read_id for read_id, read in dead.reads.items()
                 if read.scope in wrappers and read_id not in kept}
        kept |= inner
        wrappers |= {via for via in (dead.reads[read_id].via for read_id in inner)
                     if via is not None}
    return kept


def contains(outer: Span, inner: Span) -> bool:
    return (outer.line, outer.column) <= (inner.line, inner.column) and \
        (inner.end_line, inner.end_column) <= (outer.end_line, outer.end_column)


class Cover:
    """Which spans lie inside one of these regions, for a file with thousands: the regions
    sorted by where they start, a binary search for the last that starts before the span,
    and a walk back only while one that far back could still reach past the span's end."""

    def __init__(self, regions: Iterable[DeadRegion]) -> None:
        self.regions = sorted(regions, key=lambda r: (r.span.line, r.span.column))
        self.starts = [(r.span.line, r.span.column) for r in self.regions]
        self.reach: list[tuple[int, int]] = []  # the furthest end among regions[: i + 1]
        for region in self.regions:
            end = (region.span.end_line, region.span.end_column)
            self.reach.append(max(self.reach[-1], end) if self.reach else end)

    def region_of(self, span: Span, *, live_too: bool = False) -> DeadRegion | None:
        """A region that holds `span` (its dead part, unless `live_too`: anywhere)."""
        end = (span.end_line, span.end_column)
        index = bisect.bisect_right(self.starts, (span.line, span.column)) - 1
        while index >= 0 and self.reach[index] >= end:
            region = self.regions[index]
            if (contains(region.span, span) if live_too else region.covers(span)):
                return region
            index -= 1
        return None

    def covers(self, span: Span) -> bool:
        return self.region_of(span) is not None

    def holds(self, span: Span) -> bool:
        """Does a region hold `span`, its live test included?"""
        return self.region_of(span, live_too=True) is not None
