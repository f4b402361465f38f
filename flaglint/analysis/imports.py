"""Imports a fix must keep: those of project modules whose import does something."""

from __future__ import annotations

import ast
import bisect
import functools
import re
from collections import defaultdict
from collections.abc import Callable, Set
from typing import NamedTuple

from flaglint.analysis.dead_symbols import PLAIN_DECORATORS
from flaglint.facts import FileFacts, ValueKind
from flaglint.facts.ast_facts import dotted as dotted_parts
from flaglint.model.files import FileBrief
from flaglint.model.project import Project


def kept_imports(project: Project, path: str, editing: Set[str] = frozenset(),
                 only: Set[str] | None = None) -> set[str]:
    """The names this file imports that a fix must keep though it removed their last use:
    `imports_with_effects`, `imports_named` and `imports_reexported` (`only`: asked of
    these names alone, those a fix of it made before left unused)."""
    if only is not None and not only:
        return set()
    return imports_with_effects(project, path, editing, only) | \
        imports_named(project, path, only) | imports_reexported(project, path, only)


def _asked(imports: tuple[tuple[str, str], ...], only: Set[str] | None
           ) -> tuple[tuple[str, str], ...]:
    return imports if only is None else tuple(i for i in imports if i[0] in only)


def imports_with_effects(project: Project, path: str,
                         editing: Set[str] = frozenset(), only: Set[str] | None = None
                         ) -> set[str]:
    """The names this file imports from project modules whose import does something (a
    call at module or class level that may register, a decorator that may register) and
    that no file outside `editing` (the files this round of fixes edits, which may drop
    their imports too) imports: an import a fix must keep even when the fix removed its
    last use. Where another file imports the module too, the import goes as a developer
    (and ruff's F401) would have it go: `from sentry import features`, which hundreds of
    modules import."""
    brief = project.files.brief(path)
    if brief is None:
        return set()
    memo = project.memo().setdefault("import effects", {})
    assert isinstance(memo, dict)
    others = frozenset(editing | {path})
    kept = set()
    for local, target in _asked(project.files.imports_of(path), only):
        modules = {target, target.rpartition(".")[0]} - {""}
        if local == target:  # `import app.signals` binds `app`, and imports `app.signals`
            modules |= {m for m in brief.imported if m.startswith(f"{local}.")}
        for module in modules:
            if (module, others) not in memo:
                # The index first: a module another file imports needs no parse
                memo[module, others] = not _imported_elsewhere(project, module, others) and \
                    _does_something(project, module)
            if memo[module, others]:
                kept.add(local)
    return kept


def imports_named(project: Project, path: str, only: Set[str] | None = None) -> set[str]:
    """The names this file imports that a string elsewhere names as one of its attributes
    (`mock.patch("app.views.flag_set")`, a dotted path in settings): a test patches the
    name where it is used, so the import stays while such a string does."""
    brief = project.files.brief(path)
    imports = project.files.imports_of(path) if brief is not None else ()
    if brief is None or not imports:
        return set()
    named = _attributes_named(project)
    attributes = set().union(*(named.get(m, set()) for m in spellings(project, brief.module)))
    return {local for local, _ in _asked(imports, only) if local in attributes}


def spellings(project: Project, module: str) -> list[str]:
    """The names code may import a module by: its own, and the one from a folder above it
    that is on `sys.path` itself (label-studio's modules are `label_studio.tasks.api` as
    folders go, and its code and tests name `tasks.api`: `links/roots.py`)."""
    found = [module]
    for top, package in project.linked.roots.items():
        if module.startswith(f"{package}.{top}.") or module == f"{package}.{top}":
            found.append(module[len(package) + 1:])
    return found


def imports_reexported(project: Project, path: str, only: Set[str] | None = None
                       ) -> set[str]:
    """The names this file imports that another file imports from it: Superset's
    `dashboards/filters.py` imports `is_uuid` from `models.dashboard`, and `daos/dashboard.py`
    imports it `from superset.dashboards.filters`. The import stays however a fix leaves
    this file's own code, or the other file's import breaks (an ImportError at start-up
    that ruff's F401 would not see). From every file's import index, files read light too."""
    brief = project.files.brief(path)
    imports = project.files.imports_of(path) if brief is not None else ()
    if brief is None or not imports:
        return set()
    importers = _index(project, "importers", lambda brief: brief.imported)
    module = brief.module
    names = spellings(project, module)

    def elsewhere(name: str) -> bool:
        return any(other != path for spelled in names
                   for other in importers.get(f"{spelled}.{name}", ()))

    starred = elsewhere("*")  # `from module import *` takes every public name
    # A file that imports the module may read it as one: `filters.is_uuid(x)`
    readers = sorted({other for spelled in names for other in importers.get(spelled, ())}
                     - {path})
    # (the project's top-level packages, and those imported from a folder on `sys.path`)
    tops = {*_index(project, "tops", lambda b: (b.module.split(".")[0],)),
            *project.linked.roots}
    spelled = _Spelled(names, frozenset(tops))
    return {local for local, _ in _asked(imports, only)
            if elsewhere(local) or (starred and not local.startswith("_"))
            or any(_reads_attribute(project.source_of(other), spelled, local.encode())
                   for other in readers)}


class _Spelled(NamedTuple):
    """A module as a text may spell it, and the project's top-level packages."""

    names: list[str]  # its names (`spellings`)
    tops: frozenset[str]

    def other(self, dotted: str, aliases: Set[str]) -> bool:
        """Is `dotted` (what an attribute is read from) surely another of the project's
        modules? Not where it is one of the module's names or their last parts
        (`filters`, `app.filters`) or an alias of it; not where it starts with a name that
        is no package of the project (`self.filters`: what it is cannot be told)."""
        if dotted in aliases or dotted.split(".", 1)[0] not in self.tops:
            return False
        return not any(name == dotted or name.endswith(f".{dotted}") for name in self.names)


def _reads_attribute(data: bytes, module: _Spelled, name: bytes) -> bool:
    """Does a text read `name` as an attribute of the module (`filters.is_uuid`,
    `app.filters.is_uuid`, or through an alias the text binds it to: `filters as f`,
    `f.is_uuid`)? Not any `.name` (ora2's `Scope.settings` in a module that imports
    `validation` kept `validation`'s unused `settings` import): the text's attribute names
    first, the owner only of a name among them; and not where the owner is spelled as
    another module of the project (Label Studio's `mock.patch("tasks.models.flag_set")`
    kept `projects.models`' unused import)."""
    if name not in _attributes(data):
        return False
    last = module.names[0].rpartition(".")[2].encode()
    aliases = {a.decode() for a in re.findall(rb"\b" + re.escape(last) +
                                              rb"[ \t]+as[ \t]+(\w+)", data)}
    owners = [last, *sorted(a.encode() for a in aliases)]
    # (a chain after something that is not a name, `f"{PKG}.models.x"` or `f(…).models.x`,
    # starts with a dot: what it is read from cannot be told)
    found = re.finditer(rb"(?<![\w.])(\.?)((?:[A-Za-z_]\w*[ \t]*\.[ \t]*)*?)(" +
                        b"|".join(re.escape(o) for o in owners) + rb")[ \t]*\.[ \t]*" +
                        re.escape(name) + rb"\b", data)
    return any(m.group(1) or not module.other(
        re.sub(rb"[ \t]", b"", m.group(2) + m.group(3)).decode(), aliases) for m in found)


_ATTRIBUTE = re.compile(rb"\.[ \t]*([A-Za-z_]\w*)")


@functools.lru_cache(maxsize=4096)
def _attributes(data: bytes) -> frozenset[bytes]:
    """The names a text reads as an attribute (`.name`), once for each text a process
    asks about (a fix's rounds ask of the same texts again)."""
    return frozenset(_ATTRIBUTE.findall(data))


def _attributes_named(project: Project) -> dict[str, set[str]]:
    """Each module -> the attributes of it some file's dotted string names, made once a
    run (asked of every file a round of fixes edits: 60,000 strings on Sentry)."""
    memo = project.memo()
    found = memo.get("attributes named")
    if isinstance(found, dict):
        return found
    attributes: dict[str, set[str]] = {}
    for dotted in set().union(*(brief.dotted for brief in project.files.briefs.values())):
        module, _, attribute = dotted.rpartition(".")
        attributes.setdefault(module, set()).add(attribute)
    memo["attributes named"] = attributes
    return attributes


def _index(project: Project, name: str, of: Callable[[FileBrief], tuple[str, ...]]
           ) -> dict[str, list[str]]:
    """A project-wide index, made once a run from every file's brief: each dotted name ->
    the files whose brief lists it (a list: a brief lists a name once)."""
    memo = project.memo()
    found = memo.get(name)
    if isinstance(found, dict):
        return found
    index: defaultdict[str, list[str]] = defaultdict(list)
    for brief in project.files.briefs.values():
        path = brief.path
        for dotted in of(brief):
            index[dotted].append(path)
    memo[name] = made = dict(index)
    return made


def module_file(project: Project, module: str) -> str | None:
    """The file of a project module, if it is one."""
    homes = project.memo().get("module files")
    if not isinstance(homes, dict):
        homes = {brief.module: brief.path for brief in project.files.briefs.values()}
        project.memo()["module files"] = homes
    found = homes.get(module)
    return found if isinstance(found, str) else None


def _does_something(project: Project, module: str) -> bool:
    path = module_file(project, module)
    if path is None:
        return False
    makers = {spec.call for spec in project.config.definitions if spec.call}
    facts = project.files.facts_of(path)
    if facts is not None and facts.complete:
        return _has_effects(facts, makers)
    try:  # a module the prefilter skipped: its text says
        tree = ast.parse(project.source_of(path))
    except (SyntaxError, ValueError):
        return True  # cannot tell: keep the import
    return _tree_has_effects(tree, module, makers)


def _imported_elsewhere(project: Project, module: str, these: Set[str]) -> bool:
    """Does a file not among `these` import `module` (or a module inside it)? Every file's
    imports, from the index of their briefs: the names `module` or `module.…`, which sort
    between `module.` and `module/` ("/" follows "." in ASCII)."""
    importers = _index(project, "importers", lambda brief: brief.imported)
    if any(other not in these for other in importers.get(module, ())):
        return True
    names = project.memo().get("importers, sorted")
    if not isinstance(names, list):
        names = sorted(importers)
        project.memo()["importers, sorted"] = names
    start, end = bisect.bisect_left(names, module + "."), bisect.bisect_left(names, module + "/")
    return any(other not in these for inside in names[start:end]
               for other in importers[inside])


def _has_effects(facts: FileFacts, makers: set[str]) -> bool:
    """Does importing the module do something: a call at module or class level
    (`features.add(...)`, which may register), or a decorator that may register? A call
    whose value a name keeps, of a flag-defining call or of a class or function of the
    module itself (`fast_path = bool_state(...)`), makes a value, not an effect."""
    top = {facts.module} | {d.qualname for d in facts.definitions if d.kind == "class"
                            and d.qualname.count(".") == facts.module.count(".") + 1}
    own = {d.qualname for d in facts.definitions}
    kept = {c.value.index for c in facts.constants
            if c.value.kind is ValueKind.CALL and (c.value.text in makers or c.value.text in own)}
    return any(call.scope in top and index not in kept
               for index, call in enumerate(facts.calls)) or any(
        name.rsplit(".", 1)[-1] not in PLAIN_DECORATORS
        for d in facts.definitions for name in d.decorators)


def _tree_has_effects(tree: ast.Module, module: str, makers: set[str]) -> bool:
    """`_has_effects` for a module read only now, from its syntax tree."""
    own = {node.name for node in tree.body
           if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    imported = {alias.asname or alias.name: f"{node.module}.{alias.name}"
                for node in tree.body if isinstance(node, ast.ImportFrom) and node.module
                for alias in node.names}

    def makes_a_value(statement: ast.stmt, call: ast.Call) -> bool:
        name = _dotted(call.func)
        if name is None or not isinstance(statement, (ast.Assign, ast.AnnAssign)) or \
                statement.value is not call:
            return False
        head, _, rest = name.partition(".")
        qualified = f"{imported[head]}.{rest}".rstrip(".") if head in imported else \
            f"{module}.{name}"
        return head in own or qualified in makers

    bodies = [tree.body] + [node.body for node in tree.body if isinstance(node, ast.ClassDef)]
    for statement in (s for body in bodies for s in body):
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if any(_last_name(d) not in PLAIN_DECORATORS for d in statement.decorator_list):
                return True
        elif not isinstance(statement, (ast.Import, ast.ImportFrom)) and any(
                isinstance(node, ast.Call) and not makes_a_value(statement, node)
                for node in ast.walk(statement)):
            return True
    return False


def _dotted(node: ast.expr) -> str | None:
    parts = dotted_parts(node)
    return ".".join(parts) if parts is not None else None


def _last_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    name = _dotted(node)
    return name.rsplit(".", 1)[-1] if name else ""
