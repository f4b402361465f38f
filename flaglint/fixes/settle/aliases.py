"""Names bound once to a settled literal (`use_new = True` where a read stood), and names a
constant parameter stands for: their reads in tests settle like the read itself, and the
binding goes once nothing reads it."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import PositionProvider

from flaglint.facts.cst_facts import param_names, target_names
from flaglint.fixes.settle.core import SettlerCore
from flaglint.fixes.settle.literals import literal_node, literal_value
from flaglint.fixes.settle.syntax import leftmost_name


class AliasSettling(SettlerCore):
    """Scope by scope, the names that stand for a settled literal."""

    def visit_Module(self, node: cst.Module) -> None:
        self._enter(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._enter(node)
        if self.constants:
            line = self.get_metadata(PositionProvider, node.name).start.line
            column = self.get_metadata(PositionProvider, node).start.column + 1
            for name, value in self.constants.get((line, column), {}).items():
                if name in self._bound_once():  # never bound again in the body
                    self._aliases[-1][name] = value

    def _enter(self, node: cst.Module | cst.FunctionDef) -> None:
        self._scopes.append(node)
        self._aliases.append({})

    def _leave(self) -> dict[str, object]:
        self._once.pop(id(self._scopes.pop()), None)
        return self._aliases.pop()

    def _bound_once(self) -> set[str]:
        """The names the current scope binds exactly once (never `global`/`nonlocal`)."""
        node = self._scopes[-1]
        if id(node) not in self._once:
            counter = _Assignments()
            if isinstance(node, cst.FunctionDef):
                counter.bind_params(node.params)
                node.body.visit(counter)
                poisoned = counter.declared
            else:
                self.module_scope_asked = True
                for statement in node.body:
                    statement.visit(counter)
                if self._module_globals is None:
                    declared = _Declared()
                    node.visit(declared)
                    self._module_globals = declared.names
                poisoned = self._module_globals
            self._once[id(node)] = set() if counter.star else {
                n for n, count in counter.counts.items()
                if count == 1 and n not in poisoned and n not in counter.anywhere}
        return self._once[id(node)]

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        if len(updated_node.targets) == 1:
            self._settled_alias(original_node, updated_node.targets[0].target,
                                updated_node.value)
        return updated_node

    def leave_AnnAssign(self, original_node: cst.AnnAssign, updated_node: cst.AnnAssign
                        ) -> cst.AnnAssign:
        if updated_node.value is not None:
            self._settled_alias(original_node, updated_node.target, updated_node.value)
        return updated_node

    def _settled_alias(self, assign: cst.Assign | cst.AnnAssign, target: cst.BaseExpression,
                       value: cst.BaseExpression) -> None:
        """`name = <settled literal>` (or `name: T = …`), bound once where it always runs:
        the name stands for that literal."""
        if isinstance(target, cst.Name) and self._is_made(value) and \
                self._always_runs(assign) and self._scopes and \
                target.value in self._bound_once():
            self._aliases[-1][target.value] = literal_value(value)

    def _alias_read(self, original_node: cst.Name, updated_node: cst.Name
                    ) -> cst.BaseExpression:
        """A name bound to a settled literal, read in a test or comparison: that literal."""
        if not self._aliases or original_node.value not in self._aliases[-1] or \
                self._bound_between(original_node.value):
            return updated_node
        parent = self._parent(original_node)
        if self._in_test(original_node) or isinstance(parent, (cst.Comparison,
                                                               cst.ComparisonTarget)):
            return self._mark(literal_node(self._aliases[-1][original_node.value]))
        return updated_node

    def _bound_between(self, name: str) -> bool:
        """Is the name bound between its scope and where it is read: a lambda's parameter,
        a comprehension's target, or a class body's own (a class body is no scope of its
        aliases)? There it is not the alias, as the collector says too."""
        for node in reversed(self._ancestors):
            if isinstance(node, (cst.FunctionDef, cst.Module)):
                return False
            if isinstance(node, cst.ClassDef):
                return True
            if isinstance(node, cst.Lambda) and \
                    name in {n.value for n in param_names(node.params)}:
                return True
            if isinstance(node, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)):
                comp: cst.CompFor | None = node.for_in
                while comp is not None:
                    if name in {n.value for n in target_names(comp.target)}:
                        return True
                    comp = comp.inner_for_in
        return False

    def _without_unread_aliases(self, function: cst.FunctionDef) -> cst.FunctionDef:
        """Leaving a function: `use_new = True` that nothing reads any more goes with the
        branches it decided."""
        aliases = self._leave()
        if not aliases:
            return function
        counter = _NameUses()
        function.body.visit(counter)
        unread = {name for name in aliases if counter.counts.get(name, 0) == 1}
        if not unread:
            return function
        return function.with_changes(body=function.body.visit(_DropStores(unread, self._made)))

    def _always_runs(self, assign: cst.Assign | cst.AnnAssign) -> bool:
        """Is this assignment a statement of its function's (or module's) own body?"""
        line = self._parent(assign)
        block = self._parent(line) if line is not None else None
        if isinstance(block, cst.Module):
            return True
        return isinstance(block, cst.IndentedBlock) and isinstance(self._parent(block),
                                                                    cst.FunctionDef)


class _Declared(cst.CSTVisitor):
    """Names a `global` or `nonlocal` statement declares anywhere below a node."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def visit_Global(self, node: cst.Global) -> None:
        self.names |= {item.name.value for item in node.names}

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.names |= {item.name.value for item in node.names}


class _Assignments(_Declared):
    """How often each name is bound in one function body (not in nested functions, whose
    `global`/`nonlocal` declarations are still collected)."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: dict[str, int] = {}
        self._depth = 0
        self.anywhere: set[str] = set()  # bound by `:=`, in any scope below too
        self.star = False  # a star import: any name may be bound again

    @property
    def declared(self) -> set[str]:
        return self.names

    def _bind(self, target: cst.CSTNode | None) -> None:
        if self._depth or target is None:
            return
        if isinstance(target, cst.Name):
            self.counts[target.value] = self.counts.get(target.value, 0) + 1
        elif isinstance(target, cst.StarredElement):
            self._bind(target.value)
        for element in getattr(target, "elements", ()):
            self._bind(element.value)

    def bind_params(self, params: cst.Parameters) -> None:
        for name in param_names(params):
            self._bind(name)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._bind(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._bind(node.target)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        # `:=` in a header, a lambda or a comprehension may bind in this scope: at any
        # depth, the name is no alias (the collector says the same)
        if isinstance(node.target, cst.Name):
            self.anywhere.add(node.target.value)

    def visit_ImportStar(self, node: cst.ImportStar) -> None:
        self.star = True

    def visit_AsName(self, node: cst.AsName) -> None:  # with … as x, except … as x, import as
        self._bind(node.name)

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        if node.asname is None:
            self._bind(node.name if isinstance(node.name, cst.Name) else
                       leftmost_name(node.name))

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        self._bind(node.name)

    def visit_MatchStar(self, node: cst.MatchStar) -> None:
        self._bind(node.name)

    def visit_MatchMapping(self, node: cst.MatchMapping) -> None:
        self._bind(node.rest)

    def visit_Del(self, node: cst.Del) -> None:
        self._bind(node.target)
        self._bind(node.target)  # a deleted name is no constant

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._bind(node.name)
        self._depth += 1
        return True

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._depth -= 1

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self._bind(node.name)
        self._depth += 1
        return True

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._depth -= 1

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        self._depth += 1  # (its `:=` still counted, `anywhere`)
        return True

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._depth -= 1


class _NameUses(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.counts: dict[str, int] = {}

    def visit_Name(self, node: cst.Name) -> None:
        self.counts[node.value] = self.counts.get(node.value, 0) + 1


class _DropStores(cst.CSTTransformer):
    """Remove `name = <settled literal>` statements for the given names."""

    def __init__(self, names: set[str], made: set[int]) -> None:
        super().__init__()
        self.names = names
        self.made = made

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine,
                                  updated_node: cst.SimpleStatementLine
                                  ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        # The original nodes are the ones marked as settled (a visit copies them).
        body = [small for small, before in zip(updated_node.body, original_node.body,
                                               strict=True) if not self._dropped(before)]
        if len(body) == len(updated_node.body):
            return updated_node
        return updated_node.with_changes(body=body) if body else cst.RemovalSentinel.REMOVE

    def _dropped(self, small: cst.BaseSmallStatement) -> bool:
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            target: cst.BaseExpression = small.targets[0].target
        elif isinstance(small, cst.AnnAssign) and small.value is not None:
            target = small.target
        else:
            return False
        return isinstance(target, cst.Name) and target.value in self.names and \
            id(small.value) in self.made
