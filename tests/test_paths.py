"""Paths are relative to the project root, whatever path is checked, in every format: a
project whose root is where its configuration is (or, without one, its git repository and
`flags.toml`), checked as `flaglint check root/pkg` from above it and as `flaglint check .`
from inside `pkg`, names `pkg/mod.py` in text, JSON (findings and fix edits), SARIF (result
and fix locations, with `%SRCROOT%` the root), GitHub annotations, GitLab Code Quality and
Markdown (whose links add the root's place in its repository)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import commit_all, git, write_tree

MODULE = """\
if client.is_enabled("typo"):
    pass
if client.is_enabled("done"):
    go()
else:
    stop()
"""
REGISTRY = '[flags.done]\nowner = "web"\ntype = "release"\nstatus = "rolled-out"\nvalue = true\n'
CONFIG = '[tool.flaglint]\npresets = ["unleash"]\n'
LINES = [1, 3, 5]  # FL101 typo, FL202 done, FL301 the dead else
# Where the project root is inside its git repository, for the Markdown links.
SCENARIOS = {
    # [tool.flaglint] at the repository's top
    "configured": ("", {"pyproject.toml": CONFIG}),
    # the configuration in a folder of a bigger repository: paths start at that folder
    "configured-below-the-repository": ("services/root/", {"pyproject.toml": CONFIG}),
    # no configuration at all: the root is the repository (which has flags.toml)
    "unconfigured": ("", {"app.py": "import UnleashClient\n"}),
}
FORMATS = ("json", "sarif", "github", "gitlab", "markdown")


def project(base: Path, scenario: str) -> Path:
    prefix, extra = SCENARIOS[scenario]
    top = base / "repository"
    root = top / prefix
    write_tree(root, {"flags.toml": REGISTRY, "pkg/__init__.py": "", "pkg/mod.py": MODULE,
                      "other/reads.py": 'client.is_enabled("elsewhere")\n', **extra})
    git(top, "init", "-q", "-b", "main")
    commit_all(top, "the project", "2026-11-01")
    return root


@pytest.fixture(scope="module", params=[
    (scenario, where) for scenario in SCENARIOS for where in ("from-above", "from-inside")],
    ids=lambda p: f"{p[0]}-{p[1]}")
def reports(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> dict[str, Any]:
    """Every format of one run: `check root/pkg` from the root's parent, or `check .` from
    inside pkg, in a GitHub Actions environment (for the Markdown links)."""
    scenario, where = request.param
    base = tmp_path_factory.mktemp(scenario)
    root = project(base, scenario)
    out = base / "reports"
    out.mkdir()
    cwd, target = (root.parent, f"{root.name}/pkg") if where == "from-above" else \
        (root / "pkg", ".")
    env = {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}
    env.update(GITHUB_REPOSITORY="owner/shop", GITHUB_SHA="0" * 40,
               GITHUB_SERVER_URL="https://github.com",
               FLAGLINT_CACHE_DIR=str(base / "cache"))
    result = subprocess.run(
        [sys.executable, "-m", "flaglint", "check", target, "--today", "2026-11-23",
         *(f"--output-format={name}={out / name}" for name in FORMATS)],
        cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 1, result.stderr
    reports: dict[str, Any] = {"text": result.stdout, "root": root,
                               "prefix": SCENARIOS[scenario][0]}
    for name in FORMATS:
        text = (out / name).read_text(encoding="utf-8")
        reports[name] = json.loads(text) if name in ("json", "sarif", "gitlab") else text
    return reports


def test_text_paths_are_from_the_root(reports):
    lines = reports["text"].splitlines()
    assert [line.split(": ", 1)[0] for line in lines[:3]] == [
        "pkg/mod.py:1:4", "pkg/mod.py:3:4", "pkg/mod.py:5:1"]
    assert lines[3].startswith("Found 3 findings")


def test_json_paths_are_from_the_root(reports):
    findings = reports["json"]["findings"]
    assert [(f["path"], f["line"]) for f in findings] == [("pkg/mod.py", n) for n in LINES]
    edits = [e["path"] for f in findings if f["fix"] for e in f["fix"]["edits"]]
    assert edits and set(edits) == {"pkg/mod.py"}


def test_sarif_paths_are_from_the_root(reports):
    run = reports["sarif"]["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": reports["root"].as_uri() + "/"}}
    locations = [r["locations"][0]["physicalLocation"] for r in run["results"]]
    assert [(p["artifactLocation"], p["region"]["startLine"]) for p in locations] == [
        ({"uri": "pkg/mod.py", "uriBaseId": "%SRCROOT%"}, n) for n in LINES]
    changes = [c["artifactLocation"] for r in run["results"] for fix in r.get("fixes", ())
               for c in fix["artifactChanges"]]
    assert changes and all(c == {"uri": "pkg/mod.py", "uriBaseId": "%SRCROOT%"}
                           for c in changes)


def test_github_annotation_paths_are_from_the_root(reports):
    lines = reports["github"].splitlines()
    assert [line.split(",", 2)[:2] for line in lines] == [
        ["::warning file=pkg/mod.py", f"line={n}"] for n in LINES]


def test_gitlab_paths_are_from_the_root(reports):
    assert [(i["location"]["path"], i["location"]["lines"]["begin"])
            for i in reports["gitlab"]] == [("pkg/mod.py", n) for n in LINES]


def test_markdown_paths_are_from_the_root_and_links_from_the_repository(reports):
    text = reports["markdown"]
    blob = f"https://github.com/owner/shop/blob/{'0' * 40}/{reports['prefix']}pkg/mod.py"
    assert f"[pkg/mod.py:1]({blob}#L1)" in text
    assert f"[pkg/mod.py:5]({blob}#L5-L6)" in text
    assert "](" + blob.replace("pkg/mod.py", "mod.py") not in text
