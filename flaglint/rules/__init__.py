"""The rule catalogue: one rule a module; each rule's docstring is its documentation."""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from flaglint.findings import Finding, Fix, Related, Severity, Span

if TYPE_CHECKING:
    from flaglint.engine import Project

DOC_HEADINGS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety",
                "Options")


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    fixable: ClassVar[bool] = False
    default_enabled: ClassVar[bool] = True  # off-by-default rules run only when selected
    # What a rule asks of the engine beyond the code and the registry:
    needs_history: ClassVar[bool] = False  # the git history of keys (said when it is missing)
    # In a `--diff` run, its findings are kept when the change touched their flag, wherever
    # they point (a reuse is new when the key is, not when its line is).
    by_flag_in_diff: ClassVar[bool] = False

    def check(self, project: Project) -> Iterable[Finding]:
        raise NotImplementedError

    def finding(self, flag: str | None, path: str, span: Span, message: str,
                fix: Fix | None = None, related: tuple[Related, ...] = ()) -> Finding:
        return Finding(self.code, self.name, self.severity, flag, path, span, message, fix,
                       related)

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")


def all_rules() -> list[Rule]:
    from flaglint.rules.fl001_parse_error import ParseErrorRule
    from flaglint.rules.fl101_undefined_flag import UndefinedFlag
    from flaglint.rules.fl102_unused_flag import UnusedFlag
    from flaglint.rules.fl103_missing_metadata import MissingMetadata
    from flaglint.rules.fl104_dynamic_flag_key import DynamicFlagKey
    from flaglint.rules.fl105_inconsistent_default import InconsistentDefault
    from flaglint.rules.fl201_expired_flag import ExpiredFlag
    from flaglint.rules.fl202_settled_flag import SettledFlag
    from flaglint.rules.fl203_settled_in_config import SettledInConfig
    from flaglint.rules.fl301_dead_branch import DeadBranch
    from flaglint.rules.fl302_dead_symbol import DeadSymbol
    from flaglint.rules.fl401_reused_key import ReusedKey
    from flaglint.rules.fl402_repurposed_flag import RepurposedFlag
    from flaglint.rules.fl403_overloaded_flag import OverloadedFlag
    from flaglint.rules.fl404_zombie_flag import ZombieFlag
    from flaglint.rules.fl501_config_drift import ConfigDrift

    return [ParseErrorRule(), UndefinedFlag(), UnusedFlag(), MissingMetadata(),
            DynamicFlagKey(), InconsistentDefault(), ExpiredFlag(), SettledFlag(),
            SettledInConfig(), DeadBranch(), DeadSymbol(), ReusedKey(), RepurposedFlag(),
            OverloadedFlag(), ZombieFlag(), ConfigDrift()]


def select_rules(rules: list[Rule], select: tuple[str, ...],
                 ignore: tuple[str, ...]) -> list[Rule]:
    """ruff-style prefix selection: `FL1` selects FL101…FL105; ignore wins over select."""
    def matches(rule: Rule, prefixes: tuple[str, ...]) -> bool:
        return any(rule.code.startswith(p.upper()) or p.upper() == "ALL" for p in prefixes)

    chosen = [r for r in rules if matches(r, select)] if select else \
        [r for r in rules if r.default_enabled]
    return [r for r in chosen if not matches(r, ignore)]


def format_value(value: object) -> str:
    """A flag value as TOML writes it: true, 3, "blue"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


# Codes DESIGN.md reserves that no rule implements yet: selecting one is not an error, so a
# configuration written today keeps working.
PLANNED: tuple[str, ...] = ()


def catalogue() -> list[str]:
    """Every rule code: the rules' own (the one list), and the planned ones."""
    return sorted({rule.code for rule in all_rules()} | set(PLANNED))


def validate_codes(prefix: str) -> bool:
    prefix = prefix.upper()
    return prefix == "ALL" or any(code.startswith(prefix) for code in catalogue())
