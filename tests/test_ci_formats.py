"""The pull-request check: SARIF, GitHub annotations, GitLab Code Quality, the Markdown
summary, the baseline, several outputs from one analysis, and the CI files, each validated by
the tool that consumes it (tests/tools.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from flaglint import baseline
from flaglint.cli import main
from flaglint.docs import render
from flaglint.findings import Finding, Fix, Related, Severity, Span
from flaglint.reporters import Report, github, gitlab, markdown, sarif
from flaglint.rules import all_rules

from . import tools
from .conftest import commit_all, git, write_tree
from .test_docs_and_fixtures import knight_with_history, snapshot

REPO = Path(__file__).resolve().parent.parent
KNIGHT = REPO / "fixtures" / "knight-router"
TODAY = "2026-11-23"


@pytest.fixture(scope="module")
def knight(tmp_path_factory) -> dict[str, str]:
    """The Knight router checked once, with every format written by one analysis."""
    root = knight_with_history(tmp_path_factory.mktemp("knight"))
    out = root.parent / "out"
    out.mkdir()
    outputs = [f"--output-format={name}={out / name}" for name in
               ("sarif", "github", "gitlab", "markdown", "json")]
    with pytest.MonkeyPatch.context() as patch:
        for name in ("GITHUB_REPOSITORY", "GITHUB_SHA", "CI_PROJECT_URL", "CI_COMMIT_SHA"):
            patch.delenv(name, raising=False)
        code = main(["check", str(root), "--today", TODAY, "--no-cache", *outputs])
    assert code == 1
    texts = {name: (out / name).read_text(encoding="utf-8") for name in
             ("sarif", "github", "gitlab", "markdown", "json")}
    texts["root"] = str(root)
    return texts


def test_one_analysis_writes_every_format(knight, capsys):
    findings = json.loads(knight["json"])["findings"]
    assert len(findings) == 20
    assert len(knight["github"].splitlines()) == 20
    assert len(json.loads(knight["gitlab"])) == 20
    assert len(json.loads(knight["sarif"])["runs"][0]["results"]) == 20


def test_github_annotations_on_the_knight_router(knight):
    assert knight["github"] == snapshot(KNIGHT / "expected.github.txt", knight["github"])


def test_gitlab_code_quality_on_the_knight_router(knight):
    issues = json.loads(knight["gitlab"])
    assert knight["gitlab"] == snapshot(KNIGHT / "expected.gitlab.json", knight["gitlab"])
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    assert {i["severity"] for i in issues} == {"major", "minor", "info"}
    assert issues[1] == {
        "type": "issue",
        "description": "FL501 [power_peg] Flag `power_peg` was retired on 2003-06-01 "
                       "(868b7c2), yet this config sets it to `true`; the code that still "
                       "reads it (router/orders.py:34, router/power_peg.py:7) runs wherever "
                       "this config is deployed; this host sets it to `true`, which 7 of 8 "
                       "hosts of `servers` do not set; delete the line",
        "check_name": "FL501", "fingerprint": issues[1]["fingerprint"], "severity": "major",
        "categories": ["Bug Risk"],
        "location": {"path": "deploy/servers/host8.toml", "lines": {"begin": 6, "end": 6}}}


def test_markdown_summary_on_the_knight_router(knight):
    assert knight["markdown"] == snapshot(KNIGHT / "expected.md", knight["markdown"])


def normalised_sarif(text: str, root: str) -> str:
    return text.replace(Path(root).resolve().as_uri(), "file:///ROOT")


def test_sarif_on_the_knight_router(knight):
    text = normalised_sarif(knight["sarif"], knight["root"])
    assert text == snapshot(KNIGHT / "expected.sarif", text)


def test_sarif_is_valid_for_the_schema_and_the_multitool(knight, tmp_path):
    import jsonschema

    log = json.loads(knight["sarif"])
    schema = tools.sarif_schema()
    errors = list(jsonschema.validators.validator_for(schema)(schema).iter_errors(log))
    assert [e.message for e in errors] == []
    path = tmp_path / "knight.sarif"
    path.write_text(knight["sarif"], encoding="utf-8")
    assert tools.validate_sarif(path) == []


def test_the_kept_sarif_schema_is_the_one_the_multitool_ships():
    """tests/schemas/sarif-2.1.0.json is a copy, byte for byte, of the npm package's file."""
    assert tools.SARIF_SCHEMA.read_bytes() == tools.shipped_sarif_schema().read_bytes()


def test_sarif_content_github_relies_on(knight):
    run = json.loads(knight["sarif"])["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert set(rules) == {r.code for r in all_rules() if r.default_enabled}  # the ones run
    for rule in all_rules():
        if not rule.default_enabled:
            continue
        descriptor = rules[rule.code]
        assert descriptor["name"] == rule.name
        assert descriptor["help"]["markdown"] == render(rule)
        assert descriptor["shortDescription"]["text"] and descriptor["fullDescription"]["text"]
        assert descriptor["defaultConfiguration"]["level"] == sarif.LEVELS[rule.severity]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")
    assert run["invocations"] == [{"executionSuccessful": True, "exitCode": 1}]
    results = run["results"]
    for result in results:
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not location["artifactLocation"]["uri"].startswith("/")
        assert result["ruleId"] == run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"]
    related = {r["ruleId"] for r in results if r.get("relatedLocations")}
    assert {"FL302", "FL401", "FL404", "FL501"} <= related
    zombie = next(r for r in results if r["ruleId"] == "FL404")
    assert [(x["physicalLocation"]["region"]["startLine"], x["message"]["text"])
            for x in zombie["relatedLocations"]] == [
        (34, "`power_peg` retired here in 868b7c2 (2003-06-01): Retire Power Peg (the code "
             "stays, switched off)")]
    drift = next(r for r in results if r["ruleId"] == "FL501" and
                 r["properties"]["flag"] == "smart_routing")
    assert len(drift["relatedLocations"]) == 7
    fixed = [r for r in results if "fixes" in r]
    assert {r["ruleId"] for r in fixed} == {"FL202", "FL301", "FL302"}


def test_sarif_fixes_are_the_edits_fix_makes(knight):
    """Applying a result's replacements to the file gives what `--fix` writes."""
    run = json.loads(knight["sarif"])["runs"][0]
    result = next(r for r in run["results"] if r["ruleId"] == "FL302" and
                  r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] ==
                  "router/power_peg.py" and "fixes" in r)
    change = next(c for c in result["fixes"][0]["artifactChanges"]
                  if c["artifactLocation"]["uri"] == "router/power_peg.py")
    text = (Path(knight["root"]) / "router" / "power_peg.py").read_text()
    for replacement in sorted(change["replacements"],
                              key=lambda r: -r["deletedRegion"]["charOffset"]):
        region = replacement["deletedRegion"]
        start, end = region["charOffset"], region["charOffset"] + region["charLength"]
        text = text[:start] + replacement.get("insertedContent", {}).get("text", "") + \
            text[end:]
    assert "def legacy_route" not in text and "def power_peg_route" in text
    compile(text, "power_peg.py", "exec")


def test_sarif_notes_reach_the_invocation(tmp_path, capsys):
    write_tree(tmp_path, {"app.py": "from UnleashClient import UnleashClient\n"
                                    "c = UnleashClient()\nc.is_enabled('x')\n",
                          "flags.toml": "[flags.x]\nowner = 'a'\ntype = 'release'\n"})
    code = main(["check", str(tmp_path), "--no-cache", "--format", "sarif", "--today", TODAY])
    log = json.loads(capsys.readouterr().out)
    invocation = log["runs"][0]["invocations"][0]
    assert code == 0 and invocation["exitCode"] == 0
    assert [n["message"]["text"][:25] for n in invocation["toolExecutionNotifications"]] == \
        ["git history unavailable ("]


def test_fingerprints_stay_when_unrelated_lines_move(tmp_path, capsys):
    root = knight_with_history(tmp_path)

    def prints() -> list[tuple[str, str, str]]:
        main(["check", str(root), "--no-cache", "--format", "sarif", "--today", TODAY])
        results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
        return sorted((r["ruleId"], r["message"]["text"].split(" (")[0],
                       r["partialFingerprints"][sarif.FINGERPRINT]) for r in results)

    before = prints()
    orders = root / "router" / "orders.py"
    orders.write_text("# Routing of parent orders.\n\n\nLIMIT = 10_000\n\n\n" +
                      orders.read_text() + "\n\ndef unrelated():\n    return 1\n")
    registry = root / "flags.toml"
    registry.write_text(registry.read_text().replace(
        "# The flag registry of the order router.\n",
        "# The flag registry of the order router.\n# Owners: see CODEOWNERS.\n\n"))
    after = prints()
    assert [p for _, _, p in after] == [p for _, _, p in before]


@pytest.mark.parametrize(("arguments", "made"), [
    (["--format", "text"], False), (["--format", "json"], False), (["--format", "github"], False),
    (["--format", "sarif"], True), (["--format", "gitlab"], True),
    (["--output-format", "gitlab={out}"], True), (["--write-baseline", "{out}"], True),
])
def test_fingerprints_made_only_where_shown_or_recorded(tmp_path, capsys, monkeypatch,
                                                        arguments, made):
    """A baseline entry (its fingerprint reads the lines around a finding) is made for a
    baseline and the formats that show one, not for every report."""
    root = knight_with_history(tmp_path)
    asked = []
    real = baseline.entries
    monkeypatch.setattr(baseline, "entries", lambda *a: asked.append(1) or real(*a))
    out = str(tmp_path / "out")
    main(["check", str(root), "--no-cache", "--today", TODAY,
          *(a.format(out=out) for a in arguments)])
    capsys.readouterr()
    assert bool(asked) is made


ODD = "100% of `x`: a, b\r\nsecond line — é ✓"


def odd_findings() -> list[Finding]:
    span = Span(3, 5, 3, 12)
    return [
        Finding("FL101", "undefined-flag", Severity.WARNING, "new:ui,v2", "app/a,b:c.py",
                span, ODD),
        Finding("FL203", "settled-in-config", Severity.INFO, None, "dir with space/ü.py",
                Span(1, 1, 2, 1), "plain <b>html</b> | pipe"),
        Finding("FL501", "config-drift", Severity.ERROR, "k", "deploy/h.toml", Span(2, 1, 2, 9),
                "Sets `k`", related=(Related("deploy/h1.toml", Span(2, 1, 2, 9), "majority"),
                                     Related("flags.toml", None, "whole file"))),
    ]


def test_github_escaping():
    lines = [github.annotation(f) for f in odd_findings()]
    assert lines == [
        "::warning file=app/a%2Cb%3Ac.py,line=3,col=5,endLine=3,endColumn=12,"
        "title=FL101 undefined-flag [new%3Aui%2Cv2]::100%25 of `x`: a, b%0D%0Asecond line — "
        "é ✓",
        "::notice file=dir with space/ü.py,line=1,col=1,endLine=2,"
        "title=FL203 settled-in-config::plain <b>html</b> | pipe",
        "::error file=deploy/h.toml,line=2,col=1,endLine=2,endColumn=9,"
        "title=FL501 config-drift [k]::Sets `k`",
    ]


def test_odd_messages_in_gitlab_markdown_and_sarif(tmp_path):
    report = Report(odd_findings(), 3, 2, root=tmp_path, fingerprints=("a", "b", "c"),
                    exit_code=1, codes=("FL101",))
    issues = gitlab.document(report)
    assert [(i["description"], i["location"]) for i in issues] == [
        (f"FL101 [new:ui,v2] {ODD}", {"path": "app/a,b:c.py", "lines": {"begin": 3, "end": 3}}),
        ("FL203 plain <b>html</b> | pipe", {"path": "dir with space/ü.py",
                                            "lines": {"begin": 1, "end": 2}}),
        ("FL501 [k] Sets `k`", {"path": "deploy/h.toml", "lines": {"begin": 2, "end": 2}}),
    ]
    text = markdown.render(report, "https://github.com/o/r/blob/abc/")
    assert ("- **FL101** warning [app/a,b:c.py:3](https://github.com/o/r/blob/abc/app/a,b:c.py"
            "#L3): 100% of `x`: a, b second line — é ✓\n") in text
    assert ("- **FL203** info [dir with space/ü.py:1](https://github.com/o/r/blob/abc/dir%20"
            "with%20space/ü.py#L1-L2): plain &lt;b&gt;html&lt;/b&gt; | pipe\n") in text
    log = sarif.document(report)
    result = log["runs"][0]["results"][0]
    assert result["message"]["text"] == ODD
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "app/a%2Cb%3Ac.py"
    assert log["runs"][0]["results"][1]["locations"][0]["physicalLocation"][
        "artifactLocation"]["uri"] == "dir%20with%20space/%C3%BC.py"
    assert log["runs"][0]["results"][2]["relatedLocations"][1] == {
        "id": 2, "physicalLocation": {"artifactLocation": {"uri": "flags.toml",
                                                           "uriBaseId": "%SRCROOT%"}},
        "message": {"text": "whole file"}}
    import jsonschema

    schema = tools.sarif_schema()
    assert list(jsonschema.validators.validator_for(schema)(schema).iter_errors(log)) == []
    path = tmp_path / "odd.sarif"
    path.write_text(json.dumps(log, ensure_ascii=False), encoding="utf-8")
    assert tools.validate_sarif(path) == []


def test_markdown_stays_under_githubs_limit():
    findings = [Finding("FL101", "undefined-flag", Severity.WARNING, f"flag_{i % 40}",
                        f"pkg/module_{i}.py", Span(i + 1, 1, i + 1, 9), "x" * 150,
                        Fix(safe=True, description="Replace the read with `True`"))
                for i in range(3000)]
    text = markdown.render(Report(findings, 3000, 40), "https://github.com/o/r/blob/abc/")
    assert len(text) <= markdown.LIMIT
    shown = text.count("\n- **FL101**")
    assert 100 < shown < 3000
    assert f"_{3000 - shown} more findings not shown: this summary stops at GitHub's " \
           f"65,536-character limit." in text


def test_markdown_links_from_the_ci_environment(tmp_path, capsys, monkeypatch):
    write_tree(tmp_path, {"app.py": "from UnleashClient import UnleashClient\n"
                                    "c = UnleashClient()\nc.is_enabled('x')\n",
                          "flags.toml": "[flags.y]\nowner = 'a'\ntype = 'release'\n"})
    git(tmp_path, "init", "-q", "-b", "main")
    commit_all(tmp_path, "start", "2026-11-01")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/shop")
    monkeypatch.setenv("GITHUB_SHA", "0123abc")
    main(["check", str(tmp_path), "--no-cache", "--format", "markdown", "--today", TODAY])
    out = capsys.readouterr().out
    assert "[app.py:3](https://github.com/acme/shop/blob/0123abc/app.py#L3)" in out
    monkeypatch.delenv("GITHUB_REPOSITORY")
    monkeypatch.setenv("CI_PROJECT_URL", "https://gitlab.example.com/acme/shop")
    monkeypatch.setenv("CI_COMMIT_SHA", "0123abc")
    main(["check", str(tmp_path / "app.py"), "--no-cache", "--format", "markdown", "--today",
          TODAY])
    assert "[app.py:3](https://gitlab.example.com/acme/shop/-/blob/0123abc/app.py#L3)" in \
        capsys.readouterr().out


# -- the baseline ----------------------------------------------------------------------------

APP = """
from UnleashClient import UnleashClient

client = UnleashClient()


def a():
    return client.is_enabled("ghost_a")


def b():
    return client.is_enabled("ghost_b")
"""


def test_a_baseline_hides_old_findings_after_unrelated_edits(tmp_path, capsys):
    write_tree(tmp_path, {"app.py": APP, "flags.toml": "[flags.real]\nowner = 'a'\n"
                                                       "type = 'release'\n"})
    git(tmp_path, "init", "-q", "-b", "main")
    commit_all(tmp_path, "start", "2026-11-01")
    recorded = tmp_path / ".flaglint-baseline.json"
    args = ["check", str(tmp_path), "--no-cache", "--today", TODAY, "--select", "FL101"]
    assert main([*args, "--write-baseline", str(recorded)]) == 0
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"flaglint: recorded 2 findings in {recorded}; exit code 0 "
                              f"(runs with --baseline {recorded} report only new findings)\n")
    written = recorded.read_text()
    entries = json.loads(written)["findings"]
    assert [(e["code"], e["flag"], e["path"], e["text"]) for e in entries] == [
        ("FL101", "ghost_a", "app.py", 'return client.is_enabled("ghost_a")'),
        ("FL101", "ghost_b", "app.py", 'return client.is_enabled("ghost_b")')]
    assert re.fullmatch(r"[0-9a-f]{24}", entries[0]["fingerprint"])
    commit_all(tmp_path, "baseline", "2026-11-02")

    # Edits move the old findings (one right next to its line) and add a new one.
    (tmp_path / "app.py").write_text(
        "# Flags of the app.\n" + APP.replace("def a():\n", "def a():\n    # why\n") +
        '\n\ndef c():\n    return client.is_enabled("ghost_c")\n')
    assert main([*args, "--baseline", str(recorded), "--statistics"]) == 1
    out = capsys.readouterr().out
    assert out == "1  FL101  undefined-flag\nBaseline: 2 findings hidden\n" \
                  "Found 1 finding (1 warning) in 1 file, 4 flags.\n"
    assert main([*args, "--baseline", str(recorded)]) == 1
    assert capsys.readouterr().out.splitlines()[0].startswith(
        "app.py:18:12: FL101 [ghost_c]")

    # A fixed finding is a stale entry, and drops out when the baseline is written again.
    (tmp_path / "app.py").write_text(APP.replace('client.is_enabled("ghost_b")', "True"))
    assert main([*args, "--baseline", str(recorded), "--statistics"]) == 0
    assert capsys.readouterr().out == (
        "Baseline: 1 finding hidden; 1 entry no longer matches a finding (fixed since): record "
        "the baseline again with --write-baseline FILE\nAll checks passed (1 file, 2 flags).\n")
    assert main([*args, "--write-baseline", str(recorded)]) == 0
    capsys.readouterr()
    again = recorded.read_text()
    assert [e["flag"] for e in json.loads(again)["findings"]] == ["ghost_a"]
    assert again.splitlines()[:3] == written.splitlines()[:3]  # stable: same header
    main([*args, "--write-baseline", str(recorded)])
    assert recorded.read_text() == again  # writing twice changes nothing


GHOST = """
from UnleashClient import UnleashClient

client = UnleashClient()


def a():
    return client.is_enabled("ghost")
"""


def test_writing_a_baseline_says_what_it_recorded_and_nothing_else(tmp_path, capsys):
    """Every finding is recorded and hidden: no "All checks passed" over them."""
    write_tree(tmp_path, {"app.py": APP, "flags.toml": "[flags.real]\nowner = 'a'\n"
                                                       "type = 'release'\n"})
    recorded = tmp_path / "baseline.json"
    assert main(["check", str(tmp_path), "--no-cache", "--today", TODAY, "--select", "FL101",
                 "--write-baseline", str(recorded)]) == 0
    assert capsys.readouterr() == ("", (
        f"flaglint: recorded 2 findings in {recorded}; exit code 0 (runs with --baseline "
        f"{recorded} report only new findings)\n"))


def test_a_baseline_is_matched_on_the_whole_run_before_diff_narrows_it(tmp_path, capsys):
    """A new read that reads like a recorded one is new: only the change is shown, but the
    recorded finding is still there to take its entry."""
    write_tree(tmp_path, {"app.py": GHOST, "flags.toml": "[flags.real]\nowner = 'a'\n"
                                                         "type = 'release'\n"})
    git(tmp_path, "init", "-q", "-b", "main")
    recorded = tmp_path / ".flaglint-baseline.json"
    args = ["check", str(tmp_path), "--no-cache", "--today", TODAY, "--select", "FL101"]
    assert main([*args, "--write-baseline", str(recorded)]) == 0
    commit_all(tmp_path, "start, with a baseline", "2026-11-01")
    capsys.readouterr()
    with (tmp_path / "app.py").open("a") as app:
        app.write('\n\ndef b():\n    return client.is_enabled("ghost")\n')
    assert main([*args, "--baseline", str(recorded), "--changed-since", "HEAD"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "app.py:11:12: FL101 [ghost] Flag `ghost` is declared in no registry or definition; "
        "nobody owns it and it never expires",
        "Found 1 finding (1 warning) in 1 file, 2 flags."]
    assert main([*args, "--baseline", str(recorded)]) == 1  # the same without --changed-since
    assert capsys.readouterr().out.splitlines()[0].startswith("app.py:11:12: FL101 [ghost]")


def test_baseline_matching_by_fingerprint_then_by_line_text():
    old = [baseline.Entry("FL101", "k", "a.py", "read(k)", "f1"),
           baseline.Entry("FL101", "k", "a.py", "read(k)", "f1:2"),
           baseline.Entry("FL301", "j", "a.py", "if j:", "f3")]
    now = [baseline.Entry("FL101", "k", "a.py", "read(k)", "zz"),  # moved next to an edit
           baseline.Entry("FL101", "k", "a.py", "read(k)", "f1"),
           baseline.Entry("FL101", "k", "a.py", "read(k)", "f9")]  # a third one: new
    matched = baseline.match(now, old)
    assert matched.kept == [2] and matched.hidden == 2
    assert [e.fingerprint for e in matched.stale] == ["f3"]


@pytest.mark.parametrize(("content", "message"), [
    (None, "--baseline {path}: no such file; record one with --write-baseline {path}"),
    ("{\n  \"version\": 1,\n  oops\n}", "{path}:3: not a flaglint baseline (Expecting "
                                         "property name enclosed in double quotes); record "
                                         "one with --write-baseline {path}"),
    ('{"version": 7, "findings": []}', "{path}: not a flaglint baseline (expected version 1 "
                                       "and a `findings` list); record one with "
                                       "--write-baseline {path}"),
    ('{"version": 1, "findings": [{"code": "FL101"}]}',
     "{path}: entry 1 needs code, path and fingerprint; record the file again with "
     "--write-baseline {path}"),
])
def test_a_broken_baseline_is_a_usage_error(tmp_path, capsys, content, message):
    write_tree(tmp_path, {"app.py": APP})
    path = tmp_path / "baseline.json"
    if content is not None:
        path.write_text(content)
    assert main(["check", str(tmp_path), "--no-cache", "--baseline", str(path)]) == 2
    assert capsys.readouterr().err == f"flaglint: error: {message.format(path=path)}\n"


@pytest.mark.parametrize("given", ["xml=out.xml", "xml", "json="])
def test_output_format_needs_a_known_format(capsys, given):
    with pytest.raises(SystemExit) as exit_:
        main(["check", "--output-format", given])
    assert exit_.value.code == 2
    assert "expected FORMAT or FORMAT=FILE with FORMAT one of text, json, sarif, github, " \
           f"gitlab, markdown, not {given!r}" in capsys.readouterr().err


# -- the CI files --------------------------------------------------------------------------


def test_the_action_is_a_valid_composite_action():
    result = tools.check_jsonschema("vendor.github-actions", REPO / "action.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_actions_steps_pass_actionlint(tmp_path):
    """actionlint reads workflows, not actions: the action's steps, as the one job of a reusable
    workflow with the same inputs, have their expressions and step references checked."""
    import yaml

    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    inputs = {name: {"type": "string", "required": False, "default": spec.get("default", "")}
              for name, spec in action["inputs"].items()}
    workflow = tmp_path / "action-steps.yml"
    workflow.write_text(yaml.safe_dump({
        "name": "the action's steps", "on": {"workflow_call": {"inputs": inputs}},
        "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": action["runs"]["steps"]}}},
        sort_keys=False), encoding="utf-8")
    assert tools.actionlint(workflow) == []
    workflow.write_text(workflow.read_text().replace("steps.upload.outcome", "steps.uplod.outcome"))
    assert {f["kind"] for f in tools.actionlint(workflow)} == {"expression"}


def test_the_documented_workflow_passes_actionlint_and_its_schema():
    workflow = REPO / "docs" / "ci" / "github-workflow.yml"
    assert tools.actionlint(workflow) == []
    result = tools.check_jsonschema("vendor.github-workflows", workflow)
    assert result.returncode == 0, result.stdout + result.stderr
    assert workflow.read_text() in (REPO / "README.md").read_text()


def test_actionlint_finds_what_is_wrong(tmp_path):
    """The linter the workflow is held to does lint: a broken workflow is reported."""
    broken = tmp_path / "broken.yml"
    broken.write_text("on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
                      "    steps:\n      - run: echo hi\n        shell: bashh\n")
    assert [f["kind"] for f in tools.actionlint(broken)] == ["shell-name"]


def test_the_gitlab_snippet_passes_its_schema():
    snippet = REPO / "docs" / "ci" / "gitlab-ci.yml"
    result = tools.check_jsonschema("vendor.gitlab-ci", snippet)
    assert result.returncode == 0, result.stdout + result.stderr
    assert snippet.read_text() in (REPO / "README.md").read_text()
