"""`flaglint clean KEY --value V`: settle a flag everywhere and remove what that leaves dead.

The steps, each analysing the project again with the files changed so far held in memory:
1. settle the flag's reads, delete the dead branches and helpers, and the wrappers nothing
   calls any more (rounds until nothing is left);
2. once no read is left: the lines that set it in tests, its definitions in code, the
   parameters every call now passes the same boolean (settled) or that nothing reads any
   more (dropped), the SDK clients nothing uses;
3. in tests: the wrappers only tests still use, and the patches of what went;
4. its registry entry (or a tombstone) and its deployment config lines.
Nothing is written until every step is done, and nothing with `--dry-run`.
"""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flaglint import store as cache
from flaglint.analysis.deadcode import boolean_text, looks_boolean, set_as_run, unreplaceable
from flaglint.analysis.deployed import Served, served
from flaglint.analysis.loose import loose_strings
from flaglint.analysis.references import Kind, definition_lines
from flaglint.config import Config
from flaglint.engine.analyze import Request, analyze
from flaglint.engine.fixmemo import StoredFixes
from flaglint.engine.inputs import Inputs, gather
from flaglint.findings import Fix
from flaglint.fixes.apply import FixScope, fixers, unified_diff, write_files
from flaglint.fixes.configs import ConfigCleanup, mentions, remove_settings, template_reads
from flaglint.fixes.definitions import (
    definition_fixes,
    read_fixes,
    setting_bindings_kept,
    test_settings_left,
    unused_clients,
    unused_wrappers,
)
from flaglint.fixes.key_uses import (
    ConstantUses,
    constant_uses,
    literal_settings_in_code,
    literal_settings_left,
    parsed_tests,
    settings_named_otherwise,
)
from flaglint.fixes.naming import light_files_naming, may_spell, named_in
from flaglint.fixes.parameters import (
    callers_read_light,
    constant_parameters,
    passed_around,
    unused_parameters,
)
from flaglint.fixes.registry_edit import remove_table, tombstone
from flaglint.fixes.report import Blocked, FixReport
from flaglint.fixes.rounds import apply_round
from flaglint.fixes.test_cleanup import (
    edit_test_patches,
    flag_settings,
    key_constants,
    prune_test_imports,
    read_mappings,
    record_changes,
    settings_naming_definitions,
    test_classes_left,
    test_only_wrappers,
    test_texts,
    tidy_tests,
)
from flaglint.fixes.value import CleanError, flag_value
from flaglint.links.model import FlagRead
from flaglint.model.project import Project
from flaglint.processes import Workers
from flaglint.rules import all_rules, select_rules
from flaglint.rules.outcome import run
from flaglint.sources.registry import FlagValue, Status

if TYPE_CHECKING:
    from flaglint.fixes.test_checks import ChangedTest

_MAX_ROUNDS = 6

__all__ = ["CleanError", "CleanReport", "clean_flag"]


@dataclass
class CleanReport:
    key: str
    value: FlagValue
    fixes: FixReport
    registry_path: str | None
    registry_before: str | None
    registry_after: str | None
    left: list[str]  # where reads of the key are left, anywhere in the project
    unreadable: list[str]  # files that do not parse: reads in them cannot be ruled out
    loose: list[str]  # the key as a string where a read flaglint cannot resolve may use it
    defined_in_code: list[str]
    configs: ConfigCleanup = field(default_factory=ConfigCleanup)  # deployment config lines
    mentions: list[str] = field(default_factory=list)  # lines that still name the key
    value_from: str | None = None  # the flag-state export that serves the value
    # The flag services that still list the flag (flaglint never edits an export): archive
    # it there.
    services: list[str] = field(default_factory=list)
    # The flag's wrappers with a public name the code called before the clean, which it
    # deleted because nothing in the project calls them any more: another package may (a
    # library's API, as edx-completion's `CompletionService.completion_tracking_enabled`),
    # each as its path and its name in the module
    public_wrappers: list[str] = field(default_factory=list)
    # Test classes whose decorator sets the flag to another value (`path:line \`Name\``):
    # their tests ran under the removed branch; a class may test other things too, so it
    # is left for a person to adapt or delete
    test_classes: list[str] = field(default_factory=list)
    # Test settings modules' `KEY = …` of another value (`path:line`): every test run with
    # them ran under the removed branch; left, for a person to adapt with those tests
    test_settings: list[str] = field(default_factory=list)
    # Test functions that set the flag to another value, left because a read of it is left
    # (`path:line \`name\``): they ran under the code the clean removed
    tests_left: list[str] = field(default_factory=list)
    # Tests that set the flag to a variable (a parametrized test's): left as they are
    tests_variable: list[str] = field(default_factory=list)
    # Helpers in tests that set the flag to the other value: left as they are
    helpers_left: list[str] = field(default_factory=list)
    # Functions and classes only tests call now, which code outside them called before
    # (`path:line` and name): the removed code was their last other caller
    test_only: list[str] = field(default_factory=list)
    # Tests the clean deleted, and those it cut (left with fewer checks, or their last block
    # gone): a reviewer reads what the tests no longer check
    tests_deleted: list[ChangedTest] = field(default_factory=list)
    tests_cut: list[ChangedTest] = field(default_factory=list)
    # Loads the clean left of a module constant its reads named the key by (`path:line
    # \`NAME\``): no read (`ENV_SERVER in os.environ`), so the variable is still consulted
    constants_used: list[str] = field(default_factory=list)
    constants_unparsed: list[str] = field(default_factory=list)  # not searched: no parse
    # Tests that set a Django setting named like the key with a prefix (`CMS_KEY`), which
    # a reader that adds the prefix reads (django-cms): named, never edited
    tests_prefixed: list[str] = field(default_factory=list)
    # Tests left that give the key a literal value other than the cleaned one in a form no
    # known setter takes (scrapy's `Settings({"K": False})`): named, never edited
    tests_literal: list[str] = field(default_factory=list)
    # Calls in code outside the tests that pass the key and the other value, through a
    # setter flaglint does not know (streamlit's `config.set_option("server.x", False)`):
    # if it sets the flag as the program runs, the clean changed what runs; named
    code_literal: list[str] = field(default_factory=list)
    left_why: list[str] = field(default_factory=list)  # why each read of `left` is left

    @property
    def settled(self) -> bool:
        """No read of the key can be left anywhere: its registry entry may go."""
        return not self.left and not self.unreadable and not self.loose


    @property
    def complete(self) -> bool:
        """Nothing is left to do by hand: no read, no definition, no refused edit."""
        return self.settled and not self.defined_in_code and not self.fixes.blocked and \
            not self.configs.left and not self.test_classes and not self.test_settings and \
            not self.tests_left and not self.tests_variable and not self.helpers_left and \
            not self.tests_prefixed \
            and not self.tests_literal and not self.code_literal

    def diff(self) -> str:
        text = self.fixes.diff()
        if self.registry_path and self.registry_before != self.registry_after:
            text += unified_diff(self.registry_path, self.registry_before or "",
                                 self.registry_after or "")
        for path, after in sorted(self.configs.after.items()):
            text += unified_diff(path, self.configs.before[path], after)
        return text


@dataclass
class _Cleaning:
    """One `clean`: the flag, its value, what was changed so far, and how to analyse."""

    inputs: Inputs
    store: cache.Store
    workers: int
    key: str
    value: FlagValue
    scope: FixScope
    tests: Callable[[str], bool]
    wrappers: set[str]
    force_full: frozenset[str]
    syntax: frozenset[str]  # files checked for syntax errors, read in full or not
    value_from: str | None = None  # the flag-state export the value comes from
    constants: frozenset[str] = frozenset()  # module constants holding the key (its reads')
    mappings: frozenset[str] = frozenset()  # the mappings its reads read it from
    report: FixReport = field(default_factory=FixReport)
    pool: Workers | None = None  # the processes that fix files, when started
    cut_tests: set[tuple[str, str]] = field(default_factory=set)  # their last block went

    def analyze(self, overlay: dict[str, bytes] | None = None) -> Project:
        changed = self.report.overlay if overlay is None else overlay
        # The files changed so far, over the buffers an editor holds unsaved
        inputs = self.inputs.with_overlay({**self.inputs.overlay, **changed}) if changed \
            else self.inputs
        return analyze(inputs, self.store, Request(pinned={self.key: self.value},
                                                   force_full=self.force_full,
                                                   syntax=self.syntax),
                       workers=self.workers)

    def apply(self, project: Project, fixes: list[tuple[object, Fix]]) -> bool:
        """Apply these fixes in one round; True when any went in."""
        return bool(fixes) and bool(apply_round(project, fixes, [], self.scope, self.report,
                                                self.pool, StoredFixes(self.store)))

    def read_more(self, modules: Iterable[str]) -> bool:
        """Read these modules in full from now on; True when any was not."""
        more = frozenset(modules) - self.force_full
        self.force_full |= more
        return bool(more)


def clean_flag(config: Config, today: dt.date, key: str, text: str | None, scope: FixScope,
               store: cache.Store, *, workers: int, tests: Callable[[str], bool],
               dry_run: bool, retire: bool,
               overlay: Mapping[str, bytes] | None = None,
               start_workers: bool = False) -> CleanReport:
    """Settle `key` everywhere the scope allows, remove the code that becomes dead (cascading
    to helpers in other modules), and drop its registry entry (or leave a tombstone) once no
    read of it is left anywhere in the project. The whole project is always analysed.
    `text` None: the value every environment of the flag-state exports serves. `overlay`:
    files whose bytes are not those on disk (an editor's unsaved buffers); the cleanup starts
    from them. `start_workers`: start the processes that fix files first, so that they import
    libcst while this one analyses (the command line; never a long-lived process with other
    threads, which a fork would copy mid-work)."""
    inputs = gather(config, today, store)
    with fixers(workers if start_workers else 1, inputs.size()) as pool:
        return _clean_flag(inputs, key, text, scope, store, workers=workers, tests=tests,
                           dry_run=dry_run, retire=retire, overlay=overlay, pool=pool)


def _clean_flag(inputs: Inputs, key: str, text: str | None, scope: FixScope,
                store: cache.Store, *, workers: int, tests: Callable[[str], bool],
                dry_run: bool, retire: bool, overlay: Mapping[str, bytes] | None,
                pool: Workers | None) -> CleanReport:
    if overlay:
        inputs = inputs.with_overlay(overlay)
    # A file that names the key, or a wrapper of it (read in full, so checked anyway), and
    # does not parse may read it: it is checked for syntax errors, and blocks the cleanup.
    syntax = frozenset(rel for rel in inputs.keys if key.encode() in inputs.read(rel))
    probe = analyze(inputs, store, Request(syntax=syntax), workers=workers)
    if key not in probe.records and not probe.graph.reads_of(key) and \
            key not in probe.registry.flags:
        raise CleanError(f"flag `{key}` is neither declared nor read in this project")
    if key in probe.linked.values:
        raise CleanError(f"`{key}` is a setting that holds a value (a settings module binds "
                         f"it to text, a number or a collection), not a flag: its reads are "
                         f"not flag reads, and clean leaves them; remove its registry entry "
                         f"by hand")
    if key in probe.two_lives:
        raise CleanError(f"flag `{key}` has two lives ({probe.two_lives[key]}): cleaning it "
                         f"would settle the code of both with one value; give the new "
                         f"meaning a new key, then clean the old one")
    wrappers = {q for q, w in probe.linked.wrappers.items() if w.key == key}
    # A wrapper's module keeps being read in full once its read is gone, to tell when it is
    # unused, with the packages above it that may name it (re-export or use it).
    homes = frozenset(home for q in wrappers for home in _homes(probe, q))
    value, value_from = _value(probe, key, text)
    cleaning = _Cleaning(inputs, store, workers, key, value, scope, tests, wrappers, homes,
                         syntax, value_from, key_constants(probe, key),
                         read_mappings(probe, key), pool=pool)
    project = _settle_reads(cleaning)
    project, left = _settle_test_objects(cleaning, project)
    left_why = [_why_left(cleaning, read) for read in project.graph.reads_of(key)]
    # A file that does not parse may read the key: nothing that needs "no read is left" is
    # done then (the failure is closed, and listed).
    unreadable = sorted({path for path, _ in (*probe.parse_errors(), *project.parse_errors())})
    # the key as a string a dynamic read may use, or a subscript by it
    loose = loose_strings(project, key, subscripts=True) + \
        template_reads(cleaning.inputs.config.root, key)
    for definition in (d for d in project.linked.definitions if d.key == key and loose):
        cleaning.report.block(Blocked(definition.path,
                                      (definition.span.line, definition.span.column),
                                      key, tuple(loose[:5])))
    settled = not left and not unreadable and not loose
    # The key's config lines are found now, while its definitions still say it is a flag.
    settings = [s for s in served(project) if s.key == key] if settled else []
    if settled:  # nothing reads the flag any more: its definitions in code go too
        project = _remove_definitions(cleaning, project)
        project = _remove_parameters(cleaning, project, probe)
        project = _remove_clients(cleaning, project)
        if _wrapper_refused(cleaning):  # a string in a definition now gone may have held it
            project = _settle_reads(cleaning)
    if scope.tests:
        project = _clean_tests(cleaning, project, settled=settled)
        if settled and cleaning.report.blocked:
            project = _definitions_tests_held(cleaning, project)
    report = cleaning.report
    report.tests = {r.path for r in report.changed if tests(r.path)}
    # A definition kept for a use flaglint cannot follow (Open WebUI's
    # `request.app.state.config.ENABLE_X`, of the object handed on): that may read it
    may_read = [*map(str, loose), *_may_read_kept(report, _definition_names(probe, key))]
    found = _finish(cleaning, project, _Blockers(left, unreadable, may_read),
                    settings, dry_run=dry_run, retire=retire)
    found.test_only = tests_call_alone(probe, project, tests)
    found.left_why = left_why
    from flaglint.fixes.test_checks import tests_changed

    found.tests_deleted, found.tests_cut = tests_changed(
        [(r.path, r.before, r.after) for r in report.changed if r.path in report.tests],
        frozenset(cleaning.cut_tests))
    return found


_MAY_READ = (Kind.UNKNOWN.value, Kind.STRING.value)


def _may_read_kept(report: FixReport, definitions: set[tuple[str, str | int]]) -> list[str]:
    """The places that kept the deletion of one of the flag's definitions (`definitions`:
    each one's path, and the name it is bound to or its line) and may read the flag: names
    flaglint cannot resolve (`x.y.ENABLE_X`), strings naming it (`getattr(state,
    "ENABLE_X")`). While one is left, the registry entry stays. (A lookup of an Enum
    member by value, `Flag("k")`, asks for the member, and a file that does not parse
    keeps the entry already.)"""
    return [str(place) for refusal in report.blocked
            if (refusal.path, refusal.name) in definitions or
            (refusal.path, refusal.position[0]) in definitions
            for place in refusal.places if place.why.startswith(_MAY_READ)]


def _definition_names(project: Project, key: str) -> set[tuple[str, str | int]]:
    """Each definition of the key in code: (path, the name it is bound to, within its
    module) and (path, its line)."""
    found: set[tuple[str, str | int]] = set()
    for definition in project.linked.definitions:
        if definition.key != key:
            continue
        found.add((definition.path, definition.span.line))
        bound, facts = project.bound_name(definition), project.facts_of(definition.path)
        if bound is not None and facts is not None:
            found.add((definition.path, bound.removeprefix(f"{facts.module}.")))
    return found


def tests_call_alone(before: Project, after: Project, tests: Callable[[str], bool]
                     ) -> list[str]:
    """Where (`path:line`) and what each function or class is that code outside the tests
    called before the clean and only tests call after it (ora2's
    `_map_students_and_scorers_ids_to_usernames`, which only the removed branch used): it
    stays, and is named. Only where every file that called it before is read in full
    after, so that its calls are known, no file read light outside the tests names it
    (one that was never read in full may call it: lti-consumer-xblock's signal receiver
    calls `get_user_from_external_user_id`, which the clean said only tests call), and no
    code outside the tests uses it otherwise (pandas catches `SettingWithCopyError` in a
    module the clean leaves: the clean said only tests call it); an `__all__` listing it
    is not such a use (the note says to ask what outside the project may need it)."""
    def outside(project: Project) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for call in project.graph.call_graph().calls:
            if not tests(call.path):
                found.setdefault(call.callee, set()).add(call.path)
        return found

    was, now = outside(before), outside(after)
    lost = {name for name, places in was.items() if name not in now and all(
        (brief := after.files.brief(path)) is not None and brief.complete for path in places)}
    found = []
    tested = [path for path in after.files.paths if tests(path)] if lost else []
    for symbol in after.graph.call_graph().symbols if lost else ():
        if symbol.qualname not in lost or tests(symbol.path):
            continue
        name = symbol.qualname
        if not named_in(after, tested, name.rsplit(".", 1)[-1]):
            continue
        facts = after.files.facts_of(symbol.path)  # only a lost symbol's file is decoded
        definition = next((d for d in facts.definitions if d.qualname == name), None) \
            if facts is not None else None
        if facts is not None and any(not tests(text.facts.path) for text in
                                     light_files_naming(after, facts.module, name)):
            continue  # a file not read in full may call it (lti's signal receiver)
        if passed_around(after, name, lambda f: not tests(f.path), exports=False):
            continue  # code outside the tests uses it otherwise: `except SettingWithCopyError`
        if facts is not None and definition is not None:
            found.append(f"{symbol.path}:{definition.span.line} "
                         f"`{name.removeprefix(facts.module + '.')}`")
    return sorted(found)


def _homes(project: Project, qualname: str) -> list[str]:
    """The modules to keep reading in full for the wrapper `qualname`: the one that defines
    it (the longest part of its name that is a project module) and each package above it
    whose text may name it (a file that is not ASCII, or holds an escape, may spell it
    otherwise); every part of its name when no part is a module. A package that cannot
    name it changes nothing flaglint knows of it, and reading it in full would make the
    tables other than the check's (Sentry: every file linked again)."""
    parts = [qualname.rsplit(".", i)[0] for i in range(1, qualname.count(".") + 1)]
    files = {brief.module: path for path, brief in project.files.briefs.items()}
    home = next((index for index, part in enumerate(parts) if part in files), None)
    if home is None:
        return parts
    name = qualname.rsplit(".", 1)[-1]

    def may_name(module: str) -> bool:  # or in a string spelled with escapes
        data = project.source_of(files[module])
        return may_spell(data, name) or b"\\" in data

    return [parts[home], *(p for p in parts[home + 1:] if p in files and may_name(p))]


def _value(project: Project, key: str, text: str | None) -> tuple[FlagValue, str | None]:
    """The value to settle `key` to, and the export or registry entry that serves it when
    it comes from one: `--value`, else what every environment of the flag-state exports
    serves, else the value the registry rolled it out with. A `--value` that an export or
    the registry contradicts (it serves another value to everyone) is refused."""
    write = set_as_run(project.linked).get(key)
    if write is not None:  # mlflow's `MLFLOW_ENABLE_ASYNC_LOGGING.set(True)` in its API
        raise CleanError(f"flag `{key}` is set as the program runs, at {write.path}:"
                         f"{write.span.line}: settling its reads would change what that "
                         f"does; remove the setting first (or, if that file is a test "
                         f"helper, name its folder in `tests`)")
    served = project.services.settled(key)
    value_served: FlagValue | None = served[0] if served is not None else None
    where = f"{served[1].source} ({served[1].path}:{served[1].line})" if served else None
    decl = project.registry.flags.get(key)
    if served is None and decl is not None and decl.from_registry and \
            decl.status is Status.ROLLED_OUT and decl.value is not None:
        if text is None and looks_boolean(decl.value):
            raise CleanError(f"flag `{key}` is rolled out with the text \"{decl.value}\" "
                             f"({decl.path}:{decl.line}), which a test of a read takes for "
                             f"true: for a boolean, write value = "
                             f"{boolean_text(decl.value)} there; for a flag that "
                             f"serves that text, say it with --value")
        value_served = decl.value
        where = f"its registry entry ({decl.path}:{decl.line}, rolled out)"
    if text is None:
        archived = [f for f in project.services.flags_of(key) if f.archived]
        if value_served is None and archived:
            raise CleanError(f"flag `{key}` is archived in {archived[0].source} "
                             f"({archived[0].path}:{archived[0].line}), so each read yields "
                             f"its own default: say that value with --value")
        if value_served is None:
            said = ", ".join(f"{f.source} ({f.path}:{f.line})"
                             for f in project.services.flags_of(key))
            why = f"what {said} serves is not one value for everyone in every environment" \
                if said else "no flag-state export serves it, and it is not rolled out"
            raise CleanError(f"flag `{key}`: say the value it settles to with --value "
                             f"({why})")
        return value_served, where
    value = flag_value(project, key, text)
    if isinstance(value_served, str) and looks_boolean(value_served) and \
            value_served.strip().lower() == text.lower():
        return value_served, where if served is not None else None  # the registry's text
    if value_served is not None and (type(value_served), value_served) != (type(value), value):
        raise CleanError(f"--value {text}: {where} serves `{key}` as "
                         f"`{_shown(value_served)}` to everyone; settling it to another "
                         f"value would change what runs")
    return value, where if served is not None else None  # the registry's: said when used


def _shown(value: FlagValue) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _settle_reads(cleaning: _Cleaning) -> Project:
    """Rounds of the reads settled, their dead code and the wrappers nothing calls."""
    rules = select_rules(all_rules(), ("FL301", "FL302"), ())
    for _ in range(_MAX_ROUNDS):
        project = cleaning.analyze()
        outcome = run(project, rules)
        fixes: list[tuple[object, Fix]] = [(f, f.fix) for f in outcome.findings
                                           if f.fix is not None]
        fixes += read_fixes(project, cleaning.key)
        fixes += unused_wrappers(project, cleaning.wrappers, cleaning.report.overlay)
        blocked = [f.fix for f in outcome.suppressed if f.fix is not None]
        if not apply_round(project, fixes, blocked, cleaning.scope, cleaning.report,
                           cleaning.pool, StoredFixes(cleaning.store)):
            return project  # the round changed nothing: this analysis is of the files now
    return cleaning.analyze()


def _wrapper_refused(cleaning: _Cleaning) -> bool:
    """Was deleting a wrapper of the flag refused? The string that kept it may be the key
    in the flag's own definition (edx's `WaffleFlag(f"{NS}.use_beta")` beside its wrapper
    `use_beta()`), which goes once no read is left: then the wrapper may go too."""
    names = {qualname.rsplit(".", 1)[-1] for qualname in cleaning.wrappers}
    return any(refusal.name in names for refusal in cleaning.report.blocked)


def _settle_test_objects(cleaning: _Cleaning, project: Project
                         ) -> tuple[Project, list[str]]:
    """What tests still "read" by calling a flag object (`with config.x_holder(True):`)
    sets the flag for its block: once nothing else reads it, those lines go like settings,
    when that leaves no read at all. Returns where reads are left."""
    reads = project.graph.reads_of(cleaning.key)
    if reads and cleaning.scope.tests and all(cleaning.tests(r.path) for r in reads):
        cut: set[tuple[str, str]] = set()
        changes = flag_settings(project, cleaning.key, cleaning.value, cleaning.tests,
                                cleaning.constants, cleaning.mappings, cut)
        trial = {**cleaning.report.overlay,
                 **{p: after.encode("utf-8") for p, (_, after) in changes.items()}}
        tried = cleaning.analyze(trial) if changes else None
        if tried is not None and not tried.graph.reads_of(cleaning.key):
            record_changes(cleaning.report, changes)  # the files now are the trial's
            cleaning.cut_tests |= cut
            project = tried
            reads = project.graph.reads_of(cleaning.key)
    return project, [f"{r.path}:{r.span.line}:{r.span.column}" for r in reads]


def _why_left(cleaning: _Cleaning, read: FlagRead) -> str:
    """Why the clean left this read of the flag (in `left`'s order: the graph's)."""
    if cleaning.tests(read.path) and not cleaning.scope.tests:
        return "in test code, which --no-tests leaves alone"
    return unreplaceable(read) or LEFT


# Why a read is left, where nothing more precise is known
LEFT = "outside the named paths, in tests left alone, or its value or arguments cannot be " \
    "replaced"


def _remove_definitions(cleaning: _Cleaning, project: Project) -> Project:
    """The flag's definitions in code, after the test lines that name them (tests that turn
    the flag on or off); then the cleaned files are read in full, to know their calls."""
    setting = flag_settings(project, cleaning.key, cleaning.value, cleaning.tests,
                            cleaning.constants, cleaning.mappings, cleaning.cut_tests) \
        if cleaning.scope.tests else {}
    if setting:
        record_changes(cleaning.report, setting)
        project = cleaning.analyze()
    if cleaning.scope.tests and settings_naming_definitions(
            project, cleaning.key, cleaning.value, cleaning.tests, cleaning.report.overlay,
            cleaning.constants, cleaning.mappings):
        # A test class, test or helper left setting the flag (named at the end) by its
        # definition's object: deleting that would take the setting out from under them
        # (prefect's autouse fixture lost `{NEW_ENGINE: True}` to the definition's removal)
        return project
    if cleaning.apply(project, definition_fixes(project, cleaning.key)):
        project = cleaning.analyze()
    light = {facts.module for r in cleaning.report.changed
             if (facts := project.files.facts_of(r.path)) is not None and not facts.complete}
    if cleaning.read_more(light):
        project = cleaning.analyze()
    return project


def _definitions_tests_held(cleaning: _Cleaning, project: Project) -> Project:
    """The flag's definitions a test's import held, tried again once the tests are clean
    (the import of an object a test set with `X.set(False)`, the line gone with it)."""
    project = cleaning.analyze()
    if cleaning.apply(project, definition_fixes(project, cleaning.key)):
        project = cleaning.analyze()
    return project


def _remove_parameters(cleaning: _Cleaning, project: Project, before: Project) -> Project:
    """A parameter every call now passes the same boolean, as the calls `before` the
    cleanup did not, is that boolean in its tests; parameters the cleanup left unread go,
    with their arguments at every call (the files that name such a function are read in
    full first, to know every call)."""
    if cleaning.read_more(callers_read_light(project, cleaning.report)):
        project = cleaning.analyze()
    if cleaning.apply(project, constant_parameters(project, before, cleaning.report)):
        project = cleaning.analyze()
    if cleaning.read_more(callers_read_light(project, cleaning.report)):
        project = cleaning.analyze()
    if cleaning.apply(project, unused_parameters(project, cleaning.report)):
        project = cleaning.analyze()
    return project


def _remove_clients(cleaning: _Cleaning, project: Project) -> Project:
    """An SDK client that nothing uses any more (`client = UnleashClient()`) goes too."""
    if cleaning.apply(project, unused_clients(project, cleaning.report)):
        project = cleaning.analyze()
    return project


def _clean_tests(cleaning: _Cleaning, project: Project, *, settled: bool) -> Project:
    """Tests of the wrappers only tests still use go, then the wrappers; the patches of what
    the cleanup removed go, and the imports that leaves unused."""
    report, tests = cleaning.report, cleaning.tests
    only = test_only_wrappers(project, cleaning.wrappers, tests) if settled else set()
    if only:
        edit_test_patches(project, report, cleaning.value, tests, only)
        project = cleaning.analyze()
        if cleaning.apply(project, unused_wrappers(project, only, report.overlay)):
            project = cleaning.analyze()
    edit_test_patches(project, report, cleaning.value, tests)
    tidy_tests(report, tests)
    prune_test_imports(report, tests)
    return project


@dataclass(frozen=True)
class _Blockers:
    """What keeps the registry entry: reads left, files that do not parse, loose strings."""

    left: list[str]
    unreadable: list[str]
    loose: list[str]


def _finish(cleaning: _Cleaning, project: Project, blockers: _Blockers,
            settings: list[Served], *, dry_run: bool, retire: bool) -> CleanReport:
    """The registry entry and the config lines go once no read is left; then everything is
    written (not with `dry_run`), and what still names the key is listed."""
    config, key, report = cleaning.inputs.config, cleaning.key, cleaning.report
    registry_path = registry_before = registry_after = None
    decl = project.registry.flags.get(key)
    if decl is not None and not decl.from_registry:
        decl = None  # a flag service's: its export is not flaglint's to edit
    left, unreadable = blockers.left, blockers.unreadable
    if decl is not None and not left and not unreadable and not blockers.loose:
        registry_path = decl.path
        registry_before = (config.root / decl.path).read_text(encoding="utf-8")
        registry_after = registry_before if decl.status is Status.RETIRED else \
            tombstone(registry_before, decl.line, key, cleaning.inputs.today) if retire else \
            remove_table(registry_before, decl.line)  # a tombstone already stays one
    configs = ConfigCleanup()
    specs = {spec.name: spec for spec in config.environments}
    settings = [s for s in settings if s.host.environment in specs]  # not the exports'
    if settings:
        configs = remove_settings(config.root, settings, specs)
    contents = {r.path: report.overlay[r.path] for r in report.changed}
    if registry_path is not None and registry_after is not None:
        contents[registry_path] = registry_after.encode("utf-8")
    contents.update({path: after.encode("utf-8") for path, after in configs.after.items()})
    if not dry_run:
        write_files(config.root, contents)
    defined = list(dict.fromkeys([
        *(f"{d.path}:{d.span.line}" for d in project.linked.definitions if d.key == key),
        *setting_bindings_kept(project, key)]))
    now = {path: data.decode("utf-8", "replace") for path, data in contents.items()}
    # Where a read is left, the tests that set the other value are left too (they may test
    # it); those of the code the clean removed fail, and are named (ora2's)
    settled = not left and not unreadable and not blockers.loose
    classes = test_classes_left(project, key, cleaning.value, cleaning.tests, report.overlay,
                                cleaning.constants, cleaning.mappings,
                                functions=not settled and bool(report.changed)) \
        if cleaning.scope.tests else []
    left_by_kind: dict[str, list[str]] = {}  # "class", "other", "variable", "helper"
    for path, first, _, name, kind in classes:
        left_by_kind.setdefault(kind, []).append(f"{path}:{first} `{name}`")
    test_settings = test_settings_left(project, key) if cleaning.scope.tests else []
    reported = {place.rsplit(":", 1)[0] for place in left} | set(defined) | \
        set(test_settings) | \
        {f"{path}:{line}" for path, first, last, *_ in classes
         for line in range(first, last + 1)}  # `path:line`
    decl = project.registry.flags.get(key)
    if decl is not None and decl.from_registry:  # its table, kept or made a tombstone: said
        reported.add(f"{decl.path}:{decl.line}")
    # a refusal says where it is and the uses it names (at the lines of the files as left)
    for refusal in report.refusals():
        reported |= {f"{refusal.path}:{refusal.position[0]}",
                     *(f"{place.path}:{place.line}" for place in refusal.places)}
    code_literal = literal_settings_in_code(
        key, cleaning.value, parsed_tests(_code_naming(project, cleaning.tests, report.overlay,
                                                       key), key), _known_lines(project, key))
    reported |= {place.partition(" ")[0] for place in code_literal}
    reported |= {":".join(place.split(":", 2)[:2]) for place in blockers.loose}
    named = [m for m in mentions(config.root, key, now) if m not in reported]
    uses = _constants_used(project, cleaning.constants, now)
    # the test files, as the clean leaves them, that name the key (each parsed once): those
    # that set it in ways the clean does not edit are named
    naming = parsed_tests(test_texts(project, cleaning.tests, report.overlay, key)[0], key)
    known = frozenset(project.registry.flags) | frozenset(project.graph.flags())
    used = [u for u in uses.found if u.partition(" ")[0] not in reported]
    listed = [f"{f.source} ({f.path}:{f.line})" for f in project.services.flags_of(key)
              if not f.archived]
    named = [m for m in named if m.rsplit(":", 1)[0] not in project.services.paths]
    modules = {path: brief.module for path, brief in project.files.briefs.items()}
    public = [f"{result.path} `{name}`" for result in report.changed
              if result.path not in report.tests and result.path in modules
              for name in sorted(result.removed_names)
              if not any(part.startswith("_") for part in name.split("."))
              and f"{modules[result.path]}.{name}" in cleaning.wrappers]
    # and the public functions and classes only dead code called (CKAN's
    # `ckan.logic.auth.restrict_anon`, which an extension imports)
    public += [f"{result.path} `{name}`" for result in report.changed
               if result.path not in report.tests and result.path in modules
               and result.removed_names
               for name in sorted(set(result.removed_names) & _definitions(result.before))
               if not any(part.startswith("_") for part in name.split("."))
               and f"{modules[result.path]}.{name}" not in cleaning.wrappers]
    return CleanReport(key, cleaning.value, report, registry_path, registry_before,
                       registry_after, left, unreadable, blockers.loose, defined, configs,
                       named, cleaning.value_from, listed, public,
                       left_by_kind.get("class", []), test_settings,
                       tests_left=left_by_kind.get("other", []),
                       tests_variable=left_by_kind.get("variable", []),
                       helpers_left=left_by_kind.get("helper", []), constants_used=used,
                       constants_unparsed=uses.unparsed,
                       tests_prefixed=settings_named_otherwise(key, naming, known)
                       if cleaning.scope.tests else [],
                       tests_literal=[t for t in literal_settings_left(
                           key, cleaning.value, naming) if t.partition(" ")[0] not in reported],
                       code_literal=code_literal)


def _definitions(source: str) -> set[str]:
    """The functions and classes a module defines, by their names within its classes."""
    try:
        return set(definition_lines(ast.parse(source)))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()


def _code_naming(project: Project, tests: Callable[[str], bool], overlay: Mapping[str, bytes],
                 key: str) -> dict[str, str]:
    """The text of each file outside the tests, as the clean leaves it, that names the key."""
    needle = key.encode()
    found = {}
    for path in project.files.paths:
        if tests(path):
            continue
        data = overlay[path] if path in overlay else project.source_of(path)
        if needle in data:
            found[path] = data.decode("utf-8", "replace")
    return found


def _known_lines(project: Project, key: str) -> frozenset[tuple[str, int]]:
    """Where the key's reads, writes and definitions flaglint knows stand (path, line)."""
    linked = project.linked
    spans = [(r.path, r.span) for r in linked.reads if r.key == key]
    spans += [(w.path, w.span) for w in linked.writes if w.key == key]
    spans += [(d.path, d.span) for d in linked.definitions if d.key == key]
    return frozenset((path, line) for path, span in spans
                     for line in range(span.line, span.end_line + 1))


def _constants_used(project: Project, constants: frozenset[str], now: Mapping[str, str]
                    ) -> ConstantUses:
    """Where the project's files, as the clean leaves them (`now`), still load one of the
    module constants that hold the key."""
    if not constants:
        return ConstantUses()
    short = [name.rpartition(".")[2].encode() for name in constants]
    sources = {}
    for path, brief in project.files.briefs.items():
        if path in now:
            text = now[path]
        elif project.read is not None:
            data = project.read(path)
            if not any(name in data for name in short):
                continue
            text = data.decode("utf-8", "replace")
        else:
            continue
        sources[path] = (brief.module, brief.is_package, text)
    return constant_uses(constants, sources)
