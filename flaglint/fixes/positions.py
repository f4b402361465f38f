"""Where the nodes a settling pass visits stand, without libcst's position pass over the
whole module (it costs twice the parse): a range that covers each top-level statement, by
which the pass leaves most of them unvisited, and exact positions for those it visits, each
statement worked out alone and moved to its place.

Python's own parser says where each top-level statement starts (its first token: `def`,
not a decorator, as libcst counts it) and ends; a statement alone in a module is laid out
as in the whole one but for the lines above it. In a class or function, the statements
that span no edited line are laid out as blank lines, as many as they take (from the next
statement's first line and the lines libcst gives it above), and keep a range that covers
them, and so on down in the classes and functions kept: a class of fifty methods is
positioned for the statements of the one the pass edits that hold an edited line. A pass
that asks about a node left out (a name of the function stands for a settled literal, so
it visits every statement) gets the top-level statement positioned whole. A file libcst
does not read as written (it drops a line that holds only a backslash, and counts the lines
below it one short) is never fixed (fixes/source.py)."""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from itertools import pairwise

import libcst as cst
from libcst.metadata import CodePosition, CodeRange, MetadataWrapper, PositionProvider

from flaglint.analysis.references import line_starts


class StatementPositions(dict[cst.CSTNode, CodeRange]):
    """Node positions, made per top-level statement when a pass is about to visit it
    (`exact`); until then each top-level statement has a range that covers it."""

    def __init__(self, module: cst.Module, groups: list[list[ast.stmt]], end: int,
                 edited: Sequence[int] = ()) -> None:
        super().__init__()
        self.module = module
        self.edited = edited  # the lines the pass edits, in order
        self._first: dict[int, int] = {}  # id() of a statement: the line its first token is on
        self._groups: dict[int, list[ast.stmt]] = {}  # id() of a statement: Python's parse
        self._laid: tuple[cst.CSTNode, int] | None = None  # the last laid out, and its line
        for index, (statement, group) in enumerate(zip(module.body, groups, strict=True)):
            low = (groups[index - 1][-1].end_lineno or 0) + 1 if index else 1
            high = first_line(groups[index + 1][0]) - 1 if index + 1 < len(groups) else end
            self[statement] = CodeRange(CodePosition(low, 0), CodePosition(high, 0))
            self._first[id(statement)] = group[0].lineno
            self._groups[id(statement)] = group

    def exact(self, statement: cst.CSTNode, literals: Mapping[str, object] | None = None
              ) -> None:
        """The positions of this top-level statement and every node in it. `literals`: the
        module's names that stand for a settled literal; while there is one the pass visits
        every statement of a class, so each is positioned."""
        self._laid = None
        first = self._first.pop(id(statement), None)
        if first is None:
            return  # made already, or no top-level statement of this module
        group = self._groups.pop(id(statement))
        kept: list[tuple[cst.BaseStatement, list[ast.stmt]]] = []
        copies: list[tuple[cst.CSTNode, cst.CSTNode]] = []
        laid = None if literals or len(group) != 1 else \
            self._laid_out(statement, group[0], kept, copies)
        made = self._place(laid or statement, first)
        if laid is not None and not self._kept_in_place(kept):
            for node in made:
                del self[node]  # a layout that does not match: every node, as libcst says
            self._place(statement, first)
            return
        for copy, original in copies[1:]:  # the statement itself keeps the range it has
            self[original] = self.pop(copy)
        self._laid = (statement, first) if laid is not None else None

    def __missing__(self, node: cst.CSTNode) -> CodeRange:
        """A node the pass asks about in a statement left out of the layout (it visits
        every statement of a function where a name stands for a settled literal): the
        top-level statement last laid out is positioned whole, as written."""
        if self._laid is not None:
            statement, first = self._laid
            self._laid = None
            self._place(statement, first)
            if node in self:
                return self[node]
        raise KeyError(node)

    def _place(self, statement: cst.CSTNode, first: int) -> list[cst.CSTNode]:
        """Position every node of `statement`, laid out alone, whose first token is on line
        `first` of the module; the nodes positioned."""
        alone = self.module.with_changes(body=[statement], header=[], footer=[])
        ranges = MetadataWrapper(alone, unsafe_skip_copy=True).resolve(PositionProvider)
        shift = first - ranges[statement].start.line
        made = [node for node in ranges if node is not alone]
        for node in made:
            where = ranges[node]
            self[node] = CodeRange(CodePosition(where.start.line + shift, where.start.column),
                                   CodePosition(where.end.line + shift, where.end.column))
        return made

    def _laid_out(self, statement: cst.CSTNode, tree: ast.stmt,
                  kept: list[tuple[cst.BaseStatement, list[ast.stmt]]],
                  copies: list[tuple[cst.CSTNode, cst.CSTNode]]) -> cst.CSTNode | None:
        """A class or function with each statement of its body that spans no edited line
        laid out as as many blank lines and a `pass` (those statements get a range that
        covers them instead), and each class or function it keeps laid out so in turn; the
        statements kept whole are added to `kept`, and each (copy, original) of the nodes
        made anew to `copies`. None when that leaves nothing out, or the statement is
        edited outside its body's statements."""
        if not (isinstance(statement, (cst.ClassDef, cst.FunctionDef)) and
                isinstance(statement.body, cst.IndentedBlock) and
                isinstance(tree, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))):
            return None
        pairs = paired(list(statement.body.body), tree.body)
        if pairs is None:
            return None
        spans = [(first_line(inner[0]), inner[-1].end_lineno or 0) for _, inner in pairs]
        low, high = first_line(tree), tree.end_lineno or 0
        inside = [line for line in self.edited if low <= line <= high]
        if any(not any(a <= line <= b for a, b in spans) for line in inside):
            return None  # the statement's own lines are edited
        # Where each statement's code starts, with the lines libcst gives it above
        starts = [a - _lines_above(node) for (node, _), (a, _) in zip(pairs, spans, strict=True)]
        body: list[cst.BaseStatement] = []
        left_out = 0
        nested: list[tuple[cst.CSTNode, cst.CSTNode]] = []
        for index, ((node, inner), (a, b)) in enumerate(zip(pairs, spans, strict=True)):
            last = index + 1 == len(pairs)
            if last or any(a <= line <= b for line in inside):
                laid = self._laid_out(node, inner[0], kept, nested) if len(inner) == 1 \
                    else None
                if laid is None:
                    kept.append((node, inner))
                body.append(laid or node)  # type: ignore[arg-type]
                continue
            taken = starts[index + 1] - starts[index]  # its lines, with those above it
            body.append(cst.SimpleStatementLine(body=[cst.Pass()],
                                                leading_lines=[cst.EmptyLine()] * (taken - 1)))
            self[node] = CodeRange(CodePosition(starts[index], 0),
                                   CodePosition(starts[index + 1] - 1, 0))
            left_out += 1
        if not left_out and not nested:
            return None
        block = statement.body.with_changes(body=body)
        copy = statement.with_changes(body=block)
        copies += [(copy, statement), (block, statement.body), *nested]
        return copy

    def _kept_in_place(self, kept: list[tuple[cst.BaseStatement, list[ast.stmt]]]) -> bool:
        """Do the statements kept in a layout with blank lines stand where Python's
        parse says they do (their first and last lines)?"""
        for node, inner in kept:
            where = self.get(node)
            if where is None or (where.start.line, where.end.line) != \
                    (inner[0].lineno, inner[-1].end_lineno):
                return False
        return True


def statement_positions(module: cst.Module, tree: ast.Module, edited: Sequence[int] = ()
                        ) -> StatementPositions | None:
    """Positions for a pass over `module` (`tree`: Python's own parse of its code) that
    edits the lines `edited` (in order); None when their statements do not pair (the
    caller then asks libcst for every position)."""
    pairs = paired(list(module.body), tree.body)
    if pairs is None:
        return None
    return StatementPositions(module, [inner for _, inner in pairs], _END, edited)


def paired(nodes: list[cst.BaseStatement], body: list[ast.stmt]
            ) -> list[tuple[cst.BaseStatement, list[ast.stmt]]] | None:
    """Each libcst statement of a block with Python's statements in it (a line of several
    simple statements holds several); None when they do not pair."""
    pairs = []
    taken = 0
    for statement in nodes:
        count = len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
        inner = body[taken:taken + count]
        if len(inner) != count or not inner:
            return None
        pairs.append((statement, inner))
        taken += count
    return pairs if taken == len(body) else None


_END = 1 << 30  # beyond any line: the last statement's range runs to the end of the file


def first_line(statement: ast.stmt) -> int:
    """The first line of a statement with what stands above it (its decorators)."""
    decorators: list[ast.expr] = getattr(statement, "decorator_list", [])
    return min([statement.lineno, *(d.lineno for d in decorators)])


def edited_code(before: str, old: cst.Module, new: cst.Module, tree: ast.Module) -> str:
    """`new.code`, where `new` is an edit of `old` (whose code is `before` and Python's parse
    of it `tree`): the top-level statements the edit kept as they were are copied from
    `before`, and only the others are generated (generating a module's code costs as much
    as parsing it). Where each statement's code starts comes from Python's parse and the
    lines libcst gives it above; every piece of `before` next to a generated statement is
    checked to be the code libcst would generate for it, and anything that does not hold
    falls back to `new.code`."""
    if "\r" in before or not old.has_trailing_newline or not new.has_trailing_newline or \
            not old.body or not new.body or _lines(old, old.header) != _lines(new, new.header) or \
            _lines(old, old.footer) != _lines(new, new.footer):
        return new.code
    pairs = paired(list(old.body), tree.body)
    if pairs is None:
        return new.code
    offsets = line_starts(before)  # from line 1; then the end of the text
    if offsets[-1] != len(before):
        return new.code
    # The line each statement's code starts on, with the lines above it; then the footer's
    starts = [first_line(inner[0]) - _lines_above(node) for node, inner in pairs]
    starts.append(len(offsets) - len(old.footer))
    if starts[0] != len(old.header) + 1 or any(b <= a for a, b in pairwise(starts)):
        return new.code

    def piece(index: int) -> str:
        return before[offsets[starts[index] - 1]:offsets[starts[index + 1] - 1]]

    def holds(index: int) -> bool:
        return 0 <= index < len(old.body) and \
            piece(index) == old.code_for_node(old.body[index])

    place = {id(statement): index for index, statement in enumerate(old.body)}
    kept = [place.get(id(statement)) for statement in new.body]
    known = [k for k in kept if k is not None]
    if any(b <= a for a, b in pairwise(known)):
        return new.code
    parts = [before[:offsets[starts[0] - 1]]]
    following = 0  # the next old statement not yet accounted for
    for position, (statement, index) in enumerate(zip(new.body, kept, strict=True)):
        if index is None:
            parts.append(old.code_for_node(statement))
            # a statement put in between two kept ones: both pieces beside it must hold
            before_it = kept[position - 1] if position else None
            after_it = kept[position + 1] if position + 1 < len(kept) else None
            if (before_it is not None and not holds(before_it)) or \
                    (after_it is not None and not holds(after_it)):
                return new.code
            continue
        if not all(holds(gone) for gone in range(following, index)):
            return new.code
        parts.append(piece(index))
        following = index + 1
    if not all(holds(gone) for gone in range(following, len(old.body))):
        return new.code
    parts.append(before[offsets[starts[-1] - 1]:])
    return "".join(parts)


def _lines_above(statement: cst.BaseStatement) -> int:
    """The lines above a statement that libcst counts as its own (comments, blank lines)."""
    if isinstance(statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        return len(statement.leading_lines)
    return 0


def _lines(module: cst.Module, lines: Sequence[cst.EmptyLine]) -> str:
    """The code of a module's header or footer (a pass makes them again, as they were)."""
    return "".join(module.code_for_node(line) for line in lines)
