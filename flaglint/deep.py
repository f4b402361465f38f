"""Room for deeply nested code: work runs in a thread with a large stack and a high recursion
limit, so that valid Python which CPython compiles (an `and` of thousands of operands, which
libcst nests one level per operand) is analysed rather than crashing the run."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

STACK_BYTES = 512 * 1024 * 1024  # address space only: pages are used as the stack grows
RECURSION_LIMIT = 200_000

_local = threading.local()


def call_deep(function: Callable[..., T], *args: object) -> T:
    """`function(*args)` in a thread with room to recurse (directly when already in one).
    Exceptions, KeyboardInterrupt included, reach the caller."""
    if getattr(_local, "deep", False):
        return function(*args)
    outcome: dict[str, object] = {}

    def target() -> None:
        _local.deep = True
        try:
            outcome["value"] = function(*args)
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
            outcome["error"] = error

    sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))
    previous = threading.stack_size(STACK_BYTES)
    try:
        thread = threading.Thread(target=target, name="flaglint-deep", daemon=True)
        thread.start()
    finally:
        threading.stack_size(previous)
    while thread.is_alive():  # a timed wait, so that Ctrl-C reaches this thread at once
        thread.join(0.05)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def deep_thread(target: Callable[[], None], name: str) -> threading.Thread:
    """A started daemon thread running `target` with the same room to recurse (a
    long-lived worker, such as the language server's)."""

    def run() -> None:
        _local.deep = True
        target()

    sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))
    previous = threading.stack_size(STACK_BYTES)
    try:
        thread = threading.Thread(target=run, name=name, daemon=True)
        thread.start()
    finally:
        threading.stack_size(previous)
    return thread
