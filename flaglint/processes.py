"""The processes a run starts end with it: worker processes ask the kernel to end them when
flaglint does (Linux), and an interrupted run ends its children before it leaves, so that
none keeps working, or holds the output pipe open (`flaglint check | cat` must end)."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing.synchronize import Semaphore

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")

# Does this process end with its run (the command line's, never the language server's)?
# Then what a huge module's reading makes is frozen out of the cycle collector (facts/batch.py).
ends_with_run = False

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_GRACE = 0.5  # seconds a child has to end on SIGTERM before it is killed


def die_with_parent(parent: int) -> None:
    """In a worker: end (SIGTERM) when the process that started it ends, however it ends.

    Linux only (elsewhere an interrupted run ends its children itself, see end_children).
    The parent may have ended before the request was made: then the worker ends now."""
    if sys.platform.startswith("linux"):
        import ctypes  # here: a run that starts no worker never needs it

        with contextlib.suppress(OSError, AttributeError):
            # The process's own symbols hold libc's (no search for the library: a process)
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def quiet_worker(parent: int) -> None:
    """A worker's start. Ctrl-C is the parent's to handle: an idle worker must not print a
    traceback. A worker never outlives its parent, which may be interrupted, terminated or
    killed; SIGTERM ends it (a forked worker would otherwise inherit the handler the command
    line sets)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(parent)


def map_in_workers(function: Callable[[T], R], items: Sequence[T], workers: int
                   ) -> list[R] | None:
    """`function` of each item, in order, from up to `workers` forked worker processes
    (which end with this one); None when a worker died or none could start (the caller
    does the work itself)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    try:
        with ProcessPoolExecutor(max_workers=max(1, min(workers, len(items))),
                                 mp_context=multiprocessing.get_context("fork"),
                                 initializer=quiet_worker, initargs=(os.getpid(),)) as pool:
            return list(pool.map(function, items))
    except (BrokenProcessPool, OSError) as error:
        log.debug("worker processes failed (%s): working here", error)
        return None


_inherited: list[object] = []  # what the workers `map_inherited` forks find without a pipe


def map_inherited(function: Callable[[S, T], R], shared: S, items: Sequence[T], workers: int
                  ) -> list[R] | None:
    """`function(shared, item)` of each item, in order, from forked worker processes that
    inherit `shared` instead of receiving it down a pipe (a run's file contents: megabytes
    to copy otherwise); None where processes cannot fork, a worker died or none started
    (the caller does the work itself)."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    _inherited[:] = [shared]
    try:
        return map_in_workers(functools.partial(_call_inherited, function), items, workers)
    finally:
        _inherited.clear()


def _call_inherited(function: Callable[[S, T], R], item: T) -> R:
    return function(_inherited[0], item)  # type: ignore[arg-type]


class Workers:
    """Forked worker processes started before their work is known, so that each imports
    what that work needs (`warm`: module names) while this process does something else.
    `map` hands them work; it returns None when a worker died or none could start (the
    caller then does the work itself). End them by leaving the `with` block. With
    `now=False` they start only when `start` is called: when the run learns it will need
    them (and `map` before that finds none)."""

    def __init__(self, count: int, warm: Sequence[str], *, now: bool = True) -> None:
        self._count = count
        self._warm = tuple(warm)
        self._pool: ProcessPoolExecutor | None = None
        self._started = False
        if now:
            self.start()

    def start(self) -> None:
        """Start them, unless they were started already."""
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        if self._started:
            return
        self._started = True
        if "fork" not in multiprocessing.get_all_start_methods():
            return  # no worker can start here (Windows): the caller works itself
        context = multiprocessing.get_context("fork")
        try:
            # They import in turns, as many at a time as leaves this process a core: its
            # work, which their start hides behind, is what the run waits for.
            turns = context.BoundedSemaphore(max(1, (os.cpu_count() or 1) - 1))
        except OSError as error:  # no semaphores here: all at once
            log.debug("worker processes import at once (%s)", error)
            turns = None
        try:
            self._pool = ProcessPoolExecutor(
                max_workers=self._count, mp_context=context,
                initializer=_warm_worker, initargs=(os.getpid(), self._warm, turns))
            self._pool.submit(int)  # the first task starts every worker (fork)
        except OSError as error:
            log.debug("worker processes failed to start (%s): working here", error)
            self._pool = None

    def map(self, function: Callable[[T], R], items: Sequence[T]) -> list[R] | None:
        from concurrent.futures.process import BrokenProcessPool

        if self._pool is None:
            return None
        try:
            return list(self._pool.map(function, items))
        except (BrokenProcessPool, OSError) as error:
            log.debug("worker processes failed (%s): working here", error)
            return None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            # Their work is done, or never came: a worker still importing is ended, not
            # waited for (a check that started them for a trial its cache then answered)
            _terminate(self._pool)
            self._pool.shutdown(wait=True, cancel_futures=True)


def _terminate(pool: ProcessPoolExecutor) -> None:
    """End the pool's worker processes now (SIGTERM, which a worker does not handle)."""
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14
    if terminate is not None:
        terminate()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(OSError, AttributeError, ValueError):
            process.terminate()


def _warm_worker(parent: int, modules: tuple[str, ...], turns: Semaphore | None) -> None:
    import importlib

    quiet_worker(parent)
    # A turn not given in time (a worker died holding it) is taken anyway
    waited = turns is not None and turns.acquire(timeout=_TURN)
    try:
        for name in modules:
            importlib.import_module(name)
    finally:
        if waited:
            assert turns is not None
            turns.release()


_TURN = 10.0  # seconds a worker waits for its turn to import


def children() -> list[int]:
    """The process ids of this process's living children."""
    found = _children_from_proc()
    if found is None:
        import multiprocessing

        found = [p.pid for p in multiprocessing.active_children() if p.pid is not None]
    return found


def end_children(grace: float = _GRACE) -> None:
    """End every child of this process: SIGTERM, then SIGKILL for any that is still there
    after `grace` seconds. For a run that is about to leave without waiting for its work."""
    pending = children()
    for number in (signal.SIGTERM, signal.SIGKILL):
        for pid in pending:
            _signal(pid, number)
        pending = _waited(pending, grace)


def _waited(pending: list[int], grace: float) -> list[int]:
    """The children of `pending` still there after at most `grace` seconds."""
    deadline = time.monotonic() + grace
    while pending:
        pending = [pid for pid in pending if not _ended(pid)]
        if not pending or time.monotonic() >= deadline:
            break
        time.sleep(0.01)
    return pending


def _children_from_proc() -> list[int] | None:
    """Children found in /proc (a process whose parent is this one), None without /proc."""
    if not os.path.isdir("/proc/self"):
        return None
    me = os.getpid()
    found = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue  # ended meanwhile, or not ours to read
        fields = stat.rsplit(b")", 1)[-1].split()
        if len(fields) > 1 and fields[1] == str(me).encode() and fields[0] != b"Z":
            found.append(int(entry))
    return found


def _signal(pid: int, number: signal.Signals) -> None:
    with contextlib.suppress(OSError):
        os.kill(pid, number)


def _ended(pid: int) -> bool:
    """Whether the child has ended (reaped here, since nobody else will wait for it now)."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True  # already reaped (by the pool's own thread)
    except OSError:
        return True
    return done == pid
