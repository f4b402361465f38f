from __future__ import annotations

from collections.abc import Iterator

from flaglint.analysis.deadcode import (
    boolean_text,
    collection_default,
    looks_boolean,
    number_default,
    read_edits,
    replaceable,
    set_as_run,
    unreplaceable,
    yields_text,
)
from flaglint.findings import Finding, Fix, Severity
from flaglint.links.model import FlagRead
from flaglint.model.project import Project
from flaglint.rules.base import Rule, format_value
from flaglint.sources.registry import FlagValue, Status


class SettledFlag(Rule):
    """
    ## What it does
    Reports every read of a rolled-out flag (`status = "rolled-out"` in the registry),
    including each call of a wrapper function that reads it. Not a read in a test under a
    setting of the flag: a preset's override, a reader with `writes = true`, or a test's
    call named as a setter (`override…`, `mock…`, `patch…`, `set…`, `enable…`) given the
    flag's object or an attribute of it, then a value.

    ## Why is this bad?
    A rolled-out flag serves the same value everywhere: the read is a constant, and the code
    still branches on it. The branch that never runs is dead code that a later change to the
    flag service (or a server that missed a deployment) can wake up.

    ## Example
    ```toml
    [flags.new_router]
    status = "rolled-out"
    value = true
    ```
    ```python
    if client.is_enabled("new_router"):
        route_smart(order)
    else:
        route_legacy(order)
    ```

    ## Use instead
    ```python
    route_smart(order)
    ```
    `flaglint clean new_router --value true` does this across the project.

    ## Fix safety
    Safe: the fix replaces the read by the rolled-out value where that keeps the code's
    meaning (a test or a comparison that holds the read itself, or anywhere when the value
    is a boolean, unless the read's default is a number other than 0 or 1) and the call's
    arguments have no side effects; the branches that become dead are FL301 and FL302. A
    read whose arguments call or compute something gets no fix, and the finding says so. A
    text value read through a name (`mode = read(…)`, `if mode:`) gets no fix: the name may
    stand for the value elsewhere. A flag rolled out with the text of a boolean (`value =
    "false"`, `"off"`, `"0"`, which a test takes for true) settles only the reads whose
    default is text; the others get no fix, and the finding says why.
    No fix for a flag the program sets as it runs (a `[[definitions]]` `writes` method called
    outside tests, `MLFLOW_X.set(True)`): its reads may yield another value, and the finding
    says where it is set.

    ## Options
    None.
    """

    code = "FL202"
    name = "settled-flag"
    severity = Severity.WARNING
    fixable = True

    def check(self, project: Project) -> Iterator[Finding]:

        moving = set_as_run(project.linked)
        for key, record in project.records.items():
            decl = record.decl
            if decl is None or decl.status is not Status.ROLLED_OUT:
                continue
            value = format_value(decl.value)
            for read in project.graph.reads_of(key):
                if read.overridden:
                    continue  # a test sets the flag here: the read yields what it sets
                through = f" through `{read.via.rsplit('.', 1)[-1]}`" if read.via else ""
                write = moving.get(key)
                if write is not None:  # mlflow's `enable_async_logging` sets it at will
                    yield self.finding(key, read.path, read.span,
                                       f"Flag `{key}` is rolled out with value `{value}`, but "
                                       f"{write.path}:{write.span.line} sets it as the "
                                       f"program runs, so this read{through} may yield "
                                       f"another value: no fix while that stands")
                    continue
                settled = project.dead.settled.get((read.path, read.call))
                fix = None
                if settled is not None and replaceable(read, settled, project.dead):
                    edits = read_edits(project.dead, [(read.path, read.call)])
                    # the Python literal the fix writes (`True`), not the registry's `true`
                    fix = Fix(safe=True, description=f"Replace the read with "
                                                     f"`{decl.value!r}`",
                              edits=edits, in_tests=project.in_tests(edits))
                why = _as_text(decl.value) if settled is None else \
                    _no_fix(read, decl.value, value) if fix is None else ""
                yield self.finding(key, read.path, read.span,
                                   f"Flag `{key}` is rolled out with value `{value}`; this "
                                   f"read{through} always yields it, so the code still branches "
                                   f"on a constant{why}", fix)


def _as_text(served: FlagValue | None) -> str:
    """Why no read of a flag rolled out with the text of a boolean is settled."""
    return f"; no fix: it is text, and a test takes any text but \"\" for true, " \
           f"\"{served}\" too (a boolean is written value = {boolean_text(served)})" \
        if looks_boolean(served) else ""


def _no_fix(read: FlagRead, served: FlagValue | None, shown: str) -> str:
    """Why a settled read gets no fix, said at the end of its finding: what its default
    says it holds first, the most precise."""
    if isinstance(served, bool) and read.default is not None and \
            number_default(read) is not None:  # (Wagtail's `getattr(settings, "…", 5)`)
        return f"; no fix: its default `{read.default.text}` says it holds a number, not " \
               f"`{shown}`"
    if isinstance(served, bool) and read.default is not None and yields_text(read):
        return f"; no fix: its default `\"{read.default.text}\"` says it holds text, " \
               f"not `{shown}`"
    if isinstance(served, bool) and read.default is not None and collection_default(read):
        return f"; no fix: its default `{read.default.text}` says it holds a collection, " \
               f"not `{shown}`"
    why = unreplaceable(read)
    return "" if why is None else f"; no fix: {why}"
