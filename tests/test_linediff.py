"""Line diffs (`--diff`, SARIF fixes, the editor's edits, baselines that follow moved
lines): difflib's own answer on ordinary files; on large ones, cut first at the lines found
once on each side, a diff that still turns one text into the other."""

from __future__ import annotations

import difflib
import random
import re
import subprocess

from flaglint import linediff


def _lines(rng: random.Random, size: int) -> list[str]:
    common = ["    return x\n", "\n", "def f():\n", "    pass\n", "# note\n"]
    return [rng.choice(common) if rng.random() < 0.5 else f"line {rng.randrange(10**6)}\n"
            for _ in range(size)]


def _edited(rng: random.Random, lines: list[str]) -> list[str]:
    edited = list(lines)
    for _ in range(rng.randrange(1, 30)):
        at = rng.randrange(len(edited) + 1)
        choice = rng.random()
        if choice < 0.3 and edited:
            del edited[min(at, len(edited) - 1)]
        elif choice < 0.6:
            edited.insert(at, rng.choice(["    return x\n", "\n", f"new {at}\n"]))
        elif edited:
            edited[min(at, len(edited) - 1)] = f"changed {at}\n"
    return edited


def _patched(before: list[str], diff: str) -> list[str]:
    """Apply a unified diff to `before`'s lines."""
    out: list[str] = []
    at = 0
    lines = diff.splitlines(keepends=True)[2:]
    for line in lines:
        hunk = re.match(r"@@ -(\d+)(?:,(\d+))? ", line)
        if hunk:
            start = int(hunk.group(1)) - (0 if hunk.group(2) == "0" else 1)
            out += before[at:start]
            at = start
        elif line[0] in " -":
            assert before[at] == line[1:]
            at += 1
            if line[0] == " ":
                out.append(line[1:])
        else:
            out.append(line[1:])
    return out + before[at:]


def test_small_inputs_get_difflibs_diff_and_large_ones_a_diff_that_applies():
    rng = random.Random(26)
    large = 0
    for size in [1, 3, 20, 200, 900] * 60 + [1500, 3000, 8000] * 20:
        before = _lines(rng, size)
        after = _edited(rng, before)
        codes = linediff.opcodes(before, after)
        rebuilt = []
        for tag, i1, i2, j1, j2 in codes:
            assert (tag == "equal") == (before[i1:i2] == after[j1:j2] and i2 > i1)
            rebuilt += after[j1:j2]
        assert rebuilt == after
        diff = linediff.unified_diff("".join(before), "".join(after), "a/m.py", "b/m.py")
        if len(before) + len(after) < linediff._LARGE:
            assert diff == "".join(difflib.unified_diff(before, after, "a/m.py", "b/m.py"))
        else:
            large += 1
            assert _patched(before, diff) == after
    assert large == 60


def test_a_large_module_with_many_repeated_lines_is_cut_at_its_unique_ones():
    """A fix of every fifth read of a 12,000-function module: one replacement per read,
    found between the functions' own `def` lines (difflib alone took 29 s)."""
    functions = [f"def f{n}(x):\n    if client.is_enabled('k{n % 50}'):\n"
                 f"        return x + {n}\n    return x\n\n\n" for n in range(12_000)]
    after = [f"def f{n}(x):\n    return x + {n}\n\n\n" if n % 50 == 10 else text
             for n, text in enumerate(functions)]
    before_lines = "".join(functions).splitlines(keepends=True)
    after_lines = "".join(after).splitlines(keepends=True)
    codes = linediff.opcodes(before_lines, after_lines)
    assert sum(tag != "equal" for tag, *_ in codes) == 240
    diff = linediff.unified_diff("".join(functions), "".join(after), "a/m.py", "b/m.py")
    assert diff.count("\n@@ ") + diff.startswith("@@") == 240
    assert _patched(before_lines, diff) == after_lines


def test_a_last_line_without_a_newline_is_marked_and_git_applies_the_diff(tmp_path):
    """A registry or module whose last line has no newline: its diff ran the line into
    the next (`value = trueFlag …` in a dry run's output), and `git apply` refused it. A
    form feed inside a line is part of it, as git takes it."""
    before = "[flags.a]\nvalue = true\n\n[flags.b]\nfeed = 1 \f# x\nvalue = true"
    after = "[flags.a]\nvalue = true"
    diff = linediff.unified_diff(before, after, "a/flags.toml", "b/flags.toml")
    assert diff == ("--- a/flags.toml\n+++ b/flags.toml\n@@ -1,6 +1,2 @@\n [flags.a]\n"
                    "-value = true\n-\n-[flags.b]\n-feed = 1 \f# x\n value = true\n"
                    "\\ No newline at end of file\n")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "flags.toml").write_text(before)
    (tmp_path / "fix.diff").write_text(diff)
    subprocess.run(["git", "-C", str(tmp_path), "apply", "fix.diff"], check=True)
    assert (tmp_path / "flags.toml").read_text() == after
    assert linediff.unified_diff("x\n", "x\ny", "a/m", "b/m").endswith(
        " x\n+y\n\\ No newline at end of file\n")


def test_a_painted_diff_colours_lines_cut_at_newlines_and_leaves_the_marker():
    """A form feed inside a line ended it for the painter (its counts then ran past the
    hunk, and the next file's names were painted as lines), and the `\\ No newline` marker
    was painted bold as a file name."""
    from flaglint.reporters.text import painted_diff

    diff = linediff.unified_diff("x = 1\f  # p\n", "x = 2\f  # p\ny = 3", "a/m.py", "b/m.py") + \
        linediff.unified_diff("a\n", "b\n", "a/n.py", "b/n.py")
    bold, cyan, red, green, reset = "\x1b[1m", "\x1b[36m", "\x1b[31m", "\x1b[32m", "\x1b[0m"
    assert painted_diff(diff) == (
        f"{bold}--- a/m.py{reset}\n{bold}+++ b/m.py{reset}\n{cyan}@@ -1 +1,2 @@{reset}\n"
        f"{red}-x = 1\f  # p{reset}\n{green}+x = 2\f  # p{reset}\n{green}+y = 3{reset}\n"
        "\\ No newline at end of file\n"
        f"{bold}--- a/n.py{reset}\n{bold}+++ b/n.py{reset}\n{cyan}@@ -1 +1 @@{reset}\n"
        f"{red}-a{reset}\n{green}+b{reset}\n")
