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
