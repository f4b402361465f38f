"""`check --changed-since REF`: the findings a pull request brings. Findings are kept on changed
lines (uncommitted and untracked files count as changed) and on registry entries whose lines
changed; rules that go by flag (a reuse, a new meaning) keep their findings on every flag the
change touched: its entry, a history event within REF..HEAD, a deployment config line, or the
code it gates."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence, Set
from pathlib import Path

from flaglint.analysis.deployed import served
from flaglint.findings import Finding, Span
from flaglint.model.project import Project
from flaglint.sources.diff import DiffScope
from flaglint.sources.discover import within

_HEADER = re.compile(r"^\s*\[")


def _registry_lines(project: Project) -> dict[str, list[str]]:
    lines = project.memo().setdefault("registry lines", {})
    assert isinstance(lines, dict)
    return lines


def _extent(project: Project, path: str, span: Span) -> Span:
    """A registry finding covers its whole `[flags.KEY]` table."""
    if path not in project.registry.paths:
        return span
    known = _registry_lines(project)
    if path not in known:
        try:
            text = (project.config.root / path).read_text(encoding="utf-8")
        except OSError:
            text = ""
        known[path] = text.splitlines()
    lines = known[path]
    end = span.line
    while end < len(lines) and not _HEADER.match(lines[end]):
        end += 1
    return Span(span.line, 1, end, 1)


def _touches(diff: DiffScope, path: str, span: Span) -> bool:
    lines = diff.changed.get(path, frozenset())
    return any(line in lines for line in range(span.line, span.end_line + 1))


def touched_keys(project: Project, diff: DiffScope) -> set[str]:
    """Keys whose registry entry changed, that have history events within the range, that
    gate different code than at the base, or whose deployment config lines changed."""
    keys = set(project.regated)
    for key, record in project.records.items():
        if record.decl is not None and _touches(
                diff, record.decl.path, _extent(project, record.decl.path, record.decl.span)):
            keys.add(key)
    if project.history is not None:
        for key, history in project.history.keys.items():
            if any(e.commit.sha in diff.commits for e in history.events):
                keys.add(key)
    for item in served(project):
        if _touches(diff, item.setting.path, item.setting.span):
            keys.add(item.key)
    return keys


def keep(project: Project, diff: DiffScope, findings: Iterable[Finding],
         by_flag: Set[str]) -> list[Finding]:
    """The findings on changed lines, and those of the rules `by_flag` names (rules that go
    by flag: a reuse, a new meaning) whose flag the change touched."""
    touched = touched_keys(project, diff)
    return [finding for finding in findings
            if _touches(diff, finding.path, _extent(project, finding.path, finding.span))
            or (finding.code in by_flag and finding.flag in touched)]


def narrow(project: Project, findings: Iterable[Finding], by_flag: Set[str],
           named: Sequence[Path] | None) -> list[Finding]:
    """The findings in the named paths and, in a `--changed-since` run, on what the change touched
    (`by_flag`: the codes of the rules that go by flag)."""
    inside = within(list(named) if named else None, project.config.root)
    kept = [f for f in findings if inside(f.path)]
    if project.diff is not None:
        kept = keep(project, project.diff, kept, by_flag)
    return kept
