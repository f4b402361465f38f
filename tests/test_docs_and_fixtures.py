"""Rule pages in sync with the docstrings, the configuration reference with the
configuration's definition; fixture projects against their expected.json.

`FLAGLINT_UPDATE_SNAPSHOTS=1 pytest` rewrites what differs and still fails, so that no
run passes by regenerating what it compares: review the diff, then run again. CI never
rewrites.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flaglint.cli import main
from flaglint.docs import expected_pages, missing_headings, write_configuration, write_pages
from flaglint.rules import all_rules

REPO = Path(__file__).resolve().parent.parent
UPDATE = os.environ.get("FLAGLINT_UPDATE_SNAPSHOTS") == "1" and not os.environ.get("CI")


def snapshot(path: Path, actual: str) -> str:
    """What `path` holds; under FLAGLINT_UPDATE_SNAPSHOTS a stale one is rewritten, and the
    test fails all the same."""
    expected = path.read_text(encoding="utf-8") if path.exists() else None
    if UPDATE and expected != actual:
        path.write_text(actual, encoding="utf-8")
        pytest.fail(f"rewrote {path.relative_to(REPO)}: review the diff and run again")
    assert expected is not None, f"{path.relative_to(REPO)} is missing"
    return expected
FIXTURES = sorted(p.parent for p in (REPO / "fixtures").rglob("expected.json"))


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_rule_docstring_has_every_heading(rule):
    assert missing_headings(rule) == []


def test_rule_pages_are_up_to_date():
    folder = REPO / "rules"
    if UPDATE and write_pages(folder):
        pytest.fail("rewrote rule pages: review the diff and run again")
    pages = expected_pages()
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.md")}
    assert sorted(on_disk) == sorted(pages), "run `python -m flaglint.docs`"
    for name, text in pages.items():
        assert on_disk[name] == text, f"rules/{name} is stale: run `python -m flaglint.docs`"


def test_the_configuration_reference_is_made_from_the_definition():
    from flaglint.config import reference

    page = REPO / "docs" / "configuration.md"
    if UPDATE and write_configuration(page):
        pytest.fail("rewrote docs/configuration.md: review the diff and run again")
    assert page.read_text(encoding="utf-8") == reference.render(), (
        "docs/configuration.md is stale: run `python -m flaglint.docs`")


def test_the_reference_lists_every_key_the_configuration_takes(tmp_path):
    """Each documented key is accepted where the page puts it, and a key it does not list is
    refused: the page and the parser share one list."""
    from flaglint.config import ConfigError, load_config
    from flaglint.config.keys import TABLES

    page = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    for table in TABLES:
        section = page.split(f"## `{table.heading}`\n", 1)[1].split("\n## ", 1)[0]
        listed = re.findall(r"^\| `([^`]+)` \|", section, re.M)
        assert listed == list(table.names), table.heading
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.flaglint]\nregistery = ["flags.toml"]\n')
    with pytest.raises(ConfigError, match="unknown key `registery`"):
        load_config(config, tmp_path)


def test_the_reference_example_is_read_as_written(tmp_path):
    from flaglint.config import load_config
    from flaglint.config.reference import EXAMPLE

    (tmp_path / "pyproject.toml").write_text(EXAMPLE)
    config = load_config(tmp_path / "pyproject.toml", tmp_path)
    assert config.lifetimes["operational"] == 14 and config.target_version == (3, 12)
    assert [d.class_ or d.call for d in config.definitions] == [
        "*.WaffleFlag", "myapp.flags.Flags", "jax._src.config.bool_state"]
    assert [e.name for e in config.environments] == ["prod", "servers", "k8s", "ecs"]


def test_the_documented_defaults_are_the_defaults(tmp_path):
    """A default the page writes as TOML is what a configuration without the key gets."""
    from flaglint import tomlsource
    from flaglint.config import load_config
    from flaglint.config.keys import LIFETIMES, TOP

    (tmp_path / "pyproject.toml").write_text("[tool.flaglint]\n")
    config = load_config(tmp_path / "pyproject.toml", tmp_path)
    written = [f"{key.name} = {key.default}" for key in TOP.keys
               if not key.default.startswith("(")]
    written += ["[lifetimes]"] + [f"{key.name} = {key.default}" for key in LIFETIMES.keys
                                  if not key.default.startswith("(")]
    (tmp_path / "defaults.toml").write_text("\n".join(written) + "\n")
    documented, _, _ = tomlsource.load(tmp_path / "defaults.toml")
    lifetimes = documented.pop("lifetimes")
    assert {name: value for name, value in config.lifetimes.items() if value is not None} == \
        lifetimes
    assert len(documented) == 12
    for name, value in documented.items():
        actual = getattr(config, name.replace("-", "_"))
        assert (list(actual) if isinstance(actual, tuple) else actual) == \
            (value if value != {} else []), name


def test_every_fixture_has_an_expected_report():
    projects = {p.parent for p in (REPO / "fixtures").rglob("flags.toml")}
    assert projects and projects <= set(FIXTURES)


def outside_git(project: Path, tmp_path: Path) -> Path:
    """A copy of a fixture outside flaglint's own repository, whose history is not its."""
    copy = tmp_path / project.name
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns(
        "expected*", "make_history.py"))
    return copy


@pytest.mark.parametrize("project", FIXTURES, ids=lambda p: str(p.relative_to(REPO / "fixtures")))
def test_fixture_report(project, capsys, tmp_path):
    code = main(["check", str(outside_git(project, tmp_path)), "--format", "json", "--today",
                 "2026-11-23", "--no-cache"])
    out = capsys.readouterr().out
    expected = json.loads(snapshot(project / "expected.json", out))
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
    assert code == 1
    assert out == snapshot(REPO / "fixtures" / "knight-router" / "expected-history.txt", out)
    codes = {line.split(" ")[1] for line in out.splitlines()[:-1]}
    assert {"FL301", "FL302", "FL401", "FL402", "FL404"} <= codes
    assert out in (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_links_work_from_a_clone():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    local = [t for t in targets if "://" not in t and not t.startswith("mailto:")]
    assert local
    missing = [t for t in local if not (REPO / t).exists() or not (REPO / t).resolve()
               .is_relative_to(REPO)]
    assert missing == []


def test_rule_codes_are_one_list():
    from flaglint.rules import PLANNED, catalogue

    rules = all_rules()
    codes = [rule.code for rule in rules]
    assert len(set(codes)) == len(codes) and len({r.name for r in rules}) == len(rules)
    assert all(re.fullmatch(r"FL\d{3}", code) for code in codes)
    assert catalogue() == sorted([*codes, *PLANNED]) and not set(codes) & set(PLANNED)
    for rule in rules:
        assert (REPO / "rules" / f"{rule.code}-{rule.name}.md").is_file()
    # The static catalogue, which selects rules without importing them, is the rules' own.
    from flaglint.rules.catalogue import CATALOGUE

    assert [(e.code, e.name, e.default_enabled) for e in CATALOGUE] == [
        (r.code, r.name, r.default_enabled) for r in rules]
