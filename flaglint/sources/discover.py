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
    file: str  # absolute; a string, as thousands are made each run and few are read
    rel: str  # POSIX, relative to the project root
    module: str
    is_package: bool
    # (size, mtime_ns, inode) as discovery saw them, so a warm run stats each file once
    stat: tuple[int, int, int] | None = field(default=None, compare=False, repr=False)

    @property
    def path(self) -> Path:
        return Path(self.file)


class GlobSet:
    """gitignore-like globs over root-relative POSIX paths.

    `*` stays within a folder, `**` crosses folders; a pattern matches at any depth unless it
    starts with `/`, and a pattern that matches a folder matches everything below it.
    """

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self.patterns = patterns
        # A plain name (`build`, `.venv/`) matches where any part of the path is that name: a
        # set lookup, where the regex would try every folder boundary.
        self._names = frozenset(p.strip().strip("/") for p in patterns if _plain(p))
        parts = [_glob_regex(p) for p in patterns if p.strip() and not _plain(p)]
        self._regex = re.compile("|".join(f"(?:{p})" for p in parts)) if parts else None

    def match(self, rel: str) -> bool:
        if self._names and not self._names.isdisjoint(rel.split("/")):
            return True
        return self._regex is not None and self._regex.fullmatch(rel) is not None


def _plain(pattern: str) -> bool:
    body = pattern.strip()
    return bool(body.strip("/")) and not body.startswith("/") and \
        not any(c in body.rstrip("/") for c in "/*?")


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


def relative(path: str | os.PathLike[str], root: Path) -> str:
    # Strings first: Path.relative_to costs ~20 µs, thousands of times a run.
    text, base = os.fspath(path), str(root)
    if text.startswith(base) and text[len(base):len(base) + 1] == os.sep:
        return text[len(base) + 1:].replace(os.sep, "/")
    try:
        return Path(text).relative_to(root).as_posix()
    except ValueError:
        return Path(text).as_posix()


def _git_files(directory: Path) -> list[str] | None:
    """Tracked and untracked-but-not-ignored .py files below `directory`, absolute; None
    without git."""
    result = git.run(directory, "ls-files", "-z", "--cached", "--others", "--exclude-standard",
                     "--", "*.py", timeout=120)
    if result.returncode != 0:
        return None
    names = result.stdout.decode("utf-8", "surrogateescape").split("\0")
    base = str(directory) + os.sep
    if os.sep != "/":
        names = [name.replace("/", os.sep) for name in names]
    return [base + name for name in dict.fromkeys(names) if name]


def _walk(directory: Path, excluded: GlobSet, root: Path, notes: list[str]) -> list[str]:
    # Plain strings, not Path objects: a large tree has thousands of folders.
    prefix = str(root) + os.sep
    found: list[str] = []

    def unreadable(error: OSError) -> None:
        where = relative(error.filename, root) if error.filename else str(directory)
        notes.append(f"cannot read folder {where} ({error.strerror or error}); "
                     f"its files are not checked")

    for folder, dirs, files in os.walk(directory, onerror=unreadable):
        rel = folder[len(prefix):].replace(os.sep, "/") + "/" if folder.startswith(prefix) \
            else ""
        dirs[:] = sorted(d for d in dirs if not excluded.match(rel + d))
        found.extend(os.path.join(folder, name) for name in sorted(files) if name.endswith(".py"))
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
    chosen: dict[str, tuple[str, tuple[int, int, int] | None]] = {}  # file: (rel, stat)
    for target in targets:
        target = target.resolve()
        if target.is_file():
            rel = relative(target, root)
            if target.suffix == ".py" and not excluded.match(rel):
                chosen[str(target)] = (rel, None)
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
            rel = relative(file, root)
            if stat.S_ISREG(found.st_mode) and not excluded.match(rel):
                chosen[file] = (rel, (found.st_size, found.st_mtime_ns, found.st_ino))
    if in_git:
        notes.extend(f"submodule {path} is not checked (flaglint reads this repository's "
                     f"files only; run it in the submodule)"
                     for path in _submodules(root, targets, excluded))
    namer = _ModuleNamer(tuple(str((root / s).resolve()) for s in config.src))
    result = [namer.source_file(file, rel, seen) for file, (rel, seen) in chosen.items()]
    result.sort(key=lambda f: f.rel)
    return result


class _ModuleNamer:
    """Module names from folders with __init__.py, else from the `src` root a file is in.
    Folders are plain strings: thousands of files share a few hundred folders."""

    def __init__(self, src_roots: tuple[str, ...]) -> None:
        self.src_roots = src_roots
        self._packages: dict[str, tuple[str, ...] | None] = {}

    def _package(self, folder: str) -> tuple[str, ...] | None:
        """Dotted parts of the package `folder` is, walking up through __init__.py files."""
        if folder in self._packages:
            return self._packages[folder]
        parts: tuple[str, ...] | None = None
        if os.path.isfile(os.path.join(folder, "__init__.py")):
            parent_folder = os.path.dirname(folder)
            parent = self._package(parent_folder) if parent_folder != folder else None
            parts = (*(parent or ()), os.path.basename(folder))
        self._packages[folder] = parts
        return parts

    def source_file(self, file: str, rel: str,
                    seen: tuple[int, int, int] | None = None) -> SourceFile:
        folder, name = os.path.split(file)
        stem = name[:-3] if name.endswith(".py") else os.path.splitext(name)[0]
        is_package = name == "__init__.py"
        package = self._package(folder)
        if package is None:
            package = self._from_src_root(folder)
        parts = package if is_package else (*package, stem)
        return SourceFile(file, rel, ".".join(parts) or stem, is_package, seen)

    def _from_src_root(self, folder: str) -> tuple[str, ...]:
        for src in self.src_roots:
            if folder == src:
                return ()
            if folder.startswith(src.rstrip(os.sep) + os.sep):
                inner = folder[len(src.rstrip(os.sep)) + 1:]
                return tuple(p for p in inner.split(os.sep) if p.isidentifier())
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
