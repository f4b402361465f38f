"""Settling flag reads in one file, with libcst.

Reads at given positions become literals (in a test or comparison whatever their value; in
any other place only when the value is a boolean, which is what boolean reads return); then
comparisons, `not`, `and`/`or`, conditional expressions and `if` statements over those
literals are simplified bottom-up. Only what a settled read decides is touched: a literal the
user wrote (`if False:`, `DEBUG = True`) is never simplified. An operand that may have a side
effect is never dropped (`audit(x) or flag()` keeps `audit(x)`); a live branch is moved out
with its comments and re-indented by libcst; statements after an exit that now always
happens are removed; dead functions and classes are deleted.

`Settler` (settler.py) is made of one part a concern: reads.py, aliases.py, signatures.py,
expressions.py and statements.py, over what they share (core.py); literals.py and syntax.py
hold the helpers they call.
"""

from flaglint.fixes.plans import Position
from flaglint.fixes.settle.settler import Settler

__all__ = ["Position", "Settler"]
