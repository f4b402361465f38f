"""Time `flaglint audit` on a generated legacy project: ~150k lines, no registry, three years
of history.

    python bench/audit.py                    # 4,700 modules (~150k lines), 3 years, 1,095 commits
    python bench/audit.py --files 8000 --years 5

The corpus is bench/generate.py's (plain modules, 5% of which read flags through literals,
constants, Enums and wrappers), without its flags.toml: a legacy project. Its history is
written with `git fast-import`: the modules arrive in batches, one commit every day or so
over the years, and one commit in ten rewrites a module that reads a flag. The audit runs
cold (empty cache) and warm, each in a fresh process, and writes the HTML report.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate


def history(root: Path, years: int, seed: int) -> int:
    """Commit the corpus bit by bit over `years` with fast-import; returns the commits."""
    rng = random.Random(seed)
    files = sorted(p for p in root.rglob("*") if p.is_file() and ".git" not in p.parts)
    flagged = [p for p in files if "is_enabled" in p.read_text()]
    days = years * 365
    commits = max(days, 10)
    start = int(time.time()) - days * 86400
    batches = [files[i::commits] for i in range(commits)]
    stream = []
    for n, batch in enumerate(batches):
        when = start + n * 86400 + rng.randrange(3600)
        author = f"dev{rng.randrange(12)}"
        stream.append(f"commit refs/heads/main\nauthor {author} <{author}@example.com> {when} "
                      f"+0000\ncommitter {author} <{author}@example.com> {when} +0000\n"
                      f"data 7\nchange\n")
        if n and rng.random() < 0.1 and flagged:
            target = rng.choice(flagged)
            data = (target.read_text() + f"\n# touched {n}\n").encode()
            stream.append(f"M 644 inline {target.relative_to(root).as_posix()}\n"
                          f"data {len(data)}\n{data.decode()}\n")
        for path in batch:
            data = path.read_bytes()
            stream.append(f"M 644 inline {path.relative_to(root).as_posix()}\n"
                          f"data {len(data)}\n{data.decode()}\n")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, check=True,
                   input="".join(stream).encode())
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=root, check=True)
    return commits


def run(root: Path, cache: Path, output: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "flaglint", "audit", str(root), "--output",
                    str(output)], env={**os.environ, "FLAGLINT_CACHE_DIR": str(cache)},
                   check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=4700)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "legacy"
        generate(root, args.files, args.seed)
        (root / "flags.toml").unlink(missing_ok=True)
        (root / "pyproject.toml").write_text('[tool.flaglint]\npresets = ["unleash"]\n')
        lines = sum(p.read_text().count("\n") for p in root.rglob("*.py"))
        commits = history(root, args.years, args.seed)
        cold, warm = [], []
        for n in range(args.repeat):
            cache = Path(folder) / f"cache{n}"
            cold.append(run(root, cache, Path(folder) / "audit.html"))
            warm.append(run(root, cache, Path(folder) / "audit.html"))
        size = (Path(folder) / "audit.html").stat().st_size
        print(f"{args.files:,} modules, {lines:,} lines, {commits:,} commits over "
              f"{args.years} years, {os.cpu_count()} cores: audit cold "
              f"{statistics.median(cold):.2f} s, warm {statistics.median(warm):.2f} s "
              f"(median of {args.repeat}); HTML report {size:,} bytes")


if __name__ == "__main__":
    main()
