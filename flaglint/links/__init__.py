"""Links: what one file alone cannot know. A call is a flag read when it matches a reader (a
preset, a project reader given by qualified name or `*.method`) or calls a wrapper, a
function that returns a flag read, found to a fixpoint so that wrappers of wrappers work
across modules. Keys are resolved through module constants, imports and re-exports, class
attributes and Enum members.

`tables.py` joins every file's interface into symbol tables; `files.py` links one file
against them; `assemble` joins the files' links into the project's."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace

from flaglint.config import Config
from flaglint.links.model import (
    CodeDefinition,
    FileLinks,
    FlagRead,
    FlagWrite,
    Linked,
)
from flaglint.links.tables import StoredTables, Tables

__all__ = ["Linked", "assemble"]


def assemble(config: Config, tables: Tables | StoredTables, files: Iterable[FileLinks]
             ) -> Linked:
    """The project's links from each file's, in file order (of the tables, only their
    presets, wrappers and flag objects)."""
    files = list(files)
    definitions = [d for links in files for d in links.defined_by_calls]
    definitions += [d for links in files for d in links.defined_as_members]
    reads = [r for links in files for r in links.reads]
    writes = [w for links in files for w in links.writes]
    aliases = _aliases(config, definitions)
    if aliases:  # a key written without the project prefix is the prefixed flag
        reads = [replace(r, key=aliases.get(r.key, r.key)) if r.key else r for r in reads]
        writes = [replace(w, key=aliases.get(w.key, w.key)) for w in writes]
    reads = _held(reads)
    return Linked(tuple(_overridden(reads, writes)), tuple(definitions), tables.wrappers,
                  tables.presets, tuple(writes), tuple(sorted(tables.objects)), aliases,
                  dict(tables.roots), frozenset(tables.values),
                  dict(Counter(o for links in files for o in links.keyless)),
                  frozenset(o for links in files for o in links.matched))


def _held(reads: list[FlagRead]) -> list[FlagRead]:
    """The reads inside a wrapper some caller takes the value of apart
    (`current_theme().upper()`, `current_theme` returning `get_flag("theme")`): not
    replaceable either, through wrappers of wrappers, or the wrapper would return a literal
    its callers cannot use."""
    taken = {r.via for r in reads if r.via is not None and r.operand}
    while True:
        more = {r.via for r in reads if r.via is not None and r.scope in taken} - taken
        if not more:
            break
        taken |= more
    if not taken:
        return reads
    return [replace(r, pure_args=False) if r.scope in taken and r.pure_args else r
            for r in reads]


def _aliases(config: Config, definitions: list[CodeDefinition]) -> dict[str, str]:
    prefixes = {spec.origin: spec.prefix for spec in config.definitions if spec.prefix}
    found = {}
    for definition in definitions:
        prefix = prefixes.get(definition.origin, "")
        if prefix and definition.key.startswith(prefix) and len(definition.key) > len(prefix):
            found[definition.key[len(prefix):]] = definition.key
    return found


def _overridden(reads: list[FlagRead], writes: list[FlagWrite]) -> Iterator[FlagRead]:
    """Mark the reads that run where a write of the same key sets the flag: in the function
    (or class) the override decorates or opens its `with` in, or below it."""
    scopes: dict[tuple[str, str], set[str]] = {}
    for write in writes:
        scopes.setdefault((write.path, write.key), set()).add(write.scope)
    for read in reads:
        found = scopes.get((read.path, read.key or ""), ())
        if any(read.scope == s or read.scope.startswith(s + ".") for s in found):
            yield replace(read, overridden=True)
        else:
            yield read
