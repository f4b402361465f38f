"""Guards: which code runs only when a test holds, collected during the facts pass.

A mixin of the facts collector: it relies on the collector's `_span`, `scopes`,
`conditions` (a CondBuilder), `guards` and `_call_index`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import libcst as cst

from flaglint.facts.collector import FactsCollector, has_call
from flaglint.facts.model import Cond, Guard, GuardKind
from flaglint.findings import Span


class GuardCollector(FactsCollector):
    _span: Any
    conditions: Any
    _elifs: set[int]
    _boolop_roots: set[int]

    def leave_Assign(self, original_node: cst.Assign) -> None:
        targets = [t.target for t in original_node.targets]
        cond = self._alias_of(targets[0], original_node.value) if len(targets) == 1 else None
        for target in targets:
            self._bind(target, cond)
            self._hold_target(target, original_node.value)

    def leave_AugAssign(self, original_node: cst.AugAssign) -> None:
        self._bind(original_node.target, None)

    def leave_AnnAssign(self, original_node: cst.AnnAssign) -> None:
        self._bind(original_node.target,
                   self._alias_of(original_node.target, original_node.value))
        if original_node.value is not None:
            self._hold_target(original_node.target, original_node.value)

    def _hold_target(self, target: cst.BaseExpression, value: cst.BaseExpression | None
                     ) -> None:
        """What each name the target binds may hold of the reads in the value (None: of
        none); a value unpacked (`a, = read`) is taken apart. As `ast_facts`' does."""
        if isinstance(target, cst.Name):
            self._hold(target.value, self._value_calls(value))
        elif isinstance(target, (cst.Tuple, cst.List)):
            values = [e.value for e in value.elements] \
                if isinstance(value, (cst.Tuple, cst.List)) and \
                len(value.elements) == len(target.elements) and not any(
                    isinstance(e, cst.StarredElement)
                    for e in (*target.elements, *value.elements)) else None
            if values is None:
                self._taken_apart_calls(self._value_calls(value))
            for index, element in enumerate(target.elements):
                self._hold_target(element.value, None if values is None else values[index])

    def _value_calls(self, value: cst.BaseExpression | None) -> list[int]:
        """The calls whose value this expression may be (`ast_facts`' `_value_calls`)."""
        if value is None:
            return []
        index = self._call_index.get(id(value))
        if index is not None:
            return [index]
        if isinstance(value, cst.BooleanOperation):
            return [*self._value_calls(value.left), *self._value_calls(value.right)]
        if isinstance(value, cst.IfExp):
            return [*self._value_calls(value.body), *self._value_calls(value.orelse)]
        if isinstance(value, cst.NamedExpr):
            return self._value_calls(value.value)
        if isinstance(value, cst.Await):
            return self._value_calls(value.expression)
        if isinstance(value, cst.Name):
            return self._held_by(value.value)
        return []

    def _alias_of(self, target: cst.BaseExpression, value: cst.BaseExpression | None
                  ) -> Cond | None:
        """What a name bound alone to this value stands for, where it holds a call."""
        if not isinstance(target, cst.Name) or value is None:
            return None
        built = self.conditions.build(value)
        return built if has_call(built) else None

    def visit_For(self, node: cst.For) -> None:
        self._bind(node.target, None)

    def _bind(self, target: cst.BaseExpression, cond: Cond | None) -> None:
        names = [target] if isinstance(target, cst.Name) else [
            e.value for e in getattr(target, "elements", ()) if isinstance(e.value, cst.Name)]
        self._bind_names([name.value for name in names], cond)

    def leave_Module(self, original_node: cst.Module) -> None:
        self._finish_aliases(self.module)
        self._early_exits(original_node.body)

    # -- guards ----------------------------------------------------------------------------

    def _mark_test(self, test: cst.BaseExpression) -> None:
        while isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            test = test.expression
        self._test_roots.add(id(test))

    def visit_If(self, node: cst.If) -> None:
        self._mark_test(node.test)
        if isinstance(node.orelse, cst.If):
            self._elifs.add(id(node.orelse))

    def leave_If(self, original_node: cst.If) -> None:
        self._using.clear()
        test = self.conditions.build(original_node.test)
        if not has_call(test):
            self._using.clear()
            return
        whole = self._span(original_node)
        body_end = self._span(original_node.body)
        body = Span(whole.line, whole.column, body_end.end_line, body_end.end_column)
        orelse = self._span(original_node.orelse) if original_node.orelse is not None else None
        self._if_guard[id(original_node)] = self._guard(Guard(
            GuardKind.IF, test, self.scopes[-1].qualname, whole, body, orelse,
            orelse_is_elif=isinstance(original_node.orelse, cst.If),
            is_elif=id(original_node) in self._elifs))

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self._mark_test(node.test)

    def leave_IfExp(self, original_node: cst.IfExp) -> None:
        self._using.clear()
        test = self.conditions.build(original_node.test)
        if has_call(test):
            self._guard(Guard(GuardKind.IFEXP, test, self.scopes[-1].qualname,
                              self._span(original_node), self._span(original_node.body),
                              self._span(original_node.orelse)))
        self._using.clear()

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        if self._boolop_depth == 0 and id(node) not in self._test_roots:
            self._boolop_roots.add(id(node))
        self._boolop_depth += 1

    def leave_BooleanOperation(self, original_node: cst.BooleanOperation) -> None:
        self._boolop_depth -= 1
        if id(original_node) in self._boolop_roots:
            self._using.clear()
            test = self.conditions.build(original_node)
            span = self._span(original_node)
            if has_call(test):
                self._guard(Guard(GuardKind.BOOLOP, test, self.scopes[-1].qualname, span, span))
            self._using.clear()

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        # A lambda's body runs later, in another scope: its tests are not this block's, and
        # a `yield` in it makes the lambda a generator, not the function around it.
        self._boolop_depth += 1
        self._lambdas += 1
        return True

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._boolop_depth -= 1
        self._lambdas -= 1

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._blocks += 1

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self._blocks += 1

    def leave_SimpleStatementSuite(self, original_node: cst.SimpleStatementSuite) -> None:
        self._blocks -= 1

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        self._blocks -= 1
        self._early_exits(original_node.body)

    def _early_exits(self, body: Sequence[cst.BaseStatement]) -> None:
        for i, statement in enumerate(body[:-1]):
            index = self._if_guard.get(id(statement))
            if index is None or not isinstance(statement, cst.If) or statement.orelse is not None:
                continue
            if _always_exits(statement.body):
                first, last = self._span(body[i + 1]), self._span(body[-1])
                self._rest_after(index, Span(first.line, first.column, last.end_line,
                                             last.end_column))


_EXITS = (cst.Return, cst.Raise, cst.Continue, cst.Break)


def _always_exits(block: cst.BaseSuite) -> bool:
    if not isinstance(block, cst.IndentedBlock) or not block.body:
        return False
    last = block.body[-1]
    return isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[-1], _EXITS)
