"""`flaglint check`: analyse the project (and fix it with `--fix`), then report; or, with
`--diff`, print what `--fix` would write, as a unified diff, and write nothing."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from flaglint.cli import options, spellings
from flaglint.cli.options import EXIT_FINDINGS, EXIT_OK, CheckRun, RunError, UsageError
from flaglint.sources.discover import GlobSet

if TYPE_CHECKING:
    from flaglint.baseline import Entry
    from flaglint.engine.check import Summary
    from flaglint.fixes.report import FixReport
    from flaglint.reporters import FixCount
    from flaglint.store import Store


def run_check(args: argparse.Namespace) -> int:
    from flaglint.cli.report import report

    notes = spellings.resolve(args)
    terminal = spellings.terminal(args)
    if terminal.quiet:
        from flaglint import progress

        progress.silence()
    else:
        for note in notes:
            print(f"flaglint: warning: {note}", file=sys.stderr)
    target = options.target(args)
    codes = options.rule_codes(args, target.config)
    today = args.today or dt.date.today()
    fixing = args.fix or args.preview
    if args.unsafe_fixes and not fixing:
        raise UsageError("--unsafe-fixes goes with --fix")
    if args.fix_tests and not fixing:
        raise UsageError("--fix-tests goes with --fix")
    recorded = _recorded(args)  # said before any work
    run = CheckRun(args, target, codes, today, options.diff_scope(args, target.config),
                   terminal)
    # The whole project is analyzed, whatever paths are named: "no code reads this flag"
    # is a statement about every file. Paths, --changed-since and suppressions narrow what
    # is reported and what a fix may edit, never what is read.
    store = options.store(args)
    try:
        if args.preview:
            _, fix_report = _fix(run, store)
            return _preview(run, fix_report)
        if args.fix:
            summary, fix_report = _fix(run, store)
            _write_fixes(target.config.root, fix_report)
            fixes: tuple[FixCount, ...] | None = _counts(fix_report)
        else:
            from flaglint.engine.check import check

            summary = check(target.config, today, codes, store,
                            workers=options.workers(args), named=target.paths, diff=run.diff,
                            previews="sarif" in run.formats)
            fixes = None
    finally:
        store.close()
    return report(run, summary, fixes, recorded)


def _recorded(args: argparse.Namespace) -> list[Entry] | None:
    """The baseline's entries, when a baseline hides findings."""
    if args.baseline is None or args.write_baseline is not None:
        return None
    from flaglint import baseline

    try:
        return baseline.load(args.baseline)
    except baseline.BaselineError as error:
        raise UsageError(str(error)) from None


def _fix(run: CheckRun, store: Store) -> tuple[Summary, FixReport]:
    """Fix the project in memory (nothing is written here); the report on the result."""
    from flaglint.engine.check import check_key, keep_unfixable, known_unfixable, summarize
    from flaglint.engine.fixmemo import StoredFixes
    from flaglint.engine.inputs import gather
    from flaglint.fixes.report import FixReport

    config, paths, args = run.target.config, run.target.paths, run.args
    previews = "sarif" in run.formats
    inputs = gather(config, run.today, store)
    key = check_key(inputs, run.codes, paths, run.diff, previews=previews)
    # What a check of the whole project reports is what a fix reports when nothing had a
    # fix; not with paths or --changed-since (a check's summary keeps every finding of the
    # run for the baseline to match, a fix's only those it reports)
    whole = run.diff is None and all(path == config.root for path in paths or ())
    known = known_unfixable(store, key, config.root) if whole else None
    if known is not None:  # a check found nothing to fix in these very inputs
        return known, FixReport()
    from flaglint.engine.fixing import fix_project
    from flaglint.fixes.apply import FixScope
    from flaglint.rules import rules_for
    from flaglint.sources.discover import within

    rules = rules_for(run.codes)
    scope = FixScope(unsafe=args.unsafe_fixes, tests=args.fix_tests,
                     editable=within(paths, config.root),
                     lines=run.diff.changed if run.diff is not None else None)
    outcome, fix_report = fix_project(config, run.today, rules, scope, store,
                                      workers=options.workers(args), named=paths,
                                      diff=run.diff, tests=GlobSet(config.tests).match,
                                      inputs=inputs)
    if not run.terminal.quiet:
        for refused in fix_report.refused:
            print(f"flaglint: warning: {refused.path} not fixed: {refused.refused}",
                  file=sys.stderr)
        for refusal in fix_report.refusals(written=not args.preview):
            print(f"flaglint: warning: {refusal.describe()}", file=sys.stderr)
        if fix_report.wrappers_left:
            it, them = ("it", "it") if len(fix_report.wrappers_left) == 1 else ("them", "each")
            print(f"flaglint: warning: the fixes replaced every call of "
                  f"{', '.join(fix_report.wrappers_left)}, which wrapped a flag they settled, "
                  f"and nothing in the project names {it} any more: delete {them} if nothing "
                  f"outside the project calls {it} (`flaglint clean` does)", file=sys.stderr)
        for flag, left in fix_report.tests_otherwise.items():
            print(f"flaglint: warning: tests set `{flag}` otherwise than the fixes settled it "
                  f"({', '.join(left)}): they ran under the code the fixes removed; adapt or "
                  f"delete them (`flaglint clean {flag}` deletes the test functions among "
                  f"them it can, and names the rest)", file=sys.stderr)
    summary = summarize(outcome, rules, named=paths, previews=previews,
                        memo=StoredFixes(store))
    if whole and not fix_report.overlay:
        keep_unfixable(store, key, outcome, summary)
    return summary, fix_report


def _counts(fix_report: FixReport) -> tuple[FixCount, ...]:
    from flaglint.reporters import FixCount

    return tuple(FixCount(fixed.path, fixed.code, fixed.rule, count)
                 for fixed, count in sorted(fix_report.fixes.items()))


def _preview(run: CheckRun, fix_report: FixReport) -> int:
    """`--diff`: the unified diff of what --fix would write on stdout, what it would fix on
    stderr; exit 1 when there is something to fix, as ruff's `--diff`."""
    from flaglint.reporters import Report
    from flaglint.reporters.text import fix_summary, painted_diff

    args, terminal = run.args, run.terminal
    diff = fix_report.diff()
    if not terminal.silent:
        sys.stdout.write(painted_diff(diff) if terminal.color else diff)
        sys.stdout.flush()
    if not terminal.quiet:
        counts = _counts(fix_report)
        if args.show_fixes and counts:
            said = Report([], 0, 0, fixes=counts)
            print(fix_summary(said, done="Would fix"), file=sys.stderr)
        fixed = fix_report.fixed
        files = len(fix_report.changed)
        print(f"Would fix {options.plural(fixed, 'finding')} in "
              f"{options.plural(files, 'file')}; nothing was written." if fixed or files
              else "No fixes to apply; nothing was written.", file=sys.stderr)
    changes = bool(diff) and not args.exit_zero and args.fail_on != "never"
    return EXIT_FINDINGS if changes else EXIT_OK


def _write_fixes(root: Path, report: FixReport) -> None:
    try:
        report.write(root)
    except options.write_error() as error:
        raise RunError(options.write_failure(error)) from None
