"""Where a key may still be read though no read flaglint resolves names it: the key as a
string in code, while some read's key is unknown (FL104: `features.has(name)` over a list
of names). FL102 says so rather than advise deleting the flag, and `clean` keeps the
registry entry and the definitions for it: the two agree."""

from __future__ import annotations

import ast
import functools
import re

from flaglint.analysis.references import Place
from flaglint.links.model import FlagRead
from flaglint.model.project import Project


@functools.lru_cache(maxsize=256)
def key_mention(key: str) -> re.Pattern[str]:
    """Where a text names the key, standing alone: not inside a longer name or dotted key
    (`new` in `renewal`, `a.b` in `x.a.b`); an attribute names an identifier key too
    (`settings.KEY` read through an object no preset follows, `{% if flags.new_checkout %}`
    in a template), but not a method called so (`re.search(` for a key `search`)."""
    escaped = re.escape(key)
    before = rf"(?:(?<![\w.-])|(?<=\.)(?={escaped}(?![\w-])(?!\s*\()))" \
        if key.isidentifier() else r"(?<![\w.-])"
    return re.compile(before + escaped + r"(?![\w-])")


SUBSCRIPT = "a subscript by the key, a mapping read flaglint does not follow"


def loose_strings(project: Project, key: str, *, subscripts: bool = False) -> list[Place]:
    """Where code outside the key's definitions and tests may read it though no read
    flaglint follows does: the key as a string, while a read in code outside tests has a
    key flaglint cannot resolve that may be this key (an f-string's text around its fields
    says which keys it can make: `f"venue_{name}"` never makes `smart_routing`); and, with
    `subscripts` (`clean`: a search of every file's text, which a check's FL102 does not
    make on each run), the key as a subscript (`settings.FEATURE_FLAGS["key"]`: galaxy-ng's
    flags are a setting's mapping), which no reader can name."""
    reads = reaching_reads(project, key)
    if not reads and not subscripts:
        return []
    defined = {(d.path, d.span.line) for d in project.linked.definitions if d.key == key}
    escaped = re.escape(key)
    quoted = re.compile(r"""(["'])""" + escaped + r"\1")
    # indexing a value (a name, a call's or a subscript's result), not a list's brackets
    subscript = re.compile(r"""(?<=[\w)\]])[ \t]*\[\s*(["'])""" + escaped + r"\1\s*\]")
    found = []
    for path in _quoting(project, key):
        why = ""
        if reads:
            read = nearest(reads, path)
            why = f"the key as a string, which the read at {read.path}:{read.span.line} " \
                  f"(its key unknown) may be"
        text = project.source_of(path).decode("utf-8", "replace")
        for number, line in enumerate(text.split("\n"), start=1):
            match = (subscript.search(line) if subscripts else None) or \
                (quoted.search(line) if why else None)
            if match and (path, number) not in defined:
                found.append(Place(path, number, match.start(1) + 1,  # at the key's quote
                                   why if match.re is quoted else SUBSCRIPT))
    return found


def reaching_reads(project: Project, key: str) -> list[FlagRead]:
    """The reads outside tests whose key flaglint cannot resolve and may be `key`."""
    return [r for r in project.linked.reads if r.key is None and not r.in_test and
            may_make(r.expression, key)]


def nearest(reads: list[FlagRead], path: str) -> FlagRead:
    """The read a string in this file most likely reaches: one in the same file (Weblate's
    list of setting names beside its `getattr(settings, name)`), else the first."""
    return next((read for read in reads if read.path == path), reads[0])


# Each quote and the text up to the next one like it, at every quote: the texts a quoted
# key can stand for (a key with a quote, a space or over 100 characters is sought alone)
_BETWEEN = (re.compile(rb'"(?=([^"\s]{1,100})")'), re.compile(rb"'(?=([^'\s]{1,100})')"))


def _quoting(project: Project, key: str) -> list[str]:
    """The files outside tests where `key` may stand between quotes: for the first keys a
    run asks about, those whose bytes hold it (a substring search: 0.01 s on Sentry); past
    them, from one pass over the project that indexes every quoted text (FL102 asks for
    each unused flag: 300 of them searched file by file took a second on 1,500 files)."""
    memo = project.memo()
    asked = memo.get("quoted keys asked")
    memo["quoted keys asked"] = asked = (asked if isinstance(asked, int) else 0) + 1
    needle = key.encode("utf-8", "surrogatepass")
    code = memo.get("code paths")
    if not isinstance(code, list):
        memo["code paths"] = code = [path for path in project.paths() if not project.is_test(path)]
    if asked <= _SEARCHED_ALONE or len(needle) > 100 or \
            any(char in key for char in "\"'") or any(char.isspace() for char in key):
        return [path for path in code if needle in project.source_of(path)]
    kept = memo.get("quoted texts")
    index: dict[bytes, set[str]] = kept if isinstance(kept, dict) else {}
    if not isinstance(kept, dict):
        for path in code:
            data = project.source_of(path)
            for text in {text for between in _BETWEEN for text in between.findall(data)}:
                index.setdefault(text, set()).add(path)
        memo["quoted texts"] = index
    found = index.get(needle, set())
    return [path for path in code if path in found]


_SEARCHED_ALONE = 8  # keys a run searches the files for one by one before it indexes them


def may_make(expression: str, key: str) -> bool:
    """May a key written so (its source text) be `key`? Only where the whole expression is
    one f-string are its literal text before its first field and after its last known;
    anything else (a conditional, `+`, text cut short for messages) may be any key."""
    bounds = _bounds(expression)
    if bounds is None:
        return True
    head, tail = bounds
    return len(key) >= len(head) + len(tail) and key.startswith(head) and key.endswith(tail)


@functools.lru_cache(maxsize=1024)
def _bounds(expression: str) -> tuple[str, str] | None:
    """The text an f-string's keys begin and end with; None for any other expression (FL102
    asks of each read for each unused flag: parsed once)."""
    try:
        tree = ast.parse(expression.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if not isinstance(tree, ast.JoinedStr) or not tree.values:
        return None
    parts = tree.values
    head = parts[0].value if isinstance(parts[0], ast.Constant) else ""
    tail = parts[-1].value if isinstance(parts[-1], ast.Constant) and len(parts) > 1 else ""
    if not isinstance(head, str) or not isinstance(tail, str) or \
            not any(isinstance(part, ast.FormattedValue) for part in parts):
        return None
    return head, tail
