from __future__ import annotations

from collections.abc import Iterator

from flaglint.analysis.lifecycle import rewritten
from flaglint.findings import Finding, Severity
from flaglint.model.project import Project
from flaglint.rules.base import Rule
from flaglint.sources.history_model import EventKind

_FIELDS = ("type", "owner", "description")


class RepurposedFlag(Rule):
    """
    ## What it does
    Reports a flag whose meaning changed while its key stayed: its `type`, `owner` or
    `description` was rewritten in the registry (a typo fix is not a rewrite: words are
    compared, not characters), or, in a `--diff` run, all the code it gated at the base is
    gone and it now gates different code.

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
    With `--diff REF`, only rewrites within REF..HEAD are reported.
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
                                   f"Flag `{key}` now gates different code: none of what it "
                                   f"gated at {diff.base_name} is left ({before}), and it gates "
                                   f"{after} instead; a new meaning needs a new key")

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
