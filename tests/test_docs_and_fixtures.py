"""Rule pages in sync with the docstrings; fixture projects against their expected.json.

`FLAGLINT_UPDATE_SNAPSHOTS=1 pytest` rewrites both; review the diff.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flaglint.cli import main
from flaglint.docs import expected_pages, missing_headings, write_pages
from flaglint.rules import all_rules

REPO = Path(__file__).resolve().parent.parent
UPDATE = os.environ.get("FLAGLINT_UPDATE_SNAPSHOTS") == "1"
FIXTURES = sorted(p.parent for p in (REPO / "fixtures").rglob("expected.json"))


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_rule_docstring_has_every_heading(rule):
    assert missing_headings(rule) == []


def test_rule_pages_are_up_to_date():
    folder = REPO / "rules"
    if UPDATE:
        write_pages(folder)
    pages = expected_pages()
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.md")}
    assert sorted(on_disk) == sorted(pages), "run `python -m flaglint.docs`"
    for name, text in pages.items():
        assert on_disk[name] == text, f"rules/{name} is stale: run `python -m flaglint.docs`"


def test_every_fixture_has_an_expected_report():
    projects = {p.parent for p in (REPO / "fixtures").rglob("flags.toml")}
    assert projects and projects <= set(FIXTURES)


def outside_git(project: Path, tmp_path: Path) -> Path:
    """A copy of a fixture outside flaglint's own repository, whose history is not its."""
    copy = tmp_path / project.name
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns(
        "expected.json", "expected-history.txt", "make_history.py"))
    return copy


@pytest.mark.parametrize("project", FIXTURES, ids=lambda p: str(p.relative_to(REPO / "fixtures")))
def test_fixture_report(project, capsys, tmp_path):
    code = main(["check", str(outside_git(project, tmp_path)), "--format", "json", "--today",
                 "2026-11-23", "--no-cache"])
    out = capsys.readouterr().out
    expected_path = project / "expected.json"
    if UPDATE:
        expected_path.write_text(out, encoding="utf-8")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert json.loads(out) == expected
    assert code == (1 if expected["findings"] else 0)


def knight_with_history(tmp_path: Path) -> Path:
    target = tmp_path / "knight-router"
    subprocess.run([sys.executable, str(REPO / "fixtures" / "knight-router" / "make_history.py"),
                    str(target)], check=True, capture_output=True)
    return target


def test_knight_story_with_history(tmp_path, capsys):
    """FL401/FL404 on the reused key, FL301/FL302 on what it guards, FL402 on a new meaning."""
    root = knight_with_history(tmp_path)
    code = main(["check", str(root), "--today", "2026-11-23", "--no-cache"])
    out = capsys.readouterr().out
    snapshot = REPO / "fixtures" / "knight-router" / "expected-history.txt"
    if UPDATE:
        snapshot.write_text(out, encoding="utf-8")
    assert code == 1
    assert out == snapshot.read_text(encoding="utf-8")
    codes = {line.split(" ")[1] for line in out.splitlines()[:-1]}
    assert {"FL301", "FL302", "FL401", "FL402", "FL404"} <= codes
    assert out in (REPO / "README.md").read_text(encoding="utf-8")
