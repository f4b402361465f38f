"""Turn `ast` test expressions into `Cond` trees, and tell which expressions are pure: the
counterpart, for Python's own parser, of `conditions.py` (which the libcst fixes use)."""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Callable

from flaglint.facts.model import Cond, CondOp, Value, ValueKind
from flaglint.findings import Span

_COMPARE_OPS: dict[type[ast.cmpop], str] = {
    ast.Eq: "==", ast.NotEq: "!=", ast.Is: "is", ast.IsNot: "is not", ast.In: "in",
    ast.NotIn: "not in",
}
_MIRRORED = {"==", "!=", "is", "is not"}


def literal(node: ast.expr, source: Callable[[ast.AST], str]) -> Value | None:
    """The value of a literal string, number, True, False or None; numbers keep the text
    they are written with (`source` gives a node's text)."""
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, str):
            return Value(ValueKind.STR, value)
        if value is None or isinstance(value, bool):
            return Value(ValueKind.CONST, repr(value))
        if isinstance(value, (int, float)):
            return Value(ValueKind.CONST, source(node))
        return None
    if (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)
            and isinstance(node.operand, ast.Constant)
            and isinstance(node.operand.value, (int, float))
            and not isinstance(node.operand.value, bool)):
        return Value(ValueKind.CONST, "-" + source(node.operand))
    return None


def is_pure(node: ast.expr, depth: int = 0) -> bool:
    """True when evaluating the expression cannot have a side effect worth keeping."""
    if depth > 8:
        return False
    if isinstance(node, ast.Constant):
        return not isinstance(node.value, (bytes, complex))
    if isinstance(node, (ast.Name, ast.Lambda)):
        return True
    if isinstance(node, ast.Attribute):
        return is_pure(node.value, depth + 1)
    if isinstance(node, ast.Subscript):  # `user["id"]`: a read, as an attribute is
        return not isinstance(node.slice, (ast.Slice, ast.Starred, ast.Tuple)) and \
            is_pure(node.value, depth + 1) and is_pure(node.slice, depth + 1)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(not isinstance(e, ast.Starred) and is_pure(e, depth + 1) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(key is not None and is_pure(key, depth + 1) and is_pure(value, depth + 1)
                   for key, value in zip(node.keys, node.values, strict=True))
    if isinstance(node, ast.JoinedStr):
        return all(isinstance(part, ast.Constant) or (
            isinstance(part, ast.FormattedValue) and is_pure(part.value, depth + 1))
            for part in node.values)
    if isinstance(node, ast.UnaryOp):
        return is_pure(node.operand, depth + 1)
    if isinstance(node, ast.Compare):
        return is_pure(node.left, depth + 1) and all(
            is_pure(comparator, depth + 1) for comparator in node.comparators)
    if isinstance(node, ast.BoolOp):
        return all(is_pure(value, depth + 1) for value in node.values)
    return False


class CondBuilder:
    """Builds `Cond` trees; `calls` maps id(call node) to its index among the file's calls,
    `alias` returns the condition a local name stands for (or None), `up_to` the span from a
    start to the end of an operand with its closing parentheses."""

    def __init__(self, span: Callable[[ast.AST], Span], up_to: Callable[[Span, ast.AST], Span],
                 source: Callable[[ast.AST], str], calls: dict[int, int],
                 alias: Callable[[str], Cond | None]) -> None:
        self.span = span
        self.up_to = up_to
        self.source = source
        self.calls = calls
        self.alias = alias

    def build(self, node: ast.expr) -> Cond:
        while isinstance(node, ast.Await):  # `if await flag_on("k", ctx):`
            node = node.value
        span = self.span(node)
        if isinstance(node, ast.Call):
            if (isinstance(node.func, ast.Name) and node.func.id == "bool"
                    and len(node.args) == 1 and not node.keywords
                    and not isinstance(node.args[0], ast.Starred)):
                return self.build(node.args[0])
            index = self.calls.get(id(node))
            if index is not None:
                return Cond(CondOp.CALL, span, call=index)
        elif isinstance(node, ast.Attribute) and id(node) in self.calls:  # `holder.value`
            return Cond(CondOp.CALL, span, call=self.calls[id(node)])
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return Cond(CondOp.NOT, span, operands=(self.build(node.operand),))
        elif isinstance(node, ast.BoolOp):
            # `a and b and c` is read as ((a and b) and c), as libcst nests it
            op = CondOp.AND if isinstance(node.op, ast.And) else CondOp.OR
            cond = self.build(node.values[0])
            for operand in node.values[1:]:
                whole = span if operand is node.values[-1] else self.up_to(span, operand)
                cond = Cond(op, whole, operands=(cond, self.build(operand)))
            return cond
        elif isinstance(node, ast.Compare):
            compared = self._comparison(node, span)
            if compared is not None:
                return compared
        elif isinstance(node, ast.Name) and id(node) in self.calls:  # `if holder:`
            return Cond(CondOp.CALL, span, call=self.calls[id(node)])
        elif isinstance(node, ast.Name):
            aliased = self.alias(node.id)
            if aliased is not None:  # what the name stands for, where the name stands
                return dataclasses.replace(aliased, span=span)
        value = literal(node, self.source)
        if value is not None:
            return Cond(CondOp.CONST, span, values=(value,))
        return Cond(CondOp.OPAQUE, span)

    def _comparison(self, node: ast.Compare, span: Span) -> Cond | None:
        if len(node.ops) != 1:
            return None
        op = _COMPARE_OPS.get(type(node.ops[0]))
        if op is None:
            return None
        left, right = node.left, node.comparators[0]
        if isinstance(right, (ast.Call, ast.Attribute)) and id(right) in self.calls and \
                op in _MIRRORED:
            left, right = right, left
        if not (isinstance(left, (ast.Call, ast.Attribute)) and id(left) in self.calls):
            return None
        if op in ("in", "not in"):
            if not isinstance(right, (ast.Tuple, ast.List, ast.Set)):
                return None
            values = tuple(literal(e, self.source) for e in right.elts)
        else:
            values = (literal(right, self.source),)
        if any(v is None for v in values):
            return None
        return Cond(CondOp.COMPARE, span, call=self.calls[id(left)], compare=op,
                    values=tuple(v for v in values if v is not None))
