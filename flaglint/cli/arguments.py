"""The command line's grammar: commands, options, and how each option's text is read."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import NamedTuple

from flaglint import __version__
from flaglint.config.model import FLAG_STATE_FORMATS, FlagStateSpec

FORMATS = ("text", "json", "sarif", "github", "gitlab", "markdown")
AUDIT_FORMATS = ("html", "markdown", "json", "csv")
FAIL_ON = ("error", "warning", "info", "never")  # the Action's `fail-on` takes the same
COLOR = ("auto", "always", "never")
PREVIEW = "\0preview"  # bare `--diff`: no value a user can type


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="flaglint", description="Feature-flag lifecycle linter for Python code bases.")
    parser.add_argument("--version", action="version", version=f"flaglint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    _check(commands.add_parser("check", help="lint flag reads, the registry and history"))
    _clean(commands.add_parser("clean", help="remove a settled flag and its dead code"))
    _audit(commands.add_parser("audit", help="an inventory of every flag, and where the "
                                             "team stands (works without a registry)"))
    _init(commands.add_parser("init", help="write flags.toml (and flaglint.toml) from what "
                                           "the code, git and deployment configs show"))
    rule = commands.add_parser("rule", help="print a rule's documentation")
    rule.add_argument("code", nargs="?", metavar="CODE")
    server = commands.add_parser("server", help="a language server over stdio: diagnostics, "
                                                "fixes, hover, definition, references, "
                                                "completion of flag keys")
    server.add_argument("--stdio", action="store_true",
                        help="talk over stdin and stdout (the default; editors may pass it)")
    server.add_argument("--debug", action="store_true", help="log every message on stderr")
    graph = commands.add_parser("graph", help="export the flag graph")
    graph.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    graph.add_argument("--format", choices=("graphml", "dot", "json"), default="json")
    graph.add_argument("--output", type=Path, metavar="FILE")
    graph.add_argument("--jobs", type=_positive, default=0, metavar="N",
                       help="worker processes for parsing (default: one per core)")
    graph.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    _common(graph)
    return parser


def _check(check: argparse.ArgumentParser) -> None:
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    check.add_argument("--format", choices=FORMATS,
                       help="the report on stdout (or --output); default: text")
    check.add_argument("--output", type=Path, metavar="FILE", help="write the report here")
    check.add_argument("--output-format", type=_output_format, action="append", default=[],
                       metavar="FORMAT[=FILE]",
                       help="FORMAT alone: the same as --format FORMAT (as in ruff); "
                            "FORMAT=FILE: also write this format to FILE (repeatable): one "
                            "analysis, several reports")
    check.add_argument("--baseline", type=Path, metavar="FILE",
                       help="hide the findings recorded in FILE")
    check.add_argument("--write-baseline", type=Path, metavar="FILE",
                       help="record today's findings in FILE (and hide them)")
    check.add_argument("--select", type=_codes, default=(), metavar="CODES",
                       help="only these codes (prefixes, comma-separated)")
    check.add_argument("--ignore", type=_codes, default=(), metavar="CODES",
                       help="not these codes (prefixes, comma-separated)")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    check.add_argument("--fail-on", type=_severity, choices=FAIL_ON, metavar="SEVERITY",
                       help="exit 1 only for a finding at least this severe: error, warning, "
                            "info (`note` says the same) or never; default: any finding")
    check.add_argument("--statistics", action="store_true",
                       help="count findings by code and list unused suppressions")
    check.add_argument("--today", type=_date, metavar="YYYY-MM-DD",
                       help="judge dates against this day (default: today)")
    check.add_argument("--jobs", type=_positive, default=0, metavar="N",
                       help="worker processes for parsing (default: one per core)")
    check.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    check.add_argument("--changed-since", metavar="REF",
                       help="only findings on lines changed since the merge base with REF, "
                            "and history rules over REF..HEAD")
    check.add_argument("--fix", action="store_true",
                       help="apply safe fixes (FL202, FL301, FL302), re-parse, report the rest")
    check.add_argument("--diff", nargs="?", const=PREVIEW, metavar="REF",
                       help="print the unified diff of what --fix would write and write "
                            "nothing (exit 1 when there is something to fix), as in ruff; "
                            "`--diff REF` is the old spelling of --changed-since REF")
    check.add_argument("--unsafe-fixes", action="store_true",
                       help="with --fix, also apply unsafe fixes (flags that are not pinned)")
    check.add_argument("--fix-tests", action="store_true",
                       help="with --fix, also fix test code (left alone by default)")
    check.add_argument("--show-fixes", action=argparse.BooleanOptionalAction, default=False,
                       help="list the fixes: what --fix fixed, file by file and code by code, "
                            "and under each finding the fix it offers")
    check.add_argument("-q", "--quiet", action="count", default=0,
                       help="print the findings and nothing else; -qq: print nothing (as "
                            "--silent)")
    check.add_argument("-s", "--silent", action="store_true",
                       help="print nothing, not even the findings: only the exit code says "
                            "(files asked for with --output are still written)")
    check.add_argument("--color", choices=COLOR, default="auto",
                       help="colour the text report: auto (on a terminal, unless NO_COLOR is "
                            "set or FORCE_COLOR asks for it), always or never")
    _common(check)


def _clean(clean: argparse.ArgumentParser) -> None:
    clean.add_argument("key", metavar="KEY")
    clean.add_argument("--value", metavar="true|false|VARIANT",
                       help="the value the flag now always has (default: the one value every "
                            "environment of the flag-state exports serves, else the value the "
                            "registry rolled it out with)")
    clean.add_argument("--no-tests", action="store_true",
                       help="leave test code alone (its reads of the flag are then left)")
    clean.add_argument("--dry-run", action="store_true",
                       help="print a unified diff and write nothing")
    clean.add_argument("--tombstone", action="store_true",
                       help="leave a `status = \"retired\"` entry instead of deleting it")
    clean.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    clean.add_argument("--today", type=_date, metavar="YYYY-MM-DD",
                       help="the date a tombstone records (default: today)")
    clean.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    _common(clean)


def _audit(audit: argparse.ArgumentParser) -> None:
    audit.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    audit.add_argument("--format", choices=AUDIT_FORMATS,
                       help="default: from the --output file's suffix, else markdown")
    audit.add_argument("--output", type=Path, metavar="FILE", help="write the report here")
    audit.add_argument("--today", type=_date, metavar="YYYY-MM-DD",
                       help="judge ages against this day (default: today)")
    audit.add_argument("--jobs", type=_positive, default=0, metavar="N",
                       help="worker processes for parsing (default: one per core)")
    audit.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    _common(audit)


def _init(init: argparse.ArgumentParser) -> None:
    init.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    init.add_argument("--registry", type=Path, metavar="FILE",
                      help="write the registry here (default: flags.toml at the root), beside "
                           "the registries the project has")
    init.add_argument("--write-baseline", type=Path, metavar="FILE",
                      help="then record today's findings in FILE, to adopt the check now")
    init.add_argument("--flag-state", type=_flag_state, action="append", default=[],
                      metavar="FORMAT=PATH",
                      help="start from a flag service's export (flagd, unleash, launchdarkly, "
                           "flagsmith, growthbook, posthog): its flags are not written to the "
                           "registry, and the configuration reads it")
    init.add_argument("--today", type=_date, metavar="YYYY-MM-DD",
                      help="judge ages against this day (default: today)")
    init.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    _common(init)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="use this flaglint.toml or pyproject.toml")
    parser.add_argument("--debug", action="store_true", help="log progress and show tracebacks")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-23") from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of processes, 1 or more")
    return value


def _severity(text: str) -> str:
    """A `--fail-on` threshold; `note` is SARIF's (and GitHub's) word for info."""
    lowered = text.lower()
    return "info" if lowered == "note" else lowered


def _codes(text: str) -> tuple[str, ...]:
    return tuple(part.strip().upper() for part in text.split(",") if part.strip())


class ReportFile(NamedTuple):
    """`--output-format FORMAT=FILE`: one more report of the same analysis."""

    format: str
    path: Path


def _flag_state(text: str) -> FlagStateSpec:
    fmt, equals, path = text.partition("=")
    if not equals or fmt not in FLAG_STATE_FORMATS or not path:
        raise argparse.ArgumentTypeError(f"expected FORMAT=PATH with FORMAT one of "
                                         f"{', '.join(FLAG_STATE_FORMATS)}, not {text!r}")
    return FlagStateSpec(fmt, path)


def _output_format(text: str) -> ReportFile | str:
    """`FORMAT=FILE`, or `FORMAT` alone: the report on stdout, as ruff's --output-format."""
    name, equals, file = text.partition("=")
    if name not in FORMATS or (equals and not file):
        raise argparse.ArgumentTypeError(f"expected FORMAT or FORMAT=FILE with FORMAT one of "
                                         f"{', '.join(FORMATS)}, not {text!r}")
    return ReportFile(name, Path(file)) if equals else name
