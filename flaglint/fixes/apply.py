"""Apply fixes to files: plan them from findings, transform, re-parse, write (or diff)."""

from __future__ import annotations

import ast
import contextlib
import difflib
import logging
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Mapping, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from flaglint.analysis.used_names import exported, imported, used_names
from flaglint.deep import call_deep
from flaglint.facts.light import decode_source
from flaglint.findings import Edit, EditKind, Fix
from flaglint.fixes.positions import statement_positions
from flaglint.fixes.settle import Position, Settler
from flaglint.processes import map_in_workers

log = logging.getLogger(__name__)

T = TypeVar("T")

@dataclass
class FilePlan:
    reads: dict[Position, object] = field(default_factory=dict)
    definitions: set[Position] = field(default_factory=set)
    imports: set[str] = field(default_factory=set)  # names whose imports and exports go
    keep_imports: set[str] = field(default_factory=set)  # imports whose module does something
    bindings: set[Position] = field(default_factory=set)  # `NAME = …` statements to delete
    elements: set[Position] = field(default_factory=set)  # collection elements to delete
    constants: dict[Position, dict[str, object]] = field(default_factory=dict)  # def ->
    # parameters every call passes the same literal
    parameters: dict[Position, set[str]] = field(default_factory=dict)  # def -> names to drop
    arguments: dict[Position, set[tuple[str, int]]] = field(default_factory=dict)  # call ->
    # (parameter name, position) whose argument goes


@dataclass(frozen=True, slots=True)
class FixResult:
    path: str
    before: str
    after: str  # equal to `before` when nothing changed or the fix was refused
    refused: str | None = None
    replaced: int = 0
    removed_branches: int = 0
    removed_definitions: int = 0
    # Each definition deleted, qualified within the module (`Flag.NEW`), and where its edit
    # is.
    removed_names: Mapping[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.after != self.before


@dataclass(frozen=True)
class FixScope:
    """Which fixes a run may apply, and where."""

    unsafe: bool = False  # also fixes whose flag is not pinned (retired, removed)
    tests: bool = False  # also fixes that edit test code
    editable: Callable[[str], bool] = lambda rel: True  # the named paths
    lines: Mapping[str, Set[int]] | None = None  # with --changed-since: the lines a fix may edit

    def allows(self, fix: Fix) -> bool:
        return bool(fix.edits) and (fix.safe or self.unsafe) and (self.tests or not fix.in_tests)

    def may_edit(self, edit: Edit) -> bool:
        if not self.editable(edit.path):
            return False
        return self.lines is None or edit.line in self.lines.get(edit.path, ())


def plan(fixes: Iterable[tuple[T, Fix]], blocked: Iterable[Fix], scope: FixScope,
         root: Path) -> tuple[dict[str, FilePlan], list[T]]:
    """Which edits to make in which file, and whose fixes they are. A fix is taken whole or
    not at all: not when any edit is outside the project root or the scope, nor when it
    shares an edit with a `blocked` fix (one that a suppression hides)."""
    stop = {(e.path, e.position) for fix in blocked for e in fix.edits}
    plans: dict[str, FilePlan] = {}
    chosen = []
    for owner, fix in fixes:
        if not scope.allows(fix):
            continue
        if any((e.path, e.position) in stop or not scope.may_edit(e)
               or not inside(root, e.path) for e in fix.edits):
            continue
        chosen.append(owner)
        for edit in fix.edits:
            target = plans.setdefault(edit.path, FilePlan())
            if edit.kind is EditKind.SETTLE_READ:
                target.reads[edit.position] = edit.value
            elif edit.kind is EditKind.DROP_IMPORT:
                target.imports.add(edit.name)
            elif edit.kind is EditKind.DELETE_BINDING:
                target.bindings.add(edit.position)
            elif edit.kind is EditKind.DROP_ELEMENT:
                target.elements.add(edit.position)
            elif edit.kind is EditKind.SPECIALIZE:
                target.constants.setdefault(edit.position, {})[edit.name] = edit.value
            elif edit.kind is EditKind.DROP_PARAMETER:
                target.parameters.setdefault(edit.position, set()).add(edit.name)
            elif edit.kind is EditKind.DROP_ARGUMENT:
                target.arguments.setdefault(edit.position, set()).add((edit.name,
                                                                       edit.parameter))
            else:
                target.definitions.add(edit.position)
    return plans, chosen


def inside(root: Path, rel: str) -> bool:
    """Does the file (links followed) live under the project root?"""
    try:
        return (root / rel).resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return False


def fix_source(path: str, text: str, target: FilePlan) -> FixResult:
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        return FixResult(path, text, text, refused=f"cannot parse: {error.message}")
    try:
        old_tree: ast.Module | None = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        old_tree = None  # a grammar newer than this Python's: libcst says where nodes are
    try:
        settler, changed = _settled(module, old_tree, target)
    except Exception as error:  # noqa: BLE001 - a fix we cannot make is refused, not a crash
        return FixResult(path, text, text, refused=f"the fix could not be made "
                                                   f"({type(error).__name__})")
    after = _without_lost_imports(text, module, changed, target.keep_imports, target.imports,
                                  old_tree)
    if not after.strip():
        after = ""  # everything in the file was flag code
    if after != text:
        try:
            compile(after, path, "exec", dont_inherit=True)
        except SyntaxError as error:
            return FixResult(path, text, text, refused=f"the fixed file would not parse "
                                                       f"({error.msg}, line {error.lineno})")
    return FixResult(path, text, after, replaced=settler.replaced,
                     removed_branches=settler.removed_branches,
                     removed_definitions=settler.removed_definitions,
                     removed_names=dict(settler.removed_names))


def _settled(module: cst.Module, tree: ast.Module | None, target: FilePlan
             ) -> tuple[Settler, cst.Module]:
    """The settling pass over the module, with positions made only for the top-level
    statements it visits (`tree`: Python's own parse of the module); with libcst's
    positions of every node when the running Python cannot say where the statements are,
    or a node the pass asks about has none."""
    positions = statement_positions(module, tree) if tree is not None else None
    if positions is not None:
        settler = _settler(target)
        settler.metadata = {PositionProvider: positions}
        settler.visiting = positions.exact
        try:
            return settler, module.visit(settler)
        except KeyError:  # a position not made: the pass starts again, as libcst would
            log.debug("positions of every node, for a node outside a visited statement")
    settler = _settler(target)
    return settler, MetadataWrapper(module, unsafe_skip_copy=True).visit(settler)


def _settler(target: FilePlan) -> Settler:
    return Settler(target.reads, target.definitions, target.bindings, target.parameters,
                   target.arguments, target.elements, target.constants)


class Transformed(NamedTuple):
    """A planned file fixed in memory."""

    result: FixResult
    data: bytes  # what to write


def transform(root: Path, plans: Mapping[str, FilePlan], overlay: Mapping[str, bytes]
              ) -> list[Transformed]:
    """Fix each planned file in memory, in the order of their paths: in worker processes
    when there is enough text to share out (libcst takes ~0.2 s for a large module)."""
    jobs = []
    for rel, target in sorted(plans.items()):
        data = overlay[rel] if rel in overlay else (root / rel).read_bytes()
        jobs.append((rel, data, target))
    fixed = None
    if len(jobs) > 1 and (os.cpu_count() or 1) > 1 and \
            sum(len(data) for _, data, _ in jobs) >= _PARALLEL_BYTES:
        fixed = _fix_in_workers(jobs)
    if fixed is None:
        fixed = [_fix_job(job) for job in jobs]
    return [Transformed(result, result.after.encode(_encoding(data)) if result.changed
                        else data) for (_, data, _), result in zip(jobs, fixed, strict=True)]


_PARALLEL_BYTES = 150_000  # below this, starting worker processes costs more than it saves


def _fix_job(job: tuple[str, bytes, FilePlan]) -> FixResult:
    rel, data, target = job
    return call_deep(fix_source, rel, decode_source(data), target)


def _fix_in_workers(jobs: list[tuple[str, bytes, FilePlan]]) -> list[FixResult] | None:
    """The jobs' results from forked workers, largest file first; None when a worker died
    (the caller fixes the files here instead)."""
    order = sorted(range(len(jobs)), key=lambda i: -len(jobs[i][1]))
    done = map_in_workers(_fix_job, [jobs[i] for i in order], os.cpu_count() or 1)
    if done is None:
        return None
    results: dict[int, FixResult] = dict(zip(order, done, strict=True))
    return [results[index] for index in range(len(jobs))]


class WriteError(Exception):
    """Some files could not be written: which were, which were not, and why."""

    def __init__(self, written: list[str], failed: list[tuple[str, str]],
                 unwritten: list[str]) -> None:
        super().__init__(", ".join(f"{path}: {why}" for path, why in failed))
        self.written = written
        self.failed = failed
        self.unwritten = unwritten


def write_files(root: Path, contents: Mapping[str, bytes]) -> None:
    """Write every file atomically (a temporary file renamed over it, its mode kept). Files
    that cannot be written are found before anything is written; a write that still fails
    says which files were written and which were not."""
    targets = {rel: (root / rel).resolve() for rel in sorted(contents)}
    failed = [(rel, _unwritable(root, target)) for rel, target in targets.items()]
    failed = [(rel, why) for rel, why in failed if why]
    if failed:
        raise WriteError([], failed, [rel for rel in targets if rel not in dict(failed)])
    written: list[str] = []
    for rel, target in targets.items():
        try:
            _write_atomic(target, contents[rel])
        except OSError as error:
            rest = [r for r in targets if r != rel and r not in written]
            raise WriteError(written, [(rel, error.strerror or str(error))], rest) from None
        written.append(rel)


def _unwritable(root: Path, target: Path) -> str:
    if not target.is_relative_to(root.resolve()):
        return "outside the project root"
    if not os.access(target, os.W_OK) or not os.access(target.parent, os.W_OK):
        return "permission denied"
    return ""


def _write_atomic(target: Path, data: bytes) -> None:
    mode = stat.S_IMODE(target.stat().st_mode)
    handle = tempfile.NamedTemporaryFile("wb", dir=target.parent, prefix=f".{target.name}.",  # noqa: SIM115
                                         suffix=".flaglint", delete=False)
    try:
        with handle:
            handle.write(data)
        os.chmod(handle.name, mode)
        os.replace(handle.name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        raise


def _encoding(data: bytes) -> str:
    import io
    import tokenize

    return tokenize.detect_encoding(io.BytesIO(data).readline)[0]


def unified_diff(rel: str, before: str, after: str) -> str:
    return "".join(difflib.unified_diff(before.splitlines(keepends=True),
                                        after.splitlines(keepends=True),
                                        fromfile=f"a/{rel}", tofile=f"b/{rel}"))


def _without_lost_imports(before: str, old: cst.Module, new: cst.Module,
                          keep: Set[str] = frozenset(), drop: Set[str] = frozenset(),
                          old_tree: ast.Module | None = None) -> str:
    """The code of `new` (an edit of `old`, whose code is `before` and Python's parse of
    it `old_tree`) without the imports whose last use the edit removed (and those of
    `drop`, with their `__all__` entries), unless `__all__` exports them or `keep` holds
    them (imports whose module does something)."""
    after = new.code
    if after == before and not drop:
        return after
    try:
        tree, old_tree = ast.parse(after), old_tree or ast.parse(before)
        lost = (imported(old_tree) & used_names(old_tree)) - used_names(tree) - exported(tree)
        lost = (lost - keep) | drop
    except (SyntaxError, ValueError):
        return after  # refused by the caller's compile check, or left as the edit made it
    pruned = new.visit(_PruneImports(set(lost), drop)) if lost else new
    if pruned.body and old.body and pruned.body[0] is not old.body[0]:
        pruned = _trim_top(pruned)
    return after if pruned is new else pruned.code


def prune_lost_imports(before: str, after: str) -> str:
    """`after` (an edit of `before`) without the imports it left unused: a test file whose
    patches and tests went keeps no `mock` or flag helper import that nothing uses. `after`
    as it is when it does not parse or the pruned text would not."""
    try:
        old, new = cst.parse_module(before), cst.parse_module(after)
    except cst.ParserSyntaxError:
        return after
    pruned = _without_lost_imports(before, old, new)
    try:
        compile(pruned, "<pruned>", "exec", dont_inherit=True)
    except SyntaxError:
        return after
    return pruned


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


_Carrier = TypeVar("_Carrier", cst.SimpleStatementLine, cst.BaseCompoundStatement)


class _PruneImports(cst.CSTTransformer):
    """Drop imports whose names the fix removed the last use of (and no others)."""

    def __init__(self, lost: set[str], unexport: Set[str] = frozenset()) -> None:
        super().__init__()
        self.lost = lost
        self.unexport = unexport  # names whose `__all__` entries go too
        # The blank lines of a removed import line go to the next statement of its block.
        self._carry: list[cst.EmptyLine] = []
        self._carry_depth = -1
        self._depth = 0

    def on_visit(self, node: cst.CSTNode) -> bool:
        # An expression holds no import; only `__all__`'s strings, when entries go too
        if isinstance(node, cst.BaseExpression) and not self.unexport:
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
