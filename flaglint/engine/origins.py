"""The commits that brought in the lines of reads: `git blame` of the lines of the reads a
rule or the audit asks about (FL401 and FL404 judge a read of an ended key by its age),
kept in the cache by everything blame reads."""

from __future__ import annotations

import enum
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from flaglint import store as cache
from flaglint.analysis.lifecycle import ending
from flaglint.engine.inputs import Inputs
from flaglint.model.project import Project
from flaglint.sources import history as githistory
from flaglint.sources.git import blame_inputs
from flaglint.sources.history_model import HistoryUnavailable, LineOrigin


class Origins(enum.Enum):
    """Which reads' lines to ask git blame about."""

    NONE = "none"
    ENDED = "ended"  # reads of retired or removed keys (FL401, FL404)
    ALL = "all"  # every read (the audit's last change)



def blame_reads(project: Project, inputs: Inputs, store: cache.Store, wanted: Origins
                ) -> tuple[dict[str, dict[int, LineOrigin]], str | None]:
    """The commits that brought in the lines of the reads in the files of the reads asked
    for: one `git blame` of a file's lines of reads (those a rule or the audit asks about),
    cached by HEAD, the file's content, those lines and what else blame reads (the index,
    its configuration: `blame_inputs`), with the hash of the latter when a line was
    blamed."""
    if wanted is Origins.NONE or project.history is None:
        return {}, None
    keys: Iterable[str] = project.graph.flags()
    if wanted is Origins.ENDED:
        keys = [key for key in keys if ending(project, key) is not None]
    keys = set(keys)
    # and the lines of their definitions in code (FL401 tells a definition left behind by
    # a tombstone from one written again)
    defined = [d for d in project.linked.definitions
               if d.key in keys and ending(project, d.key) is not None]
    paths = sorted({read.path for key in keys for read in project.graph.reads_of(key)} |
                   {d.path for d in defined})
    read_lines: dict[str, set[int]] = {}
    for read in project.linked.reads:
        read_lines.setdefault(read.path, set()).add(read.span.line)
    for definition in defined:
        read_lines.setdefault(definition.path, set()).add(definition.span.line)
    root = inputs.config.root
    if not paths:
        return {}, None
    blamed = blame_inputs(root) or "unknown"  # a run that blamed says so
    entries: dict[str, tuple[str, list[int]]] = {}
    for path in paths:
        try:
            data = (root / path).read_bytes()  # what git blame reads: the working tree
        except OSError:
            continue
        lines = sorted(read_lines.get(path, ()))
        entries[path] = (cache.key("blame-lines", githistory.HISTORY_VERSION, inputs.git,
                                   blamed, path, cache.content_key(data), lines), lines)
    found = store.get_many("blame-lines", [key for key, _ in entries.values()],
                           dict[int, LineOrigin])
    missing = {path: lines for path, (key, lines) in entries.items() if key not in found}
    for path, origins in _blamed(root, missing).items():
        store.put("blame-lines", entries[path][0], origins, dict[int, LineOrigin])
        found[entries[path][0]] = origins
    return ({path: found[key] for path, (key, _) in sorted(entries.items()) if key in found},
            blamed)


def _blamed(root: Path, lines: dict[str, list[int]]) -> dict[str, dict[int, LineOrigin]]:
    """`git blame` of these lines of these files, a few files at once (each git works in a
    process of its own: jax's first audit blames 65 files); a file git cannot blame is left
    out."""
    def blame(path: str) -> dict[int, LineOrigin] | None:
        try:
            return githistory.line_times(root, path, lines[path])
        except HistoryUnavailable:
            return None

    paths = list(lines)
    if len(paths) < 2:
        done = [blame(path) for path in paths]
    else:
        with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1, len(paths))) as pool:
            done = list(pool.map(blame, paths))
    return {path: whole for path, whole in zip(paths, done, strict=True) if whole is not None}
