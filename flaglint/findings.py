"""What a rule reports: a finding, where it points, and the fix it may carry."""

from __future__ import annotations

import dataclasses
import enum
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


def compact_pickle(cls: type[T]) -> type[T]:
    """Pickle a frozen, slotted dataclass as its constructor call. The default pickling of
    such classes asks `dataclasses.fields()` again for every object it restores, which made
    loading a large project's cached facts take seconds."""
    names = tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]
    # Every field at once, in C: a generator of `getattr`s took three times as long
    values: Callable[[T], tuple[object, ...]] = operator.attrgetter(*names) \
        if len(names) > 1 else lambda self: tuple(getattr(self, name) for name in names)

    def __reduce__(self: T) -> tuple[type[T], tuple[object, ...]]:
        return cls, values(self)

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@compact_pickle
@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A source range; lines and columns start at 1, the end column is exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def at_line(cls, line: int, text: str = "") -> Span:
        return cls(line, 1, line, len(text) + 1)


class EditKind(enum.Enum):
    SETTLE_READ = "settle-read"  # replace the flag read starting here by `value`
    DELETE_SYMBOL = "delete-symbol"  # delete the def/class whose name line and column these are
    DROP_IMPORT = "drop-import"  # remove the import (and `__all__` entry) of the name `name`
    DELETE_BINDING = "delete-binding"  # delete `NAME = …` whose name starts here (`clean`)
    DROP_PARAMETER = "drop-parameter"  # remove parameter `name` of the def here (`clean`)
    DROP_ARGUMENT = "drop-argument"  # remove the argument for parameter `name` (at
    # `parameter`, its position) from the call here (`clean`)
    SPECIALIZE = "specialize"  # in the def here, parameter `name` is always `value` (every
    # call passes that literal: `clean` settles the tests of it)
    DROP_ELEMENT = "drop-element"  # remove the element starting here from its list, tuple or
    # set (`clean`: `ALL_FLAGS = [Flags.A, Flags.B]` once `Flags.A` is gone)


FlagValue = bool | int | float | str  # what a flag can be set to


@compact_pickle
@dataclass(frozen=True, slots=True)
class Edit:
    """One change a fix makes, at a line and column of a file; what the other fields mean
    goes by `kind` (see `EditKind`)."""

    kind: EditKind
    path: str
    line: int
    column: int
    value: FlagValue | None = None  # SETTLE_READ, SPECIALIZE: the value put in
    name: str = ""  # DROP_IMPORT, DROP_PARAMETER, DROP_ARGUMENT, SPECIALIZE: whose
    parameter: int = -1  # DROP_ARGUMENT: the position of the parameter `name`

    @property
    def position(self) -> tuple[int, int]:
        return self.line, self.column


@compact_pickle
@dataclass(frozen=True, slots=True)
class Fix:
    """What fixing a finding takes: every edit, applied together or not at all. A fix with
    several reasons is safe only when each of them is."""

    safe: bool
    description: str
    edits: tuple[Edit, ...] = ()
    in_tests: bool = False  # it edits test code, which `--fix` leaves alone unless asked


@compact_pickle
@dataclass(frozen=True, slots=True)
class Related:
    """A second place a finding is about: the registry line and commit of a retirement, a
    dead caller, a host in the majority. `span` is None for a file as a whole."""

    path: str
    span: Span | None
    message: str


@compact_pickle
@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    rule: str
    severity: Severity
    flag: str | None
    path: str
    span: Span
    message: str
    fix: Fix | None = None
    related: tuple[Related, ...] = ()

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.span.line, self.span.column, self.code, self.message)
