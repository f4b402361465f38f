"""`check --fix`: analyse, apply the fixes the scope allows, analyse the fixed files again,
until no fix is left. Every round is one analysis of the project with the files fixed so far
held in memory; only their facts and links are made again, the rest come from the cache.
Nothing is written here."""

from __future__ import annotations

import ast
import datetime as dt
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from flaglint import store as cache
from flaglint.analysis import narrowing
from flaglint.config import Config
from flaglint.engine.analyze import analyze, request_for
from flaglint.engine.fixmemo import StoredFixes
from flaglint.engine.inputs import Inputs, gather, root_relative
from flaglint.findings import Finding, Fix
from flaglint.fixes.apply import FixScope, fixers
from flaglint.fixes.naming import kept_wrapper
from flaglint.fixes.plans import FixResult
from flaglint.fixes.report import FixReport
from flaglint.fixes.rounds import apply_round, count_fixed
from flaglint.fixes.rounds import preview as preview_fix
from flaglint.model.project import Project
from flaglint.rules.base import Rule
from flaglint.rules.outcome import Outcome, run
from flaglint.sources.diff import DiffScope
from flaglint.sources.registry import FlagValue

MAX_ROUNDS = 6


def preview(project: Project, fix: Fix) -> list[FixResult]:
    """What applying this one fix alone would change, file by file (empty when the pipeline
    would refuse it)."""
    return preview_fix(project, fix)


def fix_project(config: Config, today: dt.date, rules: Sequence[Rule], scope: FixScope,
                store: cache.Store, *, workers: int, named: Sequence[Path] | None = None,
                diff: DiffScope | None = None, tests: Callable[[str], bool],
                inputs: Inputs | None = None) -> tuple[Outcome, FixReport]:
    """Fix until nothing is left to fix; return the outcome on the fixed files (its findings
    narrowed to the named paths and the diff) and what was changed. `inputs`: when the
    caller gathered them already."""
    inputs = inputs or gather(config, today, store)
    starting = fixers(workers, inputs.size())  # before the analysis: they import meanwhile
    request = request_for(rules, diff, (root_relative(path, config.root) for path in named or ()))
    by_flag = {rule.code for rule in rules if rule.by_flag_in_diff}
    report = FixReport()
    memo = StoredFixes(store)  # a file fixed before the same way (a check's trial) is kept
    chosen: list[Finding] = []
    before: list[Finding] = []
    outcome = None
    first: Project | None = None
    settled: dict[str, FlagValue | None] = {}  # the value each fixed flag's reads now have
    # The rounds ask only the rules with fixes; every rule answers on the files as fixed
    fixing = [rule for rule in rules if rule.fixable]
    with starting as pool:
        for round_number in range(MAX_ROUNDS + 1):
            project = analyze(_fixed(inputs, report), store, request, workers=workers)
            outcome = run(project, fixing)
            outcome.findings = narrowing.narrow(project, outcome.findings, by_flag, named)
            report.fixes.update(count_fixed(chosen, before, outcome.findings))
            before = outcome.findings
            if round_number == MAX_ROUNDS:
                break
            fixes = [(f, f.fix) for f in outcome.findings if f.fix is not None]
            blocked = [f.fix for f in outcome.suppressed if f.fix is not None]
            chosen = apply_round(project, fixes, blocked, scope, report, pool, memo)
            if not chosen:
                break
            first = first or project
            values = {s.key: s.value for s in project.dead.settled.values()}
            settled.update({f.flag: values[f.flag] for f in chosen
                            if f.flag is not None and f.flag in values})
        outcome = run(project, rules)
        outcome.findings = narrowing.narrow(project, outcome.findings, by_flag, named)
    assert outcome is not None
    report.tests = {r.path for r in report.changed if tests(r.path)}
    if first is not None:
        report.tests_otherwise = _tests_otherwise(first, project, settled, tests, report)
        report.wrappers_left = _wrappers_left(first, project, settled, report)
    return outcome, report


def _wrappers_left(before: Project, after: Project, settled: dict[str, FlagValue | None],
                   report: FixReport) -> list[str]:
    """`path:line NAME` of each wrapper of a flag the fixes settled that code called before
    them and that no file names any more but where it is defined (streamlit's
    `_should_show_deprecation_warning_in_browser`, whose one call the fix replaced), at its
    line on disk: `clean` deletes such a wrapper; `--fix` leaves it (code outside the
    project may call it), and says so."""
    wrappers = sorted(q for q, w in before.linked.wrappers.items() if w.key in settled)
    if not wrappers:
        return []
    called = {call.callee for call in before.graph.call_graph().calls}
    found = []
    for symbol in before.graph.call_graph().symbols:  # (after, its file may be read light)
        if symbol.qualname not in wrappers or symbol.qualname not in called:
            continue
        facts = before.files.facts_of(symbol.path)
        definitions = facts.definitions if facts is not None else ()
        if any(kept_wrapper(d) for d in definitions if d.qualname == symbol.qualname):
            continue  # `clean` keeps it too (a decorator may register it)
        name = symbol.qualname.rsplit(".", 1)[-1]
        word = re.compile(rb"\b" + re.escape(name.encode()) + rb"\b")
        named = [path for path in after.paths()
                 if name.encode() in (data := after.source_of(path))
                 for _ in word.finditer(data)]
        if named == [symbol.path]:  # its own `def` alone: where it is on disk
            data = before.source_of(symbol.path)
            match = re.search(rb"^[ \t]*(?:async[ \t]+)?def[ \t]+" + re.escape(name.encode())
                              + rb"\b", data, re.MULTILINE)
            line = data.count(b"\n", 0, match.start()) + 1 if match else 1
            found.append(f"{symbol.path}:{line} `{name}`")
    return found


def _tests_otherwise(before: Project, after: Project, settled: dict[str, FlagValue | None],
                     tests: Callable[[str], bool], report: FixReport) -> dict[str, list[str]]:
    """The tests that set a flag the fixes settled to another value or to a variable: the
    fixes removed the code they ran (prefect's test of `serve()` raising when scheduling is
    off), and `--fix` never deletes a test."""
    from flaglint.fixes.key_uses import literal_settings_left, parsed_tests
    from flaglint.fixes.test_cleanup import (
        key_constants,
        read_mappings,
        test_classes_left,
        test_texts,
    )

    found = {}
    texts = test_texts(after, tests, report.overlay)  # once for every flag (Sentry: 54)
    trees: dict[str, ast.Module | None] = {}  # and each parsed once
    for key, value in sorted(settled.items()):
        if value is None:
            continue
        left = test_classes_left(after, key, value, tests, report.overlay,
                                 key_constants(before, key), read_mappings(before, key),
                                 functions=True, texts=texts, trees=trees)
        named = [f"{path}:{line} `{name}`" for path, line, _, name, _ in left]
        # and a literal value given where no setter flaglint knows takes it (scrapy's)
        where = {place.partition(" ")[0] for place in named}  # `path:line`
        named += [place for place in literal_settings_left(
            key, value, parsed_tests(texts[0], key, trees))
                  if place.partition(" ")[0] not in where]
        if named:
            found[key] = named
    return found


def _fixed(inputs: Inputs, report: FixReport) -> Inputs:
    return inputs.with_overlay(report.overlay) if report.overlay else inputs
