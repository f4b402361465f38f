"""A check's result for the command line: the summary a report is made of, and the run
whose inputs did not change, which gives the last run's summary (the hook on a commit that
touched no Python file, a second run in a row) without linking, resolving or rebuilding.

The inputs are every checked file's path, size and modification time (the files git or the
walk lists, so a new file changes them), the configuration and registry bytes, the HEAD
commit (history rules read git), the day (expiry), the rules, and flaglint's version.

When only a few Python files changed (an edit before a commit), those files are read again,
and if their facts are what they were, line counts aside (a comment, a docstring, code that
reads no flag in a file the prefilter skips), nothing the linking or the rules see changed:
the last summary stands. A file whose flag reads may be judged by git blame (history rules)
is never taken this way.

When their facts changed but not what other files link through (`link.interface`: what a
file imports, defines, binds to a key, and its wrappers; positions aside), only those files
are linked again, into the tables the last full run left (`Links`, a cache file of its own),
and the rules run on that project, whose other files' facts are read only if a rule asks
(`facts/lazy.py`). This is taken unless a changed file's interface changed, its reads name
something to resolve that was not there before, or the project has dead code (whose search
reads every file). Anything else means a full run, which then becomes the cached one; it
reads again only the files whose stat changed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from flaglint import __version__, cache
from flaglint.config import Config
from flaglint.findings import Finding
from flaglint.sources.discover import SourceFile
from flaglint.suppressions import Suppression, Suppressions

if TYPE_CHECKING:
    from flaglint.analysis.link import LinkerState
    from flaglint.engine import Outcome, Project, Symbol
    from flaglint.facts.model import FileFacts, ParseError
    from flaglint.options import Options
    from flaglint.rules import Rule
    from flaglint.sources.prefilter import ExtractionState


@dataclass(frozen=True, slots=True)
class Summary:
    """What the report of a run needs, without the project behind it."""

    findings: tuple[Finding, ...]
    files: tuple[str, ...]  # every analysed file
    flags: int
    unused_suppressions: tuple[tuple[str, Suppression], ...]
    notes: tuple[str, ...]  # what the run could not see, said on stderr
    project: Project | None = None  # the analysed project (never cached)


def base_key(config: Config, codes: Iterable[str], today: str, head: str | None) -> str:
    """Every input but the Python files: flaglint, the day, HEAD, the rules, the
    configuration, registry and deployment configs."""
    hasher = hashlib.blake2b(digest_size=20)
    hasher.update(f"{__version__}\0{cache.FACTS_VERSION}\0{today}\0{head}\0".encode())
    hasher.update(",".join(sorted(codes)).encode())
    for path in (config.source, *(config.root / r for r in config.registry)):
        hasher.update(b"\0" + str(path).encode() + b"\0")
        if path is not None:
            try:
                hasher.update(Path(path).read_bytes())
            except OSError:
                hasher.update(b"(missing)")
    if config.environments:  # deployment configs: a glob that finds no file is an error here
        from flaglint.sources.deploy import files

        for spec, paths in files(config):
            hasher.update(f"\0{spec}".encode())
            for path in paths:
                try:
                    stat = os.stat(path)
                except OSError:
                    return ""
                hasher.update(f"\0{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0"
                              f"{stat.st_ino}".encode())
    return hasher.hexdigest()


def reading_key(config: Config) -> str:
    """What a file's content key depends on besides its bytes and module name: flaglint and
    the attribute reads configured. Two runs that agree on it agree on every unchanged
    file's key, whatever else changed (HEAD, the day, the rules, the registry)."""
    from flaglint.sources.code import attribute_reads

    text = f"{__version__}\0{cache.FACTS_VERSION}\0{sorted(attribute_reads(config))}"
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


FileStat = tuple[str, bool, int, int, int]  # module, is_package, size, mtime_ns, inode


def file_stats(sources: Iterable[SourceFile]) -> dict[str, FileStat] | None:
    stats = {}
    for source in sources:
        seen = source.stat
        if seen is None:
            try:
                found = os.stat(source.file)
            except OSError:
                return None  # a file that vanished: no key, a full run
            seen = (found.st_size, found.st_mtime_ns, found.st_ino)
        stats[source.rel] = (source.module, source.is_package, *seen)
    return stats


def inputs_key(base: str, stats: dict[str, FileStat] | None) -> str:
    if not base or stats is None:
        return ""
    hasher = hashlib.blake2b(base.encode(), digest_size=20)
    for rel, stat in stats.items():
        hasher.update(f"\0{rel}\0{stat}".encode())
    return hasher.hexdigest()


@dataclass(frozen=True)
class Snapshot:
    """What a cached summary was made from, for the incremental path."""

    base: str
    files: dict[str, FileStat]
    state: ExtractionState
    sensitive: frozenset[str]  # files whose reads git blame judges
    links: str = ""  # which `Links` (a cache file of their own) go with it
    reading: str = ""  # what the content keys in `state` depend on (`reading_key`)


@dataclass(frozen=True)
class Links:
    """The last full run's linker tables and what every run asks of every file, for a run
    that links again only the files whose facts changed. Kept apart from the summary: a
    warm run that changed nothing never reads them."""

    token: str
    linker: LinkerState
    paths: tuple[str, ...]  # every analysed file, in order
    symbols: tuple[Symbol, ...]
    errors: dict[str, ParseError]
    suppressions: dict[str, Suppressions]  # the files that have any


def load(root: Path) -> tuple[str, Summary, Snapshot | None] | None:
    found = cache.load(cache.cache_file("results", str(root)), tuple)
    if found is None or len(found) != 3 or not isinstance(found[1], Summary):
        return None
    return found[0], found[1], found[2] if isinstance(found[2], Snapshot) else None


def store(root: Path, key: str, summary: Summary, snapshot: Snapshot | None,
          links: Links | None = None) -> None:
    if key:
        if links is not None:
            cache.store(cache.cache_file("links", str(root)), links)
        cache.store(cache.cache_file("results", str(root)), (key, summary, snapshot))


def unchanged_or_run(config: Config, options: Options, rules: list[Rule], use_cache: bool
                      ) -> Summary:
    """The last run's summary when no input changed, or when the files that changed have
    the facts they had; the changed files linked again into the last run's tables when
    their facts changed but nothing other files link through (see results.py); else a full
    run."""
    from flaglint.sources.discover import discover

    notes: list[str] = []
    sources = discover(config, None, notes)
    key = base = ""
    stats = None
    found = load(config.root) if options.use_cache else None
    if use_cache and found is not None:
        base = base_key(config, [r.code for r in rules], options.today.isoformat(),
                        _head(config.root))
        stats = file_stats(sources)
        key = inputs_key(base, stats)
        if key:
            if found[0] == key:
                return found[1]
            snapshot = found[2]
            if snapshot is not None and stats is not None and snapshot.base == base:
                edit = _edit(config, sources, stats, snapshot)
                if edit is not None:
                    kept = dataclasses.replace(snapshot, files=stats, state=dataclasses.replace(
                        snapshot.state, keys=edit.keys))
                    if not edit.changed:
                        edit.cache.save(set(stats))
                        store(config.root, key, found[1], kept)
                        return found[1]
                    summary = _relink(config, options, rules, notes, key, kept, edit)
                    if summary is not None:
                        return summary
    elif use_cache and options.use_cache:  # nothing cached yet
        base = base_key(config, [r.code for r in rules], options.today.isoformat(),
                        _head(config.root))
        stats = file_stats(sources)
        key = inputs_key(base, stats)
    from flaglint.engine import analyze, run, symbols

    reading = reading_key(config)
    if found is not None and found[2] is not None and found[2].reading == reading:
        # A full run (or `--diff`), which need not read again the files whose stat is what
        # the last run saw: after a commit, a new day or an edit of the registry too.
        last = found[2]
        now = stats if stats is not None else file_stats(sources)
        seen = {rel: (stat[2:], last.state.keys[rel]) for rel, stat in (now or {}).items()
                if last.files.get(rel) == stat and rel in last.state.keys}
        if seen:
            options = dataclasses.replace(options, seen=seen)
    outcome = run(analyze(config, None, options, discovered=(sources, notes)), rules)
    summary = summarize(outcome, rules)
    project = outcome.project
    snapshot = links = None
    if project.extraction is not None and stats is not None:
        sensitive = frozenset(r.path for r in project.linked.reads) \
            if project.history is not None else frozenset()
        if project.linker is not None:
            links = Links(key, project.linker.state(), project.paths(),
                          tuple(symbols(project.files)),
                          dict(project.parse_errors()),
                          {path: table for path, table in project.suppression_tables()
                           if table.by_line})
        snapshot = Snapshot(base, stats, project.extraction, sensitive,
                            key if links is not None else "", reading)
    store(config.root, key, dataclasses.replace(summary, project=None), snapshot, links)
    return summary


_MOST_EDITED = 32  # more changed files than this: a full run is about as fast


@dataclass
class _Edit:
    """The changed files read again: their content keys, and the files whose facts changed
    (before, after), all of them read in full both times."""

    cache: cache.FactsCache
    keys: dict[str, str]
    changed: list[tuple[FileFacts, FileFacts]]


def _edit(config: Config, sources: list[SourceFile], stats: dict[str, FileStat],
          snapshot: Snapshot) -> _Edit | None:
    """The changed files' facts, next to what they were; None when a full run is needed:
    files came or went, too many changed, the prefilter would now read a skipped file in
    full, or a skipped file's facts changed."""
    from flaglint.sources.code import attribute_reads, extract_one
    from flaglint.sources.prefilter import Needles

    if stats.keys() != snapshot.files.keys():
        return None
    changed = [rel for rel, stat in stats.items() if stat != snapshot.files[rel]]
    if not changed or len(changed) > _MOST_EDITED or any(
            stats[rel][:2] != snapshot.files[rel][:2] for rel in changed):
        return None
    facts_cache = cache.FactsCache(config.root)
    needles = Needles(set(snapshot.state.needles))
    by_rel = {s.rel: s for s in sources}
    keys = dict(snapshot.state.keys)
    attributes = attribute_reads(config)
    differ = []
    for rel in changed:
        source = by_rel[rel]
        old_key = snapshot.state.keys.get(rel)
        old = facts_cache.get(rel, old_key) if old_key is not None else None
        try:
            data = source.path.read_bytes()
        except OSError:
            return None
        full = rel in snapshot.state.complete
        if old is None or (not full and needles.search(data)):
            return None  # unknown before, or the prefilter would now read it in full
        key = cache.digest(data, source.module, source.is_package, attributes)
        new = facts_cache.get(rel, key)
        if new is None or new.complete != full:
            new = extract_one(data, rel, source.module, source.is_package, full, attributes)
        # A file whose reads git blame judges is checked again even with the same facts:
        # its lines' origins may have changed.
        if rel in snapshot.sensitive or \
                dataclasses.replace(new, lines=0) != dataclasses.replace(old, lines=0):
            if not (full and new.complete and old.error is None and new.error is None):
                return None
            differ.append((old, new))
        facts_cache.put(rel, key, new)
        keys[rel] = key
    return _Edit(facts_cache, keys, differ)


def _relink(config: Config, options: Options, rules: list[Rule], notes: list[str], key: str,
            snapshot: Snapshot, edit: _Edit) -> Summary | None:
    """The changed files linked again into the last full run's tables, and the rules run
    on that project; None when that cannot stand for a full run (`Linker.relink`,
    `engine.relinked`)."""
    from flaglint.analysis.link import Linker
    from flaglint.engine import relinked, run
    from flaglint.facts.lazy import LazyFacts

    links = cache.load(cache.cache_file("links", str(config.root)), Links)
    if links is None or not snapshot.links or links.token != snapshot.links:
        return None
    linker = Linker.restore(links.linker, config)
    if not all(linker.relink(old, new) for old, new in edit.changed):
        return None
    if not LazyFacts.complete(links.paths, edit.keys, edit.cache):
        return None
    suppressions = dict(links.suppressions)
    for _, new in edit.changed:
        suppressions.pop(new.path, None)
        if new.suppressions.by_line:
            suppressions[new.path] = new.suppressions
    files = LazyFacts(links.paths, edit.keys, edit.cache, {n.path: n for _, n in edit.changed},
                      links.errors, suppressions)
    by_path: dict[str, list[Symbol]] = {}  # the functions and classes, file by file
    for symbol in links.symbols:
        by_path.setdefault(symbol[1], []).append(symbol)
    for _, new in edit.changed:
        by_path[new.path] = [(d.qualname, new.path, d.kind) for d in new.definitions]
    symbols = tuple(symbol for path in links.paths for symbol in by_path.get(path, ()))
    project = relinked(config, options, linker.linked(), files, symbols, notes,
                       snapshot.state, linker)
    if project is None:
        return None
    outcome = run(project, rules)
    summary = summarize(outcome, rules)
    edit.cache.save(set(snapshot.files))
    state = linker.state(links.linker, [new.path for _, new in edit.changed])
    store(config.root, key, dataclasses.replace(summary, project=None),
          dataclasses.replace(snapshot, links=key),
          dataclasses.replace(links, token=key, linker=state, symbols=symbols,
                              suppressions=suppressions))
    return summary


def _head(root: Path) -> str | None:
    from flaglint.sources import git

    sha = git.read_head(root)
    if sha is not None:
        return sha
    found = git.text(root, "rev-parse", "HEAD")
    return found.stdout.strip() if found.returncode == 0 else None


def summarize(outcome: Outcome, rules: list[Rule]) -> Summary:
    project = outcome.project
    return Summary(tuple(outcome.findings), project.paths(),
                   len(project.graph.flags()), tuple(outcome.unused_suppressions),
                   tuple(_notes(project, rules)), project)


def _notes(project: Project, rules: list[Rule]) -> list[str]:
    """What the run could not see, said once on stderr."""
    notes = list(project.notes)
    if project.history_note and any(r.needs_history for r in rules):
        notes.append(project.history_note)
    if not project.has_declarations and any(True for _ in project.graph.reads()):
        notes.append("no registry (flags.toml) and no definitions configured, so FL101 and "
                     "FL102 cannot tell declared flags from undeclared ones")
    return notes
