"""Real-style flag removals: does `flaglint clean` do what the developers did?

    python bench/removals.py

Each case under bench/removals/ holds the tree before the removal (`before/`), the key and
value (`case.toml`), and the developers' non-test result written for this project
(`expected/`: the files they changed; every other file stays as it was). The script copies
the tree, runs `flaglint clean KEY --value V`, and reports for each case whether the
non-test Python files are AST-identical to the developers', which differ, and whether the
case's tests pass afterwards (with the stand-ins under bench/removals/stubs on the path:
no SDK is installed), and how many imports the clean left unused anywhere, tests included
(ruff's F401 after the clean against before it; what a developer's linter would flag).
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


def unused_imports(tree: Path) -> int | None:
    """ruff's F401 findings in a tree; None without ruff."""
    ruff = shutil.which("ruff")
    if ruff is None:
        return None
    result = subprocess.run([ruff, "check", "--select", "F401", "--no-cache", "--exit-zero",
                             "--isolated", "--output-format", "concise", "."], cwd=tree,
                            capture_output=True, text=True, check=False)
    return sum(1 for line in result.stdout.splitlines() if " F401 " in line)


def run_case(case: Path, scratch: Path
             ) -> tuple[bool, list[str], bool, int | None, list[str], list[str]]:
    spec = tomllib.loads((case / "case.toml").read_text())
    tree = scratch / case.name
    shutil.copytree(case / "before", tree)
    subprocess.run(["git", "init", "-q"], cwd=tree, check=True)
    unused_before = unused_imports(tree)
    result = subprocess.run([sys.executable, "-m", "flaglint", "clean", spec["key"], "--value",
                             spec["value"], str(tree)], capture_output=True,
                            text=True, check=False)
    if result.returncode not in (0, 1):
        sys.stderr.write(f"{case.name}: {result.stderr[-500:]}\n")
        return False, ["(clean failed)"], False, None, [], []
    expected = python_files(case / "before") | python_files(case / "expected")
    got = python_files(tree)
    # Files the developers left alone that the clean changed: edits outside the flag.
    theirs = set(python_files(case / "expected"))
    before = python_files(case / "before")
    outside = sorted(name for name in before if name not in theirs
                     and not same(before[name], got.get(name, "")))
    differ = sorted(name for name in expected.keys() | got.keys()
                    if not same(expected.get(name, ""), got.get(name, "")))
    # Of those the same in code, which differ in text (blank lines, comments, layout).
    layout = sorted(name for name in expected.keys() | got.keys() if name not in differ
                    and expected.get(name, "") != got.get(name, ""))
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
    unused_after = unused_imports(tree)
    left = None if unused_before is None or unused_after is None \
        else unused_after - unused_before
    return not differ, differ, tests_passed, left, layout, outside


def main() -> None:
    cases = sorted(p for p in HERE.iterdir() if (p / "case.toml").exists())
    identical = passing = unused = verbatim = outside_total = 0
    print("| case | non-test result AST-identical | files that differ | the rest text-identical "
          "| edits outside the flag | tests pass | imports left unused |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for case in cases:
            same_ast, differ, passed, left, layout, outside = run_case(case, Path(folder))
            identical += same_ast
            verbatim += same_ast and not layout
            passing += passed
            unused += left or 0
            outside_total += len(outside)
            print(f"| {case.name} | {'yes' if same_ast else 'no'} | "
                  f"{', '.join(differ) or '—'} | "
                  f"{'no: ' + ', '.join(layout) if layout else 'yes'} | "
                  f"{', '.join(outside) or '0'} | "
                  f"{'yes' if passed else 'NO'} | {'—' if left is None else left} |")
    print(f"\n{identical} of {len(cases)} AST-identical to the developers' non-test code "
          f"({verbatim} byte for byte); {outside_total} files edited outside the flag; "
          f"tests pass after the clean in {passing} of {len(cases)}; {unused} imports left "
          f"unused (ruff F401, after minus before).")


if __name__ == "__main__":
    main()
