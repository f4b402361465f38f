"""`flaglint init`: write a registry (and a flaglint.toml) from what the code, git and
deployment configs show, and with `--write-baseline` record today's findings."""

from __future__ import annotations

import argparse
import dataclasses
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
    from flaglint.audit.init import registries
    from flaglint.engine.origins import Origins

    config = options.target(args).config
    if args.flag_state:  # the exports the project starts from: read as if configured
        config = dataclasses.replace(config, flag_state=(*config.flag_state, *args.flag_state))
    root = config.root
    if args.registry is not None:
        target = args.registry if args.registry.is_absolute() else Path.cwd() / args.registry
    else:
        target = root / config.registry[0]
    if target.exists():
        raise UsageError(f"{target} exists; init writes over nothing (`flaglint init "
                         f"--registry FILE` writes the registry next to it)")
    today = args.today or dt.date.today()
    # The registry init writes may be one the configuration names already (as the
    # flaglint.toml init writes does): analysed without it, not an error for its absence
    pending = tuple(name for name in config.registry
                    if (root / name).resolve() != target.resolve())
    outcome = options.analysed(args, dataclasses.replace(config, registry=pending), today,
                               Origins.ALL)
    project = outcome.project
    audit = build(project, outcome.findings)
    try:
        relative = target.resolve().relative_to(root).as_posix()
    except ValueError:
        relative = str(target)
    every = registries(config, target)
    _write(config, target, relative, audit, project, every)
    from flaglint.engine.check import no_flag_api

    none = no_flag_api(project)  # an empty registry alone says nothing of why (django-cms)
    for note in (*project.notes, none) if none is not None else ():
        print(f"flaglint: note: {note}", file=sys.stderr)
    if config.source is not None:
        _advise(config, config.source, target, project, every)
    if args.write_baseline is not None:
        return command(["check", str(root), "--exit-zero", "--output", os.devnull,
                        "--write-baseline", str(args.write_baseline), "--today",
                        today.isoformat()] + (["--no-cache"] if args.no_cache else []))
    return EXIT_OK


def _write(config: Config, target: Path, relative: str, audit: Audit, project: Project,
           every: list[Path]) -> None:
    """The registry, and a flaglint.toml listing `every` registry when the project has no
    configuration yet."""
    from flaglint.audit.init import config_text, registry_text

    written = []
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        text = registry_text(audit, project)
        target.write_text(text, encoding="utf-8")
        declared = text.count("\n[flags.")
        written.append(f"{relative} ({options.plural(declared, 'flag')})")
        if config.source is None:
            (config.root / "flaglint.toml").write_text(config_text(project, every),
                                                       encoding="utf-8")
            written.append("flaglint.toml")
    except OSError as error:
        raise UsageError(f"cannot write {target}: {error.strerror or error}") from None
    print(f"flaglint: wrote {' and '.join(written)}", file=sys.stderr)


def _advise(config: Config, source: Path, target: Path, project: Project, every: list[Path]
            ) -> None:
    """What to add to the configuration the project has, which init does not edit."""
    from flaglint.audit.init import flag_classes, is_read, registry_line

    for found in flag_classes(project):
        print(f"flaglint: note: the code reads flag keys from the members of {found}: add "
              f"[[tool.flaglint.definitions]] with class = \"{found}\" to {source}",
              file=sys.stderr)
    for spec in (s for s in project.config.flag_state if s.line == 0):  # from the command line
        print(f"flaglint: note: add [[tool.flaglint.flag-state]] with format = "
              f"\"{spec.format}\" and path = \"{spec.path}\" to {source} so that checks read "
              f"the export", file=sys.stderr)
    if is_read(config, target):
        return
    line = registry_line(every, source.parent)
    pyproject = source.name == "pyproject.toml"
    table = f"[tool.flaglint] of {source}" if pyproject else str(source)
    if config.registry_configured:  # `every` is what it lists, then the new registry
        advice = (f"in {table}, replace `{registry_line(every[:-1], source.parent)}` with "
                  f"`{line}`")
    else:  # a top-level key of flaglint.toml must come before its tables
        advice = f"add `{line}` to {table}" + ("" if pyproject else ", above its first table")
    print(f"flaglint: note: {advice} so that checks read every registry", file=sys.stderr)
