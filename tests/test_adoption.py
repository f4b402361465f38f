"""What a team copies to adopt flaglint works as copied: the README's pre-commit snippet
installs and runs the hook through the real `pre-commit`; every flaglint revision the docs pin
is a commit of this clone's history; the Action checks its inputs first, leaves the job's
Python alone, keeps flaglint's cache and uploads SARIF only where it can; the GitLab job's
script runs; the README's test command is the project's CI; and the suite reads nothing beside
the clone."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import commit_all, git, write_tree

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def block_after(heading: str, language: str) -> str:
    """The first fenced block of `language` after `heading` in the README."""
    found = re.search(re.escape(heading) + r".*?```" + language + r"\n(.*?)```", README, re.S)
    assert found, f"no ```{language} block after {heading!r} in README.md"
    return found.group(1)


def environment_without_git() -> dict[str, str]:
    """This environment less GIT_* variables (set when pytest runs inside a git hook), which
    would point the tools run here at another repository."""
    return {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}


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
    env = environment_without_git()
    env.update(PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never")
    return subprocess.run([str(binary), *args], cwd=project, env=env, capture_output=True,
                          text=True, timeout=900, check=False)


def project_with_hook(root: Path, files: dict[str, str], config: str) -> Path:
    write_tree(root, {**files, ".pre-commit-config.yaml": config})
    git(root, "init", "-q", "-b", "main")
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

PINS = re.compile(r"^\s*rev:\s*(?P<rev>[^\s#]+)|flaglint(?:\.git)?@(?P<ref>[^\s\"'#]+)", re.M)


def pinned_revs() -> list[tuple[str, str]]:
    """(file, rev) for every flaglint revision the README, docs/ci and the action name."""
    files = [REPO / "README.md", REPO / "action.yml", *sorted((REPO / "docs" / "ci").iterdir())]
    return [(str(path.relative_to(REPO)), pin["rev"] or pin["ref"]) for path in files
            for pin in PINS.finditer(path.read_text(encoding="utf-8"))]


def test_every_pinned_rev_is_a_commit_of_this_history():
    pins = pinned_revs()
    assert {where for where, _ in pins} >= {
        "README.md", "docs/ci/github-workflow.yml", "docs/ci/gitlab-ci.yml"}
    for where, rev in pins:
        require_commit_of_this_history(rev, where)
    assert len({rev for _, rev in pins}) == 1, f"one rev everywhere, not {pins}"


# -- the GitHub Action and the GitLab job -------------------------------------------------------

ACTION: dict[str, Any] = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
GITLAB: dict[str, Any] = yaml.safe_load(
    (REPO / "docs" / "ci" / "gitlab-ci.yml").read_text(encoding="utf-8"))["flaglint"]
BROKEN = "def broken(:\n"  # FL001, an error


def merge_request(root: Path) -> Path:
    """A project whose main branch is clean and pushed to `origin`, and a change on top of it
    that reads an undeclared flag (FL101, a warning) and adds a file that does not parse
    (FL001, an error)."""
    (root / "origin.git").mkdir(parents=True)
    git(root / "origin.git", "init", "-q", "--bare", "-b", "main")
    project = root / "shop"
    write_tree(project, PROJECT)
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "the shop", "2026-11-01")
    git(project, "remote", "add", "origin", str(root / "origin.git"))
    git(project, "push", "-q", "origin", "main")
    git(project, "fetch", "-q", "origin")
    write_tree(project, {"app/main.py": TYPO, "app/broken.py": BROKEN})
    commit_all(project, "a typo, and a file that does not parse", "2026-11-02")
    return project


def action_step(key: str) -> dict[str, Any]:
    """The action's step with this id."""
    return next(step for step in ACTION["runs"]["steps"] if step.get("id") == key)


def run_action_step(key: str, project: Path, **given: str) -> tuple[int, str, str, str]:
    """Run a `run:` step as the runner does (bash -eo pipefail) with its `env:`, each `${{ X }}`
    filled from `given` (`inputs.fail-on`: the input; else the action's default); the exit
    code, stdout, stderr and what the step wrote to $GITHUB_OUTPUT."""
    step = action_step(key)
    context = {f"inputs.{name}": str(spec.get("default", ""))
               for name, spec in ACTION["inputs"].items()}
    context.update(given)
    context.setdefault("runner.temp", str(project.parent / "runner-temp"))
    output = project.parent / "github-output"
    output.write_text("", encoding="utf-8")
    env = environment_without_git()
    env.pop("GITHUB_BASE_REF", None)
    env.update(GITHUB_ACTION_PATH=str(REPO), GITHUB_OUTPUT=str(output),
               GITHUB_STEP_SUMMARY=str(project.parent / "step-summary.md"))
    env.update({name: re.sub(r"\$\{\{ ([^}]+?) \}\}", lambda m: context[m[1]], str(value))
                for name, value in step.get("env", {}).items()})
    env.update({name: value for name, value in given.items() if name.isupper()})
    result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                             step["run"]], cwd=project, env=env, capture_output=True, text=True,
                            timeout=300, check=False)
    return result.returncode, result.stdout, result.stderr, output.read_text(encoding="utf-8")


def test_the_inputs_are_checked_before_anything_is_installed(tmp_path):
    assert ACTION["runs"]["steps"][0]["id"] == "inputs"
    project = merge_request(tmp_path)
    assert run_action_step("inputs", project) == (0, "", "", "diff-base=\n")
    assert run_action_step("inputs", project, GITHUB_BASE_REF="main") == (
        0, "", "", "diff-base=origin/main\n")


@pytest.mark.parametrize(("name", "value", "error"), [
    ("fail-on", "eror", "fail-on: 'eror' is not error, warning, note or never"),
    ("fail-on", "100%\nsure", "fail-on: '100%25%0Asure' is not error, warning, note or never"),
    ("upload-sarif", "yes", "upload-sarif: 'yes' is not true or false"),
    ("python-version", "3.9", "python-version: '3.9' is older than 3.10, which flaglint needs"),
    ("python-version", "latest", "python-version: 'latest' is not a Python version such as 3.12"),
    ("path", "src", "path: 'src' is not a folder of the checkout"),
    ("diff-base", "origin/develop",
     "diff-base: 'origin/develop' is not a commit of the checkout (check out with fetch-depth: 0)"),
    ("baseline", "old.json",
     "baseline: no file 'old.json' (record one with flaglint check --write-baseline)"),
    ("args", "--select 'FL4'",
     "args: quotes and backslashes are not supported (it is split on spaces): --select 'FL4'"),
    ("sarif-file", "out/flaglint.sarif",
     "sarif-file: 'out/flaglint.sarif' is not a file name in an existing folder"),
    ("requirement", "-e .", "requirement: '-e .' is not one pip requirement or path"),
])
def test_a_bad_input_is_one_error_line_and_exit_2(tmp_path, name, value, error):
    project = merge_request(tmp_path)
    assert run_action_step("inputs", project, **{f"inputs.{name}": value}) == (
        2, f"::error title=flaglint input::{error}\n", "", "")


def test_an_unfetched_pull_request_base_is_an_input_error(tmp_path):
    project = merge_request(tmp_path)
    assert run_action_step("inputs", project, GITHUB_BASE_REF="release") == (
        2, "::error title=flaglint input::diff-base: 'origin/release' is not a commit of the "
           "checkout (check out with fetch-depth: 0)\n", "", "")


def test_the_action_checks_the_change_and_fails_on_its_error(tmp_path):
    """The check and verdict steps, run with this Python as the one the action installs: the
    annotations of what the change brought, the SARIF log and its count, flaglint's cache in
    the folder the cache steps keep, and the job failing at `fail-on`."""
    project = merge_request(tmp_path)
    given = {"steps.install.outputs.python": sys.executable,
             "steps.inputs.outputs.diff-base": "origin/main"}
    code, out, err, output = run_action_step("check", project, **given)
    assert (code, err, output) == (0, "", "sarif-file=flaglint.sarif\nfindings=2\n")
    assert out.splitlines() == [
        "::error file=app/broken.py,line=1,col=12,endLine=1,title=FL001 parse-error::Cannot parse "
        "as Python 3 (any version up to 3.14): invalid syntax; its flag reads are not checked",
        "::warning file=app/main.py,line=3,col=4,endLine=3,endColumn=29,title=FL101 "
        "undefined-flag [typo]::Flag `typo` is declared in no registry or definition; nobody "
        "owns it and it never expires"]
    summary = (project.parent / "step-summary.md").read_text(encoding="utf-8")
    assert summary.startswith("## flaglint: 2 findings (1 error, 1 warning)\n")
    assert list((project.parent / "runner-temp" / "flaglint-cache").iterdir())
    given["steps.check.outputs.sarif-file"] = "flaglint.sarif"
    assert run_action_step("fail", project, **given)[:3] == (
        1, "", "flaglint: 1 finding(s) at error or above\n")
    assert run_action_step("fail", project, **given, **{"inputs.fail-on": "warning"})[:3] == (
        1, "", "flaglint: 2 finding(s) at warning or above\n")


def test_the_actions_path_narrows_the_report_not_its_paths(tmp_path):
    """`path: app` checks that folder; annotations still name files from the project root
    (the checkout), where GitHub looks for them."""
    project = merge_request(tmp_path)
    given = {"steps.install.outputs.python": sys.executable,
             "steps.inputs.outputs.diff-base": "origin/main", "inputs.path": "app"}
    code, out, err, _ = run_action_step("check", project, **given)
    assert (code, err) == (0, "")
    assert [line.split(",", 1)[0] for line in out.splitlines()] == [
        "::error file=app/broken.py", "::warning file=app/main.py"]


def test_the_action_leaves_the_jobs_python_alone():
    """setup-python only hands over an interpreter; flaglint gets a venv of its own, and no step
    runs a bare `python`, `pip` or `flaglint` or changes the job's PATH or environment."""
    python = action_step("python")
    assert python["uses"] == "actions/setup-python@v5"
    assert python["with"]["update-environment"] is False
    assert action_step("install")["env"]["PYTHON"] == "${{ steps.python.outputs.python-path }}"
    for step in ACTION["runs"]["steps"]:
        script = step.get("run", "")
        assert not re.search(r"(^\s*|[;&|(]\s*|\bthen\s+)(python3?|pip3?|flaglint)\b", script,
                             re.M), step["id"]
        assert "GITHUB_PATH" not in script and "GITHUB_ENV" not in script


def test_the_action_keeps_flaglints_cache():
    """Restored before the check (a pull request's first run from its base branch's newest
    cache), written there through FLAGLINT_CACHE_DIR, saved after it."""
    restore, check = action_step("cache"), action_step("check")
    save = next(s for s in ACTION["runs"]["steps"] if s.get("uses") == "actions/cache/save@v4")
    folder = "${{ runner.temp }}/flaglint-cache"
    assert restore["uses"] == "actions/cache/restore@v4"
    assert restore["with"]["path"] == save["with"]["path"] == \
        check["env"]["FLAGLINT_CACHE_DIR"] == folder
    assert restore["with"]["key"] == "flaglint-${{ runner.os }}-${{ github.ref }}-${{ github.sha }}"
    assert restore["with"]["restore-keys"].splitlines() == [
        "flaglint-${{ runner.os }}-${{ github.ref }}-",
        "flaglint-${{ runner.os }}-refs/heads/${{ github.base_ref }}-"]
    assert save["with"]["key"] == "${{ steps.cache.outputs.cache-primary-key }}"
    steps = ACTION["runs"]["steps"]
    assert steps.index(restore) < steps.index(check) < steps.index(save)


def test_sarif_is_uploaded_only_where_it_can_be():
    """Not on a pull request from a fork (its token cannot write alerts); a failed upload (code
    scanning unavailable) does not fail the job; either way a notice says why."""
    upload, notice = action_step("upload"), action_step("why-not-uploaded")
    assert upload["uses"] == "github/codeql-action/upload-sarif@v3"
    assert upload["if"] == (
        "inputs.upload-sarif == 'true' && (!github.event.pull_request "
        "|| github.event.pull_request.head.repo.full_name == github.repository)")
    assert upload["continue-on-error"] is True
    assert notice["if"] == "inputs.upload-sarif == 'true' && steps.upload.outcome != 'success'"
    project = REPO  # the notice step reads nothing from the project
    for outcome, why in (
            ("skipped", "a pull request from a fork cannot write code scanning alerts"),
            ("failure", "the upload failed: code scanning is off for this repository, or the "
                        "job lacks 'permissions: security-events: write' (set upload-sarif: "
                        "false to skip it)")):
        assert run_action_step("why-not-uploaded", project,
                               **{"steps.upload.outcome": outcome})[:3] == (
            0, f"::notice title=flaglint::SARIF log not uploaded: {why}; the annotations and "
               "the step summary show the findings\n", "")


def test_the_gitlab_job_checks_the_merge_request_and_fails_on_its_error(tmp_path):
    """The job's script after its `pip install` (this environment already has flaglint), run
    as a merge request pipeline would: the Code Quality report of what the change brought,
    flaglint's cache in the folder the job caches, and the job failing on the error."""
    project = merge_request(tmp_path)
    variables = {"CI_PROJECT_DIR": str(project), "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"}
    variables.update({name: value.replace("$CI_PROJECT_DIR", str(project))
                      for name, value in GITLAB["variables"].items()})
    assert GITLAB["script"][0] == 'pip install --quiet "$FLAGLINT_REQUIREMENT"'
    env = environment_without_git()
    env.update(variables, PATH=f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}")
    result = subprocess.run(["bash", "-e", "-c", "\n".join(GITLAB["script"][1:])], cwd=project,
                            env=env, capture_output=True, text=True, timeout=300, check=False)
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout.splitlines() == [
        "app/broken.py:1:12: FL001 Cannot parse as Python 3 (any version up to 3.14): invalid "
        "syntax; its flag reads are not checked",
        "app/main.py:3:4: FL101 [typo] Flag `typo` is declared in no registry or definition; "
        "nobody owns it and it never expires",
        "Found 2 findings (1 error, 1 warning) in 3 files, 2 flags."]
    report = json.loads((project / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    assert [(issue["check_name"], issue["severity"], issue["location"]["path"])
            for issue in report] == [("FL001", "major", "app/broken.py"),
                                     ("FL101", "minor", "app/main.py")]
    cache = GITLAB["cache"]
    assert variables["FLAGLINT_CACHE_DIR"] == f"{project}/.flaglint-cache"
    assert cache["paths"] == [".flaglint-cache/"] and cache["when"] == "always"
    assert list((project / ".flaglint-cache").iterdir())
    assert cache["key"] == "flaglint-$CI_COMMIT_REF_SLUG"
    assert cache["fallback_keys"] == ["flaglint-$CI_DEFAULT_BRANCH"]


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
