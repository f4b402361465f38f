"""What the fixes of one command changed, file by file, held in memory until written."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from flaglint.fixes.apply import FixResult, unified_diff, write_files


@dataclass(frozen=True, slots=True)
class Blocked:
    """A deletion refused: what something in the project still refers to, and where."""

    path: str
    position: tuple[int, int]  # where the deletion's edit is
    name: str  # the definition, qualified within its module
    places: tuple[str, ...]  # `path:line:column: why` of what refers to it

    def describe(self) -> str:
        return (f"{self.path}:{self.position[0]}: `{self.name}` not deleted: "
                f"{'; '.join(self.places)}")


@dataclass
class FixReport:
    """What the fixes changed: per file the first `before` and the last `after`."""

    results: dict[str, FixResult] = field(default_factory=dict)
    refused: list[FixResult] = field(default_factory=list)
    overlay: dict[str, bytes] = field(default_factory=dict)  # path -> the fixed bytes
    fixed: int = 0  # findings the fixes removed
    tests: set[str] = field(default_factory=set)  # changed paths that are test code
    blocked: list[Blocked] = field(default_factory=list)  # deletions refused, with why

    def block(self, refusal: Blocked) -> None:
        if refusal not in self.blocked:
            self.blocked.append(refusal)

    def record(self, result: FixResult) -> None:
        if result.refused is not None:
            if all(r.path != result.path for r in self.refused):
                self.refused.append(result)
            return
        first = self.results.get(result.path)
        if first is None:
            self.results[result.path] = result
        else:
            self.results[result.path] = dataclasses.replace(
                result, before=first.before, replaced=first.replaced + result.replaced,
                removed_branches=first.removed_branches + result.removed_branches,
                removed_definitions=first.removed_definitions + result.removed_definitions,
                removed_names={**first.removed_names, **result.removed_names})

    @property
    def changed(self) -> list[FixResult]:
        return [r for _, r in sorted(self.results.items()) if r.before != r.after]

    def diff(self) -> str:
        return "".join(unified_diff(r.path, r.before, r.after) for r in self.changed)

    def write(self, root: Path) -> None:
        write_files(root, {r.path: self.overlay[r.path] for r in self.changed})
