"""What the server knows: the editor's open buffers, and one project a workspace folder, each
configured as `flaglint check` run in that folder would be, and analysed with the buffers
that are not saved held in memory (the engine's overlay, as `--fix` holds its fixed files).

Every analysis runs in the worker (worker.py). An edit asks for one; edits that come while
one runs ask for one more, which sees them all. An analysis whose inputs did not change
(the same files, registry, deployment configs and configuration) keeps the last one's
project. A configuration that cannot be read leaves the folder without a project until it
is fixed; any other failure keeps the last project."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from flaglint import store as cache
from flaglint.config import (
    PROJECT_MARKERS,
    Config,
    ConfigError,
    find_config,
    load_config,
    project_root,
)
from flaglint.findings import Finding, FlagValue
from flaglint.links.model import FlagRead
from flaglint.model.project import Project
from flaglint.server.text import Text, Units, lines_of
from flaglint.server.worker import Worker
from flaglint.sources.git import blame_inputs

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Buffer:
    """A document the editor holds open; `dirty`: its text is not the file's on disk."""

    uri: str
    path: Path  # resolved
    version: int
    text: str
    dirty: bool

    @property
    def is_python(self) -> bool:
        return self.path.suffix in (".py", ".pyi")


@dataclass
class Analysis:
    """One analysis of a folder's project, with the buffers it saw."""

    config: Config
    store: cache.Store  # the project loads facts from it on request
    project: Project
    findings: tuple[Finding, ...]
    digest: str  # of every input, the unsaved buffers included
    notes: tuple[str, ...]
    buffers: dict[str, Buffer]  # path relative to the root -> the open buffer seen
    overlay: dict[str, bytes]  # path -> the bytes of an unsaved buffer analysed
    # An open file that does not parse now -> its text and reads when it last did: hover,
    # definition and references still answer on the reads whose lines are unchanged.
    earlier: dict[str, tuple[str, tuple[FlagRead, ...]]] = field(default_factory=dict)
    _reads: dict[str, list[FlagRead]] | None = field(default=None, repr=False)
    # The editor's buffer at a path as it is now (an edit of a file the analysis reads from
    # disk, flags.toml, asks for no analysis: the buffers it saw say nothing of it)
    now: Callable[[Path], Buffer | None] = field(default=lambda path: None, repr=False)
    spelled: Path | None = None  # the root as the client spells it (a symbolic link's path)

    def relative(self, path: Path) -> str | None:
        return relative(path, self.config.root)

    def uri(self, rel: str) -> str:
        buffer = self.buffers.get(rel)
        if buffer is not None:
            return buffer.uri
        return (self.spelled / rel if self.spelled is not None else self.path(rel)).as_uri()

    def path(self, rel: str) -> Path:
        return self.config.root / rel

    def version(self, rel: str) -> int | None:
        buffer = self.buffers.get(rel)
        return buffer.version if buffer is not None else None

    def source(self, rel: str) -> str:
        """A file's text as this analysis read it: an unsaved buffer's, else the file's."""
        data = self.project.source_of(rel)
        if rel.endswith(".py"):
            from flaglint.facts.light import decode_source

            try:
                return decode_source(data)
            except (SyntaxError, UnicodeDecodeError, LookupError):
                pass
        return data.decode("utf-8", "replace")

    def text(self, rel: str, units: Units) -> Text:
        return Text(self.source(rel), units)

    def stale(self, rel: str) -> str | None:
        """Why an edit of this file computed from this analysis cannot be offered: the
        editor holds it unsaved (then, or since) and the analysis read it from disk."""
        if rel in self.overlay:
            return None
        for buffer in (self.buffers.get(rel), self.now(self.path(rel).resolve())):
            if buffer is not None and buffer.dirty:
                return f"save {rel} first: flaglint reads it from disk"
        return None

    def reads_in(self, rel: str) -> list[FlagRead]:
        """Every read in one file, its key resolved or not."""
        if self._reads is None:
            found: dict[str, list[FlagRead]] = {}
            graph = self.project.graph
            for read in (*graph.reads(), *graph.unresolved_reads()):
                found.setdefault(read.path, []).append(read)
            self._reads = found
        reads = self._reads.get(rel)
        if reads is None and rel in self.earlier:
            text, before = self.earlier[rel]
            then, now = lines_of(text), lines_of(self.source(rel))
            reads = [r for r in before if then[r.span.line - 1:r.span.end_line] ==
                     now[r.span.line - 1:r.span.end_line]]
        return reads or []

    def broken(self) -> set[str]:
        """The files that do not parse."""
        return {path for path, error in self.project.parse_errors() if error is not None}


class Folder:
    """A workspace folder and the last analysis of its project (or why there is none)."""

    def __init__(self, path: Path, spelled: Path | None = None) -> None:
        self.path = path
        # The path as the client gave it, where a symbolic link leads to `path`: the files'
        # URIs are spelled so, or an editor takes them for other files
        self.spelled = spelled if spelled is not None and spelled != path else None
        self.analysis: Analysis | None = None
        self.error: ConfigError | None = None
        self.failure: str | None = None  # an internal error of the last run, said once
        self.scheduled = False  # an analysis is asked for and has not started yet
        self.published: dict[str, tuple[object, ...]] = {}  # uri -> diagnostics sent
        self.notes: tuple[str, ...] = ()
        self.store: cache.Store | None = None  # the last analysis's (its values go on)

    @property
    def root(self) -> Path:
        return self.analysis.config.root if self.analysis is not None else self.path

    def owns(self, path: Path) -> bool:
        return _within(path, self.path) or _within(path, self.root)


class Session:
    def __init__(self) -> None:
        self.worker = Worker()
        self.folders: dict[Path, Folder] = {}
        self._buffers: dict[str, Buffer] = {}  # uri -> buffer
        self._lock = threading.Lock()

    # -- folders ------------------------------------------------------------------------

    def add_folder(self, path: Path, spelled: Path | None = None) -> Folder:
        path = path.resolve()
        folder = self.folders.get(path)
        if folder is None:
            folder = self.folders[path] = Folder(path, spelled)
        return folder

    def remove_folder(self, path: Path) -> Folder | None:
        return self.folders.pop(path.resolve(), None)

    def folder_for(self, path: Path, *, create: bool = True) -> Folder | None:
        """The deepest workspace folder holding `path`; for a file outside them all, a
        folder of its own where its configuration is, else at the root of its project (a
        folder with .git, pyproject.toml, setup.py, setup.cfg or flags.toml); None for a
        file in no project (a stray script is not a reason to read the whole folder it
        lies in, say the home folder). `create`: add that folder (else only a folder the
        session has is found)."""
        owners = [f for f in self.folders.values() if f.owns(path)]
        if owners:
            return max(owners, key=lambda f: len(f.path.parts))
        if not create:
            return None
        source = find_config(path.parent)
        if source is not None:
            return self.add_folder(source.parent)
        root = project_root(path.parent)
        if any((root / marker).exists() for marker in PROJECT_MARKERS):
            return self.add_folder(root)
        return None

    # -- buffers ------------------------------------------------------------------------

    def open(self, uri: str, path: Path, version: int, text: str) -> Buffer:
        try:
            dirty = path.read_bytes() != text.encode("utf-8")
        except OSError:
            dirty = True
        return self._put(Buffer(uri, path.resolve(), version, text, dirty))

    def change(self, uri: str, path: Path, version: int, text: str) -> Buffer:
        return self._put(Buffer(uri, path.resolve(), version, text, dirty=True))

    def save(self, uri: str) -> Buffer | None:
        with self._lock:
            buffer = self._buffers.get(uri)
            if buffer is not None:
                buffer = self._buffers[uri] = dataclasses.replace(buffer, dirty=False)
            return buffer

    def close(self, uri: str) -> Buffer | None:
        with self._lock:
            return self._buffers.pop(uri, None)

    def buffers(self) -> dict[str, Buffer]:
        with self._lock:
            return dict(self._buffers)

    def buffer_at(self, path: Path) -> Buffer | None:
        """The open buffer of this (resolved) path, as it is now."""
        with self._lock:
            return next((b for b in self._buffers.values() if b.path == path), None)

    def _put(self, buffer: Buffer) -> Buffer:
        with self._lock:
            self._buffers[buffer.uri] = buffer
        return buffer

    # -- analysis (in the worker) -------------------------------------------------------

    def analyse(self, folder: Folder) -> Analysis | None:
        """Analyse the folder's project with the buffers as they are now; keep the last
        analysis when nothing it read changed. Never raises."""
        folder.scheduled = False  # an edit from now on asks for another run
        buffers = self.buffers()
        try:
            source = find_config(folder.path)  # as `flaglint check` run in the folder
            config = load_config(source, folder.path if source is not None
                                 else project_root(folder.path))
            analysis = self._analysis(folder, config, buffers)
        except ConfigError as error:
            self._replace(folder, None)
            folder.error = error
            return None
        except Exception as error:  # a bug of ours: the last analysis stays
            log.exception("analysing %s failed", folder.path)
            folder.failure = f"{type(error).__name__}: {error}"
            return folder.analysis
        folder.error = folder.failure = None
        self._replace(folder, analysis)
        return analysis

    def _analysis(self, folder: Folder, config: Config,
                  buffers: Mapping[str, Buffer]) -> Analysis:
        from flaglint.engine.analyze import analyze, request_for
        from flaglint.engine.check import summarize
        from flaglint.engine.fixmemo import StoredFixes
        from flaglint.engine.inputs import gather
        from flaglint.rules import rules_for
        from flaglint.rules.catalogue import selected_codes
        from flaglint.rules.outcome import run

        # The cache `check` reads and writes, with what the last analysis used kept
        # decoded in memory: an edit costs what changed.
        last_store = folder.store
        store = last_store.successor() if last_store is not None else cache.Store.default()
        try:
            inputs = gather(config, dt.date.today(), store)
            seen = {rel: b for b in buffers.values()
                    if (rel := relative(b.path, config.root)) is not None}
            overlay = {rel: b.text.encode("utf-8") for rel, b in seen.items()
                       if b.dirty and b.is_python and rel in inputs.keys}
            if overlay:
                inputs = inputs.with_overlay(overlay)
            codes = selected_codes(config.select, config.ignore)
            # The open files are checked for syntax errors, flag reads or none: an analysis
            # made before a file was opened does not answer for it
            digest = cache.key("server", inputs.digest(), codes, sorted(seen))
            last = folder.analysis
            if last is not None and last.digest == digest and (
                    last.project.blamed is None or  # else: what blame read, the same?
                    last.project.blamed == (blame_inputs(config.root) or "unknown")):
                return dataclasses.replace(last, buffers=seen, overlay=overlay,
                                           now=self.buffer_at)
            folder.store = store
            rules = rules_for(codes)
            project = analyze(inputs, store, request_for(rules, named=seen),
                              workers=os.cpu_count() or 1)
            summary = summarize(run(project, rules), rules, memo=StoredFixes(store))
            analysis = Analysis(config, store, project, summary.findings, digest,
                                summary.notes, seen, overlay, now=self.buffer_at,
                                spelled=_spelled_root(folder, config.root))
            if last is not None:
                analysis.earlier = _earlier(last, analysis)
        finally:
            store.close()  # what was computed is written; the project reads on from it
        return analysis

    @staticmethod
    def _replace(folder: Folder, analysis: Analysis | None) -> None:
        last = folder.analysis
        if last is not None and (analysis is None or last.store is not analysis.store):
            last.store.close()
        folder.analysis = analysis


def _spelled_root(folder: Folder, root: Path) -> Path | None:
    """The project's root as the client spells the folder (through a symbolic link), where
    the root is the folder, inside it, or a folder above it (its configuration's)."""
    if folder.spelled is None:
        return None
    if _within(root, folder.path):
        return folder.spelled / root.relative_to(folder.path)
    if _within(folder.path, root):
        depth = len(folder.path.relative_to(root).parts)
        above = folder.spelled.parents[depth - 1] if depth else folder.spelled
        # the link itself may lie deeper or shallower than its target: only a path that
        # still leads to the root is its spelling (a review found one that did not)
        return above if above.resolve() == root else None
    return None


def _earlier(last: Analysis, now: Analysis) -> dict[str, tuple[str, tuple[FlagRead, ...]]]:
    """The open files that do not parse now, with their text and reads when they last
    did."""
    found = {}
    broken, before = now.broken(), last.broken()
    for rel in broken & now.buffers.keys():
        if rel in last.earlier:
            found[rel] = last.earlier[rel]
        elif rel not in before and last.relative(now.path(rel)) is not None:
            found[rel] = (last.source(rel), tuple(last.reads_in(rel)))
    return found


def relative(path: Path, root: Path) -> str | None:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return None


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def shown(value: FlagValue) -> str:
    """A value as `clean --value` takes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
