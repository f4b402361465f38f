"""Stage 3 driven: the symbol tables and every file's links, from the cache or made.

The tables are stored under the hash of every file's interface (`links/tables.py`), and a
file's links under the tables' key and the file's own facts: an edit that changes no
interface finds the tables and every other file's links in the cache, and links only the
edited file."""

from __future__ import annotations

from dataclasses import dataclass, field

from flaglint import store as cache
from flaglint.engine.inputs import config_digest
from flaglint.engine.reading import Reading
from flaglint.links import assemble
from flaglint.links.files import link_file
from flaglint.links.model import FileCalls, FileLinks, Linked
from flaglint.links.resolve import active_presets
from flaglint.links.tables import Tables, build
from flaglint.model.graph import CallGraph
from flaglint.sources.discover import GlobSet


@dataclass
class Links:
    """One linking of the files read in full: the tables, each file's links, and the names
    that nothing read so far binds (what the driver reads more files for)."""

    tables: Tables
    tables_key: str
    files: dict[str, FileLinks]
    keys: dict[str, str]  # path -> the key its links (and calls) are stored under
    linked: Linked
    _calls: dict[str, FileCalls] = field(default_factory=dict)

    @property
    def missing(self) -> set[str]:
        return set(self.tables.missing).union(*(f.missing for f in self.files.values()))


def link(reading: Reading, store: cache.Store) -> Links:
    config = reading.inputs.config
    briefs = reading.linkable()
    presets = active_presets(config, (m for b in reading.ordered() for m in b.modules))
    tables_key = cache.key("tables", config_digest(config), presets,
                           [(b.path, b.interface) for b in briefs])
    tables = store.get("tables", tables_key, Tables)
    if tables is None:
        tables = build(config, presets, (reading.facts_of(b.path) for b in briefs))
        store.put("tables", tables_key, tables, Tables)
    keys = {b.path: cache.key("links", tables_key, b.path,
                              reading.facts_key(b.path, full=True)) for b in briefs}
    known = store.get_many("links", keys.values(), FileLinks)
    tests = GlobSet(config.tests)
    files: dict[str, FileLinks] = {}
    calls: dict[str, FileCalls] = {}
    for brief in briefs:
        found = known.get(keys[brief.path])
        if found is None:
            found, calls[brief.path] = link_file(reading.facts_of(brief.path), tables, config,
                                                 in_test=tests.match(brief.path))
            store.put("links", keys[brief.path], found, FileLinks)
            store.put("calls", keys[brief.path], calls[brief.path], FileCalls)
        files[brief.path] = found
    return Links(tables, tables_key, files, keys, assemble(config, tables, files.values()),
                 calls)


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
                     tuple(c for f in ordered for c in f.calls))
