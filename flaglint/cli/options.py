"""What every command makes of the options they share: the configuration and named paths,
the rules, the cache, the worker count, the `--changed-since` scope (a check's, together with
how much it says on the terminal: CheckRun); which findings fail a run (`--fail-on`);
the errors a user sees; and one analysis of the whole project for the commands that report
on all of it."""

from __future__ import annotations

import argparse
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from flaglint.config import Config, find_config, load_config, project_root

if TYPE_CHECKING:
    from flaglint.engine.origins import Origins
    from flaglint.findings import Finding
    from flaglint.rules.outcome import Outcome
    from flaglint.sources.diff import DiffScope
    from flaglint.store import Store

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    pass


class RunError(Exception):
    """The run could not finish what it started (a fix that cannot be written)."""


@dataclass(frozen=True, slots=True)
class Target:
    """The project a command runs on, and the paths it names (None: the whole project)."""

    config: Config
    paths: list[Path] | None


@dataclass(frozen=True, slots=True)
class Terminal:
    """How much a run says: `quiet` the findings (or the preview's diff) and nothing else,
    `silent` nothing at all (errors that end the run excepted); `color` on stdout."""

    quiet: bool
    silent: bool
    color: bool


@dataclass(frozen=True, slots=True)
class CheckRun:
    """One check: its options, its project, the codes of the rules it runs, its
    `--changed-since` scope, and how much it says on the terminal."""

    args: argparse.Namespace
    target: Target
    codes: list[str]
    today: dt.date
    diff: DiffScope | None
    terminal: Terminal

    @property
    def formats(self) -> set[str]:
        """Every report format asked for."""
        return {self.args.format, *(f.format for f in self.args.output_format)}


def target(args: argparse.Namespace) -> Target:
    paths = [p.resolve() for p in args.paths] or None
    start = paths[0] if paths else Path.cwd()
    if args.config is not None:
        if not args.config.is_file():
            raise UsageError(f"--config {args.config}: no such file")
        source: Path | None = args.config
    else:
        source = find_config(start)
    config = load_config(source, start if source is not None else project_root(start))
    for path in paths or ():
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")
    return Target(config, paths)


def rule_codes(args: argparse.Namespace, config: Config) -> list[str]:
    """The codes of the rules this run asks for (no rule is imported for that: a run whose
    result the cache holds imports none)."""
    from flaglint.rules.catalogue import selected_codes, validate_codes

    for code in (*args.select, *args.ignore, *config.select, *config.ignore):
        if not validate_codes(code):
            raise UsageError(f"unknown rule code or prefix {code!r}; see `flaglint rule`")
    select = args.select or config.select
    ignore = (*config.ignore, *args.ignore)
    return selected_codes(select, ignore)


def store(args: argparse.Namespace) -> Store:
    from flaglint.store import Store

    if getattr(args, "no_cache", False):
        return Store.disabled()
    made = Store.default()
    made.ahead = workers(args) > 1  # a writer of its own may encode what a run keeps
    return made


def workers(args: argparse.Namespace) -> int:
    return getattr(args, "jobs", 0) or os.cpu_count() or 1


def diff_scope(args: argparse.Namespace, config: Config) -> DiffScope | None:
    """The `--changed-since` scope, said before any work is done when REF or git is wrong."""
    if args.changed_since is None:
        return None
    from flaglint.sources.diff import DiffError, scope

    try:
        return scope(config.root, args.changed_since, args.changed_since_option)
    except DiffError as error:
        raise UsageError(str(error)) from None


_RANK = {"info": 1, "warning": 2, "error": 3, "never": 4}


def failing(findings: list[Finding], fail_on: str | None) -> bool:
    """Does a finding at least as severe as `--fail-on` remain? (None: any finding does.)"""
    threshold = _RANK[fail_on or "info"]
    return any(_RANK[finding.severity.value] >= threshold for finding in findings)


def analysed(args: argparse.Namespace, config: Config, today: dt.date,
             origins: Origins) -> Outcome:
    """One analysis of the whole project, and the configured rules run on it."""
    from flaglint.engine.analyze import Request, analyze
    from flaglint.engine.inputs import gather
    from flaglint.rules import all_rules, select_rules
    from flaglint.rules.outcome import run

    configured = select_rules(all_rules(), config.select, config.ignore)
    cache = store(args)
    try:
        inputs = gather(config, today, cache)
        project = analyze(inputs, cache, Request(origins=origins), workers=workers(args))
        return run(project, configured)
    finally:
        cache.close()


def write_error() -> type[Exception]:
    from flaglint.fixes.apply import WriteError

    return WriteError


def write_failure(error: Exception) -> str:
    from flaglint.fixes.apply import WriteError

    assert isinstance(error, WriteError)
    failed = ", ".join(f"{path} ({why})" for path, why in error.failed)
    lines = [f"cannot write the fixes: {failed}"]
    if error.written:
        lines.append(f"changed: {', '.join(error.written)}")
    lines.append(f"not changed: {', '.join([p for p, _ in error.failed] + error.unwritten)}")
    return "\n".join(lines)


def plural(count: int, word: str, suffix: str = "s") -> str:
    return f"{count} {word}{suffix if count != 1 else ''}"
