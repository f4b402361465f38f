from __future__ import annotations

from collections.abc import Iterator

from flaglint.findings import Finding, Severity
from flaglint.model.project import Project
from flaglint.rules.base import Rule


def _package(project: Project, path: str) -> str:
    """The top-level package of the module (by module name: `src/billing/x.py` is in
    `billing`); a top-level module counts as its own."""
    facts = project.facts_of(path)
    module = facts.module if facts is not None else path
    return module.split(".", 1)[0] if "." in module else "(top level)"


class OverloadedFlag(Rule):
    """
    ## What it does
    Reports a flag read from several unrelated top-level packages (3 by default; reads in
    tests do not count): one key gating unrelated features. Off by default: select it with
    `--select FL403` or `select = ["FL403"]`.

    ## Why is this bad?
    A flag that switches a checkout change and a search change at once cannot be rolled out,
    rolled back or retired for one of them without the other. Its owner no longer knows what
    it does.

    ## Example
    ```python
    # billing/invoice.py, search/ranking.py, admin/views.py
    if client.is_enabled("new_ui"):
        ...
    ```

    ## Use instead
    One flag per feature:
    ```python
    # billing/invoice.py
    if client.is_enabled("new_invoice_ui"):
        ...
    # search/ranking.py
    if client.is_enabled("new_ranking"):
        ...
    # admin/views.py
    if client.is_enabled("new_admin_ui"):
        ...
    ```

    ## Fix safety
    No fix.

    ## Options
    `overloaded = 3` in `[tool.flaglint]` sets how many top-level packages make a flag
    overloaded.
    """

    code = "FL403"
    name = "overloaded-flag"
    severity = Severity.INFO
    default_enabled = False

    def check(self, project: Project) -> Iterator[Finding]:
        threshold = project.config.overloaded
        for key in project.graph.flags():
            record = project.records.get(key)
            if record is None:
                continue
            packages = sorted({_package(project, r.path) for r in project.graph.reads_of(key)
                               if not r.in_test})
            if len(packages) < threshold:
                continue
            path, span = record.location
            names = ", ".join(packages)
            yield self.finding(key, path, span,
                               f"Flag `{key}` is read from {len(packages)} unrelated packages "
                               f"({names}); one key gating unrelated features cannot be rolled "
                               f"out or retired for one of them alone")
