"""FileFacts of one file the prefilter says can matter: decoded as Python would, read with
Python's own parser (`ast_facts.py`), or with libcst (`cst_facts.py`) when the running Python
is older than the file's grammar."""

from __future__ import annotations

import ast
import bisect
import contextlib
import dataclasses
import logging
import multiprocessing
import os
import re
from collections.abc import Iterator
from multiprocessing.connection import Connection

from flaglint import processes
from flaglint.facts.ast_facts import Collector
from flaglint.facts.collector import Tail
from flaglint.facts.light import (
    _beyond_cpython,
    _decode_error,
    count_lines,
    decode_source,
    text_index,
)
from flaglint.facts.model import FileFacts, ParseError
from flaglint.suppressions import Suppressions

log = logging.getLogger(__name__)


# is_package stays positional: facts/batch.py and tests/test_cache.py pass it so.
def extract(data: bytes, path: str, module: str, *, is_package: bool,
            attributes: frozenset[str] = frozenset(), split: bool = False) -> FileFacts:
    """Facts of one file. Never raises for bad input: it becomes `FileFacts.error`. With
    `split` (a core is free), a module parsed in pieces has its later pieces walked in a
    process of its own."""
    try:
        text = decode_source(data)
    except (SyntaxError, UnicodeDecodeError, LookupError) as error:
        return FileFacts(path, module, is_package, data.count(b"\n") + 1,
                         error=_decode_error(data, error))
    top, imported, dotted = text_index(text, module, is_package=is_package)
    facts = _extract(text, path, module, attributes, is_package=is_package, split=split)
    # A file that does not parse names the modules its import lines name, as one read light
    # does: an SDK imported only there keeps its preset on (a buffer being typed in,
    # `waffle.switch_is_active('` unclosed, still completes keys)
    modules = top if facts.error is not None and not facts.modules else facts.modules
    return dataclasses.replace(facts, imported=imported, dotted=dotted, modules=modules)


def _extract(text: str, path: str, module: str, attributes: frozenset[str], *,
             is_package: bool, split: bool = False) -> FileFacts:
    made: list[Collector] = []
    try:
        return _read(text, path, module, attributes, made, is_package=is_package, split=split)
    finally:
        for collector in made:
            collector.release()


def _read(text: str, path: str, module: str, attributes: frozenset[str],
          made: list[Collector], *, is_package: bool, split: bool = False) -> FileFacts:
    """`_extract`'s work; each collector it makes is put in `made`."""
    lines = count_lines(text)
    suppressions = Suppressions.scan_python(text)

    piecewise = len(text) > _PIECEWISE and "\r" not in text  # `\r` alone ends a line
    # FL001 for a file nested deeper than CPython allows: measured before a parse in pieces,
    # else only for a file Python's parser refuses (one it parses is not that deep)
    if piecewise:
        limit = _beyond_cpython(text, path)
        if limit is not None:
            return FileFacts(path, module, is_package, lines, suppressions=suppressions,
                             error=limit)
        pieces = _Pieces(text, path)
        ahead = _top_level_names(text)
        tail = _Tail.start(text, path, module, attributes, ahead, is_package=is_package) \
            if split else None
        try:
            collector = _collector(text, module, attributes, made, is_package=is_package)
            if not collector.run_pieces(pieces, ahead=ahead,
                                        split=(tail.at, tail.result) if tail else None):
                collector = _collector(text, module, attributes, made, is_package=is_package)
                collector.run_pieces(pieces, ahead=None)
        except _Whole:
            pass  # parsed whole below: a syntax error is found and said as for any file
        except RecursionError:
            return _too_deep(path, module, lines, suppressions, is_package=is_package)
        else:
            return collector.facts(path, lines, suppressions)
        finally:
            if tail is not None:
                tail.close()
    try:
        tree = compile(text, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        limit = None if piecewise else _beyond_cpython(text, path)  # measured above if so
        if limit is not None:
            return FileFacts(path, module, is_package, lines, suppressions=suppressions,
                             error=limit)
        # Imported here: libcst costs ~0.2 s to import, and most runs never need it.
        from flaglint.facts.cst_facts import extract_cst

        return extract_cst(text, path, module, lines, suppressions, attributes,
                           is_package=is_package)
    collector = _collector(text, module, attributes, made, is_package=is_package)
    try:
        collector.run(tree)  # type: ignore[arg-type]  # an ast.Module, as asked
    except RecursionError:
        return _too_deep(path, module, lines, suppressions, is_package=is_package)
    return collector.facts(path, lines, suppressions)


def _too_deep(path: str, module: str, lines: int, suppressions: Suppressions, *,
              is_package: bool) -> FileFacts:
    return FileFacts(path, module, is_package, lines, suppressions=suppressions,
                     error=ParseError("cannot analyse: nested too deeply for flaglint", 1, 1))


# A module larger than this (characters) is parsed in pieces of about `_PIECE`: its whole
# tree would take ~150 bytes a character (640 MB for a 4.4 MB module).
_PIECEWISE = 1_000_000
_PIECE = 200_000
_MAX_JOINS = 8  # pieces one piece may join in a row
# Where a piece may start: a line that starts a statement at the top level, unless it
# continues one (`else:`) or follows a decorator (checked apart).
_TOP = re.compile(r"\n(?=[A-Za-z_])(?!(?:else|elif|except|finally)\b)")


class _Whole(Exception):
    """The module does not parse as pieces: it is parsed whole."""


class _Pieces:
    """A module's pieces, each a run of whole top-level statements parsed alone with the
    module's line numbers (blank lines stand before it). Each walk parses them again, so
    that only one tree is alive at a time. The first walk finds the pieces that parse: a
    statement that goes on past a piece's last line (a string, a bracket) joins the next
    piece; a module that does not parse, or a piece that would join too many, raises
    `_Whole`."""

    def __init__(self, text: str, path: str, start: int = 0) -> None:
        self.text = text
        self.path = path
        self.start = start  # where the first piece starts (one of `_starts`)
        self.bounds: list[tuple[int, int]] | None = None

    def __call__(self) -> Iterator[tuple[int, ast.Module]]:
        if self.bounds is None:
            yield from self._first()
            return
        for start, end in self.bounds:
            yield start, _parse(self.text, start, end, self.path)

    def _first(self) -> Iterator[tuple[int, ast.Module]]:
        bounds = []
        start = self.start
        joined = 0
        for end in [*(s for s in _starts(self.text) if s > start), len(self.text)]:
            try:
                tree = _parse(self.text, start, end, self.path)
            except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
                joined += 1
                if end == len(self.text) or joined > _MAX_JOINS:
                    raise _Whole from error
                continue
            bounds.append((start, end))
            yield start, tree
            start = end
            joined = 0
        self.bounds = bounds


# A function, class or plain assignment at the margin: most of what a module's functions use
# from below them. A match in a string or a bracket is not a name the module binds: the
# walk that takes it as bound checks that it is.
_DEFINED = re.compile(
    r"^(?:(?:async[ \t]+)?def|class)[ \t]+([A-Za-z_]\w*)|^([A-Za-z_]\w*)[ \t]*=(?!=)",
    re.MULTILINE)


# Where the walk of a module in pieces splits between this process and another, as a share
# of its text: the other process binds the names of the pieces before and walks the rest.
_SPLIT_AT = 0.55


class _Tail:
    """The walk of a module's later pieces (`Collector.run_tail`), from `at`, in a forked
    process that ends with this one; `result` waits for what it made (None: it could not
    be made, or the process died, and the walk of the pieces before goes on alone)."""

    def __init__(self, text: str, path: str, module: str, attributes: frozenset[str],
                 ahead: frozenset[str], *, is_package: bool) -> None:
        self.at = next((start for start in _starts(text) if start >= len(text) * _SPLIT_AT),
                       len(text))
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_send_tail, daemon=True, kwargs={"is_package": is_package},
            args=(sender, os.getpid(), text, path, module, attributes, ahead, self.at))
        try:
            self._process.start()
        except OSError:
            self._receiver.close()
            raise
        finally:
            sender.close()

    @classmethod
    def start(cls, text: str, path: str, module: str, attributes: frozenset[str],
              ahead: frozenset[str], *, is_package: bool) -> _Tail | None:
        """The walk of the later pieces, started; None where no process can be forked
        (Windows) or started (a limit on processes): this process walks them all."""
        if "fork" not in multiprocessing.get_all_start_methods():
            return None
        try:
            return cls(text, path, module, attributes, ahead, is_package=is_package)
        except OSError as error:
            log.debug("no process for the later pieces of %s (%s): walked here", path, error)
            return None

    def result(self) -> Tail | None:
        try:
            return self._receiver.recv()  # type: ignore[no-any-return]
        except (EOFError, OSError):  # it died before it could answer
            return None

    def close(self) -> None:
        self._receiver.close()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


def _send_tail(sender: Connection, parent: int, text: str, path: str, module: str,
               attributes: frozenset[str], ahead: frozenset[str], at: int, *,
               is_package: bool) -> None:
    processes.quiet_worker(parent)
    tail = None
    before = _binding_statements(text, at, path)
    if before is not None:
        collector = _collector(text, module, attributes, [], is_package=is_package)
        with contextlib.suppress(_Whole, RecursionError, MemoryError):
            # the walk of the pieces before finds the same, and says it
            tail = collector.run_tail(before, _Pieces(text, path, at), ahead=ahead)
    with contextlib.suppress(OSError):
        sender.send(tail)
    sender.close()


_BLOCK = re.compile(r"^(?:if|try|with|async[ \t]+with)\b", re.MULTILINE)
# Where a top-level statement may start, for `_binding_statements`: `_TOP`'s lines, and a
# decorator's (which `_TOP` leaves with the statement before, a piece's start needing its
# function too): a block followed by a decorated function parses alone.
_CHUNK = re.compile(r"\n(?=[A-Za-z_@])(?!(?:else|elif|except|finally)\b)")


def _binding_statements(text: str, end: int, path: str) -> list[ast.stmt] | None:
    """The top-level statements before `end` that may bind names other than those at the
    margin (`_top_level_names`): those that hold the word `import`, and the blocks whose
    names a module binds (if, try, with), each parsed alone; None when one does not parse.
    A search may miss some or find one in a string: the walk of those pieces checks that
    what they bind is what these bind."""
    tops = [0, *(found.end() for found in _CHUNK.finditer(text, 0, end)), end]
    chosen = {bisect.bisect_right(tops, found.start()) - 1
              for found in _BLOCK.finditer(text, 0, end)}
    position = text.find("import", 0, end)
    while position >= 0:
        chosen.add(bisect.bisect_right(tops, position) - 1)
        position = text.find("import", position + 6, end)
    statements: list[ast.stmt] = []
    for index in sorted(chosen):
        try:
            tree = compile(text[tops[index]:tops[index + 1]], path, "exec", ast.PyCF_ONLY_AST,
                           dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        statements.extend(tree.body)  # type: ignore[attr-defined]  # an ast.Module
    return statements


def _top_level_names(text: str) -> frozenset[str]:
    return frozenset(a or b for a, b in _DEFINED.findall(text))


def _starts(text: str) -> list[int]:
    """Where the pieces start: the first top-level line at least `_PIECE` on."""
    starts = [0]
    position = _PIECE
    while position < len(text):
        found = _TOP.search(text, position)
        if found is None:
            break
        start = found.end()
        line = text.rfind("\n", 0, found.start()) + 1
        if text.startswith("@", line):  # a decorator's function stays with it
            position = start
            continue
        starts.append(start)
        position = start + _PIECE
    return starts


def _parse(text: str, start: int, end: int, path: str) -> ast.Module:
    padding = "\n" * text.count("\n", 0, start)
    tree = compile(padding + text[start:end], path, "exec", ast.PyCF_ONLY_AST,
                   dont_inherit=True)
    assert isinstance(tree, ast.Module)
    return tree


def _collector(text: str, module: str, attributes: frozenset[str], made: list[Collector], *,
               is_package: bool) -> Collector:
    collector = Collector(text, module, is_package=is_package)
    collector.attributes = attributes
    made.append(collector)
    return collector
