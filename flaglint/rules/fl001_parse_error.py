from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from flaglint.findings import Finding, Severity, Span
from flaglint.rules import Rule

if TYPE_CHECKING:
    from flaglint.engine import Project


class ParseErrorRule(Rule):
    """
    ## What it does
    Reports a Python file that cannot be read, decoded or parsed.

    ## Why is this bad?
    flaglint cannot see the flag reads in a file it cannot parse, so every other rule is blind
    there: a read of a retired flag in that file goes unreported. The run goes on with the
    other files.

    ## Example
    ```python
    def route(order)
        return client.is_enabled("new_router")
    ```

    ## Use instead
    ```python
    def route(order):
        return client.is_enabled("new_router")
    ```

    ## Fix safety
    No fix: the file must be repaired by hand.

    ## Options
    Exclude generated or deliberately broken files with `exclude` in `[tool.flaglint]`.
    """

    code = "FL001"
    name = "parse-error"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Finding]:
        for facts in project.files:
            if facts.error is not None:
                error = facts.error
                span = Span(error.line, error.column, error.line, error.column)
                message = error.message[:1].upper() + error.message[1:]
                yield self.finding(None, facts.path, span,
                                   f"{message}; its flag reads are not checked")
