"""The libcst transformer that settles flag reads in one file.

Reads at given positions become literals (in a test or comparison whatever their value; in
any other place only when the value is a boolean, which is what boolean reads return); then
comparisons, `not`, `and`/`or`, conditional expressions and `if` statements over those
literals are simplified bottom-up. Only what a settled read decides is touched: a literal the
user wrote (`if False:`, `DEBUG = True`) is never simplified. An operand that may have a side
effect is never dropped (`audit(x) or flag()` keeps `audit(x)`); a live branch is moved out
with its comments and re-indented by libcst; statements after an exit that now always
happens are removed; dead functions and classes are deleted.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import libcst as cst
from libcst.metadata import PositionProvider

from flaglint.facts.conditions import is_pure

Position = tuple[int, int]  # 1-based line and column where a node starts
_EXITS = (cst.Return, cst.Raise, cst.Continue, cst.Break)


def literal_node(value: object) -> cst.BaseExpression:
    if isinstance(value, bool) or value is None:
        return cst.Name(repr(value))
    if isinstance(value, int):
        return cst.Integer(str(value)) if value >= 0 else cst.UnaryOperation(
            cst.Minus(), cst.Integer(str(-value)))
    if isinstance(value, float):
        return cst.Float(repr(value))
    return cst.SimpleString(repr(value))


_UNKNOWN = object()
_Node = TypeVar("_Node", bound=cst.CSTNode)


def literal_value(node: cst.BaseExpression) -> object:
    """The Python value of a literal node, else _UNKNOWN."""
    if isinstance(node, cst.Name):
        return {"True": True, "False": False, "None": None}.get(node.value, _UNKNOWN)
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float,
                         cst.UnaryOperation)):
        try:
            return ast.literal_eval(cst.Module(body=[]).code_for_node(node))
        except (ValueError, SyntaxError):
            return _UNKNOWN
    return _UNKNOWN


def _truth(node: cst.BaseExpression) -> bool | None:
    value = literal_value(node)
    return None if value is _UNKNOWN else bool(value)


class Settler(cst.CSTTransformer):
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
        self.removed_definitions = 0
        self.removed_names: set[str] = set()
        self._exits: set[int] = set()  # id() of exits a collapsed `if` brought into a block
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
        self._ancestors: list[cst.CSTNode] = []  # the original nodes being visited, outermost first
        self._owed: dict[int, int] = {}  # id() of a block: blank lines its next statement owes

    def on_visit(self, node: cst.CSTNode) -> bool:
        self._ancestors.append(node)
        return super().on_visit(node)

    def on_leave(self, original_node: _Node, updated_node: _Node
                 ) -> _Node | cst.RemovalSentinel | cst.FlattenSentinel[_Node]:
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
            self._owed[id(block)] = max(self._owed.get(id(block), 0), _blank_above(original))
            return result
        owed = self._owed.pop(id(block), 0)
        first = nodes[0]
        if owed <= _blank_above(first) or not hasattr(first, "leading_lines"):
            return result
        blank = [cst.EmptyLine(indent=False) for _ in range(owed - _blank_above(first))]
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

    def visit_Module(self, node: cst.Module) -> None:
        self._enter(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._enter(node)
        if self.constants:
            line = self.get_metadata(PositionProvider, node.name).start.line
            column = self.get_metadata(PositionProvider, node).start.column + 1
            for name, value in self.constants.get((line, column), {}).items():
                if name in self._bound_once():  # never bound again in the body
                    self._aliases[-1][name] = value

    def _enter(self, node: cst.Module | cst.FunctionDef) -> None:
        self._scopes.append(node)
        self._aliases.append({})

    def _leave(self) -> dict[str, object]:
        self._once.pop(id(self._scopes.pop()), None)
        return self._aliases.pop()

    def _bound_once(self) -> set[str]:
        """The names the current scope binds exactly once (never `global`/`nonlocal`)."""
        node = self._scopes[-1]
        if id(node) not in self._once:
            counter = _Assignments()
            if isinstance(node, cst.FunctionDef):
                counter.bind_params(node.params)
                node.body.visit(counter)
                poisoned = counter.declared
            else:
                for statement in node.body:
                    statement.visit(counter)
                if self._module_globals is None:
                    declared = _Declared()
                    node.visit(declared)
                    self._module_globals = declared.names
                poisoned = self._module_globals
            self._once[id(node)] = {n for n, count in counter.counts.items()
                                    if count == 1 and n not in poisoned}
        return self._once[id(node)]

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        if len(updated_node.targets) == 1 and isinstance(updated_node.targets[0].target,
                                                         cst.Name) \
                and self._is_made(updated_node.value) and self._always_runs(original_node):
            name = updated_node.targets[0].target.value
            if self._scopes and name in self._bound_once():
                self._aliases[-1][name] = literal_value(updated_node.value)
        return updated_node

    def _always_runs(self, assign: cst.Assign) -> bool:
        """Is this assignment a statement of its function's (or module's) own body?"""
        line = self._parent(assign)
        block = self._parent(line) if line is not None else None
        if isinstance(block, cst.Module):
            return True
        return isinstance(block, cst.IndentedBlock) and isinstance(self._parent(block),
                                                                    cst.FunctionDef)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        settled = self._truth_read(original_node, updated_node)
        if settled is not updated_node:
            return settled
        if not self._aliases or original_node.value not in self._aliases[-1]:
            return updated_node
        parent = self._parent(original_node)
        if self._in_test(original_node) or isinstance(parent, (cst.Comparison,
                                                               cst.ComparisonTarget)):
            return self._mark(literal_node(self._aliases[-1][original_node.value]))
        return updated_node

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
        return False

    # -- reads -----------------------------------------------------------------------------

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        position = self._position(original_node)
        if position in self.arguments:
            updated_node = _without_arguments(updated_node, self.arguments[position])
        if position not in self.reads:
            return updated_node
        value = self.reads[position]
        if not all(is_pure(arg.value) for arg in original_node.args):
            return updated_node
        parent = self._parent(original_node)
        compared = isinstance(parent, (cst.Comparison, cst.ComparisonTarget))
        if not (isinstance(value, bool) or compared or self._in_test(original_node)):
            return updated_node  # a variant in a value position: its real type is unknown
        self.replaced += 1
        return self._mark(literal_node(value).with_changes(lpar=updated_node.lpar,
                                                           rpar=updated_node.rpar))

    def _truth_read(self, original_node: cst.Name, updated_node: cst.Name
                    ) -> cst.BaseExpression:
        """`if holder:`: a truth test of a flag object, settled like a call."""
        if not self.reads or self._position(original_node) not in self.reads:
            return updated_node
        parent = self._parent(original_node)
        if not isinstance(parent, (cst.If, cst.IfExp, cst.UnaryOperation)):
            return updated_node  # only a test (or `not` of one) that is the name alone
        value = self.reads[self._position(original_node)]
        if not isinstance(value, bool):
            return updated_node
        self.replaced += 1
        return self._mark(literal_node(value))

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute
                        ) -> cst.BaseExpression:
        """`holder.value`, an attribute read of a flag object: settled like a call. The
        callee of a call and the inner links of a longer chain start at the same place, so
        only the outermost expression there is taken."""
        position = self._position(original_node)
        if position not in self.reads:
            return updated_node
        parent = self._parent(original_node)
        if (isinstance(parent, cst.Attribute) and parent.value is original_node) or (
                isinstance(parent, cst.Call) and parent.func is original_node):
            return updated_node
        value = self.reads[position]
        compared = isinstance(parent, (cst.Comparison, cst.ComparisonTarget))
        if not (isinstance(value, bool) or compared or self._in_test(original_node)):
            return updated_node
        self.replaced += 1
        return self._mark(literal_node(value).with_changes(lpar=updated_node.lpar,
                                                           rpar=updated_node.rpar))

    def leave_List(self, original_node: cst.List, updated_node: cst.List) -> cst.List:
        return self._without_elements(original_node, updated_node)

    def leave_Tuple(self, original_node: cst.Tuple, updated_node: cst.Tuple) -> cst.Tuple:
        return self._without_elements(original_node, updated_node)

    def leave_Set(self, original_node: cst.Set, updated_node: cst.Set) -> cst.Set:
        return self._without_elements(original_node, updated_node)

    def _without_elements(self, original: _Collection, updated: _Collection) -> _Collection:
        if not self.elements or len(updated.elements) != len(original.elements):
            return updated
        kept = [e for e, o in zip(updated.elements, original.elements, strict=True)
                if self._position(o.value) not in self.elements]
        if len(kept) == len(updated.elements) or (not kept and isinstance(updated, cst.Set)):
            return updated  # an empty `{}` would be a dict: the set stays as it is
        if kept and isinstance(updated, cst.Tuple) and len(kept) == 1:
            kept[-1] = kept[-1].with_changes(comma=cst.Comma())  # `(a,)` stays a tuple
        elif kept:
            last = updated.elements[-1]
            kept[-1] = kept[-1].with_changes(comma=last.comma)
        return updated.with_changes(elements=kept)

    def leave_Decorator(self, original_node: cst.Decorator, updated_node: cst.Decorator
                        ) -> cst.Decorator | cst.RemovalSentinel:
        position = self._position(original_node)
        if position in self.reads and self.reads[position] is True:
            self.replaced += 1
            return cst.RemovalSentinel.REMOVE  # a gate that always opens
        return updated_node

    # -- expressions -----------------------------------------------------------------------

    def leave_Comparison(self, original_node: cst.Comparison, updated_node: cst.Comparison
                         ) -> cst.BaseExpression:
        if len(updated_node.comparisons) != 1:
            return updated_node
        left = literal_value(updated_node.left)
        target = updated_node.comparisons[0]
        if left is _UNKNOWN or not (self._is_made(updated_node.left)
                                    or self._is_made(target.comparator)):
            return updated_node
        right: object
        if isinstance(target.comparator, (cst.Tuple, cst.List, cst.Set)):
            right = [literal_value(e.value) for e in target.comparator.elements]
            if any(r is _UNKNOWN for r in right):
                return updated_node
        else:
            right = literal_value(target.comparator)
            if right is _UNKNOWN:
                return updated_node
        result = _compare(left, target.operator, right)
        if result is None:
            return updated_node
        return self._mark(literal_node(result).with_changes(lpar=updated_node.lpar,
                                                            rpar=updated_node.rpar))

    def leave_Await(self, original_node: cst.Await, updated_node: cst.Await
                    ) -> cst.BaseExpression:
        # `await flag_on("k")` settled: the value itself, not `await True`.
        if self._is_made(updated_node.expression):
            return updated_node.expression
        return updated_node

    def leave_UnaryOperation(self, original_node: cst.UnaryOperation,
                             updated_node: cst.UnaryOperation) -> cst.BaseExpression:
        if isinstance(updated_node.operator, cst.Not) and self._is_made(updated_node.expression):
            truth = _truth(updated_node.expression)
            if truth is not None:
                return self._mark(literal_node(not truth).with_changes(lpar=updated_node.lpar,
                                                                       rpar=updated_node.rpar))
        if isinstance(updated_node.operator, cst.Not):
            known = self._known.get(id(updated_node.expression))
            if known is not None:  # `not (x() and False)` is true, and x() still runs
                return self._know(updated_node, truth=not known)
        return updated_node

    def leave_BooleanOperation(self, original_node: cst.BooleanOperation,
                               updated_node: cst.BooleanOperation) -> cst.BaseExpression:
        is_and = isinstance(updated_node.operator, cst.And)
        left, right = updated_node.left, updated_node.right
        left_truth, right_truth = self._truth_of(left), self._truth_of(right)
        keep = {"lpar": updated_node.lpar, "rpar": updated_node.rpar}
        if left_truth is not None:
            if left_truth != is_and:
                # `False and R`, `True or R`: R never runs, the value is the left one.
                return self._carry(left, _with_parens(left, keep))
            if self._is_made(left):
                return self._carry(right, _with_parens(right, keep))  # `True and R` is R
            # The left part runs for its effects and lets the right decide.
            return self._know(updated_node, truth=right_truth) if right_truth is not None \
                else updated_node
        if right_truth is not None:
            if right_truth == is_and:
                if self._in_test(original_node) and self._is_made(right):
                    # `L and True`, `L or False`: as true as L
                    return self._carry(left, _with_parens(left, keep))
                return updated_node
            if is_pure(left) and self._is_made(right) and self._in_test(original_node):
                return self._mark(literal_node(right_truth).with_changes(**keep))
            return self._know(updated_node, truth=right_truth)  # `x() and False` is false
        return updated_node

    def _truth_of(self, node: cst.BaseExpression) -> bool | None:
        """The truth of an expression a settled read decides, whatever its other effects."""
        if self._is_made(node):
            return _truth(node)
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

    def leave_IfExp(self, original_node: cst.IfExp, updated_node: cst.IfExp
                    ) -> cst.BaseExpression:
        truth = _truth(updated_node.test) if self._is_made(updated_node.test) else None
        if truth is None or _shapes_scope(updated_node.orelse if truth else updated_node.body):
            return updated_node
        self.removed_branches += 1
        chosen = updated_node.body if truth else updated_node.orelse
        parent = self._parent(original_node)
        if isinstance(chosen, _ATOMS) and not chosen.lpar and not isinstance(
                parent, (cst.Attribute, cst.Subscript, cst.Call)):
            return self._carry(chosen, chosen)  # `(0.9 if x else 1)` becomes `0.9`
        return self._carry(chosen, _with_parens(chosen, {"lpar": updated_node.lpar,
                                                         "rpar": updated_node.rpar}))

    # -- statements ------------------------------------------------------------------------

    def leave_If(self, original_node: cst.If, updated_node: cst.If
                 ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | \
            cst.RemovalSentinel:
        truth, effects = self._decide(updated_node.test)
        if truth is None:
            return updated_node
        if _shapes_scope(updated_node.orelse if truth else updated_node.body):
            return updated_node  # removing it would change what the function is
        self.removed_branches += 1
        kept: list[cst.BaseStatement] = [cst.SimpleStatementLine([cst.Expr(e)])
                                         for e in effects]
        if truth:
            kept += list(_statements(updated_node.body))
        elif isinstance(updated_node.orelse, cst.If):
            kept.append(updated_node.orelse)
        elif isinstance(updated_node.orelse, cst.Else):
            kept += list(_statements(updated_node.orelse.body))
        if isinstance(self._parent(original_node), cst.If):
            # An elif: what replaces it must still be a single elif/else.
            return _as_orelse(kept, updated_node)  # type: ignore[return-value]
        if not kept:
            return cst.RemovalSentinel.REMOVE
        kept[0] = _carry_comments(kept[0], updated_node)
        if _exits(kept[-1]):
            self._exits.add(id(kept[-1]))
            self._kept.append(kept[-1])
        return cst.FlattenSentinel(kept)

    def _decide(self, test: cst.BaseExpression
                ) -> tuple[bool | None, list[cst.BaseExpression]]:
        """The truth of a settled test, if known, and what to keep for its side effects."""
        truth = self._truth_of(test)
        return (None, []) if truth is None else (truth, self._effects(test))

    def _effects(self, node: cst.BaseExpression) -> list[cst.BaseExpression]:
        """What of a decided expression must still run, in order."""
        if self._is_made(node) or is_pure(node):
            return []
        if isinstance(node, cst.UnaryOperation) and id(node) in self._known:
            return self._effects(node.expression)
        if isinstance(node, cst.BooleanOperation) and id(node) in self._known:
            left, right = node.left, node.right
            if self._truth_of(left) is not None:  # it runs, then the right part runs
                return self._effects(left) + self._effects(right)
            if self._is_made(right) or is_pure(right):  # `x() and False`: x() runs once
                return [] if is_pure(left) else [_bare(left)]
        return [_bare(node)]

    def leave_While(self, original_node: cst.While, updated_node: cst.While
                    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | \
            cst.RemovalSentinel:
        truth, effects = self._decide(updated_node.test)
        if truth is not False or _shapes_scope(updated_node.body):
            return updated_node  # `while True:` is a loop someone meant
        self.removed_branches += 1
        kept: list[cst.BaseStatement] = [cst.SimpleStatementLine([cst.Expr(e)])
                                         for e in effects]
        if updated_node.orelse is not None:
            kept += list(_statements(updated_node.orelse.body))
        if not kept:
            return cst.RemovalSentinel.REMOVE
        kept[0] = _carry_comments(kept[0], updated_node)
        return cst.FlattenSentinel(kept)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock,
                            updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        return updated_node.with_changes(body=self._after_exits(updated_node.body))

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        return updated_node.with_changes(body=self._after_exits(updated_node.body))

    def _after_exits(self, body: Sequence[cst.BaseStatement]) -> list[cst.BaseStatement]:
        for i, statement in enumerate(body):
            if id(statement) in self._exits and not any(_shapes_scope(s) for s in body[i + 1:]):
                return list(body[:i + 1])  # what follows an exit that always happens never runs
        return list(body)

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
                          ) -> cst.BaseStatement | cst.RemovalSentinel:
        aliases = self._leave()
        if aliases:
            # `use_new = True` that nothing reads any more goes with the branches it decided.
            counter = _NameUses()
            updated_node.body.visit(counter)
            unread = {name for name in aliases if counter.counts.get(name, 0) == 1}
            if unread:
                updated_node = updated_node.with_changes(
                    body=updated_node.body.visit(_DropStores(unread, self._made)))
        if self.parameters:
            line = self.get_metadata(PositionProvider, original_node.name).start.line
            column = self.get_metadata(PositionProvider, original_node).start.column + 1
            names = self.parameters.get((line, column))
            if names:
                updated_node = updated_node.with_changes(
                    params=_without_parameters(updated_node.params, names))
        return self._definition(original_node, updated_node)

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine,
                                  updated_node: cst.SimpleStatementLine
                                  ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        # `assert True` and a bare `True` left where a settled read stood say nothing; a
        # flag's own definition goes when `clean` asks.
        body = [small for small, before in zip(updated_node.body, original_node.body,
                                               strict=True)
                if not self._says_nothing(small) and not self._deleted_binding(before)]
        if len(body) == len(updated_node.body):
            return updated_node
        if not body:
            return cst.RemovalSentinel.REMOVE
        return updated_node.with_changes(body=body)

    def _deleted_binding(self, small: cst.BaseSmallStatement) -> bool:
        if not self.bindings:
            return False
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call) and \
                self._position(small.value) in self.bindings:
            self.removed_definitions += 1  # `manager.add("org:x", …)`: a definition call
            return True
        if not isinstance(small, (cst.Assign, cst.AnnAssign)):
            return False
        targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else \
            [small.target]
        if len(targets) != 1 or not isinstance(targets[0], cst.Name) or \
                self._position(targets[0]) not in self.bindings:
            return False
        self.removed_definitions += 1
        self.removed_names.add(targets[0].value)
        return True

    def _says_nothing(self, small: cst.BaseSmallStatement) -> bool:
        if isinstance(small, cst.Expr):
            return self._is_made(small.value)
        if isinstance(small, cst.Assert):
            return self._is_made(small.test) and _truth(small.test) is True
        return False

    def leave_Try(self, original_node: cst.Try, updated_node: cst.Try
                  ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | \
            cst.RemovalSentinel:
        # A `try` whose body the fix emptied: its handlers can never run.
        if updated_node.body is original_node.body or not _empty(updated_node.body):
            return updated_node
        kept: list[cst.BaseStatement] = []
        for part in (updated_node.orelse, updated_node.finalbody):
            if part is not None and not _empty(part.body):
                kept += list(_statements(part.body))
        if not kept:
            return cst.RemovalSentinel.REMOVE
        kept[0] = _carry_comments(kept[0], updated_node)
        return cst.FlattenSentinel(kept)

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef
                       ) -> cst.BaseStatement | cst.RemovalSentinel:
        return self._definition(original_node, updated_node)

    def _definition(self, original: cst.FunctionDef | cst.ClassDef,
                    updated: cst.FunctionDef | cst.ClassDef
                    ) -> cst.BaseStatement | cst.RemovalSentinel:
        line = self.get_metadata(PositionProvider, original.name).start.line
        column = self.get_metadata(PositionProvider, original).start.column + 1
        if (line, column) in self.dead_definitions:
            self.removed_definitions += 1
            self.removed_names.add(original.name.value)
            return cst.RemovalSentinel.REMOVE
        return updated


_Collection = TypeVar("_Collection", cst.List, cst.Tuple, cst.Set)

# Expressions that need no parentheses wherever the conditional expression stood.
_ATOMS = (cst.Name, cst.Integer, cst.Float, cst.SimpleString, cst.Attribute, cst.Call,
          cst.Subscript, cst.List, cst.Tuple, cst.Dict, cst.Set)


class _ScopeShaper(cst.CSTVisitor):
    """Finds `yield`, `global` and `nonlocal` outside nested functions: code that, even if it
    never runs, decides what its function is (a generator) or where its names live."""

    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def visit_Yield(self, node: cst.Yield) -> None:
        self.found = True

    def visit_Global(self, node: cst.Global) -> None:
        self.found = True

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.found = True

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False


def _shapes_scope(node: cst.CSTNode | None) -> bool:
    if node is None:
        return False
    finder = _ScopeShaper()
    node.visit(finder)
    return finder.found


class _Declared(cst.CSTVisitor):
    """Names a `global` or `nonlocal` statement declares anywhere below a node."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def visit_Global(self, node: cst.Global) -> None:
        self.names |= {item.name.value for item in node.names}

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.names |= {item.name.value for item in node.names}


class _Assignments(_Declared):
    """How often each name is bound in one function body (not in nested functions, whose
    `global`/`nonlocal` declarations are still collected)."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: dict[str, int] = {}
        self._depth = 0

    @property
    def declared(self) -> set[str]:
        return self.names

    def _bind(self, target: cst.CSTNode | None) -> None:
        if self._depth or target is None:
            return
        if isinstance(target, cst.Name):
            self.counts[target.value] = self.counts.get(target.value, 0) + 1
        elif isinstance(target, cst.StarredElement):
            self._bind(target.value)
        for element in getattr(target, "elements", ()):
            self._bind(element.value)

    def bind_params(self, params: cst.Parameters) -> None:
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            self._bind(param.name)
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                self._bind(star.name)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._bind(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._bind(node.target)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:  # with … as x, except … as x, import as
        self._bind(node.name)

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        if node.asname is None:
            self._bind(node.name if isinstance(node.name, cst.Name) else
                       _leftmost(node.name))

    def visit_Del(self, node: cst.Del) -> None:
        self._bind(node.target)
        self._bind(node.target)  # a deleted name is no constant

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._bind(node.name)
        self._depth += 1
        return True

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._depth -= 1

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self._bind(node.name)
        self._depth += 1
        return True

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._depth -= 1

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False


class _NameUses(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.counts: dict[str, int] = {}

    def visit_Name(self, node: cst.Name) -> None:
        self.counts[node.value] = self.counts.get(node.value, 0) + 1


class _DropStores(cst.CSTTransformer):
    """Remove `name = <settled literal>` statements for the given names."""

    def __init__(self, names: set[str], made: set[int]) -> None:
        super().__init__()
        self.names = names
        self.made = made

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine,
                                  updated_node: cst.SimpleStatementLine
                                  ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        # The original nodes are the ones marked as settled (a visit copies them).
        body = [small for small, before in zip(updated_node.body, original_node.body,
                                               strict=True) if not (
            isinstance(before, cst.Assign) and len(before.targets) == 1
            and isinstance(before.targets[0].target, cst.Name)
            and before.targets[0].target.value in self.names and id(before.value) in self.made)]
        if len(body) == len(updated_node.body):
            return updated_node
        return updated_node.with_changes(body=body) if body else cst.RemovalSentinel.REMOVE


def _empty(block: cst.BaseSuite) -> bool:
    """A block with nothing but `pass` (or nothing at all)."""
    statements = block.body if isinstance(block, cst.IndentedBlock) else [block]
    for statement in statements:
        smalls = statement.body if isinstance(statement, (cst.SimpleStatementLine,
                                                          cst.SimpleStatementSuite)) else None
        if smalls is None or not all(isinstance(small, cst.Pass) for small in smalls):
            return False
    return True


def _leftmost(name: cst.Attribute | cst.Name) -> cst.Name:
    node: cst.BaseExpression = name
    while isinstance(node, cst.Attribute):
        node = node.value
    assert isinstance(node, cst.Name)
    return node


def _compare(left: object, operator: cst.BaseCompOp, right: object) -> bool | None:
    try:
        if isinstance(operator, cst.Equal):
            return bool(left == right)
        if isinstance(operator, cst.NotEqual):
            return bool(left != right)
        if isinstance(operator, cst.Is) and right in (True, False, None):
            return left is right
        if isinstance(operator, cst.IsNot) and right in (True, False, None):
            return left is not right
        if isinstance(operator, cst.In) and isinstance(right, list):
            return left in right
        if isinstance(operator, cst.NotIn) and isinstance(right, list):
            return left not in right
    except TypeError:
        return None
    return None


def _bare(node: cst.BaseExpression) -> cst.BaseExpression:
    return node.with_changes(lpar=[], rpar=[]) if hasattr(node, "lpar") else node


def _with_parens(node: cst.BaseExpression, keep: Mapping[str, object]) -> cst.BaseExpression:
    if keep["lpar"] and hasattr(node, "lpar") and not node.lpar:
        return node.with_changes(**keep)
    return node


def _statements(block: cst.BaseSuite) -> Sequence[cst.BaseStatement]:
    if isinstance(block, cst.IndentedBlock):
        return block.body
    assert isinstance(block, cst.SimpleStatementSuite)
    return [cst.SimpleStatementLine(body=block.body)]


def _exits(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and isinstance(statement.body[-1],
                                                                        _EXITS)


def _blank_above(statement: cst.CSTNode) -> int:
    """The blank lines between a statement (or the comments above it) and what precedes."""
    count = 0
    for line in getattr(statement, "leading_lines", ()):
        if line.comment is not None:
            break
        count += 1
    return count


def _carry_comments(first: cst.BaseStatement, gone: cst.If | cst.While | cst.Try
                    ) -> cst.BaseStatement:
    """Keep the comments above the `if` and on its header line with what replaces it."""
    lines = list(gone.leading_lines)
    header = gone.body.header if isinstance(gone.body, cst.IndentedBlock) else None
    if header is not None and header.comment is not None:
        lines.append(cst.EmptyLine(comment=header.comment))
    if not lines or not hasattr(first, "leading_lines"):
        return first
    return first.with_changes(leading_lines=[*lines, *first.leading_lines])


def _as_orelse(kept: list[cst.BaseStatement], gone: cst.If) -> cst.If | cst.Else | \
        cst.RemovalSentinel:
    if len(kept) == 1 and isinstance(kept[0], cst.If):
        return kept[0]
    if not kept:
        return cst.RemovalSentinel.REMOVE
    return cst.Else(body=cst.IndentedBlock(body=kept), leading_lines=gone.leading_lines)


def _without_parameters(params: cst.Parameters, names: set[str]) -> cst.Parameters:
    """The signature without these parameters; when the last one went, the last one left
    ends as it did (no comma, or the trailing comma, and the line break before `)`)."""
    def keep(items: Sequence[cst.Param]) -> list[cst.Param]:
        return [p for p in items if p.name.value not in names]

    changed = params.with_changes(params=keep(params.params), kwonly_params=keep(
        params.kwonly_params), posonly_params=keep(params.posonly_params))
    old, new = _last_param(params), _last_param(changed)
    if old is None or new is None or new is old:
        return changed
    ending = new.with_changes(comma=old.comma, whitespace_after_param=old.whitespace_after_param)
    for group in ("kwonly_params", "params", "posonly_params"):
        items = list(getattr(changed, group))
        if items and items[-1] is new:
            return changed.with_changes(**{group: [*items[:-1], ending]})
    return changed


def _last_param(params: cst.Parameters) -> cst.Param | None:
    """The parameter that ends the signature; None when `*args`, `**kwargs` or `/` does."""
    if params.star_kwarg is not None:
        return None
    if params.kwonly_params:
        return params.kwonly_params[-1]
    if isinstance(params.star_arg, (cst.Param, cst.ParamStar)):
        return None
    if params.params:
        return params.params[-1]
    if isinstance(params.posonly_ind, cst.ParamSlash):
        return None
    return params.posonly_params[-1] if params.posonly_params else None


def _without_arguments(call: cst.Call, drop: set[tuple[str, int]]) -> cst.Call:
    """The call without the arguments of these (name, position) parameters."""
    names = {name for name, _ in drop}
    positions = {index for _, index in drop if index >= 0}
    kept = []
    for index, arg in enumerate(call.args):
        if arg.keyword is not None and arg.keyword.value in names:
            continue
        if arg.keyword is None and not arg.star and index in positions:
            continue
        kept.append(arg)
    if kept and call.args and kept[-1] is not call.args[-1]:
        # The last argument left ends as the last one did (its comma, the line break).
        last = call.args[-1]
        kept[-1] = kept[-1].with_changes(comma=last.comma,
                                         whitespace_after_arg=last.whitespace_after_arg)
    return call.with_changes(args=kept)
