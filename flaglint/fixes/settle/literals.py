"""Literal values as libcst nodes and back, and what comparing two of them answers."""

from __future__ import annotations

import ast

import libcst as cst

UNKNOWN = object()  # what `literal_value` answers for a node that is no literal


def literal_node(value: object) -> cst.BaseExpression:
    if isinstance(value, bool) or value is None:
        return cst.Name(repr(value))
    if isinstance(value, int):
        return cst.Integer(str(value)) if value >= 0 else cst.UnaryOperation(
            cst.Minus(), cst.Integer(str(-value)))
    if isinstance(value, float):
        return cst.Float(repr(value))
    return cst.SimpleString(repr(value))


def literal_value(node: cst.BaseExpression) -> object:
    """The Python value of a literal node, else UNKNOWN."""
    if isinstance(node, cst.Name):
        return {"True": True, "False": False, "None": None}.get(node.value, UNKNOWN)
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float,
                         cst.UnaryOperation)):
        try:
            return ast.literal_eval(cst.Module(body=[]).code_for_node(node))
        except (ValueError, SyntaxError):
            return UNKNOWN
    return UNKNOWN


def literal_truth(node: cst.BaseExpression) -> bool | None:
    """The truth of a literal node; None for any other node."""
    value = literal_value(node)
    return None if value is UNKNOWN else bool(value)


def compare(left: object, operator: cst.BaseCompOp, right: object) -> bool | None:
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


def truth_call(node: cst.CSTNode) -> cst.Arg | None:
    """The argument of `bool(x)` (one positional argument, nothing spread), whose truth the
    call answers; None for any other node."""
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and \
            node.func.value == "bool" and len(node.args) == 1 and \
            node.args[0].keyword is None and not node.args[0].star:
        return node.args[0]
    return None
