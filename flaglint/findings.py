"""What a rule reports: a finding, where it points, and the fix it may carry."""

from __future__ import annotations

import dataclasses
import enum
import operator
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


def made_in_bulk(cls: type[T]) -> type[T]:
    """A frozen, slotted dataclass made by the hundred thousand (a syntax tree's spans, its
    calls and their arguments): built, and pickled, as cheaply as its fields allow.

    Its `__init__` sets each slot through the slot's own descriptor, which a frozen
    dataclass's sets through `object.__setattr__` by name (twice as long: 0.52 against
    0.30 µs for a Span; a tenth of reading a file's facts). It takes the same arguments
    and leaves the same object, and the class stays frozen: setting a field afterwards
    still raises. It pickles as its constructor call: the default pickling of such classes
    asks `dataclasses.fields()` again for every object it restores, which made loading a
    large project's cached facts take seconds."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    cls.__init__ = _slot_init(cls, fields)  # type: ignore[method-assign]
    # The constructor's arguments in order, keyword-only ones last, as a call passes them
    names = tuple(f.name for f in fields if not f.kw_only)
    keywords = tuple(f.name for f in fields if f.kw_only)
    values = field_values((*names, *keywords))

    def __reduce__(self: T) -> tuple[Callable[..., T], tuple[object, ...]]:
        if keywords:
            return _with_keywords, (cls, len(names), keywords, values(self))
        return cls, values(self)

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls


def field_values(names: Sequence[str]) -> Callable[[object], tuple[object, ...]]:
    """These fields of an object, as a tuple: every field at once, in C (a generator of
    `getattr`s takes three times as long), but for a single field, which `attrgetter`
    gives bare."""
    if len(names) > 1:
        return operator.attrgetter(*names)
    return lambda value: tuple(getattr(value, name) for name in names)


def _with_keywords(cls: type[T], positional: int, keywords: tuple[str, ...],
                   values: tuple[object, ...]) -> T:
    """An object of a class with keyword-only fields, from its pickled values."""
    return cls(*values[:positional], **dict(zip(keywords, values[positional:], strict=True)))


class _Unset:
    """An argument not given, whose field's default_factory makes it."""

    def __repr__(self) -> str:
        return "<factory>"


_UNSET = _Unset()


def _slot_init(cls: type, fields: tuple[dataclasses.Field[object], ...]
               ) -> Callable[..., None]:
    """An `__init__` with the dataclass's own signature (defaults, keyword-only fields)
    that sets each slot through its descriptor."""
    params = vars(cls)["__dataclass_params__"]
    if not (params.frozen and "__slots__" in vars(cls)) or "__post_init__" in vars(cls) \
            or len(fields) != len(vars(cls)["__dataclass_fields__"]) \
            or any(not f.init for f in fields):
        # InitVar, init=False, __post_init__: none is needed here yet
        raise TypeError(f"made_in_bulk takes a frozen, slotted dataclass whose every field "
                        f"is set from an argument: {cls.__qualname__}")
    scope: dict[str, object] = {"_unset": _UNSET}
    positional: list[str] = []
    keyword: list[str] = []
    body = ""
    for index, field in enumerate(fields):
        scope[f"_set{index}"] = vars(cls)[field.name].__set__
        parameter = field.name
        if field.default is not dataclasses.MISSING:
            scope[f"_default{index}"] = field.default
            parameter += f"=_default{index}"
        elif field.default_factory is not dataclasses.MISSING:
            scope[f"_factory{index}"] = field.default_factory
            parameter += "=_unset"
            body += f"\n    if {field.name} is _unset: {field.name} = _factory{index}()"
        (keyword if field.kw_only else positional).append(parameter)
        body += f"\n    _set{index}(self, {field.name})"
    signature = ", ".join(["self", *positional, *(["*", *keyword] if keyword else [])])
    exec(f"def __init__({signature}):{body or ' pass'}", scope)  # code made of field names
    init = scope["__init__"]
    assert isinstance(init, types.FunctionType)
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    return init


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@made_in_bulk
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


@made_in_bulk
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


@made_in_bulk
@dataclass(frozen=True, slots=True)
class Fix:
    """What fixing a finding takes: every edit, applied together or not at all. A fix with
    several reasons is safe only when each of them is."""

    safe: bool
    description: str
    edits: tuple[Edit, ...] = ()
    in_tests: bool = False  # it edits test code, which `--fix` leaves alone unless asked


@made_in_bulk
@dataclass(frozen=True, slots=True)
class Related:
    """A second place a finding is about: the registry line and commit of a retirement, a
    dead caller, a host in the majority. `span` is None for a file as a whole."""

    path: str
    span: Span | None
    message: str


@made_in_bulk
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
