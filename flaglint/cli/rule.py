"""`flaglint rule [CODE]`: the list of rules, or one rule's documentation."""

from __future__ import annotations

from typing import TextIO

from flaglint.cli.options import EXIT_OK, UsageError


def run_rule(code: str | None, stream: TextIO) -> int:
    from flaglint.rules import all_rules

    rules = all_rules()
    if code is None:
        for rule in rules:
            stream.write(f"{rule.code}  {rule.name:<22} {rule.severity.value}\n")
        return EXIT_OK
    for rule in rules:
        if rule.code == code.upper() or rule.name == code.lower():
            stream.write(f"# {rule.code} {rule.name}\n\n{rule.documentation()}\n")
            return EXIT_OK
    raise UsageError(f"unknown rule {code!r}; `flaglint rule` lists them")
