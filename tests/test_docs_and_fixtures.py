"""Rule pages in sync with the docstrings; fixture projects against their expected.json.

`FLAGLINT_UPDATE_SNAPSHOTS=1 pytest` rewrites both; review the diff.
"""

from __future__ import annotations

import io
import json
import os
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


@pytest.mark.parametrize("project", FIXTURES, ids=lambda p: str(p.relative_to(REPO / "fixtures")))
def test_fixture_report(project, capsys):
    code = main(["check", str(project), "--format", "json", "--today", "2026-11-23",
                 "--no-cache"])
    out = capsys.readouterr().out
    expected_path = project / "expected.json"
    if UPDATE:
        expected_path.write_text(out, encoding="utf-8")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert json.loads(out) == expected
    assert code == (1 if expected["findings"] else 0)


def test_readme_shows_what_the_example_really_prints(capsys):
    main(["check", str(REPO / "fixtures" / "knight-router"), "--today", "2026-11-23",
          "--no-cache"])
    out = capsys.readouterr().out
    assert out in (REPO / "README.md").read_text(encoding="utf-8")
