"""`flaglint clean KEY --value V`: the Piranha job for Python, across modules."""

from __future__ import annotations

import ast
import itertools
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from flaglint.cli import main
from flaglint.fixes import rounds

from .conftest import write_tree

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "FL302-dead-symbol" / \
    "helper-in-other-module"


def copy_fixture(tmp_path: Path) -> Path:
    target = tmp_path / "shop-project"
    shutil.copytree(FIXTURE, target, ignore=shutil.ignore_patterns("expected.json"))
    return target


def snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in sorted(root.rglob("*"))
            if p.is_file()}


def test_dry_run_prints_a_diff_and_writes_nothing(tmp_path, capsys):
    root = copy_fixture(tmp_path)
    before = snapshot(root)
    assert main(["clean", "new_checkout", "--value", "true", "--dry-run", str(root)]) == 0
    out, err = capsys.readouterr()
    assert snapshot(root) == before
    assert "--- a/shop/checkout.py\n+++ b/shop/checkout.py\n" in out
    assert "-def legacy_total(cart):\n" in out
    assert "-[flags.new_checkout]\n" in out
    assert err == ("Flag `new_checkout` settled to `true`: would change 2 files; 1 read "
                   "replaced, 1 branch collapsed, 2 dead helpers and 1 definition deleted.\n"
                   "Would delete 1 public definition (wrappers of `new_checkout`, or code "
                   "only the removed branches called) nothing in the project calls any more: "
                   "shop/legacy.py `legacy_total`; code outside the project that calls it (a "
                   "library's users) breaks: keep its definition if any does.\n"
                   "[flags.new_checkout] would be removed in flags.toml.\n")


def test_clean_removes_branch_helpers_imports_and_registry_entry(tmp_path, capsys):
    root = copy_fixture(tmp_path)
    assert main(["clean", "new_checkout", "--value", "true", str(root)]) == 0
    assert capsys.readouterr().out.startswith("Flag `new_checkout` settled to `true`: changed 2 "
                                              "files;")
    after = snapshot(root)
    # The SDK client nothing uses any more goes too, with its import.
    assert after["shop/checkout.py"] == (
        "from shop.pricing import round_cents\n"
        "\n"
        "\n"
        "def total(cart, user):\n"
        "    # The new checkout prices in one pass.\n"
        "    amount = sum(item.price for item in cart)\n"
        "    return round_cents(amount)\n")
    assert after["shop/legacy.py"] == (
        '"""The pre-2026 checkout."""\n'
        "\n"
        "\n"
        "def still_used_by_reports(cart):\n"
        "    return len(cart)\n")
    assert after["flags.toml"] == ""
    for name, text in after.items():
        if name.endswith(".py"):
            ast.parse(text)
    # Nothing is left to clean: the flag is gone.
    assert main(["check", str(root), "--no-cache"]) == 0
    capsys.readouterr()
    assert main(["clean", "new_checkout", "--value", "true", str(root)]) == 2
    assert capsys.readouterr().err == ("flaglint: error: flag `new_checkout` is neither "
                                       "declared nor read in this project\n")


# A wrapper of `beta_search`, in a package read with the Unleash preset
BETA_WRAPPER = {
    "pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n',
    "app/__init__.py": "",
    "app/flags.py": """
        def beta_search_on(user):
            return client.is_enabled("beta_search", user)
    """,
}


def test_clean_false_keeps_the_else_and_can_leave_a_tombstone(tmp_path, capsys):
    write_tree(tmp_path, {
        **BETA_WRAPPER,
        "flags.toml": """
            # Flags of the shop.
            [flags.beta_search]
            type = "release"
            owner = "search"

            [flags.other]
            type = "kill-switch"
            owner = "ops"
        """,
        "app/search.py": """
            from app.flags import beta_search_on


            def search(q, user):
                if beta_search_on(user):
                    return beta(q)
                return classic(q)


            def beta(q):
                return q.upper()


            def classic(q):
                return q
        """,
        "app/other.py": 'client.is_enabled("other")\n',
    })
    assert main(["clean", "beta_search", "--value", "false", "--tombstone", "--today",
                 "2026-11-23", str(tmp_path)]) == 0
    capsys.readouterr()
    assert (tmp_path / "app/search.py").read_text() == (
        "def search(q, user):\n"
        "    return classic(q)\n"
        "\n"
        "\n"
        "def classic(q):\n"
        "    return q\n")
    # The wrapper's body was replaced and nothing calls it any more: it is gone too.
    assert (tmp_path / "app/flags.py").read_text() == ""
    assert (tmp_path / "flags.toml").read_text() == (
        "# Flags of the shop.\n"
        "[flags.beta_search]\n"
        'status = "retired"\n'
        "retired = 2026-11-23\n"
        "\n"
        "[flags.other]\n"
        'type = "kill-switch"\n'
        'owner = "ops"\n')


def test_clean_keeps_a_wrapper_a_string_names_however_it_is_spelled(tmp_path, capsys):
    """The files that may name a wrapper are found by their text and their symbol summary:
    a string spelled with an escape does not hold the name as written, and still names it
    (a handler table looked up by name)."""
    write_tree(tmp_path, {
        **BETA_WRAPPER,
        "flags.toml": '[flags.beta_search]\ntype = "release"\nowner = "search"\n',
        "app/search.py": """
            from app.flags import beta_search_on


            def search(q, user):
                return beta_search_on(user)
        """,
        "app/handlers.py": 'client.is_enabled("other")\n'
                           'HANDLERS = {"search": "beta_search_\\x6fn"}\n',
    })
    assert main(["clean", "beta_search", "--value", "false", str(tmp_path)]) == 0
    capsys.readouterr()
    assert (tmp_path / "app/search.py").read_text() == (
        "def search(q, user):\n"
        "    return False\n")
    assert (tmp_path / "app/flags.py").read_text() == (
        "def beta_search_on(user):\n"
        "    return False\n")


def test_clean_keeps_the_entry_while_a_read_it_cannot_replace_is_left(tmp_path, capsys):
    flags = '[flags.theme]\ntype = "experiment"\nowner = "ui"\n'
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n',
        "flags.toml": flags,
        "app.py": 'variant = client.get_variant("theme")\nif client.is_enabled("theme"):\n'
                  '    dark()\n',
    })
    assert main(["clean", "theme", "--value", "dark", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[1:] == [
        "app.py:1:11: a read of `theme` is left (outside the named paths, in tests left alone, "
        "or its value or arguments cannot be replaced); change it by hand.",
        "[flags.theme] kept: 1 read of it is left.",
    ]
    assert (tmp_path / "app.py").read_text() == (
        'variant = client.get_variant("theme")\ndark()\n')
    assert (tmp_path / "flags.toml").read_text() == flags


def test_clean_lists_what_still_names_the_key(tmp_path, capsys):
    write_tree(tmp_path, {
        "flags.toml": '[flags.new_ui]\nowner = "web"\ntype = "release"\n',
        "app.py": "from UnleashClient import UnleashClient\nc = UnleashClient()\n\n\n"
                  "def view():\n    # new_ui: the redesigned page\n"
                  "    if c.is_enabled('new_ui'):\n        return 'new'\n    return 'old'\n",
        "docs/flags.md": "# Flags\n\n- `new_ui`: the redesigned page\n- new_ui_v2: later\n",
        "logo.png": "\0PNG new_ui",
        "static/app.min.js": "var a=1;" * 200 + 'f("new_ui");\n',
    })
    assert main(["clean", "new_ui", "--value", "true", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    # A longer name (`new_ui_v2`), a binary file and a minified line are not mentions.
    assert out.splitlines()[-1] == ("Still naming `new_ui` (comments, docs, other files; not "
                                    "edited): app.py:2, docs/flags.md:3.")


def test_clean_drops_the_import_of_a_deleted_wrapper_from_files_read_light(tmp_path, capsys):
    """Once the wrapper's read is settled it is no wrapper, so files that only import it are
    read light; their import of it must go with it (it once stayed, an ImportError)."""
    import importlib
    import sys

    case = Path(__file__).resolve().parent.parent / "bench" / "removals" / "wrapper"
    root = tmp_path / "wrapper"
    shutil.copytree(case / "before", root)
    assert main(["clean", "new_checkout", "--value", "true", str(root)]) == 0
    capsys.readouterr()
    for name in ("shop/cart.py", "shop/flags.py", "shop/views.py"):
        assert ast.dump(ast.parse((root / name).read_text())) == \
            ast.dump(ast.parse((case / "expected" / name).read_text())), name
    sys.path.insert(0, str(root))
    for module in [m for m in sys.modules if m == "shop" or m.startswith("shop.")]:
        del sys.modules[module]  # another test's `shop` package
    importlib.invalidate_caches()
    try:
        assert importlib.import_module("shop.cart").total([10, 10]) == 18
        # The parameter the cleanup left unread went, at the test's call too.
        assert "total([10, 10]) == 18" in (root / "tests" / "test_cart.py").read_text()
    finally:
        sys.path.remove(str(root))
        for module in [m for m in sys.modules if m == "shop" or m.startswith("shop.")]:
            del sys.modules[module]


def test_clean_drops_a_parameter_it_left_unread_and_its_arguments(tmp_path, capsys):
    write_tree(tmp_path, {
        "flags.toml": '[flags.rich]\nowner = "mail"\ntype = "release"\n',
        "mail/__init__.py": "",
        "mail/render.py": '''
            from UnleashClient import UnleashClient

            client = UnleashClient()


            def render(user, style, size=1):
                if client.is_enabled("rich"):
                    return f"<b>{user}</b>" * size
                return f"<{style}>{user}" * size
            ''',
        "mail/send.py": '''
            from mail.render import render


            def send(user):
                return render(user, "plain")


            def shout(user):
                return render(user, style="i", size=3)
            ''',
    })
    assert main(["clean", "rich", "--value", "true", str(tmp_path)]) == 0
    capsys.readouterr()
    assert "def render(user, size=1):\n" in (tmp_path / "mail" / "render.py").read_text()
    assert (tmp_path / "mail" / "send.py").read_text() == (
        "from mail.render import render\n\n\ndef send(user):\n    return render(user)\n\n\n"
        "def shout(user):\n    return render(user, size=3)\n")



def test_clean_keeps_the_parameters_of_a_function_passed_around(tmp_path, capsys):
    write_tree(tmp_path, {
        "flags.toml": '[flags.rich]\nowner = "mail"\ntype = "release"\n',
        "app.py": "from UnleashClient import UnleashClient\nclient = UnleashClient()\n\n\n"
                  "def render(user, style):\n    if client.is_enabled('rich'):\n"
                  "        return user\n    return style + user\n\n\n"
                  "HANDLERS = [render]\n\n\ndef send(user):\n    return render(user, 'b')\n"})
    assert main(["clean", "rich", "--value", "true", str(tmp_path)]) == 1
    assert capsys.readouterr().out.endswith(
        "app.py:1: `render` keeps `style`, now unread (not every call can be seen): "
        "app.py:5:13: use (render).\n")
    text = (tmp_path / "app.py").read_text()
    assert "def render(user, style):\n    return user\n" in text  # HANDLERS may pass style
    assert "return render(user, 'b')" in text


def test_clean_edits_the_tests_that_patch_what_it_removed(tmp_path, capsys):
    """A patch of a removed wrapper goes (with the mock parameter its decorator passed); a
    test that patched it to the other value exercised the removed branch, and goes."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n',
        "flags.toml": '[flags.new_checkout]\nowner = "shop"\ntype = "release"\n',
        "shop/__init__.py": "",
        "shop/flags.py": '''
            from UnleashClient import UnleashClient

            client = UnleashClient()


            def new_checkout_on():
                return client.is_enabled("new_checkout")
            ''',
        "shop/cart.py": '''
            from shop.flags import new_checkout_on


            def total(cart):
                if new_checkout_on():
                    return sum(cart) * 0.9
                return sum(cart)
            ''',
        "tests/test_cart.py": '''
            from unittest import mock

            from shop.cart import total


            def test_discount(mocker):
                mocker.patch("shop.flags.new_checkout_on", return_value=True)
                assert total([10]) == 9


            def test_no_discount(mocker):
                mocker.patch("shop.flags.new_checkout_on", return_value=False)
                assert total([10]) == 10


            @mock.patch("shop.flags.new_checkout_on")
            @mock.patch("shop.cart.print", create=True)
            def test_decorated(printer, flag):
                with mock.patch("shop.flags.new_checkout_on", return_value=True):
                    assert total([10]) == 9
            ''',
    })
    assert main(["clean", "new_checkout", "--value", "true", str(tmp_path)]) == 0
    capsys.readouterr()
    assert (tmp_path / "tests" / "test_cart.py").read_text() == (
        "from unittest import mock\n\nfrom shop.cart import total\n\n\n"
        "def test_discount(mocker):\n    assert total([10]) == 9\n\n\n"
        "@mock.patch(\"shop.cart.print\", create=True)\n"
        "def test_decorated(printer):\n    assert total([10]) == 9\n")


def test_clean_deletes_a_definition_call_of_its_own(tmp_path, capsys):
    """Sentry-style `manager.add("org:x", …)` statements define flags: the cleaned one goes."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.readers]]\n'
                          'call = "app.features.has"\nkey = 0\n\n'
                          '[[tool.flaglint.definitions]]\ncall = "app.features.add"\nkey = 0\n',
        "app/__init__.py": "",
        "app/features.py": "FEATURES = {}\n\n\ndef add(name, default=False):\n"
                           "    FEATURES[name] = default\n\n\ndef has(name):\n"
                           "    return FEATURES[name]\n\n\n"
                           "add(\"org:new-ui\")\nadd(\"org:dark\", default=True)\n",
        "app/views.py": "from app import features\n\n\ndef page():\n"
                        "    return 'new' if features.has('org:new-ui') else 'old'\n",
    })
    assert main(["clean", "org:new-ui", "--value", "true", str(tmp_path)]) == 0
    capsys.readouterr()
    text = (tmp_path / "app" / "features.py").read_text()
    assert "org:new-ui" not in text and text.endswith("add(\"org:dark\", default=True)\n")
    ast.parse(text)


def test_clean_deletes_a_wrapper_only_tests_use_and_those_tests(tmp_path, capsys):
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n',
        "flags.toml": '[flags.new_checkout]\nowner = "shop"\ntype = "release"\n',
        "shop/__init__.py": "",
        "shop/flags.py": '''
            from UnleashClient import UnleashClient

            client = UnleashClient()


            def new_checkout_on():
                return client.is_enabled("new_checkout")
            ''',
        "shop/cart.py": '''
            from shop.flags import new_checkout_on


            def total(cart):
                return sum(cart) * (0.9 if new_checkout_on() else 1)
            ''',
        "tests/test_flags.py": '''
            from shop.flags import new_checkout_on as on


            def test_the_wrapper_reads_the_flag():
                assert on() in (True, False)


            def test_something_else():
                assert 1 + 1 == 2
            ''',
    })
    assert main(["clean", "new_checkout", "--value", "true", str(tmp_path)]) == 0
    capsys.readouterr()
    assert "new_checkout_on" not in (tmp_path / "shop" / "flags.py").read_text()
    assert (tmp_path / "tests" / "test_flags.py").read_text() == (
        "def test_something_else():\n    assert 1 + 1 == 2\n")
    assert (tmp_path / "shop" / "cart.py").read_text() == (
        "def total(cart):\n    return sum(cart) * 0.9\n")


def test_clean_narrows_a_test_parametrised_over_the_flags_values(tmp_path, capsys):
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n',
        "flags.toml": '[flags.new_checkout]\nowner = "shop"\ntype = "release"\n',
        "shop/__init__.py": "",
        "shop/flags.py": "from UnleashClient import UnleashClient\n\nclient = UnleashClient()"
                         "\n\n\ndef new_checkout_on():\n"
                         "    return client.is_enabled('new_checkout')\n",
        "shop/cart.py": "from shop import flags\n\n\ndef total(cart):\n"
                        "    return sum(cart) * (0.9 if flags.new_checkout_on() else 1)\n",
        "tests/test_cart.py": '''
            import pytest

            from shop.cart import total


            @pytest.mark.parametrize("enabled", [True, False])
            def test_total(mocker, enabled):
                mocker.patch("shop.flags.new_checkout_on", return_value=enabled)
                assert total([10]) == (9 if enabled else 10)
            ''',
    })
    assert main(["clean", "new_checkout", "--value", "true", str(tmp_path)]) == 0
    capsys.readouterr()
    assert (tmp_path / "tests" / "test_cart.py").read_text() == (
        "import pytest\n\nfrom shop.cart import total\n\n\n"
        "@pytest.mark.parametrize(\"enabled\", [True])\n"
        "def test_total(mocker, enabled):\n    assert total([10]) == (9 if enabled else 10)\n")


def test_clean_specialises_a_parameter_every_call_now_passes_alike(tmp_path, capsys):
    """`render(user, rich=flag())` everywhere: once the read is `True`, `rich` is `True` in
    `render`'s tests, and then unread, so it goes with its arguments."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n',
        "flags.toml": '[flags.rich]\nowner = "mail"\ntype = "release"\n',
        "mail.py": '''
            from UnleashClient import UnleashClient

            client = UnleashClient()


            def send(user):
                return render(user, rich=client.is_enabled("rich"))


            def shout(user):
                return render(user.upper(), client.is_enabled("rich"))


            def render(user, rich=False):
                if rich:
                    return f"<b>{user}</b>"
                return user


            def debug(user, verbose):
                return render(user, verbose)
            ''',
    })
    assert main(["clean", "rich", "--value", "true", str(tmp_path)]) == 0
    capsys.readouterr()
    text = (tmp_path / "mail.py").read_text()
    # `debug` passes a parameter of its own: not every call passes `True`, so `rich` stays.
    assert "def render(user, rich=False):\n    if rich:" in text
    assert "return render(user, rich=True)" in text


def test_clean_leaves_parameters_the_flag_never_decided(tmp_path, capsys):
    """A recursive function called with a literal `True` from outside and `False` from
    inside: neither call is the flag's, so `clean` leaves it as it was (it once made
    `is_root` always true, dropped it and its outside argument, and the recursive call then
    raised TypeError). A parameter every call passed alike before the cleanup is not the
    flag's either."""
    write_tree(tmp_path, {
        "flaglint.toml": 'presets = []\n\n[[readers]]\ncall = "app.cfg.get_option"\n'
                         'key = 0\n',
        "flags.toml": '[flags."x.flag"]\ntype = "release"\nowner = "me"\n',
        "app/__init__.py": "",
        "app/cfg.py": """
            OPTIONS = {"x.flag": False}


            def get_option(key):
                return OPTIONS[key]
            """,
        "app/walk.py": """
            from app import cfg


            def run():
                return walk([1, [2]], True), label("x", True)


            def walk(items, is_root):
                out = []
                for item in items:
                    if isinstance(item, list):
                        out += walk(item, False)
                if is_root:
                    out.append("root-only")
                return out


            def label(text, loud):
                return text.upper() if loud else text


            def show():
                if cfg.get_option("x.flag"):
                    return "shown"
                return "hidden"
            """,
    })
    before = (tmp_path / "app" / "walk.py").read_text()
    assert main(["clean", "x.flag", "--value", "false", "--no-cache", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "1 read replaced, 1 branch collapsed, 0 dead helpers" in out
    assert '[flags."x.flag"] removed in flags.toml.' in out
    after = (tmp_path / "app" / "walk.py").read_text()
    assert after == before.replace("from app import cfg\n\n\n", "").replace(
        '    if cfg.get_option("x.flag"):\n        return "shown"\n', "")
    probe = subprocess.run([sys.executable, "-c", "from app.walk import run, show; "
                            "print(run(), show())"], cwd=tmp_path, capture_output=True,
                           text=True, check=True)
    assert probe.stdout == "(['root-only'], 'X') hidden\n"


def test_clean_keeps_a_wrapper_method_nothing_in_the_project_calls(tmp_path, capsys):
    """Weblate's `WeblateStrategy.request_is_secure` returns the flag and overrides a method
    social-auth calls; `logging.Formatter.usesTime` here, which `format()` calls. Nothing in
    the project calls either, and `clean` deleted them as unused public wrappers (the
    records lost `asctime`): a method stays, its read settled."""
    write_tree(tmp_path, {
        "flaglint.toml": 'presets = []\n\n[[readers]]\ncall = "app.flags.is_on"\nkey = 0\n',
        "flags.toml": '[flags.ts]\ntype = "release"\nowner = "me"\n',
        "app/__init__.py": "",
        "app/flags.py": "def is_on(key):\n    return True\n",
        "app/logfmt.py": """
            import logging

            from app.flags import is_on


            class Formatter(logging.Formatter):
                def usesTime(self):
                    return is_on("ts")


            def uses_time():
                return is_on("ts")
            """,
    })
    assert main(["clean", "ts", "--value", "true", "--no-cache", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Deleted 1 public definition (wrappers of `ts`, or code only the removed branches " \
           "called) nothing in the project calls any more: app/logfmt.py `uses_time`" in out
    assert (tmp_path / "app" / "logfmt.py").read_text() == (
        "import logging\n\n\nclass Formatter(logging.Formatter):\n"
        "    def usesTime(self):\n        return True\n")
    probe = subprocess.run([sys.executable, "-c", "import logging; from app.logfmt import "
                            "Formatter; r = logging.LogRecord('n', 20, 'p', 1, 'm', None, None); "
                            "Formatter('%(message)s').format(r); print(hasattr(r, 'asctime'))"],
                           cwd=tmp_path, capture_output=True, text=True, check=True)
    assert probe.stdout == "True\n"


def dask_like(root: Path, key: str, core: str, test: str) -> str:
    """A project configured as dask is (`config.get(key)` reads, `with config.set({key:
    value}):` sets) declaring `key`, with `core` in pkg/core.py and `test` its test module;
    the test module's text."""
    write_tree(root, {
        "flaglint.toml": 'presets = []\n\n[[readers]]\ncall = "pkg.config.get"\nkey = 0\n',
        "flags.toml": f'[flags."{key}"]\ntype = "release"\nowner = "me"\n',
        "pkg/__init__.py": "",
        "pkg/config.py": "import contextlib\n\n_cfg = {}\n\n\ndef get(key, default=None):\n"
                         "    return _cfg.get(key, default)\n\n\n@contextlib.contextmanager\n"
                         "def set(values):\n    old = dict(_cfg)\n    _cfg.update(values)\n"
                         "    try:\n        yield\n    finally:\n        _cfg.clear()\n"
                         "        _cfg.update(old)\n",
        "pkg/core.py": "from pkg import config\n\n\n" + core,
        "tests/test_core.py": test,
    })
    return (root / "tests" / "test_core.py").read_text()


def test_clean_leaves_and_names_a_test_that_sets_the_flag_to_a_variable(tmp_path, capsys):
    """dask's `@pytest.mark.parametrize("fuse", [True, False])` then `with config.set(
    {"fuse.active": fuse}):`: the test ran under both values. `clean` unwrapped it as if it
    set the settled value (its comments went too) and exited 0; the False case then
    failed. It is left as it is now, and named: exit 1."""
    test = """
        import pytest

        from pkg import config
        from pkg.core import optimize


        @pytest.mark.parametrize("fuse", [True, False])
        def test_param(fuse):
            with config.set({"fuse.active": fuse}):
                y = optimize(1)
                # why the assert below holds
            assert y == (1 if fuse is False else 2)
        """
    before = dask_like(tmp_path, "fuse.active", "def optimize(x):\n"
                       "    if config.get('fuse.active') is False:\n        return x\n"
                       "    return x + 1\n", test)
    assert main(["clean", "fuse.active", "--value", "true", "--no-cache", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "Tests set `fuse.active` to a value only running them tells (tests/test_core.py:8" \
           " `test_param`: a parametrized test's, a name's, an attribute's): a test that ran " \
           "under the other value ran code that is gone; adapt them (left as they are)." in out
    assert (tmp_path / "tests" / "test_core.py").read_text() == before


def test_clean_leaves_and_names_a_test_helper_that_sets_the_other_value(tmp_path, capsys):
    """dask's `check_tokenize` helper sets `tokenize.ensure-deterministic` for every test
    that calls it: unwrapped by `clean … --value false`, it no longer checked what they
    meant, and nothing said so. It is left as it is and named: exit 1."""
    test = """
        from pkg import config
        from pkg.core import strict


        def check(x):
            with config.set({"strict.mode": True}):
                return strict(x)


        def test_uses_helper():
            assert check(1) == 1
        """
    before = dask_like(tmp_path, "strict.mode", "def strict(x):\n"
                       "    if config.get('strict.mode') and x < 0:\n"
                       "        raise ValueError(x)\n    return x\n", test)
    assert main(["clean", "strict.mode", "--value", "false", "--no-cache", str(tmp_path)]) == 1
    assert "Test helpers or autouse fixtures set `strict.mode` to another value than " \
           "`false` (tests/test_core.py:5 `check`): the tests that call or use them ran under " \
           "the code the clean removed; adapt them and those tests (left as they are)." \
           in capsys.readouterr().out
    assert (tmp_path / "tests" / "test_core.py").read_text() == before


def test_clean_leaves_and_names_an_autouse_fixture_that_sets_the_other_value(tmp_path,
                                                                              capsys):
    """prefect's autouse `set_new_engine_setting` set `NEW_ENGINE` on for every test of its
    module: `clean … --value false` deleted the fixture and kept its tests, unnamed (exit 0),
    and six failed. No test names an autouse fixture, so none would go with it: it is left
    as it is and named, exit 1. One that sets the value the flag keeps goes, and one left
    with a bare `yield` goes too (it was left doing nothing)."""
    test = """
        import pytest

        from pkg import config
        from pkg.core import strict


        @pytest.fixture(autouse=True)
        def strict_on():
            with config.set({"strict.mode": True}):
                yield


        def test_negative():
            with pytest.raises(ValueError):
                strict(-1)
        """
    before = dask_like(tmp_path, "strict.mode", "def strict(x):\n"
                       "    if config.get('strict.mode') and x < 0:\n"
                       "        raise ValueError(x)\n    return x\n", test)
    assert _pytest(tmp_path) == "1 passed"
    assert main(["clean", "strict.mode", "--value", "false", "--no-cache", str(tmp_path)]) == 1
    assert "Test helpers or autouse fixtures set `strict.mode` to another value than " \
           "`false` (tests/test_core.py:8 `strict_on`)" in capsys.readouterr().out
    assert (tmp_path / "tests" / "test_core.py").read_text() == before
    other = tmp_path / "keeps"
    dask_like(other, "strict.mode", "def strict(x):\n"
              "    if config.get('strict.mode') and x < 0:\n"
              "        raise ValueError(x)\n    return x\n",
              test.replace("True", "False").replace(
                  "with pytest.raises(ValueError):\n                strict(-1)",
                  "assert strict(-1) == -1"))
    assert _pytest(other) == "1 passed"
    assert main(["clean", "strict.mode", "--value", "false", "--no-cache", str(other)]) == 0
    capsys.readouterr()
    assert (other / "tests" / "test_core.py").read_text() == (
        "from pkg.core import strict\n\n\ndef test_negative():\n"
        "    assert strict(-1) == -1\n")
    assert _pytest(other) == "1 passed"


# prefect's settings: objects read by `.value()` (and truth), set in tests through
# `temporary_settings({SETTING: value})`
PREFECT_LIKE = """\
import contextlib

_SET = {}


class Setting:
    def __init__(self, default=False):
        self.default = default

    def value(self):
        return _SET.get(id(self), self.default)

    def __bool__(self):
        return bool(self.value())


@contextlib.contextmanager
def temporary_settings(updates):
    _SET.update({id(k): v for k, v in updates.items()})
    yield
    _SET.clear()


"""
PREFECT_CONFIG = {"flaglint.toml": '[[definitions]]\ncall = "app.settings.Setting"\n'
                                   'bound_name = true\nreads = ["value"]\n',
                  "app/__init__.py": ""}


def test_a_flag_object_an_autouse_fixture_left_sets_keeps_its_definition(tmp_path, capsys):
    """prefect's settings are objects (`NEW_ENGINE = Setting(bool)`) that tests set with
    `temporary_settings({NEW_ENGINE: True})`. With the autouse fixture that sets it left,
    deleting the definition took the entry out of its dict (`temporary_settings({})`),
    silently. The definition stays while a test setting is left, and both are named."""
    write_tree(tmp_path, {
        **PREFECT_CONFIG,
        "app/settings.py": PREFECT_LIKE + "NEW_ENGINE = Setting()\n",
        "app/engine.py": """
            from app.settings import NEW_ENGINE


            def run():
                if NEW_ENGINE.value():
                    return "new"
                return "old"
            """,
        "tests/test_engine.py": """
            import pytest

            from app.engine import run
            from app.settings import NEW_ENGINE, temporary_settings


            @pytest.fixture(autouse=True)
            def new_engine_on():
                with temporary_settings({NEW_ENGINE: True}):
                    yield


            def test_new():
                assert run() == "new"
            """,
    })
    before = (tmp_path / "tests" / "test_engine.py").read_text()
    assert main(["clean", "NEW_ENGINE", "--value", "false", "--no-cache", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "app/settings.py:24: `NEW_ENGINE` is defined here in code; remove the definition " \
           "by hand." in out
    assert "(tests/test_engine.py:8 `new_engine_on`)" in out
    assert (tmp_path / "tests" / "test_engine.py").read_text() == before
    assert (tmp_path / "app" / "settings.py").read_text().endswith("NEW_ENGINE = Setting()\n")


def test_a_definition_code_keeps_is_refused_once_naming_that_use(tmp_path, capsys):
    """prefect's `return PREFECT_EXPERIMENTAL_EVENTS and TRIGGERS` uses the setting
    otherwise than by a read: `clean` keeps its definition and exits 1, naming that use;
    the refusal was said twice, once naming an import the clean had deleted. (The tests'
    settings of it go, and a test of that use may fail: README, known limitations.)"""
    write_tree(tmp_path, {
        **PREFECT_CONFIG,
        "app/settings.py": PREFECT_LIKE + "EVENTS = Setting()\n",
        "app/api.py": """
            from app.settings import EVENTS


            def events_on():
                if EVENTS.value():
                    return "events"
                return "none"


            def automations():
                return bool(EVENTS)
            """,
        "tests/test_api.py": """
            from app.api import automations, events_on
            from app.settings import EVENTS, temporary_settings


            def test_events_on():
                with temporary_settings({EVENTS: True}):
                    assert events_on() == "events"


            def test_automations():
                with temporary_settings({EVENTS: True}):
                    assert automations()
            """,
    })
    before = (tmp_path / "tests" / "test_api.py").read_text()
    assert _pytest(tmp_path) == "2 passed"
    assert main(["clean", "EVENTS", "--value", "true", "--no-cache", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert out.count("`EVENTS` not deleted") == 1
    assert "app/settings.py:24: `EVENTS` not deleted: app/api.py:1:1: import (from " \
           "app.settings import EVENTS); app/api.py:9:17: use (EVENTS).\n" in out
    assert "return \"events\"\n" in (tmp_path / "app" / "api.py").read_text()
    assert (tmp_path / "tests" / "test_api.py").read_text() != before


def test_check_fix_names_the_tests_that_set_a_settled_flag_otherwise(tmp_path, capsys):
    """prefect's `test_serve_raises_if_task_scheduling_not_enabled` sets the flag off and
    expects the `raise` that `check --fix` removed (the flag rolled out): it failed after the
    fix, and nothing said so. `--fix` never deletes a test; it names those left."""
    dask_like(tmp_path, "sched.on", "def serve():\n    if not config.get('sched.on'):\n"
              "        raise RuntimeError('off')\n    return 'serving'\n", """
        import pytest

        from pkg import config
        from pkg.core import serve


        def test_serve():
            with config.set({"sched.on": True}):
                assert serve() == "serving"


        def test_serve_raises_when_off():
            with config.set({"sched.on": False}), pytest.raises(RuntimeError):
                serve()
        """)
    (tmp_path / "flags.toml").write_text('[flags."sched.on"]\ntype = "release"\n'
                                         'owner = "me"\nstatus = "rolled-out"\nvalue = true\n')
    assert main(["check", "--fix", "--no-cache", str(tmp_path)]) == 1  # FL102 is left
    assert "flaglint: warning: tests set `sched.on` otherwise than the fixes settled it " \
           "(tests/test_core.py:12 `test_serve_raises_when_off`): they ran under the code the " \
           "fixes removed; adapt or delete them (`flaglint clean sched.on` deletes the test " \
           "functions among them it can, and names the rest)\n" \
           in capsys.readouterr().err
    assert (tmp_path / "pkg" / "core.py").read_text().endswith(
        "def serve():\n    return 'serving'\n")


def test_check_fix_names_tests_whose_decorator_sets_the_flag_otherwise(tmp_path, capsys):
    """wagtail's `@override_settings(WAGTAIL_WORKFLOW_ENABLED=False)` tests: the decorator is
    not part of the function's text as Python's parser places it, and `check --fix` named
    none of them (clean found all)."""
    write_tree(tmp_path, {
        "flaglint.toml": 'presets = ["django-settings"]\n',
        "flags.toml": '[flags.WORKFLOW_ENABLED]\nowner = "a"\ntype = "release"\n'
                      'status = "rolled-out"\nvalue = true\n',
        "app/__init__.py": "",
        "app/menu.py": "from django.conf import settings\n\n\ndef is_shown():\n"
                       "    if not getattr(settings, 'WORKFLOW_ENABLED', True):\n"
                       "        return False\n    return True\n",
        "tests/__init__.py": "",
        "tests/test_menu.py": """
            from django.test import TestCase, override_settings

            from app.menu import is_shown


            class TestMenu(TestCase):
                @override_settings(WORKFLOW_ENABLED=False)
                def test_hidden(self):
                    self.assertFalse(is_shown())

                def test_shown(self):
                    self.assertTrue(is_shown())
            """})
    assert main(["check", "--fix", "--no-cache", str(tmp_path)]) == 1  # FL102 is left
    assert capsys.readouterr().err.startswith(
        "flaglint: warning: tests set `WORKFLOW_ENABLED` otherwise than the fixes settled it "
        "(tests/test_menu.py:8 `TestMenu.test_hidden`): they ran under the code the fixes "
        "removed; "
        "adapt or delete them (`flaglint clean WORKFLOW_ENABLED` deletes the test functions "
        "among them it can, and names the rest)\n")
    # nautobot: two classes with a test of one name were one test, named twice, at the
    # second's line; each is named once now, by its class
    menu = tmp_path / "tests" / "test_menu.py"
    menu.write_text(menu.read_text().replace("class TestMenu(TestCase):",
                                             "class TestMenu(TestCase):\n    pass\n\n\n"
                                             "class TestOther(TestCase):\n"
                                             "    @override_settings(WORKFLOW_ENABLED=False)\n"
                                             "    def test_hidden(self):\n"
                                             "        self.assertFalse(is_shown())\n\n\n"
                                             "class TestMore(TestCase):", 1))
    (tmp_path / "app" / "menu.py").write_text(
        "from django.conf import settings\n\n\ndef is_shown():\n"
        "    if not getattr(settings, 'WORKFLOW_ENABLED', True):\n"
        "        return False\n    return True\n")
    main(["check", "--fix", "--no-cache", str(tmp_path)])
    assert capsys.readouterr().err.startswith(
        "flaglint: warning: tests set `WORKFLOW_ENABLED` otherwise than the fixes settled it "
        "(tests/test_menu.py:12 `TestOther.test_hidden`, tests/test_menu.py:18 "
        "`TestMore.test_hidden`): ")


def test_check_fix_names_tests_set_otherwise_among_many_of_a_class(tmp_path, capsys):
    """pandas' test classes hold hundreds of tests, a few of which set a flag: only the
    functions and classes naming it are read by libcst (and walked for literal settings),
    and what they say is as a read of the whole file says: tests in nested classes, async
    tests, decorated ones, a dict literal in a test; those that name it nowhere are not
    named."""
    dask_like(tmp_path, "sched.on", "def serve():\n    if not config.get('sched.on'):\n"
              "        raise RuntimeError('off')\n    return 'serving'\n", """
        import pytest

        from pkg import config
        from pkg.core import serve


        def helper():
            return 1


        class TestServe:
            def test_plain(self):
                assert serve() == "serving"

            @pytest.mark.parametrize("x", [1, 2])
            def test_param(self, x):
                assert x

            async def test_async_off(self):
                with config.set({"sched.on": False}):
                    assert helper()

            class TestInner:
                def test_nothing(self):
                    assert True

                def test_inner_off(self):
                    with config.set({"sched.on": False}), pytest.raises(RuntimeError):
                        serve()


        class TestOther:
            def test_x(self):
                assert helper()


        def test_literal():
            given = {"sched.on": False}
            assert given
        """)
    (tmp_path / "flags.toml").write_text('[flags."sched.on"]\ntype = "release"\n'
                                         'owner = "me"\nstatus = "rolled-out"\nvalue = true\n')
    assert main(["check", "--fix", "--no-cache", str(tmp_path)]) == 1  # FL102 is left
    assert capsys.readouterr().err.startswith(
        "flaglint: warning: tests set `sched.on` otherwise than the fixes settled it "
        "(tests/test_core.py:19 `TestServe.test_async_off`, tests/test_core.py:27 "
        "`TestServe.TestInner.test_inner_off`, tests/test_core.py:37 `test_literal`): they "
        "ran under the code the fixes removed; adapt or delete them (`flaglint clean "
        "sched.on` deletes the test functions among them it can, and names the rest)\n")


def test_only_what_names_the_flag_is_read_by_libcst():
    """The text libcst parses for the question: each function or class naming none of
    the flag's words is a `pass`, inside the classes that do too."""
    from flaglint.fixes.flag_settings import _naming_only

    text = textwrap.dedent('''\
        import x


        @deco
        def a():
            return 1


        class T:
            """Doc."""

            def b(self):
                return x.on

            @deco(
                1)
            async def c(self):
                pass

            class U:
                def d(self):
                    pass
        ''')
    assert _naming_only(text, ast.parse(text), re.compile(r"\b(x\.on)\b")) == \
        'import x\n\n\npass\n\n\nclass T:\n    """Doc."""\n\n    def b(self):\n' \
        '        return x.on\n\n    pass\n\n    pass\n'


def test_a_test_sharing_its_name_with_a_deleted_one_stays(tmp_path, capsys):
    """A reviewer's `TestFused.test_basic` (checks through a helper) and `TestUnfused.
    test_basic` (sets the flag off, then goes on): tests emptied by a clean are deleted by
    name, and a rule that judged the pair by one name took the untouched one too."""
    dask_like(tmp_path, "opt.fuse", "def fuse(x):\n"
              "    if config.get('opt.fuse', True) is False:\n        return _unfused(x)\n"
              "    return x + 1\n\n\ndef _unfused(x):\n    return x\n", """
        from pkg import config
        from pkg.core import fuse


        def check(x, expected):
            assert fuse(x) == expected


        class TestFused:
            def test_basic(self):
                check(1, 2)


        class TestUnfused:
            def test_basic(self):
                with config.set({"opt.fuse": False}):
                    assert fuse(1) == 1
                assert fuse(1) == 2
        """)
    assert main(["clean", "opt.fuse", "--value", "true", "--no-cache", str(tmp_path)]) == 0
    assert "Tests deleted, with the code they tested: tests/test_core.py " \
           "`TestUnfused.test_basic`.\n" in capsys.readouterr().out
    assert "class TestFused:\n    def test_basic(self):\n        check(1, 2)\n" in \
        (tmp_path / "tests" / "test_core.py").read_text()
    assert _pytest(tmp_path) == "1 passed"


def test_clean_takes_out_only_the_last_block_of_a_test_that_sets_the_other_value(
        tmp_path, capsys):
    """dask's `test_optimize_blockwise_control_annotations` asserts the default for thirty
    lines, then sets `optimization.annotations.fuse` off in a last `with` block: `clean`
    deleted it whole. A `with` block that ends a test goes alone (the comments above it
    too), and the test stays while it still checks something itself. A block with code
    after it keeps the test whole (what follows may depend on what it did: a local, a mock
    it called, a log it wrote; a reviewer found each). The account names the tests deleted
    and those cut, in classes nested in classes too, at their lines on disk for a dry run."""
    test = """
        from pkg import config
        from pkg.core import fuse


        def test_last_block():
            a = fuse(1)
            assert a == 2

            # Off, it does not fuse.
            with config.set({"opt.fuse": False}):
                assert fuse(1) == 1


        def test_last_block_checks_nothing():
            assert fuse(1) == 2
            with config.set({"opt.fuse": False}):
                fuse(1)


        def test_block_then_more():
            n = 1
            with config.set({"opt.fuse": False}):
                assert fuse(n) == 1
            assert fuse(n) == 2


        def test_nothing_else_checked():
            def check(x):
                assert fuse(x) == 1

            with config.set({"opt.fuse": False}):
                check(1)


        class TestOuter:
            class TestInner:
                def test_inner(self):
                    assert fuse(0) == 1
                    with config.set({"opt.fuse": False}):
                        assert fuse(0) == 0
        """
    dask_like(tmp_path, "opt.fuse", "def fuse(x):\n"
              "    if config.get('opt.fuse', True) is False:\n        return x\n"
              "    return x + 1\n", test)
    assert _pytest(tmp_path) == "5 passed"
    assert main(["clean", "opt.fuse", "--value", "true", "--no-cache", "--dry-run",
                 str(tmp_path)]) == 0
    # a dry run's account points at the lines of the files as they are
    err = capsys.readouterr().err
    assert "Tests would be deleted, with the code they tested: tests/test_core.py:20 " \
           "`test_block_then_more`, tests/test_core.py:27 `test_nothing_else_checked`.\n" in err
    assert "Tests would be cut, their part that ran the code the clean would remove gone: " \
           "tests/test_core.py:5 `test_last_block` (2 → 1 checks), tests/test_core.py:14 " \
           "`test_last_block_checks_nothing` (1 → 1 checks), tests/test_core.py:37 " \
           "`TestOuter.TestInner.test_inner` (2 → 1 checks).\n" in err
    assert main(["clean", "opt.fuse", "--value", "true", "--no-cache", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "tests" / "test_core.py").read_text() == (
        "from pkg.core import fuse\n\n\n"
        "def test_last_block():\n    a = fuse(1)\n    assert a == 2\n\n\n"
        "def test_last_block_checks_nothing():\n    assert fuse(1) == 2\n\n\n"
        "class TestOuter:\n    class TestInner:\n        def test_inner(self):\n"
        "            assert fuse(0) == 1\n")
    assert "Tests deleted, with the code they tested: tests/test_core.py " \
           "`test_block_then_more`, tests/test_core.py `test_nothing_else_checked`.\n" in out
    assert "Tests cut, their part that ran the code the clean removed gone: " \
           "tests/test_core.py:4 `test_last_block` (2 → 1 checks), tests/test_core.py:9 " \
           "`test_last_block_checks_nothing` (1 → 1 checks), tests/test_core.py:15 " \
           "`TestOuter.TestInner.test_inner` (2 → 1 checks).\n" in out
    assert _pytest(tmp_path) == "3 passed"


def test_a_unittest_block_goes_alone_when_it_ends_the_test():
    """In a unittest method, a last block goes alone; one with code after it (which reads
    what it set on `self`) keeps the test whole, and it goes."""
    from flaglint.fixes.flag_names import FlagNames
    from flaglint.fixes.flag_settings import edit_settings

    text = textwrap.dedent("""\
        class TestFuse(TestCase):
            def test_a(self):
                self.assertEqual(fuse(1), 2)
                with config.set({"opt.fuse": False}):
                    self.assertEqual(fuse(1), 1)

            def test_b(self):
                with config.set({"opt.fuse": False}):
                    self.result = fuse(1)
                self.assertEqual(self.result, 1)
        """)
    after = edit_settings({"tests/test_f.py": text}, FlagNames(keys=frozenset({"opt.fuse"})),
                          value=True)
    assert after == {"tests/test_f.py": "class TestFuse(TestCase):\n    def test_a(self):\n"
                                        "        self.assertEqual(fuse(1), 2)\n"}


def test_a_fixture_named_like_a_test_that_sets_the_other_value_takes_its_users_along():
    """A reviewer's `@pytest.fixture def test_server():` ending in a block that set the
    other value went as a test would, its user left failing ("fixture not found") and named
    at line 0. A fixture is a fixture whatever its name: it goes with the tests using it."""
    from flaglint.fixes.flag_names import FlagNames
    from flaglint.fixes.flag_settings import edit_settings

    text = textwrap.dedent("""\
        @pytest.fixture
        def test_server():
            server = {"up": True}
            assert server["up"]
            with config.set({"opt.fuse": False}):
                yield server


        def test_uses_the_server(test_server):
            assert test_server["up"]


        def test_other():
            assert True
        """)
    after = edit_settings({"tests/test_f.py": text}, FlagNames(keys=frozenset({"opt.fuse"})),
                          value=True)
    # (the blank lines left above are tidied by the clean's last step)
    assert after["tests/test_f.py"].lstrip("\n") == "def test_other():\n    assert True\n"


def test_a_test_class_using_a_fixture_that_goes_loses_the_mark_or_goes_with_it():
    """A reviewer's `@pytest.mark.usefixtures("fuse_off")` on a class: the fixture that set
    the other value went and the class kept the mark ("fixture not found"). A class marked
    with such a fixture goes with it (all its tests used it); a mark naming a fixture left
    with nothing to do loses that name."""
    from flaglint.fixes.flag_names import FlagNames
    from flaglint.fixes.flag_settings import edit_settings

    text = textwrap.dedent("""\
        @pytest.fixture
        def fuse_off():
            with config.set({"opt.fuse": False}):
                yield


        @pytest.fixture
        def fuse_on():
            with config.set({"opt.fuse": True}):
                yield


        @pytest.mark.usefixtures("fuse_off")
        class TestOff:
            def test_a(self):
                assert fuse(1) == 1


        @pytest.mark.usefixtures("fuse_on", "db")
        class TestOn:
            def test_b(self):
                assert fuse(1) == 2
        """)
    after = edit_settings({"tests/test_f.py": text}, FlagNames(keys=frozenset({"opt.fuse"})),
                          value=True)
    assert after["tests/test_f.py"].lstrip("\n") == (
        '@pytest.mark.usefixtures("db")\nclass TestOn:\n    def test_b(self):\n'
        "        assert fuse(1) == 2\n")


def test_a_setting_bound_with_as_is_a_setting():
    """A reviewer's `with config.set({"opt.fuse": False}) as c:` was no setting at all: the
    test of the removed code was left, failed after the clean, and the clean exited 0. It
    sets the flag like any `with` item; one setting the value the flag keeps stays (what
    `as` binds may be used anywhere after: a reviewer's `assert … not in cfg` below the
    block failed once it went)."""
    from flaglint.fixes.flag_names import FlagNames
    from flaglint.fixes.flag_settings import edit_settings

    text = textwrap.dedent("""\
        def test_off():
            with config.set({"opt.fuse": False}) as c:
                assert fuse(1) == 1
            assert fuse(2) == 3


        def test_on_unused():
            with config.set({"opt.fuse": True}) as c:
                assert fuse(1) == 2


        def test_on_used():
            with config.set({"opt.fuse": True}) as c:
                assert c is not None
        """)
    after = edit_settings({"tests/test_f.py": text}, FlagNames(keys=frozenset({"opt.fuse"})),
                          value=True)
    assert after["tests/test_f.py"].lstrip("\n") == text[text.index("def test_on_unused"):]


VA_STYLE = {
    "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.definitions]]\n'
                      'class = "app.feature_flags.FeatureFlag"\n\n[[tool.flaglint.readers]]\n'
                      'call = "app.feature_flags.is_feature_enabled"\nkey = 0\n',
    "app/__init__.py": "",
    "app/feature_flags.py": '''
        import os
        from enum import Enum


        class FeatureFlag(Enum):
            RATE_LIMIT_ENABLED = 'RATE_LIMIT_ENABLED'
            PUSH_ENABLED = 'PUSH_ENABLED'


        def is_feature_enabled(flag):
            return os.getenv(flag.value, 'False') == 'True'
        ''',
    "app/send.py": '''
        from app.feature_flags import FeatureFlag, is_feature_enabled


        def deliver(sender):
            if is_feature_enabled(FeatureFlag.RATE_LIMIT_ENABLED) and sender.get('limit'):
                return 'limited'
            return 'plain'
        ''',
    "tests/__init__.py": "",
    "tests/helpers.py": '''
        def mock_feature_flag(monkeypatch, flag, enabled):
            monkeypatch.setenv(flag.value, enabled)
        ''',
    "tests/conftest.py": '''
        import pytest

        from app.feature_flags import FeatureFlag
        from tests.helpers import mock_feature_flag


        @pytest.fixture
        def limits_on(monkeypatch):
            """Rate limits on."""
            mock_feature_flag(monkeypatch, FeatureFlag.RATE_LIMIT_ENABLED, 'True')


        @pytest.fixture
        def limits_off(monkeypatch):
            mock_feature_flag(monkeypatch, FeatureFlag.RATE_LIMIT_ENABLED, 'False')


        @pytest.fixture
        def push_on(monkeypatch):
            mock_feature_flag(monkeypatch, FeatureFlag.PUSH_ENABLED, 'True')
            mock_feature_flag(monkeypatch, FeatureFlag.RATE_LIMIT_ENABLED, 'True')
        ''',
    "tests/test_send.py": '''
        import os
        from unittest import mock

        import pytest

        from app.send import deliver


        def test_limited(limits_on):
            assert deliver({'limit': 3}) == 'limited'


        def test_plain_when_off(limits_off):
            assert deliver({'limit': 3}) == 'plain'


        @pytest.mark.usefixtures("limits_on", "push_on")
        def test_plain_without_limit():
            assert deliver({}) == 'plain'


        def test_env(monkeypatch):
            monkeypatch.setenv("RATE_LIMIT_ENABLED", "true"); x = 1
            os.environ["RATE_LIMIT_ENABLED"] = "True"
            assert deliver({'limit': x}) == 'limited'


        @mock.patch.dict(os.environ, {"RATE_LIMIT_ENABLED": "True"})
        def test_decorated():
            assert deliver({'limit': 1}) == 'limited'


        def test_with(monkeypatch):
            with mock.patch.dict(os.environ, {"RATE_LIMIT_ENABLED": "0"}):
                assert deliver({'limit': 1}) == 'plain'
        ''',
}


def test_clean_removes_the_test_lines_that_set_the_flag(tmp_path, capsys):
    """Tests that turn the flag on through the project's helper, the environment or a
    fixture: the settings of the value it now has go (a fixture left empty goes with its
    uses), the tests that set the other value go, and then the Enum member can go too."""
    write_tree(tmp_path, VA_STYLE)
    assert _pytest(tmp_path) == "6 passed"
    assert main(["clean", "RATE_LIMIT_ENABLED", "--value", "true", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Flag `RATE_LIMIT_ENABLED` settled to `true`: changed 4 files; 1 "
                          "read replaced, 0 branches collapsed, 0 dead helpers and 1 definition "
                          "deleted.\n")
    assert "RATE_LIMIT_ENABLED = " not in (tmp_path / "app" / "feature_flags.py").read_text()
    assert (tmp_path / "tests" / "conftest.py").read_text() == (
        "import pytest\n\nfrom app.feature_flags import FeatureFlag\n"
        "from tests.helpers import mock_feature_flag\n\n\n"
        "@pytest.fixture\ndef push_on(monkeypatch):\n"
        "    mock_feature_flag(monkeypatch, FeatureFlag.PUSH_ENABLED, 'True')\n")
    # `os` and `mock` served only the settings that went: their imports go too.
    assert (tmp_path / "tests" / "test_send.py").read_text() == (
        "import pytest\n\nfrom app.send import deliver\n\n\n"
        "def test_limited():\n    assert deliver({'limit': 3}) == 'limited'\n\n\n"
        "@pytest.mark.usefixtures(\"push_on\")\n"
        "def test_plain_without_limit():\n    assert deliver({}) == 'plain'\n\n\n"
        "def test_env(monkeypatch):\n    x = 1\n"
        "    assert deliver({'limit': x}) == 'limited'\n\n\n"
        "def test_decorated():\n    assert deliver({'limit': 1}) == 'limited'\n")
    assert (tmp_path / "tests" / "helpers.py").read_text() == VA_STYLE["tests/helpers.py"] \
        .replace("\n        ", "\n").lstrip("\n")
    assert _pytest(tmp_path) == "4 passed"  # the project's own tests, after the clean


def test_clean_keeps_the_blank_lines_a_deleted_statement_stood_after(tmp_path, capsys):
    """The statement after a deleted one keeps the gap the deleted one had above it: the
    Enum members stay apart, and the view keeps two blank lines after its imports."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.definitions]]\n'
                          'class = "app.flags.Flags"\n\n[[tool.flaglint.readers]]\n'
                          'call = "app.flags.is_on"\nkey = 0\n',
        "flags.toml": '[flags.new_ui]\nowner = "x"\ntype = "release"\n',
        "app/__init__.py": "",
        "app/flags.py": '''
            import enum


            class Flags(enum.Enum):
                OLD = "old"

                NEW_UI = "new_ui"
                OTHER = "other"


            def is_on(flag):
                return True
            ''',
        "app/views.py": '''
            import os

            from app.flags import Flags, is_on


            def _old_page():
                return "old"
            def page():
                if is_on(Flags.NEW_UI):
                    return "new"
                return _old_page()
            ''',
    })
    assert main(["clean", "new_ui", "--value", "true", str(tmp_path)]) == 0
    capsys.readouterr()
    assert (tmp_path / "app" / "flags.py").read_text() == (
        'import enum\n\n\nclass Flags(enum.Enum):\n    OLD = "old"\n\n    OTHER = "other"\n'
        '\n\ndef is_on(flag):\n    return True\n')
    assert (tmp_path / "app" / "views.py").read_text() == (
        'import os\n\n\ndef page():\n    return "new"\n')


def test_a_string_in_the_dead_branch_does_not_keep_its_helper(tmp_path, capsys):
    """Sentry's weekly reports name the span after the helper the dead branch calls
    (`start_span(op="reports.issue_summaries")`): that string goes with the branch, so it
    keeps nothing alive, and the helper goes too. A string in live code still keeps one."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.readers]]\n'
                          'call = "app.features.has"\nkey = 0\n',
        "flags.toml": '[flags."org:states"]\nowner = "x"\ntype = "release"\n',
        "app/__init__.py": "",
        "app/features.py": "def has(name):\n    return True\n",
        "app/reports.py": '''
            from app import features


            def span(op):
                return op


            def prepare(ctx):
                if features.has("org:states"):
                    span(op="reports.substatus_summaries")
                    substatus_summaries(ctx)
                else:
                    span(op="reports.issue_summaries")
                    issue_summaries(ctx)
                return span(op="reports.kept")


            def substatus_summaries(ctx):
                return ctx


            def issue_summaries(ctx):
                return ctx


            def kept(ctx):
                return ctx


            def old(ctx):
                if not features.has("org:states"):
                    kept(ctx)
            ''',
    })
    assert main(["clean", "org:states", "--value", "true", str(tmp_path)]) == 0
    capsys.readouterr()
    assert (tmp_path / "app" / "reports.py").read_text() == (
        'def span(op):\n    return op\n\n\n'
        'def prepare(ctx):\n    span(op="reports.substatus_summaries")\n'
        '    substatus_summaries(ctx)\n    return span(op="reports.kept")\n\n\n'
        'def substatus_summaries(ctx):\n    return ctx\n\n\n'
        'def kept(ctx):\n    return ctx\n\n\n'
        'def old(ctx):\n    pass\n')


def test_clean_drops_an_effectful_import_other_files_make_too(tmp_path, capsys):
    """An import whose last use went stays when importing its module does something and no
    other file imports it; when another file imports it too, it goes (`from sentry import
    features`, which hundreds of modules import)."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.readers]]\n'
                          'call = "app.features.has"\nkey = 0\n',
        "flags.toml": '[flags.new]\nowner = "x"\ntype = "release"\n\n'
                      '[flags.other]\nowner = "x"\ntype = "operational"\n',
        "app/__init__.py": "",
        "app/features.py": "def has(name):\n    return True\n",
        "app/shared.py": "HOOKS = []\nHOOKS.append(print)\n\n\ndef old():\n    return 1\n",
        "app/solo.py": "HOOKS = []\nHOOKS.append(print)\n\n\ndef old():\n    return 2\n",
        "app/other.py": "from app import features, shared\n\n\ndef hooks():\n"
                        "    return shared.HOOKS if features.has('other') else []\n",
        "app/views.py": '''
            from app import features, shared, solo


            def page():
                if features.has("new"):
                    return 0
                return shared.old() + solo.old()
            ''',
    })
    assert main(["clean", "new", "--value", "true", str(tmp_path)]) == 0
    capsys.readouterr()
    assert (tmp_path / "app" / "views.py").read_text() == (
        "from app import solo\n\n\ndef page():\n    return 0\n")


REEXPORTERS = {  # each way app/dao.py may take `is_uuid` from app/filters.py
    "from": "from .filters import dashboard_filter, is_uuid\n",
    "comment": "from .filters import (\n    dashboard_filter,  # the view filter\n"
               "    is_uuid,\n)\n",
    "backslash": "from .filters import dashboard_filter, \\\n    is_uuid\n",
    "star": "from app.filters import *\n",
    "module": "from app import filters\n\ndashboard_filter, is_uuid = filters.dashboard_filter, "
              "filters.is_uuid\n",
    "alias": "import app.filters as f\n\ndashboard_filter, is_uuid = f.dashboard_filter, "
             "f.is_uuid\n",
}


@pytest.mark.parametrize("shape", sorted(REEXPORTERS))
def test_clean_keeps_an_import_another_module_imports_from_this_one(tmp_path, capsys, shape):
    """Superset's `dashboards/filters.py` imports `is_uuid`, and `daos/dashboard.py` imports
    it from there: the clean that removed the last use in filters.py dropped the import,
    and the app no longer started (ImportError; ruff's F401 passed). A module read light
    counts too, and so does (found by review) an import over lines with a comment or a
    backslash, a star import, and the module imported whole. The program runs the same
    after the clean."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.readers]]\n'
                          'call = "app.flags.is_feature_enabled"\nkey = 0\n',
        "flags.toml": '[flags.EMBEDDED]\nowner = "x"\ntype = "release"\n',
        "app/__init__.py": "",
        "app/flags.py": "def is_feature_enabled(name):\n    return False\n",
        "app/models.py": "def is_uuid(value):\n    return len(value) == 36\n\n\n"
                         "def slug(value):\n    return value.lower()\n",
        "app/filters.py": '''
            from app.flags import is_feature_enabled
            from app.models import is_uuid, slug


            def dashboard_filter(ids):
                if is_feature_enabled("EMBEDDED") and any(is_uuid(i) for i in ids):
                    return [slug(i) for i in ids]
                return "id"
            ''',
        "app/dao.py": REEXPORTERS[shape] + "\n\ndef lookup(ids):\n"
                      "    return dashboard_filter(ids), [i for i in ids if is_uuid(i)]\n",
        "main.py": "from app.dao import lookup\n\nprint(lookup(['x' * 36, 'Y']))\n",
    })
    before = subprocess.run([sys.executable, "main.py"], cwd=tmp_path, capture_output=True,
                            text=True, check=True).stdout
    # A star import may take any public name: every import stays, and `slug` defined
    kept = "from app.models import is_uuid"
    if shape == "star":
        kept = "from app.flags import is_feature_enabled\nfrom app.models import is_uuid, slug"
    assert main(["clean", "EMBEDDED", "--value", "false", str(tmp_path)]) == \
        (1 if shape == "star" else 0)
    capsys.readouterr()
    assert (tmp_path / "app" / "filters.py").read_text() == (
        f"{kept}\n\n\ndef dashboard_filter(ids):\n    return \"id\"\n")
    after = subprocess.run([sys.executable, "main.py"], cwd=tmp_path, capture_output=True,
                           text=True, check=True).stdout
    assert after == before == "('id', ['" + "x" * 36 + "'])\n"


def test_clean_drops_an_import_another_module_reads_only_as_an_attribute_of_something_else(
        tmp_path, capsys):
    """ora2: `validation.py` imports `settings` for its flag's read alone, and a module that
    imports `validation` says `Scope.settings` (and a test `patch.dict("…conf.settings…")`):
    the import was kept as if that module read `validation.settings`, and ruff's F401 found
    it. Only an attribute of the module (by its name or an alias) keeps it."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.readers]]\n'
                          'call = "app.conf.settings.FEATURES.get"\nkey = 0\n',
        "flags.toml": '[flags.MY_FLAG]\nowner = "x"\ntype = "release"\n',
        "app/__init__.py": "",
        "app/conf.py": "class _Settings:\n    FEATURES = {}\n\n\nsettings = _Settings()\n",
        "app/validation.py": '''
            from app.conf import settings


            def validator(items):
                if settings.FEATURES.get("MY_FLAG"):
                    return [i for i in items if i]
                return items
            ''',
        "app/block.py": '''
            from app.validation import validator


            class Scope:
                settings = "settings"


            FIELD = Scope.settings, "app.conf.settings.FEATURES"


            def render(items):
                return validator(items)
            ''',
    })
    assert main(["clean", "MY_FLAG", "--value", "false", "--no-cache", str(tmp_path)]) == 0
    capsys.readouterr()
    assert (tmp_path / "app" / "validation.py").read_text() == (
        "def validator(items):\n    return items\n")


def test_clean_keeps_an_import_tests_patch_by_the_name_the_code_runs_under(tmp_path, capsys):
    """label-studio: its folder `label_studio/` is a package and is on `sys.path` itself,
    so `tasks/api.py` is the module `label_studio.tasks.api` as folders go, and its tests
    `@patch("tasks.api.flag_set")`: the clean dropped the import, and 24 tests failed with
    AttributeError. A string or an import that names a module by a part of its name from
    a package down names it too."""
    write_tree(tmp_path, {
        "flaglint.toml": '[[readers]]\ncall = "core.feature_flags.flag_set"\nkey = 0\n',
        "flags.toml": '[flags.lazy_load]\ntype = "release"\nowner = "x"\n',
        "proj/__init__.py": "",
        "proj/core/__init__.py": "",
        "proj/core/feature_flags/__init__.py": "from .base import flag_set\n",
        "proj/core/feature_flags/base.py": "import os\n\n\ndef flag_set(name, user=None):\n"
                                           "    return os.environ.get(name, '') == '1'\n",
        "proj/app/__init__.py": "",
        "proj/app/views.py": '''
            from core.feature_flags import flag_set


            def agreement(request):
                if not flag_set("lazy_load", user=request.user):
                    raise PermissionError("Feature not enabled")
                return "ok"
            ''',
        "proj/app/urls.py": "from app.views import agreement, flag_set  # noqa: F401\n",
        "proj/tests/__init__.py": "",
        "proj/tests/test_views.py": '''
            from types import SimpleNamespace
            from unittest.mock import patch

            from app.views import agreement


            @patch("app.views.flag_set")
            def test_agreement(mock_flag_set):
                mock_flag_set.return_value = True
                assert agreement(SimpleNamespace(user=None)) == "ok"
            ''',
    })
    assert _pytest(tmp_path / "proj") == "1 passed"
    assert main(["clean", "lazy_load", "--value", "true", "--no-cache", str(tmp_path)]) == 0
    capsys.readouterr()
    assert (tmp_path / "proj" / "app" / "views.py").read_text() == (
        "from core.feature_flags import flag_set\n\n\ndef agreement(request):\n"
        "    return \"ok\"\n")
    assert _pytest(tmp_path / "proj") == "1 passed"


def test_a_trial_kept_from_before_still_keeps_an_import_another_module_now_imports(
        tmp_path, capsys, monkeypatch):
    """A check's trial keeps each file's fix with the imports it left unused, and the next
    run asks only of those whether they must stay: after `app/dao.py` starts importing
    `is_uuid` from `app/filters.py` (whose text and fix are as before), `clean` keeps the
    import there, as a run with no cache does, and the program runs the same."""
    files = {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.readers]]\n'
                          'call = "app.flags.is_feature_enabled"\nkey = 0\n',
        "flags.toml": '[flags.EMBEDDED]\nowner = "x"\ntype = "release"\nstatus = "retired"\n',
        "app/__init__.py": "",
        "app/flags.py": "def is_feature_enabled(name):\n    return False\n",
        "app/models.py": "def is_uuid(value):\n    return len(value) == 36\n\n\n"
                         "NIL = is_uuid('0' * 36)\n",
        "app/filters.py": '''
            from app.flags import is_feature_enabled
            from app.models import is_uuid


            def _uuids(ids):
                return [i for i in ids if is_uuid(i)]


            def dashboard_filter(ids):
                if is_feature_enabled("EMBEDDED"):
                    return _uuids(ids)
                return "id"
            ''',
        "app/dao.py": "from .filters import dashboard_filter\n\n\ndef lookup(ids):\n"
                      "    return dashboard_filter(ids)\n",
        "main.py": "from app.dao import lookup\n\nprint(lookup(['x' * 36]))\n",
    }
    asked: list[dict[str, frozenset[str]]] = []
    real = rounds.known_unused
    monkeypatch.setattr(rounds, "known_unused", lambda *args: asked.append(real(*args))
                        or asked[-1])
    for cached in (True, False):
        root = tmp_path / str(cached)
        write_tree(root, files)
        if cached:  # the trial fixes filters.py, and keeps what it left unused
            assert main(["check", str(root), "--select", "FL301,FL302"]) == 1
            assert "(2 with `--fix --unsafe-fixes`)" in capsys.readouterr().out
        asked.clear()
        (root / "app" / "dao.py").write_text(
            "from .filters import dashboard_filter, is_uuid\n\n\ndef lookup(ids):\n"
            "    return dashboard_filter(ids), [i for i in ids if is_uuid(i)]\n")
        before = subprocess.run([sys.executable, "main.py"], cwd=root, capture_output=True,
                                text=True, check=True).stdout
        assert main(["clean", "EMBEDDED", "--value", "false", str(root)]
                    + ([] if cached else ["--no-cache"])) == 0
        capsys.readouterr()
        assert (root / "app" / "filters.py").read_text() == (
            "from app.models import is_uuid\n\n\ndef dashboard_filter(ids):\n"
            "    return \"id\"\n")
        after = subprocess.run([sys.executable, "main.py"], cwd=root, capture_output=True,
                               text=True, check=True).stdout
        assert after == before == "('id', ['" + "x" * 36 + "'])\n"
        # the clean asked of the imports the trial's fix of filters.py left unused alone
        assert asked[0] == ({"app/filters.py": {"is_feature_enabled", "is_uuid"}}
                            if cached else {})


def test_a_dropped_last_parameter_leaves_the_layout_as_it_was():
    """The parameter or argument left last ends as the dropped one did: the line break
    before `)` stays, and so does a trailing comma (Sentry's `url_format` parameter)."""
    import libcst as cst

    from flaglint.fixes.settle.signatures import without_arguments, without_parameters

    def signature(source: str, names: set[str]) -> str:
        module = cst.parse_module(source)
        function = module.body[0]
        assert isinstance(function, cst.FunctionDef)
        return module.with_changes(body=[function.with_changes(
            params=without_parameters(function.params, names))]).code

    def call(source: str, drop: set[tuple[str, int]]) -> str:
        expression = cst.parse_expression(source)
        assert isinstance(expression, cst.Call)
        return cst.Module([]).code_for_node(without_arguments(expression, drop))

    assert signature("def f(\n    group,\n    event=None,\n    url_format=X\n):\n    pass\n",
                     {"url_format"}) == "def f(\n    group,\n    event=None\n):\n    pass\n"
    assert signature("def f(\n    a,\n    b,\n):\n    pass\n", {"b"}) == \
        "def f(\n    a,\n):\n    pass\n"
    assert signature("def f(a, b, c):\n    pass\n", {"a"}) == "def f(b, c):\n    pass\n"
    assert signature("def f(a, b, **kw):\n    pass\n", {"b"}) == "def f(a, **kw):\n    pass\n"
    assert call("f(\n    a,\n    b,\n    c\n)", {("c", 2)}) == "f(\n    a,\n    b\n)"
    assert call("f(a, b, c=1)", {("c", -1)}) == "f(a, b)"


def test_only_the_imports_an_edit_left_unused_go():
    """Imports whose every use went: a partly used `from` import keeps the rest, an import
    used before and after stays, one that was never used (a module imported for what it
    does) and one `__all__` exports stay too."""
    from flaglint.fixes.source import prune_lost_imports

    before = ("import os.path\nimport app.signals\nfrom unittest import mock\n"
              "from app.flags import ON, OFF\nfrom app.helpers import util\n\n"
              "__all__ = ['util']\n\n\n"
              "@mock.patch('x')\ndef test_a(m):\n    assert os.path.sep and ON and util\n\n\n"
              "def test_b():\n    assert OFF\n")
    after = ("import os.path\nimport app.signals\nfrom unittest import mock\n"
             "from app.flags import ON, OFF\nfrom app.helpers import util\n\n"
             "__all__ = ['util']\n\n\n"
             "def test_b():\n    assert OFF\n")
    assert prune_lost_imports(before, after) == (
        "import app.signals\nfrom app.flags import OFF\nfrom app.helpers import util\n\n"
        "__all__ = ['util']\n\n\n"
        "def test_b():\n    assert OFF\n")
    assert prune_lost_imports(before, before) == before
    # An attribute or a keyword of the same name is no use of the import.
    assert prune_lost_imports(
        "from rest_framework import status\n\n\ndef f(r):\n    if r:\n"
        "        return status.OK\n    return g(status=404, code=r.status)\n",
        "from rest_framework import status\n\n\ndef f(r):\n"
        "    return g(status=404, code=r.status)\n") == \
        "def f(r):\n    return g(status=404, code=r.status)\n"
    # A parenthesised list keeps its layout: one name per line, the trailing comma.
    listed = "from app.models import (\n    Activity,\n    Group,\n    User,\n)\n\n"
    assert prune_lost_imports(listed + "X = [Activity, Group, User]\n",
                              listed + "X = [Group]\n") == \
        "from app.models import (\n    Group,\n)\n\nX = [Group]\n"
    assert prune_lost_imports(listed + "X = [Activity, Group, User]\n",
                              listed + "X = [Activity, Group]\n") == \
        "from app.models import (\n    Activity,\n    Group,\n)\n\nX = [Activity, Group]\n"
    assert prune_lost_imports(before, "def (:\n") == "def (:\n"  # never made worse


def test_an_optional_import_goes_with_its_fallback_or_stays_whole():
    """edx-enterprise: `try: from lib import price` / `except ImportError: price = None`,
    `price` used only in the removed branch: the import went and `try: pass` was left, with
    the fallback binding nothing reads. The whole `try` goes when its handlers only bind
    the names again (to a name or a literal); when a handler does more, or the `try` has an
    `else` or `finally`, the import stays."""
    from flaglint.fixes.source import prune_lost_imports

    use = "\n\ndef f(p):\n    if p and price:\n        return price(p)\n    return p\n"
    kept = "\n\ndef f(p):\n    return p\n"
    optional = "import os\n\ntry:\n    from lib import price\nexcept ImportError:\n"
    assert prune_lost_imports(optional + "    price = None\n" + use,
                              optional + "    price = None\n" + kept) == "import os\n" + kept
    assert prune_lost_imports(optional + "    pass\n" + use,
                              optional + "    pass\n" + kept) == "import os\n" + kept
    for handler in ("    price = make()\n", "    log('no price')\n    price = None\n",
                    "    price = None\nelse:\n    HAVE = 1\n",
                    "    price = None\nfinally:\n    done()\n"):
        assert prune_lost_imports(optional + handler + use, optional + handler + kept) == \
            optional + handler + kept
    # Another statement in the `try` stays, and so does the `try`
    both = "try:\n    from lib import price\n    HAVE = 1\nexcept ImportError:\n    HAVE = 0\n"
    assert prune_lost_imports(both + use, both + kept) == \
        "try:\n    HAVE = 1\nexcept ImportError:\n    HAVE = 0\n" + kept


def test_settings_by_keyword_keep_the_other_keywords_and_marks_are_never_settings():
    """`with_config(jax_x=True, jax_y=1)` loses only the flag's keyword; `print(...)` of the
    member and a parametrisation over it are not settings (they stay, and keep the member);
    a test that sets the other value goes."""
    from flaglint.fixes.flag_settings import FlagNames, edit_settings

    names = FlagNames(frozenset({("FeatureFlag", "X")}), frozenset({"x_holder"}),
                      frozenset({"jax_x"}))
    source = (
        "@jtu.with_config(jax_x=True, jax_y=1)\n"
        "def test_a():\n"
        "    config.update('jax_x', True)\n"
        "    with jtu.with_config(jax_x=True, jax_z=2), other():\n"
        "        print(FeatureFlag.X)\n"
        "    jtu.set_config(jax_z=3, jax_x='on'); y = 2\n"
        "\n\n"
        "@pytest.mark.parametrize('flag', [FeatureFlag.X])\n"
        "def test_b(flag):\n"
        "    x_holder.set(True)\n"
        "\n\n"
        "@jtu.with_config(jax_x=False)\n"
        "def test_c():\n"
        "    assert 2\n")
    assert edit_settings({"tests/test_a.py": source}, names, value=True) == {"tests/test_a.py": (
        "@jtu.with_config(jax_y=1)\n"
        "def test_a():\n"
        "    with jtu.with_config(jax_z=2), other():\n"
        "        print(FeatureFlag.X)\n"
        "    jtu.set_config(jax_z=3); y = 2\n"
        "\n\n"
        "@pytest.mark.parametrize('flag', [FeatureFlag.X])\n"
        "def test_b(flag):\n"
        "    pass\n")}


def test_clean_removes_holder_settings_in_tests_jax_style(tmp_path, capsys):
    """Flag objects that tests set by calling them (`with config.fast_path(True):`, read as
    calls by `call_reads`), by `config.update("proj_fast_path", …)` and by a keyword of a
    decorator: once the code reads the flag no more, those go, the test that set the other
    value goes, and then the holder itself."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.definitions]]\n'
                          'call = "proj.config.bool_state"\nkey = [0, "name"]\n'
                          'attributes = ["value"]\ncall_reads = true\n',
        "proj/__init__.py": "",
        "proj/config.py": '''
            import contextlib


            class _Holder:
                def __init__(self, name, default):
                    self.name = name
                    self.value = default

                @contextlib.contextmanager
                def __call__(self, value):
                    old, self.value = self.value, value
                    try:
                        yield
                    finally:
                        self.value = old


            _ALL = {}


            def bool_state(name, default=False):
                _ALL[name] = _Holder(name, default)
                return _ALL[name]


            def update(name, value):
                _ALL[name].value = value


            def with_config(**values):
                def decorate(test):
                    return test
                return decorate


            fast_path = bool_state(name="proj_fast_path", default=False)
            debug_nans = bool_state(name="proj_debug_nans")
            ''',
        "proj/compute.py": '''
            from proj import config


            def run(x):
                if config.fast_path.value:
                    return x * 2
                return x + x + 1
            ''',
        "tests/__init__.py": "",
        "tests/test_compute.py": '''
            from proj import config
            from proj.compute import run


            def test_fast():
                with config.fast_path(True):
                    assert run(3) == 6


            def test_slow():
                with config.fast_path(False):
                    assert run(3) == 7


            @config.with_config(proj_fast_path=True, proj_debug_nans=False)
            def test_update():
                config.update("proj_fast_path", True)
                assert run(2) == 4
                config.update("proj_fast_path", False)
            ''',
    })
    assert _pytest(tmp_path) == "3 passed"
    assert main(["clean", "proj_fast_path", "--value", "true", str(tmp_path)]) == 0
    capsys.readouterr()
    assert (tmp_path / "tests" / "test_compute.py").read_text() == (
        "from proj import config\nfrom proj.compute import run\n\n\n"
        "def test_fast():\n    assert run(3) == 6\n\n\n"
        "@config.with_config(proj_debug_nans=False)\n"
        "def test_update():\n    assert run(2) == 4\n")
    config = (tmp_path / "proj" / "config.py").read_text()
    assert "fast_path" not in config and config.endswith(
        'debug_nans = bool_state(name="proj_debug_nans")\n')
    assert _pytest(tmp_path) == "2 passed"


def test_clean_never_analyses_the_same_files_twice_in_a_row(tmp_path, capsys, monkeypatch):
    """An analysis of files and reads that did not change since the last one answers as it
    did (a tenth of a `clean` of Sentry): the last one is used instead."""
    from flaglint.engine import cleaning

    states: list[tuple[frozenset[tuple[str, bytes]], frozenset[str]]] = []
    real = cleaning._Cleaning.analyze

    def analyze(self, overlay=None):
        files = {**self.inputs.overlay, **(self.report.overlay if overlay is None else overlay)}
        states.append((frozenset(files.items()), self.force_full))
        return real(self, overlay)

    monkeypatch.setattr(cleaning._Cleaning, "analyze", analyze)
    root = copy_fixture(tmp_path)
    assert main(["clean", "new_checkout", "--value", "true", str(root)]) == 0
    write_tree(tmp_path / "va", VA_STYLE)
    assert main(["clean", "RATE_LIMIT_ENABLED", "--value", "true", str(tmp_path / "va")]) == 0
    capsys.readouterr()
    assert len(states) > 4
    assert all(a != b for a, b in itertools.pairwise(states)), states


def test_a_refused_deletion_points_at_the_file_the_user_has(tmp_path, capsys):
    """Superset's `clean TAGGING_SYSTEM --dry-run` said `superset/views/tags.py:51:
    TagView.is_enabled not deleted`, the line in the text its edits would make; the file on
    disk, which a dry run leaves alone, has the `def` at 54. A dry run points at the file as
    it is; a clean that writes, at the file as written."""
    files = {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.readers]]\n'
                          'call = "app.flags.is_on"\nkey = 0\n',
        "flags.toml": '[flags.TAGS]\nowner = "x"\ntype = "release"\n',
        "app/__init__.py": "",
        "app/flags.py": "def is_on(name):\n    return False\n",
        "app/tags.py": '''
            from app.flags import is_on


            def page():
                if is_on("TAGS"):
                    return "tags"
                return "none"


            class TagView:
                @staticmethod
                def is_enabled():
                    return is_on("TAGS")
            ''',
        "app/log.py": "class LogView:\n    def show(self):\n        return self.is_enabled()\n",
    }
    refused = ("`TagView.is_enabled` not deleted: app/log.py:3:16: a name flaglint cannot "
               "resolve (self.is_enabled).\n")
    for dry, line in ((True, 12), (False, 7)):
        root = write_tree(tmp_path / str(dry), files)
        assert main(["clean", "TAGS", "--value", "true", "--no-cache", str(root),
                     *(["--dry-run"] if dry else [])]) == 1  # left for a person: exit 1
        out, err = capsys.readouterr()  # the account: stderr beside a diff, else stdout
        assert (err if dry else out).endswith(f"app/tags.py:{line}: {refused}")
    assert (root / "app" / "tags.py").read_text().split("\n")[6] == "    def is_enabled():"


def test_clean_says_which_public_wrappers_it_deleted(tmp_path, capsys):
    """edx-completion's `CompletionService.completion_tracking_enabled()` read the switch for
    other packages (XBlock handlers call it); once the clean settled its own calls nothing in
    the package called it, and it went. The package's tests passed; its users' code would
    not. A public method stays now, its read settled (it may override one a library calls,
    or be called by the package's users); a private one goes; a public function goes, and
    the account names it, so that a library keeps what its users call."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.readers]]\n'
                          'call = "app.flags.is_on"\nkey = 0\n',
        "flags.toml": '[flags.TRACKING]\nowner = "x"\ntype = "release"\n',
        "app/__init__.py": "",
        "app/flags.py": "def is_on(name):\n    return False\n",
        "app/service.py": '''
            from app.flags import is_on


            class CompletionService:
                def tracking_enabled(self):
                    return is_on("TRACKING")

                def _private_enabled(self):
                    return is_on("TRACKING")

                def submit(self, value):
                    if not self.tracking_enabled() or not self._private_enabled():
                        raise RuntimeError("tracking is disabled")
                    return value


            def tracking_on():
                return is_on("TRACKING")


            def submit(value):
                if not tracking_on():
                    raise RuntimeError("tracking is disabled")
                return value
            ''',
        # a string equal to a function's name is no lookup of it (the reviewer's `enabled`)
        "app/api.py": 'def serialize(obj):\n    return {"tracking_on": True, "name": obj}\n',
        # a test of the method kept stays with it
        "tests/test_service.py": "from app.service import CompletionService\n\n\n"
                                 "def test_tracking_enabled():\n"
                                 "    assert CompletionService().tracking_enabled()\n",
    })
    assert main(["clean", "TRACKING", "--value", "true", "--no-cache", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    text = (tmp_path / "app" / "service.py").read_text()
    assert "    def tracking_enabled(self):\n        return True\n" in text
    assert "_private_enabled" not in text and "def tracking_on" not in text
    assert (tmp_path / "tests" / "test_service.py").exists()
    assert ("Deleted 1 public definition (wrappers of `TRACKING`, or code only the removed "
            "branches called) nothing in the project calls any more: "
            "app/service.py `tracking_on`; code outside the project "
            "that calls it (a library's users) breaks: keep its definition if any does.\n") in out


def test_clean_settles_a_rolled_out_flag_to_its_registry_value_and_refuses_another(
        tmp_path, capsys):
    """Superset: `clean ALERT_REPORTS` failed although the registry says `value = true`,
    and `--value false` settled the flag against the registry without a word. The value
    the registry rolled the flag out with is the one `clean` takes, as an export's is; a
    `--value` that contradicts it is refused."""
    root = copy_fixture(tmp_path)
    assert main(["clean", "new_checkout", "--value", "false", "--dry-run", str(root)]) == 2
    assert capsys.readouterr().err == (
        "flaglint: error: --value false: its registry entry (flags.toml:1, rolled out) "
        "serves `new_checkout` as `true` to everyone; settling it to another value would "
        "change what runs\n")
    assert main(["clean", "new_checkout", "--dry-run", str(root)]) == 0
    assert capsys.readouterr().err.startswith(
        "Flag `new_checkout` settled to `true` (served to everyone by its registry entry "
        "(flags.toml:1, rolled out)): would change 2 files;")


def test_clean_names_the_tests_that_still_use_what_it_keeps(tmp_path, capsys):
    """edx-completion: a mixin's setUpClass switched the flag from a class attribute
    (`override_waffle_switch(TRACKING, cls.ENABLED)`), which flaglint cannot read; the test
    that switched it off kept expecting the removed branch and failed, and the account
    said only that `TRACKING` was not deleted. It now says which tests to look at."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.definitions]]\n'
                          'call = "*.Switch"\nkey = 0\nreads = ["is_enabled"]\n',
        "flags.toml": '[flags.tracking]\nowner = "x"\ntype = "release"\n',
        "app/__init__.py": "",
        "app/switch.py": "class Switch:\n    def __init__(self, name):\n        self.name = name\n"
                         "\n    def is_enabled(self):\n        return False\n\n\n"
                         "def override(switch, active):\n    return switch, active\n",
        "app/toggles.py": "from app.switch import Switch\n\nTRACKING = Switch('tracking')\n",
        "app/service.py": "from app import toggles\n\n\ndef submit(value):\n"
                          "    if not toggles.TRACKING.is_enabled():\n"
                          "        raise RuntimeError('off')\n    return value\n",
        "tests/__init__.py": "",
        "tests/test_service.py": '''
            from app import toggles
            from app.switch import override


            class Off:
                ENABLED = False

                def setup_method(self):
                    self.patched = override(toggles.TRACKING, self.ENABLED)
            ''',
    })
    assert main(["clean", "tracking", "--value", "true", "--no-cache", str(tmp_path)]) == 1
    assert capsys.readouterr().out.endswith(
        "app/toggles.py:3: `TRACKING` not deleted: tests/test_service.py:9:33: use "
        "(toggles.TRACKING).\n"
        "Tests still use `TRACKING` (tests/test_service.py:9): one that sets `tracking` to "
        "another value than `true` tests code the clean removed; adapt or delete it.\n")


def test_a_dry_runs_account_points_at_the_lines_on_disk(tmp_path, capsys):
    """A review found a dry run listing `toggles.py:15: app.tracking is defined here in
    code` (the line in the text its edits would make) beside `toggles.py:17: TRACKING not
    deleted` (the line on disk), one definition said twice. A dry run's whole account now
    points at the file as it is; a clean that writes, at the file as written."""
    files = {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.definitions]]\n'
                          'call = "*.WaffleSwitch"\nkey = 0\nreads = ["is_enabled"]\n',
        "flags.toml": '[flags."app.tracking"]\nowner = "a"\ntype = "release"\n',
        "app/__init__.py": "",
        "app/toggles.py": "class WaffleSwitch:\n    def __init__(self, name):\n"
                          "        self.name = name\n\n    def is_enabled(self):\n"
                          "        return False\n\n\ndef tracked():\n"
                          "    if TRACKING.is_enabled():\n        x = 1\n        y = 2\n"
                          "        return x + y\n    return 2\n\n\n"
                          "TRACKING = WaffleSwitch('app.tracking')\n",
        "app/views.py": "from app import toggles\n\n\ndef show():\n"
                        "    return toggles.TRACKING.name\n",
    }
    for dry, line in ((True, 17), (False, 15)):
        root = write_tree(tmp_path / str(dry), files)
        assert main(["clean", "app.tracking", "--value", "true", "--no-cache", str(root),
                     *(["--dry-run"] if dry else [])]) == 1
        out, err = capsys.readouterr()
        account = (err if dry else out).splitlines()
        assert [text for text in account if "toggles.py:" in text] == [
            f"app/toggles.py:{line}: `TRACKING` not deleted: app/views.py:5:12: use "
            f"(toggles.TRACKING)."]


def test_a_dry_runs_account_follows_a_line_the_clean_only_dedented(tmp_path, capsys):
    """prefect (found by a helper): the key on a line of the collapsed branch's body, which
    the clean dedents, was listed at the line of the `if` it replaced (7), not at its own
    (8 on disk, 5 once written)."""
    files = {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.readers]]\n'
                          'call = "app.flags.is_feature_enabled"\nkey = 0\n',
        "flags.toml": '[flags.fast_cancel]\nowner = "a"\ntype = "release"\n',
        "app/__init__.py": "",
        "app/flags.py": "def is_feature_enabled(name):\n    return False\n",
        "app/jobs.py": "import warnings\n\nfrom app.flags import is_feature_enabled\n\n\n"
                       "def command():\n    if is_feature_enabled('fast_cancel'):\n"
                       "        warnings.warn('fast_cancel is experimental')\n"
                       "        return 'new'\n    return 'old'\n",
    }
    for dry, line in ((True, 8), (False, 5)):
        root = write_tree(tmp_path / str(dry), files)
        assert main(["clean", "fast_cancel", "--value", "true", "--no-cache", str(root),
                     *(["--dry-run"] if dry else [])]) == 0
        out, err = capsys.readouterr()
        assert f"Still naming `fast_cancel` (comments, docs, other files; not edited): " \
               f"app/jobs.py:{line}.\n" in (err if dry else out)


ORA_FEATURES = {  # ora2: reads `settings.FEATURES.get(KEY)`, tests `patch.dict` the mapping
    "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.readers]]\n'
                      'call = "app.conf.settings.FEATURES.get"\nkey = 0\n',
    "flags.toml": '[flags.SHOW_USERNAMES]\nowner = "x"\ntype = "release"\n',
    "app/__init__.py": "",
    "app/conf.py": "class _Settings:\n    FEATURES = {}\n\n\nsettings = _Settings()\n",
    "app/report.py": '''
        from app.conf import settings


        def _usernames_enabled():
            return settings.FEATURES.get("SHOW_USERNAMES", False)


        def header():
            return ["Username", "ID"] if _usernames_enabled() else ["ID"]
        ''',
    "tests/__init__.py": "",
}


def _pytest(root: Path) -> str:
    """The outcome line of the project's own tests."""
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests"], cwd=root, capture_output=True, text=True)
    return done.stdout.strip().splitlines()[-1].split(" in ")[0]


def test_clean_takes_the_tests_that_patch_the_mapping_the_reads_read(tmp_path, capsys):
    """ora2 reads `settings.FEATURES.get(KEY)`, and its tests set the flag with
    `patch.dict("django.conf.settings.FEATURES", {KEY: False})`: the test of the removed
    branch was left, and failed after the clean. A `patch.dict` of the mapping the reads
    read (by its dotted path, or the object) sets the flag: the test of the other value
    goes, the other loses its `with`, and the tests that are left pass."""
    write_tree(tmp_path, {**ORA_FEATURES, "tests/test_report.py": '''
        from unittest.mock import patch

        from app.conf import settings
        from app.report import header


        def test_on():
            with patch.dict("app.conf.settings.FEATURES", {"SHOW_USERNAMES": True}):
                assert header() == ["Username", "ID"]


        def test_off():
            with patch.dict(settings.FEATURES, {"SHOW_USERNAMES": False}):
                assert header() == ["ID"]


        def test_other_features():
            with patch.dict(settings.FEATURES, {"OTHER": False}):
                assert header() == ["ID"]
        '''})
    assert _pytest(tmp_path) == "3 passed"
    assert main(["clean", "SHOW_USERNAMES", "--value", "true", "--no-cache",
                 str(tmp_path)]) == 0
    capsys.readouterr()
    assert (tmp_path / "tests" / "test_report.py").read_text() == (
        "from unittest.mock import patch\n\nfrom app.conf import settings\n"
        "from app.report import header\n\n\ndef test_on():\n"
        "    assert header() == [\"Username\", \"ID\"]\n\n\n"
        "def test_other_features():\n"
        "    with patch.dict(settings.FEATURES, {\"OTHER\": False}):\n"
        "        assert header() == [\"ID\"]\n")
    # the test of the other features ran the removed branch too: flaglint cannot tell
    assert _pytest(tmp_path) == "1 failed, 1 passed"


def test_a_setting_with_another_literal_beside_its_value_is_judged_by_its_value(
        tmp_path, capsys):
    """label-studio: `@mock_feature_flag("x", False, parent_module="app.models")` passes a
    string besides the value, and the clean to `true` took it for an unknown value: it
    dropped the decorator and kept the test of the removed branch, which then failed."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.readers]]\n'
                          'call = "app.flags.flag_set"\nkey = 0\n',
        "flags.toml": '[flags.randomize]\nowner = "x"\ntype = "release"\n',
        "app/__init__.py": "",
        "app/flags.py": "def flag_set(name, user=None):\n    return False\n",
        "app/models.py": '''
            from app.flags import flag_set


            def order(items):
                if flag_set("randomize", user="auto"):
                    return list(reversed(items))
                return sorted(items)
            ''',
        "tests/__init__.py": "",
        "tests/utils.py": '''
            from functools import wraps
            from unittest import mock

            from app.flags import flag_set


            def mock_feature_flag(flag_name, value, parent_module="app.flags"):
                def decorator(func):
                    @wraps(func)
                    def wrapper(*args, **kwargs):
                        def fake(feature_flag, *a, **k):
                            return value if feature_flag == flag_name else flag_set(feature_flag)

                        with mock.patch(f"{parent_module}.flag_set", wraps=fake):
                            return func(*args, **kwargs)
                    return wrapper
                return decorator
            ''',
        "tests/test_models.py": '''
            from app.models import order
            from tests.utils import mock_feature_flag


            @mock_feature_flag("randomize", True, parent_module="app.models")
            def test_reversed_when_on():
                assert order([1, 2, 3]) == [3, 2, 1]


            @mock_feature_flag("randomize", False, parent_module="app.models")
            def test_sorted_when_off():
                assert order([3, 1, 2]) == [1, 2, 3]
            ''',
    })
    assert _pytest(tmp_path) == "2 passed"
    assert main(["clean", "randomize", "--value", "true", "--no-cache", str(tmp_path)]) == 0
    capsys.readouterr()
    assert (tmp_path / "tests" / "test_models.py").read_text() == (
        "from app.models import order\n\n\ndef test_reversed_when_on():\n"
        "    assert order([1, 2, 3]) == [3, 2, 1]\n")
    assert _pytest(tmp_path) == "1 passed"


def test_clean_names_a_test_class_set_to_the_other_value_and_drops_one_set_to_its_own(
        tmp_path, capsys):
    """ora2's test classes carry `@patch.dict(…FEATURES, {KEY: True})`: the clean said
    nothing of them, and six tests failed after it. A class decorator that sets the value
    the flag now has goes; one that sets the other value stays (the class may test other
    things too), and the clean names it where it is on disk, and exits 1."""
    write_tree(tmp_path, {**ORA_FEATURES, "tests/test_classes.py": '''
        """Classes."""
        from unittest import TestCase
        from unittest.mock import patch

        from app.report import header


        @patch.dict("app.conf.settings.FEATURES", {"SHOW_USERNAMES": True})
        class TestOn(TestCase):
            def test_header(self):
                assert header() == ["Username", "ID"]


        @patch.dict(
            "app.conf.settings.FEATURES",
            {"SHOW_USERNAMES": False},
        )
        class TestOff(TestCase):
            def test_header(self):
                assert header() == ["ID"]
        '''})
    before = (tmp_path / "tests" / "test_classes.py").read_text()
    assert main(["clean", "SHOW_USERNAMES", "--value", "true", "--no-cache", "--dry-run",
                 str(tmp_path)]) == 1
    said = capsys.readouterr().err
    assert (tmp_path / "tests" / "test_classes.py").read_text() == before
    assert said.endswith(
        "Test classes set `SHOW_USERNAMES` to another value than `true` for all their tests "
        "(tests/test_classes.py:14 `TestOff`): those tests ran under the code the clean "
        "would remove; adapt or delete them (the classes are left as they are).\n")
    assert "Still naming" not in said
    assert main(["clean", "SHOW_USERNAMES", "--value", "true", "--no-cache",
                 str(tmp_path)]) == 1
    capsys.readouterr()
    assert (tmp_path / "tests" / "test_classes.py").read_text() == before.replace(
        '@patch.dict("app.conf.settings.FEATURES", {"SHOW_USERNAMES": True})\n', "")
    assert _pytest(tmp_path) == "1 failed, 1 passed"


def test_clean_names_the_tests_of_the_removed_code_where_a_read_is_left(tmp_path, capsys):
    """ora2: a read whose key flaglint cannot resolve may read the flag
    (`settings.FEATURES.get(toggle_name)`), so the clean kept the registry entry, and with
    it every test setting: the test that set the other value failed after the clean, named
    nowhere. It is left (the read left may be what it tests) and named; `clean` exits 1."""
    write_tree(tmp_path, {**ORA_FEATURES,
                          "app/config.py": "from app.conf import settings\n\n\n"
                                           "def toggle_enabled(name):\n"
                                           "    return settings.FEATURES.get(name) is True\n",
                          "app/names.py": "SHOWN = ['SHOW_USERNAMES']\n",
                          "tests/test_report.py": '''
        from unittest.mock import patch

        from app.report import header


        def test_on():
            with patch.dict("app.conf.settings.FEATURES", {"SHOW_USERNAMES": True}):
                assert header() == ["Username", "ID"]


        def test_off():
            with patch.dict("app.conf.settings.FEATURES", {"SHOW_USERNAMES": False}):
                assert header() == ["ID"]
        '''})
    before = (tmp_path / "tests" / "test_report.py").read_text()
    assert main(["clean", "SHOW_USERNAMES", "--value", "true", "--no-cache",
                 str(tmp_path)]) == 1
    said = capsys.readouterr().out
    assert (tmp_path / "tests" / "test_report.py").read_text() == before
    assert ("Tests set `SHOW_USERNAMES` to another value than `true` "
            "(tests/test_report.py:11 `test_off`): they ran under the code the clean removed; "
            "adapt or delete them (left as they are, since a read of `SHOW_USERNAMES` is "
            "left).\n") in said
    assert _pytest(tmp_path) == "1 failed, 1 passed"


def test_clean_names_what_only_tests_call_once_the_removed_branch_went(tmp_path, capsys):
    """ora2: the clean to `false` removed the only production call of
    `OraAggregateData._map_students_and_scorers_ids_to_usernames`, which a test still
    calls: it was kept without a word. It stays, and the account names it; a helper other
    production code still calls is not named."""
    write_tree(tmp_path, {
        **ORA_FEATURES,
        "app/report.py": '''
            from app.conf import settings


            def _usernames(rows):
                return [row.upper() for row in rows]


            def _shared(rows):
                return list(rows)


            def header(rows):
                if settings.FEATURES.get("SHOW_USERNAMES", False):
                    return _usernames(_shared(rows))
                return _shared(rows)
            ''',
        "tests/test_report.py": '''
            from app.report import _usernames, header


            def test_usernames():
                assert _usernames(["a"]) == ["A"]


            def test_header():
                assert header(["a"]) == ["a"]
            '''})
    assert main(["clean", "SHOW_USERNAMES", "--value", "false", "--no-cache",
                 str(tmp_path)]) == 0
    said = capsys.readouterr().out
    assert "def _usernames" in (tmp_path / "app" / "report.py").read_text()
    assert said.endswith(
        "Only tests call now app/report.py:4 `_usernames`: the code the clean removed was "
        "the last other caller; delete them with their tests if nothing outside the project "
        "needs them.\n")
    assert _pytest(tmp_path) == "2 passed"


def test_clean_takes_the_tests_that_set_the_flag_through_its_key_constant(tmp_path, capsys):
    """edx-search: `SW = "ns.sw"` read as `switch_is_active(SW)`, and a test decorated with
    `@override_switch(SW, active=True)`: the test of the removed branch was left (only one
    naming the key as text went), and it failed after the clean. A module constant its
    reads name the key by names the flag in tests too."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = ["django-waffle"]\n',
        "flags.toml": '[flags."ns.sw"]\nowner = "x"\ntype = "release"\nstatus = "retired"\n'
                      'retired = 2026-10-01\n',
        "pkg/__init__.py": "",
        "pkg/base.py": "from waffle import switch_is_active\n\nSW = 'ns.sw'\n\n\n"
                       "def engine():\n    if switch_is_active(SW):\n        return 'elastic'\n"
                       "    return 'default'\n",
        "pkg/tests/__init__.py": "",
        "pkg/tests/test_views.py": '''
            from waffle.testutils import override_switch

            from pkg.base import SW, engine


            @override_switch(SW, active=True)
            def test_on():
                assert engine() == "elastic"


            def test_default():
                assert engine() == "default"
            ''',
    })
    assert main(["clean", "ns.sw", "--value", "false", "--no-cache", str(tmp_path)]) == 0
    capsys.readouterr()
    assert (tmp_path / "pkg" / "tests" / "test_views.py").read_text() == (
        "from pkg.base import engine\n\n\ndef test_default():\n"
        "    assert engine() == \"default\"\n")


def test_clean_names_the_uses_left_of_a_constant_that_holds_the_key(tmp_path, capsys):
    """zenml's `ENV_ZENML_SERVER in os.environ`: no read, so the clean leaves it, and says
    where, by resolved name (an import, a module attribute, a relative import under another
    name), never a name spelled the same that is something else (an Enum member, another
    module's constant)."""
    files = {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.readers]]\n'
                          'call = "app.consts.handle_bool_env_var"\nkey = 0\n',
        "flags.toml": '[flags.APP_SERVER]\nowner = "a"\ntype = "operational"\n',
        "app/__init__.py": "",
        "app/consts.py": "import os\n\nENV_SERVER = 'APP_SERVER'\n\n\n"
                         "def handle_bool_env_var(var):\n    return os.getenv(var) == 'true'\n",
        "app/store.py": "import os\n\nfrom app.consts import ENV_SERVER, handle_bool_env_var\n\n\n"
                        "def user():\n    if handle_bool_env_var(ENV_SERVER):\n"
                        "        return 'auth'\n    return 'default'\n\n\n"
                        "def in_server():\n    return ENV_SERVER in os.environ\n",
        "app/other.py": "from app import consts\n\n\ndef name():\n    return consts.ENV_SERVER\n",
        "app/sub/__init__.py": "",
        "app/sub/rel.py": "from ..consts import ENV_SERVER as S\n\nNAMES = [S]\n",
        "app/enums.py": "from enum import Enum\n\n\nclass Mode(Enum):\n    ENV_SERVER = 'server'\n"
                        "\n\ndef mode():\n    return Mode.ENV_SERVER\n",
        "app/shadow.py": "ENV_SERVER = 'x'\nprint(ENV_SERVER)\n",
        # a review's: names that shadow the constant are not it, a star import is
        "app/names.py": "from app.consts import ENV_SERVER\n\n\ndef param(ENV_SERVER):\n"
                        "    return ENV_SERVER\n\n\nALL = [ENV_SERVER for ENV_SERVER in 'ab']\n"
                        "\n\nclass K:\n    ENV_SERVER = 1\n    twice = ENV_SERVER * 2\n\n"
                        "    def m(self):\n        return ENV_SERVER\n",
        "app/star.py": "from app.consts import *\n\nSEEN = ENV_SERVER\n",
        "app/broken.py": "from app.consts import ENV_SERVER\nif (:\n",
    }
    for dry, line in ((True, 13), (False, 11)):
        root = write_tree(tmp_path / str(dry), files)
        assert main(["clean", "APP_SERVER", "--value", "false", "--no-cache", str(root),
                     *(["--dry-run"] if dry else [])]) == 0
        out, err = capsys.readouterr()
        assert f"Still using `APP_SERVER` through a constant that holds it, in code that is " \
               f"no read flaglint knows (not edited; decide by hand): app/names.py:16 " \
               f"`ENV_SERVER`, app/other.py:5 `consts.ENV_SERVER`, app/star.py:3 `ENV_SERVER`, " \
               f"app/store.py:{line} `ENV_SERVER`, app/sub/rel.py:3 `S`.\n" in (err if dry else out)
        assert "Not searched for uses of a constant that holds `APP_SERVER`, as they do not " \
               "parse: app/broken.py.\n" in (err if dry else out)
    assert (tmp_path / "False" / "app" / "store.py").read_text() == (
        "import os\n\nfrom app.consts import ENV_SERVER\n\n\ndef user():\n    return 'default'\n"
        "\n\ndef in_server():\n    return ENV_SERVER in os.environ\n")


def test_removing_the_last_table_leaves_no_blank_line_at_the_end():
    """wagtail's trial: `clean` of the registry's last flag left a blank last line."""
    from flaglint.fixes.registry_edit import remove_table

    text = '# Flags.\n[flags.a]\nowner = "x"\n\n[flags.b]\nowner = "y"\n'
    assert remove_table(text, 5) == '# Flags.\n[flags.a]\nowner = "x"\n'
    assert remove_table(text, 2) == '# Flags.\n\n[flags.b]\nowner = "y"\n'
    assert remove_table('[flags.b]\nowner = "y"\n', 1) == ""
    assert remove_table('[flags.a]\n\n[flags.b]\n\n# the end\n', 3) == "[flags.a]\n\n# the end\n"


def test_pytest_djangos_settings_fixture_sets_the_flag(tmp_path, capsys):
    """pulpcore's tests set Django settings through pytest-django's `settings` fixture:
    `settings.X = True` in a test or fixture was no setting, so the tests of the removed
    branch stayed, unnamed, and failed (exit 0). One that sets the kept value loses the
    line."""
    write_tree(tmp_path, {
        "flaglint.toml": 'presets = ["django-settings"]\n',
        "flags.toml": '[flags.ENABLE_X]\ntype = "release"\nowner = "me"\n',
        "app/__init__.py": "",
        "app/views.py": "from django.conf import settings\n\n\ndef view():\n"
                        "    if getattr(settings, 'ENABLE_X', False):\n"
                        "        return 'new'\n    return 'old'\n",
        "tests/__init__.py": "",
        "tests/test_views.py": """
            import pytest

            from app.views import view


            @pytest.fixture
            def x_on(settings):
                settings.ENABLE_X = True


            def test_new_via_fixture(x_on):
                assert view() == "new"


            def test_new_via_settings(settings):
                settings.ENABLE_X = True
                assert view() == "new"


            def test_old(settings):
                settings.ENABLE_X = False
                settings.LANGUAGE_CODE = "en"
                assert view() == "old"
            """})
    assert main(["clean", "ENABLE_X", "--value", "false", "--no-cache", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Tests deleted, with the code they tested: tests/test_views.py " \
           "`test_new_via_fixture`, tests/test_views.py `test_new_via_settings`.\n" in out
    assert (tmp_path / "tests" / "test_views.py").read_text() == (
        "from app.views import view\n\n\ndef test_old(settings):\n"
        "    settings.LANGUAGE_CODE = \"en\"\n    assert view() == \"old\"\n")


def test_clean_names_every_place_left_and_reads_through_another_settings_object(
        tmp_path, capsys):
    """pulpcore's: the account of a definition kept named its first five uses and no more
    (seven tests still read it), and `Still naming` left out `settings.ENABLE_X` read
    through the project's own settings object, which no preset follows."""
    tests = {f"tests/test_m{n}.py": "import pytest\n\nfrom app import settings\n\n\n"
                                    "@pytest.mark.skipif(not settings.ENABLE_X, reason='x')\n"
                                    f"def test_needs_x_{n}():\n    assert True\n"
             for n in range(1, 8)}
    write_tree(tmp_path, {
        "flaglint.toml": 'presets = ["django-settings"]\n',
        "flags.toml": '[flags.ENABLE_X]\ntype = "release"\nowner = "me"\n',
        "app/__init__.py": "",
        "app/settings.py": "ENABLE_X = False\n",
        "app/views.py": "from django.conf import settings\n\n\ndef view():\n"
                        "    if settings.ENABLE_X:\n        return 'new'\n    return 'old'\n",
        "app/lazy.py": "from app import settings\n\n\ndef cached(func):\n"
                       "    if not settings.ENABLE_X:\n        return func\n"
                       "    return lambda: 'cached'\n",
        "tests/__init__.py": "", **tests})
    assert main(["clean", "ENABLE_X", "--value", "false", "--no-cache", "--dry-run",
                 str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "app/settings.py:1: `ENABLE_X` not deleted: app/lazy.py:5:12: use " \
           "(settings.ENABLE_X); tests/test_m1.py:6:25: use (settings.ENABLE_X); " \
           "tests/test_m2.py:6:25: use (settings.ENABLE_X); tests/test_m3.py:6:25: use " \
           "(settings.ENABLE_X); tests/test_m4.py:6:25: use (settings.ENABLE_X); and 3 " \
           "more.\n" in err
    assert "Tests still use `ENABLE_X` (" + ", ".join(
        f"tests/test_m{n}.py:6" for n in range(1, 8)) + ")" in err
    assert "Still naming" not in err  # each place is said once, where it is said above
    # a use through another settings object, no definition kept: it is a mention
    (tmp_path / "app" / "settings.py").write_text("import os\n")
    (tmp_path / "app" / "lazy.py").write_text("def cached(settings):\n"
                                              "    return settings.ENABLE_X\n")
    for n in range(1, 8):
        (tmp_path / "tests" / f"test_m{n}.py").unlink()
    assert main(["clean", "ENABLE_X", "--value", "false", "--no-cache", "--dry-run",
                 str(tmp_path)]) == 0
    assert "Still naming `ENABLE_X` (comments, docs, other files; not edited): " \
           "app/lazy.py:2.\n" in capsys.readouterr().err


DJANGO_CASE = {
    "flaglint.toml": 'presets = ["django-settings"]\n',
    "flags.toml": '[flags.FEATURE_SEARCH]\ntype = "release"\nowner = "me"\n',
    "mysite/__init__.py": "",
    "mysite/settings.py": "FEATURE_SEARCH = False\n",
    "app/__init__.py": "",
    "app/views.py": "from django.conf import settings\n\n\ndef search(q):\n"
                    "    if settings.FEATURE_SEARCH:\n        return 'new:' + q\n"
                    "    return 'old:' + q\n",
    "tests/__init__.py": "",
    "tests/test_views.py": """
        import types

        import pytest

        from app.views import search


        def test_local_object():
            settings = types.SimpleNamespace(FEATURE_SEARCH=True)
            settings.FEATURE_SEARCH = False
            assert settings.FEATURE_SEARCH is False


        def test_with_finally():
            from django.conf import settings
            settings.FEATURE_SEARCH = True
            try:
                assert search("q") == "new:q"
            finally:
                settings.FEATURE_SEARCH = False


        def test_reads_it_back(settings):
            settings.FEATURE_SEARCH = True
            assert settings.FEATURE_SEARCH is True


        @pytest.fixture
        def search_on():
            from django.conf import settings
            settings.FEATURE_SEARCH = True
            try:
                yield
            finally:
                settings.FEATURE_SEARCH = False


        def test_via_fixture(search_on):
            assert search("z") == "new:z"
        """,
}


def test_a_settings_name_is_djangos_only_where_it_is_and_a_reset_is_no_setting(
        tmp_path, capsys):
    """A review's: `settings.X = v` was Django's setting whatever `settings` was (a local
    object), a `finally:` putting the flag back doomed a test of the value kept, a kept-value
    setting went from a test that reads it back (it failed), and a write of
    `settings.X` was taken for a read (`True = True` refused as not parsing)."""
    write_tree(tmp_path, DJANGO_CASE)
    assert main(["clean", "FEATURE_SEARCH", "--value", "true", "--no-cache",
                 str(tmp_path)]) == 1  # the definition is kept: tests still read it
    out, err = capsys.readouterr()
    assert "would not parse" not in out + err
    assert "Tests deleted" not in out
    assert (tmp_path / "tests" / "test_views.py").read_text() == textwrap.dedent('''
        import types

        import pytest

        from app.views import search


        def test_local_object():
            settings = types.SimpleNamespace(FEATURE_SEARCH=True)
            settings.FEATURE_SEARCH = False
            assert settings.FEATURE_SEARCH is False


        def test_with_finally():
            from django.conf import settings
            try:
                assert search("q") == "new:q"
            finally:
                pass


        def test_reads_it_back(settings):
            settings.FEATURE_SEARCH = True
            assert settings.FEATURE_SEARCH is True


        @pytest.fixture
        def search_on():
            from django.conf import settings
            try:
                yield
            finally:
                pass


        def test_via_fixture(search_on):
            assert search("z") == "new:z"
        ''').lstrip("\n")
    other = tmp_path / "false"
    write_tree(other, DJANGO_CASE)
    main(["clean", "FEATURE_SEARCH", "--value", "false", "--no-cache", str(other)])
    out = capsys.readouterr().out
    assert "Tests deleted, with the code they tested: tests/test_views.py " \
           "`test_with_finally`, tests/test_views.py `test_reads_it_back`, " \
           "tests/test_views.py `test_via_fixture`.\n" in out
    assert "def test_local_object():" in (other / "tests" / "test_views.py").read_text()


def test_constant_uses_follow_attributes_defaults_and_a_fallback_import(tmp_path, capsys):
    """A review's: `SEARCH.upper()`, `def f(x=SEARCH)` and `try: from app.consts import
    SEARCH / except ImportError: SEARCH = …` are uses of the constant; `re.search` in a
    file is no mention of a key `search`."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.readers]]\n'
                          'call = "app.consts.on"\nkey = 0\n',
        "flags.toml": '[flags.search]\nowner = "a"\ntype = "release"\n',
        "app/__init__.py": "",
        "app/consts.py": "SEARCH = 'search'\n\n\ndef on(key):\n    return False\n",
        "app/views.py": "import re\n\nfrom app.consts import SEARCH, on\n\n\n"
                        "def view():\n    if on(SEARCH):\n        return 1\n    return 2\n\n\n"
                        "def shout(word=SEARCH):\n    return word\n\n\n"
                        "def found(text):\n    return re.search('x', text), SEARCH.upper()\n",
        "app/fallback.py": "try:\n    from app.consts import SEARCH\nexcept ImportError:\n"
                           "    SEARCH = 'search'\n\nNAMES = [SEARCH]\n",
        "templates/page.html": "{% if flags.search %}<input>{% endif %}\n",
    })
    assert main(["clean", "search", "--value", "true", "--dry-run", "--no-cache",
                 str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "Still using `search` through a constant that holds it, in code that is no read " \
           "flaglint knows (not edited; decide by hand): app/fallback.py:6 `SEARCH`, " \
           "app/views.py:12 `SEARCH`, app/views.py:17 `SEARCH`.\n" in err
    assert "Still naming `search` (comments, docs, other files; not edited): app/consts.py:1, " \
           "app/fallback.py:4, templates/page.html:1.\n" in err  # not `re.search(` in views


def test_clean_names_tests_that_set_the_key_under_a_prefix(tmp_path, capsys):
    """django-cms reads `get_cms_setting("PLACEHOLDER_CACHE")`, the Django setting
    `CMS_PLACEHOLDER_CACHE`, and its tests switch that: they were left unnamed and failed,
    exit 0. flaglint cannot tell the prefix is the reader's: named, exit 1, not edited."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\n\n[[tool.flaglint.readers]]\n'
                          'call = "app.conf.get_setting"\nkey = 0\n',
        "flags.toml": '[flags.NEW_UI]\ntype = "release"\nowner = "me"\n',
        "app/__init__.py": "",
        "app/conf.py": "from django.conf import settings\n\nDEFAULTS = {'NEW_UI': False}\n\n\n"
                       "def get_setting(name):\n"
                       "    return getattr(settings, 'APP_%s' % name, DEFAULTS[name])\n",
        "app/views.py": "from app.conf import get_setting\n\n\ndef page():\n"
                        "    if get_setting('NEW_UI'):\n        return 'new'\n    return 'old'\n",
        "tests/__init__.py": "",
        "tests/test_views.py": """
            from django.test import TestCase, override_settings

            from app.views import page


            class PageTests(TestCase):
                @override_settings(APP_NEW_UI=True)
                def test_new(self):
                    self.assertEqual(page(), "new")

                def test_old(self):
                    self.assertEqual(page(), "old")
            """})
    before = (tmp_path / "tests" / "test_views.py").read_text()
    assert main(["clean", "NEW_UI", "--value", "false", "--no-cache", str(tmp_path)]) == 1
    assert "Tests set a setting named `NEW_UI` with a prefix (`…_NEW_UI`), which a reader " \
           "that adds one reads: tests/test_views.py:8 `PageTests.test_new`; not edited: if " \
           "it is the flag, they ran under the code the clean removed (adapt or delete " \
           "them).\n" in capsys.readouterr().out
    assert (tmp_path / "tests" / "test_views.py").read_text() == before


def test_a_finally_followed_by_a_check_and_a_settings_import_under_try(tmp_path, capsys):
    """A review's: a `finally:` setting the other value before the test checks the old path
    is no reset (the test ran under the code the clean removed: it goes), and Django's
    settings imported under a module-level `try:` are Django's settings."""
    write_tree(tmp_path, {**DJANGO_CASE, "tests/test_views.py": """
        try:
            from django.conf import settings
        except ImportError:
            raise

        from app.views import search


        def test_both_paths():
            try:
                settings.FEATURE_SEARCH = True
                assert search("q") == "new:q"
            finally:
                settings.FEATURE_SEARCH = False
            assert search("q") == "old:q"


        def test_old_path():
            settings.FEATURE_SEARCH = False
            assert search("q") == "old:q"


        def test_new_path():
            settings.FEATURE_SEARCH = True
            try:
                assert search("q") == "new:q"
            finally:
                settings.FEATURE_SEARCH = False
        """})
    main(["clean", "FEATURE_SEARCH", "--value", "true", "--no-cache", str(tmp_path)])
    assert "Tests deleted, with the code they tested: tests/test_views.py `test_both_paths`, " \
           "tests/test_views.py `test_old_path`.\n" in capsys.readouterr().out
    assert "def test_new_path():\n    try:\n" in (tmp_path / "tests" / "test_views.py").read_text()


def test_a_prefixed_setting_that_is_a_flag_itself_is_not_named(tmp_path, capsys):
    """A review's: `ELASTIC_SEARCH_ENABLED`, a flag of its own, is no prefixed
    `SEARCH_ENABLED`: no test is named for it, exit 0."""
    write_tree(tmp_path, {
        "flaglint.toml": 'presets = ["django-settings"]\n',
        "flags.toml": '[flags.SEARCH_ENABLED]\ntype = "release"\nowner = "me"\n\n'
                      '[flags.ELASTIC_SEARCH_ENABLED]\ntype = "release"\nowner = "me"\n',
        "app/__init__.py": "",
        "app/views.py": "from django.conf import settings\n\n\ndef search():\n"
                        "    if settings.SEARCH_ENABLED:\n        return 'new'\n"
                        "    return 'elastic' if settings.ELASTIC_SEARCH_ENABLED else 'old'\n",
        "tests/__init__.py": "",
        "tests/test_backend.py": """
            from django.test import override_settings


            @override_settings(ELASTIC_SEARCH_ENABLED=True)
            def test_elastic():
                pass
            """})
    assert main(["clean", "SEARCH_ENABLED", "--value", "true", "--dry-run", "--no-cache",
                 str(tmp_path)]) == 0
    assert "prefix" not in capsys.readouterr().err


def test_tests_that_give_the_key_another_value_through_no_known_setter_are_named(
        tmp_path, capsys):
    """scrapy's tests switch settings with `get_crawler(settings_dict={"K": False})`,
    `Settings({"K": False})` and `s.set("K", False)`: no setter flaglint knows, so they were
    left unnamed and failed after the clean (39 of them), exit 0. They are named now, by
    `clean` (exit 1) and by `check --fix`'s warning; a test of the kept value is not."""
    files = {
        "flaglint.toml": '[[readers]]\ncall = "*.getbool"\nkey = 0\ndefault = 1\n',
        "flags.toml": '[flags.COOKIES_ENABLED]\ntype = "release"\nowner = "me"\n',
        "app/__init__.py": "",
        "app/mw.py": "class Settings(dict):\n    def getbool(self, name, default=False):\n"
                     "        return bool(self.get(name, default))\n\n"
                     "    def set(self, name, value):\n        self[name] = value\n\n\n"
                     "class Cookies:\n    @classmethod\n    def from_settings(cls, settings):\n"
                     "        if not settings.getbool('COOKIES_ENABLED'):\n"
                     "            raise RuntimeError('off')\n        return cls()\n",
        "tests/__init__.py": "",
        "tests/test_mw.py": """
            from app.mw import Cookies, Settings


            def get_crawler(settings_dict=None):
                return Settings(settings_dict or {})


            def test_dict_off():
                Cookies.from_settings(get_crawler(settings_dict={"COOKIES_ENABLED": False}))


            def test_set_off():
                s = Settings()
                s.set("COOKIES_ENABLED", "false")


            def test_on():
                assert Cookies.from_settings(Settings({"COOKIES_ENABLED": True}))
            """}
    write_tree(tmp_path, files)
    assert main(["clean", "COOKIES_ENABLED", "--value", "true", "--no-cache",
                 str(tmp_path)]) == 1
    assert "Tests still give `COOKIES_ENABLED` another value than `true` where flaglint " \
           "knows no setter: tests/test_mw.py:8 `test_dict_off`, tests/test_mw.py:12 " \
           "`test_set_off`; not edited: if that sets the flag, they ran under the code the " \
           "clean removed (adapt or delete them).\n" in capsys.readouterr().out
    fixed = write_tree(tmp_path / "fix", {**files, "flags.toml": files["flags.toml"] +
                                          'status = "rolled-out"\nvalue = true\n'})
    main(["check", "--fix", "--no-cache", str(fixed)])
    assert "(tests/test_mw.py:8 `test_dict_off`, tests/test_mw.py:12 `test_set_off`)" in \
        capsys.readouterr().err


STREAMLIT = {
    "flaglint.toml": '[[readers]]\ncall = "app.config.get_option"\nkey = 0\n\n'
                     '[[definitions]]\ncall = "app.config._create_option"\nkey = 0\n',
    "flags.toml": '[flags."server.static"]\ntype = "release"\nowner = "me"\n'
                  'status = "rolled-out"\nvalue = true\n',
    "app/__init__.py": "",
    "app/config.py": "_options = {}\n\n\ndef _create_option(key, default_val=None):\n"
                     "    _options[key] = default_val\n\n\ndef get_option(key):\n"
                     "    return _options[key]\n\n\ndef set_option(key, value):\n"
                     "    _options[key] = value\n\n\n"
                     '_create_option("server.static", default_val=True)\n',
    "app/boot.py": "from app import config\n\n\ndef check_folder(size):\n"
                   "    if size > 100:\n"
                   '        config.set_option("server.static", False)\n\n\n'
                   "def routes():\n"
                   '    if config.get_option("server.static"):\n'
                   '        return ["static"]\n    return []\n',
}


def test_a_call_that_may_set_the_flag_otherwise_as_the_program_runs_is_named(tmp_path,
                                                                             capsys):
    """streamlit's bootstrap turns static serving off as it runs, through
    `config.set_option("server.enableStaticServing", False)`: `clean` settled the option to
    true everywhere, listed that line among the comments that name the key, and exited 0.
    A call outside the tests that passes the key and the other value (not a read, write or
    definition flaglint knows) is named now, and the clean exits 1."""
    write_tree(tmp_path, STREAMLIT)
    assert main(["clean", "server.static", "--dry-run", "--no-cache", str(tmp_path)]) == 1
    out = capsys.readouterr().err
    assert "Code outside the tests still gives `server.static` another value than `true` " \
           "through a call flaglint knows no setter in: app/boot.py:6 `check_folder`; not " \
           "edited: if that sets the flag as the program runs, the clean would change what runs " \
           "there (name the call a reader with `writes = true`, and flaglint refuses the " \
           "clean).\n" in out
    assert "Still naming" not in out  # the line is said once, for what it may be


# edx-enterprise's shape: a setting read through Django's settings, and through a settings
# object a function is passed (no flag read flaglint links)
EDX_SETTINGS = {
    "flaglint.toml": 'presets = ["django-settings"]\n',
    "flags.toml": '[flags.ENABLE_X]\ntype = "release"\nowner = "team"\n'
                  'status = "rolled-out"\nvalue = true\n',
    "app/__init__.py": "",
    "app/plugin.py": "def plugin_settings(settings):\n"
                     "    if not getattr(settings, 'ENABLE_X', False):\n        return\n",
    "app/core.py": "from django.conf import settings\n\n\ndef handler():\n"
                   "    if not getattr(settings, 'ENABLE_X', False):\n"
                   "        return None\n    return 1\n",
}


def test_a_read_with_a_default_that_flaglint_does_not_link_is_no_setter(tmp_path, capsys):
    """edx-enterprise: `plugin_settings(settings)` tests `getattr(settings, "ENABLE_X",
    False)` of the settings object it is passed (no flag read flaglint links). `clean
    ENABLE_X --value true` named it a call that may set the flag otherwise as the program
    runs, `plugin_settings` the call, and exited 1: a `getattr` or a `get…` call reads
    with a default; the line is one that still names the key."""
    write_tree(tmp_path, {
        "flaglint.toml": 'presets = ["django-settings"]\n',
        "flags.toml": '[flags.ENABLE_X]\ntype = "release"\nowner = "team"\n'
                      'status = "rolled-out"\nvalue = true\n',
        "app/__init__.py": "",
        "app/plugin.py": "def plugin_settings(settings):\n"
                         "    if not getattr(settings, 'ENABLE_X', False):\n"
                         "        return\n    settings.OTHER = 1\n",
        "app/core.py": "from django.conf import settings\n\n\ndef handler():\n"
                       "    if not getattr(settings, 'ENABLE_X', False):\n"
                       "        return None\n    return 1\n",
    })
    assert main(["clean", "ENABLE_X", "--dry-run", "--no-cache", str(tmp_path)]) == 0
    out = capsys.readouterr().err
    assert "setter" not in out
    assert "Still naming `ENABLE_X` (comments, docs, other files; not edited): " \
           "app/plugin.py:2.\n" in out
    # a `get…` call that gives the key a value by its keyword, or sets as it gets, is named
    (tmp_path / "app/boot.py").write_text("from app.factory import get_settings, get_or_set"
                                          "\n\n\ndef boot():\n"
                                          "    conf = get_settings(ENABLE_X=False)\n"
                                          "    get_or_set('ENABLE_X', False)\n"
                                          "    return conf\n")
    assert main(["clean", "ENABLE_X", "--dry-run", "--no-cache", str(tmp_path)]) == 1
    assert "knows no setter in: app/boot.py:5 `boot`, app/boot.py:6 `boot`;" in \
        capsys.readouterr().err


@pytest.mark.parametrize("key_text", ["f'{NS}.use_beta'", "'ent.use_beta'"])
def test_a_wrapper_named_after_the_key_goes_with_the_definition_that_spells_it(
        tmp_path, capsys, key_text):
    """edx-toggles: `BETA = WaffleFlag(f'{NS}.use_beta', __name__)` read by the wrapper
    `use_beta()`. `clean` kept the wrapper, which nothing called any more, for "a string
    naming it" (the key in the definition the same clean then deleted): the wrapper's
    deletion is tried again once the definitions are gone."""
    write_tree(tmp_path, {
        "flaglint.toml": '[[definitions]]\ncall = "edx_toggles.toggles.WaffleFlag"\n'
                         'key = 0\nreads = ["is_enabled"]\n',
        "flags.toml": '[flags."ent.use_beta"]\ntype = "release"\nowner = "team"\n'
                      'status = "rolled-out"\nvalue = true\n',
        "app/__init__.py": "",
        "app/api.py": "from app.toggles import use_beta\n\n\ndef features():\n"
                      "    return {'beta': use_beta()}\n",
        "app/toggles.py": "from edx_toggles.toggles import WaffleFlag\n\nNS = 'ent'\n\n"
                          f"BETA = WaffleFlag({key_text}, __name__)\n\n\n"
                          "def use_beta():\n    return BETA.is_enabled()\n",
    })
    assert main(["clean", "ent.use_beta", "--no-cache", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "not deleted" not in out
    assert "1 dead helper and 1 definition deleted" in out
    assert (tmp_path / "app/api.py").read_text() == "def features():\n    return {'beta': True}\n"
    assert (tmp_path / "app/toggles.py").read_text() == "NS = 'ent'\n"


def test_a_setting_of_a_value_only_the_test_knows_is_left_and_named(tmp_path, capsys):
    """ReviewBoard: `with override_feature_check(FEATURE, self.uses_banner):` in a mixin,
    `uses_banner = False` in one of its test classes. `clean` dropped the `with` as a
    setting of a value it could not tell, exited 0, and the legacy class's test failed.
    A value that is no literal, passed by keyword or after the flag, makes the test one
    that set the flag to a variable: left, named, exit 1. One before the flag is what it
    is set in (`patch.dict(os.environ, …)`), and a literal by keyword is what it was."""
    write_tree(tmp_path, {
        "flaglint.toml": 'presets = ["django-waffle"]\n',
        "flags.toml": '[flags.banner]\ntype = "release"\nowner = "me"\n'
                      'status = "rolled-out"\nvalue = true\n',
        "app/__init__.py": "",
        "app/views.py": "import waffle\n\n\ndef legacy(ok):\n"
                        '    return ok and not waffle.switch_is_active("banner")\n',
        "tests/__init__.py": "",
        "tests/test_views.py":
            "import unittest\n\nfrom waffle.testutils import override_switch\n\n"
            "from app.views import legacy\n\n\nclass Mixin:\n    uses = True\n\n"
            "    def test_button(self):\n"
            '        with override_switch("banner", active=self.uses):\n'
            "            self.assertEqual(legacy(True), not self.uses)\n\n\n"
            "class Legacy(Mixin, unittest.TestCase):\n    uses = False\n\n\n"
            "def test_on():\n"
            '    with override_switch("banner", True, note="x"):\n'
            "        assert not legacy(True)\n",
    })
    assert main(["clean", "banner", "--no-cache", str(tmp_path)]) == 1
    assert "Tests set `banner` to a value only running them tells (tests/test_views.py:11 " \
        "`Mixin.test_button`:" in capsys.readouterr().out
    text = (tmp_path / "tests/test_views.py").read_text()
    assert 'with override_switch("banner", active=self.uses):' in text
    assert text.endswith("def test_on():\n    assert not legacy(True)\n")  # the value it has


@pytest.mark.parametrize(("names", "blocked"), [
    ("NAMES = ('A_USER', 'B_USER')\n", False),
    ("NAMES = ('A_USER', 'ENABLE_X')\n", True),  # the loop may read the key
    ("NAMES = ['A_USER']\nNAMES.append(OTHER)\n", True),  # what it holds changes
    ("from app.names import NAMES\n", True),  # bound elsewhere: not followed
    ("NAMES = ('A_USER',)\nNAMES += ('ENABLE_X',)\n", True),  # bound again
    ("NAMES = ('A_USER',)\nif X:\n    NAMES = ('ENABLE_X',)\n", True),
    ("NAMES = ['A_USER']\n", True),  # a list may change anywhere: only a tuple is followed
])
def test_a_read_by_a_name_a_loop_takes_from_a_tuple_of_strings_may_be_only_those(
        tmp_path, capsys, names, blocked):
    """edx-enterprise: `{getattr(settings, n, None) for n in SERVICE_USERNAMES}`, a module
    tuple of other settings' names. `clean ENABLE_X` kept the registry entry (exit 1) for
    `'ENABLE_X'` written elsewhere, which that read "may be"; FL102 said the same. Such a read
    may be only the tuple's strings."""
    write_tree(tmp_path, {
        **EDX_SETTINGS,
        "app/utils.py": "from django.conf import settings\n\n" + names +
                        "\n\ndef users():\n"
                        "    return {getattr(settings, n, None) for n in NAMES}\n",
    })
    assert main(["clean", "ENABLE_X", "--dry-run", "--no-cache", str(tmp_path)]) == \
        (1 if blocked else 0)
    out = capsys.readouterr().err
    assert ("(its key unknown) may be" in out) is blocked


def test_a_configured_setter_in_tests_is_a_setting_clean_edits(tmp_path, capsys):
    """pandas: `option_context` and `set_option` named readers with `writes = true`. The
    check left the reads under them alone and its warning said `clean` deletes the tests
    of the other value; `clean` deleted none, said they set the flag "where flaglint knows
    no setter", and left `with option_context(KEY, True):` as it was. A configured setter
    is a setting by whatever name."""
    write_tree(tmp_path, {
        "flaglint.toml": 'presets = []\n\n[[readers]]\ncall = "lib.config.get_option"\n'
                         'key = 0\n\n[[readers]]\ncall = "lib.config.set_option"\nkey = 0\n'
                         'writes = true\n\n[[readers]]\ncall = "lib.config.option_context"\n'
                         'key = 0\nwrites = true\n',
        "flags.toml": '[flags."mode.cow"]\ntype = "release"\nowner = "x"\n'
                      'status = "rolled-out"\nvalue = true\n',
        "lib/__init__.py": "",
        "lib/config.py": "def get_option(pat):\n    return None\n\n\n"
                         "def set_option(pat, value):\n    pass\n\n\n"
                         "def option_context(*args):\n    return args\n",
        "lib/core.py": "from lib.config import get_option\n\n\ndef mode():\n"
                       '    if get_option("mode.cow"):\n        return "cow"\n'
                       '    return "legacy"\n',
        "tests/__init__.py": "",
        "tests/test_core.py": "from lib.config import option_context, set_option\n"
                              "from lib.core import mode\n\n\ndef test_legacy():\n"
                              '    with option_context("mode.cow", False):\n'
                              '        assert mode() == "legacy"\n\n\n'
                              "def test_legacy_set():\n"
                              '    set_option("mode.cow", False)\n'
                              '    assert mode() == "legacy"\n\n\n'
                              "def test_cow():\n"
                              '    with option_context("mode.cow", True):\n'
                              '        assert mode() == "cow"\n',
    })
    assert main(["clean", "mode.cow", "--no-cache", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Tests deleted, with the code they tested: tests/test_core.py `test_legacy`, " \
           "tests/test_core.py `test_legacy_set`.\n" in out
    assert "knows no setter" not in out
    assert (tmp_path / "tests/test_core.py").read_text() == (
        "from lib.core import mode\n\n\ndef test_cow():\n"
        '    assert mode() == "cow"\n')


@pytest.mark.parametrize(("mention", "kept"), [
    ('    """Convert x.\n\n    >>> with option_context("future.x", True):\n'
     '    ...     convert(1.0)\n    """\n', False),  # a docstring's example
    ('    warn("set `set_option(\'future.x\', True)` to opt in")\n', False),  # a message
    ('    NAMES.append("future.x")\n', True),  # the key itself, which the read may be
])
def test_only_the_key_as_a_whole_string_may_reach_a_read_of_unknown_key(
        tmp_path, capsys, mention, kept):
    """pandas: a docstring's `>>> with option_context("future.no_silent_downcasting", True):`
    and a warning telling how to set the option each made `clean` keep the registry entry
    (exit 1) as "the key as a string" a read of unknown key may be; FL102 said the same. A
    string that only holds the key in a longer text reaches no read."""
    write_tree(tmp_path, {
        "flaglint.toml": 'presets = []\n\n[[readers]]\ncall = "app.config.get_option"\n'
                         'key = 0\n',
        "flags.toml": '[flags."future.x"]\ntype = "release"\nowner = "x"\n'
                      'status = "rolled-out"\nvalue = true\n',
        "app/__init__.py": "",
        "app/config.py": "def get_option(pat):\n    return None\n\n\n"
                         "def lookup(prefix, key):\n    return get_option(prefix + key)\n",
        "app/use.py": "from app.config import get_option\n\nNAMES = []\n\n\n"
                      "def convert(x):\n" + mention +
                      '    if get_option("future.x"):\n        return x\n'
                      "    return int(x)\n",
    })
    assert main(["clean", "future.x", "--dry-run", "--no-cache", str(tmp_path)]) == \
        (1 if kept else 0)
    err = capsys.readouterr().err
    assert ("which the read at app/config.py:6 (its key unknown) may be" in err) is kept


def test_a_reader_of_one_fixed_key_makes_each_call_a_read_of_it(tmp_path, capsys):
    """pandas reads Copy-on-Write through `using_copy_on_write()`, which takes no key (its
    body looks the option up itself): a reader with `key = 0` made each of its 147 calls
    FL104, and `clean mode.copy_on_write` left them all. `flag = "…"` names the key every
    call reads."""
    write_tree(tmp_path, {
        "flaglint.toml": 'presets = []\n\n[[readers]]\n'
                         'call = "lib.config.using_copy_on_write"\n'
                         'flag = "mode.copy_on_write"\n',
        "flags.toml": '[flags."mode.copy_on_write"]\ntype = "release"\nowner = "x"\n'
                      'status = "rolled-out"\nvalue = true\n',
        "lib/__init__.py": "",
        "lib/config.py": "_on = {}\n\n\ndef using_copy_on_write():\n"
                         "    return bool(_on)\n",
        "lib/frame.py": "from lib.config import using_copy_on_write\n\n\n"
                        "def copy(data):\n    if using_copy_on_write():\n        return data\n"
                        "    return list(data)\n\n\ndef view(data, deep=None):\n"
                        "    if deep is None:\n        deep = not using_copy_on_write()\n"
                        "    return data if not deep else list(data)\n",
    })
    assert main(["check", str(tmp_path), "--no-cache", "--select", "FL1,FL2,FL3"]) == 1
    assert [line.split(" ")[:2] for line in capsys.readouterr().out.splitlines()
            if ": FL" in line] == [["lib/frame.py:5:8:", "FL202"], ["lib/frame.py:7:5:", "FL301"],
                                   ["lib/frame.py:12:20:", "FL202"]]
    assert main(["clean", "mode.copy_on_write", "--no-cache", str(tmp_path)]) == 0
    assert (tmp_path / "lib/frame.py").read_text() == (
        "def copy(data):\n    return data\n\n\ndef view(data, deep=None):\n"
        "    if deep is None:\n        deep = False\n"
        "    return data if not deep else list(data)\n")


def test_other_keywords_of_a_setting_by_keyword_are_other_settings(tmp_path, capsys):
    """`@override_settings(ENABLE_X=True, CACHES=CACHES)`, `self.settings(ENABLE_X=True,
    MEDIA_ROOT=self.tmpdir)`: the flag's value is its keyword's; a name given to another
    keyword is no variable value of the flag (a review found them named "set to a
    variable", exit 1)."""
    write_tree(tmp_path, {
        "flaglint.toml": 'presets = ["django-settings"]\n',
        "flags.toml": '[flags.ENABLE_X]\ntype = "release"\nowner = "x"\n'
                      'status = "rolled-out"\nvalue = true\n',
        "app/__init__.py": "",
        "app/settings.py": "ENABLE_X = True\n",
        "app/core.py": "from django.conf import settings\n\n\ndef handler():\n"
                       "    if not settings.ENABLE_X:\n        return None\n    return 1\n",
        "tests/__init__.py": "",
        "tests/test_core.py": "from django.test import TestCase, override_settings\n\n"
                              "from app.core import handler\n\nCACHES = {}\n\n\n"
                              "class T(TestCase):\n"
                              "    @override_settings(ENABLE_X=True, CACHES=CACHES)\n"
                              "    def test_on(self):\n        self.assertEqual(handler(), 1)\n\n"
                              "    def test_tmp(self):\n"
                              "        with self.settings(ENABLE_X=True, MEDIA_ROOT=self.tmp):\n"
                              "            self.assertEqual(handler(), 1)\n",
    })
    assert main(["clean", "ENABLE_X", "--no-cache", str(tmp_path)]) == 0
    assert "variable" not in capsys.readouterr().out
    text = (tmp_path / "tests/test_core.py").read_text()
    assert "    @override_settings(CACHES=CACHES)\n" in text
    assert "        with self.settings(MEDIA_ROOT=self.tmp):\n" in text


@pytest.mark.parametrize("users", [
    "FS = [lambda n: getattr(settings, n, None) for n in ('A_USER',)]\n",  # its own `n`
    "def users(f):\n    n = f()\n"
    "    return ('\u00e9\u00e9\u00e9\u00e9', [1 for n in ('A_USER',)],\n"
    "            getattr(settings, n, None)) if n else ('\u00e9\u00e9', [1 for n in ('B',)], "
    "getattr(settings, n, None))\n",
    "def users(f):\n    for n in ('A_USER',):\n        try:\n            f()\n"
    "        except Exception as n:\n            pass\n        return getattr(settings, n, None)\n",
    # what the first loop of a comprehension goes over runs in the scope around it
    "def users(f):\n    n = f()\n"
    "    return [x for x in getattr(settings, n, ()) for n in ('A_USER',)]\n",
])
def test_a_read_by_a_name_no_loop_over_strings_binds_last_may_be_any_key(tmp_path, capsys,
                                                                         users):
    """A review's cases: a lambda's parameter inside the comprehension, a read after the
    comprehension on a line with text that is not ASCII (Python counts columns in bytes),
    a loop's name bound again by `except … as`, a read in what a comprehension's first loop
    goes over: the read may be any key."""
    write_tree(tmp_path, {
        **EDX_SETTINGS,
        "app/utils.py": "from django.conf import settings\n\n\n" + users,
    })
    assert main(["clean", "ENABLE_X", "--dry-run", "--no-cache", str(tmp_path)]) == 1
    assert "(its key unknown) may be" in capsys.readouterr().err


def test_a_function_a_file_read_light_may_call_is_not_said_to_be_called_by_tests_alone(
        tmp_path, capsys):
    """lti-consumer-xblock: `clean` said "Only tests call now … get_user_from_external_id …
    delete them with their tests" while a signal receiver (a file the clean never read in
    full) calls it. A function a file outside the tests read light names is not said so;
    the flag's own reader, which nothing outside the tests calls any more, is."""
    write_tree(tmp_path, {
        "flaglint.toml": '[[definitions]]\ncall = "waffle_utils.CourseWaffleFlag"\nkey = 0\n'
                         'reads = ["is_enabled"]\n\n[[readers]]\n'
                         'call = "app.utils.external_ids_enabled"\nflag = "app.external_ids"\n',
        "flags.toml": '[flags."app.external_ids"]\ntype = "release"\nowner = "team"\n'
                      'status = "rolled-out"\nvalue = false\n',
        "app/__init__.py": "", "app/signals/__init__.py": "", "app/tests/__init__.py": "",
        "app/signals/signals.py": "from app import compat\n\n\ndef publish(instance):\n"
                                  "    return compat.get_user_from_external_id(instance.uid)\n",
        "app/tests/test_block.py": "from unittest.mock import patch\n\n\n"
                                   '@patch("app.block.external_ids_enabled")\n'
                                   '@patch("app.block.compat")\n'
                                   "def test_user_from(compat_mock, enabled):\n"
                                   "    compat_mock.get_user_from_external_id.return_value = 1\n",
        "app/block.py": "from app import compat\nfrom app.utils import external_ids_enabled\n\n\n"
                        "class Block:\n    def user_from(self, user_id):\n"
                        "        if external_ids_enabled(self.key):\n"
                        "            return compat.get_user_from_external_id(user_id)\n"
                        "        return self.anon(user_id)\n",
        "app/compat.py": "def get_external_ids_flag():\n"
                         "    from waffle_utils import CourseWaffleFlag\n"
                         '    return CourseWaffleFlag("app.external_ids", __name__)\n\n\n'
                         "def get_user_from_external_id(external_id):\n    return external_id\n",
        "app/utils.py": "def external_ids_enabled(course_key):\n    return bool(course_key)\n",
    })
    main(["clean", "app.external_ids", "--dry-run", "--no-cache", str(tmp_path)])
    err = capsys.readouterr().err
    assert "get_user_from_external_id" not in err
    assert "Only tests would call app/utils.py:1 `external_ids_enabled`: the code the clean " \
           "would remove is the last other caller;" in err


def test_a_dry_run_names_the_read_a_string_may_reach_at_its_line_on_disk(tmp_path, capsys):
    """edx-proctoring: "kept: … the read at edx_proctoring/views.py:1347 (its key unknown)
    may be", a blank line on disk: 1347 was the read's line in the text the dry run did
    not write. The read is named at its line on disk."""
    write_tree(tmp_path, {
        "flaglint.toml": 'presets = ["django-waffle"]\n',
        "flags.toml": '[flags."app.new_ui"]\ntype = "release"\nowner = "team"\n'
                      'status = "rolled-out"\nvalue = true\n',
        "app/__init__.py": "",
        "app/constants.py": 'TEMPLATE = "app.{}_passthrough"\nNEW_UI = "app.new_ui"\n',
        "app/views.py": "import waffle\n\nfrom app.constants import NEW_UI, TEMPLATE\n\n\n"
                        "def page(request):\n    if waffle.switch_is_active(NEW_UI):\n"
                        '        return "new"\n    return "old"\n\n\ndef ping(backend):\n'
                        "    return waffle.switch_is_active(TEMPLATE.format(backend))\n",
    })
    assert main(["clean", "app.new_ui", "--dry-run", "--no-cache", str(tmp_path)]) == 1
    assert "(app/constants.py:2:10: the key as a string, which the read at app/views.py:13 " \
           "(its key unknown) may be)" in capsys.readouterr().err


def test_a_reader_that_writes_makes_the_flag_set_as_the_program_runs(tmp_path, capsys):
    """`writes = true` names a keyed setter (`config.set_option(KEY, value)`): the flag's
    reads are not settled while code outside the tests sets it, and `clean` refuses."""
    write_tree(tmp_path, {**STREAMLIT, "flaglint.toml": STREAMLIT["flaglint.toml"] +
                          '\n[[readers]]\ncall = "app.config.set_option"\nkey = 0\n'
                          'writes = true\n'})
    assert main(["check", "--no-cache", str(tmp_path)]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        "app/boot.py:10:8: FL202 [server.static] Flag `server.static` is rolled out with value "
        "`true`, but app/boot.py:6 sets it as the program runs, so this read may yield another "
        "value: no fix while that stands")
    assert main(["clean", "server.static", "--no-cache", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        "flaglint: error: flag `server.static` is set as the program runs, at app/boot.py:6: "
        "settling its reads would change what that does; remove the setting first (or, if "
        "that file is a test helper, name its folder in `tests`)\n")
    assert "False" in (tmp_path / "app" / "boot.py").read_text()  # nothing written


def test_check_fix_names_a_wrapper_whose_every_call_it_replaced(tmp_path, capsys):
    """streamlit: `--fix` settled `_should_show_in_browser()`'s one call and its body, and
    left the function, which nothing calls any more, without a word; `clean` deletes it. A
    wrapper some other code still names is not named."""
    write_tree(tmp_path, {
        **{name: STREAMLIT[name] for name in ("flaglint.toml", "flags.toml", "app/__init__.py",
                                              "app/config.py")},
        "app/deprecation.py": "from app import config\n\n\n"
                              "def _show_in_browser():\n"
                              '    return bool(config.get_option("server.static"))\n\n\n'
                              "def used_elsewhere():\n"
                              '    return config.get_option("server.static")\n\n\n'
                              "def show(message):\n    if _show_in_browser():\n"
                              '        return "browser: " + message\n'
                              '    return "log: " + message\n',
        "app/other.py": "from app.deprecation import used_elsewhere\n\nHOOK = used_elsewhere\n",
    })
    main(["check", "--fix", "--no-cache", str(tmp_path)])
    assert capsys.readouterr().err.startswith(
        "flaglint: warning: the fixes replaced every call of app/deprecation.py:4 "
        "`_show_in_browser`, which wrapped a flag they settled, and nothing in the project "
        "names it any more: delete it if nothing outside the project calls it (`flaglint "
        "clean` does)\n")
    assert "def _show_in_browser():\n    return True\n" in \
        (tmp_path / "app" / "deprecation.py").read_text()


@pytest.mark.parametrize("holder", ["settings", "app_settings", "request.app_settings"])
def test_a_setting_a_template_reads_keeps_its_definition(tmp_path, capsys, holder):
    """nautobot: `{% if settings.CONFIG_CONTEXT_DYNAMIC_GROUPS_ENABLED %}` in a template;
    `clean` deleted the setting, which the template then took for off, listed the line among
    the comments that name the key, and exited 0. A template's read keeps the setting and
    the registry entry, and the clean exits 1; whatever object of its context it reads it
    from (django-helpdesk's `{% if helpdesk_settings.HELPDESK_ENABLE_ATTACHMENTS %}`)."""
    write_tree(tmp_path, {
        "flaglint.toml": 'presets = ["django-settings"]\n',
        "flags.toml": '[flags.FEATURE_X]\ntype = "release"\nowner = "me"\n'
                      'status = "rolled-out"\nvalue = true\n',
        "app/__init__.py": "",
        "app/settings.py": 'import os\n\nFEATURE_X = os.getenv("X", "false") == "true"\n',
        "app/views.py": "from django.conf import settings\n\n\ndef fields():\n"
                        '    out = ["a"]\n    if settings.FEATURE_X:\n        out.append("x")\n'
                        "    return out\n",
        "app/templates/page.html": f"<div>\n  {{% if {holder}.FEATURE_X %}}<p>X</p>"
                                   "{% endif %}\n</div>\n<!-- FEATURE_X: a comment -->\n",
    })
    assert main(["clean", "FEATURE_X", "--value", "true", "--no-cache", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "[flags.FEATURE_X] kept: a read flaglint cannot follow may use it " \
           "(app/templates/page.html:2:9: a template reads it, which no fix replaces)." in out
    assert "app/templates/page.html:4" in out  # the comment is only named
    assert 'FEATURE_X = os.getenv("X", "false") == "true"' in \
        (tmp_path / "app" / "settings.py").read_text()
    assert "[flags.FEATURE_X]" in (tmp_path / "flags.toml").read_text()


def test_a_nodes_source_is_the_one_pythons_parser_gives():
    """`flag_names.may_set` slices each decorator's and function's source from the text's
    lines split once (`ast.get_source_segment` splits them again on each call: nautobot's
    `clean` spent 3 s there); the same text, line ends, form feeds and non-ASCII included."""
    import ast

    from flaglint.fixes.flag_names import _segments

    text = ('# é\r\n@override_settings(X=False)\r\ndef test_a():\r\n    return "ü"\r\n\x0c\r\n'
            'class K:\n    @patch.dict(FLAGS, {"é": 1})\n    def test_b(self): pass\n'
            '\n@d\nclass L: pass\n')
    tree = ast.parse(text)
    segment = _segments(text)
    parts = [part for node in ast.walk(tree)
             if isinstance(node, (ast.FunctionDef, ast.ClassDef))
             for part in (*node.decorator_list, node)]
    assert len(parts) == 7
    assert [segment(part) for part in parts] == \
        [ast.get_source_segment(text, part) for part in parts]


def test_what_names_the_flag_hidden_in_a_string_or_across_a_form_feed_is_read():
    """A review: a method setting `"sched\\x2eon"` (its text does not show the key) was made
    a `pass`, and its test was named before the shortening, not after; a top-level test
    after form-feed lines was skipped (lines were counted at form feeds too); and the
    walk for literal settings counted lines otherwise than Python's parser where a lone
    carriage return ends one (an IndexError in `clean`)."""
    from flaglint.fixes.flag_names import FlagNames
    from flaglint.fixes.flag_settings import classes_set_otherwise
    from flaglint.fixes.key_uses import literal_settings_left, parsed_tests

    names = FlagNames(keys=frozenset({"sched.on"}))
    hidden = ("from pkg import config\n\n\nclass TestServe:\n    def test_on(self):\n"
              "        config.get('sched.on')\n\n    def test_off(self):\n"
              "        with config.set({'sched\\x2eon': False}):\n            pass\n")
    paged = ("from pkg import config\n\x0c\n\x0c\n\x0c\n\n"
             "def test_off():\n    with config.set({'sched.on': False}):\n        pass\n")
    for text, name in ((hidden, "TestServe.test_off"), (paged, "test_off")):
        assert classes_set_otherwise({"t.py": text}, names, value=True, functions=True) == \
            [("t.py", *_lines_of(text, name), name, "other")]
    text = "def test_a():\r    s = 1\r\rdef test_dict_off():\r    d = {'K': False}\r"
    assert literal_settings_left("K", value=True, tests=parsed_tests({"t.py": text}, "K")) == \
        ["t.py:4 `test_dict_off`"]


def _lines_of(text: str, qualname: str) -> tuple[int, int]:
    """The lines of a function of `text`, named by its qualified name."""
    from flaglint.analysis.references import definition_lines

    return definition_lines(ast.parse(text))[qualname]


def test_clean_keeps_the_entry_while_a_name_it_cannot_resolve_may_read_the_flag(tmp_path,
                                                                               capsys):
    """Open WebUI hands its settings on (`state.ENABLE_X = ENABLE_X`) and reads them as
    `request.app.state.config.ENABLE_X`: `clean` kept the definition for that use, listed
    it, and removed the registry entry; the next check passed, the flag read at run time
    with nothing left to say it was rolled out. The entry stays, as for a subscript."""
    write_tree(tmp_path, {
        "flaglint.toml": 'presets = []\n\n[[definitions]]\ncall = "app.config.Setting"\n'
                         'key = 0\nnamespace = "app.main.state"\nprefix = "ENABLE_"\n',
        "flags.toml": '[flags.ENABLE_X]\ntype = "release"\nowner = "me"\n'
                      'status = "rolled-out"\nvalue = true\n',
        "app/__init__.py": "",
        "app/config.py": "class Setting:\n    def __init__(self, name, value):\n"
                         "        self.name = name\n        self.value = value\n\n\n"
                         "class Store:\n    pass\n\n\nENABLE_X = Setting('ENABLE_X', True)\n",
        "app/main.py": "from app.config import Store, ENABLE_X\n\nstate = Store()\n"
                       "state.ENABLE_X = ENABLE_X\n\n\ndef index():\n"
                       "    return {'x': state.ENABLE_X}\n\n\ndef handler(request):\n"
                       "    if request.app.state.ENABLE_X:\n        return 'new'\n"
                       "    return 'old'\n"})
    registry = (tmp_path / "flags.toml").read_text()
    assert main(["clean", "ENABLE_X", "--value", "true", "--no-cache", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "[flags.ENABLE_X] kept: a read flaglint cannot follow may use it (app/main.py:12:8: " \
           "a name flaglint cannot resolve (request.app.state.ENABLE_X)).\n" in out
    assert (tmp_path / "flags.toml").read_text() == registry


def test_the_entry_is_kept_for_the_flags_own_definition_only(tmp_path, capsys):
    """A review: a dead wrapper kept for a name flaglint cannot resolve
    (`handler.x_enabled`) in the definitions' file kept the registry entry though the
    flag's definition went; and a string naming the definition handed on
    (`getattr(request.app.state, "ENABLE_X")`) let the entry go while the definition
    stayed for it."""
    config = {
        "pyproject.toml": "[tool.flaglint]\npresets = []\nregistry = ['flags.toml']\n\n"
                          "[[tool.flaglint.definitions]]\ncall = 'app.config.Setting'\n"
                          "key = 0\nattributes = ['value']\n",
        "flags.toml": "[flags.ENABLE_X]\ntype = 'release'\nowner = 'me'\n"
                      "status = 'rolled-out'\nvalue = true\n",
        "app/__init__.py": ""}
    setting = "class Setting:\n    def __init__(self, name, value):\n        self.value = value" \
              "\n\n\nclass Store:\n    pass\n\n\nENABLE_X = Setting('ENABLE_X', False)\n"
    write_tree(tmp_path / "a", {**config, "app/config.py": setting +
                                "\n\ndef x_enabled():\n    return ENABLE_X.value\n",
                                "app/main.py": "from app.config import x_enabled\n\n\n"
                                               "def index():\n    if x_enabled():\n"
                                               "        return 'new'\n    return 'old'\n\n\n"
                                               "def other(handler):\n"
                                               "    return handler.x_enabled\n"})
    main(["clean", "ENABLE_X", "--value", "true", "--no-cache", str(tmp_path / "a")])
    assert "[flags.ENABLE_X] removed in flags.toml.\n" in capsys.readouterr().out
    write_tree(tmp_path / "b", {**config, "app/config.py": setting,
                                "app/main.py": "from app.config import Store, ENABLE_X\n\n"
                                               "state = Store()\nstate.ENABLE_X = ENABLE_X\n\n\n"
                                               "def handler(request):\n"
                                               "    if getattr(request.app.state, 'ENABLE_X')"
                                               ".value:\n        return 'new'\n"
                                               "    return 'old'\n"})
    assert main(["clean", "ENABLE_X", "--value", "true", "--no-cache",
                 str(tmp_path / "b")]) == 1
    assert "[flags.ENABLE_X] kept: a read flaglint cannot follow may use it (app/main.py:8:35: " \
           "a string naming it ('ENABLE_X')).\n" in capsys.readouterr().out


def test_a_class_code_outside_the_tests_catches_is_not_said_to_be_called_by_tests_alone(
        tmp_path, capsys):
    """pandas: `clean mode.copy_on_write` said "Only tests would call
    pandas/errors/__init__.py:411 `SettingWithCopyError` … delete them with their tests"
    while pandas/core/interchange/from_dataframe.py, read in full, catches it. Code outside
    the tests that uses a symbol other than by a call keeps it from being said so; an
    `__all__` that lists it does not (the note says what outside the project may need)."""
    write_tree(tmp_path, {
        "flaglint.toml": '[[readers]]\ncall = "app.flags.enabled"\nkey = 0\n',
        "flags.toml": '[flags."app.strict"]\ntype = "release"\nowner = "team"\n'
                      'status = "rolled-out"\nvalue = false\n\n'
                      '[flags."app.fast"]\ntype = "release"\nowner = "team"\n',
        "app/__init__.py": "", "app/tests/__init__.py": "",
        "app/flags.py": "def enabled(key):\n    return bool(key)\n",
        "app/errors.py": "from app.flags import enabled\n\n\n"
                         "class CopyError(ValueError):\n    pass\n\n\n"
                         "class StrictError(ValueError):\n    pass\n\n\n"
                         'FAST = enabled("app.fast")\n'
                         '__all__ = ["CopyError", "StrictError"]\n',
        "app/core.py": "from app.errors import CopyError, StrictError\n"
                       "from app.flags import enabled\n\n\n"
                       "def check(x):\n"
                       '    if enabled("app.strict"):\n'
                       "        if x is None:\n            raise StrictError(x)\n"
                       "        raise CopyError(x)\n"
                       "    return x\n",
        "app/interchange.py": "from app.errors import CopyError\n"
                              "from app.flags import enabled\n\n\n"
                              "def convert(x):\n"
                              '    if enabled("app.fast"):\n        return x\n'
                              "    try:\n        return x.copy()\n"
                              "    except CopyError:\n        return x\n",
        "app/tests/test_errors.py": "from app.errors import CopyError, StrictError\n\n\n"
                                    "def test_errors():\n"
                                    '    assert CopyError("x") and StrictError("y")\n',
    })
    main(["clean", "app.strict", "--dry-run", "--no-cache", str(tmp_path)])
    err = capsys.readouterr().err
    assert "Only tests would call app/errors.py:8 `StrictError`: the code the clean would " \
           "remove is the last other caller;" in err
    assert "CopyError" not in err


def test_a_setting_a_settings_module_also_binds_inside_a_block_is_left_whole(
        tmp_path, capsys):
    """Label Studio: `clean CLOUD_FILE_STORAGE_ENABLED --value false` deleted the settings
    module's `CLOUD_FILE_STORAGE_ENABLED = False` and left the `= True` under `if
    os.environ.get("STORAGE_TYPE") == "s3":`, named only as a mention, exit 0: the setting
    then existed only where the environment said so. None of that module's bindings is
    deleted; each is named as a definition to remove by hand (exit 1)."""
    write_tree(tmp_path, {
        "flaglint.toml": 'registry = ["flags.toml"]\npresets = ["django-settings"]\n',
        "flags.toml": '[flags.CLOUD_STORAGE_ENABLED]\ntype = "release"\nowner = "a"\n',
        "proj/__init__.py": "", "app/__init__.py": "",
        "proj/settings.py": 'import os\n\nCLOUD_STORAGE_ENABLED = False\nDEBUG = False\n\n'
                            'if os.environ.get("STORAGE_TYPE") == "s3":\n'
                            "    CLOUD_STORAGE_ENABLED = True\n"
                            '    STORAGE = "s3"\n',
        "app/views.py": "from django.conf import settings\n\n\ndef avatar_url(path):\n"
                        "    if settings.CLOUD_STORAGE_ENABLED:\n        return path\n"
                        '    return "/data/" + path\n',
    })
    settings_before = (tmp_path / "proj" / "settings.py").read_text()
    assert main(["clean", "CLOUD_STORAGE_ENABLED", "--value", "false", "--no-cache",
                 str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert (tmp_path / "proj" / "settings.py").read_text() == settings_before
    assert (tmp_path / "app" / "views.py").read_text() == \
        'def avatar_url(path):\n    return "/data/" + path\n'
    assert "proj/settings.py:3: `CLOUD_STORAGE_ENABLED` is defined here in code; remove the " \
           "definition by hand.\nproj/settings.py:7: `CLOUD_STORAGE_ENABLED` is defined here " \
           "in code; remove the definition by hand.\n" in out


@pytest.mark.parametrize(("more", "lines"), [
    ('CLOUD_ON |= bool(os.environ.get("S3"))\n', (3, 4)),
    ('CLOUD_ON, MORE = CLOUD_ON, 1\n', (3, 4)),
    ('try:\n    import s3\nexcept ImportError:\n    CLOUD_ON = False\n', (3, 7)),
])
def test_a_setting_bound_otherwise_than_by_a_plain_line_is_left_whole(
        tmp_path, capsys, more, lines):
    """The review: `CLOUD_ON = False` then `CLOUD_ON |= bool(os.environ.get("S3"))`, both
    at the top: `clean` deleted the `=` line and left `|=` reading a name nothing binds
    (NameError when Django imports its settings), exit 0."""
    write_tree(tmp_path, {
        "flaglint.toml": 'registry = ["flags.toml"]\npresets = ["django-settings"]\n',
        "flags.toml": '[flags.CLOUD_ON]\ntype = "release"\nowner = "a"\n',
        "proj/__init__.py": "", "app/__init__.py": "",
        "proj/settings.py": f"import os\n\nCLOUD_ON = False\n{more}DEBUG = False\n",
        "app/views.py": "from django.conf import settings\n\n\ndef url(path):\n"
                        "    if getattr(settings, 'CLOUD_ON', False):\n        return path\n"
                        '    return "/data/" + path\n',
    })
    before = (tmp_path / "proj" / "settings.py").read_text()
    assert main(["clean", "CLOUD_ON", "--value", "false", "--no-cache", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert (tmp_path / "proj" / "settings.py").read_text() == before
    assert "".join(f"proj/settings.py:{line}: `CLOUD_ON` is defined here in code; remove the "
                   f"definition by hand.\n" for line in lines) in out


def test_a_setting_still_read_through_django_settings_is_not_deleted(tmp_path, capsys):
    """The review: `clean CLOUD_ON`, a setting the preset takes for no flag (its reads are
    not flag reads, so none was settled), deleted `CLOUD_ON = False` from the settings
    module while `settings.CLOUD_ON` was still read (AttributeError), exit 0."""
    write_tree(tmp_path, {
        "flaglint.toml": 'registry = ["flags.toml"]\npresets = ["django-settings"]\n',
        "flags.toml": '[flags.CLOUD_ON]\ntype = "release"\nowner = "a"\n',
        "proj/__init__.py": "", "app/__init__.py": "",
        "proj/settings.py": "import os\n\nCLOUD_ON = False\nDEBUG = False\n",
        "app/views.py": "from django.conf import settings\n\n\ndef url(path):\n"
                        "    if settings.CLOUD_ON:\n        return path\n"
                        '    return "/data/" + path\n',
    })
    assert main(["clean", "CLOUD_ON", "--value", "false", "--no-cache", str(tmp_path)]) == 1
    assert "proj/settings.py:3: `CLOUD_ON` not deleted: app/views.py:5:8: use " \
           "(settings.CLOUD_ON)." in capsys.readouterr().out
    assert (tmp_path / "proj" / "settings.py").read_text() == \
        "import os\n\nCLOUD_ON = False\nDEBUG = False\n"


@pytest.mark.parametrize("full", [False, True])
def test_a_name_flaglint_cannot_resolve_keeps_a_function_from_being_said_tests_only(
        tmp_path, capsys, full):
    """The review: `obj.compute()` in app/reports.py may call app.views.compute; whether
    the note "Only tests would call … compute" was said depended on whether the clean
    happened to read reports.py in full. It is not said either way."""
    reports = "def summary(obj):\n    return obj.compute()\n"
    if full:  # a read of a flag makes the prefilter read it in full
        reports = "from app.ff import flag_set\n\n\n" + reports + \
            "\n\ndef other():\n    return flag_set('other')\n"
    write_tree(tmp_path, {
        "flaglint.toml": 'presets = []\ntests = ["tests/**"]\n\n'
                         '[[readers]]\ncall = "app.ff.flag_set"\nkey = 0\n',
        "flags.toml": '[flags.cloud]\ntype = "release"\nowner = "a"\n'
                      'status = "rolled-out"\nvalue = false\n',
        "app/__init__.py": "", "tests/__init__.py": "",
        "app/ff.py": "def flag_set(key, user=None):\n    return False\n",
        "app/reports.py": reports,
        "app/views.py": "from app.ff import flag_set\n\n\ndef compute(x):\n    return x * 2\n"
                        "\n\ndef view(x):\n    if flag_set('cloud'):\n"
                        "        return compute(x)\n    return x\n",
        "tests/test_views.py": "from app.views import compute, view\n\n\ndef test_view():\n"
                               "    assert view(2) == 2 and compute(2) == 4\n",
    })
    main(["clean", "cloud", "--dry-run", "--no-cache", str(tmp_path)])
    said = capsys.readouterr()
    assert "Only tests would call" not in said.out + said.err
    (tmp_path / "app" / "reports.py").unlink()  # nothing else may call it: it is said
    main(["clean", "cloud", "--dry-run", "--no-cache", str(tmp_path)])
    assert "Only tests would call app/views.py:4 `compute`" in capsys.readouterr().err


def test_a_wrapper_a_decorator_registers_stays_with_its_read_settled(tmp_path, capsys):
    """Wagtail: `clean WAGTAILADMIN_COMMENTS_ENABLED --value false` deleted `@register.
    simple_tag def get_comments_enabled()`, "nothing in the project calls any more", and
    the template that uses it (`{% get_comments_enabled as … %}`) then failed to load. A
    wrapper a decorator may register stays, its read settled."""
    write_tree(tmp_path, {
        "flaglint.toml": 'registry = ["flags.toml"]\npresets = ["django-settings"]\n',
        "flags.toml": '[flags.APP_COMMENTS_ENABLED]\ntype = "release"\nowner = "me"\n'
                      'status = "rolled-out"\nvalue = false\n',
        "app/__init__.py": "", "app/templatetags/__init__.py": "",
        "app/templatetags/app_tags.py": "from django import template\n"
                                        "from django.conf import settings\n\n"
                                        "register = template.Library()\n\n\n"
                                        "@register.simple_tag\ndef get_comments_enabled():\n"
                                        '    return getattr(settings, "APP_COMMENTS_ENABLED", '
                                        "True)\n",
        "app/templates/edit.html": "{% load app_tags %}\n"
                                   "{% get_comments_enabled as comments_enabled %}\n",
    })
    assert main(["clean", "APP_COMMENTS_ENABLED", "--no-cache", str(tmp_path)]) == 0
    capsys.readouterr()
    assert (tmp_path / "app" / "templatetags" / "app_tags.py").read_text() == (
        "from django import template\n\nregister = template.Library()\n\n\n"
        "@register.simple_tag\ndef get_comments_enabled():\n    return False\n")


def test_an_override_of_several_settings_that_sets_the_other_value_is_a_test_of_it(
        tmp_path, capsys):
    """Wagtail: `clean WAGTAIL_I18N_ENABLED --value false` turned `@override_settings(
    WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE=True, WAGTAIL_I18N_ENABLED=True)` into one
    without the flag's keyword, named nothing, and six tests then failed: the other
    keyword's `True` was taken for a second value of the flag. With one keyword, the test
    of the other value is deleted (a method) or named (a class); so it is with several."""
    write_tree(tmp_path, {
        "flaglint.toml": 'registry = ["flags.toml"]\npresets = ["django-settings"]\n',
        "flags.toml": '[flags.APP_I18N_ENABLED]\ntype = "release"\nowner = "me"\n',
        "app/__init__.py": "", "tests/__init__.py": "",
        "app/views.py": "from django.conf import settings\n\n\ndef locale_label():\n"
                        '    if getattr(settings, "APP_I18N_ENABLED", False):\n'
                        '        return "fr"\n    return ""\n',
        "tests/test_views.py": "from django.test import TestCase, override_settings\n\n"
                               "from app.views import locale_label\n\n\n"
                               "class TestMethod(TestCase):\n"
                               "    @override_settings(APP_SYNC=True, APP_I18N_ENABLED=True)\n"
                               "    def test_label_with_i18n(self):\n"
                               '        self.assertEqual(locale_label(), "fr")\n\n'
                               "    def test_other(self):\n        self.assertTrue(True)\n\n\n"
                               "@override_settings(APP_SYNC=True, APP_I18N_ENABLED=True)\n"
                               "class TestClass(TestCase):\n"
                               "    def test_label_with_i18n(self):\n"
                               '        self.assertEqual(locale_label(), "fr")\n',
    })
    assert main(["clean", "APP_I18N_ENABLED", "--value", "false", "--no-cache",
                 str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert (tmp_path / "tests" / "test_views.py").read_text() == (
        "from django.test import TestCase, override_settings\n\n"
        "from app.views import locale_label\n\n\n"
        "class TestMethod(TestCase):\n\n"
        "    def test_other(self):\n        self.assertTrue(True)\n\n\n"
        "@override_settings(APP_SYNC=True, APP_I18N_ENABLED=True)\n"
        "class TestClass(TestCase):\n"
        "    def test_label_with_i18n(self):\n"
        '        self.assertEqual(locale_label(), "fr")\n')
    assert "Tests deleted, with the code they tested: tests/test_views.py " \
           "`TestMethod.test_label_with_i18n`." in out
    assert "Test classes set `APP_I18N_ENABLED` to another value than `false` for all their " \
           "tests (tests/test_views.py:15 `TestClass`)" in out


def test_a_setting_read_with_a_number_default_is_no_on_or_off(tmp_path, capsys):
    """Wagtail: `clean WAGTAILADMIN_RECENT_EDITS_LIMIT --value true` (read as
    `getattr(settings, "…", 5)`) wrote `edit_count = True`, exit 0; the registry's `value =
    true` made the same edit a safe fix; and `--value false` of a limit took
    `@override_settings(APP_LIMIT_MAX=10)` for a setting of `false`. A flag whose reads
    default to numbers takes a number; a boolean stands for such a read only in a test."""
    write_tree(tmp_path, {
        "flaglint.toml": 'registry = ["flags.toml"]\n\n[[definitions]]\n'
                         'namespace = "django.conf.settings"\nprefix = "APP_"\n',
        "flags.toml": '[flags.APP_RECENT_EDITS_LIMIT]\ntype = "operational"\nowner = "me"\n'
                      'status = "rolled-out"\nvalue = true\n',
        "app/__init__.py": "",
        "app/views.py": "from django.conf import settings\n\n\ndef recent_edits():\n"
                        '    edit_count = getattr(settings, "APP_RECENT_EDITS_LIMIT", 5)\n'
                        "    return list(range(edit_count))\n\n\ndef shown():\n"
                        '    if getattr(settings, "APP_RECENT_EDITS_LIMIT", 5):\n'
                        "        return 1\n    return 0\n",
    })
    assert main(["check", str(tmp_path), "--no-cache", "--select", "FL202"]) == 1
    assert capsys.readouterr().out.splitlines()[:2] == [
        "app/views.py:5:18: FL202 [APP_RECENT_EDITS_LIMIT] Flag `APP_RECENT_EDITS_LIMIT` is "
        "rolled out with value `true`; this read always yields it, so the code still branches "
        "on a constant; no fix: its default `5` says it holds a number, not `true`",
        "app/views.py:10:8: FL202 [*] [APP_RECENT_EDITS_LIMIT] Flag `APP_RECENT_EDITS_LIMIT` is "
        "rolled out with value `true`; this read always yields it, so the code still branches "
        "on a constant"]
    assert main(["clean", "APP_RECENT_EDITS_LIMIT", "--value", "false", "--no-cache",
                 "--dry-run", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        "flaglint: error: --value false: the reads of `APP_RECENT_EDITS_LIMIT` default to "
        "numbers (app/views.py:5 `5`, app/views.py:10 `5`): it holds a number, not an on or "
        "off; give the number it settles to\n")


NUMBER_SETTING = {
    "flaglint.toml": 'registry = ["flags.toml"]\n\n[[definitions]]\n'
                     'namespace = "django.conf.settings"\nprefix = "APP_"\n',
    "app/__init__.py": "", "tests/__init__.py": "",
}


@pytest.mark.parametrize("default", ["0x10", "0o17", "0b11", "1_000", "0.5"])
def test_a_number_default_in_any_spelling_is_a_number(tmp_path, capsys, default):
    """The review of the number-default change: `getattr(settings, "APP_RATE", 0x10)`
    crashed every check (`float("0x10")`), and `clean --value 0.25` of a `0.5` default was
    refused as "not a number"."""
    write_tree(tmp_path, {
        **NUMBER_SETTING,
        "flags.toml": '[flags.APP_RATE]\ntype = "operational"\nowner = "me"\n'
                      'status = "rolled-out"\nvalue = true\n',
        "app/views.py": "from django.conf import settings\n\n\ndef rate():\n"
                        f'    r = getattr(settings, "APP_RATE", {default})\n    return r * 2\n',
    })
    assert main(["check", str(tmp_path), "--no-cache", "--select", "FL202"]) == 1
    assert capsys.readouterr().out.splitlines()[0].endswith(
        f"no fix: its default `{default}` says it holds a number, not `true`")
    (tmp_path / "flags.toml").write_text('[flags.APP_RATE]\ntype = "operational"\n'
                                         'owner = "me"\n')
    assert main(["clean", "APP_RATE", "--value", "0.25", "--dry-run", "--no-cache",
                 str(tmp_path)]) == 1  # settled; the read's value stays (a number's place)
    assert "Flag `APP_RATE` settled to `0.25`" in capsys.readouterr().err
    assert main(["clean", "APP_RATE", "--value", "nan", "--dry-run", "--no-cache",
                 str(tmp_path)]) == 2  # no literal writes it
    assert "--value nan: the reads of `APP_RATE` default to numbers" in capsys.readouterr().err


@pytest.mark.parametrize(("literal", "value"), [("5", "5"), ("5.0", "5"), ("0x10", "16"),
                                                ("9223372036854775807",
                                                 "9223372036854775807")])
def test_a_number_flag_cleaned_keeps_the_tests_that_set_the_same_number(
        tmp_path, capsys, literal, value):
    """The review: `clean APP_LIMIT --value 5` deleted `@override_settings(APP_LIMIT=5,
    DEBUG=True)`'s test, the number's text taken for another value than 5. The flag's
    keyword goes where it sets 5; a test that sets 7 is a test of another value."""
    write_tree(tmp_path, {
        **NUMBER_SETTING,
        "flags.toml": '[flags.APP_LIMIT]\ntype = "operational"\nowner = "me"\n',
        "app/views.py": "from django.conf import settings\n\n\ndef shown():\n"
                        '    if getattr(settings, "APP_LIMIT", 5):\n        return 1\n'
                        "    return 0\n",
        "tests/test_views.py": "from django.test import TestCase, override_settings\n\n"
                               "from app.views import shown\n\n\nclass TestMethod(TestCase):\n"
                               f"    @override_settings(APP_LIMIT={literal}, DEBUG=True)\n"
                               "    def test_same(self):\n        self.assertEqual(shown(), 1)\n"
                               "\n    @override_settings(APP_LIMIT=7, DEBUG=True)\n"
                               "    def test_other(self):\n        self.assertEqual(shown(), 1)\n",
    })
    main(["clean", "APP_LIMIT", "--value", value, "--no-cache", str(tmp_path)])
    capsys.readouterr()
    assert (tmp_path / "tests" / "test_views.py").read_text() == (
        "from django.test import TestCase, override_settings\n\n"
        "from app.views import shown\n\n\nclass TestMethod(TestCase):\n"
        "    @override_settings(DEBUG=True)\n"
        "    def test_same(self):\n        self.assertEqual(shown(), 1)\n")


def test_a_boolean_read_with_a_zero_default_takes_true_or_false(tmp_path, capsys):
    """The review: `getattr(settings, "APP_NEW_UI", 0)`, a boolean written as 0: `clean
    --value false` was refused as a number's, and a `0`/`1` default kept a boolean's fix
    from its untested reads."""
    write_tree(tmp_path, {
        **NUMBER_SETTING,
        "flags.toml": '[flags.APP_NEW_UI]\ntype = "release"\nowner = "me"\n',
        "app/views.py": "from django.conf import settings\n\n\ndef label():\n"
                        '    on = getattr(settings, "APP_NEW_UI", 0)\n'
                        '    return "x" if on else "y"\n',
    })
    assert main(["clean", "APP_NEW_UI", "--value", "false", "--no-cache", str(tmp_path)]) == 0
    capsys.readouterr()
    assert (tmp_path / "app" / "views.py").read_text() == 'def label():\n    return "y"\n'


def test_check_fix_says_nothing_of_a_registered_wrapper_clean_keeps(tmp_path, capsys):
    """The review: after `--fix` replaced its calls, the warning said to delete an
    `@app.route` wrapper "(`flaglint clean` does)", which `clean` keeps."""
    write_tree(tmp_path, {
        "flaglint.toml": 'presets = []\n\n[[readers]]\ncall = "app.ff.flag_set"\nkey = 0\n',
        "flags.toml": '[flags.cloud]\ntype = "release"\nowner = "a"\nstatus = "rolled-out"\n'
                      'value = false\n',
        "app/__init__.py": "",
        "app/ff.py": "def flag_set(key):\n    return False\n",
        "app/web.py": "from flask import Flask\n\nfrom app.ff import flag_set\n\n"
                      "app = Flask(__name__)\n\n\n"
                      '@app.route("/cloud")\ndef cloud_enabled():\n'
                      '    return flag_set("cloud")\n\n\n'
                      "def _plain_cloud():\n    return flag_set('cloud')\n\n\n"
                      "def page():\n    if cloud_enabled() or _plain_cloud():\n"
                      '        return "new"\n    return "old"\n',
    })
    main(["check", str(tmp_path), "--no-cache", "--fix"])
    err = capsys.readouterr().err
    assert "`cloud_enabled`" not in err
    assert "`_plain_cloud`, which wrapped a flag they settled" in err


@pytest.mark.parametrize(("loop", "blocked"), [
    ("for name, other in [('A_USER', 'X'), ('B_USER', 'Y')]:", False),
    ("for name, other in [('A_USER', 'X'), ('ENABLE_X', 'Y')]:", True),
    ("for other, name in [('ENABLE_X', 'A_USER')]:", False),  # the name's own place
    ("for name, other in [('A_USER', 'X'), pair()]:", True),  # not written out
    ("for name, *other in [('A_USER', 'X', 'Z')]:", True),  # a starred target: not followed
    ("for name, other in PAIRS:", False),  # a module's tuple of pairs, bound once
    ("for name, name in [('A_USER', 'ENABLE_X')]:", True),  # a review's: the last wins
    ("for name, other in LISTS:", True),  # a module's tuple of lists: they may change
])
def test_a_read_by_a_name_a_loop_takes_from_written_out_pairs_may_be_only_those(
        tmp_path, capsys, loop, blocked):
    """Wagtail: `for wagtail_setting, django_setting in [("WAGTAIL_DATE_FORMAT",
    "DATE_INPUT_FORMATS"), …]: getattr(settings, wagtail_setting, None)` was a read of
    any key, and a string naming a flag elsewhere kept its registry entry (exit 1). Such a
    read may be only the strings at the name's place in the pairs."""
    write_tree(tmp_path, {
        **EDX_SETTINGS,
        "app/utils.py": "from django.conf import settings\n\n"
                        "PAIRS = (('A_USER', 'X'), ('B_USER', 'Y'))\n"
                        "LISTS = (['A_USER', 'X'],)\nLISTS[0][0] = 'ENABLE' + '_X'\n\n\n"
                        f"def users():\n    found = []\n    {loop}\n"
                        "        found.append(getattr(settings, name, None))\n"
                        "    return found\n",
    })
    assert main(["clean", "ENABLE_X", "--dry-run", "--no-cache", str(tmp_path)]) == \
        (1 if blocked else 0)
    assert ("(its key unknown) may be" in capsys.readouterr().err) is blocked


@pytest.mark.parametrize("loops", ["for name, o in [('A_USER', 'X')] for name in other()",
                                   "for name in ['A_USER'] for name, o in other()"])
def test_a_read_by_a_name_two_loops_of_a_comprehension_bind_may_be_any_key(
        tmp_path, capsys, loops):
    """A review's: two loops of one comprehension bind the name; the read sees the last,
    which goes over what `other()` returns, but the first one's strings were taken."""
    write_tree(tmp_path, {
        **EDX_SETTINGS,
        "app/utils.py": "from django.conf import settings\n\n\n"
                        f"def users(other):\n    return [getattr(settings, name, None) {loops}]\n",
    })
    assert main(["clean", "ENABLE_X", "--dry-run", "--no-cache", str(tmp_path)]) == 1
    assert "(its key unknown) may be" in capsys.readouterr().err


def test_clean_says_why_each_read_it_leaves_is_left(tmp_path, capsys):
    """Label Studio's trial: `clean skip_invalid` left `not flag_set("skip_invalid",
    user=AnonymousUser())` with "outside the named paths, in tests left alone, or its value
    or arguments cannot be replaced": three guesses for one reason it knew."""
    write_tree(tmp_path, {
        "flaglint.toml": 'presets = []\ntests = ["tests/**"]\n\n'
                         '[[readers]]\ncall = "app.ff.flag_set"\nkey = 0\n',
        "flags.toml": '[flags.skip_invalid]\ntype = "release"\nowner = "a"\n',
        "app/__init__.py": "", "tests/__init__.py": "",
        "app/ff.py": "class AnonymousUser:\n    pass\n\n\n"
                     "def flag_set(key, user=None):\n    return False\n",
        "app/scan.py": "from app.ff import AnonymousUser, flag_set\n\n\ndef scan(ser):\n"
                       '    strict = not flag_set("skip_invalid", user=AnonymousUser())\n'
                       "    return ser.is_valid(raise_exception=strict)\n",
        "tests/test_scan.py": "from app.ff import flag_set\n\n\ndef test_scan():\n"
                              '    assert flag_set("skip_invalid") is False\n',
    })
    assert main(["clean", "skip_invalid", "--value", "true", "--no-tests", "--dry-run",
                 "--no-cache", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "app/scan.py:5:18: a read of `skip_invalid` is left (a literal in its place would " \
           "drop an argument that calls or computes something (or the call does more than " \
           "read)); change it by hand.\n" in err
    assert "tests/test_scan.py:5:12: a read of `skip_invalid` is left (in test code, which " \
           "--no-tests leaves alone); change it by hand.\n" in err


def test_a_boolean_stands_for_a_read_with_a_text_default_only_where_it_is_tested(
        tmp_path, capsys):
    """`n = getattr(settings, "APP_NAME", "abc")`, then `n.upper()`, the registry saying
    `false`: the safe fix wrote `n = False` (AttributeError). A read whose default is text
    that spells no boolean yields text; a boolean replaces it only where it is tested."""
    write_tree(tmp_path, {
        **NUMBER_SETTING,
        "flags.toml": '[flags.APP_NAME]\ntype = "release"\nowner = "a"\n'
                      'status = "rolled-out"\nvalue = false\n',
        "app/views.py": "from django.conf import settings\n\n\ndef name():\n"
                        '    n = getattr(settings, "APP_NAME", "abc")\n    return n.upper()\n\n\n'
                        "def shown():\n"
                        '    if getattr(settings, "APP_NAME", "abc"):\n        return 1\n'
                        "    return 0\n",
    })
    assert main(["check", str(tmp_path), "--no-cache", "--select", "FL202"]) == 1
    assert capsys.readouterr().out.splitlines()[:2] == [
        "app/views.py:5:9: FL202 [APP_NAME] Flag `APP_NAME` is rolled out with value `false`; "
        "this read always yields it, so the code still branches on a constant; no fix: its "
        'default `"abc"` says it holds text, not `false`',
        "app/views.py:10:8: FL202 [*] [APP_NAME] Flag `APP_NAME` is rolled out with value "
        "`false`; this read always yields it, so the code still branches on a constant"]


@pytest.mark.parametrize(("bound", "named"), [
    ("False", True), ("os.environ.get('W') == '1'", True), ("True", False)])
def test_a_test_settings_module_that_sets_the_other_value_is_named_and_left(
        tmp_path, capsys, bound, named):
    """pretix's trial: its test settings say `HAS_WORKER = False` under `from
    app.settings import *`, so the whole suite ran the other value; `clean HAS_WORKER
    --value true` deleted the line, named nowhere, exit 0. It is left and named (exit 1),
    as any binding there that is no literal of the value; one that binds the value goes."""
    write_tree(tmp_path, {
        "flaglint.toml": 'registry = ["flags.toml"]\npresets = ["django-settings"]\n'
                         'tests = ["app/testutils/**"]\n\n[[definitions]]\n'
                         'namespace = "django.conf.settings"\nprefix = "HAS_"\n',
        "flags.toml": '[flags.HAS_WORKER]\ntype = "release"\nowner = "a"\n',
        "app/__init__.py": "", "app/testutils/__init__.py": "",
        "app/settings.py": "HAS_WORKER = bool(1)\nDEBUG = False\n",
        "app/testutils/settings.py": f"import os\nfrom app.settings import *  # NOQA\n\n"
                                     f"HAS_WORKER = {bound}\n",
        "app/views.py": "from django.conf import settings\n\n\ndef run():\n"
                        "    if settings.HAS_WORKER:\n        return 'async'\n"
                        "    return 'sync'\n",
    })
    test_settings = tmp_path / "app" / "testutils" / "settings.py"
    before = test_settings.read_text()
    code = main(["clean", "HAS_WORKER", "--value", "true", "--no-cache", str(tmp_path)])
    out = "".join(capsys.readouterr())
    assert (tmp_path / "app" / "settings.py").read_text() == "DEBUG = False\n"
    assert (tmp_path / "app" / "views.py").read_text() == "def run():\n    return 'async'\n"
    said = ("Test settings set `HAS_WORKER` to another value than `true` "
            "(app/testutils/settings.py:4): every test run with them ran under the code the "
            "clean removed; adapt those tests and the setting (left as it is).")
    if named:
        assert code == 1
        assert test_settings.read_text() == before
        assert said in out
    else:
        assert code == 0
        assert test_settings.read_text() == "import os\nfrom app.settings import *  # NOQA\n"
        assert "Test settings" not in out


def test_a_settings_module_that_tests_its_own_setting_keeps_it_and_says_it_is_used(
        tmp_path, capsys):
    """pretix's trial: its settings say `HAS_CELERY = config.has_option(…)` and then `if
    HAS_CELERY:`; `clean` kept the binding (right) and said the `if` was "a name flaglint
    cannot resolve" (the name looked for in the text as the fix left it, where it is bound
    no more). It is a use of the setting, said once."""
    write_tree(tmp_path, {
        "flaglint.toml": 'registry = ["flags.toml"]\npresets = ["django-settings"]\n\n'
                         '[[definitions]]\nnamespace = "django.conf.settings"\n'
                         'prefix = "HAS_"\n',
        "flags.toml": '[flags.HAS_CELERY]\ntype = "release"\nowner = "a"\n',
        "app/__init__.py": "",
        "app/settings.py": "import os\n\nHAS_CELERY = bool(os.environ.get('BROKER'))\n"
                           "if HAS_CELERY:\n    BROKER = 'redis'\n",
        "app/views.py": "from django.conf import settings\n\n\ndef run():\n"
                        "    if settings.HAS_CELERY:\n        return 'async'\n"
                        "    return 'sync'\n",
    })
    before = (tmp_path / "app" / "settings.py").read_text()
    assert main(["clean", "HAS_CELERY", "--value", "true", "--no-cache", str(tmp_path)]) == 1
    out = "".join(capsys.readouterr())
    assert (tmp_path / "app" / "settings.py").read_text() == before
    assert (tmp_path / "app" / "views.py").read_text() == "def run():\n    return 'async'\n"
    assert "app/settings.py:3: `HAS_CELERY` not deleted: app/settings.py:4:4: use " \
           "(HAS_CELERY).\n" in out


def test_a_settings_line_that_binds_another_setting_is_never_deleted_for_the_flag(
        tmp_path, capsys):
    """The review: `EAGER = not (HAS_X := bool(os.environ.get("W")))` was taken for a
    plain `HAS_X = …` (its one target a name, any name) and deleted, `EAGER` with it; a
    comprehension's own `HAS_X` was taken for a binding of the module's, and the line
    deleted. The walrus line is left and named (exit 1); a comprehension's name is no
    binding."""
    files = {
        "flaglint.toml": 'registry = ["flags.toml"]\npresets = ["django-settings"]\n\n'
                         '[[definitions]]\nnamespace = "django.conf.settings"\n'
                         'prefix = "HAS_"\n',
        "flags.toml": '[flags.HAS_X]\ntype = "release"\nowner = "a"\n',
        "app/__init__.py": "", "other/__init__.py": "",
        "app/settings.py": "import os\n\nEAGER = not (HAS_X := bool(os.environ.get('W')))\n",
        "other/settings.py": "HAS_X = True\nMODES = [HAS_X for HAS_X in ('a', 'b')]\n",
        "app/views.py": "from django.conf import settings\n\n\ndef run():\n"
                        "    if settings.HAS_X:\n        return 'async'\n    return 'sync'\n",
    }
    write_tree(tmp_path, files)
    assert main(["clean", "HAS_X", "--value", "true", "--no-cache", str(tmp_path)]) == 1
    out = "".join(capsys.readouterr())
    assert (tmp_path / "app" / "settings.py").read_text() == files["app/settings.py"]
    assert "app/settings.py:3: `HAS_X` is defined here in code; remove the definition by " \
           "hand." in out
    # (its `HAS_X = True` stays too: the comprehension's name is one flaglint does not
    # resolve to the setting, which blocks its deletion)
    assert (tmp_path / "other" / "settings.py").read_text() == files["other/settings.py"]
    assert "other/settings.py:1: `HAS_X` not deleted: other/settings.py:2:10: a name " \
           "flaglint cannot resolve (HAS_X)." in out


def test_a_keyword_taken_out_of_a_call_over_several_lines_leaves_the_rest_as_written(
        tmp_path, capsys):
    """pulpcore's trial: taking `DOMAIN_ENABLED=False,` out of a decorator written one
    keyword a line with a trailing comma also turned its closing `},` and `)` into `})`:
    the last keyword took no comma and no line break. Only the keyword's line goes; a
    keyword that was last leaves the one before it with its comma."""
    write_tree(tmp_path, {
        "flaglint.toml": 'registry = ["flags.toml"]\npresets = ["django-settings"]\n'
                         'tests = ["tests/**"]\n',
        "flags.toml": '[flags.FEATURE_DOMAINS]\ntype = "release"\nowner = "a"\n',
        "app/__init__.py": "", "tests/__init__.py": "",
        "app/checks.py": "from django.conf import settings\n\n\ndef scopes():\n"
                         "    if settings.FEATURE_DOMAINS:\n        return ['W008']\n"
                         "    return []\n",
        "tests/test_checks.py": "from django.test import override_settings\n\n"
                                "from app.checks import scopes\n\n\n"
                                "@override_settings(\n    FEATURE_DOMAINS=False,\n"
                                "    IDENTITY={\n        'providers': {},\n    },\n)\n"
                                "def test_first():\n    assert scopes() == []\n\n\n"
                                "@override_settings(\n    IDENTITY={},\n"
                                "    FEATURE_DOMAINS=False,\n)\n"
                                "def test_last():\n    assert scopes() == []\n",
    })
    assert main(["clean", "FEATURE_DOMAINS", "--value", "false", "--no-cache",
                 str(tmp_path)]) == 0
    capsys.readouterr()
    assert (tmp_path / "tests" / "test_checks.py").read_text() == (
        "from django.test import override_settings\n\nfrom app.checks import scopes\n\n\n"
        "@override_settings(\n    IDENTITY={\n        'providers': {},\n    },\n)\n"
        "def test_first():\n    assert scopes() == []\n\n\n"
        "@override_settings(\n    IDENTITY={},\n)\n"
        "def test_last():\n    assert scopes() == []\n")


def test_a_fixture_that_sets_the_other_value_and_its_tests_are_named_where_a_read_is_left(
        tmp_path, capsys):
    """pulpcore's trial: where `clean` kept the registry entry (a read it cannot follow
    may use the key), the tests that set the other value in their body were named, but a
    fixture that set it (`settings.CACHE_ENABLED = True`) and the tests using it, by
    parameter or `usefixtures`, were not: they test the code the clean removed."""
    write_tree(tmp_path, {
        "flaglint.toml": 'registry = ["flags.toml"]\npresets = ["django-settings"]\n'
                         'tests = ["tests/**"]\n',
        "flags.toml": '[flags.CACHE_ENABLED]\ntype = "release"\nowner = "a"\n',
        "app/__init__.py": "", "tests/__init__.py": "",
        "app/cmd.py": "from django.conf import settings\n\n\ndef clear():\n"
                      "    if not settings.CACHE_ENABLED:\n"
                      "        raise RuntimeError('not enabled')\n    return 'cleared'\n",
        "app/dyn.py": "from django.conf import settings\n\nVALIDATED = ['CACHE_ENABLED']\n"
                      "MAPPING = {'AWS_KEY': 'key'}\n\n\n"
                      "def values():\n    return [getattr(settings, name, None)\n"
                      "            for name, _ in MAPPING.items()]\n",
        "tests/test_cmd.py": "import pytest\n\nfrom app.cmd import clear\n\n\n"
                             "@pytest.fixture\ndef cache_on(settings):\n"
                             "    settings.CACHE_ENABLED = True\n\n\n"
                             "def test_with_fixture(cache_on):\n"
                             "    assert clear() == 'cleared'\n\n\n"
                             "@pytest.mark.usefixtures('cache_on')\nclass TestMarked:\n"
                             "    def test_marked(self):\n"
                             "        assert clear() == 'cleared'\n\n\n"
                             "def test_other():\n    assert clear\n",
    })
    before = (tmp_path / "tests" / "test_cmd.py").read_text()
    assert main(["clean", "CACHE_ENABLED", "--value", "false", "--no-cache",
                 str(tmp_path)]) == 1
    out = "".join(capsys.readouterr())
    assert (tmp_path / "tests" / "test_cmd.py").read_text() == before
    assert "Tests set `CACHE_ENABLED` to another value than `false` (tests/test_cmd.py:11 " \
           "`test_with_fixture`, tests/test_cmd.py:17 `TestMarked.test_marked`): they ran " \
           "under the code the clean removed" in out
    assert "Test helpers or autouse fixtures set `CACHE_ENABLED` to another value than " \
           "`false` (tests/test_cmd.py:7 `cache_on`)" in out


def test_a_read_with_a_collection_for_its_default_is_no_boolean(tmp_path, capsys):
    """django-helpdesk: `EXCLUDE = getattr(settings, "HELPDESK_X_EXCLUDE", ())`, which the
    code iterates, registered by `init` and cleaned with `--value false` to `EXCLUDE =
    False` (TypeError where it is iterated), exit 0. Such a read gets no fix ("holds a
    collection"), and `clean --value` of such a flag is refused."""
    write_tree(tmp_path, {
        **NUMBER_SETTING,
        "flags.toml": '[flags.APP_EXCLUDE]\ntype = "operational"\nowner = "me"\n'
                      'status = "rolled-out"\nvalue = false\n',
        "app/views.py": "from django.conf import settings\n\n"
                        'EXCLUDE = getattr(settings, "APP_EXCLUDE", ())\n',
    })
    assert main(["check", str(tmp_path), "--no-cache", "--select", "FL202"]) == 1
    assert capsys.readouterr().out.splitlines()[0].endswith(
        "no fix: its default `()` says it holds a collection, not `false`")
    (tmp_path / "flags.toml").write_text('[flags.APP_EXCLUDE]\ntype = "operational"\n'
                                         'owner = "me"\n')
    assert main(["clean", "APP_EXCLUDE", "--value", "false", "--dry-run", "--no-cache",
                 str(tmp_path)]) == 2
    assert "--value false: the reads of `APP_EXCLUDE` default to collections (app/views.py:3 " \
           "`()`): it holds a value, not an on or off; remove its registry entry by hand" in \
        capsys.readouterr().err
