from __future__ import annotations

from collections.abc import Iterator

from flaglint.analysis.lifecycle import rewritten
from flaglint.findings import Finding, Severity
from flaglint.model.project import Project
from flaglint.rules.base import Rule
from flaglint.sources.history_model import EventKind

_FIELDS = ("type", "description")  # an owner handing a flag on gives it no new meaning


class RepurposedFlag(Rule):
    """
    ## What it does
    Reports a flag whose meaning changed while its key stayed: its `type` or `description`
    was rewritten in the registry (a typo fix is not a rewrite: words are compared, not
    characters; a new `owner` is a handover, not a new meaning), or, in a `--changed-since` run, its
    reads switch the other way: more of the code it gates moved to the other side of it
    (what ran when it was on runs when it is off) than stayed. Editing the code a flag gates
    (a bug fix in a flagged branch) is no new meaning.

    ## Why is this bad?
    A key carries its history: old code, old configs, old servers, dashboards and people
    still read it with the old meaning. Giving it a new one makes every one of them wrong at
    once, silently. A new meaning deserves a new key.

    ## Example
    ```toml
    [flags.fast_path]
    description = "Skip risk checks for small orders"   # was "Cache venue quotes"
    ```

    ## Use instead
    Declare a new flag for the new meaning, and retire the old key:
    ```toml
    [flags.fast_path]
    status = "retired"
    retired = 2026-11-20

    [flags.small_order_fast_path]
    description = "Skip risk checks for small orders"
    ```

    ## Fix safety
    No fix.

    ## Options
    With `--changed-since REF`, only rewrites within REF..HEAD are reported.
    """

    code = "FL402"
    name = "repurposed-flag"
    severity = Severity.ERROR
    needs_history = True
    by_flag_in_diff = True
    needs_base = True

    def check(self, project: Project) -> Iterator[Finding]:
        if project.history is not None:
            yield from self._rewrites(project)
        diff = project.diff
        if diff is not None:
            for key, (before, after) in project.regated.items():
                record = project.records.get(key)
                if record is None or (record.decl is None and not record.definitions):
                    continue
                path, span = record.location
                yield self.finding(key, path, span,
                                   f"Flag `{key}` now switches the other way: code that ran "
                                   f"when it was on at {diff.base_name} runs when it is off "
                                   f"({before}), and code that ran when it was off runs when "
                                   f"it is on ({after}); a new meaning needs a new key")

    def _rewrites(self, project: Project) -> Iterator[Finding]:

        assert project.history is not None
        for key, record in project.records.items():
            history = project.history.of(key)
            if history is None or record.decl is None:
                continue
            for event in reversed(history.events):
                if event.kind is not EventKind.CHANGED or not project.in_range(event.commit):
                    continue
                assert event.before is not None and event.after is not None
                changes = []
                for name in _FIELDS:
                    old, new = getattr(event.before, name), getattr(event.after, name)
                    if (name == "type" and old is not None and new != old) or (
                            name != "type" and rewritten(old, new)):
                        changes.append(f"{name} {_quote(old)} became {_quote(new)}")
                if not changes:
                    continue
                path, span = record.location
                yield self.finding(key, path, span,
                                   f"Flag `{key}` changed meaning on "
                                   f"{event.commit.date.isoformat()} ({event.commit.short}): "
                                   f"{'; '.join(changes)}; code and configs written for the "
                                   f"old meaning now run under the new one")
                break


def _quote(value: str | None) -> str:
    return "(none)" if value is None else f'"{value}"'
