"""FileFacts with a single libcst pass, for files the running Python cannot parse (a newer
grammar than its own); `ast_facts.py` reads every other file, and yields the same facts.

Names are resolved with the module's own imports (no ScopeProvider or QualifiedNameProvider:
they cost ~70% of a pass), which is enough for how flags are read in practice.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import logging
from collections.abc import Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from flaglint.facts.collector import (
    TAKES_APART,
    Scope,
    Template,
    parameter_positions,
    shorten,
)
from flaglint.facts.conditions import CondBuilder, is_pure, literal
from flaglint.facts.guards import GuardCollector
from flaglint.facts.light import text_index
from flaglint.facts.model import (
    Arg,
    Call,
    Cond,
    CondOp,
    Definition,
    FileFacts,
    Guard,
    GuardKind,
    ParseError,
    Value,
    ValueKind,
)
from flaglint.findings import Span
from flaglint.suppressions import Suppressions

log = logging.getLogger(__name__)



def extract_cst(text: str, path: str, module: str, lines: int, suppressions: Suppressions,
                attributes: frozenset[str] = frozenset(), *, is_package: bool) -> FileFacts:
    """Facts of a file that Python's own parser rejected: libcst reads every grammar up to
    the newest, else the file is FL001."""
    try:
        tree = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        return FileFacts(path, module, is_package, lines, suppressions=suppressions,
                         error=_syntax_error(text, path, error))
    except (RecursionError, MemoryError, ValueError) as error:
        return FileFacts(path, module, is_package, lines, suppressions=suppressions,
                         error=ParseError(f"cannot analyse: libcst failed with "
                                          f"{type(error).__name__}", 1, 1))
    collector = _Collector(module, is_package=is_package)
    collector.attributes = attributes
    collector.prepare(tree)
    try:
        MetadataWrapper(tree, unsafe_skip_copy=True).visit(collector)
    except RecursionError:
        return FileFacts(path, module, is_package, lines, suppressions=suppressions,
                         error=ParseError("cannot analyse: nested too deeply for flaglint", 1,
                                          1))
    _, imported, dotted = text_index(text, module, is_package=is_package)
    return dataclasses.replace(collector.facts(path, lines, suppressions), imported=imported,
                               dotted=dotted)


def _syntax_error(text: str, path: str, error: cst.ParserSyntaxError) -> ParseError:
    """Python's own message and position, which are more precise than libcst's."""
    try:
        compile(text, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as python:
        line = python.lineno or 1
        return ParseError(f"cannot parse: {python.msg}", line, python.offset or 1)
    except (ValueError, RecursionError, MemoryError):
        pass
    reason = error.message.strip().splitlines()[0] if error.message else "syntax error"
    return ParseError(f"cannot analyse: valid Python that libcst cannot read ({reason})",
                      error.raw_line, error.raw_column + 1)


def _dotted(node: cst.BaseExpression) -> list[str] | None:
    """`a.b.c` as ["a", "b", "c"]; None when any part is not a plain name."""
    parts = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    parts.reverse()
    return parts


def _module_name_of(node: cst.Attribute | cst.Name) -> str:
    return ".".join(_dotted(node) or [])


class _Collector(GuardCollector, cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, module: str, *, is_package: bool) -> None:
        super().__init__(module, is_package=is_package)
        self._elifs: set[int] = set()
        self._boolop_roots: set[int] = set()
        self.conditions = CondBuilder(self._span, self._call_index, self._alias)
        self._pieces: set[int] = set()  # the parts of an implicitly concatenated string
        self._in_import = False  # an import's dotted names are no attribute reads
        self._stores: set[int] = set()  # attributes written or deleted: no reads
        # A function's parameters and return annotation, visited in the scope the `def`
        # runs in (defaults and annotations are evaluated there), with the function's scope
        # set aside meanwhile
        self._signatures: set[int] = set()
        self._set_aside: list[Scope] = []

    # -- the module's own names, known before any function body is visited ---------------

    def prepare(self, tree: cst.Module) -> None:
        self._prepare_block(tree.body)

    def _prepare_block(self, body: Sequence[cst.CSTNode]) -> None:
        for statement in body:
            if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                self.module_names.add(statement.name.value)
            elif isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, (cst.Import, cst.ImportFrom)):
                        self._import(small)
                    elif isinstance(small, cst.Assign):
                        for target in small.targets:
                            if isinstance(target.target, cst.Name):
                                self.module_names.add(target.target.value)
                    elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                        self.module_names.add(small.target.value)
            elif isinstance(statement, (cst.If, cst.Try, cst.With)):
                for block in _blocks(statement):
                    self._prepare_block(block)

    def _import(self, node: cst.Import | cst.ImportFrom) -> None:
        if isinstance(node, cst.ImportFrom) and isinstance(node.names, cst.ImportStar):
            return
        names = [(_module_name_of(alias.name),
                  alias.asname.name.value if alias.asname is not None
                  and isinstance(alias.asname.name, cst.Name) else None)
                 for alias in node.names]  # type: ignore[union-attr]
        if isinstance(node, cst.Import):
            self._import_modules(names)
        else:
            base = _module_name_of(node.module) if node.module is not None else ""
            self._import_from(base, len(node.relative), names)

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        parts = _dotted(node.name) or []
        for part in parts:
            self.not_values[part] += 1
        if node.asname is not None and isinstance(node.asname.name, cst.Name):
            self.not_values[node.asname.name.value] += 1

    def visit_Name(self, node: cst.Name) -> None:
        self.names[node.value] += 1

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if id(node) not in self._pieces:
            self._string(node.evaluated_value, self._span(node))

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        # `"new_" "ui"` is the one string "new_ui", as Python (and `ast`) reads it
        if id(node) in self._pieces:
            return
        self._string(node.evaluated_value, self._span(node))
        parts: list[cst.BaseExpression] = [node]
        while parts:
            part = parts.pop()
            self._pieces.add(id(part))
            if isinstance(part, cst.ConcatenatedString):
                parts += [part.left, part.right]


    def visit_Import(self, node: cst.Import) -> None:
        self._import(node)
        self._rebound_imports(node.names)
        self._in_import = True

    def _rebound_imports(self, names: Sequence[cst.ImportAlias] | cst.ImportStar) -> None:
        if isinstance(names, cst.ImportStar):
            self._star_import()
            return
        self._bound_again(alias.asname.name.value if alias.asname is not None
                      and isinstance(alias.asname.name, cst.Name)
                      else (_dotted(alias.name) or [""])[0] for alias in names)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind(node.asname.name, None)
        self._apart_too(node.item)  # entered: `with False:` raises

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None and isinstance(node.name.name, cst.Name):
            self._bound_again([node.name.name.value])

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        if node.name is not None and isinstance(node.name.name, cst.Name):
            self._bound_again([node.name.name.value])

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        if node.name is not None:
            self._bound_again([node.name.value])

    def visit_MatchStar(self, node: cst.MatchStar) -> None:
        if node.name is not None:
            self._bound_again([node.name.value])

    def visit_MatchMapping(self, node: cst.MatchMapping) -> None:
        if node.rest is not None:
            self._bound_again([node.rest.value])

    def leave_NamedExpr(self, original_node: cst.NamedExpr) -> None:
        if isinstance(original_node.target, cst.Name):
            self._bound_anywhere([original_node.target.value])

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        # no alias of the scope around it, anywhere in it
        self._hidden.append(frozenset(name.value for name in param_names(node.params)))
        return super().visit_Lambda(node)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._hidden.pop()
        super().leave_Lambda(original_node)

    def _hide_targets(self, node: cst.ListComp | cst.SetComp | cst.GeneratorExp
                      | cst.DictComp) -> None:
        if isinstance(node.for_in.iter, cst.Name):  # the scope around it's (`[x for x in x]`)
            self._name_apart(node.for_in.iter.value)
        names: set[str] = set()
        comp: cst.CompFor | None = node.for_in
        while comp is not None:
            names |= {n.value for n in target_names(comp.target)}
            comp = comp.inner_for_in
        self._hidden.append(frozenset(names))

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._hide_targets(node)

    def leave_ListComp(self, original_node: cst.ListComp) -> None:
        self._hidden.pop()

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._hide_targets(node)

    def leave_SetComp(self, original_node: cst.SetComp) -> None:
        self._hidden.pop()

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._hide_targets(node)

    def leave_GeneratorExp(self, original_node: cst.GeneratorExp) -> None:
        self._hidden.pop()

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._hide_targets(node)

    def leave_DictComp(self, original_node: cst.DictComp) -> None:
        self._hidden.pop()

    def leave_Import(self, original_node: cst.Import) -> None:
        self._in_import = False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._import(node)
        self._rebound_imports(node.names)
        self._in_import = True
        # `from app.legacy import …` names the module, no value: a function `legacy` is
        # not used by it (pulpcore's `instrumentation()` was kept alive so)
        self.not_values.update(_dotted(node.module) or [] if node.module is not None else [])

    def leave_ImportFrom(self, original_node: cst.ImportFrom) -> None:
        self._in_import = False

    # -- positions and names ---------------------------------------------------------------

    def _span(self, node: cst.CSTNode) -> Span:
        where = self.get_metadata(PositionProvider, node)
        return Span(where.start.line, where.start.column + 1, where.end.line,
                    where.end.column + 1)

    def _value(self, node: cst.BaseExpression) -> Value:
        constant = literal(node)
        if constant is not None:
            return constant
        if isinstance(node, cst.FormattedString) and all(
                isinstance(part, cst.FormattedStringText) for part in node.parts):
            return Value(ValueKind.STR, "".join(_text(node, part) for part in node.parts
                                                if isinstance(part, cst.FormattedStringText)))
        parts = _dotted(node) if isinstance(node, (cst.Name, cst.Attribute)) else None
        if parts is not None:
            return self._dotted_value(parts)
        template = self._template(node)
        if template is not None:
            return template
        return Value(ValueKind.OTHER, shorten(_code(node)))

    def _template(self, node: cst.BaseExpression) -> Value | None:
        """`f"{NS}.new_ui"` or `NS + ".new_ui"`, where NS is a name: resolved when linked."""
        template = Template(self._name_ref)

        def add(part: cst.BaseExpression) -> bool:
            return template.part(literal(part), _dotted(part)
                                 if isinstance(part, (cst.Name, cst.Attribute)) else None)

        if isinstance(node, (cst.FormattedString, cst.ConcatenatedString)):
            for string in _pieces(node):
                if not isinstance(string, cst.FormattedString):
                    if not add(string):
                        return None
                    continue
                for part in string.parts:
                    if isinstance(part, cst.FormattedStringText):
                        template.text(_text(string, part))
                    elif not isinstance(part, cst.FormattedStringExpression) or (
                            part.conversion is not None or part.format_spec is not None
                            or not add(part.expression)):
                        return None
        elif isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            operands: list[cst.BaseExpression] = []
            left: cst.BaseExpression = node
            while isinstance(left, cst.BinaryOperation) and isinstance(left.operator, cst.Add):
                operands.insert(0, left.right)
                left = left.left
            operands.insert(0, left)
            if not all(add(operand) for operand in operands):
                return None
        else:
            return None
        return template.value(_code(node))

    # -- scopes ----------------------------------------------------------------------------

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._bound_again([node.name.value])
        qualname = self._child_qualname(node.name.value)
        self.definitions.append(Definition(qualname, "class", self._def_span(node),
                                           decorators=self._decorator_names(node)))
        self.scopes.append(Scope(qualname, "class", {}, qualname, self._blocks + 1))

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._decorator_guards(original_node)
        self.scopes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._bound_again([node.name.value])
        qualname = self._child_qualname(node.name.value)
        is_static = any(isinstance(d.decorator, cst.Name) and d.decorator.value == "staticmethod"
                        for d in node.decorators)
        method = self.scopes[-1].kind == "class" and not is_static
        signature = node.params
        positional, params = parameter_positions(
            [p.name.value for p in (*signature.posonly_params, *signature.params)],
            [p.name.value for p in signature.kwonly_params],
            [star.name.value for star in (signature.star_arg, signature.star_kwarg)
             if isinstance(star, cst.Param)],
            method=method)
        written = [*signature.posonly_params, *signature.params]
        skipped = len(written) - len(positional)  # self or cls
        defaults = tuple((param.name.value, value)
                         for param in (*written[skipped:], *signature.kwonly_params)
                         if param.default is not None
                         and (value := literal(param.default)) is not None)
        self.definitions.append(Definition(
            qualname, "function", self._def_span(node), params=tuple(positional),
            method=method, decorators=self._decorator_names(node), defaults=defaults))
        self._function_scope(node.name.value, params, method=method)
        self._signatures.add(id(node.params))
        if node.returns is not None:
            self._signatures.add(id(node.returns))
        last = node.body.body[-1] if node.body.body else None
        if isinstance(last, cst.SimpleStatementLine):
            last = last.body[-1] if last.body else None
        if isinstance(last, cst.Return):
            self._tails.add(id(last))

    def visit_Parameters(self, node: cst.Parameters) -> None:
        self._outside_the_function(node)

    def leave_Parameters(self, original_node: cst.Parameters) -> None:
        self._back_in_the_function(original_node)

    def visit_Annotation(self, node: cst.Annotation) -> None:
        self._outside_the_function(node)

    def leave_Annotation(self, original_node: cst.Annotation) -> None:
        self._back_in_the_function(original_node)

    def _outside_the_function(self, node: cst.CSTNode) -> None:
        if id(node) in self._signatures:
            self._set_aside.append(self.scopes.pop())

    def _back_in_the_function(self, node: cst.CSTNode) -> None:
        if id(node) in self._signatures:
            self._signatures.discard(id(node))
            self.scopes.append(self._set_aside.pop())

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._decorator_guards(original_node)
        self._finish_aliases(self.scopes[-1].qualname)
        self.scopes.pop()

    def _decorator_guards(self, node: cst.FunctionDef | cst.ClassDef) -> None:
        self.not_values[node.name.value] += 1
        for decorator in node.decorators:
            index = self._call_index.get(id(decorator.decorator))
            if index is not None:
                test = Cond(CondOp.CALL, self._span(decorator), call=index)
                span = self._def_span(node)
                self.guards.append(Guard(GuardKind.DECORATOR, test, self.scopes[-2].qualname,
                                         span, span))

    def _decorator_names(self, node: cst.FunctionDef | cst.ClassDef) -> tuple[str, ...]:
        names = []
        for decorator in node.decorators:
            expression = decorator.decorator
            if isinstance(expression, cst.Call):
                expression = expression.func
            parts = _dotted(expression) if isinstance(expression, (cst.Name, cst.Attribute)) \
                else None
            names.append(self._qualify(parts).name if parts else "?")
        return tuple(names)

    def _def_span(self, node: cst.FunctionDef | cst.ClassDef) -> Span:
        whole = self._span(node)
        name = self._span(node.name)
        return Span(name.line, whole.column, whole.end_line, whole.end_column)

    # -- constants -------------------------------------------------------------------------

    def _assigned(self, target: cst.BaseExpression, value: cst.BaseExpression | None,
                  node: cst.CSTNode) -> None:
        if not isinstance(target, cst.Name):
            return
        call = id(value) if isinstance(value, cst.Call) else None
        resolved = self._value(value) if value is not None and call is None else None
        self._constant(target.value, resolved, self._span(node), call)

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1:
            self._assigned(node.targets[0].target, node.value, node)
        else:
            for target in node.targets:
                self._assigned(target.target, None, node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._stored(node.target)
        if node.value is not None:
            self._assigned(node.target, node.value, node)

    # -- what shapes a function -------------------------------------------------------------

    def visit_Yield(self, node: cst.Yield) -> None:
        if not self._lambdas:  # a lambda's `yield` makes the lambda a generator, not this
            self._shaper(self._span(node), yields=True)
        if isinstance(node.value, cst.From):
            self._apart_too(node.value.item)  # iterated


    def visit_Global(self, node: cst.Global) -> None:
        self._shaper(self._span(node))
        self._declared_outer([item.name.value for item in node.names], nonlocal_=False)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self._shaper(self._span(node))
        self._declared_outer([item.name.value for item in node.names], nonlocal_=True)

    # -- calls -----------------------------------------------------------------------------

    def visit_Return(self, node: cst.Return) -> None:
        self._count_return(id(node))
        value, negated = _answer(node.value)
        if isinstance(value, cst.Name) and not negated:
            self._return_name(value.value)
        elif value is not None:
            self._returned[id(value)] = negated

    def visit_Decorator(self, node: cst.Decorator) -> None:
        self._decorators[id(node.decorator)] = self._span(node)

    def _mark_test(self, test: cst.BaseExpression) -> None:
        super()._mark_test(test)
        if self.attributes:
            self._truth_tested(test)

    def _truth_tested(self, test: cst.BaseExpression) -> None:
        """As ast_facts.py's: the test, or each operand of its `and`/`or`, in order."""
        while isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            test = test.expression
        if isinstance(test, cst.BooleanOperation):
            self._truth_tested(test.left)
            self._truth_tested(test.right)
        elif isinstance(test, (cst.Name, cst.Attribute)):
            self._truth(id(test), _dotted(test),
                        test.attr.value if isinstance(test, cst.Attribute) else None,
                        self._span(test))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if self.attributes and not self._in_import and id(node) not in self._stores:
            self._access(id(node), node.attr.value, _dotted(node), self._span(node))
        self._apart_too(node.value)

    # an attribute written or deleted (`x.a = v`, `x.a, x.b = v`, `for x.a in …`, `x.a += v`,
    # `del x.a`) reads no flag, as Python's parser says of its `Store` and `Del` context
    def _stored(self, target: cst.BaseExpression) -> None:
        self._stores.add(id(target))
        if isinstance(target, cst.StarredElement):
            self._stored(target.value)
        for element in getattr(target, "elements", ()) if isinstance(
                target, (cst.Tuple, cst.List)) else ():
            self._stored(element.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._stored(node.target)

    def visit_For(self, node: cst.For) -> None:
        super().visit_For(node)
        self._stored(node.target)
        self._apart_too(node.iter)  # iterated: taken apart (`for x in False` raises)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._stored(node.target)
        self._apart_too(node.iter)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._stored(node.target)

    def visit_Del(self, node: cst.Del) -> None:
        self._stored(node.target)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        self._apart_too(node.value)  # its value is taken apart (`Call.operand`)

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        self._apart_too(node.left)
        self._apart_too(node.right)

    def visit_StarredElement(self, node: cst.StarredElement) -> None:
        self._apart_too(node.value)

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.star in ("*", "**"):  # `f(*x)`, as `[*x]`; `f(**x)`, as `{**x}`
            self._apart_too(node.value)

    def visit_StarredDictElement(self, node: cst.StarredDictElement) -> None:
        self._apart_too(node.value)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        for target in node.comparisons:
            if isinstance(target.operator, (cst.In, cst.NotIn)):
                self._apart_too(target.comparator)

    def _apart_too(self, node: cst.BaseExpression) -> None:
        """Its value is taken apart (that of the awaited call, for `await x`); a name's, the
        values it may hold (`_name_apart`)."""
        self._apart.add(id(node))
        if isinstance(node, cst.Await):
            node = node.expression
            self._apart.add(id(node))
        if type(node) is cst.Name:
            self._name_apart(node.value)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        self._call_funcs.add(id(func))
        if not isinstance(func, (cst.Name, cst.Attribute)):  # `make()(x)`: called
            self._apart_too(func)
        elif isinstance(func, cst.Name) and func.value in TAKES_APART:
            positional = [arg.value for arg in node.args if arg.keyword is None and not arg.star]
            for value in positional[1:] if func.value in ("map", "filter") else positional:
                self._apart_too(value)
        parts = _dotted(func) if isinstance(func, (cst.Name, cst.Attribute)) else None
        callee = self._callee(parts, func.attr.value if isinstance(func, cst.Attribute) else None)
        args = tuple(Arg(arg.keyword.value if arg.keyword is not None else None,
                         self._value(arg.value), str(arg.star)) for arg in node.args)
        decorator_span = self._decorators.get(id(node))
        span = decorator_span if decorator_span is not None else self._span(node)
        name = func.value if isinstance(func, cst.Name) else \
            func.attr.value if isinstance(func, cst.Attribute) else None
        self._call(id(node), Call(
            callee.name, resolved=callee.resolved, imported=callee.imported,
            attribute=isinstance(func, cst.Attribute), args=args, span=span,
            scope=self.scopes[-1].qualname, returned=id(node) in self._returned,
            decorator=decorator_span is not None,
            pure_args=all(is_pure(arg.value) for arg in node.args)), name)


def _blocks(statement: cst.If | cst.Try | cst.With) -> list[Sequence[cst.CSTNode]]:
    blocks: list[Sequence[cst.CSTNode]] = []
    if isinstance(statement, cst.If):
        blocks.append(statement.body.body)
        if isinstance(statement.orelse, cst.If):
            blocks.extend(_blocks(statement.orelse))
        elif statement.orelse is not None:
            blocks.append(statement.orelse.body.body)
    elif isinstance(statement, cst.Try):
        blocks.append(statement.body.body)
        blocks.extend(handler.body.body for handler in statement.handlers)
        if statement.orelse is not None:
            blocks.append(statement.orelse.body.body)
    else:
        blocks.append(statement.body.body)
    return blocks


_EMPTY = cst.Module(body=[])


def _pieces(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The strings that `"a" f"{b}"` joins, in order."""
    if isinstance(node, cst.ConcatenatedString):
        return [*_pieces(node.left), *_pieces(node.right)]
    return [node]


def _text(string: cst.FormattedString, part: cst.FormattedStringText) -> str:
    """A literal part of an f-string as Python reads it: escapes and `{{` decoded."""
    prefix = string.start.replace("f", "").replace("F", "")
    try:
        value = ast.literal_eval(f"{prefix}{part.value}{string.end}")
    except (SyntaxError, ValueError):
        return part.value
    return str(value).replace("{{", "{").replace("}}", "}")


def _code(node: cst.CSTNode) -> str:
    """The node as written, without parentheses around it (as `ast` positions it)."""
    if getattr(node, "lpar", None):
        with contextlib.suppress(cst.CSTValidationError):  # `()` keeps its parentheses
            node = node.with_changes(lpar=[], rpar=[])
    return _EMPTY.code_for_node(node)


def _answer(value: cst.BaseExpression | None) -> tuple[cst.BaseExpression | None, bool]:
    """What a returned expression answers, and whether negated: `await x`, `bool(x)` and
    `True if x else False` answer `x`; `not x` answers its opposite."""
    negated = False
    while True:
        if isinstance(value, cst.Await):  # `return await client.is_enabled(key)`
            value = value.expression
        elif isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and \
                value.func.value == "bool" and len(value.args) == 1 and \
                not value.args[0].star and value.args[0].keyword is None:
            value = value.args[0].value
        elif isinstance(value, cst.IfExp) and _is_name(value.body, "True") and \
                _is_name(value.orelse, "False"):
            value = value.test
        elif isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Not):
            value, negated = value.expression, not negated
        else:
            return value, negated


def _is_name(node: cst.BaseExpression, name: str) -> bool:
    return isinstance(node, cst.Name) and node.value == name


def param_names(params: cst.Parameters) -> list[cst.Name]:
    """The names a function's or a lambda's parameters bind, `*args` and `**kwargs` too."""
    return [param.name for param in (*params.posonly_params, *params.params,
                                     *params.kwonly_params,
                                     *(star for star in (params.star_arg, params.star_kwarg)
                                       if isinstance(star, cst.Param)))]


def target_names(target: cst.BaseExpression) -> list[cst.Name]:
    """The names a target binds (`x`, `(a, [b, *c])`)."""
    if isinstance(target, cst.Name):
        return [target]
    if isinstance(target, cst.StarredElement):
        return target_names(target.value)
    return [name for element in getattr(target, "elements", ())
            for name in target_names(element.value)]
