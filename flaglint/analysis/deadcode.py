"""Dead code behind settled flags: branches that can never run, and the symbols only they call.

A read is *settled* when its flag is rolled out (it yields the registry's `value`; the fix is
safe), retired (it yields the read's own default, else off; the fix is unsafe, since a config
can still serve the key), or pinned by `flaglint clean KEY --value V`. Guards recorded in the
facts are evaluated three-valued (true, false, unknown) with Python's short-circuit rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass

from flaglint.facts import (
    Cond,
    CondOp,
    Definition,
    FileFacts,
    Guard,
    GuardKind,
    Value,
    ValueKind,
)
from flaglint.findings import Edit, EditKind, Span
from flaglint.links.model import FlagRead, Linked, ResolvedCall
from flaglint.model.dead import (
    DeadCode,
    DeadKind,
    DeadRegion,
    DeadSymbol,
    ReadId,
    Settled,
    contains,
)
from flaglint.model.files import ProjectFiles
from flaglint.model.graph import FlagGraph
from flaglint.sources.registry import FlagValue, Status

Truth = bool | None  # None: unknown


def python_value(value: Value | None) -> tuple[bool, FlagValue | None]:
    """(known, value) of a literal default."""
    if value is None:
        return True, False  # no default: the read yields "off"
    if value.kind is ValueKind.STR:
        return True, value.text
    if value.kind is ValueKind.CONST:
        if value.text in ("True", "False", "None"):
            return True, {"True": True, "False": False, "None": None}[value.text]
        try:
            return True, int(value.text)
        except ValueError:
            return True, float(value.text)
    return False, None


def format_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return "none" if value is None else str(value)


def settle(reads: Iterable[FlagRead], statuses: Mapping[str, tuple[Status, FlagValue | None]],
           pinned: Mapping[str, FlagValue], removed: Set[str]) -> dict[tuple[str, int], Settled]:
    """What each settled read yields, by (path, call index)."""
    result = {}
    for read in reads:
        if read.key is None or read.call < 0 or read.overridden:
            continue
        if read.key in removed:
            known, value = python_value(read.default)
            if not known:
                continue
            settled = Settled(read.key, value, safe=False,
                              why=f"was removed from the registry, so reading it yields "
                                  f"`{format_value(value)}`")
        elif read.key in pinned:
            value = pinned[read.key]
            settled = Settled(read.key, value, safe=True,
                              why=f"is being cleaned with value `{format_value(value)}`")
        elif read.key in statuses:
            status, registry_value = statuses[read.key]
            if status is Status.ROLLED_OUT:
                settled = Settled(read.key, registry_value, safe=True,
                                  why=f"is rolled out with value `{format_value(registry_value)}`")
            elif status is Status.RETIRED:
                known, value = python_value(read.default)
                if not known:
                    continue
                settled = Settled(read.key, value, safe=False,
                                  why=f"is retired, so reading it yields `{format_value(value)}`")
            else:
                continue
        else:
            continue
        if read.negated and isinstance(settled.value, bool):
            settled = Settled(settled.key, not settled.value, settled.safe, settled.why)
        result[(read.path, read.call)] = settled
    return result


class _Evaluator:
    def __init__(self, path: str, settled: Mapping[tuple[str, int], Settled]) -> None:
        self.path = path
        self.settled = settled
        self.used: list[ReadId] = []  # the settled reads that decided something
        self.dead_operands: list[Span] = []

    def truth(self, cond: Cond) -> Truth:
        op = cond.op
        if op in (CondOp.CALL, CondOp.COMPARE):
            found = self.settled.get((self.path, cond.call))
            if found is None:
                return None
            self.used.append((self.path, cond.call))
            if op is CondOp.CALL:
                return bool(found.value)
            return _compare(found.value, cond.compare, cond.values)
        if op is CondOp.NOT:
            inner = self.truth(cond.operands[0])
            return None if inner is None else not inner
        if op is CondOp.CONST:
            return bool(python_value(cond.values[0])[1])
        if op in (CondOp.AND, CondOp.OR):
            return self._boolean(cond)
        return None

    def _boolean(self, cond: Cond) -> Truth:
        # `A and B`: B never runs when A is false; `A or B`: when A is true.
        stop = cond.op is not CondOp.AND
        left = self.truth(cond.operands[0])
        if left is stop:
            self.dead_operands.append(cond.operands[1].span)
            return left
        right = self.truth(cond.operands[1])
        if left is not None:
            return right
        if right is stop:  # `x() and <false>` is false, `x() or <true>` is true
            return right
        return None


def _compare(value: object, op: str, values: tuple[Value, ...]) -> Truth:
    literals = [python_value(v)[1] for v in values]
    if op == "==":
        return value == literals[0]
    if op == "!=":
        return value != literals[0]
    if op == "is":
        return value is literals[0] if literals[0] in (True, False, None) else None
    if op == "is not":
        return value is not literals[0] if literals[0] in (True, False, None) else None
    if op == "in":
        return value in literals
    if op == "not in":
        return value not in literals
    return None


def dead_regions(facts: FileFacts, settled: Mapping[ReadId, Settled],
                 fixable: Callable[[ReadId], bool] = lambda read: True) -> list[DeadRegion]:
    """The code of one file that settled reads make dead. A region is removable when the
    fix can settle every read that decides it and the region holds nothing that shapes its
    function (`yield`, `global`, `nonlocal`)."""
    regions: list[DeadRegion] = []
    if not any(path == facts.path for path, _ in settled):
        return regions
    for guard in facts.guards:
        evaluator = _Evaluator(facts.path, settled)
        truth = evaluator.truth(guard.test)
        if not evaluator.used:
            continue
        reads = tuple(dict.fromkeys(evaluator.used))
        decided = settled[reads[0]]
        safe = all(settled[read].safe for read in reads)
        settles = all(fixable(read) for read in reads)
        spans: list[tuple[Span, DeadKind, Span | None]] = [
            (span, DeadKind.OPERAND, None) for span in evaluator.dead_operands]
        spans += _dead_parts(guard, truth)
        for span, kind, live in spans:
            shaped = any(scope == guard.scope and contains(span, where)
                         for scope, where in facts.shapers)
            regions.append(DeadRegion(facts.path, span, kind, decided, reads, safe,
                                      settles and not shaped and kind is not DeadKind.VIEW,
                                      live))
    return _outermost(regions)


def _dead_parts(guard: Guard, truth: Truth) -> list[tuple[Span, DeadKind, Span | None]]:
    if truth is None:
        return []
    parts: list[tuple[Span, DeadKind, Span | None]] = []
    if guard.kind in (GuardKind.IF, GuardKind.IFEXP):
        if truth and guard.orelse is not None:
            kind = DeadKind.ELIF if guard.orelse_is_elif else DeadKind.ELSE
            parts.append((guard.orelse, kind, None))
        if truth and guard.rest is not None:
            parts.append((guard.rest, DeadKind.AFTER_EXIT, None))
        if not truth:
            kind = DeadKind.OPERAND if guard.kind is GuardKind.IFEXP else \
                DeadKind.ELIF if guard.is_elif else DeadKind.IF_BODY
            live = guard.test.span if guard.kind is GuardKind.IF else None
            parts.append((guard.body, kind, live))
    elif guard.kind is GuardKind.DECORATOR and not truth:
        parts.append((guard.body, DeadKind.VIEW, None))
    return parts


def _outermost(regions: list[DeadRegion]) -> list[DeadRegion]:
    regions = sorted(set(regions), key=lambda r: (r.span.line, r.span.column,
                                                   -r.span.end_line, -r.span.end_column))
    kept: list[DeadRegion] = []
    for region in regions:
        if not any(contains(k.span, region.span) for k in kept):
            kept.append(region)
    return kept


# Decorators that only wrap or describe a function; any other decorator may register it
# somewhere (a route, a task, a signal receiver, a CLI command, a fixture) and so keeps it
# reachable however few calls it has.
PLAIN_DECORATORS = frozenset({
    "staticmethod", "classmethod", "property", "setter", "getter", "deleter", "wraps",
    "lru_cache", "cache", "cached_property", "abstractmethod", "overload", "override", "final",
    "contextmanager", "asynccontextmanager", "dataclass", "total_ordering",
})


@dataclass(frozen=True, slots=True)
class _Why:
    """Why a call is dead: the reads whose settling removes it, and whether it is safe."""

    settled: Settled
    reads: frozenset[ReadId]
    safe: bool
    removable: bool
    needs: frozenset[str] = frozenset()

    @staticmethod
    def of_all(whys: list[_Why]) -> _Why:
        """Why a symbol every one of whose uses is dead for one of `whys` is dead."""
        return _Why(whys[0].settled, frozenset().union(*(w.reads for w in whys)),
                    all(w.safe for w in whys), all(w.removable for w in whys),
                    frozenset().union(*(w.needs for w in whys)))


@dataclass(frozen=True, slots=True)
class _Defined:
    definition: Definition
    path: str


def dead_symbols(facts: Sequence[FileFacts], graph: FlagGraph,
                 regions: list[DeadRegion], gates: Set[tuple[str, str]] = frozenset()
                 ) -> list[DeadSymbol]:
    """Functions and classes whose every use is a call from dead code, transitively.

    Any other use keeps a symbol alive: a reference that is not a call, a decorator that may
    register it, a string naming it (`__all__`, URL confs, getattr), or a call flaglint
    cannot resolve that has the same name. `gates` are the (path, callee) of decorators
    that read a flag: they gate the function, they do not register it."""
    if not regions:  # a symbol is dead only through a dead region: none, nothing to ask
        return []
    by_path = _by_path(regions)
    definitions = {definition.qualname: _Defined(definition, f.path)
                   for f in facts for definition in f.definitions}
    uses = graph.calls_to()
    alive_names = _names_alive(facts, by_path)
    candidates = {q for q in uses if q in definitions
                  and q.rsplit(".", 1)[-1] not in alive_names
                  and not _registered(definitions[q], gates)}
    dead = _dead_callees(candidates, uses, by_path)
    symbols = []
    for qualname, why in sorted(dead.items()):
        if any(qualname.startswith(other + ".") for other in dead):
            continue  # inside a dead class or function: deleted with it
        defined = definitions[qualname]
        needs = frozenset(_outermost_dead(n, dead) for n in why.needs) - {qualname}
        symbols.append(DeadSymbol(qualname, defined.definition.kind, defined.path,
                                  defined.definition.span, why.settled, why.reads, why.safe,
                                  why.removable, needs))
    return symbols


def _by_path(regions: Iterable[DeadRegion]) -> dict[str, list[DeadRegion]]:
    by_path: dict[str, list[DeadRegion]] = defaultdict(list)
    for region in regions:
        by_path[region.path].append(region)
    return by_path


def _names_alive(facts: Sequence[FileFacts], by_path: Mapping[str, list[DeadRegion]]
                 ) -> set[str]:
    """The names some live code may use without a call flaglint resolves: values, strings
    outside dead code, and the names of unresolved calls outside dead code."""
    alive_names: set[str] = set()
    for f in facts:
        alive_names |= f.value_names
        dead_here = by_path.get(f.path, [])
        # A string in code that never runs names nothing (`op="reports.old_summaries"`
        # beside the dead call of `old_summaries`).
        alive_names |= {s.rsplit(".", 1)[-1] for s, span in f.strings
                        if not any(r.covers(span) for r in dead_here)}
        for raw in f.calls:
            if not raw.resolved and not any(r.covers(raw.span) for r in dead_here):
                alive_names.add(raw.name)
    return alive_names


def _registered(defined: _Defined, gates: Set[tuple[str, str]]) -> bool:
    """Has the symbol a decorator that may register it somewhere (a flag's gate does not)?"""
    return any(d.rsplit(".", 1)[-1] not in PLAIN_DECORATORS and (defined.path, d) not in gates
               for d in defined.definition.decorators)


def _dead_callees(candidates: set[str], uses: Mapping[str, list[ResolvedCall]],
                  by_path: Mapping[str, list[DeadRegion]]) -> dict[str, _Why]:
    """The candidates called only from dead regions or from other dead symbols: repeated
    until no more symbol dies."""
    dead: dict[str, _Why] = {}
    changed = True
    while changed:
        changed = False
        for qualname in sorted(candidates - set(dead)):
            whys = [_dead_use(call, dead, by_path) for call in uses[qualname]]
            if not whys or any(w is None for w in whys):
                continue
            dead[qualname] = _Why.of_all([w for w in whys if w is not None])
            changed = True
    return dead


def _dead_use(call: ResolvedCall, dead: Mapping[str, _Why],
              by_path: Mapping[str, list[DeadRegion]]) -> _Why | None:
    """Why this call never runs, if it does not: it stands in a dead region, or in a
    symbol found dead."""
    for region in by_path.get(call.path, ()):
        if region.covers(call.span):
            return _Why(region.settled, frozenset(region.reads), region.safe, region.removable)
    for qualname, why in dead.items():
        if call.caller == qualname or call.caller.startswith(qualname + "."):
            return _Why(why.settled, why.reads, why.safe, why.removable, why.needs | {qualname})
    return None


def _outermost_dead(qualname: str, dead: Mapping[str, object]) -> str:
    parts = qualname.split(".")
    for i in range(1, len(parts)):
        if ".".join(parts[:i]) in dead:
            return ".".join(parts[:i])
    return qualname


def called_from_dead_code(facts: Sequence[FileFacts], dead: DeadCode) -> set[str]:
    """The names of everything a dead region or a dead symbol calls."""
    regions = _by_path(dead.regions)
    symbols = [s.qualname for s in dead.symbols]
    names = set()
    for f in facts:
        here = regions.get(f.path, [])
        for call in f.calls:
            if any(contains(r.span, call.span) for r in here) or any(
                    call.scope == q or call.scope.startswith(q + ".") for q in symbols):
                names.add(call.name)
    return names


def analyze(files: ProjectFiles, linked: Linked, graph: FlagGraph,
            statuses: Mapping[str, tuple[Status, FlagValue | None]],
            pinned: Mapping[str, FlagValue], removed: Set[str] = frozenset()) -> DeadCode:
    """The dead code the settled reads make. Only the files with a settled read are read
    for dead branches; every file only when there is a dead branch, for dead symbols."""
    settled = settle(linked.reads, statuses, pinned, removed)
    by_id = {(r.path, r.call): r for r in linked.reads}
    if not settled:
        return DeadCode({}, (), (), frozenset(), by_id)
    settled_in = {path for path, _ in settled}  # only a settled read's test matters
    touched = {path: files.facts_of(path) for path in files.paths if path in settled_in}
    tested = frozenset((path, index) for path, f in touched.items() if f is not None
                       for g in f.guards for index in atoms(g.test))

    def fixable(read: ReadId) -> bool:
        return read in by_id and _replaceable(by_id[read], settled[read], tested)

    regions: list[DeadRegion] = []
    for f in touched.values():
        if f is not None:
            regions.extend(dead_regions(f, settled, fixable))
    if not regions:
        return DeadCode(settled, (), (), tested, by_id)
    gates = set()
    for read in linked.reads:
        f = files.facts_of(read.path) if read.call >= 0 else None
        if f is not None and f.calls[read.call].decorator:
            gates.add((read.path, f.calls[read.call].callee))
    symbols = dead_symbols(files, graph, regions, gates)
    return DeadCode(settled, tuple(regions), tuple(symbols), tested, by_id)


def atoms(cond: Cond) -> Iterable[int]:
    if cond.op in (CondOp.CALL, CondOp.COMPARE):
        yield cond.call
    for operand in cond.operands:
        yield from atoms(operand)


def replaceable(read: FlagRead, settled: Settled, dead: DeadCode) -> bool:
    """Can the fix turn this read into a literal? (the transformer decides the same way)"""
    return _replaceable(read, settled, dead.tested)


def _replaceable(read: FlagRead, settled: Settled, tested: frozenset[ReadId]) -> bool:
    if not read.pure_args:
        return False
    return isinstance(settled.value, bool) or (read.path, read.call) in tested


def read_edits(dead: DeadCode, reads: Iterable[ReadId]) -> tuple[Edit, ...]:
    """The edits that replace these reads by the values they settle to."""
    edits = []
    for read_id in sorted(reads):
        read = dead.reads[read_id]
        edits.append(Edit(EditKind.SETTLE_READ, read.path, read.span.line, read.span.column,
                          dead.settled[read_id].value))
    return tuple(edits)


def symbol_edits(dead: DeadCode, symbol: DeadSymbol) -> tuple[Edit, ...]:
    """Delete the symbol, the dead symbols whose calls of it go with it, and settle the
    reads that make its other callers dead."""
    by_name = {s.qualname: s for s in dead.symbols}
    deleted = [symbol, *(by_name[n] for n in sorted(symbol.needs) if n in by_name)]
    return (*read_edits(dead, symbol.reads),
            *(Edit(EditKind.DELETE_SYMBOL, s.path, s.span.line, s.span.column)
              for s in deleted))
