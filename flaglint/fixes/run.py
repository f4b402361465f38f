"""`check --fix` and `flaglint clean`: fix, re-analyze, and fix again until nothing changes."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flaglint.config import Config, ConfigError
from flaglint.engine import Options, Project, analyze, run
from flaglint.findings import Finding
from flaglint.fixes.apply import FilePlan, FixResult, apply, plan, unified_diff
from flaglint.fixes.registry_edit import remove_table, tombstone
from flaglint.registry import FlagValue
from flaglint.rules import Rule

_MAX_ROUNDS = 6


@dataclass
class FixReport:
    results: dict[str, FixResult] = field(default_factory=dict)  # path -> first before, last after
    refused: list[FixResult] = field(default_factory=list)

    def record(self, result: FixResult) -> None:
        if result.refused is not None:
            self.refused.append(result)
            return
        if not result.changed:
            return
        first = self.results.get(result.path)
        if first is None:
            self.results[result.path] = result
        else:
            self.results[result.path] = dataclasses.replace(
                result, before=first.before, replaced=first.replaced + result.replaced,
                removed_branches=first.removed_branches + result.removed_branches,
                removed_definitions=first.removed_definitions + result.removed_definitions)

    def apply(self, root: Path, plans: dict[str, FilePlan],
              overlay: dict[Path, bytes] | None) -> bool:
        """Apply one round of plans (to disk, or only to `overlay`); did anything change?"""
        results = apply(root, plans, overlay, write=overlay is None)
        for result in results:
            self.record(result)
        return any(r.changed for r in results)

    @property
    def changed(self) -> list[FixResult]:
        return [r for _, r in sorted(self.results.items()) if r.before != r.after]

    def diff(self) -> str:
        return "".join(unified_diff(r.path, r.before, r.after) for r in self.changed)


def fix_project(config: Config, paths: list[Path] | None, options: Options, rules: list[Rule],
                unsafe: bool, named: Callable[[str], bool] = lambda rel: True
                ) -> tuple[list[Finding], Project, FixReport, int]:
    """Apply fixes (to the files `named` accepts) until none is left; return the remaining
    findings and how many were fixed."""
    report = FixReport()
    first_count: int | None = None
    for _ in range(_MAX_ROUNDS):
        project = analyze(config, paths, options)
        findings = [f for f in run(project, rules).findings if named(f.path)]
        if first_count is None:
            first_count = len(findings)
        plans = plan(project, findings, unsafe)
        if not plans or not report.apply(config.root, plans, None):
            break
    return findings, project, report, (first_count or 0) - len(findings)


@dataclass
class CleanReport:
    key: str
    value: FlagValue
    fixes: FixReport
    registry_path: str | None
    registry_before: str | None
    registry_after: str | None
    left: list[str]  # where reads of the key are left that could not be replaced
    defined_in_code: list[str]

    def diff(self) -> str:
        text = self.fixes.diff()
        if self.registry_path and self.registry_before != self.registry_after:
            text += unified_diff(self.registry_path, self.registry_before or "",
                                 self.registry_after or "")
        return text


def parse_value(text: str) -> FlagValue:
    lowered = text.lower()
    if lowered in ("true", "on", "yes"):
        return True
    if lowered in ("false", "off", "no"):
        return False
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return text


def clean_flag(config: Config, paths: list[Path] | None, options: Options, key: str,
               value: FlagValue, dry_run: bool, retire: bool) -> CleanReport:
    """Settle `key` to `value` everywhere, remove the code that becomes dead (cascading to
    helpers in other modules), and drop its registry entry (or leave a tombstone)."""
    overlay: dict[Path, bytes] = {}
    options = dataclasses.replace(options, overlay=overlay)
    pinned = {key: value}
    fixes = FixReport()
    project = analyze(config, paths, options, pinned)
    if key not in project.records and not project.graph.reads_of(key):
        raise ConfigError(None, 0, f"flag {key!r} is neither declared nor read in this project")
    wrappers = {q for q, w in project.linked.wrappers.items() if w.key == key}
    for _ in range(_MAX_ROUNDS):
        plans = _clean_plan(project, key)
        _unused_wrappers(project, wrappers, plans, overlay)
        if not plans or not fixes.apply(config.root, plans, overlay):
            break
        project = analyze(config, paths, options, pinned)
    left = [f"{r.path}:{r.span.line}:{r.span.column}" for r in project.graph.reads_of(key)]
    registry_path = registry_before = registry_after = None
    decl = project.registry.flags.get(key)
    if decl is not None:
        registry_path = decl.path
        registry_before = (config.root / decl.path).read_text(encoding="utf-8")
        registry_after = tombstone(registry_before, decl.line, key, options.today) if retire \
            else remove_table(registry_before, decl.line)
    if not dry_run:
        for path, data in overlay.items():
            path.write_bytes(data)
        if registry_path is not None and registry_after is not None:
            (config.root / registry_path).write_text(registry_after, encoding="utf-8")
    defined = [f"{d.path}:{d.span.line}" for d in project.linked.definitions if d.key == key]
    return CleanReport(key, value, fixes, registry_path, registry_before, registry_after, left,
                       defined)


def _clean_plan(project: Project, key: str) -> dict[str, FilePlan]:
    plans: dict[str, FilePlan] = {}
    for read in project.linked.reads:
        settled = project.dead.settled.get((read.path, read.call))
        if read.key == key and settled is not None:
            plans.setdefault(read.path, FilePlan()).reads[
                (read.span.line, read.span.column)] = settled.value
    for symbol in project.dead.symbols:
        if symbol.settled.key == key:
            plans.setdefault(symbol.path, FilePlan()).definitions.add(
                (symbol.span.line, symbol.span.column))
    return plans


def _unused_wrappers(project: Project, wrappers: set[str], plans: dict[str, FilePlan],
                     overlay: dict[Path, bytes]) -> None:
    """Delete the wrappers of the cleaned flag once nothing names them any more."""
    for qualname in wrappers:
        name = qualname.rsplit(".", 1)[-1]
        found = next(((d, f.path) for f in project.files for d in f.definitions
                      if d.qualname == qualname), None)
        if found is None:
            continue
        definition, path = found
        word = re.compile(rf"\b{re.escape(name)}\b".encode())
        mentions = 0
        for source in project.files:
            file = (project.config.root / source.path).resolve()
            data = overlay.get(file) or file.read_bytes()
            mentions += len(word.findall(data))
        if mentions == 1:  # only its own `def`
            plans.setdefault(path, FilePlan()).definitions.add(
                (definition.span.line, definition.span.column))
