"""Where a file refers to a symbol, resolved: what every deletion `clean` makes must rule out.

A name is resolved through the file's own bindings (imports, functions, classes, module-level
names) and, inside a function, its parameters and locals (which shadow them). Each place a
word of the symbol's name appears is one of:

- a **use** of the symbol: a name or attribute chain that resolves to it (`Flag.NEW`, with
  `from app.flags import Flag`);
- **another** symbol: it resolves to something else (billing's own `Flag.NEW`, a method of
  the same name on another class);
- a **string** that may name it: `getattr(x, "send")`, `vars(m)["show"]`, `Flags("new_ui")`
  or `Flags["NEW_UI"]` (a lookup by value or name), a `mock.patch("app.views.new_ui_on")`
  target, an `__all__` entry, a string annotation (`p: "OldPanel"`), a dotted path;
- **unknown**: the resolver cannot tell (an attribute of a parameter, a name bound in ways it
  does not follow). Unknown blocks an edit: flaglint never guesses.
"""

from __future__ import annotations

import ast
import enum
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import NamedTuple

from flaglint.analysis.used_names import annotation_names
from flaglint.facts.ast_facts import dotted


def line_starts(text: str) -> list[int]:
    """Where each line starts (`[n]`: line n + 1); a text that ends a line ends the list
    with its length."""
    starts = [0]
    found = text.find("\n")
    while found != -1:
        starts.append(found + 1)
        found = text.find("\n", found + 1)
    return starts


# Where a string literal's text may not show its value: an escape or a line continuation
# (`"sched\x2eon"`), or literals that join (`"sched." "on"`, across lines and comments)
_HIDING = re.compile(r"""\\|['"][rRbBuUfF]{0,2}['"]|['"](?:\s|#[^\n]*\n)+[rRbBuUfF]{0,2}['"]""")


def in_strings(segment: str, node: ast.AST, found: Callable[[str], object]) -> bool:
    """Does a string constant of this node (its source `segment`) hold what `found`
    finds, though its text may not show it? Walked only where the text may hide it."""
    return bool(_HIDING.search(segment)) and any(map(found, _string_values(node)))


def _string_values(node: ast.AST) -> Iterator[str]:
    return (inner.value for inner in ast.walk(node)
            if isinstance(inner, ast.Constant) and isinstance(inner.value, str))


def _nfkc(text: str) -> str:
    """The text as Python reads the names in it (`ｈ` is `h`, `ﬁ` is `fi`)."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def statement_text(source: str, starts: list[int], statement: ast.stmt,
                   last: ast.stmt | None = None) -> str:
    """A statement's lines, its decorators' included, to those of `last` when given
    (`starts`: `line_starts(source)`)."""
    first = min([statement.lineno, *(d.lineno for d in getattr(statement, "decorator_list",
                                                                 ()))])
    end = (last or statement).end_lineno or (last or statement).lineno
    return source[starts[first - 1]:starts[end] if end < len(starts) else len(source)]


class Statements:
    """A module's top-level statements, each with its text as Python reads names in it
    (NFKC where not ASCII: `ｈ` is `h`) and the values of its strings where their text may
    hide them: made once for every symbol looked for in the module. Not `usable` where a
    carriage return may end a line (lines are counted at newlines)."""

    def __init__(self, source: str, tree: ast.Module) -> None:
        self.tree = tree
        self.usable = "\r" not in source
        # each function's names (`_locals`), by id(): found once for every symbol
        self.locals: dict[int, frozenset[str]] = {}
        self._bindings: dict[tuple[str, str], list[Binding]] = {}
        self._items: list[tuple[ast.stmt, str, tuple[str, ...]]] = []
        if not self.usable:
            return
        starts = line_starts(source)
        for statement in tree.body:
            text = statement_text(source, starts, statement)
            text = _nfkc(text)
            hidden = tuple(map(_nfkc, _string_values(statement))) \
                if _HIDING.search(text) else ()
            self._items.append((statement, text, hidden))

    def bindings(self, module: str, package: str) -> list[Binding]:
        """`bindings` of the module's statements, made once."""
        key = (module, package)
        if key not in self._bindings:
            self._bindings[key] = bindings(self.tree.body, module, package)
        return self._bindings[key]

    def naming(self, words: Iterable[str]) -> Iterator[ast.stmt]:
        """The statements that spell one of the words, in their text or a string's value
        (each as Python reads names: NFKC, the words too)."""
        words = tuple({_nfkc(word) for word in words})
        for statement, text, hidden in self._items:
            if any(word in text for word in words) or \
                    any(word in value for value in hidden for word in words):
                yield statement


class Kind(enum.Enum):
    USE = "use"
    CALL = "call"  # a use that calls it: `helper(x)`, `flags.helper(x)`
    IMPORT = "import"  # `from app.flags import helper`
    OTHER = "another symbol"
    STRING = "a string naming it"
    LOOKUP = "a lookup by value or name"
    UNKNOWN = "a name flaglint cannot resolve"
    UNPARSED = "the file does not parse, so it may name it"


@dataclass(frozen=True, slots=True)
class Reference:
    kind: Kind
    line: int
    column: int  # 1-based
    text: str  # what the code says there, for messages
    resolved: str | None = None  # the qualified name, where known
    as_value: bool = False  # a USE that hands the thing itself on (not `x.attr`, not `x()`)


def references(source: str, module: str, qualname: str, *, keys: frozenset[str] = frozenset(),
               is_package: bool = False, tree: ast.Module | None = None,
               statements: Statements | None = None) -> list[Reference]:
    """Every place of `source` (the module `module`; `tree`: its parse, when made already,
    `statements`: its `Statements`) that may refer to `qualname`, with what it is. `keys`
    are strings that name it too (an Enum member's value). A file that does not parse is
    one unknown reference at its first line."""
    try:
        tree = tree or ast.parse(source)
    except (SyntaxError, ValueError):
        return [Reference(Kind.UNPARSED, 1, 1, "")]
    if statements is None or statements.tree is not tree:
        statements = Statements(source, tree)
    finder = _Finder(module, qualname, keys, is_package=is_package, statements=statements)
    finder.visit(tree)
    return sorted(finder.found, key=lambda r: (r.line, r.column, r.kind.value))


def entries(source: str, module: str, qualname: str, *, is_package: bool = False
            ) -> list[tuple[int, int]]:
    """Where collections list the symbol: an element of a list, tuple or set literal that is
    it (`ALL = [Flag.NEW, Flag.OLD]`), or a pair that starts with it (Django's `choices`:
    `((Flag.NEW, "New page"), …)`), or a dict entry whose key it is. (line, column) of each
    element (the pair's, the key's), 1-based: what goes with the symbol."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    finder = _Finder(module, qualname, frozenset(), is_package=is_package)
    finder.visit(tree)  # names resolve where each collection stands (a class body's own)
    return [(item.lineno, _column(source, item)) for item in finder.entries]


def _column(source: str, node: ast.expr) -> int:
    """The 1-based column in characters (ast counts UTF-8 bytes)."""
    line = source.split("\n")[node.lineno - 1].encode("utf-8")
    return len(line[:node.col_offset].decode("utf-8", "replace")) + 1


def blocking(found: list[Reference]) -> list[Reference]:
    """The references that keep the symbol alive, or that flaglint cannot rule out."""
    return [r for r in found if r.kind is not Kind.OTHER]


def beyond_calls(found: list[Reference]) -> list[Reference]:
    """The references other than calling it or importing it to call: a function used so
    (passed, stored, named by a string) may be called where flaglint cannot see how."""
    return [r for r in found if r.kind not in (Kind.OTHER, Kind.CALL, Kind.IMPORT)]


# What a module's top-level statement binds, in order: ("=", name, what it is bound to),
# ("as", name, …) the same by `import … as name`, ("?", name, …) unless bound before (an
# assignment), ("*", module, "") a star import of that module
Binding = tuple[str, str, str]


def bindings(body: list[ast.stmt], module: str, package: str) -> list[Binding]:
    """The bindings of a module's statements (`package`: where its relative imports
    start)."""
    found: list[Binding] = []

    def bind(statement: ast.stmt) -> None:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                local = alias.asname or alias.name.split(".", 1)[0]
                found.append(("=", local, alias.name if alias.asname else local))
        elif isinstance(statement, ast.ImportFrom):
            base = absolute(statement, package)
            for alias in statement.names:
                if alias.name == "*":
                    found.append(("*", base, ""))
                else:
                    found.append(("as" if alias.asname else "=", alias.asname or alias.name,
                                  f"{base}.{alias.name}"))
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.append(("=", statement.name, f"{module}.{statement.name}"))
        elif isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else \
                [statement.target]
            found.extend(("?", name.id, f"{module}.{name.id}") for target in targets
                         for name in ast.walk(target) if isinstance(name, ast.Name))
        elif isinstance(statement, (ast.If, ast.Try, ast.With)):
            for inner in ast.iter_child_nodes(statement):
                if isinstance(inner, ast.stmt):
                    bind(inner)

    for statement in body:
        bind(statement)
    return found


def absolute(node: ast.ImportFrom, package: str) -> str:
    """The module an import from names, its dots resolved from `package`."""
    if not node.level:
        return node.module or ""
    base = package.split(".")
    base = base[:len(base) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def _locals(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> frozenset[str]:
    """A function's parameters and the names it binds (not a lambda's: it binds none)."""
    names = {a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)}
    names |= {a.arg for a in (node.args.vararg, node.args.kwarg) if a is not None}
    if not isinstance(node, ast.Lambda):
        names |= {inner.id for inner in ast.walk(node)
                  if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Store)}
    return frozenset(names)


class _Finder(ast.NodeVisitor):
    def __init__(self, module: str, qualname: str, keys: frozenset[str], *,
                 is_package: bool, statements: Statements | None = None) -> None:
        # `statements`: the module's, to visit only those that spell the symbol
        self.statements = statements
        self.module = module
        self.package = module if is_package else module.rpartition(".")[0]
        self.target = qualname
        self.word = qualname.rsplit(".", 1)[-1]
        self.owner = qualname.rpartition(".")[0]  # an Enum member's class, a method's class
        self.keys = keys | {self.word, qualname}
        # A definition a lookup may name by its own name, as the caller says by listing it
        # among `keys` (an object a call made: prefect's `values["PREFECT_X"]`): that
        # string, whole, refers to it wherever it stands
        self.by_name = self.word in keys
        self.found: list[Reference] = []
        self.module_names: dict[str, str | None] = {}  # name -> what it is bound to
        # Innermost last: a function's parameters and locals (qualname None), or a class
        # body's names (its qualname, None inside a function: not followed).
        self.scopes: list[tuple[str | None, AbstractSet[str]]] = []
        self.aliases: set[str] = set()  # names a module-level import binds it to
        self._function_depth = 0
        self.entries: list[ast.expr] = []  # collection items that list the symbol
        self._bases: set[int] = set()  # id() of each `x` of `x.attr` and `x(...)`

    # -- bindings ---------------------------------------------------------------------------

    def visit_Module(self, node: ast.Module) -> None:
        statements = self.statements
        if statements is not None and statements.tree is not node:
            statements = None
        for how, name, value in statements.bindings(self.module, self.package) \
                if statements is not None else bindings(node.body, self.module, self.package):
            if how == "?":
                self.module_names.setdefault(name, value)
            elif how == "*":
                if name == self.owner:  # `from app.consts import *` binds its names
                    self.module_names.setdefault(self.word, self.target)
            else:
                self.module_names[name] = value
                if how == "as" and value == self.target:
                    self.aliases.add(name)  # `from … import ENV_SERVER as S`
        if statements is None or not statements.usable:
            self.generic_visit(node)
            return
        # Every reference spells the symbol's name, or its owner's (a lookup: `Flag(x)`),
        # a name bound to either, or a key naming it: the module's statements that spell
        # none are not visited (Open WebUI's settings, each looked for in modules of
        # thousands of lines)
        words = {self.word, self.owner.rsplit(".", 1)[-1], *self.aliases, *self.keys,
                 *(name for name, bound in self.module_names.items()
                   if bound in (self.target, self.owner))} - {""}
        for statement in statements.naming(words):
            self.visit(statement)


    def _resolve(self, parts: list[str]) -> str | None:
        """The qualified name of a dotted reference, or None when it cannot be told."""
        head = parts[0]
        for depth, (owner, names) in enumerate(reversed(self.scopes)):
            if owner is not None and depth > 0:
                continue  # a class body's names are not seen from the functions inside
            if head in names:
                # A parameter or local: what it holds is not followed. A class body's own
                # name (`(NEW, "label")` in `FEATURES`): the class attribute.
                return ".".join([owner, *parts]) if owner else None
        bound = self.module_names.get(head)
        if bound is None and head == self.word and self.owner == self.module:
            # its own module's name, no longer bound there: where a fix deletes its binding
            # and a use of it is left (pretix's settings' `if HAS_CELERY:` below the
            # deleted `HAS_CELERY = …` was "a name flaglint cannot resolve")
            return self.target
        if bound is None:
            return None
        return ".".join([bound, *parts[1:]])

    def _in_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        if not isinstance(node, ast.Lambda):
            self._annotation(node.returns)
        memo = self.statements.locals if self.statements is not None else {}
        names = memo.get(id(node))
        if names is None:
            names = memo[id(node)] = _locals(node)
        self.scopes.append((None, names))
        self._function_depth += 1
        self.generic_visit(node)
        self._function_depth -= 1
        self.scopes.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _in_function

    def _in_comprehension(self, node: ast.ListComp | ast.SetComp | ast.DictComp
                          | ast.GeneratorExp) -> None:
        """Its targets are its own names (`[x for NEW in …]` reads no module's `NEW`)."""
        names = {n.id for g in node.generators for n in ast.walk(g.target)
                 if isinstance(n, ast.Name)}
        self.scopes.append((None, names))
        self.generic_visit(node)
        self.scopes.pop()

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _in_comprehension

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for inner in (*node.bases, *node.keywords, *node.decorator_list):
            self.visit(inner)
        names: set[str] = set()
        for statement in node.body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(statement.name)
            elif isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = statement.targets if isinstance(statement, ast.Assign) else \
                    [statement.target]
                names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        outer = next((owner for owner, _ in reversed(self.scopes) if owner), self.module) \
            if not self._function_depth else None
        self.scopes.append((f"{outer}.{node.name}" if outer else "", names))
        for statement in node.body:
            self.visit(statement)
        self.scopes.pop()

    # -- references -------------------------------------------------------------------------

    def _add(self, kind: Kind, node: ast.AST, text: str, resolved: str | None = None) -> None:
        reference = Reference(kind, getattr(node, "lineno", 1),
                              getattr(node, "col_offset", 0) + 1, text, resolved,
                              as_value=kind is Kind.USE and id(node) not in self._bases)
        if reference not in self.found:
            self.found.append(reference)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = absolute(node, self.package)
        for alias in node.names:
            if alias.name == self.word:
                full = f"{base}.{alias.name}"
                self._add(Kind.IMPORT if full == self.target else Kind.OTHER, node,
                          f"from {base} import {alias.name}", full)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self._bases.add(id(node.value))
        parts = dotted(node)
        if parts is not None and parts[-1] == self.word:
            self._named(node, parts)
            return
        if parts is not None and parts[-1] == "__members__" and \
                self._resolve(parts[:-1]) == self.owner:
            self._add(Kind.LOOKUP, node, ".".join(parts))
        elif node.attr == self.word:
            self._add(Kind.UNKNOWN, node, f"….{node.attr}")  # `self.x.NEW`, `f().NEW`
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if (node.id == self.word or node.id in self.aliases) and \
                not isinstance(node.ctx, ast.Store):
            self._named(node, [node.id])

    def _named(self, node: ast.expr, parts: list[str]) -> None:
        resolved = self._resolve(parts)
        text = ".".join(parts)
        if resolved is None:
            self._add(Kind.UNKNOWN, node, text)
        elif resolved == self.target:
            self._add(Kind.USE, node, text, resolved)
        else:
            self._add(Kind.OTHER, node, text, resolved)

    def visit_Call(self, node: ast.Call) -> None:
        self._bases.add(id(node.func))
        callee = dotted(node.func)
        name = callee[-1] if callee else ""
        if callee is not None and name == self.word and self._resolve(callee) == self.target:
            self._add(Kind.CALL, node, ast.unparse(node.func), self.target)
            for inner in (*node.args, *node.keywords):
                self.visit(inner)
            return
        if callee is not None and self._resolve(callee) == self.owner and node.args:
            first = node.args[0]
            member = dotted(first)
            other = member is not None and len(member) > 1 and \
                self._resolve(member[:-1]) == self.owner and member[-1] != self.word
            if not other and (not isinstance(first, ast.Constant) or first.value in self.keys):
                self._add(Kind.LOOKUP, node, ast.unparse(node)[:80])  # `Flags("new_ui")`
        elif name in _BY_NAME and len(node.args) >= 2:  # `getattr(mail, "send")`
            self._string(node.args[1])
        elif name in _PATCHES and node.args:  # `mock.patch("app.views.new_ui_on")`
            self._string(node.args[0])
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        owner = dotted(node.value)
        index = node.slice
        if owner is not None and self._resolve(owner) == self.owner:
            if not isinstance(index, ast.Constant) or index.value in self.keys:
                self._add(Kind.LOOKUP, node, ast.unparse(node)[:80])  # `Flags["NEW_UI"]`
        elif (isinstance(node.value, ast.Call) and dotted(node.value.func) in _NAMESPACES) \
                or (owner is not None and owner[-1] == "__dict__"):
            self._string(index)  # `vars(render)["show"]`, `globals()["x"]`, `m.__dict__[…]`
        self.generic_visit(node)

    def _collection(self, node: ast.List | ast.Tuple | ast.Set | ast.Dict) -> None:
        """Note each item that lists the symbol (see `entries`)."""
        if isinstance(node, ast.Dict):
            items = [key for key in node.keys if key is not None]
        else:
            items = list(node.elts)
        for item in items:
            named = item.elts[0] if isinstance(item, (ast.Tuple, ast.List)) and item.elts \
                and not isinstance(node, ast.Dict) else item
            parts = dotted(named)
            if parts is not None and self._resolve(parts) == self.target:
                self.entries.append(item)
        self.generic_visit(node)

    visit_List = visit_Tuple = visit_Set = visit_Dict = _collection

    def visit_Assign(self, node: ast.Assign) -> None:
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            for element in ast.walk(node.value):
                if isinstance(element, ast.expr):
                    self._string(element)
        self.generic_visit(node)

    def visit_arg(self, node: ast.arg) -> None:
        self._annotation(node.annotation)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._annotation(node.annotation)
        self.generic_visit(node)

    def _annotation(self, node: ast.expr | None) -> None:
        for inner in ast.walk(node) if node is not None else ():
            if isinstance(inner, ast.Constant) and isinstance(inner.value, str) and \
                    self.word in annotation_names(inner.value):
                self._add(Kind.STRING, inner, repr(inner.value)[:80])

    def _string(self, node: ast.expr) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and (
                node.value in self.keys or node.value.rsplit(".", 1)[-1] == self.word):
            self._add(Kind.STRING, node, repr(node.value)[:80])

    def visit_Constant(self, node: ast.Constant) -> None:
        # A dotted path in a string (`"app.views.new_ui_on"` in settings, a URL conf)
        # may name it wherever it stands.
        if isinstance(node.value, str) and ((
                "." in node.value and node.value.rsplit(".", 1)[-1] == self.word and
                node.value.replace(".", "").replace("_", "").isalnum()) or
                (self.by_name and node.value == self.word)):
            self._add(Kind.STRING, node, repr(node.value)[:80])


_BY_NAME = frozenset({"getattr", "setattr", "hasattr", "delattr"})
_PATCHES = frozenset({"patch", "setattr", "object"})
_NAMESPACES = (["vars"], ["globals"], ["locals"])


class Place(NamedTuple):
    """Where something refers to a symbol, and how: for the list of what blocked an edit."""

    path: str
    line: int  # 0: the file as a whole
    column: int
    why: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}" if self.line else self.path
        return f"{where}: {self.why}"


def places(found: list[Reference], path: str) -> Iterator[Place]:
    """Where each reference is, and what it is."""
    for reference in found:
        what = f" ({reference.text})" if reference.text else ""
        yield Place(path, reference.line, reference.column, f"{reference.kind.value}{what}")


def handed_on(source: str, module: str, qualnames: Iterable[str], *,
              is_package: bool = False, tree: ast.Module | None = None,
              statements: Statements | None = None) -> set[str]:
    """Which of these symbols are used as a value in this source (stored in a dict or list,
    passed to a function, returned), where what reads them cannot be seen? A file that does
    not parse may do anything: all of them. The file is parsed once (`tree`: its parse,
    when made already), and a symbol whose name the text never spells as a value
    (`_spelled_as_value`) needs no visit of its tree."""
    try:
        tree = tree or ast.parse(source)
    except (SyntaxError, ValueError):
        return set(qualnames)
    found = set()
    for qualname in qualnames:
        if not _spelled_as_value(source, qualname.rsplit(".", 1)[-1]):
            continue
        if statements is None or statements.tree is not tree:
            statements = Statements(source, tree)
        finder = _Finder(module, qualname, frozenset(), is_package=is_package,
                         statements=statements)
        finder.visit(tree)
        if any(r.kind is Kind.USE and r.as_value for r in finder.found):
            found.add(qualname)
    return found


def _spelled_as_value(source: str, word: str) -> bool:
    """Does the text hold the word, as a whole word, anywhere but where it cannot be a value
    handed on, whatever the rest of the file says: the base of an attribute or a call on the
    same line (`holder.value`, `holder(`, `x.holder.y`), the target of a plain assignment
    that starts its line (`holder = …`; inside a call that spans lines, a keyword, which is
    no name at all), a string's whole text (`'holder'`), or the name a `def` or `class`
    binds? Any other spelling (`{"a": holder}`, `f(holder)`, an import, a comment) leaves
    it to the syntax tree, and so does a whole file that holds a `case` (a class pattern,
    `case holder():`, names its class as a value) or any character beyond ASCII (Python
    reads `ｈ` as `h`)."""
    if not source.isascii() or _CASE.search(source):
        return True
    for match in re.finditer(rf"\b{re.escape(word)}\b", source):
        start, end = match.span()
        before = source[source.rfind("\n", 0, start) + 1:start]
        line_end = source.find("\n", end)
        after = source[end:line_end if line_end >= 0 else len(source)].lstrip(" \t")
        if after[:1] in (".", "("):
            continue
        # `holder = 1`, not `holder == 1`, nor `{\nholder=}` in an f-string: a value follows
        if after[:1] == "=" and after[1:].lstrip(" \t")[:1] not in ("", "=", "}", "!", ":") \
                and not before.strip(" \t"):
            continue
        if _DEF.search(before) or (before[-1:] in _QUOTES and source[end:end + 1] in _QUOTES):
            continue
        return True
    return False


_CASE = re.compile(r"^[ \t]*case\b", re.MULTILINE)
_DEF = re.compile(r"\b(?:def|class)[ \t]+\Z")
_QUOTES = ("'", '"')


def definition_lines(tree: ast.Module) -> dict[str, tuple[int, int]]:
    """Each function's and class's lines (first, last), by its name within the classes it
    is in (`Case.test_x`): not inside a function."""
    found: dict[str, tuple[int, int]] = {}

    def visit(node: ast.AST, names: tuple[str, ...]) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found[".".join((*names, child.name))] = (child.lineno,
                                                         child.end_lineno or child.lineno)
                if isinstance(child, ast.ClassDef):
                    visit(child, (*names, child.name))

    visit(tree, ())
    return found
