"""Progress on a terminal: one line on stderr, redrawn, for runs longer than a second (files
parsed, history commits read). Never in a pipe, a file or a CI log (`CI` set), nor with
`NO_PROGRESS`; the line is erased when the run ends, so the report starts clean."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import TextIO

_DELAY = 1.0  # seconds of quiet before the first line: short runs show nothing
_EVERY = 0.1  # seconds between redraws


class Progress:
    def __init__(self, stream: TextIO | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock
        self.start = clock()
        self.last = 0.0
        self.width = 0
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = bool(isatty and isatty()) and not os.environ.get("CI") and \
            not os.environ.get("NO_PROGRESS")

    def update(self, what: str, done: int, total: int | None = None) -> None:
        if not self.enabled:
            return
        now = self.clock()
        if now - self.start < _DELAY or (self.width and now - self.last < _EVERY):
            return
        self.last = now
        count = f"{done:,}/{total:,}" if total else f"{done:,}"
        line = f"flaglint: {what} {count}"
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)

    def finish(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


_current: Progress | None = None  # silent until a command starts one


def start() -> Progress:
    """A fresh progress line for this run (on stderr)."""
    global _current
    _current = Progress()
    return _current


def silence() -> None:
    """No progress for this run (`--quiet`)."""
    if _current is not None:
        _current.enabled = False


def update(what: str, done: int, total: int | None = None) -> None:
    if _current is not None:
        _current.update(what, done, total)


def finish() -> None:
    if _current is not None:
        _current.finish()
