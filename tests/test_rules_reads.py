"""FL101, FL104, FL105, FL202: rules about reads, pointing at the read."""

from __future__ import annotations

from flaglint.cli import main

from .conftest import write_tree

PYPROJECT = """
[tool.flaglint]
presets = ["unleash", "launchdarkly"]
"""
FLAGS = """
[flags.new_checkout]
owner = "a"
type = "kill-switch"

[flags.dark_mode]
owner = "a"
type = "release"
status = "rolled-out"
value = true
"""


def test_undefined_flag_at_the_read_with_a_suggestion(lint):
    found = lint({
        "pyproject.toml": PYPROJECT,
        "flags.toml": FLAGS,
        "app.py": """
            import ldclient
            client = ldclient.get()
            if client.is_enabled("new_checkout"):
                pass
            if client.is_enabled("new_chekout"):
                pass
            enabled = client.variation("brand_new", {}, False)
        """,
    }, select=("FL101",))
    assert found == [
        ("FL101", "app.py", 5, 4, "Flag `new_chekout` is declared in no registry or "
                                  "definition; nobody owns it and it never expires (did you "
                                  "mean `new_checkout`?)"),
        ("FL101", "app.py", 7, 11, "Flag `brand_new` is declared in no registry or definition; "
                                   "nobody owns it and it never expires"),
    ]


def test_undefined_flag_needs_a_registry(lint):
    found = lint({"pyproject.toml": PYPROJECT, "app.py": 'client.is_enabled("x")\n'},
                 select=("FL101", "FL102"))
    assert found == []


def test_dynamic_key_is_reported_not_dropped(lint):
    found = lint({
        "pyproject.toml": PYPROJECT,
        "flags.toml": FLAGS,
        "app.py": """
            def check(region, name):
                a = client.is_enabled(f"checkout_{region}")
                b = client.is_enabled(name)
                c = client.is_enabled(get_key() + "_v2")
                return client.is_enabled(f"new_checkout")
        """,
    }, select=("FL104",))
    assert found == [
        ("FL104", "app.py", 2, 9, 'Flag key `f"checkout_{region}"` cannot be resolved '
                                  'statically; flaglint cannot track this read'),
        ("FL104", "app.py", 3, 9, "Flag key `name` cannot be resolved statically; flaglint "
                                  "cannot track this read"),
        ("FL104", "app.py", 4, 9, 'Flag key `get_key() + "_v2"` cannot be resolved '
                                  'statically; flaglint cannot track this read'),
    ]


def test_inconsistent_default_reports_the_minority(lint):
    found = lint({
        "pyproject.toml": PYPROJECT,
        "flags.toml": FLAGS,
        "a.py": """
            ld.variation("new_checkout", user, False)
            ld.variation("new_checkout", user, False)
        """,
        "b.py": """
            ld.variation("new_checkout", user, default=True)
            ld.variation("new_checkout", user)
        """,
    }, select=("FL105",))
    assert found == [
        ("FL105", "b.py", 1, 1, "Flag `new_checkout` is read with default `True` here but "
                                "`False` in 2 other reads; the flag behaves differently here "
                                "when it cannot be evaluated"),
    ]


def test_inconsistent_default_names_a_type_change(lint):
    found = lint({
        "pyproject.toml": PYPROJECT,
        "flags.toml": FLAGS,
        "a.py": """
            ld.variation("new_checkout", user, False)
            ld.variation("new_checkout", user, "off")
        """,
    }, select=("FL105",))
    assert found == [
        ("FL105", "a.py", 2, 1, "Flag `new_checkout` is read with default `'off'` (str, not "
                                "bool) here but `False` in 1 other read; the flag behaves "
                                "differently here when it cannot be evaluated"),
    ]


def test_same_defaults_are_consistent(lint):
    found = lint({
        "pyproject.toml": PYPROJECT, "flags.toml": FLAGS,
        "a.py": 'ld.variation("new_checkout", u, False)\nld.variation("new_checkout", v, False)\n',
    }, select=("FL105",))
    assert found == []


def test_settled_flag_at_every_read_and_wrapper_call(lint):
    found = lint({
        "pyproject.toml": PYPROJECT,
        "flags.toml": FLAGS,
        "app/__init__.py": "",
        "app/flags.py": """
            def dark_mode_on(user):
                return client.is_enabled("dark_mode", user)
        """,
        "app/views.py": """
            from app.flags import dark_mode_on

            def render(user):
                if dark_mode_on(user):
                    return "dark"
                return "light"
        """,
        "app/other.py": 'client.is_enabled("new_checkout")\n',
    }, select=("FL202",))
    assert found == [
        ("FL202", "app/flags.py", 2, 12, "Flag `dark_mode` is rolled out with value `true`; "
                                         "this read always yields it, so the code still "
                                         "branches on a constant"),
        ("FL202", "app/views.py", 4, 8, "Flag `dark_mode` is rolled out with value `true`; "
                                        "this read through `dark_mode_on` always yields it, so "
                                        "the code still branches on a constant"),
    ]


def test_a_file_that_names_no_flag_api_is_checked_for_syntax_only_when_named(tmp_path,
                                                                            capsys):
    """A whole-tree run parses the files that may read flags; one that names no flag API is
    decoded but not parsed (README: which files flaglint parses), unless it is named on the
    command line, as pre-commit and editors name the files they check."""
    write_tree(tmp_path, {"pyproject.toml": PYPROJECT, "flags.toml": FLAGS,
                          "notes.py": "def f(:\n    pass\n",
                          "fine.py": 'client.is_enabled("nope")\n'})
    assert main(["check", str(tmp_path), "--no-cache", "--select", "FL001"]) == 0
    assert main(["check", str(tmp_path / "notes.py"), str(tmp_path / "fine.py"), "--no-cache",
                 "--select", "FL001"]) == 1
    assert ("notes.py:1:7: FL001 Cannot parse as Python 3 (any version up to 3.14): invalid "
            "syntax; its flag reads are not checked") in capsys.readouterr().out


def test_parse_and_decode_errors_are_findings_and_the_run_goes_on(tmp_path, lint):
    (tmp_path / "latin.py").write_bytes(b"x = '\xe9t\xe9'\n")
    found = lint({
        "pyproject.toml": PYPROJECT,
        "flags.toml": FLAGS,
        "broken.py": "def f(:\n    return client.is_enabled('x')\n",
        "fine.py": 'client.is_enabled("nope")\n',
    }, select=("FL001", "FL101"))
    assert found == [
        ("FL001", "broken.py", 1, 7, "Cannot parse as Python 3 (any version up to 3.14): "
                                     "invalid syntax; its flag reads are not checked"),
        ("FL101", "fine.py", 1, 1, "Flag `nope` is declared in no registry or definition; "
                                   "nobody owns it and it never expires"),
        ("FL001", "latin.py", 1, 6, "Cannot decode: byte 0xe9 is not valid utf-8 (declare the "
                                    "file's encoding with a `# -*- coding: NAME -*-` line); its "
                                    "flag reads are not checked"),
    ]


def test_a_reader_takes_its_key_by_position_or_keyword_and_a_case_typo_is_named(lint):
    # Airflow: `conf.getboolean("core", "x")` and `conf.getboolean(section=..., key=...)`;
    # the parser is an object, so its method's parameter names are the configuration's
    found = lint({
        "pyproject.toml": """
            [tool.flaglint]
            presets = []
            [[tool.flaglint.readers]]
            call = "app.config.conf.getboolean"
            key = [1, "key"]
            default = [2, "fallback"]
        """,
        "flags.toml": """
            [flags.unit_test_mode]
            owner = "a"
            type = "operational"
        """,
        "app/__init__.py": "",
        "app/config.py": """
            class Parser:
                def getboolean(self, *args, **kwargs):
                    return False

            conf = Parser()
        """,
        "app/views.py": """
            from app.config import conf

            if conf.getboolean("core", "unit_test_mode"):
                pass
            if conf.getboolean(section="webserver", key="expose_config", fallback=False):
                pass
            if conf.getboolean("core", "UNIT_TEST_MODE"):
                pass
        """,
    }, select=("FL101", "FL104"))
    assert found == [
        ("FL101", "app/views.py", 5, 4, "Flag `expose_config` is declared in no registry or "
                                        "definition; nobody owns it and it never expires"),
        ("FL101", "app/views.py", 7, 4, "Flag `UNIT_TEST_MODE` is declared in no registry or "
                                        "definition; nobody owns it and it never expires (did "
                                        "you mean `unit_test_mode`?)"),
    ]


def test_a_default_reads_the_module_name_a_parameter_of_the_same_name_shadows_not(lint):
    # Airflow's `def __init__(self, conf=None, deferrable=conf.getboolean(…))`: defaults
    # run where the `def` runs; the read was missed, and `clean` dropped the flag it reads
    found = lint({
        "pyproject.toml": """
            [tool.flaglint]
            presets = []
            [[tool.flaglint.readers]]
            call = "app.cfg.conf.getboolean"
            key = 1
        """,
        "flags.toml": """
            [flags.deferrable]
            owner = "a"
            type = "operational"
            status = "rolled-out"
            value = false
        """,
        "app/__init__.py": "",
        "app/cfg.py": "conf = object()\n",
        "app/ops.py": """
            from app.cfg import conf

            class Trigger:
                def __init__(self, conf=None, deferrable=conf.getboolean("ops", "deferrable")):
                    self.deferrable = deferrable
        """,
    }, select=("FL202",))
    assert found == [
        ("FL202", "app/ops.py", 4, 46, "Flag `deferrable` is rolled out with value `false`; "
                                       "this read always yields it, so the code still "
                                       "branches on a constant"),
    ]
