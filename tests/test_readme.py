"""The README's quick start works as written: its small project, built from the README's own
code blocks and committed to git, gives exactly the output its console blocks show, command
by command (`init`, the files it writes, the first check, the fix preview, the baseline).
Its presets table is the presets' own, and it links the configuration reference."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

from flaglint.cli import main
from flaglint.config.reference import preset_table

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
QUICK_START = README[README.index("## Quick start on your own project"):
                     README.index("### pre-commit")]


def blocks(language: str) -> list[str]:
    return re.findall(r"```" + language + r"\n(.*?)```", QUICK_START, re.S)


def sessions() -> list[tuple[str, str]]:
    """(command, what it prints) for every `$ command` of the quick start's console blocks,
    but the one that shows a real project (edx-proctoring)."""
    found = []
    for block in blocks("console"):
        if "edx_proctoring" in block:
            continue
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, printed = chunk.partition("\n")
            found.append((command, printed))
    return found


def run(root: Path, capsys, command: str) -> str:
    """A console line run as the README's reader runs it, in the project, on 2026-11-23."""
    words = shlex.split(command)
    if words[0] == "cat":
        return (root / words[1]).read_text(encoding="utf-8")
    assert words[0] == "flaglint", command
    main([words[1], str(root), "--today", "2026-11-23", "--no-cache", *words[2:]])
    out, err = capsys.readouterr()
    return out + err  # as a terminal shows them: the report, then what stderr says after it


def test_the_quick_start_prints_what_the_readme_shows(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "shop"
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    code = {block.split("\n", 1)[0]: block.split("\n", 1)[1] for block in blocks("python")}
    (root / "app" / "features.py").write_text(code["# app/features.py"])
    (root / "app" / "views.py").write_text(code["# app/views.py"])
    author = {"GIT_AUTHOR_NAME": "Ada Lovelace", "GIT_AUTHOR_EMAIL": "ada@example.com",
              "GIT_COMMITTER_NAME": "Ada Lovelace", "GIT_COMMITTER_EMAIL": "ada@example.com",
              "GIT_AUTHOR_DATE": "2026-11-02T12:00:00+00:00",
              "GIT_COMMITTER_DATE": "2026-11-02T12:00:00+00:00",
              "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "shop"]):
        subprocess.run(["git", *args], cwd=root, env={**os.environ, **author}, check=True,
                       capture_output=True)
    steps = sessions()
    assert [command for command, _ in steps][:3] == [
        "flaglint init", "cat flaglint.toml", "cat flags.toml"]
    monkeypatch.chdir(root)
    for index, (command, printed) in enumerate(steps):
        if command == "flaglint check" and "pdf_reciepts" in printed:
            # What the README says happened in between: the flag is rolled out, and a
            # teammate appended a read with a typo.
            registry = root / "flags.toml"
            registry.write_text(registry.read_text().replace(
                'created = 2026-11-02  # first seen in git\n\n[flags.search_v2]',
                'created = 2026-11-02  # first seen in git\nstatus = "rolled-out"\n'
                'value = true\n\n[flags.search_v2]'))
            views = root / "app" / "views.py"
            views.write_text(views.read_text() + code["# app/views.py, appended"])
        assert run(root, capsys, command) == printed, (index, command)
    assert len(steps) == 7


def test_the_presets_table_is_the_presets():
    assert preset_table() in README


def test_the_readme_points_at_the_configuration_reference():
    assert "[docs/configuration.md](docs/configuration.md)" in README
