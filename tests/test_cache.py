"""The one cache: JSON data under the hash of each stage's inputs, in one SQLite file. It
must hold data only, survive damage, stay bounded, let a run after an edit read and link
only the edited file, and give the answers a run without it gives, wherever the project
and the cache are moved."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from flaglint import codec, store
from flaglint.cli import main
from flaglint.facts import FileFacts
from flaglint.facts.extract import extract

from .conftest import commit_all, git, write_tree

TODAY = "2026-11-23"
PROJECT = {
    "flags.toml": '[flags.new_ui]\nowner = "web"\ntype = "release"\ncreated = 2026-11-01\n\n'
                  '[flags.old]\nstatus = "rolled-out"\nvalue = true\n',
    "app/__init__.py": "",
    "app/views.py": "from UnleashClient import UnleashClient\n\nclient = UnleashClient()\n\n\n"
                    "def view():\n    return client.is_enabled('new_ui')\n",
    "app/util.py": "def helper():\n    return 1\n",
    **{f"app/m{i}.py": f"X{i} = {i}\n" for i in range(5)},
}


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("FLAGLINT_CACHE_DIR", str(folder))
    return folder


def report(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["check", *args, "--today", TODAY, "--format", "json"])
    return code, capsys.readouterr().out


def both(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """The cached run's report, held to a run without the cache."""
    cached = report(capsys, *args)
    assert cached == report(capsys, *args, "--no-cache")
    return cached


def entries(cache_dir: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(cache_dir / f"cache-v{store.FORMAT}.sqlite3") as db:
        return db.execute("SELECT kind, key, value FROM entries").fetchall()


def test_every_entry_is_json_data(tmp_path, cache_dir, capsys):
    write_tree(tmp_path / "p", PROJECT)
    both(capsys, str(tmp_path / "p"))
    kinds = set()
    for kind, _, value in entries(cache_dir):
        json.loads(value)
        kinds.add(kind)
    assert {"stats", "brief", "facts", "needles", "tables", "links", "check"} <= kinds


def test_the_prefilters_answers_are_one_entry_a_needle_set(tmp_path, cache_dir, capsys):
    """Each file's answer to a needle set is kept, by the hash of its bytes, in one entry
    for the project (thousands of entries cost more to look up than one to decode), and
    a file edited leaves no answer for its old bytes."""
    def answers() -> list[dict[str, bool]]:
        return [dict(json.loads(value)) for kind, _, value in entries(cache_dir)
                if kind == "needles"]

    write_tree(tmp_path / "p", {**PROJECT, **{f"app/l{i}.py": f"Y{i} = {i}\n" for i in range(20)}})
    root = str(tmp_path / "p")
    both(capsys, root)
    sets = answers()
    old, new = store.content_key(b"Y3 = 3\n"), store.content_key(b"Y3 = 33\n")
    assert 1 <= len(sets) <= 3  # the reader's needles, then what dead code calls
    assert all(len(found) >= 20 and found[old] is False for found in sets)
    (tmp_path / "p/app/l3.py").write_text("Y3 = 33\n")
    both(capsys, root)
    assert len(answers()) == len(sets)
    assert all(old not in found and found[new] is False for found in answers())


def test_facts_come_back_equal_and_foreign_data_makes_nothing():
    facts = extract(b'from app import client\n\nif client.is_enabled("k", default=False):\n'
                    b'    go()\n', "m.py", "m", is_package=False)
    data = json.loads(json.dumps(codec.encode(facts, FileFacts)))
    assert codec.decode(FileFacts, data) == facts
    for wrong in ([], ["m.py"], {"__reduce__": ["os.system", ["echo hi"]]}, "m.py",
                  [*data[:-1], {"py/object": "os.system"}]):
        with pytest.raises(codec.CodecError):
            codec.decode(FileFacts, wrong)
    # An Enum is read from a table of its values; a value it lacks is no member.
    from flaglint.facts import ValueKind

    assert codec.decode(ValueKind, "str") is ValueKind.STR
    for wrong in ("nope", ["str"], None):
        with pytest.raises(codec.CodecError):
            codec.decode(ValueKind, wrong)


def test_the_json_form_is_each_dataclass_as_the_list_of_its_fields():
    """The writers take a class of plain fields whole (a Span), and write an Enum by its
    value and a tuple of dataclasses in place: the JSON is the documented form."""
    from flaglint.facts import Arg, Value, ValueKind
    from flaglint.findings import Span

    call = extract(b'f("k", x=1)\n', "m.py", "m", is_package=False).calls[0]
    assert call.args == (Arg(None, Value(ValueKind.STR, "k")),
                         Arg("x", Value(ValueKind.CONST, "1")))
    assert json.dumps(codec.encode(Span(1, 2, 3, 4))) == "[1, 2, 3, 4]"
    assert store.encoded(call.args, tuple[Arg, ...]) == (
        '[[null,["str","k",-1,"",[]],""],["x",["const","1",-1,"",[]],""]]')
    assert codec.decode(tuple[Arg, ...], json.loads(store.encoded(call.args, tuple[Arg, ...]))
                        ) == call.args


def test_damage_is_a_miss(tmp_path, cache_dir, capsys):
    root = tmp_path / "p"
    write_tree(root, PROJECT)
    first = both(capsys, str(root))
    with sqlite3.connect(cache_dir / f"cache-v{store.FORMAT}.sqlite3") as db:
        db.execute("UPDATE entries SET value = '[1, 2' WHERE kind = 'links'")
        db.execute("UPDATE entries SET value = '{\"a\": 1}' WHERE kind = 'tables'")
        db.execute("DELETE FROM entries WHERE kind = 'check'")
    assert report(capsys, str(root)) == first
    (cache_dir / f"cache-v{store.FORMAT}.sqlite3").write_bytes(b"not a database at all")
    assert report(capsys, str(root)) == first
    assert report(capsys, str(root)) == first  # and a new cache was started
    assert entries(cache_dir)


def test_tables_whose_interfaces_are_gone_are_joined_from_the_files(tmp_path, cache_dir,
                                                                    capsys, monkeypatch):
    """The tables are kept as the hashes of the interfaces they join: an interface the cache
    lost or holds damaged is made again from its file's facts where the run links a file,
    and older tables that join one are taken to have changed (their links are not kept)."""
    root = tmp_path / "p"
    gates = "from app.views import client\n\n\ndef on(key):\n    return client.is_enabled(key)\n"
    write_tree(root, {**PROJECT, "app/gates.py": gates,
                      "app/pages.py": "from app.gates import on\n\nX = on('new_ui')\n"})
    from flaglint.engine import linking

    both(capsys, str(root))
    made = _count(monkeypatch, linking, "_made_interface")
    for damage in ("UPDATE entries SET value = '[1, 2' WHERE kind = 'interface'",
                   "DELETE FROM entries WHERE kind = 'interface'"):
        with sqlite3.connect(cache_dir / f"cache-v{store.FORMAT}.sqlite3") as db:
            db.execute(damage)
        with (root / "app/pages.py").open("a") as out:
            out.write("Y = on('old')\n")  # linked again: the tables looked up
        made.clear()
        both(capsys, str(root))
        assert made, "the interfaces it looked up made again from their files"
        with (root / "app/gates.py").open("a") as out:
            out.write("\n\ndef off(key):\n    return not on(key)\n")  # new tables
        both(capsys, str(root))


def test_a_file_linked_after_an_edit_decodes_only_the_interfaces_it_looks_up(
        tmp_path, cache_dir, capsys, monkeypatch):
    """After an edit that changes no interface, the edited file is linked against the
    tables joined from the stored interfaces: only those that may bind a name it looks up
    are decoded (its own module's, its package's, the module it imports from), not the
    other twenty; what the linking then says to read is found without joining them all."""
    from flaglint.engine import linking

    root = tmp_path / "p"
    write_tree(root, {**PROJECT, **{f"app/m{i}.py": "from app.views import client\n\n\n"
                                    f"def f{i}():\n    return client.is_enabled('old')\n"
                                    for i in range(20)},
                      "app/views.py": PROJECT["app/views.py"] + "\n\nfrom app.m1 import f1\n"})
    both(capsys, str(root))
    modules: list[str] = []
    real = linking._interface

    def loaded(reading, store, briefs, index):
        modules.append(briefs[index].module)
        return real(reading, store, briefs, index)

    monkeypatch.setattr(linking, "_interface", loaded)
    with (root / "app/views.py").open("a") as out:
        out.write("\nif client.is_enabled('old'):\n    f1()\n")  # its interface the same
    cached = report(capsys, str(root))
    assert modules and set(modules) <= {"app", "app.views", "app.m1"}, modules
    assert cached == report(capsys, str(root), "--no-cache")


def test_a_package_whose_name_starts_with_a_dot_is_joined_as_built(tmp_path, cache_dir,
                                                                   capsys):
    """A folder `.cfg` with an `__init__.py` is a package named `.cfg`: the joined tables
    find its names through it, as the built ones do (found by review: a cached run after
    an edit said the key `OTHER` cannot be resolved)."""
    root = tmp_path / "p"
    write_tree(root, {
        "pyproject.toml": '[tool.flaglint]\n[[tool.flaglint.readers]]\n'
                          'call = "app.flags.is_on"\nkey = 0\n',
        "flags.toml": PROJECT["flags.toml"],
        "app/__init__.py": "", ".cfg/__init__.py": "",
        "app/flags.py": "def is_on(key, default=False):\n    return default\n",
        ".cfg/keys.py": 'OTHER = "ghost_flag"\n',
        ".cfg/use.py": "from app.flags import is_on\nfrom .keys import OTHER\n\n\n"
                       "def f():\n    if is_on(OTHER):\n        return 1\n    return 2\n"})
    first = both(capsys, str(root))
    assert "ghost_flag" in first[1]
    use = root / ".cfg/use.py"
    use.write_text(use.read_text().replace("return 2", "return 3"))  # the same interface
    assert "ghost_flag" in both(capsys, str(root))[1]


def test_a_lookup_recorded_damaged_relinks_its_file(tmp_path, cache_dir, capsys):
    """The entries a file looked up are kept to decide whether its links hold under new
    tables; one the cache holds damaged (JSON of the right shape, a name no lookup makes)
    counts as changed, never as an error."""
    root = tmp_path / "p"
    write_tree(root, WRAPPED)
    both(capsys, str(root))
    for damage in ("""UPDATE entries SET value = replace(value, '"d:', '"e:')
                      WHERE kind = 'linkdeps'""",
                   """UPDATE entries SET value = replace(value, '"i:', '""')
                      WHERE kind = 'linkdeps'""",
                   """UPDATE entries SET value = '[["unleash"], ["x"], ["m"], [7], [], [], []]'
                      WHERE kind = 'tables'"""):
        with sqlite3.connect(cache_dir / f"cache-v{store.FORMAT}.sqlite3") as db:
            db.execute(damage)
        with (root / "app/gates.py").open("a") as out:
            out.write(f"\n\ndef other_{len(damage)}():\n    return 1\n")  # new tables
        both(capsys, str(root))


def test_the_cache_stays_bounded(tmp_path, cache_dir, capsys, monkeypatch):
    monkeypatch.setattr(store, "_MAX_ENTRIES", 20)
    for name in ("a", "b", "c"):
        write_tree(tmp_path / name, PROJECT)
        both(capsys, str(tmp_path / name))
    assert len(entries(cache_dir)) <= 20


@pytest.mark.skipif(sqlite3.sqlite_version_info < (3, 35), reason="UPDATE ... RETURNING")
def test_a_run_counts_the_cache_only_when_it_may_be_over_its_limit(tmp_path, monkeypatch):
    """Counting the entries reads every page of the table (0.4 s of a run whose 580 MB cache
    is not in memory): a run counts them only when what was written since the last count
    may have passed the limit (each entry written counted as a new one), or on the day's
    first run (a flaglint before this one writes without adding to the bound), or when the
    bound is damaged; nothing of that is ever an error."""
    statements: list[str] = []
    connect = sqlite3.connect
    database = tmp_path / f"cache-v{store.FORMAT}.sqlite3"

    def traced(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        db = connect(*args, **kwargs)
        db.set_trace_callback(statements.append)
        return db

    monkeypatch.setattr(store.sqlite3, "connect", traced)

    def run(limit: int, written: range, day: int = 20000) -> tuple[bool, int, list[Any]]:
        """Whether a run writing these entries counted, how many there are, the meta."""
        monkeypatch.setattr(store, "_MAX_ENTRIES", limit)
        monkeypatch.setattr(store, "_today", lambda: day)
        statements.clear()
        cache = store.Store(tmp_path)
        for n in written:
            cache.put("k", f"e{n}", n, int)
        cache.close()
        counted = "SELECT count(*) FROM entries" in statements
        with connect(database) as db:
            ((held,),) = db.execute("SELECT count(*) FROM entries").fetchall()
            meta = db.execute("SELECT * FROM meta ORDER BY name").fetchall()
        return counted, held, meta

    def meta(most: object, day: object = 20000) -> list[Any]:
        return [("counted", day), ("most", most)]

    assert run(100, range(10)) == (True, 10, meta(10))  # no bound yet: counted
    assert run(100, range(10, 15)) == (False, 15, meta(15))
    assert run(100, range(0, 15)) == (False, 15, meta(30))  # written again: overcounted
    assert run(30, range(3)) == (True, 15, meta(15))  # over the limit: counted, none goes
    assert run(100, range(3), day=20001) == (True, 15, meta(15, 20001))  # a new day
    assert run(8, range(15, 16), day=20001) == (True, 6, meta(6, 20001))  # 10 of 16 go
    with connect(database) as db:
        db.execute("DROP TABLE meta")
    for damage in ("UPDATE meta SET value = 'x' WHERE name = 'most'",
                   "DELETE FROM meta WHERE name = 'counted'",
                   "UPDATE meta SET value = -50 WHERE name = 'most'",
                   "DROP TABLE meta; CREATE TABLE meta (name TEXT, value TEXT)",
                   "DROP TABLE meta; CREATE TABLE meta (name, value, other NOT NULL)",
                   "DROP TABLE meta; CREATE VIEW meta AS SELECT 'most' AS name, 1 AS value"):
        _, held, made = run(100, range(16, 17), day=20001)  # made, or made again: a count
        assert made == meta(held, 20001)
        with connect(database) as db:
            db.executescript(damage)
        assert run(100, range(17, 18), day=20001)[:2] == (True, 8), damage  # counted, written
        with connect(database) as db:
            ((kind,),) = db.execute("SELECT type FROM sqlite_master WHERE name = 'meta'")
            db.execute(f"DROP {kind} meta")  # as it was before any flaglint made it


def test_a_run_that_writes_nothing_leaves_the_cache_file_as_it_was(tmp_path, cache_dir,
                                                                   capsys, monkeypatch):
    """A cache file an earlier flaglint made, read only (or locked by another run): a run
    that finds what it needs there reads it, and asks to write nothing, not even the table
    of the bound that a run writing entries adds."""
    statements: list[str] = []
    connect = sqlite3.connect

    def traced(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        db = connect(*args, **kwargs)
        db.set_trace_callback(statements.append)
        return db

    write_tree(tmp_path / "p", PROJECT)
    cold = report(capsys, str(tmp_path / "p"))
    with connect(cache_dir / f"cache-v{store.FORMAT}.sqlite3") as db:
        db.execute("DROP TABLE meta")  # as a flaglint before the bound left it
    monkeypatch.setattr(store.sqlite3, "connect", traced)
    assert report(capsys, str(tmp_path / "p")) == cold
    assert statements
    assert not [s for s in statements if "meta" in s or s.startswith(("INSERT", "DELETE"))]


def _count(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[object]:
    calls: list[object] = []
    real = getattr(module, name)
    monkeypatch.setattr(module, name, lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    return calls


def _reads(monkeypatch: pytest.MonkeyPatch, root: Path) -> list[str]:
    """The Python files read from now on (by `Path.read_bytes`, or opened where the inputs
    are read), relative to `root`."""
    from flaglint.engine import inputs

    read: list[str] = []
    read_bytes = Path.read_bytes

    def note(path: Path) -> None:
        if path.suffix == ".py" and path.is_relative_to(root):
            read.append(path.relative_to(root).as_posix())

    def counted(self: Path) -> bytes:
        note(self)
        return read_bytes(self)

    def opened(file: str, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        note(Path(file))
        return open(file, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "read_bytes", counted)
    monkeypatch.setattr(inputs, "open", opened, raising=False)
    return read


def _edit_views(root: Path) -> None:
    """Move every read down two lines and add one: the facts change, no interface does."""
    views = root / "app" / "views.py"
    views.write_text("\n\n" + views.read_text().replace(
        "    return", "    shown = client.is_enabled('beta')\n    return"))


def test_an_edit_reads_and_links_only_the_edited_file(tmp_path, cache_dir, capsys,
                                                       monkeypatch):
    from flaglint.engine import linking, reading
    from flaglint.facts import batch

    root = tmp_path / "p"
    write_tree(root, PROJECT)
    both(capsys, str(root))
    _edit_views(root)
    read = _reads(monkeypatch, root)
    extracted = _count(monkeypatch, batch, "extract_job")
    linked = _count(monkeypatch, linking, "link_file")
    built = _count(monkeypatch, linking, "build")
    code, found = report(capsys, str(root))
    assert set(read) == {"app/views.py"}
    assert [job.path for job in extracted] == ["app/views.py"]  # type: ignore[attr-defined]
    assert [facts.path for facts in linked] == ["app/views.py"]  # type: ignore[attr-defined]
    assert built == []  # no interface changed: the tables come from the cache
    assert reading is not None
    monkeypatch.undo()
    assert (code, found) == report(capsys, str(root), "--no-cache")
    assert '"flag": "beta"' in found


def test_an_interface_edit_links_again_only_the_files_it_can_change(tmp_path, cache_dir,
                                                                     capsys, monkeypatch):
    """A new wrapper changes the tables: the edited file and the file that calls the new
    wrapper are linked again, and no other file is (they looked up no entry that changed);
    the report is the one a run without the cache gives."""
    from flaglint.engine import linking

    root = tmp_path / "p"
    write_tree(root, {**PROJECT,
                      "app/pages.py": "from app.views import view\n\n\ndef page():\n"
                                      "    return view()\n",
                      "app/other.py": "from app.views import client\n\n\ndef other():\n"
                                      "    return client.is_enabled('new_ui')\n"})
    both(capsys, str(root))
    views = root / "app" / "views.py"
    views.write_text(views.read_text() + "\n\ndef beta_on():\n"
                     "    return client.is_enabled('beta')\n")
    (root / "app" / "m0.py").write_text("from app.views import beta_on\n\nX0 = beta_on()\n")
    linked = _count(monkeypatch, linking, "link_file")
    code, found = report(capsys, str(root))
    assert sorted({facts.path for facts in linked}) == [  # type: ignore[attr-defined]
        "app/m0.py", "app/views.py"]
    monkeypatch.undo()
    assert (code, found) == report(capsys, str(root), "--no-cache")
    assert '"flag": "beta"' in found and '"path": "app/m0.py"' in found


def test_a_diff_after_a_commit_reads_only_the_changed_files(tmp_path, cache_dir, capsys,
                                                            monkeypatch):
    root = tmp_path / "p"
    write_tree(root, PROJECT)
    git(root, "init", "-q")
    commit_all(root, "start", "2026-11-01")
    both(capsys, str(root))
    _edit_views(root)
    commit_all(root, "a second flag", "2026-11-02")
    read = _reads(monkeypatch, root)
    code, found = report(capsys, str(root), "--changed-since", "HEAD~1")
    assert set(read) == {"app/views.py"}
    monkeypatch.undo()
    assert (code, found) == report(capsys, str(root), "--changed-since", "HEAD~1", "--no-cache")
    assert '"flag": "beta"' in found and '"line": 9' in found


def test_a_moved_project_and_its_cache_answer_alike_without_parsing(tmp_path, capsys,
                                                                   monkeypatch):
    from flaglint.facts import batch

    root, cache = tmp_path / "runner-1" / "work" / "p", tmp_path / "runner-1" / "cache"
    write_tree(root, PROJECT)
    git(root, "init", "-q")
    commit_all(root, "start", "2026-11-01")
    monkeypatch.setenv("FLAGLINT_CACHE_DIR", str(cache))
    first = both(capsys, str(root))
    moved_root, moved_cache = tmp_path / "runner-2" / "w" / "p", tmp_path / "runner-2" / "c"
    shutil.copytree(root, moved_root)
    shutil.copytree(cache, moved_cache)
    shutil.rmtree(tmp_path / "runner-1")
    monkeypatch.setenv("FLAGLINT_CACHE_DIR", str(moved_cache))
    extracted = _count(monkeypatch, batch, "extract_job")
    assert report(capsys, str(moved_root)) == first
    assert extracted == []


def test_requires_python_is_an_input_when_flaglint_toml_holds_the_config(tmp_path,
                                                                          cache_dir, capsys):
    root = tmp_path / "p"
    write_tree(root, {"flaglint.toml": "presets = []\n",
                      "pyproject.toml": '[project]\nname = "p"\nrequires-python = ">=3.8"\n',
                      "app.py": "def broken(:\n    pass\n"})
    # Named, the file is checked for syntax errors though it reads no flag
    code, found = both(capsys, str(root / "app.py"))
    assert code == 1 and "Cannot parse as Python 3.8 (`requires-python`)" in found
    (root / "pyproject.toml").write_text('[project]\nname = "p"\nrequires-python = ">=3.11"\n')
    code, found = both(capsys, str(root / "app.py"))
    assert code == 1 and "Cannot parse as Python 3.11 (`requires-python`)" in found


def test_a_change_of_flaglint_itself_is_a_new_key(monkeypatch):
    """A new commit of flaglint (pinned by pre-commit) keeps its version number; its cache
    entries must still be its own: every key holds the hash of flaglint's source."""
    before = store.key("facts", "same inputs")
    monkeypatch.setattr(store, "code_version", lambda: "another flaglint")
    assert store.key("facts", "same inputs") != before
    # strings are joined, other inputs JSON-encoded: no two spellings meet
    keys = {store.key("k", "a", "b"), store.key("k", "a\0b"), store.key("k", ["a", "b"]),
            store.key("k", "a"), store.key("k", "a", ""), store.key("k2", "a", "b"),
            store.key("k", "a\0", "b")}
    assert len(keys) == 7


def test_a_successor_keeps_in_memory_only_what_the_run_before_it_used(tmp_path):
    """The language server analyses again and again in one process: each analysis's store
    starts with the values the one before it read or kept, decoded, and with no other."""
    first = store.Store(tmp_path / "cache")
    first.put("facts", "kept", {"a": 1}, dict[str, int])
    first.put("facts", "read", {"b": 2}, dict[str, int])
    first.close()
    reader = store.Store(tmp_path / "cache")
    assert reader.get("facts", "read", dict[str, int]) == {"b": 2}
    reader.put("facts", "new", {"c": 3}, dict[str, int])
    following = reader.successor()
    assert following._values == {("facts", "read"): {"b": 2}, ("facts", "new"): {"c": 3}}
    assert following.get("facts", "read", dict[str, int]) is reader._values[("facts", "read")]
    assert following.get("facts", "kept", dict[str, int]) == {"a": 1}  # from the file again
    reader.close()
    following.close()


def test_a_fix_with_nothing_to_fix_is_the_stored_check(tmp_path, cache_dir, capsys,
                                                        monkeypatch):
    """`check --fix` on inputs a check (or a fix) found nothing to fix in reports the stored
    summary without analysing; a finding with a fix is fixed as ever."""
    from flaglint.engine import fixing

    root = tmp_path / "p"
    tree = {k: v for k, v in PROJECT.items() if k != "flags.toml"}
    write_tree(root, {**tree, "flags.toml": PROJECT["flags.toml"].split("\n\n")[0] + "\n",
                      "app/more.py": "from app.views import client\nclient.is_enabled('nope')\n"})
    runs = _count(monkeypatch, fixing, "fix_project")
    first = report(capsys, str(root), "--fix")  # nothing to fix: it stores what it found
    assert first == report(capsys, str(root), "--fix")
    assert first == report(capsys, str(root), "--fix", "--no-cache")
    assert len(runs) == 2  # the second run found the first one's summary
    assert [f["code"] for f in json.loads(first[1])["findings"]] == ["FL101"]  # no fix
    # With a path named, a fix reports (and baselines) only what is in it, as ever: never a
    # stored check's summary, which keeps every finding of the run
    views = str(root / "app" / "views.py")
    report(capsys, views)
    for name, *cache in (("cached.json",), ("none.json", "--no-cache")):
        main(["check", views, "--fix", "--today", TODAY, "--write-baseline",
              str(tmp_path / name), *cache])
    capsys.readouterr()
    assert (tmp_path / "cached.json").read_text() == (tmp_path / "none.json").read_text()
    assert len(runs) == 4
    (root / "flags.toml").write_text(PROJECT["flags.toml"])  # `old` is rolled out: a fix
    (root / "app/util.py").write_text("def helper():\n    return client.is_enabled('old')\n")
    assert report(capsys, str(root))[0] == 1  # the check stores a summary with a fix in it
    report(capsys, str(root), "--fix")
    assert len(runs) == 5
    assert (root / "app/util.py").read_text() == "def helper():\n    return True\n"


def test_a_writer_process_makes_the_json_of_what_a_run_keeps_for_later(tmp_path, monkeypatch):
    """Values kept `later` are encoded by a forked writer while the run goes on (`ahead`),
    or at `close` (no `ahead`, or a writer that failed): the cache holds the same entries."""
    values = {f"k{i}": {"n": i, "text": "é\t\n" * i} for i in range(50)}

    def stored(folder: Path, *, ahead: bool, broken: bool = False) -> list[tuple[str, str, str]]:
        kept = store.Store(folder)
        kept.ahead = ahead
        kept.put("facts", "now", {"a": 1}, dict[str, int])
        for name, value in values.items():
            kept.put("links", name, value, dict[str, object], later=True)
        if broken:
            monkeypatch.setattr(store, "encoded", lambda *_: 1 / 0)  # the writer fails
        kept.write_ahead()
        monkeypatch.undo()
        assert kept.get("links", "k3", dict[str, object]) == values["k3"]  # kept in memory
        assert bool(kept._writers) == ahead
        kept.put("links", "k50", {"n": 50}, dict[str, object], later=True)  # after the writer
        kept.close()
        assert not kept._writers and not kept._later
        return sorted(entries(folder))

    def hangs(spool, entries, _parent):  # a writer that answers, wrongly, too late
        import time

        time.sleep(5)
        spool.write(b"".join(f"{kind}\t{entry}\t[]\n".encode() for kind, entry in entries))
        spool.flush()
        os._exit(0)

    here = stored(tmp_path / "here", ahead=False)
    # a writer that hangs is killed once the run has waited `_PATIENCE`, and encoded here
    monkeypatch.setattr(store, "_PATIENCE", 0.2)
    monkeypatch.setattr(store, "_write_spool", hangs)
    hung = store.Store(tmp_path / "hung")
    hung.ahead = True
    for name, value in values.items():
        hung.put("links", name, value, dict[str, object], later=True)
    hung.put("facts", "now", {"a": 1}, dict[str, int])
    hung.write_ahead()
    (writer,) = hung._writers
    hung.put("links", "k50", {"n": 50}, dict[str, object], later=True)
    hung.close()
    monkeypatch.undo()
    with pytest.raises(ChildProcessError):
        os.waitpid(writer.pid, os.WNOHANG)  # ended and reaped
    assert sorted(entries(tmp_path / "hung")) == here
    assert len(here) == 52
    assert stored(tmp_path / "ahead", ahead=True) == here
    assert stored(tmp_path / "failed", ahead=True, broken=True) == here
    reader = store.Store(tmp_path / "ahead")
    assert reader.get("links", "k7", dict[str, object]) == values["k7"]
    reader.close()


def test_a_module_read_here_has_its_facts_written_by_a_writer(tmp_path, cache_dir, capsys,
                                                              monkeypatch):
    """A run that reads over 1 MB of Python in this process (one large module) leaves the
    JSON of its facts, and of the links of 10,000 calls or more and the symbol tables, to
    writer processes; linking takes the module's interface as its reading made it; the
    cached runs report what a run without the cache does."""
    from flaglint.engine import linking, reading

    monkeypatch.setattr(reading, "_WRITE_AHEAD", 1000)
    forks = _count(monkeypatch, store, "_Writer")
    interfaces = _count(monkeypatch, linking, "interface")
    encoded = _count(monkeypatch, store, "encoded")  # here, not in a writer
    functions = "".join(f"\n\ndef f{n}(x):\n    if client.is_enabled('k{n % 7}'):\n"
                        f"        return x + {n}\n    return x\n" for n in range(10_050))
    write_tree(tmp_path / "p", {
        "flags.toml": "".join(f'[flags.k{k}]\nstatus = "rolled-out"\nvalue = true\n\n'
                              if k == 3 else f'[flags.k{k}]\nowner = "a"\ntype = "operational"\n\n'
                              for k in range(7)),
        "big.py": "from UnleashClient import UnleashClient\n\nclient = UnleashClient()\n"
                  + functions})
    root = str(tmp_path / "p")
    cold = both(capsys, root, "--jobs", "2")
    assert len(forks) == 2  # the facts after reading, the links and tables after linking
    assert {kind for kind, _, _ in entries(cache_dir)} >= {
        "facts", "symbols", "links", "calls", "tables", "interface"}
    assert interfaces == []
    assert not any(type(value).__name__ == "Tables" for value in encoded)
    assert cold == report(capsys, root, "--jobs", "2")
    codes = Counter(f["code"] for f in json.loads(cold[1])["findings"])
    assert codes["FL301"] == codes["FL202"] == 1436, codes  # every read of k3 is settled


def test_a_file_the_workers_find_is_read_in_full_by_them(tmp_path, cache_dir, capsys,
                                                         monkeypatch):
    """Workers that search many files for the prefilter's names read the files they find
    in full there and then: the reading takes their facts, and reports what one process
    reading in turn does."""
    from flaglint.engine import reading

    monkeypatch.setattr(reading, "_PARALLEL_SEARCH", 0)
    full = _jobs_read(monkeypatch, reading, full=True)
    write_tree(tmp_path / "p", {**PROJECT, "app/old.py": "from app.views import client\n\n\n"
                                "def old():\n    return client.is_enabled('old')\n"})
    root = str(tmp_path / "p")
    pooled = report(capsys, root, "--jobs", "2")
    assert "app/old.py" not in full  # the worker that found it read it
    assert "app/old.py" in {f["path"] for f in json.loads(pooled[1])["findings"]}
    assert report(capsys, root, "--jobs", "1", "--no-cache") == pooled
    assert "app/old.py" in full


def _jobs_read(monkeypatch: pytest.MonkeyPatch, module: object, *, full: bool) -> list[str]:
    """The paths `extract_all` reads from now on, in full or light."""
    read: list[str] = []
    real = module.extract_all  # type: ignore[attr-defined]
    monkeypatch.setattr(module, "extract_all", lambda jobs, *a: read.extend(
        j.path for j in jobs if j.full == full) or real(jobs, *a))
    return read


def test_a_run_that_changed_nothing_imports_no_analysis(tmp_path):
    """The pre-commit hook on a commit without Python: the last report again, without the
    analysis, libcst, networkx, or the parsers of flag-state exports and deployment configs
    a project without them never needs."""
    import subprocess
    import sys

    root = tmp_path / "p"
    write_tree(root, PROJECT)
    script = ("import sys\nfrom flaglint.cli import main\n"
              "code = main(['check', sys.argv[1], '--today', sys.argv[2], '-q'])\n"
              "print(code, sorted(m for m in sys.modules if m.startswith(('flaglint', "
              "'libcst', 'networkx'))))\n")
    env = {**os.environ, "FLAGLINT_CACHE_DIR": str(tmp_path / "cache")}
    runs = [subprocess.run([sys.executable, "-c", script, str(root), TODAY], env=env,
                           capture_output=True, text=True, check=True).stdout.split(" ", 1)
            for _ in range(2)]
    (cold_code, cold), (warm_code, warm) = runs
    assert cold_code == warm_code
    assert "flaglint.engine.analyze" in cold
    for module in ("flaglint.engine.analyze", "libcst", "networkx", "flaglint.sources.deploy",
                   "flaglint.sources.flagstate", "flaglint.facts.ast_facts"):
        assert f"'{module}'" not in warm, module


WRAPPED = {
    **PROJECT,
    "pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n',  # no discovery: read as found
    "app/gates.py": "from UnleashClient import UnleashClient\n\nclient = UnleashClient()\n\n\n"
                    "def is_on(key):\n    return client.is_enabled(key)\n",
    "app/pages.py": "from app.gates import is_on\n\n\ndef page():\n"
                    "    return 1 if is_on('new_ui') else 2\n",
}


def test_a_run_that_found_what_each_linking_says_links_once(tmp_path, cache_dir, capsys,
                                                          monkeypatch):
    """The driver links, reads the files that call the wrappers it found, and links again:
    what each linking said to read is kept, so that a run over the same files links once,
    at the end; after an interface edit, the links that still hold are kept under the new
    tables too, so that the run after it needs no older tables; every answer the same as
    a run without the cache."""
    from flaglint.engine import analyze as analyze_module
    from flaglint.engine import linking, planning

    root = tmp_path / "p"
    write_tree(root, WRAPPED)

    def graph() -> str:
        main(["graph", str(root), "--format", "json"])
        return capsys.readouterr().out

    linked = _count(monkeypatch, analyze_module, "link")  # the last linking
    monkeypatch.setattr(planning, "link", analyze_module.link)  # the reading loop's too
    compared = _count(monkeypatch, linking, "Changes")  # older tables compared
    first = graph()
    assert len(linked) >= 2  # a linking before pages.py was read, one after
    both(capsys, str(root))
    linked.clear()
    assert graph() == first
    assert len(linked) == 1
    (root / "app" / "more.py").write_text("from app.gates import client\n\n\n"
                                          "def also_on(key):\n"
                                          "    return client.is_enabled(key)\n")
    both(capsys, str(root))  # a new wrapper: the tables change, the other links are kept
    linked.clear()
    compared.clear()
    after = graph()
    assert len(linked) == 1 and compared == []
    shutil.rmtree(cache_dir)
    assert graph() == after


def test_a_check_tries_its_fixes_again_only_in_the_files_an_edit_changed(
        tmp_path, monkeypatch, capsys, cache_dir):
    """A check offers a fix only where `--fix` would make it, which takes a trial of each
    file's fixes (libcst: the longest part of a check after an edit, on a project with
    settled flags). The trial of a file with the same bytes and plan is kept: after an
    edit elsewhere none is tried again, after an edit of a fixed file that file alone;
    every report equals one without the cache."""
    root = tmp_path / "shop"
    shutil.copytree(Path(__file__).parent.parent / "fixtures" / "FL302-dead-symbol"
                    / "helper-in-other-module", root)
    (root / "expected.json").unlink()
    monkeypatch.chdir(root)
    from flaglint.fixes import apply

    tried: list[str] = []
    real = apply._fix_job
    monkeypatch.setattr(apply, "_fix_job", lambda job: tried.append(job[0]) or real(job))

    def tried_by(*args: str) -> list[str]:
        tried.clear()
        code, out = report(capsys, *args, "--jobs", "1")
        these = sorted(tried)
        assert sum(f["fix"] is not None for f in json.loads(out)["findings"]) == 4
        assert (code, out) == report(capsys, *args, "--jobs", "1", "--no-cache")
        return these

    assert tried_by() == ["shop/checkout.py", "shop/legacy.py"]
    with (root / "shop" / "reports.py").open("a") as handle:
        handle.write("\n# an edit elsewhere\n")
    assert tried_by() == []
    with (root / "shop" / "legacy.py").open("a") as handle:
        handle.write("\n# an edit of a fixed file\n")
    assert tried_by() == ["shop/legacy.py"]


def test_a_check_after_an_edit_elsewhere_makes_no_call_graph(tmp_path, monkeypatch, capsys,
                                                             cache_dir):
    """FL302 names each dead symbol's callers: they are kept with the dead code, so that a
    run whose dead code the cache holds (an edit of a file that reads no flag) decodes no
    file's calls (Sentry settled: 825 files' calls, 3 MB of JSON); the report the same."""
    root = tmp_path / "shop"
    shutil.copytree(Path(__file__).parent.parent / "fixtures" / "FL302-dead-symbol"
                    / "helper-in-other-module", root)
    (root / "expected.json").unlink()
    from flaglint.model.graph import FlagGraph

    def sarif(*args: str) -> str:
        main(["check", str(root), "--today", TODAY, "--format", "sarif", *args])
        return capsys.readouterr().out

    both(capsys, str(root))
    made = _count(monkeypatch, FlagGraph, "call_graph")
    with (root / "shop" / "reports.py").open("a") as handle:
        handle.write("\n# an edit elsewhere\n")
    code, out = report(capsys, str(root))
    found = sarif()
    assert made == []
    assert "a dead call of `legacy_total`" in found
    assert (code, out) == report(capsys, str(root), "--no-cache")
    assert found == sarif("--no-cache")


def test_a_check_searches_each_text_once_for_the_names_its_fixes_delete(
        tmp_path, monkeypatch, capsys, cache_dir):
    """Before it offers a fix that deletes a definition, a check searches every file for
    its name (Sentry's 15 MB: 0.2 s). Which words each text names is kept by its content:
    after an edit, only the edited file is searched again, and a reference the edit adds
    still refuses the deletion; every report equals one without the cache."""
    root = tmp_path / "shop"
    shutil.copytree(Path(__file__).parent.parent / "fixtures" / "FL302-dead-symbol"
                    / "helper-in-other-module", root)
    (root / "expected.json").unlink()
    with (root / "shop" / "pricing.py").open("a") as handle:  # names a deleted word
        handle.write("\n\nclass Other:\n    def legacy_total(self):\n        return 0\n")
    monkeypatch.chdir(root)
    from flaglint.fixes import rounds

    searched: list[str] = []
    real = rounds._search

    def search(data, words, whole):
        searched.append(data.decode().split("\n", 1)[0])
        return real(data, words, whole)

    monkeypatch.setattr(rounds, "_search", search)
    resolved = _count(monkeypatch, rounds, "references")

    def searched_by() -> tuple[list[str], list[str], int]:
        """The texts searched and the texts resolved (by their first line), and how many
        findings have a fix."""
        searched.clear()
        resolved.clear()
        code, out = report(capsys, "--jobs", "1")
        these = sorted(searched), sorted(text.split("\n", 1)[0] for text in resolved)
        assert (code, out) == report(capsys, "--jobs", "1", "--no-cache")
        return *these, sum(f["fix"] is not None for f in json.loads(out)["findings"])

    pricing = "def round_cents(amount):"  # names `legacy_total`: another symbol's
    first, named, fixable = searched_by()
    assert len(first) == 5 and fixable == 4  # five texts, the fixed ones for the fixed files
    assert named == [pricing]
    reports = root / "shop" / "reports.py"
    with reports.open("a") as handle:
        handle.write("\n# an edit elsewhere\n")
    assert searched_by() == (["from shop.legacy import still_used_by_reports"], [], 4)
    legacy = root / "shop" / "legacy.py"
    with legacy.open("a") as handle:
        handle.write("\n# an edit of a fixed file\n")
    assert searched_by() == (['"""The pre-2026 checkout."""'], [], 4)  # its fixed text
    reports.write_text('"""Names the helper."""\nHELPERS = ["_legacy_price"]\n'
                       + reports.read_text())
    again, named, fixable = searched_by()  # a deletion fewer: other words, all searched
    assert len(again) == 5 and '"""Names the helper."""' in again and fixable == 3
    assert named == []  # `legacy_total` is deleted as before: pricing.py's answer is kept


def test_a_run_that_found_what_each_round_of_dead_code_says_analyses_none(
        tmp_path, monkeypatch, capsys, cache_dir):
    """Dead code in checkout.py calls `legacy_total`, defined in a file that names no flag
    API: a first round of dead code's analysis says to read that file, a second finds its
    helpers dead. What each round said, and the last round's dead code, are kept under
    what they depend on (the linking, what settles reads), so that a run after an edit
    elsewhere analyses no dead code; an edit of a file a round read analyses every round
    again; every report equals one without the cache."""
    root = tmp_path / "shop"
    shutil.copytree(Path(__file__).parent.parent / "fixtures" / "FL302-dead-symbol"
                    / "helper-in-other-module", root)
    (root / "expected.json").unlink()
    from flaglint.analysis import deadcode

    analysed = _count(monkeypatch, deadcode, "analyze")

    def rounds() -> tuple[int, list[str]]:
        analysed.clear()
        cached = report(capsys, str(root), "--jobs", "1")
        count = len(analysed)
        assert cached == report(capsys, str(root), "--jobs", "1", "--no-cache")
        found = sorted(f"{f['code']} {f['path']}:{f['line']}"
                       for f in json.loads(cached[1])["findings"] if f["code"] == "FL302")
        return count, found

    count, first = rounds()
    assert count >= 2 and first == ["FL302 shop/legacy.py:13", "FL302 shop/legacy.py:6"]
    with (root / "shop" / "reports.py").open("a") as handle:
        handle.write("\n# an edit elsewhere\n")
    assert rounds() == (0, first)
    with (root / "shop" / "legacy.py").open("a") as handle:
        handle.write("\n\ndef price_again(item):\n    return _legacy_price(item)\n")
    count, after = rounds()  # `_legacy_price` is called from live code now
    assert count >= 2 and after == ["FL302 shop/legacy.py:6"]


def test_a_round_of_dead_code_analysed_again_reads_only_the_edited_files(
        tmp_path, monkeypatch, capsys, cache_dir):
    """What dead code finds in each file with a settled read (its regions, the calls its
    guards test, the names its live code uses, its calls) is kept under the file's facts
    and what settles its reads: after an edit of a file a round reads, every round is
    analysed again, from the kept parts of the files that did not change; an edit of a file
    with a settled read makes its part again, and only its; every report equals one
    without the cache."""
    root = tmp_path / "shop"
    shutil.copytree(Path(__file__).parent.parent / "fixtures" / "FL302-dead-symbol"
                    / "helper-in-other-module", root)
    (root / "expected.json").unlink()
    banner = root / "shop" / "banner.py"
    banner.write_text("import ldclient\n\nld = ldclient.get()\n\n\n"
                      "def banner(user):\n"
                      "    if not ld.variation('new_checkout', user, False):\n"
                      "        return 'old'\n"
                      "    return 'new'\n")
    from flaglint.analysis import deadcode

    made = _count(monkeypatch, deadcode, "file_dead")
    analysed = _count(monkeypatch, deadcode, "analyze")

    def parts() -> tuple[list[str], bool, list[str]]:
        """The files whose part was made, whether dead code was analysed, and the dead
        code found."""
        made.clear()
        analysed.clear()
        code, out = report(capsys, str(root), "--jobs", "1")
        these = sorted({facts.path for facts in made}), bool(analysed)
        assert (code, out) == report(capsys, str(root), "--jobs", "1", "--no-cache")
        return *these, sorted(f"{f['code']} {f['path']}:{f['line']}"
                              for f in json.loads(out)["findings"]
                              if f["code"] in ("FL301", "FL302"))

    made_first, _, found = parts()
    assert made_first == ["shop/banner.py", "shop/checkout.py"]
    assert found == ["FL301 shop/banner.py:7", "FL301 shop/checkout.py:14",
                     "FL302 shop/legacy.py:13", "FL302 shop/legacy.py:6"]
    with (root / "shop" / "legacy.py").open("a") as handle:
        handle.write("\n# an edit of a file a round reads\n")
    assert parts() == ([], True, found)
    with banner.open("a") as handle:
        handle.write("\n# an edit of a file with dead code\n")
    assert parts() == (["shop/banner.py"], True, found)


def test_a_check_tries_its_fixes_in_workers_started_when_dead_code_is_found_anew(
        tmp_path, monkeypatch, capsys, cache_dir):
    """A check tries the fixes that delete code before it offers them, with libcst (~0.2 s
    to import). Its worker processes start when the analysis finds dead code anew, and
    import libcst while the analysis goes on: the trial runs in them, never here. A run
    after an edit elsewhere finds each round's dead code and the fixed files kept, and
    starts none; every report equals one without the cache."""
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("worker processes are forked")
    root = tmp_path / "shop"
    shutil.copytree(Path(__file__).parent.parent / "fixtures" / "FL302-dead-symbol"
                    / "helper-in-other-module", root)
    (root / "expected.json").unlink()
    from flaglint import processes
    from flaglint.fixes import source

    started: list[processes.Workers] = []  # workers that started
    real_start = processes.Workers.start

    def start(workers: processes.Workers) -> None:
        started.extend([] if workers._started else [workers])
        real_start(workers)

    monkeypatch.setattr(processes.Workers, "start", start)
    here = _count(monkeypatch, source, "fix_source")  # a file fixed in this process

    def trial() -> tuple[int, int, int]:
        """Workers started, files fixed here, and findings with a fix."""
        started.clear()
        here.clear()
        code, out = report(capsys, str(root), "--jobs", "2")
        counts = len(started), len(here)
        assert (code, out) == report(capsys, str(root), "--jobs", "2", "--no-cache")
        return *counts, sum(f["fix"] is not None for f in json.loads(out)["findings"])

    assert trial() == (1, 0, 4)
    with (root / "shop" / "reports.py").open("a") as handle:
        handle.write("\n# an edit elsewhere\n")
    assert trial() == (0, 0, 4)
    with (root / "shop" / "legacy.py").open("a") as handle:
        handle.write("\n# an edit of a file with dead code\n")
    assert trial() == (1, 0, 4)


def test_a_round_of_dead_code_that_reads_only_a_file_that_does_not_parse_is_not_the_same(
        tmp_path, capsys, cache_dir):
    """Dead code calls `legacy_total`; the only other file that names it does not parse. The
    round that read it links the same files as the round before (a file that does not parse
    is not linked), but it made the file FL001: a round is kept under the files that do
    not parse too, else the run ends with the round before's files and never says so
    (found by review: `clean` then removed the flag a broken file may read)."""
    root = tmp_path / "p"
    write_tree(root, {
        "pyproject.toml": '[tool.flaglint]\npresets = ["launchdarkly"]\n',
        "flags.toml": '[flags.new_checkout]\nstatus = "rolled-out"\nvalue = true\n',
        "shop/__init__.py": "",
        "shop/checkout.py": "import ldclient\nld = ldclient.get()\n\n\n"
                            "def legacy_total(cart):\n    return len(cart)\n\n\n"
                            "def total(cart, user):\n"
                            "    if ld.variation('new_checkout', user, False):\n"
                            "        return 1\n    return legacy_total(cart)\n",
        "shop/broken.py": "def f(:\n    legacy_total\n",
    })

    def broken() -> list[tuple[str, str]]:
        _, out = both(capsys, str(root))
        return [(f["code"], f["path"]) for f in json.loads(out)["findings"]
                if f["code"] == "FL001"]

    assert broken() == [("FL001", "shop/broken.py")]
    (root / "shop" / "other.py").write_text("x = 1\n")
    assert broken() == [("FL001", "shop/broken.py")]
    for cache in ([], ["--no-cache"]):
        code = main(["clean", "new_checkout", "--value", "true", "--dry-run", str(root),
                     *cache])
        err = capsys.readouterr().err.splitlines()
        assert code == 1 and err[1:3] == [
            "shop/broken.py: does not parse, so reads of `new_checkout` in it cannot be ruled "
            "out; fix it and run clean again.",
            "[flags.new_checkout] kept: 1 file cannot be read."]


def test_a_linking_whose_links_are_all_kept_decodes_no_tables(tmp_path, monkeypatch, capsys,
                                                              cache_dir):
    """The project's links take from the symbol tables only their face (presets, wrappers,
    flag objects), kept apart: after an edit of a file no linking reads, no tables are
    decoded or built; after an edit that changes an interface, they are; every report
    equals one without the cache."""
    root = tmp_path / "shop"
    shutil.copytree(Path(__file__).parent.parent / "fixtures" / "FL302-dead-symbol"
                    / "helper-in-other-module", root)
    (root / "expected.json").unlink()
    (root / "notes.py").write_text("x = 1\n")
    from flaglint.engine import linking

    loaded = _count(monkeypatch, linking, "_tables")

    def tables_loaded() -> int:
        loaded.clear()
        cached = report(capsys, str(root), "--jobs", "1")
        count = len(loaded)
        assert cached == report(capsys, str(root), "--jobs", "1", "--no-cache")
        return count

    assert tables_loaded() >= 1
    (root / "notes.py").write_text("x = 2\n")
    assert tables_loaded() == 0
    with (root / "shop" / "pricing.py").open("a") as handle:
        handle.write("\n\ndef round_more(amount):\n    return amount\n")
    assert tables_loaded() >= 1


def test_tables_of_a_run_that_links_no_file_stay_marked_used(tmp_path, monkeypatch, capsys,
                                                             cache_dir):
    """A run whose every file's links are kept reads only what the stored tables hold beside
    the interfaces, and marks them used that day: pruning drops the entries used longest
    ago, and an interface edit later relinks only the files whose lookups changed when it
    finds the older tables (found by review)."""
    root = tmp_path / "p"
    write_tree(root, PROJECT)
    day = [20_000]
    monkeypatch.setattr(store, "_today", lambda: day[0])
    both(capsys, str(root))
    day[0] += 30
    # read by no linking (in a package the project has: a new top-level one is a new key
    # of the tables, whose resolver tells calls into the project from others by it)
    (root / "app" / "notes.py").write_text("x = 1\n")
    both(capsys, str(root))
    assert [row for row in _used_days(cache_dir) if row[0] == "tables"] == [("tables", day[0])]


def _used_days(cache_dir: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(cache_dir / f"cache-v{store.FORMAT}.sqlite3") as db:
        return db.execute("SELECT kind, used FROM entries").fetchall()


def test_a_definition_call_configured_after_a_run_without_one_is_found(tmp_path, capsys,
                                                                        cache_dir):
    """With definition calls configured, a file's interface holds every call and binding,
    and its brief that interface's hash; the brief was kept under a key that did not say
    so. `flaglint init` (whose discovery reads the candidate files before anything is
    configured) and then `flaglint check`: the cached check took toggles.py's interface
    without its calls, found no flag object and called the switch unread (FL102), where
    `--no-cache` saw the read."""
    root = tmp_path / "app-project"
    write_tree(root, {
        "app/__init__.py": "",
        "app/toggles.py": 'from edx_toggles.toggles import WaffleSwitch\n\n'
                          'TRACKING = WaffleSwitch("app.tracking", module_name=__name__)\n',
        "app/views.py": "from app import toggles\n\n\ndef track():\n"
                        "    if not toggles.TRACKING.is_enabled():\n        return None\n"
                        "    return 'tracked'\n",
    })
    assert main(["init", str(root), "--today", TODAY]) == 0
    capsys.readouterr()
    assert (root / "flaglint.toml").read_text().split("[[definitions]]")[1].split("\n", 1)[1] \
        == 'call = "edx_toggles.toggles.WaffleSwitch"\nkey = [0, "name"]\nreads = ["is_enabled"]\n'
    code, out = both(capsys, str(root))
    assert (code, [f["code"] for f in json.loads(out)["findings"]]) == (1, ["FL103"])
