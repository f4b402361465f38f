"""The transformer that settles flag reads in one file: the parts (reads, aliases,
signatures, expressions, statements) each handle their nodes; where two act on one kind of
node, the order is set here."""

from __future__ import annotations

import libcst as cst

from flaglint.fixes.settle.aliases import AliasSettling
from flaglint.fixes.settle.expressions import ExpressionSimplifying
from flaglint.fixes.settle.reads import ReadSettling
from flaglint.fixes.settle.signatures import SignatureEdits
from flaglint.fixes.settle.statements import StatementSimplifying


class Settler(ReadSettling, AliasSettling, SignatureEdits, ExpressionSimplifying,
              StatementSimplifying):
    """Settles the reads at `reads` (position -> value) in one module and removes what they
    decide; counts what it did in `replaced`, `removed_branches`, `removed_definitions`,
    `removed_helpers` and `removed_names`."""

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        settled = self._truth_read(original_node, updated_node)
        if settled is not updated_node:
            return settled
        return self._alias_read(original_node, updated_node)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        updated_node = self._without_dropped_arguments(original_node, updated_node)
        settled = self._settled_call(original_node, updated_node)
        return self._truth_called(settled) if settled is updated_node else settled

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
                          ) -> cst.BaseStatement | cst.RemovalSentinel:
        updated_node = self._without_unread_aliases(updated_node)
        updated_node = self._without_unused_parameters(original_node, updated_node)
        return self._definition(original_node, updated_node)
