"""Where a key may still be read though no read flaglint resolves names it: the key as a
string in code, while some read's key is unknown (FL104: `features.has(name)` over a list
of names). FL102 says so rather than advise deleting the flag, and `clean` keeps the
registry entry and the definitions for it: the two agree."""

from __future__ import annotations

import ast
import functools
import re
from collections import Counter
from dataclasses import dataclass

from flaglint.analysis.references import Place
from flaglint.links.model import FlagRead
from flaglint.model.project import Project


@functools.lru_cache(maxsize=256)
def key_mention(key: str) -> re.Pattern[str]:
    """Where a text names the key, standing alone: not inside a longer name or dotted key
    (`new` in `renewal`, `a.b` in `x.a.b`); an attribute names an identifier key too
    (`settings.KEY` read through an object no preset follows, `{% if flags.new_checkout %}`
    in a template), but not a method called so (`re.search(` for a key `search`)."""
    escaped = re.escape(key)
    before = rf"(?:(?<![\w.-])|(?<=\.)(?={escaped}(?![\w-])(?!\s*\()))" \
        if key.isidentifier() else r"(?<![\w.-])"
    return re.compile(before + escaped + r"(?![\w-])")


SUBSCRIPT = "a subscript by the key, a mapping read flaglint does not follow"


def loose_strings(project: Project, key: str, *, subscripts: bool = False) -> list[Place]:
    """Where code outside the key's definitions and tests may read it though no read
    flaglint follows does: the key as a string, while a read in code outside tests has a
    key flaglint cannot resolve that may be this key (an f-string's text around its fields
    says which keys it can make: `f"venue_{name}"` never makes `smart_routing`); and, with
    `subscripts` (`clean`: a search of every file's text, which a check's FL102 does not
    make on each run), the key as a subscript (`settings.FEATURE_FLAGS["key"]`: galaxy-ng's
    flags are a setting's mapping), which no reader can name."""
    reads = reaching_reads(project, key)
    if not reads and not subscripts:
        return []
    defined = {(d.path, d.span.line) for d in project.linked.definitions if d.key == key}
    escaped = re.escape(key)
    quoted = re.compile(r"""(["'])""" + escaped + r"\1")
    # indexing a value (a name, a call's or a subscript's result), not a list's brackets
    subscript = re.compile(r"""(?<=[\w)\]])[ \t]*\[\s*(["'])""" + escaped + r"\1\s*\]")
    found = []
    for path in _quoting(project, key):
        why = ""
        if reads:
            read = nearest(reads, path)
            why = f"the key as a string, which the read at {read.path}:{read.span.line} " \
                  f"(its key unknown) may be"
        text = project.source_of(path).decode("utf-8", "replace")
        # The key as a whole string, not inside a longer one (a docstring's example, a
        # message that tells how to set it: pandas'), where Python can say
        whole = _whole_strings(project, path, key) if why else None
        for number, line in enumerate(text.split("\n"), start=1):
            match = (subscript.search(line) if subscripts else None) or \
                (quoted.search(line) if why and (whole is None or number in whole) else None)
            if match and (path, number) not in defined:
                found.append(Place(path, number, match.start(1) + 1,  # at the key's quote
                                   why if match.re is quoted else SUBSCRIPT))
    return found


def _whole_strings(project: Project, path: str, key: str) -> set[int] | None:
    """The lines where a string literal is the key itself; None where the file does not
    parse (then any quoted mention counts)."""
    index = _loops(project, path)
    if index is None:
        return None
    return {node.lineno for node in ast.walk(index.tree)
            if isinstance(node, ast.Constant) and node.value == key}


def reaching_reads(project: Project, key: str) -> list[FlagRead]:
    """The reads outside tests whose key flaglint cannot resolve and may be `key`: a read
    by a name a loop takes from a tuple of strings (`for n in NAMES`, edx-enterprise's
    `{getattr(settings, n, None) for n in SERVICE_USERNAMES}`) may be only those."""
    found = []
    for read in project.linked.reads:
        if read.key is None and not read.in_test and may_make(read.expression, key):
            keys = _loop_keys(project, read) if read.expression.isidentifier() else None
            if keys is None or key in keys:
                found.append(read)
    return found


def _loop_keys(project: Project, read: FlagRead) -> frozenset[str] | None:
    """The keys a read by a bare name can make, where the name is the target of the
    innermost loop or comprehension around the read, nothing between binds it again (a
    lambda's or a function's parameter, a binding in the loop's body), and the loop goes
    over strings: a tuple, list or set of them written there, or a tuple a module-level
    name is bound to once, the module binding that name nowhere else. None when not known
    so (another module may still rebind the name as an attribute: not followed)."""
    memo = project.memo().setdefault("loop keys", {})
    assert isinstance(memo, dict)
    slot = (read.path, read.span.line, read.span.column, read.expression)
    if slot not in memo:
        index = _loops(project, read.path)
        memo[slot] = None if index is None else _keys_of_loop(index, read)
    found = memo[slot]
    return found if isinstance(found, frozenset) else None


_Scope = ast.Lambda | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
_Comprehension = ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp


# A loop of a name: the loop or comprehension, what it goes over, its body (a statement's),
# and the name's place in a target of several (`for name, other in PAIRS`; None: alone)
_Loop = tuple[ast.stmt | ast.expr, ast.expr, list[ast.stmt], int | None]


@dataclass(frozen=True, slots=True)
class _Loops:
    """One file's loops by their target name, its scopes and how often it binds a name."""

    lines: list[str]
    loops: dict[str, list[_Loop]]
    scopes: list[_Scope]
    bindings: Counter[str]
    tree: ast.Module


def _loops(project: Project, path: str) -> _Loops | None:
    """The file's index, made once a run (a walk of its tree: asked for each read)."""
    kept = project.memo().setdefault("loop index", {})
    assert isinstance(kept, dict)
    if path not in kept:
        text = project.source_of(path).decode("utf-8", "replace")
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            kept[path] = None
            return None
        loops: dict[str, list[_Loop]] = {}
        scopes: list[_Scope] = []
        bindings: Counter[str] = Counter()
        for node in ast.walk(tree):
            if isinstance(node, (ast.For, ast.AsyncFor)):
                for name, position in _targets(node.target):
                    loops.setdefault(name, []).append((node, node.iter, node.body, position))
            elif isinstance(node, _Comprehension):
                for generator in node.generators:
                    for name, position in _targets(generator.target):
                        loops.setdefault(name, []).append((node, generator.iter, [], position))
            elif isinstance(node, _Scope):
                scopes.append(node)
            bindings.update(_bound(node))
        kept[path] = _Loops(text.split("\n"), loops, scopes, bindings, tree)
    found = kept[path]
    return found if isinstance(found, _Loops) else None


def _targets(target: ast.expr) -> list[tuple[str, int | None]]:
    """The names a loop's target binds, each with its place in a flat tuple of names
    (`for name, other in …`: Wagtail's pairs of settings); none for other targets."""
    if isinstance(target, ast.Name):
        return [(target.id, None)]
    if isinstance(target, (ast.Tuple, ast.List)):
        names = [e.id for e in target.elts if isinstance(e, ast.Name)]
        if len(names) == len(target.elts) == len(set(names)):  # (`for n, n in …`: not)
            return [(name, place) for place, name in enumerate(names)]
    return []


def _bound(node: ast.AST) -> list[str]:
    """The names this node binds, however (an assignment's or a loop's target, an import,
    a definition, a parameter, `except … as`, `global`, a `match` capture)."""
    if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
        return [node.id]
    if isinstance(node, ast.alias):
        return [node.asname or node.name.partition(".")[0]]
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, ast.arg):
        return [node.arg]
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return list(node.names)
    if isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
        return [node.name] if node.name else []
    return []


def _keys_of_loop(index: _Loops, read: FlagRead) -> frozenset[str] | None:
    name = read.expression
    line = index.lines[read.span.line - 1] if 0 < read.span.line <= len(index.lines) else ""
    # ast counts columns in UTF-8 bytes, a span in characters
    where = (read.span.line, len(line[:read.span.column - 1].encode("utf-8")))
    around = [loop for loop in index.loops.get(name, ()) if (
        _inside(where, loop[2][0], loop[2][-1]) if loop[2] else _in_comprehension(where, loop[0]))]
    if not around:
        return None
    node, iterable, body, position = max(around, key=lambda loop: (loop[0].lineno,  # innermost
                                                                   loop[0].col_offset))
    if sum(loop[0] is node for loop in around) > 1:
        return None  # two loops of one comprehension bind it: which one the read sees is open
    start = (node.lineno, node.col_offset)
    if any(_inside(where, scope, scope) and (scope.lineno, scope.col_offset) > start
           for scope in index.scopes):
        return None  # a lambda or function inside the loop: its own names
    if any(name in _bound(inner) for statement in body for inner in ast.walk(statement)):
        return None  # bound again in the loop: which binding the read sees is open
    if isinstance(iterable, ast.Name):
        return _constant_strings(index, iterable.id, position)
    return _strings(iterable, position, kinds=(ast.Tuple, ast.List))


def _in_comprehension(where: tuple[int, int], node: ast.stmt | ast.expr) -> bool:
    """Is the place inside the comprehension, and not in what one of its loops goes over
    (the first of those runs in the scope around it: `[x for x in get(n) for n in …]`
    reads the `n` outside)?"""
    return _inside(where, node, node) and isinstance(node, _Comprehension) and not any(
        _inside(where, generator.iter, generator.iter) for generator in node.generators)


def _inside(where: tuple[int, int], first: ast.AST, last: ast.AST) -> bool:
    start = (getattr(first, "lineno", 0), getattr(first, "col_offset", 0))
    end = (getattr(last, "end_lineno", 0) or 0, getattr(last, "end_col_offset", 0) or 0)
    return start <= where < end


def _strings(node: ast.expr, position: int | None = None,
             kinds: tuple[type[ast.Tuple] | type[ast.List], ...] = (ast.Tuple,)
             ) -> frozenset[str] | None:
    """The strings a loop over this collection, written out, takes (at `position` in each
    of its collections of `kinds`: `[("WAGTAIL_DATE_FORMAT", "DATE_FORMAT"), …]`; a
    module's tuple of lists may change); None where one may be no string."""
    if not isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return None
    items = node.elts if position is None else [_at(e, position, kinds) for e in node.elts]
    values = [e.value for e in items if isinstance(e, ast.Constant)]
    if len(values) != len(items) or not all(isinstance(v, str) for v in values):
        return None
    return frozenset(str(v) for v in values)


def _at(node: ast.expr, position: int, kinds: tuple[type[ast.Tuple] | type[ast.List], ...]
        ) -> ast.expr | None:
    """The element at `position` of a collection of `kinds` written out (no `*rest`)."""
    if not isinstance(node, kinds) or position >= len(node.elts) or \
            any(isinstance(element, ast.Starred) for element in node.elts):
        return None
    return node.elts[position]


def _constant_strings(index: _Loops, name: str, position: int | None = None
                      ) -> frozenset[str] | None:
    """The strings of the tuple a module-level name is bound to, where the module binds
    the name nowhere else (a tuple: nothing changes what it holds)."""
    if index.bindings[name] != 1:
        return None
    bound = [node.value for node in index.tree.body if isinstance(node, ast.Assign)
             and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
             and node.targets[0].id == name]
    if len(bound) != 1 or not isinstance(bound[0], ast.Tuple):
        return None
    return _strings(bound[0], position)


def nearest(reads: list[FlagRead], path: str) -> FlagRead:
    """The read a string in this file most likely reaches: one in the same file (Weblate's
    list of setting names beside its `getattr(settings, name)`), else the first."""
    return next((read for read in reads if read.path == path), reads[0])


# Each quote and the text up to the next one like it, at every quote: the texts a quoted
# key can stand for (a key with a quote, a space or over 100 characters is sought alone)
_BETWEEN = (re.compile(rb'"(?=([^"\s]{1,100})")'), re.compile(rb"'(?=([^'\s]{1,100})')"))


def _quoting(project: Project, key: str) -> list[str]:
    """The files outside tests where `key` may stand between quotes: for the first keys a
    run asks about, those whose bytes hold it (a substring search: 0.01 s on Sentry); past
    them, from one pass over the project that indexes every quoted text (FL102 asks for
    each unused flag: 300 of them searched file by file took a second on 1,500 files)."""
    memo = project.memo()
    asked = memo.get("quoted keys asked")
    memo["quoted keys asked"] = asked = (asked if isinstance(asked, int) else 0) + 1
    needle = key.encode("utf-8", "surrogatepass")
    code = memo.get("code paths")
    if not isinstance(code, list):
        memo["code paths"] = code = [path for path in project.paths() if not project.is_test(path)]
    if asked <= _SEARCHED_ALONE or len(needle) > 100 or \
            any(char in key for char in "\"'") or any(char.isspace() for char in key):
        return [path for path in code if needle in project.source_of(path)]
    kept = memo.get("quoted texts")
    index: dict[bytes, set[str]] = kept if isinstance(kept, dict) else {}
    if not isinstance(kept, dict):
        for path in code:
            data = project.source_of(path)
            for text in {text for between in _BETWEEN for text in between.findall(data)}:
                index.setdefault(text, set()).add(path)
        memo["quoted texts"] = index
    found = index.get(needle, set())
    return [path for path in code if path in found]


_SEARCHED_ALONE = 8  # keys a run searches the files for one by one before it indexes them


def may_make(expression: str, key: str) -> bool:
    """May a key written so (its source text) be `key`? Only where the whole expression is
    one f-string are its literal text before its first field and after its last known;
    anything else (a conditional, `+`, text cut short for messages) may be any key."""
    bounds = _bounds(expression)
    if bounds is None:
        return True
    head, tail = bounds
    return len(key) >= len(head) + len(tail) and key.startswith(head) and key.endswith(tail)


@functools.lru_cache(maxsize=1024)
def _bounds(expression: str) -> tuple[str, str] | None:
    """The text an f-string's keys begin and end with; None for any other expression (FL102
    asks of each read for each unused flag: parsed once)."""
    try:
        tree = ast.parse(expression.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if not isinstance(tree, ast.JoinedStr) or not tree.values:
        return None
    parts = tree.values
    head = parts[0].value if isinstance(parts[0], ast.Constant) else ""
    tail = parts[-1].value if isinstance(parts[-1], ast.Constant) and len(parts) > 1 else ""
    if not isinstance(head, str) or not isinstance(tail, str) or \
            not any(isinstance(part, ast.FormattedValue) for part in parts):
        return None
    return head, tail
