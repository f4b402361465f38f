"""The test code `clean` edits: the lines that set the cleaned flag, the tests of the
value it no longer has, the patches of what it removed, and the imports left unused."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping

from flaglint.analysis.imports import module_file
from flaglint.analysis.references import Place
from flaglint.facts import FileFacts, ValueKind
from flaglint.fixes.flag_names import FlagNames, may_set, python_tree, words_of
from flaglint.fixes.naming import kept_wrapper, may_spell, named_in
from flaglint.fixes.plans import FixResult
from flaglint.fixes.report import Blocked, FixReport
from flaglint.model.project import Project
from flaglint.sources.registry import FlagValue


def edit_test_patches(project: Project, report: FixReport, value: FlagValue,
                       tests: Callable[[str], bool], only_tests: set[str] | None = None
                       ) -> None:
    """Tests patching what the cleanup removed: the patch goes, or the test that exercised
    the removed branch; with `only_tests` (wrappers only tests still use), the tests that
    call them go too (fixes/tests_edit.py)."""
    removed = set(only_tests or ())
    for result in report.changed:
        facts = project.facts_of(result.path)
        module = facts.module if facts is not None else ""
        removed |= {f"{module}.{name}" for name in result.removed_names}
    if not removed:
        return
    from flaglint.fixes.tests_edit import edit_tests

    # A patch of a name where it is used (`mock.patch("app.views.new_ui_on")`, as
    # unittest.mock's documentation advises) patches the name the module imported.
    removed |= _imported_as(project, report, removed)
    names = frozenset(q.rsplit(".", 1)[-1] for q in only_tests or ())
    emptied = emptied_tests(report, tests)
    for path in project.files.paths:  # (no file's facts are decoded: pandas has 1,100 tests)
        if not tests(path):
            continue
        data = project.source_of(path)
        before = data.decode("utf-8", errors="replace")
        after = edit_tests(before, removed, value, names, emptied.get(path, frozenset()))
        if after is not None:
            report.record(FixResult(path, before, after))
            report.overlay[path] = after.encode("utf-8")


def _imported_as(project: Project, report: FixReport, removed: set[str]) -> set[str]:
    """The names the changed files imported the removed definitions as, before the cleanup
    (`app.views.new_ui_on` for `from app.flags import new_ui_on` in app/views.py)."""
    found = set()
    for result in report.changed:
        facts = project.facts_of(result.path)
        if facts is None:
            continue
        try:
            tree = ast.parse(result.before)
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found |= {f"{facts.module}.{alias.asname or alias.name}"
                          for alias in node.names if f"{node.module}.{alias.name}" in removed}
    return found


def tidy_tests(report: FixReport, tests: Callable[[str], bool]) -> None:
    """The calls of the tests the cleanup deleted go with them, and the tests it left with
    only constant assertions go (`fixes/test_leftovers.py`)."""
    for result in report.changed:
        if not tests(result.path):
            continue
        from flaglint.fixes.test_leftovers import tidy

        tidied = tidy(result.before, result.after)
        for name in tidied.blocked:
            report.block(Blocked(result.path, (1, 1), name,
                                 (Place(result.path, 0, 0, "still names it; edit it by hand"),)))
        if tidied.text != result.after:
            report.record(FixResult(result.path, result.after, tidied.text))
            report.overlay[result.path] = tidied.text.encode("utf-8")


def prune_test_imports(report: FixReport, tests: Callable[[str], bool]) -> None:
    """The imports the test edits left unused go, as a developer (and ruff's F401) would
    have them go: `from unittest import mock` once the last patch went; and a file whose
    first statements went starts with the next one, not with blank lines."""
    for result in report.changed:
        if tests(result.path):
            from flaglint.fixes.source import prune_lost_imports

            after = prune_lost_imports(result.before, result.after)
            if not result.before.startswith("\n"):
                after = after.lstrip("\n")
            if after != result.after:
                report.record(FixResult(result.path, result.after, after))
                report.overlay[result.path] = after.encode("utf-8")


def flag_settings(project: Project, key: str, value: FlagValue,
                   tests: Callable[[str], bool], constants: frozenset[str] = frozenset(),
                   mappings: frozenset[str] = frozenset(),
                   cut: set[tuple[str, str]] | None = None) -> dict[str, tuple[str, str]]:
    """Test files without the lines that set the flag (`mock_feature_flag(mocker,
    FeatureFlag.X, "True")`, `monkeypatch.setenv("X", "1")`), the tests that set the other
    value and the fixtures left empty (fixes/flag_settings.py): path -> (before, after).
    `cut` gains the tests only whose last block went (path, name)."""
    from flaglint.fixes.flag_settings import edit_settings

    files, modules = _test_texts(project, tests, {})
    changed = edit_settings(files, flag_names(project, key, constants, mappings), value,
                            modules, cut)
    return {path: (files[path], after) for path, after in changed.items()}


def _test_texts(project: Project, tests: Callable[[str], bool],
                overlay: Mapping[str, bytes],
                wanted: Callable[[str, str], bool] = lambda path, text: True
                ) -> tuple[dict[str, str], dict[str, str]]:
    """The test files `wanted` takes (their text, `overlay` first) and their modules, from
    their briefs: no file's facts are decoded. A file that is not UTF-8 is never rewritten."""
    files = {}
    modules = {}
    for path in project.files.paths:
        brief = project.files.brief(path)
        if brief is None or not tests(path):
            continue
        try:
            text = (overlay[path] if path in overlay else project.source_of(path)).decode("utf-8")
        except UnicodeDecodeError:
            continue
        if wanted(path, text):
            files[path] = text
            modules[path] = brief.module
    return files, modules


def test_texts(project: Project, tests: Callable[[str], bool], overlay: Mapping[str, bytes],
               word: str = "") -> tuple[dict[str, str], dict[str, str]]:
    """Every test file's text (`overlay` first) and module, for `test_classes_left` to look
    at for many flags with one reading (`word`: only the files whose text holds it)."""
    return _test_texts(project, tests, overlay, lambda path, text: word in text)


def test_classes_left(project: Project, key: str, value: FlagValue,
                      tests: Callable[[str], bool], overlay: Mapping[str, bytes],
                      constants: frozenset[str] = frozenset(),
                      mappings: frozenset[str] = frozenset(), *, functions: bool = False,
                      texts: tuple[dict[str, str], dict[str, str]] | None = None,
                      trees: dict[str, ast.Module | None] | None = None
                      ) -> list[tuple[str, int, int, str, str]]:
    """The test classes whose decorator still sets the flag to another value (the path, the
    decorator's lines, the name, "class"), in the files as the clean left them (`overlay`:
    those it changed), the test functions that set it to a variable ("variable") and the
    helpers that set the other value ("helper"); with `functions`, the test functions that
    set the other value too ("other"). Only the files whose text may set it are read by
    libcst (`fixes/flag_names.py`). `texts`: the test files as `test_texts` read them;
    `trees`: Python's trees of them, by path, made before and kept for later questions."""
    names = flag_names(project, key, constants, mappings)
    words = words_of(names)
    if words is None:
        return []
    plain = sorted(names.words())  # each a part of any text the pattern finds a word in
    trees = {} if trees is None else trees

    def wanted(path: str, text: str) -> bool:
        return any(word in text for word in plain) and bool(words.search(text)) and \
            may_set(text, words, python_tree(text, trees, path))

    if texts is None:
        files, modules = _test_texts(project, tests, overlay, wanted)
    else:
        files = {path: text for path, text in texts[0].items() if wanted(path, text)}
        modules = {path: texts[1][path] for path in files}
    if not files:
        return []
    from flaglint.fixes.flag_settings import classes_set_otherwise

    return classes_set_otherwise(files, names, value, modules, functions=functions,
                                 trees=trees)


def settings_naming_definitions(project: Project, key: str, value: FlagValue,
                                tests: Callable[[str], bool], overlay: Mapping[str, bytes],
                                constants: frozenset[str] = frozenset(),
                                mappings: frozenset[str] = frozenset()) -> bool:
    """Does a test class, test or helper the clean leaves setting the flag name one of its
    definitions' objects (a member, a bound name), which deleting them would break? One
    that names only the key as a string does not."""
    left = test_classes_left(project, key, value, tests, overlay, constants, mappings)
    names = flag_names(project, key, constants, mappings)
    words = names.objects | {member for _, member in names.members}
    if not left or not words:
        return False
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(words))) + r")\b")
    for path, first, last, _, _ in left:
        data = overlay[path] if path in overlay else project.source_of(path)
        lines = data.decode("utf-8", "replace").split("\n")[first - 1:last]
        if pattern.search("\n".join(lines)):
            return True
    return False


def record_changes(report: FixReport, changes: dict[str, tuple[str, str]]) -> None:
    for path, (before, after) in changes.items():
        report.record(FixResult(path, before, after))
        report.overlay[path] = after.encode("utf-8")


def flag_names(project: Project, key: str, constants: frozenset[str] = frozenset(),
               mappings: frozenset[str] = frozenset()) -> FlagNames:
    """How code names the flag: its key, the class members and the objects defining it,
    `constants`: the module constants that hold the key (`key_constants`), and `mappings`:
    those its reads read it from (`read_mappings`)."""
    members: set[tuple[str, str]] = set()
    objects: set[str] = set()
    qualnames: set[str] = set()
    for definition in project.linked.definitions:
        if definition.key != key:
            continue
        facts = project.facts_of(definition.path)
        for constant in facts.constants if facts is not None else ():
            if constant.span.line != definition.span.line:
                continue
            if constant.span == definition.span:  # a class member: `FeatureFlag.X`
                owner, _, member = constant.qualname.rpartition(".")
                members.add((owner.rpartition(".")[2], member))
                qualnames.add(constant.qualname)
            elif constant.value.kind is ValueKind.CALL:  # `x_holder = bool_state("x")`
                objects.add(constant.qualname.rpartition(".")[2])
                qualnames.add(constant.qualname)
    for qualname in constants:
        objects.add(qualname.rpartition(".")[2])
        qualnames.add(qualname)
    keys = {key} | {alias for alias, full in project.linked.aliases.items() if full == key}
    setters = frozenset(spec.method for spec in project.config.readers if spec.writes)
    return FlagNames(frozenset(members), frozenset(objects), frozenset(keys),
                     frozenset(qualnames), mappings, setters)


def read_mappings(project: Project, key: str) -> frozenset[str]:
    """The mappings the flag's reads read its key from, asked before the reads are settled:
    the receiver of each reader called on one (`settings.FEATURES.get(key)`: FEATURES). A
    test's `patch.dict("django.conf.settings.FEATURES", {key: False})` sets the flag
    (ora2's, found on real code)."""
    found = set()
    for read in project.graph.reads_of(key):
        facts = project.facts_of(read.path)
        if read.via is not None or facts is None or not 0 <= read.call < len(facts.calls):
            continue
        call = facts.calls[read.call]
        parts = call.callee.split(".")
        if call.attribute and len(parts) > 1 and parts[-2].isidentifier():
            found.add(parts[-2])
    return frozenset(found)


def key_constants(project: Project, key: str) -> frozenset[str]:
    """The module constants that hold the key as its reads name them (`SW = "ns.sw"`, read
    as `switch_is_active(SW)`), asked before the reads are settled: a test's
    `override_switch(SW, active=True)` sets the flag (edx-search's, found on real code)."""
    found = set()
    for read in project.graph.reads_of(key):
        facts = project.facts_of(read.path)
        if facts is None or not read.expression.isidentifier():
            continue
        target = dict(facts.imports).get(read.expression, f"{facts.module}.{read.expression}")
        path = module_file(project, target.rpartition(".")[0])
        home = project.facts_of(path) if path is not None else None
        if home is not None and any(c.qualname == target and c.value.kind is ValueKind.STR
                                    and c.value.text == key for c in home.constants):
            found.add(target)
    return frozenset(found)


def emptied_tests(report: FixReport, tests: Callable[[str], bool]
                   ) -> dict[str, frozenset[str]]:
    """Test functions the cleanup emptied (their asserts were about the flag, now constants
    that say nothing): `pass` now, more before. They test nothing any more. A name two
    functions of the file share (`TestA.test_x`, `TestB.test_x`) is never taken: the edit
    goes by the name."""
    found: dict[str, frozenset[str]] = {}
    for result in report.changed:
        if not tests(result.path):
            continue
        try:
            before, after = ast.parse(result.before), ast.parse(result.after)
        except (SyntaxError, ValueError):
            continue

        def bodies(tree: ast.Module) -> dict[str, list[ast.stmt] | None]:
            """Each test function's body by name; None for a name two of them share."""
            by_name: dict[str, list[ast.stmt] | None] = {}
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                        node.name.startswith("test"):
                    by_name[node.name] = None if node.name in by_name else node.body
            return by_name

        def passes(body: list[ast.stmt] | None) -> bool:
            return body is not None and len(body) == 1 and isinstance(body[0], ast.Pass)

        then, now = bodies(before), bodies(after)
        empty = {name for name, body in now.items() if name in then and passes(body)
                 and then[name] is not None and not passes(then[name])}
        if empty:
            found[result.path] = frozenset(empty)
    return found


def test_only_wrappers(project: Project, wrappers: set[str],
                        tests: Callable[[str], bool]) -> set[str]:
    """The cleaned flag's wrappers (still defined) that only tests still call or name."""
    found = set()
    for qualname in wrappers:
        name = qualname.rsplit(".", 1)[-1]
        # (only the files of modules above it may define it, and only those whose text
        # may spell its name may name it: no other file's facts are decoded)
        definition = next((d for path in project.files.paths
                           if qualname.startswith(f"{_module(project, path)}.")
                           for d in _facts(project, path).definitions
                           if d.qualname == qualname), None)
        if definition is None or kept_wrapper(definition):
            continue  # gone, or kept whoever calls it: its tests stay
        used = any(r.via == qualname for r in project.linked.reads if not tests(r.path)) or \
            any(c.callee == qualname for c in project.graph.call_graph().calls
                if not tests(c.path)) or \
            any(not tests(path) and may_spell(project.source_of(path), name) and (
                name in (f := _facts(project, path)).value_names or
                any(c.name == name for c in f.calls)) for path in project.files.paths)
        if not used and named_in(project, [p for p in project.files.paths if tests(p)], name):
            found.add(qualname)
    return found


def _module(project: Project, path: str) -> str:
    brief = project.files.brief(path)
    return brief.module if brief is not None else ""


def _facts(project: Project, path: str) -> FileFacts:
    found = project.facts_of(path)
    assert found is not None  # every path in the files' order has a brief
    return found
