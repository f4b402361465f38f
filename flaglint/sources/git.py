"""The one way flaglint runs git: read-only (no optional locks, so a stale `.git/index` is
never rewritten), unprompted, in the C locale, bounded in time, and never raising."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

_ENV_OVERRIDES = {
    "GIT_OPTIONAL_LOCKS": "0",  # `git status`/`diff` would otherwise refresh the index
    "GIT_TERMINAL_PROMPT": "0",
    "LC_ALL": "C",
}


def run(root: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess[bytes]:
    """`git ARGS` in `root`. A git that cannot run gives returncode 127 and says why in
    stderr, so callers handle one shape."""
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, timeout=timeout,
                              check=False,
                              env={**os.environ, **_ENV_OVERRIDES}, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as error:
        return subprocess.CompletedProcess(["git", *args], 127, b"",
                                           f"git is not usable: {error}".encode())


def text(root: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """`run`, with stdout and stderr decoded (UTF-8, undecodable bytes replaced)."""
    result = run(root, *args, timeout=timeout)
    return subprocess.CompletedProcess(result.args, result.returncode,
                                       result.stdout.decode("utf-8", "replace"),
                                       result.stderr.decode("utf-8", "replace"))


def toplevel(directory: Path) -> Path | None:
    result = text(directory, "rev-parse", "--show-toplevel", timeout=30)
    return Path(result.stdout.strip()) if result.returncode == 0 else None


def read_head(root: Path) -> str | None:
    """HEAD's commit id from a plain .git folder, without a git process; None when git
    must resolve it (a worktree, a submodule, a detached or unusual HEAD)."""
    for folder in (root, *root.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            break
        if dot_git.exists():
            return None  # a worktree or submodule: let git resolve it
    else:
        return None
    try:
        head = (dot_git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head if re.fullmatch(r"[0-9a-f]{40}", head) else None
        ref = head[5:]
        loose = dot_git / ref
        if loose.is_file():
            sha = loose.read_text().strip()
            return sha if re.fullmatch(r"[0-9a-f]{40}", sha) else None
        packed = dot_git / "packed-refs"
        if packed.is_file():
            for line in packed.read_text().splitlines():
                if line.endswith(" " + ref):
                    return line.split(" ", 1)[0]
    except OSError:
        return None
    return None
