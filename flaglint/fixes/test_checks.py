"""What a test checks, and when a clean may take out only the end of a test.

A test that sets the cleaned flag to the value it no longer has exercised code that is gone.
When that setting is a `with` block that ends the test, nothing in the test runs after it:
only the block goes, and the rest, which checks behaviour that stays, is kept while it still
checks something (dask's `test_optimize_blockwise_control_annotations`: thirty lines of
asserts on the default, then a last `with dask.config.set({"optimization.annotations.fuse":
False}):`). A block with code after it stays whole: what follows may depend on what it did
(a local it set, a mock it called, a log it wrote, a closure), which no reading of the
syntax rules out. The account of a clean names, per test, what it deleted and what it cut
(`tests_changed`)."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # libcst is imported where it is used: a clean's account needs only ast
    import libcst as cst

# Calls that check: unittest's `assert…` methods, pytest's context managers and `fail`.
_CHECK_CALLS = frozenset({"raises", "warns", "deprecated_call", "fail"})
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def checks(node: ast.AST) -> int:
    """The checks of this code itself, not of the functions and classes it defines:
    `assert` statements, `self.assert…(…)` and `pytest.raises`/`warns`/`fail` calls."""
    count = 0
    for child in ast.iter_child_nodes(node):
        if isinstance(child, _NESTED):
            continue
        if isinstance(child, ast.Assert):
            count += 1
        elif isinstance(child, ast.Call):
            func = child.func
            name = func.attr if isinstance(func, ast.Attribute) else \
                func.id if isinstance(func, ast.Name) else ""
            count += name.startswith("assert") or name in _CHECK_CALLS
        count += checks(child)
    return count


def test_checks(text: str) -> dict[str, tuple[int, int]] | None:
    """Each test function of a module (`test_x`, `TestY.test_z`, `TestY.TestZ.test_w`,
    under an `if` or `try` too): its line and its checks. None when the text does not
    parse."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return {name: (node.lineno, checks(node)) for name, node in _tests(tree.body, "")}


def _tests(statements: Sequence[ast.stmt], prefix: str
           ) -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    for node in statements:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name.startswith("test") and not _a_fixture(node):
                yield f"{prefix}{node.name}", node
        elif isinstance(node, ast.ClassDef):
            yield from _tests(node.body, f"{prefix}{node.name}.")
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            for block in ("body", "orelse", "finalbody"):
                yield from _tests(getattr(node, block, []), prefix)
            for handler in getattr(node, "handlers", []):
                yield from _tests(handler.body, prefix)


def _a_fixture(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """`@pytest.fixture`, `@fixture(…)`: a fixture named `test_…` is no test."""
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else \
            target.id if isinstance(target, ast.Name) else ""
        if name == "fixture":
            return True
    return False


def still_checks(function: cst.FunctionDef) -> bool:
    """Does this test, as edited, check anything itself?"""
    import libcst as cst

    try:
        tree = ast.parse(cst.Module(body=[function]).code)
    except SyntaxError:
        return False
    return checks(tree.body[0]) > 0


def last_block(function: cst.FunctionDef) -> cst.With | None:
    """The `with` statement that ends this function's body, if one does."""
    import libcst as cst

    body = function.body
    if isinstance(body, cst.IndentedBlock) and body.body and \
            isinstance(body.body[-1], cst.With):
        return body.body[-1]
    return None


@dataclass(frozen=True, slots=True)
class ChangedTest:
    """A test the clean deleted or cut: where it was and is, and its checks then and now
    (`line_after` and `checks_after` 0 when deleted)."""

    path: str
    name: str
    line_before: int
    line_after: int
    checks_before: int
    checks_after: int

    def describe(self, *, on_disk: bool) -> str:
        """Where it is and its name, at its line in the file as on disk (`on_disk`: a dry
        run's) or as the clean left it; for a test cut, with its checks then and now."""
        if not self.line_after:
            return f"{self.path}:{self.line_before} `{self.name}`" if on_disk else \
                f"{self.path} `{self.name}`"
        line = self.line_before if on_disk else self.line_after
        return f"{self.path}:{line} `{self.name}` ({self.checks_before} → " \
            f"{self.checks_after} checks)"


def tests_changed(changes: Sequence[tuple[str, str, str]],
                  cut: frozenset[tuple[str, str]] = frozenset()
                  ) -> tuple[list[ChangedTest], list[ChangedTest]]:
    """Of these test files' changes (path, before, after): the tests deleted, and those
    left with fewer checks or whose last block went (`cut`: path and name)."""
    deleted, fewer = [], []
    for path, before, after in changes:
        then, now = test_checks(before), test_checks(after)
        if then is None or now is None:
            continue
        for name, (line, count) in then.items():
            if name not in now:
                deleted.append(ChangedTest(path, name, line, 0, count, 0))
            elif now[name][1] < count or (path, name) in cut:
                fewer.append(ChangedTest(path, name, line, now[name][0], count,
                                         now[name][1]))
    return deleted, fewer
