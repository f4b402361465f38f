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
    if decl.type is None or record.created is None:
        return None
    days = lifetimes.get(decl.type)
    if days is None:
        return None
    source = "first committed" if record.created_from_git else "created"
    return (record.created + dt.timedelta(days=days),
            f"{_article(decl.type)} {decl.type} flag lives {days} days; {source} "
            f"{record.created.isoformat()}")


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
    date the run judges by.
    """

    code = "FL201"
    name = "expired-flag"
    severity = Severity.WARNING
    needs_history = True

    def check(self, project: Project) -> Iterator[Finding]:
        for key, record in project.records.items():
            found = expiry(record, project.config.lifetimes)
            if found is None:
                continue
            expires, reason = found
            if project.today <= expires:
                continue
            days = (project.today - expires).days
            ago = "1 day" if days == 1 else f"{days} days"
            path, span = record.location
            yield self.finding(key, path, span,
                               f"Flag `{key}` expired on {expires.isoformat()}, {ago} ago "
                               f"({reason}); roll it out and remove it, or set a later "
                               f"`expires`")
