"""FL001 is judged by the grammar of the project's Python, not by the Python flaglint runs on.

The corpus holds syntax that only newer Pythons accept. Whatever interpreter runs the
suite, none of it is FL001; a run where `compile()` knows no new syntax at all (an older
Python, simulated) gives the same findings; a broken file names the project's grammar.
"""

from __future__ import annotations

import builtins

import pytest

from flaglint.config import ConfigError, load_config, lowest_python
from flaglint.facts import extract as extract_module
from flaglint.facts import light as light_module

from .conftest import lint_tree, write_tree

NEW_SYNTAX = {
    # 3.10: structural pattern matching
    "app/match_310.py": """
        def route(command):
            match command:
                case ["go", direction]:
                    return direction
                case {"flag": key, **rest}:
                    return key
                case _:
                    return None
    """,
    # 3.11: exception groups
    "app/except_star_311.py": """
        try:
            pass
        except* ValueError as group:
            print(group.exceptions)
    """,
    # 3.12: PEP 695 type parameters and aliases
    "app/generics_312.py": """
        def first[T](items: list[T]) -> T:
            return items[0]

        class Box[T: (int, str)]:
            pass

        type Pair[T] = tuple[T, T]
    """,
    # 3.12: PEP 701 f-strings (same quotes and backslashes inside replacement fields)
    "app/fstrings_312.py": """
        names = ["a", "b"]
        print(f"{"\\n".join(names)}")
        nested = f"{f"{f"{1}"}"}"
    """,
    # 3.14: PEP 758 except without parentheses
    "app/except_314.py": """
        try:
            pass
        except ValueError, TypeError:
            pass
    """,
    # and a flag read in new syntax is still found (the file is fully parsed)
    "app/flags_312.py": """
        def pick[T](client: T) -> bool:
            match client.is_enabled("new_ui"):
                case True:
                    return True
            return False
    """,
    "app/__init__.py": "",
    "pyproject.toml": """
        [project]
        name = "app"
        requires-python = ">=3.10"

        [tool.flaglint]
        presets = ["unleash"]
    """,
    "flags.toml": """
        [flags.new_ui]
        owner = "web"
        type = "release"
        created = 2026-11-01
    """,
}

BROKEN = {"app/broken.py": "def route(order)\n    return order\n"}


def findings(root):
    """Every file named on the command line: each is checked for syntax errors, flag
    reads or none."""
    return sorted((f.code, f.path, f.span.line, f.message) for f in lint_tree(root, named=True))


def test_newer_syntax_is_never_a_parse_error(tmp_path):
    write_tree(tmp_path, NEW_SYNTAX)
    assert [f for f in findings(tmp_path) if f[0] == "FL001"] == []


def test_an_older_python_gives_the_same_findings(tmp_path, monkeypatch):
    write_tree(tmp_path, {**NEW_SYNTAX, **BROKEN})
    here = findings(tmp_path)

    def old_compile(source, filename, *args, **kwargs):
        # A Python that knows none of the new syntax rejects every file that uses it.
        if any(word in source for word in ("match ", "except*", "type ", "[T", 'f"{f"',
                                           "ValueError, TypeError", '{"\\n')):
            raise SyntaxError("invalid syntax", (filename, 1, 1, "", 1, 1))
        return builtins.compile(source, filename, *args, **kwargs)

    for module in (extract_module, light_module):
        monkeypatch.setattr(module, "compile", old_compile, raising=False)
    assert findings(tmp_path) == here
    assert [f[:3] for f in here if f[0] == "FL001"] == [("FL001", "app/broken.py", 1)]


def test_a_broken_file_names_the_projects_grammar(tmp_path):
    write_tree(tmp_path, {**NEW_SYNTAX, **BROKEN})
    [message] = [f[3] for f in findings(tmp_path) if f[0] == "FL001"]
    assert message == ("Cannot parse as Python 3.10 (`requires-python`): expected ':'; "
                       "its flag reads are not checked")
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nrequires-python = ">=3.9"\n[tool.flaglint]\ntarget-version = "py312"\n')
    [message] = [f[3] for f in findings(tmp_path) if f[0] == "FL001"]
    assert message.startswith("Cannot parse as Python 3.12 (`target-version`): ")
    (tmp_path / "pyproject.toml").write_text("[tool.flaglint]\n")
    [message] = [f[3] for f in findings(tmp_path) if f[0] == "FL001"]
    assert message.startswith("Cannot parse as Python 3 (any version up to 3.14): ")


def test_a_file_cpython_rejects_for_its_limits_is_not_parsed_again(tmp_path, monkeypatch):
    deep = "x = " + "(" * 250 + "1" + ")" * 250 + "\n"
    write_tree(tmp_path, {"deep.py": deep})
    monkeypatch.setattr(light_module, "_libcst_parses",
                        lambda text: pytest.fail("libcst asked about a file no Python takes"))
    [(code, path, _, message)] = findings(tmp_path)
    assert (code, path) == ("FL001", "deep.py")
    assert "too many nested parentheses" in message


@pytest.mark.parametrize(("spec", "version"), [
    (">=3.10", (3, 10)), (">=3.8, <4", (3, 8)), ("~=3.11", (3, 11)), ("==3.12.*", (3, 12)),
    (">3.9", (3, 9)), (">=3.9,>=3.11", (3, 11)), ("<3.13", None), ("", None),
])
def test_requires_python_gives_the_lowest_version(spec, version):
    assert lowest_python(spec) == version


def test_a_bad_target_version_is_a_config_error(tmp_path):
    write_tree(tmp_path, {"pyproject.toml": '[tool.flaglint]\ntarget-version = "3.12"\n'})
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path / "pyproject.toml", tmp_path)
    assert str(raised.value) == (f"{tmp_path / 'pyproject.toml'}:2: `target-version` must "
                                 f"name a Python 3 version like \"py312\" (py30 to py314)")


def test_flaglint_toml_reads_requires_python_beside_it(tmp_path):
    write_tree(tmp_path, {"flaglint.toml": "presets = []\n",
                          "pyproject.toml": '[project]\nrequires-python = ">=3.11"\n'})
    config = load_config(tmp_path / "flaglint.toml", tmp_path)
    assert (config.target_version, config.target_origin) == ((3, 11), "requires-python")
