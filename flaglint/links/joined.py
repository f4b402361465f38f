"""The symbol tables' names, imports and definitions as views of the interfaces they join,
each interface decoded when a lookup first needs it.

The tables join every file's interface in order, a later file's entry overriding an
earlier one's (`tables.build`). The cache keeps of them only what joining cannot give (the
wrappers, the flag objects, the names nothing binds) and the interfaces' hashes: linking one
file after an edit decodes the interfaces its names lead to, a few dozen, where decoding the
joined tables took 0.02-0.07 s on Sentry, four times in a run after an edit of a file with
dead code. A name `a.b.C.f` can only be bound by the interface of a module it starts with
(`a`, `a.b`, `a.b.C`), or by one whose names do not all start with its module, which the
tables note when they are built (`unprefixed`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Generic, Protocol, TypeVar

from flaglint.facts import Definition, Value

V = TypeVar("V")


class Face(Protocol):
    """What the tables join of a file's interface (`tables.Interface`)."""

    @property
    def module(self) -> str: ...
    @property
    def imports(self) -> tuple[tuple[str, str], ...]: ...
    @property
    def constants(self) -> tuple[tuple[str, Value], ...]: ...
    @property
    def definitions(self) -> tuple[Definition, ...]: ...


class Unreadable(Exception):
    """An interface the cache no longer holds and no file can give again."""


class _Part:
    """One interface's entries, as the tables join them."""

    __slots__ = ("constants", "definitions", "imports")

    def __init__(self, face: Face) -> None:
        self.imports = dict(face.imports)
        self.constants = dict(face.constants)
        self.definitions = {d.qualname: d for d in face.definitions}


class Joined:
    """The interfaces of one linking's files, in the tables' order (`hashes`, `modules`),
    each decoded by `load` when first asked for (None: it cannot be)."""

    def __init__(self, hashes: Sequence[str], modules: Sequence[str],
                 unprefixed: Sequence[int], load: Callable[[int], Face | None]) -> None:
        self.hashes = tuple(hashes)
        self.modules = tuple(modules)
        self.unprefixed = tuple(unprefixed)
        self._load = load
        self._parts: dict[int, _Part] = {}
        self._by_module: dict[str, list[int]] = {}
        for index, module in enumerate(self.modules):
            self._by_module.setdefault(module, []).append(index)
        # A module's imports are the last of its files' (a table, maybe empty); a name's
        # entry is the last file's that binds it.
        self.imports: Mapping[str, Mapping[str, str]] = _View(
            self, self._at_module, lambda part, name: part.imports,
            lambda: {self.modules[i]: self.part(i).imports for i in range(len(self.hashes))})
        self.constants: Mapping[str, Value] = _View(
            self, self._under, lambda part, name: part.constants.get(name),
            lambda: {n: v for i in range(len(self.hashes))
                     for n, v in self.part(i).constants.items()})
        self.definitions: Mapping[str, Definition] = _View(
            self, self._under, lambda part, name: part.definitions.get(name),
            lambda: {n: d for i in range(len(self.hashes))
                     for n, d in self.part(i).definitions.items()})

    def part(self, index: int) -> _Part:
        found = self._parts.get(index)
        if found is None:
            face = self._load(index)
            if face is None:
                raise Unreadable(self.hashes[index])
            found = self._parts[index] = _Part(face)
        return found

    def _at_module(self, name: str) -> list[int]:
        return self._by_module.get(name, [])[-1:]

    def _under(self, name: str) -> list[int]:
        """The interfaces that may bind `name`, latest first: those of each module the name
        goes through (whatever comes before one of its dots: a folder `.cfg` with an
        `__init__.py` is a package named `.cfg`)."""
        found = list(self.unprefixed)
        end = name.find(".")
        while end >= 0:
            found += self._by_module.get(name[:end], ())
            end = name.find(".", end + 1)
        return sorted(found, reverse=True) if len(found) > 1 else found


class _View(Mapping[str, V], Generic[V]):
    """One of the joined maps: a lookup decodes only the interfaces that may bind the name
    (`binders`, latest first, each asked by `entry`); iterating it joins them all (`join`),
    as `tables.build` does."""

    def __init__(self, joined: Joined, binders: Callable[[str], list[int]],
                 entry: Callable[[_Part, str], V | None],
                 join: Callable[[], dict[str, V]]) -> None:
        self._joined = joined
        self._binders = binders
        self._entry = entry
        self._join = join
        self._found: dict[str, V | None] = {}
        self._all: dict[str, V] | None = None

    def get(self, name: str, default: V | None = None) -> V | None:  # type: ignore[override]
        if name in self._found:
            found = self._found[name]
        else:
            found = None
            for index in self._binders(name):
                found = self._entry(self._joined.part(index), name)
                if found is not None:
                    break
            self._found[name] = found
        return default if found is None else found

    def __getitem__(self, name: str) -> V:
        found = self.get(name)
        if found is None:
            raise KeyError(name)
        return found

    def _every(self) -> dict[str, V]:
        if self._all is None:
            self._all = self._join()
        return self._all

    def __iter__(self) -> Iterator[str]:
        return iter(self._every())

    def __len__(self) -> int:
        return len(self._every())
