from __future__ import annotations

from collections.abc import Iterator

from flaglint.analysis.deadcode import read_edits
from flaglint.findings import Finding, Fix, Severity
from flaglint.model.dead import DeadKind
from flaglint.model.project import Project
from flaglint.rules.base import Rule

_WHAT = {
    DeadKind.IF_BODY: "this `if` body can never run",
    DeadKind.ELSE: "this `else` branch can never run",
    DeadKind.ELIF: "this `elif` branch can never run",
    DeadKind.OPERAND: "this operand is never evaluated",
    DeadKind.AFTER_EXIT: "the code after the early exit above can never run",
    DeadKind.VIEW: "the function this decorator gates can never run",
}
_FIX = {
    DeadKind.IF_BODY: "Delete the `if` body and keep what runs instead",
    DeadKind.ELSE: "Delete the `else` branch and keep the `if` body",
    DeadKind.ELIF: "Delete the `elif` branch and keep the `if` body",
    DeadKind.OPERAND: "Replace the expression by its live part",
    DeadKind.AFTER_EXIT: "Keep the early exit and delete the code after it",
}


class DeadBranch(Rule):
    """
    ## What it does
    Reports code that can never run because a flag it branches on is settled: a rolled-out
    flag always yields its registry `value`; a retired flag yields the read's own default
    (the call's, else the project reader's parameter default, else off), but for a Django
    setting read without one (`settings.X`): a setting no settings module sets raises, and
    an app may give it a default (django-appconf), so such a read is not settled. It follows
    `if`/`elif`/`else` chains, `not`, `and`/`or` with Python's short-circuit rules,
    comparisons with `True`/`False`/`None` and with string variants, conditional
    expressions, early exits (`if not flag(): return`), local aliases (`use_new = flag()`,
    `use_new: bool = flag()`), and decorators that gate a function (`@waffle_flag`).

    ## Why is this bad?
    Dead flag code is how Knight Capital lost $460M: the "Power Peg" branch had not run for
    nine years, nobody deleted it, and a reused flag woke it on one server. Code that cannot
    run still has to be read, compiled, tested and kept secure, and a change of the flag's
    meaning or a stale server can bring it back.

    ## Example
    ```toml
    [flags.smart_routing]
    status = "rolled-out"
    value = true
    ```
    ```python
    if client.is_enabled("smart_routing"):
        route_smart(order)
    else:
        route_legacy(order)   # FL301: this `else` branch can never run
    ```

    ## Use instead
    ```python
    route_smart(order)
    ```

    ## Fix safety
    The fix keeps the live branch (re-indented, comments kept), simplifies `and`/`or` without
    dropping an operand that may have a side effect (`audit(x) or flag()` keeps `audit(x)`),
    and refuses any result that does not parse, and any file with a line that holds only a
    backslash (libcst, which makes the edit, counts the lines below it one short). It is safe
    for rolled-out flags, whose value the registry pins, and unsafe for retired flags, whose
    reads yield their default only until some configuration serves the key again.

    ## Options
    None. `flaglint clean KEY --value V` applies the same fixes for a flag you settle now.
    """

    code = "FL301"
    name = "dead-branch"
    severity = Severity.WARNING
    fixable = True

    def check(self, project: Project) -> Iterator[Finding]:

        for region in project.dead.regions:
            settled = region.settled
            fix = None
            if region.kind in _FIX and region.removable:
                edits = read_edits(project.dead, region.reads)
                fix = Fix(region.safe, _FIX[region.kind], edits, project.in_tests(edits))
            yield self.finding(settled.key, region.path, region.span,
                               f"Flag `{settled.key}` {settled.why}; {_WHAT[region.kind]}", fix)
