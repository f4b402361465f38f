"""One cache module: pickles by kind, read back only when they hold what is expected, and
pruned to the most recently used files of each kind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flaglint import cache


def test_each_kind_keeps_its_most_recently_used_files(tmp_path, monkeypatch):
    monkeypatch.setenv("FLAGLINT_CACHE_DIR", str(tmp_path))
    paths = [cache.cache_file("history", "root", f"head{i}") for i in range(12)]
    for i, path in enumerate(paths):
        cache.store(path, {"n": i})
        os.utime(path, (1_000_000 + i, 1_000_000 + i))
    assert cache.load(paths[0], dict) is None  # pruned long ago
    assert cache.load(paths[4], dict) == {"n": 4}  # used now: kept at the next prune
    cache.store(cache.cache_file("history", "root", "new"), {"n": "new"})
    kept = sorted(p.name for p in tmp_path.glob("history-*.pickle"))
    assert len(kept) == cache.KEEP["history"] == 8
    assert paths[4].name in kept and paths[5].name not in kept
    cache.store(cache.cache_file("blame", "root", "h"), {})
    assert len(list(tmp_path.glob("history-*.pickle"))) == 8  # other kinds are left alone


def test_a_damaged_or_foreign_pickle_is_ignored(tmp_path):
    path = tmp_path / "facts-x.pickle"
    path.write_bytes(b"not a pickle")
    assert cache.load(path, dict) is None
    cache.store(path, ["a list"])
    assert cache.load(path, dict) is None
    assert cache.load(path, list) == ["a list"]


def test_cached_facts_come_back_equal(tmp_path, monkeypatch):
    from flaglint.facts.extract import extract

    monkeypatch.setenv("FLAGLINT_CACHE_DIR", str(tmp_path))
    source = b'from app import client\n\nif client.is_enabled("k", default=False):\n    go()\n'
    facts = extract(source, "m.py", "m", False)
    facts_cache = cache.FactsCache(tmp_path / "root")
    facts_cache.put("m.py", "key", facts)
    facts_cache.save({"m.py"})
    again = cache.FactsCache(tmp_path / "root")
    assert again.get("m.py", "key") == facts and again.get("m.py", "other") is None
    read_only = cache.FactsCache(tmp_path / "root", read_only=True)
    read_only.put("n.py", "key", facts)
    read_only.save({"m.py", "n.py"})
    assert cache.FactsCache(tmp_path / "root").get("n.py", "key") is None


INCREMENTAL = {
    "flags.toml": '[flags.new_ui]\nowner = "web"\ntype = "release"\ncreated = 2026-11-01\n',
    "app/__init__.py": "",
    "app/views.py": "from UnleashClient import UnleashClient\n\nclient = UnleashClient()\n\n\n"
                    "def view():\n    return client.is_enabled('new_ui')\n",
    "app/util.py": "def helper():\n    return 1\n",
}


def test_an_edit_that_leaves_the_facts_keeps_the_last_summary(tmp_path, capsys, monkeypatch):
    """An edit whose file has the facts it had (a comment; code that reads no flag in a file
    the prefilter skips) reuses the last summary: nothing is linked or checked again."""
    from flaglint import engine
    from flaglint.cli import main

    from .conftest import write_tree

    write_tree(tmp_path, INCREMENTAL)
    args = ["check", str(tmp_path), "--today", "2026-11-23", "--format", "json"]
    assert main(args) == 0
    first = capsys.readouterr().out
    runs = []
    analyze = engine.analyze
    monkeypatch.setattr(engine, "analyze", lambda *a, **k: runs.append(1) or analyze(*a, **k))
    views, util = tmp_path / "app" / "views.py", tmp_path / "app" / "util.py"
    views.write_text(views.read_text() + "\n# a note for later\n")
    util.write_text(util.read_text().replace("return 1", "return 2  # changed"))
    assert main(args) == 0
    assert capsys.readouterr().out == first and runs == []
    assert main(args) == 0 and runs == []  # and then a plain warm run
    capsys.readouterr()
    # A light file that now names a reader is read in full: a full run.
    util.write_text("from UnleashClient import UnleashClient\n\n"
                    "UnleashClient().is_enabled('typo')\n")
    assert main(args) == 1 and runs == [1]
    assert '"flag": "typo"' in capsys.readouterr().out
    # A new function that no other file calls, and moving its read, change the file's
    # facts but nothing other files link through: the file is linked again into the last
    # run's tables, with no full run, and the findings are those of a run without cache.
    views.write_text(views.read_text() + "\n\ndef banner():\n"
                     "    shown = client.is_enabled('beta')\n    return shown\n")
    assert main(args) == 1 and runs == [1]
    assert '"flag": "beta"' in capsys.readouterr().out
    views.write_text("\n\n" + views.read_text())
    assert main(args) == 1 and runs == [1]
    moved = capsys.readouterr().out
    assert '"line": 15' in moved
    assert main([*args, "--no-cache"]) == 1 and capsys.readouterr().out == moved
    assert runs == [1, 1]  # (that run without cache)
    # A new wrapper (other files may call it to read a flag): a full run.
    views.write_text(views.read_text() + "\n\ndef beta_on():\n"
                     "    return client.is_enabled('beta')\n")
    assert main(args) == 1 and runs == [1, 1, 1]
    capsys.readouterr()


def _reads(monkeypatch: pytest.MonkeyPatch, root: Path) -> list[str]:
    """The Python files `Path.read_bytes` reads from now on, relative to `root`."""
    read: list[str] = []
    read_bytes = Path.read_bytes

    def counted(self: Path) -> bytes:
        if self.suffix == ".py":
            read.append(self.relative_to(root).as_posix())
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", counted)
    return read


def _checked_then_edited(root: Path, capsys: pytest.CaptureFixture[str], history: bool
                         ) -> list[str]:
    """A project checked once, then one file edited so that its facts change (a read moves,
    a read is added); committed too with `history`. The arguments of the check."""
    from flaglint.cli import main

    from .conftest import commit_all, git, write_tree

    write_tree(root, {**INCREMENTAL, **{f"app/m{i}.py": f"X{i} = {i}\n" for i in range(5)}})
    if history:
        git(root, "init", "-q")
        commit_all(root, "start", "2026-11-01")
    args = ["check", str(root), "--today", "2026-11-23", "--format", "json"]
    assert main(args) == 0
    capsys.readouterr()
    views = root / "app" / "views.py"
    views.write_text("\n\n" + views.read_text().replace("'new_ui')", "'new_ui') and "
                                                         "client.is_enabled('old')"))
    if history:
        commit_all(root, "a second flag", "2026-11-02")
    return args


def test_a_diff_after_a_commit_reads_only_the_changed_files(tmp_path, capsys, monkeypatch):
    """`check --diff` after a commit (HEAD, and so the last summary, changed) takes the
    unchanged files' content keys from the last run, and its base analysis takes them from
    this run: only the edited file is read, and what it finds is what a run without any
    cache finds."""
    from flaglint.cli import main

    args = [*_checked_then_edited(tmp_path, capsys, history=True), "--diff", "HEAD~1"]
    read = _reads(monkeypatch, tmp_path)
    assert main(args) == 1
    found = capsys.readouterr().out
    assert set(read) == {"app/views.py"}
    assert main([*args, "--no-cache"]) == 1
    assert capsys.readouterr().out == found
    assert '"flag": "old"' in found and '"line": 9' in found


def test_a_full_run_after_an_edit_reads_only_the_changed_files(tmp_path, capsys, monkeypatch):
    """When an edit changes a file's facts, the full run that follows takes the unchanged
    files' content keys from the last run (same stat) and reads only the edited file; what
    it finds is what a run without any cache finds."""
    from flaglint.cli import main

    args = _checked_then_edited(tmp_path, capsys, history=False)
    read = _reads(monkeypatch, tmp_path)
    assert main(args) == 1
    incremental = capsys.readouterr().out
    assert set(read) == {"app/views.py"}  # (once for the facts, then by the rules)
    assert main([*args, "--no-cache"]) == 1
    assert capsys.readouterr().out == incremental
    assert '"flag": "old"' in incremental and '"line": 9' in incremental
