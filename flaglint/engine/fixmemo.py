"""Where the fixes of earlier runs are kept: the cache, as `fixes.apply.FixMemo` asks for
it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from flaglint import store as cache
from flaglint.fixes.plans import KeptFix

if TYPE_CHECKING:
    from flaglint.analysis.references import Reference


class StoredFixes:
    """The cache, as the place files fixed before are kept (`fixes.apply.FixMemo`): a
    check's trial of its fixes fixes again only the files an edit changed (Sentry with 67
    flags settled: 1.2-1.7 s of libcst on each run after an edit), and `check --fix` and
    `clean` fix again none that a run before fixed the same way."""

    def __init__(self, store: cache.Store) -> None:
        self._store = store

    def known(self, keys: Sequence[str]) -> dict[str, KeptFix]:
        entries = {cache.key("fixed", key): key for key in keys}
        found = self._store.get_many("fixed", entries, KeptFix)
        return {entries[entry]: fix for entry, fix in found.items()}

    def keep(self, fixes: Mapping[str, KeptFix]) -> None:
        for key, fix in fixes.items():
            self._store.put("fixed", cache.key("fixed", key), fix, KeptFix, later=True)

    def unused(self, keys: Sequence[str]) -> dict[str, frozenset[str]]:
        entries = {cache.key("unused-imports", key): key for key in keys}
        found = self._store.get_many("unused-imports", entries, frozenset[str])
        return {entries[entry]: names for entry, names in found.items()}

    def keep_unused(self, unused: Mapping[str, frozenset[str]]) -> None:
        for key, names in unused.items():
            self._store.put("unused-imports", cache.key("unused-imports", key), names,
                            frozenset[str], later=True)

    def named(self, words: Sequence[str]) -> dict[str, tuple[str, ...]]:
        return self._store.get("named", cache.key("named", *words),
                               dict[str, tuple[str, ...]]) or {}

    def keep_named(self, words: Sequence[str], named: Mapping[str, tuple[str, ...]]) -> None:
        self._store.put("named", cache.key("named", *words), dict(named),
                        dict[str, tuple[str, ...]], later=True)

    def references(self, entry: str) -> list[Reference] | None:
        from flaglint.analysis.references import Reference

        return self._store.get("referring", cache.key("referring", entry), list[Reference])

    def keep_references(self, entry: str, found: list[Reference]) -> None:
        from flaglint.analysis.references import Reference

        self._store.put("referring", cache.key("referring", entry), found, list[Reference],
                        later=True)
