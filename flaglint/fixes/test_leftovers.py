"""What the test edits of `clean` leave behind, put right as a developer would:

- a test function the cleanup deleted that its file still calls (`test_old_path()` in the
  `__main__` block): the call goes with it; any other mention of it blocks the edit;
- a test whose assertions became constants (`result = True` then `assert result is True`,
  `self.assertTrue(result)`): it tests nothing any more, and goes, unless its file names it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

import libcst as cst

_ASSERTS = frozenset({"assertTrue", "assertFalse", "assertEqual", "assertEquals",
                      "assertIs", "assertIsNot", "assertNotEqual", "assertIsNone",
                      "assertIsNotNone", "assert_", "failUnless", "failIf"})


@dataclass(frozen=True, slots=True)
class Leftovers:
    """A test file put right: its text, and the names of what could not be."""

    text: str
    blocked: tuple[str, ...] = ()


def tidy(before: str, after: str) -> Leftovers:
    """`after`, a test file `clean` edited from `before`, with the calls of the tests it
    deleted removed and the tests left with only constant assertions deleted."""
    try:
        old, new = ast.parse(before), ast.parse(after)
    except (SyntaxError, ValueError):
        return Leftovers(after)
    hollow = _hollow_tests(old, new)
    gone = (_tests(old) - _tests(new)) | hollow
    # Nothing to do unless a test went hollow or a deleted one is still named (libcst, ~10x
    # slower than Python's parser, is needed only then)
    if not hollow and not gone & {n.id for n in ast.walk(new) if isinstance(n, ast.Name)}:
        return Leftovers(after)
    module = cst.parse_module(after)
    edited = module.visit(_Remover(gone, hollow))
    text = edited.code
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return Leftovers(after, tuple(sorted(gone)))
    named = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} & gone
    if named:  # still named other than by a call of its own: leave the file as it was
        return Leftovers(after, tuple(sorted(named)))
    return Leftovers(text)


def _tests(tree: ast.Module) -> set[str]:
    return {node.name for node in _functions(tree) if node.name.startswith("test")}


def _functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    found: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.append(node)
        elif isinstance(node, ast.ClassDef):
            found += [n for n in node.body if isinstance(n, (ast.FunctionDef,
                                                             ast.AsyncFunctionDef))]
    return found


def _hollow_tests(old: ast.Module, new: ast.Module) -> set[str]:
    """The tests that had a real assertion before and have only constant ones now."""
    before = {f.name: f for f in _functions(old) if f.name.startswith("test")}
    return {f.name for f in _functions(new) if f.name in before
            and ast.dump(f) != ast.dump(before[f.name]) and _only_constants(f)
            and not _only_constants(before[f.name])}


def _only_constants(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Does the test do nothing but bind constants and assert on constants?"""
    constants: dict[str, bool] = {}
    asserted = False
    for statement in function.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and \
                isinstance(statement.targets[0], ast.Name) and \
                isinstance(statement.value, ast.Constant):
            constants[statement.targets[0].id] = True
        elif isinstance(statement, ast.Assert):
            asserted = True
            if not _constant(statement.test, constants):
                return False
        elif isinstance(statement, ast.Expr) and _assertion(statement.value):
            asserted = True
            call = statement.value
            assert isinstance(call, ast.Call)
            if not all(_constant(arg, constants) for arg in call.args):
                return False
        elif not (isinstance(statement, ast.Pass) or (
                isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))):
            return False  # it runs something else: it still tests that
    return asserted


def _assertion(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
        node.func.attr in _ASSERTS


def _constant(node: ast.expr, constants: dict[str, bool]) -> bool:
    """Is the expression made of literals and names bound to literals only?"""
    for inner in ast.walk(node):
        if isinstance(inner, ast.Name) and inner.id not in constants:
            return False
        if isinstance(inner, (ast.Call, ast.Attribute, ast.Subscript)):
            return False
    return True


class _Remover(cst.CSTTransformer):
    """Deletes the hollow tests, and the statements that only call a deleted test."""

    def __init__(self, gone: set[str], hollow: set[str]) -> None:
        super().__init__()
        self.gone = gone
        self.hollow = hollow

    def leave_FunctionDef(self, original_node: cst.FunctionDef,
                          updated_node: cst.FunctionDef
                          ) -> cst.FunctionDef | cst.RemovalSentinel:
        if original_node.name.value in self.hollow:
            return cst.RemovalSentinel.REMOVE
        return updated_node

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine,
                                  updated_node: cst.SimpleStatementLine
                                  ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        kept = [small for small in updated_node.body if not self._calls_gone(small)]
        if len(kept) == len(updated_node.body):
            return updated_node
        if not kept:
            return cst.RemovalSentinel.REMOVE
        return updated_node.with_changes(body=kept)

    def _calls_gone(self, small: cst.BaseSmallStatement) -> bool:
        return isinstance(small, cst.Expr) and isinstance(small.value, cst.Call) and \
            isinstance(small.value.func, cst.Name) and small.value.func.value in self.gone

    def leave_If(self, original_node: cst.If, updated_node: cst.If
                 ) -> cst.If | cst.RemovalSentinel:
        """`if __name__ == "__main__":` that only called deleted tests goes whole."""
        body = updated_node.body
        if isinstance(body, cst.IndentedBlock) and not body.body:
            if updated_node.orelse is None:
                return cst.RemovalSentinel.REMOVE
            return updated_node.with_changes(
                body=body.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])]))
        return updated_node
