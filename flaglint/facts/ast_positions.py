"""Positions in one file as libcst gives them, from `ast` nodes: columns count characters
(not UTF-8 bytes), an expression's own parentheses are outside it, and the keywords `ast`
keeps no position for (`else`, `@`) are found in the text."""

from __future__ import annotations

import ast
import re

from flaglint.findings import Span

_NEWLINE = re.compile(r"\r\n|\r|\n")
_OWN_PARENTHESES = frozenset({ast.Tuple, ast.GeneratorExp})


class Positions:
    def __init__(self, text: str) -> None:
        # `split` is three times faster than the regex, which only `\r` needs
        self.lines = _NEWLINE.split(text) if "\r" in text else text.split("\n")
        self._encoded: dict[int, bytes] = {}
        self._ascii = text.isascii()  # then every column is its UTF-8 offset

    def column(self, line: int, offset: int) -> int:
        if self._ascii:
            return offset
        text = self.lines[line - 1]
        if text.isascii():
            return offset
        encoded = self._encoded.get(line)
        if encoded is None:
            encoded = self._encoded[line] = text.encode()
        return len(encoded[:offset].decode(errors="replace"))

    def span(self, node: ast.AST) -> Span:
        line, end = node.lineno, node.end_lineno  # type: ignore[attr-defined]
        assert end is not None
        if self._ascii:
            column, end_column = node.col_offset + 1, node.end_col_offset + 1  # type: ignore[attr-defined]
        else:
            column = self.column(line, node.col_offset) + 1  # type: ignore[attr-defined]
            end_column = self.column(end, node.end_col_offset) + 1  # type: ignore[attr-defined]
        if isinstance(node, ast.stmt):
            if self.lines[end - 1][end_column - 2:end_column - 1] == ";":
                # a block that ends `a(); b();` ends at `b()` for libcst, after `;` for `ast`
                end_column = len(self.lines[end - 1][:end_column - 2].rstrip()) + 1
        elif type(node) in _OWN_PARENTHESES and getattr(node, "elts", True) \
                and self.lines[line - 1][column - 1:column] == "(" \
                and self.lines[end - 1][end_column - 2:end_column - 1] == ")":
            # `ast` counts a tuple's or a generator's parentheses as its own; libcst does not
            column, end_column = column + 1, end_column - 1
        return Span(line, column, end, end_column)

    def up_to(self, start: Span, operand: ast.AST) -> Span:
        """From `start` to the end of `operand` and the parentheses it closes: `(a and b)
        and c` read as libcst nests it, one operand at a time."""
        end = self.span(operand)
        line, column = end.end_line, end.end_column - 1
        last = (line, column)
        while line <= len(self.lines):
            text = self.lines[line - 1]
            while column < len(text) and text[column] in " \t)":
                column += 1
                if text[column - 1] == ")":
                    last = (line, column)
            if column < len(text) and text[column] not in "#\\":
                break
            line, column = line + 1, 0
        return Span(start.line, start.column, last[0], last[1] + 1)

    def source(self, node: ast.AST) -> str:
        span = self.span(node)
        if span.line == span.end_line:
            return self.lines[span.line - 1][span.column - 1:span.end_column - 1]
        parts = [self.lines[span.line - 1][span.column - 1:],
                 *self.lines[span.line:span.end_line - 1],
                 self.lines[span.end_line - 1][:span.end_column - 1]]
        return "\n".join(parts)

    def decorator_span(self, expression: ast.expr) -> Span:
        """From the `@` to the end of the expression and its closing parentheses."""
        span = self.span(expression)
        text = self.lines[span.line - 1]
        start = span.column - 1
        at = start - 1
        while at >= 0 and text[at] in " \t(":
            at -= 1
        if at >= 0 and text[at] == "@":
            start = at
        tail = self.lines[span.end_line - 1]
        end = span.end_column - 1
        scan = end
        while scan < len(tail) and tail[scan] in " \t)":
            scan += 1
            if tail[scan - 1] == ")":
                end = scan
        return Span(span.line, start + 1, span.end_line, end + 1)

    def else_span(self, node: ast.If) -> Span:
        """An `else:` from its keyword: `ast` keeps no position for it."""
        first, last = node.orelse[0], node.orelse[-1]
        column = self.column(node.lineno, node.col_offset)
        line = first.lineno
        while line > node.lineno:
            text = self.lines[line - 1]
            if text[column:column + 4] == "else" and text[column + 4:].lstrip().startswith(":"):
                break
            line -= 1
        end = self.span(last)
        return Span(line, column + 1, end.end_line, end.end_column)

    def written_on_one_line(self, body: list[ast.stmt]) -> bool:
        """Is this block a one-line suite (`if x: return`)?"""
        first = body[0]
        return self.lines[first.lineno - 1][:self.column(first.lineno,
                                                          first.col_offset)].strip() != ""

    def is_elif(self, node: ast.If) -> bool:
        if len(node.orelse) != 1 or not isinstance(node.orelse[0], ast.If):
            return False
        inner = node.orelse[0]
        text = self.lines[inner.lineno - 1]
        column = self.column(inner.lineno, inner.col_offset)
        return text.startswith("elif", column)
