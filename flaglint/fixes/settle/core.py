"""What one settling pass knows and the questions every part of it asks: the reads to
settle and what else to remove, the nodes the pass made, where a node stands (position,
parent, whether only its truth counts), and the blank lines a deleted statement leaves."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import libcst as cst
from libcst.metadata import PositionProvider

from flaglint.fixes.plans import Position
from flaglint.fixes.settle.literals import literal_truth, truth_call
from flaglint.fixes.settle.syntax import blank_lines_above, shaping

_Node = TypeVar("_Node", bound=cst.CSTNode)


class SettlerCore(cst.CSTTransformer):
    """The state of one settling pass over one file, and the helpers all its parts use."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, reads: Mapping[Position, object], dead_definitions: set[Position],
                 bindings: set[Position] | None = None,
                 parameters: Mapping[Position, set[str]] | None = None,
                 arguments: Mapping[Position, set[tuple[str, int]]] | None = None,
                 elements: set[Position] | None = None,
                 constants: Mapping[Position, dict[str, object]] | None = None) -> None:
        super().__init__()
        self.reads = reads
        self.dead_definitions = dead_definitions
        self.bindings = bindings or set()  # `NAME = …` to delete: the flag's own definition
        self.parameters = parameters or {}  # parameters the cleanup made unused, by def
        self.arguments = arguments or {}  # and their arguments, by call
        self.elements = elements or set()  # collection elements naming a removed definition
        self.constants = constants or {}  # parameters every call passes the same literal
        self.replaced = 0
        self.removed_branches = 0
        self.removed_definitions = 0  # the flag's definitions (`clean`)
        self.removed_helpers = 0  # dead functions and classes
        # (last line, id() of its block) of each statement line a deleted definition emptied
        self._deleted_lines: set[tuple[int, int]] = set()
        # What the pass deleted: each definition's name, qualified within the module
        # (`Flag.NEW`, `helper`), with the position of its edit.
        self.removed_names: dict[str, Position] = {}
        self._exits: set[int] = set()  # id() of exits a collapsed `if` brought into a block
        # id() of the last statement a collapsed `if` kept -> the comment lines below it in
        # its block (`footer`), which follow it in the block it is now in
        self._footers: dict[int, Sequence[cst.EmptyLine]] = {}
        # id() of the literals settled reads became, and of what simplifying them made; the
        # nodes are kept alive so that no id is reused.
        self._made: set[int] = set()
        self._known: dict[int, bool] = {}  # id() of `x() and False`-like tests: their truth
        self._kept: list[cst.CSTNode] = []
        # Per function (and the module): names bound exactly once, by a statement that always
        # runs (counted only when a settled value is assigned: most scopes never need it), and
        # those whose value is now a settled literal (`use_new = True`).
        self._scopes: list[cst.Module | cst.FunctionDef] = []
        self._once: dict[int, set[str]] = {}
        self._aliases: list[dict[str, object]] = []
        self._module_globals: set[str] | None = None
        self._yields_left: dict[int, int] = {}  # by id() of a function: its `yield`s left
        # Whether the pass asked what the module's own scope binds: a pass over some of a
        # module's statements alone (fixes/source.py) cannot answer for the rest.
        self.module_scope_asked = False
        self.builtin_bool = True  # `bool` is the builtin: the module binds no name `bool`
        self._ancestors: list[cst.CSTNode] = []  # the original nodes being visited, outermost first
        self._owed: dict[int, int] = {}  # id() of a block: blank lines its next statement owes
        # The lines this pass edits: a statement that spans none of them is left unvisited
        self.edited_lines = sorted({line for line, _ in (
            *reads, *dead_definitions, *self.bindings, *self.parameters, *self.arguments,
            *self.elements, *self.constants)})
        self._unvisited: set[int] = set()  # id() of those statements
        # Told of each top-level statement the pass visits, before it asks where its nodes
        # are (positions made per statement: fixes/positions.py)
        self.visiting: Callable[[cst.CSTNode, Mapping[str, object] | None], None] | None = \
            None

    def _qualified(self, name: str, defining: cst.CSTNode | None = None) -> str:
        """`name` as qualified within the module, from the classes and functions that
        enclose the node being left (`defining`, when it is the definition itself, left
        out)."""
        parts = []
        for node in self._ancestors:
            if node is defining:
                continue
            if isinstance(node, cst.ClassDef):
                parts.append(node.name.value)
            elif isinstance(node, cst.FunctionDef):
                parts += [node.name.value, "<locals>"]
        return ".".join([*parts, name])

    def on_visit(self, node: cst.CSTNode) -> bool:
        self._ancestors.append(node)
        if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            if self._untouched(node):
                self._unvisited.add(id(node))
                return False
            if self.visiting is not None and len(self._ancestors) == 2:  # in the module
                # Every statement of a class is visited while a name stands for a literal
                self.visiting(node, self._aliases[-1] if self._aliases else None)
        return super().on_visit(node)

    def _documents_deleted(self, line: cst.SimpleStatementLine, block: cst.CSTNode) -> bool:
        """Is this line of `block` a string alone, right below a line of the same block
        whose definition went (an attribute's docstring, as Sphinx reads one)?"""
        if not self._deleted_lines or len(line.body) != 1 or \
                not isinstance(line.body[0], cst.Expr) or \
                not isinstance(line.body[0].value, (cst.SimpleString, cst.ConcatenatedString)):
            return False
        # (a statement left unvisited has its lines, not its columns: fixes/positions.py)
        start = self.get_metadata(PositionProvider, line).start.line
        return (start - 1, id(block)) in self._deleted_lines

    def _untouched(self, statement: cst.CSTNode) -> bool:
        """Can nothing in this statement change? It spans no line this pass edits, and no
        name of its scope stands for a settled literal: every change starts at an edited
        line or at such a name (a test a settled read or alias decides, a definition to
        delete, an argument to drop), so its nodes need no visit (most of a module)."""
        if self._aliases and self._aliases[-1]:
            return False
        where = self.get_metadata(PositionProvider, statement)
        start = where.start.line
        decorators = getattr(statement, "decorators", ())
        above = self.get_metadata(PositionProvider, decorators[0], None) if decorators else None
        if above is not None:  # a definition's position starts at `def`, below its decorators
            start = min(start, above.start.line)
        first = bisect.bisect_left(self.edited_lines, start)
        return first == len(self.edited_lines) or self.edited_lines[first] > where.end.line

    def on_leave(self, original_node: _Node, updated_node: _Node
                 ) -> _Node | cst.RemovalSentinel | cst.FlattenSentinel[_Node]:
        if id(original_node) in self._unvisited:
            self._unvisited.discard(id(original_node))
            self._ancestors.pop()
            result: _Node | cst.RemovalSentinel | cst.FlattenSentinel[_Node] = \
                cst.RemovalSentinel.REMOVE if isinstance(original_node, cst.SimpleStatementLine) \
                and self._documents_deleted(original_node, self._ancestors[-1]) \
                else updated_node
        else:
            try:
                result = super().on_leave(original_node, updated_node)
            finally:
                self._ancestors.pop()
        if isinstance(original_node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)) \
                and self._ancestors:
            spaced: _Node | cst.RemovalSentinel | cst.FlattenSentinel[_Node] = \
                self._spaced(self._ancestors[-1], original_node, result)
            return spaced
        return result

    def _spaced(self, block: cst.CSTNode, original: cst.CSTNode, result: Any) -> Any:
        """A deleted statement's blank lines stay: the next statement of its block gets as
        many above it as the deleted one had, when it has fewer (`OLD = 1`, a blank line,
        `NEW_UI = 2` deleted, `OTHER = 3` stays apart from `OLD`)."""
        nodes: list[Any] = list(result.nodes) if isinstance(result, cst.FlattenSentinel) \
            else [] if isinstance(result, cst.RemovalSentinel) else [result]
        if not nodes:
            self._owed[id(block)] = max(self._owed.get(id(block), 0), blank_lines_above(original))
            return result
        owed = self._owed.pop(id(block), 0)
        first = nodes[0]
        if owed <= blank_lines_above(first) or not hasattr(first, "leading_lines"):
            return result
        blank = [cst.EmptyLine(indent=False) for _ in range(owed - blank_lines_above(first))]
        spaced = first.with_changes(leading_lines=[*blank, *first.leading_lines])
        if isinstance(result, cst.FlattenSentinel):
            return cst.FlattenSentinel([spaced, *nodes[1:]])
        return spaced

    def _mark(self, node: cst.BaseExpression) -> cst.BaseExpression:
        self._made.add(id(node))
        self._kept.append(node)
        return node

    def _is_made(self, node: cst.CSTNode) -> bool:
        return id(node) in self._made

    def _may_remove(self, branch: cst.CSTNode | None) -> bool:
        """Can this code that never runs go without changing what its function is? Not when
        it declares a name `global` or `nonlocal`; when it holds a `yield`, only while its
        function keeps another (it stays a generator: `analysis/deadcode.py` says the same).
        """
        declares, yields = shaping(branch)
        if declares:
            return False
        if not yields:
            return True
        scope = self._scopes[-1] if self._scopes else None
        if not isinstance(scope, cst.FunctionDef):
            return False
        left = self._yields_left.get(id(scope))
        if left is None:
            left = shaping(scope.body)[1]
        if left <= yields:
            return False
        self._yields_left[id(scope)] = left - yields
        return True

    def _position(self, node: cst.CSTNode) -> Position:
        start = self.get_metadata(PositionProvider, node).start
        return start.line, start.column + 1

    def _parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """The parent of a node being visited or one of its ancestors (an original node).
        Cheaper than libcst's parent metadata, which costs a whole extra pass."""
        for i in range(len(self._ancestors) - 1, 0, -1):
            if self._ancestors[i] is node:
                return self._ancestors[i - 1]
        return None

    def _in_test(self, node: cst.CSTNode) -> bool:
        """Is only the truth of this expression used (an if/while/ifexp test, `not`)?"""
        parent = self._parent(node)
        if isinstance(parent, (cst.If, cst.While)) and parent.test is node:
            return True
        if isinstance(parent, cst.IfExp) and parent.test is node:
            return True
        if isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not):
            return True
        if isinstance(parent, (cst.BooleanOperation, cst.Await)):
            return self._in_test(parent)
        if isinstance(parent, cst.Arg):  # `bool(x)` in a test: `x` is tested
            call = self._parent(parent)
            return self.builtin_bool and call is not None and truth_call(call) is parent \
                and self._in_test(call)
        return False

    def _truth_of(self, node: cst.BaseExpression) -> bool | None:
        """The truth of an expression a settled read decides, whatever its other effects."""
        if self._is_made(node):
            return literal_truth(node)
        return self._known.get(id(node))

    def _know(self, node: cst.BaseExpression, *, truth: bool) -> cst.BaseExpression:
        self._known[id(node)] = truth
        self._kept.append(node)
        return node

    def _carry(self, old: cst.BaseExpression, new: cst.BaseExpression) -> cst.BaseExpression:
        """`new` stands for `old`: settled if `old` was."""
        if self._is_made(old):
            return self._mark(new)
        truth = self._known.get(id(old))
        return self._know(new, truth=truth) if truth is not None else new
