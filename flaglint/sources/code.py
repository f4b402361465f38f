"""Facts for every file: in full only where a text prefilter says it can matter, else a
syntax check; cached by content, in worker processes for large batches."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import pickle
import signal
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection

from flaglint import progress
from flaglint.analysis.link import Linked, Linker, reader_needles
from flaglint.cache import FactsCache, digest
from flaglint.config import Config
from flaglint.deep import call_deep
from flaglint.facts import FileFacts, ParseError
from flaglint.facts.collector import TRUTH
from flaglint.options import Options
from flaglint.presets import SETTINGS_FLAGS
from flaglint.sources.discover import SourceFile
from flaglint.sources.prefilter import ExtractionState, Needles

log = logging.getLogger(__name__)

# data, path, module, is_package, parse in full, attribute names that read flag objects
Item = tuple[bytes, str, str, bool, bool, frozenset[str]]

# Below this much work (~25k lines to extract facts from, or ~100k to check for syntax
# errors only), worker processes cost more than they save.
_PARALLEL_BYTES = 1_000_000
_LIGHT_SHARE = 4  # a syntax check costs about a quarter of a full extraction


def _cost(item: Item) -> int:
    return len(item[0]) if item[4] else len(item[0]) // _LIGHT_SHARE


def _extract_one(item: Item) -> FileFacts:
    data, path, module, is_package, full, attributes = item
    if not full:
        from flaglint.facts.light import extract_light

        return call_deep(extract_light, data, path, module, is_package)
    from flaglint.facts.extract import extract

    return call_deep(extract, data, path, module, is_package, attributes)


def extract_one(data: bytes, path: str, module: str, is_package: bool, full: bool,
                attributes: frozenset[str] = frozenset()) -> FileFacts:
    """One file's facts, in full or light, in this process."""
    return _extract_one((data, path, module, is_package, full, attributes))


def _quiet_worker() -> None:
    """Ctrl-C is the parent's to handle: an idle worker must not print a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _extract_many(items: list[Item]) -> list[bytes]:
    """Each file's facts pickled here, in the worker: the parent keeps the bytes for the
    facts cache as they came, and pickles nothing again."""
    return [pickle.dumps(_extract_one(item), protocol=pickle.HIGHEST_PROTOCOL)
            for item in items]


def _chunks(todo: list[Item], jobs: int) -> list[list[int]]:
    """Indices of `todo` (costliest first) in about 16 chunks a worker of even cost: a task
    per file would spend more on sending it than on reading it."""
    target = max(1, sum(map(_cost, todo)) // (jobs * 16))
    chunks: list[list[int]] = []
    cost = target
    for index, item in enumerate(todo):
        if cost >= target:
            chunks.append([])
            cost = 0
        chunks[-1].append(index)
        cost += _cost(item)
    return chunks


def _extract_in_workers(todo: list[Item], jobs: int) -> list[tuple[FileFacts, bytes | None]]:
    """Extract in worker processes: each file's facts, and their pickle when a worker made
    it. A worker that dies (the parser crashed on some input) costs only its files: the
    files of its chunk are retried one process each, and a file that kills its process
    again is FL001."""
    results: dict[int, tuple[FileFacts, bytes | None]] = {}
    with ProcessPoolExecutor(max_workers=jobs, initializer=_quiet_worker) as pool:
        futures = {pool.submit(_extract_many, [todo[i] for i in chunk]): chunk
                   for chunk in _chunks(todo, jobs)}
        for future in as_completed(futures):
            with contextlib.suppress(BrokenProcessPool):
                results.update(zip(futures[future], ((pickle.loads(blob), blob)
                                                     for blob in future.result()),
                                   strict=True))
            progress.update("reading files", len(results), len(todo))
    for i, item in enumerate(todo):
        if i not in results:
            results[i] = (_extract_alone(item), None)
    return [results[i] for i in range(len(todo))]


def _extract_alone(item: Item) -> FileFacts:
    """Extract one file in a process of its own (forked, so it needs no pickled code)."""
    data, path, module, is_package, _, _ = item
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_send_extracted, args=(item, sender), daemon=True)
    process.start()
    sender.close()
    try:
        return receiver.recv()  # type: ignore[no-any-return]
    except EOFError:  # the process died before it could answer
        log.debug("the parser process crashed on %s", path)
        # Complete: what there is to know of it is known; it is never parsed again.
        return FileFacts(path, module, is_package, data.count(b"\n") + 1,
                         error=ParseError("cannot analyse: the parser crashed on this file", 1, 1))
    finally:
        receiver.close()
        process.join()


def _send_extracted(item: Item, sender: Connection) -> None:
    _quiet_worker()
    sender.send(_extract_one(item))
    sender.close()


class Extraction:
    """Facts for every file, parsed with libcst only where the text prefilter says so.

    A file is parsed when it mentions a reader or definition call by name, then (to a
    fixpoint) when it mentions a wrapper the linker found, or is a module that a key or a
    re-export resolves through. Every other file gets light facts from a cheap compile."""

    def __init__(self, sources: Sequence[SourceFile], config: Config, options: Options) -> None:
        self.sources = sources
        self.config = config
        self.options = options
        self.jobs = options.jobs or os.cpu_count() or 1
        self.cache = FactsCache(options.facts_from or config.root, options.use_cache,
                                read_only=options.facts_from is not None)
        self.attributes = attribute_reads(config)
        # The bytes of every readable file; None for one not read yet (its stat and key are
        # what a previous run saw, see `Options.seen`): `_blob` reads it when needed.
        self.blobs: dict[str, bytes | None] = {}
        self.keys: dict[str, str] = {}
        self.facts: dict[str, FileFacts] = {}
        self._by_rel: dict[str, SourceFile] = {}
        self.linker: Linker | None = None  # the last to link the project (its tables)

    def run(self) -> tuple[list[FileFacts], Linked]:
        overlay = self.options.overlay or {}
        seen = self.options.seen or {}
        for source in self.sources:
            before = seen.get(source.rel)
            if before is not None and source.stat == before[0] and source.rel not in overlay:
                self.blobs[source.rel] = None
                self.keys[source.rel] = before[1]
                continue
            try:
                data = overlay[source.rel] if source.rel in overlay else \
                    source.path.read_bytes()
            except OSError as error:
                self.facts[source.rel] = FileFacts(
                    source.rel, source.module, source.is_package, 0,
                    error=ParseError(f"cannot read: {error.strerror}", 1, 1))
                continue
            self.blobs[source.rel] = data
            self.keys[source.rel] = digest(data, source.module, source.is_package,
                                           self.attributes)
        names = reader_needles(self.config)
        # The modules that define a class of flags or a project reader (whose parameters
        # name its keyword arguments) are parsed, whatever they mention.
        wanted = {prefix for spec in self.config.definitions if spec.class_
                  for prefix in _prefixes(spec.class_)} | set(self.options.parse)
        wanted |= {prefix for spec in self.config.readers if not spec.any_receiver
                   for prefix in _prefixes(spec.call)}
        # A module that calls its own definition function names it alone (`bool_state(…)`).
        wanted |= {prefix for spec in self.config.definitions
                   if spec.call is not None and not spec.call.startswith("*.")
                   for prefix in _prefixes(spec.call)}
        first = Needles(names)
        self._extract(self._choose(first, wanted), all_files=True)
        for rel, facts in self.facts.items():
            if not facts.complete and rel in self.keys:
                self.cache.remember_miss(rel, self.keys[rel], first.digest)
        self.names = names
        return self._fixpoint()

    def _fixpoint(self) -> tuple[list[FileFacts], Linked]:
        while True:
            linker = Linker(self._ordered(), self.config)
            linked = linker.link()
            self.linker = linker
            self.names |= {(q.rsplit(".", 1)[-1],) for q in (*linked.wrappers,
                                                              *linked.objects)}
            wanted = {p for name in linker.missing for p in _prefixes(name)}
            todo = self._choose(Needles(self.names), wanted)
            if not todo:
                break
            self._extract(todo, all_files=False)
        self.cache.save(set(self.keys))
        return self._ordered(), linked

    def extend(self, names: set[str]) -> tuple[list[FileFacts], Linked] | None:
        """Parse the skipped files that mention any of `names`; None when there are none."""
        self.names |= {(name,) for name in names}
        needles = Needles({(name,) for name in names})
        todo = {rel for rel, facts in self.facts.items()
                if not facts.complete and rel in self.blobs and needles.search(self._blob(rel))}
        if not todo:
            return None
        self._extract(todo, all_files=False)
        return self._fixpoint()

    def state(self) -> ExtractionState:
        return ExtractionState(dict(self.keys), frozenset(
            rel for rel, facts in self.facts.items() if facts.complete),
            frozenset(self.names))

    def _ordered(self) -> list[FileFacts]:
        return [self.facts[s.rel] for s in self.sources if s.rel in self.facts]

    def _choose(self, needles: Needles, modules: set[str]) -> set[str]:
        chosen = set()
        for source in self.sources:
            facts = self.facts.get(source.rel)
            if source.rel not in self.blobs or (facts is not None and facts.complete):
                continue
            if source.module in modules:
                chosen.add(source.rel)
                continue
            key = self.keys[source.rel]
            if self.cache.missed(source.rel, key, needles.digest):
                continue
            if needles.search(self._blob(source.rel)):
                chosen.add(source.rel)
            elif facts is not None:
                self.cache.remember_miss(source.rel, key, needles.digest)
        return chosen

    def _blob(self, rel: str) -> bytes:
        data = self.blobs[rel]
        if data is None:
            if not self._by_rel:
                self._by_rel = {s.rel: s for s in self.sources}
            source = self._by_rel[rel]
            try:
                data = source.path.read_bytes()
            except OSError:
                data = b""  # gone since discovery: the next run sees it gone
            self.blobs[rel] = data
            # Keyed by what was read (the same bytes, unless the file changed under us).
            self.keys[rel] = digest(data, source.module, source.is_package, self.attributes)
        return data

    def _extract(self, full: set[str], all_files: bool) -> None:
        todo = []
        for source in self.sources:
            rel = source.rel
            if rel not in self.blobs or (not all_files and rel not in full):
                continue
            known = self.options.known
            cached = known.get(self.keys[rel]) if known is not None else None
            if cached is None:
                cached = self.cache.get(rel, self.keys[rel])
            if cached is not None and (cached.complete or rel not in full):
                self.facts[rel] = cached
                continue
            todo.append((self._blob(rel), rel, source.module, source.is_package, rel in full,
                         self.attributes))
        if self.jobs > 1 and sum(map(_cost, todo)) >= _PARALLEL_BYTES:
            # Costliest first, one at a time: a few huge files must not land on one worker.
            todo.sort(key=_cost, reverse=True)
            extracted = _extract_in_workers(todo, self.jobs)
        else:
            extracted = []
            for item in todo:
                extracted.append((_extract_one(item), None))
                progress.update("reading files", len(extracted), len(todo))
        parsed = [f for f, _ in extracted if f.complete]
        log.debug("parsed %d files (%d lines) with libcst, %d with compile only", len(parsed),
                  sum(f.lines for f in parsed), len(extracted) - len(parsed))
        for facts, blob in extracted:
            self.facts[facts.path] = facts
            self.cache.put(facts.path, self.keys[facts.path], facts, blob)


def attribute_reads(config: Config) -> frozenset[str]:
    """The attribute names that read a flag (`value` of `holder.value`), and the setting
    names of the django-settings preset (globs)."""
    names = {a for spec in config.definitions for a in spec.attributes}
    names |= {f"{spec.prefix}*" for spec in config.definitions if spec.namespace}
    if any(spec.truth_reads for spec in config.definitions):
        names.add(TRUTH)  # record truth tests of module-level names too (`if holder:`)
    if config.presets is not None and "django-settings" in config.presets:
        names |= set(SETTINGS_FLAGS)
    return frozenset(names)


def _prefixes(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]
