"""Compare `flaglint clean` with Uber's Piranha on the same flag cleanups (not a CI test).

    .venv/bin/pip install polyglot-piranha && .venv/bin/python bench/piranha_compare.py

Piranha ships no cleanup rules for Python, so this script gives it a rule set for the same
flag API: replace the read by the literal, then simplify `X or True`, `X and False`,
`not True`, and `if True:` / `if False:` with or without `else`. Each case runs both tools on a
fresh copy and checks that every file parses, that side effects are kept, and that the dead
helpers are gone.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Case:
    name: str
    files: dict[str, str]
    key: str
    read: str  # the read as written, for Piranha's concrete-syntax query
    value: bool
    keep: list[str] = field(default_factory=list)  # must still be there (side effects, code)
    gone: list[str] = field(default_factory=list)  # dead helpers that must be deleted


PYPROJECT = '[tool.flaglint]\npresets = ["unleash"]\n'
FLAGS = '[flags.new_checkout]\ntype = "release"\nowner = "payments"\n'


def _case_files(**files: str) -> dict[str, str]:
    return {"pyproject.toml": PYPROJECT, "flags.toml": FLAGS,
            **{k: textwrap.dedent(v).lstrip() for k, v in files.items()}}


CASES = [
    Case("multi-line body with a comment", _case_files(**{"app.py": """
        def total(cart):
            if client.is_enabled("new_checkout"):
                # priced in one pass
                amount = sum(item.price for item in cart)
                return round(amount, 2)
            else:
                return legacy(cart)
        """}), "new_checkout", 'client.is_enabled("new_checkout")', value=True,
        keep=["amount = sum(item.price for item in cart)", "# priced in one pass"]),
    Case("side effect in the condition", _case_files(**{"app.py": """
        def pay(x):
            if audit(x) or client.is_enabled("new_checkout"):
                go(x)
            else:
                stop(x)
        """}), "new_checkout", 'client.is_enabled("new_checkout")', value=True,
        keep=["audit(x)", "go(x)"]),
    Case("negated early exit", _case_files(**{"app.py": """
        def route(order):
            if not client.is_enabled("new_checkout"):
                return legacy(order)
            validate(order)
            return smart(order)
        """}), "new_checkout", 'client.is_enabled("new_checkout")', value=True,
        keep=["validate(order)", "return smart(order)"]),
    Case("helper in another module", {
        "pyproject.toml": PYPROJECT, "flags.toml": FLAGS,
        "shop/__init__.py": "",
        "shop/checkout.py": textwrap.dedent("""
            from shop.legacy import legacy_total


            def total(cart):
                if client.is_enabled("new_checkout"):
                    return sum(item.price for item in cart)
                else:
                    return legacy_total(cart)
            """).lstrip(),
        "shop/legacy.py": textwrap.dedent("""
            def legacy_total(cart):
                return sum(_price(item) for item in cart)


            def _price(item):
                return item.price
            """).lstrip(),
    }, "new_checkout", 'client.is_enabled("new_checkout")', value=True,
        keep=["return sum(item.price for item in cart)"],
        gone=["def legacy_total", "def _price", "import legacy_total"]),
]


def piranha(root: Path, case: Case) -> None:
    from polyglot_piranha import (
        OutgoingEdges,
        PiranhaArguments,
        Rule,
        RuleGraph,
        execute_piranha,
    )

    literal = "True" if case.value else "False"
    rules = [
        Rule(name="replace_flag", query=f"cs {case.read}", replace_node="*", replace=literal,
             is_seed_rule=True),
        Rule(name="or_true", query='((boolean_operator left: (_) operator: "or" right: (true))'
                                   ' @b)', replace_node="b", replace="True", is_seed_rule=False),
        Rule(name="and_false", query='((boolean_operator left: (_) operator: "and" '
                                     'right: (false)) @b)', replace_node="b", replace="False",
             is_seed_rule=False),
        Rule(name="not_true", query="((not_operator argument: (true)) @n)", replace_node="n",
             replace="False", is_seed_rule=False),
        Rule(name="not_false", query="((not_operator argument: (false)) @n)", replace_node="n",
             replace="True", is_seed_rule=False),
        Rule(name="if_true_else", query="((if_statement condition: (true) consequence: (block) "
                                        "@body alternative: (else_clause)) @if)",
             replace_node="if", replace="@body", is_seed_rule=False),
        Rule(name="if_false_else", query="((if_statement condition: (false) alternative: "
                                         "(else_clause body: (block) @body)) @if)",
             replace_node="if", replace="@body", is_seed_rule=False),
        Rule(name="if_true", query="((if_statement condition: (true) consequence: (block) "
                                   "@body) @if)", replace_node="if", replace="@body",
             is_seed_rule=False),
        Rule(name="if_false", query="((if_statement condition: (false)) @if)",
             replace_node="if", replace="", is_seed_rule=False),
    ]
    simplify = ["or_true", "and_false", "not_true", "not_false", "if_true_else",
                "if_false_else", "if_true", "if_false"]
    edges = [OutgoingEdges(name, to=simplify, scope="Parent")
             for name in ["replace_flag", *simplify]]
    args = PiranhaArguments(paths_to_codebase=[str(root)], language="python",
                            rule_graph=RuleGraph(rules=rules, edges=edges))
    execute_piranha(args)


def flaglint(root: Path, case: Case) -> None:
    value = "true" if case.value else "false"
    subprocess.run([sys.executable, "-m", "flaglint", "clean", case.key, "--value", value,
                    str(root)], check=True, capture_output=True)


def judge(root: Path, case: Case) -> tuple[str, str, str]:
    sources = {p: p.read_text() for p in root.rglob("*.py")}
    parses = all(_parses(text) for text in sources.values())
    everything = "\n".join(sources.values())
    kept = all(k in everything for k in case.keep)
    gone = all(g not in everything for g in case.gone) if case.gone else None
    return ("yes" if parses else "NO", "yes" if kept else "NO",
            "n/a" if gone is None else ("yes" if gone else "NO"))


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True


def main() -> None:
    print("| case | tool | parses | keeps code and side effects | removes dead helpers |")
    print("|---|---|---|---|---|")
    for case in CASES:
        for name, tool in (("flaglint clean", flaglint), ("Piranha", piranha)):
            with tempfile.TemporaryDirectory() as folder:
                root = Path(folder)
                for rel, text in case.files.items():
                    (root / rel).parent.mkdir(parents=True, exist_ok=True)
                    (root / rel).write_text(text)
                try:
                    tool(root, case)
                    verdict = judge(root, case)
                except Exception as error:  # noqa: BLE001 - a tool that fails outright is a result too
                    verdict = (f"failed: {type(error).__name__}", "-", "-")
                print(f"| {case.name} | {name} | {' | '.join(verdict)} |", flush=True)
    shutil.rmtree(REPO / "bench" / "__pycache__", ignore_errors=True)


if __name__ == "__main__":
    main()
