"""Link per-file facts into flag reads and definitions: what one file alone cannot know.

A call is a flag read when it matches a reader (a preset, a project reader given by
qualified name or `*.method`), or calls a wrapper: a function that returns a flag read, found
to a fixpoint so that wrappers of wrappers work across modules. Keys are resolved through
module constants, imports and re-exports, class attributes and Enum members.
"""

from __future__ import annotations

import copy
import fnmatch
import logging
import pickle
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TypeVar

from flaglint.config import Config
from flaglint.facts import Arg, Call, Constant, Definition, FileFacts, Value, ValueKind
from flaglint.findings import Span
from flaglint.presets import (
    OPT_IN,
    PRESET_MODULES,
    PRESETS,
    SETTINGS,
    SETTINGS_FLAGS,
    DefinitionSpec,
    ReaderSpec,
)
from flaglint.sources.discover import GlobSet

log = logging.getLogger(__name__)
T = TypeVar("T")

_MAX_DEPTH = 12
_AUTOMATIC = tuple(name for name in PRESETS if name not in OPT_IN)
_MAX_WRAPPER_ROUNDS = 8


@dataclass(frozen=True, slots=True)
class FlagRead:
    """One place where code reads a flag; `key` is None when it cannot be resolved."""

    key: str | None
    expression: str  # the key as written, for messages about unresolved keys
    path: str
    span: Span
    scope: str
    api: str  # the reader, e.g. "unleash: is_enabled", or the wrapper's qualified name
    default: Value | None
    value_type: str | None
    negated: bool
    in_test: bool
    via: str | None = None  # the wrapper this call goes through
    call: int = -1  # its index among the file's calls (FileFacts.calls)
    pure_args: bool = True
    overridden: bool = False  # a test override sets the flag around it: no settled value


@dataclass(frozen=True, slots=True)
class FlagWrite:
    """A call that sets a flag (`override_flag("k", active=True)` in a test): not a read."""

    key: str
    path: str
    span: Span
    scope: str  # the function (or class) it applies to; a decorator's is the decorated one


@dataclass(frozen=True, slots=True)
class CodeDefinition:
    """A flag defined in code, by a definition call or as a member of a flag class."""

    key: str
    path: str
    span: Span
    scope: str
    origin: str


@dataclass(frozen=True, slots=True)
class Wrapper:
    """A function whose return value is a flag read."""

    qualname: str
    key: str | None  # the fixed key it reads, or None when a parameter carries the key
    expression: str
    key_param: tuple[int, str] | None  # position (-1: keyword-only) and name
    key_default: Value | None  # the key parameter's default, for calls that leave it out
    default: Value | None
    default_param: tuple[int, str] | None
    negated: bool
    bang: bool  # the key parameter takes "!key" to mean "off"
    value_type: str | None


@dataclass(frozen=True, slots=True)
class ResolvedCall:
    """A call of a function or class defined in the project."""

    caller: str  # the calling scope
    callee: str  # the qualified name of the definition called
    path: str
    span: Span


@dataclass(frozen=True, slots=True)
class _Match:
    key: Value | None
    default: Value | None
    negated: bool
    bang: bool  # a leading "!" in the key means "off" (django-waffle decorators)
    api: str
    value_type: str | None
    writes: bool = False
    certain: bool = False  # the callee is known to read flags (not only named like a reader)
    replaceable: bool = True  # a literal may stand for the call (not `with config.x(v):`)

    def unbang(self, key: str) -> tuple[str, bool]:
        if self.bang and key.startswith("!"):
            return key[1:], not self.negated
        return key, self.negated


@dataclass(frozen=True, slots=True)
class Linked:
    reads: tuple[FlagRead, ...]
    definitions: tuple[CodeDefinition, ...]
    wrappers: dict[str, Wrapper]
    calls: tuple[ResolvedCall, ...]
    presets: tuple[str, ...]
    writes: tuple[FlagWrite, ...] = ()
    objects: tuple[str, ...] = ()  # names bound to flag objects (`holder = bool_state(...)`)
    aliases: dict[str, str] = field(default_factory=dict)  # `x` -> `jax_x` (a prefix)


@dataclass(frozen=True, slots=True)
class FileLinks:
    """What linking found in one file: its reads and writes (before prefix aliases and
    overrides apply), and its calls of project definitions."""

    reads: tuple[FlagRead, ...] = ()
    writes: tuple[FlagWrite, ...] = ()
    calls: tuple[ResolvedCall, ...] = ()
    # What its calls name that the project does not define (yet): a function another file
    # adds under such a name would be called from here.
    unresolved: frozenset[str] = frozenset()


@dataclass(frozen=True)
class LinkerState:
    """A linker's tables after a project was linked, and each file's links: what another
    run needs to link again only the files that changed (see `Linker.relink`). Each file's
    part (the names it binds, what it defines, its links) is kept pickled on its own, so
    that a run which linked one file again pickles only that file's part."""

    imports: dict[str, dict[str, str]]
    presets: tuple[str, ...]
    wrappers: dict[str, Wrapper]
    objects: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], bool, bool]]
    missing: frozenset[str]
    code_definitions: tuple[CodeDefinition, ...]
    by_file: dict[str, bytes]  # path -> pickled (constants, definitions, FileLinks)


_NOWHERE = Span(0, 0, 0, 0)


def interface(facts: FileFacts, definition_calls: bool) -> tuple[object, ...]:
    """What of a file other files' links can depend on, positions aside: its module, what
    it imports, and the module-level and class names that can stand for a key (a string, a
    template or another name). With definition calls configured, every call, name and
    definition: any may define a flag object. The functions and classes other files call,
    and the wrappers a file defines, are compared apart (`Linker.relink`). Two versions of
    a file with the same interface, callees and wrappers link the rest of the project
    alike."""

    def local(qualname: str) -> bool:
        return ".<locals>." in qualname and not definition_calls

    def key_like(constant: Constant) -> bool:
        return definition_calls or constant.value.kind in (
            ValueKind.STR, ValueKind.TEMPLATE, ValueKind.NAME)  # what `resolve` follows

    return (facts.module, facts.is_package, facts.complete, facts.error is None,
            facts.imports, facts.modules,
            tuple((c.qualname, c.value) for c in facts.constants
                  if key_like(c) and not local(c.qualname)),
            tuple(replace(d, span=_NOWHERE) for d in facts.definitions) if definition_calls
            else (),  # else compared apart (`Linker._same_callees`)
            tuple(replace(c, span=_NOWHERE) for c in facts.calls) if definition_calls
            else ())


def active_presets(config: Config, facts: Iterable[FileFacts]) -> tuple[str, ...]:
    if config.presets is not None:
        return config.presets
    imported = {module for f in facts for module in f.modules}
    return tuple(name for name, modules in PRESET_MODULES.items()
                 if any(module in imported for module in modules))


class Linker:
    def __init__(self, facts: list[FileFacts], config: Config) -> None:
        self.facts = facts
        self.config = config
        self.tests = GlobSet(config.tests)
        self.modules = {f.module: f for f in facts if f.error is None and f.complete}
        self.imports = {f.module: dict(f.imports) for f in self.modules.values()}
        self.constants: dict[str, tuple[Constant, str]] = {}
        self.definitions: dict[str, tuple[Definition, str]] = {}
        for f in self.modules.values():
            for constant in f.constants:
                self.constants[constant.qualname] = (constant, f.path)
            for definition in f.definitions:
                self.definitions[definition.qualname] = (definition, f.path)
        self.presets = active_presets(config, facts)
        self.qualified: dict[str, ReaderSpec] = {}
        self.by_method: dict[str, ReaderSpec] = {}
        self._specs()
        self.wrappers: dict[str, Wrapper] = {}
        # flag object -> (key, the methods and the attributes that read it, calling reads
        # it, a truth test reads it)
        self.objects: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], bool, bool]] = {}
        self.object_methods = {m for spec in config.definitions
                               for m in (*spec.reads, *spec.attributes)}
        self._chased: dict[str, str] = {}
        self.missing: set[str] = set()  # names a key resolves through that no facts define
        self.files: dict[str, FileLinks] = {}
        self.code_definitions: list[CodeDefinition] = []

    def _specs(self) -> None:
        specs = [*self.config.readers, *(s for name in self.presets for s in PRESETS[name])]
        self.qualified = {s.call: self._with_keywords(s) for s in reversed(specs)
                          if not s.any_receiver}
        self.by_method = {}
        for spec in specs:
            if spec.any_receiver:
                self.by_method.setdefault(spec.method, spec)

    # -- linking again ---------------------------------------------------------------------

    def state(self, before: LinkerState | None = None,
              changed: Iterable[str] = ()) -> LinkerState:
        """The tables; each file's part pickled again only when it changed since `before`."""
        redo = set(changed)
        constants: dict[str, list[tuple[str, Constant]]] = {}
        definitions: dict[str, list[tuple[str, Definition]]] = {}
        if before is None or redo:
            for name, (constant, path) in self.constants.items():
                constants.setdefault(path, []).append((name, constant))
            for name, (definition, path) in self.definitions.items():
                definitions.setdefault(path, []).append((name, definition))
        by_file = {}
        for path, links in self.files.items():
            if before is not None and path not in redo and path in before.by_file:
                by_file[path] = before.by_file[path]
            else:
                by_file[path] = pickle.dumps((constants.get(path, []),
                                              definitions.get(path, []), links),
                                             protocol=pickle.HIGHEST_PROTOCOL)
        return LinkerState(self.imports, self.presets, self.wrappers, self.objects,
                           frozenset(self.missing), tuple(self.code_definitions), by_file)

    @classmethod
    def restore(cls, state: LinkerState, config: Config) -> Linker:
        """A linker with the tables a run left (see `state`), and no facts."""
        linker = cls([], config)
        for path, blob in state.by_file.items():
            constants, definitions, links = pickle.loads(blob)
            for name, constant in constants:
                linker.constants[name] = (constant, path)
            for name, definition in definitions:
                linker.definitions[name] = (definition, path)
            linker.files[path] = links
        linker.imports = state.imports
        linker.presets = state.presets
        linker._specs()
        linker.wrappers = state.wrappers
        linker.objects = state.objects
        linker.missing = set(state.missing)
        linker.code_definitions = list(state.code_definitions)
        return linker

    def fork(self) -> Linker:
        """A linker with copies of this one's tables: files linked again in it (`relink`)
        leave this one as it is. Cheaper than `restore(state())`: nothing is pickled."""
        twin = copy.copy(self)
        twin.imports = dict(self.imports)
        twin.constants = dict(self.constants)
        twin.definitions = dict(self.definitions)
        twin.wrappers = dict(self.wrappers)
        twin.objects = dict(self.objects)
        twin.missing = set(self.missing)
        twin.files = dict(self.files)
        twin.code_definitions = list(self.code_definitions)
        twin._chased = {}
        return twin

    def relink(self, old: FileFacts, new: FileFacts) -> bool:
        """Link one changed file again, in place of what it was. True when that is all its
        change asks for: the same interface (positions aside) and no name left to resolve
        that was not before (which would make the extraction read more files); False when
        the whole project must be linked again."""
        definition_calls = any(s.call for s in self.config.definitions)
        if old.path != new.path or new.path not in self.files or \
                interface(old, definition_calls) != interface(new, definition_calls):
            return False
        if not definition_calls and not self._same_callees(old, new):
            return False
        wrapped = {q for q in self.wrappers if self.definitions.get(q, (None, ""))[1] == new.path}
        if not _replace(self.constants, new.path, [(c.qualname, c) for c in new.constants]) \
                or not _replace(self.definitions, new.path,
                                [(d.qualname, d) for d in new.definitions]):
            return False  # another file binds the same name: which one wins is order
        self._chased = {}
        missing = set(self.missing)
        if not self._same_wrappers(new, wrapped):
            return False
        self.files[new.path] = self.link_file(new)
        if not self.missing <= missing:
            return False
        old_members = {c.qualname: c.span for c in old.constants}
        old_calls = {c.span: index for index, c in enumerate(old.calls)}
        moved = []
        for definition in self.code_definitions:
            if definition.path != new.path:
                moved.append(definition)
            elif old_members.get(definition.scope) == definition.span:  # a class member
                moved.append(replace(definition, span=self.constants[definition.scope][0].span))
            elif definition.span in old_calls:  # a definition call
                moved.append(replace(definition, span=new.calls[old_calls[definition.span]].span))
            else:
                return False
        self.code_definitions = moved
        return True

    def _same_callees(self, old: FileFacts, new: FileFacts) -> bool:
        """Do other files call what they called? A function or class the file adds may be
        called only where no other file names it, one it removes only where no other file
        calls it; a configured reader defined here keeps its signature."""
        before = {d.qualname: d for d in old.definitions if ".<locals>." not in d.qualname}
        after = {d.qualname: d for d in new.definitions if ".<locals>." not in d.qualname}
        readers = {spec.call for spec in self.config.readers}
        changed = {q for q in before.keys() | after.keys()
                   if q not in before or q not in after or before[q].kind != after[q].kind
                   or (q in readers and replace(before[q], span=_NOWHERE) !=
                       replace(after[q], span=_NOWHERE))}
        if not changed:
            return True
        if changed & readers:
            return False
        for path, links in self.files.items():
            if path != new.path and (changed & links.unresolved or
                                     any(c.callee in changed for c in links.calls)):
                return False
        return True

    def _same_wrappers(self, new: FileFacts, wrapped: set[str]) -> bool:
        """Does the file define the wrappers it defined (`wrapped`), found again with every
        other file's as they are?"""
        everything = self.wrappers
        self.wrappers = {q: w for q, w in everything.items() if q not in wrapped}
        try:
            mine = set()
            for _ in range(_MAX_WRAPPER_ROUNDS):
                found = False
                for call in new.calls:
                    where = self.definitions.get(call.scope)
                    if not call.returned or call.scope in self.wrappers or where is None or \
                            where[1] != new.path or where[0].kind != "function":
                        continue
                    wrapper = self._wrapper(call, where[0])
                    if wrapper is not None:
                        self.wrappers[call.scope] = wrapper
                        mine.add(call.scope)
                        found = True
                if not found:
                    break
            return mine == wrapped and all(self.wrappers[q] == everything[q] for q in mine)
        finally:
            self.wrappers = everything

    def _with_keywords(self, spec: ReaderSpec) -> ReaderSpec:
        """A reader defined in the project also takes its key and default by keyword."""
        found = self.definitions.get(spec.call)
        if found is None:
            return spec
        params = found[0].params
        key_name, default_name = spec.key_name, spec.default_name
        if key_name is None and spec.key is not None and spec.key < len(params):
            key_name = params[spec.key]
        if default_name is None and spec.default is not None and spec.default < len(params):
            default_name = params[spec.default]
        return replace(spec, key_name=key_name, default_name=default_name)

    # -- names -----------------------------------------------------------------------------

    def chase(self, name: str) -> str:
        """Follow re-exports: `app.is_on` → `app.flags.is_on` when app imports it."""
        cached = self._chased.get(name)
        if cached is not None:
            return cached
        original = name
        for _ in range(_MAX_DEPTH):
            parts = name.split(".")
            for i in range(len(parts) - 1, 0, -1):
                module = ".".join(parts[:i])
                if module in self.imports:
                    target = self.imports[module].get(parts[i])
                    if target is not None and target != name:
                        name = ".".join([target, *parts[i + 1:]])
                        break
                    return self._remember(original, name)
            else:
                return self._remember(original, name)
        return self._remember(original, name)

    def _remember(self, original: str, name: str) -> str:
        self._chased[original] = name
        return name

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
        if name not in self.constants and name.endswith(".value"):
            name = self.chase(name[: -len(".value")])
        found = self.constants.get(name)
        if found is None:
            self.missing.add(name)
            return None
        return self.resolve(found[0].value, depth + 1)

    # -- reads -----------------------------------------------------------------------------

    def link(self) -> Linked:
        self.code_definitions = list(self._definitions())
        for _ in range(_MAX_WRAPPER_ROUNDS):
            if not self._find_wrappers():
                break
        self.files = {f.path: self.link_file(f) for f in self.modules.values()}
        return self.linked()

    def link_file(self, f: FileFacts) -> FileLinks:
        reads: list[FlagRead] = []
        writes: list[FlagWrite] = []
        calls: list[ResolvedCall] = []
        unresolved = set()
        in_test = self.tests.match(f.path)
        for index, call in enumerate(f.calls):
            read = self._read(call, f.path, in_test, index)
            if read is not None and read.overridden:  # `_read` marks a write so
                if read.key is not None:
                    writes.append(FlagWrite(read.key, f.path, read.span, read.scope))
            elif read is not None:
                reads.append(read)
            if call.resolved:
                target = self.chase(call.callee)
                if target in self.definitions:
                    calls.append(ResolvedCall(call.scope, target, f.path, call.span))
                else:
                    unresolved.add(target)
        return FileLinks(tuple(reads), tuple(writes), tuple(calls), frozenset(unresolved))

    def linked(self) -> Linked:
        """The project's links, from each file's."""
        reads = [r for links in self.files.values() for r in links.reads]
        writes = [w for links in self.files.values() for w in links.writes]
        calls = [c for links in self.files.values() for c in links.calls]
        aliases = self._aliases(self.code_definitions)
        if aliases:  # a key written without the project prefix is the prefixed flag
            reads = [replace(r, key=aliases.get(r.key, r.key)) if r.key else r for r in reads]
            writes = [replace(w, key=aliases.get(w.key, w.key)) for w in writes]
        return Linked(tuple(_overridden(reads, writes)), tuple(self.code_definitions),
                      self.wrappers, tuple(calls), self.presets, tuple(writes),
                      tuple(sorted(self.objects)), aliases)

    def _aliases(self, definitions: list[CodeDefinition]) -> dict[str, str]:
        prefixes = {spec.origin: spec.prefix for spec in self.config.definitions
                    if spec.prefix}
        found = {}
        for definition in definitions:
            prefix = prefixes.get(definition.origin, "")
            if prefix and definition.key.startswith(prefix) and len(definition.key) > len(
                    prefix):
                found[definition.key[len(prefix):]] = definition.key
        return found

    def _find_wrappers(self) -> bool:
        changed = False
        for f in self.modules.values():
            for call in f.calls:
                if not call.returned or call.scope in self.wrappers:
                    continue
                found = self.definitions.get(call.scope)
                if found is None or found[0].kind != "function":
                    continue
                wrapper = self._wrapper(call, found[0])
                if wrapper is not None:
                    self.wrappers[call.scope] = wrapper
                    changed = True
        return changed

    def _wrapper(self, call: Call, function: Definition) -> Wrapper | None:
        match = self._match(call)
        if match is None or match.key is None or match.writes:
            return None
        key_param = default_param = None
        key: str | None = None
        key_default = None
        negated = match.negated
        if match.key.kind is ValueKind.PARAM and match.key.text in function.params + tuple(
                name for name, _ in function.defaults) + _keyword_only(function, match.key):
            key_param = (match.key.index, match.key.text)
            key_default = dict(function.defaults).get(match.key.text)
        else:
            key = self.resolve(match.key)
            if key is None:
                return None
            key, negated = match.unbang(key)
        default = match.default
        if default is not None and default.kind is ValueKind.PARAM and default.index >= 0:
            default_param = (default.index, default.text)
            default = None
        return Wrapper(function.qualname, key, match.key.text, key_param, key_default, default,
                       default_param, negated, match.bang and key_param is not None,
                       match.value_type)

    def _match(self, call: Call) -> _Match | None:
        """How the call reads a flag, or None when it does not."""
        if call.resolved:
            target = self.chase(call.callee)
            spec = self.qualified.get(target) if not call.access else None
            if spec is not None:
                return self._by_spec(call, spec)
            wrapper = self.wrappers.get(target) if not call.access else None
            if wrapper is not None:
                return self._by_wrapper(call, wrapper)
            if call.access:
                space, _, attribute = target.rpartition(".")
                for defined in self.config.definitions:
                    if defined.namespace and attribute.startswith(defined.prefix) and \
                            space == self.chase(defined.namespace):
                        # `config.jax_x`: the attribute of the config object is the key.
                        return _Match(Value(ValueKind.STR, attribute), None, False, False,
                                      f"{defined.namespace.rsplit('.', 1)[-1]}.{attribute}",
                                      "bool")
            tested = self.objects.get(target) if call.access else None
            if tested is not None and tested[4]:
                # `if holder:` where holder = bool_state(name="key"): its truth is the flag.
                return _Match(Value(ValueKind.STR, tested[0]), None, False, False,
                              target.rsplit(".", 1)[-1], "bool")
            called = self.objects.get(target) if not call.access else None
            if called is not None and called[3]:
                # `with config.x(v):` where x = bool_state(name="key"): calling it reads it,
                # and what it returns is no flag value that a literal could replace.
                return _Match(Value(ValueKind.STR, called[0]), None, False, False,
                              target.rsplit(".", 1)[-1], "bool", replaceable=False)
            holder, _, method = target.rpartition(".")
            flag_object = self.objects.get(self.chase(holder)) if holder else None
            if flag_object is None and method in self.object_methods:
                self.missing.add(holder)  # the module that binds it may not be parsed yet
            reading = (flag_object[2] if call.access else flag_object[1]) \
                if flag_object is not None else ()
            if flag_object is not None and method in reading:
                # `FLAG.is_enabled()` where FLAG = WaffleFlag("key"), or `holder.value`
                # where holder = bool_state(name="key"): the object is the key.
                return _Match(Value(ValueKind.STR, flag_object[0]), None, False, False,
                              f"{holder.rsplit('.', 1)[-1]}.{method}", "bool")
        if "django-settings" in self.presets:
            setting = self._setting(call)
            if setting is not None:
                return setting
        if call.access:
            return None  # an attribute read is a flag read only of a flag object
        if call.attribute or call.imported:
            spec = self.by_method.get(call.name)
            if spec is not None and self._may_be_sdk(call, spec):
                return self._by_spec(call, spec)
        return None

    def _setting(self, call: Call) -> _Match | None:
        """`settings.FEATURE_X` or `getattr(settings, "FEATURE_X", default)` of Django's
        settings, for a name that says it is a flag (the django-settings preset)."""
        api = "django-settings"
        if call.access and call.resolved:
            holder, _, name = self.chase(call.callee).rpartition(".")
            if holder == SETTINGS and is_setting_flag(name):
                return _Match(Value(ValueKind.STR, name), None, False, False, api, None)
            return None
        if call.callee != "getattr" or len(call.args) < 2 or any(a.keyword for a in
                                                                 call.args[:2]):
            return None
        target, key = call.args[0].value, call.args[1].value
        if target.kind is not ValueKind.NAME or self.chase(target.text) != SETTINGS or \
                key.kind is not ValueKind.STR or not is_setting_flag(key.text):
            return None
        default = call.args[2].value if len(call.args) > 2 and not call.args[2].star else None
        return _Match(key, default, False, False, api, _value_type(default))

    def _may_be_sdk(self, call: Call, spec: ReaderSpec) -> bool:
        """Can this call of a preset method name be the SDK's? Not when it resolves to a
        function or method the project defines (`from app.helpers import get_value`), nor,
        for a plain imported name, when the name comes from a module that is not the SDK."""
        if not call.resolved:
            return True  # `client.get_value(...)` on a local or parameter: trust the name
        target = self.chase(call.callee)
        if target in self.definitions:
            return False
        if call.attribute or spec.origin not in PRESET_MODULES:
            return True
        root = target.split(".", 1)[0]
        return root in PRESET_MODULES[spec.origin]

    def _by_spec(self, call: Call, spec: ReaderSpec) -> _Match:
        default = _argument(call.args, spec.default, spec.default_name)
        api = f"{spec.origin}: {spec.method}" if spec.origin else spec.call
        return _Match(_argument(call.args, spec.key, spec.key_name), default, False,
                      spec.negate_prefix, api, spec.value_type or _value_type(default),
                      spec.writes, certain=not spec.any_receiver)

    def _by_wrapper(self, call: Call, wrapper: Wrapper) -> _Match:
        if wrapper.key_param is not None:
            key = _argument(call.args, *wrapper.key_param)
            if key is None and not any(arg.star for arg in call.args):
                key = wrapper.key_default  # `flag_on(ctx)` with `def flag_on(ctx, key="k")`
        else:
            key = Value(ValueKind.STR, wrapper.key or "")
        default = wrapper.default
        if wrapper.default_param is not None:
            default = _argument(call.args, *wrapper.default_param)
        return _Match(key, default, wrapper.negated, wrapper.bang,
                      wrapper.qualname, wrapper.value_type or _value_type(default),
                      certain=True)

    def _read(self, call: Call, path: str, in_test: bool, index: int) -> FlagRead | None:
        match = self._match(call)
        if match is None:
            return None
        if match.key is None:
            # The key is in `*args`/`**kwargs`, or missing from a call of a known reader: a
            # read flaglint cannot follow (FL104). A call only *named* like a preset method,
            # without a key, is something else (`button.is_enabled()`).
            star = next((arg for arg in call.args if arg.star), None)
            if star is None and not match.certain:
                return None
            if match.writes:
                return None
            expression = star.star + star.value.display if star is not None \
                else "(no key argument)"
            return FlagRead(None, expression, path, call.span, call.scope, match.api,
                            match.default, match.value_type, match.negated, in_test, None,
                            index, call.pure_args)
        if (match.key.kind is ValueKind.PARAM and call.returned
                and call.scope in self.wrappers):
            return None  # the body of a wrapper that takes its key as a parameter
        key = self.resolve(match.key)
        negated = match.negated
        if key is not None:
            key, negated = match.unbang(key)
        via = match.api if match.api in self.wrappers else None
        expression = (repr(match.key.text) if match.key.kind is ValueKind.STR
                      else match.key.display)
        return FlagRead(key, expression, path, call.span, call.scope, match.api, match.default,
                        match.value_type, negated, in_test, via, index,
                        call.pure_args and match.replaceable, overridden=match.writes)

    # -- definitions in code ---------------------------------------------------------------

    def _definitions(self) -> Iterator[CodeDefinition]:
        specs = self.config.definitions
        call_specs = [s for s in specs if s.call is not None]
        class_specs = [s for s in specs if s.class_ is not None]
        defined: dict[tuple[str, int],
                      tuple[str, tuple[str, ...], tuple[str, ...], bool, bool]] = {}
        if call_specs:
            for f in self.modules.values():
                for index, call in enumerate(f.calls):
                    spec = self._definition_spec(call, call_specs) if not call.access else None
                    if spec is None:
                        continue
                    value = _argument(call.args, spec.key, spec.key_name)
                    key = self.resolve(value) if value is not None else None
                    if key is None:
                        log.debug("%s:%d: flag definition with a dynamic key", f.path,
                                  call.span.line)
                        continue
                    defined[(f.path, index)] = (key, spec.reads, spec.attributes,
                                                spec.call_reads, spec.truth_reads)
                    yield CodeDefinition(key, f.path, call.span, call.scope, spec.origin)
        # Names bound to a definition call are flag objects: their read methods read the key.
        for qualname, (constant, path) in self.constants.items():
            if constant.value.kind is ValueKind.CALL:
                found = defined.get((path, constant.value.index))
                if found is not None and (found[1] or found[2] or found[3] or found[4]):
                    self.objects[qualname] = found
        for spec in class_specs:
            assert spec.class_ is not None
            prefix = self.chase(spec.class_) + "."
            for qualname, (constant, path) in self.constants.items():
                if qualname.startswith(prefix) and "." not in qualname[len(prefix):]:
                    key = self.resolve(constant.value)
                    if key is not None:
                        yield CodeDefinition(key, path, constant.span, qualname, spec.origin)

    def _definition_spec(self, call: Call,
                         specs: list[DefinitionSpec]) -> DefinitionSpec | None:
        target = self.chase(call.callee) if call.resolved else None
        for spec in specs:
            assert spec.call is not None
            if spec.call.startswith("*."):
                if (call.attribute or call.imported) and call.name == spec.call[2:]:
                    return spec
            elif target == spec.call:
                return spec
        return None


def _replace(table: dict[str, tuple[T, str]], path: str, entries: list[tuple[str, T]]) -> bool:
    """One file's entries of a linker table replaced by its new ones (the same names keep
    their place); False when a name is another file's."""
    names = {name for name, _ in entries}
    for name in [n for n, (_, where) in table.items() if where == path and n not in names]:
        del table[name]
    for name, entry in entries:
        if table.get(name, (None, path))[1] != path:
            return False
        table[name] = (entry, path)
    return True


def _overridden(reads: list[FlagRead], writes: list[FlagWrite]) -> Iterator[FlagRead]:
    """Mark the reads that run where a write of the same key sets the flag: in the function
    (or class) the override decorates or opens its `with` in, or below it."""
    scopes: dict[tuple[str, str], set[str]] = {}
    for write in writes:
        scopes.setdefault((write.path, write.key), set()).add(write.scope)
    for read in reads:
        found = scopes.get((read.path, read.key or ""), ())
        if any(read.scope == s or read.scope.startswith(s + ".") for s in found):
            yield replace(read, overridden=True)
        else:
            yield read


def reader_names(config: Config) -> set[str]:
    """The last name of every call that may read or define a flag: what the prefilter seeks."""
    presets = config.presets if config.presets is not None else _AUTOMATIC
    specs = [*config.readers, *(s for name in presets for s in PRESETS[name])]
    names = {spec.method for spec in specs}
    if "django-settings" in presets:
        names |= {"settings", "getattr"}
    names |= {spec.call.rsplit(".", 1)[-1] for spec in config.definitions if spec.call}
    names |= {method for spec in config.definitions for method in spec.reads}
    return names


def reader_needles(config: Config) -> set[tuple[str, ...]]:
    """What the prefilter seeks: for a qualified reader `a.b.c`, the words `b` and `c` (the
    call goes through `b`, by attribute or import, or it names `c` imported from `b`); for a
    `*.name` reader or a definition's method, the name alone."""
    presets = config.presets if config.presets is not None else _AUTOMATIC
    specs = [*config.readers, *(s for name in presets for s in PRESETS[name])]
    calls = [spec.call for spec in specs] + [s.call for s in config.definitions if s.call]
    if "django-settings" in presets:
        calls.append("*.settings")
    needles = {tuple(call.split(".")[-2:]) if not call.startswith("*.") else
               (call.rsplit(".", 1)[-1],) for call in calls}
    needles |= {(method,) for spec in config.definitions for method in spec.reads}
    needles |= {(spec.namespace.rsplit(".", 1)[-1],) for spec in config.definitions
                if spec.namespace}
    return needles


def is_setting_flag(name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in SETTINGS_FLAGS)


def _keyword_only(function: Definition, key: Value) -> tuple[str, ...]:
    """The key parameter's name when it is keyword-only (not positional, not `self`)."""
    if key.index == -1 and key.text not in function.params and key.text not in ("self", "cls"):
        return (key.text,)
    return ()


def _argument(args: tuple[Arg, ...], position: int | None, keyword: str | None) -> Value | None:
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


def _value_type(default: Value | None) -> str | None:
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
