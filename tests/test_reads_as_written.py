"""Reads are found as they are written: SDK calls by what they resolve to, async and
keyword wrappers followed, keys flaglint cannot follow reported rather than dropped."""

from __future__ import annotations

import pytest

from flaglint.cli import main
from flaglint.facts.prefilter import Needles

from .conftest import SETTLED, write_tree


def test_a_project_function_named_like_an_sdk_method_is_not_a_read(lint):
    found = lint({
        "pyproject.toml": '[tool.flaglint]\npresets = ["configcat"]\n',
        "flags.toml": SETTLED,
        "app/__init__.py": "",
        "app/helpers.py": "def get_value(settings, name):\n    return settings[name]\n",
        "app/views.py": """
            import configcatclient
            from app.helpers import get_value
            from app import helpers

            client = configcatclient.get("sdk-key")

            def view(settings):
                get_value(settings, "timeout")
                helpers.get_value(settings, "timeout")
                if client.get_value("old_ui", False):
                    return 1
        """,
    }, select=("FL1", "FL2"))
    assert [(code, path, line) for code, path, line, _, _ in found] == [
        ("FL202", "app/views.py", 10)]


WRAPPERS = {
    "pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n',
    "flags.toml": SETTLED,
    "app.py": """
        async def flag_on(key, ctx):
            return await client.is_enabled(key, ctx)

        def flag_kw(*, name, ctx=None):
            return client.is_enabled(name, ctx)

        def flag_default(ctx, name="old_ui"):
            return client.is_enabled(name, ctx)

        async def view(ctx, args, kwargs):
            if await flag_on("old_ui", ctx):
                print("a")
            if flag_kw(name="old_ui"):
                print("b")
            if flag_default(ctx):
                print("c")
            client.is_enabled(*args)
            client.is_enabled(**kwargs)
            flag_on()
            client.is_enabled()
    """,
}


def test_async_keyword_only_and_defaulted_wrappers_are_followed(lint):
    found = lint(WRAPPERS, select=("FL1", "FL2"))
    assert [(code, line, message.split(";")[0]) for code, _, line, _, message in found] == [
        ("FL202", 11, "Flag `old_ui` is rolled out with value `true`"),
        ("FL202", 13, "Flag `old_ui` is rolled out with value `true`"),
        ("FL202", 15, "Flag `old_ui` is rolled out with value `true`"),
        ("FL104", 17, "Flag key `*args` cannot be resolved statically"),
        ("FL104", 18, "Flag key `**kwargs` cannot be resolved statically"),
        ("FL104", 19, "Flag key `(no key argument)` cannot be resolved statically"),
    ]


def test_a_settled_awaited_read_becomes_its_value(tmp_path, capsys):
    write_tree(tmp_path, WRAPPERS)
    main(["check", str(tmp_path), "--fix", "--no-cache", "--select", "FL2"])
    fixed = (tmp_path / "app.py").read_text()
    assert fixed.split("async def view(ctx, args, kwargs):\n")[1] == (
        '    print("a")\n'
        '    print("b")\n'
        '    print("c")\n'
        "    client.is_enabled(*args)\n"
        "    client.is_enabled(**kwargs)\n"
        "    flag_on()\n"
        "    client.is_enabled()\n")


def test_overloaded_flags_compare_packages_by_module_name(lint):
    read = 'if client.is_enabled("new_ui"):\n    pass\n'
    found = lint({
        "pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\nsrc = ["src"]\n',
        "flags.toml": '[flags.new_ui]\nowner = "web"\ntype = "release"\n',
        **{f"src/{package}/{name}.py": read for package, name in (
            ("billing", "invoice"), ("search", "ranking"), ("admin", "views"))},
        **{f"src/{package}/__init__.py": "" for package in ("billing", "search", "admin")},
    }, select=("FL403",))
    assert [(code, message.split(";")[0]) for code, _, _, _, message in found] == [
        ("FL403", "Flag `new_ui` is read from 3 unrelated packages (admin, billing, search)")]


def test_test_code_makes_no_fl101_or_fl104_noise(lint):
    found = lint({
        "pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n',
        "flags.toml": '[flags.new_ui]\nowner = "web"\ntype = "release"\n',
        "app.py": 'client.is_enabled("new_ui")\nclient.is_enabled("typo_ui")\n',
        "tests/test_flags.py": ('def test_made_up(key):\n'
                                '    client.is_enabled("made_up_key")\n'
                                '    client.is_enabled(key)\n'),
    }, select=("FL101", "FL104"))
    assert [(code, path, line) for code, path, line, _, _ in found] == [
        ("FL101", "app.py", 2)]


def test_one_flag_read_as_different_types_is_fl105(lint):
    found = lint({
        "pyproject.toml": '[tool.flaglint]\npresets = ["openfeature", "unleash"]\n',
        "flags.toml": '[flags.checkout]\nowner = "web"\ntype = "release"\n',
        "a.py": 'client.get_boolean_value("checkout", False)\n',
        "b.py": 'client.get_boolean_value(flag_key="checkout", default_value=False)\n',
        "c.py": 'client.get_string_value("checkout", "off")\n',
        "d.py": 'unleash.is_enabled("checkout")\nunleash.get_variant("checkout")\n',
    }, select=("FL105",))
    assert [(path, line, message) for _, path, line, _, message in found] == [
        ("c.py", 1, "Flag `checkout` is read with default `'off'` (str, not bool) here but "
                    "`False` in 2 other reads; the flag behaves differently here when it "
                    "cannot be evaluated")]
    found = lint({"c.py": 'client.get_string_value("checkout")\n'}, select=("FL105",))
    assert [(path, line, message) for _, path, line, _, message in found] == [
        ("c.py", 1, "Flag `checkout` is read as str here but as bool in 3 other reads; one "
                    "of them does not get the value it expects")]


def test_the_prefilter_needs_the_readers_module_name_too(tmp_path):
    from .conftest import analyze_tree

    write_tree(tmp_path, {
        "pyproject.toml": ('[tool.flaglint]\npresets = []\n[[tool.flaglint.readers]]\n'
                           'call = "app.features.has"\nkey = 0\n'),
        "app/__init__.py": "",
        "app/features.py": "def has(name, actor=None):\n    return False\n",
        "app/views.py": ('from app import features\n\n'
                         'if features.has("organizations:new-ui", org):\n    pass\n'),
        "app/models.py": "def check(user):\n    return user.has('perm')\n",
    })
    project = analyze_tree(tmp_path)
    parsed = {f.path for f in project.files if f.complete}
    assert parsed == {"app/__init__.py", "app/features.py", "app/views.py"}
    assert [r.key for r in project.linked.reads] == ["organizations:new-ui"]


def test_the_readers_own_name_counts_only_where_code_could_name_it(tmp_path):
    """A file that says `features` and "has" in prose cannot call `app.features.has`: only
    `has(`, `.has`, `has as` and an import line naming `has` make a file worth reading in
    full (a name imported in a parenthesised list is read where it is called)."""
    from .conftest import analyze_tree

    write_tree(tmp_path, {
        "pyproject.toml": ('[tool.flaglint]\npresets = []\n[[tool.flaglint.readers]]\n'
                           'call = "app.features.has"\nkey = 0\n'),
        "app/__init__.py": "",
        "app/features.py": "def has(name, actor=None):\n    return False\n",
        "app/prose.py": ('"""Which features a plan has, and who has them."""\n\n'
                         'FEATURES = ["sso"]  # the code has deployed\n'),
        "app/direct.py": ("from app.features import (\n    has\n)\n\n"
                          'ON = has("organizations:direct")\n'),
        "app/aliased.py": ("from app.features import has as allowed\n\n"
                           'ON = allowed("organizations:aliased")\n'),
    })
    project = analyze_tree(tmp_path)
    parsed = {f.path for f in project.files if f.complete}
    assert parsed == {"app/__init__.py", "app/aliased.py", "app/direct.py", "app/features.py"}
    assert sorted(r.key for r in project.linked.reads) == [
        "organizations:aliased", "organizations:direct"]


def test_a_project_reader_called_on_self_in_its_own_class_is_a_read(lint):
    """readthedocs' `Project.has_feature(Feature.X)`, configured as `*.has_feature`, is
    called as `self.has_feature(...)` inside the class that defines it."""
    found = lint({
        "pyproject.toml": '[tool.flaglint]\npresets = []\n'
                          '[[tool.flaglint.readers]]\ncall = "*.has_feature"\nkey = 0\n',
        "flags.toml": '[flags.known]\nowner = "x"\ntype = "release"\n',
        "projects/models.py": """
            class Project:
                def has_feature(self, feature_id):
                    return feature_id in self.features

                def builds(self):
                    if self.has_feature("known"):
                        return 1
                    return self.has_feature("typo_flag")
        """,
    }, select=("FL1",))
    assert [(code, line, column) for code, _, line, column, _ in found] == [
        ("FL101", 8, 16)]


def test_a_keyless_call_on_an_sdk_client_cannot_be_followed(lint):
    found = lint({
        "pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n',
        "app.py": """
            from UnleashClient import UnleashClient

            client = UnleashClient("url")

            def view(button):
                local = UnleashClient("url")
                local.is_enabled()
                client.is_enabled()
                button.is_enabled()
        """,
    }, select=("FL104",))
    assert [(code, line, message) for code, _, line, _, message in found] == [
        ("FL104", 7, "Flag key `(no key argument)` cannot be resolved statically; flaglint "
                     "cannot track this read"),
        ("FL104", 8, "Flag key `(no key argument)` cannot be resolved statically; flaglint "
                     "cannot track this read")]


def test_a_member_the_flag_class_does_not_have_is_undeclared(lint):
    found = lint({
        "pyproject.toml": '[tool.flaglint]\npresets = []\n'
                          '[[tool.flaglint.readers]]\ncall = "app.flags.is_feature_enabled"\n'
                          'key = 0\n'
                          '[[tool.flaglint.definitions]]\nclass = "app.flags.FeatureFlag"\n',
        "app/__init__.py": "",
        "app/flags.py": """
            import enum
            import os


            class FeatureFlag(enum.Enum):
                SMS = "SMS_ENABLED"


            def is_feature_enabled(flag):
                return os.getenv(flag.value) == "True"
        """,
        "app/send.py": """
            from app.flags import FeatureFlag, is_feature_enabled

            if is_feature_enabled(FeatureFlag.SMS):
                pass
            if is_feature_enabled(FeatureFlag.NOPE):
                pass
        """,
    }, select=("FL1",))
    assert [(code, path, line, message) for code, path, line, _, message in found] == [
        ("FL101", "app/send.py", 5, "Flag `FeatureFlag.NOPE` is declared in no registry or "
                                    "definition; nobody owns it and it never expires")]


def test_a_configured_reader_forwarding_its_parameter_is_no_dynamic_read(lint):
    """insights-host-inventory: the reader's own body reads the SDK with its parameter."""
    found = lint({
        "pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n'
                          '[[tool.flaglint.readers]]\ncall = "lib.flags.get_flag_value"\n'
                          'key = 0\n',
        "lib/__init__.py": "",
        "lib/flags.py": """
            from UnleashClient import UnleashClient

            client = UnleashClient("url")


            def get_flag_value(flag_name, context=None):
                value = client.is_enabled(flag_name, context)
                log("read %s", flag_name)
                return value
        """,
        "lib/api.py": """
            from lib.flags import get_flag_value

            if get_flag_value("hbi.api.new"):
                pass
        """,
    }, select=("FL104",))
    assert found == []


READER_PACKAGE = {
    "flags.toml": "".join(f'[flags.{key}]\nowner = "a"\ntype = "release"\n\n'
                          for key in ("alpha", "beta", "gamma", "delta")),
    "app/__init__.py": "",
    "app/flagz/__init__.py": 'from .client import toggle\n\n__all__ = ["toggle"]\n',
    "app/flagz/client.py": """
        import os
        from UnleashClient import UnleashClient

        c = UnleashClient(url="x", app_name="y")


        def toggle(name: str, default: bool = True) -> bool:
            if not os.environ.get("URL"):
                return True
            return c.is_enabled(name)
        """,
    "app/a.py": 'from app.flagz import toggle\n\nif toggle("alpha"):\n    print(1)\n',
    "app/b.py": 'from app.flagz import toggle\n\nif toggle("beta"):\n    print(2)\n',
    "app/c.py": """
        from app.flagz import client
        from app.flagz.client import toggle

        if toggle(name="gamma"):
            print(3)
        if client.toggle(name="delta", default=False):
            print(3)
        """,
}


def test_a_reader_is_found_however_it_is_named_and_called(tmp_path):
    """A project reader named by its module, by the package that re-exports it, or by its
    method (`*.toggle`, key by position) finds the same four reads: keys passed by keyword
    too, in files that reach it through the re-export (and never name `client`), with no
    FL104 on the reader's own body."""
    from .conftest import lint_tree

    for index, call in enumerate(("app.flagz.client.toggle", "app.flagz.toggle", "*.toggle")):
        root = write_tree(tmp_path / str(index), {
            **READER_PACKAGE,
            "pyproject.toml": f'[tool.flaglint]\npresets = []\n\n[[tool.flaglint.readers]]\n'
                              f'call = "{call}"\nkey = 0\n'})
        assert lint_tree(root) == [], call
        from .conftest import analyze_tree

        reads = sorted((r.key, r.path) for r in analyze_tree(root).linked.reads)
        assert reads == [("alpha", "app/a.py"), ("beta", "app/b.py"), ("delta", "app/c.py"),
                         ("gamma", "app/c.py")], call


@pytest.mark.parametrize("blob", [
    b"x = variation_detail(k)", b"client.variation(k)", b"aaaaa abab ab", b"get_ get_v",
    b"get_value get_values", b"is_on(x) and is_off(y)", b"", b"waffle_flaggy"])
def test_the_prefilter_finds_each_word_as_a_substring_test_does(blob):
    """Words sought by their first bytes in one pattern a group: every word the blob holds,
    one inside another (`variation` in `variation_detail`) and words whose first bytes
    overlap themselves (`aaaa`) or are fewer than four included."""
    words = ["variation", "variation_detail", "aaaa", "abab", "ab", "get_", "get_v",
             "get_value", "get_values", "is_on", "is_off", "waffle_flag", "waffle_switch"]
    needles = Needles({(word,) for word in words})
    assert needles._present(blob) == {w.encode() for w in words if w.encode() in blob}


def test_a_called_word_is_found_where_one_pattern_finds_it():
    """Where a reader's last name counts only as code could name a function (`.has`,
    `has(`, `has as`, an import line), each place the word stands is looked at instead of
    trying one pattern at every position: the same answer for 60,000 random texts of dots,
    blanks, newlines, brackets, `as`, import keywords and words that hold the name."""
    import random

    from flaglint.facts.prefilter import called, called_pattern

    rng = random.Random(7)
    parts = [b"has", b"has", b"hasx", b"xhas", b"_has", b"has_", b".", b". ", b".\t", b" ",
             b"\t", b"\n", b"\r\n", b"(", b" (", b"\n(", b" as", b"\tas ", b"as", b"asx",
             b"from", b"import", b"from x", b"  import", b"#", b"h", b"\xff", b"9", b"-"]
    for _ in range(20_000):
        blob = b"".join(rng.choice(parts) for _ in range(rng.randint(0, 12)))
        for name in (b"has", b"as", b"-has"):
            assert called(blob, name) == (called_pattern(name).search(blob) is not None), \
                (blob, name)
