from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from flaglint.analysis.loose import key_mention, loose_strings, nearest, reaching_reads
from flaglint.analysis.references import Kind, Statements, blocking, handed_on, references
from flaglint.facts.ast_facts import assigned
from flaglint.findings import Finding, Severity
from flaglint.links.model import CodeDefinition
from flaglint.model.project import Project
from flaglint.presets import SETTINGS_PRESET
from flaglint.rules.base import Rule
from flaglint.sources.registry import Status


class UnusedFlag(Rule):
    """
    ## What it does
    Reports a declared flag that no code reads. Reads in test files (the `tests` globs) do
    not count: a flag only tests read switches nothing in production. Where the key stands
    as a string in code while some read's key cannot be resolved (FL104), the finding says
    that read may still get it (and `flaglint clean` keeps the entry); where code still uses
    the flag's object otherwise (`FLAG.set(True)`, `FLAG.name`), it names that use, which
    must go first (`flaglint clean` keeps the definition while it stands). Not reported: a flag
    defined in test code only (tests define flags for themselves), a flag object handed
    on as a value outside tests (`HOOKS[name] = holder`, `register(holder)`; a test's
    `temporary_settings({holder: True})` sets it) or returned by a function
    (`return Flag("x")`), whose reads flaglint cannot follow, and a flag whose key (or its
    object's name) a file that does not parse names (FL001): a read there cannot be ruled
    out. A key the settings module binds to a value (text, a number, a collection) is said to
    be no flag, as `flaglint clean` refuses it. Only a string literal that is the key itself
    may reach a read of unknown key (not one in a docstring's example or a message), and a
    read by a name a loop takes from a tuple of strings in its module may be only those.

    ## Why is this bad?
    A declared but unread flag is clutter in the registry and in the flag service, and it is
    a key waiting to be reused: the next person to need a flag may pick it up, and any old
    code that still listens to it wakes up. Knight Capital's "Power Peg" flag was such a key.

    ## Example
    ```toml
    [flags.legacy_router]      # no code reads legacy_router any more
    type = "release"
    owner = "trading"
    ```

    ## Use instead
    ```toml
    [flags.legacy_router]
    status = "retired"         # a tombstone: the key is never used again
    retired = 2026-11-01
    ```

    ## Fix safety
    No fix: deleting the entry or retiring it is a decision for the flag's owner.

    ## Options
    `tests` (globs) says which files are tests. Retired flags (tombstones) are never reported,
    nor flags a `[[tool.flaglint.flag-state]]` export marks archived or deleted.
    """

    code = "FL102"
    name = "unused-flag"
    severity = Severity.WARNING

    def check(self, project: Project) -> Iterator[Finding]:
        unused = []
        for key, record in project.records.items():
            if record.status is Status.RETIRED:
                continue
            if any(not read.in_test for read in project.graph.reads_of(key)):
                continue
            if record.decl is None and record.definitions and all(
                    project.is_test(d.path) for d in record.definitions):
                continue  # a flag tests define for themselves
            if any(_returned(project, d) for d in record.definitions):
                continue  # made by a function (`return Flag("x")`): read where it is called
            unused.append((key, record))
        holders = {key: {name for d in record.definitions if (name := project.bound_name(d))}
                   for key, record in unused}
        every = set().union(*holders.values()) if holders else set()
        escaped, used = _holders_seen(project, every) if every else (set(), {})
        unparsed = [project.source_of(path) for path, _ in project.parse_errors()] \
            if unused else []
        for key, record in unused:
            if holders[key] & escaped:
                continue  # its holder is read where flaglint cannot follow it
            if any(_names(data, key, holders[key]) for data in unparsed):
                continue  # a file that does not parse (FL001) may read it
            reads = project.graph.reads_of(key)
            path, span = record.location
            end = "delete it or mark it retired" if record.decl is None or \
                record.decl.from_registry else f"archive it in {record.decl.source}"
            if key in project.linked.values:  # `clean` refuses it for that: say the same
                yield self.finding(key, path, span,
                                   f"Flag `{key}` is declared, but the settings module binds "
                                   f"it to a value (text, a number, a collection), so its "
                                   f"reads are no flag reads: remove its registry entry, or "
                                   f"bind it to a boolean if it is a flag")
                continue
            loose = loose_strings(project, key)
            reaching = reaching_reads(project, key) if loose else []
            unknown = nearest(reaching, loose[0].path) if reaching else None
            if unknown is not None:  # `clean` keeps the entry for it: say so, not "delete it"
                where = f"{loose[0].path}:{loose[0].line}"
                what = "a setting looked up by a name flaglint cannot tell" \
                    if unknown.api == SETTINGS_PRESET else "whose key is unknown (FL104)"
                message = (f"Flag `{key}` is declared but no read flaglint can resolve names "
                           f"it; the string at {where} may still reach the read at "
                           f"{unknown.path}:{unknown.span.line}, {what}: when that read can no "
                           f"longer get this key, {end}")
            elif reads:
                message = (f"Flag `{key}` is read only in tests; production code never reads "
                           f"it, so {end}")
            elif holders[key] & used.keys():
                # `clean` keeps the definition while code uses its object: say what to do
                # first (mlflow's `MLFLOW_X.set(True)`, prefect's `PREFECT_X.name`)
                use_path, use_line, text = min(used[name] for name in holders[key] & used.keys())
                message = (f"Flag `{key}` is declared but no code reads it; its object is "
                           f"still used at {use_path}:{use_line} (`{text}`), which is no "
                           f"read: remove that use, then {end} so the key is never reused")
            else:
                message = (f"Flag `{key}` is declared but no code reads it; {end} so the key "
                           f"is never reused")
            yield self.finding(key, path, span, message)


def _names(data: bytes, key: str, holders: set[str]) -> bool:
    """Does this text name the key (`loose.key_mention`: `settings.KEY` too), or one of the
    names its objects are bound to?"""
    return key_mention(key).search(data.decode("utf-8", "replace")) is not None or any(
        re.search(rb"\b" + re.escape(name.rsplit(".", 1)[-1].encode()) + rb"\b", data)
        for name in holders)


def _returned(project: Project, definition: CodeDefinition) -> bool:
    """Is the definition call the value a function returns (a flag object's factory)?"""
    facts = project.facts_of(definition.path)
    return facts is not None and any(c.returned and c.span == definition.span
                                     for c in facts.calls)


def _holders_seen(project: Project, names: set[str]
                  ) -> tuple[set[str], dict[str, tuple[str, int, str]]]:
    """Of these bound names, in one pass over the files that name them (each read and
    parsed once): those handed on as a value anywhere (put in a dict, passed to a hook or
    setter), whose reads flaglint cannot follow; and the first place (path, line, what
    the code says) outside tests that refers to each other than its definition, as
    `flaglint clean` finds them: an attribute or a method of the object (`X.set(True)`,
    `X.name`), which the configured reads do not count, an import (one in a function too),
    a lookup by its name. (A test's use is a setting `clean` removes with the flag.)"""
    escaped: set[str] = set()
    used: dict[str, tuple[str, int, str]] = {}
    words = {name: name.rsplit(".", 1)[-1].encode() for name in names}
    whole = {name: re.compile(rb"\b" + re.escape(word) + rb"\b") for name, word in words.items()}
    for path in project.paths():
        brief = project.files.brief(path)
        if brief is None:
            continue
        data = project.source_of(path)
        counts = {name: len(whole[name].findall(data)) for name in sorted(names)
                  if words[name] in data}
        named = [name for name, count in counts.items() if count]
        if not named:
            continue
        text = data.decode("utf-8", "replace")
        try:
            tree = ast.parse(data)
        except (SyntaxError, ValueError):
            escaped.update(named)  # it may do anything with them (`clean` refuses too)
            continue
        if project.is_test(path):
            # A test that hands it on sets it (prefect's `temporary_settings({X: True})`):
            # no read of the code's, which FL102 is about
            continue
        statements = Statements(text, tree)  # for every name looked for in the file
        escaped |= handed_on(text, brief.module, [n for n in named if n not in escaped],
                             is_package=brief.is_package, tree=tree, statements=statements)
        # A name said once in the module that defines it is its definition alone (most of
        # prefect's unread settings in its 2,000-line settings module): no visit for it
        for name in named:
            if name in used or counts[name] <= name.startswith(f"{brief.module}."):
                continue
            # a lookup by its name is a use too (prefect's `values["PREFECT_X"]`), as for
            # `clean`'s deletion of the definition (fixes/rounds.py `_keys`)
            uses = blocking(references(text, brief.module, name,
                                       keys=frozenset({name.rsplit(".", 1)[-1]}),
                                       is_package=brief.is_package, tree=tree,
                                       statements=statements))
            # its own definition is no use of it: `LEGACY_X = is_env_true("LEGACY_X")`
            # (`bound_name`) names it as the key too
            binding = _binding_lines(tree, name, brief.module)
            uses = [r for r in uses if r.line not in binding]
            if uses:  # a use rather than the import that reaches it
                first = min(uses, key=lambda r: (r.kind is Kind.IMPORT, r.line, r.column))
                used[name] = (path, first.line, first.text)
    return escaped, used


def _binding_lines(tree: ast.Module, name: str, module: str) -> set[int]:
    """The lines of the module's top-level statements that bind `name` (a qualified name)
    when this module defines it: `URLS = os.environ.get("URLS", …)` then `URLS =
    Setting("URLS", …)` name it as they bind it, which is no use of its object."""
    if not name.startswith(f"{module}."):
        return set()
    word = name.rsplit(".", 1)[-1]
    lines: set[int] = set()
    for statement in tree.body:
        if any(isinstance(target, ast.Name) and target.id == word
               for target in assigned(statement)):
            lines.update(range(statement.lineno, (statement.end_lineno or statement.lineno) + 1))
    return lines
