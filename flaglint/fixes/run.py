"""One fix pipeline for `check --fix`, `--unsafe-fixes` and `flaglint clean`.

Every round analyses the whole project (with the files fixed so far held in memory), takes
the fixes the scope allows whole, transforms the files they touch and re-parses them; a
file whose result would not parse is refused, and with it every fix that edits it. Nothing
is written until no fix is left; then every changed file is written atomically, or none
when one of them cannot be.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from flaglint.analysis.deadcode import read_edits, replaceable
from flaglint.analysis.link import CodeDefinition, ResolvedCall
from flaglint.config import Config
from flaglint.engine import Options, Outcome, Project, analyze, run
from flaglint.facts import Definition, FileFacts, ValueKind
from flaglint.findings import Edit, EditKind, Finding, Fix
from flaglint.fixes.apply import (
    FilePlan,
    FixResult,
    FixScope,
    plan,
    prune_lost_imports,
    transform,
    unified_diff,
    write_files,
)
from flaglint.fixes.configs import ConfigCleanup, mentions, remove_settings
from flaglint.fixes.flag_settings import FlagNames, edit_settings
from flaglint.fixes.registry_edit import remove_table, tombstone
from flaglint.rules import Rule
from flaglint.sources.registry import FlagValue

_MAX_ROUNDS = 6
T = TypeVar("T")

Narrow = Callable[[Project, list[Finding]], list[Finding]]


@dataclass
class FixReport:
    """What the fixes changed: per file the first `before` and the last `after`."""

    results: dict[str, FixResult] = field(default_factory=dict)
    refused: list[FixResult] = field(default_factory=list)
    overlay: dict[str, bytes] = field(default_factory=dict)  # path -> the fixed bytes
    fixed: int = 0  # findings the fixes removed
    tests: set[str] = field(default_factory=set)  # changed paths that are test code

    def record(self, result: FixResult) -> None:
        if result.refused is not None:
            if all(r.path != result.path for r in self.refused):
                self.refused.append(result)
            return
        first = self.results.get(result.path)
        if first is None:
            self.results[result.path] = result
        else:
            self.results[result.path] = dataclasses.replace(
                result, before=first.before, replaced=first.replaced + result.replaced,
                removed_branches=first.removed_branches + result.removed_branches,
                removed_definitions=first.removed_definitions + result.removed_definitions,
                removed_names=first.removed_names | result.removed_names)

    @property
    def changed(self) -> list[FixResult]:
        return [r for _, r in sorted(self.results.items()) if r.before != r.after]

    def diff(self) -> str:
        return "".join(unified_diff(r.path, r.before, r.after) for r in self.changed)

    def write(self, root: Path) -> None:
        write_files(root, {r.path: self.overlay[r.path] for r in self.changed})


def _round(project: Project, fixes: Sequence[tuple[T, Fix]], blocked: list[Fix],
           scope: FixScope, report: FixReport) -> list[T]:
    """Apply one round of fixes to the overlay; return the findings whose fixes went in."""
    root = project.config.root
    refused: set[str] = set()
    done: dict[str, tuple[FilePlan, tuple[FixResult, bytes]]] = {}  # a plan tried before
    while True:
        allowed = [(owner, fix) for owner, fix in fixes
                   if not any(e.path in refused for e in fix.edits)]
        plans, chosen = plan(allowed, blocked, scope, root)
        if not plans:
            return []
        for rel, file_plan in plans.items():
            file_plan.keep_imports = project.imports_with_effects(rel, plans.keys())
        todo = {rel: p for rel, p in plans.items() if rel not in done or done[rel][0] != p}
        for (result, data), (rel, file_plan) in zip(transform(root, todo, report.overlay),
                                                    sorted(todo.items()), strict=True):
            done[rel] = (file_plan, (result, data))
        results = [done[rel][1] for rel in sorted(plans)]
        newly = {r.path for r, _ in results if r.refused is not None}
        for result, _ in results:
            if result.refused is not None:
                report.record(result)
        # A definition is deleted only when nothing in the project names it any more: the
        # last guard against deleting code that still runs.
        fixed = {r.path: d for r, d in results}
        newly |= {r.path for r, _ in results
                  if r.removed_names and _still_named(project, fixed, r.path, r.removed_names)}
        if newly:
            refused |= newly  # and every fix that edits a refused file waits with it
            continue
        for result, data in results:
            if result.changed:
                report.record(result)
                report.overlay[result.path] = data
        return chosen if any(r.changed for r, _ in results) else []


def preview(project: Project, fix: Fix) -> list[FixResult]:
    """What applying this one fix alone would change, file by file; empty when the pipeline
    would refuse it (a file that would not parse, a definition something still names)."""
    root = project.config.root
    plans, chosen = plan([(0, fix)], [], FixScope(unsafe=True, tests=True), root)
    if not chosen:
        return []
    for rel, file_plan in plans.items():
        file_plan.keep_imports = project.imports_with_effects(rel, plans.keys())
    results = transform(root, plans, project.overlay or {})
    if any(r.refused is not None for r, _ in results):
        return []
    fixed = {r.path: d for r, d in results}
    if any(r.removed_names and _still_named(project, fixed, r.path, r.removed_names)
           for r, _ in results):
        return []
    return [r for r, _ in results if r.changed]


def _still_named(project: Project, fixed: dict[str, bytes], path: str,
                 names: Set[str]) -> bool:
    """Does any file that can reach the definitions deleted from `path` (that file, and the
    files importing its module) still name one of them, once fixed?"""
    facts = project.facts_of(path)
    module = facts.module if facts is not None else ""
    word = re.compile(rb"\b(" + b"|".join(re.escape(n.encode()) for n in sorted(names)) +
                      rb")\b")
    for other in project.files:
        if other.path != path and not _may_import(other, module):
            continue
        data = fixed[other.path] if other.path in fixed else project.source_of(other.path)
        if word.search(data):
            return True
    return False


def _may_import(facts: FileFacts, module: str) -> bool:
    """Can this file import from `module`? A file read in full says so exactly; a file the
    prefilter skipped only names the top-level packages it imports."""
    if facts.complete:
        return any(target == module or target.startswith(module + ".")
                   for _, target in facts.imports)
    return module.split(".", 1)[0] in facts.modules


def _gone(chosen: Iterable[Finding], after: Iterable[Finding]) -> int:
    """How many of the fixed findings no longer show (lines move, so match by content)."""
    left = Counter((f.code, f.flag, f.path, f.message) for f in after)
    count = 0
    for finding in chosen:
        identity = (finding.code, finding.flag, finding.path, finding.message)
        if left[identity]:
            left[identity] -= 1
        else:
            count += 1
    return count


class _Analyses:
    """`analyze` for the many analyses of one project that fixing and cleaning make: each
    takes the facts the earlier ones held, by content key, where unpickling every file's
    facts from the cache again would cost seconds on a large project."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.known: dict[str, FileFacts] = {}

    def __call__(self, options: Options, pinned: dict[str, FlagValue] | None = None
                 ) -> Project:
        project = analyze(self.config, None, dataclasses.replace(options, known=self.known),
                          pinned)
        keys = project.extraction.keys if project.extraction is not None else {}
        self.known.update((keys[f.path], f) for f in project.files if f.path in keys)
        return project


def fix_project(config: Config, options: Options, rules: list[Rule], scope: FixScope,
                narrow: Narrow, tests: Callable[[str], bool]) -> tuple[Outcome, FixReport]:
    """Fix until nothing is left to fix; return the outcome on the fixed files (the
    findings `narrow` keeps) and what was changed. Nothing is written here."""
    report = FixReport()
    options = dataclasses.replace(options, overlay=report.overlay)
    analyzed = _Analyses(config)
    chosen: list[Finding] = []
    for round_number in range(_MAX_ROUNDS + 1):
        project = analyzed(options)
        outcome = run(project, rules)
        outcome.findings = narrow(outcome.project, outcome.findings)
        report.fixed += _gone(chosen, outcome.findings)
        if round_number == _MAX_ROUNDS:
            break
        fixes = [(f, f.fix) for f in outcome.findings if f.fix is not None]
        blocked = [f.fix for f in outcome.suppressed if f.fix is not None]
        chosen = _round(project, fixes, blocked, scope, report)
        if not chosen:
            break
    report.tests = {r.path for r in report.changed if tests(r.path)}
    return outcome, report


# -- flaglint clean -----------------------------------------------------------------------


class CleanError(Exception):
    """`clean` cannot run as asked (an unknown flag, a value the flag cannot have)."""


@dataclass
class CleanReport:
    key: str
    value: FlagValue
    fixes: FixReport
    registry_path: str | None
    registry_before: str | None
    registry_after: str | None
    left: list[str]  # where reads of the key are left, anywhere in the project
    defined_in_code: list[str]
    configs: ConfigCleanup = field(default_factory=ConfigCleanup)  # deployment config lines
    mentions: list[str] = field(default_factory=list)  # lines that still name the key

    @property
    def complete(self) -> bool:
        return not self.left

    def diff(self) -> str:
        text = self.fixes.diff()
        if self.registry_path and self.registry_before != self.registry_after:
            text += unified_diff(self.registry_path, self.registry_before or "",
                                 self.registry_after or "")
        for path, after in sorted(self.configs.after.items()):
            text += unified_diff(path, self.configs.before[path], after)
        return text


_TRUE, _FALSE = ("true", "on", "yes", "1"), ("false", "off", "no", "0")


def parse_value(text: str) -> FlagValue:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return text


def flag_value(project: Project, key: str, text: str) -> FlagValue:
    """`--value` checked against what the project shows of the flag: a boolean flag takes
    true/false (on/off, yes/no, 1/0), a flag with variants one of them."""
    variants = _variants(project, key)
    decl = project.registry.flags.get(key)
    types = {r.value_type for r in project.graph.reads_of(key) if r.value_type}
    if decl is not None and decl.value is not None:
        types.add("bool" if isinstance(decl.value, bool) else type(decl.value).__name__)
    lowered = text.lower()
    if variants and text in variants:
        return text
    if types <= {"bool"} and not variants:
        if lowered in _TRUE or lowered in _FALSE:
            return lowered in _TRUE
        raise CleanError(f"--value {text}: flag `{key}` is a boolean flag; use true or false")
    if variants:
        known = ", ".join(sorted(variants))
        raise CleanError(f"--value {text}: flag `{key}` is compared with the variants {known}; "
                         f"use one of them")
    return parse_value(text)


def _variants(project: Project, key: str) -> set[str]:
    """Strings the project compares the flag's reads with, and its string values."""
    from flaglint.facts import CondOp, ValueKind

    reads = {(r.path, r.call) for r in project.graph.reads_of(key)}
    found = set()
    for facts in project.files:
        for guard in facts.guards:
            stack = [guard.test]
            while stack:
                cond = stack.pop()
                stack.extend(cond.operands)
                if cond.op is CondOp.COMPARE and (facts.path, cond.call) in reads:
                    found |= {v.text for v in cond.values if v.kind is ValueKind.STR}
    decl = project.registry.flags.get(key)
    if decl is not None and isinstance(decl.value, str):
        found.add(decl.value)
    return found


def clean_flag(config: Config, options: Options, key: str, text: str, scope: FixScope,
               tests: Callable[[str], bool], dry_run: bool, retire: bool) -> CleanReport:
    """Settle `key` everywhere the scope allows, remove the code that becomes dead (cascading
    to helpers in other modules), and drop its registry entry (or leave a tombstone) once no
    read of it is left anywhere in the project. The whole project is always analysed."""
    from flaglint.rules import all_rules, select_rules

    rules = select_rules(all_rules(), ("FL301", "FL302"), ())
    analyzed = _Analyses(config)
    probe = analyzed(options)
    if key not in probe.records and not probe.graph.reads_of(key) and \
            key not in probe.registry.flags:
        raise CleanError(f"flag `{key}` is neither declared nor read in this project")
    value = flag_value(probe, key, text)
    pinned = {key: value}
    report = FixReport()
    wrappers = {q for q, w in probe.linked.wrappers.items() if w.key == key}
    # A wrapper's module keeps being parsed once its read is gone, to tell when it is unused.
    homes = frozenset(q.rsplit(".", i)[0] for q in wrappers for i in range(1, q.count(".") + 1))
    options = dataclasses.replace(options, overlay=report.overlay, parse=homes)
    for _ in range(_MAX_ROUNDS):
        project = analyzed(options, pinned)
        outcome = run(project, rules)
        fixes: list[tuple[object, Fix]] = [(f, f.fix) for f in outcome.findings
                                           if f.fix is not None]
        fixes += _read_fixes(project, key)
        fixes += _unused_wrappers(project, wrappers, report.overlay)
        blocked = [f.fix for f in outcome.suppressed if f.fix is not None]
        if not _round(project, fixes, blocked, scope, report):
            break
    project = analyzed(options, pinned)
    reads = project.graph.reads_of(key)
    # What tests still "read" by calling a flag object (`with config.x_holder(True):`) sets
    # the flag for its block: once nothing else reads it, those lines go like settings.
    if reads and scope.tests and all(tests(r.path) for r in reads):
        changes = _flag_settings(project, key, value, tests)
        trial = dataclasses.replace(options, overlay={
            **report.overlay, **{p: after.encode("utf-8") for p, (_, after) in changes.items()}})
        if changes and not analyzed(trial, pinned).graph.reads_of(key):
            _record(report, changes)  # only when that leaves no read at all
            project = analyzed(options, pinned)
            reads = project.graph.reads_of(key)
    left = [f"{r.path}:{r.span.line}:{r.span.column}" for r in reads]
    # The key's config lines are found now, while its definitions still say it is a flag.
    settings = [s for s in project.served() if s.key == key] \
        if not left and project.deployments is not None else []
    if not left:  # nothing reads the flag any more: its definitions in code go too
        # Tests that turn the flag on or off name its definition: those lines go first.
        setting = _flag_settings(project, key, value, tests) if scope.tests else {}
        if setting:
            _record(report, setting)
            project = analyzed(options, pinned)
        removals = _definition_fixes(project, key)
        deleted: list[object] = _round(project, removals, [], scope, report) if removals else []
        if deleted:
            project = analyzed(options, pinned)
        # The cleaned files read no flag any more: they are read in full anyway, to know
        # the calls in them.
        changed = {facts.module for r in report.changed
                   if (facts := project.facts_of(r.path)) is not None and not facts.complete}
        if changed:
            options = dataclasses.replace(options, parse=options.parse | changed)
            project = analyzed(options, pinned)
        # A parameter every call now passes the same boolean is that boolean in its tests.
        constant = _constant_parameters(project, report)
        fixed: list[object] = _round(project, constant, [], scope, report) if constant else []
        if fixed:
            project = analyzed(options, pinned)
        # Parameters the cleanup left unread go, with their arguments at every call (the
        # files that name such a function are read in full first, to know every call).
        light = _callers_read_light(project, report)
        if light:
            options = dataclasses.replace(options, parse=options.parse | light)
            project = analyzed(options, pinned)
        unread = _unused_parameters(project, report)
        dropped: list[object] = _round(project, unread, [], scope, report) if unread else []
        if dropped:
            project = analyzed(options, pinned)
        # An SDK client that nothing uses any more (`client = UnleashClient()`) goes too.
        clients = _unused_clients(project, report)
        unused: list[object] = _round(project, clients, [], scope, report) if clients else []
        if unused:
            project = analyzed(options, pinned)
    if scope.tests:
        only = _test_only_wrappers(project, wrappers, tests) if not left else set()
        if only:  # their tests go first; then nothing keeps the wrappers
            _edit_test_patches(project, report, value, tests, only)
            project = analyzed(options, pinned)
            gone: list[object] = _round(project, _unused_wrappers(project, only,
                                                                  report.overlay),
                                        [], scope, report)
            if gone:
                project = analyzed(options, pinned)
        _edit_test_patches(project, report, value, tests)
        _prune_test_imports(report, tests)
    report.tests = {r.path for r in report.changed if tests(r.path)}
    registry_path = registry_before = registry_after = None
    decl = project.registry.flags.get(key)
    if decl is not None and not left:
        registry_path = decl.path
        registry_before = (config.root / decl.path).read_text(encoding="utf-8")
        registry_after = tombstone(registry_before, decl.line, key, options.today) if retire \
            else remove_table(registry_before, decl.line)
    configs = ConfigCleanup()
    if settings:  # the key's config lines, once nothing reads it
        specs = {spec.name: spec for spec in config.environments}
        configs = remove_settings(config.root, settings, specs)
    if not dry_run:
        contents = {r.path: report.overlay[r.path] for r in report.changed}
        if registry_path is not None and registry_after is not None:
            contents[registry_path] = registry_after.encode("utf-8")
        contents.update({path: after.encode("utf-8")
                         for path, after in configs.after.items()})
        write_files(config.root, contents)
    defined = [f"{d.path}:{d.span.line}" for d in project.linked.definitions if d.key == key]
    now = {r.path: r.after for r in report.changed} | configs.after
    if registry_path is not None and registry_after is not None:
        now[registry_path] = registry_after
    said = {place.rsplit(":", 1)[0] for place in left} | set(defined)  # `path:line`
    named = [m for m in mentions(config.root, key, now) if m not in said]
    return CleanReport(key, value, report, registry_path, registry_before, registry_after,
                       left, defined, configs, named)


def _edit_test_patches(project: Project, report: FixReport, value: FlagValue,
                       tests: Callable[[str], bool], only_tests: set[str] | None = None
                       ) -> None:
    """Tests patching what the cleanup removed: the patch goes, or the test that exercised
    the removed branch; with `only_tests` (wrappers only tests still use), the tests that
    call them go too (fixes/tests_edit.py)."""
    from flaglint.fixes.tests_edit import edit_tests

    removed = set(only_tests or ())
    for result in report.changed:
        facts = project.facts_of(result.path)
        module = facts.module if facts is not None else ""
        removed |= {f"{module}.{name}" for name in result.removed_names}
    if not removed:
        return
    names = frozenset(q.rsplit(".", 1)[-1] for q in only_tests or ())
    emptied = _emptied_tests(report, tests)
    for facts in project.files:
        if not tests(facts.path):
            continue
        data = project.source_of(facts.path)
        before = data.decode("utf-8", errors="replace")
        after = edit_tests(before, removed, value, names, emptied.get(facts.path, frozenset()))
        if after is not None:
            report.record(FixResult(facts.path, before, after))
            report.overlay[facts.path] = after.encode("utf-8")


def _prune_test_imports(report: FixReport, tests: Callable[[str], bool]) -> None:
    """The imports the test edits left unused go, as a developer (and ruff's F401) would
    have them go: `from unittest import mock` once the last patch went."""
    for result in report.changed:
        if tests(result.path):
            after = prune_lost_imports(result.before, result.after)
            if after != result.after:
                report.record(FixResult(result.path, result.after, after))
                report.overlay[result.path] = after.encode("utf-8")


def _flag_settings(project: Project, key: str, value: FlagValue,
                   tests: Callable[[str], bool]) -> dict[str, tuple[str, str]]:
    """Test files without the lines that set the flag (`mock_feature_flag(mocker,
    FeatureFlag.X, "True")`, `monkeypatch.setenv("X", "1")`), the tests that set the other
    value and the fixtures left empty (fixes/flag_settings.py): path -> (before, after)."""
    files = {}
    for facts in project.files:
        if tests(facts.path):
            try:
                files[facts.path] = project.source_of(facts.path).decode("utf-8")
            except UnicodeDecodeError:
                continue  # never rewritten: a test file flaglint cannot read as text
    changed = edit_settings(files, _flag_names(project, key), value)
    return {path: (files[path], after) for path, after in changed.items()}


def _record(report: FixReport, changes: dict[str, tuple[str, str]]) -> None:
    for path, (before, after) in changes.items():
        report.record(FixResult(path, before, after))
        report.overlay[path] = after.encode("utf-8")


def _flag_names(project: Project, key: str) -> FlagNames:
    """How code names the flag: its key, the class members and the objects defining it."""
    members: set[tuple[str, str]] = set()
    objects: set[str] = set()
    for definition in project.linked.definitions:
        if definition.key != key:
            continue
        facts = project.facts_of(definition.path)
        for constant in facts.constants if facts is not None else ():
            if constant.span.line != definition.span.line:
                continue
            if constant.span == definition.span:  # a class member: `FeatureFlag.X`
                owner, _, member = constant.qualname.rpartition(".")
                members.add((owner.rpartition(".")[2], member))
            elif constant.value.kind is ValueKind.CALL:  # `x_holder = bool_state("x")`
                objects.add(constant.qualname.rpartition(".")[2])
    keys = {key} | {alias for alias, full in project.linked.aliases.items() if full == key}
    return FlagNames(frozenset(members), frozenset(objects), frozenset(keys))


def _emptied_tests(report: FixReport, tests: Callable[[str], bool]
                   ) -> dict[str, frozenset[str]]:
    """Test functions the cleanup emptied (their asserts were about the flag, now constants
    that say nothing): `pass` now, more before. They test nothing any more."""
    found: dict[str, frozenset[str]] = {}
    for result in report.changed:
        if not tests(result.path):
            continue
        try:
            before, after = ast.parse(result.before), ast.parse(result.after)
        except (SyntaxError, ValueError):
            continue

        def bodies(tree: ast.Module) -> dict[str, list[ast.stmt]]:
            return {node.name: node.body for node in ast.walk(tree)
                    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                    and node.name.startswith("test")}

        then = bodies(before)
        empty = {name for name, body in bodies(after).items()
                 if len(body) == 1 and isinstance(body[0], ast.Pass) and name in then
                 and not (len(then[name]) == 1 and isinstance(then[name][0], ast.Pass))}
        if empty:
            found[result.path] = frozenset(empty)
    return found


def _test_only_wrappers(project: Project, wrappers: set[str],
                        tests: Callable[[str], bool]) -> set[str]:
    """The cleaned flag's wrappers (still defined) that only tests still call or name."""
    found = set()
    for qualname in wrappers:
        name = qualname.rsplit(".", 1)[-1]
        if not any(d.qualname == qualname for f in project.files for d in f.definitions):
            continue
        used = any(r.via == qualname for r in project.linked.reads if not tests(r.path)) or \
            any(c.callee == qualname for c in project.linked.calls if not tests(c.path)) or \
            any(not tests(f.path) and (name in f.value_names or any(
                c.name == name for c in f.calls)) for f in project.files)
        if not used and any(_naming(project, name, lambda f: tests(f.path))):
            found.add(qualname)
    return found


def _definition_fixes(project: Project, key: str) -> list[tuple[object, Fix]]:
    """Deleting each `NAME = …` that defines the flag in code: an Enum member or class
    constant, or a name bound to a definition call (`x = bool_state(name="key")`). The
    pipeline refuses when anything that can reach the name still names it."""
    fixes: list[tuple[object, Fix]] = []
    for definition in project.linked.definitions:
        if definition.key != key:
            continue
        facts = project.facts_of(definition.path)
        if facts is None:
            continue
        span = None
        for constant in facts.constants:
            if constant.span.line == definition.span.line and (
                    constant.span == definition.span or (
                        constant.value.kind is ValueKind.CALL and 0 <= constant.value.index
                        < len(facts.calls) and facts.calls[constant.value.index].span ==
                        definition.span)):
                span = constant.span
                break
        if span is None:  # a definition call of its own (`manager.add("org:x", …)`)
            call = next((c for c in facts.calls if c.span == definition.span), None)
            if call is None or call.returned or not _alone(project, definition):
                continue
            span = definition.span
        members = {spec.origin for spec in project.config.definitions if spec.class_}
        edits = (Edit(EditKind.DELETE_BINDING, definition.path, span.line, span.column),
                 *(_listing(project, definition.scope) if definition.origin in members
                   else ()))
        fixes.append((definition, Fix(True, "Delete the flag's definition", edits,
                                      project.in_tests(edits))))
    if "django-settings" in project.linked.presets:
        fixes += _setting_definitions(project, key)
    return fixes


def _constant_parameters(project: Project, report: FixReport) -> list[tuple[object, Fix]]:
    """Module-level functions called from the changed files whose parameter every known call
    now passes as the same `True` or `False` (the cleanup settled what it was): inside, that
    parameter is that value where it is tested. Only when every call is known."""
    fixes: list[tuple[object, Fix]] = []
    changed = {r.path for r in report.changed}
    for callee, calls in sorted(project.graph.calls_to().items()):
        if not calls or not any(c.path in changed for c in calls):
            continue
        home = next((f for f in project.files for d in f.definitions
                     if d.qualname == callee), None)
        if home is None:
            continue
        definition = next((d for d in home.definitions if d.qualname == callee), None)
        if definition is None or definition.kind != "function" or definition.method or \
                definition.decorators or definition.qualname != f"{home.module}." \
                f"{callee.rsplit('.', 1)[-1]}":
            continue
        name = callee.rsplit(".", 1)[-1]
        constant: list[tuple[str, bool]] = []
        for index, parameter in enumerate(definition.params):
            values: set[str | None] = set()
            for site in calls:
                facts = project.facts_of(site.path)
                call = next((c for c in facts.calls if c.span == site.span), None) \
                    if facts is not None else None
                if call is None or any(a.star for a in call.args):
                    values.add(None)
                    break
                positional = [a for a in call.args if a.keyword is None]
                given = next((a for a in call.args if a.keyword == parameter), None) or (
                    positional[index] if index < len(positional) else None)
                values.add(given.value.text if given is not None and given.value.kind is
                           ValueKind.CONST and given.value.text in ("True", "False") else None)
            if len(values) == 1 and None not in values:
                constant.append((parameter, values.pop() == "True"))
        # Scanning every file for the name is the costly part: only for a candidate.
        if not constant or _passed_around(project, name) or \
                _named_in_light_files(project, home.module, name):
            continue
        for parameter, value in constant:
            edit = Edit(EditKind.SPECIALIZE, home.path, definition.span.line,
                        definition.span.column, (parameter, value))
            fixes.append((definition, Fix(True, f"`{parameter}` of `{name}` is always the "
                                                f"same", (edit,), project.in_tests((edit,)))))
    return fixes


def _unused_clients(project: Project, report: FixReport) -> list[tuple[object, Fix]]:
    """`client = UnleashClient()` at the top of a cleaned module, made from a flag SDK (a
    module one of the presets knows), that nothing names any more: in the module, or in any
    file that may import it."""
    from flaglint.presets import PRESET_MODULES

    sdks = {module for modules in PRESET_MODULES.values() for module in modules}
    fixes: list[tuple[object, Fix]] = []
    for result in report.changed:
        facts = project.facts_of(result.path)
        if facts is None or not facts.complete:
            continue
        try:
            tree = ast.parse(project.source_of(result.path))
        except (SyntaxError, ValueError):
            continue
        for statement in tree.body:
            if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                    and isinstance(statement.targets[0], ast.Name)
                    and isinstance(statement.value, ast.Call)):
                continue
            name = statement.targets[0].id
            call = next((c for c in facts.calls if c.span.line == statement.value.lineno
                         and c.scope == facts.module), None)
            if call is None or not call.resolved or call.callee.split(".", 1)[0] not in sdks \
                    or any(a.value.kind not in (ValueKind.STR, ValueKind.CONST)
                           for a in call.args):
                continue
            loads = sum(isinstance(node, ast.Name) and node.id == name
                        for node in ast.walk(tree))
            if loads > 1 or _named_elsewhere(project, facts, name):
                continue  # the binding itself is one
            edit = Edit(EditKind.DELETE_BINDING, result.path, statement.lineno,
                        statement.col_offset + 1)
            fixes.append((name, Fix(True, f"Delete the unused SDK client `{name}`", (edit,),
                                    project.in_tests((edit,)))))
    return fixes


def _named_elsewhere(project: Project, home: FileFacts, name: str) -> bool:
    return any(_naming(project, name,
                       lambda f: f.path != home.path and _may_import(f, home.module)))


def _naming(project: Project, name: str, among: Callable[[FileFacts], bool] = lambda f: True
            ) -> Iterator[tuple[FileFacts, bytes]]:
    """The files `among` accepts (asked first: only those are read) whose text names `name`
    as a word, with that text."""
    word = re.compile(rb"\b" + re.escape(name.encode()) + rb"\b")
    for facts in project.files:
        if among(facts):
            data = project.source_of(facts.path)
            if word.search(data):
                yield facts, data


def _parameter_candidates(project: Project, report: FixReport
                          ) -> list[tuple[str, Definition, list[str]]]:
    """Module-level functions in the changed files whose parameters the cleanup made unread
    (read before it, not after): (path, definition, those parameters)."""
    found = []
    for result in report.changed:
        facts = project.facts_of(result.path)
        if facts is None or not facts.complete:
            continue
        try:
            before = ast.parse(result.before)
            after = ast.parse(project.source_of(result.path))
        except (SyntaxError, ValueError):
            continue
        for definition in facts.definitions:
            name = definition.qualname.rsplit(".", 1)[-1]
            if definition.kind != "function" or definition.method or definition.decorators \
                    or definition.qualname != f"{facts.module}.{name}":
                continue
            now, then = _function(after, name), _function(before, name)
            if now is None or then is None:
                continue
            unread = [p for p in definition.params if _reads(then, p) and not _reads(now, p)]
            if unread:
                found.append((result.path, definition, unread))
    return found


def _callers_read_light(project: Project, report: FixReport) -> frozenset[str]:
    """The modules, read light, that name a function whose parameters may go: they must be
    read in full to know every call."""
    modules = set()
    for path, definition, _ in _parameter_candidates(project, report):
        home = project.facts_of(path)
        if home is not None:
            modules |= {f.module for f, _ in _light_naming(project, home.module,
                                                           definition.qualname)}
    return frozenset(modules)


def _unused_parameters(project: Project, report: FixReport) -> list[tuple[object, Fix]]:
    """Dropping the parameters the cleanup left unread, with their arguments at every call.
    Only when every call is known and there is one: the function is not passed around, no
    call spreads `*args`/`**kwargs`, no file read light names it, and each argument dropped
    has no side effect."""
    fixes: list[tuple[object, Fix]] = []
    calls_to = project.graph.calls_to()
    for path, definition, unread in _parameter_candidates(project, report):
        name = definition.qualname.rsplit(".", 1)[-1]
        home = project.facts_of(path)
        calls = calls_to.get(definition.qualname, [])
        if home is None or not calls:
            continue  # no call in the project: it may be called from outside (an API, a view)
        sites = _argument_edits(project, calls, definition.params, unread)
        if sites is None or _passed_around(project, name) or \
                _named_in_light_files(project, home.module, name):
            continue
        edits = [Edit(EditKind.DROP_PARAMETER, path, definition.span.line,
                      definition.span.column, p) for p in unread]
        edits += sites
        fixes.append((definition, Fix(True, f"Drop the parameters of `{name}` the cleanup "
                                            f"left unread", tuple(edits),
                                      project.in_tests(edits))))
    return fixes


def _function(tree: ast.Module, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    return next((node for node in tree.body if isinstance(
        node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name), None)


def _reads(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
    return any(isinstance(node, ast.Name) and node.id == name
               for statement in function.body for node in ast.walk(statement))


def _passed_around(project: Project, name: str) -> bool:
    """Is a function of this name used other than by calling it (passed, stored, decorated
    with), anywhere it is named? Then not every call is known."""
    for _, data in _naming(project, name):
        try:
            tree = ast.parse(data)
        except (SyntaxError, ValueError):
            return True
        called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
        for node in ast.walk(tree):
            named = (isinstance(node, ast.Name) and node.id == name) or (
                isinstance(node, ast.Attribute) and node.attr == name)
            if named and id(node) not in called:
                return True
    return False


def _named_in_light_files(project: Project, module: str, name: str) -> bool:
    return any(_light_naming(project, module, name))


def _light_naming(project: Project, module: str, name: str
                  ) -> Iterator[tuple[FileFacts, bytes]]:
    """The files the prefilter skipped that may import `module` and name `name` (the last
    part of a dotted name)."""
    return _naming(project, name.rsplit(".", 1)[-1],
                   lambda f: not f.complete and _may_import(f, module))


def _argument_edits(project: Project, sites: Iterable[ResolvedCall], params: tuple[str, ...],
                    unread: list[str]) -> list[Edit] | None:
    edits = []
    for site in sites:
        facts = project.facts_of(site.path)
        call = next((c for c in facts.calls if c.span == site.span), None) \
            if facts is not None else None
        if call is None or any(arg.star for arg in call.args):
            return None
        for parameter in unread:
            index = params.index(parameter)
            positional = [a for a in call.args if a.keyword is None]
            given = next((a for a in call.args if a.keyword == parameter), None) or (
                positional[index] if index < len(positional) else None)
            if given is None:
                continue
            if given.value.kind not in (ValueKind.CONST, ValueKind.STR, ValueKind.NAME):
                return None  # dropping it would drop what computing it does
            edits.append(Edit(EditKind.DROP_ARGUMENT, site.path, call.span.line,
                              call.span.column, (parameter, index)))
    return edits


def _listing(project: Project, qualname: str) -> list[Edit]:
    """The elements of list, tuple and set literals that name a class member about to go
    (`ALL = [Flags.NEW_UI, Flags.DARK]`), anywhere: they go with it."""
    parts = qualname.split(".")
    if len(parts) < 3:
        return []
    owner, member = parts[-2], parts[-1]
    edits = []
    for facts, data in _naming(project, member):
        try:
            tree = ast.parse(data)
        except (SyntaxError, ValueError):
            continue
        lines = data.split(b"\n")
        for node in ast.walk(tree):
            if not isinstance(node, (ast.List, ast.Tuple, ast.Set)):
                continue
            for element in node.elts:
                if isinstance(element, ast.Attribute) and element.attr == member and (
                        ast.unparse(element.value).rsplit(".", 1)[-1] == owner):
                    line = lines[element.lineno - 1] if element.lineno <= len(lines) else b""
                    column = len(line[:element.col_offset].decode("utf-8", "replace")) + 1
                    edits.append(Edit(EditKind.DROP_ELEMENT, facts.path, element.lineno,
                                      column))
    return edits


def _alone(project: Project, definition: CodeDefinition) -> bool:
    """Is the definition call a statement of its own (not an argument, not bound)?"""
    text = project.source_of(definition.path).decode("utf-8", errors="replace")
    lines = text.split("\n")
    span = definition.span
    if not 0 < span.line <= len(lines):
        return False
    return not lines[span.line - 1][:span.column - 1].strip()


def _setting_definitions(project: Project, key: str) -> list[tuple[object, Fix]]:
    """`FEATURE_X = True` at the top of a settings module, for the django-settings preset."""
    line = re.compile(r"^" + re.escape(key) + r"\s*(?::[^=]*)?=[^=]", re.MULTILINE)
    fixes: list[tuple[object, Fix]] = []
    for facts in project.files:
        if "settings" not in facts.module.rsplit(".", 1)[-1]:
            continue
        text = project.source_of(facts.path).decode("utf-8", errors="replace")
        for match in line.finditer(text):
            number = text.count("\n", 0, match.start()) + 1
            edit = Edit(EditKind.DELETE_BINDING, facts.path, number, 1)
            fixes.append((facts.path, Fix(True, "Delete the setting", (edit,),
                                          project.in_tests((edit,)))))
    return fixes


def _read_fixes(project: Project, key: str) -> list[tuple[object, Fix]]:
    """Every read of the pinned flag that can become its value, as a fix of its own."""
    fixes: list[tuple[object, Fix]] = []
    for read in project.graph.reads_of(key):
        settled = project.dead.settled.get((read.path, read.call))
        if settled is None or not replaceable(read, settled, project.dead):
            continue
        edits = read_edits(project.dead, [(read.path, read.call)])
        fixes.append((read, Fix(True, "Replace the read with its value", edits,
                                project.in_tests(edits))))
    return fixes


def _unused_wrappers(project: Project, wrappers: set[str], overlay: dict[str, bytes]
                     ) -> list[tuple[object, Fix]]:
    """Delete the wrappers of the cleaned flag once nothing calls or names them any more,
    with the imports and `__all__` entries that only re-export them."""
    fixes: list[tuple[object, Fix]] = []
    via = {r.via for r in project.linked.reads}
    called = {c.callee for c in project.linked.calls}
    for qualname in sorted(wrappers):
        name = qualname.rsplit(".", 1)[-1]
        found = next(((d, f.path) for f in project.files for d in f.definitions
                      if d.qualname == qualname), None)
        if found is None or qualname in via or qualname in called:
            continue
        definition, path = found
        home = project.facts_of(path)
        module = home.module if home is not None else ""
        # A file the prefilter skipped may import it too (it is no wrapper any more, so
        # naming it no longer makes a file worth reading): drop its import where it names it.
        # (file, the name it imports it as)
        importers = [(f.path, local) for f in project.files for local, target in f.imports
                     if target.rsplit(".", 1)[-1] == name]
        importers += [(f.path, name) for f, _ in _light_naming(project, module, name)]
        importing = {rel for rel, _ in importers}
        if any(name in f.value_names or any(c.name == name for c in f.calls)
               or (f.path not in importing and any(s == name for s, _ in f.strings))
               for f in project.files):
            continue
        edits = [Edit(EditKind.DELETE_SYMBOL, path, definition.span.line,
                      definition.span.column)]
        edits += [Edit(EditKind.DROP_IMPORT, rel, 1, 1, local) for rel, local in importers]
        fixes.append((definition, Fix(True, f"Delete `{name}`", tuple(edits),
                                      project.in_tests(edits))))
    return fixes
