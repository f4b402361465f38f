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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from typing import TypeVar

from flaglint import store as cache
from flaglint.config import Config
from flaglint.facts import Call, Constant, Definition, FileFacts, Value, ValueKind
from flaglint.findings import Span, field_values
from flaglint.links.model import FlagObject, Wrapper
from flaglint.links.resolve import Resolver, argument

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
    imports: dict[str, dict[str, str]]
    constants: dict[str, Value]
    definitions: dict[str, Definition]
    wrappers: dict[str, Wrapper]
    objects: dict[str, FlagObject]
    missing: frozenset[str]

    def resolver(self, config: Config, own: FileFacts | None = None,
                 seen: set[str] | None = None) -> Resolver:
        return Resolver(config, self.presets, self.imports, self.constants, self.definitions,
                        self.wrappers, self.objects, own, seen)

    def changed_since(self, old: Tables) -> set[str] | None:
        """The entries (as a resolver's `seen` names them) that differ from `old`'s; None
        when the presets differ, which every file's links depend on."""
        if self.presets != old.presets:
            return None
        changed: set[str] = set()
        for tag, before, now in (("d", old.definitions, self.definitions),
                                 ("c", old.constants, self.constants),
                                 ("i", old.imports, self.imports),
                                 ("w", old.wrappers, self.wrappers),
                                 ("o", old.objects, self.objects)):
            for name in before.keys() | now.keys():
                if before.get(name) != now.get(name):
                    changed.add(f"{tag}:{name}")
        return changed


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


def build(config: Config, presets: tuple[str, ...], interfaces: Iterable[Interface]
          ) -> Tables:
    """The symbol tables of these files' interfaces (files read in full, without errors),
    in their order."""
    definition_calls = defines_by_call(config)
    interfaces = list(interfaces)
    imports = {i.module: dict(i.imports) for i in interfaces}
    constants = {name: value for i in interfaces for name, value in i.constants}
    definitions = {d.qualname: d for i in interfaces for d in i.definitions}
    objects: dict[str, FlagObject] = {}
    wrappers: dict[str, Wrapper] = {}
    resolver = Resolver(config, presets, imports, constants, definitions, wrappers, objects)
    if definition_calls:
        objects.update(_flag_objects(config, resolver, interfaces))
        resolver.forget_plans()
    for _ in range(_MAX_WRAPPER_ROUNDS):
        if not _find_wrappers(resolver, interfaces, wrappers):
            break
    return Tables(presets, imports, constants, definitions, wrappers, objects,
                  frozenset(resolver.missing))


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
            key_value = argument(call.args, spec.key, spec.key_name)
            key = resolver.resolve(key_value) if key_value is not None else None
            if key is None:
                continue
            flag_object = FlagObject(key, spec.reads, spec.attributes, spec.call_reads,
                                     spec.truth_reads)
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


@dataclass(frozen=True, slots=True)
class TablesFace:
    """What the project's links take from the tables beside each file's links: kept apart
    from them, so that a linking whose every file's links are kept decodes no tables
    (Sentry with two thirds of its flags settled: 0.05-0.08 s a linking, two a run)."""

    presets: tuple[str, ...]
    wrappers: dict[str, Wrapper]
    objects: tuple[str, ...]  # the names of the flag objects

    @classmethod
    def of(cls, tables: Tables) -> TablesFace:
        return cls(tables.presets, tables.wrappers, tuple(sorted(tables.objects)))
