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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from flaglint.analysis.references import (
    Kind,
    in_strings,
    line_starts,
    references,
    statement_text,
)
from flaglint.facts.ast_facts import dotted
from flaglint.fixes.flag_names import ON_OFF, python_tree


@dataclass
class ConstantUses:
    """`found`: `path:line NAME` of each use, in path and line order; `unparsed`: the
    files that name a constant but do not parse, where uses cannot be ruled out."""

    found: list[str] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)


def constant_uses(constants: Iterable[str], sources: Mapping[str, tuple[str, bool, str]]
                  ) -> ConstantUses:
    """Every use of one of `constants` (qualified names, such as `app.consts.ENV_SERVER`)
    in these files (`sources`: path to module, is a package, and text), as
    `analysis.references` resolves them (a name it cannot resolve is not listed)."""
    wanted = sorted(set(constants))
    uses = ConstantUses()
    for path, (module, is_package, text) in sorted(sources.items()):
        if not any(name.rpartition(".")[2] in text for name in wanted):
            continue
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            uses.unparsed.append(path)
            continue
        found = {(r.line, r.text) for name in wanted for r in references(
            text, module, name, is_package=is_package, tree=tree)
                 if r.kind in (Kind.USE, Kind.CALL)}
        seen: set[int] = set()
        for line, written in sorted(found):
            if line not in seen:
                seen.add(line)
                uses.found.append(f"{path}:{line} `{written}`")
    return uses


_OVERRIDES = ("override_settings", "modify_settings")


Parsed = Mapping[str, tuple[str, ast.Module]]  # path -> text and tree of a test file


def parsed_tests(tests: Mapping[str, str], word: str,
                 memo: dict[str, ast.Module | None] | None = None) -> dict[str, tuple[str,
                                                                                ast.Module]]:
    """The test files of `tests` (path to text) whose text holds `word` and parses, each
    parsed once (`memo`: trees made before, by path; one that does not parse is passed
    over: its tests are not named)."""
    memo = {} if memo is None else memo
    found = {}
    for path, text in sorted(tests.items()):
        if word not in text:
            continue
        tree = python_tree(text, memo, path)
        if tree is not None:
            found[path] = (text, tree)
    return found


def settings_named_otherwise(key: str, tests: Parsed, known: frozenset[str] = frozenset()
                             ) -> list[str]:
    """`path:line NAME` of each test (or test class) that sets a Django setting whose name
    ends with `_KEY` (`@override_settings(CMS_PLACEHOLDER_CACHE=True)`,
    `settings.CMS_PLACEHOLDER_CACHE = True`): a reader that looks its key up under a prefix
    (django-cms's `get_cms_setting("PLACEHOLDER_CACHE")`) is switched so, which flaglint
    cannot tell, so such tests are named, never edited. `tests`: `parsed_tests`'; `known`:
    the keys of the project's flags, each a setting of its own (`ELASTIC_SEARCH_ENABLED` is
    no prefixed `SEARCH_ENABLED` where it is a flag itself)."""
    if not key.isidentifier():
        return []
    suffix = f"_{key}"

    def setting(name: str | None) -> bool:
        return name is not None and name.endswith(suffix) and name not in known

    found: list[str] = []
    for path, (text, tree) in tests.items():
        if suffix not in text:
            continue
        django = "django.conf import settings" in text

        def sets(node: ast.AST, owner: ast.AST, *, django: bool = django) -> bool:
            if isinstance(node, ast.Call):
                callee = dotted(node.func)
                return callee is not None and callee[-1] in _OVERRIDES and any(
                    setting(k.arg) for k in node.keywords)
            return isinstance(node, ast.Assign) and (django or _has_settings(owner)) and any(
                isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and
                t.value.id == "settings" and setting(t.attr) for t in node.targets)

        found += _owners(path, tree, sets)
    return found


def literal_settings_left(key: str, value: object, tests: Parsed) -> list[str]:
    """`path:line NAME` of each function in test code, as the clean left it, that still
    gives the key a literal on/off value other than `value`, in a form no setter flaglint
    knows takes (scrapy's `get_crawler(settings_dict={"COOKIES_ENABLED": False})`,
    `Settings({…})`, `s.set("COOKIES_ENABLED", False)`, a helper's dict): such a test may
    have run under the code the clean removed. Named, never edited. `tests`:
    `parsed_tests`'."""
    if not isinstance(value, bool):
        return []
    found: list[str] = []
    for path, (text, tree) in tests.items():
        found += _owners(path, tree, lambda node, owner: isinstance(
            owner, (ast.FunctionDef, ast.AsyncFunctionDef)) and _gives(node, key,
                                                                       other=not value),
                         (text, key))
    return found


def literal_settings_in_code(key: str, value: object, code: Parsed,
                             known: frozenset[tuple[str, int]]) -> list[str]:
    """`path:line` of each call (with the function it is in), in code outside the tests
    as the clean left it, that passes the key and a literal on/off value other than
    `value` (streamlit's `config.set_option("server.x", False)` in its bootstrap), on a
    line where no read, write or definition of the key flaglint knows stands (`known`:
    path and line): a setter flaglint does not know, which may set the flag as the program
    runs. Named, never edited."""
    if not isinstance(value, bool):
        return []
    found: list[str] = []

    def visit(path: str, node: ast.AST, names: tuple[str, ...]) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = (*names, node.name)
        if isinstance(node, ast.Call) and (path, node.lineno) not in known and \
                not _getter(node, key) and _gives(node, key, other=not value):
            found.append(f"{path}:{node.lineno}" + (f" `{'.'.join(names)}`" if names else ""))
        for child in ast.iter_child_nodes(node):
            visit(path, child, names)

    for path, (_, tree) in code.items():
        visit(path, tree, ())
    return list(dict.fromkeys(found))


Owner = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def _owners(path: str, tree: ast.Module, sets: Callable[[ast.AST, Owner], bool],
            needed: tuple[str, str] | None = None) -> list[str]:
    """`path:line Class.name` of each function or class whose own code (the innermost one
    around it) holds a node `sets` takes, once each, in the order found. `needed`: the
    file's text and a word every node `sets` takes is written with (a key, as the file
    was chosen by it: `parsed_tests`); the module's statements and the functions and
    classes whose lines do not hold it (nor a string whose text may hide it: an escape,
    literals that join) are not walked (pandas' test files: 240,000 nodes walked for a few
    tests naming a key)."""
    found: dict[str, None] = {}
    if needed is not None and "\r" in needed[0]:
        needed = None  # a carriage return may end a line for Python's parser: walked whole
    starts = line_starts(needed[0]) if needed else []

    def holds(node: ast.AST) -> bool:
        if needed is None or not isinstance(node, ast.stmt):
            return True
        text, word = needed
        segment = statement_text(text, starts, node)
        return word in segment or in_strings(segment, node, lambda value: value == word)

    def visit(node: ast.AST, owner: Owner | None, names: tuple[str, ...]) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if not holds(node):
                return
            owner, names = node, (*names, node.name)
        elif owner is None and not holds(node):
            return  # a statement of the module's own code
        if owner is not None and sets(node, owner):
            found[f"{path}:{owner.lineno} `{'.'.join(names)}`"] = None
        for child in ast.iter_child_nodes(node):
            visit(child, owner, names)

    visit(tree, None, ())
    return list(found)


def _has_settings(owner: ast.AST) -> bool:
    """Is `settings` a parameter of this function (pytest-django's fixture)?"""
    return isinstance(owner, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
        a.arg == "settings" for a in (*owner.args.args, *owner.args.kwonlyargs))


def _getter(call: ast.Call, key: str) -> bool:
    """Does this call read a value with a default rather than set one: `getattr(o, "K",
    False)`, `x.get("K", False)`, `conf.getboolean("s", "K", fallback=False)` (edx's
    `plugin_settings(settings)` tests `getattr(settings, "ENABLE_X", False)` of a settings
    object it is passed, which flaglint reads as no flag)? Not one that passes the key as
    a keyword's name (`get_settings(K=False)` gives it a value) or sets as it gets
    (`get_or_set("K", False)`)."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else \
        func.attr if isinstance(func, ast.Attribute) else ""
    lowered = name.lower()
    return lowered.startswith("get") and "set" not in lowered.replace("settings", "") and \
        not any(keyword.arg == key for keyword in call.keywords)


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
            return ON_OFF.get(node.value.lower())
    return None
