"""FileFacts from Python's own parser: one `ast` walk, about ten times cheaper than a libcst
parse with positions and a visitor.

It yields the very facts the libcst collector (`cst_facts.py`) yields, positions included
(libcst's, which exclude an expression's own parentheses, as `ast` does); a test holds the two
equal. libcst still reads the files the running Python cannot (a newer grammar) and makes
every edit (`fixes/`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from typing import Any

from flaglint.facts.ast_conditions import CondBuilder, is_pure, literal
from flaglint.facts.ast_nodes import EMPTY
from flaglint.facts.ast_positions import Positions
from flaglint.facts.collector import (
    TAKES_APART,
    FactsCollector,
    Scope,
    Tail,
    Template,
    Watch,
    has_call,
    kept_constant,
    kept_string,
    parameter_positions,
    shorten,
)
from flaglint.facts.model import (
    Arg,
    Call,
    Cond,
    CondOp,
    Definition,
    Guard,
    GuardKind,
    Value,
    ValueKind,
)
from flaglint.findings import Span

_EXITS = (ast.Return, ast.Raise, ast.Continue, ast.Break)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_TRY = (ast.Try, ast.TryStar) if hasattr(ast, "TryStar") else (ast.Try,)
# The expressions whose condition may hold a call: of any other (a literal, a list, an
# arithmetic), `CondBuilder.build` makes a constant or an opaque test.
_MAY_CALL = (ast.Call, ast.Attribute, ast.Name, ast.UnaryOp, ast.BoolOp, ast.Compare,
             ast.Await)


def assigned(statement: ast.stmt) -> list[ast.expr]:
    """What an assignment statement binds (`a = b = …`, `a: T = …`, `a += …`); nothing for
    any other statement, or an annotation without a value."""
    if isinstance(statement, ast.Assign):
        return statement.targets
    if isinstance(statement, ast.AnnAssign):
        return [statement.target] if statement.value is not None else []
    if isinstance(statement, ast.AugAssign):
        return [statement.target]
    return []


def dotted(node: ast.expr) -> list[str] | None:
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


class _Walked:
    """What a walk of a module's pieces carries from one piece to the next: the module-level
    guards whose body always exits (with where the rest after each starts), the one that
    ended the piece before, and the last statement walked."""

    __slots__ = ("exits", "last", "waiting")

    def __init__(self) -> None:
        self.exits: list[tuple[int, Span]] = []
        self.waiting: int | None = None
        self.last: Span | None = None

    def join(self, tail: Tail, guards: int) -> None:
        """Go on with the tail's (its guards numbered from `guards`)."""
        if self.waiting is not None:
            self.exits.append((self.waiting, tail.first))
        self.exits.extend((index + guards, first) for index, first in tail.exits)
        self.waiting = None
        self.last = tail.last


class Collector(FactsCollector):
    """Walks one module's tree in source order, as libcst visits it."""

    def __init__(self, text: str, module: str, *, is_package: bool) -> None:
        super().__init__(module, is_package=is_package)
        self.at = Positions(text)
        self._span = self.at.span
        self._source = self.at.source
        self.conditions = CondBuilder(self._span, self.at.up_to, self._source,
                                      self._call_index, self._alias)
        self._expressions: dict[type[ast.AST], Callable[[Any], None]] = {
            ast.Name: self._name, ast.Attribute: self._attribute, ast.Constant: self._constant_node,
            ast.JoinedStr: self._joined, ast.Call: self._visit_call, ast.IfExp: self._ifexp,
            ast.BoolOp: self._boolop, ast.Lambda: self._lambda, ast.Dict: self._dict,
            ast.Yield: self._yield, ast.YieldFrom: self._yield, ast.arg: self._arg,
            ast.keyword: self._keyword, ast.arguments: self._arguments,
            ast.NamedExpr: self._named_expr, ast.ListComp: self._comprehension,
            ast.SetComp: self._comprehension, ast.GeneratorExp: self._comprehension,
            ast.DictComp: self._comprehension,
            ast.Subscript: self._taken_apart, ast.BinOp: self._taken_apart,
            ast.Starred: self._taken_apart, ast.Compare: self._taken_apart,
        }
        self._statements: dict[type[ast.AST], Callable[[Any], None]] = {
            ast.If: self._if, ast.FunctionDef: self._function,
            ast.AsyncFunctionDef: self._function, ast.ClassDef: self._class,
            ast.Assign: self._assign, ast.AnnAssign: self._annotated_assign,
            ast.AugAssign: self._augmented_assign, ast.For: self._for, ast.AsyncFor: self._for,
            ast.While: self._while, ast.With: self._with, ast.AsyncWith: self._with,
            ast.Match: self._match, ast.Return: self._return,
            ast.Import: self._import_statement, ast.ImportFrom: self._import_statement,
            ast.Global: self._declaration, ast.Nonlocal: self._declaration,
            **{kind: self._try for kind in _TRY},
        }

    def release(self) -> None:
        """Let go of all it holds, once its facts are made: its handlers and its condition
        builder refer back to it, a cycle only the cycle collector would free (and a huge
        module's reading freezes what is left of it, facts/batch.py)."""
        self.__dict__.clear()

    # -- the module's own names, known before any function body is visited ---------------

    def run(self, tree: ast.Module) -> None:
        self._prepare_block(tree.body)
        for statement in tree.body:
            self._statement(statement)
        self._finish_aliases(self.module)
        self._early_exits(tree.body)

    def run_pieces(self, pieces: Callable[[], Iterable[tuple[int, ast.Module]]], *,
                   ahead: frozenset[str] | None,
                   split: tuple[int, Callable[[], Tail | None]] | None = None) -> bool:
        """`run` over a module parsed in pieces of whole top-level statements (each tree
        with the module's line numbers, after the offset where it starts), so that only one
        piece's tree is alive at a time.
        With `ahead` None, a pass for the module's own names parses every piece once more
        before the walk. Else those names are taken as bound (the functions, classes and
        plain assignments a search finds at the margin), each piece's names are bound just
        before its walk, and the walk stops (False) where a piece binds a name anew that the
        walk before it used or imported (a module-level import below a function that uses
        the name), or at the end if a name taken as bound is not one: the caller walks
        again, names first.
        With `split` (an offset, and the tail a walk of the pieces from there on made in
        another process, `run_tail`), the walk stops at the first piece from that offset and
        takes the tail in, if walking on here would have made the same (`join`)."""
        if ahead is None:
            for _, piece in pieces():
                self._prepare_block(piece.body)
        else:
            self.module_names.update(ahead)
        walked = _Walked()
        watch = None if ahead is None else Watch()
        for start, piece in pieces():
            if split is not None and start >= split[0]:
                tail = split[1]()
                if watch is not None and tail is not None and tail.start == start and \
                        self.join(tail, watch):
                    walked.join(tail, len(self.guards) - len(tail.guards))
                    watch.names |= tail.watch.names
                    watch.imports = tail.watch.imports
                    break
                split = None  # walked on here
            if not piece.body:
                continue  # comments and blank lines only
            if watch is not None and self._prepare_watched(piece.body, watch):
                return False
            self._walk_piece(piece, walked)
        self.forget_nodes()
        if watch is not None:
            if not watch.names.issuperset(ahead or ()):
                return False
            ordered = [*watch.imports, *(name for name in self.imports
                                         if name not in watch.imports)]
            bound = {name: self.imports[name] for name in ordered}
            self.imports.clear()
            self.imports.update(bound)
        self._finish_aliases(self.module)
        for index, first in walked.exits:
            assert walked.last is not None
            self._rest_after(index, Span(first.line, first.column, walked.last.end_line,
                                         walked.last.end_column))
        return True

    def run_tail(self, before: list[ast.stmt],
                 pieces: Callable[[], Iterable[tuple[int, ast.Module]]], *,
                 ahead: frozenset[str]) -> Tail | None:
        """`run_pieces` with `ahead` of a module's later pieces, those `pieces` gives: the
        statements of the pieces before that bind names (`before`, found by a search) are
        bound first, as the walk of those pieces binds them (it checks that it bound the
        same, `join`); only these pieces are walked. What they made, for that walk to
        `join`; None where that walk would have stopped here (a piece binds anew a name a
        walk before it used), or when there is no piece."""
        self.module_names.update(ahead)
        watch = Watch()
        self._prepare_watched(before, watch)  # nothing is used yet: never broken
        bound = (frozenset(self.module_names), [*watch.imports], dict(watch.targets))
        # from here on, what the other walk must not have used or imported
        watch.changed.clear()
        watch.imported.clear()
        self.import_log = []
        walked = _Walked()
        start = first = None
        for at, piece in pieces():
            if start is None:
                start = at
            if not piece.body:
                continue
            if first is None:
                first = self._span(piece.body[0])
            if self._prepare_watched(piece.body, watch):
                return None
            self._walk_piece(piece, walked)
        self.forget_nodes()
        if start is None or first is None or walked.last is None:
            return None
        return self.tail(watch, bound, walked.exits, start, first, walked.last)

    def _prepare_watched(self, body: list[ast.stmt], watch: Watch) -> bool:
        """Bind a piece's names as `watch` sees it; has a name the walk used changed?"""
        self.watch = watch
        self._prepare_block(body)
        self.watch = None
        return watch.broken

    def _walk_piece(self, piece: ast.Module, walked: _Walked) -> None:
        self.forget_nodes()
        for statement in piece.body:
            self._statement(statement)
        if walked.waiting is not None:
            walked.exits.append((walked.waiting, self._span(piece.body[0])))
        walked.waiting = None
        for i, statement in enumerate(piece.body):
            index = self._exit_guard(statement)
            if index is None:
                continue
            if i + 1 < len(piece.body):
                walked.exits.append((index, self._span(piece.body[i + 1])))
            else:
                walked.waiting = index
        walked.last = self._span(piece.body[-1])

    def _exit_guard(self, statement: ast.stmt) -> int | None:
        """The guard of an `if` with no `else` whose body always exits: what follows it in
        its block runs only when the guard is false."""
        index = self._if_guard.get(id(statement))
        if index is None or not isinstance(statement, ast.If) or statement.orelse or \
                not self._always_exits(statement.body):
            return None
        return index

    def _prepare_block(self, body: list[ast.stmt]) -> None:
        for statement in body:
            if isinstance(statement, (*_FUNCTIONS, ast.ClassDef)):
                self.bind_module_name(statement.name)
            elif isinstance(statement, (ast.Import, ast.ImportFrom)):
                self._import(statement)
            elif isinstance(statement, ast.Assign):
                for target in statement.targets:
                    if isinstance(target, ast.Name):
                        self.bind_module_name(target.id)
            elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                self.bind_module_name(statement.target.id)
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
        names = [(alias.name, alias.asname) for alias in node.names]
        if isinstance(node, ast.Import):
            self._import_modules(names)
        elif names[0][0] != "*":
            self._import_from(node.module or "", node.level, names)

    # -- names -----------------------------------------------------------------------------

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
        parts = dotted(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
        if parts is not None:
            return self._dotted_value(parts)
        template = self._template(node)
        if template is not None:
            return template
        return Value(ValueKind.OTHER, shorten(self._source(node)))

    def _template(self, node: ast.expr) -> Value | None:
        """`f"{NS}.new_ui"` or `NS + ".new_ui"`, where NS is a name: resolved when linked."""
        template = Template(self._name_ref)

        def add(part: ast.expr) -> bool:
            return template.part(self._literal(part), dotted(part)
                                 if isinstance(part, (ast.Name, ast.Attribute)) else None)

        if isinstance(node, ast.JoinedStr):
            for part in node.values:
                if isinstance(part, ast.Constant):
                    template.text(str(part.value))
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
        return template.value(self._source(node))

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
        self._children(node)

    def _statement(self, node: ast.stmt) -> None:
        handler = self._statements.get(type(node))
        if handler is not None:
            handler(node)
            return
        self._children(node)

    def _children(self, node: ast.AST) -> None:
        """`_visit` of each child, as `ast.iter_child_nodes` gives them, without its two
        generators a node, and without the operators and contexts (`Load`, `Add`), which
        hold nothing. `ast_nodes.every_node`'s loop, written out here: a list of children
        a node would cost this walk a third more; `_visit`'s dispatch too."""
        expressions = self._expressions
        for field in node._fields:
            child = getattr(node, field, None)
            if type(child) is list:
                for item in child:
                    kind = type(item)
                    if kind not in EMPTY and isinstance(item, ast.AST):
                        handler = expressions.get(kind)
                        if handler is not None:
                            handler(item)
                        else:
                            self._children(item)
            elif child is not None and type(child) not in EMPTY and \
                    isinstance(child, ast.AST):
                handler = expressions.get(type(child))
                if handler is not None:
                    handler(child)
                else:
                    self._children(child)

    def _assign(self, node: ast.Assign) -> None:
        if len(node.targets) == 1:
            self._assigned(node.targets[0], node.value, node)
        else:
            for target in node.targets:
                self._assigned(target, None, node)
        for target in node.targets:
            self._visit(target)
        self._visit(node.value)
        self._leave_assign(node)

    def _annotated_assign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._assigned(node.target, node.value, node)
        self._visit(node.target)
        self._visit(node.annotation)
        self._visit(node.value)
        self._bind(node.target, self._alias_of(node.target, node.value))
        if node.value is not None:
            self._hold_target(node.target, node.value)

    def _augmented_assign(self, node: ast.AugAssign) -> None:
        self._visit(node.target)
        self._visit(node.value)
        self._bind(node.target, None)

    def _for(self, node: ast.For | ast.AsyncFor) -> None:
        self._bind(node.target, None)
        self._visit(node.target)
        self._apart_too(node.iter)  # iterated: taken apart (`for x in False` raises)
        self._visit(node.iter)
        self._block(node.body)
        if node.orelse:
            self._block(node.orelse)

    def _while(self, node: ast.While) -> None:
        self._visit(node.test)
        self._block(node.body)
        if node.orelse:
            self._block(node.orelse)

    def _with(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            if item.optional_vars is not None:  # (bound first, as libcst's walk has it)
                self._bind(item.optional_vars, None)
            self._apart_too(item.context_expr)  # entered: `with False:` raises
            self._visit(item.context_expr)
            self._visit(item.optional_vars)
        self._block(node.body)

    def _try(self, node: ast.Try) -> None:  # or ast.TryStar, of the same shape
        self._block(node.body)
        for handler in node.handlers:
            if handler.name is not None:  # (bound first, as libcst's walk has it)
                self._bound_again([handler.name])
            self._visit(handler.type)
            if handler.name is not None:
                self.names[handler.name] += 1
            self._block(handler.body)
        for block in (node.orelse, node.finalbody):
            if block:
                self._block(block)

    def _match(self, node: ast.Match) -> None:
        self._visit(node.subject)
        for case in node.cases:
            self._pattern(case.pattern)
            self._visit(case.guard)
            self._block(case.body)

    def _return(self, node: ast.Return) -> None:
        self._count_return(id(node))
        value, negated = _answer(node.value)
        if isinstance(value, ast.Name) and not negated:
            self._return_name(value.id)
        elif value is not None:
            self._returned[id(value)] = negated
        self._visit(node.value)

    def _import_statement(self, node: ast.Import | ast.ImportFrom) -> None:
        self._import(node)
        self._bound_again(alias.asname or alias.name.partition(".")[0] for alias in node.names
                          if alias.name != "*")
        if any(alias.name == "*" for alias in node.names):
            self._star_import()
        if isinstance(node, ast.ImportFrom) and node.module:
            self.names.update(node.module.split("."))  # names, as libcst's walk counts them,
            self.not_values.update(node.module.split("."))  # of no value (`cst_facts`')

    def _declaration(self, node: ast.Global | ast.Nonlocal) -> None:
        self._shaper(self._span(node))
        self.names.update(node.names)
        self._declared_outer(node.names, nonlocal_=isinstance(node, ast.Nonlocal))

    def _pattern(self, node: ast.AST) -> None:
        for name in ("name", "rest"):
            value = getattr(node, name, None)
            if isinstance(value, str):
                self.names[value] += 1
                self._bound_again([value])
        self.names.update(getattr(node, "kwd_attrs", ()))
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.pattern):
                self._pattern(child)
            else:
                self._visit(child)

    # -- scopes ----------------------------------------------------------------------------

    def _class(self, node: ast.ClassDef) -> None:
        self._bound_again([node.name])
        qualname = self._child_qualname(node.name)
        self.definitions.append(Definition(qualname, "class", self._def_span(node),
                                           decorators=self._decorator_names(node)))
        self.scopes.append(Scope(qualname, "class", {}, qualname, self._blocks + 1))
        self._decorated(node)
        self._type_params(node)
        for child in sorted([*node.bases, *node.keywords], key=_position):
            self._visit(child)
        self._block(node.body)
        self._decorator_guards(node)
        self.scopes.pop()

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._bound_again([node.name])
        qualname = self._child_qualname(node.name)
        is_static = any(isinstance(d, ast.Name) and d.id == "staticmethod"
                        for d in node.decorator_list)
        method = self.scopes[-1].kind == "class" and not is_static
        arguments = node.args
        positional, params = parameter_positions(
            [p.arg for p in (*arguments.posonlyargs, *arguments.args)],
            [p.arg for p in arguments.kwonlyargs],
            [star.arg for star in (arguments.vararg, arguments.kwarg) if star is not None],
            method=method)
        self.definitions.append(Definition(
            qualname, "function", self._def_span(node), params=tuple(positional),
            method=method, decorators=self._decorator_names(node),
            defaults=self._literal_defaults(arguments, positional)))
        self._function_scope(node.name, params, method=method)
        if node.body and isinstance(node.body[-1], ast.Return):
            self._tails.add(id(node.body[-1]))
        self._decorated(node)
        self._type_params(node)
        inner = self.scopes.pop()  # defaults and annotations run where the `def` runs:
        self._visit(arguments)  # `def f(conf=None, x=conf.getboolean(…))` reads the
        self._visit(node.returns)  # module's `conf`, not the parameter
        self.scopes.append(inner)
        self._block(node.body)
        self._decorator_guards(node)
        self._finish_aliases(self.scopes[-1].qualname)
        self.scopes.pop()

    def _literal_defaults(self, arguments: ast.arguments, positional: list[str]
                          ) -> tuple[tuple[str, Value], ...]:
        """The parameters (self/cls aside) whose default is a literal, with its value."""
        if not arguments.defaults and not any(arguments.kw_defaults):
            return ()  # most functions: no parameter has a default
        every = [*arguments.posonlyargs, *arguments.args]
        defaults = dict(zip([p.arg for p in every[len(every) - len(arguments.defaults):]],
                            arguments.defaults, strict=True))
        defaults.update((p.arg, d) for p, d in zip(arguments.kwonlyargs,
                                                   arguments.kw_defaults, strict=True)
                        if d is not None)
        return tuple((name, value)
                     for name in (*positional, *(p.arg for p in arguments.kwonlyargs))
                     if name in defaults and (value := self._literal(defaults[name])) is not None)

    def _type_params(self, node: ast.AST) -> None:
        for param in getattr(node, "type_params", ()):  # Python 3.12+
            self.names[param.name] += 1
            for child in ast.iter_child_nodes(param):
                self._visit(child)

    def _decorated(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        for decorator in node.decorator_list:
            self._decorators[id(decorator)] = self.at.decorator_span(decorator)
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
            parts = dotted(expression) if isinstance(expression, (ast.Name, ast.Attribute)) \
                else None
            names.append(self._qualify(parts).name if parts else "?")
        return tuple(names)

    def _def_span(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> Span:
        return self._span(node)

    # -- constants -------------------------------------------------------------------------

    def _assigned(self, target: ast.expr, value: ast.expr | None, node: ast.stmt) -> None:
        if not isinstance(target, ast.Name):
            return
        call = id(value) if isinstance(value, ast.Call) else None
        resolved = self._value(value) if value is not None and call is None else None
        self._constant(target.id, resolved,
                       self._span(node) if kept_constant(resolved, call) else None, call)

    # -- local aliases -------------------------------------------------------------------

    def _leave_assign(self, node: ast.Assign) -> None:
        cond = self._alias_of(node.targets[0], node.value) if len(node.targets) == 1 else None
        for target in node.targets:
            self._bind(target, cond)
            self._hold_target(target, node.value)

    def _hold_target(self, target: ast.expr, value: ast.expr | None) -> None:
        """What each name the target binds may hold of the reads in the value (None: of
        none); a value unpacked (`a, = read`) is taken apart."""
        if isinstance(target, ast.Name):
            self._hold(target.id, self._value_calls(value))
        elif isinstance(target, (ast.Tuple, ast.List)):
            values = value.elts if isinstance(value, (ast.Tuple, ast.List)) and \
                len(value.elts) == len(target.elts) and not any(
                    isinstance(e, ast.Starred) for e in (*target.elts, *value.elts)) else None
            if values is None:
                self._taken_apart_calls(self._value_calls(value))
            for index, element in enumerate(target.elts):
                element = element.value if isinstance(element, ast.Starred) else element
                self._hold_target(element, None if values is None else values[index])

    def _value_calls(self, value: ast.expr | None) -> list[int]:
        """The calls whose value this expression may be: a read itself, an operand of
        `and`/`or`, a branch of `… if … else …`, or what a name holds."""
        if value is None:
            return []
        index = self._call_index.get(id(value))
        if index is not None:
            return [index]
        if isinstance(value, ast.BoolOp):
            return [i for operand in value.values for i in self._value_calls(operand)]
        if isinstance(value, ast.IfExp):
            return [*self._value_calls(value.body), *self._value_calls(value.orelse)]
        if isinstance(value, (ast.NamedExpr, ast.Await)):
            return self._value_calls(value.value)
        if isinstance(value, ast.Name):
            return self._held_by(value.id)
        return []

    def _alias_of(self, target: ast.expr, value: ast.expr | None) -> Cond | None:
        """What a name bound alone to this value stands for, where it holds a call
        (`debug = flag("x")`, `debug: bool = flag("x")`)."""
        if not isinstance(target, ast.Name) or not isinstance(value, _MAY_CALL):
            return None
        built = self.conditions.build(value)
        return built if has_call(built) else None

    def _bind(self, target: ast.expr, cond: Cond | None) -> None:
        if isinstance(target, ast.Name):
            names = [target.id]
        elif isinstance(target, (ast.Tuple, ast.List)):
            names = [(e.value if isinstance(e, ast.Starred) else e).id  # type: ignore[attr-defined]
                     for e in target.elts
                     if isinstance(e.value if isinstance(e, ast.Starred) else e, ast.Name)]
        else:
            names = []
        self._bind_names(names, cond)

    # -- guards ----------------------------------------------------------------------------

    def _mark_test(self, test: ast.expr) -> None:
        while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            test = test.operand
        self._test_roots.add(id(test))
        if self.attributes:
            self._truth_tested(test)

    def _truth_tested(self, test: ast.expr) -> None:
        """The names and attributes a test takes the truth of: the test, or each operand of
        its `and`/`or` (`if holder and not ctx:`), in the order they stand."""
        while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            test = test.operand
        if isinstance(test, ast.BoolOp):
            for operand in test.values:
                self._truth_tested(operand)
        elif isinstance(test, (ast.Name, ast.Attribute)):
            self._truth(id(test), dotted(test),
                        test.attr if isinstance(test, ast.Attribute) else None,
                        self._span(test))

    def _if(self, node: ast.If, *, is_elif: bool = False) -> None:
        self._mark_test(node.test)
        elif_ = self.at.is_elif(node)
        self._visit(node.test)
        self._block(node.body)
        if elif_:
            self._if(node.orelse[0], is_elif=True)  # type: ignore[arg-type]
        elif node.orelse:
            self._block(node.orelse)
        self._using.clear()
        test = self.conditions.build(node.test)
        if not has_call(test):
            self._using.clear()
            return
        whole = self._span(node)
        body = Span(whole.line, whole.column, *_end(self._span(node.body[-1])))
        if elif_:
            orelse: Span | None = self._span(node.orelse[0])
        elif node.orelse:
            orelse = self.at.else_span(node)
        else:
            orelse = None
        self._if_guard[id(node)] = self._guard(Guard(
            GuardKind.IF, test, self.scopes[-1].qualname, whole, body, orelse,
            orelse_is_elif=elif_, is_elif=is_elif))

    def _early_exits(self, body: list[ast.stmt]) -> None:
        for i, statement in enumerate(body[:-1]):
            index = self._exit_guard(statement)
            if index is not None:
                first, last = self._span(body[i + 1]), self._span(body[-1])
                self._rest_after(index, Span(first.line, first.column, last.end_line,
                                             last.end_column))

    def _always_exits(self, body: list[ast.stmt]) -> bool:
        return not self.at.written_on_one_line(body) and isinstance(body[-1], _EXITS)

    # -- expressions -----------------------------------------------------------------------

    def _name(self, node: ast.Name) -> None:
        self.names[node.id] += 1

    def _attribute(self, node: ast.Attribute) -> None:
        if self.attributes and isinstance(node.ctx, ast.Load):  # `x.a = v` reads no flag
            self._access(id(node), node.attr, dotted(node), self._span(node))
        self._apart_too(node.value)
        self._visit(node.value)
        self.names[node.attr] += 1

    def _taken_apart(self, node: ast.Subscript | ast.BinOp | ast.Starred | ast.Compare
                     ) -> None:
        """`x[i]`, `a + b`, `*x`, `k in x`: the value of `x`, `a` and `b` is taken apart
        (`Call.operand`)."""
        if isinstance(node, (ast.Subscript, ast.Starred)):
            self._apart_too(node.value)
        elif isinstance(node, ast.BinOp):
            self._apart_too(node.left)
            self._apart_too(node.right)
        else:
            for op, right in zip(node.ops, node.comparators, strict=True):
                if isinstance(op, (ast.In, ast.NotIn)):
                    self._apart_too(right)
        self._children(node)

    def _apart_too(self, node: ast.expr) -> None:
        """Its value is taken apart (that of the awaited call, for `await x`); a name's, the
        values it may hold (`_name_apart`)."""
        self._apart.add(id(node))
        if isinstance(node, ast.Await):
            node = node.value
            self._apart.add(id(node))
        if type(node) is ast.Name:
            self._name_apart(node.id)

    def _constant_node(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, str):
            if kept_string(value):  # most strings are not: their span is not made
                self._string(value, self._span(node))
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
        else:
            self._apart_too(node.value)  # `f(**x)`: a mapping's items
        self._visit(node.value)

    def _arguments(self, node: ast.arguments) -> None:
        children = [*node.posonlyargs, *node.args, node.vararg, *node.kwonlyargs,
                    *node.kw_defaults, node.kwarg, *node.defaults]
        for child in sorted((c for c in children if c is not None), key=_position):
            self._visit(child)

    def _dict(self, node: ast.Dict) -> None:
        for key, value in zip(node.keys, node.values, strict=True):
            if key is None:
                self._apart_too(value)  # `{**x}`
            self._visit(key)
            self._visit(value)

    def _yield(self, node: ast.Yield | ast.YieldFrom) -> None:
        if not self._lambdas:  # a lambda's `yield` makes the lambda a generator, not this
            self._shaper(self._span(node), yields=True)
        if isinstance(node, ast.YieldFrom):
            self._apart_too(node.value)  # iterated
        self._visit(node.value)

    def _lambda(self, node: ast.Lambda) -> None:
        # A lambda's body runs later, in another scope: its tests are not this block's, and
        # its parameters are no alias of the scope around it.
        self._boolop_depth += 1
        self._lambdas += 1
        args = node.args
        self._hidden.append(frozenset(a.arg for a in (
            *args.posonlyargs, *args.args, args.vararg, *args.kwonlyargs, args.kwarg)
            if a is not None))
        self._visit(node.args)
        self._visit(node.body)
        self._hidden.pop()
        self._lambdas -= 1
        self._boolop_depth -= 1

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp
                       ) -> None:
        """Its targets are no alias of the scope around it, anywhere in it; its first
        iterable is the scope around it's (`[x for x in x]`)."""
        first = node.generators[0].iter
        if isinstance(first, ast.Name):
            self._name_apart(first.id)
        self._hidden.append(frozenset(name for generator in node.generators
                                      for name in _target_names(generator.target)))
        for generator in node.generators:
            self._apart_too(generator.iter)
        self._children(node)
        self._hidden.pop()

    def _named_expr(self, node: ast.NamedExpr) -> None:
        self._children(node)
        if isinstance(node.target, ast.Name):
            self._bound_anywhere([node.target.id])

    def _ifexp(self, node: ast.IfExp) -> None:
        self._mark_test(node.test)
        self._visit(node.body)
        self._visit(node.test)
        self._visit(node.orelse)
        self._using.clear()
        test = self.conditions.build(node.test)
        if has_call(test):
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
            if has_call(test):
                self._guard(Guard(GuardKind.BOOLOP, test, self.scopes[-1].qualname, span, span))
            self._using.clear()

    def _visit_call(self, node: ast.Call) -> None:
        func = node.func
        parts = dotted(func) if isinstance(func, (ast.Name, ast.Attribute)) else None
        callee = self._callee(parts, func.attr if isinstance(func, ast.Attribute) else None)
        arguments: list[ast.expr | ast.keyword] = [*node.args, *node.keywords]
        if node.keywords and node.args and _position(node.args[-1]) > _position(
                node.keywords[0]):
            arguments.sort(key=_position)
        value = self._value
        args = tuple([_argument(argument, value) for argument in arguments])
        decorator_span = self._decorators.get(id(node))
        span = decorator_span if decorator_span is not None else self._span(node)
        attribute = isinstance(func, ast.Attribute)
        name = func.attr if isinstance(func, ast.Attribute) else \
            func.id if isinstance(func, ast.Name) else None
        pure = True
        for argument in arguments:
            if not is_pure(_unstarred(argument)):
                pure = False
                break
        self._call(id(node), Call(
            callee.name, callee.resolved, callee.imported, attribute, args, span,
            self.scopes[-1].qualname, id(node) in self._returned, decorator_span is not None,
            pure), name)
        self._call_funcs.add(id(func))
        if name is None:  # `make()(x)`: the value of `make()` is called
            self._apart_too(func)
        elif isinstance(func, ast.Name) and name in TAKES_APART:
            for argument in node.args[1:] if name in ("map", "filter") else node.args:
                self._apart_too(argument)
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


def _answer(value: ast.expr | None) -> tuple[ast.expr | None, bool]:
    """What a returned expression answers, and whether negated: `await x`, `bool(x)` and
    `True if x else False` answer `x`; `not x` answers its opposite."""
    negated = False
    while True:
        if isinstance(value, ast.Await):  # `return await client.is_enabled(key)`
            value = value.value
        elif isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and \
                value.func.id == "bool" and len(value.args) == 1 and not value.keywords and \
                not isinstance(value.args[0], ast.Starred):
            value = value.args[0]
        elif isinstance(value, ast.IfExp) and _is_true(value.body) and _is_true(value.orelse,
                                                                                 want=False):
            value = value.test
        elif isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.Not):
            value, negated = value.operand, not negated
        else:
            return value, negated


def _is_true(node: ast.expr, *, want: bool = True) -> bool:
    return isinstance(node, ast.Constant) and node.value is want


def _target_names(target: ast.expr) -> list[str]:
    """The names a target binds (`x`, `(a, [b, *c])`)."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _target_names(element)]
    return []
