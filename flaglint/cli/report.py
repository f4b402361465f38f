"""A check's report: the baseline applied, then each format asked for written to its file
or to stdout."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from flaglint.cli import options
from flaglint.cli.options import EXIT_FINDINGS, EXIT_OK, CheckRun, UsageError

if TYPE_CHECKING:
    from flaglint.baseline import Entry
    from flaglint.engine.check import Summary
    from flaglint.findings import Finding
    from flaglint.reporters import FileChange, Report


@dataclass(frozen=True, slots=True)
class _Shown:
    """The findings a report shows, with their baseline entries and fix previews; with a
    baseline, how many it hid and how many of its entries match nothing any more."""

    findings: list[Finding]
    entries: list[Entry]
    previews: list[tuple[FileChange, ...]]
    hidden: int | None = None
    stale: int | None = None


def report(run: CheckRun, summary: Summary, fixed: int | None,
           recorded: list[Entry] | None) -> int:
    from flaglint import baseline
    from flaglint.reporters import Report
    from flaglint.sources.discover import within

    config, args = run.target.config, run.args
    named = within(run.target.paths, config.root)
    findings = list(summary.findings)
    for note in summary.notes:
        print(f"flaglint: note: {note}", file=sys.stderr)
    checked = sum(1 for path in summary.files if named(path))
    shown = _Shown(findings, baseline.entries(findings, baseline.Lines(config.root)),
                   list(summary.previews) or [()] * len(findings))
    if args.write_baseline is not None:
        _write_baseline(args.write_baseline, shown.entries)
        recorded = shown.entries
    if recorded is not None:
        shown = _without_recorded(run, shown, recorded)
    exit_code = EXIT_FINDINGS if shown.findings and not args.exit_zero else EXIT_OK
    changes = {i: found for i, found in enumerate(shown.previews) if found}
    diff = run.diff
    written = Report(shown.findings, checked, summary.flags, summary.unused_suppressions,
                     fixed, root=config.root,
                     fingerprints=tuple(e.fingerprint for e in shown.entries),
                     exit_code=exit_code, notes=tuple(summary.notes), changes=changes,
                     codes=tuple(run.codes),
                     diff_ref=f"{diff.ref} ({diff.base[:7]})" if diff is not None else None,
                     hidden=shown.hidden, stale=shown.stale)
    _emit(written, run, _links(config.root))
    return exit_code


def _write_baseline(path: Path, entries: list[Entry]) -> None:
    from flaglint import baseline

    try:
        baseline.write(path, entries)
    except baseline.BaselineError as error:
        raise UsageError(str(error)) from None
    print(f"flaglint: recorded {options.plural(len(entries), 'finding')} in {path}",
          file=sys.stderr)


def _without_recorded(run: CheckRun, shown: _Shown, recorded: list[Entry]) -> _Shown:
    """What the baseline does not hold; its entries outside a narrowed run are not stale,
    only not looked at."""
    from flaglint import baseline

    matched = baseline.match(shown.entries, recorded)
    narrowed = run.diff is not None or any(p != run.target.config.root
                                           for p in run.target.paths or ())
    return _Shown([shown.findings[i] for i in matched.kept],
                  [shown.entries[i] for i in matched.kept],
                  [shown.previews[i] for i in matched.kept],
                  hidden=matched.hidden,
                  stale=len(matched.stale) if not narrowed else None)


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


@dataclass(frozen=True, slots=True)
class _Destination:
    format: str
    path: Path
    option: str  # the option that asked for it, for errors


def _emit(report: Report, run: CheckRun, links: str | None) -> None:
    args = run.args
    # Files first: a reader of stdout that goes away (`| head`) must not cost them.
    destinations = [_Destination(f.format, f.path, f"--output-format {f.format}={f.path}")
                    for f in args.output_format]
    if args.output is not None:
        destinations.insert(0, _Destination(args.format, args.output,
                                            f"--output {args.output}"))
    for destination in destinations:
        try:
            with destination.path.open("w", encoding="utf-8") as handle:
                _write(report, destination.format, handle, links, color=False,
                       statistics=args.statistics)
        except OSError as error:
            raise UsageError(f"{destination.option}: {error.strerror or error}") from None
    if args.output is None:
        _write(report, args.format, sys.stdout, links,
               color=args.format == "text" and _color(sys.stdout), statistics=args.statistics)


def _write(report: Report, name: str, stream: TextIO, links: str | None, *, color: bool,
           statistics: bool) -> None:
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
        text_reporter.write(report, stream, color=color, statistics=statistics)


def _color(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()
