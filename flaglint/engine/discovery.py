"""With nothing configured, the project's own flag API, found from its code
(links/flag_api.py) and used as if configured: every file's text names the candidates (cached
by content), the files that name them are read in full (their facts cached as any file's),
and what they show decides. A project that configures a reader or a definition gets no
discovery: what it says is what flaglint uses."""

from __future__ import annotations

import dataclasses
import re

from flaglint import codec
from flaglint import store as cache
from flaglint.engine.inputs import Inputs, config_digest
from flaglint.engine.reading import Kept, Reading, read_in_worker
from flaglint.facts import FileFacts
from flaglint.facts.batch import Job
from flaglint.links.flag_api import DJANGO_SETTINGS, FlagApi, candidates, find, read_verb
from flaglint.links.resolve import active_presets
from flaglint.processes import map_inherited
from flaglint.sources.discover import GlobSet
from flaglint.suppressions import Suppressions

_ATTRIBUTES = ("value", "enabled", "is_enabled", "active", "on")  # how flag objects are read


def discovering(inputs: Inputs) -> bool:
    """Does this run find the flag API itself (nothing configured names one)?"""
    return not inputs.config.readers and not inputs.config.definitions


def flag_api(inputs: Inputs, store: cache.Store, *, workers: int) -> FlagApi:
    """The project's flag API, from the cache when no file it is found in changed: an edit
    of a file that names no candidate finds the same API without reading any file's facts
    again."""
    if not discovering(inputs):
        return FlagApi()
    reading = Reading(inputs, store, workers=workers)
    names = _candidate_names(inputs, store, workers, reading)
    if not names:
        return FlagApi()
    reading.start(names - {DJANGO_SETTINGS}, set())
    found_in = [brief.path for brief in reading.linkable()]
    # The presets the Django-settings preset joins depend on what every file imports.
    imported = sorted({module for brief in reading.ordered() for module in brief.modules}) \
        if DJANGO_SETTINGS in names else []
    roots = reading.roots(frozenset(s.module.split(".", 1)[0] for s in inputs.sources))
    key = cache.key("api", config_digest(inputs.config), sorted(names), imported,
                    sorted(roots.items()),
                    [(path, _evidence_digest(inputs, reading, store, path))
                     for path in found_in])
    found = store.get("api", key, FlagApi)
    if found is None:
        found = _find(inputs, reading, names, found_in, imported, roots)
        store.put("api", key, found, FlagApi)
    return found


def with_flag_api(inputs: Inputs, api: FlagApi) -> Inputs:
    """These inputs, configured with what discovery found."""
    if not api:
        return inputs
    config = dataclasses.replace(inputs.config, readers=tuple(s for s, _ in api.readers),
                                 definitions=tuple(s for s, _ in api.definitions),
                                 presets=api.presets if api.presets is not None else
                                 inputs.config.presets)
    return dataclasses.replace(inputs, config=config)


_ATTRIBUTE_READS = re.compile(rb"\b(\w+)\.(" + b"|".join(a.encode() for a in _ATTRIBUTES)
                              + rb")\b(?!\s*\()")


def _evidence_digest(inputs: Inputs, reading: Reading, store: cache.Store, path: str) -> str:
    """What discovery learns from one file, hashed: its facts but for its length and
    suppressions, and the `name.value` reads its text holds. A comment added to a file
    leaves it as it was, and discovery's answer comes from the cache (cached by the
    file's content)."""
    key = cache.key("api-evidence", reading.facts_key(path, full=True))
    found = store.get("api-evidence", key, str)
    if found is None:
        facts = reading.facts_of(path)
        kept = dataclasses.replace(facts, lines=0, suppressions=Suppressions()) \
            if facts is not None else None
        pairs = sorted({m.group(0).decode("latin-1")
                        for m in _ATTRIBUTE_READS.finditer(inputs.read(path))})
        found = cache.key("api-evidence", codec.encode(kept, FileFacts | None), pairs)
        store.put("api-evidence", key, found, str)
    return found


def _candidate_names(inputs: Inputs, store: cache.Store, workers: int, reading: Reading
                     ) -> set[tuple[str, ...]]:
    """The names every file offers as a flag API (each file's, cached by its content;
    those not cached found in worker processes when there are many, which read the files
    light for `reading` too: one pass over them instead of two)."""
    rels = [s.rel for s in inputs.sources if s.rel in inputs.keys]
    keys = {rel: cache.key("api-names", inputs.keys[rel]) for rel in rels}
    known = store.get_many("api-names", keys.values(), list[list[str]])
    missing = [rel for rel in rels if keys[rel] not in known]
    # One file alone is scanned here: a worker would only add the trip of its names back
    made = _in_workers(inputs, missing, workers, reading) \
        if workers > 1 and len(missing) > 1 else None
    names: set[tuple[str, ...]] = set()
    tests = GlobSet(inputs.config.tests)
    for rel in rels:
        found = known.get(keys[rel])
        if found is None:
            found = made[rel] if made is not None else _names_of(inputs.read(rel))
            store.put("api-names", keys[rel], found, list[list[str]])
        # Settings read as flags in test code alone turn no preset on
        names.update(tuple(words) for words in found
                     if not (tuple(words) == DJANGO_SETTINGS and tests.match(rel)))
    return names


def _names_of(data: bytes) -> list[list[str]]:
    return sorted(list(words) for words in candidates(data))


# The inputs, the light reads to make, and their definition calls
_Shared = tuple[Inputs, dict[str, Job], bool]
_Named = tuple[str, list[list[str]], Kept | None]  # a file, its names, its light read


def _chunk_names(shared: _Shared, chunk: list[str]) -> list[_Named]:
    inputs, light, definition_calls = shared
    return [(rel, _names_of(inputs.read(rel)),
             read_in_worker(light[rel], definition_calls=definition_calls) if rel in light
             else None) for rel in chunk]


_PARALLEL_BYTES = 2_000_000  # below this, worker processes cost more than they save


def _in_workers(inputs: Inputs, rels: list[str], workers: int, reading: Reading
                ) -> dict[str, list[list[str]]] | None:
    """The candidate names of these files from forked workers, which read them light for
    `reading` too; None when there is too little to share out, or a worker failed (the
    caller scans them here)."""
    if sum(len(inputs.read(rel)) for rel in rels) < _PARALLEL_BYTES:
        return None
    light = {job.path: job for job in reading.light_jobs(rels)}
    # The workers read the bytes this process holds (forked), none sent down a pipe
    chunks = [rels[i::workers * 4] for i in range(workers * 4)]
    done = map_inherited(_chunk_names, (inputs, light, reading.definition_calls), chunks,
                         workers)
    if done is None:
        return None
    names = {}
    for part in done:
        for rel, found, kept in part:
            names[rel] = found
            if kept is not None:
                reading.keep_light(rel, kept)
    return names


def _find(inputs: Inputs, reading: Reading, names: set[tuple[str, ...]],
          found_in: list[str], imported: list[str], roots: dict[str, str]) -> FlagApi:
    facts = [reading.facts_of(path) for path in found_in]
    presets = None
    if DJANGO_SETTINGS in names and inputs.config.presets is None:
        presets = (*active_presets(inputs.config, set(imported)), "django-settings")
    texts = {f.path: inputs.read(f.path) for f in facts}

    def reads_of(bound: set[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The attributes (`x.value`) and methods (`x.is_enabled()`) the objects bound to
        these names are read through."""
        if not bound:
            return (), ()
        pattern = re.compile(rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in sorted(bound))
                             + rb")\.(\w+)\b(\s*\()?")
        attributes: set[str] = set()
        methods: set[str] = set()
        for data in texts.values():
            for match in pattern.finditer(data):
                (methods if match.group(2) else attributes).add(match.group(1).decode())
        return (tuple(a for a in _ATTRIBUTES if a in attributes),
                tuple(sorted(m for m in methods if read_verb(m))))

    return dataclasses.replace(find(facts, reads_of, roots, texts,
                                    GlobSet(inputs.config.tests).match), presets=presets)
