"""The project's symbol tables, built from every file's interface: what one file's links
can depend on in other files.

A file's interface holds, positions aside, what other files' links read of it: its module,
its imports, the names it binds to a key (a string, a template or another name), its
functions and classes, and the calls its functions return (the wrapper candidates, with the
locals they may take a key from). With definition calls configured (`bool_state(...)`),
every call and binding, as any may define a flag object. The tables are stored under the
hash of every interface, so an edit that changes no interface (a moved line, a new read, a
changed branch) finds them, and every other file's links, in the cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TypeVar

from flaglint import store as cache
from flaglint.config import Config
from flaglint.facts import Call, Constant, Definition, FileFacts, Value, ValueKind
from flaglint.findings import Span, field_values
from flaglint.links.joined import Joined, Unreadable
from flaglint.links.model import FlagObject, Wrapper
from flaglint.links.resolve import Resolver, definition_key

_NOWHERE = Span(0, 0, 0, 0)
_MAX_WRAPPER_ROUNDS = 8
_KEY_LIKE = (ValueKind.STR, ValueKind.TEMPLATE, ValueKind.NAME)  # what `resolve` follows


@dataclass(frozen=True, slots=True)
class Interface:
    """What of one file other files' links can depend on (see the module docstring)."""

    module: str
    imports: tuple[tuple[str, str], ...]
    constants: tuple[tuple[str, Value], ...]
    definitions: tuple[Definition, ...]  # positions cleared
    returned: tuple[Call, ...]  # calls a function returns; positions cleared
    calls: tuple[Call, ...] = ()  # every call, with definition calls configured


@dataclass(frozen=True, slots=True)
class Tables:
    """Every file's interface joined: the names, definitions, wrappers and flag objects
    linking resolves through, and the names nothing binds (to parse more files for)."""

    presets: tuple[str, ...]
    imports: Mapping[str, Mapping[str, str]]
    constants: Mapping[str, Value]
    definitions: Mapping[str, Definition]
    wrappers: dict[str, Wrapper]
    objects: dict[str, FlagObject]
    missing: frozenset[str]
    packages: frozenset[str]  # the project's top-level packages (its files', every one)
    roots: Mapping[str, str]  # names imported from a folder on `sys.path` (`links/roots.py`)
    values: frozenset[str]  # settings named like flags that hold values (`not_flags`)

    def resolver(self, config: Config, own: FileFacts | None = None,
                 seen: set[str] | None = None) -> Resolver:
        return Resolver(config, self.presets, self.imports, self.constants, self.definitions,
                        self.wrappers, self.objects, own, seen, packages=self.packages,
                        roots=self.roots, values=self.values)


class Changes:
    """Which entries (as a resolver's `seen` names them: `d:a.f`, `i:a`) differ between
    older tables and these, asked for the entries one file looked up: only the interfaces
    that may bind them are decoded (a file linked after an edit looks up a few hundred of
    the tables' 10,000 entries)."""

    def __init__(self, now: Tables, old: Tables) -> None:
        self._maps: dict[str, tuple[Mapping[str, object], Mapping[str, object]]] = {
            "d": (old.definitions, now.definitions), "c": (old.constants, now.constants),
            "i": (old.imports, now.imports), "w": (old.wrappers, now.wrappers),
            "o": (old.objects, now.objects), "p": (dict.fromkeys(old.packages, True),
                                                  dict.fromkeys(now.packages, True)),
            "r": (old.roots, now.roots), "v": (dict.fromkeys(old.values, True),
                                               dict.fromkeys(now.values, True))}
        self._all = now.presets != old.presets  # every file's links depend on them
        self._known: dict[str, bool] = {}

    def touch(self, names: Iterable[str]) -> bool:
        """Does any of these entries differ (or may it: an interface of the older tables is
        no longer in the cache)?"""
        if self._all:
            return True
        known = self._known
        try:
            for name in names:
                differs = known.get(name)
                if differs is None:
                    maps = self._maps.get(name[:1])
                    if maps is None or name[1:2] != ":":  # not a lookup's name: damage
                        return True
                    was, is_ = maps[0].get(name[2:]), maps[1].get(name[2:])
                    # joined from the same interfaces, most entries are the same object
                    differs = known[name] = was is not is_ and was != is_
                if differs:
                    return True
        except Unreadable:
            self._all = True
            return True
        return False


@dataclass(frozen=True, slots=True)
class StoredTables:
    """What the cache keeps of the tables: the interfaces they join, by hash and module, in
    order, and what joining them does not give."""

    presets: tuple[str, ...]
    packages: tuple[str, ...]
    roots: dict[str, str]
    values: frozenset[str]
    interfaces: tuple[str, ...]
    modules: tuple[str, ...]
    unprefixed: tuple[int, ...]  # interfaces with a name outside their module (joined.py)
    wrappers: dict[str, Wrapper]
    objects: dict[str, FlagObject]
    missing: frozenset[str]

    @classmethod
    def of(cls, tables: Tables, hashes: Sequence[str],
           interfaces: Sequence[Interface]) -> StoredTables:
        return cls(tables.presets, tuple(sorted(tables.packages)), dict(tables.roots),
                   tables.values, tuple(hashes),
                   tuple(i.module for i in interfaces),
                   tuple(index for index, face in enumerate(interfaces)
                         if not _prefixed(face)),
                   tables.wrappers, tables.objects, tables.missing)

    def whole(self) -> bool:
        """Do its parts agree (an entry damaged in the cache may hold JSON of the right
        shape with positions out of range)?"""
        count = len(self.interfaces)
        return len(self.modules) == count and all(0 <= i < count for i in self.unprefixed)

    def tables(self, load: Callable[[int], Interface | None]) -> Tables:
        """The tables, each interface decoded by `load` (its position) when a lookup first
        needs it."""
        joined = Joined(self.interfaces, self.modules, self.unprefixed, load)
        return Tables(self.presets, joined.imports, joined.constants, joined.definitions,
                      self.wrappers, self.objects, self.missing, frozenset(self.packages),
                      self.roots, self.values)


def _prefixed(face: Interface) -> bool:
    """Does every name the interface binds start with its module?"""
    prefix = face.module + "."
    return all(name.startswith(prefix) for name, _ in face.constants) and \
        all(d.qualname.startswith(prefix) for d in face.definitions)


def defines_by_call(config: Config) -> bool:
    return any(spec.call for spec in config.definitions)


def interface(facts: FileFacts, *, definition_calls: bool) -> Interface:
    """The file's interface; with `definition_calls`, every call and binding is in it."""
    returning = {call.scope for call in facts.calls if call.returned}

    def wanted(constant: Constant) -> bool:
        if definition_calls:
            return True
        if constant.value.kind not in _KEY_LIKE:
            return False
        owner, local, _ = constant.qualname.partition(".<locals>.")
        return not local or any(scope == owner or scope.startswith(owner + ".")
                                for scope in returning)

    return Interface(
        facts.module, facts.imports,
        tuple((c.qualname, c.value) for c in facts.constants if wanted(c)),
        tuple(_definition_nowhere(d) for d in facts.definitions
              if ".<locals>." not in d.qualname or d.qualname in returning),
        tuple(_call_nowhere(c) for c in facts.calls if c.returned),
        tuple(_call_nowhere(c) for c in facts.calls) if definition_calls else ())


T = TypeVar("T")


def _nowhere(cls: type[T]) -> Callable[[T], T]:
    """`replace(value, span=_NOWHERE)` for values of `cls`, a class whose fields are all
    positional: a tenth of `replace`'s time (a generated module's 48,000 functions)."""
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    if any(f.kw_only for f in fields(cls)) or "span" not in names:  # type: ignore[arg-type]
        raise TypeError(f"{cls.__qualname__}: no positional span to replace")
    at = names.index("span")
    before, after = field_values(names[:at]), field_values(names[at + 1:])
    make: Callable[..., T] = cls

    def nowhere(value: T) -> T:
        return make(*before(value), _NOWHERE, *after(value))

    return nowhere


_definition_nowhere = _nowhere(Definition)
_call_nowhere = _nowhere(Call)


def interface_digest(facts: FileFacts, *, definition_calls: bool
                     ) -> tuple[str, str, Interface | None]:
    """The hash of the file's interface, its JSON, which the cache keeps under that hash,
    and the interface (empty and None for a file not read in full)."""
    if not facts.complete or facts.error is not None:
        return "", "", None
    made = interface(facts, definition_calls=definition_calls)
    text = cache.encoded(made, Interface)
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest(), text, made


def build(config: Config, presets: tuple[str, ...], interfaces: Iterable[Interface],
          packages: frozenset[str], roots: Mapping[str, str] | None = None,
          values: frozenset[str] = frozenset()) -> Tables:
    """The symbol tables of these files' interfaces (files read in full, without errors),
    in their order; `packages`: the project's top-level packages; `roots`: the names
    imported from a folder on `sys.path` inside the project (`links/roots.py`); `values`:
    the settings named like flags that hold values (`links/resolve.py`'s `not_flags`)."""
    roots = dict(roots or {})
    definition_calls = defines_by_call(config)
    interfaces = list(interfaces)
    imports = {i.module: dict(i.imports) for i in interfaces}
    constants = {name: value for i in interfaces for name, value in i.constants}
    definitions = {d.qualname: d for i in interfaces for d in i.definitions}
    objects: dict[str, FlagObject] = {}
    wrappers: dict[str, Wrapper] = {}
    resolver = Resolver(config, presets, imports, constants, definitions, wrappers, objects,
                        packages=packages, roots=roots, values=values)
    if definition_calls:
        objects.update(_flag_objects(config, resolver, interfaces))
        resolver.forget_plans()
    for _ in range(_MAX_WRAPPER_ROUNDS):
        if not _find_wrappers(resolver, interfaces, wrappers):
            break
    return Tables(presets, imports, constants, definitions, wrappers, objects,
                  frozenset(resolver.missing), packages, roots, values)


def _flag_objects(config: Config, resolver: Resolver, interfaces: list[Interface]
                  ) -> dict[str, FlagObject]:
    """Names bound to a definition call are flag objects: their read methods read the key."""
    specs = [s for s in config.definitions if s.call is not None]
    found = {}
    for face in interfaces:
        for name, value in face.constants:
            if value.kind is not ValueKind.CALL or not 0 <= value.index < len(face.calls):
                continue
            call = face.calls[value.index]
            spec = resolver.definition_spec(call, specs) if not call.access else None
            if spec is None:
                continue
            key_value = definition_key(spec, call.args, name, face.module)
            key = resolver.resolve(key_value) if key_value is not None else None
            if key is None:
                continue
            flag_object = FlagObject(key, spec.reads, spec.attributes, spec.call_reads,
                                     spec.truth_reads, spec.writes)
            if flag_object.read_somehow:
                found[name] = flag_object
    return found


def _find_wrappers(resolver: Resolver, interfaces: list[Interface],
                   wrappers: dict[str, Wrapper]) -> bool:
    """One round of the wrapper search: functions whose returned call reads a flag,
    through the readers and the wrappers found so far. True when it found any."""
    changed = False
    for face in interfaces:
        for call in face.returned:
            if call.scope in wrappers:
                continue
            function = resolver.definition(call.scope)
            if function is None or function.kind != "function":
                continue
            found = resolver.wrapper(call, function)
            if found is not None:
                wrappers[call.scope] = found
                resolver.forget_plans()  # a call of it reads a flag now: planned anew
                changed = True
    return changed
