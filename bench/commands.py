"""Everything else a user runs, after a warm `check`, beside ruff's cold `--select F` on the
same code: `graph`, `audit`, `clean KEY --dry-run`, `check --fix` with nothing to fix and
of a rolled-out flag, an edit that changes what other files link through (a new wrapper),
a registry that settles two thirds of Sentry's flags (cold, warm, a file edited, a file with
dead code edited, `check --fix --unsafe-fixes` previewed with `--diff` and then made), and one
generated 4.4 MB module with 48k reads (bench/huge.py), cold and warm, with peak
memory.

    pip install -e '.[bench]'
    python bench/commands.py                        # Sentry 23.7.1 (fetched as realworld.py does)
    python bench/commands.py --key organizations:discover-basic --repeat 3

Every run is a fresh process; the median of --repeat runs is shown, with the largest peak
resident memory (from `wait4`) of those runs.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from huge import generate  # noqa: E402
from realworld import loop_seconds, prepare  # noqa: E402


def run(args: list[str], folder: Path, env: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak MB) of one run."""
    start = time.perf_counter()
    process = subprocess.Popen(args, cwd=folder, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        error = process.stderr.read().decode() if process.stderr else ""
        sys.exit(f"{' '.join(args)} failed ({code}): {error[-2000:]}")
    # ru_maxrss is in bytes on macOS, in kilobytes elsewhere
    peak = usage.ru_maxrss / (1 << 20) if sys.platform == "darwin" else usage.ru_maxrss / 1024
    return elapsed, peak


def flaglint(*args: str) -> list[str]:
    return [sys.executable, "-m", "flaglint", *args]


class Table:
    def __init__(self) -> None:
        self.rows: dict[str, list[tuple[float, float]]] = {}

    def note(self, name: str, measured: tuple[float, float]) -> None:
        self.rows.setdefault(name, []).append(measured)

    def print(self) -> None:
        print("| run | s (median) | peak MB |\n|---|---:|---:|")
        for name, runs in self.rows.items():
            print(f"| {name} | {statistics.median(t for t, _ in runs):.2f} | "
                  f"{max(m for _, m in runs):.0f} |")


def sentry(table: Table, folder: Path, key: str, env: dict[str, str]) -> None:
    ruff = [shutil.which("ruff") or "ruff", "check", "--select", "F", "--exit-zero",
            "--quiet", "--no-cache", "."]
    table.note("Sentry: ruff check --select F, cold", run(ruff, folder, env))
    table.note("Sentry: check, cold", run(flaglint("check", ".", "--exit-zero"), folder, env))
    table.note("Sentry: check, warm", run(flaglint("check", ".", "--exit-zero"), folder, env))
    # what the pre-commit hook's `--fix` costs on most commits: nothing has a fix
    table.note("Sentry: check --fix with nothing to fix, warm",
               run(flaglint("check", ".", "--fix", "--exit-zero"), folder, env))
    table.note("Sentry: graph after a warm check", run(flaglint("graph"), folder, env))
    table.note("Sentry: audit after a warm check",
               run(flaglint("audit", "--output", os.devnull), folder, env))
    table.note(f"Sentry: clean {key} --value true --dry-run, warm",
               run(flaglint("clean", key, "--value", "true", "--dry-run"), folder, env))
    target = folder / "sentry" / "api" / "endpoints" / "organization_events.py"
    original = target.read_bytes()
    try:
        target.write_bytes(original + b'\n\ndef bench_wrapper(org):\n    return '
                                      b'features.has("organizations:bench", org)\n')
        table.note("Sentry: a new wrapper (an interface edit), after a warm check",
                   run(flaglint("check", ".", "--exit-zero"), folder, env))
    finally:
        target.write_bytes(original)
    run(flaglint("check", ".", "--exit-zero"), folder, env)
    # `check --fix` of a flag the registry says is rolled out (41 fixes in 11 files), warm
    registry = folder / "flags.toml"
    registry.write_text(f'[flags."{key}"]\nstatus = "rolled-out"\nvalue = true\n')
    try:
        run(flaglint("check", ".", "--exit-zero"), folder, env)
        table.note("Sentry: check, warm, one flag rolled out",
                   run(flaglint("check", ".", "--exit-zero"), folder, env))
        table.note("Sentry: check --fix of that flag, warm",
                   run(flaglint("check", ".", "--fix", "--exit-zero"), folder, env))
    finally:
        registry.unlink()
        subprocess.run(["git", "-C", str(folder), "checkout", "-q", "--", "."], check=True)
    settled(table, folder, env)


def settled(table: Table, folder: Path, env: dict[str, str]) -> None:
    """A team's registry: of the keys Sentry reads by a literal, every third rolled out,
    every third retired (67 of 101): dead code, its helpers, and the fixes a check offers,
    cold, warm and after one file edited."""
    keys = sorted({found.decode() for path in (folder / "sentry").rglob("*.py")
                   for found in re.findall(rb'features\.has\(\s*"(organizations:[a-z0-9-]+)"',
                                           path.read_bytes())})
    entries = [f'[flags."{key}"]\nstatus = "rolled-out"\nvalue = true\n' if index % 3 == 0
               else f'[flags."{key}"]\nstatus = "retired"\n'
               for index, key in enumerate(keys) if index % 3 != 2]
    registry = folder / "flags.toml"
    registry.write_text("\n".join(entries))
    edited = folder / "sentry" / "utils" / "json.py"
    original = edited.read_bytes()
    dead = folder / "sentry" / "api" / "endpoints" / "group_hashes_split.py"  # dead code
    dead_original = dead.read_bytes()
    try:
        with tempfile.TemporaryDirectory() as cache:
            cold = {**env, "FLAGLINT_CACHE_DIR": cache}
            name = f"Sentry, {len(entries)} of {len(keys)} flags settled"
            table.note(f"{name}: check, cold", run(flaglint("check", ".", "--exit-zero"),
                                                    folder, cold))
            table.note(f"{name}: check, warm", run(flaglint("check", ".", "--exit-zero"),
                                                    folder, cold))
            edited.write_bytes(original + b"\n# an edit\n")
            table.note(f"{name}: one file edited", run(flaglint("check", ".", "--exit-zero"),
                                                        folder, cold))
            dead.write_bytes(dead_original + b"\n# an edit\n")
            table.note(f"{name}: one file with dead code edited",
                       run(flaglint("check", ".", "--exit-zero"), folder, cold))
            # a preview of every fix, then the fixes written (281 in 116 files)
            fix = flaglint("check", ".", "--fix", "--unsafe-fixes", "--exit-zero")
            table.note(f"{name}: check --fix --unsafe-fixes --diff",
                       run([*fix, "--diff"], folder, cold))
            table.note(f"{name}: check --fix --unsafe-fixes after its --diff",
                       run(fix, folder, cold))
    finally:
        edited.write_bytes(original)
        dead.write_bytes(dead_original)
        registry.unlink()
        subprocess.run(["git", "-C", str(folder), "checkout", "-q", "--", "."], check=True)


def huge(table: Table, folder: Path, env: dict[str, str]) -> None:
    ruff = [shutil.which("ruff") or "ruff", "check", "--select", "F", "--exit-zero",
            "--quiet", "--no-cache", "."]
    table.note("4.4 MB module: ruff check --select F, cold", run(ruff, folder, env))
    table.note("4.4 MB module: check, cold", run(flaglint("check", ".", "--exit-zero"),
                                                 folder, env))
    table.note("4.4 MB module: check, warm", run(flaglint("check", ".", "--exit-zero"),
                                                 folder, env))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--key", default="organizations:performance-view")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--work", type=Path, default=HERE / "corpora")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    folder = prepare("sentry", args.work.resolve())
    table = Table()
    before = loop_seconds()
    with tempfile.TemporaryDirectory() as scratch:
        big = generate(Path(scratch) / "huge", 48_000, 400)
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as cache:
                env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
                env["FLAGLINT_CACHE_DIR"] = cache
                sentry(table, folder, args.key, env)
                huge(table, big, env)
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}; median of {args.repeat}; "
          f"a 10^7-step Python loop {before:.2f} s before the runs, {loop_seconds():.2f} s "
          f"after\n")
    table.print()


if __name__ == "__main__":
    main()
