"""The command line: the only module that prints, reads argv or exits."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from flaglint import __version__
from flaglint.config import Config, ConfigError, find_config, load_config

if TYPE_CHECKING:
    from flaglint.engine import Project
    from flaglint.rules import Rule

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
_HISTORY_CODES = ("FL201", "FL401", "FL402", "FL404")


class UsageError(Exception):
    pass


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-23") from None


def _codes(text: str) -> tuple[str, ...]:
    return tuple(part.strip().upper() for part in text.split(",") if part.strip())


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="flaglint", description="Feature-flag lifecycle linter for Python code bases.")
    parser.add_argument("--version", action="version", version=f"flaglint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    check = commands.add_parser("check", help="lint flag reads, the registry and history")
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--output", type=Path, metavar="FILE", help="write the report here")
    check.add_argument("--select", type=_codes, default=(), metavar="CODES",
                       help="only these codes (prefixes, comma-separated)")
    check.add_argument("--ignore", type=_codes, default=(), metavar="CODES",
                       help="not these codes (prefixes, comma-separated)")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    check.add_argument("--statistics", action="store_true",
                       help="count findings by code and list unused suppressions")
    check.add_argument("--today", type=_date, metavar="YYYY-MM-DD",
                       help="judge dates against this day (default: today)")
    check.add_argument("--jobs", type=int, default=0, metavar="N",
                       help="worker processes for parsing (default: one per core)")
    check.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    check.add_argument("--diff", metavar="REF",
                       help="only findings on lines changed since the merge base with REF, "
                            "and history rules over REF..HEAD")
    check.add_argument("--fix", action="store_true",
                       help="apply safe fixes (FL202, FL301, FL302), re-parse, report the rest")
    check.add_argument("--unsafe-fixes", action="store_true",
                       help="with --fix, also apply unsafe fixes (flags that are not pinned)")
    _common(check)

    clean = commands.add_parser("clean", help="remove a settled flag and its dead code")
    clean.add_argument("key", metavar="KEY")
    clean.add_argument("--value", required=True, metavar="true|false",
                       help="the value the flag now always has")
    clean.add_argument("--dry-run", action="store_true",
                       help="print a unified diff and write nothing")
    clean.add_argument("--tombstone", action="store_true",
                       help="leave a `status = \"retired\"` entry instead of deleting it")
    clean.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    clean.add_argument("--today", type=_date, metavar="YYYY-MM-DD",
                       help="the date a tombstone records (default: today)")
    _common(clean)

    rule = commands.add_parser("rule", help="print a rule's documentation")
    rule.add_argument("code", nargs="?", metavar="CODE")

    graph = commands.add_parser("graph", help="export the flag graph")
    graph.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    graph.add_argument("--format", choices=("graphml", "dot", "json"), default="json")
    graph.add_argument("--output", type=Path, metavar="FILE")
    _common(graph)
    return parser


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="use this flaglint.toml or pyproject.toml")
    parser.add_argument("--debug", action="store_true", help="log progress and show tracebacks")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args, extras = parser.parse_known_args(argv)
    # Paths may come after options (`clean KEY --value true src/`), as ruff allows.
    unknown = [e for e in extras if e.startswith("-") or not hasattr(args, "paths")]
    if unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if extras:
        args.paths = [*args.paths, *(Path(e) for e in extras)]
    debug = getattr(args, "debug", False)
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING,
                        format="flaglint: %(levelname)s: %(message)s")
    try:
        if args.command == "rule":
            return _rule(args.code, sys.stdout)
        if args.command == "graph":
            return _graph(args)
        if args.command == "clean":
            return _clean(args)
        return _check(args)
    except (ConfigError, UsageError) as error:
        print(f"flaglint: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a bug of ours: say so briefly, with the trace on --debug
        if debug:
            raise
        print(f"flaglint: internal error: {type(error).__name__}: {error} "
              f"(run with --debug for the traceback)", file=sys.stderr)
        return EXIT_ERROR


def _config(args: argparse.Namespace) -> tuple[Config, list[Path] | None]:
    paths = [p.resolve() for p in args.paths] or None
    start = paths[0] if paths else Path.cwd()
    if args.config is not None:
        if not args.config.is_file():
            raise UsageError(f"--config {args.config}: no such file")
        source: Path | None = args.config
    else:
        source = find_config(start)
    config = load_config(source, start)
    for path in paths or ():
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")
    return config, paths


def _check(args: argparse.Namespace) -> int:
    from flaglint.engine import Options, analyze, run, within
    from flaglint.reporters import Report
    from flaglint.rules import all_rules, select_rules, validate_codes

    config, paths = _config(args)
    for code in (*args.select, *args.ignore, *config.select, *config.ignore):
        if not validate_codes(code):
            raise UsageError(f"unknown rule code or prefix {code!r}; see `flaglint rule`")
    select = args.select or config.select
    ignore = (*config.ignore, *args.ignore)
    rules = select_rules(all_rules(), select, ignore)
    today = args.today or dt.date.today()
    options = Options(today, args.jobs, not args.no_cache)
    if args.unsafe_fixes and not args.fix:
        raise UsageError("--unsafe-fixes goes with --fix")
    diff = None
    if args.diff is not None:  # a wrong REF is said before any work is done
        from flaglint import diffscope

        try:
            diff = diffscope.scope(config.root, args.diff)
        except diffscope.DiffError as error:
            raise UsageError(str(error)) from None
    fixed = None
    # The whole project is analyzed, whatever paths are named: "no code reads this flag"
    # is a statement about every file. Only findings in the named paths are reported.
    named = within(paths, config.root)
    if args.fix:
        from flaglint.fixes.run import fix_project

        _, project, fix_report, fixed = fix_project(config, None, options, rules,
                                                    args.unsafe_fixes, named)
        for refused in fix_report.refused:
            print(f"flaglint: warning: {refused.path} not fixed: {refused.refused}",
                  file=sys.stderr)
    else:
        project = analyze(config, None, options)
    if diff is not None:
        project.diff = diff
        if any(r.code == "FL402" for r in rules):
            diff.regated = diffscope.regated(project, diff, options)
    outcome = run(project, rules)
    outcome.findings = [f for f in outcome.findings if named(f.path)]
    if diff is not None:
        outcome.findings = diffscope.keep(project, diff, outcome.findings)
    _notes(project, rules)
    checked = sum(1 for f in project.files if named(f.path))
    report = Report(outcome.findings, checked, len(project.graph.flags()),
                    tuple(outcome.unused_suppressions), fixed)
    _emit(report, args)
    if outcome.findings and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_OK


def _notes(project: Project, rules: list[Rule]) -> None:
    """What the run could not see, said once on stderr."""
    if project.history_note and any(r.code in _HISTORY_CODES for r in rules):
        print(f"flaglint: note: {project.history_note}", file=sys.stderr)
    if not project.has_declarations and any(True for _ in project.graph.reads()):
        print("flaglint: note: no registry (flags.toml) and no definitions configured, so "
              "FL101 and FL102 cannot tell declared flags from undeclared ones", file=sys.stderr)


def _clean(args: argparse.Namespace) -> int:
    from flaglint.engine import Options
    from flaglint.fixes.run import clean_flag, parse_value

    config, paths = _config(args)
    value = parse_value(args.value)
    report = clean_flag(config, paths, Options(args.today or dt.date.today()), args.key, value,
                        args.dry_run, args.tombstone)
    if args.dry_run:
        sys.stdout.write(report.diff())
    for refused in report.fixes.refused:
        print(f"flaglint: warning: {refused.path} not changed: {refused.refused}",
              file=sys.stderr)
    changed = report.fixes.changed
    replaced = sum(r.replaced for r in changed)
    branches = sum(r.removed_branches for r in changed)
    definitions = sum(r.removed_definitions for r in changed)
    verb = "would change" if args.dry_run else "changed"
    lines = [f"Flag `{args.key}` settled to `{args.value}`: {verb} {len(changed)} "
             f"file{'s' if len(changed) != 1 else ''}; {replaced} read"
             f"{'s' if replaced != 1 else ''} replaced, {branches} branch"
             f"{'es' if branches != 1 else ''} collapsed, {definitions} definition"
             f"{'s' if definitions != 1 else ''} deleted."]
    if report.registry_path is not None:
        what = "turned into a tombstone" if args.tombstone else "removed"
        lines.append(f"[flags.{args.key}] {what} in {report.registry_path}.")
    for where in report.left:
        lines.append(f"{where}: a read of `{args.key}` is left; its value is not a boolean "
                     f"or its arguments may have side effects, so change it by hand.")
    for where in report.defined_in_code:
        lines.append(f"{where}: `{args.key}` is defined here in code; remove the definition "
                     f"by hand.")
    sys.stdout.flush()
    stream = sys.stderr if args.dry_run else sys.stdout
    stream.write("\n".join(lines) + "\n")
    return EXIT_OK


def _emit(report: object, args: argparse.Namespace) -> None:
    from flaglint.reporters import Report
    from flaglint.reporters import json as json_reporter
    from flaglint.reporters import text as text_reporter

    assert isinstance(report, Report)

    def write(stream: TextIO, color: bool) -> None:
        if args.format == "json":
            json_reporter.write(report, stream)
        else:
            text_reporter.write(report, stream, color=color, statistics=args.statistics)

    if args.output is not None:
        try:
            with args.output.open("w", encoding="utf-8") as handle:
                write(handle, False)
        except OSError as error:
            raise UsageError(f"--output {args.output}: {error.strerror or error}") from None
    else:
        write(sys.stdout, _color(sys.stdout))


def _color(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


def _rule(code: str | None, stream: TextIO) -> int:
    from flaglint.rules import all_rules

    rules = all_rules()
    if code is None:
        for rule in rules:
            stream.write(f"{rule.code}  {rule.name:<22} {rule.severity.value}\n")
        return EXIT_OK
    for rule in rules:
        if rule.code == code.upper() or rule.name == code.lower():
            stream.write(f"# {rule.code} {rule.name}\n\n{rule.documentation()}\n")
            return EXIT_OK
    raise UsageError(f"unknown rule {code!r}; `flaglint rule` lists them")


def _graph(args: argparse.Namespace) -> int:
    from flaglint.engine import Options, analyze
    from flaglint.graph_export import write_graph

    config, paths = _config(args)
    project = analyze(config, paths, Options(dt.date.today()))
    if args.output is not None:
        with args.output.open("w", encoding="utf-8") as handle:
            write_graph(project.graph, args.format, handle)
    else:
        write_graph(project.graph, args.format, sys.stdout)
    return EXIT_OK
