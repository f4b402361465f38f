"""What a team copies to adopt flaglint works as copied: the README's pre-commit snippet
installs and runs the hook through the real `pre-commit`, every flaglint revision the docs pin
is a commit of this clone's history, the README's test command is the project's CI, and the
suite reads nothing beside the clone."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import commit_all, write_tree

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def block_after(heading: str, language: str) -> str:
    """The first fenced block of `language` after `heading` in the README."""
    found = re.search(re.escape(heading) + r".*?```" + language + r"\n(.*?)```", README, re.S)
    assert found, f"no ```{language} block after {heading!r} in README.md"
    return found.group(1)


def in_clone(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)


def require_commit_of_this_history(rev: str, where: str) -> None:
    """Fail, naming `rev`, unless it is a full commit SHA that this clone has and HEAD
    descends from: a commit of main, which a clone of main resolves without tags."""
    assert re.fullmatch(r"[0-9a-f]{40}", rev), (
        f"{where} pins flaglint at {rev!r}: pin a full 40-hex commit SHA of main, since no tags "
        "are published")
    assert in_clone("cat-file", "-e", f"{rev}^{{commit}}").returncode == 0, (
        f"{where} pins flaglint at {rev}, which is not a commit in this clone ({REPO}); pin a "
        "commit of main (a shallow clone needs `git fetch --unshallow` to see it)")
    assert in_clone("merge-base", "--is-ancestor", rev, "HEAD").returncode == 0, (
        f"{where} pins flaglint at {rev}, which HEAD does not descend from: pin a commit of main")


# -- pre-commit --------------------------------------------------------------------------------

PROJECT = {
    "pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n',
    "flags.toml": '[flags.used]\nowner = "a"\ntype = "kill-switch"\n',
    "app/__init__.py": "",
    "app/main.py": 'if client.is_enabled("used"):\n    pass\n',
}
TYPO = 'if client.is_enabled("used"):\n    pass\nif client.is_enabled("typo"):\n    pass\n'


def pre_commit_config() -> tuple[str, str]:
    """The README's snippet, with only its `repo:` URL replaced by this clone's path; its rev."""
    snippet = block_after("### pre-commit", "yaml")
    config, count = re.subn(r"^(  - repo: )\S+", lambda m: f"{m[1]}{REPO}", snippet, flags=re.M)
    assert count == 1, "the README's pre-commit snippet has one `- repo:` line"
    revs = re.findall(r"^    rev: (\S+)$", snippet, re.M)
    assert len(revs) == 1, "the README's pre-commit snippet has one `rev:` line"
    return config, revs[0]


def pre_commit(project: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    binary = Path(sys.executable).parent / "pre-commit"
    if not binary.exists():
        pytest.fail("pre-commit is not installed: pip install -e '.[test]'")
    env = {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}
    env.update(PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never")
    return subprocess.run([str(binary), *args], cwd=project, env=env, capture_output=True,
                          text=True, timeout=900, check=False)


def project_with_hook(root: Path, files: dict[str, str], config: str) -> Path:
    write_tree(root, {**files, ".pre-commit-config.yaml": config})
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    commit_all(root, "a project that adopts the hook", "2026-11-01")
    return root


@pytest.fixture(scope="module")
def hooked(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, Path]:
    """A project set up with the README's snippet, its hook environment installed once into a
    PRE_COMMIT_HOME of its own."""
    config, rev = pre_commit_config()
    require_commit_of_this_history(rev, "README.md's pre-commit snippet")
    home = tmp_path_factory.mktemp("pre-commit-home")
    project = project_with_hook(tmp_path_factory.mktemp("hooked") / "shop", PROJECT, config)
    installed = pre_commit(project, home, "install-hooks")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return config, home, project


def test_the_readme_hook_passes_a_clean_project(hooked):
    _, home, project = hooked
    result = pre_commit(project, home, "run", "--all-files")
    assert (result.returncode, result.stdout, result.stderr) == (
        0, "flaglint.................................................................Passed\n", "")


def test_the_readme_hook_fails_on_an_undeclared_flag(hooked, tmp_path):
    config, home, _ = hooked
    project = project_with_hook(tmp_path / "shop", {**PROJECT, "app/main.py": TYPO}, config)
    result = pre_commit(project, home, "run", "--all-files")
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout == (
        "flaglint.................................................................Failed\n"
        "- hook id: flaglint\n"
        "- exit code: 1\n"
        "\n"
        "app/main.py:3:4: FL101 [typo] Flag `typo` is declared in no registry or definition; "
        "nobody owns it and it never expires\n"
        "Found 1 finding (1 warning) in 2 files, 2 flags.\n"
        "\n")


def test_pre_commit_autoupdate_moves_the_rev_to_the_newest_commit(hooked):
    """What the snippet's comment promises: with no tags, autoupdate pins the newest commit of
    the branch the repository serves (here this clone's HEAD)."""
    config, home, project = hooked
    _, rev = pre_commit_config()
    result = pre_commit(project, home, "autoupdate")
    assert result.returncode == 0, result.stdout + result.stderr
    head = in_clone("rev-parse", "HEAD").stdout.strip()
    updated = (project / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    (project / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    assert updated == config.replace(f"rev: {rev}\n", f"rev: {head}\n")


# -- pinned revisions ----------------------------------------------------------------------------

PINS = re.compile(r"^\s*rev:\s*([^\s#]+)|flaglint(?:\.git)?@([^\s\"'#]+)", re.M)


def pinned_revs() -> list[tuple[str, str]]:
    """(file, rev) for every flaglint revision the README, docs/ci and the action name."""
    files = [REPO / "README.md", REPO / "action.yml", *sorted((REPO / "docs" / "ci").iterdir())]
    return [(str(path.relative_to(REPO)), found[0] or found[1]) for path in files
            for found in PINS.findall(path.read_text(encoding="utf-8"))]


def test_every_pinned_rev_is_a_commit_of_this_history():
    pins = pinned_revs()
    assert {where for where, _ in pins} >= {
        "README.md", "docs/ci/github-workflow.yml", "docs/ci/gitlab-ci.yml"}
    for where, rev in pins:
        require_commit_of_this_history(rev, where)
    assert len({rev for _, rev in pins}) == 1, f"one rev everywhere, not {pins}"


# -- the test command ------------------------------------------------------------------------

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
