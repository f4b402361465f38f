"""Fixes preserve behaviour: generated programs run the same before and after `--fix`.

Each batch writes a project of random programs (tests/programs.py), copies it, fixes the
copy with `flaglint check --fix` (and, every other batch, `--unsafe-fixes`), and then
requires of every program: the fixed files parse, a second fix changes nothing, every name
the fixed code reads is still defined, and running `main()` gives the same trace, result
and exception as the original run with the flags at their settled values.

Batches and seeds are fixed, so CI runs the same programs every time (12 batches of 100,
run on every core; the suite must stay within ~5 minutes on 2 cores); set
FLAGLINT_DIFF_BATCHES (and FLAGLINT_DIFF_SEED) to run more or others. A failure prints
the program; every one found so far is a named case in test_fix_trust.py.
"""

from __future__ import annotations

import ast
import builtins
import concurrent.futures
import contextlib
import io
import json
import multiprocessing
import os
import shutil
import subprocess
import symtable
import sys
from pathlib import Path

import pytest

from flaglint.cli import main

from .programs import FLAGS_TOML, PYPROJECT, RUNNER, RUNTIME, Program

BATCHES = int(os.environ.get("FLAGLINT_DIFF_BATCHES", "12"))
PER_BATCH = 100
SEED = int(os.environ.get("FLAGLINT_DIFF_SEED", "0"))
WORKERS = max(1, min(os.cpu_count() or 1, 4))


def write_project(root: Path, programs: dict[str, dict[str, str]]) -> None:
    root.mkdir(parents=True)
    (root / "flags.toml").write_text(FLAGS_TOML)
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / "rt.py").write_text(RUNTIME)
    (root / "runner.py").write_text(RUNNER)
    for files in programs.values():
        for name, text in files.items():
            (root / name).write_text(text)


def fix(root: Path, *, unsafe: bool) -> None:
    args = ["check", str(root), "--fix", "--select", "FL2,FL3", "--exit-zero", "--jobs", "1",
            "--today", "2026-11-30"]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main([*args, *(["--unsafe-fixes"] if unsafe else [])]) == 0


def observe(root: Path, names: list[str]) -> dict[str, dict[str, object]]:
    result = subprocess.run([sys.executable, "runner.py", *names], cwd=root,
                            capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert result.returncode == 0, result.stderr
    observed: dict[str, dict[str, object]] = json.loads(result.stdout)
    return observed


def undefined_names(source: str, filename: str) -> set[str]:
    """Names the module reads as globals that nothing binds: what a deletion left behind."""
    top = symtable.symtable(source, filename, "exec")
    bound = {s.get_name() for s in top.get_symbols() if s.is_assigned() or s.is_imported()}
    known = bound | set(dir(builtins))
    missing = set()
    stack = list(top.get_children())
    while stack:
        table = stack.pop()
        stack.extend(table.get_children())
        for symbol in table.get_symbols():
            if symbol.is_referenced() and symbol.is_global() and symbol.get_name() not in known:
                missing.add(symbol.get_name())
    for symbol in top.get_symbols():
        if symbol.is_referenced() and symbol.get_name() not in known:
            missing.add(symbol.get_name())
    return missing


def snapshot(root: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(root.glob("*.py"))}


def differences(tmp_path: Path, programs: dict[str, dict[str, str]], *, unsafe: bool
                ) -> list[str]:
    """What went wrong for which program (empty: the fixes preserved every behaviour)."""
    original, fixed = tmp_path / "original", tmp_path / "fixed"
    write_project(original, programs)
    shutil.copytree(original, fixed)
    fix(fixed, unsafe=unsafe)
    after = snapshot(fixed)
    fix(fixed, unsafe=unsafe)
    again = snapshot(fixed)
    names = sorted(programs)
    before_run, after_run = observe(original, names), observe(fixed, names)
    problems = []
    for name in names:
        files = sorted(programs[name])
        said = []
        for file in files:
            try:
                ast.parse(after[file])
            except SyntaxError as error:
                said.append(f"{file} does not parse: {error}")
                continue
            if again[file] != after[file]:
                said.append(f"{file}: a second fix changed it")
            missing = undefined_names(after[file], file)
            if missing:
                said.append(f"{file}: the fix left names undefined: {sorted(missing)}")
        if before_run[name] != after_run[name]:
            said.append(f"behaviour changed:\n  before {before_run[name]}\n  "
                        f"after  {after_run[name]}")
        if said:
            sources = "".join(f"--- {f} (before)\n{programs[name][f]}\n--- {f} (after)\n"
                              f"{after[f]}\n" for f in files)
            problems.append(f"{name} ({'unsafe' if unsafe else 'safe'} fixes): "
                            f"{'; '.join(said)}\n{sources}")
    return problems


def run_batch(tmp_path: Path, batch: int) -> list[str]:
    os.environ["FLAGLINT_CACHE_DIR"] = str(tmp_path / "cache")
    programs = {}
    for index in range(PER_BATCH):
        program = Program(SEED * 1_000_003 + batch * PER_BATCH + index, index)
        programs[program.name] = program.files
    return differences(tmp_path / "project", programs, unsafe=batch % 2 == 1)


# Each test runs one batch per core at once (forked workers: the batches share nothing).
@pytest.mark.parametrize("group", range(-(-BATCHES // WORKERS)))
def test_generated_programs_behave_the_same_after_the_fix(tmp_path, group):
    batches = range(group * WORKERS, min(BATCHES, (group + 1) * WORKERS))
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(len(batches), mp_context=context) as pool:
        found = list(pool.map(run_batch, [tmp_path / f"batch{b}" for b in batches], batches))
    problems = [problem for batch in found for problem in batch]
    assert not problems, f"{len(problems)} of {PER_BATCH * len(batches)} programs:\n\n" + \
        "\n".join(problems[:3])
