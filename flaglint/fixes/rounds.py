"""One round of fixes: the fixes the scope allows, taken whole, applied to the files held
in memory, and refused file by file when a result would not parse or would delete a
definition something still names. Nothing here analyses the project again: the driver
(engine/fixing.py) does, between rounds."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass
from typing import TypeVar

from flaglint.analysis.imports import imports_with_effects
from flaglint.findings import Finding, Fix
from flaglint.fixes.apply import FilePlan, FixResult, FixScope, Transformed, plan, transform
from flaglint.fixes.naming import may_import
from flaglint.fixes.report import FixReport
from flaglint.model.project import Project

T = TypeVar("T")


def apply_round(project: Project, fixes: Sequence[tuple[T, Fix]], blocked: list[Fix],
                scope: FixScope, report: FixReport) -> list[T]:
    """Apply one round of fixes to the overlay; return the findings whose fixes went in."""
    root = project.config.root
    refused: set[str] = set()
    tried: dict[str, _Tried] = {}  # a plan transformed before, by path
    while True:
        allowed = [(owner, fix) for owner, fix in fixes
                   if not any(e.path in refused for e in fix.edits)]
        plans, chosen = plan(allowed, blocked, scope, root)
        if not plans:
            return []
        for rel, file_plan in plans.items():
            file_plan.keep_imports = imports_with_effects(project, rel, plans.keys())
        todo = {rel: p for rel, p in plans.items() if rel not in tried or tried[rel].plan != p}
        for done, (rel, file_plan) in zip(transform(root, todo, report.overlay),
                                          sorted(todo.items()), strict=True):
            tried[rel] = _Tried(file_plan, done)
        results = [tried[rel].done for rel in sorted(plans)]
        newly = {done.result.path for done in results if done.result.refused is not None}
        for done in results:
            if done.result.refused is not None:
                report.record(done.result)
        newly |= _still_named(project, results)
        if newly:
            refused |= newly  # and every fix that edits a refused file waits with it
            continue
        for done in results:
            if done.result.changed:
                report.record(done.result)
                report.overlay[done.result.path] = done.data
        return chosen if any(done.result.changed for done in results) else []


@dataclass(frozen=True, slots=True)
class _Tried:
    plan: FilePlan
    done: Transformed


def _still_named(project: Project, results: list[Transformed]) -> set[str]:
    """The files whose fix deletes a definition something in the project still names: a
    definition is deleted only when nothing names it any more, the last guard against
    deleting code that still runs."""
    fixed = {done.result.path: done.data for done in results}
    return {done.result.path for done in results if done.result.removed_names
            and still_named(project, fixed, done.result.path, done.result.removed_names)}


def preview(project: Project, fix: Fix) -> list[FixResult]:
    """What applying this one fix alone would change, file by file; empty when the pipeline
    would refuse it (a file that would not parse, a definition something still names)."""
    root = project.config.root
    plans, chosen = plan([(0, fix)], [], FixScope(unsafe=True, tests=True), root)
    if not chosen:
        return []
    for rel, file_plan in plans.items():
        file_plan.keep_imports = imports_with_effects(project, rel, plans.keys())
    results = transform(root, plans, project.overlay or {})
    if any(done.result.refused is not None for done in results) or _still_named(project, results):
        return []
    return [done.result for done in results if done.result.changed]


def still_named(project: Project, fixed: dict[str, bytes], path: str,
                 names: Set[str]) -> bool:
    """Does any file that can reach the definitions deleted from `path` (that file, and the
    files importing its module) still name one of them, once fixed?"""
    facts = project.facts_of(path)
    module = facts.module if facts is not None else ""
    word = re.compile(rb"\b(" + b"|".join(re.escape(n.encode()) for n in sorted(names)) +
                      rb")\b")
    for other in project.files:
        if other.path != path and not may_import(other, module):
            continue
        data = fixed[other.path] if other.path in fixed else project.source_of(other.path)
        if word.search(data):
            return True
    return False


def count_fixed(chosen: Iterable[Finding], after: Iterable[Finding]) -> int:
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
