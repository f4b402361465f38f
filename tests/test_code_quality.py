"""The code is held to `ruff check` and `mypy` (strict) as configured in pyproject.toml: run
here, so the test command is the one gate."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def tool(name: str) -> str:
    """The tool installed beside this interpreter (the test extra installs both)."""
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return found


def test_ruff_check_passes():
    result = subprocess.run([tool("ruff"), "check", "--no-cache", "--output-format",
                             "concise", str(REPO)], cwd=REPO, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_passes(tmp_path):
    result = subprocess.run([tool("mypy"), "--cache-dir", str(tmp_path / "mypy")], cwd=REPO,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def module_imports() -> dict[str, set[str]]:
    """flaglint module -> the flaglint modules it imports when it is imported (module level,
    outside `if TYPE_CHECKING:`)."""
    import ast

    package = REPO / "flaglint"

    def name_of(path: Path) -> str:
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

    def exists(module: str) -> bool:
        base = REPO / module.replace(".", "/")
        return base.with_suffix(".py").exists() or (base / "__init__.py").exists()

    graph: dict[str, set[str]] = {}
    for path in package.rglob("*.py"):
        edges = graph.setdefault(name_of(path), set())
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("flaglint"):
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    edges.add(full if exists(full) else str(node.module))
            elif isinstance(node, ast.Import):
                edges |= {a.name for a in node.names if a.name.startswith("flaglint")}
    return graph


def test_no_import_cycles():
    import networkx as nx

    graph = nx.DiGraph([(a, b) for a, targets in module_imports().items() for b in targets])
    assert list(nx.simple_cycles(graph)) == []


def test_layers_import_downwards_only():
    """sources and facts know nothing of rules, fixes, reporters or the engine; rules know
    nothing of the fixes, reporters or the command line."""
    above = {"sources": ("rules", "fixes", "reporters", "engine", "cli"),
             "facts": ("rules", "fixes", "reporters", "engine", "cli", "analysis"),
             "analysis": ("rules", "fixes", "reporters", "engine", "cli"),
             "rules": ("fixes", "reporters", "cli")}
    wrong = [(module, target) for module, targets in module_imports().items()
             for layer, forbidden in above.items() if module.startswith(f"flaglint.{layer}")
             for target in targets if any(target.startswith(f"flaglint.{f}") for f in forbidden)]
    assert wrong == []
