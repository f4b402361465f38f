"""Worker processes started ahead of their work (processes.Workers): they import what the
work needs while the run analyses, in turns that leave the run a core."""

from __future__ import annotations

import os
import sys
import time

import pytest

from flaglint import processes

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="workers are forked")

# A module whose import takes a while and says when it began and ended, and in which process
PROBE = '''
import os, time
began = time.monotonic()
time.sleep(0.3)
with open(os.environ["PROBE_LOG"], "a") as log:
    log.write(f"{os.getpid()} {began} {time.monotonic()}\\n")
'''


def test_workers_import_in_turns_that_leave_this_process_a_core(tmp_path, monkeypatch):
    (tmp_path / "slow_probe.py").write_text(PROBE)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("PROBE_LOG", str(tmp_path / "log"))
    monkeypatch.setattr(os, "cpu_count", lambda: 2)  # one import at a time
    with processes.Workers(2, warm=("slow_probe",)) as workers:
        assert workers.map(abs, [1, -2, 3, -4]) == [1, 2, 3, 4]
        imported = _lines(tmp_path / "log", 2)  # both, before the workers are ended
    spans = sorted(tuple(map(float, line.split()[1:])) for line in imported)
    assert len(spans) == 2  # each worker imported it once
    (_, first_ended), (second_began, _) = spans
    assert second_began >= first_ended


def _lines(path, count: int) -> list[str]:
    """The log's lines once it has `count` of them (each worker writes one when its import
    is done)."""
    while True:
        lines = path.read_text().splitlines() if path.exists() else []
        if len(lines) >= count:
            return lines
        time.sleep(0.01)


def test_workers_with_no_work_left_are_ended_not_waited_for(tmp_path, monkeypatch):
    """A check starts its trial's workers when it finds dead code anew; its cache may then
    hold every file the trial would fix, and no work comes. Leaving the `with` block ends
    workers still importing (found by review: the run waited for two imports of libcst in
    turn, 0.3-0.8 s); work given to them is done first."""
    (tmp_path / "slow_probe.py").write_text(PROBE.replace("0.3", "30"))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("PROBE_LOG", str(tmp_path / "log"))
    with processes.Workers(2, warm=("slow_probe",), now=False) as workers:
        assert workers.map(abs, [-1]) is None  # not started: the caller works itself
        workers.start()
    assert processes.children() == []
    assert not (tmp_path / "log").exists()  # ended within their 30 s import
    (tmp_path / "fast_probe.py").write_text(PROBE.replace("0.3", "0"))
    with processes.Workers(2, warm=("fast_probe",)) as workers:
        assert workers.map(abs, [-1, -2, -3]) == [1, 2, 3]
    assert processes.children() == []


def test_the_fixers_are_no_more_than_the_cores(monkeypatch):
    from flaglint.fixes.apply import fixers

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    with fixers(8, 10**9) as workers:
        assert workers is not None
        assert workers._pool is not None and workers._pool._max_workers == 2
    with fixers(1, 10**9) as workers:
        assert workers is None


def test_where_no_process_can_fork_the_work_is_done_here(monkeypatch):
    import multiprocessing

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    with processes.Workers(2, warm=()) as workers:
        assert workers.map(abs, [-1]) is None
    assert processes.map_in_workers(abs, [-1, -2], 2) is None
