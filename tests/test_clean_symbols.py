"""`clean` on resolved symbols: each case a user met (issue 22), kept as a named regression.

Every project here comes with its own tests, run before and after the clean: the tests that
do not exercise the value that goes behave the same, and nothing outside the flag changes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from flaglint.cli import main

from .conftest import write_tree

CONFIG = """
    [tool.flaglint]
    presets = ["unleash"]
    tests = ["tests/**"]

    [[tool.flaglint.definitions]]
    class = "app.flags.Flag"
    """

REGISTRY = """
    [flags.new_ui]
    owner = "web"
    type = "release"

    [flags.other]
    owner = "web"
    type = "release"
    """

RUNTIME = """
    VALUES = {}


    class Client:
        def is_enabled(self, key, default=False):
            return VALUES.get(key, default)


    client = Client()


    def set_flag(member, value):
        VALUES[member.value] = value
    """

FLAGS = """
    import enum

    from app.rt import client


    class Flag(enum.Enum):
        NEW_UI = "new_ui"
        OTHER = "other"


    def new_ui_on():
        return client.is_enabled(Flag.NEW_UI.value)
    """


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    return write_tree(tmp_path, {"pyproject.toml": CONFIG, "flags.toml": REGISTRY,
                                 "app/__init__.py": "", "app/rt.py": RUNTIME,
                                 "app/flags.py": FLAGS, "tests/__init__.py": "", **files})


def pytest_says(root: Path) -> str:
    """pytest's summary line for the project's tests, without the time."""
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "tests"], cwd=root, capture_output=True, text=True, check=False)
    return result.stdout.strip().splitlines()[-1].split(" in ")[0]


def clean(root: Path, value: str, capsys) -> tuple[int, str]:
    code = main(["clean", "new_ui", "--value", value, str(root), "--no-cache"])
    out, err = capsys.readouterr()
    return code, out + err


def read(root: Path, name: str) -> str:
    return (root / name).read_text()


def test_another_enum_with_a_member_of_the_same_name_is_left_alone(tmp_path, capsys):
    """1. billing's own `Flag` Enum, and its list, are not the flag's."""
    billing = """
        import enum


        class Flag(enum.Enum):
            NEW_UI = "billing_new_ui"
            OLD = "billing_old"


        ALL = [Flag.NEW_UI, Flag.OLD]
        """
    root = project(tmp_path, {
        "app/billing.py": billing,
        "app/views.py": """
            from app.flags import new_ui_on


            def page():
                return "new" if new_ui_on() else "old"
            """,
        "tests/test_billing.py": """
            from app import billing


            def test_plans():
                assert [f.value for f in billing.ALL] == ["billing_new_ui", "billing_old"]
            """,
    })
    before = read(root, "app/billing.py")
    assert pytest_says(root) == "1 passed"
    assert clean(root, "true", capsys)[0] == 0
    assert read(root, "app/billing.py") == before
    assert read(root, "app/views.py") == 'def page():\n    return "new"\n'
    assert "NEW_UI" not in read(root, "app/flags.py")
    assert pytest_says(root) == "1 passed"


def test_a_test_of_something_else_that_sets_the_same_string_stays(tmp_path, capsys):
    """2. `prefs.set("new_ui", True)` is no setter flaglint knows: the test is neither
    deleted (`--value false`) nor edited (`--value true`). Whether it sets the flag no
    reading of the syntax can tell (scrapy's `settings.set("K", False)` does), so where it
    gives the other value it is named, and the clean exits 1."""
    files = {
        "app/prefs.py": """
            class Prefs:
                def __init__(self):
                    self.values = {}

                def set(self, name, value):
                    self.values[name] = value
            """,
        "app/views.py": """
            from app.flags import new_ui_on


            def page():
                return "new" if new_ui_on() else "old"
            """,
        "tests/test_prefs.py": """
            from app.prefs import Prefs


            def test_prefs():
                prefs = Prefs()
                prefs.set("new_ui", True)
                assert prefs.values == {"new_ui": True}
            """,
    }
    for value, code in (("true", 0), ("false", 1)):
        root = project(tmp_path / value, files)
        before = read(root, "tests/test_prefs.py")
        assert clean(root, value, capsys)[0] == code
        assert read(root, "tests/test_prefs.py") == before
        assert pytest_says(root) == "1 passed"


def test_a_parameter_stays_while_a_string_names_its_function(tmp_path, capsys):
    """3. `getattr(mail, "send")(…)` and `vars(...)["render"](…)` call what the strings
    name: their parameters are not dropped, and the refusal says where."""
    root = project(tmp_path, {
        "app/mail.py": """
            from app.flags import new_ui_on


            def send(to, fancy=False):
                if fancy:
                    return f"<b>{to}</b>"
                return to


            def render(to, fancy=False):
                if fancy:
                    return to.upper()
                return to


            def notify(to):
                return send(to, fancy=new_ui_on()), render(to, fancy=new_ui_on())
            """,
        "app/jobs.py": """
            from app import mail


            def run(to):
                return getattr(mail, "send")(to, False), vars(mail)["render"](to, False)
            """,
        "tests/test_mail.py": """
            from app import jobs, mail


            def test_jobs():
                assert jobs.run("ann") == ("ann", "ann")


            def test_notify():
                assert mail.notify("bob") == ("bob", "bob")
            """,
    })
    assert pytest_says(root) == "2 passed"
    code, said = clean(root, "false", capsys)
    assert said.endswith(
        "app/mail.py:1: `send` keeps `fancy` (not every call can be seen): app/jobs.py:5:26: "
        "a string naming it ('send').\n"
        "app/mail.py:7: `render` keeps `fancy` (not every call can be seen): "
        "app/jobs.py:5:57: a string naming it ('render').\n")
    assert code == 1
    mail = read(root, "app/mail.py")
    assert "def send(to, fancy=False):" in mail and "def render(to, fancy=False):" in mail
    assert "return send(to, fancy=False), render(to, fancy=False)" in mail
    assert pytest_says(root) == "2 passed"


def test_an_enum_member_looked_up_by_value_is_kept_and_listed(tmp_path, capsys):
    """4. `Flag("new_ui").name` needs the member: it stays, and the refusal says where."""
    root = project(tmp_path, {
        "app/views.py": """
            from app.flags import Flag, new_ui_on


            def page():
                return "new" if new_ui_on() else "old"


            def name():
                return Flag("new_ui").name
            """,
        "tests/test_views.py": """
            from app import views


            def test_name():
                assert views.name() == "NEW_UI"
            """,
    })
    code, said = clean(root, "true", capsys)
    assert 'NEW_UI = "new_ui"' in read(root, "app/flags.py")
    # The refusal says why the member stays (no "remove it by hand" beside it), and names
    # the lookup, which `Still naming` does not say again.
    assert said.endswith(
        "[flags.new_ui] removed in flags.toml.\n"
        "app/flags.py:5: `Flag.NEW_UI` not deleted: app/views.py:9:12: a lookup by value or "
        "name (Flag('new_ui')).\n")
    assert code == 1  # not complete: the member is left for a person
    assert pytest_says(root) == "1 passed"


def test_a_patch_of_the_name_where_it_is_used_goes_with_it(tmp_path, capsys):
    """5. `mock.patch("app.views.new_ui_on")`, the target the mock docs recommend, goes
    when the import it patches goes; the test still runs."""
    root = project(tmp_path, {
        "app/views.py": """
            from app.flags import new_ui_on


            def page():
                if new_ui_on():
                    return "new"
                return "old"
            """,
        "tests/test_views.py": """
            from unittest import mock

            from app import views


            def test_page():
                with mock.patch("app.views.new_ui_on", return_value=True):
                    assert views.page() == "new"
            """,
    })
    assert pytest_says(root) == "1 passed"
    assert clean(root, "true", capsys)[0] == 0
    assert read(root, "tests/test_views.py") == (
        "from app import views\n\n\ndef test_page():\n    assert views.page() == \"new\"\n")
    assert pytest_says(root) == "1 passed"


def test_an_import_a_string_annotation_uses_is_kept(tmp_path, capsys):
    """6. `def describe(panel: "OldPanel")` uses the import: `get_type_hints` still works."""
    root = project(tmp_path, {
        "app/panels.py": """
            class OldPanel:
                size = 2
            """,
        "app/views.py": """
            from app.flags import new_ui_on
            from app.panels import OldPanel


            def describe(panel: "OldPanel") -> str:
                return str(panel)


            def page():
                if new_ui_on():
                    return 1
                return OldPanel.size
            """,
        "tests/test_views.py": """
            import typing

            from app import views


            def test_hints():
                assert sorted(typing.get_type_hints(views.describe)) == ["panel", "return"]
            """,
    })
    assert clean(root, "true", capsys)[0] == 0
    assert read(root, "app/views.py") == (
        "from app.panels import OldPanel\n\n\n"
        "def describe(panel: \"OldPanel\") -> str:\n    return str(panel)\n\n\n"
        "def page():\n    return 1\n")
    assert pytest_says(root) == "1 passed"


def test_a_deleted_test_is_no_longer_called_by_its_file(tmp_path, capsys):
    """7. The `__main__` block that called a deleted test loses that call (and goes when
    nothing is left in it)."""
    root = project(tmp_path, {
        "app/views.py": """
            from app.flags import new_ui_on


            def page():
                return "new" if new_ui_on() else "old"
            """,
        "tests/test_views.py": """
            from app import views
            from app.flags import Flag
            from app.rt import set_flag


            def test_old_path():
                set_flag(Flag.NEW_UI, False)
                assert views.page() == "old"


            def test_default():
                assert views.page() in ("new", "old")


            if __name__ == "__main__":
                test_old_path()
                test_default()
            """,
    })
    assert clean(root, "true", capsys)[0] == 0
    text = read(root, "tests/test_views.py")
    assert "test_old_path" not in text and "    test_default()\n" in text
    result = subprocess.run([sys.executable, "tests/test_views.py"], cwd=root,
                            env={"PYTHONPATH": str(root)}, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert pytest_says(root) == "1 passed"


def test_a_test_whose_assertions_become_constants_is_deleted(tmp_path, capsys):
    """8. koku: `result = True; self.assertTrue(result)` is what a developer deletes."""
    root = project(tmp_path, {
        "app/views.py": """
            from app.flags import new_ui_on


            def page():
                return "new" if new_ui_on() else "old"
            """,
        "tests/test_flags.py": """
            import unittest

            from app.flags import Flag, new_ui_on
            from app.rt import set_flag


            class FlagTest(unittest.TestCase):
                def test_on(self):
                    set_flag(Flag.NEW_UI, True)
                    result = new_ui_on()
                    self.assertTrue(result)

                def test_other(self):
                    self.assertEqual(1 + 1, 2)
            """,
    })
    assert pytest_says(root) == "2 passed"
    assert clean(root, "true", capsys)[0] == 0
    text = read(root, "tests/test_flags.py")
    assert "test_on" not in text and "def test_other(self):" in text
    assert pytest_says(root) == "1 passed"


def test_wrappers_that_answer_the_read_go_with_their_callers_simplified(tmp_path, capsys):
    """11. `res = client.is_enabled(...); return res`, `return bool(...)` and
    `return True if ... else False` are wrappers: their callers are settled, and they go."""
    root = project(tmp_path, {
        "app/flags.py": textwrap.dedent(FLAGS) + textwrap.dedent("""

            def by_name():
                res = client.is_enabled(Flag.NEW_UI.value)
                return res


            def by_bool():
                return bool(client.is_enabled(Flag.NEW_UI.value))


            def by_ternary():
                return True if client.is_enabled(Flag.NEW_UI.value) else False
            """),
        "app/views.py": """
            from app.flags import by_bool, by_name, by_ternary


            def page():
                if by_name() and by_bool() and by_ternary():
                    return "new"
                return "old"
            """,
    })
    code, said = clean(root, "true", capsys)
    assert code == 0, said
    assert read(root, "app/views.py") == 'def page():\n    return "new"\n'
    flags = read(root, "app/flags.py")
    assert "def by_" not in flags and "new_ui_on" not in flags


def test_a_refused_deletion_is_listed_with_its_reason(tmp_path, capsys):
    """9. A deletion that a use blocks is never silent: `check --fix` and `clean` say which
    definition stayed and what still names it."""
    root = project(tmp_path, {
        "app/views.py": """
            from app.flags import new_ui_on


            def page():
                return "new" if new_ui_on() else "old"
            """,
        "app/admin.py": """
            from app import flags


            HANDLERS = {"new_ui": getattr(flags, "new_ui_on")}
            """,
    })
    code, said = clean(root, "true", capsys)
    assert "def new_ui_on" in read(root, "app/flags.py")
    assert "new_ui_on" in said and "app/admin.py:4:" in said
    assert code == 1


def test_a_file_that_does_not_parse_keeps_the_registry_entry(tmp_path, capsys):
    """A file flaglint cannot read may read the flag: the reads it can see are settled, but
    the entry, the definitions and the wrappers stay, and the file is named."""
    root = project(tmp_path, {
        "app/views.py": """
            from app.flags import new_ui_on


            def page():
                return "new" if new_ui_on() else "old"
            """,
        "app/broken.py": "def half(:\n    return new_ui_on()\n",
    })
    registry = read(root, "flags.toml")
    code, said = clean(root, "true", capsys)
    assert code == 1
    assert read(root, "app/views.py") == 'def page():\n    return "new"\n'
    assert read(root, "flags.toml") == registry
    assert "def new_ui_on" in read(root, "app/flags.py")
    assert ("app/broken.py: does not parse, so reads of `new_ui` in it cannot be ruled out; "
            "fix it and run clean again.\n[flags.new_ui] kept: 1 file cannot be read.\n"
            in said)
    assert said.endswith("app/flags.py:9: `new_ui_on` not deleted: app/broken.py:1:1: the "
                         "file does not parse, so it may name it.\n")


def test_an_import_that_registers_stays_and_one_that_makes_values_goes(tmp_path):
    """A module whose top level calls something that may register (`signals.connect(…)`)
    keeps the import a fix made unused, when no other file imports it; one whose top level
    only binds what its own classes or the flag-defining call make does not."""
    from flaglint.analysis.imports import imports_with_effects

    from .conftest import analyze_tree

    write_tree(tmp_path, {
        "pyproject.toml": '[[tool.flaglint.definitions]]\ncall = "app.toggles.define"\n'
                          'key = 0\n\n[[tool.flaglint.readers]]\ncall = "app.toggles.on"\n'
                          'key = 0\n',
        "app/__init__.py": "",
        "app/signals.py": "import hooks\n\nhooks.connect('save', print)\n",
        "app/toggles.py": "class Toggle:\n    pass\n\n\ndef define(name):\n"
                          "    return Toggle()\n\n\ndef on(name):\n    return True\n\n\n"
                          "FAST = define('fast')\nSLOW = Toggle()\n",
        "app/models.py": "from app.toggles import define\n\nNEW = define('new')\n",
        "app/views.py": "from app import models, signals, toggles\n\nx = toggles.on('fast')\n",
    })
    project = analyze_tree(tmp_path)
    assert not project.files.brief("app/signals.py").complete  # read only now, its text
    assert imports_with_effects(project, "app/views.py") == {"signals"}


def test_an_import_of_a_submodule_that_registers_stays(tmp_path, capsys):
    """`import app.signals` binds `app`, and imports a module that registers: once the fix
    removed the last use of `app`, the import went, and the handler was no longer
    registered (found by review; `from app import signals` was kept)."""
    from flaglint.cli import main

    write_tree(tmp_path, {
        "flaglint.toml": '[[readers]]\ncall = "app.flags.flag_on"\nkey = 0\n',
        "flags.toml": '[flags.x]\ntype = "release"\nowner = "x"\nstatus = "rolled-out"\n'
                      'value = false\n',
        "app/__init__.py": "",
        "app/flags.py": "def flag_on(key):\n    return True\n",
        "app/registry.py": "HANDLERS = []\n\n\ndef register(name):\n    HANDLERS.append(name)\n",
        "app/signals.py": "from app.registry import register\n\nFALLBACK = 0\n"
                          "register('on_save')\n",
        "app/views.py": "import app.signals\nfrom app.flags import flag_on\n\n\ndef v():\n"
                        "    if flag_on('x'):\n        return app.signals.FALLBACK\n"
                        "    return 1\n",
    })
    assert main(["check", str(tmp_path), "--no-cache", "--fix", "--select", "FL2,FL3"]) == 0
    capsys.readouterr()
    assert (tmp_path / "app" / "views.py").read_text() == (
        "import app.signals\n\n\ndef v():\n    return 1\n")


FEATURES = """
    [tool.flaglint]
    presets = []

    [[tool.flaglint.readers]]
    call = "app.features.has"
    key = 0
    """


def features_project(tmp_path: Path, files: dict[str, str], config: str = FEATURES) -> Path:
    return write_tree(tmp_path, {"pyproject.toml": config, "app/__init__.py": "",
                                 "app/features.py": "def has(key, org=None):\n    return False\n",
                                 **files})


def test_a_function_that_answers_the_flag_on_one_path_only_is_no_wrapper(tmp_path, capsys):
    """label-studio's `_is_fsm_enabled`: with no org it answers a manual switch; only its
    last return reads the flag. Its callers keep asking it."""
    root = features_project(tmp_path, {"app/a.py": """
        from app import features

        MANUALLY_DISABLED = {"value": False}


        def is_enabled(org=None):
            if org is None:
                return not MANUALLY_DISABLED["value"]
            return features.has("org:fsm", org)


        def get_state(x):
            if not is_enabled():
                return None
            return x
        """})
    code = main(["clean", "org:fsm", "--value", "true", str(root), "--no-cache"])
    capsys.readouterr()
    assert code == 0
    assert read(root, "app/a.py") == (
        'MANUALLY_DISABLED = {"value": False}\n\n\ndef is_enabled(org=None):\n'
        '    if org is None:\n        return not MANUALLY_DISABLED["value"]\n'
        '    return True\n\n\ndef get_state(x):\n    if not is_enabled():\n'
        '        return None\n    return x\n')


def registered_project(tmp_path: Path, dynamic: str) -> Path:
    """`org:new`, registered by `features.add` and read once by its key, beside `dynamic`:
    a function that reads keys flaglint cannot resolve."""
    return features_project(tmp_path, {
        "flags.toml": '[flags."org:new"]\nowner = "a"\ntype = "release"\n',
        "app/defs.py": 'from app import features\n\nfeatures.add("org:new", True)\n',
        "app/views.py": "from app import features\n\n\ndef view(org):\n"
                        "    if features.has(\"org:new\", org):\n        return 1\n"
                        "    return 2\n\n\n" + dynamic,
    }, FEATURES + '\n[[tool.flaglint.definitions]]\ncall = "app.features.add"\nkey = 0\n')


def test_a_definition_a_dynamic_read_may_need_is_kept(tmp_path, capsys):
    """Sentry's loop over feature names: `features.has(name)` for each name of a list that
    holds the key. The definition that registers the key stays, and so does the entry."""
    root = registered_project(tmp_path, "def feature_map(org):\n"
                                        "    names = [\"org:new\", \"org:other\"]\n"
                                        "    return {n: features.has(n, org) for n in names}\n")
    code = main(["clean", "org:new", "--value", "true", str(root), "--no-cache"])
    said = capsys.readouterr().out
    assert code == 1
    assert 'features.add("org:new", True)' in read(root, "app/defs.py")
    assert "[flags.\"org:new\"]" in read(root, "flags.toml")
    assert said.endswith(
        "app/defs.py:3: `org:new` not deleted: app/views.py:9:14: the key as a string, which "
        "the read at app/views.py:10 (its key unknown) may be.\n")


def test_a_read_whose_f_string_cannot_make_the_key_keeps_nothing(tmp_path, capsys):
    """The Knight router's `client.is_enabled(f"venue_{venue.lower()}")` kept
    `smart_routing`'s registry entry and its nine deployment config lines: any read of
    unknown key might be any key. An f-string's text around its fields says which keys it
    can make: `venue_…`, never `smart_routing`."""
    from flaglint.analysis.loose import may_make

    assert [may_make('f"venue_{venue.lower()}"', key) for key in
            ("smart_routing", "venue_nyse", "venue_")] == [False, True, True]
    # Only a whole f-string narrows: its text before the first field and after the last
    assert [may_make(text, "x_on") for text in
            ("f'{a}_enabled'", "F'''{a}_on'''", "name", 'f"{{x}}{a}"', "rf'\\{a}'",
             'f"{a}" "_on"', 'f"{a}" + "_on"', 'f"v_{a}" if a else "x_on"', 'f"v_{a}…')] \
        == [False, True, True, False, False, True, True, True, True]
    root = registered_project(tmp_path, "def venue(name, org):\n"
                                        "    return features.has(f\"venue:{name}\", org)\n"
                                        "\n\nKNOWN = [\"org:new\"]  # the key as a string\n")
    assert main(["clean", "org:new", "--value", "true", str(root), "--no-cache"]) == 0
    capsys.readouterr()
    assert "org:new" not in read(root, "app/defs.py") + read(root, "flags.toml")


def test_an_import_that_registers_stays_when_every_importer_is_cleaned(tmp_path, capsys):
    """Sentry's Celery tasks: two files import the task module, which registers the task
    when imported; both lose their last use. One of them must keep importing it."""
    root = features_project(tmp_path, {
        "app/taskbase.py": "REGISTRY = {}\n\n\ndef task(name):\n    def register(f):\n"
                           "        REGISTRY[name] = f\n        return f\n    return register\n",
        "app/webhooks.py": "from app.taskbase import task\n\n\n@task('x')\n"
                           "def send_webhook(x):\n    return x\n",
        **{f"app/{name}.py": "from app import features\nfrom app.webhooks import send_webhook"
                             "\n\n\ndef go(org, x):\n    if features.has('org:fn', org):\n"
                             "        send_webhook(x)\n" for name in ("handlers", "tasks")}})
    assert main(["clean", "org:fn", "--value", "false", str(root), "--no-cache"]) == 0
    capsys.readouterr()
    for name in ("handlers", "tasks"):
        assert read(root, f"app/{name}.py").startswith("from app.webhooks import send_webhook\n")


def test_a_class_attribute_of_the_same_name_does_not_keep_an_import(tmp_path, capsys):
    root = features_project(tmp_path, {"app/a.py": """
        from app import features


        class P:
            features = frozenset()


        def f(org):
            if features.has("org:k", org):
                return 1
            return 2
        """})
    assert main(["clean", "org:k", "--value", "true", str(root), "--no-cache"]) == 0
    capsys.readouterr()
    assert read(root, "app/a.py") == ("class P:\n    features = frozenset()\n\n\n"
                                      "def f(org):\n    return 1\n")


def test_an_import_a_test_patches_where_it_is_used_stays(tmp_path, capsys):
    """label-studio: `@patch("fsm.state_manager.flag_set")` patches the reader where the
    module uses it; the clean leaves that module no call of it, but the import stays (else
    the patch raises AttributeError), and the test runs."""
    root = write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = []\ntests = ["tests/**"]\n\n'
                          '[[tool.flaglint.readers]]\ncall = "fsm.flags.flag_set"\nkey = 0\n',
        "fsm/__init__.py": "", "tests/__init__.py": "",
        "fsm/flags.py": "def flag_set(key):\n    return False\n",
        "fsm/state_manager.py": "from fsm.flags import flag_set\n\n\ndef state(x):\n"
                                "    if flag_set('fsm_on'):\n        return x\n    return None\n",
        "tests/test_state.py": "from unittest.mock import patch\n\nfrom fsm import "
                               "state_manager\n\n\n@patch('fsm.state_manager.flag_set', "
                               "return_value=True)\ndef test_state(flag):\n"
                               "    assert state_manager.state(3) == 3\n"})
    assert pytest_says(root) == "1 passed"
    assert main(["clean", "fsm_on", "--value", "true", str(root), "--no-cache"]) == 0
    capsys.readouterr()
    assert read(root, "fsm/state_manager.py") == ("from fsm.flags import flag_set\n\n\n"
                                                 "def state(x):\n    return x\n")
    assert pytest_says(root) == "1 passed"


def test_an_import_a_test_patches_in_another_module_of_the_same_last_name_goes(
        tmp_path, capsys):
    """Label Studio's trial: `mock.patch("app.blog.models.flag_set")` in a test that
    imports `app.shop.models` kept shop's unused `from app.ff import flag_set` after its
    read was settled (ruff F401): "models.flag_set" was taken for a read of shop's
    attribute. A dotted owner that names another module of the project is not; the patched
    module's own import stays."""
    write_tree(tmp_path, {
        "flaglint.toml": 'presets = []\n\n[[readers]]\ncall = "app.ff.flag_set"\nkey = 0\n',
        "flags.toml": '[flags.new_price]\ntype = "release"\nowner = "a"\n'
                      'status = "rolled-out"\nvalue = true\n\n'
                      '[flags.big_title]\ntype = "release"\nowner = "a"\n'
                      'status = "rolled-out"\nvalue = true\n',
        "app/__init__.py": "", "app/blog/__init__.py": "", "app/shop/__init__.py": "",
        "app/ff.py": "def flag_set(key, user=None):\n    return False\n",
        "app/blog/models.py": "from app.ff import flag_set\n\n\ndef title():\n"
                              '    if flag_set("big_title"):\n        return "BIG"\n'
                              '    return "small"\n',
        "app/shop/models.py": "from app.ff import flag_set\n\n\ndef price():\n"
                              '    if flag_set("new_price"):\n        return 2\n    return 1\n',
        "tests/test_blog.py": "from unittest import mock\n\nfrom app.shop import models\n\n\n"
                              "def test_title():\n"
                              '    with mock.patch("app.blog.models.flag_set", '
                              "return_value=True):\n"
                              "        assert models.price() == 2\n",
    })
    main(["check", str(tmp_path), "--no-cache", "--fix"])
    capsys.readouterr()
    assert read(tmp_path, "app/shop/models.py") == "def price():\n    return 2\n"
    assert read(tmp_path, "app/blog/models.py") == (
        'from app.ff import flag_set\n\n\ndef title():\n    return "BIG"\n')


@pytest.mark.parametrize("target", ['f"{PKG}.models.flag_set"', 'PKG + ".models.flag_set"',
                                    'f"{PKG}.models . flag_set"'])
def test_an_import_a_patch_may_name_through_an_expression_stays(tmp_path, capsys, target):
    """The review of the change above: `mock.patch(f"{PKG}.models.flag_set")`, `PKG =
    "app.shop"`: what `models` is read from there cannot be told, and the import went
    (the test then failed: the module has no attribute `flag_set`). It stays."""
    write_tree(tmp_path, {
        "flaglint.toml": 'presets = []\n\n[[readers]]\ncall = "app.ff.flag_set"\nkey = 0\n',
        "flags.toml": '[flags.new_price]\ntype = "release"\nowner = "a"\n'
                      'status = "rolled-out"\nvalue = true\n',
        "app/__init__.py": "", "app/shop/__init__.py": "",
        "app/ff.py": "def flag_set(key, user=None):\n    return False\n",
        "app/shop/models.py": "from app.ff import flag_set\n\n\ndef price():\n"
                              '    if flag_set("new_price"):\n        return 2\n    return 1\n',
        "tests/test_shop.py": 'from unittest import mock\n\nfrom app.shop import models\n\n'
                              'PKG = "app.shop"\n\n\ndef test_price():\n'
                              f"    with mock.patch({target}, return_value=True):\n"
                              "        assert models.price() == 2\n",
    })
    main(["check", str(tmp_path), "--no-cache", "--fix"])
    capsys.readouterr()
    assert read(tmp_path, "app/shop/models.py") == (
        "from app.ff import flag_set\n\n\ndef price():\n    return 2\n")


def test_a_package_above_the_wrapper_that_names_it_is_read_in_full(tmp_path, capsys):
    """The package `__init__` that imports the wrapper and uses it as a value keeps it: read
    in full, its use is resolved (not "a name flaglint cannot resolve"); a package that does
    not name it is not read in full for it."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n',
        "flags.toml": '[flags.new-ui]\nstatus = "rolled-out"\nvalue = true\n',
        "pkg/__init__.py": "from .flags import new_ui_on\n\n\ndef f():\n    return new_ui_on\n",
        "pkg/flags.py": "from UnleashClient import UnleashClient\n\nclient = UnleashClient()"
                        "\n\n\ndef new_ui_on():\n    return client.is_enabled('new-ui')\n",
        "app/__init__.py": "",
        "app/views.py": "from pkg.flags import new_ui_on\n\n\ndef view():\n"
                        "    if new_ui_on():\n        return 1\n    return 2\n",
    })
    assert main(["clean", "new-ui", "--value", "true", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "not deleted" not in out
    assert (tmp_path / "pkg/flags.py").read_text() == "def new_ui_on():\n    return True\n"
    assert (tmp_path / "app/views.py").read_text() == "def view():\n    return 1\n"


def test_each_refused_deletion_of_a_round_names_its_own_places(tmp_path, capsys):
    """Every file is searched once for all the definitions a round deletes: each blocked
    deletion still lists the places that name it (and only those), and a definition that
    nothing names goes."""
    root = project(tmp_path, {
        "app/flags.py": FLAGS + (
            "\n\n    def new_ui_off():\n        return not client.is_enabled(Flag.NEW_UI.value)\n"
            "\n\n    def new_ui_enabled():\n        return client.is_enabled(Flag.NEW_UI.value)\n"),
        "app/views.py": """
            from app.flags import new_ui_enabled, new_ui_off, new_ui_on


            def page():
                return "new" if new_ui_on() else "old"


            def legacy():
                return "old" if new_ui_off() else "new"


            def banner():
                return "new" if new_ui_enabled() else "old"
            """,
        "app/admin.py": """
            from app import flags


            HANDLERS = {"new_ui": getattr(flags, "new_ui_on")}
            """,
        "app/audit.py": """
            from app import flags


            CHECKS = [getattr(flags, "new_ui_off")]
            """,
    })
    code, said = clean(root, "true", capsys)
    flags = read(root, "app/flags.py")
    assert "def new_ui_on" in flags and "def new_ui_off" in flags
    assert "def new_ui_enabled" not in flags
    blocked = [line for line in said.splitlines() if "app/admin.py" in line or
               "app/audit.py" in line]
    assert blocked, said
    assert all(("new_ui_on" in line) == ("app/admin.py:4:" in line) for line in blocked), said
    assert all(("new_ui_off" in line) == ("app/audit.py:4:" in line) for line in blocked), said
    assert len(blocked) == len(set(blocked)), said  # each refusal said once
    assert code == 1


def test_a_deletion_refused_in_two_rounds_is_said_once(tmp_path, capsys):
    """`clean` analyses again after each round: a deletion refused in the first round is
    refused again in the next, at the line its definition has moved to; it is said once,
    where it stands in the file as cleaned."""
    root = project(tmp_path, {
        "app/flags.py": FLAGS + (
            "\n\n    def new_ui_on_v2():\n        return client.is_enabled(Flag.NEW_UI.value)\n"),
        "app/views.py": """
            from app.flags import new_ui_on, new_ui_on_v2


            def page():
                return "new" if new_ui_on() else "old"


            def banner():
                return "new" if new_ui_on_v2() else "old"
            """,
        "app/admin.py": """
            from app import flags


            HANDLERS = {"x": getattr(flags, "new_ui_on_v2")}
            """,
    })
    code, said = clean(root, "true", capsys)
    flags = read(root, "app/flags.py")
    assert "def new_ui_on()" not in flags and "def new_ui_on_v2" in flags
    line = flags.splitlines().index("def new_ui_on_v2():") + 1
    refused = [text for text in said.splitlines() if "not deleted" in text]
    assert refused == [f"app/flags.py:{line}: `new_ui_on_v2` not deleted: app/admin.py:4:33: "
                       f"a string naming it ('new_ui_on_v2')."], said
    assert code == 1
