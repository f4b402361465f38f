"""What a round of fixes asks of one file (`FilePlan`) and what fixing it gave
(`FixResult`): plain data that crosses into the worker processes that fix files and back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

Position = tuple[int, int]  # 1-based line and column where a node starts


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
    # The imports the fix left unused before `keep_imports` spared any: only these of a
    # plan's `keep_imports` change its result (`fixes/apply.py` keeps it by them alone)
    unused_imports: frozenset[str] = frozenset()
    removed_helpers: int = 0  # dead functions and classes (`removed_definitions`: the flag's)

    @property
    def changed(self) -> bool:
        return self.after != self.before


@dataclass(frozen=True, slots=True)
class KeptFix:
    """A file's fix as the cache keeps it: its result without the file's path and text
    (what it is kept by already names them)."""

    after: str | None  # None when nothing changed or the fix was refused
    refused: str | None
    replaced: int
    removed_branches: int
    removed_definitions: int
    removed_names: Mapping[str, tuple[int, int]]
    unused_imports: frozenset[str]  # no default: an entry kept without it is made again
    removed_helpers: int

    @classmethod
    def of(cls, result: FixResult) -> KeptFix:
        return cls(result.after if result.changed else None, result.refused, result.replaced,
                   result.removed_branches, result.removed_definitions,
                   dict(result.removed_names), result.unused_imports, result.removed_helpers)

    def result(self, path: str, before: str) -> FixResult:
        return FixResult(path, before, before if self.after is None else self.after,
                         self.refused, self.replaced, self.removed_branches,
                         self.removed_definitions, dict(self.removed_names),
                         self.unused_imports, self.removed_helpers)
