"""`check --diff REF`: what changed since the merge base with REF, for a pull-request check.

Findings are kept on changed lines (uncommitted and untracked files count as changed) and on
registry entries whose lines changed; history rules look only at commits in REF..HEAD and
also report the old reads of a key whose entry the change touches. FL402 compares, flag by
flag, the code it gated at the base with the code it gates now.
"""

from __future__ import annotations

import io
import logging
import re
import subprocess
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from flaglint.config import Config, ConfigError, find_config, load_config
from flaglint.findings import Finding, Span
from flaglint.sources import git
from flaglint.sources.discover import SourceFile
from flaglint.suppressions import source_lines

if TYPE_CHECKING:
    from flaglint.analysis.link import FlagRead
    from flaglint.engine import Project
    from flaglint.facts import FileFacts

log = logging.getLogger(__name__)

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_HEADER = re.compile(r"^\s*\[")


class DiffError(Exception):
    """A --diff reference that cannot be used: exit 2 with this message."""


@dataclass
class DiffScope:
    ref: str
    base: str
    commits: set[str]
    changed: dict[str, set[int]]  # root-relative path -> changed line numbers at HEAD
    base_paths: set[str] = field(default_factory=set)  # the changed files' paths at the base
    renamed: bool = False  # the change renames a file
    # FL402: flags gating different code than at the base; None until a rule asks
    regated: dict[str, tuple[str, str]] | None = None
    registry_lines: dict[str, list[str]] = field(default_factory=dict)  # read once per run

    @property
    def base_name(self) -> str:
        return f"{self.ref} ({self.base[:7]})"


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return git.text(root, *args)


def _shallow_hint(root: Path) -> str:
    shallow = _git(root, "rev-parse", "--is-shallow-repository").stdout.strip() == "true"
    if not shallow:
        return ""
    return ("; this is a shallow clone: fetch the history with `git fetch --unshallow` "
            "(in GitHub Actions, `fetch-depth: 0` in actions/checkout)")


def scope(root: Path, ref: str) -> DiffScope:
    if _git(root, "rev-parse", "--git-dir").returncode != 0:
        raise DiffError(f"--diff {ref}: {root} is not in a git repository")
    if _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode != 0:
        raise DiffError(f"--diff {ref}: unknown git reference {ref!r}; name a branch, tag or "
                        f"commit (`git fetch origin {ref}` if it is remote){_shallow_hint(root)}")
    merge_base = _git(root, "merge-base", ref, "HEAD")
    if merge_base.returncode != 0:
        raise DiffError(f"--diff {ref}: {ref} and HEAD have no common history"
                        f"{_shallow_hint(root)}")
    base = merge_base.stdout.strip()
    commits = set(_git(root, "rev-list", f"{base}..HEAD").stdout.split())
    # Plumbing: `git diff` would refresh (rewrite) a stale index, optional locks or not.
    diff = _git(root, "diff-index", "-p", "-M", "-U0", "--no-color", "--no-ext-diff",
                "--relative", base, "--")
    changed = _changed_lines(diff.stdout)
    base_paths = {line[6:] for line in diff.stdout.splitlines() if line.startswith("--- a/")}
    untracked = _git(root, "ls-files", "--others", "--exclude-standard").stdout.splitlines()
    for path in untracked:
        try:
            count = (root / path).read_bytes().count(b"\n") + 1
        except OSError:
            continue
        changed[path] = set(range(1, count + 1))
    return DiffScope(ref, base, commits, dict(changed), base_paths,
                     renamed="\nrename from " in diff.stdout)


def _changed_lines(diff: str) -> dict[str, set[int]]:
    changed: dict[str, set[int]] = defaultdict(set)
    path: str | None = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            path = None if line == "+++ /dev/null" else line[6:] if line.startswith(
                "+++ b/") else line[4:]
        elif line.startswith("@@") and path is not None:
            match = _HUNK.match(line)
            if match:
                start, count = int(match.group(1)), int(match.group(2) or "1")
                # A pure deletion marks the line where the code was.
                changed[path].update(range(start, start + max(count, 1)))
    return changed


def _extent(project: Project, diff: DiffScope, path: str, span: Span) -> Span:
    """A registry finding covers its whole `[flags.KEY]` table."""
    if path not in project.registry.paths:
        return span
    if path not in diff.registry_lines:
        try:
            text = (project.config.root / path).read_text(encoding="utf-8")
        except OSError:
            text = ""
        diff.registry_lines[path] = text.splitlines()
    lines = diff.registry_lines[path]
    end = span.line
    while end < len(lines) and not _HEADER.match(lines[end]):
        end += 1
    return Span(span.line, 1, end, 1)


def touched_keys(project: Project, diff: DiffScope) -> set[str]:
    """Keys whose registry entry changed, that have history events within the range, or
    that gate different code than at the base."""
    keys = set(diff.regated or {})
    for key, record in project.records.items():
        if record.decl is not None:
            span = _extent(project, diff, record.decl.path, record.decl.span)
            if set(range(span.line, span.end_line + 1)) & diff.changed.get(record.decl.path,
                                                                           set()):
                keys.add(key)
    if project.history is not None:
        for key, history in project.history.keys.items():
            if any(e.commit.sha in diff.commits for e in history.events):
                keys.add(key)
    if project.deployments is not None:  # a config line that sets the flag changed
        for item in project.served():
            span = item.setting.span
            if set(range(span.line, span.end_line + 1)) & diff.changed.get(item.setting.path,
                                                                          set()):
                keys.add(item.key)
    return keys


def keep(project: Project, diff: DiffScope, findings: Iterable[Finding]) -> list[Finding]:
    """The findings on changed lines, and those of rules that go by flag (a reuse, a new
    meaning) whose flag the change touched."""
    from flaglint.rules import all_rules

    by_flag = {rule.code for rule in all_rules() if rule.by_flag_in_diff}
    touched = touched_keys(project, diff)
    kept = []
    for finding in findings:
        span = _extent(project, diff, finding.path, finding.span)
        lines = diff.changed.get(finding.path, set())
        if lines & set(range(span.line, span.end_line + 1)) or (
                finding.code in by_flag and finding.flag in touched):
            kept.append(finding)
    return kept


# -- FL402: what a flag gates, at the base and now ------------------------------------------


def may_regate(project: Project, diff: DiffScope, names: set[str]) -> bool:
    """Can any flag gate different code than at the base? Only where a changed file reads a
    flag, now or at the base (what a flag gates is in the files that read it); the base
    versions are only searched for the names of readers and wrappers."""
    changed = set(diff.changed)
    if any(read.path in changed for read in project.linked.reads):
        return True
    words = b"|".join(re.escape(name.encode()) for name in sorted(names) if name)
    if not words:
        return False
    called = re.compile(rb"\b(?:" + words + rb")\s*\(")
    for path in sorted(diff.base_paths):
        shown = git.run(project.config.root, "show", f"{diff.base}:./{path}")
        if shown.returncode == 0 and called.search(shown.stdout):
            return True
    return False


Gated = dict[str, dict[str, set[str]]]  # flag -> path -> the normalized lines it decides


def gated_code(project: Project) -> Gated:
    """flag -> path -> the normalized lines of code its guards decide."""
    return _gated(project.linked.reads, project.files, project.source_of)


def _gated(reads: Iterable[FlagRead], files: Iterable[FileFacts],
           source_of: Callable[[str], bytes]) -> Gated:
    from flaglint.analysis.deadcode import atoms

    keys = {(r.path, r.call): r.key for r in reads if r.key is not None}
    gated: Gated = defaultdict(lambda: defaultdict(set))
    for facts in files:
        if not facts.guards:
            continue
        text = source_of(facts.path).decode("utf-8", errors="replace")
        lines = source_lines(text)
        for guard in facts.guards:
            flags = {keys.get((facts.path, index)) for index in atoms(guard.test)} - {None}
            for part in (guard.body, guard.orelse):
                if part is None:
                    continue
                code = {line.strip() for line in lines[part.line:part.end_line]
                        if line.strip() and not line.strip().startswith("#")}
                for key in flags:
                    assert key is not None
                    gated[key][facts.path] |= code
    return gated


def relinked_base(project: Project, diff: DiffScope, base: Base, now: Gated) -> Gated | None:
    """The base's gated code without analysing the base: this run's linker tables with the
    edited files linked again as they were (`Linker.relink`), when nothing other files link
    through changed; other files gate at the base what they gate now. None when the base
    must be analysed: a file was added, an edited file that reads a flag does not parse on
    one side, or one this run skipped would be read in full at the base."""
    from flaglint.sources.code import attribute_reads, extract_one
    from flaglint.sources.prefilter import Needles

    if project.linker is None or project.extraction is None or \
            set(diff.changed) - diff.base_paths:
        return None
    needles = Needles(set(project.extraction.needles))
    attributes = attribute_reads(project.config)
    pairs = []
    for path in sorted(diff.base_paths):
        current = project.facts_of(path)
        data = base.overlay[path]
        if current is None:
            return None
        if not current.complete:
            if current.error is not None or needles.search(data):
                return None
            continue  # read light both times: no reads, no guards
        then = extract_one(data, path, current.module, current.is_package, True, attributes)
        if current.error is not None or then.error is not None or not then.complete:
            return None
        pairs.append((current, then))
    linker = project.linker.fork()
    if not all(linker.relink(current, then) for current, then in pairs):
        return None
    edited = {then.path: then for _, then in pairs}
    before: Gated = defaultdict(lambda: defaultdict(set))
    for key, paths in now.items():
        for path, lines in paths.items():
            if path not in edited:
                before[key][path] = set(lines)
    reads = [r for r in linker.linked().reads if r.path in edited]
    for key, paths in _gated(reads, edited.values(), base.overlay.__getitem__).items():
        for path, lines in paths.items():
            before[key][path] |= lines
    return before


def _summary(code: dict[str, set[str]]) -> str:
    count = sum(len(lines) for lines in code.values())
    paths = ", ".join(sorted(code))
    return f"{count} line{'s' if count != 1 else ''} in {paths}"


def regated(project: Project, diff: DiffScope,
            analyze: Callable[[Config, Base | None], Project]) -> dict[str, tuple[str, str]]:
    """Flags whose gated code at the base and now have nothing in common; `analyze` reads
    the base tree's project from its configuration and, when the change only edits and adds
    Python files, from this tree's files with the edited ones as they were (`Base`)."""
    base = _base_in_place(project, diff)
    after = gated_code(project)
    before = relinked_base(project, diff, base, after) if base is not None else None
    if before is None:
        before = gated_code(analyze(project.config, base)) if base is not None else \
            _base_from_archive(project, diff, analyze)
    if before is None:
        return {}
    result = {}
    for key, then in before.items():
        now = after.get(key, {})
        old = set().union(*then.values()) if then else set()
        new = set().union(*now.values()) if now else set()
        if old and new and not old & new:
            result[key] = (_summary(then), _summary(now))
    return result


# The stat of a base file that is this tree's file, unchanged: `Options.seen` maps it to the
# content key this run gave that file, so the base analysis does not read it again.
AS_READ = (-1, -1, -1)


@dataclass(frozen=True)
class Base:
    """The base tree as this tree's files: `sources` with `overlay` (path -> content at
    the base) for the files the change edited. Nothing is written to disk."""

    sources: list[SourceFile]
    overlay: dict[str, bytes]


def _base_in_place(project: Project, diff: DiffScope) -> Base | None:
    """The base without a copy of it, when the change only edits and adds Python files."""
    paths = set(diff.changed) | diff.base_paths
    current = {facts.path: facts for facts in project.files}
    if diff.renamed or not all(path.endswith(".py") for path in paths) or \
            not diff.base_paths <= current.keys():
        return None
    root = project.config.root
    overlay = {}
    for path in sorted(diff.base_paths):
        shown = git.run(root, "show", f"{diff.base}:./{path}")
        if shown.returncode != 0:
            return None
        overlay[path] = shown.stdout
    added = set(diff.changed) - diff.base_paths
    sources = [SourceFile(str(root / facts.path), facts.path, facts.module, facts.is_package,
                          AS_READ) for facts in project.files if facts.path not in added]
    return Base(sources, overlay)


def _base_from_archive(project: Project, diff: DiffScope,
                       analyze: Callable[[Config, Base | None], Project]
                       ) -> dict[str, dict[str, set[str]]] | None:
    """The base tree's gated code, from a copy of its Python and TOML files."""
    root = project.config.root
    toplevel = _git(root, "rev-parse", "--show-toplevel").stdout.strip()
    prefix = root.resolve().relative_to(Path(toplevel).resolve()).as_posix()
    # Only what an analysis reads: Python files, the configuration and the registry.
    where = f"{prefix}/" if prefix != "." else ""
    archive = git.run(Path(toplevel), "archive", "--format=tar", diff.base, "--",
                      f"{where}*.py", f"{where}*.toml")
    if archive.returncode != 0:
        log.debug("cannot read the base tree: %s", archive.stderr[:200])
        return None
    with tempfile.TemporaryDirectory(prefix="flaglint-base-") as folder:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            try:
                tar.extractall(folder, filter="data")
            except TypeError:  # Python before 3.10.12 / 3.11.4: git's own archive is safe
                tar.extractall(folder)
        base_root = Path(folder) / prefix if prefix != "." else Path(folder)
        try:
            config = load_config(find_config(base_root), base_root)
            base_project = analyze(config, None)
        except ConfigError as error:
            log.debug("cannot analyze the base: %s", error)
            return None
        return gated_code(base_project)
