"""Facts for many files at once, in worker processes when there is enough work.

`finish` turns a file's facts into what the caller keeps (its brief, the JSON the cache
stores), in the worker: the parent encodes nothing again. Results come back pickled by the
process pool, between flaglint's own processes. A worker that dies (the parser crashed on
some input) costs only its files: the files of its chunk are retried one process each, and
a file that kills its process again is FL001."""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import partial
from multiprocessing.connection import Connection
from typing import TypeVar

from flaglint import processes, progress
from flaglint.deep import call_deep
from flaglint.facts.model import FileFacts, ParseError
from flaglint.processes import quiet_worker

log = logging.getLogger(__name__)

# Below this much work (~25k lines to extract facts from, or ~100k to index the imports
# of), worker processes cost more than they save.
_PARALLEL_BYTES = 1_000_000
_LIGHT_SHARE = 4  # indexing a file's imports costs less than a quarter of reading it in full


@dataclass(frozen=True, slots=True)
class Job:
    """One file to read: in full (`full`), or only for its imports (checked for syntax
    errors with `syntax`)."""

    data: bytes
    path: str
    module: str
    is_package: bool
    full: bool
    attributes: frozenset[str]  # attribute names that read flag objects
    syntax: bool = False

    @property
    def cost(self) -> int:
        return len(self.data) if self.full or self.syntax else len(self.data) // _LIGHT_SHARE


R = TypeVar("R")
Finish = Callable[[Job, FileFacts], R]


def extract_job(job: Job, *, split: bool = False) -> FileFacts:
    """One file's facts, in this process (`split`: a core is free for part of a huge
    module's walk, facts/extract.py)."""
    with _no_cycle_collection():
        return _extract_job(job, split=split)


# Objects tracked since the last collection (all a reading made, with the collector off)
# above which a reading freezes: a 4.4 MB module's facts are ~800,000 objects.
_FREEZE_ABOVE = 500_000


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector off while a file is read: a syntax tree makes no cycles,
    but each of its nodes counts toward the next collection, and every collection walks all
    the nodes made so far, so a 4 MB module's tree cost three times its parse. After a
    huge module's reading, in a process that ends with its run (`processes.ends_with_run`:
    not the language server, which reads on and would never collect what a freeze pins),
    every object alive is frozen (`gc.freeze`): its facts live as long as the run, and the
    next collection would walk them all (0.3 s), and each later one that reaches their
    generation again. The reading leaves no cycle behind (facts/extract.py releases its
    collectors); a cycle made before it and dropped after it is freed only when the
    process ends."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if processes.ends_with_run and gc.get_count()[0] > _FREEZE_ABOVE:
            gc.freeze()
        gc.enable()


def _extract_job(job: Job, *, split: bool = False) -> FileFacts:
    if not job.full:
        from flaglint.facts.light import extract_light

        return call_deep(partial(extract_light, is_package=job.is_package, syntax=job.syntax),
                         job.data, job.path, job.module)
    from flaglint.facts.extract import extract

    return call_deep(partial(extract, is_package=job.is_package, attributes=job.attributes,
                             split=split),
                     job.data, job.path, job.module)


def extract_all(jobs: list[Job], workers: int, finish: Finish[R]) -> list[R]:
    """`finish(job, facts)` of every job, in the order of `jobs`."""
    # One file alone is read here: a worker would only add the trip of its facts back.
    if workers > 1 and len(jobs) > 1 and sum(job.cost for job in jobs) >= _PARALLEL_BYTES:
        # Costliest first, one at a time: a few huge files must not land on one worker.
        order = sorted(range(len(jobs)), key=lambda i: jobs[i].cost, reverse=True)
        done = _in_workers([jobs[i] for i in order], workers, finish)
        result: dict[int, R] = {}
        for position, index in enumerate(order):
            result[index] = done[position]
        return [result[index] for index in range(len(jobs))]
    extracted = []
    for job in jobs:
        extracted.append(finish(job, extract_job(job, split=workers > 1 and len(jobs) == 1)))
        progress.update("reading files", len(extracted), len(jobs))
    return extracted


def _extract_chunk(jobs: list[Job], finish: Finish[R], *, split: bool = False) -> list[R]:
    """`split`: the chunk's first file is more than a worker's share of all the work (a
    huge module): its walk is split with a process of its own (facts/extract.py)."""
    return [finish(job, extract_job(job, split=split and index == 0))
            for index, job in enumerate(jobs)]


def _chunks(jobs: list[Job], workers: int) -> list[list[int]]:
    """Indices of `jobs` (costliest first) in about 16 chunks a worker of even cost: a task
    per file would spend more on sending it than on reading it."""
    target = max(1, sum(job.cost for job in jobs) // (workers * 16))
    chunks: list[list[int]] = []
    cost = target
    for index, job in enumerate(jobs):
        if cost >= target:
            chunks.append([])
            cost = 0
        chunks[-1].append(index)
        cost += job.cost
    return chunks


_shared: list[Job] = []  # the jobs of the pool being started: its forked workers read them


def _extract_shared(indices: list[int], finish: Finish[R], *, split: bool = False
                    ) -> list[R]:
    return _extract_chunk([_shared[i] for i in indices], finish, split=split)


def _in_workers(jobs: list[Job], workers: int, finish: Finish[R]) -> list[R]:
    results: dict[int, R] = {}
    # Forked workers inherit the jobs (their files' bytes) and are sent only indices
    forked = "fork" in multiprocessing.get_all_start_methods()
    if forked:
        _shared[:] = jobs
    try:
        with ProcessPoolExecutor(
                max_workers=workers, initializer=quiet_worker, initargs=(os.getpid(),),
                mp_context=multiprocessing.get_context("fork") if forked else None) as pool:
            # The costliest file (first) more than a worker's share: split its walk too
            split = jobs[0].cost * workers > sum(job.cost for job in jobs)
            futures = {(pool.submit(_extract_shared, chunk, finish,
                                    split=split and chunk[0] == 0)
                        if forked else pool.submit(_extract_chunk, [jobs[i] for i in chunk],
                                                   finish, split=split and chunk[0] == 0)): chunk
                       for chunk in _chunks(jobs, workers)}
            for future in as_completed(futures):
                with contextlib.suppress(BrokenProcessPool):
                    results.update(zip(futures[future], future.result(), strict=True))
                progress.update("reading files", len(results), len(jobs))
    finally:
        _shared.clear()
    for index, job in enumerate(jobs):
        if index not in results:
            results[index] = finish(job, _extract_alone(job))
    return [results[index] for index in range(len(jobs))]


def _extract_alone(job: Job) -> FileFacts:
    """Extract one file in a process of its own (forked, so it needs no pickled code)."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_send_extracted, args=(job, sender, os.getpid()),
                              daemon=True)
    process.start()
    sender.close()
    try:
        return receiver.recv()  # type: ignore[no-any-return]
    except EOFError:  # the process died before it could answer
        log.debug("the parser process crashed on %s", job.path)
        # Complete: what there is to know of it is known; it is never parsed again.
        return FileFacts(job.path, job.module, job.is_package, job.data.count(b"\n") + 1,
                         error=ParseError("cannot analyse: the parser crashed on this file",
                                          1, 1))
    finally:
        receiver.close()
        process.join()


def _send_extracted(job: Job, sender: Connection, parent: int) -> None:
    quiet_worker(parent)
    sender.send(extract_job(job))
    sender.close()
