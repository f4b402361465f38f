"""Cached runs equal uncached runs: a fuzzer takes random steps over a small project in a
shallow git clone, and after each step holds the report of a run with the cache to the
report of a run without it (`--no-cache`).

Steps: code edits (reads, keys, wrappers, helpers, broken files), files added, removed or
renamed; registry, configuration and deployment-config edits; git commits, checkouts,
stashes and `fetch --unshallow`; and other runs in between that use the same cache:
`--select`, named paths, `--fix`, `--changed-since` and `clean --dry-run`.

`FLAGLINT_FUZZ_STEPS=2000 FLAGLINT_FUZZ_SEED=9` runs others. Every divergence found stays
below as a named case."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest

from flaglint.cli import main

from .conftest import commit_all, git, write_tree

STEPS = int(os.environ.get("FLAGLINT_FUZZ_STEPS", "70"))
SEEDS = [int(s) for s in os.environ.get("FLAGLINT_FUZZ_SEED", "1,2").split(",")]
TODAY = "2026-12-01"

PROJECT = {
    "pyproject.toml": """
        [project]
        name = "shop"
        requires-python = ">=3.9"

        [tool.flaglint]
        presets = ["unleash"]

        [[tool.flaglint.definitions]]
        class = "app.flags.Feature"

        [[tool.flaglint.readers]]
        call = "app.flags.is_on"
        key = 0

        [tool.flaglint.environments]
        prod = "deploy/prod.env"
        servers = "deploy/servers/*.toml"
        """,
    "flags.toml": """
        [flags.new_ui]
        owner = "web"
        type = "release"
        created = 2026-10-01

        [flags.kill]
        owner = "ops"
        type = "kill-switch"

        [flags.done]
        status = "rolled-out"
        value = true

        [flags.peg]
        status = "retired"
        retired = 2026-06-01
        """,
    "deploy/prod.env": "NEW_UI=true\nKILL=false\nDONE=true\n",
    "deploy/servers/a.toml": "[flags]\nnew_ui = true\ndone = true\n",
    "deploy/servers/b.toml": "[flags]\nnew_ui = true\ndone = true\n",
    "deploy/servers/c.toml": "[flags]\nnew_ui = false\ndone = true\n",
    "app/__init__.py": "",
    "app/flags.py": """
        import enum

        from UnleashClient import UnleashClient

        client = UnleashClient()
        PREFIX = "new"


        class Feature(enum.Enum):
            NEW_UI = "new_ui"
            KILL = "kill"


        def is_on(key):
            return client.is_enabled(key)


        def new_ui_on():
            return client.is_enabled(f"{PREFIX}_ui")


        def beta_on():
            key = "beta"
            return client.is_enabled(key)
        """,
    "app/views.py": """
        from app import flags
        from app.flags import Feature, beta_on, client, is_on, new_ui_on

        KEY = "kill"


        def page(request):
            if new_ui_on():
                return "new"
            if is_on(Feature.KILL.value):
                return "off"
            if client.is_enabled("done"):
                return legacy(request)
            return "old" if beta_on() else render(request)


        def legacy(request):
            return render(request)


        def api(name):
            if client.is_enabled(KEY):  # flaglint: ignore[FL104]
                return None
            shown = client.is_enabled("beta", default=True)
            return flags.is_on(name) or shown
        """,
    "app/peg.py": """
        from app.flags import client


        def route(order):
            if client.is_enabled("peg"):
                return peg_route(order)
            return order


        def peg_route(order):
            return order
        """,
    "app/util.py": """
        def helper():
            return 1
        """,
    "tests/test_views.py": """
        from app.flags import client
        from app.views import page


        def test_page():
            assert client.is_enabled("new_ui") in (True, False)
            assert page(None)
        """,
}

KEYS = ["new_ui", "kill", "beta", "gamma", "done", "peg"]


def _parses(text: str) -> bool:
    try:
        compile(text, "x.py", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def _body_line(rng: random.Random, lines: list[str]) -> tuple[int, str] | None:
    """A statement in a function or class body a new statement can go before, and its
    indentation."""
    body = [i for i, line in enumerate(lines) if line.startswith("    ") and
            not line.lstrip().startswith(("elif", "else", "except", "finally")) and
            (i == 0 or not lines[i - 1].rstrip().endswith(("(", ",", "\\")))]
    if not body:
        return None
    at = rng.choice(body)
    return at, lines[at][:len(lines[at]) - len(lines[at].lstrip())]


def _code_edit(rng: random.Random, text: str) -> str:
    """One random edit of Python code; mostly code that still parses."""
    lines = text.splitlines(keepends=True)
    choice = rng.randrange(12)
    key = rng.choice(KEYS)
    if choice == 0:  # a comment or a blank line moves everything below it
        lines.insert(rng.randrange(len(lines) + 1), rng.choice(["# a note\n", "\n"]))
    elif choice == 1:  # a new read at module level
        lines.append(f"_x{rng.randrange(99)} = client.is_enabled({key!r})\n")
    elif choice == 2 and (found := _body_line(rng, lines)) is not None:  # a read in a body
        at, indent = found
        lines.insert(at, f"{indent}_y = client.is_enabled({key!r})\n")
    elif choice == 3 and lines:  # a line goes (the file may no longer parse: FL001)
        del lines[rng.randrange(len(lines))]
    elif choice == 4 and lines:  # a suppression comment
        at = rng.randrange(len(lines))
        if lines[at].strip() and "#" not in lines[at]:
            lines[at] = lines[at].rstrip("\n") + "  # flaglint: ignore\n"
    elif choice == 5:  # a key changes
        old, new = rng.sample(KEYS, 2)
        return text.replace(f'"{old}"', f'"{new}"', 1)
    elif choice == 6:  # a new wrapper: other files may call it
        lines.append(f"\n\ndef w{rng.randrange(9)}():\n    return client.is_enabled({key!r})\n")
    elif choice == 7 and (found := _body_line(rng, lines)) is not None:  # a nested function
        at, indent = found
        returned = rng.choice(["render(1)", f"client.is_enabled({key!r})"])
        lines[at:at] = [f"{indent}def _inner():\n", f"{indent}    return {returned}\n"]
    elif choice == 8:  # a new function (called from another module, or not yet)
        lines.append(f"\n\ndef helper{rng.randrange(3)}():\n    return len('x')\n")
    elif choice == 9:  # a call of a function another module may define, or a wrapper
        lines.append(rng.choice([f"import app.util\n_z = app.util.helper{rng.randrange(3)}()\n",
                                 f"from app.views import w{rng.randrange(9)}\n"]))
    elif choice == 10:  # a module-level key constant
        lines.append(f"K{rng.randrange(3)} = {key!r}\n")
    elif lines:  # an import moves, or a line is duplicated
        lines.insert(rng.randrange(len(lines) + 1), lines[rng.randrange(len(lines))])
    return "".join(lines)


class Fuzz:
    def __init__(self, root: Path, rng: random.Random, capsys: pytest.CaptureFixture[str]):
        self.root = root
        self.rng = rng
        self.capsys = capsys
        self.commits = 0
        self.log: list[str] = []

    # -- running --------------------------------------------------------------------------

    def run(self, *args: str) -> tuple[int, str, str]:
        code = main([*args])
        found = self.capsys.readouterr()
        return code, found.out, found.err

    def compare(self) -> None:
        """The cached report, and the cached `--changed-since` report, are the uncached ones."""
        args = ["check", str(self.root), "--today", TODAY, "--format", "json"]
        variants = [args]
        if self.commits >= 2:
            variants.append([*args, "--changed-since", "HEAD~1"])
        for variant in variants:
            cached = self.run(*variant)
            assert cached[0] in (0, 1), (self.log, cached[2])
            fresh = self.run(*variant, "--no-cache")
            assert cached == fresh, (self.log, variant)

    # -- steps ----------------------------------------------------------------------------

    def python_files(self) -> list[Path]:
        return sorted(p for p in self.root.rglob("*.py") if ".git" not in p.parts)

    def step(self) -> None:
        kinds = [self.edit_code] * 6 + [self.add_file, self.remove_file, self.rename_file,
                                        self.edit_registry, self.edit_config, self.edit_env,
                                        self.commit, self.commit, self.checkout, self.stash,
                                        self.stage, self.unshallow, self.other_run,
                                        self.other_run]
        self.rng.choice(kinds)()

    def edit_code(self) -> None:
        files = self.python_files()
        if not files:
            return
        path = self.rng.choice(files)
        text = path.read_text()
        edited = _code_edit(self.rng, text)
        if not _parses(edited) and self.rng.random() < 0.8:
            edited = text if self.rng.random() < 0.5 else edited
        path.write_text(edited)
        self.log.append(f"edit {path.relative_to(self.root)}")

    def add_file(self) -> None:
        name = f"app/extra{self.rng.randrange(4)}.py"
        key = self.rng.choice(KEYS)
        (self.root / name).write_text(
            f"from app.flags import client, new_ui_on\n\n\ndef extra():\n"
            f"    if client.is_enabled({key!r}):\n        return new_ui_on()\n"
            f"    return None\n")
        self.log.append(f"add {name}")

    def remove_file(self) -> None:
        files = [p for p in self.python_files() if p.name != "__init__.py"]
        if len(files) > 3:
            path = self.rng.choice(files)
            path.unlink()
            self.log.append(f"remove {path.relative_to(self.root)}")

    def rename_file(self) -> None:
        files = [p for p in self.python_files() if p.name != "__init__.py"]
        if files:
            path = self.rng.choice(files)
            target = path.with_name(f"moved{self.rng.randrange(9)}.py")
            if not target.exists():
                path.rename(target)
                self.log.append(f"rename {path.relative_to(self.root)}")

    def edit_registry(self) -> None:
        path = self.root / "flags.toml"
        text = path.read_text()
        choice = self.rng.randrange(4)
        if choice == 0:
            text = text.replace('status = "rolled-out"', 'status = "active"', 1)
        elif choice == 1:
            key = self.rng.choice(KEYS)
            if f"[flags.{key}]" not in text:
                text += f'\n[flags.{key}]\nowner = "x"\ntype = "release"\n'
        elif choice == 2:
            text = text.replace('owner = "web"', 'owner = "payments"')
        else:
            text = text.replace('[flags.kill]\nowner = "ops"',
                                '[flags.kill]\nstatus = "rolled-out"\nvalue = false\nowner = "ops"')
        path.write_text(text)
        self.log.append("registry")

    def edit_config(self) -> None:
        path = self.root / "pyproject.toml"
        text = path.read_text()
        choice = self.rng.randrange(3)
        if choice == 0:
            text = text.replace('presets = ["unleash"]', 'presets = ["unleash", "posthog"]')
        elif choice == 1:
            text = text.replace('">=3.9"', '">=3.11"') if '">=3.9"' in text else \
                text.replace('">=3.11"', '">=3.9"')
        else:
            text = text.replace("[tool.flaglint]\n", '[tool.flaglint]\ntests = ["tests/**"]\n', 1) \
                if "tests = " not in text else text.replace('tests = ["tests/**"]\n', "")
        path.write_text(text)
        self.log.append("config")

    def edit_env(self) -> None:
        path = self.root / "deploy" / self.rng.choice(["prod.env", "servers/c.toml"])
        text = path.read_text()
        text = text.replace("false", "TRUE") if "false" in text else \
            text.replace("true", "false", 1)
        path.write_text(text.replace("TRUE", "true"))
        self.log.append(f"env {path.name}")

    def commit(self) -> None:
        self.commits += 1
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "--allow-empty", "-m", f"step {self.commits}",
            date=f"2026-11-{1 + self.commits % 28:02d}")
        self.log.append("commit")

    def stage(self) -> None:
        """Stage every change, or unstage it: git blame reads the index (a file renamed is
        new to it until the rename is staged)."""
        if self.rng.random() < 0.7:
            git(self.root, "add", "-A")
            self.log.append("stage")
        else:
            git(self.root, "reset", "-q")
            self.log.append("unstage")

    def checkout(self) -> None:
        if self.commits < 2:
            return
        stashed = self._stash()
        git(self.root, "checkout", "-q", "HEAD~1")
        self.compare()
        git(self.root, "checkout", "-q", "-")
        if stashed:
            git(self.root, "stash", "pop", "-q")
        self.log.append("checkout HEAD~1 and back")

    def stash(self) -> None:
        if self._stash():
            self.compare()
            git(self.root, "stash", "pop", "-q")
            self.log.append("stash and pop")

    def _stash(self) -> bool:
        """Stash every change; True when there was one to stash."""
        before = git(self.root, "stash", "list").count("\n")
        git(self.root, "stash", "-q", "--include-untracked")
        return git(self.root, "stash", "list").count("\n") > before

    def unshallow(self) -> None:
        if (self.root / ".git" / "shallow").exists():
            git(self.root, "fetch", "-q", "--unshallow")
            self.log.append("fetch --unshallow")

    def other_run(self) -> None:
        """A run that shares the cache: it must leave nothing that changes later answers."""
        root = str(self.root)
        choice = self.rng.randrange(5)
        if choice == 0:
            self.run("check", root, "--today", TODAY, "--select", "FL3")
        elif choice == 1:
            self.run("check", str(self.root / "app" / "views.py"), "--today", TODAY)
        elif choice == 2:
            self.run("check", root, "--today", TODAY, "--fix")
        elif choice == 3 and self.commits >= 2:
            self.run("check", root, "--today", TODAY, "--changed-since", "HEAD~1", "--select",
                     "FL4")
        else:
            self.run("clean", self.rng.choice(["done", "new_ui", "peg"]), "--value",
                     self.rng.choice(["true", "false"]), root, "--dry-run", "--today", TODAY)
        self.log.append(f"other run {choice}")


def make_clone(tmp_path: Path) -> Path:
    """A shallow clone of a repository with dated history, including the key `peg`
    read before it was retired."""
    origin = tmp_path / "origin"
    write_tree(origin, PROJECT)
    git(origin, "init", "-q", "-b", "main")
    flags = (origin / "flags.toml").read_text()
    (origin / "flags.toml").write_text(flags.replace(
        '[flags.peg]\nstatus = "retired"\nretired = 2026-06-01\n',
        '[flags.peg]\nowner = "x"\ntype = "release"\n'))
    commit_all(origin, "start", "2026-01-10")
    (origin / "app" / "util.py").write_text("def helper():\n    return 2\n")
    commit_all(origin, "helper", "2026-03-10")
    (origin / "flags.toml").write_text(flags)
    commit_all(origin, "retire peg", "2026-06-01")
    (origin / "app" / "util.py").write_text("def helper():\n    return 3\n")
    commit_all(origin, "helper again", "2026-09-10")
    root = tmp_path / "project"
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{origin}", str(root))
    return root


@pytest.mark.parametrize("seed", SEEDS)
def test_random_steps_give_what_a_run_without_cache_gives(tmp_path, capsys, monkeypatch,
                                                          seed):
    monkeypatch.setenv("FLAGLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = make_clone(tmp_path)
    fuzz = Fuzz(root, random.Random(seed), capsys)
    fuzz.compare()
    for _ in range(STEPS):
        fuzz.step()
        fuzz.compare()


# -- divergences, each a case of its own ---------------------------------------------------


def test_after_git_rm_of_another_flags_file_the_dead_helpers_are_counted_alike(
        tmp_path, capsys, monkeypatch):
    """FL203 counts the dead helpers `clean` would remove; once another flag's file is gone
    (`git rm`), a cached run must count what a run without cache counts."""
    monkeypatch.setenv("FLAGLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "p"
    write_tree(root, {
        "pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n'
                          '[tool.flaglint.environments]\nprod = "prod.env"\n',
        "flags.toml": '[flags.a]\nowner = "x"\ntype = "release"\n'
                      '[flags.b]\nowner = "x"\ntype = "release"\n',
        "prod.env": "a=true\nb=true\n",
        "a.py": "from UnleashClient import client\nfrom helpers import old\n\n"
                "if client.is_enabled('a'):\n    pass\nelse:\n    old()\n",
        "b.py": "from UnleashClient import client\nfrom helpers import old\n\n"
                "if client.is_enabled('b'):\n    old()\n",
        "helpers.py": "def old():\n    return 1\n",
    })
    git(root, "init", "-q")
    commit_all(root, "start", "2026-11-01")
    fuzz = Fuzz(root, random.Random(0), capsys)
    fuzz.compare()
    git(root, "rm", "-q", "b.py")
    fuzz.compare()
    _, out, _ = fuzz.run("check", str(root), "--today", TODAY, "--select", "FL203")
    assert "would settle 1 read and remove 1 dead branch (2 lines)" in out


def test_clean_dry_run_then_check_counts_every_dead_helper(tmp_path, capsys, monkeypatch):
    """`clean … --dry-run` analyses the project with the flag pinned; a check after it must
    not take that analysis for its own."""
    monkeypatch.setenv("FLAGLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = make_clone(tmp_path)
    fuzz = Fuzz(root, random.Random(0), capsys)
    fuzz.run("clean", "new_ui", "--value", "true", str(root), "--dry-run", "--today", TODAY)
    fuzz.compare()


def test_fetch_unshallow_changes_what_history_says(tmp_path, capsys, monkeypatch):
    """After `git fetch --unshallow`, which flaglint's own note advises, a cached run must
    see the whole history: the 2026-01 read of `peg` is left-over code (FL404), where the
    shallow clone could not tell."""
    monkeypatch.setenv("FLAGLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = make_clone(tmp_path)
    fuzz = Fuzz(root, random.Random(0), capsys)
    fuzz.compare()
    shallow = fuzz.run("check", str(root), "--today", TODAY, "--select", "FL4")
    git(root, "fetch", "-q", "--unshallow")
    fuzz.compare()
    deep = fuzz.run("check", str(root), "--today", TODAY, "--select", "FL4")
    assert shallow != deep
    assert "app/peg.py:5:8: FL404" in deep[1]


_ROUTE = ("from UnleashClient import UnleashClient\n\nclient = UnleashClient()\n\n\n"
          "def route():\n    if client.is_enabled({key}):\n        return 1\n    return 0\n")


def test_blame_is_asked_again_when_a_rename_is_staged(tmp_path, capsys, monkeypatch):
    """`git blame` reads the index: a file moved without git is new to it (its read of the
    retired key is a reuse, FL401); once the move is staged, blame follows the file's
    history (left-over code, FL404). HEAD and the file's bytes are the same both times."""
    monkeypatch.setenv("FLAGLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = _repository_with_a_retired_read(tmp_path)

    assert "app/old.py:7:8: FL404 [peg]" in _said(root, capsys)
    (root / "app" / "old.py").rename(root / "app" / "moved.py")
    assert "app/moved.py:7:8: FL401 [peg]" in _said(root, capsys)
    git(root, "add", "-A")
    assert "app/moved.py:7:8: FL404 [peg]" in _said(root, capsys)
    git(root, "reset", "-q")
    assert "app/moved.py:7:8: FL401 [peg]" in _said(root, capsys)


def test_blame_is_asked_again_when_its_ignored_revisions_are_set(tmp_path, capsys,
                                                                monkeypatch):
    """`blame.ignoreRevsFile` (GitHub's advice for a reformatting commit) makes blame look
    through the commits it lists: the read a reformat touched after the key was retired is
    left-over code again, not a reuse."""
    monkeypatch.setenv("FLAGLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = _repository_with_a_retired_read(tmp_path)
    (root / "app" / "old.py").write_text(_ROUTE.format(key='"peg",'))
    commit_all(root, "style: trailing commas", "2026-08-01")
    reformat = git(root, "rev-parse", "HEAD").strip()
    (root / ".git-blame-ignore-revs").write_text(f"{reformat}\n")
    commit_all(root, "ignore the reformat in blame", "2026-08-02")

    assert "app/old.py:7:8: FL401 [peg]" in _said(root, capsys)
    git(root, "config", "blame.ignoreRevsFile", ".git-blame-ignore-revs")
    assert "app/old.py:7:8: FL404 [peg]" in _said(root, capsys)
    (root / ".git-blame-ignore-revs").write_text("")  # the file's content counts too
    assert "app/old.py:7:8: FL401 [peg]" in _said(root, capsys)


def _said(root: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """The FL4 findings of a cached run, held to a run without the cache."""
    args = ["check", str(root), "--today", TODAY, "--select", "FL401,FL404"]
    cached = main(args), capsys.readouterr().out
    assert cached == (main([*args, "--no-cache"]), capsys.readouterr().out)
    return cached[1]


@pytest.mark.parametrize("setting", [
    ("config", "diff.noprefix", "true"),  # `diff --git flags.toml flags.toml`
    ("config", "diff.mnemonicPrefix", "true"),
    ("config", "i18n.logOutputEncoding", "ISO-8859-1"),
    ("attributes", "flags.toml -diff"),  # "Binary files differ"
    ("attributes", "*.py diff=strip\n"),  # a textconv that drops the read's line
])
def test_a_users_git_settings_change_no_history(tmp_path, capsys, monkeypatch, setting):
    """The registry's history and blame are read from git's output: settings a user may
    have (in ~/.gitconfig or the repository) never change what flaglint finds in it, with
    or without the cache (with `diff.noprefix` the history came back empty)."""
    monkeypatch.setenv("FLAGLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = _repository_with_a_retired_read(tmp_path)
    expected = "app/old.py:7:8: FL404 [peg] Flag `peg` was retired on 2026-06-01 ("
    assert expected in _said(root, capsys)
    if setting[0] == "config":
        git(root, "config", setting[1], setting[2])
    else:
        git(root, "config", "diff.strip.textconv", "grep -v is_enabled")
        (root / ".gitattributes").write_text(setting[1] + "\n")
    assert expected in _said(root, capsys)


def test_history_rewritten_at_the_same_head_is_read_again(tmp_path, capsys, monkeypatch):
    """`git replace --graft` (old history stitched below an imported one) and a linked
    worktree of a shallow clone fetched whole change what history says with HEAD the
    same: the cache's git state holds the replace refs and the main repository's shallow
    file."""
    monkeypatch.setenv("FLAGLINT_CACHE_DIR", str(tmp_path / "cache"))
    old = _repository_with_a_retired_read(tmp_path)
    root = tmp_path / "imported"
    shutil.copytree(old, root, ignore=shutil.ignore_patterns(".git"))
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "import", "2026-10-01")
    imported = git(root, "rev-parse", "--short=7", "HEAD").strip()
    retired = git(old, "rev-parse", "--short=7", "HEAD").strip()
    assert f"was retired on 2026-06-01 ({imported})" in _said(root, capsys)  # the import
    git(root, "fetch", "-q", str(old), "main:old")
    git(root, "replace", "--graft", "main", "old")
    assert f"was retired on 2026-06-01 ({retired})" in _said(root, capsys)

    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{old}", str(shallow))
    git(shallow, "worktree", "add", "-q", str(tmp_path / "tree"), "HEAD")
    args = ["check", str(tmp_path / "tree"), "--today", TODAY]
    assert main(args) == 1
    assert "shallow clone" in capsys.readouterr().err
    git(shallow, "fetch", "-q", "--unshallow")
    cached = main(args), capsys.readouterr()
    assert cached == (main([*args, "--no-cache"]), capsys.readouterr())
    assert "shallow clone" not in cached[1].err


def test_a_merge_in_progress_is_blamed_again(tmp_path, capsys, monkeypatch):
    """During a merge, blame takes an untracked file's lines from MERGE_HEAD's side too:
    `git merge --no-commit -s ours` changes neither HEAD, the index nor the files."""
    monkeypatch.setenv("FLAGLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = _repository_with_a_retired_read(tmp_path)
    git(root, "checkout", "-q", "-b", "side")
    (root / "app" / "side.py").write_text(_ROUTE.format(key='"peg"'))
    commit_all(root, "a read on the side", "2026-07-01")
    git(root, "checkout", "-q", "main")
    (root / "app" / "side.py").write_text(_ROUTE.format(key='"peg"'))  # untracked here
    assert "app/side.py:7:8: FL401 [peg]" in _said(root, capsys)
    git(root, "merge", "-q", "--no-commit", "-s", "ours", "side")
    assert "app/side.py:7:8: FL401 [peg]" in _said(root, capsys)  # held to --no-cache


def test_the_language_server_blames_again_when_a_rename_is_staged(tmp_path, monkeypatch):
    """The language server reuses its last analysis while the inputs are the same: a rename
    staged changes no file, but what blame answers."""
    from flaglint.server.session import Session

    monkeypatch.setenv("FLAGLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = _repository_with_a_retired_read(tmp_path)
    (root / "app" / "old.py").rename(root / "app" / "moved.py")
    server = Session()
    folder = server.add_folder(root)

    def shown() -> list[tuple[str, str]]:
        return sorted((f.code, f.path) for f in server.analyse(folder).findings
                      if f.code.startswith("FL4"))

    assert shown() == [("FL401", "app/moved.py")]
    git(root, "add", "-A")
    assert shown() == [("FL404", "app/moved.py")]


def _repository_with_a_retired_read(tmp_path: Path) -> Path:
    """A repository whose `peg` is read since 2026-01 and retired in 2026-06: the read is
    left-over code (FL404)."""
    root = tmp_path / "p"
    write_tree(root, {"pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n',
                      "flags.toml": '[flags.peg]\nowner = "x"\ntype = "release"\n',
                      "app/__init__.py": "", "app/old.py": _ROUTE.format(key='"peg"')})
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "start", "2026-01-10")
    (root / "flags.toml").write_text('[flags.peg]\nstatus = "retired"\nretired = 2026-06-01\n')
    commit_all(root, "retire peg", "2026-06-01")
    return root


def test_the_fuzzer_sees_a_cache_that_lies(tmp_path, capsys, monkeypatch):
    """The fuzzer must catch a stage stored under a key that misses an input: here, the
    links of a file stored without the symbol tables in their key."""
    from flaglint.engine import linking

    monkeypatch.setenv("FLAGLINT_CACHE_DIR", str(tmp_path / "cache"))
    real_key = linking.cache.key

    def forgetful(kind: str, *inputs: object) -> str:
        return real_key(kind, *inputs[1:]) if kind == "links" else real_key(kind, *inputs)

    monkeypatch.setattr(linking.cache, "key", forgetful)
    root = make_clone(tmp_path)
    shutil.rmtree(tmp_path / "origin")
    fuzz = Fuzz(root, random.Random(0), capsys)
    fuzz.compare()
    flags = root / "app" / "flags.py"
    flags.write_text(flags.read_text().replace('PREFIX = "new"', 'PREFIX = "old"'))
    with pytest.raises(AssertionError):
        fuzz.compare()
