"""`flaglint audit`: an inventory of every flag for a one-off look at legacy code, with or
without a registry: one row a flag, the totals, debt over time, the dead code cleaning would
remove, and where the team stands (audit/maturity.py).

What a registry would say is worked out from the code and git when there is none: a key's
first appearance and who wrote about it from one pass over the history of the files that name
it (`git log -p` of those files only), its owner from CODEOWNERS when present, its type from
its name, and its age against that type's lifetime.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from flaglint import progress
from flaglint.analysis.deadcode import atoms
from flaglint.audit.maturity import stage
from flaglint.audit.model import VERSION, Audit, Criterion, DeadCode, FlagRow, Stage
from flaglint.findings import Finding
from flaglint.links.model import FlagRead
from flaglint.model.project import FlagRecord, Project
from flaglint.sources import git
from flaglint.sources.discover import GlobSet
from flaglint.sources.registry import FlagDecl, Status

T = TypeVar("T")

__all__ = ["VERSION", "Audit", "Criterion", "DeadCode", "FlagRow", "Stage", "build"]
MONTHS = 24  # debt over time: the last two years

_TYPE_WORDS = (("kill-switch", ("kill", "killswitch", "circuit", "emergency")),
               ("experiment", ("exp", "experiment", "ab", "test", "variant", "trial")),
               ("operational", ("ops", "op", "operational", "throttle", "rate", "limit")),
               ("permission", ("perm", "permission", "allow", "can", "access", "entitlement")))


def guess_type(key: str) -> str:
    """A flag's type from its name (`exp_new_search` is an experiment); else release."""
    words = set(re.split(r"[^a-z0-9]+", key.lower()))
    for kind, hints in _TYPE_WORDS:
        if words & set(hints):
            return kind
    return "release"


# -- CODEOWNERS ------------------------------------------------------------------------------


def codeowners(root: Path) -> list[tuple[str, str]]:
    """(pattern, owners) rules of the first CODEOWNERS file found, in file order."""
    for place in (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"):
        path = root / place
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        rules = []
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            if not line or line.startswith("["):
                continue
            pattern, *owners = line.split()
            if owners:
                rules.append((pattern, " ".join(owners)))
        return rules
    return []


def owner_of(rules: list[tuple[str, str]], path: str) -> str | None:
    """The owners of a file: the last matching rule wins, as on GitHub and GitLab."""

    found = None
    for pattern, owners in rules:
        glob = pattern.lstrip("/") if pattern != "*" else "**"
        anchored = pattern.startswith("/")
        candidates = [glob, f"{glob}**" if glob.endswith("/") else f"{glob}/**"]
        if not anchored and "/" not in glob.rstrip("/"):
            candidates += [f"**/{c}" for c in candidates]
        if GlobSet(tuple(candidates)).match(path):
            found = owners
    return found


# -- one pass over history -----------------------------------------------------------------


@dataclass
class Mentions:
    """What the history of the files that name a key says of it."""

    first: dict[str, dt.date] = field(default_factory=dict)
    last: dict[str, dt.date] = field(default_factory=dict)
    authors: dict[str, Counter[str]] = field(default_factory=dict)
    commits: int = 0


def mentions(root: Path, paths: list[str], keys: set[str]) -> Mentions | None:
    """Each key's first and last mention on an added or removed line, and who wrote those
    lines, from one `git log -p` of the given files (oldest first). None outside git."""
    found = Mentions()
    if not paths or not keys:
        return found
    words = sorted(keys, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(k) for k in words))
    result = git.text(root, "log", "--reverse", "--no-color", "-U0", "--no-renames",
                      "--format=%x00%at %an", "-p", "--", *sorted(paths), timeout=1800)
    if result.returncode != 0:
        return None
    date = dt.date.min
    author = ""
    for line in result.stdout.split("\n"):
        if line.startswith("\0"):
            stamp, author = [*line[1:].split(" ", 1), ""][:2]
            date = dt.datetime.fromtimestamp(int(stamp or 0), dt.timezone.utc).date()
            found.commits += 1
            progress.update("reading the history of flag reads: commits", found.commits)
            continue
        if not line or line[0] not in "+-" or line.startswith(("+++", "---")):
            continue
        for match in set(pattern.findall(line)):
            if not _whole(line, match):
                continue
            found.first.setdefault(match, date)
            found.last[match] = date
            found.authors.setdefault(match, Counter())[author] += 1
    return found


def _whole(line: str, key: str) -> bool:
    """Is `key` in the line as a key, not inside a longer name?"""
    for match in re.finditer(re.escape(key), line):
        before = line[match.start() - 1] if match.start() else " "
        after = line[match.end()] if match.end() < len(line) else " "
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            return True
    return False


# -- the audit -------------------------------------------------------------------------------


def build(project: Project, findings: list[Finding], progress: object = None) -> Audit:

    config = project.config
    keys = set(project.records) | set(project.graph.flags())
    reads_by_key = {key: project.graph.reads_of(key) for key in keys}
    definition_paths = {d.path for r in project.records.values() for d in r.definitions}
    read_paths = {r.path for reads in reads_by_key.values() for r in reads}
    # Git says when keys appeared and who wrote them, registry or not: one pass.
    found = mentions(config.root, sorted(read_paths | definition_paths), keys)
    history = project.history is not None or (found is not None and found.commits > 0)
    by_flag: dict[str | None, Counter[str]] = {}
    for finding in findings:
        by_flag.setdefault(finding.flag, Counter())[finding.code] += 1
    dead_lines, dead_code = _dead_code(project)
    known = _Known(project, found, codeowners(config.root), by_flag, _guarded_lines(project),
                   dead_lines)
    rows = [_row(known, key, reads_by_key[key]) for key in sorted(keys)]
    files = len(project.files)
    lines = sum(f.lines for f in project.files)
    audit = Audit(config.root, project.today, rows, findings,
                  months=_months(rows, project, project.today), dead_code=dead_code,
                  stage=Stage("", [], []), history=history,
                  deployments=project.deployments is not None,
                  registry=project.registry.present, files=files, lines=lines)
    audit.stage = stage(audit, project)
    return audit


@dataclass(frozen=True, slots=True)
class _Known:
    """What the audit learnt of every flag before it writes a row a flag."""

    project: Project
    mentions: Mentions | None  # None outside git
    codeowners: list[tuple[str, str]]
    codes: dict[str | None, Counter[str]]  # each flag's findings, by code
    guarded: dict[str, int]
    dead_lines: dict[str, int]


@dataclass(frozen=True, slots=True)
class _Sourced(Generic[T]):
    """A value and where the audit learnt it ("registry", "git", …; "" when unknown)."""

    value: T
    source: str


def _row(known: _Known, key: str, reads: list[FlagRead]) -> FlagRow:
    project, found = known.project, known.mentions
    record = project.records.get(key)
    decl = project.registry.flags.get(key)
    live = [r for r in reads if not r.in_test]
    status = _status(project, key, decl, record)
    declared = "+".join(p for p, has in (("registry", decl is not None),
                                         ("code", bool(record and record.definitions)))
                        if has)
    kind = decl.type if decl is not None and decl.type else guess_type(key)
    type_source = "registry" if decl is not None and decl.type else "name"
    where_path, where_line = _where(record, reads)
    owner = _owner(known, key, decl, where_path)
    created = _created(found, key, record)
    lifetime = project.config.lifetimes.get(kind)
    age = (project.today - created.value).days if created.value is not None else None
    last = _last_read_change(project, live or reads) or (
        found.last.get(key) if found is not None else None)
    codes = dict(sorted(known.codes.get(key, Counter()).items()))
    author = found.authors[key].most_common(1)[0][0] \
        if found is not None and key in found.authors else ""
    return FlagRow(
        key, status, declared, kind, type_source=type_source, owner=owner.value,
        owner_source=owner.source, author=author, created=created.value,
        created_source=created.source, age_days=age, lifetime_days=lifetime,
        last_read_change=last, reads=len(live), test_reads=len(reads) - len(live),
        files=len({r.path for r in reads}), packages=len({_package(r.path) for r in reads}),
        guarded_lines=known.guarded.get(key, 0), dead_lines=known.dead_lines.get(key, 0),
        findings=codes,
        stale=_stale(status, age, lifetime, live, reads, codes,
                     declared=decl is not None or bool(record and record.definitions)),
        where=f"{where_path}:{where_line}" if where_path else "")


def _status(project: Project, key: str, decl: FlagDecl | None, record: FlagRecord | None
            ) -> str:
    if decl is not None:
        return str(decl.status.value)
    if key in project.removed:
        return "removed"
    if record is not None:
        return Status.ACTIVE.value
    return "undeclared"


def _owner(known: _Known, key: str, decl: FlagDecl | None, where_path: str
           ) -> _Sourced[str]:
    """The registry's owner, else CODEOWNERS' for where the flag lives, else the author of
    most lines that name it."""
    rules, found = known.codeowners, known.mentions
    if decl is not None and decl.owner:
        return _Sourced(decl.owner, "registry")
    if rules and where_path and owner_of(rules, where_path):
        return _Sourced(owner_of(rules, where_path) or "", "CODEOWNERS")
    if found is not None and key in found.authors:
        return _Sourced(found.authors[key].most_common(1)[0][0], "git")
    return _Sourced("", "")


def _created(found: Mentions | None, key: str, record: FlagRecord | None
             ) -> _Sourced[dt.date | None]:
    if record is not None and record.created is not None:
        return _Sourced(record.created, "git" if record.created_from_git else "registry")
    if found is not None and key in found.first:
        return _Sourced(found.first[key], "git")
    return _Sourced(None, "")


def _where(record: object, reads: list[FlagRead]) -> tuple[str, int]:

    if isinstance(record, FlagRecord) and (record.decl is not None or record.definitions):
        path, span = record.location
        return path, span.line
    if reads:
        return reads[0].path, reads[0].span.line
    return "", 0


def _package(path: str) -> str:
    parts = path.split("/")
    return parts[0] if len(parts) > 1 else "."


def _last_read_change(project: Project, reads: list[FlagRead]) -> dt.date | None:
    if project.history is None:
        return None
    dates = [origin.date for r in reads
             if (origin := project.appeared(r.path, r.span.line)) is not None]
    return max(dates) if dates else None


def _stale(status: str, age: int | None, lifetime: int | None, live: list[FlagRead],
           reads: list[FlagRead], codes: dict[str, int], *, declared: bool) -> list[str]:
    reasons = []
    if status == "active" and age is not None and lifetime is not None and age > lifetime:
        reasons.append(f"past its lifetime ({age} days, {lifetime} allowed)")
    if status in ("active", "undeclared") and reads and not live:
        reasons.append("read only in tests")
    if declared and status == "active" and not reads:
        reasons.append("defined, never read")
    if codes.get("FL203"):
        reasons.append("every deployment config serves one value")
    if status == "rolled-out" and reads:
        reasons.append("rolled out, still branched on")
    if status in ("retired", "removed") and reads:
        reasons.append(f"{status}, still read")
    if codes.get("FL401"):
        reasons.append("left and came back (reused key)")
    return reasons


def _guarded_lines(project: Project) -> dict[str, int]:
    """Lines under the branches each flag's reads decide."""

    reads = {(r.path, r.call): r.key for r in project.linked.reads if r.key is not None}
    lines: dict[str, set[tuple[str, int]]] = {}
    for facts in project.files:
        for guard in facts.guards:
            keys = {reads.get((facts.path, index)) for index in atoms(guard.test)} - {None}
            for part in (guard.body, guard.orelse, guard.rest):
                if part is None:
                    continue
                for key in keys:
                    assert key is not None
                    lines.setdefault(key, set()).update(
                        (facts.path, n) for n in range(part.line, part.end_line + 1))
    return {key: len(found) for key, found in lines.items()}


def _dead_code(project: Project) -> tuple[dict[str, int], list[DeadCode]]:
    """What cleaning the settled flags would remove: dead branches and dead helpers."""
    lines: dict[str, set[tuple[str, int]]] = {}
    listed = []
    for region in project.dead.regions:
        key = region.settled.key
        lines.setdefault(key, set()).update(
            (region.path, n) for n in range(region.span.line, region.span.end_line + 1))
        listed.append(DeadCode(key, region.path, region.span.line, region.span.end_line,
                               "branch"))
    for symbol in project.dead.symbols:
        key = symbol.settled.key
        lines.setdefault(key, set()).update(
            (symbol.path, n) for n in range(symbol.span.line, symbol.span.end_line + 1))
        listed.append(DeadCode(key, symbol.path, symbol.span.line, symbol.span.end_line,
                               f"{symbol.kind} {symbol.qualname.rsplit('.', 1)[-1]}"))
    listed.sort(key=lambda d: (d.flag, d.path, d.line))
    return {key: len(found) for key, found in lines.items()}, listed


def _months(rows: list[FlagRow], project: Project, today: dt.date
            ) -> list[tuple[str, int, int]]:
    """Flags alive and flags stale (past their lifetime) at the end of each of the last
    24 months, from when each key appeared and, for registry keys, when it was removed or
    retired."""
    ends = {}
    history = project.history
    for row in rows:
        if history is None:
            continue
        events = history.of(row.key)
        if events is not None and row.status in ("removed", "retired"):
            last = events.events[-1] if events.events else None
            if last is not None:
                ends[row.key] = last.commit.date
    months = []
    year, month = today.year, today.month
    for _ in range(MONTHS):
        start = dt.date(year, month, 1)
        following = dt.date(year + (month == 12), month % 12 + 1, 1)
        end = min(following - dt.timedelta(days=1), today)
        alive = stale = 0
        for row in rows:
            if row.created is None or row.created > end:
                continue
            if row.key in ends and ends[row.key] <= end:
                continue
            alive += 1
            if row.lifetime_days is not None and (end - row.created).days > row.lifetime_days:
                stale += 1
        months.append((start.strftime("%Y-%m"), alive, stale))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(months))
