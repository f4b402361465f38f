"""One story per key: a key with two lives (FL401, FL404) is never settled, cleaned or
called dead where its new life reads it, and the advice that would do so says why not."""

from __future__ import annotations

import json

from flaglint.cli import main

from .conftest import commit_all, git, write_tree
from .test_docs_and_fixtures import knight_with_history

TODAY = "2026-11-23"

CONFIG = """
    [tool.flaglint]
    presets = ["unleash"]

    [tool.flaglint.environments]
    servers = "deploy/*.toml"
    """

ROUTER_2003 = """
    from UnleashClient import UnleashClient

    client = UnleashClient()


    def route(order):
        if client.is_enabled("power_peg"):
            return peg_child_orders(order)
        return [order]


    def peg_child_orders(order):
        return [order] * 3
    """


def reused(tmp_path, *, revived: bool):
    """`power_peg` lives in 2003, is retired (its code left behind), and in 2026 new RLP code
    reads the key again; every server sets it to `true` for the launch. With `revived`, the
    registry declares the key again (an active flag); else its tombstone stays."""
    write_tree(tmp_path, {
        "pyproject.toml": CONFIG,
        "flags.toml": '[flags.power_peg]\ntype = "release"\nowner = "trading"\n',
        "router.py": ROUTER_2003,
        "deploy/host1.toml": "[flags]\npower_peg = true\n",
        "deploy/host2.toml": "[flags]\npower_peg = true\n",
    })
    git(tmp_path, "init", "-q")
    commit_all(tmp_path, "Power Peg", "2003-01-10")
    (tmp_path / "flags.toml").write_text('[flags.power_peg]\nstatus = "retired"\n'
                                         'retired = 2003-06-01\n')
    commit_all(tmp_path, "Retire Power Peg (its code stays)", "2003-06-01")
    if revived:
        (tmp_path / "flags.toml").write_text('[flags.power_peg]\ntype = "release"\n'
                                             'owner = "trading"\n')
    write_tree(tmp_path, {
        "rlp.py": """
            from router import client


            def rlp(order):
                if client.is_enabled("power_peg"):
                    return ["rlp", order]
                return [order]
            """,
    })
    commit_all(tmp_path, "Retail Liquidity Program", "2026-10-20")
    return tmp_path


def findings(root, capsys, *args):
    main(["check", str(root), "--today", TODAY, "--no-cache", "--format", "json", *args])
    return json.loads(capsys.readouterr().out)["findings"]


def test_the_knight_router_tells_one_story(tmp_path, capsys):
    """The new RLP read is never "can never run"; the 2003 branch and helper have no fix;
    `clean` refuses while the key has two lives."""
    root = knight_with_history(tmp_path)
    found = findings(root, capsys)
    at_new_read = [(f["code"], f["fix"]) for f in found
                   if f["path"] == "router/orders.py" and f["line"] == 34]
    assert at_new_read == [("FL401", None)]
    peg = [f for f in found if f["flag"] == "power_peg" and f["code"] in ("FL301", "FL302")]
    assert [(f["path"], f["line"], f["fix"]) for f in peg] == [
        ("router/power_peg.py", 7, None), ("router/power_peg.py", 12, None)]
    assert all(f["message"].endswith(
        "; no fix while `power_peg` has two lives (FL401 at router/orders.py:34): give the "
        "new meaning a new key first") for f in peg)
    assert main(["clean", "power_peg", "--value", "false", str(root), "--no-cache"]) == 2
    assert capsys.readouterr().err == (
        "flaglint: error: flag `power_peg` has two lives (FL401 at router/orders.py:34): "
        "cleaning it would settle the code of both with one value; give the new meaning a "
        "new key, then clean the old one\n")


def test_a_reused_key_on_everywhere_gets_no_cleanup_advice(tmp_path, capsys):
    """Knight's shape: every server sets the reused key to `true`. FL203 must not advise
    `clean power_peg --value true`, which would make the 2003 code unconditional."""
    root = reused(tmp_path, revived=True)
    found = findings(root, capsys, "--select", "FL203,FL401,FL404")
    assert [(f["code"], f["path"], f["line"]) for f in found] == [
        ("FL203", "flags.toml", 1), ("FL401", "flags.toml", 1), ("FL404", "router.py", 7)]
    assert found[0]["message"] == (
        "Flag `power_peg` is `true` in every deployment config (servers: 2 hosts): it is "
        "rolled out in all but name; no cleanup is advised: `power_peg` has two lives (FL401 "
        "at flags.toml:1), and settling it would settle both; give the new meaning a new key "
        "first")
    assert "clean" not in found[0]["message"].split("no cleanup")[1]


def test_the_same_answers_whatever_is_selected(tmp_path, capsys):
    """Dead code on a key with two lives does not depend on whether FL401 runs."""
    root = reused(tmp_path, revived=False)
    alone = findings(root, capsys, "--select", "FL301,FL302")
    everything = [f for f in findings(root, capsys) if f["code"] in ("FL301", "FL302")]
    assert alone == everything
    # The 2003 branch and its helper, without fixes; the 2026 read in rlp.py is live code.
    assert [(f["code"], f["path"], f["line"], f["fix"]) for f in alone] == [
        ("FL301", "router.py", 7, None), ("FL302", "router.py", 12, None)]


def test_a_flag_off_everywhere_is_called_off(tmp_path, capsys):
    write_tree(tmp_path, {
        "pyproject.toml": CONFIG,
        "flags.toml": '[flags.beta]\ntype = "release"\nowner = "web"\n',
        "app.py": "from UnleashClient import UnleashClient\n\nclient = UnleashClient()\n\n"
                  "if client.is_enabled('beta'):\n    print('beta')\n",
        "deploy/a.toml": "[flags]\nbeta = false\n",
        "deploy/b.toml": "[flags]\nbeta = false\n",
    })
    found = findings(tmp_path, capsys, "--select", "FL203")
    assert [f["message"] for f in found] == [
        "Flag `beta` is `false` in every deployment config (servers: 2 hosts): it is off "
        "everywhere, so the code it guards never runs; `flaglint clean beta --value false` "
        "would settle 1 read and remove 1 dead branch (2 lines); or mark it "
        "`status = \"rolled-out\"` with `value = false`"]
