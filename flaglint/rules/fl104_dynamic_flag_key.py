from __future__ import annotations

from collections.abc import Iterator

from flaglint.findings import Finding, Severity
from flaglint.model.project import Project
from flaglint.presets import SETTINGS_PRESET
from flaglint.rules.base import Rule


class DynamicFlagKey(Rule):
    """
    ## What it does
    Reports a flag read whose key flaglint cannot resolve to a string: an f-string, a value
    computed at run time, a variable that is not a module constant.

    ## Why is this bad?
    A key built at run time cannot be found by search, by review or by flaglint: the flag it
    reads looks unused, and its code is never reported as dead when the flag is retired.

    ## Example
    ```python
    if client.is_enabled(f"checkout_{region}"):
        ...
    ```

    ## Use instead
    ```python
    if region == "eu":
        enabled = client.is_enabled("checkout_eu")
    else:
        enabled = client.is_enabled("checkout_us")
    ```
    or name each key as a literal, a module constant or an Enum member.

    ## Fix safety
    No fix.

    ## Options
    Keys resolve through literals, module constants (also imported and re-exported ones),
    class attributes and Enum members (`Flags.X`, `Flags.X.value`). A reader called with
    `*args`, `**kwargs` or (for a project reader or wrapper) no key at all is reported too.
    Reads in test code (the `tests` globs) are not reported, nor a Django setting looked up
    by a name flaglint cannot tell (`getattr(settings, name)`, the django-settings preset):
    most such lookups read settings that are no flags. A string naming a flag may still
    reach one, which FL102 and `flaglint clean` take into account.
    """

    code = "FL104"
    name = "dynamic-flag-key"
    severity = Severity.INFO

    def check(self, project: Project) -> Iterator[Finding]:
        for read in project.graph.unresolved_reads():
            if read.in_test:
                continue  # test helpers pass keys around: noise, not a blind spot in the code
            if read.api == SETTINGS_PRESET:
                continue  # `getattr(settings, name)`: mostly settings that are no flags
            yield self.finding(None, read.path, read.span,
                               f"Flag key `{read.expression}` cannot be resolved statically; "
                               f"flaglint cannot track this read")
