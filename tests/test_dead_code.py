"""FL301/FL302 on every guard shape, and the fixes: exact findings, exact fixed source,
fixed files parse, and a second fix changes nothing."""

from __future__ import annotations

import ast
import json
import textwrap

import pytest

from flaglint.cli import main

from .conftest import lint_tree, write_tree

PYPROJECT = '[tool.flaglint]\npresets = ["unleash", "django-waffle"]\n'
FLAGS = """
[flags.on]
status = "rolled-out"
value = true

[flags.off]
status = "rolled-out"
value = false

[flags.variant]
status = "rolled-out"
value = "treatment"

[flags.old]
status = "retired"
retired = 2003-06-01

[flags.live]
owner = "a"
type = "kill-switch"
"""

ON = "is rolled out with value `true`"
OFF = "is rolled out with value `false`"
VARIANT = 'is rolled out with value `"treatment"`'


def findings(tmp_path, source, select=("FL301", "FL302")):
    write_tree(tmp_path, {"pyproject.toml": PYPROJECT, "flags.toml": FLAGS, "app.py": source})
    return [(f.code, f.span.line, f.span.column, f.span.end_line, f.message)
            for f in lint_tree(tmp_path, select=select)]


def fixed(tmp_path, capsys, source, *flags, files=None):
    write_tree(tmp_path, {"pyproject.toml": PYPROJECT, "flags.toml": FLAGS, "app.py": source,
                          **(files or {})})
    main(["check", str(tmp_path), "--no-cache", "--select", "FL2,FL3", "--fix", *flags])
    after = (tmp_path / "app.py").read_text()
    ast.parse(after)
    main(["check", str(tmp_path), "--no-cache", "--select", "FL2,FL3", "--fix", *flags])
    assert (tmp_path / "app.py").read_text() == after, "a second fix changed the file"
    capsys.readouterr()
    return after


def src(text):
    return textwrap.dedent(text).lstrip("\n")


CASES = {
    "if-else": (
        """
        def f():
            if client.is_enabled("on"):
                # the new way
                a = 1
                b = 2
            else:
                legacy()
            return a
        """,
        [("FL301", 6, 5, 7, f"Flag `on` {ON}; this `else` branch can never run")],
        """
        def f():
            # the new way
            a = 1
            b = 2
            return a
        """),
    "if-elif-else, first test dead": (
        """
        if client.is_enabled("off"):
            a = 1
        elif other():
            b = 2
        else:
            c = 3
        """,
        [("FL301", 1, 1, 2, f"Flag `off` {OFF}; this `if` body can never run")],
        """
        if other():
            b = 2
        else:
            c = 3
        """),
    "elif decided": (
        """
        if other():
            a = 1
        elif client.is_enabled("on"):
            b = 2
        elif more():
            c = 3
        else:
            d = 4
        """,
        [("FL301", 5, 1, 8, f"Flag `on` {ON}; this `elif` branch can never run")],
        """
        if other():
            a = 1
        else:
            b = 2
        """),
    "elif that never holds": (
        """
        if other():
            a = 1
        elif client.is_enabled("off"):
            b = 2
        else:
            c = 3
        """,
        [("FL301", 3, 1, 4, f"Flag `off` {OFF}; this `elif` branch can never run")],
        """
        if other():
            a = 1
        else:
            c = 3
        """),
    "not": (
        """
        if not client.is_enabled("on"):
            legacy()
        run()
        """,
        [("FL301", 1, 1, 2, f"Flag `on` {ON}; this `if` body can never run")],
        """
        run()
        """),
    "or keeps the side effect": (
        """
        if audit(x) or client.is_enabled("on"):
            go()
        else:
            stop()
        """,
        [("FL301", 3, 1, 4, f"Flag `on` {ON}; this `else` branch can never run")],
        """
        audit(x)
        go()
        """),
    "and with a dead operand": (
        """
        if client.is_enabled("off") and expensive():
            go()
        ready = client.is_enabled("off") and expensive()
        """,
        [("FL301", 1, 1, 2, f"Flag `off` {OFF}; this `if` body can never run"),
         ("FL301", 3, 38, 3, f"Flag `off` {OFF}; this operand is never evaluated")],
        """
        ready = False
        """),
    "nested and/or, unknown stays": (
        """
        if (user.beta and client.is_enabled("on")) or client.is_enabled("off"):
            go()
        """,
        [],
        """
        if (user.beta):
            go()
        """),
    "comparisons with variants and singletons": (
        """
        if client.get_variant("variant") == "treatment":
            new()
        else:
            old()
        if client.is_enabled("on") is True:
            yes()
        if client.get_variant("variant") in ("a", "b"):
            never()
        """,
        [("FL301", 3, 1, 4, f"Flag `variant` {VARIANT}; this `else` branch can never run"),
         ("FL301", 7, 1, 8, f"Flag `variant` {VARIANT}; this `if` body can never run")],
        """
        new()
        yes()
        """),
    "conditional expression": (
        """
        label = "Pay" if client.is_enabled("off") else "Checkout"
        """,
        [("FL301", 1, 9, 1, f"Flag `off` {OFF}; this operand is never evaluated")],
        """
        label = "Checkout"
        """),
    "early exit that always happens": (
        """
        def f(order):
            if not client.is_enabled("off"):
                return None
            legacy(order)
            more(order)
        """,
        [("FL301", 4, 5, 5, f"Flag `off` {OFF}; the code after the early exit above can "
                            f"never run")],
        """
        def f(order):
            return None
        """),
    "early exit that never happens": (
        """
        def f(order):
            if not client.is_enabled("on"):
                return None
            live(order)
        """,
        [("FL301", 2, 5, 3, f"Flag `on` {ON}; this `if` body can never run")],
        """
        def f(order):
            live(order)
        """),
    "local alias": (
        """
        def f():
            use_new = client.is_enabled("on")
            if use_new:
                new()
            else:
                old()
        """,
        [("FL301", 5, 5, 6, f"Flag `on` {ON}; this `else` branch can never run")],
        """
        def f():
            new()
        """),
    "annotated local alias": (
        """
        def f():
            use_new: bool = client.is_enabled("on")
            if use_new:
                new()
            else:
                old()
        """,
        [("FL301", 5, 5, 6, f"Flag `on` {ON}; this `else` branch can never run")],
        """
        def f():
            new()
        """),
    "reassigned annotated alias is not a constant": (
        """
        def f(x):
            use_new: bool = client.is_enabled("on")
            if x:
                use_new = False
            if use_new:
                new()
        """,
        [],
        """
        def f(x):
            use_new: bool = True
            if x:
                use_new = False
            if use_new:
                new()
        """),
    "reassigned alias is not a constant": (
        """
        def f(x):
            use_new = client.is_enabled("on")
            if x:
                use_new = False
            if use_new:
                new()
        """,
        [],
        """
        def f(x):
            use_new = True
            if x:
                use_new = False
            if use_new:
                new()
        """),
    "alias bound again through global is not a constant": (
        """
        MOD: bool = client.is_enabled("on")


        def reset():
            global MOD
            MOD = False


        reset()
        if MOD:
            new()
        """,
        [],
        """
        MOD: bool = True


        def reset():
            global MOD
            MOD = False


        reset()
        if MOD:
            new()
        """),
    "alias bound again through nonlocal is not a constant": (
        """
        def f():
            use_new = client.is_enabled("on")

            def off():
                nonlocal use_new
                use_new = False

            off()
            if use_new:
                new()
        """,
        [],
        """
        def f():
            use_new = True

            def off():
                nonlocal use_new
                use_new = False

            off()
            if use_new:
                new()
        """),
    "a name declared global where it is bound is no alias there": (
        """
        def reset():
            global STATE
            STATE = False


        def h():
            global STATE
            STATE = client.is_enabled("on")
            reset()
            if STATE:
                return "a"
            return "b"
        """,
        [],
        """
        def reset():
            global STATE
            STATE = False


        def h():
            global STATE
            STATE = True
            reset()
            if STATE:
                return "a"
            return "b"
        """),
    # A review: a lambda's parameter, a comprehension's target and a class body's own name
    # were taken for the function's alias (FL301 and a safe fix that changed what runs)
    "names a lambda, a comprehension or a class body binds are not the alias": (
        """
        def f(items):
            auto = client.is_enabled("on")
            g = lambda auto: "new" if auto else "old"
            h = [1 if auto else 0 for auto in items]
            k = [1 if auto else 0 for _ in items]

            class Inner:
                auto = False
                v = "new" if auto else "old"
            return g, h, k, Inner
        """,
        [("FL301", 5, 25, 5, f"Flag `on` {ON}; this `else` branch can never run")],
        """
        def f(items):
            auto = True
            g = lambda auto: "new" if auto else "old"
            h = [1 if auto else 0 for auto in items]
            k = [1 for _ in items]

            class Inner:
                auto = False
                v = "new" if auto else "old"
            return g, h, k, Inner
        """),
    "an alias bound again by with, :=, except, an import, match or def is no alias": (
        """
        import contextlib


        def w(v):
            a = client.is_enabled("on")
            b = client.is_enabled("on")
            c = client.is_enabled("on")
            d = client.is_enabled("on")
            e = client.is_enabled("on")
            f = client.is_enabled("on")
            with contextlib.nullcontext(v) as a:
                pass
            if (b := v):
                pass
            try:
                pass
            except ValueError as c:
                pass
            from os import sep as d
            match v:
                case e:
                    pass

            def f():
                return 0
            return [1 if x else 0 for x in (a, b, c, d, e, f)]
        """,
        [],
        """
        import contextlib


        def w(v):
            a = True
            b = True
            c = True
            d = True
            e = True
            f = True
            with contextlib.nullcontext(v) as a:
                pass
            if (b := v):
                pass
            try:
                pass
            except ValueError as c:
                pass
            from os import sep as d
            match v:
                case e:
                    pass

            def f():
                return 0
            return [1 if x else 0 for x in (a, b, c, d, e, f)]
        """),
    # A second review: `:=` in a `def` or `class` header binds in the scope around it, and
    # a star import may bind any name; the safe fix rewrote code the flag does not decide
    "an alias bound again by := in a header, or after a star import, is no alias": (
        """
        from app.other import *

        star = client.is_enabled("on")
        if star:
            new()


        def f():
            auto = client.is_enabled("on")

            @deco(auto := False)
            def g(y=(auto := False)):
                return y

            class C(base if (auto := False) else base):
                pass
            if auto:
                new()
        """,
        [],
        """
        from app.other import *

        star = True
        if star:
            new()


        def f():
            auto = True

            @deco(auto := False)
            def g(y=(auto := False)):
                return y

            class C(base if (auto := False) else base):
                pass
            if auto:
                new()
        """),
    "class attribute is no alias": (
        """
        class K:
            FLAG = client.is_enabled("off")
            if FLAG:
                x = 1
        """,
        [],
        """
        class K:
            FLAG = False
            if FLAG:
                x = 1
        """),
    "nested flags, loop, try, with": (
        """
        for order in orders:
            if not client.is_enabled("on"):
                continue
            try:
                with lock:
                    if client.is_enabled("live"):
                        if client.is_enabled("off"):
                            skip()
                        send(order)
            except Error:
                pass
        """,
        [("FL301", 2, 5, 3, f"Flag `on` {ON}; this `if` body can never run"),
         ("FL301", 7, 17, 8, f"Flag `off` {OFF}; this `if` body can never run")],
        """
        for order in orders:
            try:
                with lock:
                    if client.is_enabled("live"):
                        send(order)
            except Error:
                pass
        """),
    "decorators gate a view": (
        """
        from waffle.decorators import waffle_flag

        @waffle_flag("on")
        def new_view(request):
            return 1

        @waffle_flag("!on")
        def old_view(request):
            return 2
        """,
        [("FL301", 8, 1, 9, f"Flag `on` {ON}; the function this decorator gates can never "
                            f"run")],
        """
        from waffle.decorators import waffle_flag

        def new_view(request):
            return 1

        @waffle_flag("!on")
        def old_view(request):
            return 2
        """),
    "one-line suites and a loop that never runs": (
        """
        if client.is_enabled("on"): ready = 1
        else: ready = 2
        while client.is_enabled("off"):
            poll()
        else:
            # the loop never ran
            give_up()
        """,
        [("FL301", 2, 1, 2, f"Flag `on` {ON}; this `else` branch can never run")],
        """
        ready = 1
        # the loop never ran
        give_up()
        """),
    "an import named in __all__ stays": (
        """
        from app.legacy import helper, other

        __all__ = ["helper"]

        if client.is_enabled("off"):
            helper()
            other()
        """,
        [("FL301", 5, 1, 7, f"Flag `off` {OFF}; this `if` body can never run")],
        """
        from app.legacy import helper

        __all__ = ["helper"]
        """),
    # its read stays too: `if False:` would hide the dead branch from flaglint
    "a dead branch that makes a generator stays": (
        """
        def rows(n):
            if client.is_enabled("off"):
                yield from legacy(n)
            return [n]
        """,
        [("FL301", 2, 5, 3, f"Flag `off` {OFF}; this `if` body can never run")],
        """
        def rows(n):
            if client.is_enabled("off"):
                yield from legacy(n)
            return [n]
        """),
    # label-studio's iterator: the function keeps another `yield`, and stays a generator
    "a dead branch with a yield goes where its function keeps another": (
        """
        def rows(n):
            if client.is_enabled("off"):
                for row in legacy(n):
                    yield row
                return

            yield from current(n)
        """,
        [("FL301", 2, 5, 5, f"Flag `off` {OFF}; this `if` body can never run")],
        """
        def rows(n):
            yield from current(n)
        """),
    # a `yield` in a lambda makes the lambda a generator: the function has none to keep
    "a dead branch beside a lambda that yields": (
        """
        def rows(n):
            make = lambda: (yield)
            if client.is_enabled("off"):
                yield 1
            return make
        """,
        [("FL301", 3, 5, 4, f"Flag `off` {OFF}; this `if` body can never run")],
        """
        def rows(n):
            make = lambda: (yield)
            if client.is_enabled("off"):
                yield 1
            return make
        """),
    # two dead branches each with the function's only other `yield`: both stay
    "dead branches that hold every yield stay": (
        """
        def rows(n):
            if client.is_enabled("off"):
                yield 1
            if client.is_enabled("off"):
                yield 2
        """,
        [("FL301", 2, 5, 3, f"Flag `off` {OFF}; this `if` body can never run"),
         ("FL301", 4, 5, 5, f"Flag `off` {OFF}; this `if` body can never run")],
        """
        def rows(n):
            if client.is_enabled("off"):
                yield 1
            if client.is_enabled("off"):
                yield 2
        """),
    "a test over lines keeps what runs in parentheses": (
        """
        if (
            ready
            and audit(x)
            and not client.is_enabled("on")
        ):
            stop()
        go()
        """,
        [("FL301", 1, 1, 6, f"Flag `on` {ON}; this `if` body can never run")],
        """
        (ready
            and audit(x))
        go()
        """),
    "a test whose lines alone would be other statements keeps them in parentheses": (
        """
        if (f()
        (g) and client.is_enabled("off")):
            stop()
        go()
        """,
        [("FL301", 1, 1, 3, f"Flag `off` {OFF}; this `if` body can never run")],
        """
        (f()
        (g))
        go()
        """),
    "a variant in a value position is left alone": (
        """
        variant = client.get_variant("variant")
        enabled = client.is_enabled("on", context())
        """,
        [],
        """
        variant = client.get_variant("variant")
        enabled = client.is_enabled("on", context())
        """),
}


@pytest.mark.parametrize("name", CASES)
def test_dead_branch_shape(tmp_path, capsys, name):
    before, expected_findings, after = CASES[name]
    assert findings(tmp_path, src(before)) == expected_findings
    assert fixed(tmp_path, capsys, src(before)) == src(after)


def test_retired_flags_yield_their_default_and_fix_only_when_unsafe_is_allowed(tmp_path,
                                                                                 capsys):
    before = src("""
        if client.is_enabled("old"):
            power_peg()
        if ld.variation("old", user, True):
            kept()
        """)
    files = {"pyproject.toml": '[tool.flaglint]\npresets = ["unleash", "launchdarkly"]\n'}
    write_tree(tmp_path, {**files, "flags.toml": FLAGS, "app.py": before})
    got = [(f.code, f.span.line, f.message, f.fix.safe if f.fix else None)
           for f in lint_tree(tmp_path, select=("FL301",))]
    assert got == [("FL301", 1, "Flag `old` is retired, so reading it yields `false`; this "
                                "`if` body can never run", False)]
    assert fixed(tmp_path, capsys, before, files=files) == before
    # Only the reported dead code goes: the second `if` always runs, and nothing reports it.
    assert fixed(tmp_path, capsys, before, "--unsafe-fixes", files=files) == src("""
        if ld.variation("old", user, True):
            kept()
        """)


def test_a_retired_read_passing_no_default_yields_the_project_readers_own(tmp_path, capsys):
    """zenml's `handle_bool_env_var(var, default=…)`: a call that passes no default gets
    the function's (here `True`, so the code after the `if` is what never runs, not its
    body: before, "off" was assumed and the unsafe fix deleted the code that runs)."""
    files = {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.readers]]\n'
                          'call = "app.env.enabled"\nkey = 0\ndefault = 1\n',
        "flags.toml": '[flags.TELEMETRY]\nowner = "a"\ntype = "operational"\n'
                      'status = "retired"\n',
        "app/__init__.py": "",
        "app/env.py": "import os\n\n\ndef enabled(var, default=True):\n"
                      "    return os.getenv(var, str(default)) == 'True'\n",
        "app/run.py": src("""
            from app.env import enabled


            def run():
                if enabled("TELEMETRY"):
                    return "send"
                return "skip"


            def off():
                if enabled("TELEMETRY", False):
                    return "send"
                return "skip"
            """),
    }
    write_tree(tmp_path, files)
    got = [(f.path, f.span.line, f.message) for f in lint_tree(tmp_path, select=("FL301",))]
    assert got == [
        ("app/run.py", 7, "Flag `TELEMETRY` is retired, so reading it yields `true`; the code "
                          "after the early exit above can never run"),
        ("app/run.py", 11, "Flag `TELEMETRY` is retired, so reading it yields `false`; this "
                           "`if` body can never run")]
    assert main(["check", str(tmp_path), "--no-cache", "--fix", "--unsafe-fixes"]) in (0, 1)
    capsys.readouterr()
    assert (tmp_path / "app" / "run.py").read_text() == src("""
        def run():
            return "send"


        def off():
            return "skip"
        """)


def test_a_readers_own_default_counts_only_when_true_or_false_and_args_may_pass_one(
        tmp_path):
    """A review's: `default="false"` is passed on to be parsed (`… == "true"`), so the read
    does not yield it; a call spreading `*args` may pass a default: neither settles, so no
    branch is called dead (before, one of them was, and the unsafe fix deleted the code that
    runs)."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.readers]]\n'
                          'call = "app.env.enabled"\nkey = 0\ndefault = 1\n\n'
                          '[[tool.flaglint.readers]]\ncall = "app.env.parsed"\nkey = 0\n'
                          'default = 1\n',
        "flags.toml": '[flags.OLD]\nowner = "a"\ntype = "operational"\nstatus = "retired"\n',
        "app/__init__.py": "",
        "app/env.py": "import os\n\n\ndef enabled(var, default=True):\n"
                      "    return os.getenv(var, str(default)) == 'True'\n\n\n"
                      "def parsed(var, default='false'):\n"
                      "    return os.getenv(var, default).lower() == 'true'\n",
        "app/run.py": src("""
            from app.env import enabled, parsed


            def spread(args):
                if enabled("OLD", *args):
                    return "on"
                return "off"


            def text():
                if parsed("OLD"):
                    return "on"
                return "off"
            """),
    })
    got = [(f.path, f.span.line, f.message) for f in lint_tree(tmp_path, select=("FL301",))]
    assert got == [
        ("app/run.py", 11, "Flag `OLD` is retired, so reading it yields `false`; this `if` "
                           "body can never run")]


def test_a_wrapper_called_without_its_default_yields_its_parameters_default(tmp_path):
    """`def lookup(key, default=True): return ld.variation(key, USER, default)`: a call
    that passes no default reads with `True` (before, "off" was assumed). (Named so that
    discovery takes it for no helper of its own: see test_discovery.py.)"""
    files = {"pyproject.toml": '[tool.flaglint]\npresets = ["launchdarkly"]\n'}
    write_tree(tmp_path, {**files, "flags.toml": FLAGS, "app.py": src("""
        import ldclient

        USER = {"key": "anonymous"}


        def lookup(key, default=True):
            return ldclient.get().variation(key, USER, default)


        def view():
            if lookup("old"):
                return 1
            if lookup("old", False):
                return 2
            return 3
        """)})
    got = [(f.span.line, f.message) for f in lint_tree(tmp_path, select=("FL301",))]
    assert got == [
        (13, "Flag `old` is retired, so reading it yields `true`; the code after the early "
             "exit above can never run")]


def test_fix_reports_fixed_and_remaining(tmp_path, capsys):
    write_tree(tmp_path, {"pyproject.toml": PYPROJECT, "flags.toml": FLAGS, "app.py": src("""
        if client.is_enabled("on"):
            a = 1
        else:
            b = 2
        if client.is_enabled("old"):
            c = 3
        """)})
    code = main(["check", str(tmp_path), "--no-cache", "--select", "FL2,FL3", "--fix"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.splitlines() == [
        "app.py:2:1: FL301 [old] Flag `old` is retired, so reading it yields `false`; this "
        "`if` body can never run",
        "Found 3 findings (2 fixed, 1 remaining) in 1 file, 5 flags.",
        "No fixes available with `flaglint check --fix` alone (1 with `--fix --unsafe-fixes`).",
    ]


def test_a_fix_that_would_not_parse_is_refused(tmp_path, capsys, monkeypatch):
    import libcst as cst

    from flaglint.fixes import source as source_module

    class Broken(source_module.Settler):
        def leave_Module(self, original_node, updated_node):
            bad = cst.SimpleStatementLine([cst.Return()])
            return updated_node.with_changes(body=[*updated_node.body, bad])

    monkeypatch.setattr(source_module, "Settler", Broken)
    before = 'if client.is_enabled("on"):\n    a = 1\n'
    write_tree(tmp_path, {"pyproject.toml": PYPROJECT, "flags.toml": FLAGS, "app.py": before})
    main(["check", str(tmp_path), "--no-cache", "--select", "FL2", "--fix"])
    err = capsys.readouterr().err
    assert "flaglint: warning: app.py not fixed: the fixed file would not parse ('return' " \
           "outside function, line 2)" in err
    assert (tmp_path / "app.py").read_text() == before


def test_dead_symbol_across_modules_and_what_keeps_symbols_alive(tmp_path):
    write_tree(tmp_path, {
        "pyproject.toml": PYPROJECT,
        "flags.toml": FLAGS,
        "app/__init__.py": "",
        "app/legacy.py": """
            class LegacyRouter:
                def route(self, order):
                    return self._split(order)

                def _split(self, order):
                    return [order]

            def legacy_route(order):
                return LegacyRouter().route(order)

            def helper_passed_as_value():
                pass

            def helper_named_in_a_string():
                pass

            def helper_also_called_live():
                pass

            def only_recursive(n):
                return only_recursive(n - 1) if n else 0
        """,
        "app/orders.py": """
            from app.legacy import (legacy_route, helper_passed_as_value,
                                    helper_named_in_a_string, helper_also_called_live,
                                    only_recursive)

            def route(order):
                if client.is_enabled("on"):
                    return order
                legacy_route(order)
                helper_passed_as_value()
                helper_named_in_a_string()
                helper_also_called_live()
                only_recursive(3)
                return None

            CALLBACKS = [helper_passed_as_value]
            URLS = ["app.legacy.helper_named_in_a_string"]
            helper_also_called_live()
        """,
    })
    got = [(f.code, f.path, f.span.line, f.span.column, f.message)
           for f in lint_tree(tmp_path, select=("FL302",))]
    why = f"flag `on` {ON}"
    assert got == [
        ("FL302", "app/legacy.py", 1, 1, f"Class `LegacyRouter` is called only from code that "
                                         f"can never run ({why}); delete it"),
        ("FL302", "app/legacy.py", 8, 1, f"Function `legacy_route` is called only from code "
                                         f"that can never run ({why}); delete it"),
        ("FL302", "app/legacy.py", 20, 1, f"Function `only_recursive` is called only from code "
                                          f"that can never run ({why}); delete it"),
    ]


def test_a_method_called_through_an_object_a_module_holds_stays_alive(tmp_path):
    """Superset's `security_manager.get_guest_user_from_token(...)`: the object is imported
    from the module that makes it, and its class is not followed, so the call names no
    definition. Its name keeps every method so named alive, as an unresolved call's does;
    before, the call counted for nothing and FL302's fix deleted a method that runs."""
    write_tree(tmp_path, {
        "pyproject.toml": PYPROJECT,
        "flags.toml": FLAGS,
        "app/__init__.py": "",
        "app/manager.py": """
            class SecurityManager:
                def request_loader(self, request):
                    if client.is_enabled("off"):
                        self.guest_from_token(request)
                        return self.only_here(request)
                    return None

                def guest_from_token(self, token):
                    return {"guest": token}

                def only_here(self, token):
                    return token
        """,
        # In a top-level package of its own, no file of which is read in full (a review
        # found the project's packages taken from those files alone)
        "ext/__init__.py": "",
        "ext/extensions.py": """
            from app.manager import SecurityManager

            security_manager = SecurityManager()
        """,
        "app/tasks.py": """
            from ext.extensions import security_manager

            def load_user(job):
                return security_manager.guest_from_token(job["token"])

            def old_job(job):
                if client.is_enabled("off"):
                    return security_manager.only_here(job)
                return None
        """,
    })
    got = [(f.code, f.path, f.span.line, f.message)
           for f in lint_tree(tmp_path, select=("FL302",))]
    assert got == [
        ("FL302", "app/manager.py", 11, f"Function `only_here` is called only from code that "
                                        f"can never run (flag `off` {OFF}); delete it"),
    ]


def test_symbols_without_callers_are_not_reported(tmp_path):
    assert findings(tmp_path, src("""
        def unused():
            pass

        if client.is_enabled("on"):
            pass
        """), select=("FL302",)) == []


def test_of_regions_with_one_span_the_one_fewest_reads_decide_is_kept_in_any_order():
    """Two guards can make one branch dead (an outer `if` and the branch's own `elif`):
    which region is kept, and so which reads its fix settles, must not follow a set's
    order, which on Python 3.11 changes from run to run (`hash(None)` is an address)."""
    import itertools

    from flaglint.analysis.deadcode import _outermost
    from flaglint.findings import Span
    from flaglint.model.dead import DeadKind, DeadRegion, Settled

    on = Settled("on", value=True, safe=True, why="is rolled out with value `true`")
    body = Span(45, 9, 52, 22)
    outer = DeadRegion("m.py", body, DeadKind.ELIF, on, (("m.py", 21), ("m.py", 23)),
                       safe=False)
    own = DeadRegion("m.py", body, DeadKind.ELIF, on, (("m.py", 35),))
    inner = DeadRegion("m.py", Span(46, 13, 46, 20), DeadKind.OPERAND, on, (("m.py", 36),))
    for order in itertools.permutations([outer, own, inner]):
        assert _outermost(list(order)) == [own]


def test_names_in_use_asks_whether_code_is_dead_once_a_name():
    """A module of 48,000 reads names 400 keys: a name found alive is not asked about
    again, and a name found only in dead code is not kept."""
    from flaglint.facts import FileFacts
    from flaglint.findings import Span
    from flaglint.model.files import names_in_use

    strings = tuple((f"app.flags.k{n % 3}", Span(n + 1, 1, n + 1, 9)) for n in range(300))
    strings += (("app.old", Span(400, 1, 400, 9)),)
    asked: list[int] = []

    def dead(span: Span) -> bool:
        asked.append(span.line)
        return span.line >= 400 or span.line == 1  # the first `k0` is in dead code

    names = names_in_use(FileFacts("a.py", "a", is_package=False, lines=400, strings=strings),
                         dead)
    assert names == {"k0", "k1", "k2"}
    assert asked == [1, 2, 3, 4, 400]


def test_a_flag_rolled_out_with_the_text_of_a_boolean_settles_only_its_text_reads(
        tmp_path, capsys):
    """Airflow: `conf.getboolean("core", "unit_test_mode")` rolled out with
    `value = "false"` (text, which a test takes for true): the safe fix deleted the
    `if not …` body that runs. A flag serving that text (`os.getenv("X", "false") ==
    "true"`) does exist: the reads whose default is text are settled, the others not, and
    a note says why; `clean` asks what is meant."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.readers]]\n'
                          'call = "os.getenv"\nkey = 0\ndefault = 1\n',
        "flags.toml": '[flags.X]\nowner = "a"\ntype = "release"\nstatus = "rolled-out"\n'
                      'value = "false"\n',
        "app.py": 'import os\n\n\ndef tested():\n    if not os.getenv("X"):\n'
                  '        return "runs"\n    return "other"\n\n\n'
                  'def compared():\n    if os.getenv("X", "false") == "true":\n'
                  '        return "never"\n    return "runs"\n',
    })
    assert main(["check", str(tmp_path), "--no-cache", "--select", "FL2,FL3"]) == 1
    out, err = capsys.readouterr()
    assert [line.split(" ")[:2] for line in out.splitlines() if ": FL" in line] == [
        ["app.py:5:12:", "FL202"], ["app.py:11:5:", "FL301"], ["app.py:11:8:", "FL202"]]
    assert out.splitlines()[0].endswith(
        'always yields it, so the code still branches on a constant; no fix: it is text, and a '
        'test takes any text but "" for true, "false" too (a boolean is written value = false)')
    assert 'flaglint: note: flags.toml:1: [flags.X] is rolled out with the text "false", ' \
           "which a test of a read takes for true: only its reads whose default is text are " \
           "settled; if the flag is a boolean, write value = false\n" in err
    assert main(["check", str(tmp_path), "--no-cache", "--fix"]) == 1  # the tested read's
    capsys.readouterr()
    assert (tmp_path / "app.py").read_text() == (
        'import os\n\n\ndef tested():\n    if not os.getenv("X"):\n'
        '        return "runs"\n    return "other"\n\n\n'
        'def compared():\n    return "runs"\n')
    (tmp_path / "app.py").write_text('import os\n\n\ndef tested():\n'
                                     '    return bool(os.getenv("X"))\n')
    assert main(["clean", "X", "--no-cache", "--dry-run", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        'flaglint: error: flag `X` is rolled out with the text "false" (flags.toml:1), which '
        "a test of a read takes for true: for a boolean, write value = false there; for a "
        "flag that serves that text, say it with --value\n")


def test_a_text_value_read_through_a_name_is_offered_no_fix_the_settler_cannot_make(
        tmp_path, capsys):
    """`mode = os.getenv("X", "false")` then `if mode:`, the flag rolled out with the text
    "false": the fix was offered (`[*]`, safe) and `--fix` then changed nothing ("0
    fixed", and "2 fixable" again), since a fix writes text only where a test reads the
    read itself (the name may stand for the value anywhere). The finding stands; no fix
    is offered."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.readers]]\n'
                          'call = "os.getenv"\nkey = 0\ndefault = 1\n',
        "flags.toml": '[flags.X]\nowner = "a"\ntype = "release"\nstatus = "rolled-out"\n'
                      'value = "false"\n',
        "app.py": 'import os\n\n\ndef named():\n    mode = os.getenv("X", "false")\n'
                  '    if mode:\n        return "never"\n    return "runs"\n\n\n'
                  'def direct():\n    if os.getenv("X", "false"):\n'
                  '        return "runs"\n    return "never"\n',
    })
    assert main(["check", str(tmp_path), "--no-cache", "--select", "FL2,FL3",
                 "--format", "json"]) == 1
    found = [(f["line"], f["code"], f["fix"] is not None)
             for f in json.loads(capsys.readouterr().out)["findings"]]
    assert found == [(5, "FL202", False), (8, "FL301", False), (12, "FL202", True),
                     (14, "FL301", True)]
    assert main(["check", str(tmp_path), "--no-cache", "--fix"]) == 1
    out = capsys.readouterr().out
    assert "(2 fixed, 2 remaining)" in out
    assert "fixable" not in out
    assert (tmp_path / "app.py").read_text() == (
        'import os\n\n\ndef named():\n    mode = os.getenv("X", "false")\n'
        '    if mode:\n        return "never"\n    return "runs"\n\n\n'
        'def direct():\n    return "runs"\n')


def test_a_class_imported_under_another_name_and_used_as_a_value_is_alive(tmp_path):
    """CKAN: `from app.mw import Tracking as _T` and `MIDDLEWARES = [_T]`: FL302 said to
    delete `Tracking`, which `clean` kept (the import refers to it). A name imported under
    another and used as a value keeps the symbol alive, as its own name would."""
    write_tree(tmp_path, {
        "pyproject.toml": PYPROJECT, "flags.toml": FLAGS,
        "app/__init__.py": "",
        "app/mw.py": "class Tracking:\n    pass\n\n\nclass Unused:\n    pass\n",
        "app/registry.py": "from app.mw import Tracking as _T\nfrom app.mw import Unused as _U\n"
                           "\nMIDDLEWARES = [_T]\n",
        "app/stack.py": "from app.mw import Tracking, Unused\n\n\ndef make(app):\n"
                        '    if client.is_enabled("off"):\n        app = Tracking(app)\n'
                        "        app = Unused(app)\n    return app\n",
    })
    assert [(f.code, f.path, f.span.line, f.message.split(" is ")[0])
            for f in lint_tree(tmp_path, select=("FL302",))] == [
        ("FL302", "app/mw.py", 5, "Class `Unused`")]


@pytest.mark.parametrize(("text", "boolean"), [("off", "false"), ("No", "false"), ("0", "false"),
                                               ("disabled", "false"), ("on", "true")])
def test_a_flag_rolled_out_with_another_text_of_a_boolean_settles_no_test_of_a_read(
        tmp_path, capsys, text, boolean):
    """Label Studio's trial: `value = "off"` on a flag read by a helper that parses the
    environment's text into a boolean: the safe fix replaced the `if` with its body, the
    flag taken for on (a test takes "off" for true), where `value = "false"` had a note
    and no fix. Every text of a boolean is treated alike, and the note names the boolean
    it spells."""
    write_tree(tmp_path, {
        "flags.toml": f'[flags.new_checkout]\ntype = "release"\nowner = "a"\n'
                      f'status = "rolled-out"\nvalue = "{text}"\n',
        "app/__init__.py": "",
        "app/features.py": "import os\n\n\ndef is_feature_enabled(name, default=False):\n"
                           "    return os.environ.get(name, str(default)).lower() in "
                           '("1", "true", "on", "yes")\n',
        "app/views.py": "from app.features import is_feature_enabled\n\n\n"
                        "def checkout(cart):\n"
                        '    if is_feature_enabled("new_checkout"):\n'
                        '        return "new"\n    return "old"\n',
    })
    before = (tmp_path / "app" / "views.py").read_text()
    assert main(["check", str(tmp_path), "--no-cache", "--today", "2026-11-05"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == (
        f"app/views.py:5:8: FL202 [new_checkout] Flag `new_checkout` is rolled out with value "
        f'`"{text}"`; this read always yields it, so the code still branches on a constant; '
        f'no fix: it is text, and a test takes any text but "" for true, "{text}" too (a '
        f"boolean is written value = {boolean})")
    assert f'[flags.new_checkout] is rolled out with the text "{text}", which a test of a ' \
           f"read takes for true: only its reads whose default is text are settled; if the " \
           f"flag is a boolean, write value = {boolean}\n" in err
    assert "FL301" not in out
    main(["check", str(tmp_path), "--no-cache", "--today", "2026-11-05", "--fix",
          "--unsafe-fixes"])
    assert (tmp_path / "app" / "views.py").read_text() == before


def test_a_helper_called_only_in_an_operand_a_settled_read_skips_is_dead(tmp_path, capsys):
    """Label Studio's trial: `if flag_set("cloud2") and _is_upload(name):`, the flag
    rolled out false: `_is_upload(name)` never runs, but only the `if` body was dead (the
    operand's region lay inside the `if`'s, whose test still runs), so `_is_upload` was no
    FL302 and `--fix` left it with no caller. The test's skipped operands are dead too."""
    write_tree(tmp_path, {
        "flaglint.toml": 'presets = []\n\n[[readers]]\ncall = "app.ff.flag_set"\nkey = 0\n',
        "flags.toml": '[flags.cloud]\ntype = "release"\nowner = "a"\nstatus = "rolled-out"\n'
                      'value = false\n',
        "app/__init__.py": "",
        "app/ff.py": "def flag_set(key, user=None):\n    return False\n",
        "app/models.py": "from app.ff import flag_set\n\n\n"
                         "def _is_upload(name):\n    return name.startswith('upload/')\n\n\n"
                         "def _kept(name):\n    return bool(name)\n\n\n"
                         "def resolve(name):\n"
                         "    if _kept(name) and flag_set('cloud') and _is_upload(name):\n"
                         "        return 'cloud:' + name\n"
                         "    return name\n",
    })
    assert main(["check", str(tmp_path), "--no-cache", "--select", "FL3"]) == 1
    assert [line.split(" [")[0] for line in capsys.readouterr().out.splitlines()[:-2]] == [
        "app/models.py:4:1: FL302", "app/models.py:13:5: FL301"]
    main(["check", str(tmp_path), "--no-cache", "--fix"])
    capsys.readouterr()
    assert (tmp_path / "app" / "models.py").read_text() == (
        "def _kept(name):\n    return bool(name)\n\n\n"
        "def resolve(name):\n    _kept(name)\n    return name\n")


def test_a_read_whose_arguments_call_something_says_why_it_has_no_fix(tmp_path, capsys):
    """Label Studio's trial: `not flag_set("skip_invalid", user=AnonymousUser())`, the flag
    rolled out: FL202 offered no fix and gave no reason (a literal in the read's place would
    drop the call of `AnonymousUser`); with `user=AnonymousUser` it is offered."""
    write_tree(tmp_path, {
        "flaglint.toml": 'presets = []\n\n[[readers]]\ncall = "app.ff.flag_set"\nkey = 0\n',
        "flags.toml": '[flags.skip_invalid]\ntype = "release"\nowner = "a"\n'
                      'status = "rolled-out"\nvalue = true\n',
        "app/__init__.py": "",
        "app/ff.py": "class AnonymousUser:\n    pass\n\n\n"
                     "def flag_set(key, user=None):\n    return False\n",
        "app/scan.py": "from app.ff import AnonymousUser, flag_set\n\n\n"
                       "def scan(ser):\n"
                       '    a = not flag_set("skip_invalid", user=AnonymousUser())\n'
                       '    b = not flag_set("skip_invalid", user=AnonymousUser)\n'
                       "    return ser.is_valid(a, b)\n",
    })
    assert main(["check", str(tmp_path), "--no-cache", "--select", "FL202"]) == 1
    assert capsys.readouterr().out.splitlines()[:2] == [
        "app/scan.py:5:13: FL202 [skip_invalid] Flag `skip_invalid` is rolled out with value "
        "`true`; this read always yields it, so the code still branches on a constant; no "
        "fix: a literal in its place would drop an argument that calls or computes something "
        "(or the call does more than read)",
        "app/scan.py:6:13: FL202 [*] [skip_invalid] Flag `skip_invalid` is rolled out with "
        "value `true`; this read always yields it, so the code still branches on a constant"]


@pytest.mark.parametrize(("namespace", "imported"), [
    ("django.conf.settings", "from django.conf import settings"),
    ("app.conf", "from app import conf as settings")])
def test_a_setting_read_as_an_attribute_has_no_type_of_its_own(tmp_path, capsys, namespace,
                                                               imported):
    """Wagtail: `settings.WAGTAILIMAGES_IMAGE_MODEL != "wagtailimages.Image"` beside
    `getattr(settings, "WAGTAILIMAGES_IMAGE_MODEL", "wagtailimages.Image")` was FL105, "read
    as str here but as bool": a namespace of Django's settings took every attribute read for
    a boolean. A setting may hold anything; only a default says what. So may a namespace
    of a module (django-helpdesk's `helpdesk_settings.HELPDESK_TEAMS_MODEL`)."""
    write_tree(tmp_path, {
        "flaglint.toml": 'registry = ["flags.toml"]\n\n[[definitions]]\n'
                         'namespace = "django.conf.settings"\nprefix = "APP_"\n\n'
                         f'[[definitions]]\nnamespace = "{namespace}"\nprefix = "APP_"\n',
        "flags.toml": '[flags.APP_IMAGE_MODEL]\ntype = "operational"\nowner = "me"\n'
                      'expires = 2099-01-01\n',
        "app/__init__.py": "",
        "app/conf.py": "APP_IMAGE_MODEL = 'app.Image'\n",
        "app/admin.py": f"{imported}\n\n"
                        'if settings.APP_IMAGE_MODEL != "app.Image":\n    CUSTOM = True\n',
        "app/models.py": "from django.conf import settings\n\n\ndef model():\n"
                         '    return getattr(settings, "APP_IMAGE_MODEL", "app.Image")\n',
    })
    assert main(["check", str(tmp_path), "--no-cache", "--select", "FL105"]) == 0
    capsys.readouterr()


@pytest.mark.parametrize("imported", ["from app.legacy import legacy",
                                      "from .legacy import legacy"])
def test_a_dead_helper_named_as_its_module_is_dead(tmp_path, capsys, imported):
    """pulpcore's trial: `instrumentation()` in `content/instrumentation.py`, called only
    where `OTEL_ENABLED` (settled) is not, was no FL302: `from app.legacy import legacy`
    counted the module's name, `legacy`, as a value some live code uses."""
    write_tree(tmp_path, {
        "flaglint.toml": 'presets = []\n\n[[readers]]\ncall = "app.ff.flag_set"\nkey = 0\n',
        "flags.toml": '[flags.otel]\ntype = "release"\nowner = "a"\nstatus = "rolled-out"\n'
                      'value = true\n',
        "app/__init__.py": "",
        "app/ff.py": "def flag_set(key):\n    return True\n",
        "app/legacy.py": "def legacy():\n    return ['guid']\n",
        "app/views.py": f"from app.ff import flag_set\n{imported}\n\n\n"
                        "def build():\n    if flag_set('otel'):\n        return ['otel']\n"
                        "    return legacy()\n",
    })
    assert main(["check", str(tmp_path), "--no-cache", "--select", "FL302"]) == 1
    assert capsys.readouterr().out.splitlines()[0].startswith(
        "app/legacy.py:1:1: FL302 [*] [otel] Function `legacy` is called only from code that "
        "can never run")


def test_a_retired_flag_read_through_a_modules_namespace_is_not_settled(tmp_path, capsys):
    """django-helpdesk: its settings module binds `X = getattr(settings, "X", True)`, read
    elsewhere as `helpdesk_settings.X`; the flag retired, that read was taken to yield false
    (FL301 on the code that runs) and `--unsafe-fixes` made `can_edit` return False. What
    a namespace's attribute yields once its flag is retired is what the namespace's code
    binds it to, which flaglint does not evaluate: FL404 only, as a Django setting's."""
    write_tree(tmp_path, {
        "flaglint.toml": 'registry = ["flags.toml"]\n\n[[definitions]]\n'
                         'namespace = "app.settings"\nprefix = "APP_"\n',
        "flags.toml": '[flags.APP_SHOW_EDIT]\ntype = "release"\nowner = "me"\n'
                      'status = "retired"\nretired = 2025-06-01\n',
        "app/__init__.py": "",
        "app/settings.py": "APP_SHOW_EDIT = True\n",
        "app/perms.py": "from app import settings as app_settings\n\n\n"
                        "def can_edit(owner, user):\n"
                        "    if not app_settings.APP_SHOW_EDIT:\n        return False\n"
                        "    return user == owner\n",
    })
    main(["check", str(tmp_path), "--no-cache", "--today", "2025-07-01"])
    assert [line.split(" [")[0] for line in capsys.readouterr().out.splitlines()[:-1]] == [
        "app/perms.py:5:12: FL404"]
