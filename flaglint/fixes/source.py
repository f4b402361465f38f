"""Fix one file's source: libcst's parse, the settling pass, the imports whose last use it
removed, and the check that the result parses. Only the processes that fix files import it
(and libcst with it): a run starts them before it analyses, so they import it meanwhile."""

from __future__ import annotations

import ast
import builtins
import itertools
import logging
import re
import symtable
from collections.abc import Set
from typing import Any, TypeVar

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from flaglint.analysis.references import line_starts
from flaglint.analysis.used_names import exported, imported, used_names
from flaglint.fixes.plans import FilePlan, FixResult, Position
from flaglint.fixes.positions import (
    edited_code,
    first_line,
    paired,
    statement_positions,
)
from flaglint.fixes.settle import Settler

log = logging.getLogger(__name__)

_LONE_BACKSLASH = re.compile(r"^[ \t\f]*\\\r?$", re.MULTILINE)  # a line joined to the next


def fix_source(path: str, text: str, target: FilePlan) -> FixResult:
    lone = _LONE_BACKSLASH.search(text)
    try:
        old_tree: ast.Module | None = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        old_tree = None  # a grammar newer than this Python's: libcst says where nodes are
    # `bool(x)` is the builtin's truth of `x` unless the module binds `bool` itself
    builtin = old_tree is not None and not ("bool" in text and _binds(old_tree, "bool"))
    if old_tree is not None and lone is None:
        fixed = _fixed_in_pieces(path, text, old_tree, target, builtin_bool=builtin)
        if fixed is not None:
            return fixed
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        return FixResult(path, text, text, refused=f"cannot parse: {error.message}")
    if lone is not None and module.code != text:
        # libcst drops the line and counts the lines below it one short, where the plan
        # counts as Python does: an edit could land on the line below its read
        line = text.count("\n", 0, lone.start()) + 1
        return FixResult(path, text, text, refused=f"line {line} holds only a backslash, "
                                                   f"which libcst does not read as written")
    try:
        settler, changed = _settled(module, old_tree, target, builtin_bool=builtin)
    except Exception as error:  # noqa: BLE001 - a fix we cannot make is refused, not a crash
        return FixResult(path, text, text, refused=f"the fix could not be made "
                                                   f"({type(error).__name__})")
    after, unused = _without_lost_imports(text, module, changed, target.keep_imports,
                                          target.imports, old_tree)
    return _checked(path, text, after, settler.replaced, settler.removed_branches,
                    settler.removed_definitions, dict(settler.removed_names), unused,
                    removed_helpers=settler.removed_helpers)


def _checked(path: str, text: str, after: str, replaced: int, removed_branches: int,
             removed_definitions: int, removed_names: dict[str, Position],
             unused: frozenset[str] = frozenset(), *, removed_helpers: int = 0) -> FixResult:
    """The result of a fix whose code is `after`, refused when it would not compile
    (`unused`: the imports the edit left unused, `keep_imports` aside)."""
    if not after.strip():
        after = ""  # everything in the file was flag code
    if after != text:
        try:
            compile(after, path, "exec", dont_inherit=True)
        except SyntaxError as error:
            return FixResult(path, text, text, refused=f"the fixed file would not parse "
                                                       f"({error.msg}, line {error.lineno})",
                             unused_imports=unused)
        # (a definition the fix deletes is checked for what names it by the caller, in
        # every file: `rounds.still_referred`)
        unbound = [(name, where) for name, where in unbound_after(text, after)
                   if name not in removed_names]
        if unbound:
            said = ", ".join(f"`{name}` (in {where})" for name, where in unbound)
            return FixResult(path, text, text, refused=f"the fixed file would still read "
                                                       f"{said}, which only the removed code "
                                                       f"bound; delete or change what reads "
                                                       f"{'it' if len(unbound) == 1 else 'them'}"
                                                       f" by hand, then fix again",
                             unused_imports=unused)
    return FixResult(path, text, after, replaced=replaced, removed_branches=removed_branches,
                     removed_definitions=removed_definitions, removed_names=removed_names,
                     unused_imports=unused, removed_helpers=removed_helpers)


def unbound_after(text: str, after: str) -> list[tuple[str, str]]:
    """The names code left reads that nothing binds any more, each with the first scope
    that reads it (`ldap_login`, or "the module"): a read Python resolves to the module
    where the module binds no such name, which the text before did not have (an import or
    assignment in a branch the fix removed, at the module's top, Open WebUI's `if
    ENABLE_LDAP.value: from ldap3 import Server`, or in the function itself). Python's own
    symbol tables say which scope reads what. None where a star import may bind anything."""
    try:
        before, now = _unresolved(text), _unresolved(after)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    if before is None or now is None:
        return []
    new: dict[str, str] = {}
    for name, where in now:
        if (name, where) not in before:
            new.setdefault(name, where)
    return sorted(new.items())


_BUILTINS = frozenset(dir(builtins)) | {"__file__", "__name__", "__doc__", "__spec__",
                                        "__package__", "__loader__", "__path__",
                                        "__builtins__", "__annotations__", "__dict__"}


def _module_bound(table: symtable.SymbolTable) -> set[str]:
    """The names a module binds at its top (in its branches too), and those its functions
    assign as `global`."""
    bound = {symbol.get_name() for symbol in table.get_symbols()
             if symbol.is_assigned() or symbol.is_imported() or symbol.is_namespace()}
    pending = list(table.get_children())
    while pending:
        inner = pending.pop()
        bound |= {symbol.get_name() for symbol in inner.get_symbols()
                  if symbol.is_declared_global() and symbol.is_assigned()}
        pending += inner.get_children()
    return bound


def _unresolved(text: str) -> list[tuple[str, str]] | None:
    """Each read of a name the module binds nowhere, with the scope that reads it, in the
    module's order (builtins aside); None where a star import may bind any name."""
    if "import" in text and re.search(r"\bimport\s+\*|\bimport\s*\(\s*\*", text):
        return None
    table = symtable.symtable(text, "<module>", "exec")
    bound = _module_bound(table)
    found: list[tuple[str, str]] = []

    def visit(scope: symtable.SymbolTable, where: str) -> None:
        module = scope.get_type() == "module"
        for symbol in scope.get_symbols():
            name = symbol.get_name()
            if symbol.is_referenced() and name not in bound and name not in _BUILTINS and (
                    module or symbol.is_global()):
                found.append((name, where))
        for inner in scope.get_children():
            visit(inner, f"`{inner.get_name()}`" if module else where)

    visit(table, "the module")
    return found


# -- a fix made on the statements it edits, each parsed alone ------------------------------
#
# libcst's parse of a whole module is two fifths of a fix's time, and most of a module is
# statements the fix does not edit. When every edited line is inside top-level functions and
# classes (not the first statement), each of them is parsed and settled alone, with the
# lines above it back to the statement before, and its new code put in its place. One the
# fix deletes (a dead helper) is parsed with the statement before it, which decides whose
# the lines between are (libcst gives the lines at the top of a module to the module, and
# lines indented below a block to that block), and the statements after it up to one that
# stays, which gets the deleted one's blank lines (or with the rest of the module, when
# none stays). The imports the fix leaves unused go the same way, each top-level statement
# that holds one parsed with the statement before it and the one after it (which gets the
# lines of a removed import line). Anything else (a module-level edit, a pass that asks what
# the module binds, `\r` line ends, statements sharing a line) is fixed with the whole module
# parsed, which gives the same result: tests/test_fix_pieces.py.

_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_INDENTED = re.compile(r"^[ \t\f]+(?:#|$)", re.MULTILINE)  # a comment or blanks


def _fixed_in_pieces(path: str, text: str, tree: ast.Module, target: FilePlan, *,
                     builtin_bool: bool = True) -> FixResult | None:
    """The fix made statement by statement, or None where it cannot be (see above)."""
    body = tree.body
    edited = _settler(target).edited_lines
    if "\r" in text or target.imports or not edited or _shares_a_line(body):
        return None
    spans = [(first_line(statement), statement.end_lineno or 0) for statement in body]
    owners = {next((i for i, (a, b) in enumerate(spans) if a <= line <= b), None)
              for line in edited}  # the top-level statement of each edited line
    if None in owners or 0 in owners or \
            not all(isinstance(body[i], _DEFINITIONS) for i in owners if i is not None):
        return None
    deleted = {i for i in owners if i is not None and
               (body[i].lineno, body[i].col_offset + 1) in target.definitions}
    starts = _line_starts(text)
    if _INDENTED.search(text, starts[min(spans[-1][1], len(starts) - 1)]):
        # libcst gives the module's last lines, below its last statement, another way when
        # an indented line (a comment, blanks) stands among them: the whole module says
        return None
    pieces: list[tuple[int, int, str]] = []
    replaced = removed_branches = removed_definitions = removed_helpers = 0
    removed_names: dict[str, Position] = {}
    for first, last in _groups(sorted(i for i in owners if i is not None), deleted,
                               len(body)):
        if last < len(body) - 1 and last in owners and _INDENTED.search(
                text, starts[spans[last][1]], starts[spans[last + 1][0] - 1]):
            return None  # an indented line below it is its block's, which the edit changes
        above = spans[first - 1][1] if first else 0  # the line before the piece
        low = starts[above]
        high = len(text) if last == len(body) - 1 and last in deleted else \
            starts[min(spans[last][1], len(starts) - 1)]
        piece = text[low:high]
        try:
            module = cst.parse_module(piece)
            settler, changed = _settled(module, ast.parse(piece), _moved(target, -above),
                                        builtin_bool=builtin_bool)
        except Exception:  # noqa: BLE001 - the whole module's parse says what is wrong
            return None
        kept = [old for index, old in zip(range(first, last + 1), module.body, strict=True)
                if index not in deleted]
        if settler.module_scope_asked or len(module.body) != last - first + 1 or \
                len(changed.body) != len(kept) or \
                any(new is not old and not isinstance(new, type(old))
                    for new, old in zip(changed.body, kept, strict=True)):
            return None
        pieces.append((low, high, changed.code))
        replaced += settler.replaced
        removed_branches += settler.removed_branches
        removed_definitions += settler.removed_definitions
        removed_helpers += settler.removed_helpers
        removed_names.update({name: (line + above, column)
                              for name, (line, column) in settler.removed_names.items()})
    after = _spliced(text, pieces)
    unused: frozenset[str] = frozenset()
    if after != text:
        pruned = _pruned_in_pieces(after, tree, target.keep_imports)
        if pruned is None:
            return None
        after, unused = pruned
    return _checked(path, text, after, replaced, removed_branches, removed_definitions,
                    removed_names, unused, removed_helpers=removed_helpers)


def _groups(edited: list[int], deleted: Set[int], count: int) -> list[tuple[int, int]]:
    """The runs of top-level statements (first, last), in order, each parsed as one piece:
    an edited statement alone; one deleted with the statement before it and those after it
    up to the first that stays (the last of the module, when none does)."""
    groups: list[list[int]] = []
    for index in edited:
        if groups and index <= groups[-1][1]:
            continue  # in the run before, as a statement after a deleted one
        first, last = (index - 1 if index in deleted else index), index
        while last in deleted and last < count - 1:
            last += 1
        if groups and first <= groups[-1][1]:
            groups[-1][1] = last
        else:
            groups.append([first, last])
    return [(first, last) for first, last in groups]


def _pruned_in_pieces(after: str, old_tree: ast.Module, keep: Set[str]
                      ) -> tuple[str, frozenset[str]] | None:
    """`after` without the imports the edit left unused (`keep` aside), as
    `_without_lost_imports` prunes them, and those imports; or None where the pieces
    cannot say."""
    try:
        tree = ast.parse(after)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return after, frozenset()  # refused by the caller's compile check, as the whole
        # module's is
    unused = _unused_imports(old_tree, tree)
    lost = _lost_imports(unused, keep, frozenset())
    if not lost:
        return after, unused
    body = tree.body
    if _shares_a_line(body):
        return None
    holding = [k for k, statement in enumerate(body) if _holds_import(statement, lost)]
    wanted = sorted({j for k in holding for j in (k, k + 1) if j < len(body)})
    starts = _line_starts(after)
    pieces: list[tuple[int, int, str]] = []
    run: list[int] = []
    for index in [*wanted, -1]:
        if run and index == run[-1] + 1:
            run.append(index)
            continue
        if run:
            # With the statement before the first (unchanged: it holds none of the imports),
            # which decides, as in the whole module, which lines above the first are its own
            # (libcst gives the lines at the top of a module to the module instead).
            first, last = run[0], run[-1]
            above = body[first - 2].end_lineno or 0 if first > 1 else 0
            # (and the lines below the module's last statement, when it is the last: the
            # module's, which libcst gives back to what stays above)
            low = starts[above]
            high = len(after) if last == len(body) - 1 else \
                starts[min(body[last].end_lineno or 0, len(starts) - 1)]
            piece = after[low:high]
            try:
                module = cst.parse_module(piece)
                pruned = module.visit(_PruneImports(set(lost), frozenset(), _holding_no_import(
                    module, ast.parse(piece), lost)))
            except Exception:  # noqa: BLE001 - the whole module's pruning decides
                return None
            if not first and pruned.body and module.body and pruned.body[0] is not \
                    module.body[0]:
                pruned = _trim_top(pruned)
            pieces.append((low, high, pruned.code))
        run = [index]
    return _spliced(after, pieces), unused


def _unused_imports(old_tree: ast.Module, tree: ast.Module) -> frozenset[str]:
    """The imported names the edit (from `old_tree` to `tree`) removed the last use of,
    unless exported. Only these of a fix's `keep_imports` change what it makes: the result
    is the same for every keep set that holds the same of them (`fixes/apply.py`)."""
    return frozenset((imported(old_tree) & used_names(old_tree)) - used_names(tree)
                     - exported(tree))


def _lost_imports(unused: Set[str], keep: Set[str], drop: Set[str]) -> set[str]:
    """The names whose imports go: those left `unused`, unless kept (their module does
    something), and `drop`."""
    return (set(unused) - keep) | drop


def _holds_import(statement: ast.stmt, names: Set[str]) -> bool:
    """Does the statement hold an import of any of these names (`import a.b` binds `a`)?"""
    return any(isinstance(node, (ast.Import, ast.ImportFrom)) and
               any((a.asname or a.name.split(".")[0]) in names or a.name in names
                   for a in node.names)
               for node in ast.walk(statement))


def _shares_a_line(body: list[ast.stmt]) -> bool:
    """Do two top-level statements stand on one line (`import os; x = 1`)?"""
    return any((a.end_lineno or 0) >= b.lineno for a, b in itertools.pairwise(body))


def _line_starts(text: str) -> list[int]:
    """Where each line starts (`starts[n]`: line n + 1), then the end of the text."""
    starts = line_starts(text)
    return starts if starts[-1] == len(text) else [*starts, len(text)]


def _spliced(text: str, pieces: list[tuple[int, int, str]]) -> str:
    parts = []
    done = 0
    for low, high, code in pieces:
        parts += [text[done:low], code]
        done = high
    parts.append(text[done:])
    return "".join(parts)


def _moved(target: FilePlan, lines: int) -> FilePlan:
    """The plan with every position `lines` lines lower (up, when negative)."""
    def at(position: Position) -> Position:
        return position[0] + lines, position[1]

    return FilePlan(reads={at(p): v for p, v in target.reads.items()},
                    definitions={at(p) for p in target.definitions},
                    imports=set(target.imports), keep_imports=set(target.keep_imports),
                    bindings={at(p) for p in target.bindings},
                    elements={at(p) for p in target.elements},
                    constants={at(p): v for p, v in target.constants.items()},
                    parameters={at(p): v for p, v in target.parameters.items()},
                    arguments={at(p): v for p, v in target.arguments.items()})


def _settled(module: cst.Module, tree: ast.Module | None, target: FilePlan, *,
             builtin_bool: bool = True) -> tuple[Settler, cst.Module]:
    """The settling pass over the module, with positions made only for the top-level
    statements it visits (`tree`: Python's own parse of the module); with libcst's
    positions of every node when the running Python cannot say where the statements are,
    or a node the pass asks about has none."""
    settler = _settler(target, builtin_bool=builtin_bool)
    positions = statement_positions(module, tree, settler.edited_lines) if tree is not None \
        else None
    if positions is not None:
        settler.metadata = {PositionProvider: positions}
        settler.visiting = positions.exact
        try:
            return settler, module.visit(settler)
        except KeyError:  # a position not made: the pass starts again, as libcst would
            log.debug("positions of every node, for a node outside a visited statement")
    settler = _settler(target, builtin_bool=builtin_bool)
    return settler, MetadataWrapper(module, unsafe_skip_copy=True).visit(settler)


def _settler(target: FilePlan, *, builtin_bool: bool = True) -> Settler:
    settler = Settler(target.reads, target.definitions, target.bindings, target.parameters,
                      target.arguments, target.elements, target.constants)
    settler.builtin_bool = builtin_bool
    return settler


def _binds(tree: ast.Module, name: str) -> bool:
    """Does the module bind this name anywhere (an assignment, a definition, a parameter,
    an import, `except … as`, a pattern)?"""
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            found = node.id
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found = node.name
        elif isinstance(node, ast.arg):
            found = node.arg
        elif isinstance(node, ast.alias):
            found = node.asname or node.name.split(".")[0]
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
            found = node.name or ""
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            if name in node.names:
                return True
            continue
        else:
            continue
        if found == name:
            return True
    return False


def _without_lost_imports(before: str, old: cst.Module, new: cst.Module,
                          keep: Set[str] = frozenset(), drop: Set[str] = frozenset(),
                          old_tree: ast.Module | None = None) -> tuple[str, frozenset[str]]:
    """The code of `new` (an edit of `old`, whose code is `before` and Python's parse of
    it `old_tree`) without the imports whose last use the edit removed (and those of
    `drop`, with their `__all__` entries), unless `__all__` exports them or `keep` holds
    them (imports whose module does something); and the imports the edit left unused."""
    try:
        old_tree = old_tree or ast.parse(before)
    except (SyntaxError, ValueError):
        old_tree = None
    after = edited_code(before, old, new, old_tree) if old_tree is not None else new.code
    if after == before and not drop:
        return after, frozenset()
    try:
        tree, old_tree = ast.parse(after), old_tree or ast.parse(before)
        unused = _unused_imports(old_tree, tree)
    except (SyntaxError, ValueError):
        # refused by the caller's compile check, or left as the edit made it
        return after, frozenset()
    lost = _lost_imports(unused, keep, drop)
    pruned = new.visit(_PruneImports(set(lost), drop, _holding_no_import(new, tree, lost)
                                     if not drop else frozenset())) if lost else new
    if pruned.body and old.body and pruned.body[0] is not old.body[0]:
        pruned = _trim_top(pruned)
    return after if pruned is new else edited_code(after, new, pruned, tree), unused


def prune_lost_imports(before: str, after: str) -> str:
    """`after` (an edit of `before`) without the imports it left unused: a test file whose
    patches and tests went keeps no `mock` or flag helper import that nothing uses. `after`
    as it is when it does not parse or the pruned text would not. Which imports went unused
    is Python's parse of both texts to say; libcst parses only `after`, to prune it (and
    not at all when none went: its parser is ~10x slower)."""
    try:
        tree = ast.parse(after)
        lost = _unused_imports(ast.parse(before), tree)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return after
    if not lost:
        return after
    try:
        new = cst.parse_module(after)
    except cst.ParserSyntaxError:
        return after
    pruned = new.visit(_PruneImports(set(lost), frozenset(),
                                     _holding_no_import(new, tree, lost)))
    if pruned.body and new.body:
        pruned = _trim_top(pruned)
    result = edited_code(after, new, pruned, tree)
    try:
        compile(result, "<pruned>", "exec", dont_inherit=True)
    except SyntaxError:
        return after
    return result


def _trim_top(module: cst.Module) -> cst.Module:
    """No blank lines at the top of a module whose first statement the fix removed."""
    first = module.body[0]
    lines = list(first.leading_lines)
    while lines and lines[0].comment is None:
        lines.pop(0)
    if len(lines) == len(first.leading_lines):
        return module
    return module.with_changes(body=[first.with_changes(leading_lines=lines),
                                     *module.body[1:]])


def _holding_no_import(module: cst.Module, tree: ast.Module, names: Set[str]
                       ) -> frozenset[int]:
    """id() of the top-level statements of `module` (whose parse is `tree`) that hold no
    import of these names: pruning leaves them unvisited."""
    pairs = paired(list(module.body), tree.body)
    if pairs is None:
        return frozenset()
    return frozenset(id(statement) for statement, inner in pairs
                     if not any(_holds_import(part, names) for part in inner))


_Carrier = TypeVar("_Carrier", cst.SimpleStatementLine, cst.BaseCompoundStatement)


class _PruneImports(cst.CSTTransformer):
    """Drop imports whose names the fix removed the last use of (and no others)."""

    def __init__(self, lost: set[str], unexport: Set[str] = frozenset(),
                 skip: frozenset[int] = frozenset()) -> None:
        super().__init__()
        self.lost = lost
        self.unexport = unexport  # names whose `__all__` entries go too
        self.skip = skip  # id() of top-level statements that hold none of these imports
        # The blank lines of a removed import line go to the next statement of its block.
        self._carry: list[cst.EmptyLine] = []
        self._carry_depth = -1
        self._depth = 0

    def on_visit(self, node: cst.CSTNode) -> bool:
        # An expression holds no import; only `__all__`'s strings, when entries go too
        if (isinstance(node, cst.BaseExpression) and not self.unexport) or id(node) in self.skip:
            return False
        return super().on_visit(node)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._depth += 1

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock,
                            updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        if self._carry_depth == self._depth:
            self._carry = []
        self._depth -= 1
        return updated_node

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine,
                                  updated_node: cst.SimpleStatementLine
                                  ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        if not updated_node.body:
            if not self._carry:
                self._carry, self._carry_depth = list(original_node.leading_lines), self._depth
            return cst.RemovalSentinel.REMOVE
        return self._give(updated_node)

    def on_leave(self, original_node: Any, updated_node: Any) -> Any:
        result = super().on_leave(original_node, updated_node)
        if isinstance(result, cst.BaseCompoundStatement):
            return self._give(result)
        return result

    def _give(self, statement: _Carrier) -> _Carrier:
        if not self._carry or self._carry_depth != self._depth:
            return statement
        carry, self._carry = self._carry, []
        if not statement.leading_lines:
            return statement.with_changes(leading_lines=carry)
        return statement

    def leave_Try(self, original_node: cst.Try, updated_node: cst.Try
                  ) -> cst.Try | cst.RemovalSentinel:
        """A `try` whose body held only imports that go: gone with its handlers when they
        only bind those names again (`except ImportError: price = None`), else kept whole
        (`try: pass` would be left, and a handler that does more may matter)."""
        if updated_node.body.body or not original_node.body.body:
            return updated_node
        if updated_node.orelse is None and updated_node.finalbody is None and all(
                self._binds_lost(handler.body) for handler in updated_node.handlers):
            if not self._carry:
                self._carry, self._carry_depth = list(original_node.leading_lines), self._depth
            return cst.RemovalSentinel.REMOVE
        return original_node

    def _binds_lost(self, body: cst.BaseSuite) -> bool:
        """Does this block only bind names whose imports go, to a name or a literal (or
        `pass`)?"""
        lines = body.body if isinstance(body, cst.IndentedBlock) else (body,)
        for line in lines:
            if not isinstance(line, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
                return False
            for small in line.body:
                if isinstance(small, cst.Pass):
                    continue
                if not isinstance(small, cst.Assign) or not isinstance(
                        small.value, (cst.Name, cst.BaseNumber, cst.SimpleString)) or not all(
                        isinstance(t.target, cst.Name) and t.target.value in self.lost
                        for t in small.targets):
                    return False
        return True

    def _bound(self, alias: cst.ImportAlias, *, from_import: bool) -> str:
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            return alias.asname.name.value
        name: cst.BaseExpression = alias.name
        while isinstance(name, cst.Attribute) and not from_import:
            name = name.value  # `import a.b` binds `a`
        if isinstance(name, cst.Name):
            return name.value
        return name.attr.value if isinstance(name, cst.Attribute) else ""

    def _prune(self, names: tuple[cst.ImportAlias, ...], *, from_import: bool
               ) -> list[cst.ImportAlias]:
        kept = [a for a in names if self._bound(a, from_import=from_import) not in self.lost]
        if kept and names and kept[-1] is not names[-1]:
            # The new last name ends as the old last one did: `(A,\n    B,\n)` without B
            # keeps its trailing comma and the line break before `)`; `A, B` becomes `A`.
            kept[-1] = kept[-1].with_changes(comma=names[-1].comma)
        return kept

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import
                     ) -> cst.Import | cst.RemovalSentinel:
        kept = self._prune(tuple(updated_node.names), from_import=False)
        if len(kept) == len(updated_node.names):
            return updated_node
        return updated_node.with_changes(names=kept) if kept else cst.RemovalSentinel.REMOVE

    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
                         ) -> cst.ImportFrom | cst.RemovalSentinel:
        if isinstance(updated_node.names, cst.ImportStar):
            return updated_node
        kept = self._prune(tuple(updated_node.names), from_import=True)
        if len(kept) == len(updated_node.names):
            return updated_node
        if not kept:
            return cst.RemovalSentinel.REMOVE
        return updated_node.with_changes(names=kept)

    def leave_Element(self, original_node: cst.Element, updated_node: cst.Element
                      ) -> cst.Element | cst.RemovalSentinel:
        value = updated_node.value
        if isinstance(value, cst.SimpleString) and value.evaluated_value in self.unexport:
            return cst.RemovalSentinel.REMOVE
        return updated_node
