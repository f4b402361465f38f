from __future__ import annotations

from collections.abc import Iterator

from flaglint.findings import Finding, Severity
from flaglint.model.project import Project
from flaglint.rules.base import Rule
from flaglint.sources.registry import Status


class MissingMetadata(Rule):
    """
    ## What it does
    Reports a registry entry that lacks a field the project requires (by default `owner` and
    `type`). Retired flags (tombstones) need none.

    ## Why is this bad?
    A flag without an owner has nobody to remove it; a flag without a type has no lifetime,
    so it never expires and never shows up as stale. Flags without metadata are the ones that
    live for nine years.

    ## Example
    ```toml
    [flags.new_router]
    description = "Route orders through the new smart router"
    ```

    ## Use instead
    ```toml
    [flags.new_router]
    description = "Route orders through the new smart router"
    owner = "trading"
    type = "release"
    ```

    ## Fix safety
    No fix: only people know who owns a flag.

    ## Options
    `require = ["owner", "type", "expires"]` in `[tool.flaglint]` lists the required fields;
    any registry field may be named. Flags declared only in code are not checked.
    """

    code = "FL103"
    name = "missing-metadata"
    severity = Severity.WARNING

    def check(self, project: Project) -> Iterator[Finding]:
        for key, decl in project.registry.flags.items():
            if decl.status is Status.RETIRED or not decl.from_registry:
                continue  # a tombstone, or a flag service's flag: its fields are the service's
            missing = [name for name in project.config.require if name not in decl.fields]
            if missing:
                fields = ", ".join(f"`{name}`" for name in missing)
                them = "them" if len(missing) > 1 else "it"
                yield self.finding(key, decl.path, decl.span,
                                   f"Flag `{key}` has no {fields}; without {them} nobody "
                                   f"knows who removes the flag or when")
