"""The facts one file yields: plain frozen dataclasses, picklable and cacheable.

Facts do not depend on the configuration: which calls read a flag is decided later, by the
linker, from the calls recorded here. A file's facts can therefore be cached by its content
and module name alone, and computed in any process.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flaglint.findings import Span
from flaglint.suppressions import Suppressions


class ValueKind(enum.Enum):
    STR = "str"  # a string literal: `text` is its value
    CONST = "const"  # True, False, None or a number: `text` is its source
    NAME = "name"  # a module-level, imported or local name: `text` is its qualified name
    # (a function's locals are `module.function.<locals>.name`)
    PARAM = "param"  # a parameter of the enclosing function: `text` is its name
    OTHER = "other"  # anything else: `text` is its source, shortened


@dataclass(frozen=True, slots=True)
class Value:
    kind: ValueKind
    text: str
    index: int = -1  # PARAM: its position among the function's parameters (self excluded)
    source: str = ""  # NAME: the name as written, for messages

    @property
    def display(self) -> str:
        return self.source or self.text


@dataclass(frozen=True, slots=True)
class Arg:
    keyword: str | None
    value: Value
    star: bool = False  # `*args` or `**kwargs`: positions after it are unknown


@dataclass(frozen=True, slots=True)
class Call:
    """A call expression, its callee named as precisely as one file allows."""

    callee: str  # qualified name when `resolved`, else its dotted source text ("?" for an expr)
    resolved: bool  # the first name is an import, a module-level name, or self/cls
    imported: bool  # the first name comes from an import
    attribute: bool  # `receiver.name(...)`
    args: tuple[Arg, ...]
    span: Span
    scope: str  # qualified name of the enclosing function or class, else the module
    returned: bool  # `return <this call>`: its function answers what this call answers
    decorator: bool  # `@<this call>`; the span is the decorator's

    @property
    def name(self) -> str:
        return self.callee.rsplit(".", 1)[-1]


@dataclass(frozen=True, slots=True)
class Definition:
    """A function or class; the span runs from its def/class line (decorators excluded)."""

    qualname: str
    kind: str  # "function" | "class"
    span: Span
    params: tuple[str, ...] = ()  # positional parameters, self/cls excluded
    method: bool = False


@dataclass(frozen=True, slots=True)
class Constant:
    """A name bound once to a string or another name, in a module, class or function."""

    qualname: str
    value: Value
    span: Span


@dataclass(frozen=True, slots=True)
class ParseError:
    message: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class FileFacts:
    path: str
    module: str
    is_package: bool
    lines: int
    imports: tuple[tuple[str, str], ...] = ()  # (local name, qualified name)
    constants: tuple[Constant, ...] = ()
    definitions: tuple[Definition, ...] = ()
    calls: tuple[Call, ...] = ()
    suppressions: Suppressions = Suppressions()
    error: ParseError | None = None
    # A file the text prefilter skipped holds only `modules` and `error` (found by a cheap
    # compile): it cannot mention a flag reader, a wrapper, or a name a key resolves through.
    complete: bool = True
    modules: tuple[str, ...] = ()  # top-level modules imported, for choosing presets
