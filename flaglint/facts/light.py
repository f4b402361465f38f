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


_FROM = re.compile(r"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]+)",
                   re.MULTILINE)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([^\n#;]+)", re.MULTILINE)
_DOTTED = re.compile(r"""["']([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)["']""")


def text_index(text: str, module: str, *, is_package: bool
               ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """From a file's text: the modules its imports name, in full (relative ones made
    absolute), and the dotted paths its string literals hold."""
    package = module if is_package else module.rpartition(".")[0]
    imported = set()
    for base, names in _FROM.findall(text):
        level = len(base) - len(base.lstrip("."))
        if level:
            parts = package.split(".")
            parts = parts[:len(parts) - level + 1] if level > 1 else parts
            base = ".".join([*parts, base.lstrip(".")] if base.lstrip(".") else parts)
        if not base:
            continue
        imported.add(base)
        for name in names.strip("()").replace("\n", " ").split(","):
            name = name.split(" as ")[0].strip().strip("\\").strip()
            if name.isidentifier():
                imported.add(f"{base}.{name}")
    for names in _IMPORT.findall(text):
        for name in names.split(","):
            name = name.split(" as ")[0].strip()
            if name and all(part.isidentifier() for part in name.split(".")):
                imported.add(name)
    return tuple(sorted(imported)), tuple(sorted(set(_DOTTED.findall(text))))


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
    imported, dotted = text_index(text, module, is_package=is_package)
    return FileFacts(path, module, is_package, count_lines(text),
                     suppressions=Suppressions.scan_python(text), error=problem, complete=False,
                     modules=tuple(sorted(modules)), imported=imported, dotted=dotted)


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
