"""A check after an edit links again only the changed file when nothing other files link
through changed (results.py, `Linker.relink`): what it reports must be exactly what a run
without any cache reports, after any edit. Random edits of a small project, each checked
both ways."""

from __future__ import annotations

import ast
import random
import subprocess
import textwrap

import pytest

from flaglint import results
from flaglint.cli import main

from .conftest import write_tree

PROJECT = {
    "pyproject.toml": """
        [tool.flaglint]
        presets = ["unleash"]

        [[tool.flaglint.definitions]]
        class = "app.flags.Feature"

        [[tool.flaglint.readers]]
        call = "app.flags.is_on"
        key = 0
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
        """,
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
            return "old" if beta_on() else render(request)


        def api(name):
            if client.is_enabled(KEY):  # flaglint: ignore[FL104]
                return None
            shown = client.is_enabled("beta", default=True)
            return flags.is_on(name) or shown
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

KEYS = ["new_ui", "kill", "beta", "gamma"]
EDITABLE = ["app/views.py", "app/flags.py", "app/util.py", "tests/test_views.py"]


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True


def _edit(rng: random.Random, text: str, original: str) -> str:
    """One random edit; mostly code that still parses (a broken file is a full run)."""
    if not _parses(text) and rng.random() < 0.5:
        return original  # repaired
    edited = _change(rng, text)
    return edited if _parses(edited) or rng.random() < 0.15 else text


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


def _change(rng: random.Random, text: str) -> str:
    lines = text.splitlines(keepends=True)
    where = rng.randrange(len(lines) + 1)
    choice = rng.randrange(11)
    if choice == 0:  # a comment or a blank line moves everything below it
        lines.insert(where, rng.choice(["# a note\n", "\n"]))
    elif choice == 1:  # a new read, at module level
        lines.append(f"_x{rng.randrange(99)} = client.is_enabled({rng.choice(KEYS)!r})\n")
    elif choice == 2:  # a read inside an existing body, before a statement
        found = _body_line(rng, lines)
        if found is not None:
            at, indent = found
            lines.insert(at, f"{indent}_y = client.is_enabled({rng.choice(KEYS)!r})\n")
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
        lines.append(f"\n\ndef w{rng.randrange(99)}():\n"
                     f"    return client.is_enabled({rng.choice(KEYS)!r})\n")
    elif choice == 7:  # a nested function: a helper, or a wrapper only its module sees
        found = _body_line(rng, lines)
        if found is not None:
            at, indent = found
            returned = rng.choice(["render(1)", f"client.is_enabled({rng.choice(KEYS)!r})"])
            lines[at:at] = [f"{indent}def _inner():\n", f"{indent}    return {returned}\n"]
    elif choice == 8:  # a new function (called from another module, or not yet)
        lines.append(f"\n\ndef helper{rng.randrange(3)}():\n    return len('x')\n")
    elif choice == 9:  # a call of a function that another module may define
        lines.append(f"import app.util\n_z = app.util.helper{rng.randrange(3)}()\n")
    else:  # an import moves, or a line is duplicated
        if lines:
            lines.insert(where, lines[rng.randrange(len(lines))])
    return "".join(lines)




@pytest.mark.parametrize("history", [False, True], ids=["no-git", "git"])
def test_every_edit_reports_what_a_run_without_cache_reports(tmp_path, capsys, monkeypatch,
                                                             history):
    monkeypatch.setenv("FLAGLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "project"
    write_tree(root, PROJECT)
    if history:
        env = {"GIT_AUTHOR_DATE": "2026-10-01T12:00:00", "GIT_COMMITTER_DATE":
               "2026-10-01T12:00:00"}
        for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=a", "-c",
                                                     "user.email=a@b", "commit", "-qm", "x"]):
            subprocess.run(["git", *args], cwd=root, check=True, env={
                **__import__("os").environ, **env})
    relinked = []
    relink = results._relink

    def counted(*args: object, **kwargs: object) -> results.Summary | None:
        found = relink(*args, **kwargs)  # type: ignore[arg-type]
        relinked.append(found is not None)
        return found

    monkeypatch.setattr(results, "_relink", counted)
    rng = random.Random(7 if history else 3)
    args = ["check", str(root), "--today", "2026-12-01", "--format", "json"]
    main(args)
    capsys.readouterr()
    edits = 40 if history else 80
    for step in range(edits):
        name = rng.choice(EDITABLE)
        path = root / name
        original = textwrap.dedent(PROJECT[name]).lstrip("\n")
        path.write_text(_edit(rng, path.read_text(), original))
        code = main(args)
        cached = capsys.readouterr().out
        full_code = main([*args, "--no-cache"])
        full = capsys.readouterr().out
        assert (code, cached) == (full_code, full), f"edit {step} of {name}"
    # A read of a rolled-out flag: dead code, whose search needs every file (a full run).
    views = root / "app" / "views.py"
    views.write_text(views.read_text() + "\n_done = client.is_enabled('done')\n")
    before = len(relinked)
    assert (main(args), capsys.readouterr().out) == (main([*args, "--no-cache"]),
                                                     capsys.readouterr().out)
    assert relinked[before:] in ([], [False])
    assert sum(relinked) >= (3 if history else edits // 4), relinked
