"""Which names a module uses and which it exports, read with the standard `ast` (a fix reads
these twice a file, and `ast` walks a tree many times faster than libcst visits one)."""

from __future__ import annotations

import ast

from flaglint.facts.ast_nodes import every_node


def annotation_names(text: str) -> set[str]:
    """The names a string annotation (`"OldPanel"`, `"list[app.X]"`) holds, if it is one:
    each `Name`, and the last part of each dotted one."""
    return {node.id if isinstance(node, ast.Name) else node.attr
            for node in ast.walk(_parsed(text)) if isinstance(node, (ast.Name, ast.Attribute))}


def used_names(tree: ast.Module) -> set[str]:
    """The names a module uses, as ruff's F401 counts them: names read (not bound: a class
    attribute `features = frozenset()` does not use an imported `features`), declared
    `global`/`nonlocal`, and those inside string annotations (`def f(p: "OldPanel")`).
    Import statements, attribute names (`x.status`) and keyword names (`f(status=1)`) do
    not count."""
    names: set[str] = set()
    for node in every_node(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
        for annotation in _annotations(node):
            names |= _string_annotation_names(annotation)
    return names


def imported(tree: ast.Module) -> set[str]:
    """The names the module's imports bind, wherever they stand (`import a.b` binds `a`)."""
    return {alias.asname or alias.name.split(".")[0] for node in every_node(tree)
            if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}


def exported(tree: ast.Module) -> set[str]:
    """The strings of `__all__ = [...]` (and `+=`, and `__all__: list[str] = [...]`)."""
    values: set[str] = set()
    for node in every_node(tree):
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            values |= {n.value for n in ast.walk(value)
                       if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    return values


def _annotations(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.arg):
        return [node.annotation] if node.annotation else []
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return [node.returns] if node.returns else []
    if isinstance(node, ast.AnnAssign):
        return [node.annotation]
    return []


def _string_annotation_names(annotation: ast.expr) -> set[str]:
    """The `Name`s of the strings in an annotation (`"app.X"` uses `app`, as ruff sees it)."""
    names: set[str] = set()
    for node in ast.walk(annotation):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            names |= {n.id for n in ast.walk(_parsed(node.value)) if isinstance(n, ast.Name)}
    return names


def _parsed(text: str) -> ast.AST:
    try:
        return ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError):
        return ast.Module(body=[], type_ignores=[])
