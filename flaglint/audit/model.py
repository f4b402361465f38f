"""The audit's report as data: one row a flag, the dead code, the stage and its criteria."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from flaglint.findings import Finding

VERSION = 1


@dataclass
class FlagRow:
    key: str
    status: str  # active | rolled-out | retired | removed | undeclared
    declared: str  # "registry", "code", "registry+code", or "" (read only)
    type: str
    type_source: str  # "registry" or "name" (guessed from the key)
    owner: str
    owner_source: str  # "registry", "CODEOWNERS", "git" or ""
    author: str  # who wrote most of the lines that name the key (git)
    created: dt.date | None
    created_source: str  # "registry", "git" or ""
    age_days: int | None
    lifetime_days: int | None
    last_read_change: dt.date | None
    reads: int
    test_reads: int
    files: int
    packages: int
    guarded_lines: int
    dead_lines: int  # lines cleaning would remove (settled flags)
    findings: dict[str, int]
    stale: list[str]
    where: str  # its declaration or first read, `path:line`
    # Past the lifetime of a type guessed from its name: counted apart from the stale, as
    # "no lifetime declared" (a guess never makes a flag expired).
    no_lifetime: str = ""
    # What the flag services' exports serve, by environment (`unleash: production true`).
    service: str = ""
    expires: dt.date | None = None  # its declared end (`expires`), which the lifetime yields to

    @property
    def is_stale(self) -> bool:
        return bool(self.stale)


@dataclass
class DeadCode:
    flag: str
    path: str
    line: int
    end_line: int
    what: str  # "branch" or "function name"
    removable: bool = True  # `clean` removes it (else it is left to a hand)


@dataclass
class Audit:
    root: Path
    today: dt.date
    rows: list[FlagRow]
    findings: list[Finding]
    months: list[tuple[str, int, int]]  # (YYYY-MM, flags, stale flags)
    dead_code: list[DeadCode]
    stage: Stage
    history: bool  # git history was read
    deployments: bool  # deployment configs were read
    registry: bool
    files: int
    lines: int
    services: tuple[str, ...] = ()  # the flag-state exports read (`unleash (path)`)

    @property
    def totals(self) -> dict[str, int]:
        by_code = Counter(f.code for f in self.findings)
        return {"flags": len(self.rows), "stale": sum(r.is_stale for r in self.rows),
                "no_lifetime": sum(bool(r.no_lifetime) for r in self.rows),
                "findings": len(self.findings), "dead_lines": sum(r.dead_lines for r in
                                                                 self.rows),
                "guarded_lines": sum(r.guarded_lines for r in self.rows),
                "files": self.files, "lines": self.lines, **dict(sorted(by_code.items()))}


@dataclass
class Stage:
    name: str  # Reactionary | Repeatable | Reliable | Aspirational
    criteria: list[Criterion]
    steps: list[str]  # the next three, with the commands that take them


@dataclass
class Criterion:
    stage: str
    text: str
    met: bool
    measured: str
