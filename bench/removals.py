"""Real-style flag removals: does `flaglint clean` do what the developers did?

    python bench/removals.py

Each case under bench/removals/ holds the tree before the removal (`before/`), the key and
value (`case.toml`), and the developers' non-test result written for this project
(`expected/`: the files they changed; every other file stays as it was). The script copies
the tree, runs `flaglint clean KEY --value V`, and reports for each case whether the
non-test Python files are AST-identical to the developers', which differ, and whether the
case's tests pass afterwards (with the stand-ins under bench/removals/stubs on the path:
no SDK is installed).
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HERE = Path(__file__).resolve().parent / "removals"


def python_files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in root.rglob("*.py")
            if "tests" not in p.relative_to(root).parts}


def same(left: str, right: str) -> bool:
    try:
        return ast.dump(ast.parse(left)) == ast.dump(ast.parse(right))
    except SyntaxError:
        return False


def run_case(case: Path, scratch: Path) -> tuple[bool, list[str], bool, str]:
    spec = tomllib.loads((case / "case.toml").read_text())
    tree = scratch / case.name
    shutil.copytree(case / "before", tree)
    subprocess.run(["git", "init", "-q"], cwd=tree, check=True)
    result = subprocess.run([sys.executable, "-m", "flaglint", "clean", spec["key"], "--value",
                             spec["value"], str(tree)], capture_output=True,
                            text=True, check=False)
    if result.returncode not in (0, 1):
        return False, ["(clean failed)"], False, result.stderr[-500:]
    expected = python_files(case / "before") | python_files(case / "expected")
    got = python_files(tree)
    differ = sorted(name for name in expected.keys() | got.keys()
                    if not same(expected.get(name, ""), got.get(name, "")))
    tests_passed = True
    if (tree / "tests").is_dir():
        settings = tree / "site" / "settings.py"
        if settings.exists():
            shutil.copy(settings, tree / "site_settings.py")
        env = {**os.environ, "PYTHONPATH": f"{tree}{os.pathsep}{HERE / 'stubs'}"}
        tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                str(tree / "tests")], cwd=tree, env=env, capture_output=True,
                               text=True, check=False)
        tests_passed = tests.returncode == 0
    return not differ, differ, tests_passed, result.stdout.strip().splitlines()[0]


def main() -> None:
    cases = sorted(p for p in HERE.iterdir() if (p / "case.toml").exists())
    identical = passing = 0
    print("| case | non-test result AST-identical | files that differ | tests pass |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for case in cases:
            same_ast, differ, passed, _ = run_case(case, Path(folder))
            identical += same_ast
            passing += passed
            print(f"| {case.name} | {'yes' if same_ast else 'no'} | "
                  f"{', '.join(differ) or '—'} | {'yes' if passed else 'NO'} |")
    print(f"\n{identical} of {len(cases)} AST-identical to the developers' non-test code; "
          f"tests pass after the clean in {passing} of {len(cases)}.")


if __name__ == "__main__":
    main()
