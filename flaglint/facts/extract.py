"""FileFacts of one file the prefilter says can matter: decoded as Python would, read with
Python's own parser (`ast_facts.py`), or with libcst (`cst_facts.py`) when the running Python
is older than the file's grammar."""

from __future__ import annotations

import ast
import dataclasses

from flaglint.facts.ast_facts import Collector
from flaglint.facts.light import (
    _beyond_cpython,
    _decode_error,
    count_lines,
    decode_source,
    text_index,
)
from flaglint.facts.model import FileFacts, ParseError
from flaglint.suppressions import Suppressions


# is_package stays positional: facts/batch.py and tests/test_cache.py pass it so.
def extract(data: bytes, path: str, module: str, *, is_package: bool,
            attributes: frozenset[str] = frozenset()) -> FileFacts:
    """Facts of one file. Never raises for bad input: it becomes `FileFacts.error`."""
    try:
        text = decode_source(data)
    except (SyntaxError, UnicodeDecodeError, LookupError) as error:
        return FileFacts(path, module, is_package, data.count(b"\n") + 1,
                         error=_decode_error(data, error))
    _, imported, dotted = text_index(text, module, is_package=is_package)
    return dataclasses.replace(_extract(text, path, module, attributes, is_package=is_package),
                               imported=imported, dotted=dotted)


def _extract(text: str, path: str, module: str, attributes: frozenset[str], *,
             is_package: bool) -> FileFacts:
    lines = count_lines(text)
    suppressions = Suppressions.scan_python(text)
    limit = _beyond_cpython(text, path)
    if limit is not None:
        return FileFacts(path, module, is_package, lines, suppressions=suppressions, error=limit)
    try:
        tree = compile(text, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        # Imported here: libcst costs ~0.2 s to import, and most runs never need it.
        from flaglint.facts.cst_facts import extract_cst

        return extract_cst(text, path, module, lines, suppressions, attributes,
                           is_package=is_package)
    collector = Collector(text, module, is_package=is_package)
    collector.attributes = attributes
    try:
        collector.run(tree)  # type: ignore[arg-type]  # an ast.Module, as asked
    except RecursionError:
        return FileFacts(path, module, is_package, lines, suppressions=suppressions,
                         error=ParseError("cannot analyse: nested too deeply for flaglint", 1,
                                          1))
    return collector.facts(path, lines, suppressions)
