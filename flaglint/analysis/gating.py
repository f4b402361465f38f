"""FL402 in a `--diff` run: what each flag gates, at the base and now. A flag whose gated
code at the base is all gone, while it gates other code now, has a new meaning."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from flaglint.analysis.deadcode import atoms
from flaglint.facts import FileFacts
from flaglint.links.model import FlagRead
from flaglint.model.project import Project
from flaglint.sources.diff import DiffScope
from flaglint.suppressions import source_lines

Gated = dict[str, dict[str, set[str]]]  # flag -> path -> the normalized lines it decides


def may_regate(project: Project, diff: DiffScope, base_sources: Mapping[str, bytes],
               names: Iterable[str]) -> bool:
    """Can any flag gate different code than at the base? Only where a changed file reads a
    flag, now or at the base (what a flag gates is in the files that read it); the base
    versions are only searched for the names of readers and wrappers."""
    if any(read.path in diff.changed for read in project.linked.reads):
        return True
    words = b"|".join(re.escape(name.encode()) for name in sorted(set(names)) if name)
    if not words:
        return False
    called = re.compile(rb"\b(?:" + words + rb")\s*\(")
    return any(called.search(data) for data in base_sources.values())


def gated_code(project: Project) -> Gated:
    """flag -> path -> the normalized lines of code its guards decide."""
    paths = {read.path for read in project.linked.reads}
    files = (facts for path in project.paths() if path in paths
             and (facts := project.files.facts_of(path)) is not None)
    return gated(project.linked.reads, files, project.source_of)


def gated(reads: Iterable[FlagRead], files: Iterable[FileFacts],
           source_of: Callable[[str], bytes]) -> Gated:
    keys = {(r.path, r.call): r.key for r in reads if r.key is not None}
    gated: Gated = defaultdict(lambda: defaultdict(set))
    for facts in files:
        if not facts.guards:
            continue
        text = source_of(facts.path).decode("utf-8", errors="replace")
        lines = source_lines(text)
        for guard in facts.guards:
            flags = {keys.get((facts.path, index)) for index in atoms(guard.test)} - {None}
            for part in (guard.body, guard.orelse):
                if part is None:
                    continue
                code = {line.strip() for line in lines[part.line:part.end_line]
                        if line.strip() and not line.strip().startswith("#")}
                for key in flags:
                    assert key is not None
                    gated[key][facts.path] |= code
    return gated


def _summary(code: dict[str, set[str]]) -> str:
    count = sum(len(lines) for lines in code.values())
    paths = ", ".join(sorted(code))
    return f"{count} line{'s' if count != 1 else ''} in {paths}"


def regated(before: Gated, after: Gated) -> dict[str, tuple[str, str]]:
    """Flags whose gated code at the base and now have nothing in common: flag ->
    (what it gated, what it gates), said for messages."""
    result = {}
    for key, then in before.items():
        now = after.get(key, {})
        old = set().union(*then.values()) if then else set()
        new = set().union(*now.values()) if now else set()
        if old and new and not old & new:
            result[key] = (_summary(then), _summary(now))
    return result
