"""Stage 2 driven: each file's facts, from the cache by content key or extracted.

A file is read in full when the text prefilter finds a reader's or definition's name in it,
when it is a module the configuration names, and later (the driver's loops) when it names a
wrapper or flag object the links found, or is a module a key resolves through. Every other
file gets a brief from its text: its imports and whether it decodes (and parses, when it is
named on the command line, open in an editor or touched by the change). What the prefilter
decided about a file's bytes is cached too, so a run after an edit reads only the edited
file."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from flaglint import store as cache
from flaglint.engine.inputs import Inputs, config_digest
from flaglint.facts import FileFacts, ParseError
from flaglint.facts.batch import Job, extract_all, extract_job
from flaglint.facts.prefilter import Needles, attribute_reads
from flaglint.links.roots import source_roots
from flaglint.links.tables import Interface, defines_by_call, interface_digest
from flaglint.model.files import AliveSoFar, FileBrief, FileSymbols
from flaglint.processes import map_inherited

_Imports = tuple[tuple[str, str], ...]


class Reading:
    """The facts of one run's files (`force_full`: modules read in full in any case;
    `syntax`: paths checked for syntax errors even when read light)."""

    def __init__(self, inputs: Inputs, store: cache.Store, *, workers: int,
                 force_full: Iterable[str] = (), syntax: Iterable[str] = ()) -> None:
        self.inputs = inputs
        self.store = store
        self.workers = workers
        self.force_full = frozenset(force_full)
        self.syntax = frozenset(syntax)
        self.attributes = attribute_reads(inputs.config)
        self.definition_calls = defines_by_call(inputs.config)
        self.sources = {source.rel: source for source in inputs.sources}
        self.briefs: dict[str, FileBrief] = {}
        self._facts: dict[str, FileFacts] = {}  # read in full, in this run
        self._keys: dict[tuple[str, bool], str] = {}  # (path, read in full): its facts' key
        # The needle sets every file still read light was searched for (each with its words
        # that must be called): the files did not match them, and need not be searched again.
        self._searched: set[tuple[tuple[str, ...], frozenset[str]]] = set()
        self._symbols: dict[str, FileSymbols] = {}  # asked of in this run
        self._alive_asked: set[str] = set()  # files whose names in use were fetched at once
        self._alive: dict[str, frozenset[str]] = {}  # asked of in this run
        self.alive = AliveSoFar()  # dead code's rounds' names in use (`ProjectFiles`)
        self._ahead: dict[str, Kept] = {}  # files read in full by the workers that searched
        self._roots: tuple[frozenset[str], dict[str, str]] | None = None

    # -- what there is -----------------------------------------------------------------------

    def ordered(self) -> list[FileBrief]:
        return [self.briefs[rel] for rel in self.sources if rel in self.briefs]

    def linkable(self) -> list[FileBrief]:
        """The files read in full that parse: the ones linking reads."""
        return [b for b in self.ordered() if b.complete and b.error is None]

    def roots(self, packages: frozenset[str]) -> dict[str, str]:
        """The names the project imports from a folder inside it that is on `sys.path`
        itself (`links/roots.py`), from every file's imports, read in full or not (a file's
        light brief and its full one name the same imports: made once a run)."""
        if self._roots is None or self._roots[0] != packages:
            modules = [source.module for source in self.sources.values()]
            imported = (brief.imported for brief in self.briefs.values())
            self._roots = packages, source_roots(modules, packages, imported)
        return self._roots[1]

    @functools.cached_property
    def config_key(self) -> str:
        """The configuration's hash (a key of each file's linking)."""
        return config_digest(self.inputs.config)

    def facts_key(self, rel: str, *, full: bool) -> str:
        found = self._keys.get((rel, full))
        if found is None:
            source = self.sources[rel]
            # With definition calls configured, a file's interface holds every call and
            # binding (links/tables.py), and its brief that interface's hash
            found = self._keys[rel, full] = cache.key(
                "facts", rel, self.inputs.keys.get(rel), source.module, source.is_package,
                full, sorted(self.attributes) if full else [], not full and rel in self.syntax,
                self.definition_calls)
        return found

    def facts_of(self, rel: str) -> FileFacts:
        """A file's facts: those of a file read in full from this run or the cache (made
        again if the cache lost them), the brief's of any other."""
        brief = self.briefs[rel]
        if not brief.complete:
            return brief.light_facts()
        found = self._facts.get(rel)
        if found is None and rel in self.inputs.keys:
            found = self.store.get("facts", self.facts_key(rel, full=True), FileFacts)
            if found is None:
                found = self._extract({rel: True})[rel]
            self._facts[rel] = found
        if found is None:  # unreadable: its brief is all there is
            return brief.light_facts()
        return found

    def symbols_of(self, rel: str) -> FileSymbols:
        """What dead code asks of a file read in full where it finds no dead region: kept
        in the cache apart from its facts (a fraction of them to decode), or made from its
        facts."""
        return self.symbols_of_many([rel])[rel]

    def symbols_of_many(self, rels: Iterable[str]) -> dict[str, FileSymbols]:
        """`symbols_of` of each of these files, those the cache keeps fetched at once (one
        query, and only these decoded: dead code asks of the files of the modules a dead
        symbol may be defined in, ~15 of the ~230 read in full on Sentry)."""
        rels = tuple(rels)
        wanted = [rel for rel in dict.fromkeys(rels) if rel not in self._symbols]
        keys = {rel: self.facts_key(rel, full=True) for rel in wanted
                if rel not in self._facts}
        stored = self.store.get_many("symbols", keys.values(), FileSymbols)
        for rel in wanted:
            found = stored.get(keys[rel]) if rel in keys else None
            if found is None:
                found = FileSymbols.of(self.facts_of(rel))
                self.store.put("symbols", self.facts_key(rel, full=True), found, FileSymbols)
            self._symbols[rel] = found
        return {rel: self._symbols[rel] for rel in rels}

    def imports_of(self, rel: str) -> tuple[tuple[str, str], ...]:
        """A file's imports (`FileFacts.imports`), kept in the cache apart from its facts:
        what a fix must keep is asked of every file with a fix on each run that analyses
        (Sentry with 68 flags settled: ~30 files' facts decoded for their imports alone)."""
        brief = self.briefs[rel]
        if not brief.complete:
            return ()
        found = self._facts.get(rel)
        if found is not None:
            return found.imports
        key = self.facts_key(rel, full=True)
        imports = self.store.get("imports", key, _Imports)
        if imports is None:
            imports = self.facts_of(rel).imports
            self.store.put("imports", key, imports, _Imports)
        return imports

    def alive_of(self, rel: str) -> frozenset[str]:
        """The names a file read in full uses (`FileSymbols.alive`), kept in the cache apart
        from its definitions: dead code asks every such file's, and few files' definitions
        (Sentry with 68 flags settled: ~300 files, 5,500 definitions not decoded)."""
        found = self._alive.get(rel)
        if found is not None:
            return found
        if rel not in self._alive_asked:  # asked of every such file: fetched at once
            asked = [b.path for b in self.ordered() if b.complete
                     and b.path not in self._alive_asked and b.path not in self._facts]
            self._alive_asked.update(asked)
            self.store.get_many("alive", [self.facts_key(path, full=True) for path in asked],
                                frozenset[str])
        key = self.facts_key(rel, full=True)
        found = self.store.get("alive", key, frozenset[str])
        if found is None:
            found = self.symbols_of(rel).alive
            self.store.put("alive", key, found, frozenset[str])
        self._alive[rel] = found
        return found

    # -- reading ----------------------------------------------------------------------------

    def start(self, names: set[tuple[str, ...]], modules: set[str],
              called: frozenset[str] = frozenset()) -> None:
        """Every file's brief: in full for those the needles `names` (`called`: the words
        that must be called) or `modules` choose."""
        for rel, why in self.inputs.unreadable.items():
            source = self.sources[rel]
            self.briefs[rel] = FileBrief(rel, source.module, source.is_package, lines=0,
                                         complete=True, error=ParseError(why, 1, 1))
        full = self._choose(self._needles(names, called), modules | self.force_full)
        self._read({rel: rel in full for rel in self.sources if rel in self.inputs.keys})

    def read_more(self, names: set[tuple[str, ...]], modules: set[str],
                  called: frozenset[str] = frozenset()) -> bool:
        """Read in full the files read light that the needles `names` or `modules` choose
        now."""
        chosen = self._choose(self._needles(names, called), modules)
        self._read({rel: True for rel in self.sources if rel in chosen})
        return bool(chosen)

    def _needles(self, names: set[tuple[str, ...]], called: frozenset[str]) -> Needles:
        """Needles of the sets not searched for yet, as they will have been once used."""
        tests = {(tuple(sorted(words)), called.intersection(words)) for words in names}
        new = tests - self._searched
        self._searched |= new
        return Needles({words for words, _ in new}, called)

    def _choose(self, needles: Needles, modules: set[str]) -> set[str]:
        candidates = [rel for rel, source in self.sources.items()
                      if rel in self.inputs.keys and not self._complete(rel)]
        chosen = {rel for rel in candidates if self.sources[rel].module in modules}
        rest = [rel for rel in candidates if rel not in chosen] if needles.sets else []
        if not rest:
            return chosen
        # One entry for the project's answers to this needle set, by each file's content
        # key: thousands of entries of their own cost more to look up (5-45 ms on Sentry,
        # as the keys happen to lie in SQLite's tree) than one to decode (2 ms).
        entry = cache.key("needles", str(self.inputs.config.root), needles.digest)
        answers = self.store.get("needles", entry, dict[str, bool]) or {}
        keys = self.inputs.keys
        searched = self._search(needles, [rel for rel in rest if keys[rel] not in answers])
        if searched:
            current = set(keys.values())  # the answers of files the project no longer holds go
            answers = {key: found for key, found in answers.items() if key in current}
            answers.update((keys[rel], found) for rel, found in searched.items())
            self.store.put("needles", entry, answers, dict[str, bool], later=True)
        chosen.update(rel for rel in rest if answers[keys[rel]])
        return chosen

    def _search(self, needles: Needles, rels: list[str]) -> dict[str, bool]:
        """Which of these files the needles find, searched in forked workers when there is
        much text (a search for each word over every file: 0.25 s for Django's 18 MB)."""
        size = sum(len(self.inputs.read(rel)) for rel in rels)
        if self.workers > 1 and size * len(needles.words) >= _PARALLEL_SEARCH:
            chunks = [rels[i::self.workers * 4] for i in range(self.workers * 4)]
            done = map_inherited(_searched, (needles, self), chunks, self.workers)
            if done is not None:
                searched = {}
                for chunk in done:
                    for rel, found, kept in chunk:
                        searched[rel] = found
                        if kept is not None:
                            self._ahead[rel] = kept
                return searched
        return {rel: needles.search(self.inputs.read(rel)) for rel in rels}

    def light_jobs(self, rels: Iterable[str]) -> list[Job]:
        """Jobs reading light the files of `rels` whose light brief the cache lacks: for a
        pass over every file that reads them along with something else (discovery)."""
        keys = {rel: self.facts_key(rel, full=False) for rel in rels}
        known = self.store.get_many("brief", keys.values(), FileBrief)
        return [self.job(rel, full=False) for rel in keys if keys[rel] not in known]

    def keep_light(self, rel: str, kept: Kept) -> None:
        """A light read made elsewhere (`read_in_worker`), kept where `start` finds it."""
        self.store.put("brief", self.facts_key(rel, full=False), kept.brief, FileBrief,
                       text=kept.brief_json)
        if kept.interface_json:
            self.store.put_text("interface", kept.brief.interface, kept.interface_json)

    def job(self, rel: str, *, full: bool) -> Job:
        """The job of reading this file, in full or light."""
        source = self.sources[rel]
        return Job(self.inputs.read(rel), rel, source.module, source.is_package, full,
                   self.attributes, syntax=not full and rel in self.syntax)

    def _complete(self, rel: str) -> bool:
        brief = self.briefs.get(rel)
        return brief is not None and brief.complete

    def _read(self, wanted: dict[str, bool]) -> None:
        """The briefs of these files, read in full where `wanted` says so, from the cache
        or extracted (all in one batch of worker processes)."""
        keys = {rel: self.facts_key(rel, full=full) for rel, full in wanted.items()}
        known = self.store.get_many("brief", keys.values(), FileBrief)
        todo = {}
        for rel, full in wanted.items():
            brief = known.get(keys[rel])
            if brief is None:
                todo[rel] = full
            else:
                self.briefs[rel] = brief
        self._extract(todo)

    def _extract(self, wanted: dict[str, bool]) -> dict[str, FileFacts]:
        jobs = [self.job(rel, full=full) for rel, full in wanted.items()]
        ahead = {job.path: self._ahead.pop(job.path) for job in jobs
                 if job.full and job.path in self._ahead}  # read by the workers that searched
        finish = partial(_kept, definition_calls=self.definition_calls, here=os.getpid())
        extracted = iter(extract_all([job for job in jobs if job.path not in ahead],
                                     self.workers, finish))
        made = {}
        later = 0  # bytes of the files read in full here, whose facts' JSON is not made yet
        for job in jobs:
            kept = ahead[job.path] if job.path in ahead else next(extracted)
            key = self.facts_key(job.path, full=job.full)
            self.briefs[job.path] = kept.brief
            self.store.put("brief", key, kept.brief, FileBrief, text=kept.brief_json)
            if kept.interface_value is not None:
                self.store.put("interface", kept.brief.interface, kept.interface_value,
                               Interface, text=kept.interface_json)
            elif kept.interface_json:
                self.store.put_text("interface", kept.brief.interface, kept.interface_json)
            facts = kept.facts if kept.facts is not None else kept.brief.light_facts()
            if kept.facts is not None:
                self._facts[job.path] = kept.facts
                self.store.put("facts", key, kept.facts, FileFacts, text=kept.facts_json,
                               later=True)
                if kept.facts_json is None:
                    later += len(job.data)
                    symbols = FileSymbols.of(kept.facts)
                    self.store.put("symbols", key, symbols, FileSymbols, later=True)
                    self.store.put("alive", key, symbols.alive, frozenset[str], later=True)
            if kept.symbols_json:
                self.store.put_text("symbols", key, kept.symbols_json)
            if kept.alive_json:
                self.store.put_text("alive", key, kept.alive_json)
            made[job.path] = facts
        if later >= _WRITE_AHEAD:
            self.store.write_ahead()
        return made


@dataclass(frozen=True, slots=True)
class Kept:
    """What is kept of a file just read: its brief and, read in full, its facts, each
    with the JSON the cache stores."""

    brief: FileBrief
    brief_json: str
    facts: FileFacts | None
    facts_json: str | None
    interface_json: str  # stored under the brief's `interface`: the tables are built from it
    symbols_json: str | None = None  # what dead code asks of the file (`symbols_of`)
    alive_json: str | None = None  # and the names it uses, of every such file (`alive_of`)
    interface_value: Interface | None = None  # what that JSON says


def _kept(job: Job, facts: FileFacts, *, definition_calls: bool, here: int) -> Kept:
    """Made in the worker that read the file: the parent encodes nothing again. A file read
    in the parent (`here`) leaves its facts' JSON to the cache, which may make it in a
    process of its own while this one links."""
    digest, interface, made = interface_digest(facts, definition_calls=definition_calls)
    brief = FileBrief.of(facts, digest)
    if not facts.complete:
        return Kept(brief, cache.encoded(brief, FileBrief), None, None, interface)
    if os.getpid() == here:
        return Kept(brief, cache.encoded(brief, FileBrief), facts, None, interface,
                    interface_value=made)
    # The interface too, made here for its hash: linking would make it again from the
    # facts (Sentry cold: 418 times, two linkings of 209 files; 0.3 s of a 4 MB module)
    symbols = FileSymbols.of(facts)
    return Kept(brief, cache.encoded(brief, FileBrief), facts, cache.encoded(facts, FileFacts),
                interface, cache.encoded(symbols, FileSymbols),
                cache.encoded(symbols.alive, frozenset[str]), made)


def read_in_worker(job: Job, *, definition_calls: bool) -> Kept:
    """A file's read (light or in full) and the JSON the cache keeps of it, made in a
    worker."""
    return _kept(job, extract_job(job), definition_calls=definition_calls, here=0)


# Bytes of Python read in full in this process from which the JSON of their facts is made
# by a writer process of the cache (a 4 MB module: ~1.5 s) while this one links.
_WRITE_AHEAD = 1_000_000

# Bytes times words to search for (each word is a search of every file): below this,
# forking workers costs more than they save (a word is sought at ~3 GB a second).
_PARALLEL_SEARCH = 40_000_000


def _searched(shared: tuple[Needles, Reading], rels: list[str]
              ) -> list[tuple[str, bool, Kept | None]]:
    """In a worker: whether the needles find each file, and a file found read in full
    there and then (the parent reads it next: Django's six such files cost 0.1 s)."""
    needles, reading = shared
    searched: list[tuple[str, bool, Kept | None]] = []
    for rel in rels:
        found = needles.search(reading.inputs.read(rel))
        searched.append((rel, found, read_in_worker(
            reading.job(rel, full=True), definition_calls=reading.definition_calls)
            if found else None))
    return searched
