"""Statements over settled reads: an `if` or `while` a settled test decides is replaced by
the branch that runs (its test's side effects kept), code after an exit that now always
happens goes, and so do a `try` the fix emptied, statements that say nothing, and the
definitions (functions, classes, a flag's own binding) that `clean` deletes."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst
from libcst.metadata import PositionProvider

from flaglint.facts.conditions import is_pure
from flaglint.fixes.settle.core import SettlerCore
from flaglint.fixes.settle.literals import literal_truth
from flaglint.fixes.settle.syntax import (
    as_orelse,
    blank_lines_above,
    carry_comments,
    ends_in_exit,
    is_empty,
    standing_alone,
    statements_of,
)


class StatementSimplifying(SettlerCore):
    """Statements a settled read decides, replaced by what still runs."""

    def leave_If(self, original_node: cst.If, updated_node: cst.If
                 ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | \
            cst.RemovalSentinel:
        truth, effects = self._decide(updated_node.test)
        if truth is None:
            return updated_node
        if not self._may_remove(updated_node.orelse if truth else updated_node.body):
            return updated_node  # removing it would change what the function is
        self.removed_branches += 1
        kept: list[cst.BaseStatement] = [cst.SimpleStatementLine([cst.Expr(e)])
                                         for e in effects]
        block: cst.BaseSuite | None = None  # the branch kept
        if truth:
            block = updated_node.body
        elif isinstance(updated_node.orelse, cst.If):
            kept.append(updated_node.orelse)
        elif isinstance(updated_node.orelse, cst.Else):
            block = updated_node.orelse.body
        if block is not None:
            kept += list(statements_of(block))
        if isinstance(self._parent(original_node), cst.If):
            # An elif: what replaces it must still be a single elif/else.
            return as_orelse(kept, updated_node)  # type: ignore[return-value]
        if not kept:
            return cst.RemovalSentinel.REMOVE
        kept[0] = carry_comments(kept[0], updated_node, block)
        self._keep_footer(kept[-1], block)
        if ends_in_exit(kept[-1]):
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
                return [] if is_pure(left) else [standing_alone(left)]
        return [standing_alone(node)]

    def leave_While(self, original_node: cst.While, updated_node: cst.While
                    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | \
            cst.RemovalSentinel:
        truth, effects = self._decide(updated_node.test)
        if truth is not False or not self._may_remove(updated_node.body):
            return updated_node  # `while True:` is a loop someone meant
        self.removed_branches += 1
        kept: list[cst.BaseStatement] = [cst.SimpleStatementLine([cst.Expr(e)])
                                         for e in effects]
        block = updated_node.orelse.body if updated_node.orelse is not None else None
        if block is not None:
            kept += list(statements_of(block))
        if not kept:
            return cst.RemovalSentinel.REMOVE
        kept[0] = carry_comments(kept[0], updated_node, block)
        self._keep_footer(kept[-1], block)
        return cst.FlattenSentinel(kept)

    def _keep_footer(self, last: cst.BaseStatement, block: cst.BaseSuite | None) -> None:
        """The comment lines below the kept branch's last statement (pulpcore's `# Can also
        preload cache here possibly`) follow it where it now stands (`_with_footers`)."""
        if isinstance(block, cst.IndentedBlock) and \
                any(line.comment is not None for line in block.footer):
            self._footers[id(last)] = block.footer

    def _with_footers(self, body: Sequence[cst.BaseStatement], footer: Sequence[cst.EmptyLine]
                      ) -> tuple[list[cst.BaseStatement], list[cst.EmptyLine]]:
        """The block's statements and its footer, with the comment lines a collapsed `if`
        kept below its last statement: above the statement after it, or the block's footer."""
        statements, below = list(body), list(footer)
        for index in range(len(statements) - 1, -1, -1):
            lines = self._footers.pop(id(statements[index]), None)
            if lines is None:
                continue
            if index + 1 < len(statements) and hasattr(statements[index + 1], "leading_lines"):
                after = statements[index + 1]
                statements[index + 1] = after.with_changes(
                    leading_lines=[*lines, *after.leading_lines])  # type: ignore[attr-defined]
            else:
                below = [*lines, *below]
        return statements, below

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock,
                            updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        body = self._after_exits(updated_node.body)
        if body and original_node.body and not blank_lines_above(original_node.body[0]) and \
                blank_lines_above(body[0]) and hasattr(body[0], "leading_lines"):
            # the statements that opened the block went, and the blank line below them is
            # not the block's first line now
            lines = list(body[0].leading_lines)
            body = [body[0].with_changes(leading_lines=lines[blank_lines_above(body[0]):]),
                    *body[1:]]
        if not self._footers:
            return updated_node.with_changes(body=body)
        body, footer = self._with_footers(body, updated_node.footer)
        return updated_node.with_changes(body=body, footer=footer)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body = self._after_exits(updated_node.body)
        if not self._footers:
            return updated_node.with_changes(body=body)
        body, footer = self._with_footers(body, updated_node.footer)
        return updated_node.with_changes(body=body, footer=footer)

    def _after_exits(self, body: Sequence[cst.BaseStatement]) -> list[cst.BaseStatement]:
        for i, statement in enumerate(body):
            if id(statement) in self._exits and self._may_remove(
                    cst.IndentedBlock(body=list(body[i + 1:]))):
                return list(body[:i + 1])  # what follows an exit that always happens never runs
        return list(body)

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine,
                                  updated_node: cst.SimpleStatementLine
                                  ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        # `assert True` and a bare `True` left where a settled read stood say nothing; a
        # flag's own definition goes when `clean` asks, and the string below it that
        # documents it (prefect's `X = Setting(…)` then `"""What X does."""`).
        if self._documents_deleted(original_node, self._ancestors[-2]):
            return cst.RemovalSentinel.REMOVE
        deleted = self.removed_definitions
        body = [small for small, before in zip(updated_node.body, original_node.body,
                                               strict=True)
                if not self._says_nothing(small) and not self._deleted_binding(before)]
        if len(body) == len(updated_node.body):
            return updated_node
        if not body:
            if self.removed_definitions > deleted:
                where = self.get_metadata(PositionProvider, original_node)
                self._deleted_lines.add((where.end.line, id(self._ancestors[-2])))
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
        self.removed_names[self._qualified(targets[0].value)] = self._position(targets[0])
        return True

    def _says_nothing(self, small: cst.BaseSmallStatement) -> bool:
        if isinstance(small, cst.Expr):
            return self._is_made(small.value)
        if isinstance(small, cst.Assert):
            return self._is_made(small.test) and literal_truth(small.test) is True
        return False

    def leave_Try(self, original_node: cst.Try, updated_node: cst.Try
                  ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | \
            cst.RemovalSentinel:
        # A `try` whose body the fix emptied: its handlers can never run.
        if updated_node.body is original_node.body or not is_empty(updated_node.body):
            return updated_node
        kept: list[cst.BaseStatement] = []
        for part in (updated_node.orelse, updated_node.finalbody):
            if part is not None and not is_empty(part.body):
                kept += list(statements_of(part.body))
        if not kept:
            return cst.RemovalSentinel.REMOVE
        kept[0] = carry_comments(kept[0], updated_node, updated_node.body)
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
            self.removed_helpers += 1
            self.removed_names[self._qualified(original.name.value, original)] = (line, column)
            return cst.RemovalSentinel.REMOVE
        return updated
