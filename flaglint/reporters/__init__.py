"""Reporters turn findings into one output format each; they never compute a finding."""

from __future__ import annotations

from dataclasses import dataclass

from flaglint.findings import Finding
from flaglint.suppressions import Suppression


@dataclass(frozen=True, slots=True)
class Report:
    findings: list[Finding]
    files: int
    flags: int
    unused_suppressions: tuple[tuple[str, Suppression], ...] = ()
    fixed: int | None = None  # with --fix: how many findings the fixes removed
