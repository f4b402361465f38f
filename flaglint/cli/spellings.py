"""`check`'s options as ruff users and older scripts write them, resolved into one meaning
before any work, and how much the run says on the terminal.

- bare `--diff` previews the fixes (what `--fix` would write, as a unified diff), as ruff's;
- `--diff REF` is the old spelling of `--changed-since REF` (a one-line note says so); a
  value that is a path and no git revision is a path to preview (`--fix --diff src/`);
- `--output-format FORMAT` alone is `--format FORMAT`, as ruff's; `FORMAT=FILE` adds a file;
- `-q` prints the findings alone, `-qq` or `--silent` nothing; `--color auto` colours a
  terminal unless NO_COLOR is set, or FORCE_COLOR asks for it."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO

from flaglint.cli.arguments import PREVIEW, ReportFile
from flaglint.cli.options import Terminal, UsageError


def terminal(args: argparse.Namespace, stream: TextIO | None = None) -> Terminal:
    silent = bool(args.silent) or args.quiet >= 2
    return Terminal(quiet=silent or args.quiet >= 1, silent=silent,
                    color=wants_color(args.color, stream if stream is not None else sys.stdout))


def wants_color(choice: str, stream: TextIO) -> bool:
    """`always` and `never` say it; `auto` colours a terminal, unless NO_COLOR is set (to
    anything but ""), and colours anything when FORCE_COLOR is (no-color.org,
    force-color.org)."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def resolve(args: argparse.Namespace) -> list[str]:
    """Give `args` one meaning: `preview`, `changed_since` (and the option that named it,
    for errors), `format`, and `output_format` holding files only. Returns the deprecation
    notes to say."""
    notes: list[str] = []
    args.preview = False
    args.changed_since_option = "--changed-since"
    if args.diff == PREVIEW:
        args.preview = True
    elif args.diff is not None:
        notes += _diff_value(args, args.diff)
    _format(args)
    if args.preview:
        _check_preview(args)
    return notes


def _diff_value(args: argparse.Namespace, value: str) -> list[str]:
    """`--diff VALUE`: a git revision (the old `--diff REF`), or a path to preview."""
    is_path = Path(value).exists()
    is_revision = _is_revision(value, args.paths)
    if is_path and is_revision:
        raise UsageError(f"--diff {value}: {value!r} is both a git revision and a path; write "
                         f"`--changed-since {value}` for the lines changed since it, or "
                         f"`check {value} --diff` to preview the fixes there")
    if is_path:
        args.paths = [*args.paths, Path(value)]
        args.preview = True
        return []
    if args.changed_since is not None:
        raise UsageError(f"--diff {value} is the old spelling of --changed-since; give "
                         f"--changed-since once")
    args.changed_since = value
    args.changed_since_option = "--diff"
    return [f"`--diff {value}` is deprecated: write `--changed-since {value}` (bare `--diff` "
            f"previews what --fix would write, as in ruff)"]


def _is_revision(value: str, paths: list[Path]) -> bool:
    from flaglint.sources import git

    start = paths[0] if paths else Path.cwd()
    folder = start if start.is_dir() else start.parent
    if not folder.is_dir():
        return False
    found = git.text(folder, "rev-parse", "--verify", "--quiet", "--end-of-options",
                     f"{value}^{{commit}}", timeout=30)
    return found.returncode == 0


def _format(args: argparse.Namespace) -> None:
    """The report on stdout: `--format`, or `--output-format FORMAT` without a file."""
    named = [item for item in args.output_format if isinstance(item, str)]
    args.output_format = [item for item in args.output_format if isinstance(item, ReportFile)]
    chosen = {*named, *([args.format] if args.format is not None else [])}
    if len(chosen) > 1:
        said = [f"--format {args.format}"] if args.format is not None else []
        said += [f"--output-format {name}" for name in dict.fromkeys(named)]
        raise UsageError(f"{' and '.join(said)} ask for different reports on stdout; add a "
                         f"file for the others (--output-format FORMAT=FILE)")
    args.format = chosen.pop() if chosen else "text"


def _check_preview(args: argparse.Namespace) -> None:
    """A preview prints a diff and writes nothing: no report, no file."""
    given = [option for option, used in (
        ("--output", args.output is not None),
        ("--output-format FORMAT=FILE", bool(args.output_format)),
        ("--write-baseline", args.write_baseline is not None),
        ("--statistics", args.statistics),
        (f"--format {args.format}", args.format != "text"),
    ) if used]
    if given:
        raise UsageError(f"--diff prints what --fix would write and writes nothing, so "
                         f"{' and '.join(given)} cannot go with it; check without --diff "
                         f"for a report")
