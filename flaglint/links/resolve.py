"""Names and calls resolved over the project's symbol tables: where a name is re-exported
from, which string a key expression stands for, and how a call reads a flag (a preset or
project reader, a wrapper, a flag object, a Django setting)."""

from __future__ import annotations

import ast
import fnmatch
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TypeVar

from flaglint.config import Config
from flaglint.facts import Arg, Call, Definition, FileFacts, Value, ValueKind
from flaglint.findings import made_in_bulk
from flaglint.links.model import UNKNOWN_DEFAULT, FlagObject, FlagRead, Wrapper
from flaglint.presets import (
    PRESET_MODULES,
    PRESETS,
    SETTINGS,
    SETTINGS_FLAGS,
    SETTINGS_PRESET,
    DefinitionSpec,
    ReaderSpec,
)

_MAX_DEPTH = 12
# What a test's call that sets a flag is named (as `clean`'s test edits take one)
_TEST_SETTER = re.compile(r"override|mock|patch|set|enable|disable|toggle", re.IGNORECASE)

V = TypeVar("V")


@made_in_bulk
@dataclass(frozen=True, slots=True)
class Match:
    """How a call reads (or writes) a flag."""

    key: Value | None
    default: Value | None
    api: str
    value_type: str | None
    negated: bool = False
    bang: bool = False  # a leading "!" in the key means "off" (django-waffle decorators)
    writes: bool = False
    certain: bool = False  # the callee is known to read flags (not only named like a reader)
    replaceable: bool = True  # a literal may stand for the call (not `with config.x(v):`)
    origin: str = ""  # the reader's (`readers[0]`, a preset's name), when a reader matched
    unset_setting: bool = False  # `settings.X` or a namespace's attribute, no default

    def unbang(self, key: str) -> tuple[str, bool]:
        if self.bang and key.startswith("!"):
            return key[1:], not self.negated
        return key, self.negated


# What reads calls of one shape (`Resolver.match`): what their callee resolves to, else the
# methods they may be, each with whether it certainly reads flags
_Plan = tuple["Match | ReaderSpec | Wrapper | None", tuple[tuple[ReaderSpec, bool], ...]]


def active_presets(config: Config, modules: Iterable[str]) -> tuple[str, ...]:
    """The presets in use: as configured, else those whose SDK some file imports."""
    if config.presets is not None:
        return config.presets
    imported = set(modules)
    return tuple(name for name, sdk in PRESET_MODULES.items()
                 if any(module in imported for module in sdk))


# Django's test override of settings, as a decorator or a `with` block
SETTINGS_OVERRIDES = frozenset({"django.test.override_settings",
                                "django.test.utils.override_settings"})


def is_setting_flag(name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in SETTINGS_FLAGS)


def is_settings_module(module: str) -> bool:
    """A module named for settings (`app.settings`, `app.test_settings`) or in a package so
    named (`app.settings.base`), or an app's defaults of its settings (django-oscar's
    `oscar.defaults`, which a project's settings star-import)."""
    parts = module.split(".")
    return "settings" in parts[-1] or "settings" in parts[:-1] or parts[-1] == "defaults"


# Calls whose result is no boolean: numbers, text, collections
_VALUE_CALLS = frozenset({"getint", "getfloat", "int", "float", "str", "split", "splitlines",
                          "list", "tuple", "set", "dict", "getlist", "timedelta"})


def not_flags(texts: Iterable[str], named: Callable[[str], bool] = is_setting_flag
              ) -> frozenset[str]:
    """The settings named like flags (`FEATURE_FLAGS_FILE`, `FEATURE_FLAGS_API_KEY`) that
    these settings modules bind, at their top level, to a value that is no boolean, and
    never to a boolean: text, a number or a collection, or a call whose default says so
    (`get_env("FEATURE_FLAGS_FILE", "feature_flags.json")`): values, not flags
    (label-studio's; `init` declared them as release flags that then expired, and `clean`
    settled a file name to `False`). `named`: which setting names are taken for flags (the
    preset's, or a namespace definition's prefix)."""
    other: set[str] = set()
    flags: set[str] = set()
    for text in texts:
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue  # a settings module that does not parse says nothing
        for statement in tree.body:
            targets = statement.targets if isinstance(statement, ast.Assign) else \
                [statement.target] if isinstance(statement, ast.AnnAssign) and \
                statement.value is not None else []
            value = getattr(statement, "value", None)
            for target in targets:
                if isinstance(target, ast.Name) and named(target.id) and value is not None:
                    kind = _setting_kind(value)
                    if kind is not None:
                        (flags if kind else other).add(target.id)
    return frozenset(other - flags)


def _setting_kind(value: ast.expr) -> bool | None:
    """True: a boolean (a flag); False: another value; None: flaglint cannot tell."""
    if isinstance(value, ast.Constant):
        if value.value is None:
            return None  # unset: it may be either
        return value.value in (True, False, 0, 1) and not isinstance(value.value, str)
    if isinstance(value, (ast.List, ast.Dict, ast.Tuple, ast.Set, ast.JoinedStr)):
        return False
    if isinstance(value, ast.UnaryOp):  # `not X`; `-1`
        return isinstance(value.op, ast.Not)
    if isinstance(value, ast.BinOp):  # pretix's `3600 * 3`, `('a',) + more`
        return False if False in (_setting_kind(value.left), _setting_kind(value.right)) \
            else None
    if isinstance(value, ast.Call):
        # what the call says it returns: pretix's `config.getboolean("mail", "x",
        # fallback=DEBUG)` (a boolean, its other arguments the section's and option's
        # names), `config.getint(…)`, `config.get(…).split(",")`
        func = value.func
        name = (func.attr if isinstance(func, ast.Attribute) else
                func.id if isinstance(func, ast.Name) else "").lower()
        if "bool" in name:
            return True
        if name in _VALUE_CALLS:
            return False
        # else its default says: `get_env("X", "file.json")`, `env("X", False)`
        defaults = [_setting_kind(a) for a in [*value.args[1:], *(k.value for k in
                                                                     value.keywords)]
                    if isinstance(a, (ast.Constant, ast.List, ast.Dict, ast.Tuple))]
        if True in defaults:
            return True
        if False in defaults:
            return False
    return None


class Resolver:
    """Resolution over symbol tables: every file's imports, the names bound to a key and
    the definitions, with the wrappers and flag objects found so far. `own` is the file
    being linked, whose function locals only it can name."""

    def __init__(self, config: Config, presets: tuple[str, ...],
                 imports: Mapping[str, Mapping[str, str]], constants: Mapping[str, Value],
                 definitions: Mapping[str, Definition], wrappers: Mapping[str, Wrapper],
                 objects: Mapping[str, FlagObject], own: FileFacts | None = None,
                 seen: set[str] | None = None, *, packages: frozenset[str],
                 roots: Mapping[str, str] | None = None,
                 values: frozenset[str] = frozenset()) -> None:
        # `seen`: every entry of the tables looked up (`d:name`, present or not), so that a
        # file's links can be kept when the tables change in no entry it looked at
        self.seen = seen
        self.config = config
        self.presets = presets
        self.imports = imports
        self.constants = constants
        self.definitions = definitions
        self.wrappers = wrappers
        self.objects = objects
        self.packages = packages  # the top-level packages of the project's linked modules
        # Names imported from a folder on `sys.path` inside the project (`tasks.api`, the
        # module `label_studio.tasks.api`): the name -> the package it lies in
        self.roots = roots or {}
        self.values = values  # settings named like flags that hold values (`not_flags`)
        # Django settings that namespace definitions name flags (`prefix = "OFFER_"`), read
        # as the preset's are, with it or without
        self.named_settings = any(spec.namespace for spec in config.definitions)
        self.own_constants = {c.qualname: c.value for c in own.constants} if own else {}
        self.own_definitions = {d.qualname: d for d in own.definitions} if own else {}
        self.object_methods = {m for spec in config.definitions
                               for m in (*spec.reads, *spec.attributes, *spec.writes)}
        self.missing: set[str] = set()  # names a key resolves through that nothing binds
        # The project's own readers some call matched (`readers[0]`), whatever it read
        self.matched: set[str] = set()
        self._own_readers = {s.origin for s in config.readers}
        self._chased: dict[str, str] = {}
        self._plans: dict[tuple[object, ...], _Plan] = {}  # by a call's shape (`match`)
        self.qualified: dict[str, ReaderSpec] = {}
        self.by_method: dict[str, list[ReaderSpec]] = {}
        # A project reader's own default (`def is_on(name, default=True)`), for its calls
        # that pass none: the read yields it, not "off"
        self._own_defaults: dict[ReaderSpec, Value] = {}
        specs = [*config.readers, *(s for name in presets for s in PRESETS[name])]
        self.qualified = {s.call: self._with_keywords(s) for s in reversed(specs)
                          if not s.any_receiver}
        # A reader named where a package re-exports it (`app.flags.toggle`, defined in
        # `app.flags.client`) is the function it stands for.
        for name, spec in list(self.qualified.items()):
            self.qualified.setdefault(self.chase(name), spec)
        for spec in specs:
            if spec.any_receiver:  # every entry for a method is tried, in order
                self.by_method.setdefault(spec.method, []).append(spec)
        # The project's own readers named by method (`*.toggle`): their bodies forward a key
        self.own_methods = {s.method for s in config.readers if s.any_receiver}

    def _look(self, table: Mapping[str, V], tag: str, name: str) -> V | None:
        if self.seen is not None:
            self.seen.add(f"{tag}:{name}")
        return table.get(name)

    def definition(self, qualname: str) -> Definition | None:
        found = self._look(self.definitions, "d", qualname)
        return found if found is not None else self.own_definitions.get(qualname)

    def in_project(self, qualname: str) -> bool:
        """Does `qualname` lie in one of the project's top-level packages (a module's object,
        or an attribute of one), whether or not a definition answers it?"""
        top = qualname.split(".", 1)[0]
        if self.seen is not None:
            self.seen.add(f"p:{top}")
        return top in self.packages

    def _constant(self, qualname: str) -> Value | None:
        found = self._look(self.constants, "c", qualname)
        return found if found is not None else self.own_constants.get(qualname)

    def _with_keywords(self, spec: ReaderSpec, target: str | None = None) -> ReaderSpec:
        """A reader defined in the project (at `target`, else where its name leads) also
        takes its key and default by keyword."""
        found = self.definition(target or spec.call) or self.definition(self.chase(spec.call))
        if found is None:
            return spec
        params = found.params
        key_name, default_name = spec.key_name, spec.default_name
        if key_name is None and spec.key is not None and spec.key < len(params):
            key_name = params[spec.key]
        if default_name is None and spec.default is not None and spec.default < len(params):
            default_name = params[spec.default]
        made = replace(spec, key_name=key_name, default_name=default_name)
        own = dict(found.defaults).get(default_name) if default_name is not None else None
        if own is not None and _on_off(own):
            self._own_defaults[made] = own
        return made

    # -- names -----------------------------------------------------------------------------

    def chase(self, name: str) -> str:
        """Follow re-exports: `app.is_on` → `app.flags.is_on` when app imports it."""
        cached = self._chased.get(name)
        if cached is None:
            cached = self._chased[name] = self._chase(name)
        return cached

    def _chase(self, name: str) -> str:
        name = self._rooted(name)
        for _ in range(_MAX_DEPTH):
            parts = name.split(".")
            for i in range(len(parts) - 1, 0, -1):
                module = ".".join(parts[:i])
                bound = self._look(self.imports, "i", module)
                if bound is not None:
                    target = bound.get(parts[i])
                    if target is not None and target != name:
                        # a re-export spelled from a folder on `sys.path` too
                        name = self._rooted(".".join([target, *parts[i + 1:]]))
                        break
                    return name
            else:
                return name
        return name

    def _rooted(self, name: str) -> str:
        """The name from the project's root (`tasks.api.x`: `label_studio.tasks.api.x`)."""
        top = name.split(".", 1)[0]
        if self.seen is not None:  # looked up even where there is none: one may come
            self.seen.add(f"r:{top}")
        if not self.roots:
            return name
        package = self.roots.get(top)
        return f"{package}.{name}" if package is not None else name

    def resolve(self, value: Value, depth: int = 0) -> str | None:
        """The string a key expression stands for, or None."""
        if value.kind is ValueKind.STR:
            return value.text
        if value.kind is ValueKind.TEMPLATE and depth <= _MAX_DEPTH:
            pieces = value.text.split("\0")
            names = [self.resolve(Value(ValueKind.NAME, n), depth + 1) for n in value.names]
            if any(n is None for n in names) or len(pieces) != len(names) + 1:
                return None
            return pieces[0] + "".join(str(n) + p for n, p in zip(names, pieces[1:],
                                                                 strict=True))
        if value.kind is not ValueKind.NAME or depth > _MAX_DEPTH:
            return None
        name = self.chase(value.text)
        if self._constant(name) is None and name.endswith(".value"):
            name = self.chase(name[: -len(".value")])
        found = self._constant(name)
        if found is None:
            self.missing.add(name)
            return None
        return self.resolve(found, depth + 1)

    # -- calls -----------------------------------------------------------------------------

    def match(self, call: Call) -> Match | None:
        """How the call reads a flag, or None when it does not."""
        # What decides it, but for the arguments, is the same for every call of one callee
        # (and scope, for a method of a local): made once a callee (a generated module
        # reads 48,000 flags through one client). The tables' entries it looked up are in
        # `seen` from the first.
        shape = (call.callee, call.resolved, call.imported, call.attribute, call.access,
                 None if call.resolved else call.scope)
        plan = self._plans.get(shape)
        if plan is None:
            plan = self._plans[shape] = self._plan(call)
        first_step, methods = plan
        if first_step is not None:
            if isinstance(first_step, Match):
                return first_step
            if isinstance(first_step, Wrapper):
                return self._by_wrapper(call, first_step)
            return self._by_spec(call, first_step)
        if SETTINGS_PRESET in self.presets or self.named_settings:
            setting = self._setting(call)  # by its arguments: `getattr(settings, "X")`
            if setting is not None:
                return setting
        first = None
        for spec, certain in methods:
            found = self._by_spec(call, spec, certain=certain)
            if found.key is not None:
                return found
            first = first or found
        return first

    def forget_plans(self) -> None:
        """Drop what `match` decided for each callee: the tables it looked in have changed
        (a wrapper or flag object found while the tables are built)."""
        self._plans.clear()

    def _plan(self, call: Call) -> _Plan:
        """What `match` does with a call of this shape: what reads it, when its callee
        resolves to a reader, a wrapper or a flag object; else the preset or project
        methods it may be, each with whether it is certainly one."""
        if call.resolved:
            found = self._match_resolved(call)
            if found is not None:
                return found, ()
        if call.access or not (call.attribute or call.imported):
            return None, ()  # an attribute read is a flag read only of a flag object
        methods = []
        for spec in self.by_method.get(call.name, ()):
            if not self._may_be_sdk(call, spec):
                continue
            if call.resolved and not spec.origin.startswith("readers"):
                pass  # a preset's method: its SDK's signature, not a project function's
            elif call.resolved:  # `*.toggle` calling the project's own `toggle`
                spec = self._with_keywords(spec, self.chase(call.callee))
            # `c = UnleashClient(); c.is_enabled()`, or the project's own reader: a call
            # without a key it can resolve is FL104, not something else
            methods.append((spec, self._sdk_receiver(call, spec)
                            or spec.origin.startswith("readers")))
        return None, tuple(methods)

    def _match_resolved(self, call: Call) -> Match | ReaderSpec | Wrapper | None:
        """What reads a call whose callee resolves: a reader or a wrapper (read with the
        call's arguments), a flag object (its match), or nothing."""
        target = self.chase(call.callee)
        if not call.access:
            spec = self.qualified.get(target)
            if spec is not None:
                return spec
            wrapper = self._look(self.wrappers, "w", target)
            if wrapper is not None:
                return wrapper
            return self._by_object_call(call, target)
        return self._by_access(call, target)

    def _by_access(self, call: Call, target: str) -> Match | None:
        space, _, attribute = target.rpartition(".")
        for defined in self.config.definitions:
            if defined.namespace and attribute.startswith(defined.prefix) and \
                    space == self.chase(defined.namespace):
                if space == SETTINGS and self._a_value(attribute):
                    return None  # a setting the settings modules bind to a value
                # `config.jax_x`: the attribute of the config object is the key; of no type
                # of its own: a namespace may hold anything (Wagtail's `settings.X !=
                # "app.Image"` beside `getattr(settings, "X", "app.Image")` was FL105, bool
                # against str; so was django-helpdesk's `helpdesk_settings.X` handed to a
                # `ForeignKey` beside the module's `getattr(settings, "X", "app.Team")`)
                # Retired, it yields what the namespace's own code binds it to, no "off"
                # (django-helpdesk's settings module: `X = getattr(settings, "X", True)`)
                return Match(Value(ValueKind.STR, attribute), None,
                             f"{defined.namespace.rsplit('.', 1)[-1]}.{attribute}", None,
                             unset_setting=True)
        tested = self._look(self.objects, "o", target)
        if tested is not None and tested.tested:
            # `if holder:` where holder = bool_state(name="key"): its truth is the flag.
            return Match(Value(ValueKind.STR, tested.key), None, target.rsplit(".", 1)[-1],
                         "bool")
        return self._by_object_method(target, access=True)

    def _by_object_call(self, call: Call, target: str) -> Match | None:
        called = self._look(self.objects, "o", target)
        if called is not None and called.called:
            # `with config.x(v):` where x = bool_state(name="key"): calling it reads it,
            # and what it returns is no flag value that a literal could replace.
            return Match(Value(ValueKind.STR, called.key), None, target.rsplit(".", 1)[-1],
                         "bool", replaceable=False)
        return self._by_object_method(target, access=False)

    def _by_object_method(self, target: str, *, access: bool) -> Match | None:
        holder, _, method = target.rpartition(".")
        flag_object = self._look(self.objects, "o", self.chase(holder)) if holder else None
        if flag_object is None and method in self.object_methods:
            self.missing.add(holder)  # the module that binds it may not be parsed yet
        if flag_object is None:
            return None
        if not access and method in flag_object.writes:  # `holder.set(True)` sets it
            return Match(Value(ValueKind.STR, flag_object.key), None,
                         f"{holder.rsplit('.', 1)[-1]}.{method}", None, writes=True)
        reading = flag_object.attributes if access else flag_object.methods
        if method not in reading:
            return None
        # `FLAG.is_enabled()` where FLAG = WaffleFlag("key"), or `holder.value` where
        # holder = bool_state(name="key"): the object is the key. Of a type nothing says
        # (prefect's `X = Setting(int, default=3)` read by `X.value()`).
        return Match(Value(ValueKind.STR, flag_object.key), None,
                     f"{holder.rsplit('.', 1)[-1]}.{method}", None)

    def _setting(self, call: Call) -> Match | None:
        """`settings.FEATURE_X` or `getattr(settings, "FEATURE_X", default)` of Django's
        settings, for a name that says it is a flag (the django-settings preset); and
        `getattr(settings, name)` for a name flaglint cannot tell (neither a literal, nor a
        constant, nor a parameter of the function), a read of an unknown key."""
        api = SETTINGS_PRESET
        if call.access and call.resolved:
            holder, _, name = self.chase(call.callee).rpartition(".")
            if holder == SETTINGS and self._flag_setting(name) and not self._a_value(name):
                return Match(Value(ValueKind.STR, name), None, api, None, unset_setting=True)
            return None
        if call.callee != "getattr" or len(call.args) < 2 or any(a.keyword for a in
                                                                 call.args[:2]):
            return None
        target, key = call.args[0].value, call.args[1].value
        if target.kind is not ValueKind.NAME or self.chase(target.text) != SETTINGS or \
                call.args[1].star:
            return None
        default = call.args[2].value if len(call.args) > 2 and not call.args[2].star else None
        if key.kind is ValueKind.PARAM:
            return None  # `def get_setting(name): return getattr(settings, name)`: no wrapper
        setting = self.resolve(key)
        if setting is None:
            # `getattr(settings, name, None)` for names in a list: any setting, a flag
            # among them; a read whose key flaglint cannot tell, which a string naming a
            # flag may reach (Weblate's context processor); no FL104 of it, as most such
            # lookups read settings that are no flags (the preset's only)
            return Match(key, default, api, value_type(default), certain=True) \
                if SETTINGS_PRESET in self.presets else None
        if not self._flag_setting(setting) or self._a_value(setting):
            return None
        return Match(Value(ValueKind.STR, setting), default, api, value_type(default),
                     unset_setting=default is None)

    def setting_overrides(self, call: Call) -> list[str]:
        """The flag-like settings a test's `override_settings(FEATURE_X=False)` sets (the
        django-settings preset): the reads it encloses are not settled."""
        if (SETTINGS_PRESET not in self.presets and not self.named_settings) or \
                not call.resolved or self.chase(call.callee) not in SETTINGS_OVERRIDES:
            return []
        return [arg.keyword for arg in call.args if arg.keyword is not None and
                self._flag_setting(arg.keyword) and not self._a_value(arg.keyword)]

    def test_settings(self, call: Call) -> list[str]:
        """The flags a test's call of a setter no preset names may set: a call named so
        (`override_…`, `mock_…`, `patch…`, `set…`, `enable…`) given the flag's object or an
        attribute of it and then a value (ReviewBoard's `override_feature_check(
        dvcs_feature.feature_id, False)`, which `clean`'s test edits take for a setting).
        The reads under it are not settled: it may set the other value, and a fix would
        assert what the test does not. A key as text is no such evidence: `reset_cache("k")`
        and `asset_url("k")` are called so too."""
        if not _TEST_SETTER.search(call.name):
            return []
        found = []
        for index, arg in enumerate(call.args[:-1]):  # a value follows
            if arg.value.kind is not ValueKind.NAME or arg.keyword is not None:
                continue
            target = self.chase(arg.value.text)
            flag_object = self._look(self.objects, "o", target) or \
                self._look(self.objects, "o", target.rpartition(".")[0])
            if flag_object is not None and index + 1 < len(call.args):
                found.append(flag_object.key)
        return found

    def _flag_setting(self, name: str) -> bool:
        """Is the Django setting of this name a flag: named like one (the preset's names),
        or by a `namespace` definition of the settings (`prefix = "OFFER_"`: Weblate's
        `OFFER_HOSTING`)?"""
        return (SETTINGS_PRESET in self.presets and is_setting_flag(name)) or any(
            spec.namespace and name.startswith(spec.prefix) and
            self.chase(spec.namespace) == SETTINGS for spec in self.config.definitions)

    def _a_value(self, name: str) -> bool:
        """Does the setting of this name hold a value, not a flag (`not_flags`)?"""
        if self.seen is not None:
            self.seen.add(f"v:{name}")
        return name in self.values

    def _may_be_sdk(self, call: Call, spec: ReaderSpec) -> bool:
        """Can this call of a preset method name be the SDK's? Not when it resolves to a
        function or method the project defines (`from app.helpers import get_value`), nor,
        for a plain imported name, when the name comes from a module that is not the SDK.
        A reader the project configured (`*.has_feature`) is its own functions, called on
        any receiver, `self` included."""
        if spec.origin not in PRESETS or not call.resolved:
            return True  # `client.get_value(...)` on a local or parameter: trust the name
        target = self.chase(call.callee)
        if self.definition(target) is not None:
            return False
        if call.attribute or spec.origin not in PRESET_MODULES:
            return True
        root = target.split(".", 1)[0]
        return root in PRESET_MODULES[spec.origin]

    def _sdk_receiver(self, call: Call, spec: ReaderSpec) -> bool:
        """Is the receiver of this method call an object of the preset's SDK: a name bound
        to a call of it (`client = UnleashClient(url)`), in the module or the function?"""
        modules = PRESET_MODULES.get(spec.origin)
        receiver = call.callee.rpartition(".")[0]
        if modules is None or not call.attribute or not receiver:
            return False
        if call.resolved:
            bound = self._constant(self.chase(receiver))
        else:
            bound = next((found for scope in _enclosing(call.scope) if (
                found := self._constant(f"{scope}.<locals>.{receiver}")) is not None), None)
        if bound is None or bound.kind is not ValueKind.CALL:
            return False
        return self.chase(bound.text).split(".", 1)[0] in modules

    def _by_spec(self, call: Call, spec: ReaderSpec, *, certain: bool = False) -> Match:
        default = argument(call.args, spec.default, spec.default_name)
        if default is None and (spec.default is not None or spec.default_name is not None):
            # none passed: the function's own; `*args` may pass one: unknown
            default = UNKNOWN_DEFAULT if any(arg.star for arg in call.args) else \
                self._own_defaults.get(spec)
        api = f"{spec.origin}: {spec.method}" if spec.origin else spec.call
        key = Value(ValueKind.STR, spec.flag) if spec.flag is not None else \
            argument(call.args, spec.key, spec.key_name)
        return Match(key, default, api,
                     spec.value_type or value_type(default), bang=spec.negate_prefix,
                     writes=spec.writes, certain=certain or not spec.any_receiver,
                     origin=spec.origin)

    @staticmethod
    def _by_wrapper(call: Call, wrapper: Wrapper) -> Match:
        if wrapper.key_param is not None:
            key = argument(call.args, *wrapper.key_param)
            if key is None and not any(arg.star for arg in call.args):
                key = wrapper.key_default  # `flag_on(ctx)` with `def flag_on(ctx, key="k")`
        else:
            key = Value(ValueKind.STR, wrapper.key or "")
        default = wrapper.default  # the fixed one, or the parameter's own default
        if wrapper.default_param is not None:
            passed = argument(call.args, *wrapper.default_param)
            if passed is not None:
                default = passed
            elif any(arg.star for arg in call.args):
                default = UNKNOWN_DEFAULT
        return Match(key, default, wrapper.qualname, wrapper.value_type or value_type(default),
                     negated=wrapper.negated, bang=wrapper.bang, certain=True,
                     unset_setting=wrapper.unset_setting and default is None)

    # -- what a call is --------------------------------------------------------------------

    def wrapper(self, call: Call, function: Definition) -> Wrapper | None:
        """The wrapper `function` is when it returns this call's flag read."""
        match = self.match(call)
        if match is None or match.key is None or match.writes:
            return None
        key_param = default_param = None
        key: str | None = None
        key_default = None
        negated = match.negated != call.returned_negated  # `return not client.is_on(k)`
        if match.key.kind is ValueKind.PARAM and match.key.text in function.params + tuple(
                name for name, _ in function.defaults) + _keyword_only(function, match.key):
            key_param = (match.key.index, match.key.text)
            key_default = dict(function.defaults).get(match.key.text)
        else:
            key = self.resolve(match.key)
            if key is None:
                return None
            key, negated = match.unbang(key)
            negated = negated != call.returned_negated
        default = match.default
        if default is not None and default.kind is ValueKind.PARAM and default.index >= 0:
            default_param = (default.index, default.text)
            own = dict(function.defaults).get(default.text)  # for calls that pass none
            default = own if own is not None and _on_off(own) else None
        return Wrapper(function.qualname, key, match.key.text, key_param, key_default, default,
                       default_param, negated, match.bang and key_param is not None,
                       match.value_type, unset_setting=match.unset_setting)

    def read(self, call: Call, path: str, index: int, *, in_test: bool,
             guarded: tuple[tuple[int, int], ...] = ()) -> FlagRead | None:
        """The flag read (or, `overridden`, the write) this call is, if any (`guarded`: the
        lines its value decides)."""
        match = self.match(call)
        if match is None:
            return None
        if match.origin in self._own_readers:
            self.matched.add(match.origin)
        if match.key is None:
            return self._keyless(call, path, index, match, in_test=in_test, guarded=guarded)
        if match.key.kind is ValueKind.PARAM and (
                (call.returned and self._look(self.wrappers, "w", call.scope) is not None)
                or call.scope in self.qualified
                or call.scope.rsplit(".", 1)[-1] in self.own_methods):
            return None  # the body of a wrapper or reader that takes its key as a parameter
        key = self.resolve(match.key)
        if key is None:
            key = self._unknown_member(match.key)
        negated = match.negated
        if key is not None:
            key, negated = match.unbang(key)
        via = match.api if self._look(self.wrappers, "w", match.api) is not None else None
        expression = (repr(match.key.text) if match.key.kind is ValueKind.STR
                      else match.key.display)
        return FlagRead(key, expression, path, call.span, call.scope, match.api, match.default,
                        match.value_type, negated, in_test, via, index,
                        call.pure_args and match.replaceable and not call.operand,
                        overridden=match.writes,
                        decorator=call.callee if call.decorator else None, guarded=guarded,
                        operand=call.operand, unset_setting=match.unset_setting)

    @staticmethod
    def _keyless(call: Call, path: str, index: int, match: Match, *, in_test: bool,
                 guarded: tuple[tuple[int, int], ...]) -> FlagRead | None:
        """The key is in `*args`/`**kwargs`, or missing from a call of a known reader: a
        read flaglint cannot follow (FL104). A call only *named* like a preset method,
        without a key, is something else (`button.is_enabled()`)."""
        star = next((arg for arg in call.args if arg.star), None)
        if (star is None and not match.certain) or match.writes:
            return None
        expression = star.star + star.value.display if star is not None \
            else "(no key argument)"
        return FlagRead(None, expression, path, call.span, call.scope, match.api,
                        match.default, match.value_type, match.negated, in_test, None,
                        index, call.pure_args,
                        decorator=call.callee if call.decorator else None, guarded=guarded)

    def _unknown_member(self, value: Value) -> str | None:
        """`FeatureFlag.NOPE` (or its `.value`), where `FeatureFlag` is a configured class
        of flags without that member: a key no definition declares (FL101), named so."""
        if value.kind is not ValueKind.NAME:
            return None
        name = self.chase(value.text).removesuffix(".value")
        for spec in self.config.definitions:
            if spec.class_ is None:
                continue
            owner = self.chase(spec.class_)
            member = name[len(owner) + 1:] if name.startswith(owner + ".") else ""
            if member.isidentifier() and self._constant(name) is None:
                return f"{owner.rsplit('.', 1)[-1]}.{member}"
        return None

    def definition_spec(self, call: Call, specs: Iterable[DefinitionSpec]
                        ) -> DefinitionSpec | None:
        """The `[[definitions]]` entry this call is a definition call of, if any."""
        target = self.chase(call.callee) if call.resolved else None
        for spec in specs:
            assert spec.call is not None
            if spec.call.startswith("*."):
                # any module's: imported, through a module, or the module's own class
                if (call.attribute or call.imported or call.resolved) and \
                        call.name == spec.call[2:]:
                    return spec
            elif target == spec.call:
                return spec
        return None


def _enclosing(scope: str) -> list[str]:
    """A function's scope and the scopes enclosing it, innermost first: `m.f.<locals>.g`
    is in `m.f`."""
    found = [scope]
    while ".<locals>." in scope:
        scope = scope.rsplit(".<locals>.", 1)[0]
        found.append(scope)
    return found


def _keyword_only(function: Definition, key: Value) -> tuple[str, ...]:
    """The key parameter's name when it is keyword-only (not positional, not `self`)."""
    if key.index == -1 and key.text not in function.params and key.text not in ("self", "cls"):
        return (key.text,)
    return ()


def definition_key(spec: DefinitionSpec, args: tuple[Arg, ...], bound: str | None,
                   module: str) -> Value | None:
    """The key of a definition call with these arguments, in `module`, bound to the
    qualified name `bound` (None: a call of its own, or inside an expression): with
    `bound_name`, that name within its module (prefect's `PREFECT_X = Setting(bool, …)` is
    `PREFECT_X`, a class's `enabled = Setting(…)` is `Api.enabled`); a name a function binds
    defines nothing (its reads are not followed)."""
    if not spec.bound_name:
        return argument(args, spec.key, spec.key_name)
    if bound is None or not bound.startswith(f"{module}.") or "<locals>" in bound:
        return None
    return Value(ValueKind.STR, bound[len(module) + 1:])


def argument(args: tuple[Arg, ...], position: int | None, keyword: str | None) -> Value | None:
    if keyword is not None:
        for arg in args:
            if arg.keyword == keyword and not arg.star:
                return arg.value
    if position is not None and position >= 0:
        # Positional arguments come first: the position counts them until a keyword.
        for index, arg in enumerate(args):
            if arg.star:
                return None
            if arg.keyword is not None:
                break
            if index == position:
                return arg.value
    return None


def value_type(default: Value | None) -> str | None:
    if default is None:
        return None
    if default.kind is ValueKind.STR:
        return "str"
    if default.kind is ValueKind.CONST:
        if default.text in ("True", "False"):
            return "bool"
        if default.text == "None":
            return None
        return "float" if any(c in default.text for c in ".eE") else "int"
    return None


def _on_off(value: Value) -> bool:
    """Is this a parameter's default a read yields as it is (`True`, `False`)? A string or
    a number may be parsed first (`os.environ.get(key, default) == "true"`)."""
    return value.kind is ValueKind.CONST and value.text in ("True", "False")

