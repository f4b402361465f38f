"""One run: discover, extract, link, read the history, build the graph, find dead code,
apply the rules, honour suppressions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from flaglint.analysis import deadcode
from flaglint.config import Config
from flaglint.options import Options
from flaglint.sources import history as githistory
from flaglint.sources.code import Extraction
from flaglint.sources.discover import GlobSet, SourceFile, discover, within

__all__ = ["FlagRecord", "Options", "Outcome", "Project", "analyze", "run", "within"]
from flaglint.analysis.graph import FlagGraph
from flaglint.analysis.link import CodeDefinition, Linked, Linker, reader_names
from flaglint.facts import FileFacts, ParseError
from flaglint.facts.lazy import LazyFacts
from flaglint.findings import Edit, Finding, Span
from flaglint.rules import Rule
from flaglint.sources.registry import FlagDecl, FlagValue, Registry, Status, load_registry
from flaglint.suppressions import Suppression, Suppressions

if TYPE_CHECKING:
    from flaglint.analysis.deployed import Served
    from flaglint.analysis.diffscope import DiffScope
    from flaglint.sources.deploy import Deployments
    from flaglint.sources.prefilter import ExtractionState

log = logging.getLogger(__name__)

@dataclass(frozen=True, slots=True)
class FlagRecord:
    """Everything known of one flag key: its registry entry, code definitions, creation."""

    key: str
    decl: FlagDecl | None
    definitions: tuple[CodeDefinition, ...] = ()
    created: dt.date | None = None
    created_from_git: bool = False

    @property
    def status(self) -> Status:
        return self.decl.status if self.decl is not None else Status.ACTIVE

    @property
    def location(self) -> tuple[str, Span]:
        """Where findings about the declaration point: the registry header, else the code."""
        if self.decl is not None:
            return self.decl.path, self.decl.span
        first = min(self.definitions, key=lambda d: (d.path, d.span))
        return first.path, first.span


@dataclass
class _Lazy:
    """What a project's services work out on first request."""

    effects: dict[str, set[str]] | None = None  # module whose import does something ->
    # the files that import it
    line_times: dict[str, dict[int, githistory.LineOrigin]] = field(default_factory=dict)
    blame: githistory.BlameCache | None = None
    served: list[Served] | None = None


@dataclass(frozen=True)
class Project:
    config: Config
    files: Sequence[FileFacts]  # a LazyFacts when linked again from the last run's tables
    registry: Registry
    graph: FlagGraph
    linked: Linked
    records: dict[str, FlagRecord]
    options: Options  # how this run was asked for: the day, the cache, the overlay, --diff
    dead: deadcode.DeadCode
    pinned: dict[str, FlagValue] = field(default_factory=dict)  # `clean KEY --value V`
    history: githistory.History | None = None
    history_note: str | None = None  # why history is missing or partial, said once
    removed: dict[str, githistory.KeyEvent] = field(default_factory=dict)  # key -> its removal
    notes: list[str] = field(default_factory=list)  # what discovery could not read
    deployments: Deployments | None = None  # [tool.flaglint.environments], when configured
    extraction: ExtractionState | None = None  # what the prefilter decided (results.py)
    linker: Linker | None = None  # the last linking's tables, to link a changed file again
    _by_path: dict[str, FileFacts] = field(init=False, repr=False, compare=False)
    _tests: GlobSet = field(init=False, repr=False, compare=False)
    _lazy: _Lazy = field(init=False, repr=False, compare=False)

    @property
    def today(self) -> dt.date:
        return self.options.today

    @property
    def use_cache(self) -> bool:
        return self.options.use_cache

    @property
    def overlay(self) -> Mapping[str, bytes] | None:
        """The files being fixed, held in memory."""
        return self.options.overlay

    @property
    def diff(self) -> DiffScope | None:
        """A `--diff` run's changed lines and commit range."""
        return self.options.diff

    def __post_init__(self) -> None:
        # Frozen: what the engine built is not changed by anyone. What the services work out
        # on request (blame, import effects) is kept in `_lazy`.
        object.__setattr__(self, "_by_path", {} if isinstance(self.files, LazyFacts) else
                           {f.path: f for f in self.files})
        object.__setattr__(self, "_tests", GlobSet(self.config.tests))
        object.__setattr__(self, "_lazy", _Lazy())


    @property
    def has_declarations(self) -> bool:
        return self.registry.present or bool(self.config.definitions)

    @property
    def deployed_suppressions(self) -> Mapping[str, Suppressions]:
        return self.deployments.suppressions if self.deployments is not None else {}

    def served(self) -> list[Served]:
        """Every flag setting of every deployment config (worked out once)."""
        if self._lazy.served is None:
            from flaglint.analysis.deployed import served

            self._lazy.served = served(self)
        return self._lazy.served

    def facts_of(self, path: str) -> FileFacts | None:
        if isinstance(self.files, LazyFacts):
            return self.files.get(path)
        return self._by_path.get(path)

    def paths(self) -> tuple[str, ...]:
        if isinstance(self.files, LazyFacts):
            return self.files.paths
        return tuple(f.path for f in self.files)

    def parse_errors(self) -> list[tuple[str, ParseError]]:
        """Every file that could not be read or parsed, with why."""
        if isinstance(self.files, LazyFacts):
            return list(self.files.errors.items())
        return [(f.path, f.error) for f in self.files if f.error is not None]

    def suppression_tables(self) -> list[tuple[str, Suppressions]]:
        """Every file's suppression comments (files without any may be left out)."""
        if isinstance(self.files, LazyFacts):
            return list(self.files.suppressions.items())
        return [(f.path, f.suppressions) for f in self.files]

    def imports_with_effects(self, path: str, editing: Set[str] = frozenset()) -> set[str]:
        """The names this file imports from project modules whose import does something (a
        call at module or class level, a decorator that may register) and that no other
        file imports, besides those `editing` (the files one fix round changes): an import
        a fix must keep even when the fix removed its last use. Where another file imports
        the module too, the import goes as a developer (and ruff's F401) would have it go:
        `from sentry import features`, which hundreds of modules import."""
        if self._lazy.effects is None:
            importers: dict[str, set[str]] = {
                f.module: set() for f in self.files if _has_import_effects(f)}
            for f in self.files:
                for _, target in f.imports:
                    for module in (target, target.rpartition(".")[0]):
                        if module in importers:
                            importers[module].add(f.path)
            self._lazy.effects = importers
        facts = self.facts_of(path)
        if facts is None:
            return set()
        effects = self._lazy.effects
        return {local for local, target in facts.imports
                for module in (target, target.rpartition(".")[0])
                if module in effects and not effects[module] - {path} - editing}

    def source_of(self, path: str) -> bytes:
        """A file's bytes as this analysis read them (the fixed ones, while fixing)."""
        overlay = self.overlay or {}
        if path in overlay:
            return overlay[path]
        try:
            return (self.config.root / path).read_bytes()
        except OSError:
            return b""

    def regated(self) -> dict[str, tuple[str, str]]:
        """FL402's service in a `--diff` run: the flags that gate different code than at the
        base. The base tree is analysed once per run, when a rule first asks and only when
        a changed file reads a flag; its unchanged files come from this project's facts
        cache (read, never written)."""
        if self.diff is None:
            return {}
        if self.diff.regated is None:
            from flaglint.analysis import diffscope

            names = reader_names(self.config) | {q.rsplit(".", 1)[-1]
                                                 for q in self.linked.wrappers}
            if not diffscope.may_regate(self, self.diff, names):
                self.diff.regated = {}
                return self.diff.regated
            keys = self.extraction.keys if self.extraction is not None else {}
            base_options = dataclasses.replace(
                self.options, overlay=None, diff=None,
                seen={rel: (diffscope.AS_READ, key) for rel, key in keys.items()},
                facts_from=self.config.root if self.use_cache else None,
                use_cache=self.use_cache, link_only=True,
                known={keys[f.path]: f for f in self.files if f.path in keys})
            def analyze_base(config: Config, base: diffscope.Base | None) -> Project:
                # What a flag gates is in the code: the base's deployment configs (not in
                # its archive) do not matter.
                config = dataclasses.replace(config, environments=())
                if base is None:
                    return analyze(config, None, base_options)
                return analyze(config, None, dataclasses.replace(base_options,
                                                                 overlay=base.overlay),
                               discovered=(base.sources, []))

            self.diff.regated = diffscope.regated(self, self.diff, analyze_base)
        return self.diff.regated

    def in_tests(self, edits: Iterable[Edit]) -> bool:
        """Do any of these edits change test code (the `tests` globs)?"""
        return any(self._tests.match(edit.path) for edit in edits)

    def appeared(self, path: str, line: int) -> githistory.LineOrigin | None:
        """Which commit last brought the line in (None when git cannot say). One
        `git blame` per file, and only for files that ask."""
        if path not in self._lazy.line_times:
            lines = {r.span.line for r in self.linked.reads if r.path == path}
            if self.history is None:
                self._lazy.line_times[path] = {}
            else:
                if self._lazy.blame is None:
                    self._lazy.blame = githistory.BlameCache(self.use_cache, self.config.root,
                                                        self.history.head)
                try:
                    self._lazy.line_times[path] = self._lazy.blame.origins(
                        self.config.root, path, lines)
                except githistory.HistoryUnavailable:
                    self._lazy.line_times[path] = {}
        return self._lazy.line_times[path].get(line)

    def in_range(self, commit: githistory.Commit) -> bool:
        """Does a history event count in this run? (with --diff: only within REF..HEAD)"""
        return self.diff is None or commit.sha in self.diff.commits


def _has_import_effects(facts: FileFacts) -> bool:
    from flaglint.analysis.deadcode import PLAIN_DECORATORS

    top = {facts.module} | {d.qualname for d in facts.definitions if d.kind == "class"
                            and d.qualname.count(".") == facts.module.count(".") + 1}
    return any(call.scope in top for call in facts.calls) or any(
        name.rsplit(".", 1)[-1] not in PLAIN_DECORATORS
        for d in facts.definitions for name in d.decorators)


def analyze(config: Config, paths: list[Path] | None, options: Options,
            pinned: dict[str, FlagValue] | None = None,
            discovered: tuple[list[SourceFile], list[str]] | None = None) -> Project:
    """Everything flaglint knows of the project. With `pinned` (`flaglint clean`), only the
    pinned flags are settled: the cleaning follows that flag's dead code and no other's."""
    registry = load_registry(config)
    deployments = None
    if config.environments:
        from flaglint.sources.deploy import load_deployments

        deployments = load_deployments(config)
    notes: list[str] = []
    if discovered is not None:
        sources, notes = discovered[0], list(discovered[1])
    else:
        sources = discover(config, paths, notes)
    if deployments is not None:
        notes.extend(deployments.notes)
    if not sources and not paths:
        notes.append(f"no Python files under {config.root} (src = {list(config.src)}): is "
                     f"that the project's folder? (`--config` elsewhere checks the folder "
                     f"holding both the config and the current one)")
    extraction = Extraction(sources, config, options)
    facts, linked = extraction.run()
    if options.link_only:  # what the code reads and gates, nothing more (a --diff base)
        return Project(config, facts, registry, FlagGraph(), linked, {}, options,
                       deadcode.DeadCode({}, (), ()), notes=notes, deployments=deployments)
    registry = _with_aliases(registry, linked.aliases)
    found, history_note = _history(config, registry, linked, options)
    removed = {} if pinned else _removed_keys(found, registry, linked)
    statuses = {} if pinned else {k: (d.status, d.value) for k, d in registry.flags.items()}
    pinned = pinned or {}
    graph = _graph(registry, symbols(facts), linked)
    dead = deadcode.analyze(facts, linked, graph, statuses, pinned, set(removed))
    # What dead code calls may be defined, and used elsewhere, in files the prefilter
    # skipped: parse the files that name it, until no new file does.
    while dead.regions:
        extended = extraction.extend(deadcode.called_from_dead_code(facts, dead))
        if extended is None:
            break
        facts, linked = extended
        graph = _graph(registry, symbols(facts), linked)
        dead = deadcode.analyze(facts, linked, graph, statuses, pinned, set(removed))
    records = _records(config, registry, linked, found)
    return Project(config, facts, registry, graph, linked, records, options, dead,
                   pinned=pinned, history=found, history_note=history_note, removed=removed,
                   notes=list(dict.fromkeys(notes)), deployments=deployments,
                   extraction=extraction.state(), linker=extraction.linker)


Symbol = tuple[str, str, str]  # qualname, path, "function" | "class"


def symbols(facts: Iterable[FileFacts]) -> list[Symbol]:
    """Every function and class the project defines, in the order of its files."""
    return [(d.qualname, f.path, d.kind) for f in facts for d in f.definitions]


def relinked(config: Config, options: Options, linked: Linked, files: LazyFacts,
             defined: Iterable[Symbol], notes: list[str], extraction: ExtractionState,
             linker: Linker) -> Project | None:
    """The project as `analyze` makes it, from links that only changed files were linked
    again for (results.py), and facts read only where asked for. None when the project has
    dead code (a settled flag still read), whose search needs every file's facts: then
    `analyze` does the whole run."""
    registry = load_registry(config)
    deployments = None
    if config.environments:
        from flaglint.sources.deploy import load_deployments

        deployments = load_deployments(config)
        notes = [*notes, *deployments.notes]
    registry = _with_aliases(registry, linked.aliases)
    found, history_note = _history(config, registry, linked, options)
    removed = _removed_keys(found, registry, linked)
    statuses = {k: (d.status, d.value) for k, d in registry.flags.items()}
    if deadcode.settle(linked.reads, statuses, {}, set(removed)):
        return None
    graph = _graph(registry, defined, linked)
    dead = deadcode.DeadCode({}, (), (), frozenset(), {(r.path, r.call): r for r in linked.reads})
    records = _records(config, registry, linked, found)
    return Project(config, files, registry, graph, linked, records, options, dead,
                   history=found, history_note=history_note, removed=removed,
                   notes=list(dict.fromkeys(notes)), deployments=deployments,
                   extraction=extraction, linker=linker)


def _with_aliases(registry: Registry, aliases: Mapping[str, str]) -> Registry:
    """Registry entries written without the project prefix declare the prefixed flag."""
    renamed = {k: aliases[k] for k in registry.flags if k in aliases
               and aliases[k] not in registry.flags}
    if not renamed:
        return registry
    flags = {renamed.get(k, k): dataclasses.replace(d, key=renamed.get(k, k))
             for k, d in registry.flags.items()}
    return dataclasses.replace(registry, flags=flags)


def _graph(registry: Registry, defined: Iterable[Symbol], linked: Linked) -> FlagGraph:
    graph = FlagGraph()
    for decl in registry.flags.values():
        graph.add_flag(decl.key, status=decl.status.value)
        graph.add_declaration(decl.key, decl.path, decl.line)
    for code_definition in linked.definitions:
        graph.add_definition(code_definition)
    for qualname, path, kind in defined:
        graph.add_symbol(qualname, path, kind)
    graph.add_reads(linked.reads)
    graph.add_calls(linked.calls)
    return graph


def _history(config: Config, registry: Registry, linked: Linked,
             options: Options) -> tuple[githistory.History | None, str | None]:
    """The flags' git history, or why there is none."""
    if not registry.present and not linked.definitions:
        return None, None
    code_keys = {d.key for d in linked.definitions} | {
        r.key for r in linked.reads if r.key is not None and r.key not in registry.flags}
    try:
        found = githistory.cached_history(config.root, registry.paths,
                                       {d.path for d in linked.definitions}, code_keys,
                                       options.use_cache)
    except githistory.HistoryUnavailable as error:
        return None, (f"git history unavailable ({error}): FL401 and FL402 cannot see when "
                      f"keys were removed or changed, reads of retired keys are FL404, and "
                      f"flags without `created` or `expires` are not checked for expiry")
    note = None
    if found.shallow:
        note = (f"this is a shallow clone ({found.commits} commits of flag history): "
                f"history rules see only that far; fetch the whole history with "
                f"`git fetch --unshallow` (in GitHub Actions, `fetch-depth: 0`)")
    return found, note


def _removed_keys(found: githistory.History | None, registry: Registry,
                  linked: Linked) -> dict[str, githistory.KeyEvent]:
    """Keys that were declared once and are declared nowhere now: the removal event."""
    if found is None:
        return {}
    defined = {d.key for d in linked.definitions}
    removed = {}
    for key, key_history in found.keys.items():
        last = key_history.events[-1] if key_history.events else None
        if last is not None and last.kind is githistory.EventKind.REMOVED and \
                key not in registry.flags and key not in defined:
            removed[key] = last
    return removed


def _records(config: Config, registry: Registry, linked: Linked,
             found: githistory.History | None) -> dict[str, FlagRecord]:
    definitions: dict[str, list[CodeDefinition]] = {}
    for definition in linked.definitions:
        definitions.setdefault(definition.key, []).append(definition)
    records = {}
    for key in sorted(set(registry.flags) | set(definitions)):
        decl = registry.flags.get(key)
        explicit = decl.created if decl is not None else None
        first = None
        if explicit is None and found is not None and found.of(key) is not None:
            # A key declared again after its removal is a new flag: its age counts from then.
            event = found.keys[key].last(githistory.EventKind.DECLARED)
            first = event.commit.date if event is not None else None
        records[key] = FlagRecord(key, decl, tuple(definitions.get(key, ())),
                                  explicit or first, explicit is None and first is not None)
    return records



@dataclass
class Outcome:
    findings: list[Finding]
    project: Project
    unused_suppressions: list[tuple[str, Suppression]]
    suppressed: list[Finding] = field(default_factory=list)  # findings an inline ignore hides


def run(project: Project, rules: Iterable[Rule]) -> Outcome:
    raw: list[Finding] = []
    for rule in rules:
        raw.extend(rule.check(project))
    kept, unused, suppressed = _apply_suppressions(project, raw)
    kept.sort(key=lambda f: f.sort_key)
    return Outcome(kept, project, unused, suppressed)


def _apply_suppressions(project: Project, findings: list[Finding]
                        ) -> tuple[list[Finding], list[tuple[str, Suppression]],
                                   list[Finding]]:
    used: set[tuple[str, int]] = set()
    kept = []
    suppressed = []
    for finding in findings:
        facts = project.facts_of(finding.path)
        table = facts.suppressions if facts is not None else \
            project.registry.suppressions.get(finding.path) or \
            project.deployed_suppressions.get(finding.path)
        hit = table.suppresses(finding.span.line, finding.code) if table is not None else None
        if hit is None:
            kept.append(finding)
        else:
            suppressed.append(finding)
            used.add((finding.path, hit.line))
    # A fix that would also change what a suppression keeps is no fix any more.
    blocked = {(e.path, e.position) for f in suppressed if f.fix is not None
               for e in f.fix.edits}
    if blocked:
        kept = [dataclasses.replace(f, fix=None) if f.fix is not None and any(
            (e.path, e.position) in blocked for e in f.fix.edits) else f for f in kept]
    unused = []
    tables = project.suppression_tables()
    tables += list(project.registry.suppressions.items())
    tables += list(project.deployed_suppressions.items())
    for path, table in tables:
        for line, suppression in table.by_line.items():
            if (path, line) not in used:
                unused.append((path, suppression))
    return kept, unused, suppressed
