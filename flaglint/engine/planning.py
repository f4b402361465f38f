"""The driver's reading loop: link the files read in full, read in full the files a
linking says may matter (they name a wrapper or flag object found, or are a module a key
resolves through), and link again, until none is left. What each linking says is kept under
what it depends on, so that a run that finds it links once."""

from __future__ import annotations

from dataclasses import dataclass

from flaglint import store as cache
from flaglint.config import Config
from flaglint.engine.linking import Links, Plan, link, plan
from flaglint.engine.reading import Reading
from flaglint.facts.prefilter import called_names


def named_modules(config: Config) -> set[str]:
    """The modules read in full whatever they mention: those that define a class of flags,
    a project reader (whose parameters name its keyword arguments), or a definition
    function (a module that calls its own `bool_state(…)` names it alone)."""
    named = [spec.class_ for spec in config.definitions if spec.class_]
    named += [spec.call for spec in config.readers if not spec.any_receiver]
    named += [spec.call for spec in config.definitions
              if spec.call is not None and not spec.call.startswith("*.")]
    return {prefix for name in named for prefix in _prefixes(name)}


def _prefixes(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def read_and_plan(reading: Reading, store: cache.Store, names: set[tuple[str, ...]]
                  ) -> tuple[Plan, Links | None]:
    """Link the files read in full; read in full the files that name a wrapper or flag
    object found, or are a module a key resolves through; again, until none is left. What
    each linking says to read is kept under what the linking depends on (`Plan.key`): a
    run that finds it links none (jax: three linkings, 0.12 s, before). The last linking's
    plan, and the linking when it was made."""
    config = reading.inputs.config
    while True:
        planned = plan(reading)
        step = store.get("linking", planned.key, _Step)
        links = None
        if step is None:
            links = link(reading, store, planned)
            step = _step(links, config, store)
            store.put("linking", planned.key, step, _Step)
        names |= set(step.names)
        if not reading.read_more(names, set(step.modules), called_names(config)):
            return planned, links


@dataclass(frozen=True, slots=True)
class _Step:
    """What one linking says the driver reads next: the files that name these (`names`)
    and these modules."""

    names: tuple[tuple[str, ...], ...]
    modules: tuple[str, ...]


def _step(links: Links, config: Config, store: cache.Store) -> _Step:
    names: set[tuple[str, ...]] = {(q.rsplit(".", 1)[-1],)
                                   for q in (*links.tables.wrappers, *links.tables.objects)}
    readers = store.get("readers", links.tables_key, _Readers)
    if readers is None:
        readers = _readers(links, config)
        store.put("readers", links.tables_key, readers, _Readers)
    names.update(readers.imported)
    modules = {prefix for name in links.missing for prefix in _prefixes(name)}
    modules |= {prefix for reader in readers.readers for prefix in _prefixes(reader)}
    return _Step(tuple(sorted(names)), tuple(sorted(modules)))


@dataclass(frozen=True, slots=True)
class _Readers:
    """The readers configured, also where their names lead, and where an import binds one
    (the module's last name, the local name): of the tables alone, kept under their key (a
    linking after an edit would join every interface to find the imports)."""

    readers: tuple[str, ...]
    imported: tuple[tuple[str, str], ...]


def _readers(links: Links, config: Config) -> _Readers:
    named = {spec.call for spec in config.readers if not spec.any_receiver}
    # A reader named where a package re-exports it is defined elsewhere: that module is read
    # too (its signature gives the key's keyword). And the package is a way to it: files
    # that name the package and the function may read flags.
    chase = links.tables.resolver(config).chase
    readers = named | {chase(call) for call in named}
    imported = {(module.rsplit(".", 1)[-1], local)
                for module, bound in links.tables.imports.items()
                for local, target in bound.items()
                if target in readers or chase(target) in readers}  # spelled from a folder
    # on `sys.path` (`links/roots.py`) too
    return _Readers(tuple(sorted(readers)), tuple(sorted(imported)))
