"""A rule: a code, a name, a severity, a docstring that is its documentation, and a check
over the project model and its analyses."""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import ClassVar

from flaglint.findings import Finding, Fix, Related, Severity, Span
from flaglint.model.project import Project

DOC_HEADINGS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety",
                "Options")


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    fixable: ClassVar[bool] = False
    default_enabled: ClassVar[bool] = True  # off-by-default rules run only when selected
    # What a rule asks of the engine beyond the code and the registry:
    needs_history: ClassVar[bool] = False  # the git history of keys (said when it is missing)
    # git blame of the reads of retired and removed keys (reuse or left-over code?)
    needs_origins: ClassVar[bool] = False
    # In a `--changed-since` run: what each flag gated at the base.
    needs_base: ClassVar[bool] = False
    # In a `--changed-since` run, its findings are kept when the change touched their flag, wherever
    # they point (a reuse is new when the key is, not when its line is).
    by_flag_in_diff: ClassVar[bool] = False

    def check(self, project: Project) -> Iterable[Finding]:
        raise NotImplementedError

    def finding(self, flag: str | None, path: str, span: Span, message: str,
                fix: Fix | None = None, related: tuple[Related, ...] = ()) -> Finding:
        return Finding(self.code, self.name, self.severity, flag, path, span, message, fix,
                       related)

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")


def format_value(value: object) -> str:
    """A flag value as TOML writes it: true, 3, "blue"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)
