"""`flaglint check` and `flaglint rule` as a user runs them: output, exit codes, options."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from flaglint.cli import main
from flaglint.tomlsource import tomllib

from .conftest import write_tree

PROJECT = {
    "pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n',
    "flags.toml": """
        [flags.used]
        owner = "a"
        type = "kill-switch"

        [flags.settled]
        owner = "a"
        type = "kill-switch"
        status = "rolled-out"
        value = false
    """,
    "app/__init__.py": "",
    "app/main.py": """
        if client.is_enabled("used"):
            pass
        if client.is_enabled("settled"):
            pass
        if client.is_enabled("typo"):
            pass
    """,
}


def check(tmp_path, capsys, *args, files=PROJECT):
    write_tree(tmp_path, files)
    code = main(["check", str(tmp_path), "--no-cache", "--today", "2026-11-23", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_text_output_is_one_line_a_finding_then_a_summary(tmp_path, capsys):
    code, out, err = check(tmp_path, capsys)
    assert code == 1
    assert err == ("flaglint: note: git history unavailable (not a git repository): FL401 and "
                   "FL402 cannot see when keys were removed or changed, reads of retired keys "
                   "are FL404, and flags without `created` or `expires` are not checked for "
                   "expiry\n")
    assert out.splitlines() == [
        "app/main.py:3:1: FL301 [*] [settled] Flag `settled` is rolled out with value `false`; "
        "this `if` body can never run",
        "app/main.py:3:4: FL202 [*] [settled] Flag `settled` is rolled out with value `false`; "
        "this read always yields it, so the code still branches on a constant",
        "app/main.py:5:4: FL101 [typo] Flag `typo` is declared in no registry or definition; "
        "nobody owns it and it never expires",
        "Found 3 findings (3 warnings) in 2 files, 3 flags.",
        "[*] 2 fixable with `flaglint check --fix`.",
    ]


def test_json_output_follows_the_design(tmp_path, capsys):
    code, out, _ = check(tmp_path, capsys, "--format", "json")
    assert code == 1
    document = json.loads(out)
    assert document["version"] == 1
    assert document["summary"] == {"files": 2, "flags": 3, "findings": 3, "fixed": 0,
                                   "fixable": {"safe": 2, "unsafe": 0, "tests": 0}}
    assert document["findings"][1] == {
        "code": "FL202", "rule": "settled-flag", "severity": "warning", "flag": "settled",
        "path": "app/main.py", "line": 3, "column": 4, "end_line": 3, "end_column": 32,
        "message": "Flag `settled` is rolled out with value `false`; this read always yields "
                   "it, so the code still branches on a constant",
        "fix": {"safe": True, "description": "Replace the read with `False`",
                "applicability": "safe",
                "edits": [{"kind": "settle-read", "path": "app/main.py", "line": 3, "column": 4,
                           "value": False}]},
    }


def test_select_ignore_and_exit_zero(tmp_path, capsys):
    code, out, _ = check(tmp_path, capsys, "--select", "FL2")
    assert code == 1 and out.count("FL202") == 1 and "FL101" not in out
    code, out, _ = check(tmp_path, capsys, "--ignore", "FL101,FL2,FL3")
    assert code == 0 and out == "All checks passed (2 files, 3 flags).\n"
    code, out, _ = check(tmp_path, capsys, "--exit-zero")
    assert code == 0 and "Found 3 findings" in out


def test_config_select_and_ignore(tmp_path, capsys):
    files = {**PROJECT, "pyproject.toml": PROJECT["pyproject.toml"] + 'ignore = ["FL101"]\n'}
    code, out, _ = check(tmp_path, capsys, files=files)
    assert code == 1 and "FL101" not in out and "FL202" in out


def test_inline_suppressions_and_statistics(tmp_path, capsys):
    files = {**PROJECT, "app/main.py": """
        if client.is_enabled("used"):  # flaglint: ignore[FL101]
            pass
        if client.is_enabled("settled"):  # flaglint: ignore[FL202, FL301]
            pass
        if client.is_enabled("typo"):  # flaglint: ignore
            pass
    """}
    code, out, _ = check(tmp_path, capsys, files=files)
    assert code == 0 and out == "All checks passed (2 files, 3 flags).\n"
    files["app/main.py"] = files["app/main.py"].replace("ignore[FL202, FL301]",
                                                        "ignore[FL104, FL301]")
    code, out, _ = check(tmp_path, capsys, "--statistics", files=files)
    assert code == 1
    # The FL202 fix would delete the branch whose FL301 is suppressed: it is no fix here.
    assert out.splitlines() == [
        "1  FL202  settled-flag",
        "app/main.py:1: unused suppression `# flaglint: ignore[FL101]`",
        "Found 1 finding (1 warning) in 2 files, 3 flags.",
    ]


def test_noqa_comments_suppress_as_for_flake8_and_ruff(tmp_path, capsys):
    """`# noqa: FL202` hides FL202 (other linters' codes beside it are theirs); a bare
    `# noqa` hides every finding of its line and is never reported unused; `# noqa: E501`
    hides nothing of flaglint's."""
    files = {**PROJECT, "app/main.py": """
        if client.is_enabled("used"):  # noqa: E501
            pass
        if client.is_enabled("settled"):  # noqa: E501, FL202,FL301
            pass
        if client.is_enabled("typo"):  # NOQA
            pass
        x = 1  # noqa: FL104
        y = 2  # noqa
    """}
    code, out, _ = check(tmp_path, capsys, "--statistics", files=files)
    assert code == 0
    assert out.splitlines() == [
        "app/main.py:7: unused suppression `# noqa: FL104`",
        "All checks passed (2 files, 3 flags).",
    ]


def test_a_marker_in_a_string_is_not_a_suppression(tmp_path, capsys):
    files = {**PROJECT, "app/main.py": """
        if client.is_enabled("used"):
            print("# flaglint: ignore")
        if client.is_enabled("settled") and "# flaglint: ignore":  # flaglint: ignore[FL301]
            pass
        HELP = '''
        # flaglint: ignore
        '''
        if client.is_enabled("typo"):  # flaglint: ignore
            pass
    """}
    code, out, _ = check(tmp_path, capsys, "--statistics", files=files)
    # Only the two comments suppress: FL202 on line 3 is reported, its FL301 is not, and
    # neither string counts as a suppression (used or unused).
    assert code == 1
    assert out.splitlines() == [
        "1  FL202  settled-flag",
        "Found 1 finding (1 warning) in 2 files, 3 flags.",
    ]


def test_suppression_in_the_registry(tmp_path, capsys):
    files = {**PROJECT, "flags.toml": PROJECT["flags.toml"] + """
        [flags.spare]  # flaglint: ignore[FL102]
        owner = "a"
        type = "kill-switch"
    """}
    code, out, _ = check(tmp_path, capsys, "--select", "FL102", files=files)
    assert code == 0, out


def test_check_never_writes_into_the_project(tmp_path, capsys):
    write_tree(tmp_path, PROJECT)
    before = sorted((p.relative_to(tmp_path), p.stat().st_mtime_ns)
                    for p in tmp_path.rglob("*"))
    assert main(["check", str(tmp_path), "--today", "2026-11-23"]) == 1  # with the cache on
    assert main(["check", str(tmp_path), "--today", "2026-11-23"]) == 1  # and warm
    after = sorted((p.relative_to(tmp_path), p.stat().st_mtime_ns) for p in tmp_path.rglob("*"))
    assert before == after
    capsys.readouterr()


def test_warm_cache_gives_the_same_findings(tmp_path, capsys):
    write_tree(tmp_path, PROJECT)
    main(["check", str(tmp_path), "--format", "json", "--today", "2026-11-23"])
    cold = capsys.readouterr().out
    main(["check", str(tmp_path), "--format", "json", "--today", "2026-11-23", "--jobs", "2"])
    assert capsys.readouterr().out == cold


def test_output_file(tmp_path, capsys):
    write_tree(tmp_path, PROJECT)
    report = tmp_path.parent / f"{tmp_path.name}-report.json"
    code = main(["check", str(tmp_path), "--no-cache", "--format", "json", "--output",
                 str(report)])
    assert code == 1
    assert capsys.readouterr().out == ""
    assert json.loads(report.read_text())["summary"]["findings"] == 3


def test_output_into_a_missing_folder_is_a_usage_error(tmp_path, capsys):
    write_tree(tmp_path, PROJECT)
    code = main(["check", str(tmp_path), "--no-cache", "--output",
                 str(tmp_path / "no" / "such" / "report.json")])
    assert code == 2
    assert capsys.readouterr().err.endswith("report.json: No such file or directory\n")


def test_a_registry_with_a_byte_order_mark_is_read(tmp_path, capsys):
    files = {**PROJECT}
    write_tree(tmp_path, files)
    registry = tmp_path / "flags.toml"
    registry.write_bytes(b"\xef\xbb\xbf" + registry.read_bytes())
    assert main(["check", str(tmp_path), "--no-cache", "--select", "FL101"]) == 1
    assert "FL101 [typo]" in capsys.readouterr().out


def test_rule_command_prints_the_documentation(capsys):
    assert main(["rule", "FL102"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# FL102 unused-flag\n\n## What it does\nReports a declared flag")
    assert main(["rule"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0] == "FL001  parse-error            error"
    assert main(["rule", "FL999"]) == 2
    assert capsys.readouterr().err == ("flaglint: error: unknown rule 'FL999'; `flaglint rule` "
                                       "lists them\n")


def test_console_script_runs_as_a_module(tmp_path):
    write_tree(tmp_path, PROJECT)
    result = subprocess.run([sys.executable, "-m", "flaglint", "check", str(tmp_path),
                             "--no-cache", "--select", "FL101"], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stdout.startswith("app/main.py:5:4: FL101 [typo]")


def test_the_command_leaves_with_its_whole_report_written(tmp_path, capsys):
    # `flaglint` (`cli.run`) leaves without freeing what the run made: what it printed must
    # still arrive whole, beyond a pipe's buffer, with the run's exit code
    reads = "".join(f'client.is_enabled("f{i}")\n' for i in range(1500))
    write_tree(tmp_path, {**PROJECT, "app/many.py": reads})
    args = ["check", str(tmp_path), "--no-cache", "--output-format", "json"]
    assert main(args) == 1
    expected = capsys.readouterr()
    result = subprocess.run([sys.executable, "-m", "flaglint", *args], capture_output=True,
                            text=True)
    assert result.returncode == 1
    assert len(result.stdout) > 200_000
    assert (result.stdout, result.stderr) == (expected.out, expected.err)
    assert result.stderr.startswith("flaglint: note: git history unavailable")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/dev/full is Linux's")
def test_a_report_that_cannot_be_written_is_an_error(tmp_path):
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "flaglint", "rule"],
                                stdout=full, stderr=subprocess.PIPE, text=True)
    assert result.returncode == 2
    assert result.stderr == "flaglint: error: cannot write: [Errno 28] No space left on device\n"


def test_the_command_runs_with_a_stream_closed_and_under_a_profiler(tmp_path):
    # a stream closed when the run starts is None in Python: nothing to flush on leaving
    rules = subprocess.run([sys.executable, "-m", "flaglint", "rule"], capture_output=True,
                           text=True).stdout
    closed = subprocess.run(f'"{sys.executable}" -m flaglint rule 2>&-', shell=True,
                            capture_output=True, text=True)
    assert (closed.returncode, closed.stdout) == (0, rules)
    closed = subprocess.run(f'"{sys.executable}" -m flaglint rule >&-', shell=True,
                            capture_output=True, text=True)
    assert closed.returncode == 2
    assert "Traceback" not in closed.stderr
    # a profiler reports on the way out: the command returns to it instead of leaving
    profiled = subprocess.run([sys.executable, "-m", "cProfile", "-m", "flaglint", "rule"],
                              capture_output=True, text=True)
    assert profiled.returncode == 0
    assert profiled.stdout.startswith(rules)
    assert "function calls" in profiled.stdout


def test_the_console_script_is_the_command_that_leaves_at_once():
    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text("utf-8"))
    assert project["project"]["scripts"] == {"flaglint": "flaglint.cli:run"}


def test_missing_path_is_a_usage_error(tmp_path, capsys):
    code = main(["check", str(tmp_path / "nope")])
    assert code == 2
    assert capsys.readouterr().err.endswith("nope: no such file or folder\n")


def test_graph_export(tmp_path, capsys):
    write_tree(tmp_path, PROJECT)
    assert main(["graph", str(tmp_path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    nodes = {node["id"] for node in data["nodes"]}
    assert {"flag:used", "flag:settled", "flag:typo", "file:flags.toml"} <= nodes
    # a line is a number, as in every other JSON flaglint writes
    assert {type(link["line"]) for link in data["links"] if "line" in link} == {int}
    assert main(["graph", str(tmp_path), "--format", "dot"]) == 0
    assert '"app.main" -> "flag:typo"' in capsys.readouterr().out.replace("symbol:", "")
    # as the other commands take it (galaxy-ng's trial): the same graph, no cache written
    assert main(["graph", str(tmp_path), "--format", "json", "--no-cache", "--jobs", "1"]) == 0
    assert json.loads(capsys.readouterr().out) == data
    assert main(["graph", str(tmp_path), "--format", "graphml"]) == 0
    import networkx
    read_back = networkx.parse_graphml(capsys.readouterr().out)
    assert {line for _, _, line in read_back.edges(data="line") if line is not None} == \
        {link["line"] for link in data["links"] if "line" in link}


def test_every_graph_node_says_what_it_is(tmp_path, capsys):
    """A module whose own code calls a class was an edge's end with no `kind` nor `path`
    (localstack: nine such nodes)."""
    write_tree(tmp_path, {"pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n',
                          "app/__init__.py": "",
                          "app/helpers.py": "class Helper:\n    def on(self):\n"
                                            "        return client.is_enabled('on')\n",
                          "app/mod.py": "from app.helpers import Helper\n\nH = Helper()\n"
                                        "\n\ndef on():\n    return client.is_enabled('on')\n"})
    assert main(["graph", str(tmp_path), "--format", "json"]) == 0
    nodes = {node["id"]: node for node in json.loads(capsys.readouterr().out)["nodes"]}
    assert nodes["symbol:app.mod"] == {"id": "symbol:app.mod", "kind": "module",
                                       "path": "app/mod.py"}
    assert all("kind" in node for node in nodes.values())


def test_named_paths_are_checked_with_the_whole_project_in_view(tmp_path, capsys):
    files = {
        **PROJECT,
        "app/keys.py": 'USED = "used"\n',
        "app/main.py": 'from app.keys import USED\nclient.is_enabled(USED)\n',
        "app/other.py": 'client.is_enabled("settled")\nclient.is_enabled("typo")\n',
    }
    write_tree(tmp_path, files)
    code = main(["check", str(tmp_path / "app" / "main.py"), "--no-cache"])
    out = capsys.readouterr().out
    # The key resolves through app/keys.py, and no flag looks unused: other files read them.
    assert code == 0 and out == "All checks passed (1 file, 3 flags).\n"
    code = main(["check", str(tmp_path / "app" / "other.py"), "--no-cache"])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert [line.split(" ")[0] + " " + line.split(" ")[1] for line in lines if ": FL" in line] == [
        "app/other.py:1:1: FL202", "app/other.py:2:1: FL101"]


def test_a_config_below_the_project_checks_the_project(tmp_path, capsys, monkeypatch):
    write_tree(tmp_path, {
        "pyproject.toml": "[project]\nname = 'x'\n",
        "ci/flaglint.toml": 'registry = ["../flags.toml"]\npresets = ["unleash"]\n',
        "flags.toml": PROJECT["flags.toml"],
        "app/__init__.py": "",
        "app/main.py": PROJECT["app/main.py"],
    })
    monkeypatch.chdir(tmp_path / "app")
    code = main(["check", "--config", "../ci/flaglint.toml", "--no-cache", "--today",
                 "2026-11-23"])
    out = capsys.readouterr().out
    assert code == 1
    assert [line.split(" ")[:2] for line in out.splitlines()[:4]] == [
        ["app/main.py:3:1:", "FL301"], ["app/main.py:3:4:", "FL202"],
        ["app/main.py:5:4:", "FL101"], ["Found", "3"]]


def test_a_run_whose_inputs_did_not_change_reuses_the_last_report(tmp_path, capsys,
                                                                   monkeypatch):
    from flaglint.engine import analyze

    write_tree(tmp_path, PROJECT)
    args = ["check", str(tmp_path), "--today", "2026-11-23"]
    first = main(args)
    out = capsys.readouterr()

    def no_analysis(*_args, **_kwargs):
        raise AssertionError("analysed although nothing changed")

    monkeypatch.setattr(analyze, "analyze", no_analysis)
    assert main(args) == first == 1
    assert capsys.readouterr() == out
    monkeypatch.undo()
    # Any input that changes means a full run: a file, the registry, the day.
    (tmp_path / "app" / "main.py").write_text('client.is_enabled("used")\n')
    assert main(args) == 1
    assert "main.py:3" not in capsys.readouterr().out
    (tmp_path / "flags.toml").write_text(PROJECT["flags.toml"].replace("used", "gone"))
    main(args)
    assert "Flag `used` is declared in no registry" in capsys.readouterr().out


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_after_a_second_and_is_erased(monkeypatch):
    from flaglint.progress import Progress

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("NO_PROGRESS", raising=False)
    now = [100.0]
    terminal = _Terminal()
    line = Progress(terminal, clock=lambda: now[0])
    line.update("reading files", 5, 300)  # a short run shows nothing
    assert terminal.getvalue() == ""
    now[0] = 101.5
    line.update("reading files", 120, 300)
    now[0] = 101.55
    line.update("reading files", 121, 300)  # redrawn ten times a second at most
    now[0] = 101.7
    line.update("reading history: commits", 7)
    line.finish()
    assert terminal.getvalue() == (
        "\rflaglint: reading files 120/300"
        "\rflaglint: reading history: commits 7"
        "\r" + " " * 36 + "\r")


@pytest.mark.parametrize("setting", ["CI", "NO_PROGRESS", "pipe"])
def test_no_progress_in_pipes_or_ci(monkeypatch, setting):
    from flaglint.progress import Progress

    for name in ("CI", "NO_PROGRESS"):
        monkeypatch.delenv(name, raising=False)
    if setting != "pipe":
        monkeypatch.setenv(setting, "1")
    stream = io.StringIO() if setting == "pipe" else _Terminal()
    line = Progress(stream, clock=lambda: 1000.0)
    line.start = 0.0
    line.update("reading files", 1, 2)
    line.finish()
    assert stream.getvalue() == ""
