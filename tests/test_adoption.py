"""What a team copies to adopt flaglint works as copied: the README's test command is the
project's CI, and the suite reads nothing beside the clone."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def block_after(heading: str, language: str) -> str:
    """The first fenced block of `language` after `heading` in the README."""
    found = re.search(re.escape(heading) + r".*?```" + language + r"\n(.*?)```", README, re.S)
    assert found, f"no ```{language} block after {heading!r} in README.md"
    return found.group(1)


def test_ci_runs_the_readmes_test_command_last():
    command = block_after("**Run the tests**", "sh").strip()
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").rstrip("\n").splitlines()
    assert ci[-1] == command


def test_nothing_reads_beside_the_clone():
    """../shared is reference material next to a developer's clone, absent on users' machines."""
    beside = re.compile(r"\.\./shared|\.parent\s*/\s*[\"']shared[\"']")
    readers = [path.relative_to(REPO) for folder in ("flaglint", "tests", ".ci")
               for path in sorted((REPO / folder).rglob("*"))
               if path.is_file() and path.suffix in (".py", "") and path != Path(__file__)
               and beside.search(path.read_text(encoding="utf-8", errors="replace"))]
    assert readers == []
