"""A broken configuration or registry is exit 2 with `file:line: what; what to do`."""

from __future__ import annotations

import json

import pytest

from flaglint.cli import main

from .conftest import write_tree


def run_cli(tmp_path, capsys, files, *args):
    write_tree(tmp_path, files)
    code = main(["check", str(tmp_path), "--no-cache", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err.replace(str(tmp_path) + "/", "")


@pytest.mark.parametrize(("files", "message"), [
    ({"pyproject.toml": "[tool.flaglint]\nregistry = ['flags.toml']\nsrcs = ['.']\n"},
     "pyproject.toml:3: unknown key `srcs` in [tool.flaglint]; expected one of registry, src, "
     "exclude, presets, tests, lifetimes, readers, definitions, environments, require, "
     "select, ignore, overloaded"),
    ({"pyproject.toml": "[tool.flaglint]\nsrc = 'app'\nexclude = 3\n"},
     "pyproject.toml:3: `tool.flaglint.exclude` must be a list of strings, like exclude = "
     "[\"...\"]"),
    ({"pyproject.toml": "[tool.flaglint]\npresets = ['unleash', 'launchdorkly']\n"},
     "pyproject.toml:2: unknown preset 'launchdorkly'; expected one of openfeature, "
     "launchdarkly, unleash, flagsmith, django-waffle, posthog, growthbook, configcat, "
     "statsig, split, django-settings"),
    ({"pyproject.toml": "[tool.flaglint]\n\n[[tool.flaglint.readers]]\nkey = 0\n"},
     "pyproject.toml:3: `tool.flaglint.readers[0]` needs `call`: a qualified name like "
     "\"myapp.flags.is_on\" or \"*.is_on\""),
    # a pattern matches no call: every flag would be unread (FL102), and nothing said
    ({"flaglint.toml": "presets = []\n\n[[definitions]]\ncall = \"app.*.DVCS*\"\n"
                       "bound_name = true\n"},
     "flaglint.toml:4: `definitions[0].call` is 'app.*.DVCS*', which names no call; write "
     "the qualified name of a function, class or method, like \"myapp.flags.is_on\", or "
     "\"*.is_on\" for a method of that name on any receiver"),
    ({"pyproject.toml": "[tool.flaglint]\n[[tool.flaglint.readers]]\ncall = 'app.flags.'\n"
                        "key = 0\n"},
     "pyproject.toml:3: `tool.flaglint.readers[0].call` is 'app.flags.', which names no "
     "call; write the qualified name of a function, class or method, like "
     "\"myapp.flags.is_on\", or \"*.is_on\" for a method of that name on any receiver"),
    ({"pyproject.toml": "[tool.flaglint]\n[[tool.flaglint.readers]]\n"
                        "call = '*.client.is_on'\nkey = 0\n"},
     "pyproject.toml:3: `tool.flaglint.readers[0].call` is '*.client.is_on'; a method on any "
     "receiver is named alone, like \"*.is_on\""),
    ({"pyproject.toml": "[tool.flaglint]\n[[tool.flaglint.definitions]]\n"
                        "class = 'app.flags.*'\n"},
     "pyproject.toml:3: `tool.flaglint.definitions[0].class` must be a qualified class name"),
    ({"pyproject.toml": "[tool.flaglint]\n[[tool.flaglint.readers]]\ncall = 'a.b'\nkey = 0\n"
                        "[[tool.flaglint.readers]]\ncall = 'a.c'\nkey = -1\n"},
     "pyproject.toml:7: `tool.flaglint.readers[1].key` must be an argument position "
     "(0, 1, …), a keyword name, or both, like key = [1, \"name\"]"),
    # a keyword name is a Python name: "0" would match no argument, every read FL104
    ({"pyproject.toml": "[tool.flaglint]\n[[tool.flaglint.readers]]\ncall = 'a.b'\n"
                        "key = '0'\n"},
     "pyproject.toml:4: `tool.flaglint.readers[0].key` must be an argument position "
     "(0, 1, …), a keyword name, or both, like key = [1, \"name\"]"),
    ({"pyproject.toml": "[tool.flaglint]\n[[tool.flaglint.readers]]\ncall = 'a.b'\n"
                        "key = 0\ndefault = '1bad-name'\n"},
     "pyproject.toml:5: `tool.flaglint.readers[0].default` must be an argument position "
     "(0, 1, …), a keyword name, or both, like default = [1, \"name\"]"),
    ({"pyproject.toml": "[tool.flaglint]\n[[tool.flaglint.readers]]\ncall = 'a.b'\nkey = 0\n"
                        "writes = 'yes'\n"},
     "pyproject.toml:5: `tool.flaglint.readers[0].writes` must be true or false"),
    # two readers of one call: only one would be used (Airflow's `key = 1` and `key = "key"`)
    ({"pyproject.toml": "[tool.flaglint]\n[[tool.flaglint.readers]]\ncall = 'a.b'\nkey = 1\n"
                        "[[tool.flaglint.readers]]\ncall = 'a.b'\nkey = 'key'\n"},
     "pyproject.toml:6: `tool.flaglint.readers[1]` reads `a.b` as `tool.flaglint.readers[0]` "
     "does; keep one reader for a call (a key by position or keyword: key = [1, \"name\"])"),
    ({"pyproject.toml": "[tool.flaglint]\n[[tool.flaglint.definitions]]\ncall = 'a.b'\n"
                        "key = [0, 1]\n"},
     "pyproject.toml:4: `tool.flaglint.definitions[0].key` must be an argument position "
     "(0, 1, …), a keyword name, or both, like key = [1, \"name\"]"),
    ({"pyproject.toml": "[tool.flaglint]\n[[tool.flaglint.definitions]]\ncall = 'a.b'\n"
                        "attribute = ['value']\n"},
     "pyproject.toml:4: unknown key `attribute` in `tool.flaglint.definitions[0]`; expected "
     "call, key, bound_name, class, reads, writes, attributes"),
    ({"pyproject.toml": "[tool.flaglint]\n[[tool.flaglint.definitions]]\ncall = 'a.b'\n"
                        "namespace = 'a.config'\n"},
     "pyproject.toml:4: `tool.flaglint.definitions[0].namespace` must be a qualified name, "
     "with a `prefix` that the attributes naming keys start with"),
    ({"pyproject.toml": "[tool.flaglint]\n[[tool.flaglint.definitions]]\ncall = 'a.b'\n"
                        "namespace = '*.state.config'\nprefix = 'ENABLE_'\n"},
     "pyproject.toml:4: `tool.flaglint.definitions[0].namespace` must be a qualified name, "
     "with a `prefix` that the attributes naming keys start with"),
    # a namespace without a call (Django settings named otherwise) takes only a prefix
    ({"pyproject.toml": "[tool.flaglint]\n[[tool.flaglint.definitions]]\n"
                        "namespace = 'django.conf.settings'\n"},
     "pyproject.toml:3: `tool.flaglint.definitions[0].namespace` must be a qualified name, "
     "with a `prefix` that the attributes naming keys start with, like namespace = "
     "\"django.conf.settings\" and prefix = \"OFFER_\""),
    ({"pyproject.toml": "[tool.flaglint]\n[[tool.flaglint.definitions]]\n"
                        "namespace = 'django.conf.settings'\nprefix = 'OFFER_'\nkey = 0\n"},
     "pyproject.toml:5: `tool.flaglint.definitions[0].key` goes with `call`; a `namespace` "
     "without one takes only `prefix`"),
    ({"pyproject.toml": "[tool.flaglint]\n[[tool.flaglint.definitions]]\ncall = 'a.b'\n"
                        "truth_reads = 'yes'\n"},
     "pyproject.toml:4: `tool.flaglint.definitions[0].truth_reads` must be true or false"),
    ({"pyproject.toml": "[tool.flaglint]\n[[tool.flaglint.definitions]]\n"
                        "class = 'a.Flags'\nwrites = ['set']\n"},
     "pyproject.toml:4: `tool.flaglint.definitions[0].writes` goes with `call`, not "
     "`class`"),
    ({"pyproject.toml": "[tool.flaglint]\n[[tool.flaglint.definitions]]\ncall = 'a.b'\n"
                        "writes = [1]\n"},
     "pyproject.toml:4: `tool.flaglint.definitions[0].writes` must be a list of strings, "
     "like "
     "writes = [\"...\"]"),
    ({"pyproject.toml": "[tool.flaglint]\n[[tool.flaglint.definitions]]\ncall = 'a.b'\n"
                        "bound_name = 1\n"},
     "pyproject.toml:4: `tool.flaglint.definitions[0].bound_name` must be true or false"),
    ({"pyproject.toml": "[tool.flaglint]\n[[tool.flaglint.definitions]]\ncall = 'a.b'\n"
                        "key = 0\nbound_name = true\n"},
     "pyproject.toml:5: `tool.flaglint.definitions[0]` takes either `key` or "
     "`bound_name = true`, not both"),
    ({"pyproject.toml": "[tool.flaglint]\n[[tool.flaglint.readers]]\ncall = 'a.cow'\n"
                        "flag = 'mode.cow'\nkey = 0\n"},
     "pyproject.toml:4: `tool.flaglint.readers[0]` takes either `key` (the argument that is "
     "the key) or `flag` (the key every call reads), not both"),
    ({"pyproject.toml": "[tool.flaglint]\n[[tool.flaglint.readers]]\ncall = 'a.cow'\n"
                        "flag = 1\n"},
     "pyproject.toml:4: `tool.flaglint.readers[0].flag` must be the flag's key as text, like "
     'flag = "new_checkout"'),
    ({"pyproject.toml": "[tool.flaglint.lifetimes]\nexperimental = 3\n"},
     "pyproject.toml:2: unknown flag type 'experimental' in lifetimes; expected one of "
     "release, experiment, operational, kill-switch, permission"),
    ({"flaglint.toml": "registry = ['flags.toml']\n[tool]\nx = 1\n",
      "pyproject.toml": "[tool.flaglint]\n"},
     "flaglint.toml:2: unknown key `tool` in flaglint.toml; expected one of registry, src, "
     "exclude, presets, tests, lifetimes, readers, definitions, environments, require, "
     "select, ignore, overloaded"),
    ({"pyproject.toml": "[tool.flaglint]\nregistry = ['flag.toml']\n"},
     "pyproject.toml: registry file 'flag.toml' does not exist"),
    ({"pyproject.toml": "[tool.flaglint\nregistry = 1\n"},
     "pyproject.toml:1: invalid TOML: Expected ']' at the end of a table declaration"),
    # an array left open runs to the end of the file (pulpcore's trial: no line was named)
    ({"flaglint.toml": "presets = ['django-settings',\n\n"},
     "flaglint.toml:1: invalid TOML: Invalid value (at the end of the file: something opened "
     "above is not closed)"),
    ({"flags.toml": "[flags.a]\nowner = 'x'\n\n[flags.b]\nstatus = 'rolledout'\n"},
     "flags.toml:5: unknown status 'rolledout' in [flags.b]; expected active, rolled-out or "
     "retired"),
    ({"flags.toml": "[flags.dark_mode]\nstatus = 'rolled-out'\n"},
     "flags.toml:2: [flags.dark_mode] is rolled-out but has no `value`; add the value every "
     "environment serves, like value = true"),
    # a tombstone's reads yield their own default: a value would be ignored (galaxy-ng)
    ({"flags.toml": "[flags.auto_sign]\nstatus = 'retired'\nvalue = true\n"},
     "flags.toml:3: [flags.auto_sign] is retired, so `value` has no effect (its reads yield "
     "their own default, else off); delete the line, or mark it rolled-out if every "
     "environment serves it"),
    ({"flags.toml": "[flags.a]\nowner = 'x'\nowners = 'y'\n"},
     "flags.toml:3: unknown field `owners` in [flags.a]; expected type, owner, description, "
     "created, expires, status, value, retired"),
    # a key with dots, unquoted, nests tables: the message spells the table to write
    ({"flags.toml": "[flags.runner.fastReruns]\ntype = 'release'\n"},
     "flags.toml:1: unknown field `fastReruns` in [flags.runner]: a key with dots must be "
     "quoted, as in [flags.\"runner.fastReruns\"]"),
    ({"flags.toml": "[flags.\"runner.fast\"]\ntype = 'temporary'\n"},
     "flags.toml:2: unknown type 'temporary' in [flags.\"runner.fast\"]; expected release, "),
    ({"flags.toml": "[flags.a]\ncreated = '2026-01-01'\n"},
     "flags.toml:2: `created` of [flags.a] must be a date like 2026-01-10, without quotes"),
    ({"flags.toml": "[flags.a]\ntype = 'temporary'\n"},
     "flags.toml:2: unknown type 'temporary' in [flags.a]; expected release, experiment, "
     "operational, kill-switch, permission"),
    ({"flags.toml": "[flag.a]\ntype = 'release'\n"},
     "flags.toml:1: unknown top-level key `flag`; a registry holds only [flags.KEY] tables"),
    ({"flags.toml": "[flags]\na = 1\n"},
     "flags.toml:2: `flags.a` must be a table: write [flags.a] and its fields under it"),
    ({"pyproject.toml": "[tool.flaglint]\nregistry = ['a.toml', 'b.toml']\n",
      "a.toml": "[flags.x]\n", "b.toml": "# b\n[flags.x]\n"},
     "b.toml:2: flag 'x' is declared twice (also at a.toml:1); keep one"),
])
def test_broken_configuration_exits_2_naming_file_line_and_fix(tmp_path, capsys, files,
                                                               message):
    code, out, err = run_cli(tmp_path, capsys, {"app.py": "", **files})
    assert code == 2
    assert out == ""
    assert err.startswith(f"flaglint: error: {message}")
    assert "Traceback" not in err


def test_unknown_rule_code_is_a_usage_error(tmp_path, capsys):
    code, _, err = run_cli(tmp_path, capsys, {"app.py": ""}, "--select", "FL9")
    assert code == 2
    assert err == "flaglint: error: unknown rule code or prefix 'FL9'; see `flaglint rule`\n"


def test_bad_today_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["check", str(tmp_path), "--today", "23/11/2026"])
    assert exit_info.value.code == 2
    assert "'23/11/2026' is not a date like 2026-11-23" in capsys.readouterr().err


MATCHING = {
    "pyproject.toml": """
        [tool.flaglint]
        presets = ["unleash"]

        [[tool.flaglint.readers]]
        call = "app.flags.is_on"
        key = 0

        [[tool.flaglint.readers]]
        call = "app.flags.is_onn"
        key = 0

        [[tool.flaglint.readers]]
        call = "*.is_enabld"
        key = 0

        [[tool.flaglint.readers]]
        call = "app.flags.get_flag"
        key = 0

        [[tool.flaglint.readers]]
        call = "app.flags.set_flag"
        key = 0
        writes = true

        [[tool.flaglint.definitions]]
        call = "app.flags.Toggle"

        [[tool.flaglint.definitions]]
        call = "app.flags.Toggl"
        """,
    "app/__init__.py": "",
    "app/flags.py": """
        def is_on(name, default=False):
            return default


        def get_flag(name):
            return False


        def set_flag(name, value):
            pass


        class Toggle:
            def __init__(self, name):
                self.name = name


        NEW_UI = Toggle("new_ui")
        """,
    "app/views.py": """
        from app.flags import get_flag, is_on


        def on(name):
            return get_flag(name)


        def view():
            if is_on("new_ui") or on("new_ui"):
                return 1
            return 0
        """,
    "tests/test_views.py": """
        from app.flags import set_flag


        def test_view():
            set_flag("new_ui", True)
        """,
}


def test_a_configured_call_that_matches_no_call_is_a_note_naming_it_and_what_to_check(
        tmp_path, capsys):
    """ReviewBoard: `call = "app.features.DVCSFeatur"` read nothing, and every flag was
    unused (FL102), with nothing said. The entries that match a call, however they read
    (through a wrapper, as a test's setting), and the presets' methods the project never
    calls say nothing."""
    write_tree(tmp_path, MATCHING)
    runs = []
    for args in (["--no-cache"], [], []):  # without the cache, filling it, from it
        main(["check", str(tmp_path), "--format", "json", *args])
        captured = capsys.readouterr()
        runs.append((captured.out, captured.err))
    assert runs[0] == runs[1] == runs[2]
    notes = [line for line in runs[0][1].splitlines() if "matches no call" in line]
    assert notes == [
        "flaglint: note: pyproject.toml:9: tool.flaglint.readers[1] (`app.flags.is_onn`) "
        "matches no call in the project, so it reads no flag; check the module path and the "
        "spelling of `app.flags.is_onn` (where the code imports it from), or write "
        "\"*.is_onn\" to match `is_onn` on any receiver; if a clean removed its last call, "
        "delete the entry",
        "flaglint: note: pyproject.toml:13: tool.flaglint.readers[2] (`*.is_enabld`) matches "
        "no call in the project, so it reads no flag; check the spelling of `is_enabld`; if a "
        "clean removed its last call, delete the entry",
        "flaglint: note: pyproject.toml:29: tool.flaglint.definitions[1] (`app.flags.Toggl`) "
        "matches no call in the project, so it defines no flag; check the module path and "
        "the spelling of `app.flags.Toggl` (where the code imports it from), or write "
        "\"*.Toggl\" to match `Toggl` on any receiver; if a clean removed its last call, "
        "delete the entry"]
    # the entries that match are at work: `new_ui` is defined and read
    assert json.loads(runs[0][0])["findings"] == []


def test_a_definition_on_any_receiver_that_matches_is_no_note(tmp_path, capsys):
    files = {**MATCHING, "pyproject.toml": "[tool.flaglint]\npresets = []\n\n"
                                           "[[tool.flaglint.definitions]]\n"
                                           "call = \"*.Toggle\"\n"}
    write_tree(tmp_path, files)
    assert main(["check", str(tmp_path), "--no-cache"]) == 1
    captured = capsys.readouterr()
    # defined, and no reader configured: unread
    assert captured.out.startswith("app/flags.py:18:10: FL102 [new_ui] ")
    assert "matches no call" not in captured.err


def test_django_settings_named_otherwise_are_flags_by_a_namespace_without_a_call(tmp_path,
                                                                                  capsys):
    """Weblate's `settings.OFFER_HOSTING`: the README's `[[definitions]]` with `namespace`
    and `prefix` was refused without a `call`; with a made-up one, its reads were found and
    a note said the entry defined no flag, and should be deleted. A namespace needs no
    call: attribute reads, `getattr` with a default and a test's `override_settings` of
    the names it gives are the flag's, and no note is said."""
    code, out, err = run_cli(tmp_path, capsys, {
        "pyproject.toml": "[tool.flaglint]\nregistry = ['flags.toml']\n"
                          "presets = ['django-settings']\n\n[[tool.flaglint.definitions]]\n"
                          "namespace = 'django.conf.settings'\nprefix = 'OFFER_'\n",
        "flags.toml": "[flags.OFFER_HOSTING]\ntype = 'permission'\nowner = 'ops'\n"
                      "status = 'rolled-out'\nvalue = false\n",
        "app/__init__.py": "",
        "app/views.py": "from django.conf import settings\n\n\ndef home():\n"
                        "    if settings.OFFER_HOSTING:\n        return 'hosted'\n"
                        "    if getattr(settings, 'OFFER_HOSTING', True):\n"
                        "        return 'hosted too'\n    return settings.OFFERS_PAGE\n",
        "tests/__init__.py": "",
        "tests/test_views.py": "from django.conf import settings\n"
                               "from django.test import override_settings\n\n"
                               "from app.views import home\n\n\n"
                               "def test_home():\n    with override_settings(OFFER_HOSTING=True):\n"
                               "        if settings.OFFER_HOSTING:\n"
                               "            assert home() == 'hosted'\n"}, "--format", "json")
    assert code == 1
    assert "definitions[0]" not in err and "matches no call" not in err
    found = [(f["code"], f["path"], f["line"]) for f in json.loads(out)["findings"]]
    assert found == [("FL301", "app/views.py", 5), ("FL202", "app/views.py", 5),
                     ("FL301", "app/views.py", 7), ("FL202", "app/views.py", 7)]


def test_a_namespace_of_django_settings_is_read_without_the_preset(tmp_path, capsys):
    """A review: without `presets = ["django-settings"]`, `settings.OFFER_HOSTING` was a
    read but `getattr(settings, "OFFER_HOSTING", False)` was not, and `clean` left it and
    the settings module's `OFFER_HOSTING = False`, and exited 0."""
    write_tree(tmp_path, {
        "pyproject.toml": "[tool.flaglint]\nregistry = ['flags.toml']\n\n"
                          "[[tool.flaglint.definitions]]\nnamespace = 'django.conf.settings'\n"
                          "prefix = 'OFFER_'\n",
        "flags.toml": "[flags.OFFER_HOSTING]\ntype = 'permission'\nowner = 'ops'\n",
        "app/__init__.py": "",
        "app/settings.py": "DEBUG = True\nOFFER_HOSTING = False\nFEATURE_X = True\n",
        "app/views.py": "from django.conf import settings\n\n\ndef home():\n"
                        "    if settings.OFFER_HOSTING:\n        return 'hosted'\n"
                        "    if getattr(settings, 'OFFER_HOSTING', False):\n"
                        "        return 'hosted too'\n    return settings.FEATURE_X\n"})
    assert main(["clean", "OFFER_HOSTING", "--value", "false", "--no-cache",
                 str(tmp_path)]) == 0
    assert (tmp_path / "app" / "views.py").read_text() == \
        "from django.conf import settings\n\n\ndef home():\n    return settings.FEATURE_X\n"
    assert (tmp_path / "app" / "settings.py").read_text() == "DEBUG = True\nFEATURE_X = True\n"


def test_a_second_entry_of_one_call_with_its_own_namespace_is_no_note(tmp_path, capsys):
    """Open WebUI hands its settings to two objects: two `[[definitions]]` of one call, each
    with its namespace, find the reads of both, and a note said the second matched no call
    and should be deleted (which loses the second object's reads)."""
    entry = '[[tool.flaglint.definitions]]\ncall = "app.config.Setting"\nkey = 0\n' \
            'namespace = "app.{0}.{0}"\nprefix = "ENABLE_"\n'
    module = "from app.config import Store, ENABLE_X\n\n{0} = Store()\n{0}.ENABLE_X = ENABLE_X" \
             "\n\n\ndef f():\n    if {0}.ENABLE_X:\n        return 'x'\n    return 'y'\n"
    code, out, err = run_cli(tmp_path, capsys, {
        "pyproject.toml": "[tool.flaglint]\nregistry = ['flags.toml']\npresets = []\n\n" +
                          entry.format("state") + "\n" + entry.format("other"),
        "flags.toml": '[flags.ENABLE_X]\ntype = "release"\nowner = "me"\n'
                      'status = "rolled-out"\nvalue = true\n',
        "app/__init__.py": "",
        "app/config.py": "class Setting:\n    def __init__(self, name, value):\n"
                         "        self.value = value\n\n\nclass Store:\n    pass\n\n\n"
                         "ENABLE_X = Setting('ENABLE_X', False)\n",
        "app/state.py": module.format("state"), "app/other.py": module.format("other")},
        "--format", "json")
    assert code == 1
    assert "matches no call" not in err
    assert sorted((f["code"], f["path"], f["line"]) for f in json.loads(out)["findings"]) == [
        ("FL202", "app/other.py", 8), ("FL202", "app/state.py", 8),
        ("FL301", "app/other.py", 10), ("FL301", "app/state.py", 10)]


def test_a_second_entry_of_one_call_without_a_namespace_is_still_noted(tmp_path, capsys):
    """A review: the note was skipped for every entry of a call another entry matched;
    one without a namespace of its own (`attributes = ["enabled"]`, read nowhere) adds
    nothing, and is said so."""
    entry = '[[tool.flaglint.definitions]]\ncall = "app.config.Setting"\nkey = 0\n' \
            'attributes = ["{0}"]\n'
    _, _, err = run_cli(tmp_path, capsys, {
        "pyproject.toml": "[tool.flaglint]\npresets = []\n\n" + entry.format("value") + "\n" +
                          entry.format("enabled"),
        "app/__init__.py": "",
        "app/config.py": "class Setting:\n    def __init__(self, name, value):\n"
                         "        self.value = value\n\n\nENABLE_X = Setting('ENABLE_X', False)\n",
        "app/main.py": "from app.config import ENABLE_X\n\n\ndef f():\n"
                       "    return 'x' if ENABLE_X.enabled else 'y'\n"})
    assert "pyproject.toml:10: tool.flaglint.definitions[1] (`app.config.Setting`) matches " \
           "no call in the project" in err


def test_a_namespace_of_settings_knows_an_apps_defaults_and_settings_holding_values(
        tmp_path, capsys):
    """django-oscar: `OSCAR_*` settings named by `namespace = "django.conf.settings"`,
    `prefix = "OSCAR_"`, with defaults in `oscar/defaults.py`. `clean OSCAR_EAGER_ALERTS`
    left the defaults module's line (exit 0); `clean OSCAR_SHOP_NAME --value false`
    rewrote a shop's name to False and deleted the function returning it, where the preset
    refuses a setting the settings modules bind to text."""
    write_tree(tmp_path, {
        "flaglint.toml": 'registry = ["flags.toml"]\n[[definitions]]\n'
                         'namespace = "django.conf.settings"\nprefix = "OSCAR_"\n',
        "flags.toml": '[flags.OSCAR_SHOP_NAME]\ntype = "release"\nowner = "a"\n\n'
                      '[flags.OSCAR_EAGER_ALERTS]\ntype = "release"\nowner = "a"\n',
        "app/__init__.py": "",
        "app/defaults.py": 'OSCAR_EAGER_ALERTS = True\nOSCAR_SHOP_NAME = "Oscar"\n',
        "app/settings.py": 'OSCAR_EAGER_ALERTS = True\nOSCAR_SHOP_NAME = "Oscar"\n',
        "app/receivers.py": "from django.conf import settings\n\n\ndef hook():\n"
                            "    return settings.OSCAR_SHOP_NAME\n\n\n"
                            "if settings.OSCAR_EAGER_ALERTS:\n    print('eager')\n"})
    assert main(["clean", "OSCAR_SHOP_NAME", "--value", "false", "--no-cache",
                 str(tmp_path)]) == 2
    assert "`OSCAR_SHOP_NAME` is a setting that holds a value" in capsys.readouterr().err
    assert main(["clean", "OSCAR_EAGER_ALERTS", "--value", "false", "--no-cache",
                 str(tmp_path)]) == 0
    for module in ("defaults", "settings"):
        assert (tmp_path / "app" / f"{module}.py").read_text() == 'OSCAR_SHOP_NAME = "Oscar"\n'
    assert "print('eager')" not in (tmp_path / "app" / "receivers.py").read_text()
