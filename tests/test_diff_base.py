"""`check --diff` finds what a flag gated at the base by linking the edited files again as
they were into this run's tables (`diffscope.relinked_base`), when nothing other files link
through changed. What it finds must be exactly what analysing the base finds, after any
change: random commits of a small project, each checked both ways."""

from __future__ import annotations

import os
import random
import subprocess
import textwrap
from collections.abc import Callable
from pathlib import Path

from flaglint.analysis import diffscope
from flaglint.cli import main
from flaglint.config import Config
from flaglint.engine import Project

from .conftest import write_tree
from .test_relink import EDITABLE, PROJECT, _edit

GATED = [('return "new"', 'return "newer"'), ('return "newer"', 'return "new"'),
         ('return "off"', 'return "closed"'), ('return None', 'return ()')]


def _commit(root: Path, step: int) -> None:
    date = f"2026-10-{1 + step % 28:02d}T12:00:00"
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
           "GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@b", "GIT_COMMITTER_NAME": "a",
           "GIT_COMMITTER_EMAIL": "a@b", "GIT_CONFIG_GLOBAL": os.devnull}
    subprocess.run(["git", "add", "-A"], cwd=root, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", f"step {step}", "--allow-empty"], cwd=root,
                   check=True, env=env)


def _plain(gated: diffscope.Gated) -> dict[str, dict[str, set[str]]]:
    return {key: dict(paths) for key, paths in gated.items()}


def test_the_relinked_base_gates_what_the_analysed_base_gates(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("FLAGLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "project"
    write_tree(root, PROJECT)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    _commit(root, 0)
    regated = diffscope.regated
    outcomes: list[bool] = []
    differ: list[object] = []

    def checked(project: Project, diff: diffscope.DiffScope,
                analyze: Callable[[Config, diffscope.Base | None], Project]
                ) -> dict[str, tuple[str, str]]:
        base = diffscope._base_in_place(project, diff)
        if base is not None:
            fast = diffscope.relinked_base(project, diff, base, diffscope.gated_code(project))
            outcomes.append(fast is not None)
            if fast is not None:
                slow = diffscope.gated_code(analyze(project.config, base))
                if _plain(fast) != _plain(slow):  # (an assert here would be a rule's error)
                    differ.append((sorted(diff.changed), _plain(fast), _plain(slow)))
        return regated(project, diff, analyze)

    monkeypatch.setattr(diffscope, "regated", checked)
    rng = random.Random(5)
    args = ["check", str(root), "--today", "2026-12-01", "--format", "json", "--diff", "HEAD~1"]
    for step in range(1, 41):
        for name in rng.sample(EDITABLE, rng.choice([1, 1, 2])):
            path = root / name
            original = textwrap.dedent(PROJECT[name]).lstrip("\n")
            path.write_text(_edit(rng, path.read_text(), original))
        if rng.random() < 0.4:  # what a flag gates changes: `return "new"` and the like
            views = root / "app" / "views.py"
            text = views.read_text()
            for old, new in rng.sample(GATED, 2):
                text = text.replace(old, new, 1)
            views.write_text(text)
        _commit(root, step)
        code = main(args)
        found = capsys.readouterr()
        assert code in (0, 1), found.err
        # The whole report is what a run that analyses the base reports.
        with monkeypatch.context() as slow:
            slow.setattr(diffscope, "relinked_base", lambda *args: None)
            slow.setattr(diffscope, "regated", regated)
            assert (main(args), capsys.readouterr().out) == (code, found.out), step
    assert differ == []
    # Most commits are linked again in place; some must analyse the base (an interface
    # changed, a file does not parse), and both kinds were seen.
    assert outcomes.count(True) >= 10 and False in outcomes, outcomes
