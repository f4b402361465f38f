"""Facts of a file the prefilter skipped, from its text alone: the modules it imports, the
dotted paths its strings name, and whether it decodes. Also what every reading of a file
shares: decoding as Python does, line counts, and CPython's nesting limits."""

from __future__ import annotations

import ast
import io
import itertools
import re
import tokenize
from collections.abc import Iterator

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


_FROM = re.compile(r"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+"
                   r"(\([^)]*\)|(?:[^\n#;\\]|\\\r?\n)+)", re.MULTILINE)
_COMMENT = re.compile(r"#[^\n]*")
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([^\n#;]+)", re.MULTILINE)
_DOTTED = re.compile(r"""["']([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)["']""")
# The same, one for each opening quote: a pattern that starts with one character is sought
# with a fast search for it, one that starts with either tries the pattern everywhere.
_DOTTED_AFTER = tuple(re.compile(quote + _DOTTED.pattern[4:]) for quote in "\"'")


def _dotted(text: str) -> set[str]:
    """`set(_DOTTED.findall(text))`, from the two faster patterns: their matches, in order,
    are `_DOTTED`'s unless one overlaps another (`'a.b"c.d"'`, where `_DOTTED` goes on
    from the first match's end); then `_DOTTED` itself says."""
    found = sorted((m.start(), m.end(), m.group(1)) for pattern in _DOTTED_AFTER
                   for m in pattern.finditer(text))
    end = 0
    for start, stop, _ in found:
        if start < end:
            return set(_DOTTED.findall(text))
        end = stop
    return {path for _, _, path in found}


def _import_lines(text: str) -> Iterator[int]:
    """Where each line that holds the word `import` starts: a substring search finds them,
    where a pattern anchored at every line start would try every character."""
    position = text.find("import")
    while position >= 0:
        yield text.rfind("\n", 0, position) + 1
        end = text.find("\n", position)
        if end < 0:
            return
        position = text.find("import", end)


def text_index(text: str, module: str, *, is_package: bool
               ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """From a file's text: the top-level modules its import lines name, the modules they
    name in full (relative ones made absolute), and the dotted paths its string literals
    hold."""
    package = module if is_package else module.rpartition(".")[0]
    top: set[str] = set()
    imported: set[str] = set()
    for start in _import_lines(text):
        line = _IMPORT_LINE.match(text, start)
        if line is not None:
            top.add(line.group(1) or line.group(2))
        found = _FROM.match(text, start)
        if found is not None:
            _from_names(found.group(1), found.group(2), package, imported)
            continue
        found = _IMPORT.match(text, start)
        if found is not None:
            for name in found.group(1).split(","):
                name = name.split(" as ")[0].strip()
                if name and all(part.isidentifier() for part in name.split(".")):
                    imported.add(name)
    return (tuple(sorted(top)), tuple(sorted(imported)),
            tuple(sorted(_dotted(text))))


def _from_names(base: str, names: str, package: str, imported: set[str]) -> None:
    """`from base import names`: the module and each name under it, in full."""
    level = len(base) - len(base.lstrip("."))
    if level:
        parts = package.split(".")
        parts = parts[:len(parts) - level + 1] if level > 1 else parts
        base = ".".join([*parts, base.lstrip(".")] if base.lstrip(".") else parts)
    if not base:
        return
    imported.add(base)
    # a comment inside parentheses, a line continued by a backslash: the names go on
    names = _COMMENT.sub("", names).replace("\\", " ")
    for name in names.strip().strip("()").replace("\n", " ").split(","):
        name = name.split(" as ")[0].strip()
        if name.isidentifier():
            imported.add(f"{base}.{name}")
        elif name == "*":  # everything public the module binds, its imports too
            imported.add(f"{base}.*")


# is_package stays positional: facts/batch.py passes it so.
def extract_light(data: bytes, path: str, module: str, *, is_package: bool,
                  syntax: bool = False) -> FileFacts:
    """Facts of a file the prefilter skipped: the modules it imports and the dotted paths
    its strings name, and FL001 when it does not decode or, with `syntax`, does not parse.
    Only a file named on the command line, open in an editor or touched by the change is
    checked so: one that names no flag API, key, wrapper or flag object holds no flag read
    whether it parses or not, and Python's parser would cost two thirds of a cold run
    (README, "Which files flaglint parses")."""
    try:
        text = decode_source(data)
    except (SyntaxError, UnicodeDecodeError, LookupError) as error:
        return FileFacts(path, module, is_package, data.count(b"\n") + 1,
                         error=_decode_error(data, error), complete=False)
    modules, imported, dotted = text_index(text, module, is_package=is_package)
    problem = _syntax_error(text, path) if syntax else None
    return FileFacts(path, module, is_package, count_lines(text),
                     suppressions=Suppressions.scan_python(text) if problem else Suppressions(),
                     error=problem, complete=False, modules=modules, imported=imported,
                     dotted=dotted)


def _syntax_error(text: str, path: str) -> ParseError | None:
    """Why Python cannot parse this file, if it cannot. `compile` finds syntax errors ~10x
    faster than libcst parses; the running Python may be older than the project's, so a
    file is broken only when libcst, which reads every grammar up to the newest, cannot
    parse it either."""
    try:
        compile(text, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as python:
        if not python.msg.startswith(_CPYTHON_LIMITS) and _libcst_parses(text):
            return None
        return ParseError(f"cannot parse: {python.msg}", python.lineno or 1, python.offset or 1)
    except (ValueError, RecursionError, MemoryError) as other:
        return ParseError(f"cannot parse: {type(other).__name__}", 1, 1)
    return None


def _libcst_parses(text: str) -> bool:
    import libcst as cst

    try:
        cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError, MemoryError, ValueError):
        return False
    return True


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
