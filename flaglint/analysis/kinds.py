"""The kinds of dead code, apart from the analysis that finds them: rules name them without
importing the analysis (a run that reuses its cached result imports neither)."""

from __future__ import annotations

import enum


class DeadKind(enum.Enum):
    IF_BODY = "if body"
    ELSE = "`else` branch"
    ELIF = "`elif` branch"
    OPERAND = "operand"
    AFTER_EXIT = "code after an early exit"
    VIEW = "decorated function"
