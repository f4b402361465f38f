"""Apply fixes to files: plan them from findings, transform, re-parse, write (or diff)."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import NamedTuple, Protocol, TypeVar

from flaglint import linediff
from flaglint.analysis.references import Reference
from flaglint.deep import call_deep
from flaglint.facts.light import decode_source
from flaglint.findings import Edit, EditKind, Fix
from flaglint.fixes.plans import FilePlan, FixResult, KeptFix
from flaglint.processes import Workers, map_in_workers

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class FixScope:
    """Which fixes a run may apply, and where."""

    unsafe: bool = False  # also fixes whose flag is not pinned (retired, removed)
    tests: bool = False  # also fixes that edit test code
    editable: Callable[[str], bool] = lambda rel: True  # the named paths
    lines: Mapping[str, Set[int]] | None = None  # with --changed-since: the lines a fix may edit

    def allows(self, fix: Fix) -> bool:
        return bool(fix.edits) and (fix.safe or self.unsafe) and (self.tests or not fix.in_tests)

    def may_edit(self, edit: Edit) -> bool:
        if not self.editable(edit.path):
            return False
        return self.lines is None or edit.line in self.lines.get(edit.path, ())


def plan(fixes: Iterable[tuple[T, Fix]], blocked: Iterable[Fix], scope: FixScope,
         root: Path) -> tuple[dict[str, FilePlan], list[T]]:
    """Which edits to make in which file, and whose fixes they are. A fix is taken whole or
    not at all: not when any edit is outside the project root or the scope, nor when it
    shares an edit with a `blocked` fix (one that a suppression hides)."""
    stop = {(e.path, e.position) for fix in blocked for e in fix.edits}
    plans: dict[str, FilePlan] = {}
    chosen = []
    for owner, fix in fixes:
        if not scope.allows(fix):
            continue
        if any((e.path, e.position) in stop or not scope.may_edit(e)
               or not inside(root, e.path) for e in fix.edits):
            continue
        chosen.append(owner)
        for edit in fix.edits:
            target = plans.setdefault(edit.path, FilePlan())
            if edit.kind is EditKind.SETTLE_READ:
                target.reads[edit.position] = edit.value
            elif edit.kind is EditKind.DROP_IMPORT:
                target.imports.add(edit.name)
            elif edit.kind is EditKind.DELETE_BINDING:
                target.bindings.add(edit.position)
            elif edit.kind is EditKind.DROP_ELEMENT:
                target.elements.add(edit.position)
            elif edit.kind is EditKind.SPECIALIZE:
                target.constants.setdefault(edit.position, {})[edit.name] = edit.value
            elif edit.kind is EditKind.DROP_PARAMETER:
                target.parameters.setdefault(edit.position, set()).add(edit.name)
            elif edit.kind is EditKind.DROP_ARGUMENT:
                target.arguments.setdefault(edit.position, set()).add((edit.name,
                                                                       edit.parameter))
            else:
                target.definitions.add(edit.position)
    return plans, chosen


def inside(root: Path, rel: str) -> bool:
    """Does the file (links followed) live under the project root?"""
    try:
        return (root / rel).resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return False


class Transformed(NamedTuple):
    """A planned file fixed in memory."""

    result: FixResult
    data: bytes  # what to write


class FixMemo(Protocol):
    """Where earlier runs kept the files they fixed (the cache, by `fix_key`), which words
    each text names and where it refers to a symbol deleted (`fixes/rounds.py`)."""

    def known(self, keys: Sequence[str]) -> dict[str, KeptFix]: ...

    def keep(self, fixes: Mapping[str, KeptFix]) -> None: ...

    def unused(self, keys: Sequence[str]) -> dict[str, frozenset[str]]:
        """By `unused_key`, the imports a file's fix left unused, for the fixes made before."""

    def keep_unused(self, unused: Mapping[str, frozenset[str]]) -> None:
        """Keep them."""

    def named(self, words: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """By a text's content key, which of these words it names (as whole words), for
        the texts searched for them before."""

    def keep_named(self, words: Sequence[str], named: Mapping[str, tuple[str, ...]]) -> None:
        """Keep which of these words each text names."""

    def references(self, entry: str) -> list[Reference] | None:
        """The references to a symbol a text holds that block its deletion, by the text's
        content key, its module and the symbol (`entry`), when found before."""

    def keep_references(self, entry: str, found: list[Reference]) -> None:
        """Keep them."""


def transform(root: Path, plans: Mapping[str, FilePlan], overlay: Mapping[str, bytes],
              workers: Workers | None = None, memo: FixMemo | None = None
              ) -> list[Transformed]:
    """Fix each planned file in memory, in the order of their paths: in `workers`, started
    when the run began, else in worker processes started now when there is enough text to
    share out (libcst takes ~0.2 s for a large module), else here. A file with the same
    bytes and plan as one `memo` kept is not fixed again (a check offers its fixes only
    where they apply: a trial, on every run that analyses)."""
    jobs = [(rel, _bytes(root, rel, overlay), target) for rel, target in sorted(plans.items())]
    keys = [fix_key(*job) for job in jobs] if memo is not None else []
    kept = memo.known(keys) if memo is not None and keys else {}
    results = {index: kept[key].result(jobs[index][0], decode_source(jobs[index][1]))
               for index, key in enumerate(keys) if key in kept}
    todo = [index for index in range(len(jobs)) if index not in results]
    pending = [jobs[index] for index in todo]
    fixed = _fix_in_workers(pending, workers.map) if workers is not None and pending else None
    if fixed is None and len(pending) > 1 and (os.cpu_count() or 1) > 1 and \
            sum(len(data) for _, data, _ in pending) >= _PARALLEL_BYTES:
        fixed = _fix_in_workers(pending, lambda job, items: map_in_workers(
            job, items, os.cpu_count() or 1))
    if fixed is None:
        fixed = [_fix_job(job) for job in pending]
    results.update(zip(todo, fixed, strict=True))
    if memo is not None:  # kept by the imports to keep that change it (`known_unused`)
        memo.keep({fix_key(rel, data, replace(target, keep_imports=target.keep_imports
                                               & results[index].unused_imports)):
                   KeptFix.of(results[index])
                   for index, (rel, data, target) in ((i, jobs[i]) for i in todo)})
        memo.keep_unused({unused_key(*jobs[index]): results[index].unused_imports
                          for index in todo})
    return [Transformed(results[index], results[index].after.encode(_encoding(data))
                        if results[index].changed else data)
            for index, (_, data, _) in enumerate(jobs)]


def known_unused(root: Path, plans: Mapping[str, FilePlan], overlay: Mapping[str, bytes],
                 memo: FixMemo) -> dict[str, frozenset[str]]:
    """The imports each planned file's fix left unused when it was made before (by its
    path, bytes and plan, whatever imports it kept): only they need asking whether a fix
    must keep them, and its result is kept by that answer (`transform`). A check's trial of
    its fixes asks again of every file with a fix on each run that analyses (Sentry with 68
    flags settled: 36 files, most of whose fixes leave no import unused)."""
    keys = {rel: unused_key(rel, _bytes(root, rel, overlay), target)
            for rel, target in plans.items()}
    found = memo.unused(list(keys.values()))
    return {rel: found[key] for rel, key in keys.items() if key in found}


def unused_key(rel: str, data: bytes, target: FilePlan) -> str:
    """What the imports a fix leaves unused depend on: its path, bytes and plan, without
    the imports it keeps."""
    return fix_key(rel, data, replace(target, keep_imports=set()))


def _bytes(root: Path, rel: str, overlay: Mapping[str, bytes]) -> bytes:
    return overlay[rel] if rel in overlay else (root / rel).read_bytes()


def fix_key(rel: str, data: bytes, target: FilePlan) -> str:
    """What a file's fix depends on, hashed: its path, its bytes and its plan."""
    hasher = hashlib.blake2b(digest_size=20)
    for part in (rel.encode(errors="surrogatepass"), data,
                 _canonical([(f.name, getattr(target, f.name)) for f in fields(target)])
                 .encode(errors="surrogatepass")):
        hasher.update(len(part).to_bytes(8, "little"))
        hasher.update(part)
    return hasher.hexdigest()


def _canonical(value: object) -> str:
    """A text that names the value whatever the order of its sets and dicts."""
    if isinstance(value, dict):
        return "{" + ",".join(sorted(f"{_canonical(k)}:{_canonical(v)}"
                                     for k, v in value.items())) + "}"
    if isinstance(value, (set, frozenset)):
        return "{" + ",".join(sorted(map(_canonical, value))) + "}"
    if isinstance(value, (list, tuple)):
        inner = ",".join(map(_canonical, value))
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    return repr(value)


def fixers(workers: int, size: int) -> contextlib.AbstractContextManager[Workers | None]:
    """The processes that will fix files, started now so that they import libcst while this
    process analyses a project of `size` bytes of Python (this one never imports it then);
    none with one worker, or a project too small for its analysis to hide their start; no
    more than the machine has cores (they import in turns: more would only wait)."""
    if workers < 2 or size < _AHEAD_BYTES:
        return contextlib.nullcontext()
    return Workers(min(workers, os.cpu_count() or 1), warm=("flaglint.fixes.source",))


def trial_fixers(workers: int) -> contextlib.AbstractContextManager[Workers | None]:
    """The processes a check's trial of its fixes uses (`rounds.applicable`), started only
    when the analysis finds dead code anew with a dead symbol, whose deletion is tried
    (`Workers.start`; other fixes only settle reads, never tried): they import libcst
    (~0.2 s of a run after an edit of a file with dead code) while it goes on. Not for
    every dead region: forking a run as large as the 4.4 MB module's (290 MB) costs it
    the pages it writes after (its dead-code analysis took 0.2-0.3 s longer). Where
    nothing changed that dead code depends on, the trial's files are those fixed before,
    and none starts; started and given no work (the cache held every file the trial
    fixes), they are ended with the run, not waited for. None with one worker."""
    if workers < 2:
        return contextlib.nullcontext()
    return Workers(min(workers, os.cpu_count() or 1), warm=("flaglint.fixes.source",),
                   now=False)


_AHEAD_BYTES = 2_000_000  # ~50k lines: analysed in about the time the workers take to start


_PARALLEL_BYTES = 150_000  # below this, starting worker processes costs more than it saves


Job = tuple[str, bytes, FilePlan]  # a file's path, its bytes, what to fix in it


def _fix_job(job: Job) -> FixResult:
    from flaglint.fixes.source import fix_source  # libcst: in the workers, once

    rel, data, target = job
    return call_deep(fix_source, rel, decode_source(data), target)


def _fix_in_workers(jobs: list[Job], mapping: Callable[[Callable[[Job], FixResult], list[Job]],
                                                       list[FixResult] | None]
                    ) -> list[FixResult] | None:
    """The jobs' results from worker processes (`mapping` hands them out), largest file
    first; None when a worker died (the caller fixes the files here instead)."""
    order = sorted(range(len(jobs)), key=lambda i: -len(jobs[i][1]))
    done = mapping(_fix_job, [jobs[i] for i in order])
    if done is None:
        return None
    results: dict[int, FixResult] = dict(zip(order, done, strict=True))
    return [results[index] for index in range(len(jobs))]


class WriteError(Exception):
    """Some files could not be written: which were, which were not, and why."""

    def __init__(self, written: list[str], failed: list[tuple[str, str]],
                 unwritten: list[str]) -> None:
        super().__init__(", ".join(f"{path}: {why}" for path, why in failed))
        self.written = written
        self.failed = failed
        self.unwritten = unwritten


def write_files(root: Path, contents: Mapping[str, bytes]) -> None:
    """Write every file atomically (a temporary file renamed over it, its mode kept). Files
    that cannot be written are found before anything is written; a write that still fails
    says which files were written and which were not."""
    targets = {rel: (root / rel).resolve() for rel in sorted(contents)}
    failed = [(rel, _unwritable(root, target)) for rel, target in targets.items()]
    failed = [(rel, why) for rel, why in failed if why]
    if failed:
        raise WriteError([], failed, [rel for rel in targets if rel not in dict(failed)])
    written: list[str] = []
    for rel, target in targets.items():
        try:
            _write_atomic(target, contents[rel])
        except OSError as error:
            rest = [r for r in targets if r != rel and r not in written]
            raise WriteError(written, [(rel, error.strerror or str(error))], rest) from None
        written.append(rel)


def _unwritable(root: Path, target: Path) -> str:
    if not target.is_relative_to(root.resolve()):
        return "outside the project root"
    if not os.access(target, os.W_OK) or not os.access(target.parent, os.W_OK):
        return "permission denied"
    return ""


def _write_atomic(target: Path, data: bytes) -> None:
    mode = stat.S_IMODE(target.stat().st_mode)
    handle = tempfile.NamedTemporaryFile("wb", dir=target.parent, prefix=f".{target.name}.",  # noqa: SIM115
                                         suffix=".flaglint", delete=False)
    try:
        with handle:
            handle.write(data)
        os.chmod(handle.name, mode)
        os.replace(handle.name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        raise


def _encoding(data: bytes) -> str:
    import io
    import tokenize

    return tokenize.detect_encoding(io.BytesIO(data).readline)[0]


def unified_diff(rel: str, before: str, after: str) -> str:
    return linediff.unified_diff(before, after, f"a/{rel}", f"b/{rel}")
