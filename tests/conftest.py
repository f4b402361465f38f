from __future__ import annotations

import datetime as dt
import os
import subprocess
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest

from flaglint.config import find_config, load_config
from flaglint.engine.analyze import Request, analyze
from flaglint.engine.inputs import gather
from flaglint.engine.origins import Origins
from flaglint.findings import Finding
from flaglint.model.project import Project
from flaglint.rules import all_rules, select_rules
from flaglint.rules.outcome import run
from flaglint.store import Store

TODAY = dt.date(2026, 11, 23)

# A registry with one rolled-out flag, for tests about reads of a settled flag.
SETTLED = """
    [flags.old_ui]
    owner = "web"
    type = "release"
    status = "rolled-out"
    value = true
"""


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory,
                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLAGLINT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def analyze_tree(root: Path, today: dt.date = TODAY, *, named: bool = False) -> Project:
    """The project at `root`, analysed without a cache file, as every rule needs it
    (`named`: every file as if named on the command line, so all are checked for syntax)."""
    config = load_config(find_config(root), root)
    store = Store.disabled()
    inputs = gather(config, today, store)
    return analyze(inputs, store, Request(origins=Origins.ENDED,
                                          syntax=frozenset(inputs.keys) if named else frozenset()))


def lint_tree(root: Path, select: tuple[str, ...] = (), today: dt.date = TODAY, *,
              named: bool = False) -> list[Finding]:
    project = analyze_tree(root, today, named=named)
    rules = select_rules(all_rules(), select, ())
    return run(project, rules).findings


class Found(NamedTuple):
    """A finding as the rule tests compare it (equal to the plain tuple they write)."""

    code: str
    path: str
    line: int
    column: int
    message: str


LintFn = Callable[..., list[Found]]


@pytest.fixture
def lint(tmp_path: Path) -> LintFn:
    """lint(files, select=...) -> the findings, as Found records"""

    def go(files: dict[str, str], select: tuple[str, ...] = (),
           today: dt.date = TODAY) -> list[Found]:
        write_tree(tmp_path, files)
        return [Found(f.code, f.path, f.span.line, f.span.column, f.message)
                for f in lint_tree(tmp_path, select, today)]

    return go


def git(root: Path, *args: str, date: str | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    if date is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{date}T12:00:00+00:00"
    result = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True,
                            check=True)
    return result.stdout


def commit_all(root: Path, message: str, date: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, date=date)
