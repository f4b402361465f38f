from __future__ import annotations

from collections.abc import Iterator

from flaglint.analysis.deadcode import symbol_edits
from flaglint.findings import Finding, Fix, Related, Severity
from flaglint.model.project import Project
from flaglint.rules.base import Rule


class DeadSymbol(Rule):
    """
    ## What it does
    Reports a function or class whose every use is a call from code that a settled flag
    makes dead (FL301), directly or through other such symbols, across modules. Calls are
    resolved through imports, module attributes, `self.method` and class instantiation. A
    method called through an object flaglint does not follow (`security_manager.get(...)`
    on an object a module holds, an inherited `self.helper()`) keeps every method of that
    name alive, third-party objects' calls included: a dead method is missed rather than a
    live one deleted.

    ## Why is this bad?
    When a flag's dead branch is deleted, the helpers only it called stay behind, often in
    another module, where nobody connects them to the flag. They are the bulk of the dead
    code: Power Peg was a whole algorithm, not one branch.

    ## Example
    ```toml
    [flags.smart_routing]
    status = "rolled-out"
    value = true
    ```
    ```python
    # router/orders.py
    from router import legacy

    def place(order):
        if client.is_enabled("smart_routing"):
            return smart_route(order)
        return legacy.route(order)              # FL301

    # router/legacy.py
    def route(order):                           # FL302: only the dead code above calls it
        ...
    ```

    ## Use instead
    Delete the dead branch and the helper, and the import that becomes unused:
    ```python
    # router/orders.py
    def place(order):
        return smart_route(order)
    ```

    ## Fix safety
    Deleting the definition is safe when every flag that made its callers dead is rolled out,
    and unsafe otherwise. A symbol with any other use is never reported: passed as a value,
    used as a decorator, decorated by anything that may register it (`@app.route`,
    `@task`; plain wrappers such as `property` or `lru_cache` do not count), listed in
    `__all__`, named in a string anywhere in the project but inside the dead code itself (URL
    confs, settings, `getattr`; `start_span(op="reports.old_summary")` beside the dead call of
    `old_summary` names nothing that runs), or called in a way flaglint cannot resolve. A
    symbol with no callers at all is not flaglint's business.

    ## Options
    None.
    """

    code = "FL302"
    name = "dead-symbol"
    severity = Severity.WARNING
    fixable = True

    def check(self, project: Project) -> Iterator[Finding]:

        for symbol in project.dead.symbols:
            settled = symbol.settled
            name = symbol.qualname.rsplit(".", 1)[-1]
            kind = "Class" if symbol.kind == "class" else "Function"
            fix = None
            if symbol.removable:
                edits = symbol_edits(project.dead, symbol)
                fix = Fix(symbol.safe, f"Delete `{name}`", edits, project.in_tests(edits))
            callers = tuple(Related(path, span, f"a dead call of `{name}`")
                            for path, span in symbol.callers)
            yield self.finding(
                settled.key, symbol.path, symbol.span,
                f"{kind} `{name}` is called only from code that can never run (flag "
                f"`{settled.key}` {settled.why}); delete it", fix, callers)
