"""`flaglint clean` in tests: the lines that set the removed flag.

Tests turn a flag on or off through the project's own helpers, not only through patches of a
name: `mock_feature_flag(mocker, FeatureFlag.X, 'True')` (which patches `os.environ`),
`monkeypatch.setenv("X", "true")`, `with override_feature(FeatureFlag.X, True):`,
`with config.x_holder(True):` (a flag object called, which JAX-style holders allow),
`@patch.dict(os.environ, {"X": "True"})`, `os.environ["X"] = "1"`, `settings.X = True`
(pytest-django's `settings` fixture), `patch.dict` of the
mapping the reads read (`"django.conf.settings.FEATURES"`). Once the flag is gone,
such a line names an Enum member that no longer exists (AttributeError) or sets a variable
nothing reads. So, as developers do:

- a setting of the value the flag now always has (or of a value flaglint cannot tell) goes:
  the statement, the `with` item (its body kept), or the decorator; but one that sets it,
  where the flag is named, to a variable (`{"fuse.active": fuse}`, `with_config(jax_x=on)`:
  a parametrized test's, which ran under both values), or that passes a value that is no
  literal by keyword or after the flag (`override_feature_check(F, self.uses_banner)`),
  is left, and its test named;
- a setting of the other value means the test exercised the branch that is gone: the test
  goes, unless the setting comes last, after code that ran (a teardown putting the flag
  back, the code after a fixture's `yield`): then it is only dropped, and a `with` block
  that ends the test goes alone while the test still checks something
  (fixes/test_checks.py); a helper (neither a
  test nor a fixture) that sets it is left as it is, and named: every test calling it
  ran under the other value;
- a fixture left with nothing to do goes, and so does every use of it (a test's parameter,
  `@pytest.mark.usefixtures`); a fixture that set the other value takes the tests that use
  it along. A fixture in `conftest.py` is used by the tests below its folder, any other only
  in its own module;
- a test class's decorator that sets the value the flag now has goes; one that sets the
  other value stays (the class may hold tests of other things), and the clean names it.

A call is a setting when one of its arguments names the flag (its member, object or key, or
a keyword named as the key: `with_config(jax_x=True)`, which keeps its other keywords) and
either it passes a literal on/off value or its name says it sets something (`mock`, `patch`,
`override`, `set`, `enable`, …). Parametrisations are never settings.
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import libcst as cst

from flaglint.analysis.references import (
    definition_lines,
    in_strings,
    line_starts,
    statement_text,
)
from flaglint.facts.conditions import literal
from flaglint.fixes.flag_names import ON_OFF, FlagNames, python_tree, words_of
from flaglint.fixes.positions import paired
from flaglint.fixes.test_checks import last_block, still_checks
from flaglint.fixes.tests_edit import laid_out, with_items

_SETTER = re.compile(r"mock|patch|override|set|env|enable|disable|toggle|flag|feature|switch",
                     re.IGNORECASE)


# What a call that sets a flag by its key, as a string, is called: a flag API's setter
# (`override_flag`, `mock_feature_flag`, `set_switch`, `config.update`), or an
# environment variable's (`monkeypatch.setenv`, `patch.dict(os.environ, …)`). Any other
# call that passes the key as text (`prefs.set("dark_mode", True)`) sets something else.
_KEY_SETTER = re.compile(r"flag|feature|switch|toggle|override|setenv|delenv|environ|config",
                         re.IGNORECASE)


class _Finder(cst.CSTVisitor):
    def __init__(self, names: FlagNames, *, strings: bool = True) -> None:
        self.names = names
        self.strings = strings  # does the key as a string name the flag here?
        self.found = False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        owner = node.value.attr.value if isinstance(node.value, cst.Attribute) else \
            node.value.value if isinstance(node.value, cst.Name) else None
        if (owner, node.attr.value) in self.names.members or \
                node.attr.value in self.names.objects:
            self.found = True
        return not self.found

    def visit_Name(self, node: cst.Name) -> bool:
        if node.value in self.names.objects:
            self.found = True
        return False

    def visit_SimpleString(self, node: cst.SimpleString) -> bool:
        if self.strings and node.evaluated_value in self.names.keys:
            self.found = True
        return False


def _names(node: cst.CSTNode, names: FlagNames, *, strings: bool = True) -> bool:
    finder = _Finder(names, strings=strings)
    node.visit(finder)
    return finder.found


def _sets_keys(call: cst.Call, names: FlagNames) -> bool:
    """Is this a call that may set a flag by its key as text (see `_KEY_SETTER`, and the
    setters the configuration names: `names.setters`), or one given the mapping the flag's
    reads read (`patch.dict(os.environ, …)`, `patch.dict("django.conf.settings.FEATURES",
    …)` where reads are `settings.FEATURES.get(key)`)?"""
    if _callee(call) in names.setters:
        return True
    func = call.func
    parts = []
    while isinstance(func, cst.Attribute):
        parts.append(func.attr.value)
        func = func.value
    if isinstance(func, cst.Name):
        parts.append(func.value)
    return any(_KEY_SETTER.search(part) for part in parts) or any(
        _a_mapping(arg, names.mappings) for arg in call.args)


def _a_mapping(arg: cst.Arg, mappings: frozenset[str]) -> bool:
    """Does the argument name `os.environ` or one of these mappings, as code or as the
    dotted path `patch.dict` takes?"""
    read = FlagNames(objects=frozenset({"environ"}) | mappings)
    return _names(arg.value, read, strings=False) or (
        isinstance(arg.value, cst.SimpleString)
        and str(arg.value.evaluated_value).rpartition(".")[2] in read.objects)


def _on_off(node: cst.BaseExpression) -> object:
    """The value a literal sets (True/False for on/off words), or None when not a literal."""
    found = literal(node)
    if found is None:
        return None
    if found.text in ("True", "False"):
        return found.text == "True"
    if found.text.lower() in ON_OFF:
        return ON_OFF[found.text.lower()]
    return found.text


def _value_passed(call: cst.Call, flag_args: Sequence[cst.Arg]) -> bool:
    """Does the call pass the flag, named by position, a value flaglint cannot tell: an
    expression that is no literal, as the argument right after it or by keyword
    (ReviewBoard's `override_feature_check(feature.feature_id, self.uses_banner)`, False
    in one subclass of the test's class; `override_switch("k", active=self.on)`)? What
    comes before the flag is what it is set in (`mocker`, `os.environ`); a flag named as a
    keyword (`override_settings(X=True, CACHES=CACHES)`) has its value there, and the other
    keywords set other things."""
    named = [index for index, arg in enumerate(call.args)
             if arg in flag_args and arg.keyword is None]
    if not named or any(arg.keyword is not None for arg in flag_args):
        return False
    return any(arg not in flag_args and (arg.keyword is not None or index == named[0] + 1)
               and _unknown(arg.value) for index, arg in enumerate(call.args))


def _unknown(node: cst.BaseExpression) -> bool:
    """An expression whose value only running the test tells (a name, an attribute, an
    item, a call, `not` of one); a literal, a collection or a lambda is no such value."""
    while isinstance(node, cst.UnaryOperation):
        node = node.expression
    if isinstance(node, cst.Name):
        return node.value not in ("True", "False", "None")
    return isinstance(node, (cst.Attribute, cst.Subscript, cst.Call))


def _callee(call: cst.Call) -> str:
    func = call.func
    return func.attr.value if isinstance(func, cst.Attribute) else \
        func.value if isinstance(func, cst.Name) else ""


def _is_mark(call: cst.Call) -> bool:
    """`pytest.mark.…(…)`: parametrisations and markers are never settings."""
    func = call.func
    while isinstance(func, cst.Attribute):
        if func.attr.value == "mark":
            return True
        func = func.value
    return False


class _SettingsUse(NamedTuple):
    """How a function uses a name `settings`: `django`, it is Django's there
    (pytest-django's fixture, a parameter of that name, or `from django.conf import
    settings` in the function) and `bound`, the function binds it to something else;
    `read`, the settings it reads back (`settings.X`)."""

    django: bool
    bound: bool
    read: set[str]


_NO_SETTINGS = _SettingsUse(django=False, bound=False, read=set())


def _settings_use(node: cst.FunctionDef) -> _SettingsUse:
    params = node.params
    named = any(p.name.value == "settings" for p in (
        *params.posonly_params, *params.params, *params.kwonly_params))
    finder = _SettingsFinder()
    node.body.visit(finder)
    return _SettingsUse(named or finder.imported, finder.bound, finder.read)


class _SettingsFinder(cst.CSTVisitor):
    """In a function's body: is `settings` bound there (`settings = Holder()`), and which
    `settings.X` it reads (not as an assignment's target)."""

    def __init__(self) -> None:
        super().__init__()
        self.bound = False
        self.imported = False  # `from django.conf import settings`
        self.read: set[str] = set()
        self._targets: set[int] = set()

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if _dotted_name(node.module) == "django.conf" and not isinstance(
                node.names, cst.ImportStar) and any(
                    isinstance(a.name, cst.Name) and a.name.value == "settings" and
                    a.asname is None for a in node.names):
            self.imported = True

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._targets.add(id(node.target))
        if isinstance(node.target, cst.Name) and node.target.value == "settings":
            self.bound = True

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if id(node) not in self._targets and isinstance(node.value, cst.Name) and \
                node.value.value == "settings":
            self.read.add(node.attr.value)


def _top_level(body: Sequence[cst.BaseStatement | cst.BaseSmallStatement]
               ) -> Iterable[cst.CSTNode]:
    """A module's statements, those in its top-level `try`/`if` blocks included (`try: from
    django.conf import settings`), not those in functions and classes."""
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            yield statement
        elif isinstance(statement, (cst.Try, cst.If, cst.Else, cst.ExceptHandler,
                                    cst.Finally)):
            inner = statement.body
            yield from _top_level(inner.body if isinstance(inner, cst.IndentedBlock) else ())
            for part in (*getattr(statement, "handlers", ()),
                         getattr(statement, "orelse", None),
                         getattr(statement, "finalbody", None)):
                if part is not None:
                    yield from _top_level([part])


def _dotted_name(node: cst.BaseExpression | None) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted_name(node.value)}.{node.attr.value}"
    return ""


class FlagSettings(cst.CSTTransformer):
    """Removes the settings of one flag from a test module (see the module's text)."""

    def __init__(self, names: FlagNames, value: object,
                 skip: frozenset[int] = frozenset(), *, settings: bool = True) -> None:
        super().__init__()
        self.names = names
        self.value = value
        self.skip = skip  # id() of top-level statements that name the flag nowhere: unvisited
        self._named_settings = settings  # False: the module's text never says `settings`
        self.changed = 0
        self.gone_fixtures: set[str] = set()  # emptied: nothing left to do
        self.doomed_fixtures: set[str] = set()  # set the other value
        self._doomed: list[bool] = [False]
        self._resets: set[cst.SimpleStatementLine] = set()
        # Classes whose decorator sets the other value: their tests ran under the removed
        # branch, but a class may hold tests of other things too; left, and named
        self.left_classes: list[str] = []
        self.doomed_tests: list[str] = []  # test functions that set the other value: gone
        # Test functions that set the flag to a variable (a parametrized test's `fuse`, True
        # and False): they ran under both values, so they are left as they are, and named
        self.variable_tests: list[str] = []
        self._variable: list[bool] = [False]
        self.left_helpers: list[str] = []  # helpers in tests that set the other value: left
        # The `with` blocks that end a test (not a fixture): one that sets the other value
        # goes alone, and the test stays while it still checks something (test_checks.py)
        self._last_blocks: set[cst.With] = set()
        self._cut: list[bool] = [False]
        self.cut_tests: list[str] = []  # tests whose last block went (`Class.test_x`)
        self._classes: list[str] = []
        # `settings.X = v` sets the Django setting X where `settings` is pytest-django's
        # fixture (a parameter) or `django.conf.settings` (imported, not bound anew)
        self._django_settings = False
        # The functions entered (None: the module), and how each uses `settings`, found
        # only for one that assigns a flag's setting (a walk of its body: ReviewBoard's
        # tests, 412 functions of one flag's test files, spent 1.2 s on it)
        self._functions: list[cst.FunctionDef | None] = [None]
        self._settings: dict[int, _SettingsUse] = {}
        # inside the `finally:` of a `try` that ends its function: settings there put the
        # flag back (one followed by more of the test sets what that code runs under)
        self._finally = 0
        self._tries: list[bool] = []  # each `try` entered: does it end its function?
        self._last_tries: set[int] = set()

    def on_visit(self, node: cst.CSTNode) -> bool:
        return id(node) not in self.skip and super().on_visit(node)

    def on_leave(self, original_node: Any, updated_node: Any) -> Any:
        if id(original_node) in self.skip:
            return updated_node
        return super().on_leave(original_node, updated_node)

    # -- what a call does -----------------------------------------------------------------

    def _verdict(self, call: cst.Call) -> str | None:
        """None: not a setting of the flag; "drop": it goes; "test": the test exercised the
        removed branch."""
        if _is_mark(call):
            return None
        flags = self.names.keys | self.names.objects
        keyed = [arg for arg in call.args  # `with_config(jax_x=True)`
                 if arg.keyword is not None and arg.keyword.value in flags]
        strings = _sets_keys(call, self.names)
        flag_args = keyed + [arg for arg in call.args
                             if _names(arg.value, self.names, strings=strings)]
        # `mock(FeatureFlag.X, …)`, `x_holder.set(True)`, `with config.x_holder(True):`
        if not flag_args and not _names(call.func, self.names):
            return None
        given = [arg.value for arg in keyed] + [  # the flag's own value, where it is named
            e.value for arg in flag_args if isinstance(arg.value, cst.Dict)
            for e in arg.value.elements if isinstance(e, cst.DictElement)
            and _names(e.key, self.names, strings=strings)]
        if any(isinstance(node, cst.Name) and node.value not in ("True", "False", "None")
               for node in given) or _value_passed(call, flag_args):
            self._variable[-1] = True  # dask's `config.set({"fuse.active": fuse})`
            return None
        # By keyword, the flag's own value: the other keywords set other things (Wagtail's
        # `override_settings(WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE=True,
        # WAGTAIL_I18N_ENABLED=True)`, taken for two values, lost only the flag's keyword)
        values = [_on_off(arg.value) for arg in keyed] if keyed else [
            _on_off(arg.value) for arg in call.args
            if arg not in flag_args and not _a_mapping(arg, self.names.mappings)]
        for arg in flag_args:  # `{"X": "True"}`, `{FeatureFlag.X.value: "True"}`
            if isinstance(arg.value, cst.Dict):
                values += [_on_off(e.value) for e in arg.value.elements
                           if isinstance(e, cst.DictElement)
                           and _names(e.key, self.names, strings=strings)]
        known = [v for v in values if v is not None]
        if not known and not _SETTER.search(_callee(call)) and \
                _callee(call) not in self.names.setters:
            return None
        if isinstance(self.value, bool):  # on or off: the other literals say something else
            # (label-studio's `mock_feature_flag("x", False, parent_module="app.models")`)
            known = [v for v in known if isinstance(v, bool)] or known
        return self._judge(known)

    def _judge(self, known: Sequence[object]) -> str:
        if len(known) == 1 and not _says(known[0], self.value) and (
                isinstance(self.value, bool) == isinstance(known[0], bool)):
            return "test"
        return "drop"

    def _trimmed(self, call: cst.Call) -> cst.Call | None:
        """A call that also sets other things by keyword (`with_config(jax_x=True,
        jax_y=1)`) or in its mapping (`patch.dict(os.environ, {"X": "1", "REGION": "eu"})`)
        keeps them, without the flag's; None: the whole call goes."""
        strings = _sets_keys(call, self.names)
        for index, arg in enumerate(call.args):
            if not isinstance(arg.value, cst.Dict):
                continue
            elements = list(arg.value.elements)
            rest = [e for e in elements if not (isinstance(e, cst.DictElement) and _names(
                e.key, self.names, strings=strings))]
            if rest and len(rest) < len(elements):
                args = list(call.args)
                args[index] = arg.with_changes(value=arg.value.with_changes(
                    elements=laid_out(rest, elements)))
                return call.with_changes(args=args)
        flags = self.names.keys | self.names.objects
        kept = [arg for arg in call.args
                if arg.keyword is None or arg.keyword.value not in flags]
        if len(kept) == len(call.args) or not any(arg.keyword is not None for arg in kept):
            return None
        return call.with_changes(args=laid_out(kept, call.args))

    def _settings_here(self) -> _SettingsUse:
        function = self._functions[-1]
        if function is None:
            return _NO_SETTINGS
        found = self._settings.get(id(function))
        if found is None:
            found = self._settings[id(function)] = _settings_use(function)
        return found

    def _assignment(self, node: cst.Assign) -> str | None:
        """`os.environ["X"] = "1"`, and `settings.X = True` (pytest-django's `settings`
        fixture, or Django's settings object, set in a test)."""
        if len(node.targets) != 1:
            return None
        target = node.targets[0].target
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and \
                target.value.value == "settings" and target.attr.value in self.names.keys:
            here = self._settings_here()
            if here.bound or not (here.django or self._django_settings):
                return None  # a local object, a module: not Django's settings
            found = _on_off(node.value)
            verdict = self._judge([found] if found is not None else [])
            # the test reads the setting back: the value it set is what it checks
            return None if verdict == "drop" and target.attr.value in here.read else verdict
        if not isinstance(target, cst.Subscript):
            return None
        index = target.slice[0].slice if len(target.slice) == 1 else None
        if not isinstance(index, cst.Index) or not _names(index.value, self.names):
            return None
        if not ((isinstance(target.value, cst.Attribute) and target.value.attr.value ==
                "environ") or (isinstance(target.value, cst.Name) and target.value.value ==
                "environ")):
            return None
        found = _on_off(node.value)
        return self._judge([found] if found is not None else [])

    # -- where settings are ---------------------------------------------------------------

    def visit_Module(self, node: cst.Module) -> None:
        if not self._named_settings:  # nothing to find (pandas' tests: a walk of 0.4 s)
            return
        finder = _SettingsFinder()
        for statement in _top_level(node.body):
            statement.visit(finder)
        self._django_settings = finder.imported and not finder.bound

    def visit_Try(self, node: cst.Try) -> None:
        self._tries.append(id(node) in self._last_tries)

    def leave_Try(self, original_node: cst.Try, updated_node: cst.Try
                  ) -> cst.Try | cst.RemovalSentinel:
        self._tries.pop()
        return updated_node

    def visit_Finally(self, node: cst.Finally) -> None:
        if self._tries and self._tries[-1]:
            self._finally += 1

    def leave_Finally(self, original_node: cst.Finally, updated_node: cst.Finally
                      ) -> cst.Finally:
        if self._tries and self._tries[-1]:
            self._finally -= 1
        return updated_node

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._functions.append(node)
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        if body and isinstance(body[-1], cst.Try):
            self._last_tries.add(id(body[-1]))
        self._doomed.append(False)
        self._variable.append(False)
        self._cut.append(False)
        block = last_block(node)
        if block is not None and node.name.value.startswith("test") and not _is_fixture(node):
            self._last_blocks.add(block)
        # Settings at the very end put the flag back for what runs next (a teardown, the
        # code after a fixture's `yield`): the test did not run under the other value.
        statements = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        trailing = []
        for statement in reversed(statements):
            if not isinstance(statement, cst.SimpleStatementLine) or not all(
                    self._small_verdict(small)[0] is not None for small in statement.body):
                break
            trailing.append(statement)
        if len(trailing) < len(statements):  # after code that ran: a reset, not a setup
            self._resets.update(trailing)

    def _decorators(self, decorators: Sequence[cst.Decorator]
                    ) -> tuple[list[cst.Decorator], bool]:
        """The decorators that stay (a setting of the value the flag now has goes), and
        whether one set the other value (those stay, for the caller to judge)."""
        kept = []
        other = False
        for decorator in decorators:
            call = decorator.decorator
            verdict = self._verdict(call) if isinstance(call, cst.Call) and not (
                _patches_a_name(call)) else None
            if verdict == "test":
                other = True
            trimmed = self._trimmed(call) if verdict == "drop" and isinstance(
                call, cst.Call) else None
            if verdict is None:
                kept.append(decorator)
            elif trimmed is not None:
                kept.append(decorator.with_changes(decorator=trimmed))
                self.changed += 1
            else:
                self.changed += 1
        return kept, other

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._classes.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef
                       ) -> cst.ClassDef:
        """`@override_switch(KEY, active=True)` on a test class: it goes when it sets the
        value the flag now has; one that sets the other value stays, and the class is
        named (`left_classes`)."""
        self._classes.pop()
        kept: list[cst.Decorator] = []
        for decorator in updated_node.decorators:
            if self._other_value(decorator):
                kept.append(decorator)
                if original_node.name.value not in self.left_classes:
                    self.left_classes.append(original_node.name.value)
            else:
                kept += self._decorators([decorator])[0]
        if _same(kept, updated_node.decorators):
            return updated_node
        return updated_node.with_changes(decorators=kept)

    def _other_value(self, decorator: cst.Decorator) -> bool:
        call = decorator.decorator
        return isinstance(call, cst.Call) and not _patches_a_name(call) and \
            self._verdict(call) == "test"

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
                          ) -> cst.FunctionDef | cst.RemovalSentinel:
        self._functions.pop()
        doomed = self._doomed.pop()
        cut = self._cut.pop()
        kept, other = self._decorators(updated_node.decorators)
        doomed = doomed or other or (cut and not still_checks(updated_node))
        if cut and not doomed:
            self.cut_tests.append(".".join([*self._classes, original_node.name.value]))
        if not _same(kept, updated_node.decorators):
            updated_node = updated_node.with_changes(decorators=kept)
        name = original_node.name.value
        qualified = ".".join([*self._classes, name])  # two classes may hold a `test_x`
        if self._variable.pop() and name.startswith("test"):
            self.variable_tests.append(qualified)
        fixture = _is_fixture(original_node)
        if doomed:
            if fixture and _autouse(original_node):
                # Every test in its scope ran under the other value; none names it, so
                # none would go with it: it is left as it is, and named, as a helper is
                self.left_helpers.append(qualified)
                return original_node
            if fixture:  # before the name: a fixture may be called `test_server`
                self.doomed_fixtures.add(name)
                self.changed += 1
                return cst.RemovalSentinel.REMOVE
            if name.startswith("test"):
                self.changed += 1
                self.doomed_tests.append(qualified)
                return cst.RemovalSentinel.REMOVE
            # A test helper that sets the other value (dask's `check_tokenize`): the tests
            # that call it ran under the removed branch; unwrapped, it would change what they
            # all check. It is left as it is, and named.
            self.left_helpers.append(qualified)
            return original_node
        if fixture and _empty(updated_node) and not _empty(original_node):
            self.gone_fixtures.add(name)
            self.changed += 1
            return cst.RemovalSentinel.REMOVE
        return updated_node

    def _small_verdict(self, small: cst.BaseSmallStatement) -> tuple[str | None,
                                                                     cst.Call | None]:
        """A simple statement's verdict, and the call it keeps when only the flag's keyword
        goes."""
        if isinstance(small, cst.Expr):
            value = small.value.expression if isinstance(small.value, cst.Await) else \
                small.value
            verdict = self._verdict(value) if isinstance(value, cst.Call) else None
            if verdict == "drop" and isinstance(value, cst.Call) and \
                    not isinstance(small.value, cst.Await):
                return verdict, self._trimmed(value)
            return verdict, None
        if isinstance(small, cst.Assign):
            return self._assignment(small), None
        return None, None

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine,
                                  updated_node: cst.SimpleStatementLine
                                  ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        kept = []
        for small in updated_node.body:
            verdict, trimmed = self._small_verdict(small)
            if verdict == "test" and original_node not in self._resets and not self._finally:
                self._doomed[-1] = True
            if verdict is None:
                kept.append(small)
            elif trimmed is not None:
                kept.append(small.with_changes(value=trimmed))
                self.changed += 1
            else:
                self.changed += 1
        if _same(kept, updated_node.body):
            return updated_node
        return updated_node.with_changes(body=kept) if kept else cst.RemovalSentinel.REMOVE

    def leave_With(self, original_node: cst.With, updated_node: cst.With
                   ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | \
            cst.RemovalSentinel:
        kept = []
        for item in updated_node.items:
            verdict = self._verdict(item.item) if isinstance(item.item, cst.Call) else None
            if verdict == "drop" and item.asname is not None:
                verdict = None  # `with config.set(…) as c:`: `c` may be used anywhere after
            if verdict == "test" and original_node in self._last_blocks:
                self._cut[-1] = True  # the block goes, with the comments above it
                self.changed += 1
                return cst.RemovalSentinel.REMOVE
            if verdict == "test":
                self._doomed[-1] = True
            trimmed = self._trimmed(item.item) if verdict == "drop" and isinstance(
                item.item, cst.Call) else None
            if verdict is None:
                kept.append(item)
            elif trimmed is not None:
                kept.append(item.with_changes(item=trimmed))
                self.changed += 1
            else:
                self.changed += 1
        if _same(kept, updated_node.items):
            return updated_node
        return with_items(updated_node, kept)


def _same(kept: Sequence[cst.CSTNode], nodes: Sequence[cst.CSTNode]) -> bool:
    """Nothing dropped or rewritten."""
    return len(kept) == len(nodes) and all(a is b for a, b in zip(kept, nodes, strict=True))


def _says(literal: object, value: object) -> bool:
    """Does a literal a test sets (a number is its text: `APP_LIMIT=5`) say `value`?"""
    if isinstance(literal, str) and isinstance(value, (int, float)) and \
            not isinstance(value, bool):
        try:  # (`0x10`, `1_000`, `5.0`: the number as Python reads it)
            number = ast.literal_eval(literal)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return False
        return isinstance(number, (int, float)) and number == value
    return literal == value


def _patches_a_name(call: cst.Call) -> bool:
    """`@patch("a.b", …)` passes a mock to the test: tests_edit.py deals with those."""
    first = call.args[0] if call.args else None
    return _callee(call) == "patch" and first is not None and first.keyword is None and \
        isinstance(first.value, cst.SimpleString)


def _is_fixture(node: cst.FunctionDef) -> bool:
    for decorator in node.decorators:
        target = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else \
            decorator.decorator
        name = target.attr.value if isinstance(target, cst.Attribute) else \
            target.value if isinstance(target, cst.Name) else ""
        if name == "fixture":
            return True
    return False


def _autouse(node: cst.FunctionDef) -> bool:
    """`@pytest.fixture(autouse=True)`."""
    return any(isinstance(d.decorator, cst.Call) and any(
        arg.keyword is not None and arg.keyword.value == "autouse" and
        isinstance(arg.value, cst.Name) and arg.value.value == "True"
        for arg in d.decorator.args) for d in node.decorators)


def _empty(node: cst.FunctionDef) -> bool:
    """Nothing but a docstring, `pass`, `...` or a bare `yield` (a fixture's)."""
    body = node.body
    statements = body.body if isinstance(body, cst.IndentedBlock) else [body]
    for statement in statements:
        smalls = statement.body if isinstance(
            statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) else None
        if smalls is None:
            return False
        for small in smalls:
            if isinstance(small, cst.Pass) or (isinstance(small, cst.Expr) and isinstance(
                    small.value, (cst.SimpleString, cst.ConcatenatedString, cst.Ellipsis))) \
                    or (isinstance(small, cst.Expr) and isinstance(small.value, cst.Yield)
                        and small.value.value is None):
                continue
            return False
    return True


class _Uses(cst.CSTTransformer):
    """Drops the uses of fixtures that went: a parameter, a `usefixtures` name (of a test
    or of its class); a test that used a fixture which set the other value goes, and so
    does a test class whose `usefixtures` mark names one (all its tests used it)."""

    def __init__(self, gone: set[str], doomed: set[str]) -> None:
        super().__init__()
        self.gone = gone
        self.doomed = doomed
        self.changed = 0

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef
                       ) -> cst.ClassDef | cst.RemovalSentinel:
        if set(_usefixtures(updated_node)) & self.doomed and \
                original_node.name.value.startswith("Test"):
            self.changed += 1
            return cst.RemovalSentinel.REMOVE
        decorators = [_without_fixtures(d, self.gone) for d in updated_node.decorators]
        kept = [d for d in decorators if d is not None]
        if len(kept) == len(updated_node.decorators) and all(
                a is b for a, b in zip(kept, updated_node.decorators, strict=True)):
            return updated_node
        self.changed += 1
        return updated_node.with_changes(decorators=kept)

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
                          ) -> cst.FunctionDef | cst.RemovalSentinel:
        params = list(updated_node.params.params)
        names = {p.name.value for p in params}
        used = names | set(_usefixtures(updated_node))
        if used & self.doomed and original_node.name.value.startswith("test"):
            self.changed += 1
            return cst.RemovalSentinel.REMOVE
        kept = [p for p in params if p.name.value not in self.gone]
        decorators = [_without_fixtures(d, self.gone) for d in updated_node.decorators]
        decorators = [d for d in decorators if d is not None]
        if len(kept) == len(params) and len(decorators) == len(updated_node.decorators) \
                and all(a is b for a, b in zip(decorators, updated_node.decorators,
                                                strict=True)):
            return updated_node
        kept = laid_out(kept, params)
        self.changed += 1
        return updated_node.with_changes(
            params=updated_node.params.with_changes(params=kept), decorators=decorators)


def _usefixtures(node: cst.FunctionDef | cst.ClassDef) -> Iterable[str]:
    for decorator in node.decorators:
        call = decorator.decorator
        if isinstance(call, cst.Call) and _callee(call) == "usefixtures":
            for arg in call.args:
                if isinstance(arg.value, cst.SimpleString) and isinstance(
                        arg.value.evaluated_value, str):
                    yield arg.value.evaluated_value


def _without_fixtures(decorator: cst.Decorator, gone: set[str]) -> cst.Decorator | None:
    call = decorator.decorator
    if not (isinstance(call, cst.Call) and _callee(call) == "usefixtures"):
        return decorator
    args = [a for a in call.args if not (isinstance(a.value, cst.SimpleString) and
                                         a.value.evaluated_value in gone)]
    if len(args) == len(call.args):
        return decorator
    if not args:
        return None
    return decorator.with_changes(decorator=call.with_changes(args=laid_out(args, call.args)))


def _parsed(text: str) -> cst.Module | None:
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError:
        return None


def _valid(text: str) -> bool:
    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True


def classes_set_otherwise(files: dict[str, str], names: FlagNames, value: object,
                          modules: dict[str, str] | None = None, *, functions: bool = False,
                          trees: dict[str, ast.Module | None] | None = None
                          ) -> list[tuple[str, int, int, str, str]]:
    """The path, the lines of the decorator and the name of each test class whose
    decorator sets the flag to another value than `value` (`@patch.dict(FEATURES, {KEY:
    True})`): its tests ran under the branch a clean removed. Unlike a test function, the
    class is not deleted (it may hold tests of other things): the clean names it. With
    `functions`, each test function that sets the other value too (where the clean leaves
    them, since a read of the key is left: the lines of the whole function); and each test
    function that sets it to a variable (a parametrized test's) and each helper that sets
    the other value, which the clean leaves. The last item says which: "class", "other",
    "variable" or "helper". `trees`: Python's trees of the files, by path, made before
    (a tree that is None: the file does not parse), and kept for later questions."""
    words = words_of(names)
    trees = {} if trees is None else trees
    found = []
    for path, text in sorted(files.items()):
        if words is None or not words.search(text):
            continue
        # None: a grammar newer than this Python's: libcst's walk of it all
        tree = python_tree(text, trees, path)
        read = _naming_only(text, tree, words) if tree else text
        module = _parsed(read)
        if module is None and read is not text:  # libcst's grammar: the text as it is
            module = _parsed(text)
        if module is None:
            continue
        editor = FlagSettings(names.in_file(text, (modules or {}).get(path, "")), value,
                              _naming_none(module, tree, text, words) if tree else frozenset(),
                              settings="settings" in text)
        module.visit(editor)
        if editor.left_classes:
            lines = {node.name: _setting_lines(text, node, words)
                     for node in ast.walk(tree or ast.parse(text))
                     if isinstance(node, ast.ClassDef)}
            found += [(path, *lines.get(name, (1, 1)), name, "class")
                      for name in editor.left_classes]
        tests = [(name, "other") for name in editor.doomed_tests if functions] + \
            [(name, "variable") for name in editor.variable_tests] + \
            [(name, "helper") for name in editor.left_helpers]
        if functions and editor.doomed_fixtures:
            # a fixture that sets the other value, and the tests that use it (pulpcore's
            # `pulp_redisdb`): left as they are too, where a read is left
            fixtures, users = _with_fixtures(tree or ast.parse(text), editor.doomed_fixtures)
            tests += [(name, "helper") for name in fixtures] + \
                [(name, "other") for name in users]
        if tests:
            defs = definition_lines(tree or ast.parse(text))
            found += [(path, *defs.get(name, (1, 1)), name, kind)
                      for name, kind in dict.fromkeys(tests)]
    return found


def _with_fixtures(tree: ast.Module, fixtures: set[str]) -> tuple[list[str], list[str]]:
    """The fixtures of these names the module defines, and its tests that use one (a
    parameter, or `@pytest.mark.usefixtures` of the test or of its class), each by its name
    within its classes."""
    defined: list[str] = []
    users: list[str] = []

    def visit(body: list[ast.stmt], names: tuple[str, ...], marked: set[str]) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef):
                visit(node.body, (*names, node.name), marked | _marked_fixtures(node))
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                qualified = ".".join((*names, node.name))
                arguments = node.args
                used = {a.arg for a in (*arguments.posonlyargs, *arguments.args,
                                        *arguments.kwonlyargs)}
                if node.name in fixtures:
                    defined.append(qualified)
                elif node.name.startswith("test") and \
                        (used | marked | _marked_fixtures(node)) & fixtures:
                    users.append(qualified)

    visit(tree.body, (), set())
    return defined, users


def _marked_fixtures(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> set[str]:
    """The fixtures a `@pytest.mark.usefixtures("a", …)` of the node names."""
    return {arg.value for decorator in node.decorator_list
            if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr == "usefixtures"
            for arg in decorator.args
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str)}


def _naming_only(text: str, tree: ast.Module, words: re.Pattern[str]) -> str:
    """The text with every function and class that names none of the flag's words made a
    `pass`, inside the classes that do too. The editor finds nothing in them (a setting
    names the flag; each function is judged alone), and libcst's parse of the rest is most
    of the time a question about large test files takes (pandas' test classes hold
    hundreds of tests, a few of which name the flag). A key written so that its text does
    not show it (`"sched\\x2eon"`, `"sched." "on"`) names the flag too. The module's
    statements pair with `tree`'s as before (`_naming_none`), and the editor answers with
    names, never lines. The text as it is where a carriage return may end a line (Python's
    parser counts one alone as a line's end)."""
    if "\r" in text:
        return text
    starts = line_starts(text)
    original = text.split("\n")
    lines: list[str | None] = list(original)

    def shorten(body: list[ast.stmt]) -> None:
        for node in body:
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            segment = statement_text(text, starts, node)
            if words.search(segment) or in_strings(segment, node, words.search):
                if isinstance(node, ast.ClassDef):
                    shorten(node.body)
                continue
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            last = node.end_lineno or node.lineno
            indent = re.match(r"[ \t\f]*", original[first - 1])
            lines[first - 1] = f"{indent.group() if indent else ''}pass"
            lines[first:last] = [None] * (last - first)

    shorten(tree.body)
    kept = [line for line in lines if line is not None]
    return "\n".join(kept) if kept != original else text


def _naming_none(module: cst.Module, tree: ast.Module, text: str, words: re.Pattern[str]
                 ) -> frozenset[int]:
    """id() of the module's top-level statements whose text names none of the flag's
    words: no setting of it is in them, so what the editor finds is found without their
    walk (pandas' test files are large, and name a flag in a few of their tests); a key
    written so that its text does not show it names the flag. None where Python's
    statements do not pair with libcst's, or a carriage return may end a line (lines are
    counted at newlines only: a form feed is inside its line)."""
    pairs = paired(list(module.body), tree.body) if "\r" not in text else None
    if pairs is None:
        return frozenset()
    starts = line_starts(text)
    skip = set()
    for statement, inner in pairs:
        segment = statement_text(text, starts, inner[0], inner[-1])
        if not words.search(segment) and not any(
                in_strings(segment, node, words.search) for node in inner):
            skip.add(id(statement))
    return frozenset(skip)


def _setting_lines(text: str, node: ast.ClassDef, words: re.Pattern[str]
                   ) -> tuple[int, int]:
    """The lines of the class's decorator that names the flag (its `class` line without)."""
    for decorator in node.decorator_list:
        if words.search(ast.get_source_segment(text, decorator) or ""):
            return decorator.lineno, decorator.end_lineno or decorator.lineno
    return node.lineno, node.lineno


def edit_settings(files: dict[str, str], names: FlagNames, value: object,
                  modules: dict[str, str] | None = None,
                  cut: set[tuple[str, str]] | None = None) -> dict[str, str]:
    """The test files (path -> text) changed by removing the flag's settings; a file whose
    result would not parse is left as it was. `modules` names each file's module, to
    resolve what its names stand for; `cut` gains the tests whose last block went (path,
    `Class.test_x`)."""
    words = words_of(names)
    changed: dict[str, str] = {}
    fixtures: dict[str, tuple[set[str], set[str]]] = {}  # path -> (gone, doomed)
    for path, text in sorted(files.items()):
        if words is None or not words.search(text) or (module := _parsed(text)) is None:
            continue
        editor = FlagSettings(names.in_file(text, (modules or {}).get(path, "")), value)
        after = module.visit(editor).code
        if editor.changed and after != text and _valid(after):
            changed[path] = after
            if cut is not None:
                cut.update((path, name) for name in editor.cut_tests)
            if editor.gone_fixtures or editor.doomed_fixtures:
                fixtures[path] = (editor.gone_fixtures, editor.doomed_fixtures)
    for path, text in sorted(files.items()):
        gone: set[str] = set()
        doomed: set[str] = set()
        for home, (went, killed) in fixtures.items():
            folder = posixpath.dirname(home)
            if home == path or (posixpath.basename(home) == "conftest.py" and (
                    not folder or path.startswith(folder + "/"))):
                gone |= went
                doomed |= killed
        if not gone and not doomed:
            continue
        current = changed.get(path, text)
        if (module := _parsed(current)) is None:
            continue
        uses = _Uses(gone, doomed)
        after = module.visit(uses).code
        if uses.changed and after != current and _valid(after):
            changed[path] = after
    return changed
