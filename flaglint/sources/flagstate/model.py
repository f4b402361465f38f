"""What a flag service's export says, in one shape whatever the vendor: for each flag, what
each environment serves, and the lifecycle facts the service keeps (type, stale, archived,
created, maintainer).

The records hold only what flaglint's cache can write from type hints (codec.py): plain
values, tuples, dicts, dates and nested dataclasses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# What a settled environment serves: JSON objects and lists have no place here (`None`).
ServedValue = bool | int | float | str | None
Key = str | int
At = tuple[Key, ...]  # the keys and indexes that lead from the top of a document to a value

@dataclass(frozen=True, slots=True)
class Served:
    """What one environment serves for one flag.

    `settled` is True when everyone gets the same `value`: no rule, segment or condition
    decides, and any split gives 100% (or 0%) to one variant. `value` is None when it is not
    settled, or when the value is one flaglint cannot hold (a JSON object), or when the service
    hands back the caller's own default (a flagd flag that is DISABLED, a LaunchDarkly flag
    off with no off variation). `rollout` is the percentage of the "on" (or largest) variant
    when the state is one plain percentage split, else None. `line` is where this
    environment's state is written (the flag's line when the export has no per-environment
    block).
    """

    on: bool | None
    value: ServedValue
    settled: bool
    rollout: float | None
    targeting: bool
    variants: tuple[str, ...]
    line: int


@dataclass(frozen=True, slots=True)
class ServiceFlag:
    """One flag as a flag service's export describes it.

    `type` is flaglint's lifecycle type (config.FLAG_TYPES: release | experiment | operational
    | kill-switch | permission) where the vendor has one that maps; `vendor_type` keeps the
    vendor's own word. `path` is the export file relative to the project root; `line` and
    `column` (1-based) are where the flag's entry starts.
    """

    key: str
    source: str
    path: str
    line: int
    column: int
    type: str | None = None
    vendor_type: str | None = None
    temporary: bool | None = None
    archived: bool = False
    archived_on: dt.date | None = None  # when, where the export says (Unleash, LaunchDarkly)
    stale: bool = False
    created: dt.date | None = None
    maintainer: str | None = None
    description: str | None = None
    tags: tuple[str, ...] = ()
    project: str | None = None
    environments: dict[str, Served] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Problem:
    """A malformed part of an export: flaglint reports it (FL001) and reads the rest."""

    path: str
    line: int
    column: int
    message: str


@dataclass(frozen=True, slots=True)
class FlagState:
    """Every flag one export file holds, and what in it could not be read."""

    source: str
    path: str
    flags: dict[str, ServiceFlag]
    problems: tuple[Problem, ...] = ()


class FlagStateError(Exception):
    """A file that is not the declared format at all, or a version flaglint does not know.
    The message says what is wrong and how to export the file again."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"
