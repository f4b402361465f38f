"""Stage 6: the rules run over one project, and the suppression comments honoured."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field

from flaglint.findings import Finding
from flaglint.model.project import Project
from flaglint.rules.base import Rule
from flaglint.suppressions import Suppression, Suppressions


@dataclass
class Outcome:
    findings: list[Finding]
    project: Project
    unused_suppressions: list[tuple[str, Suppression]]
    suppressed: list[Finding] = field(default_factory=list)  # findings an inline ignore hides


# The rules whose findings settle a flag's reads or delete the code they guard.
_SETTLING = frozenset({"FL202", "FL301", "FL302"})


def run(project: Project, rules: Iterable[Rule]) -> Outcome:
    raw: list[Finding] = []
    for rule in rules:
        raw.extend(rule.check(project))
    raw = [_one_story(project, finding) for finding in raw]
    kept, unused, suppressed = _apply_suppressions(project, raw)
    kept.sort(key=lambda f: f.sort_key)
    return Outcome(kept, project, unused, suppressed)


def _one_story(project: Project, finding: Finding) -> Finding:
    """A finding that would settle or delete code on a key with two lives offers no fix,
    and says why: which life the code belongs to is the team's to say, not flaglint's."""
    lives = project.two_lives.get(finding.flag or "")
    if lives is None or finding.code not in _SETTLING:
        return finding
    return dataclasses.replace(finding, fix=None, message=(
        f"{finding.message}; no fix while `{finding.flag}` has two lives ({lives}): give the "
        f"new meaning a new key first"))


def _table(project: Project, path: str) -> Suppressions | None:
    brief = project.files.brief(path)
    if brief is not None:
        return brief.suppressions
    return project.registry.suppressions.get(path) or project.deployed_suppressions.get(path)


def _apply_suppressions(project: Project, findings: list[Finding]
                        ) -> tuple[list[Finding], list[tuple[str, Suppression]],
                                   list[Finding]]:
    used: set[tuple[str, int]] = set()
    kept = []
    suppressed = []
    for finding in findings:
        table = _table(project, finding.path)
        hit = table.suppresses(finding.span.line, finding.code) if table is not None else None
        if hit is None:
            kept.append(finding)
        else:
            suppressed.append(finding)
            used.add((finding.path, hit.line))
    # A fix that would also change what a suppression keeps is no fix any more.
    blocked = {(e.path, e.position) for f in suppressed if f.fix is not None
               for e in f.fix.edits}
    if blocked:
        kept = [dataclasses.replace(f, fix=None) if f.fix is not None and any(
            (e.path, e.position) in blocked for e in f.fix.edits) else f for f in kept]
    tables = project.files.suppression_tables()
    tables += list(project.registry.suppressions.items())
    tables += list(project.deployed_suppressions.items())
    unused = [(path, suppression) for path, table in tables
              for line, suppression in table.by_line.items()
              if (path, line) not in used and not suppression.bare]
    return kept, unused, suppressed
