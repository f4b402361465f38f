from __future__ import annotations

import difflib
from collections.abc import Iterator

from flaglint.findings import Finding, Severity
from flaglint.model.project import Project
from flaglint.rules.base import Rule


class UndefinedFlag(Rule):
    """
    ## What it does
    Reports a read of a flag key that no registry entry and no definition in code declares.

    ## Why is this bad?
    An undeclared key has no owner, no type and no expiry: nobody will ever clean it up. It
    is also how typos hide: `new_chekout` silently reads a flag that does not exist, and the
    SDK serves its default forever.

    ## Example
    ```toml
    [flags.new_checkout]
    owner = "shop"
    type = "release"
    ```
    ```python
    if client.is_enabled("new_chekout"):
        ...
    ```

    ## Use instead
    ```python
    if client.is_enabled("new_checkout"):
        ...
    ```

    ## Fix safety
    No fix: flaglint cannot know whether the key or the registry is wrong.

    ## Options
    `registry` names the registry files; `[[tool.flaglint.definitions]]` declares flags that
    are defined in code. Without any registry or definition this rule does not run. Reads in
    test code (the `tests` globs) are not reported: tests make up keys to exercise flag code.
    """

    code = "FL101"
    name = "undefined-flag"
    severity = Severity.WARNING

    def check(self, project: Project) -> Iterator[Finding]:
        if not project.has_declarations:
            return
        declared = sorted(project.records)
        for key in project.graph.flags():
            if key in project.records or key in project.removed:
                continue  # a removed key's reads are FL401 or FL404
            hint = difflib.get_close_matches(key, declared, n=1, cutoff=0.8)
            suggestion = f" (did you mean `{hint[0]}`?)" if hint else ""
            for read in project.graph.reads_of(key):
                if read.in_test:
                    continue  # tests make up keys to exercise flag code: not a finding
                yield self.finding(key, read.path, read.span,
                                   f"Flag `{key}` is declared in no registry or definition; "
                                   f"nobody owns it and it never expires{suggestion}")
