"""`check --changed-since REF` (once spelled `--diff REF`): what changed since the merge
base with REF, read from git.

Every git command must succeed: a failure is a `DiffError` naming the command (exit 2), never
a smaller diff that would hide findings and let a CI gate pass. Paths come from git NUL-
separated where git can give them so, and unquoted where it quotes them (a space, a
non-ASCII letter, a quote)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from flaglint.sources import git

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


class DiffError(Exception):
    """A --changed-since reference that cannot be used, or git failing: exit 2 with this message."""


@dataclass(frozen=True)
class DiffScope:
    ref: str
    base: str  # the merge base's commit
    commits: frozenset[str]  # REF..HEAD
    changed: dict[str, frozenset[int]]  # root-relative path -> changed line numbers at HEAD
    base_paths: frozenset[str] = frozenset()  # the changed files' paths at the base
    renamed: bool = False  # the change renames a file
    added: frozenset[str] = field(default_factory=frozenset)  # new files, untracked ones too

    @property
    def base_name(self) -> str:
        return f"{self.ref} ({self.base[:7]})"


def _git(root: Path, *args: str) -> str:
    found = git.run(root, *args)  # paths unquoted: git.run's settings
    if found.returncode != 0:
        said = found.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DiffError(f"`git {' '.join(args)}` failed: {said[-1] if said else 'no output'}")
    return found.stdout.decode("utf-8", "surrogateescape")


def _shallow_hint(root: Path) -> str:
    shallow = git.text(root, "rev-parse", "--is-shallow-repository").stdout.strip() == "true"
    if not shallow:
        return ""
    return ("; this is a shallow clone: fetch the history with `git fetch --unshallow` "
            "(in GitHub Actions, `fetch-depth: 0` in actions/checkout)")


def scope(root: Path, ref: str, option: str = "--changed-since") -> DiffScope:
    """The change since the merge base with `ref`; errors name `option` as it was written."""
    if git.text(root, "rev-parse", "--git-dir").returncode != 0:
        raise DiffError(f"{option} {ref}: {root} is not in a git repository")
    if git.text(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode != 0:
        raise DiffError(f"{option} {ref}: unknown git reference {ref!r}; name a branch, tag or "
                        f"commit (`git fetch origin {ref}` if it is remote){_shallow_hint(root)}")
    merge_base = git.text(root, "merge-base", ref, "HEAD")
    if merge_base.returncode != 0:
        raise DiffError(f"{option} {ref}: {ref} and HEAD have no common history"
                        f"{_shallow_hint(root)}")
    base = merge_base.stdout.strip()
    commits = frozenset(_git(root, "rev-list", f"{base}..HEAD").split())
    # Plumbing: `git diff` would refresh (rewrite) a stale index, optional locks or not.
    status = _git(root, "diff-index", "-z", "--name-status", "-M", "--relative", base, "--")
    base_paths, head_paths, renamed = _name_status(status)
    patch = _git(root, "diff-index", "-p", "-M", "-U0", "--no-color", "--no-ext-diff",
                 "--text", "--no-textconv", "--relative", base, "--")
    changed = _changed_lines(patch)
    if set(changed) - head_paths:
        raise DiffError(f"{option} {ref}: git's patch names files its status does not "
                        f"({', '.join(sorted(set(changed) - head_paths)[:3])})")
    added = head_paths - base_paths
    for path in _git(root, "ls-files", "-z", "--others", "--exclude-standard").split("\0"):
        if not path:
            continue
        try:
            count = (root / path).read_bytes().count(b"\n") + 1
        except OSError:
            continue
        changed[path] = set(range(1, count + 1))
        added.add(path)
    return DiffScope(ref, base, commits, {p: frozenset(lines) for p, lines in changed.items()},
                     frozenset(base_paths), renamed, frozenset(added))


def _name_status(text: str) -> tuple[set[str], set[str], bool]:
    """(paths at the base, paths now, whether any file was renamed) from `-z --name-status`:
    a status, then one path, or two for a rename or copy, each NUL-terminated."""
    fields = text.split("\0")
    before, after = set(), set()
    renamed = False
    index = 0
    while index < len(fields) and fields[index]:
        status = fields[index]
        if status[0] in "RC":
            old, new = fields[index + 1], fields[index + 2]
            renamed |= status[0] == "R"
            before.add(old)
            after.add(new)
            index += 3
            continue
        path = fields[index + 1]
        if status[0] != "A":
            before.add(path)
        if status[0] != "D":
            after.add(path)
        index += 2
    return before, after, renamed


def _changed_lines(diff: str) -> dict[str, set[int]]:
    changed: dict[str, set[int]] = defaultdict(set)
    path: str | None = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            path = None if line == "+++ /dev/null" else _patch_path(line[4:])
        elif line.startswith("@@") and path is not None:
            match = _HUNK.match(line)
            if match:
                start, count = int(match.group(1)), int(match.group(2) or "1")
                # A pure deletion marks the line where the code was.
                changed[path].update(range(start, start + max(count, 1)))
    return changed


def _patch_path(text: str) -> str:
    """A path as a patch's `+++` line writes it: quoted C-style when it has a special
    character, and followed by a tab when it has a space."""
    if text.startswith('"'):
        text = unquote(text)
    else:
        text = text.removesuffix("\t")
    return text[2:] if text.startswith("b/") else text


def unquote(text: str) -> str:
    """git's C-style quoting undone: `"a\\303\\251b"` is `aéb`."""
    body = text[1:text.rindex('"')] if text.endswith(('"', '"\t')) else text[1:]
    out = bytearray()
    index = 0
    while index < len(body):
        char = body[index]
        if char != "\\":
            out += char.encode("utf-8", "surrogateescape")
            index += 1
            continue
        escape = body[index + 1:index + 2]
        if escape.isdigit():
            out.append(int(body[index + 1:index + 4], 8))
            index += 4
        else:
            out.append(_ESCAPES.get(escape, ord(escape or "\\")))
            index += 2
    return out.decode("utf-8", "surrogateescape")
