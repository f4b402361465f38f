"""FileFacts from Python's own parser: one `ast` walk, about ten times cheaper than a libcst
parse with positions and a visitor.

It yields the very facts the libcst collector (`cst_facts.py`) yields, positions included
(libcst's, which exclude an expression's own parentheses, as `ast` does); a test holds the two
equal. libcst still reads the files the running Python cannot (a newer grammar) and makes
every edit (`fixes/`).
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from flaglint.facts.ast_conditions import CondBuilder, is_pure, literal
from flaglint.facts.model import (
    Arg,
    Call,
    Cond,
    CondOp,
    Constant,
    Definition,
    Guard,
    GuardKind,
    Value,
    ValueKind,
)
from flaglint.findings import Span

_MAX_TEXT = 80
_SELF_NAMES = ("self", "cls")
_IDENTIFIER_LIKE = re.compile(r"^[A-Za-z_][\w.:-]*$")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_OWN_PARENTHESES = (ast.Tuple, ast.GeneratorExp)
_EXITS = (ast.Return, ast.Raise, ast.Continue, ast.Break)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_TRY = (ast.Try, ast.TryStar) if hasattr(ast, "TryStar") else (ast.Try,)


class _Scope:
    __slots__ = ("depth", "kind", "owner", "params", "qualname")

    def __init__(self, qualname: str, kind: str, params: dict[str, int],
                 owner: str | None, depth: int = 0) -> None:
        self.qualname = qualname
        self.depth = depth  # how many blocks deep the scope's own statements are
        self.kind = kind  # "module" | "class" | "function"
        self.params = params  # name -> position (-1: keyword-only or self)
        self.owner = owner  # the class qualified name that self/cls stand for


def _dotted(node: ast.expr) -> list[str] | None:
    """`a.b.c` as ["a", "b", "c"]; None when any part is not a plain name."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    parts.reverse()
    return parts


class Collector:
    """Walks one module's tree in source order, as libcst visits it."""

    def __init__(self, text: str, module: str, is_package: bool) -> None:
        self.lines = _NEWLINE.split(text)
        self._encoded: dict[int, bytes] = {}
        self.module = module
        self.package = module if is_package else module.rpartition(".")[0]
        self.imports: dict[str, str] = {}
        self.module_names: set[str] = set()
        self.constants: dict[str, Constant | None] = {}
        self.definitions: list[Definition] = []
        self.calls: list[Call] = []
        self.scopes = [_Scope(module, "module", {}, None)]
        self._returned: set[int] = set()
        self._decorators: dict[int, Span] = {}
        self._call_index: dict[int, int] = {}
        self._bound_calls: dict[int, tuple[str, Span]] = {}  # id(call) -> name it is bound to
        self._rebound: set[str] = set()
        self.guards: list[Guard] = []
        self._if_guard: dict[int, int] = {}  # id(If node) -> its guard's index
        self._test_roots: set[int] = set()
        self._boolop_depth = 0
        self._blocks = 0  # blocks around the current statement
        # Local aliases (`use_new = flag()`): "scope:name" -> [condition, assignments]
        self._aliases: dict[str, list[Cond | int | None]] = {}
        self._alias_guards: dict[str, list[int]] = {}
        self._using: list[str] = []
        self.conditions = CondBuilder(self._span, self._up_to, self._source,
                                      self._call_index, self._alias)
        self.names: Counter[str] = Counter()
        self.not_values: Counter[str] = Counter()  # callees, imported names
        self.strings: set[str] = set()
        self.shapers: list[tuple[str, Span]] = []
        self._expressions: dict[type[ast.AST], Callable[[Any], None]] = {
            ast.Name: self._name, ast.Attribute: self._attribute, ast.Constant: self._constant_node,
            ast.JoinedStr: self._joined, ast.Call: self._call, ast.IfExp: self._ifexp,
            ast.BoolOp: self._boolop, ast.Lambda: self._lambda, ast.Dict: self._dict,
            ast.Yield: self._yield, ast.YieldFrom: self._yield, ast.arg: self._arg,
            ast.keyword: self._keyword, ast.arguments: self._arguments,
        }

    # -- positions (libcst's: columns count characters, not bytes) --------------------------

    def _column(self, line: int, offset: int) -> int:
        text = self.lines[line - 1]
        if text.isascii():
            return offset
        encoded = self._encoded.get(line)
        if encoded is None:
            encoded = self._encoded[line] = text.encode()
        return len(encoded[:offset].decode(errors="replace"))

    def _span(self, node: ast.AST) -> Span:
        line, end = node.lineno, node.end_lineno  # type: ignore[attr-defined]
        assert end is not None
        span = Span(line, self._column(line, node.col_offset) + 1,  # type: ignore[attr-defined]
                    end, self._column(end, node.end_col_offset) + 1)  # type: ignore[attr-defined]
        if isinstance(node, _OWN_PARENTHESES) and getattr(node, "elts", True) \
                and self.lines[line - 1][span.column - 1:span.column] == "(" \
                and self.lines[end - 1][span.end_column - 2:span.end_column - 1] == ")":
            # `ast` counts a tuple's or a generator's parentheses as its own; libcst does not
            span = Span(line, span.column + 1, end, span.end_column - 1)
        elif isinstance(node, ast.stmt) and self.lines[end - 1][span.end_column - 2:
                                                                span.end_column - 1] == ";":
            # a block that ends `a(); b();` ends at `b()` for libcst, after `;` for `ast`
            text = self.lines[end - 1][:span.end_column - 2].rstrip()
            span = Span(line, span.column, end, len(text) + 1)
        return span

    def _up_to(self, start: Span, operand: ast.AST) -> Span:
        """From `start` to the end of `operand` and the parentheses it closes: `(a and b)
        and c` read as libcst nests it, one operand at a time."""
        end = self._span(operand)
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

    def _source(self, node: ast.AST) -> str:
        span = self._span(node)
        if span.line == span.end_line:
            return self.lines[span.line - 1][span.column - 1:span.end_column - 1]
        parts = [self.lines[span.line - 1][span.column - 1:],
                 *self.lines[span.line:span.end_line - 1],
                 self.lines[span.end_line - 1][:span.end_column - 1]]
        return "\n".join(parts)

    def _decorator_span(self, expression: ast.expr) -> Span:
        """From the `@` to the end of the expression and its closing parentheses."""
        span = self._span(expression)
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

    def _else_span(self, node: ast.If) -> Span:
        """An `else:` from its keyword: `ast` keeps no position for it."""
        first, last = node.orelse[0], node.orelse[-1]
        column = self._column(node.lineno, node.col_offset)
        line = first.lineno
        while line > node.lineno:
            text = self.lines[line - 1]
            if text[column:column + 4] == "else" and text[column + 4:].lstrip().startswith(":"):
                break
            line -= 1
        end = self._span(last)
        return Span(line, column + 1, end.end_line, end.end_column)

    def _written_on_one_line(self, body: list[ast.stmt]) -> bool:
        """Is this block a one-line suite (`if x: return`)?"""
        first = body[0]
        return self.lines[first.lineno - 1][:self._column(first.lineno,
                                                          first.col_offset)].strip() != ""

    def _is_elif(self, node: ast.If) -> bool:
        if len(node.orelse) != 1 or not isinstance(node.orelse[0], ast.If):
            return False
        inner = node.orelse[0]
        text = self.lines[inner.lineno - 1]
        column = self._column(inner.lineno, inner.col_offset)
        return text.startswith("elif", column)

    # -- the module's own names, known before any function body is visited ---------------

    def run(self, tree: ast.Module) -> None:
        self._prepare_block(tree.body)
        for statement in tree.body:
            self._statement(statement)
        self._finish_aliases(self.module)
        self._early_exits(tree.body)

    def _prepare_block(self, body: list[ast.stmt]) -> None:
        for statement in body:
            if isinstance(statement, (*_FUNCTIONS, ast.ClassDef)):
                self.module_names.add(statement.name)
            elif isinstance(statement, (ast.Import, ast.ImportFrom)):
                self._import(statement)
            elif isinstance(statement, ast.Assign):
                for target in statement.targets:
                    if isinstance(target, ast.Name):
                        self.module_names.add(target.id)
            elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                self.module_names.add(statement.target.id)
            elif isinstance(statement, ast.If):
                self._prepare_block(statement.body)
                self._prepare_block(statement.orelse)
            elif isinstance(statement, ast.Try):
                self._prepare_block(statement.body)
                for handler in statement.handlers:
                    self._prepare_block(handler.body)
                self._prepare_block(statement.orelse)
            elif isinstance(statement, (ast.With, ast.AsyncWith)):
                self._prepare_block(statement.body)

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname is not None:
                    self.imports[alias.asname] = alias.name
                else:
                    top = alias.name.split(".", 1)[0]
                    self.imports[top] = top
            return
        base = node.module or ""
        if node.level:
            package = self.package.split(".") if self.package else []
            up = node.level - 1
            package = package[: len(package) - up] if up else package
            base = ".".join([*package, *([base] if base else [])])
        for alias in node.names:
            if alias.name == "*":
                return
            local = alias.asname if alias.asname is not None else alias.name
            self.imports[local] = f"{base}.{alias.name}" if base else alias.name

    def value_names(self) -> frozenset[str]:
        return frozenset(name for name, count in self.names.items()
                         if count > self.not_values[name])

    # -- names -----------------------------------------------------------------------------

    def _qualify(self, parts: list[str]) -> tuple[str, bool, bool]:
        """(name, resolved, imported) for a dotted name seen in the current scope."""
        first, rest = parts[0], parts[1:]
        scope = self.scopes[-1]
        if first in _SELF_NAMES and scope.owner is not None:
            return ".".join([scope.owner, *rest]), True, False
        if scope.kind == "function" and first in scope.params:
            return ".".join(parts), False, False
        if first in self.imports:
            return ".".join([self.imports[first], *rest]), True, True
        if first in self.module_names:
            return ".".join([self.module, *parts]), True, False
        return ".".join(parts), False, False

    def _literal(self, node: ast.expr) -> Value | None:
        return literal(node, self._source)

    def _value(self, node: ast.expr) -> Value:
        constant = self._literal(node)
        if constant is not None:
            return constant
        if isinstance(node, ast.JoinedStr) and all(isinstance(part, ast.Constant)
                                                   for part in node.values):
            return Value(ValueKind.STR, "".join(str(part.value) for part in node.values
                                                if isinstance(part, ast.Constant)))
        parts = _dotted(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
        if parts is not None:
            scope = self.scopes[-1]
            if len(parts) == 1 and scope.kind == "function" and parts[0] in scope.params:
                return Value(ValueKind.PARAM, parts[0], scope.params[parts[0]])
            name = self._name_ref(parts)
            written = ".".join(parts)
            if name is not None:
                return Value(ValueKind.NAME, name, source=written)
            return Value(ValueKind.OTHER, written)
        template = self._template(node)
        if template is not None:
            return template
        return Value(ValueKind.OTHER, _shorten(self._source(node)))

    def _name_ref(self, parts: list[str]) -> str | None:
        """The qualified name a dotted name stands for, or None (a parameter, unknown)."""
        scope = self.scopes[-1]
        if scope.kind == "function":
            if parts[0] in scope.params:
                return None
            local = f"{scope.qualname}.<locals>.{parts[0]}"
            if local in self.constants or (
                    parts[0] not in self.imports and parts[0] not in self.module_names
                    and parts[0] not in _SELF_NAMES):
                return ".".join([local, *parts[1:]])
        name, resolved, _ = self._qualify(parts)
        return name if resolved else None

    def _template(self, node: ast.expr) -> Value | None:
        """`f"{NS}.new_ui"` or `NS + ".new_ui"`, where NS is a name: resolved when linked."""
        pieces: list[str] = []
        names: list[str] = []

        def add(part: ast.expr) -> bool:
            value = self._literal(part)
            if value is not None and value.kind is ValueKind.STR:
                pieces.append(value.text)
                return True
            dotted = _dotted(part) if isinstance(part, (ast.Name, ast.Attribute)) else None
            name = self._name_ref(dotted) if dotted else None
            if name is None:
                return False
            pieces.append("\0")
            names.append(name)
            return True

        if isinstance(node, ast.JoinedStr):
            for part in node.values:
                if isinstance(part, ast.Constant):
                    pieces.append(str(part.value))
                elif not isinstance(part, ast.FormattedValue) or (
                        part.conversion != -1 or part.format_spec is not None
                        or not add(part.value)):
                    return None
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            operands: list[ast.expr] = []
            current: ast.expr = node
            while isinstance(current, ast.BinOp) and isinstance(current.op, ast.Add):
                operands.insert(0, current.right)
                current = current.left
            operands.insert(0, current)
            if not all(add(operand) for operand in operands):
                return None
        else:
            return None
        if not names:
            return None
        return Value(ValueKind.TEMPLATE, "".join(pieces), source=_shorten(self._source(node)),
                     names=tuple(names))

    # -- statements ------------------------------------------------------------------------

    def _block(self, body: list[ast.stmt]) -> None:
        self._blocks += 1
        for statement in body:
            self._statement(statement)
        self._blocks -= 1
        self._early_exits(body)

    def _visit(self, node: ast.AST | None) -> None:
        if node is None:
            return
        handler = self._expressions.get(type(node))
        if handler is not None:
            handler(node)
            return
        for child in ast.iter_child_nodes(node):
            self._visit(child)

    def _statement(self, node: ast.stmt) -> None:
        if isinstance(node, ast.If):
            self._if(node)
        elif isinstance(node, _FUNCTIONS):
            self._function(node)
        elif isinstance(node, ast.ClassDef):
            self._class(node)
        elif isinstance(node, ast.Assign):
            if len(node.targets) == 1:
                self._constant(node.targets[0], node.value, node)
            else:
                for target in node.targets:
                    self._constant(target, None, node)
            for target in node.targets:
                self._visit(target)
            self._visit(node.value)
            self._leave_assign(node)
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self._constant(node.target, node.value, node)
            self._visit(node.target)
            self._visit(node.annotation)
            self._visit(node.value)
            self._bind(node.target, None)
        elif isinstance(node, ast.AugAssign):
            self._visit(node.target)
            self._visit(node.value)
            self._bind(node.target, None)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self._bind(node.target, None)
            self._visit(node.target)
            self._visit(node.iter)
            self._block(node.body)
            if node.orelse:
                self._block(node.orelse)
        elif isinstance(node, ast.While):
            self._visit(node.test)
            self._block(node.body)
            if node.orelse:
                self._block(node.orelse)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                self._visit(item.context_expr)
                self._visit(item.optional_vars)
            self._block(node.body)
        elif isinstance(node, _TRY):
            self._block(node.body)
            for handler in node.handlers:
                self._visit(handler.type)
                if handler.name is not None:
                    self.names[handler.name] += 1
                self._block(handler.body)
            for block in (node.orelse, node.finalbody):
                if block:
                    self._block(block)
        elif isinstance(node, ast.Match):
            self._visit(node.subject)
            for case in node.cases:
                self._pattern(case.pattern)
                self._visit(case.guard)
                self._block(case.body)
        elif isinstance(node, ast.Return):
            value = node.value
            while isinstance(value, ast.Await):  # `return await client.is_enabled(key)`
                value = value.value
            if value is not None:
                self._returned.add(id(value))
            self._visit(node.value)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            self._import(node)
            if isinstance(node, ast.ImportFrom) and node.module:
                self.names.update(node.module.split("."))
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            self._shaper(node)
            self.names.update(node.names)
        else:
            for child in ast.iter_child_nodes(node):
                self._visit(child)

    def _pattern(self, node: ast.AST) -> None:
        for name in ("name", "rest"):
            value = getattr(node, name, None)
            if isinstance(value, str):
                self.names[value] += 1
        self.names.update(getattr(node, "kwd_attrs", ()))
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.pattern):
                self._pattern(child)
            else:
                self._visit(child)

    # -- scopes ----------------------------------------------------------------------------

    def _child_qualname(self, name: str) -> str:
        return f"{self.scopes[-1].qualname}.{name}"

    def _class(self, node: ast.ClassDef) -> None:
        qualname = self._child_qualname(node.name)
        self.definitions.append(Definition(qualname, "class", self._def_span(node),
                                           decorators=self._decorator_names(node)))
        self.scopes.append(_Scope(qualname, "class", {}, qualname, self._blocks + 1))
        self._decorated(node)
        self._type_params(node)
        for child in sorted([*node.bases, *node.keywords], key=_position):
            self._visit(child)
        self._block(node.body)
        self._decorator_guards(node)
        self.scopes.pop()

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        qualname = self._child_qualname(node.name)
        enclosing = self.scopes[-1]
        is_static = any(isinstance(d, ast.Name) and d.id == "staticmethod"
                        for d in node.decorator_list)
        method = enclosing.kind == "class" and not is_static
        params: dict[str, int] = {}
        arguments = node.args
        positional = [*arguments.posonlyargs, *arguments.args]
        if method and positional:
            params[positional[0].arg] = -1
            positional = positional[1:]
        for index, param in enumerate(positional):
            params[param.arg] = index
        for param in arguments.kwonlyargs:
            params[param.arg] = -1
        for star in (arguments.vararg, arguments.kwarg):
            if star is not None:
                params[star.arg] = -1
        every = [*arguments.posonlyargs, *arguments.args]
        with_defaults = dict(zip([p.arg for p in every[len(every) - len(arguments.defaults):]],
                                 arguments.defaults, strict=True))
        with_defaults.update((p.arg, d) for p, d in zip(arguments.kwonlyargs,
                                                        arguments.kw_defaults, strict=True)
                             if d is not None)
        defaults = tuple((param.arg, value)
                         for param in (*positional, *arguments.kwonlyargs)
                         if param.arg in with_defaults
                         and (value := self._literal(with_defaults[param.arg])) is not None)
        self.definitions.append(Definition(
            qualname, "function", self._def_span(node),
            tuple(p.arg for p in positional), method, self._decorator_names(node), defaults))
        owner = enclosing.qualname if method else enclosing.owner
        self.scopes.append(_Scope(qualname, "function", params, owner, self._blocks + 1))
        self._decorated(node)
        self._type_params(node)
        self._visit(arguments)
        self._visit(node.returns)
        self._block(node.body)
        self._decorator_guards(node)
        self._finish_aliases(self.scopes[-1].qualname)
        self.scopes.pop()

    def _type_params(self, node: ast.AST) -> None:
        for param in getattr(node, "type_params", ()):  # Python 3.12+
            self.names[param.name] += 1
            for child in ast.iter_child_nodes(param):
                self._visit(child)

    def _decorated(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        for decorator in node.decorator_list:
            self._decorators[id(decorator)] = self._decorator_span(decorator)
            self._visit(decorator)

    def _decorator_guards(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
                          ) -> None:
        for decorator in node.decorator_list:
            index = self._call_index.get(id(decorator))
            if index is not None:
                test = Cond(CondOp.CALL, self._decorators[id(decorator)], call=index)
                span = self._def_span(node)
                self.guards.append(Guard(GuardKind.DECORATOR, test, self.scopes[-2].qualname,
                                         span, span))

    def _decorator_names(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
                         ) -> tuple[str, ...]:
        names = []
        for decorator in node.decorator_list:
            expression = decorator.func if isinstance(decorator, ast.Call) else decorator
            parts = _dotted(expression) if isinstance(expression, (ast.Name, ast.Attribute)) \
                else None
            names.append(self._qualify(parts)[0] if parts else "?")
        return tuple(names)

    def _def_span(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> Span:
        return self._span(node)

    # -- constants -------------------------------------------------------------------------

    def _constant(self, target: ast.expr, value: ast.expr | None, node: ast.stmt) -> None:
        if not isinstance(target, ast.Name):
            return
        scope = self.scopes[-1]
        if scope.kind == "function":
            qualname = f"{scope.qualname}.<locals>.{target.id}"
        else:
            qualname = self._child_qualname(target.id)
        if qualname in self.constants:
            self.constants[qualname] = None  # bound twice: not a constant
            self._rebound.add(qualname)
            return
        if isinstance(value, ast.Call):
            # `FLAG = WaffleFlag("x")`: a flag object, once its call has a number.
            self.constants[qualname] = None
            self._bound_calls[id(value)] = (qualname, self._span(node))
            return
        resolved = self._value(value) if value is not None else None
        if resolved is not None and resolved.kind in (ValueKind.STR, ValueKind.NAME,
                                                      ValueKind.TEMPLATE):
            self.constants[qualname] = Constant(qualname, resolved, self._span(node))
        else:
            self.constants[qualname] = None

    # -- local aliases -------------------------------------------------------------------

    def _leave_assign(self, node: ast.Assign) -> None:
        cond = None
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            built = self.conditions.build(node.value)
            cond = built if _has_call(built) else None
        for target in node.targets:
            self._bind(target, cond)

    def _bind(self, target: ast.expr, cond: Cond | None) -> None:
        if isinstance(target, ast.Name):
            names = [target.id]
        elif isinstance(target, (ast.Tuple, ast.List)):
            names = [(e.value if isinstance(e, ast.Starred) else e).id  # type: ignore[attr-defined]
                     for e in target.elts
                     if isinstance(e.value if isinstance(e, ast.Starred) else e, ast.Name)]
        else:
            names = []
        scope = self.scopes[-1]
        # Only a name bound once, by a statement that always runs, stands for its value: a
        # parameter, or a name bound under a condition or in a loop, is no alias.
        conditional = self._blocks != scope.depth
        for name in names:
            key = f"{scope.qualname}:{name}"
            entry = self._aliases.setdefault(key, [cond, 0])
            count = entry[1]
            poisoned = conditional or name in scope.params
            entry[1] = (count if isinstance(count, int) else 0) + (2 if poisoned else 1)

    def _alias(self, name: str) -> Cond | None:
        key = f"{self.scopes[-1].qualname}:{name}"
        entry = self._aliases.get(key)
        if entry is None or entry[1] != 1 or not isinstance(entry[0], Cond):
            return None
        self._using.append(key)
        return entry[0]

    def _finish_aliases(self, scope: str) -> None:
        """An alias assigned again after a guard used it was not a constant after all."""
        prefix = f"{scope}:"
        for key in [k for k in self._alias_guards if k.startswith(prefix)]:
            if self._aliases[key][1] != 1:
                for index in self._alias_guards[key]:
                    guard = self.guards[index]
                    self.guards[index] = replace(guard, test=Cond(CondOp.OPAQUE,
                                                                  guard.test.span))
            del self._alias_guards[key]

    # -- guards ----------------------------------------------------------------------------

    def _guard(self, guard: Guard) -> int:
        for key in self._using:
            self._alias_guards.setdefault(key, []).append(len(self.guards))
        self._using.clear()
        self.guards.append(guard)
        return len(self.guards) - 1

    def _mark_test(self, test: ast.expr) -> None:
        while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            test = test.operand
        self._test_roots.add(id(test))

    def _if(self, node: ast.If, is_elif: bool = False) -> None:
        self._mark_test(node.test)
        elif_ = self._is_elif(node)
        self._visit(node.test)
        self._block(node.body)
        if elif_:
            self._if(node.orelse[0], is_elif=True)  # type: ignore[arg-type]
        elif node.orelse:
            self._block(node.orelse)
        self._using.clear()
        test = self.conditions.build(node.test)
        if not _has_call(test):
            self._using.clear()
            return
        whole = self._span(node)
        body = Span(whole.line, whole.column, *_end(self._span(node.body[-1])))
        if elif_:
            orelse: Span | None = self._span(node.orelse[0])
        elif node.orelse:
            orelse = self._else_span(node)
        else:
            orelse = None
        self._if_guard[id(node)] = self._guard(Guard(
            GuardKind.IF, test, self.scopes[-1].qualname, whole, body, orelse,
            orelse_is_elif=elif_, is_elif=is_elif))

    def _early_exits(self, body: list[ast.stmt]) -> None:
        for i, statement in enumerate(body[:-1]):
            index = self._if_guard.get(id(statement))
            if index is None or not isinstance(statement, ast.If) or statement.orelse:
                continue
            if self._always_exits(statement.body):
                first, last = self._span(body[i + 1]), self._span(body[-1])
                rest = Span(first.line, first.column, last.end_line, last.end_column)
                self.guards[index] = replace(self.guards[index], rest=rest)

    def _always_exits(self, body: list[ast.stmt]) -> bool:
        return not self._written_on_one_line(body) and isinstance(body[-1], _EXITS)

    # -- expressions -----------------------------------------------------------------------

    def _name(self, node: ast.Name) -> None:
        self.names[node.id] += 1

    def _attribute(self, node: ast.Attribute) -> None:
        self._visit(node.value)
        self.names[node.attr] += 1

    def _constant_node(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, str):
            if 0 < len(value) <= 200 and _IDENTIFIER_LIKE.match(value):
                self.strings.add(value)
        elif value is None or isinstance(value, bool):
            self.names[repr(value)] += 1  # a name to libcst, as to any reader

    def _joined(self, node: ast.JoinedStr) -> None:
        for part in node.values:  # the literal parts are not strings of their own
            if isinstance(part, ast.FormattedValue):
                self._visit(part.value)
                if part.format_spec is not None:
                    self._joined(part.format_spec)  # type: ignore[arg-type]

    def _arg(self, node: ast.arg) -> None:
        self.names[node.arg] += 1
        self._visit(node.annotation)

    def _keyword(self, node: ast.keyword) -> None:
        if node.arg is not None:
            self.names[node.arg] += 1
        self._visit(node.value)

    def _arguments(self, node: ast.arguments) -> None:
        children = [*node.posonlyargs, *node.args, node.vararg, *node.kwonlyargs,
                    *node.kw_defaults, node.kwarg, *node.defaults]
        for child in sorted((c for c in children if c is not None), key=_position):
            self._visit(child)

    def _dict(self, node: ast.Dict) -> None:
        for key, value in zip(node.keys, node.values, strict=True):
            self._visit(key)
            self._visit(value)

    def _yield(self, node: ast.Yield | ast.YieldFrom) -> None:
        self._shaper(node)
        self._visit(node.value)

    def _shaper(self, node: ast.AST) -> None:
        self.shapers.append((self.scopes[-1].qualname, self._span(node)))

    def _lambda(self, node: ast.Lambda) -> None:
        # A lambda's body runs later, in another scope: its tests are not this block's.
        self._boolop_depth += 1
        self._visit(node.args)
        self._visit(node.body)
        self._boolop_depth -= 1

    def _ifexp(self, node: ast.IfExp) -> None:
        self._mark_test(node.test)
        self._visit(node.body)
        self._visit(node.test)
        self._visit(node.orelse)
        self._using.clear()
        test = self.conditions.build(node.test)
        if _has_call(test):
            self._guard(Guard(GuardKind.IFEXP, test, self.scopes[-1].qualname,
                              self._span(node), self._span(node.body),
                              self._span(node.orelse)))
        self._using.clear()

    def _boolop(self, node: ast.BoolOp) -> None:
        root = self._boolop_depth == 0 and id(node) not in self._test_roots
        self._boolop_depth += 1
        for value in node.values:
            self._visit(value)
        self._boolop_depth -= 1
        if root:
            self._using.clear()
            test = self.conditions.build(node)
            span = self._span(node)
            if _has_call(test):
                self._guard(Guard(GuardKind.BOOLOP, test, self.scopes[-1].qualname, span, span))
            self._using.clear()

    def _call(self, node: ast.Call) -> None:
        func = node.func
        parts = _dotted(func) if isinstance(func, (ast.Name, ast.Attribute)) else None
        if parts is not None:
            callee, resolved, imported = self._qualify(parts)
        elif isinstance(func, ast.Attribute):
            callee, resolved, imported = f"?.{func.attr}", False, False
        else:
            callee, resolved, imported = "?", False, False
        arguments: list[ast.expr | ast.keyword] = [*node.args, *node.keywords]
        if node.keywords and node.args and _position(node.args[-1]) > _position(
                node.keywords[0]):
            arguments.sort(key=_position)
        args = tuple(_argument(argument, self._value) for argument in arguments)
        decorator_span = self._decorators.get(id(node))
        span = decorator_span if decorator_span is not None else self._span(node)
        self._call_index[id(node)] = len(self.calls)
        bound = self._bound_calls.get(id(node))
        if bound is not None and bound[0] not in self._rebound:
            self.constants[bound[0]] = Constant(bound[0], Value(ValueKind.CALL, callee,
                                                                len(self.calls)), bound[1])
        if isinstance(func, ast.Name):
            self.not_values[func.id] += 1
        elif isinstance(func, ast.Attribute):
            self.not_values[func.attr] += 1
        self.calls.append(Call(callee, resolved, imported, isinstance(func, ast.Attribute),
                               args, span, self.scopes[-1].qualname, id(node) in self._returned,
                               decorator_span is not None,
                               all(is_pure(_unstarred(a)) for a in arguments)))
        self._visit(func)
        for argument in arguments:
            self._visit(argument)


def _argument(node: ast.expr | ast.keyword, value: Callable[[ast.expr], Value]) -> Arg:
    if isinstance(node, ast.keyword):
        return Arg(node.arg, value(node.value), "" if node.arg is not None else "**")
    if isinstance(node, ast.Starred):
        return Arg(None, value(node.value), "*")
    return Arg(None, value(node))


def _unstarred(node: ast.expr | ast.keyword) -> ast.expr:
    if isinstance(node, (ast.keyword, ast.Starred)):
        return node.value
    return node


def _position(node: ast.AST) -> tuple[int, int]:
    return node.lineno, node.col_offset  # type: ignore[attr-defined]


def _end(span: Span) -> tuple[int, int]:
    return span.end_line, span.end_column


def _has_call(cond: Cond) -> bool:
    if cond.op in (CondOp.CALL, CondOp.COMPARE):
        return True
    return any(_has_call(operand) for operand in cond.operands)


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"
