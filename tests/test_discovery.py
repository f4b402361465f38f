"""Zero configuration: with nothing configured, `check`, `audit` and `init` find the
project's own flag API in its code, each shape real projects use, and `init` writes it down
with its evidence."""

from __future__ import annotations

import json

from flaglint.cli import main
from flaglint.facts import Value, ValueKind
from flaglint.links.flag_api import DJANGO_SETTINGS, candidates, is_question, key_like

from .conftest import write_tree

TODAY = "2026-11-23"


def flags_of(root, capsys) -> tuple[list[str], str]:
    """The keys a zero-configuration audit finds, and the note discovery left."""
    main(["audit", str(root), "--today", TODAY, "--no-cache", "--format", "json"])
    out, err = capsys.readouterr()
    return sorted(row["key"] for row in json.loads(out)["flags"]), err


def test_a_helper_called_with_enum_members(tmp_path, capsys):
    """VA notification-api: `is_feature_enabled(FeatureFlag.X)` over an Enum of keys."""
    write_tree(tmp_path, {
        "app/__init__.py": "",
        "app/feature_flags.py": """
            import os
            from enum import Enum


            class FeatureFlag(Enum):
                SMS_ENABLED = "SMS_ENABLED"
                PUSH_ENABLED = "PUSH_ENABLED"
                UNUSED_ENABLED = "UNUSED_ENABLED"


            def is_feature_enabled(feature_flag):
                return os.getenv(feature_flag.value, "False") == "True"
            """,
        "app/send.py": """
            from app.feature_flags import FeatureFlag, is_feature_enabled


            def send():
                if is_feature_enabled(FeatureFlag.SMS_ENABLED):
                    return "sms"
                if not is_feature_enabled(FeatureFlag.PUSH_ENABLED):
                    return "none"
                return "push"
            """})
    keys, err = flags_of(tmp_path, capsys)
    assert keys == ["PUSH_ENABLED", "SMS_ENABLED", "UNUSED_ENABLED"]
    assert ("flaglint: note: no flag API is configured, so flaglint uses the one it found in "
            "the code: `app.feature_flags.is_feature_enabled` (2 reads), "
            "`app.feature_flags.FeatureFlag` (defines flags); `flaglint init` writes it to "
            "flaglint.toml for review") in err


def test_a_method_called_with_class_constants(tmp_path, capsys):
    """readthedocs: `project.has_feature(Feature.X)`, `Feature` a Django model's constants."""
    write_tree(tmp_path, {
        "rtd/__init__.py": "",
        "rtd/models.py": """
            class Project:
                def has_feature(self, feature_id):
                    return feature_id in self.features


            class Feature:
                DONT_SHALLOW_CLONE = "dont_shallow_clone"
                SKIP_SYNC = "skip_sync"
            """,
        "rtd/git.py": """
            from rtd.models import Feature


            def clone(project):
                if project.has_feature(Feature.DONT_SHALLOW_CLONE):
                    return ["git", "clone"]
                return ["git", "clone", "--depth", "50"]
            """})
    keys, _ = flags_of(tmp_path, capsys)
    assert keys == ["dont_shallow_clone", "skip_sync"]


def test_a_method_called_with_module_constants(tmp_path, capsys):
    """ora2: `self.is_feature_enabled(MFE_VIEWS)`, `MFE_VIEWS = 'mfe_views'` in the module
    or imported from another: discovery said "none of its calls pass a key flaglint can
    read", and zero configuration missed 8 of its 11 keys."""
    write_tree(tmp_path, {
        "ora/__init__.py": "",
        "ora/keys.py": "DARK_MODE = 'dark_mode'\n",
        "ora/config.py": """
            from django.conf import settings

            from ora.keys import DARK_MODE

            NEW_UI = 'new_ui'


            class ConfigMixin:
                def is_feature_enabled(self, flag):
                    return settings.FEATURES.get(flag) is True

                @property
                def new_ui_enabled(self):
                    return self.is_feature_enabled(NEW_UI)

                @property
                def dark_mode_enabled(self):
                    return self.is_feature_enabled(DARK_MODE)
            """})
    keys, err = flags_of(tmp_path, capsys)
    assert keys == ["dark_mode", "new_ui"]
    assert "`*.is_feature_enabled` (" in err  # the calls it read in full: one here
    assert "calls pass a key" not in err


def test_holders_made_by_a_function_and_read_through_an_attribute(tmp_path, capsys):
    """jax: `jax_enable_x64 = bool_state("jax_enable_x64", …)`, read as `.value`."""
    write_tree(tmp_path, {
        "proj/__init__.py": "",
        "proj/config.py": """
            class _State:
                def __init__(self, name, default):
                    self.value = default


            def bool_state(name, default=False):
                return _State(name, default)


            enable_x64 = bool_state("jax_enable_x64", default=False)
            debug_nans = bool_state(name="jax_debug_nans")
            """,
        "proj/core.py": """
            from proj import config


            def dtype():
                return "float64" if config.enable_x64.value else "float32"
            """})
    keys, err = flags_of(tmp_path, capsys)
    assert keys == ["jax_debug_nans", "jax_enable_x64"]
    assert "`proj.config.bool_state` (defines flags)" in err
    main(["check", str(tmp_path), "--no-cache", "--select", "FL102"])
    assert "jax_debug_nans" in capsys.readouterr().out  # enable_x64's `.value` is a read


def test_edx_toggles_classes_and_the_methods_that_read_them(tmp_path, capsys):
    """Open edX: `TRACKING = WaffleSwitch("app.tracking", module_name=__name__)`, read as
    `toggles.TRACKING.is_enabled()`. A CamelCase class named for a flag (`WaffleFlag`,
    `WaffleSwitch`, `SettingToggle`) makes flag objects; one object is enough when the code
    calls a method that asks about it, which the configuration `init` writes names. Before,
    `init` found no flag in edx-completion."""
    write_tree(tmp_path, {
        "app/__init__.py": "",
        "app/toggles.py": """
            from edx_toggles.toggles import SettingToggle, WaffleSwitch

            TRACKING = WaffleSwitch("app.tracking", module_name=__name__)
            EXPORT = SettingToggle("EXPORT_ENABLED", default=False)
            """,
        "app/views.py": """
            from app import toggles


            def track():
                if not toggles.TRACKING.is_enabled():
                    return None
                return "exported" if toggles.EXPORT.is_enabled() else "tracked"
            """})
    keys, err = flags_of(tmp_path, capsys)
    assert keys == ["EXPORT_ENABLED", "app.tracking"]
    assert "`edx_toggles.toggles.WaffleSwitch` (defines flags)" in err
    assert main(["init", str(tmp_path), "--today", TODAY, "--no-cache"]) == 0
    capsys.readouterr()
    config = (tmp_path / "flaglint.toml").read_text()
    assert 'call = "edx_toggles.toggles.WaffleSwitch"\nkey = [0, "name"]\n' \
           'reads = ["is_enabled"]\n' in config
    main(["check", str(tmp_path), "--today", TODAY, "--no-cache", "--select", "FL102"])
    assert capsys.readouterr().out.startswith("All checks passed")  # both are read


def test_a_module_api_called_with_string_keys(tmp_path, capsys):
    """Sentry: `features.has("organizations:x", org)`, no preset, no flag word in `has`."""
    write_tree(tmp_path, {
        "app/__init__.py": "",
        "app/features/__init__.py": "def has(name, org=None):\n    return False\n",
        **{f"app/view{i}.py": f"from app import features\n\n\ndef v(org):\n"
                              f"    return features.has('organizations:f{i}', org)\n"
           for i in range(3)}})
    keys, err = flags_of(tmp_path, capsys)
    assert keys == ["organizations:f0", "organizations:f1", "organizations:f2"]
    assert "`app.features.has` (3 reads)" in err


def test_a_configured_project_gets_no_discovery(tmp_path, capsys):
    write_tree(tmp_path, {
        "pyproject.toml": '[[tool.flaglint.readers]]\ncall = "app.flags.on"\nkey = 0\n',
        "app/__init__.py": "",
        "app/flags.py": "def on(k):\n    return False\n\n\n"
                        "def is_feature_enabled(k):\n    return False\n",
        "app/x.py": "from app.flags import is_feature_enabled, on\n\n"
                    "on('a')\nis_feature_enabled('b')\nis_feature_enabled('c')\n"})
    keys, err = flags_of(tmp_path, capsys)
    assert keys == ["a"] and "no flag API is configured" not in err


def test_init_writes_what_it_found_with_its_evidence(tmp_path, capsys):
    write_tree(tmp_path, {
        "app/__init__.py": "",
        "app/flags.py": "def is_feature_enabled(key):\n    return False\n\n\n"
                        "def has_flag(thing):\n    return bool(thing)\n",
        "app/x.py": "from app.flags import has_flag, is_feature_enabled\n\n"
                    "if is_feature_enabled('new_ui'):\n    pass\n"
                    "if is_feature_enabled('dark_mode'):\n    pass\n"
                    "has_flag(object())\n"})
    assert main(["init", str(tmp_path), "--today", TODAY, "--no-cache"]) == 0
    capsys.readouterr()
    assert (tmp_path / "flaglint.toml").read_text() == (
        "# flaglint's configuration (as [tool.flaglint] in pyproject.toml would hold it),\n"
        "# written by `flaglint init`.\n"
        'registry = ["flags.toml"]\n'
        "presets = []\n"
        "\n"
        "[[readers]]  # found: app/flags.py:1, 2 reads (new_ui, dark_mode)\n"
        'call = "app.flags.is_feature_enabled"\n'
        "key = 0\n"
        "\n"
        "# Found, but not decided (name them above if they read flags):\n"
        "# - app/flags.py:5: `app.flags.has_flag` asks about a flag, but none of its 1 calls "
        "pass a key flaglint can read\n")
    assert main(["check", str(tmp_path), "--today", TODAY, "--no-cache", "--select",
                 "FL101,FL102"]) == 0


def test_candidate_words_and_keys():
    assert is_question("is_feature_enabled") and is_question("switch_is_active")
    assert not is_question("update_flags") and not is_question("get_feature")
    assert candidates(b"x = features.has('a')\ndef has_feature(self, f):\n    pass\n") == {
        ("features.has",), ("has_feature",)}
    # a question at a line's start, indented or async, in any case; not in a string or after
    # another word, and not a function whose name holds no question
    assert candidates(b"def Is_Feature_Enabled(x): ...\n    async  def use_new_flag(self):\n"
                      b"x = 'def is_flag_on(y)'\nundef switch_is_active()\n"
                      b"def update_flags():\n\tdef\tflag_is_set ():\n") == {
        ("Is_Feature_Enabled",), ("use_new_flag",), ("flag_is_set",)}
    assert key_like(Value(ValueKind.NAME, "app.flags.FeatureFlag.X.value")) == "FeatureFlag.X"
    assert key_like(Value(ValueKind.NAME, "app.flags.some_name")) is None


def test_django_settings_named_like_flags(tmp_path, capsys):
    write_tree(tmp_path, {
        "site/__init__.py": "",
        "site/settings.py": "DEBUG = False\nFEATURE_NEW_SEARCH = True\n",
        "site/search.py": "from django.conf import settings\n\n\ndef search(q):\n"
                          "    if settings.FEATURE_NEW_SEARCH:\n        return ['new', q]\n"
                          "    return ['old', q]\n"})
    keys, err = flags_of(tmp_path, capsys)
    assert keys == ["FEATURE_NEW_SEARCH"]
    assert "Django settings named like flags (the django-settings preset)" in err


def test_django_settings_that_hold_values_are_not_flags(tmp_path, capsys):
    """label-studio: `FEATURE_FLAGS_FILE = get_env("FEATURE_FLAGS_FILE",
    "feature_flags.json")`, `FEATURE_FLAGS_API_KEY`, `FEATURE_FLAGS_GET_USER_REPR` are named
    like flags and hold a file name, a key and a dotted path: `init` declared them as
    release flags, which expired, and `clean … --value false` wrote `return False` where
    the file name was returned. A setting a settings module binds to text, a number, a
    collection or a call whose default is one, and never to a boolean, is no flag; where
    that changes, the cache says what a run without it says."""
    write_tree(tmp_path, {
        "site/__init__.py": "",
        "site/settings/__init__.py": "",
        "site/settings/base.py": 'FEATURE_FLAGS_FILE = "feature_flags.json"\n'
                                 'FEATURE_FLAGS_API_KEY: str = get_env("K", default="x")\n'
                                 "FEATURE_LIMITS = {'a': 1}\nFEATURE_NEW_SEARCH = True\n"
                                 "FEATURE_OLD = 1\nFEATURE_FROM_ENV = env('X')\n"
                                 "FEATURE_OFFLINE = get_env('O', False)\n"
                                 "FEATURE_PATH = get_env('P', 'flags.json')\n",
        "site/client.py": """
            from django.conf import settings


            def path():
                if settings.FEATURE_FLAGS_FILE.startswith("/"):
                    return settings.FEATURE_FLAGS_FILE
                return getattr(settings, "FEATURE_FLAGS_API_KEY", "")


            def search(q):
                if settings.FEATURE_NEW_SEARCH or settings.FEATURE_OLD:
                    return settings.FEATURE_LIMITS, settings.FEATURE_FROM_ENV
                return settings.FEATURE_OFFLINE, settings.FEATURE_PATH
            """})
    keys, _ = flags_of(tmp_path, capsys)
    assert keys == ["FEATURE_FROM_ENV", "FEATURE_NEW_SEARCH", "FEATURE_OFFLINE", "FEATURE_OLD"]
    main(["audit", str(tmp_path), "--today", TODAY, "--format", "json"])  # cached
    capsys.readouterr()
    settings = tmp_path / "site" / "settings" / "base.py"
    settings.write_text(settings.read_text().replace('"feature_flags.json"', "False"))
    for cache in ([], ["--no-cache"]):
        main(["audit", str(tmp_path), "--today", TODAY, "--format", "json", *cache])
        found = sorted(row["key"] for row in json.loads(capsys.readouterr().out)["flags"])
        assert found == ["FEATURE_FLAGS_FILE", "FEATURE_FROM_ENV", "FEATURE_NEW_SEARCH",
                         "FEATURE_OFFLINE", "FEATURE_OLD"], cache


def test_environment_variables_read_as_flags_are_said_not_used(tmp_path, capsys):
    """`check`, `audit` and `init` say them (zenml's trial: only `init` did, and not the
    subscript form); a name in a comment or one not named like a flag is not said."""
    write_tree(tmp_path, {
        "app.py": "import os\n\nDB = os.getenv('DATABASE_URL')\n"
                  "if os.getenv('FEATURE_FAST_PATH') == 'true':\n    pass\n"
                  "if os.environ.get('CHECKOUT_V2_ENABLED'):\n    pass\n"
                  "DARK = os.environ [ 'FF_DARK_MODE' ] == '1'\n"
                  "HOME = os.environ['HOME']\n"
                  "os.environ['FEATURE_WRITTEN'] = '1'\n"
                  "del os.environ['FF_DELETED']\n"
                  "# os.environ['FEATURE_IN_A_COMMENT']\n"
                  "TEXT = \"os.environ['FEATURE_IN_A_STRING']\"\n"})
    said = ("environment variables named like flags are read directly: CHECKOUT_V2_ENABLED "
            "(app.py:6), FEATURE_FAST_PATH (app.py:4), FF_DARK_MODE (app.py:8); a helper that "
            "reads them (`def is_enabled(name): return os.getenv(name) == \"true\"`), named "
            "in `[[readers]]`, makes them flags")
    for cache in ([], ["--no-cache"]):
        assert main(["check", str(tmp_path), "--today", TODAY, *cache]) == 0
        assert f"flaglint: note: {said}\n" in capsys.readouterr().err
        main(["audit", str(tmp_path), "--today", TODAY, *cache])
        assert f"flaglint: note: {said}\n" in capsys.readouterr().err
    assert main(["init", str(tmp_path), "--today", TODAY, "--no-cache"]) == 0
    capsys.readouterr()
    assert (tmp_path / "flaglint.toml").read_text().endswith(
        f"# Found, but not decided (name them above if they read flags):\n# - {said}\n")


def test_what_discovery_finds_is_cached_by_what_it_reads(tmp_path, capsys):
    """A comment added to a file discovery reads finds the API in the cache; a new call,
    a holder read through an attribute or a removed helper changes the answer, and every
    cached run reports what a run without the cache reports."""
    write_tree(tmp_path, {
        "app/__init__.py": "",
        "app/flags.py": """
            import os


            def is_feature_enabled(name):
                return os.getenv(name, "False") == "True"
            """,
        "app/send.py": """
            from app.flags import is_feature_enabled


            def send():
                if is_feature_enabled("SMS_ENABLED"):
                    return "sms"
                return "push"
            """})
    send = tmp_path / "app" / "send.py"

    def both() -> str:
        main(["check", str(tmp_path), "--today", TODAY, "--format", "json"])
        cached = capsys.readouterr()
        main(["check", str(tmp_path), "--today", TODAY, "--format", "json", "--no-cache"])
        fresh = capsys.readouterr()
        assert (cached.out, cached.err) == (fresh.out, fresh.err)
        return cached.err

    assert "`app.flags.is_feature_enabled` (1 read)" in both()
    send.write_text(send.read_text() + "# a comment\n")
    assert "`app.flags.is_feature_enabled` (1 read)" in both()
    send.write_text(send.read_text() + "\n\ndef push():\n"
                                       "    return is_feature_enabled('PUSH_ENABLED')\n")
    assert "`app.flags.is_feature_enabled` (2 reads)" in both()
    (tmp_path / "app" / "flags.py").write_text("def other(name):\n    return name\n")
    assert "no flag API is configured" not in both()


def test_discovery_reads_every_file_light_in_the_pass_that_finds_candidates(
        tmp_path, capsys, monkeypatch):
    """The workers that seek candidate names in every file read each file light in the same
    pass (one pass over the files, not two): nothing is read light afterwards, and the
    report, the cache and `init`'s evidence are those of one process reading in turn."""
    from flaglint.engine import discovery, reading

    monkeypatch.setattr(discovery, "_PARALLEL_BYTES", 0)
    tree = {"flags.toml": '[flags.NEW_VIEW]\nstatus = "rolled-out"\nvalue = true\n',
            "app/__init__.py": "", "app/flags.py": """
                import os


                def is_feature_enabled(name):
                    return os.getenv(name) == "1"
                """,
            "app/view.py": """
                from app.flags import is_feature_enabled
                from app import plain3


                def view():
                    if is_feature_enabled("NEW_VIEW"):
                        return plain3.helper()
                    return None
                """,
            **{f"app/plain{i}.py": f"import json\n\n\ndef helper():\n    return {i}\n"
               for i in range(12)}}
    write_tree(tmp_path, tree)
    light: list[str] = []
    real = reading.extract_all
    monkeypatch.setattr(reading, "extract_all", lambda jobs, *a: light.extend(
        j.path for j in jobs if not j.full) or real(jobs, *a))
    monkeypatch.setenv("FLAGLINT_CACHE_DIR", str(tmp_path / "cache"))
    args = ["check", str(tmp_path), "--today", TODAY, "--format", "json"]
    assert main([*args, "--jobs", "2"]) == 1
    pooled = capsys.readouterr()
    assert light == []  # every file was read light by the workers that sought names
    assert json.loads(pooled.out)["findings"][0]["flag"] == "NEW_VIEW"
    assert main([*args, "--jobs", "1", "--no-cache"]) == 1
    assert capsys.readouterr() == pooled
    assert len(light) == 13  # one process: read light in turn
    assert main([*args, "--jobs", "2"]) == 1  # and from the cache the pass wrote
    assert capsys.readouterr() == pooled


LABEL_STUDIO = {  # `proj/` is a package and on `sys.path` itself: code imports `core.…`
    "proj/__init__.py": "",
    "proj/core/__init__.py": "",
    "proj/core/feature_flags/__init__.py": "from .base import flag_set\n",
    "proj/core/feature_flags/base.py": "import os\n\n\ndef flag_set(feature_flag, user=None):\n"
                                       "    return os.environ.get(feature_flag, '') == '1'\n",
    "proj/app/__init__.py": "",
    "proj/app/views.py": """
        from core.feature_flags import flag_set


        def home(user):
            return "home" if flag_set("fflag_new_home", user=user) else "projects"


        def export(user):
            return "fast" if flag_set("fflag_fast_export", user=user) else "slow"
        """,
    "proj/core/feature_flags/tests/__init__.py": "",
    "proj/core/feature_flags/tests/test_base.py": """
        from proj.core.feature_flags.base import flag_set


        def test_targeting():
            assert flag_set("fflag_test_targeting") is False
        """,
}


def test_a_reader_imported_from_a_folder_on_sys_path_inside_the_project(tmp_path, capsys):
    """label-studio: `label_studio/` is a package, and its code runs from inside it, so
    `from core.feature_flags import flag_set` names `label_studio/core/feature_flags`.
    Discovery found the reader from the one test that imports it by its package's name
    (2 of 101 reads), and a reader configured by either name found only the reads that
    import it so. Both names are the module's, and `init` finds every read."""
    write_tree(tmp_path, LABEL_STUDIO)
    keys, err = flags_of(tmp_path, capsys)
    assert keys == ["fflag_fast_export", "fflag_new_home", "fflag_test_targeting"]
    assert "`proj.core.feature_flags.base.flag_set` (3 reads)" in err
    for call in ("core.feature_flags.flag_set", "core.feature_flags.base.flag_set",
                 "proj.core.feature_flags.flag_set", "proj.core.feature_flags.base.flag_set"):
        (tmp_path / "flaglint.toml").write_text(f'[[readers]]\ncall = "{call}"\nkey = 0\n')
        main(["graph", str(tmp_path), "--format", "json"])
        graph = json.loads(capsys.readouterr().out)
        assert sorted(e["target"] for e in graph["links"] if e["kind"] == "reads") == [
            "flag:fflag_fast_export", "flag:fflag_new_home", "flag:fflag_test_targeting"], call


def test_the_folders_on_sys_path_inside_a_project():
    from flaglint.links.roots import source_roots

    modules = ["proj", "proj.core", "proj.core.flags", "proj.tasks.api", "proj.json.x",
               "other.tasks.api", "proj.celery"]
    imported = ["core.flags", "core.flags.flag_set", "tasks.api", "json.x", "celery",
                "celery.Celery", "proj.core", "nope.x"]  # a file's modules and names
    # `tasks.api` lies in two packages, `json` is the standard library's, `proj` the
    # project's own, `nope` nobody's; `celery` no module's: the code means the library
    assert source_roots(modules, {"proj", "other"}, [imported]) == {"core": "proj"}


def test_folders_on_sys_path_a_cached_run_and_re_exports(tmp_path, capsys):
    """Found by review: a file linked while the project had no folder on `sys.path` kept
    its links once an edit elsewhere made one (cached ≠ `--no-cache`); and a re-export
    spelled from such a folder (`from core.feature_flags.base import flag_set` in the
    package's `__init__`) was not followed."""
    write_tree(tmp_path, {
        "flaglint.toml": '[[readers]]\ncall = "app.core.flags.base.flag_set"\nkey = 0\n',
        "flags.toml": '[flags.declared]\ntype = "release"\nowner = "x"\n',
        "app/__init__.py": "",
        "app/core/__init__.py": "",
        "app/core/flags/__init__.py": "",
        "app/core/flags/base.py": "def flag_set(key, default=False):\n    return default\n",
        "app/views.py": "import core\n\n\ndef view():\n"
                        "    return 1 if core.flags.base.flag_set('new_ui') else 0\n",
        "app/other.py": "def helper():\n    return 2\n",
    })

    def reads(*args: str) -> list[str]:
        main(["check", str(tmp_path), "--format", "json", *args])
        found = json.loads(capsys.readouterr().out)["findings"]
        return sorted(f"{f['path']}:{f['line']} {f['flag']}" for f in found
                      if f["code"] == "FL101")

    assert reads() == []  # `core` is nobody's yet: no read
    (tmp_path / "app" / "other.py").write_text("from core.flags.base import flag_set\n\n\n"
                                               "def helper():\n    return flag_set('other')\n")
    assert reads() == reads("--no-cache") == ["app/other.py:5 other", "app/views.py:5 new_ui"]
    (tmp_path / "app" / "core" / "flags" / "__init__.py").write_text(
        "from core.flags.base import flag_set\n")
    (tmp_path / "app" / "more.py").write_text("from core.flags import flag_set\n\n\n"
                                              "def more():\n    return flag_set('more')\n")
    assert reads() == reads("--no-cache") == [
        "app/more.py:5 more", "app/other.py:5 other", "app/views.py:5 new_ui"]


def test_init_that_finds_nothing_leaves_presets_unset_so_later_runs_still_find(
        tmp_path, capsys):
    """wagtail's trial: `init` on a project with no flag yet wrote `presets = []`, and the
    Django setting added later (read by `getattr(settings, "X", default)`, as wagtail reads
    every one) was never found."""
    write_tree(tmp_path, {"app/__init__.py": "", "app/m.py": "def f():\n    return 1\n"})
    assert main(["init", str(tmp_path), "--today", TODAY, "--no-cache"]) == 0
    assert capsys.readouterr().err == (  # django-cms's trial: it said nothing of why
        "flaglint: wrote flags.toml (0 flags) and flaglint.toml\n"
        "flaglint: note: no flag API found: no flag SDK is imported and no [[readers]] or "
        "[[definitions]] are configured, so no flag was checked; name the project's own in "
        "[[readers]] or [[definitions]] (docs/configuration.md)\n")
    assert (tmp_path / "flaglint.toml").read_text() == (
        "# flaglint's configuration (as [tool.flaglint] in pyproject.toml would hold it),\n"
        "# written by `flaglint init`.\n"
        'registry = ["flags.toml"]\n'
        "# presets: none found; left unset, so a later run uses those of the SDKs the code "
        "imports, and Django settings named like flags\n")
    write_tree(tmp_path, {"app/views.py": """
        from django.conf import settings


        def home():
            if getattr(settings, "SEARCH_ENABLED", False):
                return "search"
            return "plain"
        """})
    for cache in ([], ["--no-cache"]):
        assert main(["check", str(tmp_path), "--today", TODAY, "--format", "json",
                     *cache]) == 1
        found = json.loads(capsys.readouterr().out)["findings"]
        assert [(f["code"], f["flag"], f["line"]) for f in found] == [
            ("FL101", "SEARCH_ENABLED", 5)], cache


def test_a_found_helpers_default_parameter_is_its_default_when_true_or_false(tmp_path,
                                                                          capsys):
    """Discovery takes a helper's parameter named `default` as its default: a call that
    passes `True` yields it (a review's: without it, "off" was assumed and the unsafe fix
    deleted the code that runs). Its own default counts only when it is `True` or `False`:
    `default="false"` is passed on to be parsed, and a read passing none yields off."""
    write_tree(tmp_path, {
        "flags.toml": '[flags.old]\nstatus = "retired"\nretired = 2003-06-01\n',
        "app.py": """
            import os


            def flag_on(key, default="false"):
                return os.environ.get(key, str(default)).lower() == "true"


            def view():
                if flag_on("old"):
                    return 1
                return 2


            def passed():
                if flag_on("old", True):
                    return 1
                return 2
            """})
    assert main(["check", str(tmp_path), "--today", TODAY, "--no-cache", "--select",
                 "FL301"]) == 1
    assert capsys.readouterr().out.splitlines()[:2] == [
        "app.py:9:5: FL301 [old] Flag `old` is retired, so reading it yields `false`; this "
        "`if` body can never run",
        "app.py:17:5: FL301 [old] Flag `old` is retired, so reading it yields `true`; the "
        "code after the early exit above can never run"]
    (tmp_path / "flags.toml").rename(tmp_path / "kept.toml")
    assert main(["init", str(tmp_path), "--today", TODAY, "--no-cache"]) == 0
    capsys.readouterr()
    assert 'call = "app.flag_on"\nkey = 0\ndefault = 1\n' in \
        (tmp_path / "flaglint.toml").read_text()


def test_settings_that_hold_values_or_are_only_named_in_comments_turn_no_preset_on(
        tmp_path, capsys):
    """A review's `getattr(settings, "FEATURE_LIMITS", {"a": 1})` and a comment naming a
    setting: no evidence of a flag (wagtail's `getattr(settings, "X_ENABLED", False)` is)."""
    write_tree(tmp_path, {"app/__init__.py": "", "app/views.py": """
        from django.conf import settings

        LIMITS = getattr(settings, "FEATURE_LIMITS", {"a": 1})
        TIMEOUT = getattr(settings, "FLAG_TIMEOUT", 30)
        # was: getattr(settings, "OLD_ENABLED", False), and settings.FEATURE_GONE
        """})
    assert main(["check", str(tmp_path), "--today", TODAY, "--no-cache"]) == 0
    out, err = capsys.readouterr()
    assert out == "All checks passed (2 files, 0 flags).\n"
    assert "django-settings" not in err



def test_init_names_a_found_methods_key_by_position_and_keyword(tmp_path, capsys):
    """A method found by name (`*.has_feature`) is a reader of any receiver, whose
    parameters flaglint cannot look up: the configuration `init` writes names its key both
    ways, so that a later run reads `has_feature(feature_id="x")` too."""
    write_tree(tmp_path, {
        "rtd/__init__.py": "",
        "rtd/models.py": "class Project:\n    def has_feature(self, feature_id):\n"
                         "        return feature_id in self.features\n",
        "rtd/git.py": "def clone(project):\n"
                      "    if project.has_feature('shallow') or project.has_feature('sync'):\n"
                      "        return 1\n"
                      "    return project.has_feature(feature_id='deep')\n",
    })
    assert main(["init", str(tmp_path), "--today", TODAY, "--no-cache"]) == 0
    capsys.readouterr()
    assert 'call = "*.has_feature"\nkey = [0, "feature_id"]\n' in \
        (tmp_path / "flaglint.toml").read_text()
    # `deep`, read by keyword alone, is no FL102 ("no code reads it") under that configuration
    assert main(["check", str(tmp_path), "--today", TODAY, "--no-cache", "--select",
                 "FL101,FL102", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["flags"] == 3


def test_edx_toggles_defined_with_f_string_keys_and_the_key_on_the_next_line(tmp_path, capsys):
    """edx-enterprise 8.18.0: `X = WaffleFlag(\\n    f'{ENTERPRISE_NAMESPACE}.name',\\n
    __name__,\\n    PREFIX,\\n)`. The text search took a definition call only with a
    literal key right after its `(` (no `f`, no line break), so `init` found no flag API at
    all; the one-line, literal form was found."""
    write_tree(tmp_path, {
        "app/__init__.py": "",
        "app/toggles.py": """
            from edx_toggles.toggles import WaffleFlag

            NS = 'enterprise'
            PREFIX = 'Enterprise: '

            ALPHA = WaffleFlag(f'{NS}.alpha', __name__)
            BETA = WaffleFlag(
                'enterprise.beta', __name__)
            GAMMA = WaffleFlag(
                f'{NS}.gamma',
                __name__,
                PREFIX,
            )
            """,
        "app/views.py": """
            from app import toggles


            def view():
                if toggles.ALPHA.is_enabled() or toggles.BETA.is_enabled():
                    return 1
                return 2 if toggles.GAMMA.is_enabled() else 3
            """})
    keys, err = flags_of(tmp_path, capsys)
    assert keys == ["enterprise.alpha", "enterprise.beta", "enterprise.gamma"]
    assert "`edx_toggles.toggles.WaffleFlag` (defines flags)" in err
    assert main(["init", str(tmp_path), "--today", TODAY, "--no-cache"]) == 0
    capsys.readouterr()
    assert (tmp_path / "flaglint.toml").read_text() == (
        "# flaglint's configuration (as [tool.flaglint] in pyproject.toml would hold it),\n"
        "# written by `flaglint init`.\n"
        'registry = ["flags.toml"]\n'
        "presets = []\n"
        "\n"
        "[[definitions]]  # found: app/toggles.py:6, 3 uses (enterprise.alpha, "
        "enterprise.beta, enterprise.gamma)\n"
        'call = "edx_toggles.toggles.WaffleFlag"\n'
        'key = [0, "name"]\n'
        'reads = ["is_enabled"]\n')
    main(["check", str(tmp_path), "--today", TODAY, "--no-cache", "--select", "FL102"])
    assert capsys.readouterr().out.startswith("All checks passed")  # all three are read


def test_candidates_across_a_line_break_after_the_parenthesis():
    """Black puts a long call's arguments on the next line: each text search of discovery
    takes a key there, as on the call's own line."""
    assert candidates(b"X = WaffleFlag(\n    f'{NS}.x',\n    __name__,\n)\n"
                      b"Y = bool_state(\n    rf'y'\n)\n") == {
        ("WaffleFlag",), ("X",), ("bool_state",), ("Y",)}
    assert candidates(b"def v(org):\n    return features.has(\n        'org:x', org\n    )\n"
                      ) == {("features.has",)}
    assert candidates(b"import os\nX = os.getenv(\n    'FEATURE_X'\n)\n") == {("getenv",)}
    assert candidates(b"from django.conf import settings\n\nX = getattr(\n    settings,\n"
                      b"    'FEATURE_X',\n    False,\n)\n") == {DJANGO_SETTINGS}


REVIEWBOARD_CHECKER = {
    "app/__init__.py": "",
    "app/features/__init__.py": "",
    "app/features/checkers.py": """
        class Checker:
            def is_feature_enabled(self, feature_id, **kwargs):
                return kwargs.get("default", False)
        """,
    "app/features/tests.py": """
        from app.features.checkers import Checker


        class DummyFeature:
            feature_id = "dummy.feature"
            name = "Dummy feature"
            summary = "A dummy feature for testing."


        def test_on():
            assert not Checker().is_feature_enabled(DummyFeature.feature_id)


        def test_off():
            assert not Checker().is_feature_enabled(DummyFeature.feature_id, local_site=None)
        """}


def test_a_helper_called_with_keys_only_in_tests_is_no_flag_api(tmp_path, capsys):
    """ReviewBoard 8.1: `init` took `*.is_feature_enabled`, called with a key only in
    `features/tests.py` (Django's test module, test code by default), for the project's
    reader, and that module's `DummyFeature` for a class of keys. Test code confirms what
    the code outside it shows, and is never the only ground."""
    write_tree(tmp_path, REVIEWBOARD_CHECKER)
    assert main(["init", str(tmp_path), "--today", TODAY, "--no-cache"]) == 0
    note = ("flaglint: note: app/features/checkers.py:2: "
            "`app.features.checkers.Checker.is_feature_enabled` asks about a flag, but only "
            "test code calls it with a key (2 of its 2 calls)\n")
    assert capsys.readouterr().err == (
        "flaglint: wrote flags.toml (0 flags) and flaglint.toml\n" + note +
        "flaglint: note: no flag API found: no flag SDK is imported and no [[readers]] or "
        "[[definitions]] are configured, so no flag was checked; name the project's own in "
        "[[readers]] or [[definitions]] (docs/configuration.md)\n")
    assert (tmp_path / "flaglint.toml").read_text() == (
        "# flaglint's configuration (as [tool.flaglint] in pyproject.toml would hold it),\n"
        "# written by `flaglint init`.\n"
        'registry = ["flags.toml"]\n'
        "# presets: none found; left unset, so a later run uses those of the SDKs the code "
        "imports, and Django settings named like flags\n"
        "\n"
        "# Found, but not decided (name them above if they read flags):\n"
        "# - app/features/checkers.py:2: `app.features.checkers.Checker.is_feature_enabled` "
        "asks about a flag, but only test code calls it with a key (2 of its 2 calls)\n")
    assert "[flags." not in (tmp_path / "flags.toml").read_text()


def test_tests_confirm_a_helper_the_code_outside_them_calls_with_a_key(tmp_path, capsys):
    """One keyed call outside the tests is ground enough; the tests' calls count with it."""
    write_tree(tmp_path, {**REVIEWBOARD_CHECKER, "app/views.py": """
        from app.features.checkers import Checker


        def view():
            return Checker().is_feature_enabled("new_ui")
        """})
    assert main(["init", str(tmp_path), "--today", TODAY, "--no-cache"]) == 0
    capsys.readouterr()
    assert (tmp_path / "flaglint.toml").read_text().endswith(
        "presets = []\n"
        "\n"
        "[[readers]]  # found: app/features/checkers.py:2, 3 reads (new_ui, dummy.feature)\n"
        'call = "*.is_feature_enabled"\n'
        'key = [0, "feature_id"]\n')
    assert (tmp_path / "flags.toml").read_text().count("\n[flags.") == 1  # read outside tests


def test_apis_found_only_in_tests_are_no_flag_api(tmp_path, capsys):
    """A module API, flag objects made and Django settings named like flags, each only in
    test code, are none of the project's: nothing is found, and no preset is turned on.
    The same calls outside the tests are found."""
    write_tree(tmp_path, {
        "app/__init__.py": "",
        "app/features.py": "def has(name, org=None):\n    return False\n",
        "tests/test_views.py": """
            from django.conf import settings

            from app import features
            from app.toggles import bool_state

            A = bool_state("a_on")
            B = bool_state("b_on")


            def test_views():
                assert features.has("org:x") or features.has("org:y") or features.has("org:z")
                assert settings.FEATURE_SEARCH
            """,
        "app/toggles.py": "def bool_state(name):\n    return name\n"})
    keys, err = flags_of(tmp_path, capsys)
    assert keys == [] and "no flag API is configured" not in err
    (tmp_path / "tests" / "test_views.py").rename(tmp_path / "app" / "views.py")
    keys, err = flags_of(tmp_path, capsys)
    assert keys == ["FEATURE_SEARCH", "a_on", "b_on", "org:x", "org:y", "org:z"]


def test_a_class_describing_one_flag_is_no_class_of_keys(tmp_path, capsys):
    """ReviewBoard's features: the code passes `NewUIFeature.feature_id`, one string member
    of a class whose `name` and `summary` are strings too. `init` wrote it as a
    `[[definitions]] class`, whose every string member is a key: its first check called
    `New UI` and the summary unread flags (FL102). A class of keys names its members as
    keys are named (`NEW_UI`, an Enum's or a constants holder's)."""
    write_tree(tmp_path, {
        "app/__init__.py": "",
        "app/checkers.py": REVIEWBOARD_CHECKER["app/features/checkers.py"],
        "app/views.py": """
            from app.checkers import Checker


            class NewUIFeature:
                feature_id = "new_ui"
                name = "New UI"
                summary = "The new user interface."


            def view():
                return Checker().is_feature_enabled(NewUIFeature.feature_id)
            """})
    assert main(["init", str(tmp_path), "--today", TODAY, "--no-cache"]) == 0
    capsys.readouterr()
    assert (tmp_path / "flaglint.toml").read_text().endswith(
        "presets = []\n"
        "\n"
        "[[readers]]  # found: app/checkers.py:2, 1 reads (new_ui)\n"
        'call = "*.is_feature_enabled"\n'
        'key = [0, "feature_id"]\n')
    assert (tmp_path / "flags.toml").read_text().count("\n[flags.") == 1
    main(["check", str(tmp_path), "--today", TODAY, "--no-cache", "--select", "FL102"])
    assert capsys.readouterr().out.startswith("All checks passed")


def test_a_setting_read_only_with_a_value_for_its_default_is_no_flag(tmp_path, capsys):
    """pretix: `getattr(settings, "PRETIX_X", 500)`, bound in no settings module, was
    registered by `init` (and FL101 asked to declare it), though `clean --value` of it is
    refused: a setting read only with a number other than 0 or 1, or text that spells no
    boolean, for its default holds a value, as does one read with a collection for its
    default (django-helpdesk's `()`; the audit lists no such key either). A read
    with no default or a boolean one beside it (or the text "off") keeps it a flag; reads in
    tests, and the calls of a wrapper of such a read (the review's `limit() * 2`), do not
    count."""
    write_tree(tmp_path, {
        "flaglint.toml": 'presets = ["django-settings"]\ntests = ["tests/**"]\n\n'
                         '[[definitions]]\nnamespace = "django.conf.settings"\n'
                         'prefix = "APP_"\n',
        "app/__init__.py": "",
        "app/views.py": """
            from django.conf import settings


            def f():
                return (getattr(settings, "APP_LIMIT", 500), getattr(settings, "APP_NAME", "x"),
                        getattr(settings, "APP_RATE", 0.5), getattr(settings, "APP_ON", 1),
                        getattr(settings, "APP_MIXED", 500), getattr(settings, "APP_OFF", "off"),
                        getattr(settings, "APP_EXCLUDE", ("a",)), getattr(settings, "APP_MAP", {}))


            def g():
                return settings.APP_MIXED


            def limit():
                return getattr(settings, "APP_WRAP", 500)


            def doubled():
                return limit() * 2
            """,
        "tests/test_views.py": """
            from django.conf import settings


            def test_f():
                assert getattr(settings, "APP_LIMIT", True)
            """})
    assert main(["init", str(tmp_path), "--today", TODAY, "--no-cache"]) == 0
    capsys.readouterr()
    text = (tmp_path / "flags.toml").read_text()
    assert [line for line in text.splitlines() if line.startswith(("# Not", "[flags"))] == [
        '# Not registered: `APP_EXCLUDE` is a setting read with a default of ("a",): a value, '
        'not a flag.',
        '# Not registered: `APP_LIMIT` is a setting read with a default of 500: a value, not '
        'a flag.',
        "# Not registered: `APP_MAP` is a setting read with a default of {}: a value, not a "
        "flag.",
        '# Not registered: `APP_NAME` is a setting read with a default of "x": a value, not a '
        'flag.',
        "# Not registered: `APP_RATE` is a setting read with a default of 0.5: a value, not a "
        "flag.",
        "# Not registered: `APP_WRAP` is a setting read with a default of 500: a value, not a "
        "flag.",
        "[flags.APP_MIXED]", "[flags.APP_OFF]", "[flags.APP_ON]"]
    (tmp_path / "flags.toml").write_text('[flags.APP_OTHER]\ntype = "release"\nowner = "a"\n')
    main(["check", str(tmp_path), "--today", TODAY, "--no-cache", "--select", "FL101",
          "--output-format", "json"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert sorted(f["flag"] for f in findings) == ["APP_MIXED", "APP_MIXED", "APP_OFF",
                                                    "APP_ON"]
    keys, _ = flags_of(tmp_path, capsys)  # nor does the audit list them
    assert keys == ["APP_MIXED", "APP_OFF", "APP_ON", "APP_OTHER"]


def test_a_setting_bound_to_arithmetic_or_a_typed_config_call_says_what_it_holds(
        tmp_path, capsys):
    """pretix: `PRETIX_SESSION_TIMEOUT_RELATIVE = 3600 * 3` and `… = config.get(…).split(",")`
    were declared as release flags (and `clean --value false` wrote `timedelta(seconds=
    False)`), while `MAIL_CUSTOM_SMTP_ALLOW = config.getboolean("mail", "x",
    fallback=DEBUG)` was taken for a value (its section's name for a text default) and its
    reads vanished. Arithmetic, a negative number and a call that returns numbers, text or a
    list hold values; a call that returns a boolean holds a flag."""
    write_tree(tmp_path, {
        "site/__init__.py": "",
        "site/settings.py": "DEBUG = False\n"
                            "FEATURE_TIMEOUT = 3600 * 3\nFEATURE_NEG = -1\n"
                            "FEATURE_CONCAT = ('a',) + ('b',)\n"
                            "FEATURE_RATE = config.getfloat('x', 'rate', fallback=0)\n"
                            "FEATURE_EXCLUDE = config.get('x', 'ex', fallback='').split(',')\n"
                            "FEATURE_ALLOW = config.getboolean('mail', 'x', fallback=DEBUG)\n"
                            "FEATURE_NOT = not DEBUG\n",
        "site/client.py": """
            from django.conf import settings


            def f():
                if settings.FEATURE_TIMEOUT or settings.FEATURE_NEG or settings.FEATURE_CONCAT:
                    return settings.FEATURE_RATE, settings.FEATURE_EXCLUDE
                if settings.FEATURE_ALLOW or settings.FEATURE_NOT:
                    return 1
                return 0
            """})
    keys, _ = flags_of(tmp_path, capsys)
    assert keys == ["FEATURE_ALLOW", "FEATURE_NOT"]
