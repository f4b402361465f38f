"""Python's own parser and libcst yield the same facts.

Facts come from `ast` (ten times cheaper); libcst reads only the files the running Python
cannot. Both must agree on every call, guard, definition, constant and position, or a file
would be judged differently depending on the interpreter. Two things are not compared: the
span of an expression that flag reads cannot decide (libcst places `{}` and `[]` as empty
ranges), and the shortened source text of an arbitrary argument (libcst drops comments
inside its parentheses) — neither reaches a finding or a fix.
"""

from __future__ import annotations

import textwrap
from dataclasses import fields, is_dataclass, replace
from pathlib import Path

import pytest

from flaglint.facts import Cond, CondOp, FileFacts, Value, ValueKind
from flaglint.facts.cst_facts import extract_cst
from flaglint.facts.extract import extract
from flaglint.facts.light import count_lines, decode_source
from flaglint.suppressions import Suppressions

from .programs import Program

REPO = Path(__file__).parent.parent

TRICKY = {
    "decorators": """
        import flags
        from app.gates import gate as g

        @flags.on("beta")
        @ (g)
        @g("x") # a comment
        def view(request, *, strict=False, limit=-3, name="n"):
            return request

        class Page(Base, metaclass=Meta):
            @staticmethod
            def build(a, b=2.5):
                return a
    """,
    "if_elif_else": """
        def route(order):
            if flag("a") and ready(): # why
                x = 1; y = 2;
            elif not flag("b"):
                pass
            # a comment before else

            else :
                return (order,)
            if flag("c"): return 1
            if flag("d"):
                return 2
            tail()
            value = fast() if flag("e") else (slow(), 1)
            both = flag("f") or flag("g") or {}
    """,
    "aliases_and_loops": """
        def handler(record=True):
            use = flag("k")
            if use:
                run()
            if record_as_success:
                record = True
            for item, *rest in items:
                again = flag("z")
            count += 1
            total: int = 0
            typed: bool = flag("t")
            if typed:
                run()
            shared = flag("s")

            def clear():
                nonlocal shared
                shared = False
            if shared:
                run()
            return await client.is_enabled("async")
    """,
    "strings_and_templates": """
        NS = "shop"
        KEY = f"{NS}.new_ui"
        OTHER = NS + ".old" + "_ui"
        JOINED = "new_" "ui"
        MIXED = "pre." f"{NS}"
        ESCAPED = f"{NS}\\n{{literal}}"
        features.has(KEY, org); features.has("organizations:" f"{NS}", org)
        features.has(f"{NS}.x", *args, key=1, **kw)
        print(sum(x for x in range(3)), sorted((y for y in z), key=len))
        unicode = "é"; features.has("ü", "é", f(μ))
    """,
    "scopes": """
        from . import sibling
        from ..pkg import parent as p
        import a.b.c
        import d.e as de
        if TYPE_CHECKING:
            from typing import Any
        try:
            import fast
        except ImportError as error:
            fast = None
        with lock:
            SHARED = "s"

        class Flags:
            NEW = "new"

            def read(self, key=NEW):
                global COUNTER
                yield self.client.is_enabled(key)
                lambda: flag("in_lambda") and other()

        async def poll():
            async for event in stream():
                nonlocal_ish = [flag(k) for k in keys if k]
            async with session() as s:
                await s.get({"a": flag("d"), **extra})
            match command:
                case {"flag": key, **rest}:
                    flag(key)
                case Point(x=0) as origin:
                    pass
    """,
    "a module named as what it defines": """
        from app.legacy import legacy
        from .x.y import y
        import a.b as b

        y(legacy, b)
    """,
    "values taken apart": """
        from app.features import get_flag, make_client
        from django.conf import settings

        if get_flag("theme").startswith("d") and settings.FEATURE_X.real:
            label = get_flag("theme").upper() + "/" + get_flag("theme")[0]
            path = "/etc/" + settings.FLAGS_FILE + get_flag("f")()
        if make_client().is_enabled("on") and (get_flag("p")).x:
            pass

        async def waited(user):
            kept = (await get_flag("w")).upper(), user in get_flag("i"), [*get_flag("s")]
            return f(*get_flag("a")), get_flag("c") in (1, 2), await get_flag("v")

        def aliased(name):
            excluded = settings.FEATURE_EXCLUDE
            kept = get_flag("k") or get_flag("m")
            tested = get_flag("t")
            if tested:
                pass
            for n in get_flag("n"):
                pass
            return name in excluded, kept[0], [x for x in settings.FEATURE_Y]
    """,
}


# A parameter named as the module's reader: its default reads the module's `conf`
SIGNATURES = """
    from app.cfg import conf

    class Trigger:
        def __init__(self, conf=None, deferrable=conf.getboolean("ops", "deferrable")) -> conf.T:
            self.conf = conf.get("x")

    def outer(conf):
        def inner(flag=conf.getboolean("ops", "inner"), *, other: conf.X = None):
            return conf.getboolean("ops", "local")
        return inner
"""
TRICKY["signatures"] = SIGNATURES
TRICKY["names bound otherwise"] = """
    import contextlib
    from app.flags import flag


    def w(v, items):
        a = flag("a")
        with contextlib.nullcontext(v) as a:
            pass
        if (b := flag("b")):
            pass
        try:
            pass
        except ValueError as c:
            pass
        from os import sep as d
        match v:
            case {"k": e, **rest}:
                pass
            case [*others]:
                pass
        g = lambda a, *more, k=flag("k"), **kw: 1 if a else 0
        h = [1 if a else 0 for a, (x, *y) in items if flag(a)]
        s = {a for a in items}
        m = {a: b for a, b in items}
        gen = (a for a in items)

        class Inner:
            a = flag("i")
            v = 1 if a else 0

        def a():
            return 0
        with (x if flag("w") else y) as w:
            pass
        try:
            pass
        except (E if flag("t") else F) as t:
            pass

        @deco(z := flag("z"))
        def zz(q=(z := 1)) -> (z := 2):
            return q
        return a, b, c, d, e, rest, others, g, h, s, m, gen, Inner, w, t, z, zz


    def order(x, y):
        a = flag("a")
        with (x if a else y) as a:
            pass
        b = flag("b")
        try:
            pass
        except (x if b else y) as b:
            pass


    from app.star import *
    top = flag("top")
    if top:
        pass
"""


def _comparable(value: object) -> object:
    """Facts with the two uncompared parts blanked."""
    if isinstance(value, Cond) and value.op is CondOp.OPAQUE:
        return replace(value, span=None)  # type: ignore[arg-type]
    if isinstance(value, Value) and value.kind is ValueKind.OTHER:
        return replace(value, text="")
    if isinstance(value, tuple):
        return tuple(_comparable(v) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: _comparable(getattr(value, f.name))  # type: ignore[arg-type]
                                 for f in fields(value) if is_dataclass(getattr(value, f.name))
                                 or isinstance(getattr(value, f.name), tuple)})
    return value


def both(source: str, path: str = "app/mod.py") -> tuple[FileFacts, FileFacts]:
    data = source.encode()
    from_ast = extract(data, path, "app.mod", is_package=False)
    text = decode_source(data)
    from_cst = extract_cst(text, path, "app.mod", count_lines(text), Suppressions.scan(text),
                           is_package=False)
    return from_ast, from_cst


def assert_same(source: str, path: str = "app/mod.py") -> None:
    from_ast, from_cst = both(source, path)
    assert from_ast.error is None
    for field in fields(FileFacts):
        a, c = getattr(from_ast, field.name), getattr(from_cst, field.name)
        assert _comparable(a) == _comparable(c), f"{path}: {field.name} differs"


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_code_gives_the_same_facts(name):
    assert_same(textwrap.dedent(TRICKY[name]), f"{name}.py")


def test_both_readers_mark_the_reads_whose_value_is_taken_apart():
    """`Call.operand` (a read never replaced by a literal): the same calls and attribute
    reads from Python's parser and from libcst, and only those taken apart."""
    source = textwrap.dedent(TRICKY["values taken apart"])
    attributes = frozenset({"FEATURE_*", "FLAGS_FILE"})
    from_ast = extract(source.encode(), "v.py", "app.v", is_package=False,
                       attributes=attributes)
    from_cst = extract_cst(source, "v.py", "app.v", count_lines(source),
                           Suppressions.scan(source), attributes, is_package=False)
    assert _comparable(from_ast.calls) == _comparable(from_cst.calls)
    assert [(c.span.line, c.span.column) for c in from_ast.calls if not c.operand] == [
        (5, 4), (8, 4), (12, 12), (13, 12), (13, 31), (13, 62), (18, 14)]  # the `if`
    # tests' own calls (`….startswith("d")`, `….is_enabled`), `….upper()`, `f(…)`, a read
    # compared, a read awaited, a read whose name is only tested (pretix's `excluded =
    # settings.FEATURE_EXCLUDE`, then `name in excluded`, the reads `kept` may hold and is
    # indexed, and reads iterated: taken apart)


THROUGH_NAMES = """
    from app.features import get_flag

    MODULE = get_flag("module")


    def module_constant(name):
        return name in MODULE


    def set_global():
        global G
        G = get_flag("global")


    def use_global(name):
        return name in G


    def closure(name):
        excluded = get_flag("closure")

        def inner():
            return name in excluded
        return inner()


    def loop(name):
        for i in range(2):
            if i:
                print(name in x)
            x = get_flag("loop")


    def pairs(name):
        a, b = get_flag("pairs"), 1
        c, = get_flag("unpacked")
        return name in a


    def either(name, c):
        e = get_flag("either") if c else []
        f = e
        return name in f


    def listed(name):
        e = get_flag("listed")
        e = list(e)
        return name in e


    def unpacked(f):
        yield from get_flag("yielded")
        with get_flag("entered"):
            pass
        return f(**get_flag("keywords")), {**get_flag("merged")}, [x for x in get_flag("own")]


    def itself():
        x = get_flag("itself")
        return [x for x in x]


    def rebound(items):
        x = get_flag("rebound")
        if x:
            return "new"
        x = list(items)
        return x[0]


    def tested(items):
        x = get_flag("tested")
        if x:
            pass
        return list(map(lambda x: x[0], items)), [x[0] for x in items]
"""


def test_a_value_taken_apart_through_a_name_is_found_by_both_readers():
    """The review of pretix's fix: `name in X` in a function where X is a module constant
    bound to a read, a `global` bound elsewhere, a closure's name, a name bound later in a
    loop, one of a pair, a branch of `… if … else …`, a name bound to another, or a value
    `list()` takes, `yield from`, `with`, `**` and `[x for x in x]`: each read was replaced
    by `False` (TypeError at run time). A read only tested, or rebound before the name is
    taken apart, keeps its fix."""
    source = textwrap.dedent(THROUGH_NAMES)
    from_ast = extract(source.encode(), "t.py", "app.t", is_package=False)
    from_cst = extract_cst(source, "t.py", "app.t", count_lines(source),
                           Suppressions.scan(source), frozenset(), is_package=False)
    assert _comparable(from_ast.calls) == _comparable(from_cst.calls)
    assert [c.args[0].value.text for c in from_ast.calls
            if c.name == "get_flag" and not c.operand] == ["rebound", "tested"]


def test_both_readers_take_no_written_attribute_for_a_read():
    """A review's: `settings.X = v` was a read (the fix made `True = True`, refused), and
    then libcst still took tuple and `for` targets for reads where Python's parser did not."""
    source = textwrap.dedent("""
        from django.conf import settings

        settings.FEATURE_A = True
        settings.FEATURE_A, settings.FEATURE_B = 1, 2
        [settings.FEATURE_C, *settings.FEATURE_D] = 3, 4
        for settings.FEATURE_E in range(2):
            pass
        [0 for settings.FEATURE_F in range(2)]
        settings.FEATURE_G += 1
        del settings.FEATURE_H
        if settings.FEATURE_READ:
            pass
        """)
    attributes = frozenset({"FEATURE_*"})
    from_ast = extract(source.encode(), "w.py", "app.w", is_package=False,
                       attributes=attributes)
    from_cst = extract_cst(source, "w.py", "app.w", count_lines(source),
                           Suppressions.scan(source), attributes, is_package=False)
    assert [c.name for c in from_ast.calls if c.access] == ["FEATURE_READ"]
    assert _comparable(from_ast.calls) == _comparable(from_cst.calls)


def test_tricky_code_is_not_trivial():
    facts, _ = both(textwrap.dedent(TRICKY["if_elif_else"]))
    # guards are recorded when their statement ends: the elif before its if
    assert [g.kind.value for g in facts.guards] == ["if", "if", "if", "if", "ifexp", "boolop"]
    [elif_, first, one_line, exits, ifexp, _] = facts.guards
    assert (first.orelse_is_elif, elif_.is_elif) == (True, True)
    assert (first.body.end_line, first.body.end_column) == (4, 21)  # `x = 1; y = 2;`
    assert (elif_.orelse.line, elif_.orelse.column) == (9, 5)  # the `else :` keyword
    assert one_line.rest is None  # `if flag("c"): return 1` is not a block that exits
    assert (exits.rest.line, exits.rest.end_line) == (14, 16)
    assert (ifexp.orelse.column, ifexp.orelse.end_column) == (39, 48)  # `slow(), 1`


def test_the_projects_fixtures_give_the_same_facts():
    files = sorted((REPO / "fixtures").rglob("*.py"))
    assert len(files) > 20
    for file in files:
        assert_same(file.read_text(), str(file.relative_to(REPO)))


def test_generated_programs_give_the_same_facts():
    for seed in range(60):
        for path, source in Program(seed, seed).files.items():
            if path.endswith(".py"):
                assert_same(source, path)


PIECES = '''
import os


def early(x):
    return later(x) and flag("forward")


DOC = """
A string whose lines start at the margin
def not_a_function():
    pass
"""


@decorate
def decorated():
    return flag("decorated")


if os.environ.get("A"):
    value = 1
elif flag("elif"):
    value = 2
else:
    value = 3
try:
    import fast as speed
except ImportError:
    speed = None
if not flag("module-guard"):
    raise SystemExit(0)
rest = call(
    1,
)


def later(y):
    return speed.go(y) if flag("later") else y
'''


def test_a_module_parsed_in_pieces_gives_the_facts_of_one_parse(monkeypatch):
    """A very large module is parsed a piece at a time (its whole tree would take ~150 bytes
    a character): a header of comments alone in a piece, forward references, decorators,
    strings with lines at the margin, statements that go on past a line and a module-level
    early exit give the same facts."""
    from flaglint.facts import extract as extract_module

    sources = [PIECES, *(textwrap.dedent(s) for s in TRICKY.values())]
    sources += [f.read_text() for f in sorted((REPO / "fixtures").rglob("*.py"))]
    # A long header of comments first: a piece with no statement in it
    module = "# a commented-out block\n" * 60 + "\n\n".join(sources)
    whole = extract(module.encode(), "big.py", "app.big", is_package=False)
    broken = module.replace("def later(y):", "def later(y:")
    broken_whole = extract(broken.encode(), "big.py", "app.big", is_package=False)
    assert broken_whole.error is not None
    parsed = []
    real = extract_module._parse
    monkeypatch.setattr(extract_module, "_parse",
                        lambda *a: parsed.append(a[1:3]) or real(*a))
    monkeypatch.setattr(extract_module, "_PIECEWISE", 0)
    monkeypatch.setattr(extract_module.Collector, "run",
                        lambda *a: pytest.fail("the module was parsed whole"))
    for size in (1, 40, 400, 4000):
        monkeypatch.setattr(extract_module, "_PIECE", size)
        parsed.clear()
        pieces = extract(module.encode(), "big.py", "app.big", is_package=False)
        assert len(parsed) > 4
        assert pieces == whole
    monkeypatch.undo()
    monkeypatch.setattr(extract_module, "_PIECEWISE", 0)
    monkeypatch.setattr(extract_module, "_PIECE", 40)
    assert extract(broken.encode(), "big.py", "app.big", is_package=False) == broken_whole



ONE_PARSE = '''\
import flags


def first(x):
    import json
    return later(json.dumps(x)) if flags.on("first") else x


import os


def second(y):
    return os.path.join(y) if flags.on(KEY) else y


def later(x):
    return x


KEY = "second"
'''


@pytest.mark.parametrize(("tail", "parses"), [
    ("", "once"),
    # a later piece imports again, otherwise, a name an earlier piece used
    ("import posixpath as os\n", "twice"),
    # an earlier piece uses a name that a later one binds in a block
    ("try:\n    import fast\nexcept ImportError:\n    fast = None\n"
     "def third():\n    return fast.on()\n", "twice"),
    # a function imports what a later piece imports alike: an earlier use saw neither
    ("def third():\n    flags.y()\ndef fourth():\n    import b as flags\nimport b as flags\n",
     "twice"),
    # a name at the margin of a string is not one the module binds
    ("TEXT = \"\"\"\ndef first_draft():\n\"\"\"\n", "twice"),
])
def test_a_module_in_pieces_is_parsed_once_unless_a_later_piece_binds_what_an_earlier_used(
        monkeypatch, tail, parses):
    """Each piece's names are bound just before its walk, and the functions, classes and
    plain assignments at the margin ahead of all: the facts are those of binding every
    module name first (a whole parse) unless a piece binds anew a name the walk before it
    used, or a name taken as bound is not one; then every piece is parsed again, names
    first. The order of the imports (a function's `import json` before the module's
    `import os`) is the whole parse's."""
    from flaglint.facts import extract as extract_module

    module = ONE_PARSE + "\n\n" + tail
    if "fast" in tail:
        module = module.replace("return x\n", "return fast.go(x)\n", 1)
    whole = extract(module.encode(), "big.py", "app.big", is_package=False)
    parsed = []
    real = extract_module._parse
    monkeypatch.setattr(extract_module, "_parse", lambda *a: parsed.append(a[1:3]) or real(*a))
    monkeypatch.setattr(extract_module, "_PIECEWISE", 0)
    monkeypatch.setattr(extract_module, "_PIECE", 1)
    pieces = extract(module.encode(), "big.py", "app.big", is_package=False)
    assert pieces == whole
    names = [name for name, _ in pieces.imports]
    assert names.index("flags") < names.index("os") < names.index("json")
    distinct = len(set(parsed))
    assert distinct >= 6
    assert len(parsed) == distinct if parses == "once" else len(parsed) > distinct


def _split_extract(monkeypatch, module: str, at: float) -> tuple[FileFacts, list[bool]]:
    """`module`'s facts read in pieces, its walk split at the share `at` of its text between
    this process and a forked one; and what each attempt to join the two walks answered."""
    from flaglint.facts import collector as collector_module
    from flaglint.facts import extract as extract_module

    joined: list[bool] = []
    real = collector_module.FactsCollector.join
    monkeypatch.setattr(collector_module.FactsCollector, "join",
                        lambda *a: joined.append(real(*a)) or joined[-1])
    monkeypatch.setattr(extract_module, "_PIECEWISE", 0)
    monkeypatch.setattr(extract_module, "_SPLIT_AT", at)
    facts = extract(module.encode(), "big.py", "app.big", is_package=False, split=True)
    monkeypatch.undo()
    return facts, joined


def test_a_module_walked_in_two_processes_gives_the_facts_of_one_parse(monkeypatch):
    """A huge module read while a core is free has its later pieces walked by another
    process (the names the pieces before bind found by a search); the two walks are joined,
    calls and guards numbered on: the facts of one parse, wherever the split falls."""
    from flaglint.facts import extract as extract_module

    sources = [PIECES, *(textwrap.dedent(s) for s in TRICKY.values())]
    sources += [f.read_text() for f in sorted((REPO / "fixtures").rglob("*.py"))]
    answers = []
    for source in sources:
        whole = extract(source.encode(), "big.py", "app.big", is_package=False)
        for at in (0.3, 0.7):
            monkeypatch.setattr(extract_module, "_PIECE", 40)
            facts, joined = _split_extract(monkeypatch, source, at)
            assert facts == whole
            answers += joined
    assert answers.count(True) > 20


@pytest.mark.parametrize("failure", ["no fork", "no process"])
def test_a_module_whose_walk_cannot_be_split_is_walked_here(monkeypatch, failure):
    """Where no process can be forked (Windows) or started (a limit on processes), the
    walk of a huge module is not split: the same facts, walked here."""
    import multiprocessing

    from flaglint.facts import extract as extract_module

    source = PIECES
    whole = extract(source.encode(), "big.py", "app.big", is_package=False)
    if failure == "no fork":
        monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    else:
        def refuse(self):
            raise OSError(11, "Resource temporarily unavailable")

        monkeypatch.setattr(multiprocessing.get_context("fork").Process, "start", refuse)
    monkeypatch.setattr(extract_module, "_PIECE", 40)
    facts, joined = _split_extract(monkeypatch, source, 0.5)
    assert facts == whole
    assert joined == []


def test_a_huge_module_among_others_has_its_walk_split_in_its_worker(monkeypatch, tmp_path):
    """Read in worker processes with other files, a module that is more than a worker's
    share of the work has its later pieces walked by a process of its own too: the same
    facts as each file read alone."""
    from flaglint.facts import batch
    from flaglint.facts import collector as collector_module
    from flaglint.facts import extract as extract_module

    big = "\n\n".join(f"def f{i}(x):\n    return x if flags.on('k{i}') else {i}\n"
                        for i in range(200))
    big = "import flags\n\n" + big
    small = "import flags\nflags.on('small')\n"
    jobs = [batch.Job(text.encode(), path, path[:-3], is_package=False, full=True,
                      attributes=frozenset())
            for path, text in (("small1.py", small), ("big.py", big), ("small2.py", small))]
    alone = [extract(job.data, job.path, job.module, is_package=False) for job in jobs]
    joined = tmp_path / "joined"
    real = collector_module.FactsCollector.join

    def join(*args):
        answer = real(*args)
        with joined.open("a") as marks:  # written in a worker: a file tells the test
            marks.write(f"{answer}\n")
        return answer

    monkeypatch.setattr(collector_module.FactsCollector, "join", join)
    monkeypatch.setattr(extract_module, "_PIECEWISE", 0)
    monkeypatch.setattr(extract_module, "_PIECE", 40)
    monkeypatch.setattr(batch, "_PARALLEL_BYTES", 0)
    assert batch.extract_all(jobs, 2, _facts_alone) == alone
    assert joined.read_text().split() == ["True"]


def _facts_alone(job, facts: FileFacts) -> FileFacts:
    return facts


SPLIT = '''\
import flags
from app import client
{first}
def early(x):
    return x if flags.on("early") else client.get("k")


MODE = "a"
{second}
def late(y):
    return y if flags.on("late") else 0
'''


@pytest.mark.parametrize(("first", "second", "joins"), [
    ("", "", True),
    # a module-level exit whose rest runs into the later pieces
    ("if flags.on('stop'):\n    raise SystemExit\n", "", True),
    # an import in a block, bound by both walks
    ("try:\n    import fast\nexcept ImportError:\n    fast = None\n",
     "def third():\n    return fast.on('f')\n", True),
    # a block followed by a decorated function: each parsed alone for its names
    ("try:\n    import fast\nexcept ImportError:\n    fast = None\n"
     "@flags.gate('d')\ndef decorated():\n    return fast\n", "", True),
    # a call bound to a module name, read in the later pieces
    ("FLAG = client.flag('x')\n", "def third():\n    return FLAG.is_enabled()\n", True),
    # a function's import of what the later pieces use: only one walk knows it
    ("def imports():\n    import json\n    return json\n",
     "def third():\n    return json.dumps(flags.on('j'))\n", False),
    # a function defined in both parts
    ("", "def early(x):\n    return x\n", False),
    # a module constant bound in both parts
    ("MODE = 'b'\n", "", False),
    # an alias of a flag read, tested at the top level of the later pieces
    ("use = flags.on('alias')\n", "if use:\n    MODE = 'c'\n", False),
    # a name bound where the search does not look (an annotated assignment)
    ("LIMIT: int = 3\n", "def third():\n    return LIMIT if flags.on('l') else 0\n",
     False),
    # the later pieces import anew a name the walk before used, elsewhere or the same
    ("", "import posixpath as client\n", False),
    ("", "import flags\n", False),
    # the later pieces bind, where no search looks, a name the walk before used
    ("def uses():\n    return LIMIT.get(flags.on('u'))\n", "LIMIT: dict = {}\n", False),
    # a read bound to a module name one walk binds and the other takes apart, either way
    ("EXCLUDED = flags.on('ex')\n", "def third(name):\n    return name in EXCLUDED\n", True),
    ("def early(name):\n    return name in LATE\n", "LATE = flags.on('late')\n", True),
    ("def setter():\n    global SET\n    SET = flags.on('set')\n",
     "def third(name):\n    return SET[0]\n", True),
    # a later name bound to it, then taken apart (the review's): not joined
    ("EX = flags.on('ex')\n", "def third(n):\n    y = EX\n    return n in y\n", False),
    ("EX = flags.on('ex')\n", "a, b = EX, 1\nZ = a[0]\n", False),
    # bound again by the later pieces, before (and after) they take it apart
    ("AGAIN = flags.on('again')\n", "AGAIN = []\nFIRST = AGAIN[0]\n", False),
    ("AGAIN = flags.on('again')\n", "if flags.on('c'):\n    AGAIN = []\nFIRST = AGAIN[0]\n",
     False),
])
def test_two_walks_of_a_module_join_only_where_one_walk_would_agree(monkeypatch, first,
                                                                      second, joins):
    """The later walk cannot see what the walk before made (a function's import, a
    module constant, an alias, a definition, a name bound where the search does not look):
    where it could have mattered, the two are not joined and the walk goes on alone."""
    from flaglint.facts import extract as extract_module

    module = SPLIT.format(first=first, second="\n\n" + second if second else "")
    whole = extract(module.encode(), "big.py", "app.big", is_package=False)
    monkeypatch.setattr(extract_module, "_PIECE", 1)
    split_at = module.index("\nMODE = \"a\"") + 1
    facts, joined = _split_extract(monkeypatch, module, split_at / len(module))
    assert facts == whole
    if joins:
        assert joined == [True]
    else:
        assert joined in ([False], [])  # [] when one walk's rebinding stopped both


def test_a_huge_modules_facts_are_kept_from_the_cycle_collector(monkeypatch):
    """A reading that leaves more objects alive than `_FREEZE_ABOVE` freezes them in a
    process that ends with its run: its facts are the same, and a smaller reading, or one
    in a process that reads on, freezes nothing. A reading leaves no cycle behind (the
    collector lets go of what it held), so nothing it no longer needs is frozen with them."""
    import gc

    from flaglint import processes
    from flaglint.facts import batch

    source = "".join(f"def f{i}(x):\n    if client.is_enabled('k{i}'):\n        return x\n"
                     f"    return {i}\n\n\n" for i in range(300)).encode()
    job = batch.Job(source, "big.py", "big", is_package=False, full=True,
                    attributes=frozenset())
    gc.collect()
    gc.disable()  # nothing collected before it is counted
    try:
        batch.extract_job(job)
        assert gc.collect() == 0
    finally:
        gc.enable()
    monkeypatch.setattr(processes, "ends_with_run", False)  # as a test's `main` sets it
    before = gc.get_freeze_count()
    plain = batch.extract_job(job)
    assert gc.get_freeze_count() == before
    monkeypatch.setattr(batch, "_FREEZE_ABOVE", 1_000)
    assert batch.extract_job(job) == plain
    assert gc.get_freeze_count() == before  # not in a process that reads on (the server)
    monkeypatch.setattr(processes, "ends_with_run", True)
    try:
        assert batch.extract_job(job) == plain
        assert gc.get_freeze_count() > before + 1_000
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("text", [
    'x = "a.b" + \'c.d\'', '\'a.b"c.d"e.f"', '"a..b"c.d"', 'mock.patch("app.views.flag")',
    "'a.b'c.d'", '"x" "y.z" \'w.\'', "\"\"\"doc 'pkg.mod' \"q.r\"\"\"\"", ""])
def test_the_dotted_paths_of_strings_are_found_as_one_pattern_finds_them(text):
    """`text_index`'s dotted paths: two patterns (one for each opening quote) find what
    one pattern for either finds, overlapping quotes (`'a.b"c.d"e.f"`) included."""
    from flaglint.facts.light import _DOTTED, text_index

    assert set(text_index(text, "m", is_package=False)[2]) == set(_DOTTED.findall(text))


def test_every_node_is_what_ast_walk_gives_in_its_order_but_the_nodes_of_no_fields():
    import ast

    from flaglint.facts.ast_nodes import EMPTY, every_node

    trees = [ast.parse(path.read_text(encoding="utf-8"))
             for path in sorted((REPO / "flaglint").rglob("*.py"))]
    trees += [ast.parse(textwrap.dedent(source)) for source in TRICKY.values()]
    for tree in trees:
        walked = [node for node in ast.walk(tree) if type(node) not in EMPTY]
        found = every_node(tree)
        assert len(found) == len(walked)
        assert [id(node) for node in found] == [id(node) for node in walked]
    assert any(isinstance(node, ast.Load) for node in ast.walk(trees[-1]))  # left out


def test_a_guards_rest_keeps_every_other_field():
    """`_rest_after` makes the guard anew, field by field (a large module has one a
    function): a field Guard gains must be carried too."""
    import dataclasses

    from flaglint.facts.collector import FactsCollector
    from flaglint.facts.model import Guard, GuardKind
    from flaglint.findings import Span

    at = Span(1, 2, 3, 4)
    guard = Guard(GuardKind.IFEXP, Cond(CondOp.CALL, at, call=0), "m.f", at, Span(5, 1, 5, 9),
                  orelse=Span(6, 1, 6, 9), rest=Span(7, 1, 7, 9), orelse_is_elif=True,
                  is_elif=True)
    assert all(getattr(guard, f.name) != f.default for f in dataclasses.fields(Guard))
    collector = FactsCollector("m", is_package=False)
    collector.guards.append(guard)
    collector._rest_after(0, Span(8, 1, 9, 1))
    assert collector.guards[0] == dataclasses.replace(guard, rest=Span(8, 1, 9, 1))


# Expressions of every kind outside `_MAY_CALL`, each holding a call the walk recorded
_NO_TEST = ["x[f()]", "f() if y else g()", "(z := f())", "[f()]", "(f(), 1)", "{f()}",
            "{f(): 1}", "f() + 1", "lambda: f()", "f'{f()}'", "(f() for x in y)",
            "[f() for x in y]", "{f() for x in y}", "{f(): 1 for x in y}", "x[f():]",
            "'text'", "1", "None", "...", "b'x'"]


@pytest.mark.parametrize("code", _NO_TEST)
def test_an_assigned_value_outside_may_call_makes_no_alias(code):
    """The walk builds no condition of a value it cannot test a call through
    (`ast_facts._MAY_CALL`): `CondBuilder.build` must agree, or the two drift apart."""
    import ast

    from flaglint.facts import ast_facts
    from flaglint.facts.collector import has_call

    text = f"async def h():\n    v = {code}\n"
    node = ast.parse(text).body[0].body[0].value  # type: ignore[attr-defined]
    assert not isinstance(node, ast_facts._MAY_CALL)
    collector = ast_facts.Collector(text, "m", is_package=False)
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            collector._call_index[id(call)] = 0
    assert not has_call(collector.conditions.build(node))


def test_defaults_and_annotations_are_read_in_the_scope_the_def_runs_in():
    """Airflow's `def __init__(self, conf=None, deferrable=conf.getboolean(…))`: the
    default is evaluated where the `def` runs, so its `conf` is the module's import, not the
    parameter; in a nested function, the enclosing function's parameter."""
    for facts in both(textwrap.dedent(SIGNATURES)):
        assert [(c.span.line, c.callee, c.resolved, c.scope) for c in facts.calls] == [
            (5, "app.cfg.conf.getboolean", True, "app.mod.Trigger"),
            (6, "conf.get", False, "app.mod.Trigger.__init__"),
            (9, "conf.getboolean", False, "app.mod.outer"),
            (10, "conf.getboolean", False, "app.mod.outer.inner")]
