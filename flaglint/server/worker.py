"""The one thread that touches a project: every analysis, and every question asked of one,
runs there, one at a time and in the order asked. A project loads facts from its cache on
request, and the cache's SQLite connection belongs to the thread that opened it; a question
asked after an edit is answered from the analysis of that edit."""

from __future__ import annotations

import asyncio
import queue
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from flaglint.deep import deep_thread

T = TypeVar("T")

_Job = tuple[Callable[[], Any], "Future[Any]"]


class Worker:
    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread = deep_thread(self._run, "flaglint-server")

    def submit(self, job: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        self._jobs.put((job, future))
        return future

    async def call(self, job: Callable[[], T]) -> T:
        """`job()`, run in the worker, awaited."""
        return await asyncio.wrap_future(self.submit(job))

    def stop(self) -> None:
        """Finish the jobs asked for, then end."""
        self._jobs.put(None)

    def _run(self) -> None:
        while True:
            item = self._jobs.get()
            if item is None:
                return
            job, future = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(job())
            except BaseException as error:  # noqa: BLE001 - handed to whoever awaits it
                future.set_exception(error)
