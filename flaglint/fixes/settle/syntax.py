"""What the settler asks of libcst nodes and the small edits it makes to them: blocks and
their statements, exits, blank lines and comments carried over, parentheses, and code that
decides what its function is (`yield`, `global`, `nonlocal`) even where it never runs."""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence

import libcst as cst

EXITS = (cst.Return, cst.Raise, cst.Continue, cst.Break)


class _ScopeShaper(cst.CSTVisitor):
    """Finds `yield`, `global` and `nonlocal` outside nested functions: code that, even if it
    never runs, decides what its function is (a generator) or where its names live."""

    def __init__(self) -> None:
        super().__init__()
        self.found = False
        self.declares = False  # `global` or `nonlocal`
        self.yields = 0

    def visit_Yield(self, node: cst.Yield) -> None:
        self.found = True
        self.yields += 1

    def visit_Global(self, node: cst.Global) -> None:
        self.found = self.declares = True

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.found = self.declares = True

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False


def shapes_scope(node: cst.CSTNode | None) -> bool:
    if node is None:
        return False
    finder = _ScopeShaper()
    node.visit(finder)
    return finder.found


def shaping(node: cst.CSTNode | None) -> tuple[bool, int]:
    """Whether the code declares a name `global` or `nonlocal`, and how many `yield`s it
    holds (outside nested functions)."""
    if node is None:
        return False, 0
    finder = _ScopeShaper()
    node.visit(finder)
    return finder.declares, finder.yields


def is_empty(block: cst.BaseSuite) -> bool:
    """A block with nothing but `pass` (or nothing at all)."""
    statements = block.body if isinstance(block, cst.IndentedBlock) else [block]
    for statement in statements:
        smalls = statement.body if isinstance(statement, (cst.SimpleStatementLine,
                                                          cst.SimpleStatementSuite)) else None
        if smalls is None or not all(isinstance(small, cst.Pass) for small in smalls):
            return False
    return True


def leftmost_name(name: cst.Attribute | cst.Name) -> cst.Name:
    node: cst.BaseExpression = name
    while isinstance(node, cst.Attribute):
        node = node.value
    assert isinstance(node, cst.Name)
    return node


def without_parens(node: cst.BaseExpression) -> cst.BaseExpression:
    return node.with_changes(lpar=[], rpar=[]) if hasattr(node, "lpar") else node


def standing_alone(node: cst.BaseExpression) -> cst.BaseExpression:
    """`node` as the expression of a statement of its own: without its parentheses, unless
    it spans lines that only parentheses join (`owner\n    and audit(request)`, kept for
    its effects from the test of an `if (…):` that settled to false: Sentry's
    `sentry_apps/details.py`), or that alone would read as other statements (`f()\n(g)`,
    the call `f()(g)` written over two lines, is two statements without them)."""
    bare = without_parens(node)
    code = _NOWHERE.code_for_node(bare)
    if "\n" not in code or not hasattr(bare, "lpar") or _reads_alone_as_itself(code):
        return bare
    return bare.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def _reads_alone_as_itself(code: str) -> bool:
    """Does this expression's code, as a statement of its own, say what it says inside
    parentheses (one expression statement, the same tree)?"""
    try:
        alone = ast.parse(code).body
        meant = ast.parse(f"(\n{code}\n)", mode="eval").body
    except SyntaxError:
        return False
    return len(alone) == 1 and isinstance(alone[0], ast.Expr) and \
        ast.dump(alone[0].value) == ast.dump(meant)


_NOWHERE = cst.Module(body=[])  # renders a node's code


def with_parens_of(node: cst.BaseExpression, keep: Mapping[str, object]) -> cst.BaseExpression:
    if keep["lpar"] and hasattr(node, "lpar") and not node.lpar:
        return node.with_changes(**keep)
    return node


def statements_of(block: cst.BaseSuite) -> Sequence[cst.BaseStatement]:
    if isinstance(block, cst.IndentedBlock):
        return block.body
    assert isinstance(block, cst.SimpleStatementSuite)
    return [cst.SimpleStatementLine(body=block.body)]


def ends_in_exit(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and isinstance(statement.body[-1],
                                                                        EXITS)


def blank_lines_above(statement: cst.CSTNode) -> int:
    """The blank lines between a statement (or the comments above it) and what precedes."""
    count = 0
    for line in getattr(statement, "leading_lines", ()):
        if line.comment is not None:
            break
        count += 1
    return count


def carry_comments(first: cst.BaseStatement, replaced: cst.If | cst.While | cst.Try,
                   kept: cst.BaseSuite | None) -> cst.BaseStatement:
    """Keep the comments above the `if` with what replaces it, and those of the branch
    kept: above its `else:` and on its header line (pulpcore's `else:  # Strip …` lost its
    comment to the removed `if`'s, which said the opposite)."""
    lines = list(replaced.leading_lines)
    if isinstance(replaced, (cst.If, cst.While)) and isinstance(replaced.orelse, cst.Else) \
            and kept is replaced.orelse.body:
        lines += replaced.orelse.leading_lines
    header = kept.header if isinstance(kept, cst.IndentedBlock) else None
    if header is not None and header.comment is not None:
        lines.append(cst.EmptyLine(comment=header.comment))
    if not lines or not hasattr(first, "leading_lines"):
        return first
    return first.with_changes(leading_lines=[*lines, *first.leading_lines])


def as_orelse(kept: list[cst.BaseStatement], replaced: cst.If) -> cst.If | cst.Else | \
        cst.RemovalSentinel:
    if len(kept) == 1 and isinstance(kept[0], cst.If):
        return kept[0]
    if not kept:
        return cst.RemovalSentinel.REMOVE
    return cst.Else(body=cst.IndentedBlock(body=kept), leading_lines=replaced.leading_lines)
