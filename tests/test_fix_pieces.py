"""A fix made on the top-level statements it edits, each parsed alone (fixes/source.py),
gives what the fix of the whole module gives: the same code, counts and refusals, on
generated modules of imports (some left unused by the fix), comments at every depth between
statements, classes, decorators and module-level reads, and on the cases that must fall
back to the whole module."""

from __future__ import annotations

import ast
import random
from functools import partial

import pytest

from flaglint.fixes import source
from flaglint.fixes.plans import FilePlan

from .test_fix_layout import fixed, module, settling
from .test_fix_layout import plan as layout_plan

READ = 'rt.client.is_enabled("on")'


def _top(rng: random.Random, index: int) -> list[str]:
    """One top-level statement, with what may stand above it."""
    lines = [""] * rng.randint(0, 3)
    if rng.random() < 0.3:
        lines.append(rng.choice(["# a comment", "    # an indented comment", "#"]))
    kind = rng.randrange(8)
    if kind == 0:
        lines.append(rng.choice(["import os", "import rt", "import os.path",
                                 "from rt import register", "from helpers import old, new",
                                 "from helpers import (\n    old,\n    new,\n)"]))
    elif kind == 1:
        lines += ["if TYPE_CHECKING:", "    from helpers import old", "    import os"]
    elif kind == 2:
        lines.append(rng.choice([f"flag_{index} = {READ}", f"LIMIT_{index} = 3",
                                 f"if {READ}:\n    MODE = 1"]))
    elif kind == 3:
        lines += [f"class K{index}:", f"    flag = {READ}", "    def m(self):",
                  f"        return old() if {READ} else new()"]
    elif kind in (4, 5):
        if rng.random() < 0.3:
            lines.append("@register")
        lines += [f"def f{index}(x):", "    # inside", f"    if {READ}:",
                  "        return old(x)", "    return new(os.path.join(x))"]
        if rng.random() < 0.4:
            lines.append("    # a footer comment of the function")
    elif kind == 6:
        lines += [f"async def g{index}():", f"    value = {READ}", "    if value:",
                  "        return 1", "    return 2"]
    else:
        lines.append(rng.choice(["__all__ = ['old', 'f1']", "x = 1; y = 2", "pass"]))
    return lines


def imports_module(seed: int) -> str:
    rng = random.Random(seed)
    lines = [rng.choice(['"""Generated."""', "# a header comment", "import rt"])]
    for index in range(rng.randint(2, 9)):
        lines += _top(rng, index)
    if rng.random() < 0.5:
        lines += ["", "# the end"]
    return "\n".join(lines) + ("\n" if rng.random() < 0.9 else "")


def plan(text: str, seed: int) -> FilePlan:
    """test_fix_layout's plan (half the reads settled, a definition sometimes deleted), and
    sometimes `os` kept as an import whose module does something."""
    target = layout_plan(text, seed)
    if random.Random(-seed).random() < 0.2:
        target.keep_imports = {"os"}
    return target


def _result(text: str, target: FilePlan) -> tuple[object, ...]:
    found = source.fix_source("m.py", text, target)
    return (found.after, found.refused, found.replaced, found.removed_branches,
            found.removed_definitions, found.removed_helpers, dict(found.removed_names),
            found.unused_imports)


def _both(monkeypatch: pytest.MonkeyPatch, make: object) -> tuple[tuple[object, ...], ...]:
    """(in pieces, whole, whether pieces were taken)."""
    taken = []
    real = source._fixed_in_pieces
    monkeypatch.setattr(source, "_fixed_in_pieces",
                        lambda *args, **kwargs: taken.append(real(*args, **kwargs)) or taken[-1])
    pieces = make()  # type: ignore[operator]
    monkeypatch.setattr(source, "_fixed_in_pieces", lambda *args, **kwargs: None)
    whole = make()  # type: ignore[operator]
    monkeypatch.undo()
    return pieces, whole, (bool(taken) and taken[0] is not None,)


def test_pieces_give_what_the_whole_module_gives(monkeypatch):
    taken = changed = pruned = deleted = 0
    for seed in range(150):
        text = imports_module(seed)
        target = plan(text, seed)
        pieces, whole, (used,) = _both(monkeypatch, partial(_result, text, target))
        assert pieces == whole, (seed, text)
        taken += used
        changed += used and pieces[0] != text
        pruned += used and len(pieces[0].splitlines()) < len(text.splitlines()) - 4  # type: ignore[union-attr]
        deleted += used and bool(pieces[4] or pieces[5])  # flag definitions, dead helpers
    for seed in range(60):  # test_fix_layout's modules: classes of methods, footers
        text = module(seed)
        pieces, whole, (used,) = _both(monkeypatch, partial(fixed, text, seed))
        assert pieces == whole, (seed, text)
        taken += used
    # The pieces were taken, not fallen back from, imports went with them and definitions
    # were deleted (when written: 99 taken, 52 changed, 16 pruned, 4 deleted)
    assert taken > 70
    assert changed > 35
    assert pruned > 8
    assert deleted > 1


def _with_footers(seed: int) -> str:
    """imports_module's module with comments and blank lines below its functions, indented
    (a block's) or not, and at its end (the module's, or the last statement's)."""
    rng = random.Random(seed)
    lines = []
    for line in imports_module(seed).split("\n"):
        lines.append(line)
        if line.startswith("    return") and rng.random() < 0.3:
            lines.append(rng.choice(["    # below, indented", "", "        # deeper",
                                     "# below, not indented"]))
    text = "\n".join(lines)
    if rng.random() < 0.4:
        text += rng.choice(["\n    # indented, at the end\n", "\n\n# the end\n", "\n\n\n",
                            "\n\n\t\n", "\n\n\f\n", "\n   \n"])
    return text


def _deleting(text: str, seed: int) -> FilePlan:
    """Settle some reads and delete some top-level functions and classes (dead helpers)."""
    rng = random.Random(seed * 7 + 1)
    tree = ast.parse(text)
    target = settling(tree, rng, 0.3)
    for node in tree.body[1:]:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and \
                rng.random() < 0.45:
            target.definitions.add((node.lineno, node.col_offset + 1))
    if rng.random() < 0.2:
        target.keep_imports = {"os"}
    return target


def test_pieces_delete_top_level_definitions_as_the_whole_module_does(monkeypatch):
    """A dead helper deleted in a piece (with the statement above it and those below up to
    one that stays) leaves what the whole module's fix leaves: its blank lines, the
    comments above it and below the block before it, the module's last lines."""
    taken = deleted = 0
    for seed in range(400):
        text = _with_footers(seed) if seed % 2 else imports_module(seed)
        target = _deleting(text, seed)
        pieces, whole, (used,) = _both(monkeypatch, partial(_result, text, target))
        assert pieces == whole, (seed, text)
        taken += used
        deleted += used and bool(pieces[5])
    assert deleted > 100  # (when written: 128 of the 142 taken)


@pytest.mark.parametrize(("text", "target"), [
    # a blank line, then one of blanks (a tab, a form feed) below the module's last statement
    ('"""d."""\nimport rt\n\n\ndef a():\n    return rt.client.is_enabled("on")\n\n\n'
     "X = 1\n\n\t\n", FilePlan(definitions={(5, 1)})),
    ("import rt\nimport os\n\n\ndef a():\n    return os.sep\n\n\ndef b():\n"
     '    return rt.client.is_enabled("on")\n\n\ndef c():\n    return 3\n\n\f\n',
     FilePlan(definitions={(9, 1)})),
    # a comment indented below a deleted method is its block's, and goes with it
    ("import rt\n\n\nclass K:\n    def m(self):\n        return 1\n        # c8\n\n\n"
     'def f():\n    return rt.client.is_enabled("on")\n', FilePlan(definitions={(5, 5)})),
])
def test_what_libcst_gives_another_way_is_left_to_the_whole_module(monkeypatch, text, target):
    """Lines libcst gives the module or a block where a piece would give them to another
    statement (the reviewer's fuzzing found them): the fix falls back to the whole module."""
    pieces, whole, (used,) = _both(monkeypatch, partial(_result, text, target))
    assert pieces == whole
    assert not used


@pytest.mark.parametrize(("text", "in_pieces"), [
    # a removed import line's blank line above it is not the module's
    ("__all__ = ('f',)\n\nimport os\n\n\ndef f():\n    if rt.client.is_enabled('on'):\n"
     "        return os.sep\n    return 1\n", True),
    # a comment indented further after a function is its block's
    ("import rt\n\ndef g():\n    return 1\n    # g's footer\nimport os\n\n\ndef f():\n"
     "    if rt.client.is_enabled('on'):\n        return os.sep\n    return 1\n", True),
    # a read in a class body: the class's own scope
    ("import rt\n\n\nclass K:\n    flag = rt.client.is_enabled('on')\n    other = flag\n",
     True),
    # the first statement edited, a read at module level: the whole module
    ("def f():\n    if rt.client.is_enabled('on'):\n        return 1\n    return 2\n", False),
    ("import rt\nflag = rt.client.is_enabled('on')\n\n\ndef f():\n    return flag\n", False),
    # a local name bound to the read in a function below a class with a block
    ("import rt\n\n\ndef f():\n    return 1\n\n\nclass K:\n    if True:\n        pass\n"
     "def g():\n    use = rt.client.is_enabled('on')\n    if use:\n        return 1\n", True),
    # `\r\n` line ends, statements sharing a line
    ("import rt\r\n\r\n\r\ndef f():\r\n    if rt.client.is_enabled('on'):\r\n"
     "        return 1\r\n    return 2\r\n", False),
    ("import rt; import os\n\n\ndef f():\n    if rt.client.is_enabled('on'):\n"
     "        return os.sep\n    return 2\n", False),
])
def test_what_pieces_take_and_leave_to_the_whole_module(monkeypatch, text, in_pieces):
    tree = ast.parse(text)
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    target = FilePlan(reads={(c.lineno, c.col_offset + 1): True for c in calls})
    pieces, whole, (used,) = _both(monkeypatch, lambda: _result(text, target))
    assert pieces == whole
    assert pieces[0] != text and pieces[1] is None
    assert used == in_pieces


def test_a_plan_moved_keeps_every_field():
    """A field FilePlan gains must be moved with the rest (or named here as not a place)."""
    import dataclasses

    target = FilePlan(reads={(3, 5): True}, definitions={(4, 1)}, imports={"os"},
                      keep_imports={"rt"}, bindings={(5, 1)}, elements={(6, 2)},
                      constants={(7, 1): {"on": True}}, parameters={(8, 1): {"p"}},
                      arguments={(9, 4): {("p", 0)}})
    assert all(getattr(target, f.name) for f in dataclasses.fields(FilePlan))
    moved = source._moved(target, -2)
    assert moved.reads == {(1, 5): True} and moved.arguments == {(7, 4): {("p", 0)}}
    assert source._moved(moved, 2) == target


def test_only_the_imports_a_fix_leaves_unused_change_what_keeping_does():
    """A check's trial keeps a file's fix by the imports it keeps that the fix left unused
    (fixes/apply.py), and asks the next time only whether those must stay: keeping every
    name the module imports gives what keeping those of them alone gives, and the fix
    reports the imports it left unused whichever it kept."""
    pruned = 0
    for seed in range(150):
        text = imports_module(seed)
        target = plan(text, seed)
        target.keep_imports = set()
        alone = source.fix_source("m.py", text, target)
        everything = {alias.asname or alias.name.split(".")[0]
                      for node in ast.walk(ast.parse(text))
                      if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
        for keep in (everything, everything & alone.unused_imports,
                     set(list(sorted(alone.unused_imports))[:1])):
            target.keep_imports = keep
            kept = source.fix_source("m.py", text, target)
            target.keep_imports = keep & alone.unused_imports
            assert _result(text, target) == (
                kept.after, kept.refused, kept.replaced, kept.removed_branches,
                kept.removed_definitions, kept.removed_helpers, dict(kept.removed_names),
                alone.unused_imports), seed
        pruned += alone.after != source.fix_source("m.py", text, target).after
    assert pruned > 10  # keeping one of them changed the fix (when written: 23 modules)
