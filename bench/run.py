"""Benchmark `flaglint check`: cold (empty cache) and warm, files/s and lines/s.

    python bench/run.py                     # the generated corpus (bench/generate.py)
    python bench/run.py PATH [PATH ...]     # any code bases, e.g. site-packages/django

Each case runs the installed `flaglint` in a fresh process, as a hook or CI would, with a
private cache folder; the best of --repeat runs is reported.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent


def count(path: Path) -> tuple[int, int]:
    files = lines = 0
    for file in (path.rglob("*.py") if path.is_dir() else [path]):
        files += 1
        with file.open("rb") as handle:
            lines += sum(1 for _ in handle)
    return files, lines


def timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        sys.exit(f"flaglint failed ({result.returncode}): {result.stderr}")
    return elapsed


def bench(path: Path, jobs: int, repeat: int) -> tuple[float, float]:
    command = [sys.executable, "-m", "flaglint", "check", str(path), "--exit-zero",
               "--jobs", str(jobs)]
    colds, warms = [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "FLAGLINT_CACHE_DIR": cache}
            colds.append(timed(command, env))
            warms.append(timed(command, env))
    return min(colds), min(warms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    paths = args.paths
    if not paths:
        corpus = HERE / "corpus"
        if not corpus.exists():
            subprocess.run([sys.executable, str(HERE / "generate.py"), "--out", str(corpus)],
                           check=True)
        paths = [corpus]
    print("| code base | files | lines | jobs | cold s | cold files/s | cold lines/s "
          "| warm s | warm files/s | warm lines/s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for path in paths:
        files, lines = count(path)
        for jobs in args.jobs:
            cold, warm = bench(path, jobs, args.repeat)
            print(f"| {path.name} | {files} | {lines} | {jobs} | {cold:.2f} | "
                  f"{files / cold:,.0f} | {lines / cold:,.0f} | {warm:.2f} | "
                  f"{files / warm:,.0f} | {lines / warm:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
