"""One run: discover, extract (cached, in parallel), link, build the graph, apply the rules."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from flaglint import history
from flaglint.cache import FactsCache, digest
from flaglint.config import Config
from flaglint.discover import SourceFile, discover
from flaglint.facts import FileFacts, ParseError
from flaglint.facts.extract import extract
from flaglint.findings import Finding, Span
from flaglint.graph import FlagGraph
from flaglint.link import CodeDefinition, Linked, Linker
from flaglint.registry import FlagDecl, Registry, Status, load_registry
from flaglint.suppressions import Suppression

log = logging.getLogger(__name__)

# Below this many files to parse, starting worker processes costs more than it saves.
_PARALLEL_THRESHOLD = 40


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
class Project:
    config: Config
    files: list[FileFacts]
    registry: Registry
    graph: FlagGraph
    linked: Linked
    records: dict[str, FlagRecord]
    today: dt.date
    notes: list[str] = field(default_factory=list)  # said once on stderr by the CLI

    @property
    def has_declarations(self) -> bool:
        return self.registry.present or bool(self.config.definitions)

    def facts_of(self, path: str) -> FileFacts | None:
        return self._by_path.get(path)

    def __post_init__(self) -> None:
        self._by_path = {f.path: f for f in self.files}


@dataclass(frozen=True, slots=True)
class Options:
    today: dt.date
    jobs: int = 0  # 0: one per core
    use_cache: bool = True


def _extract_one(item: tuple[bytes, str, str, bool]) -> FileFacts:
    return extract(*item)


def collect_facts(sources: Sequence[SourceFile], root: Path, options: Options) -> list[FileFacts]:
    cache = FactsCache(root, options.use_cache)
    results: dict[str, FileFacts] = {}
    todo: list[tuple[bytes, str, str, bool]] = []
    keys: dict[str, str] = {}
    for source in sources:
        try:
            data = source.path.read_bytes()
        except OSError as error:
            results[source.rel] = FileFacts(source.rel, source.module, source.is_package, 0,
                                            error=ParseError(f"cannot read: {error.strerror}",
                                                             1, 1))
            continue
        key = digest(data, source.module, source.is_package)
        keys[source.rel] = key
        cached = cache.get(source.rel, key)
        if cached is not None:
            results[source.rel] = cached
        else:
            todo.append((data, source.rel, source.module, source.is_package))
    jobs = options.jobs or os.cpu_count() or 1
    if jobs > 1 and len(todo) >= _PARALLEL_THRESHOLD:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            extracted = list(pool.map(_extract_one, todo, chunksize=8))
    else:
        extracted = [_extract_one(item) for item in todo]
    for facts in extracted:
        results[facts.path] = facts
        cache.put(facts.path, keys[facts.path], facts)
    cache.save(set(keys))
    return [results[source.rel] for source in sources]


def analyze(config: Config, paths: list[Path] | None, options: Options) -> Project:
    registry = load_registry(config)
    sources = discover(config, paths)
    facts = collect_facts(sources, config.root, options)
    linked = Linker(facts, config).link()
    graph = FlagGraph()
    for decl in registry.flags.values():
        graph.add_flag(decl.key, status=decl.status.value)
        graph.add_declaration(decl.key, decl.path, decl.line)
    for definition in linked.definitions:
        graph.add_definition(definition)
    for f in facts:
        for definition in f.definitions:
            graph.add_symbol(definition.qualname, f.path, definition.kind)
    graph.add_reads(linked.reads)
    for caller, callee, _ in linked.calls:
        graph.add_call(caller, callee)
    notes: list[str] = []
    records = _records(config, registry, linked, notes)
    return Project(config, facts, registry, graph, linked, records, options.today, notes)


def _records(config: Config, registry: Registry, linked: Linked,
             notes: list[str]) -> dict[str, FlagRecord]:
    definitions: dict[str, list[CodeDefinition]] = {}
    for definition in linked.definitions:
        definitions.setdefault(definition.key, []).append(definition)
    keys = set(registry.flags) | set(definitions)
    # Creation dates come from git only where they decide something: an active flag of a
    # type that expires, with neither `created` nor `expires` written down.
    undated = {key for key in keys if _needs_created(registry.flags.get(key), config)}
    created: dict[str, dt.date] = {}
    if undated:
        files = set(registry.paths) | {d.path for key in undated
                                       for d in definitions.get(key, ())}
        try:
            created = history.first_added(config.root, files, undated)
        except history.HistoryUnavailable as error:
            notes.append(f"git history unavailable ({error}); flags without `created` or "
                         f"`expires` are not checked for expiry")
    records = {}
    for key in sorted(keys):
        decl = registry.flags.get(key)
        explicit = decl.created if decl is not None else None
        records[key] = FlagRecord(key, decl, tuple(definitions.get(key, ())),
                                  explicit or created.get(key),
                                  explicit is None and key in created)
    return records


def _needs_created(decl: FlagDecl | None, config: Config) -> bool:
    if decl is None:
        return False
    if decl.status is not Status.ACTIVE or decl.created is not None or decl.expires is not None:
        return False
    return decl.type is not None and config.lifetimes.get(decl.type) is not None


@dataclass
class Outcome:
    findings: list[Finding]
    project: Project
    unused_suppressions: list[tuple[str, Suppression]]


def run(project: Project, rules: Iterable[object]) -> Outcome:
    from flaglint.rules import Rule

    raw: list[Finding] = []
    for rule in rules:
        assert isinstance(rule, Rule)
        raw.extend(rule.check(project))
    kept, unused = _apply_suppressions(project, raw)
    kept.sort(key=lambda f: f.sort_key)
    return Outcome(kept, project, unused)


def _apply_suppressions(project: Project, findings: list[Finding]
                        ) -> tuple[list[Finding], list[tuple[str, Suppression]]]:
    used: set[tuple[str, int]] = set()
    kept = []
    for finding in findings:
        facts = project.facts_of(finding.path)
        table = facts.suppressions if facts is not None else \
            project.registry.suppressions.get(finding.path)
        hit = table.suppresses(finding.span.line, finding.code) if table is not None else None
        if hit is None:
            kept.append(finding)
        else:
            used.add((finding.path, hit.line))
    unused = []
    tables = [(f.path, f.suppressions) for f in project.files]
    tables += list(project.registry.suppressions.items())
    for path, table in tables:
        for line, suppression in table.by_line.items():
            if (path, line) not in used:
                unused.append((path, suppression))
    return kept, unused
