"""How to run: the day, the workers, the cache, the files held in memory, the --diff scope.
A module of its own, so that a run that only reads its cached result imports nothing heavy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flaglint.analysis.diffscope import DiffScope
    from flaglint.facts import FileFacts


@dataclass(frozen=True, slots=True)
class Options:
    today: dt.date
    jobs: int = 0  # 0: one per core
    use_cache: bool = True
    overlay: Mapping[str, bytes] | None = None  # root-relative path -> contents to use instead
    parse: frozenset[str] = frozenset()  # modules to parse in full, mentions or not
    diff: DiffScope | None = None  # `--diff REF`: what changed (the engine hands it on)
    # Read facts from this root's cache and write none (the base tree of a `--diff` run,
    # whose unchanged files have the facts the project's own cache holds).
    facts_from: Path | None = None
    # Facts by content key that another analysis in this process holds already (the
    # project itself, for its `--diff` base): used before any cache.
    known: Mapping[str, FileFacts] | None = None
    link_only: bool = False  # facts and links only: no history, graph or dead code
    # Content keys a previous run found, by path, with the (size, mtime_ns, inode) they had
    # then: a file whose stat is the same is not read unless the prefilter must search it.
    seen: Mapping[str, tuple[tuple[int, int, int], str]] | None = None
