"""`flaglint init`: write a registry (and a flaglint.toml) from what the code, git and
deployment configs show, and with `--write-baseline` record today's findings."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from flaglint.cli import options
from flaglint.cli.options import EXIT_OK, UsageError
from flaglint.config import Config

if TYPE_CHECKING:
    from flaglint.audit import Audit
    from flaglint.model.project import Project


def run_init(args: argparse.Namespace, command: Callable[[list[str]], int]) -> int:
    """`command` runs a command line, as `flaglint` would: here, the check that records
    the baseline."""
    from flaglint.audit import build
    from flaglint.engine.analyze import Origins

    config = options.target(args).config
    root = config.root
    if args.registry is not None:
        target = args.registry if args.registry.is_absolute() else Path.cwd() / args.registry
    else:
        target = root / config.registry[0]
    if target.exists():
        raise UsageError(f"{target} exists; init writes over nothing (`flaglint init "
                         f"--registry FILE` writes the registry next to it)")
    today = args.today or dt.date.today()
    outcome = options.analysed(args, config, today, Origins.ALL)
    project = outcome.project
    audit = build(project, outcome.findings)
    try:
        relative = target.resolve().relative_to(root).as_posix()
    except ValueError:
        relative = str(target)
    _write(config, target, relative, audit, project)
    if config.source is not None:
        _advise(config, config.source, relative, project)
    if args.write_baseline is not None:
        return command(["check", str(root), "--exit-zero", "--output", os.devnull,
                        "--write-baseline", str(args.write_baseline), "--today",
                        today.isoformat()] + (["--no-cache"] if args.no_cache else []))
    return EXIT_OK


def _write(config: Config, target: Path, relative: str, audit: Audit, project: Project
           ) -> None:
    """The registry, and a flaglint.toml when the project has no configuration yet."""
    from flaglint.audit.init import config_text, registry_text

    written = []
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        text = registry_text(audit, project)
        target.write_text(text, encoding="utf-8")
        declared = text.count("\n[flags.")
        written.append(f"{relative} ({options.plural(declared, 'flag')})")
        if config.source is None:
            (config.root / "flaglint.toml").write_text(config_text(project, relative),
                                                       encoding="utf-8")
            written.append("flaglint.toml")
    except OSError as error:
        raise UsageError(f"cannot write {target}: {error.strerror or error}") from None
    print(f"flaglint: wrote {' and '.join(written)}", file=sys.stderr)


def _advise(config: Config, source: Path, relative: str, project: Project) -> None:
    """What to add to the configuration the project has, which init does not edit."""
    from flaglint.audit.init import flag_classes

    for found in flag_classes(project):
        print(f"flaglint: note: the code reads flag keys from the members of {found}: add "
              f"[[tool.flaglint.definitions]] with class = \"{found}\" to {source}",
              file=sys.stderr)
    if relative not in config.registry:
        print(f"flaglint: note: add `registry = [\"{relative}\"]` to {source} so that "
              f"checks read it", file=sys.stderr)
