from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from flaglint.findings import Finding, Severity
from flaglint.model.project import FlagRecord, Project
from flaglint.rules.base import Rule
from flaglint.sources.registry import Status


def expiry(record: FlagRecord, lifetimes: dict[str, int | None]) -> tuple[dt.date, str] | None:
    """When the flag expires and why, or None when it never does (or cannot be known)."""
    decl = record.decl
    if decl is None or decl.status is not Status.ACTIVE:
        return None
    if decl.expires is not None:
        return decl.expires, "its `expires` date"
    if decl.temporary is False:
        return None  # the flag service keeps it as a permanent flag
    # A temporary flag of no known type lives as long as a release flag.
    kind = decl.type or ("release" if decl.temporary else None)
    if kind is None or record.created is None:
        return None
    days = lifetimes.get(kind)
    if days is None:
        return None
    source = "first committed" if record.created_from_git else "created"
    what = f"{_article(kind)} {kind} flag" if decl.type else f"a temporary flag in {decl.source}"
    return (record.created + dt.timedelta(days=days),
            f"{what} lives {days} days; {source} {record.created.isoformat()}")


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


class ExpiredFlag(Rule):
    """
    ## What it does
    Reports an active flag past its `expires` date or, without one, past its creation date
    plus the lifetime of its type (release 40 days, experiment 40, operational 7;
    kill-switch and permission flags never expire). The creation date is `created`, or the
    date of the commit that first added the key when the project is a git repository.

    ## Why is this bad?
    Release and experiment flags are meant to be temporary. An expired flag is a branch
    nobody intends to keep both sides of: the longer it lives, the more code hides behind
    the side that never runs.

    ## Example
    ```toml
    [flags.new_router]
    type = "release"
    created = 2026-01-10          # today is 2026-11-23: 277 days past its 40
    ```

    ## Use instead
    Roll the flag out and remove it (`status = "rolled-out"`, then `flaglint clean`), or, if
    it must stay, say until when:
    ```toml
    [flags.new_router]
    type = "release"
    created = 2026-01-10
    expires = 2027-01-31
    ```

    ## Fix safety
    No fix.

    ## Options
    `[tool.flaglint.lifetimes]` overrides the lifetime (days) of a type; `--today` sets the
    date the run judges by. A flag a `[[tool.flaglint.flag-state]]` export declares is
    reported when the service marks it stale, or by its creation date and type (a temporary
    flag of no type lives as long as a release flag; a permanent one never expires).
    """

    code = "FL201"
    name = "expired-flag"
    severity = Severity.WARNING
    needs_history = True

    def check(self, project: Project) -> Iterator[Finding]:
        for key, record in project.records.items():
            decl = record.decl
            if decl is not None and decl.stale and decl.status is Status.ACTIVE:
                path, span = record.location
                yield self.finding(key, path, span,
                                   f"Flag `{key}` is marked stale in {decl.source}; roll it "
                                   f"out and remove it (`flaglint clean {key}` once one value "
                                   f"serves everyone), or mark it not stale there")
                continue
            found = expiry(record, project.config.lifetimes)
            if found is None:
                continue
            expires, reason = found
            if project.today <= expires:
                continue
            days = (project.today - expires).days
            ago = "1 day" if days == 1 else f"{days} days"
            path, span = record.location
            later = "set a later `expires`" if record.decl is None or \
                record.decl.from_registry else f"mark it permanent in {record.decl.source}"
            yield self.finding(key, path, span,
                               f"Flag `{key}` expired on {expires.isoformat()}, {ago} ago "
                               f"({reason}); roll it out and remove it, or {later}")
