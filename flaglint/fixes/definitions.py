"""What `clean` deletes besides dead code: the reads of the flag, its definitions in code
(with the list entries that name them), its settings, its wrappers and the SDK clients
nothing uses any more."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

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
    line = re.compile(r"^" + re.escape(key) + r"\s*(?::[^=]*)?=[^=]", re.MULTILINE)
    fixes: list[tuple[object, Fix]] = []
    if key in project.linked.values:  # a value, whose reads are no flag's: it stays
        return fixes
    for path in project.files.paths:  # by the briefs' modules: no facts decoded
        brief = project.files.brief(path)
        if brief is None or not is_settings_module(brief.module):
            continue
        text = project.source_of(path).decode("utf-8", errors="replace")
        if key in text and any(not plain for _, plain in _bindings(text, key)):
            continue  # not half deleted: `setting_bindings_kept` names them all
        for match in line.finditer(text):
            number = text.count("\n", 0, match.start()) + 1
            edit = Edit(EditKind.DELETE_BINDING, path, number, 1)
            fixes.append((path, Fix(safe=True, description="Delete the setting",
                                    edits=(edit,), in_tests=project.in_tests((edit,)))))
    return fixes


def setting_bindings_kept(project: Project, key: str) -> list[str]:
    """`path:line` of each binding of the setting in a settings module that also binds it
    other than by a plain `KEY = …` at its top: inside a block (Label Studio's `if
    os.environ.get("STORAGE_TYPE") == "s3": CLOUD_FILE_STORAGE_ENABLED = True`, its value
    there the environment's; deleting the block's line could leave it empty), or by `KEY
    |= …`, a tuple or a walrus (the review's: deleting the `=` line left `|=` reading a
    name nothing binds). None of the module's bindings is deleted then
    (`setting_definitions`); they are left for a person to remove."""
    found: list[str] = []
    for path in project.files.paths if _a_setting(project, key) else ():
        brief = project.files.brief(path)
        if brief is None or not is_settings_module(brief.module):
            continue
        text = project.source_of(path).decode("utf-8", errors="replace")
        bound = _bindings(text, key) if key in text else []
        if any(not plain for _, plain in bound):
            found += [f"{path}:{line}" for line, _ in bound]
    return found


def _bindings(text: str, key: str) -> list[tuple[int, bool]]:
    """The lines that bind the name `key` in the module's code (not in a function or class),
    each with whether it is a plain `KEY = …` or `KEY: T = …` at the module's top, which
    `setting_definitions` deletes."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    found: list[tuple[int, bool]] = []

    def visit(body: list[ast.stmt], *, nested: bool) -> None:
        for statement in body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            plain = not nested and (
                (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name))
                or (isinstance(statement, ast.AnnAssign) and statement.value is not None
                and isinstance(statement.target, ast.Name)))
            bound = any(isinstance(n, ast.Name) and n.id == key and isinstance(n.ctx, ast.Store)
                        for n in _own_nodes(statement))
            if bound:
                found.append((statement.lineno, plain))
            for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                inner = getattr(statement, field, None)
                if isinstance(inner, list):
                    visit([s for item in inner for s in (
                        item.body if isinstance(item, (ast.ExceptHandler, ast.match_case))
                        else [item])], nested=True)

    visit(tree.body, nested=False)
    return found


def _own_nodes(statement: ast.stmt) -> Iterator[ast.AST]:
    """The statement and its expressions, not the statements inside it."""
    stack: list[ast.AST] = [statement]
    while stack:
        node = stack.pop()
        yield node
        stack += [child for child in ast.iter_child_nodes(node) if not isinstance(
            child, (ast.stmt, ast.ExceptHandler, ast.match_case))]


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
