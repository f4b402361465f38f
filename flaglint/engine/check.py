"""`flaglint check`: one analysis, the rules, and what the report needs, stored under the
hash of every input. A second run over unchanged inputs (the pre-commit hook on a commit
that touched no Python file) finds the summary in the cache after discovery, one stat of
each file and a few small reads; any other run takes the driver's steps, with the cache's
help wherever an input is unchanged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from flaglint import store as cache
from flaglint.config import Config
from flaglint.engine.fixmemo import StoredFixes
from flaglint.engine.inputs import Inputs, gather, root_relative
from flaglint.findings import EditKind, Finding, Fix
from flaglint.reporters import FileChange
from flaglint.sources.diff import DiffScope
from flaglint.sources.git import blame_inputs
from flaglint.suppressions import Suppression

if TYPE_CHECKING:  # the analysis is imported only when the cache has no result
    from flaglint.model.project import Project
    from flaglint.processes import Workers
    from flaglint.rules.base import Rule
    from flaglint.rules.outcome import Outcome

@dataclass(frozen=True, slots=True)
class Summary:
    """What the report of a check needs, without the project behind it."""

    findings: tuple[Finding, ...]  # what the report shows: in the named paths and the diff
    everything: tuple[Finding, ...]  # every finding of the run (a baseline matches these)
    files: tuple[str, ...]  # every analysed file
    flags: int
    unused_suppressions: tuple[tuple[str, Suppression], ...]
    notes: tuple[str, ...]  # what the run could not see, said on stderr
    previews: tuple[tuple[FileChange, ...], ...] = ()  # with `previews`: a finding's fix
    # What git blame read besides HEAD and the files, when the run blamed lines (`Project`):
    # the summary holds for a later run only where that is the same (`_stored`)
    blamed: str | None = None


def check(config: Config, today: dt.date, codes: Sequence[str], store: cache.Store, *,
          workers: int, named: Sequence[Path] | None = None, diff: DiffScope | None = None,
          previews: bool = False) -> Summary:
    """The summary of a check by the rules of these codes."""
    inputs = gather(config, today, store)
    key = check_key(inputs, codes, named, diff, previews=previews)
    found = _stored(store, key, config.root)
    if found is not None:
        return found
    from flaglint.engine.analyze import analyze, request_for
    from flaglint.fixes.apply import trial_fixers
    from flaglint.rules import rules_for
    from flaglint.rules.outcome import run

    rules = rules_for(codes)
    named_paths = sorted({root_relative(path, config.root) for path in named or ()})
    # A trial only where a rule may offer a fix
    with trial_fixers(workers if any(rule.fixable for rule in rules) else 1) as fixers:
        project = analyze(inputs, store, request_for(rules, diff, named_paths),
                          workers=workers, fixers=fixers)
        summary = summarize(run(project, rules), rules, named=named, previews=previews,
                            memo=StoredFixes(store), fixers=fixers)
    store.put("check", key, summary, Summary)
    return summary


def check_key(inputs: Inputs, codes: Sequence[str], named: Sequence[Path] | None,
              diff: DiffScope | None, *, previews: bool) -> str:
    """Where the summary of a check with these arguments is stored."""
    named_paths = sorted({root_relative(path, inputs.config.root) for path in named or ()})
    return cache.key("check", inputs.digest(), list(codes), named_paths, diff, previews)


def _stored(store: cache.Store, key: str, root: Path) -> Summary | None:
    """The summary stored under `key`, unless its run blamed lines and what git blame reads
    besides HEAD and the files has changed since (a rename staged, `blame.ignoreRevsFile`
    set): HEAD and the files alone do not say what blame answers."""
    found = store.get("check", key, Summary)
    if found is not None and found.blamed is not None and \
            found.blamed != (blame_inputs(root) or "unknown"):
        return None
    return found


def known_unfixable(store: cache.Store, key: str, root: Path) -> Summary | None:
    """The stored summary of a check of the whole project (`key`: `check_key`) when none
    of its findings has a fix: `--fix` with the same arguments would analyse, change
    nothing and report it."""
    found = _stored(store, key, root)
    if found is None or any(finding.fix is not None for finding in found.everything):
        return None
    return found


def keep_unfixable(store: cache.Store, key: str, outcome: Outcome, summary: Summary) -> None:
    """Store the summary a `--fix` of the whole project made when no finding had a fix: it
    is the summary a check would make (the next `--fix`, and `check`, find it)."""
    if not any(finding.fix is not None for finding in outcome.findings):
        store.put("check", key, summary, Summary)


def summarize(outcome: Outcome, rules: Sequence[Rule], *,
              named: Sequence[Path] | None = None, previews: bool = False,
              memo: StoredFixes | None = None, fixers: Workers | None = None) -> Summary:
    """The report's part of an outcome: its findings in the named paths and, with
    `--changed-since`, on what the change touched (`memo`: where the trial of its fixes
    finds files fixed before; `fixers`: the processes that try them, when started)."""
    from flaglint.analysis import narrowing

    project = outcome.project
    shown = narrowing.narrow(project, outcome.findings, _by_flag(rules), named)
    shown, refusals = _offered(outcome, shown, memo, fixers)
    changes: tuple[tuple[FileChange, ...], ...] = ()
    if previews:
        shown, changes = _previews(project, shown)
    return Summary(tuple(shown), tuple(outcome.findings), project.paths(),
                   len(project.graph.flags()), tuple(outcome.unused_suppressions),
                   tuple(_notes(project, rules) + refusals), changes, project.blamed)


def _offered(outcome: Outcome, findings: list[Finding], memo: StoredFixes | None,
             fixers: Workers | None = None) -> tuple[list[Finding], list[str]]:
    """The findings with a fix only where `--fix` would apply it (with every scope), so
    that "fixable" means the same in every format; and why the others are not offered."""
    # A fix that only settles reads (and so collapses their branches) is always made; one
    # that deletes something is made only when nothing still refers to it, which only a
    # trial of the whole round tells. Only those files are tried (a 5 MB module of reads
    # is not transformed to say what its settling fixes do).
    fixes = [(index, f.fix) for index, f in enumerate(findings) if f.fix is not None
             and any(edit.kind is not EditKind.SETTLE_READ for edit in f.fix.edits)]
    if not fixes:
        return findings, []
    from flaglint.fixes.rounds import applicable  # libcst: imported only for a trial

    blocked = [f.fix for f in outcome.suppressed if f.fix is not None]
    chosen, why = applicable(outcome.project, fixes, blocked, memo, fixers)
    kept = set(chosen) | {index for index, f in enumerate(findings) if f.fix is not None
                          and all(e.kind is EditKind.SETTLE_READ for e in f.fix.edits)}
    offered = [f if f.fix is None or index in kept else replace(f, fix=None)
               for index, f in enumerate(findings)]
    return offered, [f"fix not offered: {reason}" for reason in why]


def _by_flag(rules: Sequence[Rule]) -> set[str]:
    return {rule.code for rule in rules if rule.by_flag_in_diff}


def _previews(project: Project, findings: Sequence[Finding]
              ) -> tuple[list[Finding], tuple[tuple[FileChange, ...], ...]]:
    """The text edits of each finding's fix; a fix that changes nothing alone is not
    offered (SARIF carries every fix the other formats call fixable)."""
    from flaglint.engine.fixing import preview

    shown, changes = [], []
    done: dict[Fix, tuple[FileChange, ...]] = {}
    for finding in findings:
        found: tuple[FileChange, ...] = ()
        if finding.fix is not None:
            if finding.fix not in done:
                done[finding.fix] = tuple(FileChange(r.path, r.before, r.after)
                                          for r in preview(project, finding.fix))
            found = done[finding.fix]
            if not found:
                finding = replace(finding, fix=None)
        shown.append(finding)
        changes.append(found)
    return shown, tuple(changes)


def _notes(project: Project, rules: Sequence[Rule]) -> list[str]:
    """What the run could not see, said once on stderr."""
    notes = list(project.notes)
    if project.history_note and any(r.needs_history for r in rules):
        notes.append(project.history_note)
    reads = any(True for _ in project.graph.reads())
    if not project.has_declarations and reads:
        notes.append("no registry (flags.toml) and no definitions configured, so FL101 and "
                     "FL102 cannot tell declared flags from undeclared ones")
    none = no_flag_api(project)
    if none is not None:
        notes.append(none)
    return notes


def no_flag_api(project: Project) -> str | None:
    """Why no flag was checked, where nothing names a flag API and none was found: "All
    checks passed" alone would be a verdict from nothing (mlflow after `init`)."""
    if any(True for _ in project.graph.reads()) or project.registry.flags or \
            project.linked.definitions or project.linked.presets or project.config.readers \
            or project.config.definitions or project.flag_api:
        return None
    config = project.config
    sdk = f"`presets = []` in {config.source.name if config.source else 'the configuration'}" \
        f" turns the SDK presets and Django settings off" if config.presets == () \
        else "no flag SDK is imported"
    return (f"no flag API found: {sdk} and no [[readers]] or [[definitions]] are "
            f"configured, so no flag was checked; name the project's own in "
            f"[[readers]] or [[definitions]] (docs/configuration.md)")
