"""The one cache: pickles outside the checked project (it is never written into), under
$FLAGLINT_CACHE_DIR, else $XDG_CACHE_HOME/flaglint, else ~/.cache/flaglint.

Facts are kept by file content, one pickle per project root (`facts-*`); the key history
and line blame by HEAD commit (`history-*`, `blame-*`). Each kind keeps its most recently
used files only, so the folder does not grow with every root checked or commit made. A
cache that cannot be read or written is ignored: it only costs time.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from flaglint import __version__

if TYPE_CHECKING:
    from flaglint.facts import FileFacts

log = logging.getLogger(__name__)
T = TypeVar("T")

# How many files of each kind stay: roots checked (facts), HEADs seen (history, blame).
KEEP = {"facts": 32, "history": 8, "blame": 8}

# Bump when FileFacts or extraction change meaning: old entries are then ignored.
FACTS_VERSION = "17"


def cache_dir() -> Path:
    configured = os.environ.get("FLAGLINT_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "flaglint"


def digest(data: bytes, module: str, is_package: bool,
           attributes: frozenset[str] = frozenset()) -> str:
    """A file's facts key: its content, module, and what extraction records (the attribute
    names that read flag objects, when the configuration names any)."""
    hasher = hashlib.blake2b(data, digest_size=20)
    hasher.update(f"\0{module}\0{is_package}\0{FACTS_VERSION}\0{__version__}".encode())
    if attributes:
        hasher.update(("\0attributes\0" + ",".join(sorted(attributes))).encode())
    return hasher.hexdigest()


class FactsCache:
    """Each file's facts by its content key. A file's facts are pickled on their own, so that
    a run which changed one file writes one file's pickle again, not the project's."""

    def __init__(self, root: Path, enabled: bool = True, read_only: bool = False) -> None:
        self.enabled = enabled
        self.read_only = read_only
        self.path = cache_file("facts", str(root))
        # path -> (content key, pickled facts, digests of the needle sets it did not match)
        self._entries: dict[str, tuple[str, bytes, frozenset[str]]] = {}
        self._dirty = False
        if enabled:
            self._entries = load(self.path, dict) or {}

    def get(self, path: str, key: str) -> FileFacts | None:
        entry = self._entries.get(path)
        if entry is None or entry[0] != key:
            return None
        try:
            facts = pickle.loads(entry[1])
        except Exception as error:  # noqa: BLE001 - a damaged entry is only a slower run
            log.debug("ignoring unreadable cached facts of %s: %s", path, error)
            return None
        from flaglint.facts import FileFacts  # imported by the unpickling already

        return facts if isinstance(facts, FileFacts) else None

    def has(self, path: str, key: str) -> bool:
        entry = self._entries.get(path)
        return entry is not None and entry[0] == key

    def put(self, path: str, key: str, facts: FileFacts, blob: bytes | None = None) -> None:
        """Keep these facts (`blob`: their pickle, when it is made already)."""
        if self.enabled:
            if blob is None:
                blob = pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL)
            self._entries[path] = (key, blob, frozenset())
            self._dirty = True

    def missed(self, path: str, key: str, needles: str) -> bool:
        """Did this content already fail to match the needle set with this digest?"""
        entry = self._entries.get(path)
        return entry is not None and entry[0] == key and needles in entry[2]

    def remember_miss(self, path: str, key: str, needles: str) -> None:
        entry = self._entries.get(path)
        if self.enabled and entry is not None and entry[0] == key and needles not in entry[2]:
            self._entries[path] = (key, entry[1], entry[2] | {needles})
            self._dirty = True

    def save(self, keep: set[str]) -> None:
        if not self.enabled or self.read_only:
            return
        stale = set(self._entries) - keep
        if not self._dirty and not stale:
            return
        for path in stale:
            del self._entries[path]
        store(self.path, self._entries)


def cache_file(kind: str, *parts: object) -> Path:
    """Where the pickle of this kind for these parts (a root, a HEAD, …) lives."""
    name = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return cache_dir() / f"{kind}-{name}.pickle"


def load(path: Path, kind: type[T]) -> T | None:
    """The pickle at `path` when it holds a `kind`; None when missing or unreadable."""
    try:
        with path.open("rb") as handle:
            value = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception as error:  # noqa: BLE001 - a damaged cache is only a slower run
        log.debug("ignoring unreadable cache %s: %s", path, error)
        return None
    if not isinstance(value, kind):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # used: the last to be pruned
    return value


def store(path: Path, value: Any) -> None:
    """Write atomically, then prune the oldest files of the same kind."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False,
                                         prefix=".tmp-") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
    except OSError as error:
        log.debug("cannot write cache %s: %s", path, error)
        return
    kind = path.name.split("-", 1)[0]
    _prune(path.parent, kind, KEEP.get(kind, 8))


def _prune(folder: Path, kind: str, keep: int) -> None:
    try:
        files = [(f.stat().st_mtime, f) for f in folder.glob(f"{kind}-*.pickle")]
    except OSError:
        return
    files.sort(reverse=True)
    for _, stale in files[keep:]:
        with contextlib.suppress(OSError):
            stale.unlink()
