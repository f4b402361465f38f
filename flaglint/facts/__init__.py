"""Per-file facts: what one Python file says, extracted once with libcst, with no CST nodes."""

from flaglint.facts.model import (
    Arg, Call, Constant, Definition, FileFacts, ParseError, Value, ValueKind,
)

__all__ = ["Arg", "Call", "Constant", "Definition", "FileFacts", "ParseError", "Value",
           "ValueKind"]
