"""The one way flaglint runs git: read-only (no optional locks, so a stale `.git/index` is
never rewritten), unprompted, in the C locale, bounded in time, and never raising."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

_ENV_OVERRIDES = {
    "GIT_OPTIONAL_LOCKS": "0",  # `git status`/`diff` would otherwise refresh the index
    "GIT_TERMINAL_PROMPT": "0",
    "LC_ALL": "C",
}


# Settings of the user's that would change what flaglint parses of git's output: diffs
# always say `a/` and `b/`, paths are never quoted, logs are UTF-8, blame's diff is the same
# for everyone (blame's own settings, `blame.ignoreRevsFile`, are honoured, and keyed).
_SETTINGS = ("core.quotePath=false", "diff.noprefix=false", "diff.mnemonicPrefix=false",
             "diff.srcPrefix=a/", "diff.dstPrefix=b/", "diff.indentHeuristic=true",
             "i18n.logOutputEncoding=UTF-8", "log.showSignature=false", "color.ui=never")
_SETTING_ARGS = tuple(arg for setting in _SETTINGS for arg in ("-c", setting))


def run(root: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess[bytes]:
    """`git ARGS` in `root`, with `_SETTINGS`. A git that cannot run gives returncode 127
    and says why in stderr, so callers handle one shape."""
    try:
        return subprocess.run(["git", *_SETTING_ARGS, *args], cwd=root, capture_output=True,
                              timeout=timeout, check=False,
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


@dataclass(frozen=True, slots=True)
class GitState:
    """What a run's history and blame depend on: HEAD's commit, how much history the clone
    has (the hash of `.git/shallow`, empty for a whole clone), and what rewrites history
    at the same HEAD (the hash of `refs/replace/` and `info/grafts`, empty without them).
    None: not in git."""

    head: str | None
    shallow: str = ""
    replaced: str = ""


def state(root: Path) -> GitState:
    """The repository's state, from the .git folder when it is plain (no git process); in
    a linked worktree, the shallow file and replace refs are the main repository's."""
    head = read_head(root)
    dot_git = _dot_git(root)
    if head is not None and dot_git is not None:
        return GitState(head, _shallow_digest(dot_git), _replaced_digest(dot_git))
    found = text(root, "rev-parse", "--path-format=absolute", "--git-common-dir", "HEAD",
                 timeout=30)
    if found.returncode != 0:  # a git before 2.31 (no --path-format): its own folder
        found = text(root, "rev-parse", "--absolute-git-dir", "HEAD", timeout=30)
    lines = found.stdout.splitlines()
    if found.returncode != 0 or len(lines) != 2:
        return GitState(None)
    common = Path(lines[0])
    return GitState(lines[1], _shallow_digest(common), _replaced_digest(common))


def _replaced_digest(git_dir: Path) -> str:
    """The hash of the replace refs (`git replace`, loose or packed) and the grafts file:
    both make git's log and blame tell another history with HEAD unchanged."""
    parts: list[tuple[str, bytes]] = []
    try:
        for path in sorted((git_dir / "refs" / "replace").rglob("*")):
            if path.is_file():
                parts.append((path.relative_to(git_dir).as_posix(), path.read_bytes()))
    except OSError:
        parts.append(("refs/replace", b"\0unreadable"))
    for name in ("packed-refs", "info/grafts"):
        try:
            data = (git_dir / name).read_bytes()
        except OSError:
            continue
        if name == "packed-refs":
            data = b"\n".join(line for line in data.splitlines() if b" refs/replace/" in line) \
                if b" refs/replace/" in data else b""
        if data:
            parts.append((name, data))
    return _hashed(part for name, data in parts for part in (name.encode(), data)) \
        if parts else ""


def blame_inputs(root: Path) -> str | None:
    """What `git blame` of a file in the working tree reads besides HEAD and the file,
    hashed: the index's entries (a rename staged is blamed through the file's history, one
    not staged as new lines; stat data aside, which any `git status` rewrites), a merge in
    progress (MERGE_HEAD) and the `blame.*` configuration, with the revisions files it
    names (`blame.ignoreRevsFile`: commits blame looks through). None when git cannot
    say."""
    staged = run(root, "ls-files", "--stage", "-z", timeout=120)
    config = run(root, "config", "-z", "--get-regexp", r"^blame\.", timeout=30)
    if staged.returncode != 0 or config.returncode not in (0, 1):  # 1: no such setting
        return None
    # During a merge, blame takes the working tree's lines from MERGE_HEAD's side too
    merging = run(root, "rev-parse", "-q", "--verify", "MERGE_HEAD", timeout=30).stdout
    parts = [staged.stdout, config.stdout, merging]
    top: Path | None = None
    for item in config.stdout.split(b"\0"):
        name, _, value = item.partition(b"\n")
        if name.lower() != b"blame.ignorerevsfile" or not value:
            continue
        top = top or toplevel(root) or root
        for folder in (top, root):  # git reads it from where it runs, or the tree's top
            try:
                parts.append((folder / os.fsdecode(value)).read_bytes())
            except OSError:
                parts.append(b"\0missing")
    return _hashed(parts)


def _hashed(parts: Iterable[bytes]) -> str:
    """One hash of these byte strings, each with its length (no two lists hash alike)."""
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        hasher.update(len(part).to_bytes(8, "little"))
        hasher.update(part)
    return hasher.hexdigest()


def _dot_git(root: Path) -> Path | None:
    for folder in (root, *root.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.exists():
            return None
    return None


def _shallow_digest(git_dir: Path) -> str:
    try:
        return hashlib.blake2b((git_dir / "shallow").read_bytes(), digest_size=12).hexdigest()
    except OSError:
        return ""


def extract_tree(root: Path, revision: str, into: Path, patterns: tuple[str, ...]
                 ) -> Path | None:
    """The files matching `patterns` of `root`'s folder at `revision`, written below
    `into`; the folder that stands for `root` there, or None when git cannot say."""
    top = toplevel(root)
    if top is None:
        return None
    prefix = root.resolve().relative_to(top.resolve()).as_posix()
    where = f"{prefix}/" if prefix != "." else ""
    archive = run(top, "archive", "--format=tar", revision, "--",
                  *(f"{where}{pattern}" for pattern in patterns))
    if archive.returncode != 0:
        return None
    import io
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        try:
            tar.extractall(into, filter="data")
        except TypeError:  # Python before 3.10.12 / 3.11.4: git's own archive is safe
            tar.extractall(into)
    return into / prefix if prefix != "." else into
