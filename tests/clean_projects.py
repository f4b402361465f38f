"""Random small projects with their own pytest tests, for the differential test of `clean`.

Project N is a package `pN` with a runtime (`rt.py`: a flag client whose values tests set),
a class of flags (`flags.py`: an Enum, with wrappers that read it), code that reads the flag
`pN_new` in the shapes real projects use (`views.py`), code that has nothing to do with it
but names things alike (`billing.py`, with an Enum of its own and a member of the same name;
`prefs.py`, whose `set("pN_new", …)` is no flag), and tests (`tests/test_pN.py`) that record
what they see through `observe(...)`.

Each test is of one kind, which says what `clean pN_new --value V` may do to it:
- `kept`: it does not exercise the value that goes; it must run as before (same outcome,
  same observations), whether or not its lines that set the flag are removed;
- `removed`: it exercises the other value; it may go, or fail;
- `flag_only`: its assertions are only about the flag; it may go (a developer deletes a
  test that became `assert True`), else it must run as before.

The flag's default (what production serves) is V: code that does not set it runs as it
will once the flag is gone.
"""

from __future__ import annotations

import random
import textwrap
from dataclasses import dataclass, field

KINDS = ("kept", "removed", "flag_only")

PYPROJECT = """\
[tool.flaglint]
presets = ["unleash"]
tests = ["tests/**"]

[[tool.flaglint.definitions]]
class = "{pkg}.flags.Flag"
"""

RUNTIME = """\
VALUES = {{}}
DEFAULTS = {{"{key}": {value}, "{pkg}_other": {other}}}


class Client:
    def is_enabled(self, key, default=False):
        return VALUES.get(key, DEFAULTS.get(key, default))


client = Client()


def set_flag(member, value):
    VALUES[member.value] = value


def reset():
    VALUES.clear()
"""

# The batch's own conftest.py (one for every project of a batch) and the module tests
# observe through.
OBSERVE = """\
current = []


def observe(value):
    current.append(repr(value))
"""

CONFTEST = """\
import json
import os
import sys

import pytest

import diffobserve

TRACES = {}
OUTCOMES = {}


@pytest.fixture(autouse=True)
def _trace(request):
    diffobserve.current.clear()
    for name in list(sys.modules):
        if name.endswith(".rt") and hasattr(sys.modules[name], "reset"):
            sys.modules[name].reset()
    yield
    TRACES[request.node.nodeid] = list(diffobserve.current)


def pytest_runtest_logreport(report):
    if report.when == "call" or report.outcome != "passed":
        OUTCOMES.setdefault(report.nodeid, report.outcome)
        if report.when == "call":
            OUTCOMES[report.nodeid] = report.outcome


def pytest_sessionfinish(session):
    with open(os.environ["CLEAN_DIFF_REPORT"], "w") as handle:
        json.dump({"traces": TRACES, "outcomes": OUTCOMES}, handle)
"""


@dataclass
class Project:
    """One generated project: its files, its flag's value, each test's kind."""

    seed: int
    index: int
    files: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # test function -> its kind
    untouchable: set[str] = field(default_factory=set)  # files clean must not change

    def __post_init__(self) -> None:
        self.features: set[str] = set()  # what this project's code has, for its tests
        self.rng = random.Random(self.seed)
        self.pkg = f"p{self.index}"
        self.key = f"{self.pkg}_new"
        self.value = self.rng.random() < 0.5
        self._write()

    @property
    def root(self) -> str:
        return self.pkg

    def _file(self, name: str, text: str) -> None:
        self.files[f"{self.pkg}/{name}"] = textwrap.dedent(text).lstrip("\n")

    def _write(self) -> None:
        pkg, rng = self.pkg, self.rng
        self.files["pyproject.toml"] = PYPROJECT.format(pkg=pkg)
        self.files["flags.toml"] = (f'[flags.{self.key}]\nowner = "web"\ntype = "release"\n\n'
                                    f'[flags.{pkg}_other]\nowner = "web"\ntype = "release"\n')
        self._file("__init__.py", "")
        self._file("rt.py", RUNTIME.format(key=self.key, value=self.value, pkg=pkg,
                                           other=rng.random() < 0.5))
        self._flags()
        self._views()
        self._unrelated()
        self._tests()

    # -- the code -------------------------------------------------------------------------

    def _flags(self) -> None:
        pkg = self.pkg
        wrapper = self.rng.choice([
            "def new_on():\n    return client.is_enabled(Flag.NEW.value)\n",
            "def new_on(default=False):\n    return client.is_enabled(Flag.NEW.value, default)\n",
            # Wrappers whose answer is the read's, as written in real code.
            "def new_on():\n    res = client.is_enabled(Flag.NEW.value)\n    return res\n",
            "def new_on():\n    return bool(client.is_enabled(Flag.NEW.value))\n",
            "def new_on():\n    return True if client.is_enabled(Flag.NEW.value) else False\n",
        ])
        choices = ("\n\nCHOICES = (\n    (Flag.NEW, \"The new page\"),\n"
                   "    (Flag.OTHER, \"Something else\"),\n)\n") if self.rng.random() < 0.5 \
            else ""
        if self.rng.random() < 0.5:
            choices += "\n\nLABELS = {Flag.NEW: \"new\", Flag.OTHER: \"other\"}\n"
            self.features.add("labels")
        if choices.startswith("\n\nCHOICES"):
            self.features.add("choices")
        head = textwrap.dedent(f"""
            import enum

            from {pkg}.rt import client


            class Flag(enum.Enum):
                NEW = "{self.key}"
                OTHER = "{pkg}_other"


            """)
        self._file("flags.py", head + wrapper + "\n\ndef other_on():\n"
                   "    return client.is_enabled(Flag.OTHER.value)\n" + choices)

    def _views(self) -> None:
        pkg, rng = self.pkg, self.rng
        parts = [f"from {pkg}.flags import Flag, new_on, other_on\nfrom {pkg}.panels import "
                 f"OldPanel\nfrom {pkg}.rt import client\n"]
        if rng.random() < 0.3:  # looked up by value: the member must stay
            parts.append(f"\n\ndef by_value():\n    return Flag(\"{self.key}\").name\n")
            self.features.add("by_value")
        # The import is used in the branch that goes, and in a string annotation that stays.
        parts.append("\n\ndef describe(panel: \"OldPanel\") -> str:\n    return str(panel)\n")
        parts.append(rng.choice([
            "\n\ndef render(order):\n    if new_on():\n        return _fresh(order)\n"
            "    return _stale(order)\n",
            "\n\ndef render(order):\n    if not new_on():\n        return _stale(order)\n"
            "    return _fresh(order)\n",
            "\n\ndef render(order):\n    return _fresh(order) if new_on() else _stale(order)\n",
            "\n\ndef render(order):\n    if client.is_enabled(Flag.NEW.value):\n"
            "        return _fresh(order)\n    else:\n        return _stale(order)\n",
        ]))
        stale_body = "OldPanel(order * 2).size" if self.value else "order * 2"
        fresh_body = "order" if self.value else "OldPanel(order).size"
        parts.append(f"\n\ndef _fresh(order):\n    return ('fresh', {fresh_body})\n"
                     f"\n\ndef _stale(order):\n    return ('stale', {stale_body})\n")
        show = rng.choice(["new_on()", "client.is_enabled(Flag.NEW.value)"])
        parts.append(f"\n\ndef badge(name, show=False):\n    if show:\n"
                     f"        return name.upper()\n    return name\n"
                     f"\n\ndef page(name):\n    return badge(name, show={show})\n")
        if rng.random() < 0.3:  # called through a string: its parameters must stay
            parts.append("\n\ndef page_by_name(module, name):\n"
                         "    return getattr(module, \"badge\")(name, True)\n")
            self.features.add("by_name")
        parts.append("\n\ndef mixed(order):\n    if other_on() and new_on():\n"
                     "        return 'both'\n    return 'not both'\n")
        self._file("views.py", "".join(parts))

    def _unrelated(self) -> None:
        """Code that names things as the flag does, and is none of its business."""
        self._file("panels.py", """
            class OldPanel:
                def __init__(self, size):
                    self.size = size
        """)
        self._file("billing.py", """
            import enum


            class Flag(enum.Enum):
                NEW = "billing_new"
                OLD = "billing_old"


            ALL = [Flag.NEW, Flag.OLD]


            def plans():
                return [flag.value for flag in ALL]
        """)
        self._file("prefs.py", """
            class Prefs:
                def __init__(self):
                    self.values = {}

                def set(self, name, value):
                    self.values[name] = value

                def get(self, name):
                    return self.values.get(name)
        """)
        self.untouchable |= {f"{self.pkg}/billing.py", f"{self.pkg}/prefs.py"}

    # -- the tests ------------------------------------------------------------------------

    def _test(self, name: str, kind: str, body: str) -> str:
        self.kinds[name] = kind
        return f"\n\ndef {name}():\n" + textwrap.indent(textwrap.dedent(body).strip("\n"),
                                                         "    ") + "\n"

    def _tests(self) -> None:
        pkg, rng, value = self.pkg, self.rng, self.value
        other = not value
        tests = [f"from unittest import mock\n\nfrom diffobserve import observe\n"
                 f"from {pkg} import billing, views\nfrom {pkg}.flags import Flag, new_on\n"
                 f"from {pkg}.prefs import Prefs\nfrom {pkg}.rt import set_flag\n"]
        tests.append(self._test("test_default", "kept", "observe(views.render(2))\n"
                                                         "observe(views.page('ann'))"))
        tests.append(self._test("test_kept_value", "kept", f"""
            set_flag(Flag.NEW, {value})
            observe(views.render(3))
            observe(views.mixed(1))
        """))
        tests.append(self._test("test_removed_value", "removed", f"""
            set_flag(Flag.NEW, {other})
            observe(views.render(4))
        """))
        tests.append(self._test("test_flag_itself", "flag_only", f"""
            set_flag(Flag.NEW, {value})
            result = new_on()
            assert result is {value}
        """))
        if rng.random() < 0.5:
            tests.append(self._test("test_patched_where_used", "kept", f"""
                with mock.patch("{pkg}.views.new_on", return_value={value}):
                    observe(views.render(5))
            """))
        tests.append(self._test("test_prefs_are_no_flag", "kept", f"""
            prefs = Prefs()
            prefs.set("{self.key}", {other})
            observe(prefs.get("{self.key}"))
        """))
        tests.append(self._test("test_billing", "kept", "observe(billing.plans())"))
        tests.append(self._test("test_annotation", "kept", """
            import typing
            observe(sorted(typing.get_type_hints(views.describe)))
        """))
        if "by_value" in self.features:
            tests.append(self._test("test_by_value", "kept", "observe(views.by_value())"))
        if "by_name" in self.features:
            tests.append(self._test("test_by_name", "kept",
                                    "observe(views.page_by_name(views, 'bob'))"))
        if "labels" in self.features:
            tests.append(self._test("test_labels", "kept", f"""
                from {pkg} import flags
                observe(flags.LABELS[Flag.OTHER])
            """))
        tests.append(self._test("test_other_flag", "kept", """
            set_flag(Flag.OTHER, True)
            observe(views.mixed(2))
        """))
        if rng.random() < 0.3:  # the file names a test the cleanup removes
            tests.append("\n\nif __name__ == \"__main__\":\n    test_default()\n"
                         "    test_removed_value()\n")
        self.files[f"tests/test_{pkg}.py"] = "".join(tests)
