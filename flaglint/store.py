"""The one cache: every stage's output, stored under a hash of the inputs it declares.

Entries live in one SQLite file outside the checked project (it is never written into):
$FLAGLINT_CACHE_DIR, else $XDG_CACHE_HOME/flaglint, else ~/.cache/flaglint. A value is JSON
text (`codec.py`), so loading a cache that someone else wrote, such as a cache CI restored
from a pull request, can never run code. Keys hash what a stage reads (file contents,
configuration, registry, git state, flaglint's version), never where the project lies: a
project moved with its cache, or checked out at another path by another CI runner, gets the
same answers from it. A missing, damaged or locked cache only costs time: an entry that
cannot be read is a miss, and a cache that cannot be written is left alone.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import signal
import sqlite3
import sys
import tempfile
import time
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from flaglint import __version__, codec
from flaglint.processes import quiet_worker

log = logging.getLogger(__name__)
T = TypeVar("T")

# The version of the cache's file format (its table); what the entries mean is keyed by the
# code that computes them (`code_version`).
FORMAT = "1"
_FILE = f"cache-v{FORMAT}.sqlite3"
_MAX_ENTRIES = 400_000  # beyond this, the entries used longest ago go
_BATCH = 500  # keys per SELECT (SQLite allows 32,766 parameters; smaller batches stay fast)
_SCHEMA = ("CREATE TABLE IF NOT EXISTS entries (kind TEXT NOT NULL, key TEXT NOT NULL, "
           "value TEXT NOT NULL, used INTEGER NOT NULL, PRIMARY KEY (kind, key)) WITHOUT ROWID")
# At most how many entries there are, and the day they were last counted (`_prune`): a
# table a cache file of format 1 gains when a run first writes to it (flaglints before it
# neither read nor write it)
_META = "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL)"


def cache_dir() -> Path:
    configured = os.environ.get("FLAGLINT_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "flaglint"


def key(kind: str, *inputs: object) -> str:
    """The hash of a stage's declared inputs (JSON data, or dataclasses `codec` writes),
    with the stage's name and the code that computes it (`code_version`). Inputs that are
    all strings without NUL (paths, other keys: most keys, thousands a run) are joined by
    NUL, after a byte JSON never starts with."""
    if all(type(part) is str and "\0" not in part for part in inputs):
        text = "\1" + "\0".join((kind, code_version(), *inputs))  # type: ignore[arg-type]
    else:
        text = json.dumps([kind, code_version(), *inputs], separators=(",", ":"),
                          default=codec.encode, ensure_ascii=True)
    return hashlib.blake2b(text.encode(errors="surrogatepass"), digest_size=20).hexdigest()


@functools.cache
def code_version() -> str:
    """The hash of flaglint's own source files, its version, the cache format and the
    Python that runs it: any change of the code (a new commit pinned by pre-commit, an edit
    in a checkout) is a new key for every stage, however the version number reads, and so
    is another interpreter sharing the cache (its parser reads a file, and says why it
    does not parse, its own way). Reading them costs ~3 ms."""
    package = Path(__file__).parent
    python = ".".join(map(str, sys.version_info[:3]))
    hasher = hashlib.blake2b(f"{__version__}\0{FORMAT}\0{python}".encode(), digest_size=16)
    for path in sorted(package.rglob("*.py")):
        try:
            hasher.update(f"\0{path.relative_to(package).as_posix()}\0".encode())
            hasher.update(path.read_bytes())
        except OSError:
            continue
    return hasher.hexdigest()


def _today() -> int:
    """The day number entries are marked used with."""
    return int(time.time() // 86400)


def content_key(data: bytes) -> str:
    """The hash of a file's bytes."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


class Store:
    """Stage outputs by (stage, key). Reads decode on request and are remembered for the
    run; writes are kept until `close`, then written in one transaction."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._db: sqlite3.Connection | None = None
        self._pending: dict[tuple[str, str], str] = {}
        self._values: dict[tuple[str, str], Any] = {}
        self._hits: set[tuple[str, str]] = set()
        self._used: set[tuple[str, str]] = set()  # read or kept by this run
        self._opened = False
        # Values whose JSON is made later: at `close`, or by a writer `write_ahead` forks
        self._later: dict[tuple[str, str], tuple[object, object]] = {}
        self._writers: list[_Writer] = []
        self.ahead = False  # may fork a writer (the command line's, with two workers or more)

    @classmethod
    def disabled(cls) -> Store:
        """A store that reads and writes no file (`--no-cache`): it keeps what this run
        computes, in memory, for the analyses of one command (a fix's rounds) to share."""
        return cls(None)

    @classmethod
    def default(cls) -> Store:
        return cls(cache_dir())

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    def successor(self) -> Store:
        """A store for the next run of a process that runs again and again (the language
        server): what this run read or kept stays decoded in memory, the rest is dropped.
        Keys name their inputs, so a value kept is still the right one."""
        following = Store(self.folder)
        following._values = {slot: self._values[slot] for slot in self._used
                             if slot in self._values}
        return following

    def get(self, kind: str, entry: str, hint: type[T]) -> T | None:
        """The stored value, or None on a miss (absent, damaged, or of another shape)."""
        return self.get_many(kind, [entry], hint).get(entry)

    def get_many(self, kind: str, entries: Iterable[str], hint: type[T]
                 ) -> dict[str, T]:
        found: dict[str, T] = {}
        wanted = []
        for entry in entries:
            slot = (kind, entry)
            if slot in self._values:  # read or kept earlier in this run
                found[entry] = self._values[slot]
                self._used.add(slot)
            else:
                wanted.append(entry)
        today = _today()
        for entry, text, used in self._select(kind, wanted):
            value = self._read((kind, entry), text, hint)
            if value is not None:
                self._values[(kind, entry)] = value
                if used < today:  # marked used today already: nothing to write
                    self._hits.add((kind, entry))
                self._used.add((kind, entry))
                found[entry] = value
        return {entry: value for entry, value in found.items() if value is not None}

    def put(self, kind: str, entry: str, value: object, hint: object | None = None,
            text: str | None = None, *, later: bool = False) -> None:
        """Keep `value` (`text`: its JSON, when made already; `later`: made at `close`, or
        by a writer `write_ahead` starts) under (kind, entry)."""
        self._values[(kind, entry)] = value
        self._used.add((kind, entry))
        if self.folder is None:
            return
        if text is None and later:
            self._later[(kind, entry)] = (value, hint)
            return
        self._pending[(kind, entry)] = encoded(value, hint) if text is None else text

    def write_ahead(self) -> None:
        """Make the JSON of the values kept for later in a forked process while this one
        goes on (a 4 MB module's facts take a second to encode, its linking as long);
        `close` writes what it made, or makes it here if the writer failed. Only where
        `ahead` says this process may fork."""
        if not self.ahead or not self._later or self.folder is None or \
                not hasattr(os, "fork"):  # Windows: encoded at the end
            return
        try:
            spool = tempfile.TemporaryFile()  # noqa: SIM115  # read and closed by `close`
        except OSError as error:
            log.debug("no file for the cache's writer (%s): encoding at the end", error)
            return
        entries, self._later = self._later, {}
        try:
            pid = os.fork()
        except OSError as error:
            log.debug("the cache's writer failed to start (%s): encoding at the end", error)
            spool.close()
            self._later.update(entries)
            return
        if pid == 0:
            _write_spool(spool, entries, os.getppid())  # never returns
        self._writers.append(_Writer(pid, spool, entries))

    def _collect_writers(self) -> None:
        """What the writers made, waited for: a writer that failed leaves its values to be
        encoded here."""
        for writer in self._writers:
            texts = writer.collect()
            if texts is None:
                self._later.update(writer.entries)
            else:
                self._pending.update(texts)
        self._writers.clear()
        for slot, (value, hint) in self._later.items():
            self._pending[slot] = encoded(value, hint)
        self._later.clear()

    def put_text(self, kind: str, entry: str, text: str) -> None:
        """Keep this JSON under (kind, entry) for later runs (this one never decoded it)."""
        if self.folder is not None:
            self._used.add((kind, entry))
            self._pending[(kind, entry)] = text

    def close(self) -> None:
        """Write what was kept, mark what was used, and prune; never raises."""
        self._collect_writers()
        if self.folder is None or (not self._pending and not self._hits):
            self._disconnect()
            return
        db = self._connect()
        if db is None:
            return
        today = _today()
        try:
            with db:
                db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)",
                               [(kind, entry, text, today)
                                for (kind, entry), text in self._pending.items()])
                stale = [(today, kind, entry) for kind, entry in self._hits]
                db.executemany("UPDATE entries SET used = ? WHERE kind = ? AND key = ? "
                               "AND used < ?", [(*row, today) for row in stale])
            if self._pending:
                with db:
                    self._prune(db, len(self._pending), today)
        except sqlite3.Error as error:
            log.debug("cannot write the cache %s: %s", self.folder, error)
        self._pending.clear()
        self._hits.clear()
        self._disconnect()

    # -- SQLite ---------------------------------------------------------------------------

    def _read(self, slot: tuple[str, str], text: str, hint: type[Any]) -> Any:
        try:
            return codec.decode(hint, json.loads(text))
        except (codec.CodecError, ValueError, RecursionError) as error:
            log.debug("ignoring a damaged cache entry %s: %s", slot, error)
            return None

    def _select(self, kind: str, entries: list[str]) -> list[tuple[str, str, int]]:
        if not entries:
            return []
        db = self._connect()
        if db is None:
            return []
        rows: list[tuple[str, str, int]] = []
        try:
            for start in range(0, len(entries), _BATCH):
                batch = entries[start:start + _BATCH]
                marks = ",".join("?" * len(batch))
                rows += db.execute(f"SELECT key, value, used FROM entries WHERE kind = ? AND "
                                   f"key IN ({marks})", [kind, *batch]).fetchall()
        except sqlite3.Error as error:
            log.debug("cannot read the cache %s: %s", self.folder, error)
            return []
        return rows

    def _connect(self) -> sqlite3.Connection | None:
        if self._opened or self.folder is None:
            return self._db
        self._opened = True
        path = self.folder / _FILE
        for attempt in range(2):
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(path, timeout=5, isolation_level=None)
                db.execute(_SCHEMA)
                db.execute("SELECT count(*) FROM entries WHERE kind = ''").fetchone()
                db.isolation_level = "DEFERRED"
                self._db = db
                return db
            except sqlite3.DatabaseError as error:
                # Not a database (a damaged or foreign file): start a new one, once.
                log.debug("cannot open the cache %s: %s", path, error)
                with contextlib.suppress(OSError, UnboundLocalError):
                    db.close()
                if attempt or not path.exists() or isinstance(error, sqlite3.OperationalError):
                    return None
                with contextlib.suppress(OSError):
                    path.unlink()
            except OSError as error:
                log.debug("cannot open the cache %s: %s", path, error)
                return None
        return None

    def _disconnect(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
        self._db = None
        self._opened = False

    @staticmethod
    def _prune(db: sqlite3.Connection, written: int, today: int) -> None:
        """Beyond `_MAX_ENTRIES`, the entries used longest ago go (a quarter of them). The
        table is counted only when a bound kept beside it passes that (each entry written
        may be a new one), or on the first run of a day (a flaglint before this one writes
        entries without adding them to the bound): a count reads every page of the table,
        0.4 s of a run whose 580 MB cache is not in memory. A bound that is not a count
        (a damaged table) is counted again."""
        known = _meta(db, written)
        if known is not None and known[0] <= _MAX_ENTRIES and known[1] == today:
            return
        (count,) = db.execute("SELECT count(*) FROM entries").fetchone()
        if count > _MAX_ENTRIES:
            gone = count - _MAX_ENTRIES * 3 // 4
            db.execute("DELETE FROM entries WHERE (kind, key) IN (SELECT kind, key FROM "
                       "entries ORDER BY used LIMIT ?)", (gone,))
            count -= gone
        with contextlib.suppress(sqlite3.Error):  # a table of another shape: counted each time
            db.execute(_META)
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                           [("most", count), ("counted", today)])


def _meta(db: sqlite3.Connection, written: int) -> tuple[int, int] | None:
    """The bound of the entries, with `written` more, and the day they were counted; None
    where the cache holds no such record (or SQLite cannot say: `RETURNING` is 3.35's)."""
    if sqlite3.sqlite_version_info < (3, 35):
        return None
    try:
        most = db.execute("UPDATE meta SET value = value + ? WHERE name = 'most' AND "
                          "typeof(value) = 'integer' AND value >= 0 RETURNING value",
                          (written,)).fetchall()  # all: the statement is done
        day = db.execute("SELECT value FROM meta WHERE name = 'counted' AND "
                         "typeof(value) = 'integer'").fetchall()
    except sqlite3.Error:  # no table yet, or one of another shape
        return None
    if len(most) != 1 or len(day) != 1 or type(most[0][0]) is not int or \
            type(day[0][0]) is not int:
        return None
    return most[0][0], day[0][0]


def encoded(value: object, hint: object | None) -> str:
    """The JSON the cache stores of a value (`hint`: its type, for `codec`)."""
    return _JSON(codec.encode(value, hint))


# Compact ASCII JSON; the codec's data holds no cycle, so none is looked for
_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True, check_circular=False).encode


class _Writer:
    """A forked process making the JSON of cache values into a spool file: a line for each,
    `kind TAB key TAB json` (compact JSON in ASCII holds no tab and no line break)."""

    def __init__(self, pid: int, spool: typing.IO[bytes],
                 entries: dict[tuple[str, str], tuple[object, object]]) -> None:
        self.pid = pid
        self.spool = spool
        self.entries = entries

    def collect(self) -> dict[tuple[str, str], str] | None:
        """The JSON the writer made, by (kind, key), once it has ended; None if it failed."""
        try:
            status = _waited(self.pid)
            if status is None or os.waitstatus_to_exitcode(status) != 0:
                log.debug("the cache's writer failed (%s): encoding here", status)
                return None
            self.spool.seek(0)
            texts = {}
            for line in self.spool.read().splitlines():
                kind, entry, text = line.decode("ascii").split("\t", 2)
                texts[(kind, entry)] = text
        except (OSError, ValueError) as error:
            log.debug("cannot read the cache's writer (%s): encoding here", error)
            return None
        finally:
            self.spool.close()
        if texts.keys() != self.entries.keys():
            return None
        return texts


_PATIENCE = 120.0  # seconds a writer still at work when the run ends may take


def _waited(pid: int) -> int | None:
    """The writer's exit status, once it ends; None when it took longer than `_PATIENCE`
    (it is killed: a writer that hangs costs the time to encode here, never the run)."""
    deadline = time.monotonic() + _PATIENCE
    pause = 0.001
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        if time.monotonic() > deadline:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            return None
        time.sleep(pause)
        pause = min(pause * 2, 0.01)


def _write_spool(spool: typing.IO[bytes],
                 entries: dict[tuple[str, str], tuple[object, object]], parent: int) -> None:
    """The writer's life: encode, write, leave without running anything of the parent's
    (its exit handlers, its buffered output)."""
    status = 1
    try:
        quiet_worker(parent)
        for (kind, entry), (value, hint) in entries.items():
            spool.write(f"{kind}\t{entry}\t{encoded(value, hint)}\n".encode("ascii"))
        spool.flush()
        status = 0
    finally:
        os._exit(status)
