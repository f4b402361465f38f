"""A check's report: the baseline applied, then each format asked for written to its file
or to stdout, as loud as the run was asked to be; and its exit code (`--fail-on`)."""

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
    from flaglint.reporters import FileChange, FixCount, Report


@dataclass(frozen=True, slots=True)
class _Shown:
    """The findings a report shows, with their baseline entries and fix previews; with a
    baseline, how many it hid and how many of its entries match nothing any more."""

    findings: list[Finding]
    entries: list[Entry]
    previews: list[tuple[FileChange, ...]]
    hidden: int | None = None
    stale: int | None = None


def report(run: CheckRun, summary: Summary, fixes: tuple[FixCount, ...] | None,
           recorded: list[Entry] | None) -> int:
    """Report a check (`fixes`: what --fix fixed, None without --fix); the exit code."""
    from flaglint.reporters import Report
    from flaglint.sources.discover import within

    config, args, terminal = run.target.config, run.args, run.terminal
    named = within(run.target.paths, config.root)
    if not terminal.quiet:
        for note in summary.notes:
            print(f"flaglint: note: {note}", file=sys.stderr)
    checked = sum(1 for path in summary.files if named(path))
    # A finding's baseline entry (its fingerprint) is for a baseline and for the formats
    # that carry fingerprints; made only then (9,640 findings of a 4 MB module: 0.2 s).
    wanted = recorded is not None or args.write_baseline is not None \
        or bool(run.formats & _FINGERPRINTED)
    every = _every_entry(summary, config.root) if wanted else _Every([], [])
    shown = _Shown(list(summary.findings), [every.entries[i] for i in every.shown],
                   list(summary.previews) or [()] * len(summary.findings))
    written_to = None
    if args.write_baseline is not None:
        # The whole run is recorded, whatever paths or --changed-since narrow the report.
        _write_baseline(args.write_baseline, every.entries)
        recorded, written_to = every.entries, args.write_baseline
    if recorded is not None:
        shown = _without_recorded(run, shown, every, recorded)
    fails = options.failing(shown.findings, args.fail_on)
    exit_code = EXIT_FINDINGS if fails and not args.exit_zero else EXIT_OK
    if written_to is not None and not terminal.quiet:
        print(f"flaglint: recorded {options.plural(len(every.entries), 'finding')} in "
              f"{written_to}; exit code {exit_code} (runs with --baseline {written_to} "
              f"report only new findings)", file=sys.stderr)
    changes = {i: found for i, found in enumerate(shown.previews) if found}
    diff = run.diff
    written = Report(shown.findings, checked, summary.flags, summary.unused_suppressions,
                     sum(f.number for f in fixes) if fixes is not None else None,
                     fixes or (), root=config.root,
                     fingerprints=tuple(e.fingerprint for e in shown.entries),
                     exit_code=exit_code, notes=tuple(summary.notes), changes=changes,
                     codes=tuple(run.codes),
                     diff_ref=f"{diff.ref} ({diff.base[:7]})" if diff is not None else None,
                     hidden=shown.hidden, stale=shown.stale,
                     recorded=len(every.entries) if written_to is not None else None)
    _emit(written, run, _links(config.root))
    return exit_code


_FINGERPRINTED = frozenset({"sarif", "gitlab"})  # the formats that show fingerprints


@dataclass(frozen=True, slots=True)
class _Every:
    """The baseline entry of every finding of the run (a baseline is matched on the whole
    run, before named paths or --changed-since narrow it), and where each shown finding is among
    them."""

    entries: list[Entry]
    shown: list[int]


def _every_entry(summary: Summary, root: Path) -> _Every:
    from flaglint import baseline

    every = list(summary.everything)
    at: dict[tuple[object, ...], list[int]] = {}
    for index, finding in enumerate(every):
        at.setdefault(_identity(finding), []).append(index)
    shown = []
    for finding in summary.findings:
        places = at.get(_identity(finding))
        if places:
            shown.append(places.pop(0))
        else:  # not among the run's findings (cannot happen): an entry of its own
            every.append(finding)
            shown.append(len(every) - 1)
    return _Every(baseline.entries(every, baseline.Lines(root)), shown)


def _identity(finding: Finding) -> tuple[object, ...]:
    """A finding as the report may show it (its fix may be withheld there)."""
    return (finding.code, finding.flag, finding.path, finding.span, finding.message)


def _write_baseline(path: Path, entries: list[Entry]) -> None:
    from flaglint import baseline

    try:
        baseline.write(path, entries)
    except baseline.BaselineError as error:
        raise UsageError(str(error)) from None


def _without_recorded(run: CheckRun, shown: _Shown, every: _Every, recorded: list[Entry]
                      ) -> _Shown:
    """What the baseline does not hold, matched on the whole run: a new finding on a line
    that reads like a recorded one is told apart from the recorded one by the run's other
    findings, which --changed-since would hide. Its entries are stale when no finding of the run
    matches them; in a --changed-since run some rules look only at the change, so none are said."""
    from flaglint import baseline

    matched = baseline.match(every.entries, recorded)
    kept_in_run = set(matched.kept)
    kept = [i for i, position in enumerate(every.shown) if position in kept_in_run]
    return _Shown([shown.findings[i] for i in kept], [shown.entries[i] for i in kept],
                  [shown.previews[i] for i in kept], hidden=len(shown.findings) - len(kept),
                  stale=len(matched.stale) if run.diff is None else None)


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
    args, terminal = run.args, run.terminal
    # Files first: a reader of stdout that goes away (`| head`) must not cost them.
    destinations = [_Destination(f.format, f.path, f"--output-format {f.format}={f.path}")
                    for f in args.output_format]
    if args.output is not None:
        destinations.insert(0, _Destination(args.format, args.output,
                                            f"--output {args.output}"))
    for destination in destinations:
        try:
            with destination.path.open("w", encoding="utf-8",
                                       errors="backslashreplace") as handle:
                _write(report, destination.format, handle, links, _Text(
                    color=False, statistics=args.statistics, quiet=False,
                    show_fixes=args.show_fixes))
        except OSError as error:
            raise UsageError(f"{destination.option}: {error.strerror or error}") from None
    if args.output is None and not terminal.silent:
        _write(report, args.format, sys.stdout, links, _Text(
            color=terminal.color, statistics=args.statistics, quiet=terminal.quiet,
            show_fixes=args.show_fixes))


@dataclass(frozen=True, slots=True)
class _Text:
    """How the text format is written: in colour, as statistics, quietly, with the fixes."""

    color: bool
    statistics: bool
    quiet: bool
    show_fixes: bool


def _write(report: Report, name: str, stream: TextIO, links: str | None, text: _Text) -> None:
    # Only the format asked for is imported: SARIF's documents every rule, which loads them
    # all (and the model they check), 40 ms of a warm run's 200
    if name == "json":
        from flaglint.reporters import json as json_reporter

        json_reporter.write(report, stream)
    elif name == "sarif":
        from flaglint.reporters import sarif

        sarif.write(report, stream)
    elif name == "github":
        from flaglint.reporters import github

        github.write(report, stream)
    elif name == "gitlab":
        from flaglint.reporters import gitlab

        gitlab.write(report, stream)
    elif name == "markdown":
        from flaglint.reporters import markdown

        markdown.write(report, stream, links)
    else:
        from flaglint.reporters import text as text_reporter

        text_reporter.write(report, stream, color=text.color, statistics=text.statistics,
                            quiet=text.quiet, show_fixes=text.show_fixes)
