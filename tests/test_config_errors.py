"""A broken configuration or registry is exit 2 with `file:line: what; what to do`."""

from __future__ import annotations

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
