"""Dead code behind settled flags: branches that can never run, and the symbols only they call
(found by dead_symbols.py).

A read is *settled* when its flag is rolled out (it yields the registry's `value`; the fix is
safe), retired (it yields the read's own default, else off; the fix is unsafe, since a config
can still serve the key), or pinned by `flaglint clean KEY --value V`. Guards recorded in the
facts are evaluated three-valued (true, false, unknown) with Python's short-circuit rules.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, replace
from typing import Protocol

from flaglint.analysis.dead_symbols import (
    dead_symbols,
    names_alive,
    project_calls,
    regions_by_path,
)
from flaglint.facts import (
    Call,
    Cond,
    CondOp,
    FileFacts,
    Guard,
    GuardKind,
    Value,
    ValueKind,
)
from flaglint.findings import Edit, EditKind, Span
from flaglint.links.model import FlagRead, FlagWrite, Linked
from flaglint.model.dead import (
    Cover,
    DeadCode,
    DeadKind,
    DeadRegion,
    DeadSymbol,
    FileDead,
    ReadId,
    Settled,
    contains,
)
from flaglint.model.files import ProjectFiles, names_in_use
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
        try:  # `5`, `0.5`, `1_000`, `0x10` (a review's: `float("0x10")` raised)
            number = ast.literal_eval(value.text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return False, None
        if isinstance(number, (int, float)) and not isinstance(number, bool):
            return True, number
    return False, None


def number_default(read: FlagRead) -> int | float | None:
    """The number a read's default is, written as a literal (not a boolean)."""
    known, value = python_value(read.default) if read.default is not None else (False, None)
    return value if known and isinstance(value, (int, float)) and \
        not isinstance(value, bool) else None


def format_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return "none" if value is None else str(value)


def set_as_run(linked: Linked) -> dict[str, FlagWrite]:
    """The flags the program sets as it runs (`MLFLOW_X.set(True)` outside tests), each
    with the first place: their reads yield what was set, not what the registry says."""
    found: dict[str, FlagWrite] = {}
    for write in linked.writes:
        if not write.in_test:
            found.setdefault(write.key, write)
    return found


def settle(reads: Iterable[FlagRead], statuses: Mapping[str, tuple[Status, FlagValue | None]],
           pinned: Mapping[str, FlagValue], removed: Set[str],
           live: Set[ReadId] = frozenset(), moving: Set[str] = frozenset()
           ) -> dict[tuple[str, int], Settled]:
    """What each settled read yields, by (path, call index). `live` reads are never settled
    (the reads of a reused key's new life), nor the reads of `moving` keys (flags the
    program sets as it runs), nor a Django setting's read without a default (or a
    namespace's attribute) when its flag is retired or removed: a setting no settings
    module sets any more raises at `settings.X`, and one an app gives a default
    (django-appconf's `AppConf` class attributes, Weblate's `ENABLE_AVATARS = True`,
    django-helpdesk's settings module's `X = getattr(settings, "X", True)`) yields that,
    which flaglint does not evaluate; `getattr(settings, "X", False)` yields its default."""
    result = {}
    # What a read yields depends on its key, default and negation only: made once for each
    made: dict[tuple[str, Value | None, bool], Settled | None] = {}
    for read in reads:
        if read.key is None or read.call < 0 or read.overridden or \
                (read.path, read.call) in live or read.key in moving:
            continue
        if read.unset_setting and read.default is None and read.key not in pinned and (
                read.key in removed or statuses.get(read.key, (None,))[0] is Status.RETIRED):
            continue  # what a setting no longer set yields is no "off" (see above)
        slot = (read.key, read.default, read.negated)
        if slot in made:
            settled = made[slot]
        else:
            settled = made[slot] = _settled(read.key, read.default, statuses, pinned, removed,
                                            negated=read.negated)
        if settled is not None:
            result[(read.path, read.call)] = settled
    return result


def _settled(key: str, default: Value | None,
             statuses: Mapping[str, tuple[Status, FlagValue | None]],
             pinned: Mapping[str, FlagValue], removed: Set[str], *,
             negated: bool) -> Settled | None:
    if key in removed:
        known, value = python_value(default)
        if not known:
            return None
        settled = Settled(key, value, safe=False,
                          why=f"was removed from the registry, so reading it yields "
                              f"`{format_value(value)}`")
    elif key in pinned:
        value = pinned[key]
        settled = Settled(key, value, safe=True,
                          why=f"is being cleaned with value `{format_value(value)}`")
    elif key in statuses:
        status, registry_value = statuses[key]
        if status is Status.ROLLED_OUT:
            if looks_boolean(registry_value) and (default is None or
                                                 default.kind is not ValueKind.STR):
                return None  # "false" as text is true in a test: only a text read settles
            settled = Settled(key, registry_value, safe=True,
                              why=f"is rolled out with value `{format_value(registry_value)}`")
        elif status is Status.RETIRED:
            known, value = python_value(default)
            if not known:
                return None
            settled = Settled(key, value, safe=False,
                              why=f"is retired, so reading it yields `{format_value(value)}`")
        else:
            return None
    else:
        return None
    if negated and isinstance(settled.value, bool):
        settled = Settled(settled.key, not settled.value, settled.safe, settled.why)
    return settled


def looks_boolean(value: object) -> bool:
    """A registry value written as the text of a boolean (`value = "false"`, "off", "no",
    "0"): a test of a read takes any of them for true. Airflow's `conf.getboolean(…)`
    rolled out with "false" had its `if not …` bodies deleted as never running; a helper
    that parses the environment's "off" as false had its `if` body kept as always running
    (Label Studio's trial). An `os.getenv("X") == "true"` flag does serve that text."""
    return boolean_text(value) is not None


# The texts of booleans that readers of the environment and of config files parse
_BOOLEAN_TEXTS = {**dict.fromkeys(("true", "yes", "on", "1", "y", "enabled"), "true"),
                  **dict.fromkeys(("false", "no", "off", "0", "n", "disabled"), "false")}


def boolean_text(value: object) -> str | None:
    """The boolean a registry's text value spells (`"off"`: `false`), as the registry
    writes it; None for any other value."""
    return _BOOLEAN_TEXTS.get(value.strip().lower()) if isinstance(value, str) else None


class _Evaluator:
    def __init__(self, path: str, settled: Mapping[tuple[str, int], Settled]) -> None:
        self.path = path
        self.settled = settled
        self.used: list[ReadId] = []  # the settled reads that decided something
        self.dead_operands: list[Span] = []

    def truth(self, cond: Cond) -> Truth:
        op = cond.op
        if op in _ONE_READ:
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
    function: no `global` or `nonlocal`, and a `yield` only where the function keeps one
    outside every dead region (it stays a generator)."""
    regions: list[DeadRegion] = []
    yielding: list[tuple[int, str]] = []  # regions holding a `yield`: (index, function)
    calls = {call for path, call in settled if path == facts.path}
    if not calls:
        return regions
    for guard in facts.guards:
        if guard.test.op in _ONE_READ and guard.test.call not in calls:
            continue  # the test of one read that nothing settles
        evaluator = _Evaluator(facts.path, settled)
        truth = evaluator.truth(guard.test)
        if not evaluator.used:
            continue
        reads = tuple(dict.fromkeys(evaluator.used))
        decided = settled[reads[0]]
        safe = all(settled[read].safe for read in reads)
        settles = all(fixable(read) for read in reads)
        parts = [_DeadPart(span, DeadKind.OPERAND) for span in evaluator.dead_operands]
        parts += _dead_parts(guard, truth)
        for part in parts:
            shaped = any(scope == guard.scope and contains(part.span, where)
                         for scope, where in facts.shapers)
            if any(scope == guard.scope and contains(part.span, where)
                   for scope, where in facts.yields):
                yielding.append((len(regions), guard.scope))
            removable = settles and not shaped and part.kind is not DeadKind.VIEW
            live = part.live
            skipped = tuple(span for span in evaluator.dead_operands
                            if live is not None and contains(live, span))
            regions.append(DeadRegion(facts.path, part.span, part.kind, decided, reads,
                                      safe=safe, removable=removable, live=live,
                                      shaped=shaped, skipped=skipped))
    return _outermost(_generators_kept(regions, yielding, facts.yields))


def _generators_kept(regions: list[DeadRegion], yielding: list[tuple[int, str]],
                     yields: Sequence[tuple[str, Span]]) -> list[DeadRegion]:
    """The regions, those holding a `yield` removable only where their function keeps one
    that no dead region holds (it stays a generator: label-studio's iterator kept `if
    False:` around its old loop, and flaglint then no longer saw it as dead)."""
    if not yielding:
        return regions
    scopes = {scope for _, scope in yielding}
    kept = {scope for scope, where in yields if scope in scopes
            and not any(contains(other.span, where) for other in regions)}
    for index, scope in yielding:
        if scope not in kept:
            regions[index] = replace(regions[index], removable=False, shaped=True)
    return regions


_ONE_READ = (CondOp.CALL, CondOp.COMPARE)


def _region_order(region: DeadRegion) -> tuple[object, ...]:
    span, live = region.span, region.live
    return (span.line, span.column, -span.end_line, -span.end_column, len(region.reads),
            region.reads, region.kind.value, region.settled.key, repr(region.settled.value),
            region.safe, region.removable,
            (live.line, live.column, live.end_line, live.end_column) if live else (),
            tuple((s.line, s.column, s.end_line, s.end_column) for s in region.skipped))


@dataclass(frozen=True, slots=True)
class _DeadPart:
    span: Span
    kind: DeadKind
    live: Span | None = None  # what of it still runs: the test of a dead `if` body


def _dead_parts(guard: Guard, truth: Truth) -> list[_DeadPart]:
    """The parts of a guarded statement or expression that its decided test never runs."""
    if truth is None:
        return []
    parts: list[_DeadPart] = []
    if guard.kind in (GuardKind.IF, GuardKind.IFEXP):
        if truth and guard.orelse is not None:
            kind = DeadKind.ELIF if guard.orelse_is_elif else DeadKind.ELSE
            parts.append(_DeadPart(guard.orelse, kind))
        if truth and guard.rest is not None:
            parts.append(_DeadPart(guard.rest, DeadKind.AFTER_EXIT))
        if not truth:
            kind = DeadKind.OPERAND if guard.kind is GuardKind.IFEXP else \
                DeadKind.ELIF if guard.is_elif else DeadKind.IF_BODY
            live = guard.test.span if guard.kind is GuardKind.IF else None
            parts.append(_DeadPart(guard.body, kind, live))
    elif guard.kind is GuardKind.DECORATOR and not truth:
        parts.append(_DeadPart(guard.body, DeadKind.VIEW))
    return parts


def _outermost(regions: list[DeadRegion]) -> list[DeadRegion]:
    """The regions no other contains, in order; of regions with one span, the one fewest
    reads decide. The order is total: a set's order is not the same from run to run (on
    Python 3.11, `hash(None)` is the address of `None`)."""
    regions = sorted(set(regions), key=_region_order)
    kept: list[DeadRegion] = []
    reach = (0, 0)  # the furthest end of the regions kept: they start in order
    for region in regions:
        if (region.span.end_line, region.span.end_column) > reach or \
                not any(contains(k.span, region.span) for k in reversed(kept)):
            kept.append(region)
            reach = max(reach, (region.span.end_line, region.span.end_column))
    return kept


class DeadFiles(Protocol):
    """Where earlier runs kept what each file holds (`FileDead`), by the file (its facts)
    and `ask`: what settles its reads, as text."""

    def known(self, asks: Mapping[str, str]) -> dict[str, FileDead]: ...

    def keep(self, path: str, ask: str, found: FileDead) -> None: ...


def analyze(files: ProjectFiles, linked: Linked, graph: FlagGraph,
            statuses: Mapping[str, tuple[Status, FlagValue | None]],
            pinned: Mapping[str, FlagValue], removed: Set[str] = frozenset(),
            live: Set[ReadId] = frozenset(), kept: DeadFiles | None = None) -> DeadCode:
    """The dead code the settled reads make. Only the files with a settled read are read
    for dead branches (each file's part from `kept` when it was found before: none of its
    facts are decoded); every file only when there is a dead branch, for dead symbols."""
    settled = settle(linked.reads, statuses, pinned, removed, live, set_as_run(linked).keys())
    by_id = {(r.path, r.call): r for r in linked.reads}
    if not settled:
        return DeadCode({}, (), (), frozenset(), by_id)
    by_path: dict[str, dict[ReadId, Settled]] = {}  # only a settled read's test matters
    for read, found in settled.items():
        by_path.setdefault(read[0], {})[read] = found
    asks = {path: _ask(by_path[path], by_id) for path in files.paths if path in by_path}
    found_before = kept.known(asks) if kept is not None else {}
    views: dict[str, FileDead] = {}
    for path, ask in asks.items():
        view = found_before.get(path)
        if view is None:
            file_facts = files.facts_of(path)
            if file_facts is None:
                continue
            view = file_dead(file_facts, by_path[path], by_id,
                             calls=len(file_facts.calls) <= _KEPT_CALLS)
            if kept is not None and view.calls is not None:
                kept.keep(path, ask, view)
        views[path] = view
    tested = frozenset((path, index) for path, view in views.items() for index in view.tested)
    regions = [region for view in views.values() for region in view.regions]
    if not regions:
        return DeadCode(settled, (), (), tested, by_id, files=views)
    gates = {(read.path, read.decorator) for read in linked.reads if read.decorator}
    alive = names_alive(files, regions_by_path(regions),
                        {path: view.alive for path, view in views.items() if view.regions},
                        graph)
    symbols = dead_symbols(files, graph, regions, gates, alive)
    return DeadCode(settled, tuple(regions), tuple(symbols), tested, by_id, alive, views)


# Calls of a file with dead code above which its part holds none, and is not kept: a module
# as large as the 4.4 MB one is a round of its own, which the cache keeps whole (its calls
# would be 3 MB of JSON more to encode on every cold run, and 0.1 s to place in its regions).
_KEPT_CALLS = 10_000


def _ask(settled: Mapping[ReadId, Settled], by_id: Mapping[ReadId, FlagRead]) -> str:
    """What a file's part depends on beyond its facts: what each of its settled reads
    yields, and whether its arguments are pure (`fixable`)."""
    return repr(sorted((call, found.key, type(found.value).__name__, repr(found.value),
                        found.safe, found.why, by_id[(path, call)].pure_args)
                       for (path, call), found in settled.items()))


def file_dead(facts: FileFacts, settled: Mapping[ReadId, Settled],
              by_id: Mapping[ReadId, FlagRead], *, calls: bool = True) -> FileDead:
    """What one file holds, given its settled reads (`settled`: this file's); its calls
    only with `calls`."""
    tested_here = tuple(_tested(facts.guards, facts.calls))
    tested = frozenset((facts.path, index) for index in tested_here)

    def fixable(read: ReadId) -> bool:
        return read in by_id and _replaceable(by_id[read], settled[read], tested)

    regions = dead_regions(facts, settled, fixable)
    if not regions:
        return FileDead((), tested_here)
    cover = Cover(regions)
    made = tuple(project_calls(facts, cover)) if calls else None
    return FileDead(tuple(regions), tested_here, frozenset(names_in_use(facts, cover.covers)),
                    made)


def atoms(cond: Cond) -> Iterable[Cond]:
    """The reads a test is made of (each a condition of one read)."""
    if cond.op in _ONE_READ:
        yield cond
    for operand in cond.operands:
        yield from atoms(operand)


def _tested(guards: Iterable[Guard], calls: Sequence[Call]) -> list[int]:
    """The calls the guards' tests read where the test holds the read itself (`atoms` of
    each), without a generator per test: most tests are one call (a 4 MB module's 28,000
    guards). A read bound to a name that a test then reads (`mode = os.getenv("X", "off")`,
    `if mode:`) is no test's: a fix can replace it only by a boolean, which the name may
    stand for anywhere (its value's type is only known to be the registry's for a test)."""
    found = []
    for guard in guards:
        test = guard.test
        if not test.operands:
            if test.op in _ONE_READ and contains(test.span, calls[test.call].span):
                found.append(test.call)
        else:
            found.extend(atom.call for atom in atoms(test)
                         if contains(atom.span, calls[atom.call].span))
    return found


def replaceable(read: FlagRead, settled: Settled, dead: DeadCode) -> bool:
    """Can the fix turn this read into a literal? (the transformer decides the same way)"""
    return _replaceable(read, settled, dead.tested, dead.shaping)


def _replaceable(read: FlagRead, settled: Settled, tested: frozenset[ReadId],
                 shaped: frozenset[ReadId] = frozenset()) -> bool:
    if not read.pure_args or (read.path, read.call) in shaped:
        return False
    if (read.path, read.call) in tested:
        return True
    # A boolean stands for the read anywhere, unless it yields numbers other than 0 and 1
    # (Wagtail's `edit_count = getattr(settings, "…_LIMIT", 5)`, rolled out `true`: `True`
    # written in) or text that is no boolean's (`n = getattr(settings, "X", "abc")`, then
    # `n.upper()`)
    default = number_default(read)
    return isinstance(settled.value, bool) and (default is None or default in (0, 1)) and \
        not yields_text(read) and not collection_default(read)


def collection_default(read: FlagRead) -> bool:
    """Is the read's default a list, tuple, dict or set written out (`()`, `[]`, `{}`:
    django-helpdesk's `getattr(settings, "HELPDESK_X_EXCLUDE", ())`)?"""
    if read.default is None or read.default.kind is not ValueKind.OTHER:
        return False
    text = read.default.text
    if text[:1] in ("[", "{"):  # (a comprehension's too)
        return True
    try:  # a tuple's text may be without its parentheses (`"x",`)
        return isinstance(ast.literal_eval(text), (tuple, list, dict, set))
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False


def yields_text(read: FlagRead) -> bool:
    """Is the read's default text that spells no boolean?"""
    return read.default is not None and read.default.kind is ValueKind.STR and \
        not looks_boolean(read.default.text)


def unreplaceable(read: FlagRead) -> str | None:
    """Why no literal may stand for this read wherever it is, whatever it settles to; None
    where one may. FL202 and `clean` say it (Label Studio's `flag_set("x",
    user=AnonymousUser())` was given no reason)."""
    if read.operand:
        return "its value is used for more than its truth here or through a name bound to " \
               "it (an attribute, item or call of it, `in`, iterated, entered by `with`, or " \
               "arithmetic), which a literal would not be"
    if not read.pure_args:
        return "a literal in its place would drop an argument that calls or computes " \
               "something (or the call does more than read)"
    return None


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
