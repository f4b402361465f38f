"""The rule catalogue: one rule a module; each rule's docstring is its documentation."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from flaglint.rules.catalogue import PLANNED, catalogue, selected_codes, validate_codes

if TYPE_CHECKING:  # the rules (and the model they check) load when the rules are asked
    from flaglint.rules.base import Rule

__all__ = ["PLANNED", "all_rules", "catalogue", "rules_for", "select_rules",
           "selected_codes", "validate_codes"]


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
    codes = set(selected_codes(select, ignore))
    return [rule for rule in rules if rule.code in codes]


def rules_for(codes: Iterable[str]) -> list[Rule]:
    """The rules of these codes, in catalogue order."""
    wanted = set(codes)
    return [rule for rule in all_rules() if rule.code in wanted]
