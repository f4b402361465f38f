"""Line diffs that stay linear on large files.

`difflib.SequenceMatcher` looks for the longest match again in every stretch between two
matches: a fix of 2,400 reads spread over a 70,000-line module took it 29 s. Here, large
inputs are first cut at the lines that occur once on each side and in the same order (as
patience diff does), and difflib matches only the stretches between them. Small inputs
(most files) get difflib's own answer, so their diffs read as they always did.
"""

from __future__ import annotations

import bisect
import difflib
from collections import Counter
from collections.abc import Iterator, Sequence

Opcode = tuple[str, int, int, int, int]

_LARGE = 2_000  # lines on both sides together from which the inputs are cut first


def opcodes(a: Sequence[str], b: Sequence[str], *, autojunk: bool = False) -> list[Opcode]:
    """What turns the lines `a` into `b`, as `SequenceMatcher.get_opcodes` says it."""
    if len(a) + len(b) < _LARGE:
        return list(difflib.SequenceMatcher(None, a, b, autojunk=autojunk).get_opcodes())
    found: list[Opcode] = []
    i = j = 0
    for anchor_a, anchor_b in [*_anchors(a, b), (len(a), len(b))]:
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
                None, a[i:anchor_a], b[j:anchor_b], autojunk=False).get_opcodes():
            _add(found, (tag, i + i1, i + i2, j + j1, j + j2))
        if anchor_a < len(a):
            _add(found, ("equal", anchor_a, anchor_a + 1, anchor_b, anchor_b + 1))
        i, j = anchor_a + 1, anchor_b + 1
    return found or [("equal", 0, 0, 0, 0)]


def _add(found: list[Opcode], opcode: Opcode) -> None:
    """Append, joining an `equal` run to the one before it."""
    tag, i1, i2, j1, j2 = opcode
    if i1 == i2 and j1 == j2:
        return
    if found and tag == "equal" and found[-1][0] == "equal":
        last = found[-1]
        found[-1] = ("equal", last[1], i2, last[3], j2)
    else:
        found.append(opcode)


def _anchors(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int]]:
    """Pairs of positions of lines found once in `a` and once in `b`, the longest run of
    them in the same order on both sides."""
    count_a, count_b = Counter(a), Counter(b)
    where_b = {line: j for j, line in enumerate(b) if count_b[line] == 1}
    pairs = [(i, where_b[line]) for i, line in enumerate(a)
             if count_a[line] == 1 and line in where_b]
    # The longest increasing run of positions in `b` (patience sorting)
    tops: list[int] = []  # the smallest last `b` position of a run of each length
    ends: list[int] = []  # the index in `pairs` of that run's last pair
    before = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        length = bisect.bisect_left(tops, j)
        if length == len(tops):
            tops.append(j)
            ends.append(index)
        else:
            tops[length] = j
            ends[length] = index
        before[index] = ends[length - 1] if length else -1
    run = []
    index = ends[-1] if ends else -1
    while index >= 0:
        run.append(pairs[index])
        index = before[index]
    return run[::-1]


def unified_diff(before: str, after: str, fromfile: str, tofile: str,
                 context: int = 3) -> str:
    """`difflib.unified_diff` of the two texts' lines, with `opcodes`."""
    a, b = newline_lines(before), newline_lines(after)
    hunks = list(_hunks(opcodes(a, b, autojunk=True), context))
    if not hunks:
        return ""
    out = [f"--- {fromfile}\n", f"+++ {tofile}\n"]
    for hunk in hunks:
        first, last = hunk[0], hunk[-1]
        out.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n")
        for tag, i1, i2, j1, j2 in hunk:
            if tag == "equal":
                out += [" " + _ended(line) for line in a[i1:i2]]
                continue
            out += ["-" + _ended(line) for line in a[i1:i2]]
            out += ["+" + _ended(line) for line in b[j1:j2]]
    return "".join(out)


def newline_lines(text: str) -> list[str]:
    """The text's lines as diff and git cut them: at each newline only (a form feed or a
    vertical tab inside a line, which `str.splitlines` cuts at, is part of it)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def _ended(line: str) -> str:
    """A line of the diff: a last line without a newline is marked as diff and git mark
    it, so that `git apply` and `patch` take the diff and nothing runs on after it."""
    return line if line.endswith("\n") else f"{line}\n\\ No newline at end of file\n"


def _range(start: int, stop: int) -> str:
    """A hunk's side as unified diffs write it: `first,length`, `first` for one line."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def _hunks(found: list[Opcode], context: int) -> Iterator[list[Opcode]]:
    """The changes grouped with `context` lines around them, as difflib groups them."""
    if not found or (len(found) == 1 and found[0][0] == "equal"):
        return
    codes = list(found)
    tag, i1, i2, j1, j2 = codes[0]
    if tag == "equal":
        codes[0] = (tag, max(i1, i2 - context), i2, max(j1, j2 - context), j2)
    tag, i1, i2, j1, j2 = codes[-1]
    if tag == "equal":
        codes[-1] = (tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context))
    group: list[Opcode] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal" and i2 - i1 > 2 * context:
            group.append((tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context)))
            yield group
            group = []
            i1, j1 = max(i1, i2 - context), max(j1, j2 - context)
        group.append((tag, i1, i2, j1, j2))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        yield group
