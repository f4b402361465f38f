"""`flaglint check` as a ruff user reaches for it: `--quiet` and `--silent`, `--color` with
NO_COLOR and FORCE_COLOR, a severity threshold (`--fail-on`, as the Action's `fail-on`),
`--show-fixes`, a fix preview that writes nothing (`--fix --diff`), and the old spellings:
`--diff REF` (now `--changed-since REF`) and `--output-format FORMAT` without a file."""

from __future__ import annotations

import io
import json

import pytest

from flaglint.cli import main

from .conftest import commit_all, git, write_tree
from .test_cli import PROJECT, check

NOTE = ("flaglint: note: git history unavailable (not a git repository): FL401 and FL402 cannot "
        "see when keys were removed or changed, reads of retired keys are FL404, and flags "
        "without `created` or `expires` are not checked for expiry\n")
FINDINGS = [
    "app/main.py:3:1: FL301 [*] [settled] Flag `settled` is rolled out with value `false`; "
    "this `if` body can never run",
    "app/main.py:3:4: FL202 [*] [settled] Flag `settled` is rolled out with value `false`; "
    "this read always yields it, so the code still branches on a constant",
    "app/main.py:5:4: FL101 [typo] Flag `typo` is declared in no registry or definition; "
    "nobody owns it and it never expires",
]
SUMMARY = ["Found 3 findings (3 warnings) in 2 files, 3 flags.",
           "[*] 2 fixable with `flaglint check --fix`."]
PREVIEW = """\
--- a/app/main.py
+++ b/app/main.py
@@ -1,6 +1,4 @@
 if client.is_enabled("used"):
-    pass
-if client.is_enabled("settled"):
     pass
 if client.is_enabled("typo"):
     pass
"""


def in_git(tmp_path, files=PROJECT):
    """The project committed on `main`, then a branch that adds a read of an undeclared
    flag on line 7."""
    write_tree(tmp_path, files)
    git(tmp_path, "init", "-q", "-b", "main")
    commit_all(tmp_path, "start", "2026-11-01")
    git(tmp_path, "checkout", "-q", "-b", "change")
    (tmp_path / "app" / "main.py").write_text(
        (tmp_path / "app" / "main.py").read_text() + 'if client.is_enabled("fresh"):\n    pass\n')
    commit_all(tmp_path, "a new read", "2026-11-02")
    return tmp_path


# -- how much a run says ---------------------------------------------------------------------

@pytest.mark.parametrize("quiet", ["-q", "--quiet"])
def test_quiet_prints_the_findings_and_nothing_else(tmp_path, capsys, quiet):
    assert check(tmp_path, capsys, quiet) == (1, "\n".join(FINDINGS) + "\n", "")


@pytest.mark.parametrize("silent", [["-qq"], ["-q", "-q"], ["--silent"], ["-s"]])
def test_silent_prints_nothing_and_exits_as_ever(tmp_path, capsys, silent):
    assert check(tmp_path, capsys, *silent) == (1, "", "")
    assert check(tmp_path, capsys, *silent, "--select", "FL101", "--fail-on", "error") == \
        (0, "", "")


def test_silent_still_writes_the_files_asked_for(tmp_path, capsys):
    report = tmp_path / "report.json"
    assert check(tmp_path, capsys, "--silent", "--output-format", f"json={report}") == \
        (1, "", "")
    assert json.loads(report.read_text())["summary"]["findings"] == 3


def test_silent_still_says_why_a_run_cannot_start(tmp_path, capsys):
    assert check(tmp_path, capsys, "--silent", "--select", "FL9") == (
        2, "", "flaglint: error: unknown rule code or prefix 'FL9'; see `flaglint rule`\n")


def test_quiet_leaves_machine_formats_whole(tmp_path, capsys):
    _, loud, _ = check(tmp_path, capsys, "--format", "json")
    assert check(tmp_path, capsys, "--format", "json", "-q") == (1, loud, "")


def test_the_default_says_notes_summary_and_hint(tmp_path, capsys):
    assert check(tmp_path, capsys) == (1, "\n".join(FINDINGS + SUMMARY) + "\n", NOTE)


def test_a_project_with_no_flag_api_is_told_so_not_only_that_all_checks_passed(
        tmp_path, capsys):
    """mlflow after `init` found nothing: "All checks passed (579 files, 0 flags)" alone
    read as a verdict on code flaglint never looked at for flags."""
    write_tree(tmp_path, {"app/m.py": "import os\n\n\ndef f():\n    return os.sep\n"})
    assert main(["check", str(tmp_path), "--no-cache"]) == 0
    assert capsys.readouterr() == (
        "All checks passed (1 file, 0 flags).\n",
        "flaglint: note: no flag API found: no flag SDK is imported and no [[readers]] or "
        "[[definitions]] are configured, so no flag was checked; name the project's own in "
        "[[readers]] or [[definitions]] (docs/configuration.md)\n")
    # presets turned off by hand are named as the reason (wagtail's trial: it blamed the SDK)
    write_tree(tmp_path, {"flaglint.toml": "presets = []\n"})
    assert main(["check", str(tmp_path), "--no-cache"]) == 0
    assert capsys.readouterr().err == (
        "flaglint: note: no flag API found: `presets = []` in flaglint.toml turns the SDK "
        "presets and Django settings off and no [[readers]] or [[definitions]] are "
        "configured, so no flag was checked; name the project's own in [[readers]] or "
        "[[definitions]] (docs/configuration.md)\n")
    # a project whose configured reader is never called has a flag API: it is told that
    # the reader matches no call, not that it has none
    write_tree(tmp_path, {"flaglint.toml": "[[readers]]\ncall = \"app.flags.on\"\nkey = 0\n"})
    assert main(["check", str(tmp_path), "--no-cache"]) == 0
    assert capsys.readouterr().err == (
        "flaglint: note: flaglint.toml:2: readers[0] (`app.flags.on`) matches no call in the "
        "project, so it reads no flag; check the module path and the spelling of "
        "`app.flags.on` (where the code imports it from), or write \"*.on\" to match `on` on "
        "any receiver; if a clean removed its last call, delete the entry\n")


# -- colour ----------------------------------------------------------------------------------

class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


COLORED = ("\033[1mapp/main.py:5:4:\033[0m \033[1m\033[33mFL101\033[0m [typo] Flag `typo` is "
           "declared in no registry or definition; nobody owns it and it never expires")


def colored_run(tmp_path, monkeypatch, *args, env=(), terminal=False):
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env:
        monkeypatch.setenv(name, value)
    stdout = _Terminal() if terminal else io.StringIO()
    monkeypatch.setattr("sys.stdout", stdout)
    write_tree(tmp_path, PROJECT)
    main(["check", str(tmp_path), "--no-cache", "--select", "FL101", *args])
    return stdout.getvalue().splitlines()[0]


@pytest.mark.parametrize(("args", "env", "terminal", "colored"), [
    ((), (), False, False),  # auto: a pipe or a file
    ((), (), True, True),  # auto: a terminal
    ((), (("NO_COLOR", "1"),), True, False),
    ((), (("NO_COLOR", ""),), True, True),  # set but empty: not set (no-color.org)
    ((), (("FORCE_COLOR", "1"),), False, True),
    ((), (("NO_COLOR", "1"), ("FORCE_COLOR", "1")), False, False),
    (("--color", "always"), (("NO_COLOR", "1"),), False, True),
    (("--color", "never"), (("FORCE_COLOR", "1"),), True, False),
    (("--color", "auto"), (), True, True),
])
def test_color_auto_always_never(tmp_path, monkeypatch, args, env, terminal, colored):
    line = colored_run(tmp_path, monkeypatch, *args, env=env, terminal=terminal)
    assert line == (COLORED if colored else
                    "app/main.py:5:4: FL101 [typo] Flag `typo` is declared in no registry or "
                    "definition; nobody owns it and it never expires")


def test_color_never_reaches_a_report_file(tmp_path, capsys):
    report = tmp_path / "report.txt"
    check(tmp_path, capsys, "--color", "always", "--output", str(report))
    assert "\033[" not in report.read_text()


def test_a_colored_preview(tmp_path, capsys):
    """File names bold, hunks cyan, removed lines red, added green, context plain; a removed
    line that starts with `--` is a removed line, not a file name."""
    files = {**PROJECT, "app/main.py": 'if client.is_enabled("settled"):\n    -- x\nkept = 1\n'}
    code, out, _ = check(tmp_path, capsys, "--diff", "--color", "always", "--select", "FL3",
                         files=files)
    assert code == 1
    assert out.splitlines() == [
        "\033[1m--- a/app/main.py\033[0m", "\033[1m+++ b/app/main.py\033[0m",
        "\033[36m@@ -1,3 +1 @@\033[0m", "\033[31m-if client.is_enabled(\"settled\"):\033[0m",
        "\033[31m-    -- x\033[0m", " kept = 1"]


# -- a severity threshold ----------------------------------------------------------------------

@pytest.mark.parametrize(("fail_on", "code"), [
    ("error", 0), ("warning", 1), ("info", 1), ("note", 1), ("never", 0), ("WARNING", 1)])
def test_fail_on_sets_the_exit_code_not_the_report(tmp_path, capsys, fail_on, code):
    assert check(tmp_path, capsys, "--fail-on", fail_on) == \
        (code, "\n".join(FINDINGS + SUMMARY) + "\n", NOTE)


def test_fail_on_counts_what_the_report_shows(tmp_path, capsys):
    """An error hidden by --select, a suppression or a baseline fails nothing."""
    # FL001, an error: the file reads a flag, so whether it parses matters
    files = {**PROJECT, "app/broken.py": "def broken(:\n    return client.is_enabled('used')\n"}
    assert check(tmp_path, capsys, "--fail-on", "error", files=files)[0] == 1
    assert check(tmp_path, capsys, "--fail-on", "error", "--ignore", "FL001",
                 files=files)[0] == 0
    code, out, _ = check(tmp_path, capsys, "--fail-on", "error", "--format", "sarif",
                         files=files)
    assert (code, json.loads(out)["runs"][0]["invocations"][0]["exitCode"]) == (1, 1)
    code, out, _ = check(tmp_path, capsys, "--fail-on", "error", "--format", "sarif",
                         "--ignore", "FL001", files=files)
    assert (code, json.loads(out)["runs"][0]["invocations"][0]["exitCode"]) == (0, 0)


def test_exit_zero_wins_over_fail_on(tmp_path, capsys):
    assert check(tmp_path, capsys, "--fail-on", "warning", "--exit-zero")[0] == 0


def test_an_unknown_threshold_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        check(tmp_path, capsys, "--fail-on", "eror")
    assert exit_.value.code == 2
    assert "argument --fail-on: invalid choice: 'eror' (choose from 'error', 'warning', " \
           "'info', 'never')" in capsys.readouterr().err


# -- --show-fixes ------------------------------------------------------------------------------

def test_show_fixes_lists_each_findings_fix(tmp_path, capsys):
    code, out, _ = check(tmp_path, capsys, "--show-fixes")
    assert code == 1
    assert out.splitlines() == [
        FINDINGS[0], "    fix (safe): Delete the `if` body and keep what runs instead",
        FINDINGS[1], "    fix (safe): Replace the read with `False`",
        FINDINGS[2], *SUMMARY]
    assert check(tmp_path, capsys, "--show-fixes", "--no-show-fixes")[1] == \
        "\n".join(FINDINGS + SUMMARY) + "\n"


def test_show_fixes_names_the_option_an_unsafe_fix_needs(tmp_path, capsys):
    files = {**PROJECT, "flags.toml": '[flags.gone]\nstatus = "retired"\nretired = 2026-01-01\n',
             "app/main.py": 'if client.is_enabled("gone"):\n    pass\n'}
    code, out, _ = check(tmp_path, capsys, "--show-fixes", "--select", "FL301", files=files)
    assert code == 1
    assert out.splitlines()[:2] == [
        "app/main.py:1:1: FL301 [gone] Flag `gone` is retired, so reading it yields `false`; "
        "this `if` body can never run",
        "    fix (unsafe, with --unsafe-fixes): Delete the `if` body and keep what runs instead"]


def test_show_fixes_with_fix_says_what_was_fixed_file_by_file(tmp_path, capsys):
    code, out, _ = check(tmp_path, capsys, "--fix", "--show-fixes")
    assert code == 1
    assert out.splitlines() == [
        "app/main.py:3:4: FL101 [typo] Flag `typo` is declared in no registry or definition; "
        "nobody owns it and it never expires",
        "flags.toml:5:1: FL102 [settled] Flag `settled` is declared but no code reads it; "
        "delete it or mark it retired so the key is never reused",
        "",
        "Fixed 2 findings:",
        "- app/main.py:",
        "    1 × FL202 (settled-flag)",
        "    1 × FL301 (dead-branch)",
        "",
        "Found 4 findings (2 fixed, 2 remaining) in 2 files, 3 flags."]


def test_fix_without_show_fixes_says_only_how_many(tmp_path, capsys):
    code, out, _ = check(tmp_path, capsys, "--fix", "-q")
    assert (code, len(out.splitlines())) == (1, 2)
    assert "Fixed" not in out


# -- the fix preview ---------------------------------------------------------------------------

@pytest.mark.parametrize("spelling", [["--fix", "--diff"], ["--diff"], ["--diff", "--fix"]])
def test_the_preview_prints_what_fix_would_write_and_writes_nothing(tmp_path, capsys,
                                                                    spelling):
    write_tree(tmp_path, PROJECT)
    before = (tmp_path / "app" / "main.py").read_bytes()
    assert check(tmp_path, capsys, *spelling) == (
        1, PREVIEW, "Would fix 2 findings in 1 file; nothing was written.\n")
    assert (tmp_path / "app" / "main.py").read_bytes() == before
    # What the preview showed is what --fix writes.
    assert check(tmp_path, capsys, "--fix")[0] == 1
    assert (tmp_path / "app" / "main.py").read_text() == (
        'if client.is_enabled("used"):\n    pass\nif client.is_enabled("typo"):\n    pass\n')


def test_a_preview_with_nothing_to_fix_exits_0(tmp_path, capsys):
    files = {**PROJECT, "app/main.py": 'if client.is_enabled("used"):\n    pass\n'}
    assert check(tmp_path, capsys, "--fix", "--diff", files=files) == (
        0, "", "No fixes to apply; nothing was written.\n")


def test_a_preview_quiet_silent_exit_zero_and_show_fixes(tmp_path, capsys):
    assert check(tmp_path, capsys, "--diff", "-q") == (1, PREVIEW, "")
    assert check(tmp_path, capsys, "--diff", "--silent") == (1, "", "")
    assert check(tmp_path, capsys, "--diff", "--exit-zero")[0] == 0
    assert check(tmp_path, capsys, "--diff", "--show-fixes") == (
        1, PREVIEW, "Would fix 2 findings:\n- app/main.py:\n    1 × FL202 (settled-flag)\n"
                    "    1 × FL301 (dead-branch)\n"
                    "Would fix 2 findings in 1 file; nothing was written.\n")


def test_a_preview_takes_the_options_of_fix(tmp_path, capsys):
    files = {**PROJECT, "flags.toml": '[flags.gone]\nstatus = "retired"\nretired = 2026-01-01\n',
             "app/main.py": 'if client.is_enabled("gone"):\n    pass\nkept = 1\n'}
    assert check(tmp_path, capsys, "--diff", files=files)[0] == 0
    code, out, _ = check(tmp_path, capsys, "--diff", "--unsafe-fixes", files=files)
    assert (code, out.splitlines()[-3:]) == (
        1, ["-if client.is_enabled(\"gone\"):", "-    pass", " kept = 1"])


@pytest.mark.parametrize(("option", "said"), [
    (["--format", "json"], "--format json"),
    (["--output-format", "sarif"], "--format sarif"),
    (["--output", "out.txt"], "--output"),
    (["--output-format", "json=out.json"], "--output-format FORMAT=FILE"),
    (["--write-baseline", "base.json"], "--write-baseline"),
    (["--statistics"], "--statistics"),
])
def test_a_preview_writes_no_report(tmp_path, capsys, option, said):
    assert check(tmp_path, capsys, "--fix", "--diff", *option) == (
        2, "", f"flaglint: error: --diff prints what --fix would write and writes nothing, so "
               f"{said} cannot go with it; check without --diff for a report\n")


def test_a_preview_of_named_paths(tmp_path, capsys, monkeypatch):
    """`--fix --diff app` previews app (a path, and no git revision)."""
    files = {**PROJECT, "other.py": 'if client.is_enabled("settled"):\n    pass\n'}
    write_tree(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-cache", "--fix", "--diff", "app"]) == 1
    out, err = capsys.readouterr()
    assert (out, err) == (PREVIEW, "Would fix 2 findings in 1 file; nothing was written.\n")
    assert main(["check", "--no-cache", "--diff", "other.py"]) == 1
    assert capsys.readouterr().out.startswith("--- a/other.py\n")


# -- the old spellings -------------------------------------------------------------------------

DEPRECATED = ("flaglint: warning: `--diff main` is deprecated: write `--changed-since main` "
              "(bare `--diff` previews what --fix would write, as in ruff)\n")
FRESH = ("app/main.py:7:4: FL101 [fresh] Flag `fresh` is declared in no registry or "
         "definition; nobody owns it and it never expires")


@pytest.mark.parametrize("spelling", [["--changed-since", "main"], ["--changed-since=main"]])
def test_changed_since_reports_what_the_change_brought(tmp_path, capsys, spelling):
    in_git(tmp_path)
    assert main(["check", str(tmp_path), "--no-cache", "--today", "2026-11-23", *spelling]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == FRESH and err == ""


@pytest.mark.parametrize("spelling", [["--diff", "main"], ["--diff=main"]])
def test_diff_ref_still_works_with_a_note(tmp_path, capsys, spelling):
    in_git(tmp_path)
    args = ["check", str(tmp_path), "--no-cache", "--today", "2026-11-23"]
    assert main([*args, "--changed-since", "main"]) == 1
    expected = capsys.readouterr().out
    assert main([*args, *spelling]) == 1
    assert capsys.readouterr() == (expected, DEPRECATED)
    assert main([*args, *spelling, "-q"]) == 1
    assert capsys.readouterr().err == ""


def test_fix_diff_ref_fixes_the_changed_lines_as_before(tmp_path, capsys):
    """`--fix --diff REF` kept its meaning: fix what changed since REF (the old read of
    `settled` on line 3 stays, the new one goes; nothing is left to report there)."""
    in_git(tmp_path)
    main_py = tmp_path / "app" / "main.py"
    main_py.write_text(main_py.read_text() + 'if client.is_enabled("settled"):\n    late()\n')
    assert main(["check", str(tmp_path), "--no-cache", "--today", "2026-11-23", "--fix",
                 "--diff", "main", "--select", "FL2,FL3"]) == 0
    assert capsys.readouterr().err == DEPRECATED
    text = main_py.read_text()
    assert text.count('client.is_enabled("settled")') == 1 and "late()" not in text


def test_a_diff_value_that_is_a_revision_and_a_path_is_asked_about(tmp_path, capsys,
                                                                   monkeypatch):
    in_git(tmp_path)
    git(tmp_path, "branch", "app")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-cache", "--diff", "app"]) == 2
    assert capsys.readouterr() == ("", (
        "flaglint: error: --diff app: 'app' is both a git revision and a path; write "
        "`--changed-since app` for the lines changed since it, or `check app --diff` to "
        "preview the fixes there\n"))


def test_a_diff_value_that_is_neither_is_an_unknown_revision(tmp_path, capsys):
    in_git(tmp_path)
    assert main(["check", str(tmp_path), "--no-cache", "--diff", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "flaglint: warning: `--diff nope` is deprecated: write `--changed-since nope` (bare "
        "`--diff` previews what --fix would write, as in ruff)",
        "flaglint: error: --diff nope: unknown git reference 'nope'; name a branch, tag or "
        "commit (`git fetch origin nope` if it is remote)"]


def test_diff_ref_and_changed_since_together_is_a_usage_error(tmp_path, capsys):
    in_git(tmp_path)
    assert main(["check", str(tmp_path), "--diff", "main", "--changed-since", "main"]) == 2
    assert capsys.readouterr().err == ("flaglint: error: --diff main is the old spelling of "
                                       "--changed-since; give --changed-since once\n")


def test_a_preview_of_what_changed(tmp_path, capsys):
    """Bare `--diff` with `--changed-since`: the fixes on the changed lines only."""
    in_git(tmp_path)
    main_py = tmp_path / "app" / "main.py"
    main_py.write_text(main_py.read_text() + 'if client.is_enabled("settled"):\n    late()\n')
    assert main(["check", str(tmp_path), "--no-cache", "--today", "2026-11-23", "--diff",
                 "--changed-since", "main", "--select", "FL2,FL3"]) == 1
    out = capsys.readouterr().out
    assert "-    late()" in out and "-    pass" not in out


def test_output_format_without_a_file_is_the_format(tmp_path, capsys):
    _, as_format, _ = check(tmp_path, capsys, "--format", "json")
    assert check(tmp_path, capsys, "--output-format", "json") == (1, as_format, NOTE)
    assert check(tmp_path, capsys, "--output-format", "json", "--format", "json")[1] == \
        as_format
    sarif = tmp_path / "out.sarif"
    assert check(tmp_path, capsys, "--output-format", "json", "--output-format",
                 f"sarif={sarif}")[1] == as_format
    assert json.loads(sarif.read_text())["version"] == "2.1.0"


def test_two_formats_for_stdout_is_a_usage_error(tmp_path, capsys):
    assert check(tmp_path, capsys, "--format", "sarif", "--output-format", "json") == (
        2, "", "flaglint: error: --format sarif and --output-format json ask for different "
               "reports on stdout; add a file for the others (--output-format FORMAT=FILE)\n")
