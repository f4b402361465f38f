"""Apply fixes to files: plan them from findings, transform, re-parse, write (or diff)."""

from __future__ import annotations

import difflib
import logging
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import libcst as cst
from libcst.metadata import MetadataWrapper

from flaglint.facts.extract import decode_source
from flaglint.findings import Finding
from flaglint.fixes.transform import Position, Settler

log = logging.getLogger(__name__)

FIXABLE = ("FL202", "FL301", "FL302")


@dataclass
class FilePlan:
    reads: dict[Position, object] = field(default_factory=dict)
    definitions: set[Position] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class FixResult:
    path: str
    before: str
    after: str  # equal to `before` when nothing changed or the fix was refused
    refused: str | None = None
    replaced: int = 0
    removed_branches: int = 0
    removed_definitions: int = 0

    @property
    def changed(self) -> bool:
        return self.after != self.before


def plan(project: object, findings: Iterable[Finding], unsafe: bool,
         keys: set[str] | None = None) -> dict[str, FilePlan]:
    """What to change in which file, for the findings whose fix may be applied."""
    from flaglint.engine import Project

    assert isinstance(project, Project)
    reads_by_key: dict[tuple[str, str], list[tuple[Position, object]]] = {}
    for read in project.linked.reads:
        settled = project.dead.settled.get((read.path, read.call))
        if settled is not None and (settled.safe or unsafe):
            reads_by_key.setdefault((read.path, settled.key), []).append(
                ((read.span.line, read.span.column), settled.value))
    plans: dict[str, FilePlan] = {}
    for finding in findings:
        if finding.code not in FIXABLE or finding.fix is None:
            continue
        if not (finding.fix.safe or unsafe) or (keys is not None and finding.flag not in keys):
            continue
        target = plans.setdefault(finding.path, FilePlan())
        if finding.code == "FL302":
            target.definitions.add((finding.span.line, finding.span.column))
        else:
            for position, value in reads_by_key.get((finding.path, finding.flag or ""), ()):
                if finding.code == "FL301" or position == (finding.span.line,
                                                           finding.span.column):
                    target.reads[position] = value
    return plans


def fix_source(path: str, text: str, target: FilePlan) -> FixResult:
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        return FixResult(path, text, text, refused=f"cannot parse: {error.message}")
    settler = Settler(target.reads, target.definitions)
    changed = MetadataWrapper(module).visit(settler)
    # Imports whose last use the fix removed go too, unless a string still names them
    # (`__all__`, a re-export): those are uses no parser sees.
    lost = _names(module) - _names(changed) - _strings(changed)
    if lost:
        changed = changed.visit(_PruneImports(set(lost)))
    if changed.body and module.body and changed.body[0] is not module.body[0]:
        changed = _trim_top(changed)
    after = changed.code
    if not after.strip():
        after = ""  # everything in the file was flag code
    if after != text:
        try:
            compile(after, path, "exec", dont_inherit=True)
        except SyntaxError as error:
            return FixResult(path, text, text, refused=f"the fixed file would not parse "
                                                       f"({error.msg}, line {error.lineno})")
    return FixResult(path, text, after, None, settler.replaced, settler.removed_branches,
                     settler.removed_definitions)


def apply(root: Path, plans: Mapping[str, FilePlan], overlay: dict[Path, bytes] | None,
          write: bool) -> list[FixResult]:
    """Fix each planned file; write it, or only record it in `overlay` (for --dry-run)."""
    results = []
    for rel, target in sorted(plans.items()):
        path = (root / rel).resolve()
        data = overlay[path] if overlay is not None and path in overlay else path.read_bytes()
        encoding = _encoding(data)
        result = fix_source(rel, decode_source(data), target)
        results.append(result)
        if not result.changed:
            continue
        encoded = result.after.encode(encoding)
        if overlay is not None:
            overlay[path] = encoded
        if write:
            path.write_bytes(encoded)
    return results


def _encoding(data: bytes) -> str:
    import io
    import tokenize

    return tokenize.detect_encoding(io.BytesIO(data).readline)[0]


def unified_diff(rel: str, before: str, after: str) -> str:
    return "".join(difflib.unified_diff(before.splitlines(keepends=True),
                                        after.splitlines(keepends=True),
                                        fromfile=f"a/{rel}", tofile=f"b/{rel}"))


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


class _NameCounter(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: Counter[str] = Counter()

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.names[node.value] += 1


def _names(module: cst.Module) -> set[str]:
    counter = _NameCounter()
    module.visit(counter)
    return set(counter.names)


class _StringCollector(cst.CSTVisitor):
    def __init__(self) -> None:
        self.values: set[str] = set()

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        value = node.evaluated_value
        if isinstance(value, str):
            self.values.add(value)


def _strings(module: cst.Module) -> set[str]:
    collector = _StringCollector()
    module.visit(collector)
    return collector.values


_Carrier = TypeVar("_Carrier", cst.SimpleStatementLine, cst.BaseCompoundStatement)


class _PruneImports(cst.CSTTransformer):
    """Drop imports whose names the fix removed the last use of (and no others)."""

    def __init__(self, lost: set[str]) -> None:
        super().__init__()
        self.lost = lost
        # The blank lines of a removed import line go to the next statement of its block.
        self._carry: list[cst.EmptyLine] = []
        self._carry_depth = -1
        self._depth = 0

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

    def _bound(self, alias: cst.ImportAlias, from_import: bool) -> str:
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            return alias.asname.name.value
        name: cst.BaseExpression = alias.name
        while isinstance(name, cst.Attribute) and not from_import:
            name = name.value  # `import a.b` binds `a`
        if isinstance(name, cst.Name):
            return name.value
        return name.attr.value if isinstance(name, cst.Attribute) else ""

    def _prune(self, names: tuple[cst.ImportAlias, ...], from_import: bool
               ) -> list[cst.ImportAlias]:
        kept = [a for a in names if self._bound(a, from_import) not in self.lost]
        if kept and kept[-1].comma is not cst.MaybeSentinel.DEFAULT:
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return kept

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import
                     ) -> cst.Import | cst.RemovalSentinel:
        kept = self._prune(tuple(updated_node.names), False)
        if len(kept) == len(updated_node.names):
            return updated_node
        return updated_node.with_changes(names=kept) if kept else cst.RemovalSentinel.REMOVE

    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
                         ) -> cst.ImportFrom | cst.RemovalSentinel:
        if isinstance(updated_node.names, cst.ImportStar):
            return updated_node
        kept = self._prune(tuple(updated_node.names), True)
        if len(kept) == len(updated_node.names):
            return updated_node
        if not kept:
            return cst.RemovalSentinel.REMOVE
        return updated_node.with_changes(names=kept)
