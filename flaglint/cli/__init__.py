"""The command line: the only code that prints, reads argv or exits.

`main` parses (arguments.py) and runs one command: check.py (with report.py), clean.py,
audit.py, init.py, rule.py, graph.py, server.py (the language server, flaglint.server).
options.py turns the options they share into what the engine takes, and holds the errors a
user sees."""

from __future__ import annotations

import argparse
import contextlib
import errno
import gc
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import NoReturn

from flaglint import processes
from flaglint.cli.arguments import parser
from flaglint.cli.audit import run_audit
from flaglint.cli.check import run_check
from flaglint.cli.clean import run_clean
from flaglint.cli.graph import run_graph
from flaglint.cli.init import run_init
from flaglint.cli.options import EXIT_ERROR, RunError, UsageError
from flaglint.cli.rule import run_rule
from flaglint.cli.server import run_server
from flaglint.config import ConfigError
from flaglint.deep import call_deep
from flaglint.processes import end_children

__all__ = ["main", "run"]


EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT, 128 + SIGTERM, as shells say

# A write that fails for want of room (the report sent to a full disk): the user's to fix
_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


# A run makes millions of small objects that live until it ends (syntax trees, facts, the
# graph) and few cycles: Python's default of a collection per 700 allocations spends a third
# of a cold run walking them again and again.
_COLLECT_EVERY = (100_000, 50, 100)


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        # A key or message may carry a lone surrogate (`"\ud800"` in a file's source):
        # printed escaped, never an error.
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    gc.freeze()  # what is imported lives as long as the process
    gc.set_threshold(*_COLLECT_EVERY)
    try:
        with _ended_by_signals():
            return call_deep(_main, argv)
    except KeyboardInterrupt:  # where no handler could be set (not the main thread)
        _leave("flaglint: interrupted", EXIT_INTERRUPTED)


def run() -> int:
    """The `flaglint` command (and `python -m flaglint`): `main`, then leave at once. A run
    ends holding millions of objects (facts, links, the graph) that Python would free one
    by one on the way out, 0.13 s of a cold run on Sentry, for nothing: the cache is
    written, the workers ended and the report printed before `main` returns. mypy leaves so
    too. Only what is still buffered is written first; output the reader no longer takes
    (`flaglint graph | head`) is dropped quietly, as `main` drops it. Under a profiler or
    a tracer (`python -m cProfile`, coverage), which report on the way out, the code is
    returned instead."""
    code = main()
    if sys.getprofile() is not None or sys.gettrace() is not None or "coverage" in sys.modules:
        return code
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # closed when the run started (`2>&-`): Python made it None
            continue
        try:
            stream.flush()
        except BrokenPipeError:
            pass
        except (OSError, ValueError) as error:  # a full disk: the report is not whole
            with contextlib.suppress(OSError):
                os.write(2, f"flaglint: error: cannot write: {error}\n".encode())
            code = EXIT_ERROR
    logging.shutdown()
    os._exit(code)


def _leave(message: str, code: int) -> NoReturn:
    """End an interrupted run at once: its worker processes and git first (none may keep
    working or hold the output pipe open), then this process, without waiting for the work
    thread, which may still be running: from now on what it writes goes nowhere (its workers
    ending under it is no error to report). A second signal meanwhile (Ctrl-C pressed
    twice) is ignored: the first is being answered."""
    with contextlib.suppress(ValueError):  # not the main thread: no handler to replace
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, signal.SIG_IGN)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, RuntimeError):  # RuntimeError: re-entered
            stream.flush()
    said = None
    with contextlib.suppress(OSError):
        said = os.dup(2)
        nowhere = os.open(os.devnull, os.O_WRONLY)
        os.dup2(nowhere, 1)
        os.dup2(nowhere, 2)
    end_children()
    with contextlib.suppress(OSError):
        os.write(said if said is not None else 2, f"{message}\n".encode())
    os._exit(code)


@contextlib.contextmanager
def _ended_by_signals() -> Iterator[None]:
    """Ctrl-C (SIGINT) and SIGTERM end the run from their handlers, which Python runs in the
    main thread: no exception is raised that code on the way could swallow (an exception
    raised while the main thread runs a finalizer is only printed). A SIGINT ignored by
    whoever started flaglint (`nohup`) stays ignored, as Python leaves it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    here = os.getpid()

    def interrupted(number: int, frame: FrameType | None) -> None:
        if os.getpid() == here:  # else a worker forked a moment ago: the run's to answer
            _leave("flaglint: interrupted", EXIT_INTERRUPTED)

    def terminated(number: int, frame: FrameType | None) -> None:
        if os.getpid() == here:
            _leave("flaglint: terminated", EXIT_TERMINATED)
        os._exit(EXIT_TERMINATED)  # a worker: it ends

    handlers = {signal.SIGTERM: terminated}
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        handlers[signal.SIGINT] = interrupted
    previous = {number: signal.signal(number, handler) for number, handler in handlers.items()}
    try:
        yield
    finally:
        for number, handler in previous.items():
            if handler is not None:  # None: set outside Python, which cannot set it again
                signal.signal(number, handler)


def _main(argv: Sequence[str] | None) -> int:
    from flaglint import progress

    progress.start()
    try:
        return _command(argv)
    finally:
        progress.finish()


def _command(argv: Sequence[str] | None) -> int:
    args = _arguments(argv)
    debug = getattr(args, "debug", False)
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING,
                        format="flaglint: %(levelname)s: %(message)s")
    try:
        return _run(args)
    except (ConfigError, UsageError, RunError) as error:
        print(f"flaglint: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader went away (`flaglint graph | head`): stop quietly, and keep Python's
        # final flush from complaining too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1  # what Python's documentation advises; nothing is printed
    except Exception as error:  # a bug of ours: say so briefly, with the trace on --debug
        if debug:
            raise
        if isinstance(error, OSError) and error.errno in _FULL:
            print(f"flaglint: error: cannot write: {error}", file=sys.stderr)
            return EXIT_ERROR
        print(f"flaglint: internal error: {type(error).__name__}: {_brief(error)} "
              f"(run with --debug for the traceback)", file=sys.stderr)
        return EXIT_ERROR


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    grammar = parser()
    args, extras = grammar.parse_known_args(argv)
    # Paths may come after options (`clean KEY --value true src/`), as ruff allows.
    unknown = [e for e in extras if e.startswith("-") or not hasattr(args, "paths")]
    if unknown:
        grammar.error(f"unrecognized arguments: {' '.join(unknown)}")
    if extras:
        args.paths = [*args.paths, *(Path(e) for e in extras)]
    return args


def _run(args: argparse.Namespace) -> int:
    if args.command == "rule":
        return run_rule(args.code, sys.stdout)
    if args.command == "server":
        return run_server(args)
    processes.ends_with_run = True  # (the server's process reads on)
    if args.command == "graph":
        return run_graph(args)
    if args.command == "clean":
        return run_clean(args)
    if args.command == "audit":
        return run_audit(args)
    if args.command == "init":
        return run_init(args, _command)
    return run_check(args)


def _brief(error: BaseException) -> str:
    """The start of an error's message: never a huge or failing repr."""
    try:
        text = str(error)
    except Exception:  # noqa: BLE001 - a message that cannot be formatted (a deep repr)
        return "(no message)"
    return text if len(text) <= 300 else text[:300] + "…"
