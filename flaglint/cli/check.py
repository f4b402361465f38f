"""`flaglint check`: analyse the project (and fix it with `--fix`), then report."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from flaglint.cli import options
from flaglint.cli.options import CheckRun, RunError, UsageError
from flaglint.sources.discover import GlobSet

if TYPE_CHECKING:
    from flaglint.baseline import Entry
    from flaglint.engine.check import Summary
    from flaglint.fixes.report import FixReport
    from flaglint.store import Store


def run_check(args: argparse.Namespace) -> int:
    from flaglint.cli.report import report

    target = options.target(args)
    codes = options.rule_codes(args, target.config)
    today = args.today or dt.date.today()
    if args.unsafe_fixes and not args.fix:
        raise UsageError("--unsafe-fixes goes with --fix")
    if args.fix_tests and not args.fix:
        raise UsageError("--fix-tests goes with --fix")
    recorded = _recorded(args)  # said before any work
    run = CheckRun(args, target, codes, today, options.diff_scope(args, target.config))
    # The whole project is analyzed, whatever paths are named: "no code reads this flag"
    # is a statement about every file. Paths, --diff and suppressions narrow what is
    # reported and what a fix may edit, never what is read.
    store = options.store(args)
    try:
        if args.fix:
            summary, fixed = _fix(run, store)
        else:
            from flaglint.engine.check import check

            summary = check(target.config, today, codes, store,
                            workers=options.workers(args), named=target.paths, diff=run.diff,
                            previews="sarif" in run.formats)
            fixed = None
    finally:
        store.close()
    return report(run, summary, fixed, recorded)


def _recorded(args: argparse.Namespace) -> list[Entry] | None:
    """The baseline's entries, when a baseline hides findings."""
    if args.baseline is None or args.write_baseline is not None:
        return None
    from flaglint import baseline

    try:
        return baseline.load(args.baseline)
    except baseline.BaselineError as error:
        raise UsageError(str(error)) from None


def _fix(run: CheckRun, store: Store) -> tuple[Summary, int]:
    from flaglint.engine.check import summarize
    from flaglint.engine.fixing import fix_project
    from flaglint.fixes.apply import FixScope
    from flaglint.rules import rules_for
    from flaglint.sources.discover import within

    rules = rules_for(run.codes)
    config, paths, args = run.target.config, run.target.paths, run.args
    scope = FixScope(unsafe=args.unsafe_fixes, tests=args.fix_tests,
                     editable=within(paths, config.root),
                     lines=run.diff.changed if run.diff is not None else None)
    outcome, fix_report = fix_project(config, run.today, rules, scope, store,
                                      workers=options.workers(args), named=paths,
                                      diff=run.diff, tests=GlobSet(config.tests).match)
    for refused in fix_report.refused:
        print(f"flaglint: warning: {refused.path} not fixed: {refused.refused}",
              file=sys.stderr)
    for refusal in fix_report.refusals():
        print(f"flaglint: warning: {refusal.describe()}", file=sys.stderr)
    _write_fixes(config.root, fix_report)
    summary = summarize(outcome, rules, named=paths, previews="sarif" in run.formats)
    return summary, fix_report.fixed


def _write_fixes(root: Path, report: FixReport) -> None:
    try:
        report.write(root)
    except options.write_error() as error:
        raise RunError(options.write_failure(error)) from None
