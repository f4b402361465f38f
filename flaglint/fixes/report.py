"""What the fixes of one command changed, file by file, held in memory until written."""

from __future__ import annotations

import bisect
import dataclasses
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from flaglint.analysis.references import Place
from flaglint.fixes.apply import unified_diff, write_files
from flaglint.fixes.plans import FixResult
from flaglint.linediff import opcodes


@dataclass(frozen=True, slots=True)
class Blocked:
    """An edit refused: what something in the project still refers to, and where."""

    path: str
    position: tuple[int, int]  # where the edit is
    name: str  # the definition, qualified within its module
    places: tuple[Place, ...]  # what refers to it
    outcome: str = "not deleted"  # what became of the edit

    def describe(self) -> str:
        """The edit and the first five places that refer to it (and how many more)."""
        more = len(self.places) - 5
        return (f"{self.path}:{self.position[0]}: `{self.name}` {self.outcome}: "
                f"{'; '.join(map(str, self.places[:5]))}" +
                (f"; and {more} more" if more > 0 else ""))

    def paths(self) -> set[str]:
        return {self.path, *(place.path for place in self.places)}


class Fixed(NamedTuple):
    """Findings of one rule in one file that the fixes removed (counted in a Counter)."""

    path: str
    code: str
    rule: str


@dataclass
class FixReport:
    """What the fixes changed: per file the first `before` and the last `after`."""

    results: dict[str, FixResult] = field(default_factory=dict)
    refused: list[FixResult] = field(default_factory=list)
    overlay: dict[str, bytes] = field(default_factory=dict)  # path -> the fixed bytes
    fixes: Counter[Fixed] = field(default_factory=Counter)  # the findings the fixes removed
    tests: set[str] = field(default_factory=set)  # changed paths that are test code
    # Per flag whose reads the fixes settled, the tests left setting it otherwise (to the
    # other value, or to a variable): `path:line \`name\``; they ran under the code that went
    tests_otherwise: dict[str, list[str]] = field(default_factory=dict)
    # Wrappers of a flag the fixes settled that nothing in the project names any more
    # (`path:line \`name\``): the fixes replaced their calls; `clean` deletes them
    wrappers_left: list[str] = field(default_factory=list)
    blocked: list[Blocked] = field(default_factory=list)  # deletions refused, with why

    # The text of each file a refusal names, when it was refused (None: as on disk), to
    # tell where its lines are once later edits moved them.
    _seen: dict[Blocked, dict[str, bytes | None]] = field(default_factory=dict)

    def block(self, refusal: Blocked) -> None:
        if refusal not in self.blocked:
            # a later round's refusal of the same deletion says what still refers to it now
            self.blocked = [b for b in self.blocked
                            if (b.path, b.name) != (refusal.path, refusal.name)]
            self.blocked.append(refusal)
            self._seen[refusal] = {path: self.overlay.get(path) for path in refusal.paths()}

    def refusals(self, *, written: bool = True) -> list[Blocked]:
        """The refused edits, where they are in the files as finally changed (`written`),
        else as they are on disk still (a dry run: `clean --dry-run`, `check --fix --diff`):
        once each (a later round refuses again, at the lines of its own text, what an
        earlier refused)."""
        moved = dict.fromkeys(self._moved(refusal, written=written) for refusal in self.blocked)
        return sorted(moved, key=lambda b: (b.path, b.position, b.name))

    def _moved(self, refusal: Blocked, *, written: bool) -> Blocked:
        lines = {path: line_map(self._text_then(path, seen), self._text_now(path) if written
                                 else self._text_then(path, None))
                 for path, seen in self._seen.get(refusal, {}).items()}

        def line(path: str, number: int) -> int:
            return lines[path](number) if path in lines and number else number

        return dataclasses.replace(
            refusal, position=(line(refusal.path, refusal.position[0]), refusal.position[1]),
            places=tuple(p._replace(line=line(p.path, p.line)) for p in refusal.places))

    def _text_then(self, path: str, seen: bytes | None) -> str | None:
        if seen is not None:
            return seen.decode("utf-8", "replace")
        result = self.results.get(path)
        return result.before if result is not None else None

    def on_disk(self, path: str, line: int) -> int:
        """Where a line of the file as the fixes left it is in the file as it was (a dry
        run's account points at the file it did not write)."""
        return line_map(self._text_now(path), self._text_then(path, None))(line)

    def _text_now(self, path: str) -> str | None:
        result = self.results.get(path)
        return result.after if result is not None else None

    def record(self, result: FixResult) -> None:
        if result.refused is not None:
            if all(r.path != result.path for r in self.refused):
                self.refused.append(result)
            return
        # A deletion refused in one round and made in a later one (once the patch that
        # named it went) is no refusal.
        self.blocked = [b for b in self.blocked
                        if b.path != result.path or b.name not in result.removed_names]
        first = self.results.get(result.path)
        if first is None:
            self.results[result.path] = result
        else:
            self.results[result.path] = dataclasses.replace(
                result, before=first.before, replaced=first.replaced + result.replaced,
                removed_branches=first.removed_branches + result.removed_branches,
                removed_definitions=first.removed_definitions + result.removed_definitions,
                removed_helpers=first.removed_helpers + result.removed_helpers,
                removed_names={**first.removed_names, **result.removed_names})

    @property
    def fixed(self) -> int:
        """How many findings the fixes removed."""
        return sum(self.fixes.values())

    @property
    def changed(self) -> list[FixResult]:
        return [r for _, r in sorted(self.results.items()) if r.before != r.after]

    def diff(self) -> str:
        return "".join(unified_diff(r.path, r.before, r.after) for r in self.changed)

    def write(self, root: Path) -> None:
        write_files(root, {r.path: self.overlay[r.path] for r in self.changed})


def line_map(before: str | None, after: str | None) -> Callable[[int], int]:
    """Where each line of `before` is in `after` (a line that went: where it stood; a line
    only indented otherwise, as a collapsed branch's body is: where it is, by its text)."""
    if before is None or after is None or before == after:
        return lambda number: number
    old, new = before.splitlines(), after.splitlines()
    spans = [(i1, i2, j1, j2, tag) for tag, i1, i2, j1, j2 in opcodes(old, new) if i2 > i1]
    starts = [span[0] for span in spans]

    def moved(number: int) -> int:
        index = number - 1
        at = bisect.bisect_right(starts, index) - 1
        if at < 0 or index >= spans[at][1]:
            return number
        i1, _, j1, j2, tag = spans[at]
        if tag == "equal":
            return j1 + index - i1 + 1
        text = old[index].strip()
        return next((k + 1 for k in range(j1, j2) if text and new[k].strip() == text), j1 + 1)

    return moved
