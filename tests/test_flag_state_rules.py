"""Flag state from a flag service's export (`[[tool.flaglint.flag-state]]`) feeds the rules
as a registry and as environments: exports shaped as the vendors document them
(tests/data/flag-state/), read beside code that reads their flags."""

from __future__ import annotations

import json
from pathlib import Path

from flaglint.cli import main

from .conftest import Found, write_tree

DATA = Path(__file__).parent / "data" / "flag-state"
TODAY = "2026-11-23"


def export(fmt: str, name: str) -> str:
    return (DATA / fmt / name).read_text(encoding="utf-8")


def config(*sources: tuple[str, str], presets: str = '"unleash"') -> str:
    entries = "".join(f'\n[[tool.flaglint.flag-state]]\nformat = "{fmt}"\npath = "{path}"\n'
                      for fmt, path in sources)
    return f"[tool.flaglint]\npresets = [{presets}]\n{entries}"


UNLEASH_APP = """
    from UnleashClient import UnleashClient

    client = UnleashClient()


    def checkout():
        if client.is_enabled("new-checkout"):
            return "one page"
        return "three pages"


    def banner():
        return client.is_enabled("beta-banner")


    def payments():
        if client.is_enabled("kill-payments"):
            return None
        return "pay"


    def search():
        return client.is_enabled("serch-v2")
    """

LD_APP = """
    import ldclient

    client = ldclient.get()


    def checkout(user):
        if client.variation("new-checkout", user, False):
            return "one page"
        return "three pages"


    def upsell(user):
        if client.variation("old-upsell", user, False):
            return "upsell"
        return None


    def size(user):
        return client.variation("page-size", user, 20)


    def reports(user):
        return client.variation("old-reports", user, False)
    """


def unleash_project(root: Path, extra: dict[str, str] | None = None) -> Path:
    return write_tree(root, {
        "pyproject.toml": config(("unleash", "exports/unleash.json")),
        "exports/unleash.json": export("unleash", "export-production.json"),
        "app.py": UNLEASH_APP, **(extra or {})})


def test_an_unleash_export_declares_flags_and_serves_them(tmp_path, lint):
    files = {"pyproject.toml": config(("unleash", "exports/unleash.json")),
             "exports/unleash.json": export("unleash", "export-production.json"),
             "app.py": UNLEASH_APP}
    path = "exports/unleash.json"
    assert lint(files) == [
        # A key the service does not have, one edit away from one it has.
        Found("FL101", "app.py", 23, 12, "Flag `serch-v2` is declared in no registry, "
              "definition or unleash export; nobody owns it and it never expires (did you "
              "mean `search-v2`?)"),
        # Served to everyone in the only environment: settled. No FL103: the fields are the
        # service's to keep.
        Found("FL203", path, 3, 1, "Flag `new-checkout` is `true` in every environment "
              "(unleash:production): it is rolled out in all but name; `flaglint clean "
              "new-checkout --value true` would settle 1 read and remove 1 dead branch (1 "
              "line), then archive it in unleash"),
        # A 25% rollout settles nothing; nobody reads it.
        Found("FL102", path, 21, 1, "Flag `search-v2` is declared but no code reads it; "
              "archive it in unleash so the key is never reused"),
        Found("FL201", path, 30, 1, "Flag `beta-banner` is marked stale in unleash; roll it "
              "out and remove it (`flaglint clean beta-banner` once one value serves "
              "everyone), or mark it not stale there"),
        Found("FL102", path, 39, 1, "Flag `premium-export` is declared but no code reads it; "
              "archive it in unleash so the key is never reused"),
        Found("FL102", path, 47, 1, "Flag `color-scheme` is declared but no code reads it; "
              "archive it in unleash so the key is never reused"),
        # Served to everyone too, but nothing reads it: FL102 alone.
        Found("FL102", path, 55, 1, "Flag `checkout-upsell` is declared but no code reads "
              "it; archive it in unleash so the key is never reused"),
    ]
    # The kill switch is off, served to everyone, yet meant to stay: no FL203.


def test_archived_flags_are_tombstones_and_temporary_flags_expire(tmp_path, lint):
    files = {"pyproject.toml": config(("launchdarkly", "ld.json"), ("unleash", "unleash.json"),
                                      presets='"launchdarkly", "unleash"'),
             "ld.json": export("launchdarkly", "flags.json"),
             "unleash.json": export("unleash", "state-export.json"),
             "app.py": LD_APP}
    found = lint(files, select=("FL102", "FL201", "FL404"))
    assert found == [
        Found("FL404", "app.py", 13, 8, "Flag `old-upsell` is archived in launchdarkly; this "
              "read is left-over code that restoring the flag in launchdarkly wakes up"),
        Found("FL404", "app.py", 23, 12, "Flag `old-reports` is archived in unleash since "
              "2024-01-02; this read is left-over code that restoring the flag in unleash "
              "wakes up"),
        Found("FL201", "ld.json", 6, 1, "Flag `new-checkout` expired on 2023-04-23, 1310 days "
              "ago (a release flag lives 40 days; created 2023-03-14); roll it out and remove "
              "it, or mark it permanent in launchdarkly"),
        Found("FL102", "ld.json", 80, 1, "Flag `kill-payments` is declared but no code reads "
              "it; archive it in launchdarkly so the key is never reused"),
        # Temporary, of no known type: it lives as long as a release flag.
        Found("FL102", "ld.json", 120, 1, "Flag `checkout-copy` is declared but no code reads "
              "it; archive it in launchdarkly so the key is never reused"),
        Found("FL201", "ld.json", 120, 1, "Flag `checkout-copy` expired on 2024-02-10, 1017 "
              "days ago (a temporary flag in launchdarkly lives 40 days; created 2024-01-01); "
              "roll it out and remove it, or mark it permanent in launchdarkly"),
    ]
    # `page-size` is permanent: it never expires. `new-checkout` is in both exports, served
    # differently in each environment but settled in neither: nothing to disagree on.
    assert not [f for f in lint(files) if f.code == "FL501"]


def test_two_exports_that_disagree_are_reported_not_merged(tmp_path, lint):
    """Two exports of one environment that serve a flag differently disagree; one export an
    environment (production here, stage there) is how a rollout looks, and agrees."""
    production = json.loads(export("unleash", "export-production.json"))
    other = json.loads(json.dumps(production))
    for state in other["featureEnvironments"]:
        if state["featureName"] == "new-checkout":
            state["enabled"] = False  # off in production, by this other export
    stage = json.loads(json.dumps(other))
    for state in stage["featureEnvironments"]:
        state["environment"] = "stage"
    for strategy in stage["featureStrategies"]:
        strategy.pop("environment", None)
    files = {"pyproject.toml": config(("unleash", "unleash.json"), ("unleash", "other.json"),
                                      ("unleash", "stage.json")),
             "unleash.json": json.dumps(production, indent=2) + "\n",
             "other.json": json.dumps(other, indent=2) + "\n",
             "stage.json": json.dumps(stage, indent=2) + "\n",
             "app.py": UNLEASH_APP}
    assert lint(files, select=("FL501",)) == [
        Found("FL501", "other.json", 3, 1, "Flag `new-checkout` is served `true` in "
              "production by unleash (unleash.json:3) but `false` by unleash (other.json:3): "
              "the flag services disagree on what runs; make them agree (flaglint reads the "
              "flag as unleash declares it)"),
    ]


def test_an_export_that_contradicts_a_rollout_is_drift(tmp_path, lint):
    files = {"pyproject.toml": config(("unleash", "unleash.json")),
             "unleash.json": export("unleash", "export-production.json"),
             "flags.toml": '[flags.new-checkout]\nstatus = "rolled-out"\nvalue = false\n',
             "app.py": UNLEASH_APP}
    found = lint(files, select=("FL501",))
    assert found == [
        Found("FL501", "unleash.json", 134, 1, "Flag `new-checkout` is rolled out with value "
              "`false`, but this config sets it to `true`: this environment still runs the "
              "code the rollout retired; set it to `false` or delete the line"),
    ]


def test_bad_exports_and_entries(tmp_path, capsys):
    root = unleash_project(tmp_path / "malformed", {
        "exports/unleash.json": export("unleash", "malformed-export.json")})
    assert main(["check", str(root), "--no-cache", "--select", "FL001",
                 "--today", TODAY]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[:5] == [
        "exports/unleash.json:4:5: FL001 `features` item 1: `name` is missing",
        'exports/unleash.json:7:47: FL001 Flag `bad-stale`: `stale` is "yes"; expected true '
        "or false",
        'exports/unleash.json:11:80: FL001 Flag `bad-rollout`: `rollout` is "lots"; expected '
        "a number",
        "exports/unleash.json:12:5: FL001 `featureStrategies` item 2 has no `featureName`",
        'exports/unleash.json:16:7: FL001 Flag `bad-switch`: `enabled` is "yes"; expected '
        "true or false",
    ]
    # Not the format it is said to be: exit 2, naming the file and how to export it.
    root = unleash_project(tmp_path / "wrong", {
        "exports/unleash.json": export("unleash", "not-unleash.json")})
    assert main(["check", str(root), "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"flaglint: error: {root / 'exports' / 'unleash.json'}:1: not an "
                          f"Unleash export or client features response (no `features` list)")
    assert err.rstrip().endswith('(flag-state format "unleash"; export it again, or fix '
                                 '`format`)')


def test_the_configuration_of_flag_state_is_checked(tmp_path, capsys):
    cases = {
        'format = "unleesh"\npath = "u.json"':
            ":4: unknown flag-state format 'unleesh'; expected one of flagd, unleash, "
            "launchdarkly, flagsmith, growthbook, posthog",
        'format = "unleash"':
            ":3: `tool.flaglint.flag-state[0]` needs `path`: like format = \"unleash\" and "
            "path = \"exports/unleash.json\"",
        'format = "unleash"\npath = "u.json"\nenv = "prod"':
            ":6: unknown key `env` in `tool.flaglint.flag-state[0]`; expected format, path, "
            "environment",
        'format = "unleash"\npath = "missing/*.json"':
            ":3: flag-state path 'missing/*.json' finds no file under",
    }
    for index, (entry, message) in enumerate(cases.items()):
        root = write_tree(tmp_path / str(index), {
            "pyproject.toml": f"[tool.flaglint]\n\n[[tool.flaglint.flag-state]]\n{entry}\n",
            "app.py": "x = 1\n"})
        assert main(["check", str(root), "--no-cache"]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"flaglint: error: {root / 'pyproject.toml'}{message}"), err


def test_clean_takes_the_value_the_service_serves(tmp_path, capsys):
    root = unleash_project(tmp_path)
    before = (root / "exports" / "unleash.json").read_text()
    assert main(["clean", "new-checkout", str(root)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Flag `new-checkout` settled to `true` (served to everyone by unleash "
        "(exports/unleash.json:3)): changed 1 file; 1 read replaced, 1 branch collapsed, 0 "
        "dead helpers and 0 definitions deleted.",
        "Archive `new-checkout` in unleash (exports/unleash.json:3): flaglint does not edit "
        "a flag service's export.",
    ]
    assert "new-checkout" not in (root / "app.py").read_text()
    assert 'def checkout():\n    return "one page"\n' in (root / "app.py").read_text()
    assert (root / "exports" / "unleash.json").read_text() == before


def test_clean_refuses_a_value_the_service_contradicts_or_cannot_give(tmp_path, capsys):
    root = unleash_project(tmp_path)
    before = (root / "app.py").read_text()
    assert main(["clean", "new-checkout", "--value", "false", str(root)]) == 2
    assert capsys.readouterr().err == (
        "flaglint: error: --value false: unleash (exports/unleash.json:3) serves "
        "`new-checkout` as `true` to everyone; settling it to another value would change "
        "what runs\n")
    assert main(["clean", "beta-banner", str(root)]) == 2
    assert capsys.readouterr().err == (
        "flaglint: error: flag `beta-banner`: say the value it settles to with --value (what "
        "unleash (exports/unleash.json:30) serves is not one value for everyone in every "
        "environment)\n")
    assert (root / "app.py").read_text() == before


def test_init_starts_from_an_export(tmp_path, capsys):
    root = write_tree(tmp_path, {"unleash.json": export("unleash", "export-production.json"),
                                 "app.py": UNLEASH_APP})
    assert main(["init", str(root), "--flag-state", "unleash=unleash.json", "--no-cache",
                 "--today", TODAY]) == 0
    assert capsys.readouterr().err == "flaglint: wrote flags.toml (0 flags) and flaglint.toml\n"
    # The service's flags stay the service's; the typo of one of them is not registered.
    assert (root / "flags.toml").read_text().splitlines()[2:] == [
        "# Not registered: `serch-v2` reads like a typo of `search-v2`."]
    assert (root / "flaglint.toml").read_text().splitlines()[4:] == [
        "", "[[flag-state]]", 'format = "unleash"', 'path = "unleash.json"']
    assert main(["check", str(root), "--no-cache", "--today", TODAY, "--select",
                 "FL101"]) == 1
    assert "FL101 [serch-v2]" in capsys.readouterr().out


def test_the_audit_shows_what_each_service_serves(tmp_path, capsys):
    root = write_tree(tmp_path, {
        "pyproject.toml": config(("launchdarkly", "ld.json"), ("unleash", "unleash.json"),
                                 presets='"launchdarkly", "unleash"'),
        "ld.json": export("launchdarkly", "flags.json"),
        "unleash.json": export("unleash", "state-export.json"),
        "app.py": LD_APP})
    out = tmp_path / "audit.json"
    assert main(["audit", str(root), "--format", "json", "--output", str(out), "--no-cache",
                 "--today", TODAY]) == 0
    capsys.readouterr()
    audit = json.loads(out.read_text())
    assert audit["sources"]["flag_state"] == ["launchdarkly (ld.json)",
                                              "unleash (unleash.json)"]
    served = {row["key"]: (row["declared"], row["service"]) for row in audit["flags"]}
    assert served == {
        "checkout-copy": ("launchdarkly", "launchdarkly: production targeted, staging "
                                          "Complete your order"),
        "kill-payments": ("launchdarkly", "launchdarkly: production false, staging the "
                                          "caller's default"),
        "new-checkout": ("launchdarkly", "launchdarkly: production true, staging 30% "
                                         "rollout; unleash: development true, production "
                                         "50% rollout"),
        "old-reports": ("unleash", "unleash: archived"),
        "old-upsell": ("launchdarkly", "launchdarkly: archived"),
        "page-size": ("launchdarkly", "launchdarkly: production 50"),
    }


def test_a_read_newer_than_the_archive_is_a_reuse(tmp_path, capsys):
    from .conftest import commit_all, git

    root = write_tree(tmp_path, {
        "pyproject.toml": config(("unleash", "unleash.json")),
        "unleash.json": export("unleash", "state-export.json"),  # old-reports archived 2024-01-02
        "reports.py": "from UnleashClient import UnleashClient\n\nclient = UnleashClient()\n"
                      "legacy = client.is_enabled('old-reports')\n"})
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "reports behind a flag", "2023-11-20")
    (root / "digest.py").write_text("from reports import client\n\n"
                                    "digest = client.is_enabled('old-reports')\n")
    commit_all(root, "the digest reads the old key again", "2024-03-01")
    sha = git(root, "rev-parse", "--short=7", "HEAD").strip()
    assert main(["check", str(root), "--no-cache", "--today", TODAY, "--select",
                 "FL401,FL404"]) == 1
    assert capsys.readouterr().out.splitlines()[:2] == [
        f"digest.py:3:10: FL401 [old-reports] Flag `old-reports` is archived in unleash since "
        f"2024-01-02 and this read of it is new (2024-03-01, {sha}); code and configs from its "
        f"first life answer to it again: give the new meaning a new key",
        "reports.py:4:10: FL404 [old-reports] Flag `old-reports` is archived in unleash since "
        "2024-01-02; this read is left-over code that restoring the flag in unleash wakes up",
    ]


def test_an_environment_the_export_lacks_is_named_at_the_configuration(tmp_path, capsys):
    root = write_tree(tmp_path, {
        "pyproject.toml": config(("unleash", "unleash.json")) + 'environment = "prod"\n',
        "unleash.json": export("unleash", "state-export.json"), "app.py": "x = 1\n"})
    assert main(["check", str(root), "--no-cache"]) == 2
    assert capsys.readouterr().err == (
        f"flaglint: error: {root / 'pyproject.toml'}:4: unleash.json: no environment "
        f'"prod" in this export; it has: development, production; fix `environment`\n')


def test_launchdarkly_permanent_and_deprecated_flags(tmp_path, lint):
    flags = json.loads(export("launchdarkly", "flags.json"))
    for item in flags["items"]:
        if item["key"] == "new-checkout":
            item["deprecated"] = True  # LaunchDarkly's marker of a flag that should go
            item["temporary"] = False
            for block in item["environments"].values():
                block.pop("fallthrough", None)
                block["fallthrough"] = {"variation": 0}  # true for everyone, everywhere
    files = {"pyproject.toml": config(("launchdarkly", "ld.json"), presets='"launchdarkly"'),
             "ld.json": json.dumps(flags, indent=2) + "\n", "app.py": LD_APP}
    found = [f for f in lint(files, select=("FL201", "FL203")) if "new-checkout" in f.message]
    # Deprecated: stale. Permanent: no lifetime to pass, and FL203 leaves it be.
    assert [(f.code, f.message) for f in found] == [
        ("FL201", "Flag `new-checkout` is marked stale in launchdarkly; roll it out and remove "
                  "it (`flaglint clean new-checkout` once one value serves everyone), or mark "
                  "it not stale there")]


def test_clean_says_why_a_flag_is_not_gone(tmp_path, capsys):
    root = unleash_project(tmp_path, {"jobs.py": """
        from app import client

        SWITCHES = ["new-checkout", "search-v2"]


        def enabled():
            return [name for name in SWITCHES if client.is_enabled(name)]
        """})
    assert main(["clean", "new-checkout", str(root)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[1:] == [
        "`new-checkout` is not gone yet: a read flaglint cannot follow may use it "
        "(jobs.py:3:13: the key as a string, which the read at jobs.py:7 (its key unknown) "
        "may be).",  # (said once: not again among what still names the key)
    ]
