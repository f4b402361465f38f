"""The command line: the only module that prints, reads argv or exits."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from flaglint import __version__
from flaglint.config import Config, ConfigError, find_config, load_config

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


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
    _common(check)

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
    args = _parser().parse_args(argv)
    debug = getattr(args, "debug", False)
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING,
                        format="flaglint: %(levelname)s: %(message)s")
    try:
        if args.command == "rule":
            return _rule(args.code, sys.stdout)
        if args.command == "graph":
            return _graph(args)
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
    from flaglint.engine import Options, analyze, run
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
    project = analyze(config, paths, Options(today, args.jobs, not args.no_cache))
    for note in project.notes:
        print(f"flaglint: note: {note}", file=sys.stderr)
    if not project.has_declarations and any(True for _ in project.graph.reads()):
        print("flaglint: note: no registry (flags.toml) and no definitions configured, so "
              "FL101 and FL102 cannot tell declared flags from undeclared ones", file=sys.stderr)
    outcome = run(project, rules)
    report = Report(outcome.findings, len(project.files), len(project.graph.flags()),
                    tuple(outcome.unused_suppressions))
    _emit(report, args)
    if outcome.findings and not args.exit_zero:
        return EXIT_FINDINGS
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
        with args.output.open("w", encoding="utf-8") as handle:
            write(handle, False)
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
