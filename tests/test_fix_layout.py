"""The fix pass's shortcuts give what libcst alone gives: positions made for only the
statements of classes and functions a fix edits (the others laid out as blank lines, the
whole statement positioned when the pass asks about one left out), and the fixed module's code
made from the original text for the statements the fix left as they were
(fixes/positions.py). Generated modules of classes, decorators, comments, block footers and
multi-line strings are fixed with and without the shortcuts, and must come out the same."""

from __future__ import annotations

import ast
import random

import libcst as cst
import pytest

from flaglint.fixes import positions, source
from flaglint.fixes.plans import FilePlan

READ = 'rt.client.is_enabled("on")'


def _method(rng: random.Random, index: int) -> list[str]:
    lines = []
    if rng.random() < 0.3:
        lines += ["    # about the next method", ""][: rng.randint(1, 2)]
    if rng.random() < 0.3:
        lines.append("    @staticmethod" if rng.random() < 0.5 else "    @register")
        lines.append(f"    def m{index}():")
    else:
        lines.append(f"    def m{index}(self):")
    lines += [f"        a{n} = {n}" for n in range(rng.randint(0, 3))]
    if rng.random() < 0.2:  # a function in the method, its statements laid out in turn
        lines += ["        # an inner function", "        def inner(x):", "            y = x",
                  f"            if {READ}:", "                return y", "            return 0"]
    kind = rng.randrange(5)
    if kind == 0:
        lines += [f"        if {READ}:", "            return 1", "        return 2"]
    elif kind == 1:
        lines += ['        text = """one', "two", '"""', f"        return text, {READ}"]
    elif kind == 2:
        lines += [f"        use = {READ}", "        if use:", "            return 'new'",
                  "        # a footer comment of the method's block", "        return 'old'"]
    elif kind == 3:
        lines += ["        value = (1 +", "                 2)", "        return value"]
    else:
        lines += ["        for item in range(3):", "            if item and not " + READ + ":",
                  "                continue", "            # footer of the loop"]
    lines += [f"        b{n} = {n}" for n in range(rng.randint(0, 2))]
    if rng.random() < 0.3:
        lines.append("    # a comment at the class's depth")
    return lines


def module(seed: int) -> str:
    rng = random.Random(seed)
    lines = ['"""A generated module."""', "import rt", "from rt import register", ""]
    for top in range(rng.randint(1, 4)):
        lines += ["", ""]
        if rng.random() < 0.7:
            if rng.random() < 0.3:
                lines.append("@register")
            lines.append(f"class C{top}(object):")
            if rng.random() < 0.5:
                lines.append('    """Its docstring."""')
            if rng.random() < 0.3:
                lines.append(f"    flag = {READ}")
            for index in range(rng.randint(1, 6)):
                lines += [""] * rng.randint(0, 2)
                lines += _method(rng, index)
        else:
            lines += [f"def f{top}():", "    x = 1", "", f"    if {READ}:", "        return x",
                      "    # below the test", "    return 0"]
    lines += ["", "# the end", ""]
    return "\n".join(lines)


def settling(tree: ast.Module, rng: random.Random, share: float) -> FilePlan:
    """A plan that settles each read of the module by chance (`share`), to true or false."""
    target = FilePlan()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and ast.unparse(node) == READ.replace('"', "'") and \
                rng.random() < share:
            target.reads[node.lineno, node.col_offset + 1] = rng.random() < 0.5
    return target


def plan(text: str, seed: int) -> FilePlan:
    """Settle a random half of the module's reads, and delete a random definition."""
    rng = random.Random(seed)
    tree = ast.parse(text)
    target = settling(tree, rng, 0.5)
    definitions = [node for node in ast.walk(tree)
                   if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
    if definitions and rng.random() < 0.3:
        chosen = rng.choice(definitions)
        target.definitions.add((chosen.lineno, chosen.col_offset + 1))
    return target


def fixed(text: str, seed: int) -> tuple[object, ...]:
    result = source.fix_source("m.py", text, plan(text, seed))
    return (result.after, result.refused, result.replaced, result.removed_branches,
            result.removed_definitions, result.removed_helpers, dict(result.removed_names))


def test_the_shortcuts_give_what_libcst_gives(monkeypatch):
    laid_out = functions = missed = spliced = changed = 0
    original_layout = positions.StatementPositions._laid_out
    original_missing = positions.StatementPositions.__missing__
    original_code = source.edited_code

    def counting_layout(self, statement, *args):
        nonlocal laid_out, functions
        found = original_layout(self, statement, *args)
        laid_out += found is not None
        functions += found is not None and isinstance(statement, cst.FunctionDef)
        return found

    def counting_missing(self, node):
        nonlocal missed
        missed += 1
        return original_missing(self, node)

    def counting_code(before, old, new, tree):
        nonlocal spliced
        calls = []
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(cst.Module, "code", property(
                lambda self: calls.append(1) or self.code_for_node(self)))
            found = original_code(before, old, new, tree)
        spliced += not calls
        return found

    for seed in range(300):
        text = module(seed)
        # the whole module parsed: a fix made in pieces (tests/test_fix_pieces.py) is not
        monkeypatch.setattr(source, "_fixed_in_pieces", lambda *args, **kwargs: None)
        monkeypatch.setattr(positions.StatementPositions, "_laid_out", counting_layout)
        monkeypatch.setattr(positions.StatementPositions, "__missing__", counting_missing)
        monkeypatch.setattr(source, "edited_code", counting_code)
        fast = fixed(text, seed)
        monkeypatch.setattr(positions.StatementPositions, "_laid_out",
                            lambda *args, **kwargs: None)
        monkeypatch.setattr(source, "edited_code", lambda before, old, new, tree: new.code)
        full = fixed(text, seed)
        monkeypatch.undo()
        assert fast == full, text
        changed += fast[0] != text
    # The shortcuts were taken, not fallen back from: most modules are laid out and spliced
    assert changed > 200
    assert laid_out > 100
    assert functions > 100  # methods and functions laid out in their turn
    # A pass that visits every statement of a function gets its statement positioned whole;
    # only then (152 here; 428 when the nodes a layout makes anew are not given their place)
    assert 20 < missed < 200
    assert spliced > 200


@pytest.mark.parametrize(("text", "after"), [
    ("import rt\n\n\nclass A:\n    def a(self):\n        return 1\n\n    def b(self):\n"
     f"        if {READ}:\n            return 2\n        return 3\n",
     "class A:\n    def a(self):\n        return 1\n\n    def b(self):\n        return 2\n"),
    (f"import rt\nx = 1\nif {READ}:\n    y = 2\n# the end\n", "x = 1\ny = 2\n# the end\n"),
])
def test_a_settled_read_in_a_class_or_at_the_top(text, after):
    tree = ast.parse(text)
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call))
    target = FilePlan(reads={(call.lineno, call.col_offset + 1): True})
    assert source.fix_source("m.py", text, target).after == after


@pytest.mark.parametrize(("text", "value", "after"), [
    # the comment below the kept body's last line follows it (pulpcore's `# Can also
    # preload cache here possibly` was deleted with the `if`)
    (f"import rt\n\n\ndef f():\n    if {READ}:\n        purge()\n        # preload too\n"
     "    return 1\n", True, "def f():\n    purge()\n    # preload too\n    return 1\n"),
    (f"import rt\n\n\ndef f():\n    if {READ}:\n        purge()\n        # preload too\n",
     True, "def f():\n    purge()\n    # preload too\n"),
    (f"import rt\nif {READ}:\n    purge()\n    # preload too\n", True,
     "purge()\n# preload too\n"),
    # the kept `else:` keeps its comments, not the removed branch's (pulpcore's
    # `# Replace "their" domain-id with "ours"` stood above the code that strips it)
    (f"import rt\n\n\ndef f(row):\n    if {READ}:  # replace it\n        row = 1\n"
     "    # about the else\n    else:  # strip it\n        row = 2\n        # after\n"
     "    return row\n", False,
     "def f(row):\n    # about the else\n    # strip it\n    row = 2\n    # after\n"
     "    return row\n"),
    (f"import rt\n\n\ndef f(row):\n    if {READ}:  # replace it\n        row = 1\n"
     "        # after the body\n    else:  # strip it\n        row = 2\n    return row\n", True,
     "def f(row):\n    # replace it\n    row = 1\n    # after the body\n    return row\n"),
])
def test_a_collapsed_if_keeps_the_comments_of_the_branch_it_keeps(text, value, after):
    tree = ast.parse(text)
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call))
    target = FilePlan(reads={(call.lineno, call.col_offset + 1): value})
    assert source.fix_source("m.py", text, target).after == after


def test_an_edit_that_removes_every_statement_gives_libcsts_code():
    before = "import os\nx = 1\n"
    old = cst.parse_module(before)
    new = old.with_changes(body=[])
    assert positions.edited_code(before, old, new, ast.parse(before)) == new.code == "\n"


# libcst drops a line that holds only a backslash and counts the lines below it one short:
# placed by its numbers, the settled read would be the one on the line below (`c`, not `b`)
LONE = ('import rt\n\n\ndef f():\n    x = 1\n\\\n    a = rt.client.is_enabled("b")\n'
        '    b = rt.client.is_enabled("c")\n    return a, b\n')


def test_a_file_libcst_does_not_read_as_written_is_never_fixed(tmp_path, capsys):
    from flaglint.cli import main

    tree = ast.parse(LONE)
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call) and n.args[0].value == "b")
    result = source.fix_source("m.py", LONE, FilePlan(reads={(call.lineno, call.col_offset + 1):
                                                             True}))
    assert (result.after, result.refused) == (
        LONE, "line 6 holds only a backslash, which libcst does not read as written")
    crlf = LONE.replace("\n", "\r\n")
    result = source.fix_source("m.py", crlf, FilePlan(reads={(7, 9): True}))
    assert (result.after, result.refused) == (
        crlf, "line 6 holds only a backslash, which libcst does not read as written")
    # End to end: the file is named, the findings stay, nothing is written
    (tmp_path / "pyproject.toml").write_text('[tool.flaglint]\npresets = ["unleash"]\n')
    (tmp_path / "flags.toml").write_text('[flags.b]\nstatus = "rolled-out"\nvalue = true\n')
    app = LONE.replace("import rt", "from UnleashClient import UnleashClient\n\nrt = "
                       "UnleashClient()").replace("rt.client.", "rt.")
    (tmp_path / "app.py").write_text(app)
    main(["check", str(tmp_path), "--no-cache", "--select", "FL202", "--fix"])
    out, err = capsys.readouterr()
    assert "flaglint: warning: app.py not fixed: line 8 holds only a backslash, which libcst " \
           "does not read as written" in err
    assert "FL202" in out
    assert (tmp_path / "app.py").read_text() == app


def test_a_lone_backslash_in_a_string_is_read_as_written():
    text = f'import rt\nDOC = """one\n\\\ntwo"""\nif {READ}:\n    y = 2\n'
    target = FilePlan(reads={(5, 4): True})
    assert source.fix_source("m.py", text, target).after == 'DOC = """one\n\\\ntwo"""\ny = 2\n'
