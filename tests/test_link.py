"""How calls become flag reads: presets, project readers, constants, enums, wrappers."""

from __future__ import annotations

import pickle

import pytest

from flaglint.facts.extract import extract
from flaglint.links.model import FlagRead

from .conftest import analyze_tree, write_tree


def reads(tmp_path, files) -> list[tuple[str | None, str, int, int]]:
    write_tree(tmp_path, files)
    project = analyze_tree(tmp_path)
    found: list[FlagRead] = [*project.graph.reads(), *project.graph.unresolved_reads()]
    return sorted(((r.key, r.path, r.span.line, r.span.column) for r in found),
                  key=lambda t: (t[0] or "", t[1:]))


CONFIG = """
[tool.flaglint]
presets = ["unleash"]

[[tool.flaglint.readers]]
call = "app.flags.is_on"
key = 0
default = "default"
"""


def test_qualified_reader_through_every_import_form(tmp_path):
    assert reads(tmp_path, {
        "pyproject.toml": CONFIG,
        "app/__init__.py": "",
        "app/flags.py": "def is_on(key, default=False): ...\n",
        "app/a.py": "from app import flags\nflags.is_on('a')\n",
        "app/b.py": "import app.flags\napp.flags.is_on('b')\n",
        "app/c.py": "import app.flags as f\nf.is_on('c')\n",
        "app/d.py": "from app.flags import is_on as on\non('d')\n",
        "app/e.py": "from .flags import is_on\nis_on('e')\n",
        "app/f.py": "from . import flags\nflags.is_on(default=True, key='f')\n",
        "app/g.py": "is_on('not imported: no read')\nother.flags.is_on('nor this')\n",
    }) == [("a", "app/a.py", 2, 1), ("b", "app/b.py", 2, 1), ("c", "app/c.py", 2, 1),
           ("d", "app/d.py", 2, 1), ("e", "app/e.py", 2, 1), ("f", "app/f.py", 2, 1)]


def test_keys_from_constants_enums_and_class_attributes(tmp_path):
    assert reads(tmp_path, {
        "pyproject.toml": CONFIG,
        "app/__init__.py": "from .keys import EXPORTED\n",
        "app/keys.py": """
            import enum
            LOCAL = "local_key"
            EXPORTED = "exported_key"
            ALIAS = LOCAL
            class Flags(enum.Enum):
                NEW = "enum_key"
            class Names:
                OLD = "class_key"
        """,
        "app/use.py": """
            from app import EXPORTED
            from app.keys import Flags, Names, ALIAS
            from app import keys
            import app.keys as k
            from .keys import LOCAL as renamed
            HERE = "here_key"

            client.is_enabled(EXPORTED)
            client.is_enabled(Flags.NEW)
            client.is_enabled(Flags.NEW.value)
            client.is_enabled(Names.OLD)
            client.is_enabled(ALIAS)
            client.is_enabled(keys.LOCAL)
            client.is_enabled(k.Flags.NEW.value)
            client.is_enabled(renamed)
            client.is_enabled(HERE)
            client.is_enabled(feature_name="keyword_key")
        """,
    }) == [("class_key", "app/use.py", 11, 1), ("enum_key", "app/use.py", 9, 1),
           ("enum_key", "app/use.py", 10, 1), ("enum_key", "app/use.py", 14, 1),
           ("exported_key", "app/use.py", 8, 1), ("here_key", "app/use.py", 16, 1),
           ("keyword_key", "app/use.py", 17, 1), ("local_key", "app/use.py", 12, 1),
           ("local_key", "app/use.py", 13, 1), ("local_key", "app/use.py", 15, 1)]


def test_wrappers_across_modules_and_of_wrappers(tmp_path):
    files = {
        "pyproject.toml": CONFIG,
        "app/__init__.py": "from .flags import checkout_on\n",
        "app/flags.py": """
            def checkout_on(user):
                return client.is_enabled("new_checkout", user)

            def flag(name, default=False):
                return client.is_enabled(name)

            class Flags:
                def enabled(self, name):
                    return flag(name)

                def beta(self):
                    return self.enabled("beta")
        """,
        "app/views.py": """
            from app import checkout_on
            from app.flags import flag
            import app.flags

            def view(user, flags):
                if checkout_on(user):
                    pass
                if flag("param_key"):
                    pass
                if app.flags.checkout_on(user):
                    pass
        """,
    }
    assert reads(tmp_path, files) == [
        ("beta", "app/flags.py", 12, 16),
        ("new_checkout", "app/flags.py", 2, 12),
        ("new_checkout", "app/views.py", 6, 8),
        ("new_checkout", "app/views.py", 10, 8),
        ("param_key", "app/views.py", 8, 8),
    ]
    project = analyze_tree(tmp_path)
    via = {(r.path, r.span.line): r.via for r in project.graph.reads()}
    assert via[("app/views.py", 6)] == "app.flags.checkout_on"
    assert via[("app/flags.py", 2)] is None


def test_waffle_decorators_negation_and_keyword_keys(tmp_path):
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = ["django-waffle"]\n',
        "views.py": """
            from waffle.decorators import waffle_flag, waffle_switch
            from waffle import flag_is_active

            @waffle_flag("!old_checkout")
            def legacy(request):
                return flag_is_active(request, "new_checkout")

            @waffle_switch(switch_name="maintenance")
            def status(request):
                return flag_is_active(request, flag_name="kw_flag")
        """,
    })
    project = analyze_tree(tmp_path)
    got = sorted((r.key, r.span.line, r.span.column, r.negated) for r in project.graph.reads())
    assert got == [("kw_flag", 10, 12, False), ("maintenance", 8, 1, False),
                   ("new_checkout", 6, 12, False), ("old_checkout", 4, 1, True)]


@pytest.mark.parametrize(("preset", "line", "key"), [
    ("openfeature", 'client.get_boolean_value("k", False)', "k"),
    ("openfeature", 'client.get_string_details("k", "a")', "k"),
    ("launchdarkly", 'ld.variation("k", ctx, False)', "k"),
    ("launchdarkly", 'ld.variation_detail("k", ctx, False)', "k"),
    ("unleash", 'unleash.get_variant("k")', "k"),
    ("flagsmith", 'flags.is_feature_enabled("k")', "k"),
    ("flagsmith", 'flags.get_feature_value("k")', "k"),
    ("flagsmith", 'flags.get_flag("k")', "k"),
    ("django-waffle", 'waffle.switch_is_active("k")', "k"),
    ("django-waffle", 'waffle.sample_is_active("k")', "k"),
    ("django-waffle", 'waffle.flag_is_active(request, "k")', "k"),
    ("posthog", 'posthog.feature_enabled("k", "user-1")', "k"),
    ("posthog", 'posthog.get_feature_flag("k", "user-1")', "k"),
    ("growthbook", 'gb.is_on("k")', "k"),
    ("growthbook", 'gb.is_off("k")', "k"),
    ("growthbook", 'gb.get_feature_value("k", 3)', "k"),
    ("configcat", 'cc.get_value("k", False)', "k"),
    ("statsig", 'statsig.check_gate(user, "k")', "k"),
    ("statsig", 'statsig.get_experiment(user, "k")', "k"),
    ("split", 'split.get_treatment("user-1", "k")', "k"),
])
def test_every_preset_call_shape(tmp_path, preset, line, key):
    got = reads(tmp_path, {
        "pyproject.toml": f'[tool.flaglint]\npresets = ["{preset}"]\n',
        "app.py": line + "\n",
    })
    assert got == [(key, "app.py", 1, 1)]


def test_a_preset_not_selected_reads_nothing(tmp_path):
    assert reads(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n',
        "app.py": 'client.is_enabled("k")\ncc.get_value("k", False)\n',
    }) == []


def test_default_presets_follow_the_sdk_imports(tmp_path):
    assert reads(tmp_path, {
        "app/__init__.py": "",
        "app/flags.py": "import ldclient\nclient = ldclient.get()\n",
        "app/use.py": ('from app.flags import client\nclient.variation("k", u, False)\n'
                       'cache.get_value("not a flag", 1)\n'),
    }) == [("k", "app/use.py", 2, 1)]


def test_any_receiver_project_reader_and_default_position(tmp_path):
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = []\n[[tool.flaglint.readers]]\n'
                          'call = "*.flag_on"\nkey = "name"\ndefault = 1\n',
        "app.py": 'features.flag_on(name="k")\nx.y.flag_on(0, True, name="k")\nflag_on("no")\n',
    })
    project = analyze_tree(tmp_path)
    got = sorted((r.key, r.span.line, r.default.text if r.default else None)
                 for r in project.graph.reads())
    assert got == [("k", 1, None), ("k", 2, "True")]


def test_definitions_in_code_by_call_and_by_class(tmp_path):
    write_tree(tmp_path, {
        "pyproject.toml": """
            [tool.flaglint]
            presets = []
            registry = []

            [[tool.flaglint.definitions]]
            call = "sentry.features.manager.add"
            key = 0

            [[tool.flaglint.definitions]]
            class = "app.feature_flags.FeatureFlag"
        """,
        "app/__init__.py": "",
        "app/feature_flags.py": """
            import enum
            class FeatureFlag(enum.Enum):
                NEW_UI = "new-ui"
                LIMIT = 3
        """,
        "app/features.py": """
            from sentry import features
            features.manager.add("org:new-search", OrganizationFeature)
        """,
    })
    project = analyze_tree(tmp_path)
    got = sorted((d.key, d.path, d.span.line) for d in project.linked.definitions)
    assert got == [("new-ui", "app/feature_flags.py", 3),
                   ("org:new-search", "app/features.py", 2)]
    assert sorted(project.records) == ["new-ui", "org:new-search"]


def test_facts_pickle_and_hold_no_cst_nodes():
    facts = extract(b'from a import K\ndef f():\n    return c.is_enabled(K)\n', "m.py", "m",
                    is_package=False)
    again = pickle.loads(pickle.dumps(facts))
    assert again == facts
    assert again.calls[0].callee == "c.is_enabled"
    assert again.calls[0].args[0].value.text == "a.K"


def test_bom_and_coding_declarations_are_honoured():
    bom = extract(b'\xef\xbb\xbfc.is_enabled("bom")\n', "b.py", "b", is_package=False)
    assert bom.error is None and bom.calls[0].args[0].value.text == "bom"
    latin = extract('# -*- coding: latin-1 -*-\nc.is_enabled("caf\xe9")\n'.encode("latin-1"),
                    "l.py", "l", is_package=False)
    assert latin.error is None and latin.calls[0].args[0].value.text == "caf\xe9"


def test_function_local_constants_resolve_and_loop_variables_do_not(tmp_path):
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n',
        "app.py": """
            KEY = "module_key"

            def once():
                FLAG_NAME = "local_key"
                return client.is_enabled(FLAG_NAME)

            def shadow():
                KEY = "shadowing_key"
                return client.is_enabled(KEY)

            def twice(x):
                name = "a"
                if x:
                    name = "b"
                return client.is_enabled(name)

            def loop(names):
                for name in names:
                    client.is_enabled(name)
        """,
    })
    project = analyze_tree(tmp_path)
    assert sorted((r.key, r.span.line) for r in project.graph.reads()) == [
        ("local_key", 5), ("shadowing_key", 9)]
    assert sorted((r.expression, r.span.line) for r in project.graph.unresolved_reads()) == [
        ("name", 15), ("name", 19)]


def test_prefilter_parses_only_what_can_matter_and_still_resolves_everything(tmp_path):
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n',
        "app/__init__.py": "from .keys import EXPORTED\n",
        "app/keys.py": 'EXPORTED = "exported_key"\nOTHER = "x"\n',
        "app/flags.py": "def checkout_on(u):\n    return client.is_enabled('checkout', u)\n",
        "app/views.py": "from app.flags import checkout_on\ncheckout_on(1)\n",
        "app/reads.py": "from app import EXPORTED\nclient.is_enabled(EXPORTED)\n",
        "app/unrelated.py": "def f():\n    return 1\n",
        "app/broken.py": "def f(:\n",
    })
    project = analyze_tree(tmp_path)
    complete = sorted(f.path for f in project.files if f.complete)
    assert complete == ["app/__init__.py", "app/flags.py", "app/keys.py", "app/reads.py",
                        "app/views.py"]
    assert sorted((r.key, r.path) for r in project.graph.reads()) == [
        ("checkout", "app/flags.py"), ("checkout", "app/views.py"),
        ("exported_key", "app/reads.py")]
    # A file that names no flag API is not parsed: whether it parses changes no answer
    broken = project.facts_of("app/broken.py")
    assert broken is not None and not broken.complete and broken.error is None


def test_keys_built_from_constants_in_f_strings_and_concatenations(tmp_path):
    assert reads(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n',
        "app/__init__.py": "",
        "app/names.py": 'NAMESPACE = "shop"\nFULL = f"{NAMESPACE}.full"\n',
        "app/use.py": """
            from app.names import NAMESPACE, FULL
            import app.names as names
            VERSION = "v2"

            client.is_enabled(f"{NAMESPACE}.checkout_{VERSION}")
            client.is_enabled(NAMESPACE + "." + "search")
            client.is_enabled(FULL)
            client.is_enabled(f"{names.NAMESPACE}.dotted")
            client.is_enabled(f"{NAMESPACE}.{region}")
            client.is_enabled(f"{NAMESPACE!r}.repr")
        """,
    }) == [(None, "app/use.py", 9, 1), (None, "app/use.py", 10, 1),
           ("shop.checkout_v2", "app/use.py", 5, 1), ("shop.dotted", "app/use.py", 8, 1),
           ("shop.full", "app/use.py", 7, 1), ("shop.search", "app/use.py", 6, 1)]


def test_flag_objects_read_through_their_methods(tmp_path):
    write_tree(tmp_path, {
        "pyproject.toml": """
            [tool.flaglint]
            presets = []
            [[tool.flaglint.definitions]]
            call = "*.WaffleFlag"
            reads = ["is_enabled"]
        """,
        "app/__init__.py": "from .toggles import Toggles\n",
        "app/toggles.py": """
            from edx_toggles.toggles import WaffleFlag
            FLAG = WaffleFlag("app.flag", __name__)
            class Toggles:
                OTHER = WaffleFlag("app.other", __name__)
            DYNAMIC = WaffleFlag(make_name(), __name__)
        """,
        "app/use.py": """
            from app import Toggles
            from app.toggles import FLAG, DYNAMIC
            FLAG.is_enabled()
            Toggles.OTHER.is_enabled()
            FLAG.name()
            DYNAMIC.is_enabled()
        """,
    })
    project = analyze_tree(tmp_path)
    assert sorted((r.key, r.span.line, r.api) for r in project.graph.reads()) == [
        ("app.flag", 3, "FLAG.is_enabled"), ("app.other", 4, "OTHER.is_enabled")]
    assert sorted(project.records) == ["app.flag", "app.other"]


def test_calls_of_one_callee_are_each_read_by_their_own_arguments(tmp_path):
    """What reads a callee's calls is decided once a callee and scope (a generated module
    reads 48,000 flags through one client), but each call's key, default and certainty come
    from its own arguments: a literal, a constant, `**kwargs` (FL104), no key at all (a
    method only named like a reader's), and a local client in one function and a receiver
    of unknown kind in another."""
    write_tree(tmp_path, {
        "pyproject.toml": CONFIG,
        "app/__init__.py": "",
        "app/flags.py": "def is_on(key, default=False): ...\n",
        "app/views.py": """
            from UnleashClient import UnleashClient
            from app.flags import is_on
            client = UnleashClient()
            KEY = "from_constant"
            def view(options, other):
                is_on("literal")
                is_on(KEY, default=True)
                is_on(**options)
                client.is_enabled("sdk")
                client.is_enabled(**options)
                other.is_enabled()
                local = UnleashClient()
                local.is_enabled()
            def elsewhere(local):
                local.is_enabled()
                local.is_enabled("unknown_receiver")
            """,
    })
    project = analyze_tree(tmp_path)
    found = sorted(((r.span.line, r.key, r.expression, r.default.display if r.default else None)
                    for r in [*project.graph.reads(), *project.graph.unresolved_reads()]),
                   key=lambda t: t[0])
    assert found == [
        (6, "literal", "'literal'", "False"),  # passes none: `is_on`'s own default
        (7, "from_constant", "KEY", "True"),
        (8, None, "**options", "*"),  # `**options` may pass one: unknown
        (9, "sdk", "'sdk'", None),
        (10, None, "**options", None),
        (13, None, "(no key argument)", None),
        (16, "unknown_receiver", "'unknown_receiver'", None),
    ]


def test_an_interface_keeps_every_field_of_a_definition_and_a_call_but_where_it_is():
    """The interface made for the symbol tables drops only the span of what it keeps (a
    definition, a returned call), as `replace(value, span=…)` does, every other field set."""
    from dataclasses import fields, replace

    from flaglint.facts import Arg, Call, Definition, Value, ValueKind
    from flaglint.findings import Span
    from flaglint.links import tables

    where = Span(3, 4, 5, 6)
    definition = Definition("app.f", "function", where, ("a", "b"), method=True,
                            decorators=("app.d",),
                            defaults=(("b", Value(ValueKind.STR, "x")),))
    call = Call("app.g", resolved=True, imported=True, attribute=True,
                args=(Arg("key", Value(ValueKind.STR, "k"), "**"),), span=where,
                scope="app.f", returned=True, decorator=True, pure_args=False,
                returned_negated=True, access=True)
    for value, made in ((definition, tables._definition_nowhere(definition)),
                        (call, tables._call_nowhere(call))):
        assert made == replace(value, span=tables._NOWHERE)
        assert [getattr(made, f.name) for f in fields(made) if f.name != "span"] == \
            [getattr(value, f.name) for f in fields(value) if f.name != "span"]


def test_a_wrapper_of_a_wrapper_defined_below_it_is_found(tmp_path):
    """The tables are built in rounds, each finding the wrappers of the wrappers found
    before: what reads a callee's calls is decided anew once a wrapper is found, so
    `outer` (which returns `inner(key)`, defined below it) is a wrapper too, and its
    callers' keys are read, not reported as dynamic (a review found it otherwise)."""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n',
        "app/__init__.py": "",
        "app/flags.py": """
            from UnleashClient import UnleashClient
            client = UnleashClient("url", "app")

            def outer(key):
                return inner(key)

            def inner(key):
                return client.is_enabled(key)

            outer("new-checkout")
            """,
        "app/use.py": "from app.flags import outer\nouter('elsewhere')\n",
    })
    project = analyze_tree(tmp_path)
    assert sorted((r.key, r.path, r.span.line) for r in project.graph.reads()) == [
        ("elsewhere", "app/use.py", 2), ("new-checkout", "app/flags.py", 10)]
    assert not list(project.graph.unresolved_reads())
    assert {w for w in project.linked.wrappers} >= {"app.flags.inner", "app.flags.outer"}


@pytest.mark.parametrize("layout", [("span", "y"), ("x", "span", "y"), ("x", "span"),
                                    ("span",), ("a", "b", "span", "c", "d")])
def test_dropping_the_span_works_wherever_a_class_has_it(layout):
    """The span-dropping constructor is made from the class's fields: a span first, last,
    alone, or with one field on either side (where `attrgetter` gives a bare value)."""
    from dataclasses import make_dataclass, replace

    from flaglint.findings import Span
    from flaglint.links import tables

    cls = make_dataclass("Made", [(name, Span if name == "span" else str) for name in layout],
                         frozen=True)
    value = cls(*(Span(1, 2, 3, 4) if name == "span" else f"{name}-value"
                  for name in layout))
    assert tables._nowhere(cls)(value) == replace(value, span=tables._NOWHERE)


@pytest.mark.parametrize("project", ["FL101-undefined-flag/enum-and-alias-keys",
                                     "FL102-unused-flag/waffle-flag-objects",
                                     "FL202-settled-flag/wrapper-in-other-module",
                                     "knight-router"])
def test_tables_joined_from_stored_interfaces_answer_as_the_built_ones(project):
    """The cache keeps of the tables only what joining the interfaces cannot give; joined
    again, each interface decoded when a name asks for it, every name (and every absent
    one) looks up what the built tables hold, with a module given twice (the later file
    wins) and a file binding names outside its module."""
    from dataclasses import replace
    from pathlib import Path

    from flaglint.config import find_config, load_config
    from flaglint.facts import Definition, Value, ValueKind
    from flaglint.findings import Span
    from flaglint.links.resolve import active_presets
    from flaglint.links.tables import Interface, StoredTables, build, interface

    root = Path(__file__).parent.parent / "fixtures" / project
    config = load_config(find_config(root), root)
    faces = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        facts = extract(path.read_bytes(), rel, rel[:-3].replace("/", "."), is_package=False)
        faces.append(interface(facts, definition_calls=True))
    first = next(face for face in faces if face.definitions and face.imports)
    faces.append(Interface(  # a module given again: its entries are the later file's
        first.module, (("again", "app.again"),), (),
        tuple(replace(d, params=("again",)) for d in first.definitions), ()))
    # packages whose names start with a dot (a folder `.cfg`, a file `.py` at the root)
    faces.append(Interface(".cfg", (), ((".cfg.OTHER", Value(ValueKind.STR, "k")),), (), ()))
    faces.append(Interface("", (), ((".TOP", Value(ValueKind.STR, "t")),), (), ()))
    outside = Definition(f"{faces[1].module}.f", "function", Span(0, 0, 0, 0), ("elsewhere",))
    faces.insert(1, Interface("elsewhere", (), (), (outside,), ()))
    presets = active_presets(config, [])
    built = build(config, presets, faces, frozenset({"app", "elsewhere"}))
    stored = StoredTables.of(built, [str(i) for i in range(len(faces))], faces)
    assert stored.unprefixed == (1,)
    loaded: list[int] = []

    def joined():
        return stored.tables(lambda index: loaded.append(index) or faces[index])

    for field in ("imports", "constants", "definitions"):
        made = getattr(built, field)
        assert made, field
        lookups = getattr(joined(), field)
        for name, value in made.items():
            assert lookups.get(name) == value, (field, name)
            assert lookups.get(f"{name}.absent") is None
        assert lookups.get("absent.name") is None
        assert dict(getattr(joined(), field)) == made  # iterated: every interface joined
    assert built.definitions[outside.qualname] == outside
    assert built.imports[first.module] == {"again": "app.again"}
    assert built.definitions[first.definitions[0].qualname].params == ("again",)
    loaded.clear()
    joined().definitions.get(outside.qualname)
    assert sorted(loaded) == [1] + [i for i, face in enumerate(faces)
                                    if outside.qualname.startswith(face.module + ".")]


def test_a_name_a_function_binds_shadows_an_import_only_in_that_function(tmp_path):
    """A local `settings = Holder()` is no import of `settings` made elsewhere in the
    module; but a fallback binding beside the function's own import (`try: from app import
    flags / except ImportError: flags = None`), a name declared `global`, and a function
    of the same name defined in another branch are the import still (a review's: their
    reads were lost, and FL102 said to delete the flags)."""
    found = reads(tmp_path, {
        "pyproject.toml": CONFIG,
        "app/__init__.py": "",
        "app/flags.py": "def is_on(key, default=False): ...\n",
        "app/views.py": """
            import sys

            from app import flags


            def fallback():
                try:
                    from app import flags
                except ImportError:
                    flags = None
                return flags.is_on("fallback_flag")


            def reload_flags():
                global flags
                import importlib
                flags = importlib.reload(flags)
                return flags.is_on("global_flag")


            if sys.platform == "win32":
                def handler():
                    flags = {}
                    return flags.get("x")
            else:
                def handler():
                    return flags.is_on("cond_flag")


            def local():
                flags = object()
                return flags.is_on("local_object")
            """})
    assert sorted(key for key, *_ in found) == ["cond_flag", "fallback_flag", "global_flag"]
