"""Facts cached by file content, outside the checked project (it is never written into).

One pickle per project root under $FLAGLINT_CACHE_DIR, else $XDG_CACHE_HOME/flaglint, else
~/.cache/flaglint. A cache that cannot be read or written is ignored: it only costs time.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from pathlib import Path

from flaglint import __version__
from flaglint.facts import FileFacts

log = logging.getLogger(__name__)

# Bump when FileFacts or extraction change meaning: old entries are then ignored.
FACTS_VERSION = "12"


def cache_dir() -> Path:
    configured = os.environ.get("FLAGLINT_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "flaglint"


def digest(data: bytes, module: str, is_package: bool) -> str:
    hasher = hashlib.blake2b(data, digest_size=20)
    hasher.update(f"\0{module}\0{is_package}\0{FACTS_VERSION}\0{__version__}".encode())
    return hasher.hexdigest()


class FactsCache:
    def __init__(self, root: Path, enabled: bool = True) -> None:
        self.enabled = enabled
        name = hashlib.blake2b(str(root).encode(), digest_size=12).hexdigest()
        self.path = cache_dir() / f"facts-{name}.pickle"
        # path -> (content key, facts, digests of the needle sets the file did not match)
        self._entries: dict[str, tuple[str, FileFacts, frozenset[str]]] = {}
        self._dirty = False
        if enabled:
            self._load()

    def _load(self) -> None:
        try:
            with self.path.open("rb") as handle:
                entries = pickle.load(handle)
        except FileNotFoundError:
            return
        except Exception as error:  # noqa: BLE001 - a damaged cache is only a slower run
            log.debug("ignoring unreadable cache %s: %s", self.path, error)
            return
        if isinstance(entries, dict):
            self._entries = entries

    def get(self, path: str, key: str) -> FileFacts | None:
        entry = self._entries.get(path)
        if entry is not None and entry[0] == key:
            return entry[1]
        return None

    def put(self, path: str, key: str, facts: FileFacts) -> None:
        if self.enabled:
            self._entries[path] = (key, facts, frozenset())
            self._dirty = True

    def missed(self, path: str, key: str, needles: str) -> bool:
        """Did this content already fail to match the needle set with this digest?"""
        entry = self._entries.get(path)
        return entry is not None and entry[0] == key and needles in entry[2]

    def remember_miss(self, path: str, key: str, needles: str) -> None:
        entry = self._entries.get(path)
        if self.enabled and entry is not None and entry[0] == key:
            self._entries[path] = (key, entry[1], entry[2] | {needles})
            self._dirty = True

    def save(self, keep: set[str]) -> None:
        if not self.enabled:
            return
        stale = set(self._entries) - keep
        if not self._dirty and not stale:
            return
        for path in stale:
            del self._entries[path]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("wb", dir=self.path.parent, delete=False) as handle:
                pickle.dump(self._entries, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(handle.name, self.path)
        except OSError as error:
            log.debug("cannot write cache %s: %s", self.path, error)
