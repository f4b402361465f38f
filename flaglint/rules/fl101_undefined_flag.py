from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from flaglint.analysis.deadcode import collection_default, number_default, yields_text
from flaglint.facts import ValueKind
from flaglint.findings import Finding, Severity
from flaglint.links.model import FlagRead
from flaglint.model.project import Project
from flaglint.presets import SETTINGS_PRESET
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
    are defined in code; `[[tool.flaglint.flag-state]]` exports declare the flags of a flag
    service. Without any registry, definition or export this rule does not run. Reads in
    test code (the `tests` globs) are not reported: tests make up keys to exercise flag code.
    Nor is a Django setting that every read outside the tests gives a value for its default
    (`getattr(settings, "APP_LIMIT", 500)`, a number other than 0 or 1, text that spells no
    boolean, or a collection written out): it holds a value, not a flag, and `flaglint
    init` does not register it.
    """

    code = "FL101"
    name = "undefined-flag"
    severity = Severity.WARNING

    def check(self, project: Project) -> Iterator[Finding]:
        if not project.has_declarations:
            return
        declared = sorted(project.records)
        services = sorted({state.source for state in project.services.states})
        places = "registry or definition" if not services else \
            f"registry, definition or {' or '.join(services)} export"
        for key in project.graph.flags():
            if key in project.records or key in project.removed:
                continue  # a removed key's reads are FL401 or FL404
            if value_setting(project.graph.reads_of(key)) is not None:
                continue
            hint = typo_of(key, declared)
            suggestion = f" (did you mean `{hint}`?)" if hint else ""
            for read in project.graph.reads_of(key):
                if read.in_test:
                    continue  # tests make up keys to exercise flag code: not a finding
                yield self.finding(key, read.path, read.span,
                                   f"Flag `{key}` is declared in no {places}; "
                                   f"nobody owns it and it never expires{suggestion}")


def value_setting(reads: Iterable[FlagRead]) -> str | None:
    """The default, as written, when every read of the key outside the tests (and outside
    the calls of its wrappers) is a Django setting's `getattr` with a default that is a
    value: a number other than 0 or 1, or text that spells no boolean (pretix's
    `getattr(settings, "PRETIX_X", 500)`, bound in no settings module; `init` registered
    it, and `clean --value` of it was refused). Such a setting holds a value, not a flag.
    None otherwise."""
    default = None
    for read in reads:
        if read.in_test or read.via is not None:
            continue  # a wrapper's call: the wrapper's own read says (the review's `limit()`)
        number = number_default(read)
        if read.api != SETTINGS_PRESET or read.default is None or (
                number in (None, 0, 1) and not yields_text(read)
                and not collection_default(read)):
            return None
        text = read.default.text
        default = json.dumps(text) if read.default.kind is ValueKind.STR else \
            f"({text})" if text[:1] not in ("(", "[", "{") and collection_default(read) else \
            text  # (a tuple's text may lack its parentheses)
    return default


def typo_of(key: str, declared: list[str]) -> str | None:
    """The declared key this one is a typo of: one or two edits away (a letter missed, added,
    changed, or two swapped), one for keys of 6 characters or fewer. Keys that only share a
    long prefix (`cost-management.backend.a` and `…backend.b`) are more than a typo apart
    when they differ in a word. A key that differs only in case (`UNIT_TEST_MODE` for
    `unit_test_mode`) is the typo of the one that does, if one does. None when no key, or
    two, are that close."""
    same_but_case = [other for other in declared if other.lower() == key.lower()]
    if len(same_but_case) == 1:
        return same_but_case[0]
    limit = 1 if len(key) <= 6 else 2
    best: list[tuple[int, str]] = []
    for other in declared:
        if abs(len(other) - len(key)) > limit:
            continue
        distance = _edits(key, other, limit)
        if distance <= limit:
            best.append((distance, other))
    best.sort()
    if not best or (len(best) > 1 and best[0][0] == best[1][0]):
        return None
    return best[0][1]


def _edits(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (Damerau-Levenshtein, adjacent swaps), stopping once
    past `limit`; of what lies between the prefix and suffix the two share, as keys that
    differ by a typo mostly do (`organizations:…`): a fifth of the work on Sentry's keys."""
    start = 0
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    end_a, end_b = len(a), len(b)
    while end_a > start and end_b > start and a[end_a - 1] == b[end_b - 1]:
        end_a -= 1
        end_b -= 1
    a, b = a[start:end_a], b[start:end_b]
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1,
                             previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]
