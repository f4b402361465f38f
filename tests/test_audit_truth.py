"""The audit tells the truth about legacy code: every flag's whole life (the removed ones
too), no verdict from nothing, next steps that show something, guessed types that never make
a flag expired, and the paths asked for."""

from __future__ import annotations

import io
import json
import re
import shlex
from contextlib import redirect_stderr, redirect_stdout

from flaglint.audit import guess_type
from flaglint.cli import main

from .conftest import commit_all, git, write_tree

TODAY = "2026-11-23"

CONFIG = """
    [tool.flaglint]
    presets = []

    [[tool.flaglint.definitions]]
    class = "app.flags.FeatureFlag"

    [[tool.flaglint.readers]]
    call = "app.flags.is_feature_enabled"
    key = 0
    """


def flags_module(members: list[str]) -> str:
    lines = "".join(f'    {m} = "{m}"\n' for m in members)
    return ("import enum\nimport os\n\n\nclass FeatureFlag(enum.Enum):\n" + lines +
            "\n\ndef is_feature_enabled(flag):\n    return os.getenv(flag.value) == 'True'\n")


def reads(members: list[str]) -> str:
    body = "".join(f"    if is_feature_enabled(FeatureFlag.{m}):\n        yield '{m}'\n"
                   for m in members)
    return "from app.flags import FeatureFlag, is_feature_enabled\n\n\ndef run():\n" + body


def audit(root, capsys, *args):
    main(["audit", str(root), "--today", TODAY, "--no-cache", "--format", "json", *args])
    return json.loads(capsys.readouterr().out)


def halved(tmp_path):
    """VA's shape: six members in January 2025; a July commit removes four of them."""
    six = ["A_ENABLED", "B_ENABLED", "C_ENABLED", "D_ENABLED", "E_ENABLED", "F_ENABLED"]
    write_tree(tmp_path, {"pyproject.toml": CONFIG, "app/__init__.py": "",
                          "app/flags.py": flags_module(six), "app/run.py": reads(six)})
    git(tmp_path, "init", "-q", "-b", "main")
    commit_all(tmp_path, "feature flags", "2025-01-15")
    write_tree(tmp_path, {"app/flags.py": flags_module(six[:2]), "app/run.py": reads(six[:2])})
    commit_all(tmp_path, "Remove feature flags", "2026-07-29")
    return tmp_path


def test_removed_flags_are_part_of_the_history(tmp_path, capsys):
    """The team halved its flags: debt over time falls, and the removals are counted."""
    report = audit(halved(tmp_path), capsys)
    months = {m["month"]: m["flags"] for m in report["months"]}
    assert (months["2025-01"], months["2026-06"], months["2026-07"], months["2026-11"]) == \
        (6, 6, 2, 2)
    assert months["2024-12"] == 0
    flow = next(c for c in report["stage"]["criteria"] if c["criterion"].startswith(
        "flags are removed as fast"))
    assert (flow["met"], flow["measured"]) == (True, "0 added, 4 removed")


def test_the_knight_router_shows_the_flag_that_lived_and_left(tmp_path, capsys):
    """`legacy_reports` lived from 2025-09 to 2025-12 and came back in 2026-09."""
    from .test_docs_and_fixtures import knight_with_history

    report = audit(knight_with_history(tmp_path), capsys)
    months = {m["month"]: m["flags"] for m in report["months"]}
    assert months["2025-10"] >= 1 and months["2025-10"] == months["2025-11"]
    assert months["2025-12"] == months["2025-11"] - 1


def test_nothing_found_gives_no_verdict(tmp_path, capsys):
    write_tree(tmp_path, {"app.py": "def handler(request):\n    return 1\n"})
    report = audit(tmp_path, capsys)
    assert report["flags"] == []
    assert report["stage"]["name"] == "" and report["stage"]["criteria"] == []
    assert report["stage"]["next_steps"][0].startswith("No flag found: ")
    main(["audit", str(tmp_path), "--today", TODAY, "--no-cache"])
    text = capsys.readouterr().out
    assert "## No flag found" in text and "Where the team stands" not in text


def test_no_criterion_passes_on_nothing(tmp_path, capsys):
    """Only retired flags: nothing is live, so no share of live flags is a pass."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n',
        "flags.toml": '[flags.old]\nstatus = "retired"\nretired = 2020-01-01\n',
        "app.py": "x = 1\n"})
    report = audit(tmp_path, capsys)
    shares = [c for c in report["stage"]["criteria"] if c["measured"].startswith("0 of 0")]
    assert shares and not any(c["met"] for c in shares)


def test_every_next_step_shows_something(tmp_path, capsys, monkeypatch):
    """Each command a next step names, run in the project, prints something about it (not
    only "All checks passed"): on the halved project, on one with nothing configured, and
    on label-studio's shape (a key only a test reads made it Reactionary, and the steps
    named FL101 and FL103, which say nothing of a test's read)."""
    root = halved(tmp_path / "halved")
    bare = tmp_path / "bare"
    write_tree(bare, {"app.py": "from UnleashClient import UnleashClient\n\nc = "
                                "UnleashClient()\nif c.is_enabled('beta'):\n    pass\n"})
    tested = tmp_path / "tested"
    write_tree(tested, {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.readers]]\n'
                          'call = "app.features.is_feature_enabled"\nkey = 0\n',
        "flags.toml": '[flags.new_page]\ntype = "release"\nowner = "team"\n',
        "app/__init__.py": "",
        "app/features.py": "def is_feature_enabled(name):\n    return False\n",
        "app/views.py": "from app.features import is_feature_enabled\n\n\ndef page():\n"
                        "    return 'new' if is_feature_enabled('new_page') else 'old'\n",
        "tests/__init__.py": "",
        "tests/test_features.py": "from app.features import is_feature_enabled\n\n\n"
                                  "def test_off():\n"
                                  "    assert not is_feature_enabled('some_test_key')\n"})
    stage = audit(tested, capsys)["stage"]
    assert stage["name"] == "Repeatable"
    assert stage["next_steps"][1] == ("Clean up the stale flags (some_test_key): the flags' "
                                      "`stale` column says why each is stale")
    for project in (root, bare, tested):
        steps = audit(project, capsys)["stage"]["next_steps"]
        commands = [c for step in steps for c in re.findall(r"`(flaglint [^`]+)`", step)]
        assert commands, steps
        monkeypatch.chdir(project)
        for command in commands:
            out, err = io.StringIO(), io.StringIO()
            with redirect_stdout(out), redirect_stderr(err):
                main(shlex.split(command)[1:])
            said = [line for line in (out.getvalue() + err.getvalue()).splitlines()
                    if not line.startswith(("All checks passed", "flaglint: note:"))]
            assert said, (command, out.getvalue(), err.getvalue())


def test_guessed_types_never_expire_and_kill_switches_are_guessed():
    assert guess_type("disable-cost-model-sync") == "kill-switch"
    assert guess_type("cost-management.backend.disable-ocp-ingest") == "kill-switch"
    assert guess_type("circuit_breaker_payments") == "kill-switch"
    assert guess_type("new_checkout") == "release"


def test_audit_path_narrows_everything(tmp_path, capsys):
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n',
        "a/__init__.py": "", "b/__init__.py": "",
        "a/x.py": "if client.is_enabled('in_a'):\n    pass\n",
        "b/y.py": "if client.is_enabled('in_b'):\n    pass\n",
    })
    report = audit(tmp_path / "a", capsys)
    assert [row["key"] for row in report["flags"]] == ["in_a"]
    assert report["totals"]["files"] == 2  # a/__init__.py, a/x.py


def test_init_does_not_call_a_flag_off_everywhere_rolled_out(tmp_path, capsys):
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n\n'
                          '[tool.flaglint.environments]\nprod = "prod.env"\nstaging = "stg.env"\n',
        "app.py": "from UnleashClient import UnleashClient\n\nc = UnleashClient()\n"
                  "if c.is_enabled('beta_search'):\n    pass\nif c.is_enabled('new_nav'):\n"
                  "    pass\n",
        "prod.env": "beta_search=false\nnew_nav=true\n",
        "stg.env": "beta_search=false\nnew_nav=true\n"})
    assert main(["init", str(tmp_path), "--today", TODAY, "--no-cache"]) == 0
    capsys.readouterr()
    registry = (tmp_path / "flags.toml").read_text()
    beta = registry.split("[flags.beta_search]")[1].split("[flags.")[0]
    assert "rolled-out" not in beta
    assert "# off in every deployment config, so the code it guards never runs: " \
           "`flaglint clean beta_search --value false` removes it" in beta
    assert 'status = "rolled-out"' in registry.split("[flags.new_nav]")[1]


def test_a_repository_without_flags_has_history(tmp_path, capsys):
    write_tree(tmp_path, {"app.py": "x = 1\n"})
    git(tmp_path, "init", "-q", "-b", "main")
    commit_all(tmp_path, "start", "2026-01-01")
    assert audit(tmp_path, capsys)["sources"]["history"] is True


def test_the_flag_to_clean_first_is_the_same_whatever_the_hash_seed(tmp_path):
    """Settled flags with as many dead lines each: the next step names the first by key,
    in every process (string hashing differs from one process to the next)."""
    import os
    import subprocess
    import sys

    keys = ["zeta", "kappa", "alpha", "omega", "delta", "sigma"]
    code = "".join(f"\n\ndef use_{k}():\n    if c.is_enabled('{k}'):\n        return 1\n"
                   f"    else:\n        return 2\n" for k in keys)
    write_tree(tmp_path, {
        "flags.toml": "".join(f'[flags.{k}]\nowner = "web"\ntype = "release"\n'
                              f'created = 2026-11-01\nstatus = "rolled-out"\nvalue = true\n\n'
                              for k in keys),
        "app.py": "from UnleashClient import UnleashClient\n\nc = UnleashClient()\n" + code})
    seen = set()
    for seed in ("1", "2", "3", "4"):
        done = subprocess.run(
            [sys.executable, "-m", "flaglint", "audit", str(tmp_path), "--today", TODAY,
             "--no-cache", "--format", "json"], capture_output=True, text=True, check=False,
            env={**os.environ, "PYTHONHASHSEED": seed})
        steps = json.loads(done.stdout)["stage"]["next_steps"]
        seen.add(tuple(re.findall(r"`flaglint clean ([^` ]+)", " ".join(steps))))
    assert seen == {("alpha",)}


def test_a_flag_is_past_its_lifetime_by_its_expires_date_as_fl201_says(tmp_path, capsys):
    """Superset's registry gave its release flags an `expires` date a year out: FL201 was
    silent, but the audit called them past their lifetime (40 days for a release flag) and
    advised `flaglint check --select FL201`, which found nothing. The audit now judges by
    `expires` where a flag has one, in its rows, its verdict and the months drawn."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.readers]]\n'
                          'call = "app.flags.is_on"\nkey = 0\n',
        "flags.toml": '[flags.NEW_UI]\ntype = "release"\nowner = "me"\n'
                      'created = 2026-01-01\nexpires = 2027-06-30\n\n'
                      '[flags.OLD_UI]\ntype = "release"\nowner = "me"\ncreated = 2026-01-01\n',
        "app/__init__.py": "",
        "app/flags.py": "def is_on(name):\n    return False\n",
        "app/views.py": "from app.flags import is_on\n\n\ndef page():\n"
                        "    return is_on('NEW_UI') or is_on('OLD_UI')\n",
    })
    git(tmp_path, "init", "-q", "-b", "main")
    commit_all(tmp_path, "flags", "2026-01-01")
    report = audit(tmp_path, capsys)
    rows = {row["key"]: row for row in report["flags"]}
    assert (rows["NEW_UI"]["stale"], rows["NEW_UI"]["expires"]) == ([], "2027-06-30")
    assert (rows["OLD_UI"]["stale"], rows["OLD_UI"]["expires"]) == (
        ["past its lifetime (326 days, 40 allowed)"], None)
    criteria = {c["criterion"]: c["measured"] for c in report["stage"]["criteria"]}
    assert criteria["at most 20% of active flags are past their lifetime"] == "1 of 2 (50%)"
    assert report["totals"]["FL201"] == 1  # OLD_UI's alone: the audit and FL201 agree
    main(["audit", str(tmp_path), "--today", "2027-07-01", "--no-cache", "--format", "json"])
    later = {row["key"]: row["stale"] for row in json.loads(capsys.readouterr().out)["flags"]}
    assert later["NEW_UI"] == ["past its lifetime (its `expires` date, 2027-06-30)"]


def test_definitions_that_declare_nothing_declare_no_flags(tmp_path, capsys):
    """prefect (found by a helper): a `[[definitions]]` entry for `Setting(bool, …)`, whose
    key is the name it is bound to, matched its calls and declared nothing, and the audit
    ticked "code definitions declare the flags"."""
    write_tree(tmp_path, {
        "flaglint.toml": '[[definitions]]\ncall = "app.settings.Setting"\nkey = 0\n'
                         'reads = ["value"]\n\n[[readers]]\ncall = "app.flags.is_on"\n'
                         'key = 0\n',
        "app/__init__.py": "",
        "app/flags.py": "def is_on(name):\n    return False\n\n\nBETA = is_on('beta')\n",
        "app/settings.py": "class Setting:\n    def __init__(self, kind, default=None):\n"
                           "        self.default = default\n\n    def value(self):\n"
                           "        return self.default\n\n\n"
                           "ENABLE_NEW_ENGINE = Setting(bool, default=False)\n",
        "app/engine.py": "from app.settings import ENABLE_NEW_ENGINE\n\n\n"
                         "def run():\n    return 1 if ENABLE_NEW_ENGINE.value() else 0\n",
    })
    criteria = {c["criterion"]: (c["met"], c["measured"])
                for c in audit(tmp_path, capsys)["stage"]["criteria"]}
    assert criteria["a registry or code definitions declare the flags"] == (
        False, "definitions configured, none found in the code")


def test_a_key_in_the_registry_and_in_code_is_added_once_and_dead_code_left_is_apart(
        tmp_path, capsys):
    """mlflow: three keys the registry and a definition in code both declare counted twice
    ("33 added" for 30 flags); dead code no fix removes (a branch holding a `nonlocal`,
    the helper only it calls) was counted among what cleaning would remove."""
    write_tree(tmp_path, {
        "pyproject.toml": CONFIG,
        "flags.toml": '[flags.A_ENABLED]\nowner = "core"\ntype = "release"\n'
                      'status = "rolled-out"\nvalue = false\n',
        "app/__init__.py": "", "app/flags.py": flags_module(["A_ENABLED", "B_ENABLED"]),
        "app/run.py": "from app.flags import FeatureFlag, is_feature_enabled\n\n\n"
                      "def _check(x):\n    return x\n\n\n"
                      "def run(x):\n    seen = None\n\n    def inner():\n"
                      "        if is_feature_enabled(FeatureFlag.A_ENABLED):\n"
                      "            _check(x)\n            nonlocal seen\n            seen = x\n\n"
                      "    inner()\n    if is_feature_enabled(FeatureFlag.A_ENABLED):\n"
                      "        print('on')\n"
                      "    if is_feature_enabled(FeatureFlag.B_ENABLED):\n"
                      "        print('b')\n    return seen\n"})
    git(tmp_path, "init", "-q", "-b", "main")
    commit_all(tmp_path, "feature flags", "2026-10-01")
    report = audit(tmp_path, capsys)
    flow = next(c for c in report["stage"]["criteria"] if c["criterion"].startswith(
        "flags are removed as fast"))
    assert flow["measured"] == "2 added, 0 removed"
    assert [(d["path"], d["line"], d["end_line"], d["what"], d["removable"])
            for d in report["dead_code"]] == [
        ("app/run.py", 4, 5, "function _check", False),
        ("app/run.py", 12, 15, "branch", False),
        ("app/run.py", 18, 19, "branch", True)]
    row = next(r for r in report["flags"] if r["key"] == "A_ENABLED")
    assert row["dead_lines"] == 2  # what `clean` removes
    dead = next(c for c in report["stage"]["criteria"] if c["criterion"].startswith(
        "no dead code behind settled flags"))
    assert (dead["met"], dead["measured"]) == (False, "2 lines, and 2 parts no fix removes")
    main(["audit", str(tmp_path), "--today", TODAY, "--no-cache"])
    out = capsys.readouterr().out
    assert "## Dead code cleaning would remove\n\n- `A_ENABLED`: app/run.py:18-19 (branch)\n" \
           "\n## Dead code no fix removes (left to do by hand)\n\n" \
           "- `A_ENABLED`: app/run.py:4-5 (function _check)\n" \
           "- `A_ENABLED`: app/run.py:12-15 (branch)\n" in out


def test_an_example_in_a_docstring_defines_no_flag_in_history(tmp_path, capsys):
    """streamlit's `_create_option` documents itself with `_create_option('section.optionName'
    …)`: the history counted that example as a flag added ("57 added" for 55 flags). A key a
    line once wrote like a definition, still in the files but defined nowhere in today's code,
    has no life; a key defined once and deleted since still has one."""
    config = ('[tool.flaglint]\npresets = []\n\n[[tool.flaglint.definitions]]\n'
              'call = "app.cfg._create_option"\nkey = 0\n\n[[tool.flaglint.readers]]\n'
              'call = "app.cfg.get_option"\nkey = 0\n')
    module = ('_OPTIONS = {{}}\n\n\ndef _create_option(key, default_val=None):\n'
              '    """Define an option, e.g.\n\n'
              "        _create_option('section.exampleName', default_val=1)\n"
              '    """\n    _OPTIONS[key] = default_val\n\n\n'
              'def get_option(key):\n    return _OPTIONS[key]\n\n\n{}')
    uses = "from app import cfg\n\n\ndef f():\n    return cfg.get_option('a.one')\n"
    write_tree(tmp_path, {"pyproject.toml": config, "app/__init__.py": "", "app/use.py": uses,
                          "app/cfg.py": module.format(
                              '_create_option("a.one", default_val=True)\n'
                              '_create_option("a.old", default_val=False)\n')})
    git(tmp_path, "init", "-q", "-b", "main")
    commit_all(tmp_path, "options", "2026-09-01")
    write_tree(tmp_path, {"app/cfg.py": module.format(
        '_create_option("a.one", default_val=True)\n# "a.old" went in October\n')})
    commit_all(tmp_path, "Remove a.old", "2026-10-01")
    report = audit(tmp_path, capsys)
    flow = next(c for c in report["stage"]["criteria"] if c["criterion"].startswith(
        "flags are removed as fast"))
    # (`a.old`, deleted and still named in a comment, keeps its life)
    assert flow["measured"] == "2 added, 1 removed"
    assert {m["month"]: m["flags"] for m in report["months"]}["2026-11"] == 1


def test_a_flag_created_after_today_has_no_age(tmp_path, capsys):
    """`--today` before the first commit: the ages were negative (-783 days)."""
    write_tree(tmp_path, {"pyproject.toml": CONFIG, "app/__init__.py": "",
                          "app/flags.py": flags_module(["A_ENABLED"]),
                          "app/run.py": reads(["A_ENABLED"])})
    git(tmp_path, "init", "-q", "-b", "main")
    commit_all(tmp_path, "feature flags", "2026-09-01")
    main(["audit", str(tmp_path), "--today", "2026-08-01", "--no-cache", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    row = report["flags"][0]
    assert (row["key"], row["created"], row["age_days"]) == ("A_ENABLED", "2026-09-01", None)
    flow = next(c for c in report["stage"]["criteria"] if c["criterion"].startswith(
        "flags are removed as fast"))
    assert flow["measured"] == "0 added, 0 removed"  # nor was it added in the months before


def test_a_flag_handed_on_as_a_value_is_not_called_never_read(tmp_path, capsys):
    """localstack: `lambda: config.REMOVE_CERT`, `config.NO_METRICS or …` and
    `factory(enabled=DEBUG_MODE)` hand the flags on as values, which FL102 does not call
    unread; the audit called them "defined, never read" (stale) all the same."""
    write_tree(tmp_path, {
        "flaglint.toml": '[[definitions]]\ncall = "app.config.is_env_true"\n'
                         'bound_name = true\ntruth_reads = true\n',
        "app/__init__.py": "",
        "app/config.py": "import os\n\n\ndef is_env_true(name):\n"
                         "    return os.environ.get(name, '') == '1'\n\n\n"
                         "REMOVE_CERT = is_env_true('REMOVE_CERT')\n"
                         "NO_METRICS = is_env_true('NO_METRICS')\n"
                         "DEBUG_MODE = is_env_true('DEBUG_MODE')\n"
                         "UNUSED = is_env_true('UNUSED')\n"
                         "USED_IN_IF = is_env_true('USED_IN_IF')\n",
        "app/use.py": "from app import config\nfrom app.config import DEBUG_MODE\n\n\n"
                      "def hook(register):\n    register(should_load=lambda: config.REMOVE_CERT)\n"
                      "\n\ndef metrics(api):\n    return config.NO_METRICS or not api\n\n\n"
                      "def session(factory):\n    return factory(enabled=DEBUG_MODE)\n\n\n"
                      "def other():\n    if config.USED_IN_IF:\n        return 1\n    return 2\n",
    })
    git(tmp_path, "init", "-q", "-b", "main")
    commit_all(tmp_path, "flags", "2026-11-01")
    report = audit(tmp_path, capsys)
    assert {row["key"]: row["stale"] for row in report["flags"]} == {
        "DEBUG_MODE": [], "NO_METRICS": [], "REMOVE_CERT": [],
        "UNUSED": ["defined, never read"], "USED_IN_IF": []}


def test_the_step_for_reads_of_ended_keys_says_what_they_are(tmp_path, capsys):
    """wagtail's trial: one read left over of a retired key (FL404 alone) was told to "give
    reused keys a new name". A key used again (FL401) needs a new name; a left-over read
    needs deleting, which `clean` does."""
    left = tmp_path / "left"
    write_tree(left, {
        "pyproject.toml": CONFIG,
        "flags.toml": '[flags.OLD_ENABLED]\ntype = "release"\nowner = "team"\n'
                      'status = "retired"\nretired = 2026-01-05\n',
        "app/__init__.py": "", "app/flags.py": flags_module(["OLD_ENABLED"]),
        "app/run.py": reads(["OLD_ENABLED"])})
    git(left, "init", "-q", "-b", "main")
    commit_all(left, "flags", "2025-06-01")
    report = audit(left, capsys)
    reuse = [c for c in report["stage"]["criteria"] if "used again" in c["criterion"]]
    assert [(c["met"], c["measured"]) for c in reuse] == [(False, "1 finding")]
    assert "Delete the reads left over of retired or removed keys (OLD_ENABLED): `flaglint " \
           "check --select FL404` lists them, and `flaglint clean KEY --value V` deletes a " \
           "key's reads and the code they make dead (`V`: what the reads yield now, their " \
           "default)" in report["stage"]["next_steps"]
    assert not any("new name" in step for step in report["stage"]["next_steps"])


def test_a_rolled_out_flag_is_never_called_expired(tmp_path, capsys):
    """pulpcore's trial: "Roll out or remove the expired flags (X)" named a flag rolled out
    already (stale, not expired), and `check --select FL201` said nothing of it."""
    write_tree(tmp_path, {
        "pyproject.toml": CONFIG,
        "flags.toml": '[flags.A_ENABLED]\ntype = "release"\nowner = "team"\n'
                      'created = 2020-01-01\nstatus = "rolled-out"\nvalue = false\n',
        "app/__init__.py": "", "app/flags.py": flags_module(["A_ENABLED"]),
        "app/run.py": reads(["A_ENABLED"])})
    steps = audit(tmp_path, capsys)["stage"]["next_steps"]
    assert steps and not any("expired" in step for step in steps), steps


def test_a_dead_helper_clean_keeps_is_not_what_cleaning_would_remove(tmp_path, capsys):
    """galaxy-ng: `call_sign_and_move_task` is called only from dead code, and
    `tasks/__init__.py` re-exports it: `clean` keeps it (its refusal names the import), and
    the audit listed it among what cleaning would remove. Now it says what keeps it; a
    helper only dead code names is still removed."""
    write_tree(tmp_path, {
        "pyproject.toml": CONFIG,
        "flags.toml": '[flags.A_ENABLED]\nowner = "core"\ntype = "release"\n'
                      'status = "rolled-out"\nvalue = false\n',
        "app/__init__.py": "", "app/flags.py": flags_module(["A_ENABLED"]),
        "app/tasks/__init__.py": "from app.tasks.signing import sign_task\n",
        "app/tasks/signing.py": "def sign_task(x):\n    return x\n\n\n"
                                "def _stamp(x):\n    return x\n",
        "app/views.py": "from app.flags import FeatureFlag, is_feature_enabled\n"
                        "from app.tasks.signing import _stamp, sign_task\n\n\n"
                        "def view(x):\n    if is_feature_enabled(FeatureFlag.A_ENABLED):\n"
                        "        sign_task(x)\n        _stamp(x)\n    return x\n"})
    git(tmp_path, "init", "-q", "-b", "main")
    commit_all(tmp_path, "feature flags", "2026-10-01")
    report = audit(tmp_path, capsys)
    assert [(d["path"], d["line"], d["what"], d["removable"]) for d in report["dead_code"]] == [
        ("app/tasks/signing.py", 1, "function sign_task; kept: app/tasks/__init__.py:1: import "
                                    "(from app.tasks.signing import sign_task)", False),
        ("app/tasks/signing.py", 5, "function _stamp", True),
        ("app/views.py", 6, "branch", True)]
    assert main(["clean", "A_ENABLED", "--dry-run", "--no-cache", str(tmp_path)]) == 1
    assert "app/tasks/signing.py:1: `sign_task` not deleted: app/tasks/__init__.py:1:1: import" \
        in capsys.readouterr().err


def test_the_html_tables_findings_sort_by_their_count(tmp_path, capsys):
    """CKAN: `FL101×10` sorted level with `FL101×1` (the number of rules, not findings)."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n',
        "flags.toml": '[flags.declared]\nowner = "core"\ntype = "release"\n',
        "app.py": "import UnleashClient\n\nclient = UnleashClient.UnleashClient()\n" +
                  "".join(f'if client.is_enabled("{key}"):\n    x = {i}\n'
                          for i, key in enumerate(["many", "many", "many", "one", "declared"]))})
    report = tmp_path / "audit.html"
    main(["audit", str(tmp_path), "--today", TODAY, "--no-cache", "--format", "html",
          "--output", str(report)])
    capsys.readouterr()
    cells = dict((shown, int(key)) for key, shown in re.findall(
        r'data-sort="(\d+)">(FL[^<]*)</td>', report.read_text()))
    assert (cells["FL101×3"], cells["FL101×1"]) == (3, 1), cells
