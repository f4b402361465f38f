from __future__ import annotations

from collections import Counter
from collections.abc import Generator, Iterator

from flaglint.facts import ValueKind
from flaglint.findings import Finding, Severity
from flaglint.links.model import UNKNOWN_DEFAULT, FlagRead
from flaglint.model.project import Project
from flaglint.rules.base import Rule


def _default_text(read: FlagRead) -> str | None:
    if read.default is None or read.default == UNKNOWN_DEFAULT:
        return None
    if read.default.kind is ValueKind.STR:
        return repr(read.default.text)
    return read.default.text


class InconsistentDefault(Rule):
    """
    ## What it does
    Reports reads of one flag that pass different defaults (or read it as different value
    types). The reads whose default is in the minority are reported.

    ## Why is this bad?
    The default is what the code does when the flag service is down, the key is missing, or
    a server has not received the new configuration. Two defaults for one flag mean two
    behaviours on the day something goes wrong, and on that day only.

    ## Example
    ```python
    ld.variation("new_router", user, False)    # checkout.py
    ld.variation("new_router", user, False)    # orders.py
    ld.variation("new_router", user, True)     # reports.py: on when the service is down
    ```

    ## Use instead
    ```python
    ld.variation("new_router", user, False)    # everywhere, or through one wrapper
    ```

    ## Fix safety
    No fix: flaglint cannot know which default is right.

    ## Options
    The default's position comes from the reader (the presets, or `default` in
    `[[tool.flaglint.readers]]`). A read that passes no default is compared by the one it
    yields with where flaglint knows it (`True` or `False` as the project's reader or
    wrapper declares its default parameter), else it is not compared.
    """

    code = "FL105"
    name = "inconsistent-default"
    severity = Severity.WARNING

    def check(self, project: Project) -> Iterator[Finding]:
        for key in project.graph.flags():
            reported = yield from self._defaults(project, key)
            yield from self._types(project, key, reported)

    def _types(self, project: Project, key: str, reported: set[int]) -> Iterator[Finding]:
        """Reads of one flag as different value types (a boolean here, a string there). An
        Unleash variant is another view of a boolean toggle, not another type."""
        reads = [read for read in project.graph.reads_of(key)
                 if read.value_type and read.value_type != "variant" and id(read) not in reported]
        counts = Counter(read.value_type for read in reads)
        if len(counts) < 2:
            return
        first: dict[str | None, int] = {}
        for i, read in enumerate(reads):
            first.setdefault(read.value_type, i)
        majority = max(counts, key=lambda kind: (counts[kind], -first[kind]))
        for read in reads:
            if read.value_type == majority:
                continue
            others = counts[majority]
            noun = "read" if others == 1 else "reads"
            yield self.finding(key, read.path, read.span,
                               f"Flag `{key}` is read as {read.value_type} here but as "
                               f"{majority} in {others} other {noun}; one of them does not get "
                               f"the value it expects")

    def _defaults(self, project: Project, key: str) -> Generator[Finding, None, set[int]]:
        """Reads with different defaults; returns the ids of the reads it reported."""
        reported: set[int] = set()
        reads = [(read, _default_text(read)) for read in project.graph.reads_of(key)]
        reads = [(read, text) for read, text in reads if text is not None]
        counts = Counter(text for _, text in reads)
        if len(counts) < 2:
            return reported
        # The majority default wins; a tie goes to the first read in path order.
        first_seen = {text: i for i, (_, text) in reversed(list(enumerate(reads)))}
        majority = max(counts, key=lambda text: (counts[text], -first_seen[text]))
        types = {text: read.value_type for read, text in reads}
        for read, text in reads:
            if text == majority:
                continue
            others = counts[majority]
            noun = "read" if others == 1 else "reads"
            kind = ""
            if types[text] and types[majority] and types[text] != types[majority]:
                kind = f" ({types[text]}, not {types[majority]})"
            reported.add(id(read))
            yield self.finding(key, read.path, read.span,
                               f"Flag `{key}` is read with default `{text}`{kind} here but "
                               f"`{majority}` in {others} other {noun}; the flag behaves "
                               f"differently here when it cannot be evaluated")
        return reported
