"""What a facts pass knows while it walks one module, whichever parser made the tree: scopes,
imports, constants, calls, local aliases and guards. `ast_facts.py` and `cst_facts.py` walk
their trees and record through it, so both yield the same facts by construction."""

from __future__ import annotations

import fnmatch
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import NamedTuple

from flaglint.facts.model import (
    Call,
    Cond,
    CondOp,
    Constant,
    Definition,
    FileFacts,
    Guard,
    Value,
    ValueKind,
)
from flaglint.findings import Span
from flaglint.suppressions import Suppressions

_MAX_TEXT = 80
TRUTH = "(truth)"  # in `attributes`: record truth tests of imported or module-level names
_SELF_NAMES = ("self", "cls")
_STAR = "*"  # the names a star import binds, in the key of the scope's aliases
_IDENTIFIER_LIKE = re.compile(r"^[A-Za-z_][\w.:-]*$")


# Builtins that iterate over (or count) their arguments: a value passed to one is taken
# apart (the review's `e = read(); e = list(e)`: `list(False)` raises); `map` and `filter`
# iterate all but their first
TAKES_APART = frozenset({"list", "tuple", "set", "frozenset", "dict", "sorted", "reversed",
                         "len", "iter", "next", "sum", "min", "max", "any", "all", "enumerate",
                         "zip", "map", "filter"})


class Scope:
    __slots__ = ("bound", "depth", "kind", "owner", "params", "qualname", "shared")

    def __init__(self, qualname: str, kind: str, params: dict[str, int],
                 owner: str | None, depth: int = 0) -> None:
        self.qualname = qualname
        self.depth = depth  # how many blocks deep the scope's own statements are
        self.kind = kind  # "module" | "class" | "function"
        self.params = params  # name -> position (-1: keyword-only or self)
        self.owner = owner  # the class qualified name that self/cls stand for
        self.bound: set[str] = set()  # names this function assigned so far (not imported)
        # names it imports itself, or declares `global`/`nonlocal`: never its own local
        self.shared: set[str] = set()


class Qualified(NamedTuple):
    """A dotted name as the current scope sees it."""

    name: str  # qualified when `resolved`, else as written
    resolved: bool  # the first name is an import, a module-level name, or self/cls
    imported: bool  # the first name comes from an import


@dataclass(frozen=True, slots=True)
class _BoundName:
    """The name a call's value is bound to (`FLAG = WaffleFlag("x")`), and where."""

    qualname: str
    span: Span


@dataclass(frozen=True, slots=True)
class _Alias:
    """A local name that may stand for a flag read (`use_new = flag()`)."""

    cond: Cond | None  # the condition its first binding assigned, when it tests a call
    bindings: int  # how often it is bound; a conditional binding or a parameter counts 2


class Watch:
    """A module walked a piece at a time in one parse binds each piece's top-level names just
    before that piece's walk, where `run` binds the whole module's first. The two agree
    unless a piece binds anew a name the walk before it used (`broken`); `imports` keeps the
    order in which binding them first puts the imports, `names` says which names the module
    binds (those taken as bound ahead must be)."""

    def __init__(self) -> None:
        self.broken = False
        self.imports: dict[str, None] = {}
        self.names: set[str] = set()  # the module names bound
        self.changed: set[str] = set()  # the names whose binding changes what a use saw
        self.targets: dict[str, str] = {}  # what each import binds its name to, last
        self.imported: set[str] = set()  # the names imports bind

    def binding(self, name: str, used: set[str], *, changes: bool) -> None:
        if changes:
            self.changed.add(name)
            if name in used:
                self.broken = True


class Holding:
    """What a walk knows of names that may hold reads' values (`FactsCollector._hold`), and
    of names taken apart (`_name_apart`): enough for the walk of a module's earlier pieces
    to take in a later walk's (`join`) as one walk would have."""

    def __init__(self) -> None:
        # name -> scope -> the calls it may hold there now (most names hold none: one look)
        self.held: dict[str, dict[str, list[int]]] = {}
        self.apart_in: dict[str, set[str]] = {}  # name -> the scopes that took it apart
        self.bound: dict[str, list[int]] = {}  # module name -> every call bound to it
        self.reset: set[str] = set()  # module names bound where the module's code always runs
        self.early: set[str] = set()  # names taken apart before any such binding of theirs
        self.asked: set[str] = set()  # names whose values a binding asked for (`y = EX`)

    def joined(self, later: Holding, calls: int, module: str,
               mark: Callable[[Iterable[int]], None]) -> None:
        """Take in a later walk's (its calls numbered from `calls` on): each walk's names
        taken apart take apart what the other bound, as one walk's would."""
        for name in later.early:  # taken apart before the later walk bound it anew
            mark(self.held.get(name, {}).get(module, ()))
        for name, indices in later.bound.items():
            if name in self.apart_in:  # taken apart before it was bound
                mark(index + calls for index in indices)
        for name in later.reset:  # bound anew where the module's code always runs
            self.held.get(name, {}).pop(module, None)
        for name, held in later.held.items():
            here = self.held.setdefault(name, {})
            for scope, indices in held.items():
                here.setdefault(scope, []).extend(index + calls for index in indices)
        for name, indices in later.bound.items():
            self.bound.setdefault(name, []).extend(index + calls for index in indices)
        for name, scopes in later.apart_in.items():
            self.apart_in.setdefault(name, set()).update(scopes)
        self.early |= later.early - self.reset
        self.reset |= later.reset


@dataclass(slots=True)
class Tail:
    """What a walk of a module's pieces from one on made (`ast_facts.Collector.run_tail`,
    in a process of its own), for the walk of the pieces before it to take in (`join`).
    Its calls and guards are numbered from 0; `exits` are its module-level guards whose
    body always exits, with where the rest after each starts."""

    calls: list[Call]
    guards: list[Guard]
    definitions: list[Definition]
    constants: dict[str, Constant | None]
    strings: set[tuple[str, Span]]
    shapers: list[tuple[str, Span]]
    yields: list[tuple[str, Span]]
    names: Counter[str]
    not_values: Counter[str]
    imports: dict[str, str]  # what its pieces' imports bound, in the order first bound
    watch: Watch  # its bindings (of its own pieces in `changed` and `imported`)
    # What it took the pieces before to bind: the module's names, the names imports bind
    # (in order) and what to
    bound: tuple[frozenset[str], list[str], dict[str, str]]
    used: set[str]  # the first names its walk looked up
    aliases: dict[str, _Alias]
    looked: set[str]  # the aliases its walk looked up
    alias_guards: dict[str, list[int]]
    holding: Holding
    open_scopes: bool  # returns or aliases left unfinished (never expected): not joined
    exits: list[tuple[int, Span]]
    start: int  # the offset of its first piece
    first: Span  # its first statement
    last: Span  # its last statement


class FactsCollector:
    def __init__(self, module: str, *, is_package: bool) -> None:
        super().__init__()  # a libcst visitor's own state, when the walker is one
        self.module = module
        self.is_package = is_package
        self.package = module if is_package else module.rpartition(".")[0]
        self.imports: dict[str, str] = {}
        self.module_names: set[str] = set()
        # The first names of what the walk has looked up or imported, and what a module
        # walked piece by piece in one parse watches for (ast_facts.Collector.run_pieces).
        self.used: set[str] = set()
        self._walk_imported: set[str] = set()
        self.watch: Watch | None = None
        self.constants: dict[str, Constant | None] = {}
        self.definitions: list[Definition] = []
        self.calls: list[Call] = []
        self.scopes = [Scope(module, "module", {}, None)]
        self._returned: dict[int, bool] = {}  # id() of each returned expression: negated?
        self._returned_names: list[str] = []  # "scope:name" of each `return NAME`
        # A function answers what its returned read answers only when that return is its
        # one return statement, and its last: `if org is None: return other(); return
        # read()` answers something else on one path.
        self._returns: dict[str, list[bool]] = {}  # scope -> each return: its last statement?
        self._tails: set[int] = set()  # id() of each return that ends its function's body
        self._scope_returned: dict[str, list[int]] = {}  # scope -> its returned calls
        self._decorators: dict[int, Span] = {}
        self._call_index: dict[int, int] = {}
        self._apart: set[int] = set()  # id() of each expression whose value is taken apart
        self._lambdas = 0  # lambdas around the expression being walked
        self._bound_calls: dict[int, _BoundName] = {}  # by id(call)
        self._rebound: set[str] = set()
        self.guards: list[Guard] = []
        self._if_guard: dict[int, int] = {}  # id(If node) -> its guard's index
        self._test_roots: set[int] = set()
        self._boolop_depth = 0
        self._blocks = 0  # blocks (indented or one-line suites) around the current statement
        self._aliases: dict[str, _Alias] = {}  # by "scope:name"
        self._alias_guards: dict[str, list[int]] = {}
        self._holding = Holding()  # what names hold of the reads, and which are taken apart
        self._using: list[str] = []
        self.names: Counter[str] = Counter()
        self.not_values: Counter[str] = Counter()  # callees, definitions, imported names
        self.strings: set[tuple[str, Span]] = set()
        self.shapers: list[tuple[str, Span]] = []
        self.yields: list[tuple[str, Span]] = []
        # Attribute names that read a flag object (`value` of `holder.value`): such reads
        # are recorded as calls with `access` set. Empty unless a definition names them.
        self.attributes: frozenset[str] = frozenset()
        self._call_funcs: set[int] = set()  # id() of the callee expression of every call
        self._looked: set[str] = set()  # the aliases looked up
        # The names a lambda's parameters or a comprehension's targets bind around the
        # current node: there such a name is not the enclosing scope's alias
        self._hidden: list[frozenset[str]] = []
        self.import_log: list[str] | None = None  # the local names imports bind, if kept

    def forget_nodes(self) -> None:
        """Drop what is known by node identity: a module walked in pieces frees each piece's
        tree before the next is made, and Python may give its nodes' ids to new ones. Nothing
        so keyed outlives the top-level statement that made it."""
        for by_node in (self._returned, self._tails, self._decorators, self._call_index,
                        self._bound_calls, self._if_guard, self._test_roots,
                        self._call_funcs, self._apart):
            by_node.clear()  # in place: the condition builder holds `_call_index` too

    def facts(self, path: str, lines: int, suppressions: Suppressions) -> FileFacts:
        return FileFacts(
            path=path, module=self.module, is_package=self.is_package, lines=lines,
            modules=tuple(sorted({t.split(".", 1)[0] for t in self.imports.values() if t})),
            imports=tuple(self.imports.items()),
            constants=tuple(c for c in self.constants.values() if c is not None),
            definitions=tuple(self.definitions), calls=tuple(self.calls),
            guards=tuple(self.guards),
            value_names=frozenset(name for name, count in self.names.items()
                                  if count > self.not_values[name]),
            strings=tuple(sorted(self.strings, key=_by_place)),
            shapers=tuple(self.shapers), yields=tuple(self.yields),
            suppressions=suppressions,
        )

    # -- imports and names -----------------------------------------------------------------

    def _import_modules(self, names: list[tuple[str, str | None]]) -> None:
        """`import a.b` (binds `a`) and `import a.b as c`."""
        for name, asname in names:
            if asname is not None:
                self._bind_import(asname, name)
            else:
                top = name.split(".", 1)[0]
                self._bind_import(top, top)

    def _import_from(self, base: str, level: int, names: list[tuple[str, str | None]]) -> None:
        if level:
            package = self.package.split(".") if self.package else []
            up = level - 1
            package = package[: len(package) - up] if up else package
            base = ".".join([*package, *([base] if base else [])])
        for name, asname in names:
            local = asname if asname is not None else name
            self._bind_import(local, f"{base}.{name}" if base else name)

    def _bind_import(self, local: str, target: str) -> None:
        if self.scopes and self.scopes[-1].kind == "function":
            self.scopes[-1].shared.add(local)
        if self.import_log is not None:
            self.import_log.append(local)
        if self.watch is None:  # the walk's import, where a function's may be
            self.used.add(local)
            self._walk_imported.add(local)
        else:
            # Binding what the walk imported changes what it looked up before that import,
            # whatever the value now: binding the names first puts the walk's imports after
            self.watch.binding(local, self.used, changes=local in self._walk_imported
                               or self.imports.get(local) != target)
            self.watch.imports[local] = None
            self.watch.targets[local] = target
            self.watch.imported.add(local)
        self.imports[local] = target

    def bind_module_name(self, name: str) -> None:
        """A name the module binds at its top level (a function, a class, an assignment)."""
        if self.watch is not None:
            self.watch.binding(name, self.used, changes=name not in self.module_names)
            self.watch.names.add(name)
        self.module_names.add(name)

    def _qualify(self, parts: list[str]) -> Qualified:
        """A dotted name seen in the current scope, qualified as far as this file tells."""
        first, rest = parts[0], parts[1:]
        self.used.add(first)
        scope = self.scopes[-1]
        if first in _SELF_NAMES and scope.owner is not None:
            return Qualified(".".join([scope.owner, *rest]), resolved=True, imported=False)
        if self._shadowed(first):
            return Qualified(".".join(parts), resolved=False, imported=False)
        if first in self.imports:
            return Qualified(".".join([self.imports[first], *rest]), resolved=True,
                             imported=True)
        if first in self.module_names:
            return Qualified(".".join([self.module, *parts]), resolved=True, imported=False)
        return Qualified(".".join(parts), resolved=False, imported=False)

    def _shadowed(self, name: str) -> bool:
        """Does a function's own name stand for `name` here: a parameter, or a name the
        function bound itself and neither imports nor declares global (`settings =
        Holder()`), of this function or one it is nested in (a closure)? It shadows an
        import of that name made elsewhere in the module (`try: from a import x / except:
        x = None` is the import's name still). A class body's names are not seen by the
        functions in it."""
        for scope in reversed(self.scopes):
            if scope.kind == "module" or (scope.kind == "class" and scope is self.scopes[-1]):
                return False
            if scope.kind == "class":
                continue
            if name in scope.params:
                return True
            if name in scope.bound and name not in scope.shared:
                return True
            # `global name` and `nonlocal name` (or imported here) go on outward
        return False

    def _dotted_value(self, parts: list[str]) -> Value:
        scope = self.scopes[-1]
        if len(parts) == 1 and scope.kind == "function" and parts[0] in scope.params:
            return Value(ValueKind.PARAM, parts[0], scope.params[parts[0]])
        name = self._name_ref(parts)
        written = ".".join(parts)
        if name is not None:
            return Value(ValueKind.NAME, name, source=written)
        return Value(ValueKind.OTHER, written)

    def _callee(self, parts: list[str] | None, attribute: str | None) -> Qualified:
        """A call's callee: its dotted name qualified; else `?.name` for a method of an
        expression (`attribute`), or `?`."""
        if parts is not None:
            return self._qualify(parts)
        return Qualified("?" if attribute is None else f"?.{attribute}", resolved=False,
                         imported=False)

    def _name_ref(self, parts: list[str]) -> str | None:
        """The qualified name a dotted name stands for, or None (a parameter, unknown)."""
        scope = self.scopes[-1]
        if scope.kind == "function":
            if parts[0] in scope.params:
                return None
            local = f"{scope.qualname}.<locals>.{parts[0]}"
            self.used.add(parts[0])
            if local in self.constants or (
                    parts[0] not in self.imports and parts[0] not in self.module_names
                    and parts[0] not in _SELF_NAMES):
                return ".".join([local, *parts[1:]])
        qualified = self._qualify(parts)
        return qualified.name if qualified.resolved else None

    def _string(self, value: object, span: Span) -> None:
        if kept_string(value):
            self.strings.add((value, span))  # type: ignore[arg-type]  # a str, as kept

    def _child_qualname(self, name: str) -> str:
        return f"{self.scopes[-1].qualname}.{name}"

    def _function_scope(self, name: str, params: dict[str, int], *, method: bool) -> None:
        enclosing = self.scopes[-1]
        owner = enclosing.qualname if method else enclosing.owner
        self.scopes.append(Scope(self._child_qualname(name), "function", params, owner,
                                 self._blocks + 1))

    def _shaper(self, span: Span, *, yields: bool = False) -> None:
        """`global` or `nonlocal` (`yields`: a `yield`) in the current function."""
        (self.yields if yields else self.shapers).append((self.scopes[-1].qualname, span))

    # -- constants and calls ---------------------------------------------------------------

    def _constant(self, name: str, value: Value | None, span: Span | None,
                  call: int | None) -> None:
        """`name = value` (`call`: the id of the call node it is bound to instead). `span`
        may be None where `kept_constant` says nothing keeps it."""
        scope = self.scopes[-1]
        if scope.kind == "function":
            qualname = f"{scope.qualname}.<locals>.{name}"
            scope.bound.add(name)
        else:
            qualname = self._child_qualname(name)
        if qualname in self.constants:
            self.constants[qualname] = None  # bound twice: not a constant
            self._rebound.add(qualname)
            return
        if not kept_constant(value, call):
            self.constants[qualname] = None
            return
        if span is None:
            raise ValueError(f"{qualname}: a constant kept without its place")
        if call is not None:
            # `FLAG = WaffleFlag("x")`: a flag object, once its call has a number.
            self.constants[qualname] = None
            self._bound_calls[call] = _BoundName(qualname, span)
        elif value is not None:
            self.constants[qualname] = Constant(qualname, value, span)

    def _access(self, node: int, attribute: str, parts: list[str] | None, span: Span) -> None:
        """An attribute read (`holder.value`) that a definition says reads a flag object."""
        if node in self._call_funcs or parts is None or not self._reads_attribute(attribute):
            return
        qualified = self._qualify(parts)
        if qualified.resolved:
            self._call(node, self._object_read(qualified, span, attribute=True,
                                               returned=node in self._returned), None)

    def _truth(self, node: int, parts: list[str] | None, attribute: str | None,
               span: Span) -> None:
        """A test that is a name or attribute alone (`if holder:`), which may read a flag
        object; an attribute read it is already is recorded as one."""
        if TRUTH not in self.attributes or parts is None or node in self._call_index or (
                attribute is not None and self._reads_attribute(attribute)):
            return
        qualified = self._qualify(parts)
        if qualified.resolved and parts[0] not in _SELF_NAMES:
            self._call(node, self._object_read(qualified, span, attribute=attribute is not None,
                                               returned=False), None)

    def _object_read(self, qualified: Qualified, span: Span, *, attribute: bool,
                     returned: bool) -> Call:
        """A read of a flag object that is no call (`holder.value`, `if holder:`), recorded
        as a call with `access` set."""
        return Call(qualified.name, resolved=qualified.resolved, imported=qualified.imported,
                    attribute=attribute, args=(), span=span, scope=self.scopes[-1].qualname,
                    returned=returned, decorator=False, pure_args=True, access=True)

    def _reads_attribute(self, attribute: str) -> bool:
        """Is `attribute` one that reads a flag: a name, or a glob (`FEATURE_*`)?"""
        if attribute in self.attributes:
            return attribute != TRUTH
        return any("*" in pattern and fnmatch.fnmatchcase(attribute, pattern)
                   for pattern in self.attributes)

    def _call(self, node: int, call: Call, callee_name: str | None) -> None:
        """Record a call (`node` is its node's id); `callee_name` is the name it is called by."""
        if self._returned.get(node):
            call = replace(call, returned_negated=True)
        if node in self._apart:
            call = replace(call, operand=True)
        if call.returned:
            self._scope_returned.setdefault(call.scope, []).append(len(self.calls))
        self._call_index[node] = len(self.calls)
        bound = self._bound_calls.get(node)
        if bound is not None and bound.qualname not in self._rebound:
            self.constants[bound.qualname] = Constant(
                bound.qualname, Value(ValueKind.CALL, call.callee, len(self.calls)), bound.span)
        if callee_name is not None:
            self.not_values[callee_name] += 1
        self.calls.append(call)

    # -- local aliases -------------------------------------------------------------------

    def _bind_names(self, names: list[str], cond: Cond | None) -> None:
        scope = self.scopes[-1]
        # Only a name bound once, by a statement that always runs, stands for its value: a
        # parameter, or a name bound under a condition or in a loop, is no alias; nor is a
        # class attribute (the fix settles a module's or a function's names only).
        conditional = self._blocks != scope.depth or scope.kind == "class"
        for name in names:
            key = f"{scope.qualname}:{name}"
            known = self._aliases.get(key, _Alias(cond, 0))
            poisoned = conditional or name in scope.params
            self._aliases[key] = _Alias(known.cond, known.bindings + (2 if poisoned else 1))

    def _declared_outer(self, names: Iterable[str], *, nonlocal_: bool) -> None:
        """`global X` (`nonlocal X`): this function may bind X of the module (of an
        enclosing function) again, so there X stands for no value; nor here, where X is
        that shared name, which another function may bind again."""
        outer = self.scopes[1:-1] if nonlocal_ else self.scopes[:1]
        self.scopes[-1].shared.update(names)
        self._bound_in((*outer, self.scopes[-1]), names, 2)

    def _bound_again(self, names: Iterable[str]) -> None:
        """Names bound otherwise than by `=` (`with … as`, `except … as`, an import, a
        `match` capture, a `def` or `class`): an alias they bind again is none (as
        `_bind_names` counts a binding, without asking whether it always runs)."""
        self._bound_in(self.scopes[-1:], names, 1)

    def _bound_anywhere(self, names: Iterable[str]) -> None:
        """`:=` binds in the scope a `def` or `class` header runs in, or in the function
        around a comprehension: as each scope open here may be that one, the name is no
        alias in any of them."""
        self._bound_in(self.scopes, names, 2)

    def _bound_in(self, scopes: Iterable[Scope], names: Iterable[str], count: int) -> None:
        """Count `count` more bindings of each name in each of these scopes (2: it may be
        bound anywhere, any number of times), so that an alias of it there is none."""
        names = tuple(names)
        for scope in scopes:
            for name in names:
                key = f"{scope.qualname}:{name}"
                known = self._aliases.get(key)
                self._aliases[key] = _Alias(None, count) if known is None else \
                    _Alias(known.cond, known.bindings + count)

    def _star_import(self) -> None:
        """`from m import *` binds names no file says: no name of this scope is an alias
        (`_STAR` stands for them all, before and after it)."""
        key = f"{self.scopes[-1].qualname}:{_STAR}"
        self._aliases[key] = _Alias(None, 2)

    def _alias(self, name: str) -> Cond | None:
        scope = self.scopes[-1].qualname
        key = f"{scope}:{name}"
        self._looked.add(key)
        if any(name in hidden for hidden in self._hidden) or f"{scope}:{_STAR}" in self._aliases:
            return None  # a lambda's parameter or a comprehension's target; a star import
        alias = self._aliases.get(key)
        if alias is None or alias.bindings != 1 or alias.cond is None:
            return None
        self._using.append(key)
        return alias.cond

    # -- values taken apart through names ------------------------------------------------

    def _hold(self, name: str, calls: list[int]) -> None:
        """`name = value`, where the value may be these calls' (`excluded = settings.X`,
        `e = read() if c else []`): a binding that always runs in its scope replaces what
        the name held; one under a condition adds to it. A name this scope or one inside
        it took apart before (a loop's earlier pass; a function defined above) takes
        their values apart too."""
        scope = self.scopes[-1]
        holding = self._holding
        always = self._blocks == scope.depth
        module = scope is self.scopes[0]
        if module and always:
            holding.reset.add(name)
        scopes = holding.held.get(name)
        if not calls:  # (most bindings: a value no call made)
            if always and scopes:
                scopes.pop(scope.qualname, None)
            return
        if scopes is None:
            scopes = holding.held[name] = {}
        if always:
            scopes[scope.qualname] = list(calls)
        else:
            scopes.setdefault(scope.qualname, []).extend(calls)
        if module:
            holding.bound.setdefault(name, []).extend(calls)
        elif name in scope.shared:  # `global`/`nonlocal`: the name of the scopes around too
            for outer in self.scopes[:-1]:
                scopes.setdefault(outer.qualname, []).extend(calls)
            holding.bound.setdefault(name, []).extend(calls)
        where = holding.apart_in.get(name)
        if where:
            inside = f"{scope.qualname}."
            if any(taken == scope.qualname or taken.startswith(inside) for taken in where):
                self._taken_apart_calls(calls)

    def _held_by(self, name: str) -> list[int]:
        """The calls whose value the name may hold here: bound in this scope or one around
        it (a closure's, a module constant's)."""
        self._holding.asked.add(name)
        scopes = self._holding.held.get(name)
        if not scopes or any(name in hidden for hidden in self._hidden):
            return []
        return [index for scope in self.scopes for index in scopes.get(scope.qualname, ())]

    def _name_apart(self, name: str) -> None:
        """A name whose value is taken apart (`name in excluded`): so are the values of the
        reads it may hold, which no literal may replace (pretix's `excluded =
        settings.FEATURE_EXCLUDE` became `excluded = False`, then `name in False`)."""
        if self._hidden and any(name in hidden for hidden in self._hidden):
            return
        holding = self._holding
        where = holding.apart_in.get(name)
        if where is None:
            where = holding.apart_in[name] = set()
        where.add(self.scopes[-1].qualname)
        if name not in holding.reset:
            holding.early.add(name)
        if name in holding.held:
            self._taken_apart_calls(self._held_by(name))

    def _taken_apart_calls(self, calls: Iterable[int]) -> None:
        for index in calls:
            if not self.calls[index].operand:
                self.calls[index] = replace(self.calls[index], operand=True)

    def _count_return(self, node: int) -> None:
        self._returns.setdefault(self.scopes[-1].qualname, []).append(node in self._tails)

    def _return_name(self, name: str) -> None:
        """`return NAME`: when the name is bound once, to a flag read, the function answers
        what that read answers (`res = client.is_enabled(key); return res`)."""
        self._returned_names.append(f"{self.scopes[-1].qualname}:{name}")

    def _finish_aliases(self, scope: str) -> None:
        """An alias assigned again after a guard used it was not a constant after all; one
        bound once to a call and returned makes that call the function's answer."""
        prefix = f"{scope}:"
        sole = self._returns.pop(scope, []) == [True]
        for index in self._scope_returned.pop(scope, []) if not sole else ():
            self.calls[index] = replace(self.calls[index], returned=False,
                                        returned_negated=False)
        for key in [k for k in self._returned_names if k.startswith(prefix)]:
            alias = self._aliases.get(key)
            if sole and alias is not None and alias.bindings == 1 and \
                    alias.cond is not None and alias.cond.op is CondOp.CALL:
                self.calls[alias.cond.call] = replace(self.calls[alias.cond.call], returned=True)
        self._returned_names = [k for k in self._returned_names if not k.startswith(prefix)]
        starred = f"{prefix}{_STAR}" in self._aliases
        for key in [k for k in self._alias_guards if k.startswith(prefix)]:
            if self._aliases[key].bindings != 1 or starred:
                for index in self._alias_guards[key]:
                    guard = self.guards[index]
                    self.guards[index] = replace(guard, test=Cond(CondOp.OPAQUE,
                                                                  guard.test.span))
            del self._alias_guards[key]

    # -- a module walked in two parts at once ----------------------------------------------

    def tail(self, watch: Watch, bound: tuple[frozenset[str], list[str], dict[str, str]],
             exits: list[tuple[int, Span]], start: int, first: Span, last: Span) -> Tail:
        """What this walk of a module's later pieces made, for `join`."""
        return Tail(
            self.calls, self.guards, self.definitions, self.constants, self.strings,
            self.shapers, self.yields, self.names, self.not_values,
            {name: self.imports[name] for name in dict.fromkeys(self.import_log or ())},
            watch, bound, self.used, self._aliases, self._looked, self._alias_guards,
            self._holding, self._open_scopes(), exits, start, first, last)

    def _open_scopes(self) -> bool:
        """Is a scope's return or alias left open, or an alias used by no guard yet? (The
        returned calls of a function that returns once stay behind, under its name: no
        later scope of another name reads them.)"""
        return bool(self._returns or self._returned_names or self._using
                    or self.module in self._scope_returned)

    def join(self, tail: Tail, watch: Watch) -> bool:
        """Take in what a walk of the pieces after this walk's made, when walking them here
        would have made the same; else (False) change nothing. The two walks agree when
        the later one took the module's names and imports to be those this one bound
        (`watch`), and did not bind or define what this one imported in a function, used,
        bound or defined: else this walk goes on, piece by piece."""
        names, imports, targets = tail.bound
        if names != self.module_names or imports != [*watch.imports] or \
                targets != watch.targets:
            return False
        # a later binding took a value from a name this walk binds to calls (`y = EX`,
        # then `n in y`): only one walk knows what it holds (the review's 1.3 MB module)
        if any(self._holding.held.get(name) for name in tail.holding.asked):
            return False
        defined = {d.qualname for d in self.definitions}
        # A function's import binds the name for the module: a later walk that looks the
        # name up must have taken it to be bound so
        if tail.open_scopes or self._open_scopes() or \
                any(self.imports[name] != targets.get(name)
                    for name in self._walk_imported.intersection(tail.used)) or \
                not self._walk_imported.isdisjoint(tail.watch.imported) or \
                not self.used.isdisjoint(tail.watch.changed) or \
                any(d.qualname in defined for d in tail.definitions) or \
                not self.constants.keys().isdisjoint(tail.constants) or \
                not self._aliases.keys().isdisjoint(tail.aliases) or \
                not self._aliases.keys().isdisjoint(tail.looked):
            return False
        calls, guards = len(self.calls), len(self.guards)
        self.calls.extend(tail.calls)
        self._holding.joined(tail.holding, calls, self.module, self._taken_apart_calls)
        self.guards.extend(_renumbered_guard(guard, calls) for guard in tail.guards)
        self.definitions.extend(tail.definitions)
        self.constants.update((name, _renumbered_constant(constant, calls))
                              for name, constant in tail.constants.items())
        self.strings |= tail.strings
        self.shapers.extend(tail.shapers)
        self.yields.extend(tail.yields)
        self.names.update(tail.names)
        self.not_values.update(tail.not_values)
        self.imports.update(tail.imports)
        self._aliases.update(tail.aliases)
        self._alias_guards.update((key, [index + guards for index in indices])
                                  for key, indices in tail.alias_guards.items())
        return True

    def _guard(self, guard: Guard) -> int:
        for key in self._using:
            self._alias_guards.setdefault(key, []).append(len(self.guards))
        self._using.clear()
        self.guards.append(guard)
        return len(self.guards) - 1

    def _rest_after(self, index: int, rest: Span) -> None:
        """The if guard `index` has a body that always exits: `rest` runs only when not."""
        guard = self.guards[index]
        # Made as `replace` would, a third of its time: a large module has one a function
        self.guards[index] = Guard(guard.kind, guard.test, guard.scope, guard.span, guard.body,
                                   orelse=guard.orelse, rest=rest,
                                   orelse_is_elif=guard.orelse_is_elif, is_elif=guard.is_elif)


def _renumbered(cond: Cond, by: int) -> Cond:
    """The condition with the calls it names numbered `by` on."""
    if cond.call < 0 and not cond.operands:
        return cond
    return Cond(cond.op, cond.span, cond.call + by if cond.call >= 0 else -1, cond.compare,
                cond.values, tuple(_renumbered(operand, by) for operand in cond.operands))


def _renumbered_guard(guard: Guard, by: int) -> Guard:
    return Guard(guard.kind, _renumbered(guard.test, by), guard.scope, guard.span, guard.body,
                 orelse=guard.orelse, rest=guard.rest, orelse_is_elif=guard.orelse_is_elif,
                 is_elif=guard.is_elif)


def _renumbered_constant(constant: Constant | None, by: int) -> Constant | None:
    if constant is None or constant.value.kind is not ValueKind.CALL:
        return constant
    value = constant.value
    return Constant(constant.qualname, Value(ValueKind.CALL, value.text, value.index + by),
                    constant.span)


def parameter_positions(positional: list[str], keyword_only: list[str], stars: list[str], *,
                        method: bool) -> tuple[list[str], dict[str, int]]:
    """A signature's positional parameters without self/cls, and each parameter's position
    in a call (-1: self/cls, keyword-only, or `*args`/`**kwargs`)."""
    positions: dict[str, int] = {}
    if method and positional:
        positions[positional[0]] = -1
        positional = positional[1:]
    for index, name in enumerate(positional):
        positions[name] = index
    for name in (*keyword_only, *stars):
        positions[name] = -1
    return positional, positions


class Template:
    """`f"{NS}.new_ui"` or `NS + ".new_ui"` as it is put together: literal text, and names
    (qualified by `name_ref`) that the linker resolves later."""

    def __init__(self, name_ref: Callable[[list[str]], str | None]) -> None:
        self.name_ref = name_ref
        self.pieces: list[str] = []
        self.names: list[str] = []

    def text(self, text: str) -> None:
        self.pieces.append(text)

    def part(self, value: Value | None, dotted: list[str] | None) -> bool:
        """A literal string (`value`) or a dotted name; False for anything else."""
        if value is not None and value.kind is ValueKind.STR:
            self.pieces.append(value.text)
            return True
        name = self.name_ref(dotted) if dotted else None
        if name is None:
            return False
        self.pieces.append("\0")
        self.names.append(name)
        return True

    def value(self, source: str) -> Value | None:
        if not self.names:
            return None
        return Value(ValueKind.TEMPLATE, "".join(self.pieces), source=shorten(source),
                     names=tuple(self.names))


_CONSTANT_KINDS = frozenset({ValueKind.STR, ValueKind.NAME, ValueKind.TEMPLATE})


def kept_constant(value: Value | None, call: int | None) -> bool:
    """Does `_constant` keep where `name = value` is (bound to a call, or to a value a key
    may be made of)?"""
    return call is not None or (value is not None and value.kind in _CONSTANT_KINDS)


def kept_string(value: object) -> bool:
    """Is this a string a file's facts keep (one that may be a key or a dotted path)?"""
    return isinstance(value, str) and 0 < len(value) <= 200 and \
        _IDENTIFIER_LIKE.match(value) is not None


def has_call(cond: Cond) -> bool:
    if cond.op in (CondOp.CALL, CondOp.COMPARE):
        return True
    return any(has_call(operand) for operand in cond.operands)


def shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


def _by_place(string: tuple[str, Span]) -> tuple[int, int, int, int, str]:
    """A string's order: where it is, then its text (as a tuple of plain values: a Span's
    own comparison is a Python call, and a large module has tens of thousands)."""
    text, span = string
    return span.line, span.column, span.end_line, span.end_column, text
