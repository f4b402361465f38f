"""Functions and classes that only dead code calls: the second half of dead code, found once
the dead regions are known (vulture's way: every use collected, then the dead ones
subtracted); and what dead code calls, for the driver to read the files that name it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Set
from dataclasses import dataclass

from flaglint.facts import Definition, FileFacts
from flaglint.findings import made_in_bulk
from flaglint.links.model import ResolvedCall
from flaglint.model.dead import Cover, DeadCode, DeadRegion, DeadSymbol, ReadId, Settled
from flaglint.model.files import ProjectFiles, names_in_use
from flaglint.model.graph import FlagGraph

_NOWHERE = Cover(())  # the dead regions of a file without any

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
                    safe=all(w.safe for w in whys), removable=all(w.removable for w in whys),
                    needs=frozenset().union(*(w.needs for w in whys)))


@made_in_bulk
@dataclass(frozen=True, slots=True)
class _Defined:
    definition: Definition
    path: str


def dead_symbols(files: ProjectFiles, graph: FlagGraph,
                 regions: list[DeadRegion], gates: Set[tuple[str, str]] = frozenset(),
                 alive_names: Set[str] | None = None) -> list[DeadSymbol]:
    """Functions and classes whose every use is a call from dead code, transitively.

    Any other use keeps a symbol alive: a reference that is not a call, a decorator that may
    register it, a string naming it (`__all__`, URL confs, getattr), or a call flaglint
    cannot resolve that has the same name. `gates` are the (path, callee) of decorators
    that read a flag: they gate the function, they do not register it. `alive_names`: the
    files' `names_alive`, when made already."""
    if not regions:  # a symbol is dead only through a dead region: none, nothing to ask
        return []
    by_path = regions_by_path(regions)
    uses = graph.calls_to()
    if alive_names is None:
        alive_names = names_alive(files, by_path, graph=graph)
    # Only a called symbol whose name no live code uses may be called only from dead code:
    # only the files whose module its name goes through may define one (a 4 MB module
    # defines 28,000 functions; Sentry's 3,000 files' symbols are decoded from the cache)
    called = _may_die({q for q in uses if q.rsplit(".", 1)[-1] not in alive_names}, uses,
                      by_path)
    owners = {".".join(parts[:end]) for parts in (q.split(".") for q in called)
              for end in range(1, len(parts))}
    owned = files.symbols_of_many(path for path in files.paths
                                  if files.briefs[path].module in owners)
    definitions = {definition.qualname: _Defined(definition, path)
                   for path, symbols in owned.items() for definition in symbols.definitions
                   if definition.qualname in called}
    candidates = {q for q in called if q in definitions
                  and not _registered(definitions[q], gates)}
    dead = _dead_callees(candidates, uses, by_path)
    symbols = []
    for qualname, why in sorted(dead.items()):
        if any(qualname.startswith(other + ".") for other in dead):
            continue  # inside a dead class or function: deleted with it
        defined = definitions[qualname]
        needs = frozenset(_outermost_dead(n, dead) for n in why.needs) - {qualname}
        symbols.append(DeadSymbol(qualname, defined.definition.kind, defined.path,
                                  defined.definition.span, why.settled, why.reads,
                                  safe=why.safe, removable=why.removable, needs=needs,
                                  callers=tuple(sorted((call.path, call.span)
                                                       for call in uses[qualname]))))
    return symbols


def _may_die(called: set[str], uses: Mapping[str, list[ResolvedCall]],
             by_path: Mapping[str, Cover]) -> set[str]:
    """The called symbols a dead region calls, and, transitively, those called from inside
    one of them: only they may be called from dead code alone (a dead symbol's every call
    is in a dead region or in a dead symbol). The others' definitions are never looked up
    (Sentry with 68 flags settled: 341 files' symbols decoded each round, for ~30)."""
    found: set[str] = set()
    by_caller: dict[str, list[str]] = {}  # a calling scope -> the symbols it calls
    for qualname in called:
        for call in uses[qualname]:
            cover = by_path.get(call.path)
            if cover is not None and cover.region_of(call.span) is not None:
                found.add(qualname)
                break
            by_caller.setdefault(call.caller, []).append(qualname)
    callers: dict[str, list[str]] = {}  # a caller, or a symbol it is defined in -> callees
    for caller, callees in by_caller.items():  # each scope's prefixes once, not each call's
        parts = caller.split(".")
        for end in range(1, len(parts) + 1):
            callers.setdefault(".".join(parts[:end]), []).extend(callees)
    pending = list(found)
    while pending:
        for callee in callers.get(pending.pop(), ()):
            if callee not in found:
                found.add(callee)
                pending.append(callee)
    return found


def called_from_dead_code(files: ProjectFiles, dead: DeadCode, packages: Set[str]
                          ) -> set[str]:
    """The names of the project's functions and classes a dead region or a dead symbol
    calls (calls resolved into one of the project's top-level `packages`) that no live code
    of these files names. Only they can become dead symbols: a call flaglint cannot
    resolve, or into another distribution, never makes one, and a name live code uses stays
    alive whatever other files say. So only files that name them are worth reading."""
    regions = regions_by_path(dead.regions)
    symbols = {s.qualname for s in dead.symbols}
    # The modules a dead symbol may be defined in: only their calls can be inside one
    owners = {".".join(parts[:end]) for parts in (q.split(".") for q in symbols)
              for end in range(1, len(parts))}
    alive = dead.alive if dead.alive is not None else names_alive(files, regions)
    names: set[str] = set()
    for path in files.paths:
        here = regions.get(path)
        if here is None and files.briefs[path].module not in owners:
            continue
        view = dead.files.get(path)
        if here is not None and view is not None and view.calls is not None:
            calls: Iterable[ProjectCall] = view.calls  # as its part of dead code keeps them
        else:
            file_facts = files.facts_of(path)
            calls = project_calls(file_facts, here, lambda name, top: name not in alive
                                  and top in packages) if file_facts is not None else ()
        names.update(name for name, top, scope, held in calls
                     if name not in alive and top in packages
                     and (held or (symbols and _within(scope, symbols))))
    return names


ProjectCall = tuple[str, str, str, bool]  # name, top-level package of the callee, scope, dead


def project_calls(facts: FileFacts, cover: Cover | None,
                  wanted: Callable[[str, str], bool] = lambda name, top: True
                  ) -> Iterator[ProjectCall]:
    """The file's resolved calls `wanted` takes (by name and the callee's top-level
    package), each with whether a dead region of `cover` holds it (its live test too)."""
    for call in facts.calls:
        if call.resolved:
            top = call.callee.split(".", 1)[0]
            if wanted(call.name, top):
                yield call.name, top, call.scope, cover is not None and cover.holds(call.span)


def _within(scope: str, symbols: Set[str]) -> bool:
    """Is `scope` one of these symbols, or defined inside one?"""
    parts = scope.split(".")
    return any(".".join(parts[:end]) in symbols for end in range(1, len(parts) + 1))


def regions_by_path(regions: Iterable[DeadRegion]) -> dict[str, Cover]:
    """Each file's dead regions, indexed for the question "is this span dead?"."""
    found: dict[str, list[DeadRegion]] = defaultdict(list)
    for region in regions:
        found[region.path].append(region)
    return {path: Cover(here) for path, here in found.items()}


def names_alive(files: ProjectFiles, by_path: Mapping[str, Cover],
                known: Mapping[str, Set[str]] | None = None,
                graph: FlagGraph | None = None) -> set[str]:
    """The names some live code may use without a call flaglint resolves: values, strings
    outside dead code, and the names of unresolved calls outside dead code (with `graph`,
    also of calls into the project that no definition answers: a method called through an
    object a module holds). A file with no dead region answers from its symbols, one with a
    region from `known` (its `FileDead`), else from its facts."""
    alive_names = set(files.alive_outside(by_path))  # a light file uses no name
    for path, dead_here in by_path.items():
        if known is not None and path in known:
            alive_names |= known[path]
            continue
        file_facts = files.facts_of(path)
        if file_facts is not None:
            alive_names |= names_in_use(file_facts, dead_here.covers)
    for path, name, span in graph.call_graph().unbound if graph is not None else ():
        if name not in alive_names and not by_path.get(path, _NOWHERE).covers(span):
            alive_names.add(name)
    return alive_names


def _registered(defined: _Defined, gates: Set[tuple[str, str]]) -> bool:
    """Has the symbol a decorator that may register it somewhere (a flag's gate does not)?"""
    return any(d.rsplit(".", 1)[-1] not in PLAIN_DECORATORS and (defined.path, d) not in gates
               for d in defined.definition.decorators)


def _dead_callees(candidates: set[str], uses: Mapping[str, list[ResolvedCall]],
                  by_path: Mapping[str, Cover]) -> dict[str, _Why]:
    """The candidates called only from dead regions or from other dead symbols: repeated
    until no more symbol dies."""
    dead: dict[str, _Why] = {}
    changed = True
    while changed:
        changed = False
        for qualname in sorted(candidates - set(dead)):
            whys = []
            for call in uses[qualname]:
                why = _dead_use(call, dead, by_path)
                if why is None:
                    break  # a call that may run: alive, whatever its other calls are
                whys.append(why)
            else:
                if whys:
                    dead[qualname] = _Why.of_all(whys)
                    changed = True
    return dead


def _dead_use(call: ResolvedCall, dead: Mapping[str, _Why],
              by_path: Mapping[str, Cover]) -> _Why | None:
    """Why this call never runs, if it does not: it stands in a dead region, or in a
    symbol found dead."""
    region = by_path.get(call.path, _NOWHERE).region_of(call.span)
    if region is not None:
        return _Why(region.settled, frozenset(region.reads), safe=region.safe,
                    removable=region.removable)
    parts = call.caller.split(".")
    for end in range(1, len(parts) + 1):  # the caller, or a symbol it is defined in
        qualname = ".".join(parts[:end])
        why = dead.get(qualname)
        if why is not None:
            return _Why(why.settled, why.reads, safe=why.safe, removable=why.removable,
                        needs=why.needs | {qualname})
    return None


def _outermost_dead(qualname: str, dead: Mapping[str, object]) -> str:
    parts = qualname.split(".")
    for i in range(1, len(parts)):
        if ".".join(parts[:i]) in dead:
            return ".".join(parts[:i])
    return qualname
