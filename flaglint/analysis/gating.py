"""FL402 in a `--changed-since` run: what each flag gates, on which side, at the base and
now. A flag whose code now runs on the other side of it (what ran when it was on runs when it
is off) has a new meaning; an edit of the code it gates (a bug fix in a flagged branch) is no
new meaning."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from flaglint.facts import Cond, CondOp, FileFacts
from flaglint.links.model import FlagRead
from flaglint.model.project import Project
from flaglint.sources.diff import DiffScope
from flaglint.suppressions import source_lines

# flag -> path -> side (True: runs when the flag is on) -> the normalized lines on that side
Gated = dict[str, dict[str, dict[bool, set[str]]]]


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
    found: Gated = defaultdict(lambda: defaultdict(lambda: {True: set(), False: set()}))
    for facts in files:
        if not facts.guards:
            continue
        text = source_of(facts.path).decode("utf-8", errors="replace")
        lines = source_lines(text)
        for guard in facts.guards:
            for index, on in _polarities(guard.test).items():
                key = keys.get((facts.path, index))
                if key is None:
                    continue
                for part, side in ((guard.body, on), (guard.orelse, not on)):
                    if part is not None:
                        found[key][facts.path][side] |= {
                            line.strip() for line in lines[part.line:part.end_line]
                            if line.strip() and not line.strip().startswith("#")}
    return found


def _polarities(cond: Cond) -> dict[int, bool]:
    """call index -> does the test hold when that read is on? (`not` flips; a comparison
    with `False` or `!=` flips too)."""
    if cond.op is CondOp.NOT:
        return {i: not p for operand in cond.operands for i, p in _polarities(operand).items()}
    if cond.op in (CondOp.AND, CondOp.OR):
        return {i: p for operand in cond.operands for i, p in _polarities(operand).items()}
    if cond.op is CondOp.CALL:
        return {cond.call: True}
    if cond.op is CondOp.COMPARE:
        falsy = any(v.text in ("False", "0", "None", '""', "''") for v in cond.values)
        return {cond.call: (cond.compare in ("!=", "is not", "not in")) == falsy}
    return {}


def _summary(code: dict[str, set[str]]) -> str:
    count = sum(len(lines) for lines in code.values())
    paths = ", ".join(sorted(path for path, lines in code.items() if lines))
    return f"{count} line{'s' if count != 1 else ''} in {paths}"


def regated(before: Gated, after: Gated) -> dict[str, tuple[str, str]]:
    """Flags whose code now runs on the other side of them: more of the lines they gate
    swapped sides than kept their side. flag -> (what ran when on, and now runs when off;
    what ran when off, and now runs when on), said for messages."""
    result = {}
    for key, then in before.items():
        now = after.get(key, {})
        moved: dict[bool, dict[str, set[str]]] = {True: {}, False: {}}
        kept = 0
        for path in set(then) & set(now):
            for side in (True, False):
                moved[side][path] = then[path][side] & now[path][not side]
                kept += len(then[path][side] & now[path][side])
        flipped = sum(len(lines) for side in moved.values() for lines in side.values())
        if flipped and flipped > kept:
            result[key] = (_summary(moved[True]), _summary(moved[False]))
    return result
