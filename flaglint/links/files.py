"""One file linked against the project's symbol tables: its flag reads and writes, the flags
it defines, and its calls of the project's own functions and classes."""

from __future__ import annotations

import re

from flaglint.config import Config
from flaglint.facts import CondOp, FileFacts, Value, ValueKind
from flaglint.findings import Span
from flaglint.links.model import (
    CodeDefinition,
    FileCalls,
    FileLinks,
    FlagRead,
    FlagWrite,
    ResolvedCall,
    Symbol,
)
from flaglint.links.resolve import Resolver, definition_key
from flaglint.links.tables import Tables


def link_file(facts: FileFacts, tables: Tables, config: Config, *, in_test: bool,
              seen: set[str] | None = None) -> tuple[FileLinks, FileCalls]:
    """The file's links and its part of the call graph (`seen`: filled with the entries of
    the tables they depend on)."""
    resolver = tables.resolver(config, own=facts, seen=seen)
    reads: list[FlagRead] = []
    writes: list[FlagWrite] = []
    calls: list[ResolvedCall] = []
    unbound: list[tuple[str, Span]] = []
    guarded = _guarded(facts) if facts.guards else {}
    for index, call in enumerate(facts.calls):
        read = resolver.read(call, facts.path, index, in_test=in_test,
                             guarded=tuple(guarded.get(index, ())))
        if read is not None and read.overridden:  # a write, which `read` marks so
            if read.key is not None:
                writes.append(FlagWrite(read.key, facts.path, read.span, read.scope,
                                        in_test))
        elif read is not None:
            reads.append(read)
        writes += [FlagWrite(key, facts.path, call.span, call.scope, in_test)
                   for key in resolver.setting_overrides(call)]
        if call.resolved:
            target = resolver.chase(call.callee)
            if resolver.definition(target) is not None:
                calls.append(ResolvedCall(call.scope, target, facts.path, call.span))
            elif call.attribute and resolver.in_project(target):
                # `security_manager.get_user(...)`, `self.inherited(...)`: a method of an
                # object whose class is not followed; a module's own function not defined
                # where it leads (a module read light) is read later if dead code calls it
                unbound.append((call.name, call.span))
    if in_test and reads:  # a setter no preset names, given a flag (in a function or class)
        known = {read.call for read in reads}
        writes += [FlagWrite(key, facts.path, call.span, call.scope, in_test)
                   for index, call in enumerate(facts.calls)
                   if index not in known and call.scope != facts.module
                   for key in resolver.test_settings(call)]
    by_calls, keyless = _defined_by_calls(facts, resolver, config)
    members = tuple(_defined_as_members(facts, resolver, config))
    symbols = tuple(Symbol(d.qualname, facts.path, d.kind) for d in facts.definitions)
    return (FileLinks(tuple(reads), tuple(writes), tuple(by_calls), members,
                      frozenset(resolver.missing), tuple(keyless),
                      tuple(sorted(resolver.matched))),
            FileCalls(tuple(calls), symbols, tuple(unbound)))


def _guarded(facts: FileFacts) -> dict[int, list[tuple[int, int]]]:
    """Each call's decided lines: the parts of every guard whose test calls it."""
    found: dict[int, list[tuple[int, int]]] = {}
    for guard in facts.guards:
        parts = [(p.line, p.end_line) for p in (guard.body, guard.orelse, guard.rest)
                 if p is not None]
        stack = [guard.test]
        while stack:
            cond = stack.pop()
            stack.extend(cond.operands)
            if cond.op in (CondOp.CALL, CondOp.COMPARE):
                found.setdefault(cond.call, []).extend(parts)
    return found


def _defined_by_calls(facts: FileFacts, resolver: Resolver, config: Config
                      ) -> tuple[list[CodeDefinition], list[str]]:
    """The flags the file's definition calls define, and the origin of each such call
    whose key flaglint cannot read (a dynamic key defines nothing it can follow; a run
    where a definition defines nothing at all says so)."""
    specs = [s for s in config.definitions if s.call is not None]
    found, keyless = [], []
    bound = {c.value.index: c.qualname for c in facts.constants
             if c.value.kind is ValueKind.CALL} if specs else {}
    for index, call in enumerate(facts.calls) if specs else ():
        spec = resolver.definition_spec(call, specs) if not call.access else None
        if spec is None:
            continue
        value = definition_key(spec, call.args, bound.get(index), facts.module)
        key = resolver.resolve(value) if value is not None else None
        if key is None:
            keyless.append(spec.origin)
        else:
            found.append(CodeDefinition(key, facts.path, call.span, call.scope, spec.origin,
                                        _spelled(value)))
    return found, keyless


def _defined_as_members(facts: FileFacts, resolver: Resolver, config: Config
                        ) -> list[CodeDefinition]:
    """Every member of a configured flag class (an Enum or a class of constants) whose
    value resolves to a key."""
    found = []
    for spec in config.definitions:
        if spec.class_ is None:
            continue
        prefix = resolver.chase(spec.class_) + "."
        for constant in facts.constants:
            name = constant.qualname
            if name.startswith(prefix) and "." not in name[len(prefix):]:
                key = resolver.resolve(constant.value)
                if key is not None:
                    found.append(CodeDefinition(key, facts.path, constant.span, name,
                                                spec.origin, _spelled(constant.value)))
    return found


# One f-string as written, its text as git's history reads a string literal (no quote, no
# backslash, no line break: `sources/history.py`'s `_STRING`)
_F_STRING = re.compile(r"""(?:[fF][rR]?|[rR][fF])(["'])([^"'\\\n]{1,200})\1""")


def _spelled(value: Value | None) -> str:
    """The text of a key written as one f-string (`{NS}.beta` of `f'{NS}.beta'`), else "":
    git's history finds where such a key was defined by it."""
    if value is None or value.kind is not ValueKind.TEMPLATE:
        return ""
    written = _F_STRING.fullmatch(value.source)
    return written.group(2) if written is not None else ""
