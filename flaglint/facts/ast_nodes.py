"""The nodes of a tree of Python's `ast`, without `ast.walk`'s two generators a node (a walk
of a large module's tree costs several times less), and without the operators and contexts
(`Load`, `Add`): nodes of no fields, which hold nothing."""

from __future__ import annotations

import ast

# Nodes of no fields: a walk has nothing to find in them
EMPTY = frozenset(kind for base in (ast.expr_context, ast.boolop, ast.operator, ast.unaryop,
                                    ast.cmpop) for kind in base.__subclasses__()
                  if not kind._fields)


def every_node(tree: ast.AST) -> list[ast.AST]:
    """The tree's nodes in `ast.walk`'s order (breadth first), but those of `EMPTY`."""
    found = [tree]
    for node in found:  # grows as it is read: each node's children join the end
        for field in node._fields:
            child = getattr(node, field, None)
            if type(child) is list:
                found += [item for item in child
                          if isinstance(item, ast.AST) and type(item) not in EMPTY]
            elif isinstance(child, ast.AST) and type(child) not in EMPTY:
                found.append(child)
    return found
