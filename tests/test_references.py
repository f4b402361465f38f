"""What `clean` counts as a reference to a symbol it would delete: resolved names, and the
strings and lookups flaglint cannot rule out."""

from __future__ import annotations

import textwrap

import pytest

from flaglint.analysis.references import (
    Kind,
    _spelled_as_value,
    blocking,
    handed_on,
    references,
)

SOURCE = textwrap.dedent('''
    import enum
    from unittest import mock
    from app.flags import Flag, new_ui_on
    from app import views
    from app.panels import OldPanel


    class Local(enum.Enum):
        NEW = "local"


    ALL = [Flag.NEW, Local.NEW]
    __all__ = ["new_ui_on"]


    def f(panel: "OldPanel", self):
        Flag("new_ui")
        Flag["NEW"]
        getattr(views, "new_ui_on")
        vars(views)["new_ui_on"]
        mock.patch("app.views.new_ui_on")
        self.NEW
        return Flag.__members__, views.Flag.NEW


    def g(Flag):
        return Flag.NEW
''')


def found(qualname: str) -> list[tuple[str, int, str]]:
    return [(r.kind.name, r.line, r.text) for r in references(
        SOURCE, "app.billing", qualname, keys=frozenset({"new_ui"}))]


def test_an_enum_member_is_told_from_another_enums_and_looked_up_by_value():
    assert found("app.flags.Flag.NEW") == [
        ("USE", 13, "Flag.NEW"),
        ("OTHER", 13, "Local.NEW"),
        ("LOOKUP", 18, "Flag('new_ui')"),
        ("LOOKUP", 19, "Flag['NEW']"),
        ("UNKNOWN", 23, "self.NEW"),
        ("LOOKUP", 24, "Flag.__members__"),
        ("OTHER", 24, "views.Flag.NEW"),
        ("UNKNOWN", 28, "Flag.NEW"),  # a parameter named Flag: not followed
    ]


def test_strings_that_name_a_function():
    assert found("app.flags.new_ui_on") == [
        ("IMPORT", 4, "from app.flags import new_ui_on"),
        ("STRING", 14, "'new_ui_on'"),
        ("STRING", 20, "'new_ui_on'"),
        ("STRING", 21, "'new_ui_on'"),
        ("STRING", 22, "'app.views.new_ui_on'"),
    ]


def test_a_string_annotation_uses_what_it_names():
    assert found("app.panels.OldPanel") == [
        ("IMPORT", 6, "from app.panels import OldPanel"), ("STRING", 17, "'OldPanel'")]


def test_only_another_symbol_blocks_nothing():
    assert blocking(references("from billing import Flag\nALL = [Flag.NEW]\n", "app.x",
                               "app.flags.Flag.NEW")) == []


def test_a_file_that_does_not_parse_blocks_everything():
    assert [r.kind for r in references("def (:\n", "m", "app.flags.x")] == [Kind.UNPARSED]


def test_calls_and_imports_are_told_from_other_uses():
    source = ("from app.mail import send\nfrom app import mail\n\n"
              "send(1)\nmail.send(2)\nhooks = [send]\nhandler.send(3)\n")
    assert [(r.kind.name, r.line) for r in references(source, "app.views", "app.mail.send")] \
        == [("IMPORT", 1), ("CALL", 4), ("CALL", 5), ("USE", 6), ("UNKNOWN", 7)]


HOLDERS = textwrap.dedent('''
    from app.config import bool_state, hooks

    plain = bool_state("plain")
    called = bool_state("called")
    passed = bool_state("passed")
    listed = bool_state("listed")
    decorated = bool_state("decorated")
    subscripted = bool_state("subscripted")
    continued = bool_state("continued")
    stored = bool_state("stored")


    def use():
        """plain, 'passed'"""
        if plain.value and called() and "listed":  # plain
            hooks.add(passed)
        table = {"a": listed, 'plain': 1}
        hooks.stored = stored
        x = (continued
             .value)
        return subscripted[0], hooks.plain.value


    @decorated
    def plain_named():
        pass
''')


def test_handed_on_tells_a_holder_passed_on_from_one_read():
    """A holder handed on as a value (to a call, a dict, a decorator, a subscript, an
    attribute) is one flaglint cannot follow; its reads (`plain.value`, `called()`), strings
    and comments that name it, and its own binding hand nothing on. The text rules most of
    them out before the tree is visited, and agrees with the visit of each one alone."""
    names = [f"app.flags.{name}" for name in (
        "plain", "called", "passed", "listed", "decorated", "subscripted", "continued",
        "stored", "nowhere")]
    expected = {"app.flags.passed", "app.flags.listed", "app.flags.decorated",
                "app.flags.subscripted", "app.flags.stored"}
    assert handed_on(HOLDERS, "app.flags", names) == expected
    alone = {name for name in names if any(r.kind is Kind.USE and r.as_value
                                           for r in references(HOLDERS, "app.flags", name))}
    assert alone == expected
    assert [name for name in names if _spelled_as_value(HOLDERS, name.rsplit(".", 1)[-1])] == [
        "app.flags.plain", "app.flags.passed", "app.flags.listed", "app.flags.decorated",
        "app.flags.subscripted", "app.flags.continued", "app.flags.stored"]
    assert handed_on("plain = (\n", "app.flags", names[:2]) == set(names[:2])  # no parse


@pytest.mark.parametrize("source", [
    "h = 1\nmatch x:\n    case h():\n        pass\n",  # a class pattern names its class
    "import pkg\nmatch x:\n    case pkg.h():\n        pass\n",
    'h = 1\nprint(f"""{\nh=}""")\n',  # an f-string's `=` field at the start of a line
    'h = 1\nprint(f"""{\nh = }""")\n', 'h = 1\nprint(f"""{\nh=!r:>9}""")\n',
    "h = 1\nregister(\uff48)\n",  # Python reads the fullwidth `ｈ` as `h`
    "h = 1\nh = \\\n    2\nh.value\n", "h = 1\nx = h == 2\n",
])
def test_handed_on_agrees_with_the_tree_where_the_text_misleads(source):
    """Found by review: spellings the text alone would rule out wrongly (a `case` class
    pattern, an f-string's debug field, a name Python normalises) are left to the tree."""
    qualname = "pkg.h" if "pkg" in source else "m.h"
    visited = any(r.kind is Kind.USE and r.as_value for r in references(source, "m", qualname))
    assert handed_on(source, "m", [qualname]) == ({qualname} if visited else set())


TRICKY = textwrap.dedent('''
    import ast as app_ast
    import app.flags as appflags
    from app.flags import Flag as Zq, ENABLE_X as Sv
    from app import flags
    from app.consts import *


    def by_alias(x):
        return Zq(x), Zq[x], Zq.__members__, Sv


    def by_module(x):
        return flags.Flag(x), flags.ENABLE_X, getattr(flags, "ENABLE_X")


    def hidden():
        return {"ENABLE\\x5fX": 1, "NEW" "_UI": 2}


    def prefixed(obj):
        return getattr(obj, "NE"r"W_UI"), getattr(obj, "ﬁle")


    def annotated():
        x: "\\uff2eEW_UI" = 1
        return x


    def unicode():
        return ＥＮＡＢＬＥ_Ｘ


    def unrelated():
        return app_ast.parse("x")


    def by_path(x):
        return appflags.Flag(x)


    class Holder:
        ENABLE_X = 1

        def method(self):
            return self.ENABLE_X


    def star():
        return NEW_UI
    ''')


@pytest.mark.parametrize("qualname", ["app.flags.ENABLE_X", "app.flags.Flag.NEW_UI",
                                      "app.consts.NEW_UI", "app.flags.Flag"])
def test_only_the_statements_that_spell_it_are_visited_and_nothing_is_missed(qualname):
    """Open WebUI's audit looked for 215 settings in modules of thousands of lines, each
    visited whole for each (3.7 s a run): only the statements spelling the name, its
    owner's, a name bound to either or a key are visited now. What they find is what a
    visit of every statement finds: lookups through an alias of the owner, a string whose
    text hides the key, a name spelled in other Unicode letters, a star import."""
    import ast

    from flaglint.analysis.references import Statements

    tree = ast.parse(TRICKY)
    whole = Statements(TRICKY, tree)
    whole.usable = False  # every statement visited
    keys = frozenset({"new_ui", "ENABLE_X", "NEW_UI", "ﬁle"})
    expected = references(TRICKY, "app.views", qualname, keys=keys, tree=tree, statements=whole)
    assert expected
    assert references(TRICKY, "app.views", qualname, keys=keys) == expected
