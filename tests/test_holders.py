"""Flags kept as objects in code: `holder = bool_state(name="key")` read as `holder.value`,
through imports and module attributes; the definition's `attributes` say which reads count."""

from __future__ import annotations

import importlib
import json
import shutil
import sys
from pathlib import Path

import pytest

from flaglint.cli import main
from flaglint.facts.cst_facts import extract_cst
from flaglint.facts.extract import extract
from flaglint.facts.light import count_lines
from flaglint.suppressions import Suppressions

from .conftest import write_tree
from .test_clean import _pytest

PYPROJECT = """
[tool.flaglint]
presets = []

[[tool.flaglint.definitions]]
call = "proj.config.bool_state"
key = [0, "name"]
attributes = ["value"]
"""
REGISTRY = """
[flags.proj_new_router]
owner = "routing"
type = "release"
status = "rolled-out"
value = true

[flags.proj_old_cache]
status = "retired"
"""
CONFIG = '''
class _Holder:
    def __init__(self, name, default):
        self.name = name
        self.value = default


def bool_state(name, default=False):
    return _Holder(name, default)


new_router = bool_state(name="proj_new_router", default=True)
old_cache = bool_state("proj_old_cache", default=False)
'''
ROUTER = '''
from proj import config
from proj.config import old_cache


def route(order):
    if config.new_router.value:
        return "smart"
    return "legacy"


def cache():
    return "old" if old_cache.value else "new"


def label():
    return config.new_router.name
'''


def project(tmp_path):
    return write_tree(tmp_path, {"pyproject.toml": PYPROJECT, "flags.toml": REGISTRY,
                                 "proj/__init__.py": "", "proj/config.py": CONFIG,
                                 "proj/router.py": ROUTER})


def test_attribute_reads_of_a_flag_object_are_reads(tmp_path, capsys):
    root = project(tmp_path)
    assert main(["check", str(root), "--no-cache", "--today", "2026-11-23"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[:-2] == [
        "proj/config.py:12:13: FL401 [proj_old_cache] Flag `proj_old_cache` was retired (a "
        "tombstone in the registry) and is defined here again; code and configs from its "
        "first life answer to it again",
        "proj/router.py:6:8: FL202 [*] [proj_new_router] Flag `proj_new_router` is rolled out "
        "with value `true`; this read always yields it, so the code still branches on a "
        "constant",
        "proj/router.py:8:5: FL301 [*] [proj_new_router] Flag `proj_new_router` is rolled out "
        "with value `true`; the code after the early exit above can never run",
        "proj/router.py:12:12: FL301 [proj_old_cache] Flag `proj_old_cache` is retired, so "
        "reading it yields `false`; this operand is never evaluated",
        "proj/router.py:12:21: FL404 [proj_old_cache] Flag `proj_old_cache` was retired; this "
        "read is left-over code that any config setting `proj_old_cache` wakes up",
    ]


def test_fixing_attribute_reads_keeps_the_behaviour(tmp_path, capsys, monkeypatch):
    root = project(tmp_path)
    assert main(["check", str(root), "--no-cache", "--today", "2026-11-23", "--fix"]) == 1
    capsys.readouterr()
    fixed = (root / "proj" / "router.py").read_text()
    assert fixed == ROUTER.lstrip("\n").replace(
        'def route(order):\n    if config.new_router.value:\n        return "smart"\n'
        '    return "legacy"\n', 'def route(order):\n    return "smart"\n')
    monkeypatch.syspath_prepend(str(root))
    for name in [m for m in sys.modules if m == "proj" or m.startswith("proj.")]:
        del sys.modules[name]
    router = importlib.import_module("proj.router")
    assert (router.route(None), router.cache(), router.label()) == \
        ("smart", "new", "proj_new_router")


def test_both_extractors_record_attribute_reads_alike():
    attributes = frozenset({"value"})
    for text in (ROUTER, CONFIG, "import a.value\nfrom b import value\nx = a.value.value\n"
                 "y = f(a.value)\nz = a.value()\n@a.value\ndef g():\n    return q.r.value\n"):
        data = text.encode()
        from_ast = extract(data, "proj/m.py", "proj.m", is_package=False, attributes=attributes)
        from_cst = extract_cst(text, "proj/m.py", "proj.m", count_lines(text),
                               Suppressions.scan(text), attributes, is_package=False)
        assert from_ast == from_cst
    facts = extract(ROUTER.encode(), "proj/router.py", "proj.router", is_package=False,
                    attributes=attributes)
    assert [(c.callee, c.span.line, c.access) for c in facts.calls if c.access] == [
        ("proj.config.new_router.value", 7, True), ("proj.config.old_cache.value", 13, True)]


SETTINGS_PROJECT = {
    "pyproject.toml": '[tool.flaglint]\npresets = ["django-settings"]\n',
    "flags.toml": '[flags.FEATURE_NEW_SEARCH]\nowner = "web"\ntype = "release"\n'
                  'status = "rolled-out"\nvalue = true\n',
    "shop/__init__.py": "",
    "shop/views.py": '''
from django.conf import settings


def search(query):
    if settings.FEATURE_NEW_SEARCH:
        return "new"
    return "old"


def banner():
    if getattr(settings, "FEATURE_BANNER", False):
        return "banner"
    return settings.DEBUG
''',
}


def test_django_settings_as_flags(tmp_path, capsys):
    """`settings.FEATURE_X` and `getattr(settings, "FEATURE_X", False)`, for names that say
    they are flags; `settings.DEBUG` is not one."""
    write_tree(tmp_path, SETTINGS_PROJECT)
    assert main(["check", str(tmp_path), "--no-cache", "--today", "2026-11-23"]) == 1
    assert capsys.readouterr().out.splitlines()[:-2] == [
        "shop/views.py:5:8: FL202 [*] [FEATURE_NEW_SEARCH] Flag `FEATURE_NEW_SEARCH` is rolled "
        "out with value `true`; this read always yields it, so the code still branches on a "
        "constant",
        "shop/views.py:7:5: FL301 [*] [FEATURE_NEW_SEARCH] Flag `FEATURE_NEW_SEARCH` is rolled "
        "out with value `true`; the code after the early exit above can never run",
        "shop/views.py:11:8: FL101 [FEATURE_BANNER] Flag `FEATURE_BANNER` is declared in no "
        "registry or definition; nobody owns it and it never expires",
    ]
    assert main(["check", str(tmp_path), "--no-cache", "--today", "2026-11-23", "--fix"]) == 1
    capsys.readouterr()
    assert 'def search(query):\n    return "new"\n' in (tmp_path / "shop" / "views.py").read_text()


def test_a_setting_read_by_a_name_in_a_list_is_kept(tmp_path, capsys):
    """Weblate's context processor reads `getattr(settings, name, None)` for the names in a
    list: a read whose key flaglint cannot tell (FL104), which the list's string may reach;
    `clean` deleted `ENABLE_X = True` from one settings module (the string protected only
    the one bound to a call), and the template saw None."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = ["django-settings"]\n',
        "flags.toml": '[flags.ENABLE_X]\nowner = "web"\ntype = "release"\n'
                      'status = "rolled-out"\nvalue = true\n\n'
                      '[flags.ENABLE_Y]\nowner = "web"\ntype = "release"\n',
        "proj/__init__.py": "",
        "proj/settings.py": "SECRET_KEY = 'x'\nENABLE_X = True\n",
        "proj/settings_docker.py": "import os\n\nENABLE_X = os.environ.get('X', '1') == '1'\n",
        "proj/views.py": "from django.conf import settings\n\n\ndef view():\n"
                         "    if not settings.ENABLE_X:\n        return 'off'\n    return 'on'\n",
        # another lookup by a name, in a file before it: the string reaches the one beside it
        "proj/auth.py": "from django.conf import settings\n\n\ndef title(n):\n"
                        "    source = 'SOCIAL_' + n\n    return getattr(settings, source, None)\n",
        "proj/context.py": "from django.conf import settings\n\nNAMES = ['ENABLE_X', "
                           "'ENABLE_Y']\n\n\n"
                           "def context():\n"
                           "    return {n: getattr(settings, n, None) for n in NAMES}\n",
    })
    # No FL104 (most lookups by name read settings that are no flags), but FL102 knows
    assert main(["check", str(tmp_path), "--no-cache", "--select", "FL104,FL102"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        "flags.toml:7:1: FL102 [ENABLE_Y] Flag `ENABLE_Y` is declared but no read flaglint "
        "can resolve names it; the string at proj/context.py:3 may still reach the read at "
        "proj/context.py:7, a setting looked up by a name flaglint cannot tell: when that "
        "read can no longer get this key, delete it or mark it retired")
    assert main(["clean", "ENABLE_X", "--value", "true", "--no-cache", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "[flags.ENABLE_X] kept: a read flaglint cannot follow may use it " \
           "(proj/context.py:3:10: the key as a string, which the read at proj/context.py:7 " \
           "(its key unknown) may be)." in out
    assert (tmp_path / "proj" / "settings.py").read_text() == "SECRET_KEY = 'x'\nENABLE_X = True\n"
    assert "ENABLE_X = os.environ" in (tmp_path / "proj" / "settings_docker.py").read_text()
    assert (tmp_path / "proj" / "views.py").read_text() == "def view():\n    return 'on'\n"


def test_override_settings_in_a_test_sets_the_flag(tmp_path, capsys):
    """`@override_settings(ENABLE_X=False)` on a test sets the setting there: its reads are
    not settled (the check called them FL202, and `--fix --fix-tests` made the test's
    `assert not settings.ENABLE_X` an `assert False`)."""
    test = ("from django.conf import settings\nfrom django.test import override_settings\n\n"
            "from proj.views import view\n\n\n@override_settings(ENABLE_X=False, DEBUG=True)\n"
            "def test_off():\n    assert not settings.ENABLE_X\n    assert view() == 'off'\n\n\n"
            "def test_with():\n    with override_settings(ENABLE_X=False):\n"
            "        assert not settings.ENABLE_X\n")
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = ["django-settings"]\n',
        "flags.toml": '[flags.ENABLE_X]\nowner = "web"\ntype = "release"\n'
                      'status = "rolled-out"\nvalue = true\n',
        "proj/__init__.py": "",
        "proj/views.py": "from django.conf import settings\n\n\ndef view():\n"
                         "    if settings.ENABLE_X:\n        return 'on'\n    return 'off'\n",
        "tests/test_views.py": test,
    })
    assert main(["check", str(tmp_path), "--no-cache", "--select", "FL202"]) == 1
    assert [line.split(" [")[0] for line in capsys.readouterr().out.splitlines()[:-2]] == [
        "proj/views.py:5:8: FL202"]
    main(["check", str(tmp_path), "--no-cache", "--fix", "--fix-tests"])
    capsys.readouterr()
    assert (tmp_path / "tests" / "test_views.py").read_text() == test


def test_a_helper_around_getattr_of_settings_is_no_flag_wrapper(tmp_path, capsys):
    """`def get_setting(name): return getattr(settings, name)`: its key is its parameter,
    which made it a wrapper, and every `get_setting("SECRET_KEY")` a flag (FL101)."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = ["django-settings"]\n',
        "proj/__init__.py": "",
        "proj/conf.py": "from django.conf import settings\n\n\n"
                        "def get_setting(name, default=None):\n"
                        "    return getattr(settings, name, default)\n",
        "proj/views.py": "from proj.conf import get_setting\n\n\ndef view():\n"
                         "    return get_setting('SECRET_KEY'), get_setting('TIME_ZONE')\n",
    })
    assert main(["check", str(tmp_path), "--no-cache"]) == 0
    assert capsys.readouterr().out == "All checks passed (3 files, 0 flags).\n"


def test_a_module_level_name_a_string_names_is_kept(tmp_path, capsys):
    """A string naming a setting (`FIELDS = ["ENABLE_X"]`) kept it where it was bound to a
    call, and not where it was bound to `True`: both stay now, and the refusal says why."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = ["django-settings"]\n',
        "flags.toml": '[flags.ENABLE_X]\nowner = "web"\ntype = "release"\n',
        "proj/__init__.py": "",
        "proj/settings.py": "SECRET_KEY = 'x'\nENABLE_X = True\n",
        "proj/views.py": "from django.conf import settings\n\n\ndef view():\n"
                         "    if not settings.ENABLE_X:\n        return 'off'\n    return 'on'\n",
        "proj/admin.py": "FIELDS = ['ENABLE_X']\n",
    })
    assert main(["clean", "ENABLE_X", "--value", "true", "--no-cache", str(tmp_path)]) == 1
    assert "proj/settings.py:2: `ENABLE_X` not deleted: proj/admin.py:1:11: a string naming " \
           "it ('ENABLE_X')" in capsys.readouterr().out
    assert (tmp_path / "proj" / "settings.py").read_text() == "SECRET_KEY = 'x'\nENABLE_X = True\n"


def test_calling_a_flag_object_reads_it_with_call_reads(tmp_path, capsys):
    write_tree(tmp_path, {
        "pyproject.toml": PYPROJECT + "call_reads = true\n",
        "flags.toml": REGISTRY, "proj/__init__.py": "", "proj/config.py": CONFIG,
        "proj/ops.py": "from proj import config\n\n\ndef run():\n"
                       "    with config.new_router(True):\n        return 1\n"})
    assert main(["check", str(tmp_path), "--no-cache", "--today", "2026-11-23", "--select",
                 "FL202"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        "proj/ops.py:5:10: FL202 [proj_new_router] Flag `proj_new_router` is rolled out with "
        "value `true`; this read always yields it, so the code still branches on a constant; "
        "no fix: its value is used for more than its truth here or through a name bound to it "
        "(an attribute, item or call of it, `in`, iterated, entered by `with`, or "
        "arithmetic), which a literal would not be")  # `with False:` would raise


def test_audit_of_holders_settings_and_wrappers_without_a_registry(tmp_path, capsys):
    import json

    from .conftest import git

    root = tmp_path / "legacy"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write_tree(root, {
        "pyproject.toml": PYPROJECT.replace('presets = []', 'presets = ["django-settings"]'),
        "proj/__init__.py": "", "proj/config.py": CONFIG,
        "proj/router.py": ROUTER,
        "proj/views.py": "from django.conf import settings\n\n\ndef search_on():\n"
                         "    return settings.FEATURE_SEARCH\n\n\ndef view():\n"
                         "    return 'new' if search_on() else 'old'\n"})
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "flags", date="2025-05-01")
    assert main(["audit", str(root), "--today", "2026-11-23", "--no-cache", "--format",
                 "json"]) == 0
    rows = {r["key"]: r for r in json.loads(capsys.readouterr().out)["flags"]}
    assert sorted(rows) == ["FEATURE_SEARCH", "proj_new_router", "proj_old_cache"]
    found = {k: (r["status"], r["declared"], r["created"], r["reads"], r["files"],
                r["guarded_lines"], r["where"]) for k, r in rows.items()}
    assert found == {
        # the read in the wrapper `search_on`, and the wrapper's call
        "FEATURE_SEARCH": ("undeclared", "", "2025-05-01", 2, 1, 1, "proj/views.py:5"),
        "proj_new_router": ("active", "code", "2025-05-01", 1, 1, 3, "proj/config.py:11"),
        "proj_old_cache": ("active", "code", "2025-05-01", 1, 1, 1, "proj/config.py:12"),
    }
    assert rows["proj_new_router"]["stale"] == []  # a guessed type never expires a flag
    assert rows["proj_new_router"]["no_lifetime"].startswith("no lifetime declared: 571 days")


def test_clean_deletes_a_holder_only_when_nothing_names_it(tmp_path, capsys):
    root = project(tmp_path)
    assert main(["clean", "proj_new_router", "--value", "true", str(root)]) == 1  # holder left
    out = capsys.readouterr().out
    # `label()` still reads `config.new_router.name`: the definition stays, and says why.
    assert "proj/config.py:11: `new_router` not deleted: proj/router.py:14:12: use " \
           "(config.new_router)." in out
    assert "new_router = bool_state" in (root / "proj" / "config.py").read_text()
    router = root / "proj" / "router.py"
    router.write_text(router.read_text().replace("config.new_router.name", "'router'"))
    # The registry entry went with the reads; the definition in code still names the key.
    assert main(["clean", "proj_new_router", "--value", "true", str(root)]) == 0
    capsys.readouterr()
    assert "new_router" not in (root / "proj" / "config.py").read_text()


def test_clean_removes_a_django_setting_that_nothing_reads(tmp_path, capsys):
    write_tree(tmp_path, {**SETTINGS_PROJECT,
                          "shop/settings.py": "DEBUG = False\nFEATURE_NEW_SEARCH = True\n"
                                              "FEATURE_NEW_SEARCH_V2 = False\n"})
    assert main(["clean", "FEATURE_NEW_SEARCH", "--value", "true", str(tmp_path)]) == 0
    capsys.readouterr()
    assert (tmp_path / "shop" / "settings.py").read_text() == \
        "DEBUG = False\nFEATURE_NEW_SEARCH_V2 = False\n"


def test_a_project_prefix_names_the_same_flag(tmp_path, capsys):
    """`jax_enable_x64` defined in code and `enable_x64` in the registry and a read are one
    flag when the definition says `prefix = "jax_"`."""
    files = {
        "pyproject.toml": PYPROJECT.replace('presets = []', 'presets = ["unleash"]') +
        'prefix = "proj_"\n',
        "flags.toml": '[flags.new_router]\nowner = "routing"\ntype = "release"\n',
        "proj/__init__.py": "", "proj/config.py": CONFIG,
        "proj/router.py": ROUTER,
        "proj/other.py": "from UnleashClient import UnleashClient\n\n\n"
                         "def f():\n    return UnleashClient().is_enabled('new_router')\n",
    }
    write_tree(tmp_path, files)
    assert main(["check", str(tmp_path), "--no-cache", "--select", "FL101,FL102"]) == 0
    capsys.readouterr()
    assert main(["audit", str(tmp_path), "--no-cache", "--format", "json"]) == 0
    import json

    rows = {r["key"]: r for r in json.loads(capsys.readouterr().out)["flags"]}
    assert rows["proj_new_router"]["declared"] == "registry+code"
    assert rows["proj_new_router"]["reads"] == 2 and "new_router" not in rows
    files["pyproject.toml"] = files["pyproject.toml"].replace('prefix = "proj_"\n', "")
    write_tree(tmp_path, files)
    assert main(["audit", str(tmp_path), "--no-cache", "--format", "json"]) == 0
    keys = {r["key"] for r in json.loads(capsys.readouterr().out)["flags"]}
    assert {"new_router", "proj_new_router"} <= keys  # without the prefix: two flags


def test_a_truth_test_of_a_flag_object_reads_it_with_truth_reads(tmp_path, capsys):
    write_tree(tmp_path, {
        "pyproject.toml": PYPROJECT + "truth_reads = true\n",
        "flags.toml": REGISTRY, "proj/__init__.py": "",
        "proj/config.py": CONFIG + "\n\nclass _Truthy(_Holder):\n    def __bool__(self):\n"
                                   "        return bool(self.value)\n",
        "proj/gate.py": "from proj import config\nfrom proj.config import new_router\n\n\n"
                        "def gate(x):\n    if not new_router:\n        return 'old'\n"
                        "    if x and config.new_router:\n        return x\n"
                        "    return 'new' if config.new_router else x\n"})
    assert main(["check", str(tmp_path), "--no-cache", "--select", "FL202"]) == 1
    assert [line.split(" [")[0] for line in capsys.readouterr().out.splitlines()[:3]] == [
        "proj/gate.py:6:12: FL202", "proj/gate.py:8:14: FL202", "proj/gate.py:10:21: FL202"]
    assert main(["check", str(tmp_path), "--no-cache", "--fix"]) == 1
    capsys.readouterr()
    # The imports go: importing proj.config only makes values (holders bound to names by
    # the flag-defining call), which nothing here uses any more.
    assert (tmp_path / "proj" / "gate.py").read_text() == \
        "def gate(x):\n    if x:\n        return x\n    return 'new'\n"


def test_both_extractors_record_truth_tests_alike():
    from flaglint.facts.collector import TRUTH

    attributes = frozenset({"value", TRUTH})
    text = ("from proj import config\nimport os\nflag = 1\n\n\ndef f(x):\n"
            "    if not config.holder:\n        return 1\n    if flag:\n        return 2\n"
            "    if config.holder.value:\n        return 3\n    if x:\n        return 4\n"
            "    if config.holder and not x or not flag:\n        return 7\n"
            "    return 5 if os.path else 6\n")
    from_ast = extract(text.encode(), "proj/m.py", "proj.m", is_package=False,
                       attributes=attributes)
    from_cst = extract_cst(text, "proj/m.py", "proj.m", count_lines(text),
                           Suppressions.scan(text), attributes, is_package=False)
    assert from_ast == from_cst
    # each operand of `and`/`or` is tested for its truth too
    assert [c.callee for c in from_ast.calls] == [
        "proj.config.holder", "proj.m.flag", "proj.config.holder.value", "proj.config.holder",
        "proj.m.flag", "os.path"]


def test_attributes_of_a_config_object_named_by_the_key(tmp_path, capsys):
    """`config.proj_new_router`: the config object's attribute named by the key reads it."""
    write_tree(tmp_path, {
        "pyproject.toml": PYPROJECT + 'prefix = "proj_"\nnamespace = "proj.config.settings"\n',
        "flags.toml": REGISTRY, "proj/__init__.py": "",
        "proj/config.py": CONFIG + "\n\nclass _Settings:\n    def __getattr__(self, name):\n"
                                   "        return True\n\n\nsettings = _Settings()\n",
        "proj/app.py": "from proj.config import settings\n\n\n"
                       "def run():\n    if settings.proj_new_router:\n        return 'new'\n"
                       "    return 'old'\n"})
    assert main(["check", str(tmp_path), "--no-cache", "--select", "FL202"]) == 1
    assert capsys.readouterr().out.splitlines()[0].startswith(
        "proj/app.py:5:8: FL202 [*] [proj_new_router]")


def test_unused_flag_skips_test_defined_flags_and_holders_handed_on(tmp_path, capsys):
    """jax-style: a flag tests define for themselves is theirs; a holder put in a dict or
    passed to a hook is read where flaglint cannot follow; an unread holder is FL102, also
    where a test puts it in a dict to set it (prefect's `temporary_settings({X: True})`:
    that hid FL102)."""
    write_tree(tmp_path, {
        "pyproject.toml": PYPROJECT.replace("presets = []", 'presets = []\ntests = ["tests/**"]'),
        "proj/__init__.py": "",
        "proj/config.py": CONFIG + (
            "\n\nhooked = bool_state('proj_hooked')\nlisted = bool_state('proj_listed')\n"
            "unread = bool_state('proj_unread')\n\n_HOOKS = {'listed': listed}\n\n\n"
            "def register(holder):\n    return holder\n\n\nregister(hooked)\n"),
        "tests/test_config.py": "from proj.config import bool_state, unread\n\n"
                                "scratch = bool_state('proj_scratch')\n\n\n"
                                "def test_scratch():\n    assert not scratch.value\n\n\n"
                                "def test_unread():\n    settings({unread: True})\n",
    })
    main(["check", str(tmp_path), "--no-cache", "--select", "FL102"])
    assert [line.split(" ")[1:3] for line in capsys.readouterr().out.splitlines()[:-1]] == [
        ["FL102", "[proj_new_router]"], ["FL102", "[proj_old_cache]"],
        ["FL102", "[proj_unread]"]]


def test_a_flag_object_a_function_returns_is_not_unused(tmp_path, capsys):
    """lti-consumer-xblock: `def get_flag(): return Flag("app.new_ui")`, read as
    `get_flag().is_enabled(c)`: flaglint cannot follow it, so it does not call it unused."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.definitions]]\n'
                          'call = "app.toggles.Flag"\nreads = ["is_enabled"]\n',
        "app/__init__.py": "",
        "app/toggles.py": "class Flag:\n    def __init__(self, name):\n        self.name = name\n"
                          "\n    def is_enabled(self, c):\n        return False\n",
        "app/flags.py": "from app.toggles import Flag\n\n\ndef get_new_ui_flag():\n"
                        "    return Flag('app.new_ui')\n",
        "app/views.py": "from app.flags import get_new_ui_flag\n\n\ndef view(c):\n"
                        "    return 1 if get_new_ui_flag().is_enabled(c) else 2\n"})
    assert main(["check", str(tmp_path), "--no-cache", "--select", "FL102"]) == 0
    capsys.readouterr()


def test_a_definition_named_any_modules_takes_the_modules_own_class(tmp_path, capsys):
    """`call = "*.WaffleSwitch"` with the class defined beside its objects: the call is
    neither imported nor an attribute, and was not taken, so the read was unseen, FL102
    called the switch unread, and `clean` deleted its registry entry and changed no file."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.definitions]]\n'
                          'call = "*.WaffleSwitch"\nkey = 0\nreads = ["is_enabled"]\n',
        "flags.toml": '[flags."app.tracking"]\nowner = "a"\ntype = "release"\n'
                      'status = "rolled-out"\nvalue = true\n',
        "app/__init__.py": "",
        "app/toggles.py": "class WaffleSwitch:\n    def __init__(self, name):\n"
                          "        self.name = name\n\n    def is_enabled(self):\n"
                          "        return False\n\n\n"
                          "TRACKING = WaffleSwitch('app.tracking')\n",
        "app/views.py": "from app import toggles\n\n\ndef f():\n"
                        "    return 1 if toggles.TRACKING.is_enabled() else 2\n"})
    assert main(["check", str(tmp_path), "--no-cache", "--today", "2026-11-23",
                 "--select", "FL102,FL202"]) == 1
    assert capsys.readouterr().out.startswith(
        "app/views.py:5:17: FL202 [*] [app.tracking] Flag `app.tracking` is rolled out")
    assert main(["clean", "app.tracking", "--value", "true", "--no-cache",
                 str(tmp_path)]) == 0
    capsys.readouterr()
    assert (tmp_path / "app" / "views.py").read_text() == "def f():\n    return 1\n"


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="`type X = …` is Python's own grammar")
def test_a_file_only_libcst_reads_hands_on_every_holder_it_names(tmp_path, capsys):
    """Found by review: a file Python's parser refuses but libcst reads (a newer grammar)
    cannot be searched for a holder used as a value, so each holder it names counts as
    handed on, even where its text never spells one as a value (an optimisation that
    skipped the parse for such text reported FL102 here)."""
    fixture = Path(__file__).parent.parent / "fixtures" / "FL102-unused-flag" / \
        "waffle-flag-objects"
    shutil.copytree(fixture, tmp_path / "p", ignore=shutil.ignore_patterns("expected.json"))
    (tmp_path / "p" / "courses" / "newer.py").write_text(
        "from courses import toggles\n\ntype Alias = list[int]\n\nEXPORTED = ['OLD_GRADES']\n")
    main(["check", str(tmp_path / "p"), "--no-cache", "--select", "FL102",
          "--today", "2026-12-01"])
    assert "FL102" not in capsys.readouterr().out


SETTINGS_AS_OBJECTS = '''
class Setting:
    def __init__(self, type_, default=None):
        self.default = default

    def value(self):
        return self.default


PROJ_NEW_ENGINE = Setting(bool, default=True)
"""Whether the new engine runs."""

PROJ_API_URL = Setting(str, default="https://example.com")
"""Where the API is."""


class Limits:
    PROJ_BATCH = Setting(int, default=3)
    PROJ_FAST = Setting(bool, default=True)
    """Whether to hurry."""
    kept = 1
    """Not a flag's."""
'''
ENGINE = '''
from proj import settings
from proj.settings import PROJ_NEW_ENGINE


def run():
    if PROJ_NEW_ENGINE.value():
        return "new"
    return "old"


def url():
    return settings.PROJ_API_URL.value()


def batch():
    if settings.Limits.PROJ_FAST.value():
        return settings.Limits.PROJ_BATCH.value() * 2
    return 1
'''


def settings_project(tmp_path, definition):
    return write_tree(tmp_path, {
        "pyproject.toml": f"[tool.flaglint]\npresets = []\n\n[[tool.flaglint.definitions]]\n"
                          f"call = \"proj.settings.Setting\"\n{definition}reads = [\"value\"]\n",
        "flags.toml": "[flags.PROJ_NEW_ENGINE]\nowner = \"core\"\ntype = \"release\"\n"
                      "status = \"rolled-out\"\nvalue = true\n",
        "proj/__init__.py": "", "proj/settings.py": SETTINGS_AS_OBJECTS,
        "proj/engine.py": ENGINE})


def test_a_definition_that_reads_no_key_says_so_and_the_bound_name_is_the_key(
        tmp_path, capsys):
    root = settings_project(tmp_path, "")  # key = 0 reads `bool`: no flag defined
    assert main(["check", str(root), "--no-cache"]) == 1
    captured = capsys.readouterr()
    # no definition: the reads of the objects are not seen, and the registry's flag is unread
    assert [line.split(" ", 2)[:2] for line in captured.out.splitlines()[:-1]] == \
        [["flags.toml:1:1:", "FL102"]]
    assert "flaglint: note: tool.flaglint.definitions[0] (`proj.settings.Setting`) matched 4 " \
           "calls, so it defines no flag: with no key flaglint can read at `key = 0`; if the " \
           "key is the name each is bound to (`X = Setting(…)`), set `bound_name = true`" \
           in captured.err

    root = settings_project(tmp_path / "bound", "bound_name = true\n")
    assert main(["check", str(root), "--no-cache", "--format", "json"]) == 1
    report = capsys.readouterr()
    assert "matched" not in report.err
    found = [(f["code"], f["flag"], f["path"], f["line"])
             for f in json.loads(report.out)["findings"]]
    # the rolled-out flag's read and its dead branch; `PROJ_API_URL`, a flag the code
    # defines and reads, is no finding
    assert found == [("FL202", "PROJ_NEW_ENGINE", "proj/engine.py", 6),
                     ("FL301", "PROJ_NEW_ENGINE", "proj/engine.py", 8)]
    # The cache answers the same
    assert main(["check", str(root), "--format", "json"]) == 1
    first = capsys.readouterr().out
    assert main(["check", str(root), "--format", "json"]) == 1
    assert capsys.readouterr().out == first
    assert json.loads(first)["findings"] == json.loads(report.out)["findings"]


def test_clean_of_a_flag_keyed_by_its_bound_name(tmp_path, capsys, monkeypatch):
    root = settings_project(tmp_path, "bound_name = true\n")
    assert main(["clean", "PROJ_NEW_ENGINE", "--value", "true", str(root)]) == 0
    capsys.readouterr()
    # the read and its import go, the other settings' reads stay
    assert (root / "proj" / "engine.py").read_text() == ENGINE.lstrip().replace(
        "from proj.settings import PROJ_NEW_ENGINE\n", "").replace(
        '    if PROJ_NEW_ENGINE.value():\n        return "new"\n    return "old"\n',
        '    return "new"\n')
    # the definition goes with the string that documents it
    assert (root / "proj" / "settings.py").read_text() == SETTINGS_AS_OBJECTS.lstrip().replace(
        'PROJ_NEW_ENGINE = Setting(bool, default=True)\n"""Whether the new engine runs."""'
        '\n\n', "")
    # A setting whose type nothing shows takes any value (an int here); a read of it not
    # compared with a variant is left to the hand that knows what the number means
    # (a class's attribute is keyed by its name within the module: two classes' `enabled`
    # are two flags)
    assert main(["clean", "Limits.PROJ_BATCH", "--value", "5", str(root)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[1] == (
        "proj/engine.py:14:16: a read of `Limits.PROJ_BATCH` is left (its value is used for "
        "more than its truth here or through a name bound to it (an attribute, item or call of "
        "it, `in`, iterated, entered by `with`, or arithmetic), which a literal would not be); "
        "change it by hand.")
    # its definition goes after the read it serves (mlflow's account said "by hand" alone)
    assert out[-1] == ("proj/settings.py:14: `Limits.PROJ_BATCH` is defined here in code; "
                       "remove the definition by hand once the reads left are gone.")
    # a definition in a class goes with its docstring alone
    assert main(["clean", "Limits.PROJ_FAST", "--value", "true", str(root)]) == 0
    capsys.readouterr()
    assert "def batch():\n    return settings.Limits.PROJ_BATCH.value() * 2\n" in \
        (root / "proj" / "engine.py").read_text()
    assert "class Limits:\n    PROJ_BATCH = Setting(int, default=3)\n    kept = 1\n" \
           "    \"\"\"Not a flag's.\"\"\"\n" in (root / "proj" / "settings.py").read_text()
    monkeypatch.syspath_prepend(str(root))
    for name in [m for m in sys.modules if m == "proj" or m.startswith("proj.")]:
        monkeypatch.delitem(sys.modules, name)
    engine = importlib.import_module("proj.engine")
    assert (engine.run(), engine.url(), engine.batch()) == ("new", "https://example.com", 6)


def test_an_unread_flag_object_still_used_is_told_to_lose_the_use_first(tmp_path, capsys):
    """mlflow: after `clean`, `MLFLOW_ENABLE_ASYNC_LOGGING.set(True)` was left, and FL102
    said "delete it" where `clean` refused to for that use; prefect's `PREFECT_X.name` the
    same. The finding names the use to remove first."""
    write_tree(tmp_path, {
        "pyproject.toml": PYPROJECT,
        "proj/__init__.py": "",
        "proj/config.py": CONFIG + "\n\nasynced = bool_state('proj_async')\n"
                                   "unread = bool_state('proj_unread')\n"
                                   "NAMES = [asynced.name]\n",
        "proj/api.py": "from proj.config import asynced\n\n\n"
                       "def enable_async(value):\n    asynced.set(value)\n",
    })
    main(["check", str(tmp_path), "--no-cache", "--select", "FL102"])
    assert [line for line in capsys.readouterr().out.splitlines()
            if "proj_async" in line or "proj_unread" in line] == [
        "proj/config.py:15:11: FL102 [proj_async] Flag `proj_async` is declared but no code "
        "reads it; its object is still used at proj/api.py:5 (`asynced`), which is no read: "
        "remove that use, then delete it or mark it retired so the key is never reused",
        "proj/config.py:16:10: FL102 [proj_unread] Flag `proj_unread` is declared but no code "
        "reads it; delete it or mark it retired so the key is never reused"]
    # and `clean` refuses the definition for that use, as the finding says
    assert main(["clean", "proj_async", "--value", "false", str(tmp_path)]) == 1
    assert "proj/api.py:5:5: use (asynced)" in capsys.readouterr().out


ENV_VARS = '''import os


class BoolVar:
    def __init__(self, name, default):
        self.name = name
        self.default = default

    def get(self):
        value = os.getenv(self.name)
        return self.default if value is None else value == "True"

    def set(self, value):
        os.environ[self.name] = str(value)


ASYNC = BoolVar("APP_ASYNC", False)
'''


def test_a_flag_the_program_sets_as_it_runs_is_settled_by_no_registry(tmp_path, capsys):
    """mlflow: `enable_async_logging()` calls `MLFLOW_ENABLE_ASYNC_LOGGING.set(True)`; with
    the registry saying rolled out `false`, the fix wrote `synchronous = True`, and the public
    API no longer did anything. With `writes = ["set"]`, a setting outside tests leaves every
    read unsettled: FL202 says why and offers no fix, and `clean` refuses (exit 2). In a
    test, the same call is a test's setting, and the fix is offered."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = []\ntests = ["tests/**"]\n\n'
                          '[[tool.flaglint.definitions]]\ncall = "app.env.BoolVar"\n'
                          'reads = ["get"]\nwrites = ["set"]\n',
        "flags.toml": '[flags.APP_ASYNC]\ntype = "release"\nowner = "core"\n'
                      'status = "rolled-out"\nvalue = false\n',
        "app/__init__.py": "", "app/env.py": ENV_VARS,
        "app/log.py": "from app.env import ASYNC\n\n\ndef log(x):\n"
                      "    return \"async\" if ASYNC.get() else \"sync\"\n",
        "app/config.py": "from app.env import ASYNC\n\n\ndef enable_async(on=True):\n"
                         "    ASYNC.set(on)\n",
        "tests/__init__.py": "",
        "tests/test_log.py": "from app.env import ASYNC\nfrom app.log import log\n\n\n"
                             "def test_async():\n    ASYNC.set(True)\n"
                             "    assert log(1) == \"async\"\n",
    })
    assert main(["check", str(tmp_path), "--no-cache", "--select", "FL202,FL301"]) == 1
    assert capsys.readouterr().out.splitlines()[:-1] == [
        "app/log.py:5:23: FL202 [APP_ASYNC] Flag `APP_ASYNC` is rolled out with value "
        "`false`, but app/config.py:5 sets it as the program runs, so this read may yield "
        "another value: no fix while that stands"]
    assert main(["clean", "APP_ASYNC", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        "flaglint: error: flag `APP_ASYNC` is set as the program runs, at app/config.py:5: "
        "settling its reads would change what that does; remove the setting first (or, if "
        "that file is a test helper, name its folder in `tests`)\n")
    (tmp_path / "app" / "config.py").unlink()  # the test's settings alone
    (tmp_path / "tests" / "test_log.py").write_text(
        "from app.env import ASYNC\nfrom app.log import log\n\n\n"
        "def test_async():\n    ASYNC.set(True)\n    assert log(1) == \"async\"\n\n\n"
        "def test_sync():\n    ASYNC.set(False)\n    assert log(1) == \"sync\"\n")
    assert main(["check", str(tmp_path), "--no-cache", "--select", "FL202,FL301"]) == 1
    assert [line.split(" [APP")[0] for line in capsys.readouterr().out.splitlines()[:-2]] \
        == ["app/log.py:5:12: FL301 [*]", "app/log.py:5:23: FL202 [*]"]
    # `clean` drops the test of the removed branch and the other test's setting, then the
    # definition their import held (it was kept, and clean exited 1, before)
    assert main(["clean", "APP_ASYNC", str(tmp_path)]) == 0
    capsys.readouterr()
    assert (tmp_path / "tests" / "test_log.py").read_text() == \
        "from app.log import log\n\n\ndef test_sync():\n    assert log(1) == \"sync\"\n"
    assert "ASYNC" not in (tmp_path / "app" / "env.py").read_text()
    assert _pytest(tmp_path) == "1 passed"


def test_a_lookup_by_its_name_keeps_a_flag_object_and_is_told_where_it_is(tmp_path, capsys):
    """prefect reads its settings back by name, `values["PREFECT_SILENCE_…"]`: `clean`
    deleted the definition and `import prefect` raised KeyError. A string that is the bound
    name, anywhere, keeps it; the refusal says where that string is in the file as it is
    (it gave the line of the text the refused deletion would have left), and FL102 names
    the use of an import inside a function as what to remove first, and the lookup by name
    too (it said "delete it" where `clean` refuses for it)."""
    settings = (SETTINGS_AS_OBJECTS + "\n\nSETTINGS = {name: setting for name, setting in "
                "list(globals().items()) if isinstance(setting, Setting)}\n\n\n"
                "def silent(values):\n    return values[\"PROJ_API_URL\"] is None\n")
    root = settings_project(tmp_path, "bound_name = true\n")
    (root / "proj" / "settings.py").write_text(settings)
    (root / "proj" / "late.py").write_text("def later():\n    from proj.settings import "
                                           "PROJ_NEW_ENGINE\n\n    return PROJ_NEW_ENGINE\n")
    assert main(["clean", "PROJ_API_URL", "--value", "true", str(root)]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == (
        "proj/settings.py:13: `PROJ_API_URL` not deleted: proj/settings.py:29:19: a subscript "
        "by the key, a mapping read flaglint does not follow.")
    assert (root / "proj" / "settings.py").read_text() == settings
    assert settings.splitlines()[28] == "    return values[\"PROJ_API_URL\"] is None"
    (root / "flags.toml").write_text("")
    (root / "proj" / "engine.py").write_text("")

    def unused(key: str) -> list[str]:
        main(["check", str(root), "--no-cache", "--select", "FL102"])
        return [line for line in capsys.readouterr().out.splitlines() if f"[{key}]" in line]

    assert unused("PROJ_NEW_ENGINE") == [
        "proj/settings.py:10:19: FL102 [PROJ_NEW_ENGINE] Flag `PROJ_NEW_ENGINE` is declared "
        "but no code reads it; its object is still used at proj/late.py:4 "
        "(`PROJ_NEW_ENGINE`), which is no read: remove that use, then delete it or mark it "
        "retired so the key is never reused"]
    (root / "proj" / "api.py").write_text("")  # PROJ_API_URL's read goes: its lookup stays
    assert unused("PROJ_API_URL") == [
        "proj/settings.py:13:16: FL102 [PROJ_API_URL] Flag `PROJ_API_URL` is declared but no "
        "code reads it; its object is still used at proj/settings.py:29 (`'PROJ_API_URL'`), "
        "which is no read: remove that use, then delete it or mark it retired so the key is "
        "never reused"]


def test_a_definition_naming_its_key_as_the_bound_name_is_no_use_of_it(tmp_path, capsys):
    """Open WebUI, and the README's own `LEGACY_X = is_env_true("LEGACY_X")` with
    `bound_name = true`: FL102 said the object "is still used at app/config.py:8
    ('LEGACY_X'), which is no read: remove that use", the key string of its own definition.
    The definition is no use of itself: the plain message."""
    write_tree(tmp_path, {
        "pyproject.toml": "[tool.flaglint]\npresets = []\n\n[[tool.flaglint.definitions]]\n"
                          "call = 'app.config.is_env_true'\nbound_name = true\n"
                          "truth_reads = true\n",
        "app/__init__.py": "",
        "app/config.py": "import os\n\n\ndef is_env_true(name):\n"
                         "    return os.environ.get(name, 'false').lower() == 'true'\n\n\n"
                         "LEGACY_X = is_env_true('LEGACY_X')\n"})
    main(["check", str(tmp_path), "--no-cache", "--select", "FL102"])
    assert capsys.readouterr().out.splitlines()[0] == (
        "app/config.py:8:12: FL102 [LEGACY_X] Flag `LEGACY_X` is declared but no code reads "
        "it; delete it or mark it retired so the key is never reused")


def test_a_definition_bound_to_a_name_bound_twice_is_handed_on_as_any(tmp_path, capsys):
    """Open WebUI: `URLS = os.environ.get(…)` then `URLS = Setting("URLS", …)`, handed on
    as `state.URLS = URLS` like `TOKENS`: FL102 reported `URLS` alone (a name bound twice
    has no constant in the facts, so its object was not followed)."""
    write_tree(tmp_path, {
        "pyproject.toml": "[tool.flaglint]\npresets = []\n\n[[tool.flaglint.definitions]]\n"
                          "call = 'app.config.Setting'\nkey = 0\n",
        "app/__init__.py": "",
        "app/config.py": "import os\n\n\nclass Setting:\n    def __init__(self, name, value):\n"
                         "        self.value = value\n\n\nclass Store:\n    pass\n\n\n"
                         "URLS = os.environ.get('URLS', 'a;b')\n"
                         "URLS = Setting('URLS', URLS.split(';'))\n"
                         "TOKENS = Setting('TOKENS', os.environ.get('TOKENS', 'a').split(';'))\n",
        "app/main.py": "from app.config import Store, URLS, TOKENS\n\nstate = Store()\n"
                       "state.URLS = URLS\nstate.TOKENS = TOKENS\n"})
    assert main(["check", str(tmp_path), "--no-cache", "--select", "FL102"]) == 0
    assert "FL102" not in capsys.readouterr().out


@pytest.mark.parametrize(("config", "line"), [
    # a review: its other binding names it as it binds it, which is no use of its object
    ("URLS = None\nURLS = Setting('URLS', 'a;b')\n", "app/config.py:7:8: FL102 [URLS]"),
    ("import os\nURLS = os.environ.get('URLS', 'a;b')\nURLS = Setting('URLS', URLS.split(';'))\n",
     "app/config.py:8:8: FL102 [URLS]"),
    # a keyword's value on a line of its own is bound to no name (ENABLE_X is another)
    ("SETTINGS = dict(\nENABLE_X=Setting('ENABLE_X', False),\n)\nENABLE_X = 'ENABLE_X'\n"
     "HOOKS = [ENABLE_X]\n", "app/config.py:7:10: FL102 [ENABLE_X]"),
])
def test_an_unread_definition_of_a_name_bound_otherwise_too_is_said_plainly(
        tmp_path, capsys, config, line):
    write_tree(tmp_path, {
        "pyproject.toml": "[tool.flaglint]\npresets = []\n\n[[tool.flaglint.definitions]]\n"
                          "call = 'app.config.Setting'\nkey = 0\n",
        "app/__init__.py": "",
        "app/config.py": "class Setting:\n    def __init__(self, name, value):\n"
                         "        self.value = value\n\n\n" + config})
    main(["check", str(tmp_path), "--no-cache", "--select", "FL102"])
    assert [found for found in capsys.readouterr().out.splitlines()
            if "FL102" in found] == [
        f"{line} Flag `{line.rsplit('[', 1)[1][:-1]}` is declared but no code reads it; "
        "delete it or mark it retired so the key is never reused"]
