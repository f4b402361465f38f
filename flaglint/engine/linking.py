"""Stage 3 driven: the symbol tables and every file's links, from the cache or made.

The tables are stored under the hash of every file's interface (`links/tables.py`), and a
file's links under the tables' key and the file's own facts: an edit that changes no
interface finds the tables and every other file's links in the cache, and links only the
edited file. An edit that changes an interface builds the tables again from the stored
interfaces, and keeps the links of every file that looked up no entry that changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from flaglint import store as cache
from flaglint.engine.reading import Reading
from flaglint.links import assemble
from flaglint.links.files import link_file
from flaglint.links.model import FileCalls, FileLinks, Linked
from flaglint.links.resolve import active_presets, is_setting_flag, is_settings_module, not_flags
from flaglint.links.tables import (
    Changes,
    Interface,
    StoredTables,
    Tables,
    build,
    defines_by_call,
    interface,
)
from flaglint.model.files import FileBrief
from flaglint.model.graph import CallGraph
from flaglint.presets import SETTINGS
from flaglint.sources.discover import GlobSet


@dataclass
class Links:
    """One linking of the files read in full: the tables, each file's links, and the names
    that nothing read so far binds (what the driver reads more files for). The tables are
    joined, or built, when first asked for (`load`): a linking whose every file's links
    the cache kept needs only what the stored tables hold beside the interfaces (their
    presets, wrappers and flag objects)."""

    tables_key: str
    files: dict[str, FileLinks]
    keys: dict[str, str]  # path -> the key its links (and calls) are stored under
    linked: Linked
    load: Callable[[], Tables]
    _calls: dict[str, FileCalls] = field(default_factory=dict)
    _tables: Tables | None = None

    @property
    def tables(self) -> Tables:
        if self._tables is None:
            self._tables = self.load()
        return self._tables

    @property
    def missing(self) -> set[str]:
        return set(self.tables.missing).union(*(f.missing for f in self.files.values()))


@dataclass(frozen=True)
class Plan:
    """A linking of the files read so far, before it is made: the files, the presets, the
    tables' key, each file's links key, and the key of the whole linking (what the driver
    keeps of it is kept under it)."""

    briefs: list[FileBrief]
    presets: tuple[str, ...]
    packages: frozenset[str]  # the top-level packages of every file, read in full or not
    roots: dict[str, str]  # names imported from a folder on `sys.path` inside the project
    values: frozenset[str]  # settings named like flags that hold values (`not_flags`)
    tables_key: str
    keys: dict[str, str]  # path -> the key its links are stored under with these tables
    key: str


def plan(reading: Reading) -> Plan:
    config = reading.inputs.config
    briefs = reading.linkable()
    presets = active_presets(config, (m for b in reading.ordered() for m in b.modules))
    packages = frozenset(source.module.split(".", 1)[0] for source in reading.sources.values())
    roots = reading.roots(packages)
    prefixes = tuple(sorted({spec.prefix for spec in config.definitions
                             if spec.namespace == SETTINGS and spec.prefix}))
    values = _setting_values(reading, reading.store, prefixes,
                             preset="django-settings" in presets) \
        if "django-settings" in presets or prefixes else frozenset()
    tables_key = cache.key("tables", reading.config_key, presets, sorted(packages),
                           sorted(roots.items()), sorted(values),
                           [(b.path, b.interface) for b in briefs])
    keys = {b.path: _links_key(reading, tables_key, b.path) for b in briefs}
    return Plan(briefs, presets, packages, roots, values, tables_key, keys,
                cache.key("linking", tables_key, list(keys.values())))


def _setting_values(reading: Reading, store: cache.Store, prefixes: tuple[str, ...], *,
                    preset: bool) -> frozenset[str]:
    """The settings taken for flags (named as the preset names them, `preset`, or starting
    with a namespace definition's prefix) that the project's settings modules (a module or
    package named for settings, an app's defaults) bind to values (`not_flags`), kept by
    those modules' contents."""
    paths = sorted(rel for rel, source in reading.sources.items()
                   if is_settings_module(source.module))
    key = cache.key("setting-values", [(rel, reading.inputs.keys.get(rel)) for rel in paths],
                    preset, list(prefixes))
    found = store.get("setting-values", key, frozenset[str])
    if found is None:
        found = not_flags((reading.inputs.read(rel).decode("utf-8", errors="replace")
                           for rel in paths),
                          lambda name: (preset and is_setting_flag(name)) or
                          name.startswith(prefixes))
        store.put("setting-values", key, found, frozenset[str])
    return found


def link(reading: Reading, store: cache.Store, planned: Plan | None = None) -> Links:
    config = reading.inputs.config
    planned = planned or plan(reading)
    briefs, tables_key = planned.briefs, planned.tables_key
    load = partial(_tables, reading, store, planned)
    keys = dict(planned.keys)  # a file's links kept from older tables: the key they lie under
    known = store.get_many("links", keys.values(), FileLinks)
    # Links an earlier run kept from older tables for these ones: found where they lie
    moved = store.get("moved", tables_key, dict[str, str]) or {}
    via = {path: moved[key] for path, key in keys.items() if key not in known and key in moved}
    if via:
        before = store.get_many("links", via.values(), FileLinks)
        for path, old_key in via.items():
            if old_key in before:
                keys[path] = old_key
                known[old_key] = before[old_key]
    every = all(key in known for key in keys.values())
    stored = store.get("tables", tables_key, StoredTables) if every else None
    if stored is not None:  # every file's links kept: no interface is decoded
        kept_files = {brief.path: known[keys[brief.path]] for brief in briefs}
        return Links(tables_key, kept_files, keys,
                     assemble(config, stored, kept_files.values()), load)
    tables = load()
    deps_keys = {b.path: _deps_key(reading, b.path) for b in briefs
                 if keys[b.path] not in known}
    deps = store.get_many("linkdeps", deps_keys.values(), _Deps)
    kept = _kept_links(reading, store, tables,
                       {path: deps.get(key, []) for path, key in deps_keys.items()})
    tests = GlobSet(config.tests)
    files: dict[str, FileLinks] = {}
    calls: dict[str, FileCalls] = {}
    linked = 0  # calls linked in this run
    moving: dict[str, str] = {}  # links key under these tables -> the key of links kept
    for brief in briefs:
        path = brief.path
        found = known.get(keys[path])
        if found is None and path in kept:
            old_key, found = kept[path]
            moving[keys[path]] = old_key
            keys[path] = old_key
        if found is None:
            seen: set[str] = set()
            facts = reading.facts_of(path)
            found, calls[path] = link_file(facts, tables, config, in_test=tests.match(path),
                                           seen=seen)
            store.put("links", keys[path], found, FileLinks, later=True)
            store.put("calls", keys[path], calls[path], FileCalls, later=True)
            linked += len(facts.calls)
            _record(store, deps_keys[path], deps, tables_key, sorted(seen))
        files[path] = found
    if moving:
        # One entry, not a copy of each (1.5 MB on Sentry: 75 ms of a run): the next run
        # with these tables finds them without the older tables
        store.put("moved", tables_key, {**moved, **moving}, dict[str, str], later=True)
    if linked >= _WRITE_AHEAD:
        store.write_ahead()  # their JSON is made by a writer while this process analyses
    return Links(tables_key, files, keys, assemble(config, tables, files.values()), load,
                 calls, tables)


def _tables(reading: Reading, store: cache.Store, planned: Plan) -> Tables:
    """The tables of a plan's files: joined from their interfaces, each decoded when a
    lookup needs it, or built (and what joining does not give kept)."""
    hashes = [brief.interface for brief in planned.briefs]
    stored = store.get("tables", planned.tables_key, StoredTables)
    if stored is not None and list(stored.interfaces) == hashes and stored.whole():
        return stored.tables(partial(_interface, reading, store, planned.briefs))
    interfaces = _interfaces(reading, store, planned.briefs)
    found = build(reading.inputs.config, planned.presets, interfaces, planned.packages,
                  planned.roots, planned.values)
    store.put("tables", planned.tables_key, StoredTables.of(found, hashes, interfaces),
              StoredTables, later=True)
    return found


# Calls linked (a 4 MB module's 48,000: ~0.6 s to encode). Not for tables built anew
# alone: a writer forked for Sentry's (1 MB of JSON) made an interface edit slower, 0.70 ->
# 0.86 s, competing with this process for the two cores.
_WRITE_AHEAD = 10_000


def _links_key(reading: Reading, tables_key: str, path: str) -> str:
    return cache.key("links", tables_key, path, reading.facts_key(path, full=True))


# A file's last linkings (the tables' key, the entries it looked up), latest first: one for
# each linking of the driver's loop (a first one over fewer files, then all of them).
_Deps = list[tuple[str, list[str]]]
_KEPT_DEPS = 3


def _deps_key(reading: Reading, path: str) -> str:
    return cache.key("linkdeps", reading.config_key, path, reading.facts_key(path, full=True))


def _record(store: cache.Store, deps_key: str, deps: dict[str, _Deps], tables_key: str,
            seen: list[str]) -> None:
    """A file linked under these tables, looking up `seen`: the latest of its linkings."""
    earlier = [d for d in deps.get(deps_key, []) if d[0] != tables_key]
    store.put("linkdeps", deps_key, [(tables_key, seen), *earlier[:_KEPT_DEPS - 1]], _Deps)


def _kept_links(reading: Reading, store: cache.Store, tables: Tables,
                deps: dict[str, _Deps]) -> dict[str, tuple[str, FileLinks]]:
    """Links made under other tables that still hold, with the key they are stored under:
    the file is the same, and no entry of the tables it looked up while it was linked has
    changed (an edit that adds a wrapper relinks only the files that name it)."""
    changes: dict[str, Changes | None] = {}  # by the key of the tables linked under
    wanted: dict[str, list[str]] = {}  # the keys of each file's links that hold, latest first
    for path, linkings in deps.items():
        for old_key, seen in linkings:
            if old_key not in changes:
                old = store.get("tables", old_key, StoredTables)
                changes[old_key] = Changes(tables, old.tables(partial(
                    _stored_interface, store, old.interfaces))) \
                    if old is not None and old.whole() else None
            changed = changes[old_key]
            if changed is not None and not changed.touch(seen):
                wanted.setdefault(path, []).append(_links_key(reading, old_key, path))
    stored = store.get_many("links", [key for keys in wanted.values() for key in keys],
                            FileLinks)
    found: dict[str, tuple[str, FileLinks]] = {}
    for path, keys in wanted.items():
        key = next((key for key in keys if key in stored), None)
        if key is not None:
            found[path] = (key, stored[key])
    return found


def _interfaces(reading: Reading, store: cache.Store, briefs: list[FileBrief]
                ) -> list[Interface]:
    """Each file's interface, stored under its hash when the file was read (a fraction of
    its facts to decode), else made from its facts and kept again."""
    known = store.get_many("interface", (b.interface for b in briefs), Interface)
    return [known.get(b.interface) or _made_interface(reading, store, b) for b in briefs]


def _interface(reading: Reading, store: cache.Store, briefs: list[FileBrief],
               index: int) -> Interface:
    brief = briefs[index]
    return store.get("interface", brief.interface, Interface) or \
        _made_interface(reading, store, brief)


def _made_interface(reading: Reading, store: cache.Store, brief: FileBrief) -> Interface:
    made = interface(reading.facts_of(brief.path),
                     definition_calls=defines_by_call(reading.inputs.config))
    store.put("interface", brief.interface, made, Interface, later=True)
    return made


def _stored_interface(store: cache.Store, hashes: tuple[str, ...], index: int
                      ) -> Interface | None:
    """An interface of older tables: from the cache, or None (the file may be gone)."""
    return store.get("interface", hashes[index], Interface)


def call_graph(links: Links, reading: Reading, store: cache.Store) -> CallGraph:
    """Every file's calls of the project's functions and classes, and what it defines."""
    config = reading.inputs.config
    tests = GlobSet(config.tests)
    missing = [path for path in links.files if path not in links._calls]
    found = store.get_many("calls", (links.keys[p] for p in missing), FileCalls)
    for path in missing:
        calls = found.get(links.keys[path])
        if calls is None:
            _, calls = link_file(reading.facts_of(path), links.tables, config,
                                 in_test=tests.match(path))
            store.put("calls", links.keys[path], calls, FileCalls)
        links._calls[path] = calls
    ordered = [links._calls[path] for path in links.files]
    return CallGraph(tuple(s for c in ordered for s in c.symbols),
                     tuple(c for f in ordered for c in f.calls),
                     tuple((path, name, span) for path in links.files
                           for name, span in links._calls[path].unbound))
