"""The project's files as the analysis read them: what every run asks of every file (its
module, parse error, suppression comments, line count), and each file's facts, which the
facts stage hands over only when something asks for them."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import overload

from flaglint.facts import FileFacts, ParseError
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


class ProjectFiles(Sequence[FileFacts]):
    """Every analysed file, in order; `facts_of` asks `load` for a file's facts once."""

    def __init__(self, briefs: Sequence[FileBrief], known: Mapping[str, FileFacts],
                 load: Callable[[str], FileFacts]) -> None:
        self.briefs = {brief.path: brief for brief in briefs}
        self._order = tuple(brief.path for brief in briefs)
        self._known = dict(known)
        self._load = load

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
        found = self._load(path) if brief.complete else brief.light_facts()
        self._known[path] = found
        return found

    def complete(self) -> Iterator[FileFacts]:
        """The facts of the files read in full, in order."""
        for path in self._order:
            if self.briefs[path].complete:
                yield self._facts(path)

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
