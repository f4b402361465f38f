"""Which files are checked, their module names, and creation dates read from git."""

from __future__ import annotations

from flaglint.config import DEFAULT_TESTS, Config, load_config
from flaglint.sources.discover import GlobSet, discover

from .conftest import commit_all, git, lint_tree, write_tree


def test_globs_match_at_any_depth_and_below_folders():
    globs = GlobSet(("migrations/**", "**/test_*.py", "/build", "*.gen.py"))
    assert globs.match("migrations/0001.py")
    assert globs.match("app/migrations/0001.py")
    assert globs.match("app/tests/test_views.py")
    assert globs.match("build/lib/x.py")
    assert not globs.match("app/build/x.py")
    assert globs.match("pkg/schema.gen.py")
    assert not globs.match("app/views.py")


def test_default_tests_take_a_django_apps_tests_module():
    """ReviewBoard 8.1 keeps an app's tests in `features/tests.py`, as Django's `startapp`
    makes them; its test runner finds `test*.py`."""
    tests = GlobSet(DEFAULT_TESTS)
    assert tests.match("reviewboard/features/tests.py")
    assert tests.match("tests.py")
    assert not tests.match("app/features/tests_helpers.py")
    assert not tests.match("app/contests.py")


def test_plain_names_match_as_their_globs_do():
    # Plain names are looked up in a set; they must match exactly where their regex would.
    import re

    from flaglint.sources.discover import _glob_regex

    patterns = ("build", "venv/", " .tox ", "dist/**", "/top", "a.b", "x?")
    paths = ("build", "build/x.py", "app/build/x.py", "app/builds/x.py", "rebuild/x.py",
             "venv/lib.py", "src/venv", ".tox/a.py", "a/.tox/b", "dist/a.py", "top/a.py",
             "app/top/a.py", "a.b/c.py", "axb/c.py", "xy/a.py", "x/a.py", "app.py")
    globs = GlobSet(patterns)
    for path in paths:
        expected = any(re.fullmatch(_glob_regex(p), path) for p in patterns)
        assert globs.match(path) is expected, path


def test_src_exclude_and_module_names(tmp_path):
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\nsrc = ["src", "scripts"]\nexclude = ["legacy/**"]\n',
        "src/shop/__init__.py": "",
        "src/shop/cart.py": "",
        "src/shop/legacy/old.py": "",
        "src/shop/sub/__init__.py": "",
        "scripts/tool.py": "",
        "other/ignored.py": "",
        "src/shop/.venv/lib.py": "",
        "src/shop/notes.txt": "",
    })
    config = load_config(tmp_path / "pyproject.toml", tmp_path)
    files = [(f.rel, f.module, f.is_package) for f in discover(config)]
    assert files == [
        ("scripts/tool.py", "tool", False),
        ("src/shop/__init__.py", "shop", True),
        ("src/shop/cart.py", "shop.cart", False),
        ("src/shop/sub/__init__.py", "shop.sub", True),
    ]


def test_files_git_ignores_are_skipped(tmp_path):
    write_tree(tmp_path, {
        ".gitignore": "generated/\n*_pb2.py\n",
        "app.py": "", "generated/a.py": "", "api_pb2.py": "", "new_untracked.py": "",
    })
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "app.py", ".gitignore")
    files = [f.rel for f in discover(Config(root=tmp_path.resolve()))]
    assert files == ["app.py", "new_untracked.py"]


def test_explicit_paths_limit_the_run(tmp_path):
    write_tree(tmp_path, {"a/x.py": "", "b/y.py": "", "c.py": ""})
    config = Config(root=tmp_path.resolve())
    assert [f.rel for f in discover(config, [tmp_path / "b", tmp_path / "c.py"])] == [
        "b/y.py", "c.py"]


def test_created_date_comes_from_the_commit_that_added_the_key(tmp_path):
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n',
        "flags.toml": '[flags.old_one]\nowner = "a"\ntype = "release"\n',
        "app.py": 'client.is_enabled("old_one")\nclient.is_enabled("new_one")\n',
    })
    git(tmp_path, "init", "-q")
    commit_all(tmp_path, "add old_one", "2026-01-05")
    with (tmp_path / "flags.toml").open("a") as handle:
        handle.write('\n[flags.new_one]\nowner = "a"\ntype = "release"\n')
    commit_all(tmp_path, "add new_one", "2026-11-01")
    findings = lint_tree(tmp_path, select=("FL201",))
    assert [(f.path, f.span.line, f.message) for f in findings] == [
        ("flags.toml", 1, "Flag `old_one` expired on 2026-02-14, 282 days ago (a release flag "
                          "lives 40 days; first committed 2026-01-05); roll it out and remove "
                          "it, or set a later `expires`"),
    ]


def test_created_from_code_definitions_in_git(tmp_path):
    write_tree(tmp_path, {
        "pyproject.toml": """
            [tool.flaglint]
            presets = ["unleash"]
            [[tool.flaglint.definitions]]
            call = "*.add"
        """,
        "flags.toml": '[flags.defined]\nowner = "a"\ntype = "experiment"\n',
        "features.py": 'manager.add("other")\n',
        "app.py": 'client.is_enabled("defined")\n',
    })
    git(tmp_path, "init", "-q")
    commit_all(tmp_path, "start", "2026-09-01")
    findings = lint_tree(tmp_path, select=("FL201",))
    assert [f.message.split(";")[0] for f in findings] == [
        "Flag `defined` expired on 2026-10-11, 43 days ago (an experiment flag lives 40 days"]


def test_without_git_undated_flags_are_not_judged_and_a_note_says_why(tmp_path, capsys):
    from flaglint.cli import main

    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n',
        "flags.toml": '[flags.undated]\nowner = "a"\ntype = "release"\n',
        "app.py": 'client.is_enabled("undated")\n',
    })
    assert main(["check", str(tmp_path), "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("flaglint: note: git history unavailable (not a git repository)")
    assert "flags without `created` or `expires` are not checked for expiry" in err
