"""Stage 1, the inputs: the configuration's files, each Python file's content key, the
registry, the deployment configs and git's state; and the hashes a cache key is made of.

A file's content key is the hash of its bytes. Reading every file to hash it costs ~0.1 s a
million lines; a run remembers each file's stat with its key (under the project's path, the
only cache entry that depends on where the project lies), so that the next run reads only
the files whose size, modification time or inode changed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from flaglint import store as cache
from flaglint.config import Config
from flaglint.sources import git
from flaglint.sources.discover import SourceFile, discover
from flaglint.sources.registry import Registry, load_registry
from flaglint.sources.services import Services

if TYPE_CHECKING:
    from flaglint.sources.deploy import Deployments

Stat = tuple[int, int, int]  # size, mtime_ns, inode


@dataclass(frozen=True)
class Inputs:
    """What one analysis reads, besides git history and blame (read on request)."""

    config: Config
    today: dt.date
    sources: tuple[SourceFile, ...]
    keys: Mapping[str, str]  # path -> content key, for every readable file
    unreadable: Mapping[str, str]  # path -> why it cannot be read
    registry: Registry
    deployments: Deployments | None
    git: git.GitState
    notes: tuple[str, ...] = ()
    overlay: Mapping[str, bytes] = field(default_factory=dict)  # path -> bytes being fixed
    services: Services = field(default_factory=Services)  # [[flag-state]] exports read
    _read: dict[str, bytes] = field(default_factory=dict, repr=False, compare=False)

    def read(self, path: str) -> bytes:
        """A file's bytes (the fixed ones, while fixing); empty when it is gone."""
        if path in self.overlay:
            return self.overlay[path]
        found = self._read.get(path)
        if found is None:
            try:  # no Path made: a new needle reads every file (Sentry: 2,986, 15 ms less)
                with open(os.path.join(self.config.root, path), "rb") as handle:
                    found = handle.read()
            except OSError:
                found = b""  # gone since discovery: the next run sees it gone
            self._read[path] = found
        return found

    def size(self) -> int:
        """The bytes of Python in the project, as discovery saw them."""
        return sum(source.stat[0] for source in self.sources if source.stat is not None)

    def digest(self) -> str:
        """The hash of everything here: the key of a whole check's result."""
        return cache.key("inputs", config_digest(self.config), self.today.isoformat(),
                         self.registry, self.deployments, self.git,
                         [(s.rel, s.module, s.is_package, self.keys.get(s.rel),
                           self.unreadable.get(s.rel)) for s in self.sources])

    def with_overlay(self, overlay: Mapping[str, bytes]) -> Inputs:
        """These inputs with some files' bytes held in memory (a fix in progress)."""
        keys = dict(self.keys)
        for path, data in overlay.items():
            keys[path] = cache.content_key(data)
        # The bytes read so far stay known: only the overlaid files differ.
        read = {path: data for path, data in self._read.items() if path not in overlay}
        return dataclasses.replace(self, keys=keys, overlay=dict(overlay), _read=read)


def root_relative(path: Path, root: Path) -> str:
    """A path named on the command line as the project knows it (as given, if outside)."""
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


def config_digest(config: Config) -> str:
    """The configuration's hash, without where the project lies."""
    fields = {f.name: getattr(config, f.name) for f in dataclasses.fields(config)
              if f.name not in ("root", "source")}
    return cache.key("config", fields)


def gather(config: Config, today: dt.date, store: cache.Store,
           paths: list[Path] | None = None, sources: list[SourceFile] | None = None,
           notes: list[str] | None = None) -> Inputs:
    """The inputs of a run over `config`'s project (`sources`: the files, when known)."""
    notes = list(notes or ())
    if sources is None:
        sources = discover(config, paths, notes)
    registry = load_registry(config)
    deployments = None
    if config.environments:  # imported only then: it reads YAML, INI and .env files
        from flaglint.sources.deploy import load_deployments

        deployments = load_deployments(config)
        notes.extend(deployments.notes)
    services = Services()
    if config.flag_state:  # imported only then: it reads JSON and YAML exports
        from flaglint.sources.services import load_services, with_environments, with_services

        services = load_services(config)
        registry = with_services(registry, services)
        deployments = with_environments(deployments, services)
    if not sources and not paths:
        notes.append(f"no Python files under {config.root} (src = {list(config.src)}): is "
                     f"that the project's folder? (`--config` elsewhere checks the folder "
                     f"holding both the config and the current one)")
    keys, unreadable, read = content_keys(config.root, sources, store)
    return Inputs(config, today, tuple(sources), keys, unreadable, registry, deployments,
                  git.state(config.root), tuple(dict.fromkeys(notes)), services=services,
                  _read=read)


def content_keys(root: Path, sources: list[SourceFile], store: cache.Store
                 ) -> tuple[dict[str, str], dict[str, str], dict[str, bytes]]:
    """Each file's content key, read only where its stat is not what the last run saw;
    the files that could not be read, with why; the bytes of those read."""
    index_key = cache.key("stats", str(root))
    known: dict[str, tuple[Stat, str]] = store.get("stats", index_key,
                                                   dict[str, tuple[Stat, str]]) or {}
    keys: dict[str, str] = {}
    unreadable: dict[str, str] = {}
    read: dict[str, bytes] = {}
    seen: dict[str, tuple[Stat, str]] = {}
    for source in sources:
        stat = source.stat or _stat(source.file)
        before = known.get(source.rel)
        if stat is not None and before is not None and before[0] == stat:
            keys[source.rel] = before[1]
            seen[source.rel] = before
            continue
        try:
            with open(source.file, "rb") as handle:  # no Path made: thousands of files a run
                data = handle.read()
        except OSError as error:
            unreadable[source.rel] = f"cannot read: {error.strerror or error}"
            continue
        keys[source.rel] = cache.content_key(data)
        read[source.rel] = data
        if stat is not None:
            seen[source.rel] = (stat, keys[source.rel])
    if seen != known:
        store.put("stats", index_key, seen, dict[str, tuple[Stat, str]], later=True)
    return keys, unreadable, read


def _stat(file: str) -> Stat | None:
    try:
        found = os.stat(file)
    except OSError:
        return None
    return found.st_size, found.st_mtime_ns, found.st_ino
