"""History rules on small git repositories built with dated commits."""

from __future__ import annotations

import json
import os

import pytest

from flaglint.cli import main
from flaglint.sources import git as git_runner
from flaglint.sources import history

from .conftest import commit_all, git, lint_tree, write_tree

PYPROJECT = '[tool.flaglint]\npresets = ["unleash"]\n'


def table(key: str, description: str = "A flag", owner: str = "team",
          type_: str = "kill-switch") -> str:
    return (f'[flags.{key}]\ntype = "{type_}"\nowner = "{owner}"\n'
            f'description = "{description}"\n')


TOMBSTONE = '[flags.power_peg]\nstatus = "retired"\nretired = 2003-06-01\n'


def repo(tmp_path, files, date, message="start"):
    write_tree(tmp_path, files)
    if not (tmp_path / ".git").exists():
        git(tmp_path, "init", "-q", "-b", "main")
    commit_all(tmp_path, message, date)


def found(tmp_path, select=("FL4",)):
    return [(f.code, f.path, f.span.line, f.message)
            for f in lint_tree(tmp_path, select=select)]


def sha(tmp_path, rev="HEAD"):
    return git(tmp_path, "rev-parse", "--short=7", rev).strip()


def test_a_tombstone_read_again_is_a_reuse_and_the_old_read_a_zombie(tmp_path):
    repo(tmp_path, {"pyproject.toml": PYPROJECT,
                    "flags.toml": table("power_peg", "Power Peg"),
                    "old.py": 'if client.is_enabled("power_peg"):\n    peg()\n'}, "2003-01-15")
    repo(tmp_path, {"flags.toml": TOMBSTONE}, "2003-06-01", "retire power_peg")
    retired = sha(tmp_path)
    repo(tmp_path, {"new.py": 'if client.is_enabled("power_peg"):\n    rlp()\n'},
         "2012-07-27", "RLP")
    new = sha(tmp_path)
    (tmp_path / "wip.py").write_text('client.is_enabled("power_peg")\n')
    assert found(tmp_path) == [
        ("FL401", "new.py", 1, f"Flag `power_peg` was retired on 2003-06-01 ({retired}) and "
                               f"this read of it is new (2012-07-27, {new}); code and configs "
                               f"from its first life answer to it again: give the new meaning "
                               f"a new key"),
        ("FL404", "old.py", 1, f"Flag `power_peg` was retired on 2003-06-01 ({retired}); this "
                               f"read is left-over code that any config setting `power_peg` "
                               f"wakes up"),
        ("FL401", "wip.py", 1, f"Flag `power_peg` was retired on 2003-06-01 ({retired}) and "
                               f"this read of it is new (not committed yet); code and configs "
                               f"from its first life answer to it again: give the new meaning "
                               f"a new key"),
    ]


def test_without_git_every_read_of_a_tombstone_is_a_zombie(tmp_path):
    write_tree(tmp_path, {"pyproject.toml": PYPROJECT, "flags.toml": TOMBSTONE,
                          "a.py": 'client.is_enabled("power_peg")\n'})
    assert found(tmp_path) == [
        ("FL404", "a.py", 1, "Flag `power_peg` was retired on 2003-06-01; this read is "
                             "left-over code that any config setting `power_peg` wakes up")]


def test_a_key_removed_and_declared_again_a_year_later(tmp_path):
    repo(tmp_path, {"pyproject.toml": PYPROJECT, "flags.toml": table("beta", "Beta search"),
                    "a.py": 'client.is_enabled("beta")\n'}, "2024-03-01")
    repo(tmp_path, {"flags.toml": "", "a.py": ""}, "2024-05-01", "remove beta")
    removed = sha(tmp_path)
    repo(tmp_path, {"flags.toml": table("beta", "Beta billing"),
                    "b.py": 'client.is_enabled("beta")\n'}, "2025-05-20", "beta billing")
    again = sha(tmp_path)
    # a.py's read went with the removal; b.py's is code of the new meaning.
    assert found(tmp_path) == [
        ("FL401", "flags.toml", 1, f"Flag `beta` was removed on 2024-05-01 ({removed}) and "
                                   f"declared again on 2025-05-20 ({again}); code and configs "
                                   f"from its first life answer to it again")]


def test_the_first_life_reads_of_a_key_declared_again_are_zombies(tmp_path):
    repo(tmp_path, {"pyproject.toml": PYPROJECT, "flags.toml": table("beta", "Beta search"),
                    "a.py": 'client.is_enabled("beta")\n'}, "2024-03-01")
    repo(tmp_path, {"flags.toml": ""}, "2024-05-01", "remove beta")
    removed = sha(tmp_path)
    repo(tmp_path, {"flags.toml": table("beta", "Beta billing")}, "2025-05-20", "beta billing")
    again = sha(tmp_path)
    assert found(tmp_path, select=("FL404",)) == [
        ("FL404", "a.py", 1, f"Flag `beta` was removed from the registry on 2024-05-01 "
                             f"({removed}) and declared again on 2025-05-20 ({again}); this "
                             f"read is left-over code from its first life, and the new meaning "
                             f"wakes it up")]


@pytest.mark.parametrize(("message", "date", "reason"), [
    ('Revert "remove beta"', "2024-09-01",
     "the commit says it reverts ('Revert \"remove beta\"')"),
    ("put beta back", "2024-05-04", "the same entry came back 3 days later"),
])
def test_a_removal_restored_by_a_revert_is_reported_with_the_reason(tmp_path, message, date,
                                                                    reason):
    repo(tmp_path, {"pyproject.toml": PYPROJECT, "flags.toml": table("beta"),
                    "a.py": 'client.is_enabled("beta")\n'}, "2024-03-01")
    repo(tmp_path, {"flags.toml": ""}, "2024-05-01", "remove beta")
    removed = sha(tmp_path)
    repo(tmp_path, {"flags.toml": table("beta")}, date, message)
    again = sha(tmp_path)
    assert found(tmp_path) == [
        ("FL401", "flags.toml", 1, f"Flag `beta` was removed on 2024-05-01 ({removed}) and "
                                   f"declared again on {date} ({again}); code and configs from "
                                   f"its first life answer to it again (this looks like a "
                                   f"revert of the removal: {reason})")]


def test_a_typo_fix_is_not_a_new_meaning_but_a_rewrite_is(tmp_path):
    repo(tmp_path, {"pyproject.toml": PYPROJECT,
                    "flags.toml": table("fast", "Skip risk cheks for smal orders") +
                    "\n" + table("slow", "Cache venue quotes", owner="market-data"),
                    "a.py": 'client.is_enabled("fast")\nclient.is_enabled("slow")\n'},
         "2026-01-01")
    repo(tmp_path, {"flags.toml": table("fast", "Skip risk checks for small orders.") +
                    "\n" + table("slow", "Send orders without risk checks", owner="trading",
                                 type_="permission")}, "2026-02-01", "reword")
    rewrite = sha(tmp_path)
    assert found(tmp_path) == [
        # The owner changed too: a handover, not part of the new meaning.
        ("FL402", "flags.toml", 6, f"Flag `slow` changed meaning on 2026-02-01 ({rewrite}): "
                                   f'type "kill-switch" became "permission"; description "Cache '
                                   f'venue quotes" became "Send orders without risk checks"; '
                                   f"code and configs written for the old meaning now run under "
                                   f"the new one")]


def test_history_follows_a_renamed_registry_and_merges(tmp_path):
    repo(tmp_path, {"pyproject.toml": PYPROJECT, "flags.toml": table("a") + "\n" + table("b"),
                    "x.py": 'client.is_enabled("a")\nclient.is_enabled("b")\n'}, "2025-01-01")
    git(tmp_path, "checkout", "-q", "-b", "feature")
    repo(tmp_path, {"flags.toml": table("a")}, "2025-02-01", "remove b on a branch")
    git(tmp_path, "checkout", "-q", "main")
    repo(tmp_path, {"y.py": "pass\n"}, "2025-02-02", "unrelated")
    git(tmp_path, "merge", "-q", "--no-ff", "feature", "-m", "merge feature",
        date="2025-02-03")
    merge = sha(tmp_path)
    (tmp_path / "config").mkdir()
    git(tmp_path, "mv", "flags.toml", "config/flags.toml")
    write_tree(tmp_path, {"pyproject.toml": PYPROJECT + 'registry = ["config/flags.toml"]\n'})
    commit_all(tmp_path, "move the registry", "2025-03-01")
    result = history.read_history(tmp_path, ["config/flags.toml"], [], set())
    events = {k: [(e.kind.value, e.commit.date.isoformat()) for e in h.events]
              for k, h in result.keys.items()}
    assert events == {"a": [("declared", "2025-01-01")],
                      "b": [("declared", "2025-01-01"), ("removed", "2025-02-03")]}
    assert found(tmp_path) == [
        ("FL404", "x.py", 2, f"Flag `b` was removed from the registry on 2025-02-03 ({merge}); "
                             f"this read is left-over code that any config setting `b` wakes "
                             f"up")]


def test_history_is_read_once_a_head_and_again_after_a_commit(tmp_path, monkeypatch,
                                                                capsys):
    repo(tmp_path, {"pyproject.toml": PYPROJECT, "flags.toml": table("a"),
                    "x.py": 'client.is_enabled("a")\n'}, "2025-01-01")
    logs = []
    real = history._log
    monkeypatch.setattr(history, "_log", lambda *a, **k: logs.append(a) or real(*a, **k))
    args = ["check", str(tmp_path), "--today", "2025-02-01", "--select", "FL4"]
    main(args)
    assert len(logs) == 1
    # Another run on the same HEAD, after an edit (no whole-result hit): no git log.
    write_tree(tmp_path, {"x.py": 'client.is_enabled("a")\nclient.is_enabled("a")\n'})
    main(args)
    assert len(logs) == 1
    repo(tmp_path, {"y.py": "z = 1\n"}, "2025-01-02")
    main(args)
    assert len(logs) == 2
    capsys.readouterr()


def test_diff_keeps_changed_lines_and_the_history_of_touched_keys(tmp_path, capsys):
    repo(tmp_path, {"pyproject.toml": PYPROJECT,
                    "flags.toml": table("power_peg", "Power Peg") + "\n" + table("other"),
                    "old.py": 'if client.is_enabled("power_peg"):\n    peg()\n',
                    "other.py": 'client.is_enabled("typo_one")\n'}, "2003-01-15")
    repo(tmp_path, {"flags.toml": TOMBSTONE + "\n" + table("other")}, "2003-06-01", "retire")
    git(tmp_path, "checkout", "-q", "-b", "rlp")
    repo(tmp_path, {"new.py": 'client.is_enabled("power_peg")\nclient.is_enabled("typo_two")\n'},
         "2012-07-27", "RLP")
    code = main(["check", str(tmp_path), "--no-cache", "--changed-since", "main", "--select",
                 "FL101,FL4"])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert [line.split(": ")[0] + " " + line.split(" ")[1] for line in out[:-1]] == [
        "new.py:1:1 FL401", "new.py:2:1 FL101"]
    # Touch the tombstone's entry: the old reads of the key belong to the review too.
    write_tree(tmp_path, {"flags.toml": TOMBSTONE.replace("2003-06-01", "2003-06-02") + "\n" +
                          table("other")})
    main(["check", str(tmp_path), "--no-cache", "--changed-since", "main", "--select", "FL101,FL4"])
    out = capsys.readouterr().out.splitlines()
    assert [line.split(" ")[0] + " " + line.split(" ")[1] for line in out[:-1]] == [
        "new.py:1:1: FL401", "new.py:2:1: FL101", "old.py:1:4: FL404"]


def test_diff_with_an_unknown_ref_or_a_shallow_clone(tmp_path, capsys):
    repo(tmp_path, {"pyproject.toml": PYPROJECT, "flags.toml": table("a"), "x.py": ""},
         "2025-01-01")
    assert main(["check", str(tmp_path), "--changed-since", "origin/nope"]) == 2
    err = capsys.readouterr().err
    assert err == ("flaglint: error: --changed-since origin/nope: unknown git reference "
                   "'origin/nope'; name a branch, tag or commit (`git fetch origin origin/nope` "
                   "if it is remote)\n")
    repo(tmp_path, {"x.py": "x = 1\n"}, "2025-02-01", "second")
    repo(tmp_path, {"x.py": "x = 2\n"}, "2025-03-01", "third")
    shallow = tmp_path.parent / f"{tmp_path.name}-shallow"
    git(tmp_path.parent, "clone", "-q", "--depth", "1", f"file://{tmp_path}", str(shallow))
    assert main(["check", str(shallow), "--no-cache", "--changed-since", "HEAD~2"]) == 2
    assert "this is a shallow clone: fetch the history with `git fetch --unshallow` (in " \
           "GitHub Actions, `fetch-depth: 0` in actions/checkout)" in capsys.readouterr().err
    assert main(["check", str(shallow), "--no-cache", "--select", "FL4"]) == 0
    assert "flaglint: note: this is a shallow clone (1 commits of flag history)" in \
        capsys.readouterr().err


def test_a_flag_that_switches_the_other_way_across_a_diff_base(tmp_path, capsys):
    """What ran when `fast_path` was on now runs when it is off: a new meaning under the same
    key. Editing what it gates (a one-line fix in a flagged branch) is not."""
    repo(tmp_path, {"pyproject.toml": PYPROJECT, "flags.toml": table("fast_path"),
                    "orders.py": 'if client.is_enabled("fast_path"):\n    use_cached_quotes()\n'
                                 'else:\n    fetch_quotes()\n'}, "2026-01-01")
    git(tmp_path, "checkout", "-q", "-b", "fix")
    repo(tmp_path, {"orders.py": 'if client.is_enabled("fast_path"):\n'
                                 '    use_cached_quotes(max_age=5)\nelse:\n    fetch_quotes()\n'},
         "2026-02-01", "quotes older than 5s are stale")
    assert main(["check", str(tmp_path), "--no-cache", "--changed-since", "main", "--select",
                 "FL402"]) == 0
    capsys.readouterr()
    git(tmp_path, "checkout", "-q", "main")
    git(tmp_path, "checkout", "-q", "-b", "change")
    repo(tmp_path, {"orders.py": 'if not client.is_enabled("fast_path"):\n'
                                 '    use_cached_quotes()\nelse:\n    fetch_quotes()\n'},
         "2026-02-01", "fast path now means fresh quotes")
    code = main(["check", str(tmp_path), "--no-cache", "--changed-since", "main", "--select",
                 "FL402"])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[0] == (
        f"flags.toml:1:1: FL402 [fast_path] Flag `fast_path` now switches the other way: code "
        f"that ran when it was on at main ({sha(tmp_path, 'main')}) runs when it is off (1 "
        f"line in orders.py), and code that ran when it was off runs when it is on (1 line in "
        f"orders.py); a new meaning needs a new key")


@pytest.mark.parametrize("also", ["renamed", "registry"])
def test_a_base_that_differs_beyond_python_edits_is_read_from_git(tmp_path, capsys, also):
    """Edits and additions of Python files analyse the base in place; a rename or a changed
    registry reads the base tree from git instead, with the same verdict."""
    repo(tmp_path, {"pyproject.toml": PYPROJECT, "flags.toml": table("fast_path"),
                    "orders.py": 'if client.is_enabled("fast_path"):\n    use_cached_quotes()\n'
                                 'else:\n    fetch_quotes()\n', "old.py": "x = 1\n"},
         "2026-01-01")
    git(tmp_path, "checkout", "-q", "-b", "change")
    if also == "renamed":
        git(tmp_path, "mv", "old.py", "new.py")
    changes = {"orders.py": 'if not client.is_enabled("fast_path"):\n    use_cached_quotes()\n'
                            'else:\n    fetch_quotes()\n'}
    if also == "registry":
        changes["flags.toml"] = table("fast_path") + "\n" + table("other")
    repo(tmp_path, changes, "2026-02-01", "fast path now skips risk checks")
    code = main(["check", str(tmp_path), "--no-cache", "--changed-since", "main", "--select",
                 "FL402"])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[0].startswith("flags.toml:1:1: FL402 [fast_path] Flag `fast_path` now switches "
                             "the other way: code that ran when it was on at main")


def test_overloaded_flag_is_off_by_default_and_opt_in(tmp_path):
    write_tree(tmp_path, {
        "pyproject.toml": PYPROJECT,
        "flags.toml": table("new_ui"),
        **{f"{pkg}/__init__.py": "" for pkg in ("billing", "search", "admin")},
        **{f"{pkg}/views.py": 'client.is_enabled("new_ui")\n'
           for pkg in ("billing", "search", "admin")},
        "tests/test_ui.py": 'client.is_enabled("new_ui")\n',
    })
    assert found(tmp_path, select=()) == []
    assert found(tmp_path, select=("FL403",)) == [
        ("FL403", "flags.toml", 1, "Flag `new_ui` is read from 3 unrelated packages (admin, "
                                   "billing, search); one key gating unrelated features cannot "
                                   "be rolled out or retired for one of them alone")]


def test_incremental_snapshots_agree_with_a_full_parse(tmp_path):
    """Random declare/reword/retire/remove edits over many commits: the state the history
    pass rebuilds patch by patch is the registry as it is at HEAD."""
    import random

    from flaglint.tomlsource import tomllib

    rng = random.Random(11)
    flags: dict[str, tuple[str, str]] = {}
    git(tmp_path, "init", "-q", "-b", "main")
    for n in range(40):
        for _ in range(rng.randrange(1, 4)):
            key = f"k{rng.randrange(12)}"
            roll = rng.random()
            if roll < 0.5:
                flags[key] = ("active", f"meaning {rng.randrange(5)} of {key}")
            elif roll < 0.7 and key in flags:
                flags[key] = ("retired", "")
            elif key in flags:
                del flags[key]
        parts = [f'# registry, edit {n}']
        for key, (status, description) in sorted(flags.items(), key=lambda _: rng.random()):
            body = 'status = "retired"' if status == "retired" else \
                f'type = "release"\ndescription = "{description}"'
            parts.append(f"[flags.{key}]\n{body}\n")
        (tmp_path / "flags.toml").write_text("\n".join(parts))
        commit_all(tmp_path, f"edit {n}", f"2025-01-{1 + n % 28:02d}")
    result = history.read_history(tmp_path, ["flags.toml"], [], set())
    head = tomllib.loads((tmp_path / "flags.toml").read_text())["flags"]
    rebuilt = {}
    for key, key_history in result.keys.items():
        state = None
        for event in key_history.events:
            if event.kind is history.EventKind.REMOVED:
                state = None
            elif event.kind is history.EventKind.RETIRED:
                state = "retired"
            elif event.kind in (history.EventKind.DECLARED, history.EventKind.REVIVED,
                                history.EventKind.CHANGED):
                state = "retired" if event.kind is history.EventKind.DECLARED and \
                    state == "retired" else (event.after.description if event.after and
                                             event.after.description else state)
        if state is not None:
            rebuilt[key] = state
    expected = {k: "retired" if v.get("status") == "retired" else v["description"]
                for k, v in head.items()}
    assert rebuilt == expected


def test_a_second_run_on_the_same_head_runs_no_git(tmp_path, monkeypatch, capsys):
    repo(tmp_path, {"pyproject.toml": PYPROJECT, "flags.toml": TOMBSTONE,
                    "old.py": 'client.is_enabled("power_peg")\n'}, "2003-06-01")
    first = main(["check", str(tmp_path), "--select", "FL4"])
    out = capsys.readouterr().out
    calls = []
    real = git_runner.subprocess.run

    def spy(args, *rest, **kwargs):
        calls.append(args)
        return real(args, *rest, **kwargs)

    monkeypatch.setattr(git_runner.subprocess, "run", spy)
    assert main(["check", str(tmp_path), "--select", "FL4"]) == first == 1
    assert capsys.readouterr().out == out
    # Discovery still asks git which files it ignores; the history asks nothing.
    asked = (["rev-parse", "HEAD"], ["rev-parse", "--is-shallow-repository"])
    history_calls = [c for c in calls if c[0] == "git" and (
        c[1] in ("log", "blame", "rev-list") or c[1:] in asked)]
    assert history_calls == []


def test_a_tombstone_made_active_again_is_a_reuse_at_the_registry(tmp_path):
    repo(tmp_path, {"pyproject.toml": PYPROJECT, "flags.toml": table("power_peg"),
                    "old.py": 'if client.is_enabled("power_peg"):\n    go()\n'}, "2003-01-01")
    repo(tmp_path, {"flags.toml": TOMBSTONE}, "2003-06-01", "retire power_peg")
    repo(tmp_path, {"flags.toml": table("power_peg", "Route to the RLP")}, "2012-07-01",
         "use power_peg for the RLP")
    retired, revived = sha(tmp_path, "HEAD~1"), sha(tmp_path)
    assert found(tmp_path) == [
        ("FL401", "flags.toml", 1,
         f"Flag `power_peg` was retired on 2003-06-01 ({retired}) and made active again on "
         f"2012-07-01 ({revived}); code and configs from its first life answer to it again"),
        ("FL404", "old.py", 1,
         f"Flag `power_peg` was retired on 2003-06-01 ({retired}) and made active again on "
         f"2012-07-01 ({revived}); this read is left-over code from its first life, and the "
         f"new meaning wakes it up"),
    ]


def test_a_description_that_only_gained_words_is_not_a_new_meaning(tmp_path):
    repo(tmp_path, {"pyproject.toml": PYPROJECT,
                    "flags.toml": table("beta_reports", "Beta month-end reports")},
         "2026-01-05")
    repo(tmp_path, {"flags.toml": table(
        "beta_reports", "Beta month-end reports (experiment ended: keep off)")}, "2026-11-01")
    assert found(tmp_path, select=("FL402",)) == []
    repo(tmp_path, {"flags.toml": table("beta_reports", "Skip risk checks for small orders")},
         "2026-11-10")
    assert [code for code, *_ in found(tmp_path, select=("FL402",))] == ["FL402"]


def test_diff_analyses_the_base_only_when_a_changed_file_reads_a_flag(tmp_path, capsys,
                                                                      monkeypatch):
    from flaglint.analysis import gating

    repo(tmp_path, {"pyproject.toml": PYPROJECT, "flags.toml": table("a"),
                    "x.py": 'if client.is_enabled("a"):\n    go()\n', "y.py": "z = 1\n"},
         "2026-01-01")
    repo(tmp_path, {"y.py": "z = 2\n"}, "2026-01-02", "no flag here")
    calls = []
    real = gating.regated
    monkeypatch.setattr(gating, "regated", lambda *a: calls.append(a) or real(*a))
    assert main(["check", str(tmp_path), "--changed-since", "HEAD~1", "--select", "FL402"]) == 0
    assert calls == []
    repo(tmp_path, {"x.py": 'if client.is_enabled("a"):\n    stop()\n'}, "2026-01-03", "regate")
    main(["check", str(tmp_path), "--changed-since", "HEAD~1", "--select", "FL402"])
    assert len(calls) == 1
    capsys.readouterr()


def test_a_run_decodes_the_blame_of_the_lines_of_reads_only(tmp_path, monkeypatch, capsys):
    """Only a file's lines of reads are blamed and kept: a later run with the same reads
    decodes those alone (jax's audit decoded 90,000 lines for 400), and says what the
    first said."""
    from flaglint.store import Store

    repo(tmp_path, {"pyproject.toml": PYPROJECT, "flags.toml": TOMBSTONE,
                    "old.py": "x = 1\n" * 50 + 'client.is_enabled("power_peg")\n'}, "2003-06-01")
    assert main(["audit", str(tmp_path), "--format", "json"]) == 0
    first = capsys.readouterr().out
    asked: list[str] = []
    real = Store.get_many

    def spy(self, kind, entries, hint):
        asked.append(kind)
        return real(self, kind, entries, hint)

    monkeypatch.setattr(Store, "get_many", spy)
    assert main(["audit", str(tmp_path), "--format", "json"]) == 0
    assert capsys.readouterr().out == first
    assert "blame-lines" in asked
    assert "blame" not in asked


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: files are blamed in turn")
def test_files_are_blamed_a_few_at_once_and_say_what_one_at_a_time_says(tmp_path, monkeypatch,
                                                                        capsys):
    """Each `git blame` works in a process of its own: an audit's first run (jax's blames 65
    files) runs a few at once, and reports what blaming them in turn reports."""
    import threading
    import time

    from flaglint.engine import origins as origins_module
    from flaglint.sources import history as history_module

    files = {f"m{i}.py": "x = 1\n" * i + 'client.is_enabled("power_peg")\n' for i in range(4)}
    repo(tmp_path, {"pyproject.toml": PYPROJECT, "flags.toml": TOMBSTONE, **files},
         "2003-06-01")
    real = history_module.line_times
    running: list[int] = []
    most = [0]
    lock = threading.Lock()

    def blaming(root, path, lines=None):
        with lock:
            running.append(1)
            most[0] = max(most[0], len(running))
        time.sleep(0.05)  # long enough for the others to start
        try:
            return real(root, path, lines)
        finally:
            with lock:
                running.pop()

    monkeypatch.setattr(history_module, "line_times", blaming)
    assert main(["audit", str(tmp_path), "--format", "json", "--no-cache"]) == 0
    together = capsys.readouterr().out
    assert most[0] >= 2
    monkeypatch.setattr(origins_module.os, "cpu_count", lambda: 1)
    most[0] = 0
    assert main(["audit", str(tmp_path), "--format", "json", "--no-cache"]) == 0
    assert capsys.readouterr().out == together
    assert most[0] == 1


def test_blaming_some_lines_says_what_blaming_the_whole_file_says_of_them(tmp_path):
    """`git blame -L` of the lines of reads, runs of lines together: each line's commit as
    a whole file's blame gives it, through edits that move lines, reindent them (`-w`),
    and lines not committed yet; an untracked file's lines have no commit."""
    import random

    rng = random.Random(7)
    lines = [f"value_{i} = {i}\n" for i in range(60)]
    repo(tmp_path, {"m.py": "".join(lines)}, "2001-01-01")
    for round_ in range(6):
        for _ in range(5):
            at = rng.randrange(len(lines))
            choice = rng.random()
            if choice < 0.4:
                lines.insert(at, f"added_{round_}_{at} = 1\n")
            elif choice < 0.6:
                del lines[at]
            elif choice < 0.8:
                lines[at] = "    " + lines[at] if not lines[at].startswith(" ") else \
                    lines[at].lstrip()  # whitespace only: -w keeps the older commit
            else:
                lines[at] = f"changed_{round_} = {at}\n"
        write_tree(tmp_path, {"m.py": "".join(lines)})
        commit_all(tmp_path, f"round {round_}", f"200{round_ + 2}-03-01")
    lines[5] = "uncommitted = 1\n"
    write_tree(tmp_path, {"m.py": "".join(lines), "new.py": "a = 1\nb = 2\n"})
    whole = history.line_times(tmp_path, "m.py")
    assert len(whole) == len(lines) and whole[6].sha is None
    assert len({origin.sha for origin in whole.values()}) >= 5
    for _ in range(20):
        asked = sorted(rng.sample(range(1, len(lines) + 1), rng.randint(1, 12)))
        assert history.line_times(tmp_path, "m.py", asked) == \
            {line: whole[line] for line in asked}
    assert history.line_times(tmp_path, "m.py", [3, 4, 5, 9]) == \
        {line: whole[line] for line in (3, 4, 5, 9)}
    assert history.line_times(tmp_path, "m.py", []) == {}
    assert history.line_times(tmp_path, "new.py", [2]) == {2: history.LineOrigin(None, 0)}
    # Found by review: lines a lone `\r` ends, which git does not count, cost no other line
    (tmp_path / "cr.py").write_bytes(b"a = 1\rb = 2\rc = 3\r")
    commit_all(tmp_path, "cr", "2009-01-01")
    whole = history.line_times(tmp_path, "cr.py")
    assert list(whole) == [1]
    assert history.line_times(tmp_path, "cr.py", [1, 3]) == {1: whole[1]}


SETTINGS = ("class Setting:\n    def __init__(self, *args, **kwargs):\n        pass\n\n"
            "    def value(self):\n        return False\n\n\n")


def test_a_key_bound_to_its_definition_has_a_history(tmp_path, capsys):
    """prefect's settings are keyed by the name they are bound to (`bound_name = true`:
    `FAST_PATH = Setting(bool)`): the history saw only keys written as strings, so a key
    removed and defined again had no FL401, and the audit counted 0 added, 0 removed."""
    use = "from app import settings\n\n\ndef f():\n    return settings.{}.value()\n"
    repo(tmp_path, {"flaglint.toml": '[[definitions]]\ncall = "app.settings.Setting"\n'
                                     'bound_name = true\nreads = ["value"]\n',
                    "app/__init__.py": "",
                    "app/settings.py": SETTINGS + "FAST_PATH = Setting(bool)\n"
                                                  "SLOW_PATH = Setting(bool)\n",
                    "app/use.py": use.format("FAST_PATH")}, "2026-07-01")
    repo(tmp_path, {"app/settings.py": SETTINGS + "SLOW_PATH = Setting(bool)\n",
                    "app/use.py": use.format("SLOW_PATH")}, "2026-08-01", "remove FAST_PATH")
    removed = sha(tmp_path)
    repo(tmp_path, {"app/settings.py": SETTINGS + "SLOW_PATH = Setting(bool)\n"
                                                  "FAST_PATH = Setting(bool)  # new meaning\n",
                    "app/use.py": use.format("FAST_PATH")}, "2026-10-01", "fast path again")
    again = sha(tmp_path)
    assert found(tmp_path, select=("FL401",)) == [
        ("FL401", "app/settings.py", 10, f"Flag `FAST_PATH` was removed on 2026-08-01 "
                                         f"({removed}) and declared again on 2026-10-01 "
                                         f"({again}); code and configs from its first life "
                                         f"answer to it again")]
    assert main(["audit", str(tmp_path), "--format", "json", "--today", "2026-12-07",
                 "--no-cache"]) in (0, 1)
    audit = json.loads(capsys.readouterr().out)
    flow = next(c for c in audit["stage"]["criteria"] if "removed as fast" in c["criterion"])
    assert flow["measured"].startswith("3 added, 1 removed")


def test_a_definition_older_than_its_tombstone_is_left_over_not_a_reuse(tmp_path, capsys):
    """A team marks a flag retired in the registry, then cleans its code: the definition
    git dates before the tombstone was FL401 "defined here again", which blocked the fix of
    its dead branch and made `clean` refuse ("two lives"). It is the first life's code, left
    over: its read is FL404, and `clean` removes both, keeping the tombstone."""
    repo(tmp_path, {"flaglint.toml": '[[definitions]]\ncall = "app.settings.Setting"\n'
                                     'key = 0\nreads = ["value"]\n',
                    "app/__init__.py": "",
                    "app/settings.py": SETTINGS + 'OLD = Setting("OLD")\n',
                    "app/use.py": "from app.settings import OLD\n\n\ndef f():\n"
                                  "    if OLD.value():\n        return 1\n    return 0\n"},
         "2026-01-01")
    repo(tmp_path, {"flags.toml": '[flags.OLD]\nstatus = "retired"\n'}, "2026-06-01",
         "retire OLD")
    assert [f[:3] for f in found(tmp_path)] == [("FL404", "app/use.py", 5)]
    (tmp_path / "app" / "new.py").write_text('from app.settings import Setting\n\n'
                                             'OLD = Setting("OLD")\n')
    assert [f[:3] for f in found(tmp_path)] == [("FL401", "app/new.py", 3),
                                                ("FL404", "app/use.py", 5)]
    (tmp_path / "app" / "new.py").unlink()
    assert main(["clean", "OLD", "--value", "false", "--no-cache", str(tmp_path)]) == 0
    assert "[flags.OLD] kept in flags.toml: it is a tombstone already, which keeps the key " \
           "from being used again." in capsys.readouterr().out
    assert (tmp_path / "flags.toml").read_text() == '[flags.OLD]\nstatus = "retired"\n'
    assert (tmp_path / "app" / "use.py").read_text() == "def f():\n    return 0\n"
    assert "OLD" not in (tmp_path / "app" / "settings.py").read_text()


def test_a_shallow_clone_cannot_say_a_definition_is_older_than_its_tombstone(tmp_path):
    """A shallow clone blames its oldest lines on its boundary commit, where the tombstone's
    event lies too: a definition written after the tombstone looked older, and its FL401
    went (a reviewer's `git clone --depth 1`). There, git cannot tell: FL401 stays."""
    origin = tmp_path / "origin"
    origin.mkdir()
    repo(origin, {"flaglint.toml": '[[definitions]]\ncall = "app.settings.Setting"\n'
                                   'key = 0\nreads = ["value"]\n',
                  "app/__init__.py": "", "app/settings.py": SETTINGS + 'OLD = Setting("OLD")\n'},
         "2026-01-01")
    repo(origin, {"flags.toml": '[flags.OLD]\nstatus = "retired"\n'}, "2026-06-01", "retire")
    repo(origin, {"app/new.py": 'from app.settings import Setting\n\nOLD = Setting("OLD")\n'},
         "2026-09-01", "OLD again")
    assert [f[:3] for f in found(origin)] == [("FL401", "app/new.py", 3)]
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", origin.as_uri(), str(clone))
    assert ("FL401", "app/new.py", 3) in [f[:3] for f in found(clone)]


def test_a_class_attribute_named_like_a_bound_key_does_not_hide_its_removal(tmp_path):
    """A reviewer's `class Legacy: FAST_PATH = Setting(bool)` beside the module's own
    `FAST_PATH = Setting(bool)`: history counted both as `FAST_PATH`, so the module one's
    removal and return had no FL401. Only a module-level binding is a bound key's line."""
    legacy = "\n\nclass Legacy:\n    FAST_PATH = Setting(bool)\n"
    repo(tmp_path, {"flaglint.toml": '[[definitions]]\ncall = "app.settings.Setting"\n'
                                     'bound_name = true\nreads = ["value"]\n',
                    "app/__init__.py": "",
                    "app/settings.py": SETTINGS + "FAST_PATH = Setting(bool)\n" + legacy},
         "2026-07-01")
    repo(tmp_path, {"app/settings.py": SETTINGS + legacy}, "2026-08-01", "remove FAST_PATH")
    repo(tmp_path, {"app/settings.py": SETTINGS + "FAST_PATH = Setting(bool)\n" + legacy},
         "2026-10-01", "FAST_PATH again")
    assert [f[:3] for f in found(tmp_path, select=("FL401",))] == [
        ("FL401", "app/settings.py", 9)]
