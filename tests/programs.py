"""Random programs over the shapes flaglint fixes, for the differential test of the fixes.

Each program is two modules (`pN_main.py`, `pN_help.py`) over a shared runtime (`rt.py`):
flag reads through the Unleash and LaunchDarkly call shapes, wrappers in both modules,
helpers called from branches (some only from dead ones), helpers registered by a decorator,
generators, async code, early exits, loops, try/with, local aliases, conditional
expressions, and `and`/`or` with side-effecting operands. Every observable step goes through
`T(...)`, which records it, so two runs can be compared: the trace, the result, the
exception.
"""

from __future__ import annotations

import random
import textwrap

# What the registry says, and what a read yields at run time when the flag is settled.
FLAGS_TOML = """
[flags.on]
status = "rolled-out"
value = true

[flags.off]
status = "rolled-out"
value = false

[flags.color]
status = "rolled-out"
value = "blue"

[flags.old]
status = "retired"
retired = 2003-06-01

[flags.live]
owner = "a"
type = "kill-switch"
"""

PYPROJECT = '[tool.flaglint]\npresets = ["unleash", "launchdarkly"]\n'

RUNTIME = '''
import asyncio
import contextlib

TRACE = []
REGISTERED = []
VALUES = {"on": True, "off": False, "color": "blue", "live": True}


def T(value):
    TRACE.append(repr(value))
    return value


# Reads are not traced: replacing them by their value is what the fixes do.
class Client:
    def is_enabled(self, key, *args, **kwargs):
        return VALUES.get(key, False)


class LD:
    def variation(self, key, user, default):
        return VALUES.get(key, default)


client = Client()
ld = LD()


def register(function):
    REGISTERED.append(function)
    return function


@contextlib.contextmanager
def ctx(name):
    TRACE.append("enter " + name)
    try:
        yield
    finally:
        TRACE.append("exit " + name)


async def tick(value):
    await asyncio.sleep(0)
    return T(value)
'''

# Runs each program's `main` and prints what it observed, one JSON line a program.
RUNNER = '''
import asyncio
import importlib
import inspect
import json
import sys

import rt

results = {}
for name in sys.argv[1:]:
    rt.TRACE.clear()
    rt.REGISTERED.clear()
    outcome = {}
    try:
        module = importlib.import_module(name + "_main")
        value = module.main()
        if inspect.iscoroutine(value):
            value = asyncio.run(value)
        outcome["result"] = repr(value)
        outcome["registered"] = sorted(f.__name__ for f in rt.REGISTERED)
    except Exception as error:
        outcome["error"] = type(error).__name__ + ": " + str(error)
    outcome["trace"] = list(rt.TRACE)
    results[name] = outcome
print(json.dumps(results))
'''

_BOOL_READS = (
    'rt.client.is_enabled("on")', 'rt.client.is_enabled("off")',
    'rt.client.is_enabled("live")', 'rt.client.is_enabled("old")',
    'rt.ld.variation("old", None, True)', 'rt.ld.variation("old", None, False)',
    'rt.ld.variation("on", None, False)',
)
_VARIANT = 'rt.ld.variation("color", None, "red")'


class Program:
    """One random program; `files` maps file names to their source."""

    def __init__(self, seed: int, index: int) -> None:
        self.random = random.Random(seed)
        self.name = f"p{index}"
        self.counter = 0
        self.helpers: list[str] = []  # functions of the main module
        self.remote: list[str] = []  # functions of the help module
        self.aliases: list[str] = []
        self.is_async = self.random.random() < 0.2
        self.in_help = False
        self.files = self._build()

    # -- expressions -------------------------------------------------------------------

    def _next(self) -> int:
        self.counter += 1
        return self.counter

    def read(self) -> str:
        r = self.random.random()
        if r < 0.45:
            return self.random.choice(_BOOL_READS)
        if r < 0.6:
            value = self.random.choice(['"blue"', '"red"'])
            op = self.random.choice(["==", "!="])
            return f"{_VARIANT} {op} {value}"
        if r < 0.67:
            return f'{_VARIANT} in ("red", "green")'
        if r < 0.77:
            wrappers = ["w_on()", "w_old()"] if self.in_help else \
                ["w_on()", "w_off()", "help.w_on()", "help.w_old()"]
            return self.random.choice(wrappers)
        if r < 0.85 and self.aliases:
            return self.random.choice(self.aliases)
        literal = self.random.choice(["True", "False"])
        op = self.random.choice(["is", "==", "!=", "is not"])
        return f"{self.random.choice(_BOOL_READS)} {op} {literal}"

    def cond(self, depth: int = 0) -> str:
        r = self.random.random()
        if depth > 2 or r < 0.45:
            return self.read()
        if r < 0.55:
            return f"not {self.cond(depth + 1)}"
        if r < 0.7:
            effect = self.random.choice(["T(True)", "T(False)", "T(0)", "T(1)"])
            op = self.random.choice(["and", "or"])
            if self.random.random() < 0.5:
                return f"{effect} {op} {self.cond(depth + 1)}"
            return f"{self.cond(depth + 1)} {op} {effect}"
        op = self.random.choice(["and", "or"])
        return f"({self.cond(depth + 1)} {op} {self.cond(depth + 1)})"

    # -- statements ----------------------------------------------------------------------

    def block(self, depth: int, *, loop: bool = False, size: int = 0) -> list[str]:
        lines: list[str] = []
        for _ in range(size or self.random.randint(1, 3)):
            lines += self.statement(depth, loop=loop)
        return lines

    def statement(self, depth: int, *, loop: bool) -> list[str]:
        n = self._next()
        r = self.random.random()
        if depth > 2 or r < 0.22:
            return self.simple(n)
        if r < 0.73:
            return self._compound(n, r, depth, loop=loop)
        return self._flag_use(n, r, depth)

    def _compound(self, n: int, r: float, depth: int, *, loop: bool) -> list[str]:
        """A statement with a block (`r` below 0.73 picks which)."""
        if r < 0.42:
            lines = [f"if {self.cond()}:", *_indent(self.block(depth + 1, loop=loop))]
            if self.random.random() < 0.4:
                lines += [f"elif {self.cond()}:", *_indent(self.block(depth + 1, loop=loop))]
            if self.random.random() < 0.5:
                lines += ["else:", *_indent(self.block(depth + 1, loop=loop))]
            return lines
        if r < 0.5:
            exit_ = self.random.choice(
                [f"return T('r{n}')", f"raise ValueError('v{n}')"]
                + (["continue", "break"] if loop else []))
            return [f"if {self.cond()}:", f"    T('x{n}')", f"    {exit_}"]
        if r < 0.56:
            return [f"while {self.cond()}:", *_indent(self.block(depth + 1)), "    break"]
        if r < 0.62:
            return [f"for i{n} in range(2):", *_indent(self.block(depth + 1, loop=True))]
        if r < 0.68:
            return ["try:", *_indent(self.block(depth + 1, loop=loop)),
                    "except ValueError as error:", "    T(str(error))"]
        return [f"with rt.ctx('c{n}'):", *_indent(self.block(depth + 1, loop=loop))]

    def _flag_use(self, n: int, r: float, depth: int) -> list[str]:
        """A statement that reads the flag or binds a name for it in a harder way: aliases,
        conditional expressions, closures, parameters, globals (`r` from 0.73 on)."""
        if r < 0.78 and depth == 0:
            name = f"use{n}"
            self.aliases.append(name)
            return [f"{name} = {self.read()}"]
        if r < 0.83:
            return [f"T('a{n}' if {self.cond()} else 'b{n}')"]
        if r < 0.88:
            op = self.random.choice(["and", "or"])
            return [f"{self.read()} {op} T('e{n}')"]
        if r < 0.92 and self.is_async:
            return [f"if {self.cond()}:", f"    await rt.tick('t{n}')"]
        if r < 0.94 and self.aliases and depth > 0:
            # A name bound again under a condition is no constant any more.
            name = self.random.choice(self.aliases)
            return [f"{name} = T({self.random.choice(['True', 'False'])})"]
        if r < 0.96:
            # A closure reads the flag when it is called.
            return [f"def inner{n}():", f"    return {self.read()}", f"T(inner{n}())"]
        if r < 0.98 and depth == 0:
            # A parameter named like an alias, bound again under a condition (as `record`
            # in a real removal): never a constant.
            return [f"def par{n}(use{n}=False, extra=None):", "    if extra:",
                    f"        use{n} = True", f"    if use{n}:", f"        return T('p{n}')",
                    f"    return T('q{n}')", f"T(par{n}({self.read()}, {self.read()}))"]
        if r < 0.99 and self.aliases and depth == 0:
            # A global that a helper re-binds.
            name = self.random.choice(self.aliases)
            return [f"def rebind{n}():", f"    global {name}", f"    {name} = T(False)",
                    f"rebind{n}()", f"T({name})"]
        return self.simple(n)

    def simple(self, n: int) -> list[str]:
        r = self.random.random()
        if r < 0.4 or not (self.helpers or self.remote):
            return [f"T('s{n}')"]
        if r < 0.7 and self.helpers:
            return [f"{self.random.choice(self.helpers)}()"]
        if self.remote:
            return [f"help.{self.random.choice(self.remote)}()"]
        return [f"T('s{n}')"]

    # -- modules -------------------------------------------------------------------------

    def _helpers(self, count: int, *, registered: bool) -> tuple[list[str], list[str]]:
        lines: list[str] = []
        names: list[str] = []
        for i in range(count):
            name = f"helper{i}"
            body = [f"T('{name}')"]
            if names and self.random.random() < 0.5:
                body.append(f"{self.random.choice(names)}()")  # helpers of helpers
            if self.random.random() < 0.3:
                body = [f"if {self.cond()}:", *_indent(body), "else:", f"    T('{name} else')"]
            decorator = ["@rt.register"] if registered and self.random.random() < 0.3 else []
            lines += ["", "", *decorator, f"def {name}():", *_indent(body), f"    return {i}"]
            names.append(name)
        if self.random.random() < 0.4:
            lines += ["", "", "def gen():", f"    if {self.read()}:", "        yield 1",
                      "    yield 2"]
            names.append("gen_list")
            lines += ["", "", "def gen_list():", "    return T(list(gen()))"]
        return lines, names

    def _build(self) -> dict[str, str]:
        self.in_help = True
        help_lines, self.remote = self._helpers(self.random.randint(0, 3), registered=True)
        self.in_help = False
        help_module = "\n".join([
            "import rt", "from rt import T", "", "",
            "def w_on():", '    return rt.client.is_enabled("on")', "", "",
            "def w_old():", '    return rt.client.is_enabled("old")',
            *help_lines, ""])
        main_helpers, self.helpers = self._helpers(self.random.randint(0, 3), registered=True)
        body = self.block(0, size=self.random.randint(2, 5))
        keyword = "async def" if self.is_async else "def"
        main_module = "\n".join([
            "import rt", f"import {self.name}_help as help", "from rt import T", "", "",
            "def w_on():", '    return rt.client.is_enabled("on")', "", "",
            "def w_off():", '    return not rt.client.is_enabled("on")',
            *main_helpers, "", "",
            f"{keyword} main():", *_indent(body), "    return T('end')", ""])
        return {f"{self.name}_main.py": main_module, f"{self.name}_help.py": help_module}


def _indent(lines: list[str]) -> list[str]:
    return [textwrap.indent(line, "    ") if line else line for line in lines]
