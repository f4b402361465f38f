"""Where the nodes a settling pass visits stand, without libcst's position pass over the
whole module (it costs twice the parse): a range that covers each top-level statement, by
which the pass leaves most of them unvisited, and exact positions for those it visits, each
statement worked out alone and moved to its place.

Python's own parser says where each top-level statement starts (its first token: `def`,
not a decorator, as libcst counts it) and ends; a statement alone in a module is laid out
as in the whole one but for the lines above it."""

from __future__ import annotations

import ast

import libcst as cst
from libcst.metadata import CodePosition, CodeRange, MetadataWrapper, PositionProvider


class StatementPositions(dict[cst.CSTNode, CodeRange]):
    """Node positions, made per top-level statement when a pass is about to visit it
    (`exact`); until then each top-level statement has a range that covers it."""

    def __init__(self, module: cst.Module, groups: list[list[ast.stmt]], end: int) -> None:
        super().__init__()
        self.module = module
        self._first: dict[int, int] = {}  # id() of a statement: the line its first token is on
        for index, (statement, group) in enumerate(zip(module.body, groups, strict=True)):
            low = (groups[index - 1][-1].end_lineno or 0) + 1 if index else 1
            high = _first_line(groups[index + 1][0]) - 1 if index + 1 < len(groups) else end
            self[statement] = CodeRange(CodePosition(low, 0), CodePosition(high, 0))
            self._first[id(statement)] = group[0].lineno

    def exact(self, statement: cst.CSTNode) -> None:
        """The positions of this top-level statement and every node in it."""
        first = self._first.pop(id(statement), None)
        if first is None:
            return  # made already, or no top-level statement of this module
        alone = self.module.with_changes(body=[statement], header=[], footer=[])
        ranges = MetadataWrapper(alone, unsafe_skip_copy=True).resolve(PositionProvider)
        shift = first - ranges[statement].start.line
        for node, where in ranges.items():
            if node is not alone:
                self[node] = CodeRange(
                    CodePosition(where.start.line + shift, where.start.column),
                    CodePosition(where.end.line + shift, where.end.column))


def statement_positions(module: cst.Module, tree: ast.Module) -> StatementPositions | None:
    """Positions for a pass over `module` (`tree`: Python's own parse of its code); None
    when their statements do not pair (the caller then asks libcst for every position)."""
    body = tree.body
    groups: list[list[ast.stmt]] = []
    taken = 0
    for statement in module.body:
        count = len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
        groups.append(body[taken:taken + count])
        taken += count
    if taken != len(body) or not all(groups):
        return None
    return StatementPositions(module, groups, _END)


_END = 1 << 30  # beyond any line: the last statement's range runs to the end of the file


def _first_line(statement: ast.stmt) -> int:
    """The first line of a statement with what stands above it (its decorators)."""
    decorators: list[ast.expr] = getattr(statement, "decorator_list", [])
    return min([statement.lineno, *(d.lineno for d in decorators)])
