from __future__ import annotations

from collections.abc import Iterator

from flaglint.analysis.lifecycle import ending, ending_places, looks_like_revert, reuse
from flaglint.findings import Finding, Severity
from flaglint.links.model import FlagRead
from flaglint.model.project import Project
from flaglint.rules.base import Rule
from flaglint.sources.history_model import KeyEvent


class ZombieFlag(Rule):
    """
    ## What it does
    Reports code that still reads a retired or removed flag key and that is older than the
    key's end: left-over code that nobody deleted. (A read written after the key ended is a
    reuse, FL401.) Without git history, every read of a tombstone is reported here.

    ## Why is this bad?
    The code behind such a read is dormant, not dead: any configuration that sets the key —
    an old environment file, a server that missed a deployment, a new flag that reuses the
    name — wakes it up. Knight Capital's Power Peg code sat behind a flag for nine years.

    ## Example
    ```toml
    [flags.power_peg]
    status = "retired"
    retired = 2003-06-01
    ```
    ```python
    if client.is_enabled("power_peg"):    # still here
        power_peg_route(order)
    ```

    ## Use instead
    Delete the read and the code it guards (`flaglint clean power_peg --value false` does it,
    with the helpers only that code calls), keeping the tombstone:
    ```python
    route(order)
    ```

    ## Fix safety
    No fix from this rule; FL301 and FL302 carry the (unsafe) fixes where the read yields
    its default (none for a Django setting read without one, `settings.X`: what a
    setting no longer set yields is not known).

    ## Options
    With `--changed-since REF`, reported when the read's line changed, or when the key's
    registry entry changed within REF..HEAD. A flag a `[[tool.flaglint.flag-state]]` export
    marks archived (or deleted) is a tombstone: its reads are reported.
    """

    code = "FL404"
    name = "zombie-flag"
    severity = Severity.ERROR
    needs_history = True
    needs_origins = True
    by_flag_in_diff = True

    def check(self, project: Project) -> Iterator[Finding]:

        for key in project.graph.flags():
            end = ending(project, key)
            if end is None:
                continue
            for read in project.graph.reads_of(key):
                if reuse(project, read, end) is not None:
                    continue
                if end.again is not None:
                    if end.event is None or not _older(project, read, end.event) or \
                            looks_like_revert(end.event, end.again) is not None:
                        continue  # new code of the new meaning, or the removal was undone
                    message = (f"Flag `{key}` {end.phrase()}; this read is left-over code from "
                               f"its first life, and the new meaning wakes it up")
                elif end.service is not None:
                    message = (f"Flag `{key}` {end.phrase()}; this read is left-over code that "
                               f"restoring the flag in {end.service} wakes up")
                else:
                    message = (f"Flag `{key}` {end.phrase()}; this read is left-over code that "
                               f"any config setting `{key}` wakes up")
                yield self.finding(key, read.path, read.span, message,
                                   related=ending_places(project, key, end))


def _older(project: Project, read: FlagRead, event: KeyEvent) -> bool:
    origin = project.appeared(read.path, read.span.line)
    if origin is None or origin.sha is None or project.history is None:
        return False
    return not project.history.later(origin.sha, origin.time, event)
