"""The value `clean KEY --value V` settles a flag to, checked against what the project
shows of the flag."""

from __future__ import annotations

import math
import re

from flaglint.analysis.deadcode import collection_default, number_default
from flaglint.facts import CondOp, ValueKind
from flaglint.model.project import Project
from flaglint.sources.registry import FlagValue


class CleanError(Exception):
    """`clean` cannot run as asked (an unknown flag, a value the flag cannot have)."""


_TRUE, _FALSE = ("true", "on", "yes", "1"), ("false", "off", "no", "0")


def parse_value(text: str) -> FlagValue:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return text


def flag_value(project: Project, key: str, text: str) -> FlagValue:
    """`--value` checked against what the project shows of the flag: a boolean flag takes
    true/false (on/off, yes/no, 1/0), a flag with variants one of them, a flag whose type
    nothing shows a boolean or a number (prefect's `X = Setting(int, default=3)`, read by
    `.value()`), never a word it cannot check (`--value ture` would settle a truthy
    string)."""
    numbers = _number_defaults(project, key)
    if numbers:  # Wagtail's `getattr(settings, "WAGTAILADMIN_RECENT_EDITS_LIMIT", 5)`
        number = _number(text)
        if number is not None:
            return number
        if any(value not in (0, 1) for _, value in numbers):  # (0 and 1: a boolean's too)
            raise CleanError(f"--value {text}: the reads of `{key}` default to numbers "
                             f"({', '.join(where for where, _ in numbers[:3])}): it holds a "
                             f"number, not an on or off; give the number it settles to")
    collections = [f"{read.path}:{read.span.line} `{read.default.text}`"
                   for read in project.graph.reads_of(key)
                   if read.default is not None and collection_default(read)]
    if collections:  # django-helpdesk's `getattr(settings, "HELPDESK_X_EXCLUDE", ())`
        raise CleanError(f"--value {text}: the reads of `{key}` default to collections "
                         f"({', '.join(collections[:3])}): it holds a value, not an on or "
                         f"off; remove its registry entry by hand")
    variants = flag_variants(project, key)
    decl = project.registry.flags.get(key)
    types = {r.value_type for r in project.graph.reads_of(key) if r.value_type}
    if decl is not None and decl.value is not None:
        types.add("bool" if isinstance(decl.value, bool) else type(decl.value).__name__)
    lowered = text.lower()
    if variants and text in variants:
        return text
    if types <= {"bool"} and not variants:
        if lowered in _TRUE or lowered in _FALSE:
            return lowered in _TRUE
        if not types and re.fullmatch(r"-?\d+", text):
            return int(text)
        if types:
            raise CleanError(f"--value {text}: flag `{key}` is a boolean flag; use true or "
                             f"false")
        raise CleanError(f"--value {text}: nothing in the project shows what type flag "
                         f"`{key}` has, nor a variant its reads are compared with; use true, "
                         f"false or a number")
    if variants:
        known = ", ".join(sorted(variants))
        raise CleanError(f"--value {text}: flag `{key}` is compared with the variants {known}; "
                         f"use one of them")
    return parse_value(text)


def _number_defaults(project: Project, key: str) -> list[tuple[str, int | float]]:
    """`path:line` (`default`) of the flag's reads whose default is a number, not a
    boolean, with that number."""
    found = []
    for read in project.graph.reads_of(key):
        number = number_default(read)
        if number is not None and read.default is not None:
            found.append((f"{read.path}:{read.span.line} `{read.default.text}`", number))
    return found


def _number(text: str) -> int | float | None:
    """The number `--value` spells, if it spells one (`10`, `-2`, `0.25`)."""
    for kind in (int, float):
        try:
            number = kind(text)
        except ValueError:
            continue
        return number if math.isfinite(number) else None  # (`nan`, `inf`: no literal)
    return None


def flag_variants(project: Project, key: str) -> set[str]:
    """Strings the project compares the flag's reads with, and its string values."""
    reads = {(r.path, r.call) for r in project.graph.reads_of(key)}
    found = set()
    for path in sorted({path for path, _ in reads}):  # only the files that read the flag
        facts = project.files.facts_of(path)
        for guard in facts.guards if facts is not None else ():
            stack = [guard.test]
            while stack:
                cond = stack.pop()
                stack.extend(cond.operands)
                if cond.op is CondOp.COMPARE and (path, cond.call) in reads:
                    found |= {v.text for v in cond.values if v.kind is ValueKind.STR}
    decl = project.registry.flags.get(key)
    if decl is not None and isinstance(decl.value, str):
        found.add(decl.value)
    return found
