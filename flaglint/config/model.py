"""What the configuration holds: the settings, their defaults, and the error a user must
fix."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flaglint.presets import DefinitionSpec, ReaderSpec

FLAG_TYPES = ("release", "experiment", "operational", "kill-switch", "permission")
# Days a flag of each type may live, after Unleash; None: never expires.
DEFAULT_LIFETIMES: dict[str, int | None] = {
    "release": 40, "experiment": 40, "operational": 7, "kill-switch": None, "permission": None,
}
DEFAULT_EXCLUDE = (
    ".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", ".eggs", "*.egg-info",
    "__pycache__", "__pypackages__", ".mypy_cache", ".ruff_cache", ".pytest_cache",
    "node_modules", "build", "dist", "site-packages",
)
DEFAULT_SRC = (".",)
DEFAULT_TESTS = ("tests/**", "test/**", "**/tests.py", "**/test_*.py", "**/*_test.py",
                 "**/conftest.py")
REGISTRY_FIELDS = ("type", "owner", "description", "created", "expires", "status", "value",
                   "retired")


class ConfigError(Exception):
    """A configuration or registry problem the user must fix: exit 2."""

    def __init__(self, path: Path | None, line: int, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


ENV_FORMATS = ("env", "json", "toml", "yaml", "ini")


INI_INLINE_COMMENTS = ";#"  # the default of an environment's `inline-comments`


@dataclass(frozen=True, slots=True)
class EnvironmentSpec:
    """One `[tool.flaglint.environments]` entry: a deployment config file, or a glob of
    them (one host each, compared with each other)."""

    name: str
    path: str  # relative to the root; a glob when it holds * ? or [
    at: str | None = None  # where the settings are: "data", "containerDefinitions[*].environment"
    format: str | None = None  # None: from the file name
    prefix: str = ""  # FEATURE_ + the flag key
    case: str | None = None  # "upper" | "lower": how the key is written after the prefix
    line: int = field(default=0, compare=False)  # of the entry in the configuration
    # INI only: the characters that start a comment after a value (after whitespace, as
    # configparser's inline comments): `new_ui = true ; settled` is `true`. "" for none.
    inline_comments: str = INI_INLINE_COMMENTS

    @property
    def is_glob(self) -> bool:
        return any(c in self.path for c in "*?[")


# `[[tool.flaglint.flag-state]]` formats: the export of a flag service, or a flagd file
FLAG_STATE_FORMATS = ("flagd", "unleash", "launchdarkly", "flagsmith", "growthbook", "posthog")


@dataclass(frozen=True, slots=True)
class FlagStateSpec:
    """One `[[tool.flaglint.flag-state]]` entry: the export of a flag service (or flagd
    file) that a team keeps in the repository, read as a registry and its environments."""

    format: str  # one of FLAG_STATE_FORMATS
    path: str  # relative to the root; a glob when it holds * ? or [
    environment: str | None = None  # the one environment kept of a multi-environment export
    line: int = field(default=0, compare=False)  # of the entry in the configuration

    @property
    def is_glob(self) -> bool:
        return any(c in self.path for c in "*?[")


@dataclass(frozen=True, slots=True)
class Config:
    root: Path
    source: Path | None = None
    registry: tuple[str, ...] = ("flags.toml",)
    registry_configured: bool = False
    src: tuple[str, ...] = DEFAULT_SRC
    exclude: tuple[str, ...] = ()
    presets: tuple[str, ...] | None = None  # None: every preset whose SDK the project imports
    tests: tuple[str, ...] = DEFAULT_TESTS
    lifetimes: dict[str, int | None] = field(default_factory=lambda: dict(DEFAULT_LIFETIMES))
    readers: tuple[ReaderSpec, ...] = ()
    definitions: tuple[DefinitionSpec, ...] = ()
    environments: tuple[EnvironmentSpec, ...] = ()
    flag_state: tuple[FlagStateSpec, ...] = ()
    require: tuple[str, ...] = ("owner", "type")
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    overloaded: int = 3  # FL403: how many top-level packages make a flag overloaded
    # The Python the project is written for (`target-version`, else `requires-python`): the
    # grammar FL001 names. None: not said.
    target_version: tuple[int, int] | None = None
    target_origin: str = ""



NEWEST_PYTHON = (3, 14)  # the newest grammar libcst (>= 1.8.3) reads
