"""The project's files as the analysis read them: what every run asks of every file (its
module, parse error, suppression comments, line count), and each file's facts, which the
facts stage hands over only when something asks for them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, overload

from flaglint.facts import Definition, FileFacts, ParseError
from flaglint.findings import Span
from flaglint.suppressions import Suppressions


@dataclass(frozen=True, slots=True)
class FileBrief:
    """What every run asks of a file, small enough to read for every file on every run."""

    path: str
    module: str
    is_package: bool
    lines: int
    complete: bool  # read in full (the prefilter found a reason to)
    error: ParseError | None = None
    suppressions: Suppressions = Suppressions()  # noqa: RUF009 - frozen, shared safely
    modules: tuple[str, ...] = ()  # top-level modules imported, for choosing presets
    interface: str = ""  # the hash of what other files' links see of it (links/tables.py)
    imported: tuple[str, ...] = ()  # the modules its imports name, in full
    dotted: tuple[str, ...] = ()  # the dotted paths its strings hold

    @classmethod
    def of(cls, facts: FileFacts, interface: str) -> FileBrief:
        return cls(facts.path, facts.module, facts.is_package, facts.lines, facts.complete,
                   facts.error, facts.suppressions, facts.modules, interface, facts.imported,
                   facts.dotted)

    def light_facts(self) -> FileFacts:
        """The facts of a file not read in full: its brief is all there is of it."""
        return FileFacts(self.path, self.module, self.is_package, self.lines,
                         suppressions=self.suppressions, error=self.error, complete=False,
                         modules=self.modules, imported=self.imported, dotted=self.dotted)


@dataclass(frozen=True, slots=True)
class FileSymbols:
    """What dead code asks of a file it finds no dead region in: its definitions, and the
    names its code may use without a call flaglint resolves (values, the last part of its
    strings, unresolved callees); a fraction of its facts to decode."""

    definitions: tuple[Definition, ...] = ()
    alive: frozenset[str] = frozenset()

    @classmethod
    def of(cls, facts: FileFacts) -> FileSymbols:
        return cls(facts.definitions, frozenset(names_in_use(facts)))


def names_in_use(facts: FileFacts, dead: Callable[[Span], bool] = lambda span: False
                 ) -> set[str]:
    """The names a file's code may use without a call flaglint resolves: its values, the
    last part of its strings and its unresolved callees, except where `dead` says the code
    never runs (`op="reports.old_summaries"` beside the dead call of `old_summaries` names
    nothing)."""
    names = set(facts.value_names)
    # a name imported under another used as a value (`from app.mw import Tracking as _T`,
    # `MIDDLEWARES = [_T]`, CKAN's): the symbol's own name is in use too
    names.update(qualified.rsplit(".", 1)[-1] for local, qualified in facts.imports
                 if local in facts.value_names)
    # `dead` asked only of a name not found yet (a module of 48,000 reads names 400 keys)
    for text, span in facts.strings:
        name = text.rsplit(".", 1)[-1]
        if name not in names and not dead(span):
            names.add(name)
    for call in facts.calls:
        if not call.resolved and call.name not in names and not dead(call.span):
            names.add(call.name)
    return names


class AliveSoFar:
    """The names in use of a growing set of files, each file's from its symbols: dead code's
    rounds ask it of every file without a dead region, a few more files each round (Sentry
    with 68 flags settled, after an edit: four rounds over ~400 files)."""

    def __init__(self) -> None:
        self.paths: frozenset[str] = frozenset()
        self.names: frozenset[str] = frozenset()


class FileParts(Protocol):
    """Where a file's facts come from, and the parts of them the cache keeps apart (a
    fraction of the facts to decode): `engine/reading.py`'s `Reading`. Asked only of files
    read in full."""

    def facts_of(self, rel: str) -> FileFacts: ...

    def symbols_of_many(self, rels: Iterable[str]) -> dict[str, FileSymbols]: ...

    def alive_of(self, rel: str) -> frozenset[str]: ...

    def imports_of(self, rel: str) -> tuple[tuple[str, str], ...]: ...


class ProjectFiles(Sequence[FileFacts]):
    """Every analysed file, in order; `facts_of` asks `parts` for a file's facts once
    (`alive`: where a run's earlier rounds left `alive_outside`'s answer)."""

    def __init__(self, briefs: Sequence[FileBrief], parts: FileParts,
                 alive: AliveSoFar | None = None) -> None:
        self.briefs = {brief.path: brief for brief in briefs}
        self._order = tuple(brief.path for brief in briefs)
        self._known: dict[str, FileFacts] = {}
        self._parts = parts
        self._alive = alive if alive is not None else AliveSoFar()

    @property
    def paths(self) -> tuple[str, ...]:
        return self._order

    def brief(self, path: str) -> FileBrief | None:
        return self.briefs.get(path)

    def facts_of(self, path: str) -> FileFacts | None:
        found = self._known.get(path)
        if found is not None:
            return found
        brief = self.briefs.get(path)
        if brief is None:
            return None
        found = self._parts.facts_of(path) if brief.complete else brief.light_facts()
        self._known[path] = found
        return found

    def symbols_of(self, path: str) -> FileSymbols:
        """A file's symbols: from its facts when they are at hand, else from the cache,
        which keeps them apart."""
        return self.symbols_of_many([path])[path]

    def symbols_of_many(self, paths: Iterable[str]) -> dict[str, FileSymbols]:
        """`symbols_of` of each of these files, those not at hand asked of `parts` at
        once."""
        paths = tuple(paths)
        found: dict[str, FileSymbols] = {}
        asked: list[str] = []
        for path in paths:
            facts = self._known.get(path)
            brief = self.briefs.get(path)
            if facts is not None:
                found[path] = FileSymbols.of(facts)
            elif brief is not None and brief.complete:
                asked.append(path)
            else:
                found[path] = FileSymbols()  # light: it defines nothing flaglint saw
        if asked:
            found.update(self._parts.symbols_of_many(asked))
        return {path: found[path] for path in paths}  # in their order

    def imports_of(self, path: str) -> tuple[tuple[str, str], ...]:
        """A file's imports (`FileFacts.imports`): from its facts when they are at hand,
        else from the cache, which keeps them apart."""
        facts = self._known.get(path)
        if facts is not None:
            return facts.imports
        brief = self.briefs.get(path)
        return self._parts.imports_of(path) if brief is not None and brief.complete else ()

    def alive_outside(self, regioned: Mapping[str, object]) -> frozenset[str]:
        """The names in use (`FileSymbols.alive`) of every file read in full but those of
        `regioned`; from the files a round before asked of when this round asks of them
        all and more (a file's symbols do not change within a run)."""
        paths = frozenset(path for path in self.complete_paths() if path not in regioned)
        before = self._alive
        names = set(before.names) if before.paths <= paths else set()
        for path in paths - before.paths if before.paths <= paths else paths:
            facts = self._known.get(path)
            names |= self._parts.alive_of(path) if facts is None else \
                FileSymbols.of(facts).alive
        self._alive.paths, self._alive.names = paths, frozenset(names)
        return self._alive.names

    def complete(self) -> Iterator[FileFacts]:
        """The facts of the files read in full, in order."""
        return (self._facts(path) for path in self.complete_paths())

    def complete_paths(self) -> Iterator[str]:
        """The files read in full, in order (nothing loaded)."""
        return (path for path in self._order if self.briefs[path].complete)

    def light(self) -> Iterator[FileFacts]:
        """The facts of the files the prefilter skipped, in order (their briefs: nothing to
        load)."""
        return (self._facts(path) for path in self._order if not self.briefs[path].complete)

    def parse_errors(self) -> list[tuple[str, ParseError]]:
        return [(b.path, b.error) for b in self.briefs.values() if b.error is not None]

    def suppression_tables(self) -> list[tuple[str, Suppressions]]:
        return [(b.path, b.suppressions) for b in self.briefs.values()]

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, index: int) -> FileFacts: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[FileFacts]: ...

    def __getitem__(self, index: int | slice) -> FileFacts | Sequence[FileFacts]:
        if isinstance(index, slice):
            return [self._facts(path) for path in self._order[index]]
        return self._facts(self._order[index])

    def __iter__(self) -> Iterator[FileFacts]:
        return (self._facts(path) for path in self._order)

    def _facts(self, path: str) -> FileFacts:
        found = self.facts_of(path)
        assert found is not None  # every path in the order has a brief
        return found
