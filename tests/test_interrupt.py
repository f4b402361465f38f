"""An interrupted run ends every process it started: `flaglint check` on a project big enough
to be reading files in worker processes, interrupted (Ctrl-C's SIGINT, SIGTERM) or killed
while they work, leaves no process behind and no output pipe open (`flaglint check | cat`
ends), with exit code 130 (143 for SIGTERM) and one line on stderr."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import write_tree

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                reason="reads the process table from /proc (Linux)")

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


@pytest.mark.parametrize(("number", "code", "message"), [
    (signal.SIGINT, 130, "flaglint: interrupted\n"),
    (signal.SIGTERM, 143, "flaglint: terminated\n"),
    (signal.SIGKILL, -signal.SIGKILL, ""),  # no clean-up at all: the workers end by themselves
], ids=["SIGINT", "SIGTERM", "SIGKILL"])
def test_an_interrupted_check_leaves_no_process_and_no_open_pipe(tmp_path, number, code,
                                                                 message):
    project = big_project(tmp_path / "big")
    env = {**os.environ, "FLAGLINT_CACHE_DIR": str(tmp_path / "cache")}
    process = subprocess.Popen(
        [sys.executable, "-m", "flaglint", "check", "--no-cache", "--jobs", "2"],
        cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    started: set[tuple[int, str]] = set()
    deadline = time.monotonic() + 120
    try:
        # Wait for the worker phase: children forked from flaglint itself (git runs earlier).
        while not any(command_line(pid) == command_line(process.pid) for pid, _ in started):
            assert process.poll() is None, "the check ended before its workers started"
            assert time.monotonic() < deadline, "no worker process started"
            started |= children(process.pid)
            time.sleep(0.005)
        process.send_signal(number)
        while process.poll() is None and time.monotonic() < deadline:
            started |= children(process.pid)
            time.sleep(0.005)
        # EOF on both pipes: no process that outlived flaglint holds them open.
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert (process.returncode, err.decode()) == (code, message)
    assert out == b""
    time.sleep(1)
    assert [pid for pid, started_at in started if alive((pid, started_at))] == []
