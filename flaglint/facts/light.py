"""Facts of a file the prefilter skipped, without libcst: its imported modules, its
suppressions and whether it parses. A run that parses nothing in full never imports libcst
(~0.2 s)."""

from __future__ import annotations

import ast
import io
import itertools
import re
import tokenize

from flaglint.facts.model import FileFacts, ParseError
from flaglint.suppressions import Suppressions


def decode_source(data: bytes) -> str:
    """Decode Python source as the interpreter would: BOM, then PEP 263, then UTF-8."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding)


def count_lines(text: str) -> int:
    return text.count("\n") + (1 if text and not text.endswith("\n") else 0)


_IMPORT_LINE = re.compile(r"^[ \t]*(?:from[ \t]+([A-Za-z_]\w*)|import[ \t]+([A-Za-z_]\w*))",
                          re.MULTILINE)


# is_package stays positional: facts/batch.py passes it so.
def extract_light(data: bytes, path: str, module: str, *, is_package: bool
                  ) -> FileFacts:
    """Facts of a file the prefilter skipped: imported modules and parse errors only.

    `compile` finds syntax errors ~10x faster than libcst parses, so FL001 still covers
    every file."""
    try:
        text = decode_source(data)
    except (SyntaxError, UnicodeDecodeError, LookupError) as error:
        return FileFacts(path, module, is_package, data.count(b"\n") + 1,
                         error=_decode_error(data, error), complete=False)
    problem: ParseError | None = None
    try:
        compile(text, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as python:
        # The running Python may be older than the project's: a file is broken only when
        # libcst, which reads every grammar up to the newest, cannot parse it either.
        problem = ParseError(f"cannot parse: {python.msg}", python.lineno or 1, python.offset or 1)
        if not python.msg.startswith(_CPYTHON_LIMITS) and _libcst_parses(text):
            problem = None
    except (ValueError, RecursionError, MemoryError) as other:
        problem = ParseError(f"cannot parse: {type(other).__name__}", 1, 1)
    modules = {a or b for a, b in _IMPORT_LINE.findall(text)}
    return FileFacts(path, module, is_package, count_lines(text),
                     suppressions=Suppressions.scan_python(text), error=problem, complete=False,
                     modules=tuple(sorted(modules)))


# Limits of CPython's parser, not of a grammar: no Python version accepts such a file.
_CPYTHON_LIMITS = ("too many nested parentheses", "too many statically nested blocks",
                   "too many levels of indentation")


_NOT_BRACKETS = re.compile(r"[^()\[\]{}]+")
_STEP = {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}


def _beyond_cpython(text: str, path: str) -> ParseError | None:
    """FL001 for a file nested deeper than CPython's parser allows (200 brackets), which
    could exhaust libcst's native parser: CPython's verdict, asked only when counting the
    brackets (strings included, so only an estimate) says the file may be that deep."""
    if text.count("(") + text.count("[") + text.count("{") <= 200:
        return None
    depths = list(itertools.accumulate(map(_STEP.__getitem__, _NOT_BRACKETS.sub("", text))))
    if max(depths) <= 200 and min(depths) >= 0:
        return None
    try:
        compile(text, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as python:
        if python.msg.startswith(_CPYTHON_LIMITS):
            return ParseError(f"cannot parse: {python.msg}", python.lineno or 1,
                              python.offset or 1)
    except (RecursionError, MemoryError, ValueError):
        return ParseError("cannot parse: nested too deeply for Python to compile", 1, 1)
    return None


def _libcst_parses(text: str) -> bool:
    import libcst as cst

    try:
        cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError, MemoryError, ValueError):
        return False
    return True


def _decode_error(data: bytes, error: Exception) -> ParseError:
    if isinstance(error, LookupError):
        return ParseError(f"cannot decode: {error}", 1, 1)
    encoding = error.encoding if isinstance(error, UnicodeDecodeError) else "utf-8"
    try:
        data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as bad:
        start = bad.start if isinstance(bad, UnicodeDecodeError) else 0
        line = data.count(b"\n", 0, start) + 1
        column = start - (data.rfind(b"\n", 0, start) + 1) + 1
        return ParseError(f"cannot decode: byte 0x{data[start]:02x} is not valid {encoding} "
                          f"(declare the file's encoding with a `# -*- coding: NAME -*-` line)",
                          line, column)
    reason = error.msg if isinstance(error, SyntaxError) else str(error)
    return ParseError(f"cannot decode: {reason}", 1, 1)
