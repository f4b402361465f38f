"""`flaglint audit`: an inventory of every flag for a one-off look at legacy code, with or
without a registry: one row a flag, the totals, debt over time, the dead code cleaning would
remove, and where the team stands (audit/maturity.py).

What a registry would say is worked out from the code and git when there is none: a key's
first appearance and who wrote about it from one pass over the history of the files that name
it (`git log -p` of those files only), its owner from CODEOWNERS when present, its type from
its name, and its age against that type's lifetime.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from flaglint.analysis.references import Kind, blocking, references
from flaglint.audit.maturity import stage
from flaglint.audit.model import VERSION, Audit, Criterion, DeadCode, FlagRow, Stage
from flaglint.audit.timeline import Mentions, mentions, months
from flaglint.findings import Finding
from flaglint.links.model import FlagRead, spellings
from flaglint.model.dead import DeadCode as ModelDeadCode
from flaglint.model.project import FlagRecord, Project
from flaglint.rules.fl101_undefined_flag import value_setting
from flaglint.rules.fl203_settled_in_config import (
    SettledInConfig,
    pinned_dead,
    served_everywhere,
)
from flaglint.sources import git
from flaglint.sources.discover import GlobSet
from flaglint.sources.registry import FlagDecl, Status
from flaglint.sources.services import describe

T = TypeVar("T")

__all__ = ["VERSION", "Audit", "Criterion", "DeadCode", "FlagRow", "Stage", "build"]

_TYPE_WORDS = (("kill-switch", ("kill", "killswitch", "circuit", "breaker", "emergency",
                                 "disable", "disabled", "panic", "fallback")),
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


# -- the audit -------------------------------------------------------------------------------


def build(project: Project, findings: list[Finding],
          named: Callable[[str], bool] = lambda path: True) -> Audit:
    """The audit of the flags `named` paths read or define (every flag by default)."""
    config = project.config
    keys = {key for key in set(project.records) | set(project.graph.flags())
            if _in_paths(project, key, named)}
    # a setting read only with a value for its default holds a value: no flag (FL101's)
    keys -= {key for key in keys - set(project.records)
             if value_setting(project.graph.reads_of(key)) is not None}
    reads_by_key = {key: project.graph.reads_of(key) for key in keys}
    definition_paths = {d.path for r in project.records.values() for d in r.definitions}
    read_paths = {r.path for reads in reads_by_key.values() for r in reads}
    # Git says when keys appeared and who wrote them, registry or not: one pass.
    found = mentions(config.root, sorted(read_paths | definition_paths), keys,
                     spellings(d for r in project.records.values() for d in r.definitions))
    history = project.history is not None or (found is not None and found.commits > 0) or \
        git.read_head(config.root) is not None  # a repository, though nothing in it names a flag
    by_flag: dict[str | None, Counter[str]] = {}
    for finding in findings:
        by_flag.setdefault(finding.flag, Counter())[finding.code] += 1
    dead_lines, dead_code = _dead_code(project, named)
    known = _Known(project, found, codeowners(config.root), by_flag, _guarded_lines(project),
                   dead_lines)
    rows = [_row(known, key, reads_by_key[key]) for key in sorted(keys)]
    files = sum(1 for path in project.paths() if named(path))
    lines = sum(b.lines for b in project.files.briefs.values() if named(b.path))
    audit = Audit(config.root, project.today, rows, findings,
                  months=months(rows, project, project.today), dead_code=dead_code,
                  stage=Stage("", [], []), history=history,
                  deployments=project.deployments is not None,
                  registry=project.registry.present, files=files, lines=lines,
                  services=tuple(f"{s.source} ({s.path})" for s in project.services.states))
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
    declared = "+".join(p for p, has in ((decl.source if decl is not None else "registry",
                                          decl is not None),
                                         ("code", bool(record and record.definitions)))
                        if has)
    kind = decl.type if decl is not None and decl.type else guess_type(key)
    type_source = "registry" if decl is not None and decl.type else "name"
    # A lifetime holds only for a declared type: a guessed one makes no flag expired.
    lifetime = project.config.lifetimes.get(kind) if type_source == "registry" else None
    if decl is not None and decl.temporary is False:
        lifetime = None  # its flag service keeps it as permanent
    # A declared `expires` says when the flag ends, whatever its type's lifetime (as FL201)
    expires = decl.expires if decl is not None else None
    where_path, where_line = _where(record, reads)
    owner = _owner(known, key, decl, where_path)
    created = _created(found, key, record)
    age = (project.today - created.value).days if created.value is not None else None
    if age is not None and age < 0:  # created after `--today`: no age yet
        age = None
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
                     declared=decl is not None or bool(record and record.definitions),
                     marked=decl.source if decl is not None and decl.stale else "",
                     expires=expires, today=project.today),
        where=f"{where_path}:{where_line}" if where_path else "",
        no_lifetime="" if expires else _no_lifetime(project, status, kind, type_source, age),
        service="; ".join(describe(flag) for flag in project.services.flags_of(key)),
        expires=expires)


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


def _in_paths(project: Project, key: str, named: Callable[[str], bool]) -> bool:
    """Is the flag read, defined or declared in the named paths?"""
    record = project.records.get(key)
    places = [r.path for r in project.graph.reads_of(key)]
    if record is not None:
        places += [d.path for d in record.definitions]
        places += [record.decl.path] if record.decl is not None else []
    return any(named(path) for path in places)


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
           reads: list[FlagRead], codes: dict[str, int], *, declared: bool,
           marked: str = "", expires: dt.date | None = None,
           today: dt.date | None = None) -> list[str]:
    reasons = [f"marked stale in {marked}"] if marked and status == "active" else []
    if status == "active" and expires is not None:
        if today is not None and today > expires:
            reasons.append(f"past its lifetime (its `expires` date, {expires.isoformat()})")
    elif status == "active" and age is not None and lifetime is not None and age > lifetime:
        reasons.append(f"past its lifetime ({age} days, {lifetime} allowed)")
    if status in ("active", "undeclared") and reads and not live:
        reasons.append("read only in tests")
    if declared and status == "active" and not reads and codes.get("FL102"):
        # as FL102 says it: not of a flag object handed on as a value (`lambda: config.X`,
        # `f(enabled=X)`), whose reads flaglint cannot follow, nor one it suppresses
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


def _no_lifetime(project: Project, status: str, kind: str, source: str, age: int | None
                 ) -> str:
    """An active flag older than the lifetime of its guessed type: no lifetime declared."""
    guessed = project.config.lifetimes.get(kind) if source != "registry" else None
    if status in ("active", "undeclared") and age is not None and guessed is not None and \
            age > guessed:
        article = "an" if kind[0] in "aeiou" else "a"
        return (f"no lifetime declared: {age} days old, and {article} {kind} flag (the type "
                f"guessed from its name) lives {guessed}")
    return ""


def _guarded_lines(project: Project) -> dict[str, int]:
    """Lines under the branches each flag's reads decide."""
    lines: dict[str, set[tuple[str, int]]] = {}
    for read in project.linked.reads:
        if read.key is None or not read.guarded:
            continue
        found = lines.setdefault(read.key, set())
        for first, last in read.guarded:
            found.update((read.path, n) for n in range(first, last + 1))
    return {key: len(found) for key, found in lines.items()}


def _dead_code(project: Project, named: Callable[[str], bool]
               ) -> tuple[dict[str, int], list[DeadCode]]:
    """What cleaning the settled flags would remove, dead branches and dead helpers: the
    flags the registry settles, and those every deployment config serves one value (what
    FL203 says `flaglint clean` would remove). Dead code no fix removes (a branch that
    holds a `nonlocal`, a helper only it calls) is listed as left, and not counted."""
    lines: dict[str, set[tuple[str, int]]] = {}
    listed = []
    for dead, why in ((project.dead, ""), *((in_configs, " (settled in every config)")
                                            for in_configs in _settled_in_configs(project))):
        kept = _still_named(project, dead)
        parts = [(r.settled.key, r.path, r.span, "branch", r.removable) for r in dead.regions]
        parts += [(s.settled.key, s.path, s.span, f"{s.kind} {s.qualname.rsplit('.', 1)[-1]}"
                   + (f"; kept: {kept[s.qualname]}" if s.qualname in kept else ""),
                   s.removable and s.qualname not in kept) for s in dead.symbols]
        for key, path, span, what, removable in parts:
            if not named(path):
                continue
            if removable:
                lines.setdefault(key, set()).update(
                    (path, n) for n in range(span.line, span.end_line + 1))
            listed.append(DeadCode(key, path, span.line, span.end_line, what + why,
                                   removable))
    listed.sort(key=lambda d: (d.flag, d.path, d.line))
    return {key: len(found) for key, found in lines.items()}, listed


def _still_named(project: Project, dead: ModelDeadCode) -> dict[str, str]:
    """The dead symbols something outside the dead code still refers to (an import that
    re-exports it, a string that names it, a name flaglint cannot resolve), each with the
    first such place: `clean` keeps them (its refusal says the same), so cleaning would
    not remove them. Every file that spells one's name is parsed once."""
    symbols = [s for s in dead.symbols if s.removable]
    if not symbols:
        return {}
    words = sorted({s.qualname.rsplit(".", 1)[-1] for s in symbols})
    spelled = re.compile(rb"\b(?:" + b"|".join(re.escape(w.encode()) for w in words) + rb")\b")
    spans: dict[str, list[tuple[int, int]]] = {}
    for path, span in [*((r.path, r.span) for r in dead.regions),
                       *((s.path, s.span) for s in dead.symbols)]:
        spans.setdefault(path, []).append((span.line, span.end_line))
    found: dict[str, str] = {}
    for path in project.paths():
        data = project.source_of(path)
        names = {m.group().decode() for m in spelled.finditer(data)}
        brief = project.files.brief(path)
        if not names or brief is None:
            continue
        text = data.decode("utf-8", "replace")
        try:
            tree: ast.Module | None = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            tree = None
        for symbol in symbols:
            if symbol.qualname in found or symbol.qualname.rsplit(".", 1)[-1] not in names:
                continue
            if tree is None:
                found[symbol.qualname] = f"{path} does not parse, so it may name it"
                continue
            here = blocking(references(text, brief.module, symbol.qualname,
                                       is_package=brief.is_package, tree=tree))
            live = [r for r in here if not any(first <= r.line <= last
                                               for first, last in spans.get(path, ()))]
            if len(live) < len(here) and all(r.kind is Kind.IMPORT for r in live):
                continue  # imported for dead code alone: the import goes with it
            if live:
                what = live[0].kind.value + (f" ({live[0].text})" if live[0].text else "")
                found[symbol.qualname] = f"{path}:{live[0].line}: {what}"
    return found


def _settled_in_configs(project: Project) -> list[ModelDeadCode]:
    """The dead code of each flag every deployment config serves one value, as
    `flaglint clean KEY --value V` would find it (never a key with two lives)."""
    keys = [key for key, record in project.records.items()
            if SettledInConfig.may_settle(project, record) and key not in project.two_lives]
    return [pinned_dead(project, key, value)
            for key, value in served_everywhere(project, keys).items()]
