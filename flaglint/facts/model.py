"""The facts one file yields: plain frozen dataclasses, picklable and cacheable.

Facts do not depend on the configuration: which calls read a flag is decided later, by the
linker, from the calls recorded here. A file's facts can therefore be cached by its content
and module name alone, and computed in any process.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flaglint.findings import Span, made_in_bulk
from flaglint.suppressions import Suppressions


class ValueKind(enum.Enum):
    STR = "str"  # a string literal: `text` is its value
    CONST = "const"  # True, False, None or a number: `text` is its source
    NAME = "name"  # a module-level, imported or local name: `text` is its qualified name
    # (a function's locals are `module.function.<locals>.name`)
    PARAM = "param"  # a parameter of the enclosing function: `text` is its name
    TEMPLATE = "template"  # an f-string or `+` of strings and names: `text` holds the
    # literal parts with a NUL where each of `names` (qualified) goes
    CALL = "call"  # a call (bound to a name): `text` is its callee, `index` its call number
    OTHER = "other"  # anything else: `text` is its source, shortened


@made_in_bulk
@dataclass(frozen=True, slots=True)
class Value:
    kind: ValueKind
    text: str
    index: int = -1  # PARAM: its position among the parameters (self excluded); CALL: the
    # call's number among the file's calls
    source: str = ""  # NAME, TEMPLATE: the expression as written, for messages
    names: tuple[str, ...] = ()  # TEMPLATE: the qualified names, in order

    @property
    def display(self) -> str:
        return self.source or self.text


@made_in_bulk
@dataclass(frozen=True, slots=True)
class Arg:
    keyword: str | None
    value: Value
    star: str = ""  # "*" (`*args`) or "**" (`**kwargs`): positions after it are unknown


class CondOp(enum.Enum):
    CALL = "call"  # the truthiness of call number `call`
    COMPARE = "compare"  # call number `call` compared (`compare`) with literal `values`
    NOT = "not"
    AND = "and"
    OR = "or"
    CONST = "const"  # a literal: `values[0]`
    OPAQUE = "opaque"  # anything else: flag reads cannot decide it


@made_in_bulk
@dataclass(frozen=True, slots=True)
class Cond:
    """A test expression, as much of it as flag reads can decide."""

    op: CondOp
    span: Span
    call: int = -1
    compare: str = ""  # "==", "!=", "is", "is not", "in", "not in"
    values: tuple[Value, ...] = ()
    operands: tuple[Cond, ...] = ()


class GuardKind(enum.Enum):
    IF = "if"  # an if/elif statement: `body` runs when the test holds, `orelse` when not
    IFEXP = "ifexp"  # `body if test else orelse`
    BOOLOP = "boolop"  # an and/or outside any test: only its dead operands matter
    DECORATOR = "decorator"  # a decorator that reads a flag gates the whole function


@made_in_bulk
@dataclass(frozen=True, slots=True)
class Guard:
    """Code that runs only when a test holds (`body`) or only when it does not (`orelse`).

    Spans are what FL301 reports when that part can never run: an if body from its `if`
    line, an elif/else from its keyword. `rest` is the code after an `if` whose body always
    exits (return/raise/continue/break) and that has no else: it runs only when the test
    does not hold."""

    kind: GuardKind
    test: Cond
    scope: str
    span: Span
    body: Span
    orelse: Span | None = None
    rest: Span | None = None
    orelse_is_elif: bool = False
    is_elif: bool = False  # this `if` is an `elif` of another: its body starts at `elif`


@made_in_bulk
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
    pure_args: bool = True  # no argument can have a side effect (names, literals, …)
    returned_negated: bool = False  # `return not <this call>`: its function answers the
    # opposite
    # Not a call: an attribute read of a flag object (`holder.value`), recorded as one when
    # a definition names the attribute, so that reads, tests and fixes treat it alike.
    access: bool = False
    # Its value is taken apart: an attribute or item of it, a call of it, an operand of
    # arithmetic (`get_flag("theme").upper()`, `"/etc/" + settings.FLAGS_FILE`). A flag
    # read so used is never replaced by a literal: its value is not only a truth value.
    operand: bool = False

    @property
    def name(self) -> str:
        return self.callee.rsplit(".", 1)[-1]


@made_in_bulk
@dataclass(frozen=True, slots=True)
class Definition:
    """A function or class; the span runs from its def/class line (decorators excluded)."""

    qualname: str
    kind: str  # "function" | "class"
    span: Span
    params: tuple[str, ...] = ()  # positional parameters, self/cls excluded
    method: bool = False
    decorators: tuple[str, ...] = ()  # each decorator's callee, as `Call.callee` names it
    defaults: tuple[tuple[str, Value], ...] = ()  # parameters whose default is a literal


@made_in_bulk
@dataclass(frozen=True, slots=True)
class Constant:
    """A name bound once to a string or another name, in a module, class or function."""

    qualname: str
    value: Value
    span: Span


@made_in_bulk
@dataclass(frozen=True, slots=True)
class ParseError:
    message: str
    line: int
    column: int


@made_in_bulk
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
    guards: tuple[Guard, ...] = ()
    # Identifiers used other than as the callee of a call (passed as values, decorators,
    # attributes), and identifier-like string literals where they stand (a string in code
    # that never runs keeps nothing alive): what keeps a symbol alive for FL302.
    value_names: frozenset[str] = frozenset()
    strings: tuple[tuple[str, Span], ...] = ()
    # `global` and `nonlocal` with the function they belong to: code holding one decides
    # what its function is even when it never runs, so a fix never deletes it.
    shapers: tuple[tuple[str, Span], ...] = ()
    # `yield` and `yield from` with their function: code holding one may be deleted only
    # when the function keeps another (it stays a generator)
    yields: tuple[tuple[str, Span], ...] = ()
    suppressions: Suppressions = Suppressions()  # noqa: RUF009 - frozen, shared safely
    error: ParseError | None = None
    # A file the text prefilter skipped holds only `modules` and `error` (found by a cheap
    # compile): it cannot mention a flag reader, a wrapper, or a name a key resolves through.
    complete: bool = True
    modules: tuple[str, ...] = ()  # top-level modules imported, for choosing presets
    # Read from the text of every file, light or not (facts/light.py `text_index`): the
    # modules its imports name, in full (`a.b` and `a.b.c` of `from a.b import c`), and the
    # dotted paths its strings hold (`mock.patch("app.views.flag")`): who imports a module,
    # and who names its attributes, without reading any file again.
    imported: tuple[str, ...] = ()
    dotted: tuple[str, ...] = ()
