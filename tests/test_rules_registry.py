"""FL102, FL103, FL201: rules about declarations, pointing at the `[flags.KEY]` line."""

from __future__ import annotations

import datetime as dt

PYPROJECT = """
[tool.flaglint]
presets = ["unleash"]
"""


def test_unused_flag_is_reported_at_its_header(lint):
    found = lint({
        "pyproject.toml": PYPROJECT,
        "flags.toml": """
            [flags.used]
            owner = "a"
            type = "kill-switch"

            [flags.unused]
            owner = "a"
            type = "kill-switch"
        """,
        "app.py": 'client.is_enabled("used")\n',
    }, select=("FL102",))
    assert found == [("FL102", "flags.toml", 5, 1,
                      "Flag `unused` is declared but no code reads it; delete it or mark it "
                      "retired so the key is never reused")]


def test_reads_only_in_tests_do_not_keep_a_flag_alive(lint):
    found = lint({
        "pyproject.toml": PYPROJECT,
        "flags.toml": '[flags.beta]\nowner = "a"\ntype = "kill-switch"\n',
        "tests/test_app.py": 'client.is_enabled("beta")\n',
        "app/test_views.py": 'client.is_enabled("beta")\n',
    }, select=("FL102",))
    assert found == [("FL102", "flags.toml", 1, 1,
                      "Flag `beta` is read only in tests; production code never reads it, so "
                      "delete it or mark it retired")]


def test_an_unused_flag_a_read_of_unknown_key_may_get_says_so_as_clean_does(lint, tmp_path,
                                                                          capsys):
    """Superset's `DEFAULTS = {"OLD_UI": False}` beside `all(is_on(n) for n in names)`: FL102
    said "delete it" while `clean OLD_UI` kept the entry because that read may get the key.
    Both now say the same."""
    from flaglint.cli import main

    found = lint({
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.readers]]\n'
                          'call = "app.flags.is_on"\nkey = 0\n',
        "flags.toml": '[flags.OLD_UI]\nowner = "a"\ntype = "kill-switch"\n\n'
                      '[flags.NEW_UI]\nowner = "a"\ntype = "kill-switch"\n',
        "app/__init__.py": "",
        "app/flags.py": 'DEFAULTS = {"OLD_UI": False, "NEW_UI": True}\n\n\n'
                        'def is_on(name):\n    return DEFAULTS.get(name, False)\n\n\n'
                        'def require(names):\n    return all(is_on(n) for n in names)\n',
        "app/views.py": 'from app.flags import is_on\n\n\ndef page():\n'
                        '    return is_on("NEW_UI")\n',
    }, select=("FL102",))
    assert found == [("FL102", "flags.toml", 1, 1,
                      "Flag `OLD_UI` is declared but no read flaglint can resolve names it; the "
                      "string at app/flags.py:1 may still reach the read at app/flags.py:9, "
                      "whose key is unknown (FL104): when that read can no longer get this "
                      "key, delete it or mark it retired")]
    assert main(["clean", "OLD_UI", "--value", "true", "--dry-run", "--no-cache",
                 str(tmp_path)]) == 1
    assert "[flags.OLD_UI] kept: a read flaglint cannot follow may use it " \
           "(app/flags.py:1:13: the key as a string, which the read at app/flags.py:9 (its " \
           "key unknown) may be)" in capsys.readouterr().err


def test_clean_keeps_the_entry_of_a_flag_read_by_subscript(tmp_path, capsys):
    """galaxy-ng's flags are a setting's mapping, `settings.GALAXY_FEATURE_FLAGS["x"]`, which
    no reader names: `clean` deleted the entry with that read left, exit 0. A subscript by
    the key in code outside tests (not a quoted key elsewhere, nor a list's brackets, nor a
    subscript in a test) is a read flaglint does not follow: `clean` keeps the entry and
    exits 1."""
    from flaglint.cli import main

    from .conftest import write_tree

    write_tree(tmp_path, {
        "flaglint.toml": 'presets = []\n\n[[readers]]\n'
                         'call = "django.conf.settings.FEATURES.get"\nkey = 0\n',
        "flags.toml": '[flags.ee]\nowner = "a"\ntype = "release"\n\n'
                      '[flags.other]\nowner = "a"\ntype = "release"\n',
        "app/__init__.py": "",
        "app/settings.py": 'FEATURES = {"ee": True, "other": False}\nNAMES = ["other"]\n',
        "app/urls.py": 'from django.conf import settings\n\nurls = []\n'
                       'if settings.FEATURES[ "ee" ]:\n    urls.append("ee")\n'
                       'LABEL = "other"\n',
        "tests/test_urls.py": 'from django.conf import settings\n\n\n'
                              'def test_other():\n    assert settings.FEATURES["other"] is False\n',
    })
    assert main(["clean", "ee", "--value", "true", "--dry-run", "--no-cache",
                 str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "[flags.ee] kept: a read flaglint cannot follow may use it (app/urls.py:4:23: a " \
           "subscript by the key, a mapping read flaglint does not follow)." in err
    assert "app/urls.py:4," not in err  # said once (not again among what still names it)
    # a dry run says where, in the files as they are (not as the clean would leave them)
    (tmp_path / "app" / "urls.py").write_text(
        'from django.conf import settings\n\n\ndef gated():\n'
        '    if settings.FEATURES.get("ee", False):\n        return "a"\n    return "b"\n\n\n'
        'urls = []\nif settings.FEATURES[ "ee" ]:\n    urls.append("ee")\n')
    assert main(["clean", "ee", "--value", "true", "--dry-run", "--no-cache",
                 str(tmp_path)]) == 1
    assert "(app/urls.py:11:23: a subscript by the key" in capsys.readouterr().err
    assert main(["clean", "other", "--value", "false", "--dry-run", "--no-cache",
                 str(tmp_path)]) == 0
    assert "[flags.other] would be removed in flags.toml." in capsys.readouterr().err


def test_a_flag_a_file_that_does_not_parse_names_is_not_called_unused(lint):
    """The only read of `x.flag` is in a file that does not parse (FL001, "its flag reads
    are not checked"): FL102 said "no code reads it; delete it" beside it. A flag such a
    file names by its key or its object's name is left alone; one it does not name is
    not (`other` inside `sother` is no name of it)."""
    found = lint({
        "flaglint.toml": 'presets = []\n\n[[readers]]\ncall = "app.cfg.get_option"\nkey = 0\n'
                         '\n[[definitions]]\ncall = "app.cfg.Option"\nkey = 0\n'
                         'attributes = ["on"]\n',
        "flags.toml": '[flags."x.flag"]\ntype = "kill-switch"\nowner = "me"\n\n'
                      '[flags.other]\ntype = "kill-switch"\nowner = "me"\n',
        "app/__init__.py": "",
        "app/cfg.py": "class Option:\n    def __init__(self, key):\n        self.on = True\n\n\n"
                      "def get_option(key):\n    return True\n\n\n"
                      "FAST = Option('fast')\nSLOW = Option('slow')\n",
        "app/use.py": 'from app import cfg\n\n\ndef f(:\n    return cfg.get_option("x.flag")\n'
                      "\n\ndef g():\n    return cfg.FAST.on\n\n\ndef sother():\n    pass\n",
    }, select=("FL001", "FL102"))
    assert sorted((f.code, f.path, f.line) for f in found) == [
        ("FL001", "app/use.py", 4), ("FL102", "app/cfg.py", 11), ("FL102", "flags.toml", 5)]
    assert {f.message.split(";")[0] for f in found if f.code == "FL102"} == {
        "Flag `slow` is declared but no code reads it",
        "Flag `other` is declared but no code reads it"}


def test_a_setting_a_file_that_does_not_parse_reads_as_an_attribute_is_not_unused(lint):
    # galaxy-ng: `settings.METRICS_ENABLED` in a file with a syntax error elsewhere
    found = lint({
        "flaglint.toml": 'presets = ["django-settings"]\n',
        "flags.toml": '[flags.METRICS_ENABLED]\ntype = "release"\nowner = "t"\n\n'
                      '[flags.OTHER_ENABLED]\ntype = "release"\nowner = "t"\n',
        "app/__init__.py": "",
        "app/settings.py": "METRICS_ENABLED = True\nOTHER_ENABLED = False\n",
        "app/collector.py": "from django.conf import settings\n\n\ndef is_enabled():\n"
                            "    return settings.METRICS_ENABLED\n\n\ndef broken(:\n"
                            "    settings.OTHER_ENABLED()\n",
    }, select=("FL001", "FL102"))
    assert [(f.code, f.path, f.line, f.message.split(";")[0]) for f in found] == [
        ("FL001", "app/collector.py", 8, "Cannot parse as Python 3 (any version up to 3.14): "
                                         "invalid syntax"),
        ("FL102", "flags.toml", 5, "Flag `OTHER_ENABLED` is declared but no code reads it")]


def test_tombstones_are_never_unused_and_need_no_metadata(lint):
    found = lint({
        "pyproject.toml": PYPROJECT,
        "flags.toml": '[flags.power_peg]\nstatus = "retired"\nretired = 2003-06-01\n',
        "app.py": "",
    }, select=("FL102", "FL103"))
    assert found == []


def test_missing_metadata_names_every_missing_field(lint):
    found = lint({
        "pyproject.toml": PYPROJECT + 'require = ["owner", "type", "expires"]\n',
        "flags.toml": """
            [flags.complete]
            owner = "a"
            type = "release"
            expires = 2027-01-01

            [flags.bare]
            description = "no owner, no type"

            [flags.half]
            owner = "a"
            type = "release"
        """,
        "app.py": 'client.is_enabled("complete"); client.is_enabled("bare")\n'
                  'client.is_enabled("half")\n',
    }, select=("FL103",))
    assert found == [
        ("FL103", "flags.toml", 6, 1, "Flag `bare` has no `owner`, `type`, `expires`; without "
                                      "them nobody knows who removes the flag or when"),
        ("FL103", "flags.toml", 9, 1, "Flag `half` has no `expires`; without it nobody knows "
                                      "who removes the flag or when"),
    ]


EXPIRY_FLAGS = """
[flags.explicit]
owner = "a"
type = "kill-switch"
expires = 2026-11-01

[flags.by_type]
owner = "a"
type = "release"
created = 2026-01-10

[flags.young]
owner = "a"
type = "release"
created = 2026-11-01

[flags.switch]
owner = "a"
type = "kill-switch"
created = 2020-01-01

[flags.done]
owner = "a"
type = "release"
created = 2020-01-01
status = "rolled-out"
value = true

[flags.operational_one]
owner = "a"
type = "operational"
created = 2026-11-01
"""

READ_ALL = "\n".join(f'client.is_enabled("{k}")' for k in (
    "explicit", "by_type", "young", "switch", "done", "operational_one")) + "\n"


def test_expired_flags_by_date_and_by_type_lifetime(lint):
    found = lint({"pyproject.toml": PYPROJECT, "flags.toml": EXPIRY_FLAGS, "app.py": READ_ALL},
                 select=("FL201",))
    assert found == [
        ("FL201", "flags.toml", 1, 1,
         "Flag `explicit` expired on 2026-11-01, 22 days ago (its `expires` date); roll it out "
         "and remove it, or set a later `expires`"),
        ("FL201", "flags.toml", 6, 1,
         "Flag `by_type` expired on 2026-02-19, 277 days ago (a release flag lives 40 days; "
         "created 2026-01-10); roll it out and remove it, or set a later `expires`"),
        ("FL201", "flags.toml", 28, 1,
         "Flag `operational_one` expired on 2026-11-08, 15 days ago (an operational flag lives "
         "7 days; created 2026-11-01); roll it out and remove it, or set a later `expires`"),
    ]


def test_lifetimes_are_configurable_and_today_decides(lint):
    config = PYPROJECT + "[tool.flaglint.lifetimes]\noperational = 30\n"
    found = lint({"pyproject.toml": config, "flags.toml": EXPIRY_FLAGS, "app.py": READ_ALL},
                 select=("FL201",), today=dt.date(2026, 11, 2))
    assert [(code, line) for code, _, line, _, _ in found] == [("FL201", 1), ("FL201", 6)]
    assert found[0].message.startswith("Flag `explicit` expired on 2026-11-01, 1 day ago")


def test_the_day_of_expiry_is_not_yet_expired(lint):
    found = lint({"pyproject.toml": PYPROJECT, "flags.toml": EXPIRY_FLAGS, "app.py": READ_ALL},
                 select=("FL201",), today=dt.date(2026, 11, 1))
    assert [line for _, _, line, _, _ in found] == [6]


def test_did_you_mean_only_for_a_typo(lint):
    """A key one or two edits from a declared one gets a hint; keys that only share a long
    prefix (koku's `cost-management.backend.…`) do not, nor a key two declared ones are as
    close to."""
    found = lint({
        "pyproject.toml": PYPROJECT,
        "flags.toml": "".join(f'[flags."{key}"]\nowner = "a"\ntype = "kill-switch"\n\n' for key in (
            "new_checkout", "cost-management.backend.ocp-gpu", "abd", "abe")),
        "app.py": 'client.is_enabled("new_chekout")\n'
                  'client.is_enabled("cost-management.backend.aws-ec2")\n'
                  'client.is_enabled("abc")\n',
    }, select=("FL101",))
    assert [f.message for f in found] == [
        "Flag `new_chekout` is declared in no registry or definition; nobody owns it and it "
        "never expires (did you mean `new_checkout`?)",
        "Flag `cost-management.backend.aws-ec2` is declared in no registry or definition; "
        "nobody owns it and it never expires",
        "Flag `abc` is declared in no registry or definition; nobody owns it and it never "
        "expires"]


def test_typo_distance_counts_a_swap_as_one_edit():
    from flaglint.rules.fl101_undefined_flag import typo_of

    assert typo_of("new_cart", ["new_checkout"]) is None
    assert typo_of("new_chekcout", ["new_checkout"]) == "new_checkout"  # one swap
    assert typo_of("fast", ["fats", "last_"]) == "fats"


def test_a_setting_that_holds_a_value_is_said_so_not_unread(lint):
    """nautobot: `METRICS_ENABLED = os.getenv("X", "False")`, read as `settings.X`: FL102
    said "no code reads it; mark it retired", where `clean` refuses it as a setting that
    holds a value. FL102 says what `clean` says."""
    found = lint({
        "flaglint.toml": 'presets = ["django-settings"]\n',
        "flags.toml": '[flags.METRICS_ENABLED]\ntype = "release"\nowner = "t"\n',
        "app/__init__.py": "",
        "app/settings.py": 'import os\n\nMETRICS_ENABLED = os.getenv("X", "False")\n',
        "app/urls.py": "from django.conf import settings\n\nurls = []\n"
                       "if settings.METRICS_ENABLED:\n    urls.append('m')\n",
    }, select=("FL102",))
    assert [(f.code, f.line, f.message) for f in found] == [
        ("FL102", 1, "Flag `METRICS_ENABLED` is declared, but the settings module binds it to a "
                     "value (text, a number, a collection), so its reads are no flag reads: "
                     "remove its registry entry, or bind it to a boolean if it is a flag")]


def test_a_retired_django_setting_read_without_a_default_is_not_settled(lint):
    """Weblate: `class WeblateAccountsConf(AppConf): ENABLE_AVATARS = True`; with the flag
    retired, FL301 said `settings.ENABLE_AVATARS` yields false and called the avatar code
    dead, and `--unsafe-fixes` deleted it, while Django serves the app's default, True. A
    setting no settings module sets raises there, and one an app defaults yields that:
    nothing flaglint decides, so such a read is not settled (FL404 still names it).
    `getattr(settings, …, False)` yields its default; a rolled-out setting its value."""
    found = lint({
        "flaglint.toml": 'presets = ["django-settings"]\n',
        "flags.toml": '[flags.ENABLE_AVATARS]\ntype = "release"\nstatus = "retired"\n\n'
                      '[flags.ENABLE_HOOKS]\ntype = "release"\nowner = "t"\n'
                      'status = "rolled-out"\nvalue = false\n',
        "app/__init__.py": "",
        "app/conf.py": "from appconf import AppConf\n\n\nclass AccountsConf(AppConf):\n"
                       "    ENABLE_AVATARS = True\n\n    class Meta:\n        prefix = ''\n",
        "app/views.py": "from django.conf import settings\n\n\ndef avatar(user):\n"
                        "    if settings.ENABLE_AVATARS:\n        return 'img'\n"
                        "    if getattr(settings, 'ENABLE_AVATARS', False):\n"
                        "        return 'img too'\n"
                        "    if settings.ENABLE_HOOKS:\n        return 'hooks'\n"
                        "    return user\n",
    }, select=("FL301", "FL404"))
    assert [(f.code, f.line) for f in found] == [
        ("FL404", 5), ("FL301", 7), ("FL404", 7), ("FL301", 9)]
    # a review: through a wrapper that returns it, and named by a namespace definition
    # with a call (galaxy-ng's configuration), it was still settled
    found = lint({
        "flaglint.toml": 'presets = ["django-settings"]\n\n[[definitions]]\n'
                         'call = "app.conf.define"\nnamespace = "django.conf.settings"\n'
                         'prefix = "GALAXY_"\n',
        "flags.toml": '[flags.ENABLE_AVATARS]\ntype = "release"\nstatus = "retired"\n\n'
                      '[flags.GALAXY_LEGACY]\ntype = "release"\nstatus = "retired"\n',
        "app/__init__.py": "",
        "app/conf.py": "def define(name):\n    return name\n",
        "app/views.py": "from django.conf import settings\n\n\ndef avatars_enabled():\n"
                        "    return settings.ENABLE_AVATARS\n\n\ndef avatar(user):\n"
                        "    if avatars_enabled():\n        return 'img'\n"
                        "    if settings.GALAXY_LEGACY:\n        return 'legacy'\n"
                        "    if getattr(settings, 'GALAXY_LEGACY', False):\n"
                        "        return 'legacy too'\n    return user\n",
    }, select=("FL301", "FL404"))
    assert [(f.code, f.line) for f in found] == [
        ("FL404", 5), ("FL404", 9), ("FL404", 11), ("FL301", 13), ("FL404", 13)]
