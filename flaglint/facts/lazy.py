"""Every file's facts without reading them all: the project a run links again from the last
run's tables (results.py) holds its files' facts here, each unpickled from the facts cache
only when something asks for it. What every run asks of every file (parse errors,
suppression comments, the paths) is kept beside them, so that a plain check reads the facts
of no file it did not change."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, overload

from flaglint.facts.model import FileFacts, ParseError
from flaglint.suppressions import Suppressions

if TYPE_CHECKING:
    from flaglint.cache import FactsCache


class LazyFacts(Sequence[FileFacts]):
    def __init__(self, paths: Sequence[str], keys: Mapping[str, str], cache: FactsCache,
                 known: Mapping[str, FileFacts], errors: Mapping[str, ParseError],
                 suppressions: Mapping[str, Suppressions]) -> None:
        self.paths = tuple(paths)
        self.errors = errors  # path -> why it could not be read or parsed
        self.suppressions = suppressions  # path -> its comments, where it has any
        self._keys = keys
        self._cache = cache
        self._known = dict(known)

    @staticmethod
    def complete(paths: Sequence[str], keys: Mapping[str, str], cache: FactsCache) -> bool:
        """Does the cache hold every file's facts under its key?"""
        return all(path in keys and cache.has(path, keys[path]) for path in paths)

    def get(self, path: str) -> FileFacts | None:
        found = self._known.get(path)
        if found is None and path in self._keys:
            found = self._cache.get(path, self._keys[path])
            if found is not None:
                self._known[path] = found
        return found

    def __len__(self) -> int:
        return len(self.paths)

    @overload
    def __getitem__(self, index: int) -> FileFacts: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[FileFacts]: ...

    def __getitem__(self, index: int | slice) -> FileFacts | Sequence[FileFacts]:
        if isinstance(index, slice):
            return [self._load(path) for path in self.paths[index]]
        return self._load(self.paths[index])

    def __iter__(self) -> Iterator[FileFacts]:
        return (self._load(path) for path in self.paths)

    def _load(self, path: str) -> FileFacts:
        found = self.get(path)
        if found is None:  # `complete` said it is there: only a cache changed under us
            raise LookupError(f"the facts cache lost {path}")
        return found
