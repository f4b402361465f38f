"""What `clean` deletes besides dead code: the reads of the flag, its definitions in code
(with the list entries that name them), its settings, its wrappers and the SDK clients
nothing uses any more."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import NamedTuple

from flaglint.analysis.deadcode import read_edits, replaceable
from flaglint.analysis.references import entries
from flaglint.facts import ValueKind
from flaglint.findings import Edit, EditKind, Fix
from flaglint.fixes.naming import (
    files_naming,
    kept_wrapper,
    light_files_naming,
    may_name,
    named_elsewhere,
)
from flaglint.fixes.report import FixReport
from flaglint.links.model import CodeDefinition
from flaglint.links.resolve import is_settings_module
from flaglint.model.project import Project
from flaglint.presets import PRESET_MODULES, SETTINGS


def read_fixes(project: Project, key: str) -> list[tuple[object, Fix]]:
    """Every read of the pinned flag that can become its value, as a fix of its own."""
    fixes: list[tuple[object, Fix]] = []
    for read in project.graph.reads_of(key):
        settled = project.dead.settled.get((read.path, read.call))
        if settled is None or not replaceable(read, settled, project.dead):
            continue
        edits = read_edits(project.dead, [(read.path, read.call)])
        fixes.append((read, Fix(safe=True, description="Replace the read with its value",
                                edits=edits, in_tests=project.in_tests(edits))))
    return fixes


def definition_fixes(project: Project, key: str) -> list[tuple[object, Fix]]:
    """Deleting each `NAME = …` that defines the flag in code: an Enum member or class
    constant, or a name bound to a definition call (`x = bool_state(name="key")`). The
    pipeline refuses when anything that can reach the name still names it."""
    fixes: list[tuple[object, Fix]] = []
    for definition in project.linked.definitions:
        if definition.key != key:
            continue
        facts = project.facts_of(definition.path)
        if facts is None:
            continue
        span = None
        bound = ""  # the name the definition binds, whose listings go with it
        for constant in facts.constants:
            if constant.span.line == definition.span.line and (
                    constant.span == definition.span or (
                        constant.value.kind is ValueKind.CALL and 0 <= constant.value.index
                        < len(facts.calls) and facts.calls[constant.value.index].span ==
                        definition.span)):
                span, bound = constant.span, constant.qualname
                break
        if span is None:  # a definition call of its own (`manager.add("org:x", …)`)
            call = next((c for c in facts.calls if c.span == definition.span), None)
            if call is None or call.returned or not alone(project, definition):
                continue
            span = definition.span
        members = {spec.origin for spec in project.config.definitions if spec.class_}
        listed = definition.scope if definition.origin in members else bound
        edits = (Edit(EditKind.DELETE_BINDING, definition.path, span.line, span.column),
                 *(listing(project, listed) if listed else ()))
        fixes.append((definition, Fix(safe=True, description="Delete the flag's definition",
                                      edits=edits, in_tests=project.in_tests(edits))))
    if _a_setting(project, key):
        fixes += setting_definitions(project, key)
    return fixes


def _a_setting(project: Project, key: str) -> bool:
    """May the flag be a Django setting, bound in settings modules? (the django-settings
    preset, or a namespace of settings that names it a flag)"""
    return "django-settings" in project.linked.presets or any(
        spec.namespace == SETTINGS and key.startswith(spec.prefix)
        for spec in project.config.definitions)


def listing(project: Project, qualname: str) -> list[Edit]:
    """The entries of collections that list a class member about to go, anywhere: list,
    tuple and set elements (`ALL = [Flags.NEW_UI, Flags.DARK]`), `(member, description)`
    pairs (Django's `choices`) and dict keys, each resolved to the member itself, not to
    another class's member of the same name (`analysis/references.py`). They go with it."""
    edits = []
    for found in files_naming(project, qualname.rsplit(".", 1)[-1]):
        brief = project.files.brief(found.facts.path)
        text = found.data.decode("utf-8", "replace")
        for line, column in entries(text, found.facts.module, qualname,
                                    is_package=bool(brief and brief.is_package)):
            edits.append(Edit(EditKind.DROP_ELEMENT, found.facts.path, line, column))
    return edits


def alone(project: Project, definition: CodeDefinition) -> bool:
    """Is the definition call a statement of its own (not an argument, not bound)?"""
    text = project.source_of(definition.path).decode("utf-8", errors="replace")
    lines = text.split("\n")
    span = definition.span
    if not 0 < span.line <= len(lines):
        return False
    return not lines[span.line - 1][:span.column - 1].strip()


def setting_definitions(project: Project, key: str) -> list[tuple[object, Fix]]:
    """`FEATURE_X = True` at the top of a settings module, for the django-settings preset."""
    fixes: list[tuple[object, Fix]] = []
    if key in project.linked.values:  # a value, whose reads are no flag's: it stays
        return fixes
    for path, text in _settings_modules(project, key):
        bound = _bindings(text, key)
        if any(not binding.plain for binding in bound):
            continue  # not half deleted: `setting_bindings_kept` names them all
        left = _other_value(project, path, key, bound)
        for binding in bound:
            if binding.line in left:
                continue  # a test settings module's other value: `test_settings_left`
            edit = Edit(EditKind.DELETE_BINDING, path, binding.line, 1)
            fixes.append((path, Fix(safe=True, description="Delete the setting",
                                    edits=(edit,), in_tests=project.in_tests((edit,)))))
    return fixes


def test_settings_left(project: Project, key: str) -> list[str]:
    """`path:line` of each plain `KEY = …` of a settings module in test code that binds the
    setting to anything but the value `clean` settles it to (pretix's test settings' `HAS_
    WORKER = False`, under `from pretix.settings import *`): every test run with that module
    ran the other value, so under the code the clean removes. It stays, named, for a person
    to adapt with those tests (`setting_definitions` leaves it)."""
    if not _a_setting(project, key) or key in project.linked.values:
        return []
    found: list[str] = []
    for path, text in _settings_modules(project, key):
        bound = _bindings(text, key)
        if all(binding.plain for binding in bound):
            found += [f"{path}:{line}" for line in _other_value(project, path, key, bound)]
    return found


def _settings_modules(project: Project, key: str) -> Iterator[tuple[str, str]]:
    """Each settings module that names the key, with its text (by the briefs' modules: no
    facts decoded)."""
    for path in project.files.paths:
        brief = project.files.brief(path)
        if brief is None or not is_settings_module(brief.module):
            continue
        text = project.source_of(path).decode("utf-8", errors="replace")
        if key in text:
            yield path, text


def _other_value(project: Project, path: str, key: str, bound: list[_Binding]) -> set[int]:
    """The lines of a test settings module that bind the setting to anything but the value
    it is settled to (anything not written as that literal)."""
    if key not in project.pinned or not project.is_test(path):
        return set()
    value = project.pinned[key]
    return {binding.line for binding in bound
            if binding.value is _UNKNOWN or binding.value != value
            or type(binding.value) is not type(value)}


def setting_bindings_kept(project: Project, key: str) -> list[str]:
    """`path:line` of each binding of the setting in a settings module that also binds it
    other than by a plain `KEY = …` at its top: inside a block (Label Studio's `if
    os.environ.get("STORAGE_TYPE") == "s3": CLOUD_FILE_STORAGE_ENABLED = True`, its value
    there the environment's; deleting the block's line could leave it empty), or by `KEY
    |= …`, a tuple or a walrus (the review's: deleting the `=` line left `|=` reading a
    name nothing binds). None of the module's bindings is deleted then
    (`setting_definitions`); they are left for a person to remove."""
    found: list[str] = []
    for path, text in _settings_modules(project, key) if _a_setting(project, key) else ():
        bound = _bindings(text, key)
        if any(not binding.plain for binding in bound):
            found += [f"{path}:{binding.line}" for binding in bound]
    return found


_UNKNOWN = object()  # a value bound that is no literal


class _Binding(NamedTuple):
    line: int
    plain: bool  # a plain `KEY = …` or `KEY: T = …` at the module's top
    value: object  # the literal it binds, if plain and a literal; else `_UNKNOWN`


def _bindings(text: str, key: str) -> list[_Binding]:
    """The statements that bind the name `key` in the module's code (not in a function or
    class), each with whether it is a plain `KEY = …` or `KEY: T = …` at the module's top,
    which `setting_definitions` deletes, and the literal it binds."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    found: list[_Binding] = []

    def visit(body: list[ast.stmt], *, nested: bool) -> None:
        for statement in body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            # `KEY = …` alone: its line binds nothing else (the review's `X = not (KEY :=
            # …)` took X's line for KEY's, deleted)
            target = statement.targets[0] if isinstance(statement, ast.Assign) and \
                len(statement.targets) == 1 else statement.target \
                if isinstance(statement, ast.AnnAssign) and statement.value is not None else None
            plain = not nested and isinstance(target, ast.Name) and target.id == key and \
                not any(isinstance(node, ast.NamedExpr)
                        for node in ast.walk(statement.value))  # type: ignore[attr-defined]
            if _binds(statement, key):
                value = statement.value if plain else None  # type: ignore[attr-defined]
                found.append(_Binding(statement.lineno, plain, _literal(value)))
            for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                inner = getattr(statement, field, None)
                if isinstance(inner, list):
                    visit([s for item in inner for s in (
                        item.body if isinstance(item, (ast.ExceptHandler, ast.match_case))
                        else [item])], nested=True)

    visit(tree.body, nested=False)
    return found


def _literal(node: ast.expr | None) -> object:
    if node is None:
        return _UNKNOWN
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return _UNKNOWN


def _binds(statement: ast.stmt, key: str) -> bool:
    """Does the statement itself (not a statement inside it) bind the module's name `key`:
    a target, or `:=` anywhere in it; not a comprehension's or a lambda's own name?"""
    stack: list[tuple[ast.AST, bool]] = [(statement, False)]
    while stack:
        node, scoped = stack.pop()
        if isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name) and \
                node.target.id == key:
            return True
        if not scoped and isinstance(node, ast.Name) and node.id == key and \
                isinstance(node.ctx, ast.Store):
            return True
        scoped = scoped or isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp,
                                             ast.DictComp, ast.GeneratorExp))
        stack += [(child, scoped) for child in ast.iter_child_nodes(node) if not isinstance(
            child, (ast.stmt, ast.ExceptHandler, ast.match_case))]
    return False


def unused_wrappers(project: Project, wrappers: set[str], overlay: dict[str, bytes]
                     ) -> list[tuple[object, Fix]]:
    """Delete the wrappers of the cleaned flag once nothing calls or names them any more,
    with the imports and `__all__` entries that only re-export them."""
    fixes: list[tuple[object, Fix]] = []
    via = {r.via for r in project.linked.reads}
    called: set[str] | None = None  # what the project calls: the call graph, made once needed
    for qualname in sorted(wrappers):
        name = qualname.rsplit(".", 1)[-1]
        named = list(may_name(project, name))
        found = next(((d, f.path) for f in named for d in f.definitions
                      if d.qualname == qualname), None)
        if found is None or qualname in via:
            continue
        if called is None:
            called = {c.callee for c in project.graph.call_graph().calls}
        if qualname in called:
            continue
        definition, path = found
        if kept_wrapper(definition):
            continue  # a public method: its read is settled (`return True`), it stays
        home = project.facts_of(path)
        module = home.module if home is not None else ""
        # A file the prefilter skipped may import it too (it is no wrapper any more, so
        # naming it no longer makes a file worth reading): drop its import where it names it.
        # (file, the name it imports it as)
        importers = [(f.path, local) for f in named for local, target in f.imports
                     if target.rsplit(".", 1)[-1] == name]
        importers += [(f.path, name) for f, _ in light_files_naming(project, module, name)]
        importing = {rel for rel, _ in importers}
        if any(name in f.value_names or any(c.name == name for c in f.calls)
               or (f.path not in importing and any(s == name for s, _ in f.strings))
               for f in named):
            continue
        edits = [Edit(EditKind.DELETE_SYMBOL, path, definition.span.line,
                      definition.span.column)]
        edits += [Edit(EditKind.DROP_IMPORT, rel, 1, 1, name=local) for rel, local in importers]
        fixes.append((definition, Fix(safe=True, description=f"Delete `{name}`",
                                      edits=tuple(edits), in_tests=project.in_tests(edits))))
    return fixes


def unused_clients(project: Project, report: FixReport) -> list[tuple[object, Fix]]:
    """`client = UnleashClient()` at the top of a cleaned module, made from a flag SDK (a
    module one of the presets knows), that nothing names any more: in the module, or in any
    file that may import it."""
    sdks = {module for modules in PRESET_MODULES.values() for module in modules}
    fixes: list[tuple[object, Fix]] = []
    for result in report.changed:
        facts = project.facts_of(result.path)
        if facts is None or not facts.complete:
            continue
        try:
            tree = ast.parse(project.source_of(result.path))
        except (SyntaxError, ValueError):
            continue
        for statement in tree.body:
            if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                    and isinstance(statement.targets[0], ast.Name)
                    and isinstance(statement.value, ast.Call)):
                continue
            name = statement.targets[0].id
            call = next((c for c in facts.calls if c.span.line == statement.value.lineno
                         and c.scope == facts.module), None)
            if call is None or not call.resolved or call.callee.split(".", 1)[0] not in sdks \
                    or any(a.value.kind not in (ValueKind.STR, ValueKind.CONST)
                           for a in call.args):
                continue
            loads = sum(isinstance(node, ast.Name) and node.id == name
                        for node in ast.walk(tree))
            if loads > 1 or named_elsewhere(project, facts, name):
                continue  # the binding itself is one
            edit = Edit(EditKind.DELETE_BINDING, result.path, statement.lineno,
                        statement.col_offset + 1)
            fixes.append((name, Fix(safe=True,
                                    description=f"Delete the unused SDK client `{name}`",
                                    edits=(edit,), in_tests=project.in_tests((edit,)))))
    return fixes
