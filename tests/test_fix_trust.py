"""Fixes never break working code, never edit outside what was asked, and say what they did.

One test per way fixes broke code before (the "fixes you can trust" issue), each with the
exact source after the fix, and the regression cases the differential test found.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from flaglint.cli import main
from flaglint.fixes.source import unbound_after

from .conftest import commit_all, git, write_tree
from .test_fix_differential import differences

PYPROJECT = '[tool.flaglint]\npresets = ["unleash", "django-waffle"]\n'
FLAGS = """
[flags.on]
status = "rolled-out"
value = true

[flags.old]
status = "retired"
retired = 2003-06-01

[flags.new_ui]
status = "rolled-out"
value = true
"""


def project(tmp_path, files):
    return write_tree(tmp_path, {"pyproject.toml": PYPROJECT, "flags.toml": FLAGS, **files})


def fix(tmp_path, capsys, *args):
    code = main(["check", str(tmp_path), "--no-cache", "--select", "FL2,FL3", "--fix", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_safe_fix_keeps_a_helper_that_an_unsafe_dead_branch_still_calls(tmp_path, capsys):
    project(tmp_path, {"app.py": """
        def helper():
            return 1


        def f():
            if client.is_enabled("on"):
                return 0
            else:
                return helper()


        def g():
            if client.is_enabled("old"):
                return helper()
            return 2
        """})
    fix(tmp_path, capsys)
    assert (tmp_path / "app.py").read_text() == (
        "def helper():\n    return 1\n\n\ndef f():\n    return 0\n\n\n"
        "def g():\n    if client.is_enabled(\"old\"):\n        return helper()\n    return 2\n")
    fix(tmp_path, capsys, "--unsafe-fixes")  # now both reasons are fixed: it goes
    assert (tmp_path / "app.py").read_text() == (
        "def f():\n    return 0\n\n\ndef g():\n    return 2\n")


def test_a_registered_handler_is_never_dead(tmp_path, capsys):
    project(tmp_path, {"app.py": """
        @app.route("/old-home")
        def old_home():
            return "old"


        @functools.lru_cache
        def cached():
            return "c"


        def home():
            if client.is_enabled("on"):
                return "new"
            return old_home() + cached()
        """})
    code = main(["check", str(tmp_path), "--no-cache", "--select", "FL302"])
    out = capsys.readouterr().out
    assert code == 1 and out.splitlines()[0] == (
        "app.py:7:1: FL302 [*] [on] Function `cached` is called only from code that can never "
        "run (flag `on` is rolled out with value `true`); delete it")
    fix(tmp_path, capsys)
    assert (tmp_path / "app.py").read_text() == (
        '@app.route("/old-home")\ndef old_home():\n    return "old"\n\n\n'
        'def home():\n    return "new"\n')


def test_overrides_in_tests_are_writes_and_tests_are_left_alone(tmp_path, capsys):
    test_file = """
        from waffle import flag_is_active
        from waffle.testutils import override_flag


        def test_new(request):
            with override_flag("new_ui", active=False):
                assert not flag_is_active(request, "new_ui")


        @override_flag("undeclared_in_registry", active=True)
        def test_other(request):
            assert flag_is_active(request, "undeclared_in_registry")


        def test_plain(request):
            if flag_is_active(request, "new_ui"):
                return
            raise AssertionError
        """
    project(tmp_path, {"tests/test_ui.py": test_file})
    before = (tmp_path / "tests/test_ui.py").read_text()
    assert main(["check", str(tmp_path), "--no-cache", "--select", "FL1,FL2,FL3"]) == 1
    out = capsys.readouterr().out
    # The override sets a flag: no FL101 for its key, no FL202 on the read it encloses (and
    # tests may read keys no registry declares: no FL101 for those either).
    assert [line.split(" ")[:2] for line in out.splitlines() if line.startswith("tests/")] == [
        ["tests/test_ui.py:16:8:", "FL202"], ["tests/test_ui.py:18:5:", "FL301"]]
    assert out.splitlines()[-1] == ("No fixes available with `flaglint check --fix` alone "
                                    "(2 in test code with `--fix --fix-tests`).")
    fix(tmp_path, capsys)
    assert (tmp_path / "tests/test_ui.py").read_text() == before
    fix(tmp_path, capsys, "--fix-tests")
    assert (tmp_path / "tests/test_ui.py").read_text() == before.replace(
        '    if flag_is_active(request, "new_ui"):\n        return\n    raise AssertionError\n',
        "    return\n")


def test_a_test_setter_no_preset_names_keeps_the_reads_under_it(tmp_path, capsys):
    """ReviewBoard: `with override_feature_check(dvcs_feature.feature_id, False): assert not
    dvcs_feature.is_enabled()`. `--fix --fix-tests` made it `assert False` (FL202: "this read
    always yields it"), though `clean` takes that `with` for a setting of the other value and
    deletes the test. A test's call named as a setter and given the flag (its key, its object
    or an attribute of it) sets it for the reads in its function, as a preset's override
    does; a call named otherwise does not."""
    files = {
        "flaglint.toml": 'presets = []\n\n[[definitions]]\ncall = "app.features.Feature"\n'
                         'bound_name = true\nreads = ["is_enabled"]\n',
        "flags.toml": '[flags.dvcs]\nstatus = "rolled-out"\nvalue = true\n',
        "app/__init__.py": "",
        "app/features.py": "class Feature:\n    feature_id = ''\n\n"
                           "    def is_enabled(self):\n        return True\n\n\n"
                           "dvcs = Feature()\n\n\ndef override_check(feature_id, enabled):\n"
                           "    return feature_id\n",
        "tests/__init__.py": "",
        "tests/test_views.py": "from app.features import dvcs, override_check\n\n\n"
                               "def test_off():\n"
                               "    with override_check(dvcs.feature_id, False):\n"
                               "        assert not dvcs.is_enabled()\n\n\n"
                               "def test_logged():\n    print(dvcs.feature_id)\n"
                               "    assert dvcs.is_enabled()\n",
    }
    write_tree(tmp_path, files)
    assert main(["check", str(tmp_path), "--no-cache", "--select", "FL202"]) == 1
    assert [line.split(" ")[:2] for line in capsys.readouterr().out.splitlines()
            if line.startswith("tests/")] == [["tests/test_views.py:11:12:", "FL202"]]
    fix(tmp_path, capsys, "--fix-tests")
    assert (tmp_path / "tests/test_views.py").read_text() == files[
        "tests/test_views.py"].replace("    assert dvcs.is_enabled()\n", "")  # `assert True` goes


def test_fix_honours_suppressions_and_writes_only_inside_the_root(tmp_path, capsys):
    outside = tmp_path / "outside"
    write_tree(outside, {"x.py": 'if client.is_enabled("on"):\n    a()\nelse:\n    b()\n'})
    root = project(tmp_path / "p", {
        "app.py": 'if client.is_enabled("on"):\n    a()\nelse:  # flaglint: ignore[FL301]\n'
                  '    b()\n'})
    os.symlink(outside / "x.py", root / "linked.py")
    _, out, _ = fix(root, capsys)
    assert (root / "app.py").read_text().startswith('if client.is_enabled("on"):\n')
    # The FL202 fix would delete the suppressed branch: it is no fix here.
    assert "app.py:1:4: FL202 [on]" in out
    assert (outside / "x.py").read_text() == \
        'if client.is_enabled("on"):\n    a()\nelse:\n    b()\n'


def test_fix_with_diff_edits_only_the_changed_lines(tmp_path, capsys):
    body = 'if client.is_enabled("on"):\n    a()\nelse:\n    b()\n'
    root = project(tmp_path, {"old.py": body, "new.py": "x = 1\n"})
    git(root, "init", "-q")
    commit_all(root, "start", "2026-01-01")
    (root / "new.py").write_text(body)
    fix(root, capsys, "--changed-since", "HEAD")
    assert (root / "old.py").read_text() == body
    assert (root / "new.py").read_text() == "a()\n"


def test_a_file_that_cannot_be_written_is_named_and_nothing_else_is_lost(tmp_path, capsys,
                                                                         monkeypatch):
    from flaglint.fixes import apply as apply_module

    body = 'if client.is_enabled("on"):\n    a()\nelse:\n    b()\n'
    root = project(tmp_path, {"a.py": body, "b.py": body})
    real = apply_module._write_atomic

    def failing(target, data):
        if target.name == "b.py":
            raise PermissionError(13, "Permission denied")
        real(target, data)

    monkeypatch.setattr(apply_module, "_write_atomic", failing)
    code, _, err = fix(root, capsys)
    assert code == 2
    assert err.endswith("flaglint: error: cannot write the fixes: b.py (Permission denied)\n"
                        "changed: a.py\nnot changed: b.py\n")
    assert (root / "a.py").read_text() == "a()\n" and (root / "b.py").read_text() == body


def test_writes_keep_the_file_mode(tmp_path, capsys):
    root = project(tmp_path, {"tool.py": 'if client.is_enabled("on"):\n    a()\n'})
    (root / "tool.py").chmod(0o750)
    fix(root, capsys)
    assert (root / "tool.py").read_text() == "a()\n"
    assert (root / "tool.py").stat().st_mode & 0o777 == 0o750


def test_fix_keeps_literals_it_did_not_settle_and_drops_dead_stores(tmp_path, capsys):
    project(tmp_path, {"app.py": """
        DEBUG = False


        def f(record=True):
            if record_as_success():
                record = True
            if record:
                log()
            if DEBUG:
                trace()
            use_new = client.is_enabled("on")
            if use_new:
                return 1
            return 2
        """})
    fix(tmp_path, capsys)
    assert (tmp_path / "app.py").read_text() == (
        "DEBUG = False\n\n\ndef f(record=True):\n    if record_as_success():\n"
        "        record = True\n    if record:\n        log()\n    if DEBUG:\n        trace()\n"
        "    return 1\n")


def test_fix_counts_fixed_remaining_and_fixable_in_json(tmp_path, capsys):
    import json

    project(tmp_path, {"app.py": 'if client.is_enabled("on"):\n    a()\n'
                                 'if client.is_enabled("old"):\n    b()\n'})
    code, out, _ = fix(tmp_path, capsys, "--format", "json")
    summary = json.loads(out)["summary"]
    assert code == 1
    assert summary == {"files": 1, "flags": 3, "findings": 1, "fixed": 1,
                       "fixable": {"safe": 0, "unsafe": 1, "tests": 0}}


def test_a_fix_is_counted_though_another_finding_says_the_same(tmp_path, capsys):
    """Two reads of `on` in one file say the same; one is fixed (the other is kept by its
    suppression): that is 1 fixed, though a finding with the same message still shows."""
    project(tmp_path, {"app.py": 'x = client.is_enabled("on")\n'
                                 'y = client.is_enabled("on")  # flaglint: ignore[FL202]\n'
                                 'z = client.is_enabled("on")\n'})
    code, out, _ = fix(tmp_path, capsys, "--select", "FL202")
    assert code == 0
    assert (tmp_path / "app.py").read_text() == (
        'x = True\ny = client.is_enabled("on")  # flaglint: ignore[FL202]\nz = True\n')
    assert out.splitlines()[-1] == "Found 2 findings (2 fixed, 0 remaining) in 1 file, 3 flags."


def test_count_fixed_matches_findings_by_what_they_say():
    from flaglint.findings import Finding, Severity, Span
    from flaglint.fixes.report import Fixed
    from flaglint.fixes.rounds import count_fixed

    def at(line):
        return Finding("FL202", "settled-flag", Severity.WARNING, "on", "app.py",
                       Span(line, 1, line, 9), "Flag `on` is rolled out")

    one = {Fixed("app.py", "FL202", "settled-flag"): 1}
    assert count_fixed([at(1)], [at(1), at(3)], [at(2)]) == one  # the other moved up a line
    assert count_fixed([at(1), at(3)], [at(1), at(3)], [at(2)]) == one  # one was refused
    assert count_fixed([], [at(1)], []) == {}  # gone, but no fix of this round made it go


def test_fixable_means_the_fix_would_be_made_in_every_format(tmp_path, capsys):
    """The read's fix would delete the branch a suppressed FL301 keeps, and the dead
    helper's fix needs that read settled: neither is offered, in the text, the JSON or
    the SARIF, and `--fix` fixes nothing."""
    import json

    project(tmp_path, {
        "app.py": "from legacy import old_total\n\n\ndef total(cart):\n"
                  "    if client.is_enabled(\"on\"):\n        return sum(cart)\n"
                  "    return old_total(cart)  # noqa: FL301\n",
        "legacy.py": "def old_total(cart):\n    return 0\n"})
    main(["check", str(tmp_path), "--no-cache", "--format", "json", "--select", "FL2,FL3"])
    fixable = {(f["code"], f["path"]): f["fix"] is not None
               for f in json.loads(capsys.readouterr().out)["findings"]}
    assert fixable == {("FL202", "app.py"): False, ("FL302", "legacy.py"): False}
    main(["check", str(tmp_path), "--no-cache", "--format", "sarif", "--select", "FL2,FL3"])
    sarif = json.loads(capsys.readouterr().out)
    fixes = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]):
             bool(r.get("fixes")) for r in sarif["runs"][0]["results"]}
    assert fixes == fixable
    code, out, _ = fix(tmp_path, capsys)
    assert code == 1 and "[*]" not in out
    assert out.splitlines()[-1] == "Found 2 findings (0 fixed, 2 remaining) in 2 files, 3 flags."


def test_a_fix_something_still_names_is_not_offered_and_says_why(tmp_path):
    from flaglint.findings import Edit, EditKind, Fix
    from flaglint.fixes.rounds import applicable

    from .conftest import analyze_tree

    project(tmp_path, {"legacy.py": "def old_total(cart):\n    return 0\n",
                       "admin.py": "from legacy import old_total\n\nHANDLERS = [old_total]\n"})
    delete = Fix(safe=True, description="Delete `old_total`",
                 edits=(Edit(EditKind.DELETE_SYMBOL, "legacy.py", 1, 1),))
    chosen, why = applicable(analyze_tree(tmp_path), [("finding", delete)], [])
    assert chosen == []
    assert why == ["legacy.py:1: `old_total` not deleted: admin.py:1:1: import (from legacy "
                   "import old_total); admin.py:3:13: use (old_total)"]


def test_clean_with_a_path_keeps_what_other_packages_use(tmp_path, capsys):
    project(tmp_path, {
        "a/__init__.py": "", "b/__init__.py": "", "c/__init__.py": "",
        "a/mod.py": "from b.helpers import legacy\n\n\ndef f():\n"
                    "    if client.is_enabled(\"new_ui\"):\n        return 1\n"
                    "    return legacy()\n",
        "b/helpers.py": "def legacy():\n    return 2\n",
        "c/use.py": "from b.helpers import legacy\n\nlegacy()\nclient.is_enabled(\"new_ui\")\n",
    })
    code = main(["clean", "new_ui", "--value", "true", str(tmp_path / "a")])
    out = capsys.readouterr().out
    assert code == 1
    assert (tmp_path / "a/mod.py").read_text() == "def f():\n    return 1\n"
    assert (tmp_path / "b/helpers.py").read_text() == "def legacy():\n    return 2\n"
    assert "[flags.new_ui]" in (tmp_path / "flags.toml").read_text()
    assert out.splitlines()[-1] == "[flags.new_ui] kept: 1 read of it is left."


def test_clean_checks_the_value_against_the_flag(tmp_path, capsys):
    project(tmp_path, {"app.py": 'if client.is_enabled("new_ui"):\n    a()\n'})
    assert main(["clean", "new_ui", "--value", "disabled", str(tmp_path)]) == 2
    assert capsys.readouterr().err == ("flaglint: error: --value disabled: flag `new_ui` is a "
                                       "boolean flag; use true or false\n")
    # `off` is a boolean's spelling, and the registry rolled the flag out with true
    assert main(["clean", "new_ui", "--value", "off", str(tmp_path)]) == 2
    assert "serves `new_ui` as `true` to everyone" in capsys.readouterr().err
    assert main(["clean", "new_ui", "--value", "on", str(tmp_path)]) == 0
    assert (tmp_path / "app.py").read_text() == "a()\n"


# Programs the differential test found broken, kept as named cases.
REGRESSIONS = {
    # `L or (x() and False)` in a test: the right part runs, so it is no `or False`.
    "side-effect-in-a-decided-operand": """
def main():
    if rt.client.is_enabled("off") or (T(True) and rt.ld.variation("color", None, "red") == "red"):
        T("body")
    return T("end")
""",
    # A call in the test of a dead `if` still runs: the helper it calls is not dead.
    "call-in-the-test-of-a-dead-if": """
def helper():
    return T(False)


def main():
    if helper() and rt.client.is_enabled("off"):
        T("never")
    return T("end")
""",
    # `not (x() and False)` decides the `if`, and x() still runs.
    "not-over-a-decided-test": """
def gone():
    return T("gone")


def main():
    if not (T(True) and rt.client.is_enabled("off")):
        T("kept")
    else:
        gone()
    return T("end")
""",
    # Removing the last use of a module must not skip its import when importing it registers.
    "import-with-effects": """
import p_help as help


def main():
    if rt.client.is_enabled("off"):
        help.helper0()
    return T("end")
""",
}


def test_regressions_found_by_the_differential_test(tmp_path):
    header = "import rt\nfrom rt import T\n"
    helper = "import rt\nfrom rt import T\n\n\n@rt.register\ndef helper0():\n    return 0\n"
    for unsafe in (False, True):
        programs = {name.replace("-", "_"): {
            f"{name.replace('-', '_')}_main.py": header + text.replace(
                "p_help", f"{name.replace('-', '_')}_help"),
            f"{name.replace('-', '_')}_help.py": helper} for name, text in REGRESSIONS.items()}
        problems = differences(tmp_path / str(unsafe), programs, unsafe=unsafe)
        assert not problems, "\n".join(problems)


def test_who_imports_a_module_or_one_inside_it_is_answered_from_the_briefs():
    """`_imported_elsewhere` (an import with effects is kept unless another file imports
    its module): the files naming the module or any module inside it, found in the index
    of names as written, as an index of every name and each module above it found them."""
    import itertools
    from types import SimpleNamespace

    from flaglint.analysis.imports import _imported_elsewhere
    from flaglint.model.files import FileBrief

    imported = {"a.py": ("app", "app.flags"), "b.py": ("app.flags.store",),
                "c.py": ("app2", "app.flagsx"), "d.py": ("other.app",), "e.py": ()}
    briefs = {path: FileBrief(path, path[0], is_package=False, lines=1, complete=False,
                              imported=names) for path, names in imported.items()}
    memo: dict[str, object] = {}
    project = SimpleNamespace(files=SimpleNamespace(briefs=briefs), memo=lambda: memo)
    for module in ("app", "app.flags", "app.flags.store", "app.flag", "app2", "other",
                   "other.app", "nowhere", "app.flagsx"):
        importers = {path for path, names in imported.items()
                     if any(n == module or n.startswith(module + ".") for n in names)}
        for size in range(len(imported) + 1):
            for these in itertools.combinations(sorted(imported), size):
                assert _imported_elsewhere(project, module, set(these)) == \
                    bool(importers - set(these)), (module, these)


TAKEN_APART = textwrap.dedent("""

    def page():
        if get_flag("theme").startswith("d"):
            return "dark page"
        return "light page"


    def label():
        return get_flag("theme").upper() + "/" + get_flag("theme")[0]


    def path():
        return "/etc/" + get_flag("theme")


    """)  # reads whose value is taken apart: the fix leaves them as they are


def test_a_read_whose_value_is_taken_apart_is_left_and_one_called_on_a_call_is_settled(
        tmp_path, capsys):
    """label-studio: under the safe `--fix`, `get_flag("theme").upper()` became `False` and
    `if get_flag("theme").startswith("d"):` a dead branch, deleted: a method call on the
    read's value starts where the read does, and was replaced with it (`"/etc/" +
    settings.FLAGS_FILE` became `"/etc/" + False`). A read whose value is taken apart (an
    attribute, an item, a call of it, arithmetic) is no truth value: it is left, and
    offers no fix; a read that calls a method of another call's result
    (`make_client().is_enabled(k)`) is still settled, and the program runs the same."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n\n[[tool.flaglint.readers]]'
                          '\ncall = "app.features.get_flag"\nkey = 0\n',
        "flags.toml": '[flags.theme]\nstatus = "rolled-out"\nvalue = false\n\n'
                      '[flags.on]\nstatus = "rolled-out"\nvalue = true\n',
        "app/__init__.py": "",
        "app/features.py": 'FLAGS = {"theme": "dark"}\n\n\ndef get_flag(name, default=None):\n'
                           '    return FLAGS.get(name, default)\n\n\nclass _Client:\n'
                           '    def is_enabled(self, name):\n        return True\n\n\n'
                           'def make_client():\n    return _Client()\n',
        "app/views.py": "from app.features import get_flag, make_client\n" + TAKEN_APART +
                        'def ui():\n    if make_client().is_enabled("on"):\n'
                        '        return "new"\n    return "old"\n',
        "main.py": "from app import views\n\n"
                   "print(views.page(), views.label(), views.path(), views.ui())\n",
    })
    before = subprocess.run([sys.executable, "main.py"], cwd=tmp_path, capture_output=True,
                            text=True, check=True).stdout
    code = main(["check", str(tmp_path), "--no-cache", "--select", "FL202,FL301"])
    out, _ = capsys.readouterr()
    assert code == 1
    assert [line.split(" [theme]")[0] for line in out.splitlines() if "[theme]" in line] == [
        "app/views.py:5:8: FL202", "app/views.py:11:12: FL202", "app/views.py:11:46: FL202",
        "app/views.py:15:22: FL202"]  # none with [*]: no fix is offered for them
    fix(tmp_path, capsys)
    assert (tmp_path / "app" / "views.py").read_text() == (
        "from app.features import get_flag\n" + TAKEN_APART + 'def ui():\n    return "new"\n')
    after = subprocess.run([sys.executable, "main.py"], cwd=tmp_path, capture_output=True,
                           text=True, check=True).stdout
    assert after == before == "dark page DARK/d /etc/dark new\n"


def test_a_read_whose_name_is_taken_apart_or_that_is_iterated_is_left(tmp_path, capsys):
    """pretix's trial: `excluded = settings.FEATURE_EXCLUDE`, then `name in excluded`, got a
    safe fix writing `name in False` (TypeError at run time), and so did a read iterated
    (`for n in get_flag("names")`). Both are left, with FL202's reason, by `--fix` and by
    `clean`; a name only tested is still settled; the program runs the same."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.readers]]'
                          '\ncall = "app.features.get_flag"\nkey = 0\n',
        "flags.toml": '[flags.names]\nstatus = "rolled-out"\nvalue = false\n\n'
                      '[flags.on]\nstatus = "rolled-out"\nvalue = true\n',
        "app/__init__.py": "",
        "app/features.py": 'FLAGS = {"names": ["a"], "on": True}\n\n\n'
                           'def get_flag(name):\n    return FLAGS[name]\n',
        "app/views.py": textwrap.dedent("""\
            from app.features import get_flag


            def excluded(name):
                names = get_flag("names")
                if name in names:
                    return "out"
                return "in"


            def listed():
                return [n.upper() for n in get_flag("names")]


            def each():
                out = []
                for n in get_flag("names"):
                    out.append(n)
                return out


            def ui():
                on = get_flag("on")
                if on:
                    return "new"
                return "old"
            """),
        "main.py": "from app import views\n\n"
                   "print(views.excluded('a'), views.listed(), views.each(), views.ui())\n",
    })
    run = [sys.executable, "main.py"]
    before = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True,
                            check=True).stdout
    assert main(["check", str(tmp_path), "--no-cache", "--select", "FL202"]) == 1
    out, _ = capsys.readouterr()
    reason = ("no fix: its value is used for more than its truth here or through a name bound "
              "to it (an attribute, item or call of it, `in`, iterated, entered by `with`, or "
              "arithmetic), which a literal would not be")
    assert [line.split(": FL202")[0] + (" no fix" if line.endswith(reason) else "")
            for line in out.splitlines() if "FL202" in line] == [
        "app/views.py:5:13 no fix", "app/views.py:12:32 no fix", "app/views.py:17:14 no fix",
        "app/views.py:23:10"]
    fix(tmp_path, capsys)
    assert 'names = get_flag("names")' in (tmp_path / "app" / "views.py").read_text()
    assert "def ui():\n    return \"new\"\n" in (tmp_path / "app" / "views.py").read_text()
    after = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True,
                           check=True).stdout
    assert after == before == "out ['A'] ['a'] new\n"
    code = main(["clean", "names", "--value", "false", "--dry-run", str(tmp_path),
                 "--no-cache"])
    out = "".join(capsys.readouterr())
    assert code == 1
    assert "would change 0 files" in out
    assert out.count("a read of `names` is left (its value is used for more than its truth") \
        == 3


def test_a_wrapper_whose_callers_take_its_value_apart_keeps_its_read(tmp_path, capsys):
    """Found by review: `current_theme()` returns `get_flag("theme")`, and a caller says
    `current_theme().upper()`: the fix made the wrapper `return False` (through a wrapper
    of it too), and the caller raised AttributeError."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.readers]]'
                          '\ncall = "app.features.get_flag"\nkey = 0\n',
        "flags.toml": '[flags.theme]\nstatus = "rolled-out"\nvalue = false\n',
        "app/__init__.py": "",
        "app/features.py": 'def get_flag(name, default=None):\n    return "dark"\n',
        "app/views.py": "from app.features import get_flag\n\n\ndef current_theme():\n"
                        "    return get_flag('theme')\n\n\ndef theme():\n"
                        "    return current_theme()\n\n\ndef banner():\n"
                        "    return theme().upper()\n",
    })
    before = (tmp_path / "app" / "views.py").read_text()
    fix(tmp_path, capsys)
    assert (tmp_path / "app" / "views.py").read_text() == before


def test_a_wrapper_one_of_whose_calls_is_left_keeps_its_read(tmp_path, capsys):
    """mlflow: `is_testing()` returns `TESTING.get()`, and one caller's dead branch holds a
    `nonlocal` (no fix removes it). `--fix` made the wrapper `return False`: the call left
    no longer read the flag, its dead branch and the helper only it calls were no longer
    findings, and `clean` exited 0 as if done. The wrapper keeps its read while a call of
    it is left; the program runs the same."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.readers]]'
                          '\ncall = "app.env.get_bool"\nkey = 0\n',
        "flags.toml": '[flags.APP_TESTING]\nowner = "core"\ntype = "operational"\n'
                      'status = "rolled-out"\nvalue = false\n',
        "app/__init__.py": "",
        "app/env.py": "def get_bool(name):\n    return False\n",
        "app/safety.py": textwrap.dedent("""\
            from app.env import get_bool


            def is_testing():
                return get_bool("APP_TESTING")


            def _validate(x):
                assert x > 0
                return x


            def run(x):
                seen = None

                def inner():
                    if is_testing():
                        _validate(x)
                        nonlocal seen
                        seen = x

                inner()
                if is_testing():
                    print("testing")
                return x, seen
            """),
        "main.py": "from app.safety import run\n\nprint(run(3))\n",
    })
    before = subprocess.run([sys.executable, "main.py"], cwd=tmp_path, capture_output=True,
                            text=True, check=True).stdout
    assert main(["check", str(tmp_path), "--no-cache", "--fix"]) == 1
    out = capsys.readouterr().out
    assert [line.split(" [")[0] for line in out.splitlines()[:-1]] == [
        "app/safety.py:5:12: FL202", "app/safety.py:8:1: FL302", "app/safety.py:17:9: FL301",
        "app/safety.py:17:12: FL202"]
    assert out.splitlines()[-1] == "Found 6 findings (2 fixed, 4 remaining) in 4 files, 1 flag."
    assert "    return get_bool(\"APP_TESTING\")\n" in (tmp_path / "app/safety.py").read_text()
    assert 'print("testing")' not in (tmp_path / "app/safety.py").read_text()
    after = subprocess.run([sys.executable, "main.py"], cwd=tmp_path, capture_output=True,
                           text=True, check=True).stdout
    assert after == before == "(3, None)\n"
    # clean says what it left, and is not done
    assert main(["clean", "APP_TESTING", "--value", "false", str(tmp_path)]) == 1
    assert "app/safety.py:17:12: a read of `APP_TESTING` is left" in capsys.readouterr().out


def test_a_read_in_bool_is_tested_and_the_truth_of_bool_is_settled(tmp_path, capsys):
    """`bool(read)` in a test is a test of the read: a string value is put in (the check
    offered that fix and `--fix` once left it, "1 remaining", still marked fixable), and
    `bool(True)` is its truth (streamlit's `bool(True) and not rerun.fragment_id`)."""
    write_tree(tmp_path, {
        "flaglint.toml": 'presets = []\n\n[[readers]]\ncall = "app.cfg.get_option"\nkey = 0\n',
        "flags.toml": '[flags.mode]\nstatus = "rolled-out"\nvalue = "auto"\n\n'
                      '[flags.fast]\nstatus = "rolled-out"\nvalue = true\n',
        "app/__init__.py": "",
        "app/cfg.py": "def get_option(key):\n    return {'mode': 'auto', 'fast': True}[key]\n",
        "app/use.py": """
            from app import cfg


            def a(y):
                if bool(cfg.get_option("mode")) and y:
                    return 1
                return 2


            def b(fragment):
                fast = bool(cfg.get_option("fast"))
                if bool(cfg.get_option("fast")) and not fragment:
                    return fast
                return None


            def c():
                return bool(cfg.get_option("mode"))
            """,
    })
    code, out, _ = fix(tmp_path, capsys)
    assert (tmp_path / "app" / "use.py").read_text() == textwrap.dedent("""\
        from app import cfg


        def a(y):
            if y:
                return 1
            return 2


        def b(fragment):
            fast = True
            if not fragment:
                return fast
            return None


        def c():
            return bool(cfg.get_option("mode"))
        """)
    # `c` answers the read's truth as a value: a string variant's real type is unknown there
    assert code == 1
    assert out.splitlines()[-1] == "Found 4 findings (3 fixed, 1 remaining) in 3 files, 2 flags."


def test_a_module_that_binds_bool_keeps_its_bool_calls(tmp_path, capsys):
    """`bool` is the builtin only where the module binds no `bool` of its own: there,
    `bool(read)` is no test of the read, and `bool("off")` says nothing (the reviewer's
    module, whose `bool` is `value == "on"`, had `bool(read) and y` become `y`)."""
    source = textwrap.dedent("""\
        from app import cfg


        def bool(value):
            return value == "on"


        def a(y):
            if bool(cfg.get_option("mode")) and y:
                return 1
            return 2
        """)
    write_tree(tmp_path, {
        "flaglint.toml": 'presets = []\n\n[[readers]]\ncall = "app.cfg.get_option"\nkey = 0\n',
        "flags.toml": '[flags.mode]\nstatus = "rolled-out"\nvalue = "off"\n',
        "app/__init__.py": "",
        "app/cfg.py": "def get_option(key):\n    return 'off'\n",
        "app/use.py": source,
    })
    fix(tmp_path, capsys)
    assert (tmp_path / "app" / "use.py").read_text() == source


def test_a_fix_that_would_leave_a_name_unbound_is_refused(tmp_path, capsys):
    """Open WebUI: `if ENABLE_LDAP.value: from ldap3 import Server` at the top of a module,
    and `Server(...)` in `ldap_login`: `clean` of the flag rolled out false deleted the
    import and left the function reading six names nothing binds (ruff F821), exit 0. The
    fix is refused, naming what still reads them and where; the file stays as it is."""
    auth = "from app.config import ENABLE_LDAP\n\nif ENABLE_LDAP.value:\n" \
           "    from json import dumps\n\n\ndef ldap_login(user):\n" \
           "    return dumps({'user': user})\n"
    write_tree(tmp_path, {
        "pyproject.toml": "[tool.flaglint]\npresets = []\nregistry = ['flags.toml']\n\n"
                          "[[tool.flaglint.definitions]]\ncall = 'app.config.Setting'\n"
                          "key = 0\nattributes = ['value']\n",
        "flags.toml": "[flags.ENABLE_LDAP]\ntype = 'release'\nowner = 'me'\n"
                      "status = 'rolled-out'\nvalue = false\n",
        "app/__init__.py": "",
        "app/config.py": "class Setting:\n    def __init__(self, name, value):\n"
                         "        self.value = value\n\n\n"
                         "ENABLE_LDAP = Setting('ENABLE_LDAP', False)\n",
        "app/auth.py": auth})
    assert main(["clean", "ENABLE_LDAP", "--value", "false", "--no-cache",
                 str(tmp_path)]) == 1
    assert "flaglint: warning: app/auth.py not changed: the fixed file would still read " \
           "`dumps` (in `ldap_login`), which only the removed code bound; delete or change " \
           "what reads it by hand, then fix again\n" in capsys.readouterr().err
    assert (tmp_path / "app" / "auth.py").read_text() == auth
    # a name the module binds again, or its branch keeps, is no loss
    assert unbound_after("import os\nif F:\n    x = 1\nx = 2\nprint(x, os)\n",
                         "import os\nx = 2\nprint(x, os)\n") == []
    assert unbound_after("if F:\n    from m import *\nprint(y)\n", "print(y)\n") == []
    # a review: bound in the function itself, or in a class body, the same
    assert unbound_after("def f(k):\n    if E.v:\n        from json import dumps\n"
                         "    return dumps(k)\n", "def f(k):\n    return dumps(k)\n") == \
        [("dumps", "`f`")]
    assert unbound_after("class A:\n    if F:\n        x = 1\n    y = x\n",
                         "class A:\n    y = x\n") == [("x", "`A`")]
    assert unbound_after("print(missing)\nif F:\n    z = 1\n", "print(missing)\n") == []
