"""The flag at a place in a file, and what the editor asks of it: hover, go to definition,
find references. A flag is found at a read (its call, attribute or decorator), at a
definition in code (an Enum member, a definition call), at its registry entry's
`[flags.KEY]` line and at a deployment config line that sets it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from lsprotocol import types

from flaglint.analysis.deployed import Served, served
from flaglint.findings import Span
from flaglint.links.model import FlagRead
from flaglint.model.project import FlagRecord, Project
from flaglint.server.session import Analysis
from flaglint.server.text import Text, Units
from flaglint.sources.registry import Status
from flaglint.sources.services import describe as served_by

MAX_FINDINGS = 10  # listed in a hover; the rest are counted


@dataclass(frozen=True, slots=True)
class Spot:
    """A flag named at a place: `key` None for a read whose key is not known statically."""

    key: str | None
    span: Span
    read: FlagRead | None = None
    whole_line: bool = False  # named anywhere on its line


def _contains(span: Span, line: int, column: int) -> bool:
    return (span.line, span.column) <= (line, column) <= (span.end_line, span.end_column)


def _size(span: Span) -> tuple[int, int]:
    return span.end_line - span.line, span.end_column - span.column


def spot_at(analysis: Analysis, rel: str, line: int, column: int) -> Spot | None:
    """The innermost flag named at (line, column) of a file, both from 1."""
    found = [s for s in _spots(analysis, rel, line, line)
             if s.whole_line or _contains(s.span, line, column)]
    return min(found, key=lambda s: _size(s.span)) if found else None


def spots_on(analysis: Analysis, rel: str, first: int, last: int) -> list[Spot]:
    """Every flag named on lines `first` to `last` (from 1) of a file, in line order."""
    return sorted(_spots(analysis, rel, first, last),
                  key=lambda s: (s.span.line, s.span.column))


def _spots(analysis: Analysis, rel: str, first: int, last: int) -> Iterator[Spot]:
    def near(span: Span) -> bool:
        return span.line <= last and first <= span.end_line

    project = analysis.project
    yield from (Spot(r.key, r.span, r) for r in analysis.reads_in(rel) if near(r.span))
    yield from (Spot(d.key, d.span) for d in project.linked.definitions
                if d.path == rel and near(d.span))
    # A registry entry's `[flags.KEY]` line and a config line that sets a key name it
    # wherever the cursor stands on them.
    yield from (Spot(d.key, d.span, whole_line=True) for d in project.registry.flags.values()
                if d.path == rel and first <= d.line <= last)
    yield from (Spot(s.key, s.setting.span, whole_line=True) for s in _settings(project)
                if s.setting.path == rel and first <= s.setting.span.line <= last)


def _settings(project: Project) -> list[Served]:
    return served(project) if project.deployments is not None else []


# -- hover --------------------------------------------------------------------------------


def hover(analysis: Analysis, rel: str, line: int, column: int,
          units: Units) -> types.Hover | None:
    spot = spot_at(analysis, rel, line, column)
    if spot is None:
        return None
    if spot.key is None:
        assert spot.read is not None
        text = (f"Flag key `{spot.read.expression}` cannot be resolved statically; "
                f"flaglint cannot track this read")
    else:
        text = describe(analysis, spot.key)
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
                       range=analysis.text(rel, units).range(spot.span))


def describe(analysis: Analysis, key: str) -> str:
    """What flaglint knows of a flag, in Markdown: its entry, its reads, its findings."""
    project = analysis.project
    record = project.records.get(key)
    decl = record.decl if record is not None else None
    title = f"**Flag `{key}`**"
    if decl is not None and decl.type:
        title += f" · {decl.type}"
    parts = [f"{title} · {_status(project, key, record)}"]
    if decl is not None and decl.description:
        parts.append(decl.description)
    facts = [*_facts(project, record), *_served(project, key)]
    if facts:
        parts.append("\n".join(f"- {fact}" for fact in facts))
    reads = project.graph.reads_of(key)
    files = {read.path for read in reads}
    parts.append(f"{_count(len(reads), 'read')} in {_count(len(files), 'file')}")
    open_findings = [f for f in analysis.findings if f.flag == key]
    if open_findings:
        listed = [f"- {f.code} {f.path}:{f.span.line}:{f.span.column}: {f.message}"
                  for f in open_findings[:MAX_FINDINGS]]
        if len(open_findings) > MAX_FINDINGS:
            listed.append(f"- and {len(open_findings) - MAX_FINDINGS} more")
        parts.append(f"{_count(len(open_findings), 'open finding')}:\n" + "\n".join(listed))
    return "\n\n".join(parts)


def _status(project: Project, key: str, record: FlagRecord | None) -> str:
    decl = record.decl if record is not None else None
    if decl is not None:
        if decl.status is Status.RETIRED and decl.retired is not None:
            return f"retired on {decl.retired.isoformat()}"
        return decl.status.value
    removal = project.removed.get(key)
    if removal is not None:
        return f"removed on {removal.commit.date.isoformat()} ({removal.commit.short})"
    return "active" if record is not None else "undeclared"


def _facts(project: Project, record: FlagRecord | None) -> Iterator[str]:
    from flaglint.rules.base import format_value
    from flaglint.rules.fl201_expired_flag import expiry

    if record is None:
        return
    decl = record.decl
    if decl is not None and decl.owner:
        yield f"owner: {decl.owner}"
    if record.created is not None:
        origin = " (first committed)" if record.created_from_git else ""
        yield f"created: {record.created.isoformat()}{origin}"
    ends = expiry(record, project.config.lifetimes)
    if ends is not None:
        yield f"expires: {ends[0].isoformat()} ({ends[1]})"
    elif decl is not None and decl.status is Status.ACTIVE and decl.type and \
            project.config.lifetimes.get(decl.type, 0) is None:
        yield f"expires: never (a {decl.type} flag)"
    if decl is not None and decl.value is not None:
        yield f"value: `{format_value(decl.value)}`"
    if decl is not None:
        where = "" if decl.from_registry else f" ({decl.source})"
        yield f"declared at {decl.path}:{decl.line}{where}"
    if decl is not None and decl.stale:
        yield f"marked stale in {decl.source}"
    for flag in project.services.flags_of(record.key):
        yield served_by(flag)
    for definition in record.definitions:
        yield f"defined at {definition.path}:{definition.span.line}"


def _served(project: Project, key: str) -> Iterator[str]:
    """What each deployment environment serves, host by host; an environment that does
    not set a flag others set says so."""
    from flaglint.rules.base import format_value

    settings = [s for s in _settings(project) if s.key == key]
    if not settings or project.deployments is None:
        return
    for environment in project.deployments.environments:
        name = environment.spec.name
        here = [s for s in settings if s.host.environment == name]
        shown = [(f"`{format_value(s.setting.value)}`" if s.setting.known
                  else "a value set elsewhere") + f" ({s.setting.path}:{s.setting.span.line})"
                 for s in here]
        yield f"{name}: {', '.join(shown) if shown else 'not set'}"


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'s' if number != 1 else ''}"


# -- definition and references --------------------------------------------------------------


def definitions(analysis: Analysis, key: str, units: Units) -> list[types.Location]:
    """Where a flag is declared: its registry entry, its definitions in code."""
    project = analysis.project
    places: list[tuple[str, Span]] = []
    decl = project.registry.flags.get(key)
    if decl is not None:
        places.append((decl.path, decl.span))
    places += [(d.path, d.span) for d in project.linked.definitions if d.key == key]
    return _locations(analysis, places, units)


def references(analysis: Analysis, key: str, units: Units, *,
               declarations: bool) -> list[types.Location]:
    """Every place that names a flag: its reads, the test code that sets it, the deployment
    config lines that set it (and, with `declarations`, where it is declared)."""
    project = analysis.project
    places = [(r.path, r.span) for r in project.graph.reads_of(key)]
    places += [(w.path, w.span) for w in project.linked.writes if w.key == key]
    places += [(s.setting.path, s.setting.span) for s in _settings(project) if s.key == key]
    found = _locations(analysis, sorted(set(places)), units)
    if declarations:
        found = definitions(analysis, key, units) + found
    return found


def _locations(analysis: Analysis, places: list[tuple[str, Span]],
               units: Units) -> list[types.Location]:
    texts: dict[str, Text] = {}
    found = []
    for path, span in places:
        text = texts.get(path)
        if text is None:
            text = texts[path] = analysis.text(path, units)
        found.append(types.Location(uri=analysis.uri(path),
                                    range=text.range(span)))
    return found
