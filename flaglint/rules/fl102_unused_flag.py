from __future__ import annotations

from collections.abc import Iterator

from flaglint.findings import Finding, Severity
from flaglint.model.project import Project
from flaglint.rules.base import Rule
from flaglint.sources.registry import Status


class UnusedFlag(Rule):
    """
    ## What it does
    Reports a declared flag that no code reads. Reads in test files (the `tests` globs) do
    not count: a flag only tests read switches nothing in production.

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
    `tests` (globs) says which files are tests. Retired flags (tombstones) are never reported.
    """

    code = "FL102"
    name = "unused-flag"
    severity = Severity.WARNING

    def check(self, project: Project) -> Iterator[Finding]:
        for key, record in project.records.items():
            if record.status is Status.RETIRED:
                continue
            reads = project.graph.reads_of(key)
            if any(not read.in_test for read in reads):
                continue
            path, span = record.location
            if reads:
                message = (f"Flag `{key}` is read only in tests; production code never reads "
                           f"it, so delete it or mark it retired")
            else:
                message = (f"Flag `{key}` is declared but no code reads it; delete it or mark "
                           f"it retired so the key is never reused")
            yield self.finding(key, path, span, message)
