"""No input takes a run down: each file flaglint cannot analyse is FL001, naming the file and
why, and the rest of the run completes; and flaglint writes nothing it was not asked to."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from flaglint.cli import main
from flaglint.config import load_config
from flaglint.engine.analyze import analyze
from flaglint.engine.inputs import gather
from flaglint.facts import batch as extraction
from flaglint.rules import all_rules
from flaglint.rules.outcome import run
from flaglint.store import Store

from .conftest import SETTLED, TODAY, commit_all, git, lint_tree, write_tree

PYPROJECT = '[tool.flaglint]\npresets = ["unleash"]\n'


def codes(root, select=("FL001", "FL202", "FL301")):
    return sorted((f.code, f.path, f.span.line) for f in lint_tree(root, select=select))


def test_an_and_of_thousands_of_operands_is_analysed(tmp_path):
    # CPython keeps `a and b and …` flat; libcst nests it one level per operand.
    operands = " and ".join(f"ready({i})" for i in range(3000))
    write_tree(tmp_path, {
        "pyproject.toml": PYPROJECT, "flags.toml": SETTLED,
        "app.py": f'if {operands} and client.is_enabled("old_ui"):\n    go()\n',
    })
    assert codes(tmp_path) == [("FL202", "app.py", 1)]


def test_brackets_deeper_than_python_allows_are_fl001_and_the_run_goes_on(tmp_path):
    deep = "(" * 1500 + 'client.is_enabled("old_ui")' + ")" * 1500
    write_tree(tmp_path, {
        "pyproject.toml": PYPROJECT, "flags.toml": SETTLED,
        "deep.py": f"x = {deep}\n",
        "app.py": 'if client.is_enabled("old_ui"):\n    go()\n',
    })
    found = lint_tree(tmp_path, select=("FL001", "FL202"))
    assert [(f.code, f.path, f.span.line) for f in found] == [
        ("FL202", "app.py", 1), ("FL001", "deep.py", 1)]
    assert "too many nested parentheses" in found[1].message


def test_a_parser_crash_in_a_worker_costs_only_its_file(tmp_path, monkeypatch):
    from flaglint.facts import extract as extract_module

    real = extract_module.extract

    def crashing(data, path, module, *, is_package, attributes=frozenset(), split=False):
        if path == "bad.py":
            os._exit(139)  # what a segmentation fault in the parser looks like to the pool
        return real(data, path, module, is_package=is_package, attributes=attributes,
                    split=split)

    monkeypatch.setattr(extract_module, "extract", crashing)
    monkeypatch.setattr(extraction, "_PARALLEL_BYTES", 0)
    files = {f"m{i}.py": 'if client.is_enabled("old_ui"):\n    go()\n' for i in range(6)}
    write_tree(tmp_path, {"pyproject.toml": PYPROJECT, "flags.toml": SETTLED,
                          "bad.py": 'client.is_enabled("old_ui")\n', **files})
    config = load_config(tmp_path / "pyproject.toml", tmp_path)
    store = Store.disabled()
    project = analyze(gather(config, TODAY, store), store, workers=2)
    found = run(project, all_rules()).findings
    assert [(f.code, f.path) for f in found if f.code == "FL001"] == [("FL001", "bad.py")]
    assert [f.message for f in found if f.code == "FL001"] == [
        "Cannot analyse: the parser crashed on this file; its flag reads are not checked"]
    assert sorted(f.path for f in found if f.code == "FL202") == sorted(files)


def test_work_shared_out_to_forked_workers_gives_the_answers_of_one_process(
        tmp_path, monkeypatch, capsys):
    """The candidate scan of discovery, the prefilter's search and the extraction go to
    forked workers that inherit the files' bytes (sent only their names or places): the
    same findings as one process doing it all."""
    from flaglint import processes
    from flaglint.engine import discovery, reading

    monkeypatch.setattr(extraction, "_PARALLEL_BYTES", 0)
    monkeypatch.setattr(discovery, "_PARALLEL_BYTES", 0)
    monkeypatch.setattr(reading, "_PARALLEL_SEARCH", 0)
    forked: list[bool] = []  # whether each batch of work came back from the workers
    real = processes.map_in_workers

    def counted(function, items, workers):
        done = real(function, items, workers)
        forked.append(done is not None)
        return done

    monkeypatch.setattr(processes, "map_in_workers", counted)
    files = {f"app/m{i}.py": "from app.flags import client\n\n\ndef view():\n"
                             f"    if client.is_enabled('f{i}'):\n        return {i}\n"
                             "    return 0\n" for i in range(8)}
    write_tree(tmp_path, {"app/__init__.py": "", "app/plain.py": "X = 1\n",
                          "flags.toml": '[flags.f3]\nstatus = "rolled-out"\nvalue = true\n',
                          "app/flags.py": "from UnleashClient import UnleashClient\n"
                                          "client = UnleashClient()\n", **files})
    args = ["check", str(tmp_path), "--format", "json", "--no-cache", "--today",
            TODAY.isoformat()]
    main([*args, "--jobs", "2"])
    shared = capsys.readouterr().out
    assert len(forked) >= 2 and all(forked)  # the candidate scan, the prefilter's search
    main([*args, "--jobs", "1"])
    assert shared == capsys.readouterr().out
    assert shared.count('"code": "FL101"') == 7 and '"code": "FL202"' in shared


def test_a_form_feed_does_not_shift_suppressions(tmp_path):
    write_tree(tmp_path, {
        "pyproject.toml": PYPROJECT, "flags.toml": SETTLED,
        "app.py": ('x = 1\n\x0c\nif client.is_enabled("old_ui"):  # flaglint: ignore[FL202]\n'
                   '    go()\n'),
    })
    assert codes(tmp_path, select=("FL202",)) == []


def test_jobs_must_be_one_or_more(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["check", str(tmp_path), "--jobs", "0"])
    assert exited.value.code == 2
    assert "argument --jobs: '0' is not a number of processes, 1 or more" in \
        capsys.readouterr().err


def test_a_closed_pipe_ends_the_run_quietly(tmp_path):
    flags = "".join(f'[flags.f{i}]\nowner = "a"\ntype = "release"\n' for i in range(2000))
    reads = "".join(f'client.is_enabled("f{i}")\n' for i in range(2000))
    write_tree(tmp_path, {"pyproject.toml": PYPROJECT, "flags.toml": flags, "app.py": reads})
    process = subprocess.Popen([sys.executable, "-m", "flaglint", "graph", str(tmp_path)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(10)
    process.stdout.close()  # `flaglint graph | head -c 10`
    error = process.stderr.read()
    assert process.wait() == 1
    assert error == b""


def test_check_diff_leaves_a_stale_git_index_alone(tmp_path):
    write_tree(tmp_path, {"pyproject.toml": PYPROJECT, "flags.toml": SETTLED,
                          "app.py": 'if client.is_enabled("old_ui"):\n    go()\n'})
    git(tmp_path, "init", "-q", "-b", "main")
    commit_all(tmp_path, "start", "2026-11-01")
    app = tmp_path / "app.py"
    stamp = app.stat().st_mtime + 5
    os.utime(app, (stamp, stamp))  # same content, new time: the index is stale
    index = tmp_path / ".git" / "index"
    before = (index.read_bytes(), index.stat().st_mtime_ns)
    main(["check", str(tmp_path), "--changed-since", "HEAD", "--no-cache"])
    assert (index.read_bytes(), index.stat().st_mtime_ns) == before


def test_a_submodule_is_noted_once(tmp_path, capsys):
    sub = tmp_path / "sub"
    write_tree(sub, {"lib.py": "x = 1\n"})
    git(sub, "init", "-q", "-b", "main")
    commit_all(sub, "sub", "2026-11-01")
    project = tmp_path / "project"
    write_tree(project, {"pyproject.toml": PYPROJECT, "app.py": "y = 2\n"})
    git(project, "init", "-q", "-b", "main")
    git(project, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub),
        "vendor/sub")
    commit_all(project, "start", "2026-11-02")
    assert main(["check", str(project), "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert err.count("note: submodule") == 1
    assert ("flaglint: note: submodule vendor/sub is not checked (flaglint reads this "
            "repository's files only; run it in the submodule)") in err


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs a user whom file permissions stop")
def test_an_unreadable_folder_is_noted_once(tmp_path, capsys):
    write_tree(tmp_path, {"pyproject.toml": PYPROJECT, "app.py": "y = 2\n",
                          "locked/inner/x.py": "z = 3\n"})
    (tmp_path / "locked").chmod(0)
    try:
        assert main(["check", str(tmp_path), "--no-cache"]) == 0
    finally:
        (tmp_path / "locked").chmod(0o755)
    err = capsys.readouterr().err
    assert err.count("cannot read folder locked") == 1


def test_default_excludes_apply_below_the_root_only(tmp_path, capsys):
    root = tmp_path / "build" / "venv" / "project"  # checked out under folders named like excludes
    write_tree(root, {"pyproject.toml": PYPROJECT, "flags.toml": SETTLED,
                      "app.py": 'if client.is_enabled("old_ui"):\n    go()\n',
                      "build/generated.py": 'client.is_enabled("old_ui")\n'})
    assert codes(root, select=("FL202",)) == [("FL202", "app.py", 1)]


def test_an_unreadable_folder_is_noted_once_whoever_runs(tmp_path, capsys, monkeypatch):
    from flaglint.sources import discover as discover_module

    real_walk = os.walk

    def walk(top, onerror=None, **kwargs):
        for folder, dirs, files in real_walk(top, onerror=onerror, **kwargs):
            if "locked" in dirs:
                dirs.remove("locked")
                assert onerror is not None
                onerror(PermissionError(13, "Permission denied", os.path.join(folder, "locked")))
            yield folder, dirs, files

    monkeypatch.setattr(discover_module.os, "walk", walk)
    write_tree(tmp_path, {"pyproject.toml": PYPROJECT, "app.py": "y = 2\n",
                          "locked/x.py": "z = 3\n"})
    assert main(["check", str(tmp_path), "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert err.count("note: cannot read folder") == 1
    assert ("flaglint: note: cannot read folder locked (Permission denied); its files are not "
            "checked") in err


def test_lone_surrogates_in_string_literals_are_data(tmp_path):
    """`"\\ud800"` in a file's source is a string Python makes, not text UTF-8 can hold
    (CPython's own tests have them): every cache entry, baseline and report still takes it."""
    write_tree(tmp_path, {
        "pyproject.toml": PYPROJECT,
        "flags.toml": '[flags.odd]\nowner = "a"\ntype = "release"\n',
        "app.py": 'BAD = "\\ud800"\nNAMES = {"\\udcff": 1}\n\nif client.is_enabled("odd\\ud800"):\n'
                  '    go()\n'})
    for extra in ([], ["--format", "json"], ["--format", "sarif"],
                  ["--write-baseline", str(tmp_path / "baseline.json")]):
        result = subprocess.run([sys.executable, "-m", "flaglint", "check", str(tmp_path),
                                 *extra], capture_output=True, check=False)
        assert result.returncode == (0 if extra[:1] == ["--write-baseline"] else 1), \
            result.stderr
        assert b"internal error" not in result.stderr
        assert b"odd\\ud800" in result.stdout or extra[:1] == ["--write-baseline"]
    again = subprocess.run([sys.executable, "-m", "flaglint", "check", str(tmp_path)],
                           capture_output=True, check=False)  # from the cache
    assert again.returncode == 1 and b"FL101 [odd\\ud800]" in again.stdout


def test_only_a_file_python_refuses_is_measured_for_depth(tmp_path, monkeypatch):
    # Counting a file's brackets costs a tenth of its parse: a file Python parses is not
    # deeper than Python allows.
    from flaglint.facts import extract as extract_module

    real = extract_module._beyond_cpython
    asked = []

    def measured(text, path):
        asked.append(path)
        return real(text, path)

    monkeypatch.setattr(extract_module, "_beyond_cpython", measured)
    many = "x = [" + ", ".join(f"({i})" for i in range(300)) + "]\n"  # 600 brackets, flat
    deep = "(" * 1500 + 'client.is_enabled("old_ui")' + ")" * 1500
    write_tree(tmp_path, {
        "pyproject.toml": PYPROJECT, "flags.toml": SETTLED,
        "deep.py": f"x = {deep}\n", "many.py": many + 'client.is_enabled("old_ui")\n',
    })
    found = lint_tree(tmp_path, select=("FL001",))
    assert [(f.code, f.path) for f in found] == [("FL001", "deep.py")]
    assert asked == ["deep.py"]
