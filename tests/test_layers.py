"""The package's shape: stages in layers, each importing only the layers below it, and no
import cycle between modules. Every import statement counts: at module level, inside a
function, under `if TYPE_CHECKING:`."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "flaglint"

# Bottom to top; a module belongs to the first layer one of whose prefixes it starts with.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("base", ("flaglint.findings", "flaglint.suppressions", "flaglint.deep", "flaglint.processes",
              "flaglint.progress", "flaglint.presets", "flaglint.codec", "flaglint.store",
              "flaglint.tomlsource", "flaglint.linediff", "flaglint.jsontext")),
    ("inputs", ("flaglint.config", "flaglint.sources")),
    ("facts", ("flaglint.facts",)),
    ("links", ("flaglint.links",)),
    ("model", ("flaglint.model",)),
    ("analyses", ("flaglint.analysis",)),
    ("findings", ("flaglint.rules",)),
    ("outputs", ("flaglint.reporters", "flaglint.fixes", "flaglint.audit", "flaglint.baseline",
                 "flaglint.docs")),
    ("driver", ("flaglint.engine",)),
    ("command line", ("flaglint.cli", "flaglint.server", "flaglint.__main__")),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def exists(module: str) -> bool:
    base = REPO / module.replace(".", "/")
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def imports_of(path: Path, text: str | None = None) -> set[str]:
    """The flaglint modules one file imports (`text`: its source, if not on disk yet),
    wherever the statement stands."""
    found = set()
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" \
        else module_name(path)
    source = path.read_text(encoding="utf-8") if text is None else text
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            if not module.startswith("flaglint"):
                continue
            for alias in node.names:
                full = f"{module}.{alias.name}"
                found.add(full if exists(full) else module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("flaglint")}
    return found


def import_graph() -> dict[str, set[str]]:
    graph = {module_name(path): imports_of(path) for path in PACKAGE.rglob("*.py")}
    graph.pop("flaglint", None)  # the package's face holds only its version
    return {module: targets - {"flaglint"} for module, targets in graph.items()}


def layer(module: str) -> int:
    for index, (_, prefixes) in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return index
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS")


def test_every_module_has_a_layer():
    for module in import_graph():
        layer(module)


def test_no_import_goes_up_a_layer():
    upward = sorted((module, target) for module, targets in import_graph().items()
                    for target in targets if layer(target) > layer(module))
    assert upward == []


def test_no_import_cycles():
    import networkx as nx

    graph = nx.DiGraph([(a, b) for a, targets in import_graph().items() for b in targets])
    assert sorted(sorted(cycle) for cycle in nx.simple_cycles(graph)) == []


def test_the_counting_sees_imports_inside_functions_and_type_checking():
    text = ("from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from flaglint.engine.check import Summary\n"
            "def f():\n    from flaglint.cli import main\n    from . import outcome\n")
    assert imports_of(PACKAGE / "rules" / "base.py", text) == {
        "flaglint.engine.check", "flaglint.cli", "flaglint.rules.outcome"}
