"""Per-file facts: what one Python file says, extracted once with libcst, with no CST nodes."""

from flaglint.facts.model import (
    Arg,
    Call,
    Cond,
    CondOp,
    Constant,
    Definition,
    FileFacts,
    Guard,
    GuardKind,
    ParseError,
    Value,
    ValueKind,
)

__all__ = ["Arg", "Call", "Cond", "CondOp", "Constant", "Definition", "FileFacts", "Guard",
           "GuardKind", "ParseError", "Value", "ValueKind"]
