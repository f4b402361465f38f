"""What linking finds: flag reads and writes, flags defined in code, wrappers, and calls of
the project's own functions. Plain frozen records, stored by the cache as data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flaglint.facts import Value, ValueKind
from flaglint.findings import Span, made_in_bulk

# The default of a read whose call may pass one through `*args` or `**kwargs`: not known,
# so the read settles nothing (it is never taken for "off")
UNKNOWN_DEFAULT = Value(ValueKind.OTHER, "*")

@made_in_bulk
@dataclass(frozen=True, slots=True)
class FlagRead:
    """One place where code reads a flag; `key` is None when it cannot be resolved."""

    key: str | None
    expression: str  # the key as written, for messages about unresolved keys
    path: str
    span: Span
    scope: str
    api: str  # the reader, e.g. "unleash: is_enabled", or the wrapper's qualified name
    default: Value | None
    value_type: str | None
    negated: bool
    in_test: bool
    via: str | None = None  # the wrapper this call goes through
    call: int = -1  # its index among the file's calls (FileFacts.calls)
    pure_args: bool = True
    overridden: bool = False  # a test override sets the flag around it: no settled value
    # The lines (first, last) of the branches its value decides: the bodies, `else` parts
    # and code after an early exit of the tests it is part of (the audit's guarded lines).
    guarded: tuple[tuple[int, int], ...] = ()
    decorator: str | None = None  # the callee, when the read is a decorator (it gates)
    operand: bool = False  # its value is taken apart (`Call.operand`): no truth value
    # A Django setting read without a default (`settings.X`, directly or in a wrapper), or
    # any namespace's attribute: retired, it raises, or yields what an app or the
    # namespace's own code defaults it to (not settled)
    unset_setting: bool = False


@dataclass(frozen=True, slots=True)
class FlagWrite:
    """A call that sets a flag (`override_flag("k", active=True)` in a test): not a read."""

    key: str
    path: str
    span: Span
    scope: str  # the function (or class) it applies to; a decorator's is the decorated one
    in_test: bool = False  # else the program sets the flag as it runs (`X.set(True)`)


@dataclass(frozen=True, slots=True)
class CodeDefinition:
    """A flag defined in code, by a definition call or as a member of a flag class."""

    key: str
    path: str
    span: Span
    scope: str
    origin: str
    # The key as written when no literal of it is (edx-enterprise's `f'{NS}.beta'`: the
    # text between its quotes, `{NS}.beta`): what git's history is searched for, as the
    # key's own text is for a literal
    spelled: str = ""


def spellings(definitions: Iterable[CodeDefinition]) -> dict[str, tuple[str, ...]]:
    """The keys that definitions write in no literal, by the text they write instead
    (`{NS}.beta`: `ent.beta`). A text that stands for a key in each of two modules (edx's
    apps share `f"{WAFFLE_NAMESPACE}.…"`) says nothing: the history of one would date and
    own the other, so neither is found by it."""
    found: dict[str, set[str]] = {}
    for definition in definitions:
        if definition.spelled:
            found.setdefault(definition.spelled, set()).add(definition.key)
    return {text: tuple(keys) for text, keys in sorted(found.items()) if len(keys) == 1}


@dataclass(frozen=True, slots=True)
class Wrapper:
    """A function whose return value is a flag read."""

    qualname: str
    key: str | None  # the fixed key it reads, or None when a parameter carries the key
    expression: str
    key_param: tuple[int, str] | None  # position (-1: keyword-only) and name
    key_default: Value | None  # the key parameter's default, for calls that leave it out
    default: Value | None  # the fixed default, or the default parameter's own default
    default_param: tuple[int, str] | None
    negated: bool
    bang: bool  # the key parameter takes "!key" to mean "off"
    value_type: str | None
    unset_setting: bool = False  # it returns `settings.X` (FlagRead.unset_setting)


@dataclass(frozen=True, slots=True)
class FlagObject:
    """A name bound to a definition call (`holder = bool_state(name="key")`): the object
    stands for its flag wherever code reads it."""

    key: str
    methods: tuple[str, ...]  # `holder.is_enabled()` reads it
    attributes: tuple[str, ...]  # `holder.value` reads it
    called: bool  # `with holder(v):` reads it (and sets it for the block)
    tested: bool  # `if holder:` reads it
    writes: tuple[str, ...] = ()  # `holder.set(True)` sets it

    @property
    def read_somehow(self) -> bool:
        return bool(self.methods or self.attributes or self.called or self.tested
                    or self.writes)


@dataclass(frozen=True, slots=True)
class ResolvedCall:
    """A call of a function or class defined in the project."""

    caller: str  # the calling scope
    callee: str  # the qualified name of the definition called
    path: str
    span: Span


@made_in_bulk
@dataclass(frozen=True, slots=True)
class Symbol:
    """A function or class the project defines."""

    qualname: str
    path: str
    kind: str  # "function" | "class"


@dataclass(frozen=True, slots=True)
class FileLinks:
    """What linking found in one file: its reads and writes (before prefix aliases and test
    overrides apply), its flag definitions, and the names it needed that no file defines
    (the modules that may define them are parsed next)."""

    reads: tuple[FlagRead, ...] = ()
    writes: tuple[FlagWrite, ...] = ()
    defined_by_calls: tuple[CodeDefinition, ...] = ()
    defined_as_members: tuple[CodeDefinition, ...] = ()
    missing: frozenset[str] = frozenset()
    keyless: tuple[str, ...] = ()  # the origin of each definition call with no key to read
    matched: tuple[str, ...] = ()  # the project's readers some call matched (`readers[0]`)


@dataclass(frozen=True, slots=True)
class FileCalls:
    """One file's calls of the project's functions and classes, and what it defines: the
    call graph's part of it, kept apart because most runs never need it."""

    calls: tuple[ResolvedCall, ...] = ()
    symbols: tuple[Symbol, ...] = ()
    # Calls of a method into the project that no definition answers: through an object a
    # module holds (`security_manager.get_user(...)`, the object imported), or inherited
    # (`self.helper()`), whose class flaglint does not follow; by name and where, for dead
    # code to keep that name alive
    unbound: tuple[tuple[str, Span], ...] = ()


@dataclass(frozen=True, slots=True)
class Linked:
    reads: tuple[FlagRead, ...]
    definitions: tuple[CodeDefinition, ...]
    wrappers: dict[str, Wrapper]
    presets: tuple[str, ...]
    writes: tuple[FlagWrite, ...] = ()
    objects: tuple[str, ...] = ()  # names bound to flag objects (`holder = bool_state(...)`)
    aliases: dict[str, str] = field(default_factory=dict)  # `x` -> `jax_x` (a prefix)
    # Names imported from a folder on `sys.path` inside the project -> the package it lies
    # in (`links/roots.py`)
    roots: dict[str, str] = field(default_factory=dict)
    # Settings named like flags that hold values (django-settings: `links/resolve.py`)
    values: frozenset[str] = frozenset()
    # Definition calls with no key flaglint can read, by the `[[definitions]]` entry
    keyless: dict[str, int] = field(default_factory=dict)
    # The `[[readers]]` entries some call matched (`readers[0]`), whatever it read
    matched: frozenset[str] = frozenset()
