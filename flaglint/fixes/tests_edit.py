"""`flaglint clean` in tests: patches of what the cleanup removed.

A patch of a removed name (`mocker.patch("app.flags.new_checkout_on", return_value=True)`,
`with patch("…"):`, `@patch("…")`, `monkeypatch.setattr("…", …)`) would raise
AttributeError once the name is gone. Where the patch sets the value the flag now always
has (or sets nothing that says otherwise), the patch goes: the statement, the `with` item
(its body kept), the decorator with the mock parameter it passed. Where it sets the other
value, the test exercised the branch that is gone, and the whole test function goes.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import TypeVar

import libcst as cst

from flaglint.facts.conditions import literal

_Listed = TypeVar("_Listed", bound=cst.CSTNode)


def laid_out(kept: list[_Listed], original: Sequence[_Listed]) -> list[_Listed]:
    """What is kept of a list of arguments, parameters, elements or items (each with its
    `comma`), laid out as the list was: the last keeps its comma where it was the last, else
    takes the last one's, a trailing comma and the line break before the bracket with it
    (pulpcore's `@override_settings(` over several lines, its keywords one a line and a
    trailing comma, lost both when its first keyword went)."""
    if kept and original and kept[-1] is not original[-1]:
        comma = getattr(original[-1], "comma")  # noqa: B009  # (no type of nodes says it)
        kept = [*kept[:-1], kept[-1].with_changes(comma=comma)]
    return kept


def _patch_target(call: cst.Call) -> str | None:
    """The dotted name a patch call replaces, when it is one: `patch("a.b")`,
    `mocker.patch("a.b", …)`, `mock.patch("a.b")`, `monkeypatch.setattr("a.b", …)`."""
    func = call.func
    name = func.attr.value if isinstance(func, cst.Attribute) else \
        func.value if isinstance(func, cst.Name) else None
    if name not in ("patch", "setattr") or not call.args:
        return None
    first = call.args[0]
    if first.keyword is not None or not isinstance(first.value, cst.SimpleString):
        return None
    value = first.value.evaluated_value
    return value if isinstance(value, str) else None


def _patched_name(call: cst.Call) -> str | None:
    """The name (a test's parameter) a patch makes the removed name return, if one."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in ("return_value", "new") and \
                isinstance(arg.value, cst.Name):
            return arg.value.value
    return None


def _patched_value(call: cst.Call) -> tuple[bool, object]:
    """(known, value) the patch makes the name return or be."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in ("return_value", "new"):
            found = literal(arg.value)
            return (True, found.text == "True") if found is not None and found.text in (
                "True", "False") else (False, None)
    if len(call.args) >= 2 and call.args[1].keyword is None:  # setattr("a.b", value)
        found = literal(call.args[1].value)
        if found is not None and found.text in ("True", "False"):
            return True, found.text == "True"
    return False, None


class TestPatches(cst.CSTTransformer):
    def __init__(self, removed: set[str], value: object,
                 names: frozenset[str] = frozenset(),
                 emptied: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.emptied = emptied  # tests the cleanup left with nothing to check
        self.removed = removed
        self.value = value
        # Names of removed functions only tests used: a test that calls one tested it.
        self.names = names
        self._locals: set[str] = set()  # what they are imported as in this file
        self.changed = 0
        self._doomed: list[bool] = [False]  # each function: it exercised the removed branch
        self._narrow: list[set[str]] = [set()]  # parameters a dropped patch returned

    def _verdict(self, call: cst.Call) -> str | None:
        """None: not a patch of a removed name; "drop": remove the patch; "test": the
        test exercised the other branch."""
        target = _patch_target(call)
        if target is None or target not in self.removed:
            return None
        known, value = _patched_value(call)
        if known and isinstance(self.value, bool) and value != self.value:
            return "test"
        return "drop"

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._doomed.append(False)
        self._narrow.append(set())

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            if isinstance(alias.name, cst.Name) and alias.name.value in self.names:
                local = alias.asname.name if alias.asname is not None else alias.name
                if isinstance(local, cst.Name):
                    self._locals.add(local.value)

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in self._locals and len(self._doomed) > 1:
            self._doomed[-1] = True

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value in self.names and len(self._doomed) > 1:
            self._doomed[-1] = True

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
                          ) -> cst.FunctionDef | cst.RemovalSentinel:
        patches = [d for d in updated_node.decorators if isinstance(d.decorator, cst.Call)
                   and _patch_target(d.decorator) is not None]
        verdicts = [self._verdict(d.decorator) for d in patches]  # type: ignore[arg-type]
        doomed = self._doomed.pop() or original_node.name.value in self.emptied
        narrow = self._narrow.pop() | {name for d, v in zip(patches, verdicts, strict=True)
                                       if v == "drop" and (name := _patched_name(
                                           d.decorator)) is not None}  # type: ignore[arg-type]
        if narrow and not doomed:
            narrowed = self._narrowed(updated_node, narrow)
            if narrowed is None:
                doomed = True  # no case of the flag's value is left
            else:
                updated_node = narrowed
        if doomed or "test" in verdicts:
            if original_node.name.value.startswith("test"):
                self.changed += 1
                return cst.RemovalSentinel.REMOVE
            return updated_node
        # A `@patch("…")` without `new=` passes its mock as an argument, the bottom one first.
        injected = [d for d in reversed(patches) if not any(
            a.keyword is not None and a.keyword.value == "new" for a in d.decorator.args)]  # type: ignore[attr-defined]
        gone = [d for d, v in zip(patches, verdicts, strict=True) if v == "drop"]
        if not gone:
            return updated_node
        params = list(updated_node.params.params)
        offset = 1 if params and params[0].name.value in ("self", "cls") else 0
        drop_params = {offset + injected.index(d) for d in gone if d in injected}
        if any(i >= len(params) for i in drop_params):
            return updated_node  # the mocks do not line up with the parameters: leave it
        kept = laid_out([p for i, p in enumerate(params) if i not in drop_params], params)
        self.changed += len(gone)
        return updated_node.with_changes(
            decorators=[d for d in updated_node.decorators if d not in gone],
            params=updated_node.params.with_changes(params=kept))

    def _narrowed(self, function: cst.FunctionDef, names: set[str]
                  ) -> cst.FunctionDef | None:
        """`@pytest.mark.parametrize("enabled", [True, False])` where a dropped patch
        returned `enabled`: only the case of the value the flag now has is left (None when
        there is none)."""
        decorators = []
        for decorator in function.decorators:
            call = decorator.decorator
            if isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and \
                    call.func.attr.value == "parametrize" and len(call.args) >= 2 and \
                    isinstance(call.args[0].value, cst.SimpleString) and \
                    call.args[0].value.evaluated_value in names and \
                    isinstance(call.args[1].value, (cst.List, cst.Tuple)):
                cases = call.args[1].value
                kept = [e for e in cases.elements if (found := literal(e.value)) is not None
                        and found.text == repr(self.value)]
                if not kept:
                    return None
                kept = laid_out(kept, cases.elements)
                if len(kept) != len(cases.elements):
                    self.changed += 1
                    new_cases = cases.with_changes(elements=kept)
                    args = [call.args[0], call.args[1].with_changes(value=new_cases),
                            *call.args[2:]]
                    decorator = decorator.with_changes(decorator=call.with_changes(args=args))
            decorators.append(decorator)
        return function.with_changes(decorators=decorators)

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine,
                                  updated_node: cst.SimpleStatementLine
                                  ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        kept = []
        for small in updated_node.body:
            call = small.value if isinstance(small, cst.Expr) else \
                small.value if isinstance(small, cst.Assign) else None
            verdict = self._verdict(call) if isinstance(call, cst.Call) else None
            if verdict == "test":
                self._doomed[-1] = True
            if verdict == "drop" and isinstance(call, cst.Call):
                name = _patched_name(call)
                if name is not None:
                    self._narrow[-1].add(name)
            if verdict is None or isinstance(small, cst.Assign):
                kept.append(small)  # `mock = mocker.patch(…)` is used later: kept
            else:
                self.changed += 1
        if len(kept) == len(updated_node.body):
            return updated_node
        return updated_node.with_changes(body=kept) if kept else cst.RemovalSentinel.REMOVE

    def leave_With(self, original_node: cst.With, updated_node: cst.With
                   ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        kept = []
        for item in updated_node.items:
            verdict = self._verdict(item.item) if isinstance(item.item, cst.Call) else None
            if verdict == "test":
                self._doomed[-1] = True
            if verdict == "drop" and isinstance(item.item, cst.Call):
                name = _patched_name(item.item)
                if name is not None:
                    self._narrow[-1].add(name)
            if verdict is None or item.asname is not None:
                kept.append(item)
            else:
                self.changed += 1
        if len(kept) == len(updated_node.items):
            return updated_node
        return with_items(updated_node, kept)


def with_items(node: cst.With, kept: list[cst.WithItem]
               ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
    """The `with` statement with only the `kept` items; its body alone when none is."""
    if kept:
        return node.with_changes(items=laid_out(kept, node.items))
    body = node.body
    if isinstance(body, cst.IndentedBlock):
        statements: Sequence[cst.BaseStatement] = body.body
    else:  # `with patch(…): stmt` on one line
        assert isinstance(body, cst.SimpleStatementSuite)
        statements = [cst.SimpleStatementLine(body.body)]
    return cst.FlattenSentinel(list(statements))


def edit_tests(text: str, removed: set[str], value: object,
               names: frozenset[str] = frozenset(),
               emptied: frozenset[str] = frozenset()) -> str | None:
    """The test file without its patches of removed names, and without the tests that call
    `names` (functions only tests used, which go); None when nothing changed or the result
    would not parse."""
    if not emptied and not any(name in text for name in (*removed, *names)):
        return None
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError:
        return None
    editor = TestPatches(removed, value, names, emptied)
    after = module.visit(editor).code
    if not editor.changed or after == text:
        return None
    try:
        ast.parse(after)
    except SyntaxError:
        return None
    return after
