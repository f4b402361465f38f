"""Deployment configs: each real shape (ECS, Kubernetes, docker-compose, .env per environment,
one TOML per host, INI), FL203 and FL501 with exact lines and messages, broken files,
--changed-since."""

from __future__ import annotations

import pytest

from flaglint.cli import main
from flaglint.sources.deploy import normalise

from .conftest import commit_all, git, write_tree

PYPROJECT = '[tool.flaglint]\npresets = ["unleash"]\n'
REGISTRY = """
[flags.new_checkout]
owner = "payments"
type = "release"

[flags.dark_mode]
owner = "web"
type = "release"
status = "rolled-out"
value = true

[flags.power_peg]
status = "retired"
retired = 2003-06-01

[flags.kill_all]
owner = "ops"
type = "kill-switch"
"""
CODE = """
from UnleashClient import UnleashClient
client = UnleashClient()

def checkout(cart):
    if client.is_enabled("new_checkout"):
        return "new"
    return "old"

def theme():
    return "dark" if client.is_enabled("dark_mode") else "light"
"""
SETTLED_CHECKOUT = (
    "FL203", "flags.toml", 1, 1,
    "Flag `new_checkout` is `true` in every deployment config ({}): it is rolled out in all "
    "but name; `flaglint clean new_checkout --value true` would settle 1 read and remove 1 "
    "dead branch (1 line); or mark it `status = \"rolled-out\"` with `value = true`")
RETIRED = ("Flag `power_peg` was retired on 2003-06-01, yet this config sets it to `{}`; "
           "delete the line")


def project(environments: str, files: dict[str, str]) -> dict[str, str]:
    return {"pyproject.toml": PYPROJECT + "\n[tool.flaglint.environments]\n" + environments,
            "flags.toml": REGISTRY, "app.py": CODE, **files}


def settled(*environments: str) -> tuple[str, str, int, int, str]:
    code, path, line, column, message = SETTLED_CHECKOUT
    return code, path, line, column, message.format(", ".join(environments))


def test_normalised_values():
    for raw in ("true", "True", "YES", "on", "1", 1, True):
        assert normalise(raw) == (True, True), raw
    for raw in ("false", "No", "OFF", "0", 0, False):
        assert normalise(raw) == (True, False), raw
    assert normalise("3") == (True, 3) and normalise("2.5") == (True, 2.5)
    assert normalise(7) == (True, 7) and normalise("blue") == (True, "blue")
    for raw in (None, "${FEATURE_X}", "{{ .Values.flags.x }}"):
        assert normalise(raw) == (False, None), raw


def test_ecs_task_definition_with_a_prefix(lint):
    found = lint(project(
        'prod = { path = "cd/prod/task-definition.json", at = '
        '"containerDefinitions[*].environment", prefix = "FEATURE_", case = "upper" }\n',
        {"cd/prod/task-definition.json": """
            {
              "family": "api",
              "containerDefinitions": [
                {
                  "name": "api",
                  "environment": [
                    {"name": "DATABASE_URL", "value": "postgres://db"},
                    {"name": "FEATURE_NEW_CHECKOUT", "value": "True"},
                    {"name": "FEATURE_DARK_MODE", "value": "false"},
                    {"name": "FEATURE_POWER_PEG", "value": "1"},
                    {"name": "FEATURE_GHOST", "value": "on"}
                  ]
                }
              ]
            }
        """}), select=("FL203", "FL5"))
    path = "cd/prod/task-definition.json"
    assert found == [
        ("FL501", path, 9, 9, "Flag `dark_mode` is rolled out with value `true`, but this "
                              "config sets it to `false`: this environment still runs the code "
                              "the rollout retired; set it to `true` or delete the line"),
        ("FL501", path, 10, 9, RETIRED.format("true")),
        ("FL501", path, 11, 9, "Flag `ghost` is declared in no registry or definition, yet "
                               "this config sets it to `true`; declare it, or delete the line "
                               "if nothing reads it"),
        settled("prod"),
    ]


def test_kubernetes_configmap_and_deployment_env(lint):
    found = lint(project(
        'config = { path = "k8s/configmap.yaml", at = "data" }\n'
        'web = { path = "k8s/deployment.yaml", at = "spec.template.spec.containers[*].env" }\n',
        {"k8s/configmap.yaml": """
            apiVersion: v1
            kind: ConfigMap
            data:
              new_checkout: "true"
              dark_mode: "true"
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: other
        """, "k8s/deployment.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            spec:
              template:
                spec:
                  containers:
                    - name: web
                      env:
                        - name: new_checkout
                          value: "yes"
                        - name: dark_mode
                          valueFrom:
                            configMapKeyRef: {name: flags, key: dark_mode}
                        - name: power_peg
                          value: "off"
        """}), select=("FL203", "FL5"))
    # `valueFrom` is decided elsewhere: neither settled nor drifting.
    assert found == [settled("config", "web"),
                     ("FL501", "k8s/deployment.yaml", 14, 15, RETIRED.format("false"))]


def test_helm_values_and_docker_compose_in_both_shapes(lint):
    found = lint(project(
        'helm = { path = "chart/values.yaml", at = "featureFlags" }\n'
        'web = { path = "docker-compose.yml", at = "services.web.environment" }\n'
        'worker = { path = "docker-compose.yml", at = "services.worker.environment" }\n',
        {"chart/values.yaml": """
            replicaCount: 3
            featureFlags:
              new_checkout: true
              power_peg: "{{ .Values.legacy }}"
        """, "docker-compose.yml": """
            services:
              web:
                image: web
                environment:
                  - new_checkout=true
                  - DEBUG=1
                  - dark_mode
              worker:
                environment:
                  new_checkout: "True"
                  kill_all: "no"
        """}), select=("FL203", "FL5"))
    # A templated value and a variable passed through from the shell are unknown; setting a
    # retired key at all is drift.
    assert found == [
        ("FL501", "chart/values.yaml", 4, 3, "Flag `power_peg` was retired on 2003-06-01, yet "
                                             "this config sets it to a value decided at deploy "
                                             "time; delete the line"),
        settled("helm", "web", "worker")]


def test_env_files_per_environment_and_a_value_set_elsewhere(lint):
    files = project('dev = { path = "deploy/dev.env", case = "upper" }\n'
                    'prod = { path = "deploy/.env.prod", case = "upper" }\n', {
                        "deploy/dev.env": """
                            # dev
                            export NEW_CHECKOUT=true
                            DATABASE_URL="postgres://dev"
                        """,
                        "deploy/.env.prod": "NEW_CHECKOUT='True'  # on since May\n"})
    assert lint(files, select=("FL203", "FL5")) == [settled("dev", "prod")]
    files["deploy/.env.prod"] = "NEW_CHECKOUT=${CHECKOUT_SWITCH}\n"
    assert lint(files, select=("FL203", "FL5")) == []
    files["deploy/.env.prod"] = "NEW_CHECKOUT='${literally}'\n"  # single quotes: no expansion
    assert lint(files, select=("FL203", "FL5")) == []  # a string, not `true`: not settled


def test_one_toml_per_host_the_minority_is_reported(lint):
    hosts = {f"deploy/hosts/h{i}.toml": "[flags]\nnew_checkout = true\nkill_all = false\n"
             "dark_mode = true\n" for i in range(1, 6)}
    hosts["deploy/hosts/h3.toml"] = "[flags]\nnew_checkout = true\nkill_all = false\n"
    hosts["deploy/hosts/h4.toml"] = "[flags]\nnew_checkout = false\nkill_all = false\n" \
                                    "dark_mode = true\n"
    found = lint(project('servers = "deploy/hosts/*.toml"\n', hosts), select=("FL203", "FL5"))
    # kill_all is false everywhere, but a kill switch is meant to stay: no FL203.
    assert found == [
        ("FL501", "deploy/hosts/h3.toml", 1, 1,
         "This host does not set flag `dark_mode`, which 4 of 5 hosts of `servers` set to "
         "`true` (deploy/hosts/h1.toml:4): it serves the reader's default instead; make the "
         "hosts agree"),
        ("FL501", "deploy/hosts/h4.toml", 2, 1,
         "This host sets flag `new_checkout` to `false` where 4 of 5 hosts of `servers` set "
         "`true` (deploy/hosts/h1.toml:2); make the hosts agree"),
    ]


def test_the_eighth_server(lint):
    """Knight: seven hosts agree, one still serves the retired key."""
    hosts = {f"deploy/servers/host{i}.toml": "[flags]\nnew_checkout = true\n"
             for i in range(1, 9)}
    hosts["deploy/servers/host8.toml"] += "power_peg = true  # missed the cleanup\n"
    hosts["deploy/servers/host7.toml"] += "power_peg = false  # flaglint: ignore[FL501]\n"
    found = lint(project('servers = "deploy/servers/*.toml"\n', hosts), select=("FL5",))
    assert found == [
        ("FL501", "deploy/servers/host8.toml", 3, 1,
         "Flag `power_peg` was retired on 2003-06-01, yet this config sets it to `true`; this "
         "host sets it to `true`, which 6 of 8 hosts of `servers` do not set; delete the line"),
    ]


def test_ini_sections_and_keys_as_written(lint):
    found = lint(project('prod = "deploy/prod.ini"\n', {"deploy/prod.ini": """
        [server]
        port = 80

        [flags]
        new_checkout = on
        ; a comment
        Dark_Mode = off
    """}), select=("FL203", "FL5"))
    assert found == [
        ("FL501", "deploy/prod.ini", 7, 1,
         "Flag `Dark_Mode` is declared in no registry or definition, yet this config sets it "
         "to `false`; declare it, or delete the line if nothing reads it"),
        settled("prod"),
    ]


def test_ini_inline_comments_are_comments_unless_configured_otherwise(lint):
    """`true ; settled` is `true`: `;` and `#` after whitespace start a comment by default
    (`inline-comments`); a project whose values hold them says `inline-comments = ""`."""
    files = {"deploy/prod.ini": "[flags]\nnew_checkout = on ; settled\n"
                                "dark_mode = false  # the old theme\n"}
    found = lint(project('prod = "deploy/prod.ini"\n', files), select=("FL203", "FL5"))
    assert found == [
        ("FL501", "deploy/prod.ini", 3, 1,
         "Flag `dark_mode` is rolled out with value `true`, but this config sets it to "
         "`false`: this environment still runs the code the rollout retired; set it to "
         "`true` or delete the line"),
        settled("prod"),
    ]
    found = lint(project('prod = { path = "deploy/prod.ini", inline-comments = "" }\n', files),
                 select=("FL203", "FL5"))
    assert [(f.code, f.line) for f in found] == [("FL501", 3), ("FL203", 1)]
    assert "`\"false  # the old theme\"`" in found[0].message
    assert "`\"on ; settled\"`" in found[1].message


def test_yaml_merge_keys_are_followed(lint):
    """`<<: *common` brings the anchor's settings in, under the mapping's own: no host is
    "missing" a flag its merged block sets, and a value everywhere is settled (FL203)."""
    common = "common: &common\n  new_checkout: true\n  dark_mode: true\n"
    hosts = {f"deploy/hosts/h{i}.yaml": common + "flags:\n  <<: *common\n"
             for i in range(1, 4)}
    hosts["deploy/hosts/h3.yaml"] = common + "flags:\n  <<: [*common]\n  dark_mode: false\n"
    found = lint(project('servers = { path = "deploy/hosts/*.yaml", at = "flags" }\n', hosts),
                 select=("FL203", "FL5"))
    assert found == [
        ("FL501", "deploy/hosts/h3.yaml", 6, 3,
         "Flag `dark_mode` is rolled out with value `true`, but this config sets it to "
         "`false`: this environment still runs the code the rollout retired; this host sets "
         "it to `false` where 2 of 3 hosts of `servers` set `true` "
         "(deploy/hosts/h1.yaml:3); set it to `true` or delete the line"),
        settled("servers: 3 hosts"),
    ]


def test_a_config_that_cannot_be_read_serves_nothing(lint):
    """One of three hosts does not parse: nothing is "true everywhere" (no FL203), and the
    file is FL001."""
    hosts = {f"deploy/hosts/h{i}.toml": "[flags]\nnew_checkout = true\n" for i in (1, 2)}
    hosts["deploy/hosts/h3.toml"] = "[flags]\nnew_checkout = \n"
    found = lint(project('servers = "deploy/hosts/*.toml"\n', hosts),
                 select=("FL001", "FL203", "FL5"))
    assert [(f.code, f.path) for f in found] == [("FL001", "deploy/hosts/h3.toml")]


def test_keys_map_through_the_flag_definition(lint):
    """An Enum member whose value is the variable's name, read by `os.getenv(flag.value)`:
    configs name the variable, or the member."""
    found = lint({
        "pyproject.toml": """
            [tool.flaglint]
            presets = []

            [[tool.flaglint.definitions]]
            class = "app.flags.FeatureFlag"

            [[tool.flaglint.readers]]
            call = "app.flags.is_feature_enabled"
            key = 0

            [tool.flaglint.environments]
            dev = "deploy/dev.env"
            ecs = { path = "deploy/ecs.json", at = "containerDefinitions[*].environment" }
        """,
        "app/__init__.py": "",
        "app/flags.py": """
            import enum
            import os


            class FeatureFlag(enum.Enum):
                ACCEPT_RECIPIENTS = "ACCEPT_RECIPIENT_IDENTIFIERS_ENABLED"


            def is_feature_enabled(flag):
                return os.getenv(flag.value, "False") == "True"
        """,
        "app/views.py": """
            from app.flags import FeatureFlag, is_feature_enabled


            def send(to):
                if is_feature_enabled(FeatureFlag.ACCEPT_RECIPIENTS):
                    return "by id"
                return "by address"
        """,
        "deploy/dev.env": "ACCEPT_RECIPIENT_IDENTIFIERS_ENABLED=True\n",
        "deploy/ecs.json": """
            {"containerDefinitions": [{"environment": [
              {"name": "ACCEPT_RECIPIENTS", "value": "true"}
            ]}]}
        """,
    }, select=("FL203", "FL5"))
    assert found == [
        ("FL203", "app/flags.py", 6, 5,
         "Flag `ACCEPT_RECIPIENT_IDENTIFIERS_ENABLED` is `true` in every deployment config "
         "(dev, ecs): it is rolled out in all but name; `flaglint clean "
         "ACCEPT_RECIPIENT_IDENTIFIERS_ENABLED --value true` would settle 1 read and remove 1 "
         "dead branch (1 line); or mark it `status = \"rolled-out\"` with `value = true`"),
    ]


def test_broken_configs_are_findings_and_the_run_goes_on(lint):
    found = lint(project(
        'a = "deploy/a.yaml"\nb = "deploy/b.json"\nc = "deploy/c.toml"\nd = "deploy/d.ini"\n'
        'e = "deploy/e.env"\n', {
            "deploy/a.yaml": "flags:\n  new_checkout: true\n  bad: [1, 2\n",
            "deploy/b.json": '{\n  "flags": {"a": 1,}\n}\n',
            "deploy/c.toml": "[flags]\nnew_checkout = \n",
            "deploy/d.ini": "[flags]\nnew_checkout = true\nx\n",
            "deploy/e.env": "power_peg=1\nthis is not an env line\n",
        }), select=("FL001", "FL5"))
    tail = "; the flags this deployment config sets are not checked"
    assert found == [
        ("FL001", "deploy/a.yaml", 4, 1,
         "Cannot parse as YAML: did not find expected ',' or ']'" + tail),
        ("FL001", "deploy/b.json", 2, 20,
         "Cannot parse as JSON: Expecting property name enclosed in double quotes" + tail),
        ("FL001", "deploy/c.toml", 2, 16, "Cannot parse as TOML: Invalid value" + tail),
        ("FL001", "deploy/d.ini", 3, 1,
         "Cannot parse as INI: expected `key = value` or a [section], not 'x'" + tail),
        ("FL501", "deploy/e.env", 1, 1, RETIRED.format("true")),
        ("FL001", "deploy/e.env", 2, 1, "Cannot parse this line of a .env file (expected "
                                        "KEY=value); flaglint reads the file's other lines"),
    ]


@pytest.fixture
def undecodable(tmp_path):
    write_tree(tmp_path, project('prod = "deploy/prod.yaml"\n', {}))
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "prod.yaml").write_bytes(b"flags:\n  new_checkout: \xff\n")
    return tmp_path


def test_an_undecodable_config_is_fl001(undecodable, capsys):
    assert main(["check", str(undecodable), "--no-cache", "--select", "FL001"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        "deploy/prod.yaml:2:1: FL001 Cannot decode: byte 0xff is not valid UTF-8")


@pytest.mark.parametrize(("entry", "message"), [
    ('servers = "deploy/hosts/*.toml"',
     "`environments.servers`: the glob 'deploy/hosts/*.toml' matches no file under {root}; "
     "fix the glob or remove the entry"),
    ('prod = "deploy/prod.env"',
     "`environments.prod`: 'deploy/prod.env' does not exist (looked at "
     "{root}/deploy/prod.env); fix the path or remove the entry"),
    ('prod = "app.py"',
     "`environments.prod`: cannot tell the format of 'app.py' from its name; add format = "
     "\"env\", \"json\", \"toml\", \"yaml\" or \"ini\""),
    ('prod = { path = "app.py", format = "xml" }',
     "unknown format 'xml'; expected one of env, json, toml, yaml, ini"),
    ('prod = { path = "app.py", case = "title" }',
     "`tool.flaglint.environments.prod.case` must be \"upper\" or \"lower\""),
    ('prod = { path = "app.py", where = "data" }',
     "unknown key `where` in `tool.flaglint.environments.prod`; expected path, at, format, "
     "prefix, case, inline-comments"),
    ('prod = { at = "data" }',
     "`tool.flaglint.environments.prod` needs `path`: a file or glob below the project root"),
])
def test_configuration_errors_name_the_entry(tmp_path, capsys, entry, message):
    write_tree(tmp_path, {"pyproject.toml": f"{PYPROJECT}\n[tool.flaglint.environments]\n"
                                            f"{entry}\n", "app.py": CODE})
    assert main(["check", str(tmp_path), "--no-cache"]) == 2
    root = tmp_path.resolve()
    assert capsys.readouterr().err == (f"flaglint: error: {root / 'pyproject.toml'}:5: "
                                       f"{message.format(root=root)}\n")


def test_a_key_removed_from_the_registry_but_still_deployed(tmp_path, capsys):
    write_tree(tmp_path, project('prod = "deploy/prod.env"\n', {
        "deploy/prod.env": "old_banner=true\n",
        "flags.toml": REGISTRY + '\n[flags.old_banner]\nowner = "web"\ntype = "release"\n'}))
    git(tmp_path, "init", "-q", "-b", "main")
    commit_all(tmp_path, "banner", "2026-01-05")
    write_tree(tmp_path, {"flags.toml": REGISTRY})
    commit_all(tmp_path, "remove the banner flag", "2026-03-01")
    sha = git(tmp_path, "rev-parse", "--short=7", "HEAD").strip()
    main(["check", str(tmp_path), "--no-cache", "--select", "FL501"])
    assert capsys.readouterr().out.splitlines()[0] == (
        f"deploy/prod.env:1:1: FL501 [old_banner] Flag `old_banner` was removed from the "
        f"registry on 2026-03-01 ({sha}), yet this config sets it to `true`; delete the line")


def test_a_key_deleted_from_code_but_still_deployed(tmp_path, capsys):
    """The Enum member goes in a commit; `prod.env` and a worker's TOML still set its
    variable. FL501 names the commit, on both; a variable that was never a flag
    (`DATABASE_URL`, read by `getenv` in the same file) is not one now."""
    flags = ("import enum\nimport os\n\nDATABASE = os.getenv(\"DATABASE_URL\")\n\n\n"
             "class FeatureFlag(enum.Enum):\n    NEW_SMS = \"NEW_SMS_PROVIDER\"\n{}")
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.definitions]]\n'
                          'class = "app.flags.FeatureFlag"\n\n[tool.flaglint.environments]\n'
                          'prod = "deploy/prod.env"\nworker = { path = "deploy/worker.toml", '
                          'at = "env" }\n',
        "app/__init__.py": "",
        "app/flags.py": flags.format("    LEGACY_SMS = \"LEGACY_SMS_PROVIDER\"\n"),
        "deploy/prod.env": "DATABASE_URL=postgres://db\nLEGACY_SMS_PROVIDER=true\n",
        "deploy/worker.toml": "[env]\nLEGACY_SMS_PROVIDER = true\nNEW_SMS_PROVIDER = true\n",
    })
    git(tmp_path, "init", "-q", "-b", "main")
    commit_all(tmp_path, "sms providers", "2026-01-05")
    (tmp_path / "app" / "flags.py").write_text(flags.format(""))
    commit_all(tmp_path, "drop the legacy SMS provider", "2026-03-01")
    sha = git(tmp_path, "rev-parse", "--short=7", "HEAD").strip()
    main(["check", str(tmp_path), "--no-cache", "--select", "FL501"])
    message = (f"FL501 [LEGACY_SMS_PROVIDER] Flag `LEGACY_SMS_PROVIDER` was deleted from the "
               f"code on 2026-03-01 ({sha}), yet this config sets it to `true`; delete the line")
    assert capsys.readouterr().out.splitlines() == [
        f"deploy/prod.env:2:1: {message}", f"deploy/worker.toml:2:1: {message}",
        "Found 2 findings (2 errors) in 2 files, 1 flag."]


def test_diff_reports_touched_config_lines_and_flags_the_change_settled(tmp_path, capsys):
    hosts = {f"deploy/hosts/h{i}.toml": "[flags]\nnew_checkout = true\npower_peg = true\n"
             for i in range(1, 4)}
    hosts["deploy/hosts/h3.toml"] = "[flags]\nnew_checkout = false\npower_peg = true\n"
    write_tree(tmp_path, project('servers = "deploy/hosts/*.toml"\n', hosts))
    git(tmp_path, "init", "-q", "-b", "main")
    commit_all(tmp_path, "hosts", "2026-11-01")
    sha = git(tmp_path, "rev-parse", "--short=7", "HEAD").strip()
    git(tmp_path, "checkout", "-q", "-b", "change")
    write_tree(tmp_path, {"deploy/hosts/h3.toml": "[flags]\nnew_checkout = true\n"
                                                  "power_peg = true\n",
                          "deploy/hosts/h4.toml": "[flags]\nnew_checkout = true\n"
                                                  "power_peg = true\n"})
    commit_all(tmp_path, "h3 serves the new checkout too; a fourth host", "2026-11-20")
    assert main(["check", str(tmp_path), "--no-cache", "--changed-since", "main", "--select",
                 "FL203,FL5"]) == 1
    # power_peg on the untouched lines of h1 to h3 is not this change's doing; h4 is new.
    assert capsys.readouterr().out.splitlines() == [
        "deploy/hosts/h4.toml:3:1: FL501 [power_peg] " + RETIRED.format("true").replace(
            "2003-06-01", f"2003-06-01 ({sha})"),
        "flags.toml:1:1: FL203 [new_checkout] " + settled("servers: 4 hosts")[4],
        "Found 2 findings (1 error, 1 info) in 1 file, 4 flags.",
    ]


def test_the_cached_result_follows_a_deployment_config(tmp_path, capsys):
    write_tree(tmp_path, project('prod = "deploy/prod.env"\n', {
        "deploy/prod.env": "new_checkout=${CHECKOUT}\n"}))
    for _ in range(2):
        assert main(["check", str(tmp_path), "--select", "FL203"]) == 0
    (tmp_path / "deploy" / "prod.env").write_text("new_checkout=true\n")
    assert main(["check", str(tmp_path), "--select", "FL203"]) == 1
    assert "FL203 [new_checkout]" in capsys.readouterr().out


NASTY = {
    "yaml": [b"", b"# only a comment\n", b"- [\n", b"a: &x [*x]\n", b"\x00\x01\x02",
             b"a: &a [1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
             b"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
             b"flags: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n",
             b"[" * 5000 + b"]" * 5000, b"? [complex, key]\n: true\n", b"1: true\n~: x\n"],
    "json": [b"", b"[]", b"null", b'"string"', b"[" * 100000 + b"]" * 100000,
             b'{"flags": [1, {"name": null}, {"name": {"x": 1}}]}', b"\t{\t\"a\":\ttrue}"],
    "toml": [b"", b"flags = 3\n", b"[flags]\na = [" + b"[" * 3000 + b"]" * 3000 + b"]\n",
             b"a = 1979-05-27T07:32:00Z\n[flags]\nb = 1979-05-27\n"],
    "ini": [b"", b"just text\n", b"[flags]\n", b"[a]\nb\n", b"=\n[x]\n=1\n"],
    "env": [b"", b"=\n", b"export\n", b"A='unterminated\n", b"A=\"x\\\"\n", b"\xff\xfe"],
}


@pytest.mark.parametrize("kind", sorted(NASTY))
def test_no_deployment_file_crashes_a_run(tmp_path, capsys, kind):
    suffix = {"env": ".env", "yaml": ".yaml"}.get(kind, f".{kind}")
    entries = "".join(f'c{i} = {{ path = "deploy/c{i}{suffix}", at = "flags[*]" }}\n'
                      if i % 2 else f'c{i} = "deploy/c{i}{suffix}"\n'
                      for i in range(len(NASTY[kind])))
    write_tree(tmp_path, project(entries, {}))
    (tmp_path / "deploy").mkdir()
    for i, data in enumerate(NASTY[kind]):
        (tmp_path / "deploy" / f"c{i}{suffix}").write_bytes(data)
    assert main(["check", str(tmp_path), "--no-cache"]) in (0, 1)
    assert "Traceback" not in capsys.readouterr().err


def test_diff_that_edits_code_and_configs_compares_the_base_without_them(tmp_path, capsys):
    write_tree(tmp_path, project('prod = "deploy/prod.env"\n', {
        "deploy/prod.env": "new_checkout=${X}\n"}))
    git(tmp_path, "init", "-q", "-b", "main")
    commit_all(tmp_path, "start", "2026-11-01")
    base = git(tmp_path, "rev-parse", "--short=7", "HEAD").strip()
    git(tmp_path, "checkout", "-q", "-b", "change")
    write_tree(tmp_path, {"deploy/prod.env": "new_checkout=true\n",
                          "app.py": CODE.replace('return "new"', 'return "newer"')})
    commit_all(tmp_path, "turn it on", "2026-11-20")
    assert main(["check", str(tmp_path), "--no-cache", "--changed-since", "main", "--select",
                 "FL203,FL402"]) == 1
    out, err = capsys.readouterr()
    # The base was analysed (FL402 compares which side of the flag code runs on), its
    # configs left out; a changed line in the flagged branch is no new meaning.
    assert out.splitlines()[:2] == [
        "flags.toml:1:1: FL203 [new_checkout] " + settled("prod")[4],
        "Found 1 finding (1 info) in 1 file, 4 flags."]
    assert base
    assert err == ""


def test_clean_removes_the_keys_config_lines_and_lists_what_it_cannot(tmp_path, capsys):
    files = project(
        'dev = "deploy/dev.env"\n'
        'k8s = { path = "k8s/deploy.yaml", at = "spec.containers[*].env" }\n'
        'cm = { path = "k8s/cm.yaml", at = "data" }\n'
        'ecs = { path = "ecs.json", at = "env" }\n'
        'hosts = "hosts/*.toml"\n', {
            "deploy/dev.env": "# dev\nNEW=1\nnew_checkout=true\nOTHER=2\n",
            "k8s/deploy.yaml": "spec:\n  containers:\n    - name: web\n      env:\n"
                               "        - name: new_checkout\n          value: \"true\"\n"
                               "        - name: DEBUG\n          value: \"1\"\n",
            "k8s/cm.yaml": "data:\n  new_checkout: \"true\"  # on\n  other: x\n",
            "ecs.json": '{"env": [{"name": "new_checkout", "value": "true"}]}\n',
            "hosts/a.toml": "[flags]\nnew_checkout = true\nkill_all = false\n",
            "hosts/b.toml": "flags = { new_checkout = true }\n"})
    write_tree(tmp_path, files)
    (tmp_path / "deploy" / "dev.env").write_bytes(b"\xef\xbb\xbf# dev\r\nNEW=1\r\n"
                                                  b"new_checkout=true\r\nOTHER=2\r\n")
    # Exit 1: two settings are left for a person, and listed.
    assert main(["clean", "new_checkout", "--value", "true", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "4 deployment config settings of `new_checkout` removed from 4 files." in out
    assert "ecs.json:1: sets `new_checkout` (not on a line of its own); remove it by hand." in out
    assert "hosts/b.toml:1: sets `new_checkout` (not on a line of its own); remove it by " \
           "hand." in out
    # Every other byte stays: the BOM and CRLF line ends, comments, the other entries.
    assert (tmp_path / "deploy" / "dev.env").read_bytes() == \
        b"\xef\xbb\xbf# dev\r\nNEW=1\r\nOTHER=2\r\n"
    assert (tmp_path / "k8s" / "deploy.yaml").read_text() == (
        "spec:\n  containers:\n    - name: web\n      env:\n"
        "        - name: DEBUG\n          value: \"1\"\n")
    assert (tmp_path / "k8s" / "cm.yaml").read_text() == "data:\n  other: x\n"
    assert (tmp_path / "hosts" / "a.toml").read_text() == "[flags]\nkill_all = false\n"
    assert (tmp_path / "ecs.json").read_text() == files["ecs.json"].lstrip("\n")


def test_a_section_of_a_config_names_its_keys_with_dots(lint):
    """streamlit's `.streamlit/config.toml`: `[runner]` then `fastReruns = false` sets
    `runner.fastReruns`, as the flat `"runner.fastReruns" = false` does; it was read as
    setting nothing, without a word. An INI file's sections are read the same way."""
    files = {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.readers]]\n'
                          'call = "app.get_option"\nkey = 0\n\n[tool.flaglint.environments]\n'
                          'nested = "deploy/config.toml"\nflat = "deploy/flat.toml"\n'
                          'ini = "deploy/app.ini"\n',
        "flags.toml": '[flags."runner.fastReruns"]\nowner = "me"\ntype = "release"\n'
                      'status = "rolled-out"\nvalue = true\n',
        "app.py": 'def get_option(key):\n    return True\n\n\nif get_option("runner.fastReruns"):\n'
                  '    pass\n',
        "deploy/config.toml": "# a section table\n[runner]\nfastReruns = false\n"
                              "[server]\nport = 8501\n",
        "deploy/flat.toml": '"runner.fastReruns" = false\n',
        "deploy/app.ini": "[runner]\nfastReruns = false\n",
    }
    found = lint(files, select=("FL501",))
    assert [(f.code, f.path, f.line) for f in found] == [
        ("FL501", "deploy/app.ini", 2), ("FL501", "deploy/config.toml", 3),
        ("FL501", "deploy/flat.toml", 1)]


def test_a_file_of_flags_alone_reads_no_key_of_a_nested_table(lint):
    """A review: with sections read as dotted keys, a file of flags alone (named for flags,
    or under a `flags` table) made each key of a flag's own table a flag of its own
    (`[flags.new_ui] enabled = true` set `new_ui.enabled`: FL501 "declared in no registry"),
    and each key of a `meta` table. Its tables are read as before: not at all."""
    files = {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.readers]]\n'
                          'call = "app.get_option"\nkey = 0\n\n[tool.flaglint.environments]\n'
                          'prod = "deploy/flags.toml"\nui = "deploy/features.json"\n',
        "flags.toml": '[flags.new_ui]\nowner = "me"\ntype = "release"\n',
        "app.py": 'def get_option(key):\n    return True\n\n\nif get_option("new_ui"):\n'
                  '    pass\n',
        "deploy/flags.toml": "[flags.new_ui]\nenabled = true\nrollout = 100\n",
        "deploy/features.json": '{"new_ui": true, "meta": {"owner": "web"}}\n',
    }
    assert lint(files, select=("FL501",)) == []


def test_clean_removes_a_setting_in_a_section(tmp_path, capsys):
    """A review: `[runner]` then `fastReruns = true` was "not on a line of its own"."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n\n[[tool.flaglint.readers]]\n'
                          'call = "app.get_option"\nkey = 0\n\n[tool.flaglint.environments]\n'
                          'streamlit = "deploy/config.toml"\n',
        "flags.toml": '[flags."runner.fastReruns"]\nowner = "me"\ntype = "release"\n'
                      'status = "rolled-out"\nvalue = true\n',
        "app.py": 'def get_option(key):\n    return True\n\n\nif get_option("runner.fastReruns"):\n'
                  '    pass\n',
        "deploy/config.toml": "[runner]\nfastReruns = true\nmagicEnabled = false\n",
    })
    assert main(["clean", "runner.fastReruns", "--no-cache", str(tmp_path)]) == 0
    assert "1 deployment config setting of `runner.fastReruns` removed from 1 file." in \
        capsys.readouterr().out
    assert (tmp_path / "deploy" / "config.toml").read_text() == \
        "[runner]\nmagicEnabled = false\n"
