"""The rule codes and names, without the rules: what selecting rules and keying a cached
result need, which a run that finds its result in the cache asks without importing any
rule. `tests/test_docs_and_fixtures.py` holds it to the rules' own attributes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Entry:
    code: str
    name: str
    default_enabled: bool = True  # off-by-default rules run only when selected


CATALOGUE: tuple[Entry, ...] = (
    Entry("FL001", "parse-error"),
    Entry("FL101", "undefined-flag"),
    Entry("FL102", "unused-flag"),
    Entry("FL103", "missing-metadata"),
    Entry("FL104", "dynamic-flag-key"),
    Entry("FL105", "inconsistent-default"),
    Entry("FL201", "expired-flag"),
    Entry("FL202", "settled-flag"),
    Entry("FL203", "settled-in-config"),
    Entry("FL301", "dead-branch"),
    Entry("FL302", "dead-symbol"),
    Entry("FL401", "reused-key"),
    Entry("FL402", "repurposed-flag"),
    Entry("FL403", "overloaded-flag", default_enabled=False),
    Entry("FL404", "zombie-flag"),
    Entry("FL501", "config-drift"),
)

# Codes DESIGN.md reserves that no rule implements yet: selecting one is not an error, so a
# configuration written today keeps working.
PLANNED: tuple[str, ...] = ()


def catalogue() -> list[str]:
    """Every rule code: the rules' (the one list), and the planned ones."""
    return sorted({entry.code for entry in CATALOGUE} | set(PLANNED))


def validate_codes(prefix: str) -> bool:
    prefix = prefix.upper()
    return prefix == "ALL" or any(code.startswith(prefix) for code in catalogue())


def _matches(code: str, prefixes: tuple[str, ...]) -> bool:
    return any(code.startswith(p.upper()) or p.upper() == "ALL" for p in prefixes)


def selected_codes(select: tuple[str, ...], ignore: tuple[str, ...]) -> list[str]:
    """ruff-style prefix selection: `FL1` selects FL101…FL105; ignore wins over select."""
    chosen = [e.code for e in CATALOGUE if _matches(e.code, select)] if select else \
        [e.code for e in CATALOGUE if e.default_enabled]
    return [code for code in chosen if not _matches(code, ignore)]
