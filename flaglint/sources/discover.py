"""Which Python files to check: `src`, `exclude`, files git ignores, and their module names."""

from __future__ import annotations

import logging
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flaglint.config import DEFAULT_EXCLUDE, Config
from flaglint.sources import git

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: Path  # absolute
    rel: str  # POSIX, relative to the project root
    module: str
    is_package: bool
    # (size, mtime_ns, inode) as discovery saw them, so a warm run stats each file once
    stat: tuple[int, int, int] | None = field(default=None, compare=False, repr=False)


class GlobSet:
    """gitignore-like globs over root-relative POSIX paths.

    `*` stays within a folder, `**` crosses folders; a pattern matches at any depth unless it
    starts with `/`, and a pattern that matches a folder matches everything below it.
    """

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self.patterns = patterns
        parts = [_glob_regex(p) for p in patterns if p.strip()]
        self._regex = re.compile("|".join(f"(?:{p})" for p in parts)) if parts else None

    def match(self, rel: str) -> bool:
        return self._regex is not None and self._regex.fullmatch(rel) is not None


def _glob_regex(pattern: str) -> str:
    anchored = pattern.startswith("/")
    body = pattern.strip().strip("/")
    out = []
    i = 0
    while i < len(body):
        if body.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif body.startswith("**", i):
            out.append(".*")
            i += 2
        elif body[i] == "*":
            out.append("[^/]*")
            i += 1
        elif body[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(body[i]))
            i += 1
    return ("" if anchored else "(?:.*/)?") + "".join(out) + "(?:/.*)?"


def relative(path: Path, root: Path) -> str:
    # Strings first: Path.relative_to costs ~20 µs, thousands of times a run.
    text, base = str(path), str(root)
    if text.startswith(base) and text[len(base):len(base) + 1] == os.sep:
        return text[len(base) + 1:].replace(os.sep, "/")
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _git_files(directory: Path) -> list[Path] | None:
    """Tracked and untracked-but-not-ignored .py files below `directory`; None without git."""
    result = git.run(directory, "ls-files", "-z", "--cached", "--others", "--exclude-standard",
                     "--", "*.py", timeout=120)
    if result.returncode != 0:
        return None
    names = result.stdout.decode("utf-8", "surrogateescape").split("\0")
    return [directory / name for name in dict.fromkeys(names) if name]


def _walk(directory: Path, excluded: GlobSet, root: Path, notes: list[str]) -> list[Path]:
    # Plain strings, not Path objects: a large tree has thousands of folders.
    prefix = str(root) + os.sep
    found: list[Path] = []

    def unreadable(error: OSError) -> None:
        where = relative(Path(error.filename), root) if error.filename else str(directory)
        notes.append(f"cannot read folder {where} ({error.strerror or error}); "
                     f"its files are not checked")

    for folder, dirs, files in os.walk(directory, onerror=unreadable):
        rel = folder[len(prefix):].replace(os.sep, "/") + "/" if folder.startswith(prefix) \
            else ""
        dirs[:] = sorted(d for d in dirs if not excluded.match(rel + d))
        found.extend(Path(folder, name) for name in sorted(files) if name.endswith(".py"))
    return found


def _submodules(root: Path, targets: list[Path], excluded: GlobSet) -> list[str]:
    """Submodules (from `.gitmodules`) inside what is checked, which git does not list."""
    try:
        text = (root / ".gitmodules").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    found = []
    for match in re.finditer(r"^\s*path\s*=\s*(.+?)\s*$", text, re.MULTILINE):
        path = (root / match.group(1)).resolve()
        rel = relative(path, root)
        if path.is_dir() and not excluded.match(rel) and any(
                path == t.resolve() or path.is_relative_to(t.resolve()) for t in targets):
            found.append(rel)
    return sorted(set(found))


def discover(config: Config, paths: list[Path] | None = None,
             notes: list[str] | None = None) -> list[SourceFile]:
    """The Python files to analyse; what could not be read goes to `notes`, once each."""
    notes = [] if notes is None else notes
    root = config.root
    targets = paths or [root / s for s in config.src]
    excluded = GlobSet(DEFAULT_EXCLUDE + config.exclude)
    in_git = git.toplevel(root) is not None
    chosen: dict[Path, tuple[int, int, int] | None] = {}
    for target in targets:
        target = target.resolve()
        if target.is_file():
            if target.suffix == ".py" and not excluded.match(relative(target, root)):
                chosen[target] = None
            continue
        if not target.is_dir():
            log.warning("%s does not exist", target)
            continue
        files = _git_files(target) if in_git else None
        if not files:
            # Not in git, or a folder git ignores as a whole that the user named: walk it.
            files = _walk(target, excluded, root, notes)
        for file in files:
            try:
                found = os.stat(file)
            except OSError:
                continue  # tracked but deleted, or unreadable
            if stat.S_ISREG(found.st_mode) and not excluded.match(relative(file, root)):
                chosen[file] = (found.st_size, found.st_mtime_ns, found.st_ino)
    if in_git:
        notes.extend(f"submodule {path} is not checked (flaglint reads this repository's "
                     f"files only; run it in the submodule)"
                     for path in _submodules(root, targets, excluded))
    namer = _ModuleNamer(root, tuple((root / s).resolve() for s in config.src))
    result = [namer.source_file(path, seen) for path, seen in chosen.items()]
    result.sort(key=lambda f: f.rel)
    return result


class _ModuleNamer:
    def __init__(self, root: Path, src_roots: tuple[Path, ...]) -> None:
        self.root = root
        self.src_roots = src_roots
        self._packages: dict[Path, tuple[str, ...] | None] = {}

    def _package(self, folder: Path) -> tuple[str, ...] | None:
        """Dotted parts of the package `folder` is, walking up through __init__.py files."""
        if folder in self._packages:
            return self._packages[folder]
        parts: tuple[str, ...] | None = None
        if (folder / "__init__.py").is_file():
            parent = self._package(folder.parent) if folder.parent != folder else None
            parts = (*(parent or ()), folder.name)
        self._packages[folder] = parts
        return parts

    def source_file(self, path: Path, seen: tuple[int, int, int] | None = None) -> SourceFile:
        is_package = path.name == "__init__.py"
        package = self._package(path.parent)
        if package is None:
            package = self._from_src_root(path.parent)
        parts = package if is_package else (*package, path.stem)
        return SourceFile(path, relative(path, self.root), ".".join(parts) or path.stem,
                          is_package, seen)

    def _from_src_root(self, folder: Path) -> tuple[str, ...]:
        for src in self.src_roots:
            try:
                rel = folder.relative_to(src)
            except ValueError:
                continue
            return tuple(p for p in rel.parts if p.isidentifier())
        return ()


def within(paths: list[Path] | None, root: Path) -> Callable[[str], bool]:
    """Is a root-relative path one the user named (a file, or below a folder)?"""
    if not paths:
        return lambda rel: True
    named = []
    for path in paths:
        try:
            rel = path.resolve().relative_to(root).as_posix()
        except ValueError:
            continue
        named.append("" if rel == "." else rel)

    def inside(rel: str) -> bool:
        return any(not n or rel == n or rel.startswith(n + "/") for n in named)

    return inside
