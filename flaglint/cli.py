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
from flaglint.deep import call_deep
from flaglint.sources.discover import GlobSet, within

if TYPE_CHECKING:
    from flaglint.baseline import Entry
    from flaglint.engine.analyze import Origins
    from flaglint.engine.check import Summary
    from flaglint.fixes.report import FixReport
    from flaglint.rules import Rule
    from flaglint.rules.outcome import Outcome
    from flaglint.sources.diff import DiffScope
    from flaglint.store import Store

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    pass


class RunError(Exception):
    """The run could not finish what it started (a fix that cannot be written)."""


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
    check.add_argument("--format", choices=FORMATS, default="text",
                       help="the report on stdout (or --output)")
    check.add_argument("--output", type=Path, metavar="FILE", help="write the report here")
    check.add_argument("--output-format", type=_output_format, action="append", default=[],
                       metavar="FORMAT=FILE",
                       help="also write this format to FILE (repeatable): one analysis, "
                            "several reports")
    check.add_argument("--baseline", type=Path, metavar="FILE",
                       help="hide the findings recorded in FILE")
    check.add_argument("--write-baseline", type=Path, metavar="FILE",
                       help="record today's findings in FILE (and hide them)")
    check.add_argument("--select", type=_codes, default=(), metavar="CODES",
                       help="only these codes (prefixes, comma-separated)")
    check.add_argument("--ignore", type=_codes, default=(), metavar="CODES",
                       help="not these codes (prefixes, comma-separated)")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    check.add_argument("--statistics", action="store_true",
                       help="count findings by code and list unused suppressions")
    check.add_argument("--today", type=_date, metavar="YYYY-MM-DD",
                       help="judge dates against this day (default: today)")
    check.add_argument("--jobs", type=_positive, default=0, metavar="N",
                       help="worker processes for parsing (default: one per core)")
    check.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    check.add_argument("--diff", metavar="REF",
                       help="only findings on lines changed since the merge base with REF, "
                            "and history rules over REF..HEAD")
    check.add_argument("--fix", action="store_true",
                       help="apply safe fixes (FL202, FL301, FL302), re-parse, report the rest")
    check.add_argument("--unsafe-fixes", action="store_true",
                       help="with --fix, also apply unsafe fixes (flags that are not pinned)")
    check.add_argument("--fix-tests", action="store_true",
                       help="with --fix, also fix test code (left alone by default)")
    _common(check)

    clean = commands.add_parser("clean", help="remove a settled flag and its dead code")
    clean.add_argument("key", metavar="KEY")
    clean.add_argument("--value", required=True, metavar="true|false|VARIANT",
                       help="the value the flag now always has")
    clean.add_argument("--no-tests", action="store_true",
                       help="leave test code alone (its reads of the flag are then left)")
    clean.add_argument("--dry-run", action="store_true",
                       help="print a unified diff and write nothing")
    clean.add_argument("--tombstone", action="store_true",
                       help="leave a `status = \"retired\"` entry instead of deleting it")
    clean.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    clean.add_argument("--today", type=_date, metavar="YYYY-MM-DD",
                       help="the date a tombstone records (default: today)")
    _common(clean)

    audit = commands.add_parser("audit", help="an inventory of every flag, and where the "
                                              "team stands (works without a registry)")
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

    init = commands.add_parser("init", help="write flags.toml (and flaglint.toml) from what "
                                            "the code, git and deployment configs show")
    init.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    init.add_argument("--registry", type=Path, metavar="FILE",
                      help="write the registry here (default: flags.toml at the root)")
    init.add_argument("--write-baseline", type=Path, metavar="FILE",
                      help="then record today's findings in FILE, to adopt the check now")
    init.add_argument("--today", type=_date, metavar="YYYY-MM-DD",
                      help="judge ages against this day (default: today)")
    init.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    _common(init)

    rule = commands.add_parser("rule", help="print a rule's documentation")
    rule.add_argument("code", nargs="?", metavar="CODE")

    graph = commands.add_parser("graph", help="export the flag graph")
    graph.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    graph.add_argument("--format", choices=("graphml", "dot", "json"), default="json")
    graph.add_argument("--output", type=Path, metavar="FILE")
    _common(graph)
    return parser


FORMATS = ("text", "json", "sarif", "github", "gitlab", "markdown")
AUDIT_FORMATS = ("html", "markdown", "json", "csv")


def _output_format(text: str) -> tuple[str, Path]:
    name, equals, file = text.partition("=")
    if not equals or name not in FORMATS or not file:
        raise argparse.ArgumentTypeError(f"expected FORMAT=FILE with FORMAT one of "
                                         f"{', '.join(FORMATS)}, not {text!r}")
    return name, Path(file)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="use this flaglint.toml or pyproject.toml")
    parser.add_argument("--debug", action="store_true", help="log progress and show tracebacks")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return call_deep(_main, argv)
    except KeyboardInterrupt:
        # The work thread may still be running: leave without waiting for it.
        print("flaglint: interrupted", file=sys.stderr)
        sys.stderr.flush()
        sys.stdout.flush()
        os._exit(130)


def _main(argv: Sequence[str] | None) -> int:
    from flaglint import progress

    progress.start()
    try:
        return _command(argv)
    finally:
        progress.finish()


def _command(argv: Sequence[str] | None) -> int:
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
        if args.command == "audit":
            return _audit(args)
        if args.command == "init":
            return _init(args)
        return _check(args)
    except (ConfigError, UsageError, RunError) as error:
        print(f"flaglint: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader went away (`flaglint graph | head`): stop quietly, and keep Python's
        # final flush from complaining too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1  # what Python's documentation advises; nothing is printed
    except Exception as error:  # a bug of ours: say so briefly, with the trace on --debug
        if debug:
            raise
        print(f"flaglint: internal error: {type(error).__name__}: {_brief(error)} "
              f"(run with --debug for the traceback)", file=sys.stderr)
        return EXIT_ERROR


def _brief(error: BaseException) -> str:
    """The start of an error's message: never a huge or failing repr."""
    try:
        text = str(error)
    except Exception:  # noqa: BLE001 - a message that cannot be formatted (a deep repr)
        return "(no message)"
    return text if len(text) <= 300 else text[:300] + "…"


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


def _rules(args: argparse.Namespace, config: Config) -> list[Rule]:
    from flaglint.rules import all_rules, select_rules, validate_codes

    for code in (*args.select, *args.ignore, *config.select, *config.ignore):
        if not validate_codes(code):
            raise UsageError(f"unknown rule code or prefix {code!r}; see `flaglint rule`")
    select = args.select or config.select
    ignore = (*config.ignore, *args.ignore)
    return select_rules(all_rules(), select, ignore)


def _store(args: argparse.Namespace) -> Store:
    from flaglint.store import Store

    return Store.disabled() if getattr(args, "no_cache", False) else Store.default()


def _workers(args: argparse.Namespace) -> int:
    return getattr(args, "jobs", 0) or os.cpu_count() or 1


def _diff(args: argparse.Namespace, config: Config) -> DiffScope | None:
    """The `--diff` scope, said before any work is done when REF or git is wrong."""
    if args.diff is None:
        return None
    from flaglint.sources.diff import DiffError, scope

    try:
        return scope(config.root, args.diff)
    except DiffError as error:
        raise UsageError(str(error)) from None


def _check(args: argparse.Namespace) -> int:
    from flaglint import baseline

    config, paths = _config(args)
    rules = _rules(args, config)
    today = args.today or dt.date.today()
    if args.unsafe_fixes and not args.fix:
        raise UsageError("--unsafe-fixes goes with --fix")
    if args.fix_tests and not args.fix:
        raise UsageError("--fix-tests goes with --fix")
    recorded: list[baseline.Entry] | None = None
    if args.baseline is not None and args.write_baseline is None:  # said before any work
        try:
            recorded = baseline.load(args.baseline)
        except baseline.BaselineError as error:
            raise UsageError(str(error)) from None
    diff = _diff(args, config)
    # The whole project is analyzed, whatever paths are named: "no code reads this flag"
    # is a statement about every file. Paths, --diff and suppressions narrow what is
    # reported and what a fix may edit, never what is read.
    store = _store(args)
    try:
        if args.fix:
            summary, fixed = _fix(args, config, paths, rules, today, diff, store)
        else:
            from flaglint.engine.check import check

            summary = check(config, today, rules, store, workers=_workers(args), named=paths,
                            diff=diff, previews="sarif" in _formats(args))
            fixed = None
    finally:
        store.close()
    return _report(args, config, paths, rules, summary, fixed, recorded, diff)


def _fix(args: argparse.Namespace, config: Config, paths: list[Path] | None,
         rules: list[Rule], today: dt.date, diff: DiffScope | None,
         store: Store) -> tuple[Summary, int]:
    from flaglint.engine.check import summarize
    from flaglint.engine.fixing import fix_project
    from flaglint.fixes.apply import FixScope
    from flaglint.sources.discover import within

    changed_lines = diff.changed if diff is not None else None
    scope = FixScope(args.unsafe_fixes, args.fix_tests, within(paths, config.root),
                     changed_lines)
    outcome, fix_report = fix_project(config, today, rules, scope, store,
                                      workers=_workers(args), named=paths, diff=diff,
                                      tests=GlobSet(config.tests).match)
    for refused in fix_report.refused:
        print(f"flaglint: warning: {refused.path} not fixed: {refused.refused}",
              file=sys.stderr)
    _write_fixes(config.root, fix_report)
    summary = summarize(outcome, rules, named=paths, previews="sarif" in _formats(args))
    return summary, fix_report.fixed


def _report(args: argparse.Namespace, config: Config, paths: list[Path] | None,
            rules: list[Rule], summary: Summary, fixed: int | None,
            recorded: list[Entry] | None, diff: DiffScope | None) -> int:
    from flaglint import baseline
    from flaglint.reporters import Report
    from flaglint.sources.discover import within

    named = within(paths, config.root)
    findings = list(summary.findings)
    previews = list(summary.previews) or [()] * len(findings)
    for note in summary.notes:
        print(f"flaglint: note: {note}", file=sys.stderr)
    checked = sum(1 for path in summary.files if named(path))
    entries = baseline.entries(findings, baseline.Lines(config.root))
    hidden = stale = None
    if args.write_baseline is not None:
        try:
            baseline.write(args.write_baseline, entries)
        except baseline.BaselineError as error:
            raise UsageError(str(error)) from None
        print(f"flaglint: recorded {_plural(len(entries), 'finding')} in "
              f"{args.write_baseline}", file=sys.stderr)
        recorded = entries
    if recorded is not None:
        matched = baseline.match(entries, recorded)
        findings = [findings[i] for i in matched.kept]
        entries = [entries[i] for i in matched.kept]
        previews = [previews[i] for i in matched.kept]
        hidden = matched.hidden
        # Entries outside a narrowed run are not stale, only not looked at.
        narrowed = diff is not None or any(p != config.root for p in paths or ())
        stale = len(matched.stale) if not narrowed else None
    exit_code = EXIT_FINDINGS if findings and not args.exit_zero else EXIT_OK
    changes = {i: found for i, found in enumerate(previews) if found}
    report = Report(findings, checked, summary.flags, summary.unused_suppressions, fixed,
                    root=config.root, fingerprints=tuple(e.fingerprint for e in entries),
                    exit_code=exit_code, notes=tuple(summary.notes), changes=changes,
                    codes=tuple(r.code for r in rules),
                    diff_ref=f"{diff.ref} ({diff.base[:7]})" if diff is not None else None,
                    hidden=hidden, stale=stale)
    _emit(report, args, _links(config.root))
    return exit_code


def _formats(args: argparse.Namespace) -> set[str]:
    return {args.format, *(name for name, _ in args.output_format)}


def _links(root: Path) -> str | None:
    """Where a finding's line is on the forge, when the CI environment says: GitHub
    Actions (GITHUB_REPOSITORY, GITHUB_SHA) or GitLab CI (CI_PROJECT_URL, CI_COMMIT_SHA)."""
    env = os.environ
    if env.get("GITHUB_REPOSITORY") and env.get("GITHUB_SHA"):
        server = env.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
        base = f"{server}/{env['GITHUB_REPOSITORY']}/blob/{env['GITHUB_SHA']}/"
    elif env.get("CI_PROJECT_URL") and env.get("CI_COMMIT_SHA"):
        base = f"{env['CI_PROJECT_URL'].rstrip('/')}/-/blob/{env['CI_COMMIT_SHA']}/"
    else:
        return None
    from flaglint.sources import git

    prefix = git.text(root, "rev-parse", "--show-prefix")
    return base + (prefix.stdout.strip() if prefix.returncode == 0 else "")


def _write_fixes(root: Path, report: FixReport) -> None:
    try:
        report.write(root)
    except _write_error() as error:
        raise RunError(_write_failure(error)) from None




def _clean(args: argparse.Namespace) -> int:
    from flaglint.engine.cleaning import CleanError, clean_flag
    from flaglint.fixes.apply import FixScope
    from flaglint.sources.discover import within

    config, paths = _config(args)
    scope = FixScope(unsafe=True, tests=not args.no_tests, editable=within(paths, config.root))
    store = _store(args)
    try:
        report = clean_flag(config, args.today or dt.date.today(), args.key, args.value, scope,
                            store, workers=_workers(args), tests=GlobSet(config.tests).match,
                            dry_run=args.dry_run, retire=args.tombstone)
    except CleanError as error:
        raise UsageError(str(error)) from None
    except _write_error() as error:
        raise RunError(_write_failure(error)) from None
    finally:
        store.close()
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
    value = _format(report.value)
    lines = [f"Flag `{args.key}` settled to `{value}`: {verb} {_plural(len(changed), 'file')}"
             f"; {_plural(replaced, 'read')} replaced, {_plural(branches, 'branch', 'es')} "
             f"collapsed, {_plural(definitions, 'definition')} deleted."]
    tests = sorted(report.fixes.tests)
    if tests:
        lines.append(f"Test code among them: {', '.join(tests)} (leave tests alone with "
                     f"--no-tests).")
    if report.registry_path is not None:
        what = "turned into a tombstone" if args.tombstone else "removed"
        lines.append(f"[flags.{args.key}] {what} in {report.registry_path}.")
    for where in report.left:
        lines.append(f"{where}: a read of `{args.key}` is left (outside the named paths, in "
                     f"tests left alone, or its value or arguments cannot be replaced); "
                     f"change it by hand.")
    if report.left and report.registry_path is None and args.key in _declared(config):
        be = "is" if len(report.left) == 1 else "are"
        lines.append(f"[flags.{args.key}] kept: {_plural(len(report.left), 'read')} of it "
                     f"{be} left.")
    if report.configs.removed:
        lines.append(f"{_plural(report.configs.removed, 'deployment config setting')} of "
                     f"`{args.key}` removed from {_plural(len(report.configs.after), 'file')}.")
    for where, why in report.configs.left:
        lines.append(f"{where}: sets `{args.key}` ({why}); remove it by hand.")
    if report.mentions:
        shown = ", ".join(report.mentions[:20])
        more = f" and {len(report.mentions) - 20} more" if len(report.mentions) > 20 else ""
        lines.append(f"Still naming `{args.key}` (comments, docs, other files; not edited): "
                     f"{shown}{more}.")
    for where in report.defined_in_code:
        lines.append(f"{where}: `{args.key}` is defined here in code; remove the definition "
                     f"by hand.")
    sys.stdout.flush()
    stream = sys.stderr if args.dry_run else sys.stdout
    stream.write("\n".join(lines) + "\n")
    return EXIT_OK if report.complete else EXIT_FINDINGS


def _declared(config: Config) -> set[str]:
    from flaglint.sources.registry import load_registry

    return set(load_registry(config).flags)


def _format(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _plural(count: int, word: str, suffix: str = "s") -> str:
    return f"{count} {word}{suffix if count != 1 else ''}"


def _write_error() -> type[Exception]:
    from flaglint.fixes.apply import WriteError

    return WriteError


def _write_failure(error: Exception) -> str:
    from flaglint.fixes.apply import WriteError

    assert isinstance(error, WriteError)
    failed = ", ".join(f"{path} ({why})" for path, why in error.failed)
    lines = [f"cannot write the fixes: {failed}"]
    if error.written:
        lines.append(f"changed: {', '.join(error.written)}")
    lines.append(f"not changed: {', '.join([p for p, _ in error.failed] + error.unwritten)}")
    return "\n".join(lines)


def _emit(report: object, args: argparse.Namespace, links: str | None) -> None:
    from flaglint.reporters import Report

    assert isinstance(report, Report)

    def write(name: str, stream: TextIO, *, color: bool) -> None:
        from flaglint.reporters import github, gitlab, markdown, sarif
        from flaglint.reporters import json as json_reporter
        from flaglint.reporters import text as text_reporter

        if name == "json":
            json_reporter.write(report, stream)
        elif name == "sarif":
            sarif.write(report, stream)
        elif name == "github":
            github.write(report, stream)
        elif name == "gitlab":
            gitlab.write(report, stream)
        elif name == "markdown":
            markdown.write(report, stream, links)
        else:
            text_reporter.write(report, stream, color=color, statistics=args.statistics)

    # Files first: a reader of stdout that goes away (`| head`) must not cost them.
    targets = [(name, path, f"--output-format {name}={path}")
               for name, path in args.output_format]
    if args.output is not None:
        targets.insert(0, (args.format, args.output, f"--output {args.output}"))
    for name, path, option in targets:
        try:
            with path.open("w", encoding="utf-8") as handle:
                write(name, handle, color=False)
        except OSError as error:
            raise UsageError(f"{option}: {error.strerror or error}") from None
    if args.output is None:
        write(args.format, sys.stdout, color=args.format == "text" and _color(sys.stdout))


def _color(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


def _audit(args: argparse.Namespace) -> int:
    from flaglint.audit import build
    from flaglint.audit.formats import write_csv, write_json, write_markdown
    from flaglint.audit.html import write_html
    from flaglint.engine.analyze import Origins

    config, paths = _config(args)
    fmt = args.format
    if fmt is None:
        suffix = args.output.suffix.lower() if args.output is not None else ""
        fmt = {".html": "html", ".htm": "html", ".json": "json", ".csv": "csv"}.get(
            suffix, "markdown")
    outcome = _analysed(args, config, args.today or dt.date.today(), Origins.ALL)
    project = outcome.project
    named = within(paths, config.root)
    audit = build(project, [f for f in outcome.findings if named(f.path)])
    for note in project.notes:
        print(f"flaglint: note: {note}", file=sys.stderr)
    writer = {"html": write_html, "json": write_json, "csv": write_csv,
              "markdown": write_markdown}[fmt]
    if args.output is None:
        writer(audit, sys.stdout)
        return EXIT_OK
    try:
        with args.output.open("w", encoding="utf-8", newline="") as handle:
            writer(audit, handle)
    except OSError as error:
        raise UsageError(f"--output {args.output}: {error.strerror or error}") from None
    print(f"flaglint: wrote the audit of {_plural(len(audit.rows), 'flag')} to {args.output} "
          f"(stage: {audit.stage.name})", file=sys.stderr)
    return EXIT_OK


def _init(args: argparse.Namespace) -> int:
    from flaglint.audit import build
    from flaglint.audit.init import config_text, registry_text
    from flaglint.engine.analyze import Origins

    config, _ = _config(args)
    root = config.root
    if args.registry is not None:
        target = args.registry if args.registry.is_absolute() else Path.cwd() / args.registry
    else:
        target = root / config.registry[0]
    if target.exists():
        raise UsageError(f"{target} exists; init writes over nothing (`flaglint init "
                         f"--registry FILE` writes the registry next to it)")
    today = args.today or dt.date.today()
    outcome = _analysed(args, config, today, Origins.ALL)
    project = outcome.project
    audit = build(project, outcome.findings)
    try:
        relative = target.resolve().relative_to(root).as_posix()
    except ValueError:
        relative = str(target)
    written = []
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(registry_text(audit, project), encoding="utf-8")
        declared = sum(r.status in ("active", "undeclared") for r in audit.rows)
        written.append(f"{relative} ({_plural(declared, 'flag')})")
        if config.source is None:
            (root / "flaglint.toml").write_text(config_text(project, relative),
                                                encoding="utf-8")
            written.append("flaglint.toml")
    except OSError as error:
        raise UsageError(f"cannot write {target}: {error.strerror or error}") from None
    print(f"flaglint: wrote {' and '.join(written)}", file=sys.stderr)
    if config.source is not None:
        from flaglint.audit.init import flag_classes

        for found in flag_classes(project):
            print(f"flaglint: note: the code reads flag keys from the members of {found}: add "
                  f"[[tool.flaglint.definitions]] with class = \"{found}\" to "
                  f"{config.source}", file=sys.stderr)
    if config.source is not None and relative not in config.registry:
        print(f"flaglint: note: add `registry = [\"{relative}\"]` to {config.source} so that "
              f"checks read it", file=sys.stderr)
    if args.write_baseline is not None:
        return _command(["check", str(root), "--exit-zero", "--output", os.devnull,
                      "--write-baseline", str(args.write_baseline), "--today",
                      today.isoformat()] + (["--no-cache"] if args.no_cache else []))
    return EXIT_OK


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


def _analysed(args: argparse.Namespace, config: Config, today: dt.date,
              origins: Origins) -> Outcome:
    """One analysis of the whole project, and the configured rules run on it."""
    from flaglint.engine.analyze import Request, analyze
    from flaglint.engine.inputs import gather
    from flaglint.rules import all_rules, select_rules
    from flaglint.rules.outcome import run

    rules = select_rules(all_rules(), config.select, config.ignore)
    store = _store(args)
    try:
        inputs = gather(config, today, store)
        project = analyze(inputs, store, Request(origins=origins), workers=_workers(args))
        return run(project, rules)
    finally:
        store.close()


def _graph(args: argparse.Namespace) -> int:
    from flaglint.engine.analyze import Request, analyze
    from flaglint.engine.inputs import gather
    from flaglint.reporters.graph import write_graph

    config, paths = _config(args)
    store = _store(args)
    try:
        inputs = gather(config, dt.date.today(), store, paths)
        project = analyze(inputs, store, Request(), workers=_workers(args))
        project.graph.call_graph()  # loaded while the cache is open
    finally:
        store.close()
    if args.output is not None:
        with args.output.open("w", encoding="utf-8") as handle:
            write_graph(project.graph, args.format, handle)
    else:
        write_graph(project.graph, args.format, sys.stdout)
    return EXIT_OK
