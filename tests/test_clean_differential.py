"""`clean` preserves behaviour: generated projects (tests/clean_projects.py) run their own
pytest tests before and after `flaglint clean KEY --value V`, and every test that does not
exercise the removed value must have the same outcome and observe the same values. Every
file must compile, no name may be left undefined (ruff's F821), no new unused import or
local may appear (F401, F841), and no file that has nothing to do with the flag may change.

Each project is its own flaglint project (its own pyproject.toml and flags.toml); a batch
puts many side by side and runs pytest once over all of them before and after. Batches and
seeds are fixed, so CI runs the same projects every time; `FLAGLINT_CLEAN_BATCHES` and
`FLAGLINT_CLEAN_SEED` run more or others. Every failure found stays as a named case in
tests/test_clean.py.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import io
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from flaglint.cli import main

from .clean_projects import CONFTEST, OBSERVE, Project

BATCHES = int(os.environ.get("FLAGLINT_CLEAN_BATCHES", "6"))
PER_BATCH = int(os.environ.get("FLAGLINT_CLEAN_PER_BATCH", "100"))
SEED = int(os.environ.get("FLAGLINT_CLEAN_SEED", "0"))
WORKERS = max(1, min(os.cpu_count() or 1, 4))
RUFF = str(Path(sys.executable).parent / "ruff")


def write(root: Path, project: Project) -> Path:
    folder = root / project.root
    for name, text in project.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


def run_tests(batch: Path, folders: list[Path], report: Path) -> dict[str, dict[str, object]]:
    """Each test's outcome and observations, by `folder::test`: one pytest over every
    project of the batch (the batch's conftest.py records them)."""
    env = {**os.environ, "CLEAN_DIFF_REPORT": str(report), "PYTHONDONTWRITEBYTECODE": "1",
           "PYTHONPATH": os.pathsep.join([str(batch), *(str(f) for f in folders)])}
    env.pop("CI", None)
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "--import-mode=importlib", "--rootdir", str(batch),
                             *(str(f / "tests") for f in folders)], cwd=batch, env=env,
                            capture_output=True, text=True, timeout=900, check=False)
    assert report.exists(), result.stdout[-3000:] + result.stderr[-3000:]
    data = json.loads(report.read_text())
    found: dict[str, dict[str, object]] = {}
    for nodeid, outcome in data["outcomes"].items():
        path, _, test = nodeid.partition("::")
        found[f"{path.split('/')[-3]}::{test}"] = {"outcome": outcome,
                                                   "trace": data["traces"].get(nodeid)}
    return found


def ruff_counts(folders: list[Path]) -> dict[Path, Counter[tuple[str, str]]]:
    """ruff's F401, F821 and F841 of every project of the batch, in one run."""
    result = subprocess.run([RUFF, "check", "--no-cache", "--isolated", "--select",
                             "F401,F821,F841", "--output-format", "json",
                             *map(str, folders)], capture_output=True, text=True, check=False)
    counts: dict[Path, Counter[tuple[str, str]]] = {folder: Counter() for folder in folders}
    for item in json.loads(result.stdout or "[]"):
        path = Path(item["filename"])
        folder = next(f for f in folders if path.is_relative_to(f))
        counts[folder][(path.relative_to(folder).as_posix(), item["code"])] += 1
    return counts


def clean(folder: Path, project: Project) -> str:
    args = ["clean", project.key, "--value", "true" if project.value else "false",
            str(folder), "--today", "2026-12-01"]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        main(args)
    return out.getvalue() + err.getvalue()


def problems_of(project: Project, folder: Path, before: dict[str, dict[str, object]],
                after: dict[str, dict[str, object]], counts: tuple[Counter, Counter],
                said: str) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*.py")):
        try:
            compile(path.read_text(), str(path), "exec")
        except SyntaxError as error:
            found.append(f"{path.relative_to(folder)} does not compile: {error}")
    for name in sorted(project.untouchable):
        if (folder / name).read_text() != project.files[name]:
            found.append(f"{name} changed, and has nothing to do with the flag")
    old, new = counts
    for (path, code), count in sorted(new.items()):
        if code == "F821" or count > old.get((path, code), 0):
            found.append(f"{path}: ruff {code} x{count} (before: {old.get((path, code), 0)})")
    for test, kind in sorted(project.kinds.items()):
        was = before.get(f"{folder.name}::{test}")
        now = after.get(f"{folder.name}::{test}")
        if was is None or was["outcome"] != "passed":
            found.append(f"{test} did not pass before the clean: {was}")
        elif kind == "kept" and now != was:
            found.append(f"{test} ({kind}): before {was}, after {now}")
        elif kind == "flag_only" and now is not None:
            # Its assertions are only about the flag: constants now, a developer deletes it.
            found.append(f"{test} ({kind}) kept, its assertions constants: after {now}")
    if found:
        files = "".join(f"--- {name}\n{(folder / name).read_text()}"
                        for name in sorted(project.files) if name.endswith(".py")
                        and (folder / name).exists() and not name.endswith("conftest.py"))
        found.append(f"clean said:\n{said}\nfiles after:\n{files}")
    return found


def run_batch(tmp_path: Path, batch: int) -> list[str]:
    os.environ["FLAGLINT_CACHE_DIR"] = str(tmp_path / "cache")
    projects = [Project(SEED * 1_000_003 + batch * PER_BATCH + index, index)
                for index in range(PER_BATCH)]
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "diffobserve.py").write_text(OBSERVE)
    folders = [write(tmp_path / "projects", p) for p in projects]
    before = run_tests(tmp_path, folders, tmp_path / "before.json")
    counts_before = ruff_counts(folders)
    said = [clean(folder, project) for folder, project in zip(folders, projects, strict=True)]
    after = run_tests(tmp_path, folders, tmp_path / "after.json")
    counts_after = ruff_counts(folders)
    problems = []
    for i, (folder, project) in enumerate(zip(folders, projects, strict=True)):
        found = problems_of(project, folder, before, after,
                            (counts_before[folder], counts_after[folder]), said[i])
        if found:
            problems.append(f"project {project.pkg} (seed {project.seed}, value "
                            f"{project.value}):\n" + "\n".join(found))
    shutil.rmtree(tmp_path / "projects", ignore_errors=True)
    return problems


@pytest.mark.parametrize("group", range(-(-BATCHES // WORKERS)))
def test_generated_projects_behave_the_same_after_clean(tmp_path, group):
    batches = range(group * WORKERS, min(BATCHES, (group + 1) * WORKERS))
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(len(batches), mp_context=context) as pool:
        found = list(pool.map(run_batch, [tmp_path / f"batch{b}" for b in batches], batches))
    problems = [problem for batch in found for problem in batch]
    assert not problems, f"{len(problems)} of {PER_BATCH * len(batches)} projects:\n\n" + \
        "\n\n".join(problems[:3])
