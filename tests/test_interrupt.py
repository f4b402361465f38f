"""An interrupted run ends every process it started: `flaglint check` on a project big enough
to be reading files in worker processes, interrupted (Ctrl-C's SIGINT, SIGTERM) or killed
while they work, leaves no process behind and no output pipe open (`flaglint check | cat`
ends), with exit code 130 (143 for SIGTERM) and one line on stderr."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import typing
from pathlib import Path

import pytest

from .conftest import write_tree

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                reason="reads the process table from /proc (Linux)")


@pytest.fixture(autouse=True)
def ctrl_c_answered() -> typing.Iterator[None]:
    """The processes these tests start answer Ctrl-C as one started from a terminal does,
    even when the suite itself runs with it ignored (a shell's background job, `nohup`),
    which they would inherit: a signal caught here is the default again in them."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)

# 120 modules of 400 flag-reading functions: about 4.5 MB read in full, several seconds of
# work for two worker processes, which start after a fraction of a second (40 modules were
# 1.4 s in all: under a loaded CI machine the signal once came after the run had ended).
MODULE = "".join(f"def f{i}(client, x):\n    if client.is_enabled('f{i % 7}'):\n"
                 f"        return x + {i}\n    return x\n\n" for i in range(400))


def big_project(root: Path) -> Path:
    write_tree(root, {
        "pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n',
        "flags.toml": '[flags.f0]\nowner = "a"\ntype = "kill-switch"\n',
        "app/__init__.py": "",
        **{f"app/m{n}.py": MODULE for n in range(120)}})
    return root


def stat(pid: int) -> tuple[str, int, str] | None:
    """(state, parent, start time) of a process, None when there is none."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    return fields[0], int(fields[1]), fields[19]


def children(parent: int) -> set[tuple[int, str]]:
    """(pid, start time) of the living children of `parent`."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            info = stat(int(entry))
            if info is not None and info[1] == parent and info[0] not in "ZX":
                found.add((int(entry), info[2]))
    return found


def alive(process: tuple[int, str]) -> bool:
    """Whether that process (the same one: same start time) still runs; a zombie has
    ended, waiting only for whoever adopted it to read its status."""
    info = stat(process[0])
    return info is not None and info[2] == process[1] and info[0] not in "ZX"


def command_line(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def signals(pid: int) -> str:
    """The signal masks /proc gives for a process (pending, blocked, ignored, caught)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return "gone"
    return " ".join(line.replace("\t", "") for line in status.splitlines()
                    if line.startswith(("SigPnd", "SigBlk", "SigIgn", "SigCgt")))


def drained(stream: typing.IO[bytes]) -> list[bytes]:
    """What `stream` says, read by a thread of its own till EOF: a check that went on past
    its signal is never blocked writing to a full pipe."""
    said: list[bytes] = []
    threading.Thread(target=lambda: said.append(stream.read()), daemon=True).start()
    return said


@pytest.mark.parametrize(("number", "code", "message"), [
    (signal.SIGINT, 130, "flaglint: interrupted\n"),
    (signal.SIGTERM, 143, "flaglint: terminated\n"),
    (signal.SIGKILL, -signal.SIGKILL, ""),  # no clean-up at all: the workers end by themselves
], ids=["SIGINT", "SIGTERM", "SIGKILL"])
def test_an_interrupted_check_leaves_no_process_and_no_open_pipe(tmp_path, number, code,
                                                                 message):
    project = big_project(tmp_path / "big")
    env = {**os.environ, "FLAGLINT_CACHE_DIR": str(tmp_path / "cache")}
    began = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "flaglint", "check", "--no-cache", "--jobs", "2"],
        cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = drained(process.stdout), drained(process.stderr)
    started: set[tuple[int, str]] = set()
    deadline = began + 120
    try:
        # Wait for the worker phase: children forked from flaglint itself (git runs earlier).
        while not any(command_line(pid) == command_line(process.pid) for pid, _ in started):
            assert process.poll() is None, "the check ended before its workers started"
            assert time.monotonic() < deadline, "no worker process started"
            started |= children(process.pid)
            time.sleep(0.005)
        masks = signals(process.pid)
        process.send_signal(number)
        sent = time.monotonic()
        while process.poll() is None and time.monotonic() < deadline:
            started |= children(process.pid)
            time.sleep(0.005)
        ended = time.monotonic()
        # EOF on both pipes: no process that outlived flaglint holds them open.
        process.wait(timeout=10)
        process.stdout.close()  # type: ignore[union-attr]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    when = (f"signal {number} sent {sent - began:.2f} s after the start, to a process "
            f"with {masks}; it ended {ended - sent:.2f} s later")
    deadline = time.monotonic() + 10
    while not (out and err) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert (process.returncode, b"".join(err).decode()) == (code, message), when
    assert out == [b""], when
    time.sleep(1)
    assert [pid for pid, started_at in started if alive((pid, started_at))] == []


def test_a_check_started_with_ctrl_c_ignored_ignores_it(tmp_path):
    """Whoever starts flaglint with SIGINT ignored (`nohup`, a shell's background job) keeps
    it from interrupting the run, as for any Python program: the run reports in full."""
    project = big_project(tmp_path / "big")
    env = {**os.environ, "FLAGLINT_CACHE_DIR": str(tmp_path / "cache")}
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # inherited by the child
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "flaglint", "check", "--no-cache", "--jobs", "2"],
            cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    finally:
        signal.signal(signal.SIGINT, previous)
    out = drained(process.stdout)
    started: set[tuple[int, str]] = set()
    try:
        while not any(command_line(pid) == command_line(process.pid) for pid, _ in started):
            assert process.poll() is None, "the check ended before its workers started"
            started |= children(process.pid)
            time.sleep(0.005)
        for _ in range(3):
            process.send_signal(signal.SIGINT)
            time.sleep(0.05)
        assert process.wait(timeout=120) == 1
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    process.stderr.close()  # type: ignore[union-attr]
    deadline = time.monotonic() + 10
    while not out and time.monotonic() < deadline:
        time.sleep(0.01)
    assert out[0].decode().splitlines()[-1] == \
        "Found 41040 findings (41040 warnings) in 121 files, 7 flags."


FINALIZER = """
import os, signal, sys, time
from flaglint import cli

class Held:
    def __del__(self):  # Python prints, and drops, what a finalizer raises
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):
            time.sleep(0.001)

with cli._ended_by_signals():
    Held()
print("went on")
"""


def test_ctrl_c_while_a_finalizer_runs_still_ends_the_run(tmp_path):
    """Ctrl-C that lands while the main thread runs a finalizer (the cycle collector runs
    them in whichever thread allocates) ends the run: a KeyboardInterrupt raised there
    would only be printed, and the run would go on to its end."""
    done = subprocess.run([sys.executable, "-c", FINALIZER], capture_output=True, text=True,
                          timeout=60, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (130, "", "flaglint: interrupted\n")


TWICE = """
import os, signal, time
from flaglint import cli

def ending():  # a second signal while the run ends its workers (Ctrl-C pressed twice)
    os.kill(os.getpid(), signal.{second})
    time.sleep(0.2)

cli.end_children = ending
with cli._ended_by_signals():
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(10)
print("went on")
"""


@pytest.mark.parametrize("second", ["SIGINT", "SIGTERM"])
def test_a_second_signal_while_the_run_ends_changes_nothing(second):
    """The first signal is being answered: a second one is ignored, and the run still says
    why it ended, with the first one's code."""
    done = subprocess.run([sys.executable, "-c", TWICE.format(second=second)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (130, "", "flaglint: interrupted\n")


FORKED = """
import os, signal, time
from flaglint import cli

with cli._ended_by_signals():
    child = os.fork()
    if child == 0:  # a worker before it ignores Ctrl-C: the handler it inherited
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.1)
        os.write(1, b"worker went on\\n")
        os._exit(0)
    _, status = os.waitpid(child, 0)
    print("worker", os.waitstatus_to_exitcode(status))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked")
def test_ctrl_c_in_a_worker_just_forked_is_the_runs_to_answer():
    """A worker forked a moment before Ctrl-C, which has not yet set its own handling,
    neither ends the run nor says it was interrupted: the run answers Ctrl-C."""
    done = subprocess.run([sys.executable, "-c", FORKED], capture_output=True, text=True,
                          timeout=60, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, "worker went on\nworker 0\n", "")
