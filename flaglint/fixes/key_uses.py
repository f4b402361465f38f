"""What a clean leaves that still uses or sets the cleaned key by means flaglint does not
edit, for a person to decide, never edited:

- code that still uses a constant holding the key (`ENV_SERVER in os.environ`, `log(KEY)`,
  a call flaglint does not know as a read): the variable is still consulted there. Found by
  resolved name, not by text: `ENV_SERVER` is `app.consts.ENV_SERVER` through the file's
  own imports (a star import of its module too), so an unrelated name spelled the same (an
  Enum member, another module's constant, a parameter or local that shadows it) is not
  taken (`constant_uses`);
- tests that set a Django setting named like the key with a prefix, which a reader that
  adds one reads (`settings_named_otherwise`);
- tests that give the key a literal value other than the cleaned one through no setter
  flaglint knows (`literal_settings_left`)."""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from flaglint.facts.ast_facts import dotted

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ListComp, ast.SetComp,
           ast.DictComp, ast.GeneratorExp)


@dataclass
class ConstantUses:
    """`found`: `path:line \\`name\\`` of each load, in path and line order; `unparsed`: the
    files that name a constant but do not parse, where loads cannot be ruled out."""

    found: list[str] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)


def constant_uses(constants: Iterable[str], sources: Mapping[str, tuple[str, bool, str]]
                  ) -> ConstantUses:
    """Every load of one of `constants` (qualified names, such as `app.consts.ENV_SERVER`)
    in these files (`sources`: path to module, is a package, and text)."""
    wanted = frozenset(constants)
    short = {name.rpartition(".")[2] for name in wanted}
    homes = {name.rpartition(".")[0] for name in wanted}
    uses = ConstantUses()
    for path, (module, is_package, text) in sorted(sources.items()):
        if not any(name in text for name in short):
            continue
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            uses.unparsed.append(path)
            continue
        # (a name the module imports and binds too, `try: from a import X` / `except: X =
        # …`, is taken as the import: a use listed that is not one beats one missed)
        bound = _imported(tree, module, is_package=is_package, homes=homes, short=short)
        lines = sorted({(line, shown) for line, shown in _loads(tree, module, bound)
                        if _wanted(shown[0], wanted)})
        seen: set[int] = set()
        for line, (_, written) in lines:
            if line not in seen:
                seen.add(line)
                uses.found.append(f"{path}:{line} `{written}`")
    return uses


def _wanted(qualified: str, wanted: frozenset[str]) -> bool:
    """Is this a constant, or an attribute of one (`KEY.upper()`)?"""
    parts = qualified.split(".")
    return any(".".join(parts[:end]) in wanted for end in range(len(parts), 1, -1))


def _loads(tree: ast.Module, module: str, bound: dict[str, str]
           ) -> Iterator[tuple[int, tuple[str, str]]]:
    """(line, (qualified name, as written)) of each name or attribute chain loaded outside
    any scope that binds its first name itself."""

    def visit(node: ast.AST, shadowed: frozenset[str]) -> Iterator[
            tuple[int, tuple[str, str]]]:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            for part in _outside(node):
                yield from visit(part, shadowed)
            inner = shadowed | _locals(node)
            for part in (node.body if isinstance(node.body, list) else [node.body]):
                yield from visit(part, inner)
            return
        if isinstance(node, _SCOPES):
            shadowed = shadowed | _locals(node)
        if isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, ast.Load):
            parts = dotted(node)
            if parts and parts[0] not in shadowed:
                head = bound.get(parts[0], f"{module}.{parts[0]}" if len(parts) == 1 else None)
                if head is not None:
                    yield node.lineno, (".".join((head, *parts[1:])), ".".join(parts))
            if parts:
                return  # its inner names are parts of the chain
        if isinstance(node, ast.ClassDef):  # a class body's names do not reach its methods
            for child in (*node.bases, *node.keywords, *node.decorator_list):
                yield from visit(child, shadowed)
            own = shadowed | _locals(node)
            for statement in node.body:
                yield from visit(statement, shadowed if isinstance(
                    statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else own)
            return
        for child in ast.iter_child_nodes(node):
            yield from visit(child, shadowed)

    yield from visit(tree, frozenset())


def _outside(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> list[ast.AST]:
    """What a function's definition evaluates where it is defined: its defaults, decorators
    and annotations."""
    arguments = node.args
    found: list[ast.AST] = [*arguments.defaults,
                            *(d for d in arguments.kw_defaults if d is not None)]
    if not isinstance(node, ast.Lambda):
        found += [*node.decorator_list, *(a.annotation for a in (
            *arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)
            if a.annotation is not None)]
        if node.returns is not None:
            found.append(node.returns)
    return found


def _locals(scope: ast.AST) -> frozenset[str]:
    """The names a function, lambda, comprehension, class body or module binds itself (its
    parameters, targets, definitions: not its imports, which `_imported` resolves), less
    those it declares `global`/`nonlocal`."""
    names: set[str] = set()
    declared: set[str] = set()
    if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        arguments = scope.args
        names |= {a.arg for a in (*arguments.posonlyargs, *arguments.args,
                                  *arguments.kwonlyargs)}
        names |= {a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None}
    if isinstance(scope, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        body: list[ast.AST] = [g.target for g in scope.generators]
    elif isinstance(scope, ast.Lambda):
        body = []
    else:
        body = list(getattr(scope, "body", []))
    pending = list(body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue
        if isinstance(node, _SCOPES):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            declared |= set(node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        pending.extend(ast.iter_child_nodes(node))
    return frozenset(names - declared)


def _imported(tree: ast.Module, module: str, *, is_package: bool, homes: set[str],
              short: set[str]) -> dict[str, str]:
    """The names this module's imports bind (anywhere in it), each to what it stands for;
    a star import of a constant's module binds the constants' names."""
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
                if node.level > len(package) + 1:
                    continue
                base = package[:len(package) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            for alias in node.names:
                if alias.name == "*":
                    if source in homes:
                        bound.update((name, f"{source}.{name}") for name in short)
                else:
                    bound[alias.asname or alias.name] = f"{source}.{alias.name}"
    return bound


_OVERRIDES = ("override_settings", "modify_settings")


def _parsed(tests: Mapping[str, str], word: str) -> Iterator[tuple[str, str, ast.Module]]:
    """(path, text, tree) of each of these files, in path order, whose text holds `word`
    and parses (one that does not is passed over: its tests are not named)."""
    for path, text in sorted(tests.items()):
        if word not in text:
            continue
        try:
            yield path, text, ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue


def settings_named_otherwise(key: str, tests: Mapping[str, str],
                             known: frozenset[str] = frozenset()) -> list[str]:
    """`path:line \\`name\\`` of each test (or test class) that sets a Django setting whose
    name ends with `_KEY` (`@override_settings(CMS_PLACEHOLDER_CACHE=True)`,
    `settings.CMS_PLACEHOLDER_CACHE = True`): a reader that looks its key up under a prefix
    (django-cms's `get_cms_setting("PLACEHOLDER_CACHE")`) is switched so, which flaglint
    cannot tell, so such tests are named, never edited. `tests`: path to text; `known`: the
    keys of the project's flags, each a setting of its own (`ELASTIC_SEARCH_ENABLED` is no
    prefixed `SEARCH_ENABLED` where it is a flag itself)."""
    if not key.isidentifier():
        return []
    suffix = f"_{key}"
    found: list[str] = []
    for path, text, tree in _parsed(tests, suffix):
        django = "django.conf import settings" in text
        found += (f"{path}:{line} `{name}`" for line, name in _named_otherwise(
            tree, suffix, known, django=django))
    return found


def _named_otherwise(tree: ast.Module, suffix: str, known: frozenset[str], *, django: bool
                     ) -> list[tuple[int, str]]:
    found: dict[tuple[int, str], None] = {}

    def setting(name: str | None) -> bool:
        return name is not None and name.endswith(suffix) and name not in known

    def visit(node: ast.AST, owner: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
              | None, names: tuple[str, ...], *, fixture: bool) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            owner, names = node, (*names, node.name)
            fixture = not isinstance(node, ast.ClassDef) and any(
                a.arg == "settings" for a in (*node.args.args, *node.args.kwonlyargs))
        if owner is not None and (
                (isinstance(node, ast.Call) and (callee := dotted(node.func)) is not None
                 and callee[-1] in _OVERRIDES and any(setting(k.arg) for k in node.keywords))
                or (isinstance(node, ast.Assign) and (fixture or django) and any(
                    isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and
                    t.value.id == "settings" and setting(t.attr) for t in node.targets))):
            found[owner.lineno, ".".join(names)] = None
        for child in ast.iter_child_nodes(node):
            visit(child, owner, names, fixture=fixture)

    visit(tree, None, (), fixture=False)
    return list(found)


_ON_OFF = {"true": True, "on": True, "yes": True, "1": True, "enabled": True,
           "false": False, "off": False, "no": False, "0": False, "disabled": False}


def literal_settings_left(key: str, value: object, tests: Mapping[str, str]) -> list[str]:
    """`path:line \\`name\\`` of each function in test code, as the clean left it, that
    still gives the key a literal on/off value other than `value`, in a form no setter
    flaglint knows takes (scrapy's `get_crawler(settings_dict={"COOKIES_ENABLED": False})`,
    `Settings({…})`, `s.set("COOKIES_ENABLED", False)`, a helper's dict): such a test may
    have run under the code the clean removed. Named, never edited."""
    if not isinstance(value, bool):
        return []
    found: list[str] = []
    for path, _, tree in _parsed(tests, key):
        places: dict[tuple[int, str], None] = {}

        def visit(node: ast.AST, owner: ast.AST | None, names: tuple[str, ...],
                  places: dict[tuple[int, str], None] = places) -> None:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                owner, names = node, (*names, node.name)
            if isinstance(owner, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                    _gives(node, key, other=not value):
                places[owner.lineno, ".".join(names)] = None
            for child in ast.iter_child_nodes(node):
                visit(child, owner, names)

        visit(tree, None, ())
        found += (f"{path}:{line} `{name}`" for line, name in places)
    return found


def _gives(node: ast.AST, key: str, *, other: bool) -> bool:
    """Does this dict or call give `key` the value `other` (`{"K": False}`, `f("K", False)`,
    `f(K=False)`)?"""
    if isinstance(node, ast.Dict):
        return any(isinstance(k, ast.Constant) and k.value == key and _on_off(v) is other
                   for k, v in zip(node.keys, node.values, strict=True))
    if isinstance(node, ast.Call):
        args = node.args
        return any(isinstance(a, ast.Constant) and a.value == key and _on_off(b) is other
                   for a, b in itertools.pairwise(args)) or any(
            k.arg == key and _on_off(k.value) is other for k in node.keywords)
    return False


def _on_off(node: ast.expr | None) -> bool | None:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool):
            return node.value
        if isinstance(node.value, str):
            return _ON_OFF.get(node.value.lower())
    return None
