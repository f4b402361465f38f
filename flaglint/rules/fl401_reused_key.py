from __future__ import annotations

from collections.abc import Iterator

from flaglint.analysis.lifecycle import (
    Ending,
    ending,
    ending_places,
    line_after,
    looks_like_revert,
    reuse,
)
from flaglint.findings import Finding, Related, Severity
from flaglint.model.project import Project
from flaglint.rules.base import Rule
from flaglint.sources.history_model import EventKind

_AFTERMATH = "code and configs from its first life answer to it again"


class ReusedKey(Rule):
    """
    ## What it does
    Reports a flag key used again after it was retired (a `status = "retired"` tombstone) or
    removed from the registry: declared again, made active again, defined again in code, or
    read by code that was written after the key ended. Git history decides which reads are
    new; a read older than the key's end is FL404 instead, and a definition older than its
    tombstone is left-over code too (not reported here: `flaglint clean` removes it). A
    re-declaration that looks like a revert of the removal (the same entry back within days,
    or a commit that says it reverts) is still reported, with that reason in the message.

    ## Why is this bad?
    This is the Knight Capital failure: in 2012 new code reused the flag that had switched
    on "Power Peg" until 2003. The old code was still deployed on one server, and the reused
    flag woke it: $460M lost in 45 minutes. A key's old readers and every config that ever
    set it keep answering to it, whatever it means now.

    ## Example
    ```toml
    [flags.power_peg]
    status = "retired"
    retired = 2003-06-01
    ```
    ```python
    if client.is_enabled("power_peg"):   # added in 2012 for the Retail Liquidity Program
        route_to_rlp(order)
    ```

    ## Use instead
    ```python
    if client.is_enabled("rlp_routing"):  # a new key for a new meaning
        route_to_rlp(order)
    ```

    ## Fix safety
    No fix: choose a new key.

    ## Options
    With `--changed-since REF`, only keys declared, revived or read again within REF..HEAD are
    reported. Without git history, reads of a tombstone are FL404.
    """

    code = "FL401"
    name = "reused-key"
    severity = Severity.ERROR
    needs_history = True
    needs_origins = True
    by_flag_in_diff = True

    def check(self, project: Project) -> Iterator[Finding]:
        yield from self._reads(project)
        yield from self._declarations(project)

    def _reads(self, project: Project) -> Iterator[Finding]:

        for key in project.graph.flags():
            end = ending(project, key)
            if end is None:
                continue
            if end.again is not None:
                continue  # live again: the declaration is the reuse, reported there
            for read in project.graph.reads_of(key):
                origin = reuse(project, read, end)
                if origin is None:
                    continue
                when = "not committed yet" if origin.sha is None else \
                    f"{origin.date.isoformat()}, {origin.sha[:7]}"
                yield self.finding(key, read.path, read.span,
                                   f"Flag `{key}` {end.phrase()} and this read of it is new "
                                   f"({when}); {_AFTERMATH}: give the new meaning a new key",
                                   related=ending_places(project, key, end))

    def _declarations(self, project: Project) -> Iterator[Finding]:

        for key, record in project.records.items():
            end = ending(project, key)
            if end is not None and end.kind == "retired" and end.again is None:  # a tombstone
                where = "" if end.service is not None else " (a tombstone in the registry)"
                for definition in record.definitions:
                    if _older(project, definition.path, definition.span.line, end):
                        continue  # its first life's code, left over: its reads are FL404
                    yield self.finding(key, definition.path, definition.span,
                                       f"Flag `{key}` {end.phrase()}{where} and is defined "
                                       f"here again; {_AFTERMATH}",
                                       related=ending_places(project, key, end))
                continue
            history = project.history.of(key) if project.history is not None else None
            if history is None:  # the registry's history, or the definitions' in code
                continue
            again = history.last(EventKind.DECLARED, EventKind.REVIVED)
            ended = history.last(EventKind.REMOVED, EventKind.RETIRED)
            if again is None or ended is None or again.commit.seq <= ended.commit.seq:
                continue
            if not project.in_range(again.commit):
                continue
            verb = "made active again" if again.kind is EventKind.REVIVED else "declared again"
            was = "retired" if ended.kind is EventKind.RETIRED else "removed"
            message = (f"Flag `{key}` was {was} on {ended.commit.date.isoformat()} "
                       f"({ended.commit.short}) and {verb} on "
                       f"{again.commit.date.isoformat()} ({again.commit.short}); {_AFTERMATH}")
            revert = looks_like_revert(ended, again)
            if revert is not None:
                message += f" (this looks like a revert of the removal: {revert})"
            path, span = record.location
            said = f"in {ended.commit.short} ({ended.commit.date.isoformat()}): " \
                   f"{ended.commit.subject}"
            yield self.finding(key, path, span, message, related=(
                Related(path, None, f"`{key}` {was} {said}"),))


def _older(project: Project, path: str, line: int, end: Ending) -> bool:
    """Did git bring this line in before the key's end (a definition the tombstone left
    behind, not one written again)? False when git cannot tell (a shallow clone blames its
    oldest lines on its boundary commit)."""
    if project.history is None or project.history.shallow:
        return False
    return project.appeared(path, line) is not None and line_after(project, path, line,
                                                                   end) is None
