"""Flag reads become the literal they always yield: calls, attribute reads of flag objects,
truth tests of them, and gates (decorators) that always open; collection elements naming a
removed definition go."""

from __future__ import annotations

from typing import TypeVar

import libcst as cst

from flaglint.facts.conditions import is_pure
from flaglint.fixes.settle.core import SettlerCore
from flaglint.fixes.settle.literals import literal_node

_Collection = TypeVar("_Collection", cst.List, cst.Tuple, cst.Set)


def _takes_apart(parent: cst.CSTNode | None, node: cst.CSTNode) -> bool:
    """Does `parent` take the value of `node` apart (an attribute or item of it, a call of
    it, arithmetic)? Then `node` is no flag read to replace: the callee of a call and the
    inner links of a longer chain start at the same place as the whole."""
    return (isinstance(parent, (cst.Attribute, cst.Subscript)) and parent.value is node) or (
        isinstance(parent, cst.Call) and parent.func is node) or \
        isinstance(parent, cst.BinaryOperation)


class ReadSettling(SettlerCore):
    """Reads at the given positions become their values."""

    def _settled_call(self, original_node: cst.Call, updated_node: cst.Call
                      ) -> cst.BaseExpression:
        """A flag read by a call, replaced by its value where that is safe."""
        position = self._position(original_node)
        if position not in self.reads:
            return updated_node
        value = self.reads[position]
        if not all(is_pure(arg.value) for arg in original_node.args):
            return updated_node
        parent = self._parent(original_node)
        if _takes_apart(parent, original_node):
            # `client().is_enabled(k)`: the call its read calls a method of starts where
            # the read does, and is not the read (one whose value is taken apart is never
            # planned: `Call.operand`)
            return updated_node
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
        if not isinstance(parent, (cst.If, cst.IfExp, cst.UnaryOperation,
                                   cst.BooleanOperation)):
            return updated_node  # only a test, `not` of one or an operand of `and`/`or`
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
        if _takes_apart(parent, original_node):
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

    def leave_Dict(self, original_node: cst.Dict, updated_node: cst.Dict) -> cst.Dict:
        """Entries whose key names a removed definition go (`{Flag.NEW: "…", …}`)."""
        if not self.elements or len(updated_node.elements) != len(original_node.elements):
            return updated_node
        kept = [e for e, o in zip(updated_node.elements, original_node.elements, strict=True)
                if not isinstance(o, cst.DictElement)
                or self._position(o.key) not in self.elements]
        if len(kept) == len(updated_node.elements):
            return updated_node
        if kept:
            kept[-1] = kept[-1].with_changes(comma=updated_node.elements[-1].comma)
        return updated_node.with_changes(elements=kept)

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
