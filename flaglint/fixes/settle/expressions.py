"""Expressions over settled reads, simplified bottom-up: comparisons, `not`, `and`/`or`,
`await` and conditional expressions. An operand that may do something is never dropped."""

from __future__ import annotations

import libcst as cst

from flaglint.facts.conditions import is_pure
from flaglint.fixes.settle.core import SettlerCore
from flaglint.fixes.settle.literals import (
    UNKNOWN,
    compare,
    literal_node,
    literal_truth,
    literal_value,
    truth_call,
)
from flaglint.fixes.settle.syntax import shapes_scope, with_parens_of

# Expressions that need no parentheses wherever the conditional expression stood.
_ATOMS = (cst.Name, cst.Integer, cst.Float, cst.SimpleString, cst.Attribute, cst.Call,
          cst.Subscript, cst.List, cst.Tuple, cst.Dict, cst.Set)


class ExpressionSimplifying(SettlerCore):
    """Expressions a settled read decides, replaced by what they come to."""

    def leave_Comparison(self, original_node: cst.Comparison, updated_node: cst.Comparison
                         ) -> cst.BaseExpression:
        if len(updated_node.comparisons) != 1:
            return updated_node
        left = literal_value(updated_node.left)
        target = updated_node.comparisons[0]
        if left is UNKNOWN or not (self._is_made(updated_node.left)
                                    or self._is_made(target.comparator)):
            return updated_node
        right: object
        if isinstance(target.comparator, (cst.Tuple, cst.List, cst.Set)):
            right = [literal_value(e.value) for e in target.comparator.elements]
            if any(r is UNKNOWN for r in right):
                return updated_node
        else:
            right = literal_value(target.comparator)
            if right is UNKNOWN:
                return updated_node
        result = compare(left, target.operator, right)
        if result is None:
            return updated_node
        return self._mark(literal_node(result).with_changes(lpar=updated_node.lpar,
                                                            rpar=updated_node.rpar))

    def _truth_called(self, updated_node: cst.Call) -> cst.BaseExpression:
        """`bool(x)` of a settled `x`: its truth (`bool(True) and y` reads `y`)."""
        argument = truth_call(updated_node) if self.builtin_bool else None
        if argument is None or not self._is_made(argument.value):
            return updated_node
        truth = literal_truth(argument.value)
        if truth is None:
            return updated_node
        return self._mark(literal_node(truth).with_changes(lpar=updated_node.lpar,
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
            truth = literal_truth(updated_node.expression)
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
                return self._carry(left, with_parens_of(left, keep))
            if self._is_made(left):
                return self._carry(right, with_parens_of(right, keep))  # `True and R` is R
            # The left part runs for its effects and lets the right decide.
            return self._know(updated_node, truth=right_truth) if right_truth is not None \
                else updated_node
        if right_truth is not None:
            if right_truth == is_and:
                if self._in_test(original_node) and self._is_made(right):
                    # `L and True`, `L or False`: as true as L
                    return self._carry(left, with_parens_of(left, keep))
                return updated_node
            if is_pure(left) and self._is_made(right) and self._in_test(original_node):
                return self._mark(literal_node(right_truth).with_changes(**keep))
            return self._know(updated_node, truth=right_truth)  # `x() and False` is false
        return updated_node

    def leave_IfExp(self, original_node: cst.IfExp, updated_node: cst.IfExp
                    ) -> cst.BaseExpression:
        truth = literal_truth(updated_node.test) if self._is_made(updated_node.test) else None
        if truth is None or shapes_scope(updated_node.orelse if truth else updated_node.body):
            return updated_node
        self.removed_branches += 1
        chosen = updated_node.body if truth else updated_node.orelse
        parent = self._parent(original_node)
        if isinstance(chosen, _ATOMS) and not chosen.lpar and not isinstance(
                parent, (cst.Attribute, cst.Subscript, cst.Call)):
            return self._carry(chosen, chosen)  # `(0.9 if x else 1)` becomes `0.9`
        return self._carry(chosen, with_parens_of(chosen, {"lpar": updated_node.lpar,
                                                         "rpar": updated_node.rpar}))
