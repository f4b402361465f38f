"""FL402's analysis in a `--changed-since` run: what each flag gated at the base, beside
what it gates now. The base is analysed only when a changed file reads a flag, now or at
the base: this tree's files with the changed ones as they were, or a copy of the base."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Mapping
from pathlib import Path

from flaglint import store as cache
from flaglint.analysis import gating
from flaglint.config import ConfigError, find_config, load_config
from flaglint.engine.inputs import Inputs, gather
from flaglint.engine.linking import link
from flaglint.engine.planning import named_modules, read_and_plan
from flaglint.engine.reading import Reading
from flaglint.facts.prefilter import called_names, reader_names, reader_needles
from flaglint.model.project import Project
from flaglint.sources import git
from flaglint.sources.diff import DiffScope


def regated(project: Project, inputs: Inputs, store: cache.Store, diff: DiffScope,
            workers: int) -> dict[str, tuple[str, str]]:
    """The flags that gate other code than at the base `diff` compares with."""
    root = inputs.config.root
    base_sources = {}
    for path in sorted(diff.base_paths):
        shown = git.run(root, "show", "--no-textconv", f"{diff.base}:./{path}")
        if shown.returncode == 0:
            base_sources[path] = shown.stdout
    names = reader_names(inputs.config) | {q.rsplit(".", 1)[-1]
                                           for q in project.linked.wrappers}
    python = {p: data for p, data in base_sources.items() if p.endswith(".py")}
    if not gating.may_regate(project, diff, python, names):
        return {}
    now = gating.gated_code(project)
    before = _base_gated(inputs, store, diff, base_sources, workers)
    return gating.regated(before, now) if before is not None else {}


def _base_gated(inputs: Inputs, store: cache.Store, diff: DiffScope,
                base_sources: Mapping[str, bytes], workers: int) -> gating.Gated | None:
    """What each flag gated at the base: this tree's files with the changed ones as they
    were, when the change only edits and adds Python files; else a copy of the base."""
    current = {source.rel for source in inputs.sources}
    in_place = not diff.renamed and all(p.endswith(".py") for p in (*diff.changed,
                                                                     *diff.base_paths)) \
        and diff.base_paths <= current and set(base_sources) == set(diff.base_paths)
    if in_place:
        sources = [s for s in inputs.sources if s.rel not in diff.added]
        base = dataclasses.replace(inputs, sources=tuple(sources),
                                   deployments=None).with_overlay(base_sources)
        return _gated_only(base, store, workers)
    return _gated_from_archive(inputs, store, diff, workers)


def _gated_only(inputs: Inputs, store: cache.Store, workers: int) -> gating.Gated:
    """What each flag gates in these inputs: their facts and links, nothing more."""
    reading = Reading(inputs, store, workers=workers)
    names = reader_needles(inputs.config)
    reading.start(names, named_modules(inputs.config), called_names(inputs.config))
    planned, made = read_and_plan(reading, store, names)
    links = made or link(reading, store, planned)
    paths = {read.path for read in links.linked.reads}
    return gating.gated(links.linked.reads,
                        (reading.facts_of(b.path) for b in reading.ordered() if b.path in paths),
                        inputs.read)


def _gated_from_archive(inputs: Inputs, store: cache.Store, diff: DiffScope,
                        workers: int) -> gating.Gated | None:
    """The base tree's gated code, from a copy of its Python and TOML files."""
    with tempfile.TemporaryDirectory(prefix="flaglint-base-") as folder:
        base_root = git.extract_tree(inputs.config.root, diff.base, Path(folder),
                                     ("*.py", "*.toml"))
        if base_root is None:
            return None
        try:
            config = load_config(find_config(base_root), base_root)
            config = dataclasses.replace(config, environments=())
            base = gather(config, inputs.today, cache.Store.disabled())
        except ConfigError:
            return None
        return _gated_only(base, store, workers)
