"""The project model: every flag with its registry entry, code definitions, reads and
history, built once a run has its inputs, facts and links. Plain data with a few questions;
it computes nothing that needs another stage."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from flaglint.config import Config
from flaglint.facts import FileFacts, ParseError, ValueKind
from flaglint.facts.ast_facts import assigned
from flaglint.findings import Edit, Span
from flaglint.links.flag_api import FlagApi
from flaglint.links.model import CodeDefinition, Linked
from flaglint.model.dead import DeadCode
from flaglint.model.files import ProjectFiles
from flaglint.model.graph import FlagGraph
from flaglint.sources.deploy import Deployments
from flaglint.sources.diff import DiffScope
from flaglint.sources.discover import GlobSet
from flaglint.sources.history_model import Commit, EventKind, History, KeyEvent, LineOrigin
from flaglint.sources.registry import FlagDecl, FlagValue, Registry, Status
from flaglint.sources.services import Services
from flaglint.suppressions import Suppressions


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


@dataclass(frozen=True)
class Project:
    """What one run knows of the project. `overlay` holds the files being fixed, in memory;
    `pinned` the flags `clean` settles; `origins` the commits that brought in the lines of
    the reads the history rules judge; `regated` (with `--changed-since`) the flags that gate other
    code than at the base."""

    config: Config
    today: dt.date
    files: ProjectFiles
    registry: Registry
    graph: FlagGraph
    linked: Linked
    records: dict[str, FlagRecord]
    dead: DeadCode
    pinned: dict[str, FlagValue] = field(default_factory=dict)
    history: History | None = None
    history_note: str | None = None  # why history is missing or partial, said once
    removed: dict[str, KeyEvent] = field(default_factory=dict)  # key -> its removal
    notes: tuple[str, ...] = ()  # what discovery could not read
    deployments: Deployments | None = None  # [tool.flaglint.environments], when configured
    overlay: Mapping[str, bytes] = field(default_factory=dict)
    diff: DiffScope | None = None
    origins: Mapping[str, Mapping[int, LineOrigin]] = field(default_factory=dict)
    # What git blame read besides HEAD and the files (`sources.git.blame_inputs`), hashed,
    # when a line was blamed: a summary stored from this run holds only while it is the same
    blamed: str | None = None
    regated: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    # Keys with two lives (FL401 or FL404 on them) -> where that is said: no rule settles,
    # cleans or deletes code on their reads.
    two_lives: Mapping[str, str] = field(default_factory=dict)
    flag_api: FlagApi = field(default_factory=FlagApi)  # what discovery found, if it ran
    services: Services = field(default_factory=Services)  # [[flag-state]] exports read
    # How the inputs read a file (each read once a run); None: from disk, on every call
    read: Callable[[str], bytes] | None = field(default=None, repr=False, compare=False)
    # Each file's content key as read (`store.content_key`): what names its text unchanged
    keys: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    _tests: GlobSet = field(init=False, repr=False, compare=False)
    _memo: dict[str, object] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_tests", GlobSet(self.config.tests))
        object.__setattr__(self, "_memo", {})

    def memo(self) -> dict[str, object]:
        """Where analyses keep what they work out on request, for this project only."""
        return self._memo

    @property
    def has_declarations(self) -> bool:
        return self.registry.declares or bool(self.config.definitions)

    @property
    def deployed_suppressions(self) -> Mapping[str, Suppressions]:
        return self.deployments.suppressions if self.deployments is not None else {}

    def facts_of(self, path: str) -> FileFacts | None:
        return self.files.facts_of(path)

    def parse_errors(self) -> list[tuple[str, ParseError]]:
        return self.files.parse_errors()

    def paths(self) -> tuple[str, ...]:
        return self.files.paths

    def source_of(self, path: str) -> bytes:
        """A file's bytes as this analysis read them (the fixed ones, while fixing)."""
        if path in self.overlay:
            return self.overlay[path]
        if self.read is not None:
            return self.read(path)
        try:
            return (self.config.root / path).read_bytes()
        except OSError:
            return b""

    def is_test(self, path: str) -> bool:
        return self._tests.match(path)

    def bound_name(self, definition: CodeDefinition) -> str | None:
        """The qualified name a definition call's object is bound to at module level
        (`fast_path = bool_state(...)`), also where the name is bound more than once, which
        the facts keep no constant of (Open WebUI's `URLS = os.environ.get(…)` then `URLS =
        Setting("URLS", …)`): Python's tree says."""
        facts = self.facts_of(definition.path)
        if facts is None:
            return None
        found = next((c.qualname for c in facts.constants
                      if c.span.line == definition.span.line and c.value.kind is ValueKind.CALL),
                     None)
        if found is not None:
            return found
        try:
            tree = ast.parse(self.source_of(definition.path))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        for statement in tree.body:  # `NAME = call(…)`, `NAME: T = call(…)`: the call its value
            targets, value = assigned(statement), getattr(statement, "value", None)
            if len(targets) == 1 and isinstance(targets[0], ast.Name) and \
                    isinstance(value, ast.Call) and value.lineno == definition.span.line:
                return f"{facts.module}.{targets[0].id}"
        return None

    def in_tests(self, edits: Iterable[Edit]) -> bool:
        """Do any of these edits change test code (the `tests` globs)?"""
        return any(self._tests.match(edit.path) for edit in edits)

    def appeared(self, path: str, line: int) -> LineOrigin | None:
        """Which commit last brought the line in (None when git cannot say)."""
        return self.origins.get(path, {}).get(line)

    def in_range(self, commit: Commit) -> bool:
        """Does a history event count in this run? (with --changed-since: only within REF..HEAD)"""
        return self.diff is None or commit.sha in self.diff.commits


def with_aliases(registry: Registry, aliases: Mapping[str, str]) -> Registry:
    """Registry entries written without the project prefix declare the prefixed flag."""
    renamed = {k: aliases[k] for k in registry.flags if k in aliases
               and aliases[k] not in registry.flags}
    if not renamed:
        return registry
    flags = {renamed.get(k, k): dataclasses.replace(d, key=renamed.get(k, k))
             for k, d in registry.flags.items()}
    return dataclasses.replace(registry, flags=flags)


def removed_keys(found: History | None, registry: Registry,
                 linked: Linked) -> dict[str, KeyEvent]:
    """Keys that were declared once and are declared nowhere now: the removal event."""
    if found is None:
        return {}
    defined = {d.key for d in linked.definitions}
    removed = {}
    for key, key_history in found.keys.items():
        last = key_history.events[-1] if key_history.events else None
        if last is not None and last.kind is EventKind.REMOVED and \
                key not in registry.flags and key not in defined:
            removed[key] = last
    return removed


def records(registry: Registry, linked: Linked,
            found: History | None) -> dict[str, FlagRecord]:
    definitions: dict[str, list[CodeDefinition]] = {}
    for definition in linked.definitions:
        definitions.setdefault(definition.key, []).append(definition)
    made = {}
    for key in sorted(set(registry.flags) | set(definitions)):
        decl = registry.flags.get(key)
        explicit = decl.created if decl is not None else None
        first = None
        if explicit is None and found is not None and found.of(key) is not None:
            # A key declared again after its removal is a new flag: its age counts from then.
            event = found.keys[key].last(EventKind.DECLARED)
            first = event.commit.date if event is not None else None
        made[key] = FlagRecord(key, decl, tuple(definitions.get(key, ())),
                               explicit or first, explicit is None and first is not None)
    return made


def statuses(registry: Registry) -> dict[str, tuple[Status, FlagValue | None]]:
    return {k: (d.status, d.value) for k, d in registry.flags.items()}
