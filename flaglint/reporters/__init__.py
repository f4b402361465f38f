"""Reporters turn findings into one output format each; they never compute a finding."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flaglint.findings import Finding, Fix
from flaglint.suppressions import Suppression


@dataclass(frozen=True, slots=True)
class FileChange:
    """What a fix does to one file, for formats that carry the edit itself (SARIF)."""

    path: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class Report:
    findings: list[Finding]
    files: int
    flags: int
    unused_suppressions: tuple[tuple[str, Suppression], ...] = ()
    fixed: int | None = None  # with --fix: how many findings the fixes removed
    # What the CI formats say besides the findings:
    root: Path | None = None  # the project root, which paths are relative to
    fingerprints: tuple[str, ...] = ()  # one a finding (baseline.fingerprints)
    exit_code: int = 0
    notes: tuple[str, ...] = ()  # what the run could not see (a shallow clone, …)
    changes: dict[int, tuple[FileChange, ...]] = field(default_factory=dict)  # a fix's text
    codes: tuple[str, ...] = ()  # the rules that ran
    diff_ref: str | None = None  # `--diff REF`: the findings are on what the change touched
    hidden: int | None = None  # with --baseline: findings the baseline hides
    stale: int | None = None  # with --baseline: entries no finding matches any more
    recorded: int | None = None  # with --write-baseline: the findings recorded (all hidden)

    @property
    def fixable(self) -> dict[str, int]:
        """Remaining findings by the option that would fix them: `--fix` alone ("safe"),
        `--unsafe-fixes` ("unsafe"), `--fix-tests` ("tests")."""
        counts = {"safe": 0, "unsafe": 0, "tests": 0}
        for finding in self.findings:
            kind = fix_kind(finding.fix)
            if kind is not None:
                counts[kind] += 1
        return counts


def fix_kind(fix: Fix | None) -> str | None:
    """Which option applies this fix: "safe" (`--fix`), "unsafe", "tests"; None: no fix."""
    if fix is None or not fix.edits:
        return None
    if not fix.safe:
        return "unsafe"
    return "tests" if fix.in_tests else "safe"
