"""Turn libcst test expressions into `Cond` trees, and tell which expressions are pure."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import libcst as cst

from flaglint.facts.model import Cond, CondOp, Value, ValueKind
from flaglint.findings import Span

_COMPARE_OPS: dict[type[cst.BaseCompOp], str] = {
    cst.Equal: "==", cst.NotEqual: "!=", cst.Is: "is", cst.IsNot: "is not", cst.In: "in",
    cst.NotIn: "not in",
}
_MIRRORED = {"==", "!=", "is", "is not"}


def literal(node: cst.BaseExpression) -> Value | None:
    """The value of a literal string, number, True, False or None."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        evaluated = node.evaluated_value
        return Value(ValueKind.STR, evaluated) if isinstance(evaluated, str) else None
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return Value(ValueKind.CONST, node.value)
    if isinstance(node, (cst.Integer, cst.Float)):
        return Value(ValueKind.CONST, node.value)
    if (isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus)
            and isinstance(node.expression, (cst.Integer, cst.Float))):
        return Value(ValueKind.CONST, "-" + node.expression.value)
    return None


def is_pure(node: cst.BaseExpression, depth: int = 0) -> bool:
    """True when evaluating the expression cannot have a side effect worth keeping."""
    if depth > 8:
        return False
    if literal(node) is not None or isinstance(node, (cst.Name, cst.Lambda, cst.Ellipsis)):
        return True
    if isinstance(node, cst.Attribute):
        return is_pure(node.value, depth + 1)
    if isinstance(node, cst.Subscript):  # `user["id"]`: a read, as an attribute is
        return len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index) and \
            node.slice[0].slice.star is None and is_pure(node.value, depth + 1) and \
            is_pure(node.slice[0].slice.value, depth + 1)
    if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
        return all(not isinstance(e, cst.StarredElement) and is_pure(e.value, depth + 1)
                   for e in node.elements)
    if isinstance(node, cst.Dict):
        return all(isinstance(e, cst.DictElement) and is_pure(e.key, depth + 1)
                   and is_pure(e.value, depth + 1) for e in node.elements)
    if isinstance(node, cst.FormattedString):
        return all(isinstance(p, cst.FormattedStringText) or (
            isinstance(p, cst.FormattedStringExpression) and is_pure(p.expression, depth + 1))
            for p in node.parts)
    if isinstance(node, cst.ConcatenatedString):
        return is_pure(node.left, depth + 1) and is_pure(node.right, depth + 1)
    if isinstance(node, cst.UnaryOperation):
        return is_pure(node.expression, depth + 1)
    if isinstance(node, cst.Comparison):
        return is_pure(node.left, depth + 1) and all(
            is_pure(t.comparator, depth + 1) for t in node.comparisons)
    if isinstance(node, cst.BooleanOperation):
        return is_pure(node.left, depth + 1) and is_pure(node.right, depth + 1)
    return False


class CondBuilder:
    """Builds `Cond` trees; `calls` maps id(call node) to its index among the file's calls,
    `alias` returns the condition a local name stands for (or None)."""

    def __init__(self, span: Callable[[cst.CSTNode], Span], calls: dict[int, int],
                 alias: Callable[[str], Cond | None]) -> None:
        self.span = span
        self.calls = calls
        self.alias = alias

    def build(self, node: cst.BaseExpression) -> Cond:
        while isinstance(node, cst.Await):  # `if await flag_on("k", ctx):`
            node = node.expression
        span = self.span(node)
        if isinstance(node, cst.Call):
            if (isinstance(node.func, cst.Name) and node.func.value == "bool"
                    and len(node.args) == 1 and not node.args[0].star):
                return self.build(node.args[0].value)
            index = self.calls.get(id(node))
            if index is not None:
                return Cond(CondOp.CALL, span, call=index)
        elif isinstance(node, cst.Attribute) and id(node) in self.calls:  # `holder.value`
            return Cond(CondOp.CALL, span, call=self.calls[id(node)])
        elif isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
            return Cond(CondOp.NOT, span, operands=(self.build(node.expression),))
        elif isinstance(node, cst.BooleanOperation):
            op = CondOp.AND if isinstance(node.operator, cst.And) else CondOp.OR
            return Cond(op, span, operands=(self.build(node.left), self.build(node.right)))
        elif isinstance(node, cst.Comparison):
            compared = self._comparison(node, span)
            if compared is not None:
                return compared
        elif isinstance(node, cst.Name) and id(node) in self.calls:  # `if holder:`
            return Cond(CondOp.CALL, span, call=self.calls[id(node)])
        elif isinstance(node, cst.Name):
            aliased = self.alias(node.value)
            if aliased is not None:  # what the name stands for, where the name stands
                return dataclasses.replace(aliased, span=span)
        value = literal(node)
        if value is not None:
            return Cond(CondOp.CONST, span, values=(value,))
        return Cond(CondOp.OPAQUE, span)

    def _comparison(self, node: cst.Comparison, span: Span) -> Cond | None:
        if len(node.comparisons) != 1:
            return None
        target = node.comparisons[0]
        op = _COMPARE_OPS.get(type(target.operator))
        if op is None:
            return None
        left, right = node.left, target.comparator
        if isinstance(right, (cst.Call, cst.Attribute)) and id(right) in self.calls and \
                op in _MIRRORED:
            left, right = right, left
        if not (isinstance(left, (cst.Call, cst.Attribute)) and id(left) in self.calls):
            return None
        if op in ("in", "not in"):
            if not isinstance(right, (cst.Tuple, cst.List, cst.Set)):
                return None
            values = tuple(literal(e.value) for e in right.elements)
        else:
            values = (literal(right),)
        if any(v is None for v in values):
            return None
        return Cond(CondOp.COMPARE, span, call=self.calls[id(left)], compare=op,
                    values=tuple(v for v in values if v is not None))

