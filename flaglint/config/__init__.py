"""`[tool.flaglint]` in pyproject.toml, or flaglint.toml: found, read and strictly checked.

model.py holds what the configuration says; table.py reads and checks a table into it."""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path
from typing import Any

from flaglint import tomlsource
from flaglint.config.model import (
    DEFAULT_EXCLUDE,
    DEFAULT_LIFETIMES,
    DEFAULT_SRC,
    DEFAULT_TESTS,
    ENV_FORMATS,
    FLAG_STATE_FORMATS,
    FLAG_TYPES,
    NEWEST_PYTHON,
    REGISTRY_FIELDS,
    Config,
    ConfigError,
    EnvironmentSpec,
    FlagStateSpec,
)
from flaglint.config.table import Where, parse_table

# The package's face: what the rest of flaglint reads from `flaglint.config`.
__all__ = ["DEFAULT_EXCLUDE", "DEFAULT_LIFETIMES", "DEFAULT_TESTS", "ENV_FORMATS",
           "FLAG_STATE_FORMATS", "FLAG_TYPES", "NEWEST_PYTHON", "REGISTRY_FIELDS", "Config",
           "ConfigError", "EnvironmentSpec", "FlagStateSpec",
           "find_config", "load_config", "lowest_python", "project_root"]

# What makes a folder a project's top when no configuration says where it is.
PROJECT_MARKERS = (".git", "pyproject.toml", "setup.py", "setup.cfg", "flags.toml")


def find_config(start: Path) -> Path | None:
    """The nearest flaglint.toml, or pyproject.toml with a [tool.flaglint] table, above start."""
    directory = start if start.is_dir() else start.parent
    for folder in (directory, *directory.parents):
        candidate = folder / "flaglint.toml"
        if candidate.is_file():
            return candidate
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                text = candidate.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if "[tool.flaglint" in text:
                return candidate
    return None


def project_root(start: Path) -> Path:
    """Where a project without configuration starts: the nearest folder at or above `start`
    that holds a git repository, a `pyproject.toml`, `setup.py`, `setup.cfg` or the default
    registry (`flags.toml`); else `start`'s folder. Checking one of its folders
    (`flaglint check src`) then reads, and names paths from, the same root as checking the
    whole project."""
    directory = (start if start.is_dir() else start.parent).resolve()
    for folder in (directory, *directory.parents):
        if any((folder / marker).exists() for marker in PROJECT_MARKERS):
            return folder
    return directory


def load_config(path: Path | None, start: Path) -> Config:
    """Read the configuration at `path` (None: defaults, rooted at `start`)."""
    if path is None:
        root = (start if start.is_dir() else start.parent).resolve()
        return _with_requires_python(Config(root=root), None)
    path = path.resolve()
    try:
        data, lines, _ = tomlsource.load(path)
    except tomlsource.TomlError as error:
        raise ConfigError(error.path, error.line, error.message) from None
    tool = data.get("tool")
    if path.name == "pyproject.toml" or (
            set(data) == {"tool"} and isinstance(tool, dict) and "flaglint" in tool):
        prefix: tuple[str, ...] = ("tool", "flaglint")
        table = data.get("tool", {}).get("flaglint", {})
    else:
        prefix = ()  # flaglint.toml holds the settings at the top level, like ruff.toml
        table = data
    config = parse_table(table, Where(path, lines, prefix), path.parent)
    config = _rooted_above(config, start)
    return _with_requires_python(config, data if path.name == "pyproject.toml" else None)


def _rooted_above(config: Config, start: Path) -> Config:
    """A config kept below the project (`--config ci/flaglint.toml`, checked from the project
    or one of its folders) configures the project: the folder holding both the config and
    `start`, when that is the project's top (it holds `.git` or `pyproject.toml`). Its
    relative `registry` and `src` paths are read from the config's folder, as ruff reads
    them, and rebased onto that root."""
    start = (start if start.is_dir() else start.parent).resolve()
    here = config.root
    top = Path(os.path.commonpath([start, here]))
    if top == here or not (top == start or (top / ".git").exists()
                           or (top / "pyproject.toml").is_file()):
        return config
    start = top

    def rebase(paths: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(os.path.relpath(here / p, start) for p in paths)

    src = rebase(config.src) if config.src != DEFAULT_SRC else config.src
    registry = rebase(config.registry) if config.registry_configured else config.registry
    return dataclasses.replace(config, root=start, src=src, registry=registry)


def _with_requires_python(config: Config, pyproject: dict[str, Any] | None) -> Config:
    """The target version from `requires-python` (the pyproject.toml beside the config, as
    ruff reads it) when `target-version` does not say it."""
    if config.target_version is not None:
        return config
    if pyproject is None:
        try:
            pyproject, _, _ = tomlsource.load(config.root / "pyproject.toml")
        except (tomlsource.TomlError, OSError):
            return config
    project = pyproject.get("project")
    spec = project.get("requires-python") if isinstance(project, dict) else None
    version = lowest_python(spec) if isinstance(spec, str) else None
    if version is None:
        return config
    return dataclasses.replace(config, target_version=version, target_origin="requires-python")


def lowest_python(spec: str) -> tuple[int, int] | None:
    """The lowest Python 3 a `requires-python` specifier allows (">=3.10,<4" -> (3, 10))."""
    lowest = None
    for clause in spec.split(","):
        match = re.fullmatch(r"\s*(>=|~=|==|>)\s*3\.(\d+)(?:\.[\d*]+)*\s*", clause)
        if match:  # `>3.9` still allows 3.9.1: the grammar is 3.9's
            lowest = max(lowest or (3, 0), (3, int(match.group(2))))
    return lowest
