"""Where code still uses a constant that holds a cleaned key: `ENV_SERVER in os.environ`,
`log(KEY)`, a call flaglint does not know as a read. A clean leaves these (they are no
reads), and a person must decide: the variable is still consulted there. Found by resolved
name, not by text: `ENV_SERVER` is `app.consts.ENV_SERVER` through the file's own imports,
so an unrelated name spelled the same (an Enum member, another module's constant) is not
taken."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping

from flaglint.facts.ast_facts import dotted


def constant_uses(constants: Iterable[str], sources: Mapping[str, tuple[str, bool, str]]
                  ) -> list[str]:
    """`path:line \\`name\\`` of every load of one of `constants` (qualified names, such as
    `app.consts.ENV_SERVER`) in these files (`sources`: path to module, is a package, and
    text), in path and line order. A file that does not parse is skipped: the clean says
    so of the files that matter."""
    wanted = frozenset(constants)
    short = {name.rpartition(".")[2] for name in wanted}
    found: list[str] = []
    for path, (module, is_package, text) in sorted(sources.items()):
        if not any(name in text for name in short):
            continue
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        bound = _imported(tree, module, is_package=is_package)
        seen: set[int] = set()
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Name, ast.Attribute)) or \
                    not isinstance(node.ctx, ast.Load):
                continue
            parts = dotted(node)
            if not parts:
                continue
            head = bound.get(parts[0], f"{module}.{parts[0]}" if len(parts) == 1 else None)
            if head is None:
                continue
            qualified = ".".join((head, *parts[1:]))
            if qualified in wanted and node.lineno not in seen:
                seen.add(node.lineno)
                found.append(f"{path}:{node.lineno} `{'.'.join(parts)}`")
    return found


def _imported(tree: ast.Module, module: str, *, is_package: bool) -> dict[str, str]:
    """The names this module's imports bind (anywhere in it), each to what it stands for."""
    bound: dict[str, str] = {}
    package = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    bound[alias.asname] = alias.name
                else:
                    top = alias.name.split(".", 1)[0]
                    bound[top] = top
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1] if node.level <= \
                    len(package) else None
                if base is None:
                    continue
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            for alias in node.names:
                if alias.name != "*":
                    bound[alias.asname or alias.name] = f"{source}.{alias.name}"
    return bound
