"""A check's result for the command line: the summary a report is made of, and the run
whose inputs did not change, which gives the last run's summary (the hook on a commit that
touched no Python file, a second run in a row) without linking, resolving or rebuilding.

The inputs are every checked file's path, size and modification time (the files git or the
walk lists, so a new file changes them), the configuration and registry bytes, the HEAD
commit (history rules read git), the day (expiry), the rules, and flaglint's version.
Anything else means a full run, which then becomes the cached one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from flaglint import __version__, cache
from flaglint.config import Config
from flaglint.findings import Finding
from flaglint.sources.discover import SourceFile
from flaglint.suppressions import Suppression

if TYPE_CHECKING:
    from flaglint.engine import Outcome, Project
    from flaglint.options import Options
    from flaglint.rules import Rule


@dataclass(frozen=True, slots=True)
class Summary:
    """What the report of a run needs, without the project behind it."""

    findings: tuple[Finding, ...]
    files: tuple[str, ...]  # every analysed file
    flags: int
    unused_suppressions: tuple[tuple[str, Suppression], ...]
    notes: tuple[str, ...]  # what the run could not see, said on stderr
    project: Project | None = None  # the analysed project (never cached)


def inputs_key(config: Config, sources: Iterable[SourceFile], codes: Iterable[str],
               today: str, head: str | None) -> str:
    hasher = hashlib.blake2b(digest_size=20)
    hasher.update(f"{__version__}\0{cache.FACTS_VERSION}\0{today}\0{head}\0".encode())
    hasher.update(",".join(sorted(codes)).encode())
    for path in (config.source, *(config.root / r for r in config.registry)):
        hasher.update(b"\0" + str(path).encode() + b"\0")
        if path is not None:
            try:
                hasher.update(Path(path).read_bytes())
            except OSError:
                hasher.update(b"(missing)")
    for source in sources:
        try:
            stat = os.stat(source.path)
        except OSError:
            return ""  # a file that vanished: no key, a full run
        hasher.update(f"\0{source.rel}\0{source.module}\0{stat.st_size}\0"
                      f"{stat.st_mtime_ns}\0{stat.st_ino}".encode())
    if config.environments:  # deployment configs: a glob that finds no file is an error here
        from flaglint.sources.deploy import files

        for spec, paths in files(config):
            hasher.update(f"\0{spec}".encode())
            for path in paths:
                try:
                    stat = os.stat(path)
                except OSError:
                    return ""
                hasher.update(f"\0{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0"
                              f"{stat.st_ino}".encode())
    return hasher.hexdigest()


def load(root: Path, key: str) -> Summary | None:
    if not key:
        return None
    found = cache.load(cache.cache_file("results", str(root)), tuple)
    if found is None or len(found) != 2 or found[0] != key or not isinstance(found[1], Summary):
        return None
    return found[1]


def store(root: Path, key: str, summary: Summary) -> None:
    if key:
        cache.store(cache.cache_file("results", str(root)), (key, summary))


def unchanged_or_run(config: Config, options: Options, rules: list[Rule], use_cache: bool
                      ) -> Summary:
    """The last run's summary when no input changed (see results.py), else a full run."""
    from flaglint.sources.discover import discover

    notes: list[str] = []
    sources = discover(config, None, notes)
    key = ""
    if use_cache and options.use_cache:
        key = inputs_key(config, sources, [r.code for r in rules],
                                 options.today.isoformat(), _head(config.root))
        found = load(config.root, key)
        if found is not None:
            return found
    from flaglint.engine import analyze, run

    outcome = run(analyze(config, None, options, discovered=(sources, notes)), rules)
    summary = summarize(outcome, rules)
    store(config.root, key, dataclasses.replace(summary, project=None))
    return summary


def _head(root: Path) -> str | None:
    from flaglint.sources.history import HistoryUnavailable, head_commit

    try:
        return head_commit(root)
    except HistoryUnavailable:
        return None


def summarize(outcome: Outcome, rules: list[Rule]) -> Summary:
    project = outcome.project
    return Summary(tuple(outcome.findings), tuple(f.path for f in project.files),
                   len(project.graph.flags()), tuple(outcome.unused_suppressions),
                   tuple(_notes(project, rules)), project)


def _notes(project: Project, rules: list[Rule]) -> list[str]:
    """What the run could not see, said once on stderr."""
    notes = list(project.notes)
    if project.history_note and any(r.needs_history for r in rules):
        notes.append(project.history_note)
    if not project.has_declarations and any(True for _ in project.graph.reads()):
        notes.append("no registry (flags.toml) and no definitions configured, so FL101 and "
                     "FL102 cannot tell declared flags from undeclared ones")
    return notes
