"""Measure the history pass on a generated repository with thousands of commits.

    .venv/bin/python bench/history_repo.py --commits 5000 --flags 400

The repository is written with `git fast-import` (seconds, not minutes): every commit edits
flags.toml (declare, reword, retire, remove, declare again) or a code file, as a busy team
would. It then times `read_history` (one `git log -p` pass) cold and from its cache, and a
whole `flaglint check`, and shows that the pass does not grow with flags x commits.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flaglint.sources import history


def registry(flags: dict[str, tuple[str, str]]) -> str:
    parts = []
    for key, (status, description) in sorted(flags.items()):
        if status == "retired":
            parts.append(f'[flags.{key}]\nstatus = "retired"\n')
        else:
            parts.append(f'[flags.{key}]\ntype = "release"\nowner = "team"\n'
                         f'description = "{description}"\n')
    return "\n".join(parts)


def generate(root: Path, commits: int, flag_count: int, seed: int) -> None:
    rng = random.Random(seed)
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    flags: dict[str, tuple[str, str]] = {}
    removed: list[str] = []
    stream = []
    when = 1_600_000_000
    for n in range(commits):
        when += 3600
        roll = rng.random()
        if roll < 0.5 or not flags:
            key = rng.choice(removed) if removed and rng.random() < 0.1 else \
                f"flag_{rng.randrange(flag_count)}"
            flags[key] = ("active", f"feature {key} version {n}")
        elif roll < 0.65:
            key = rng.choice(sorted(flags))
            flags[key] = (flags[key][0], f"reworded {key} at {n}")
        elif roll < 0.75:
            key = rng.choice(sorted(flags))
            flags[key] = ("retired", "")
        elif roll < 0.85:
            key = rng.choice(sorted(flags))
            del flags[key]
            removed.append(key)
        else:
            code = "".join(f'client.is_enabled("{k}")\n' for k in sorted(flags)[:50])
            data = code.encode()
            stream.append(f"commit refs/heads/main\ncommitter Bench <b@example.com> {when} "
                          f"+0000\ndata 4\ncode\nM 644 inline app.py\ndata {len(data)}\n")
            stream.append(data.decode() + "\n")
            continue
        data = registry(flags).encode()
        stream.append(f"commit refs/heads/main\ncommitter Bench <b@example.com> {when} +0000\n"
                      f"data 5\nflags\nM 644 inline flags.toml\ndata {len(data)}\n")
        stream.append(data.decode() + "\n")
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, check=True,
                   input="".join(stream).encode())
    subprocess.run(["git", "checkout", "-q", "main"], cwd=root, check=True)
    (root / "pyproject.toml").write_text('[tool.flaglint]\npresets = ["unleash"]\n')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--flags", type=int, default=400)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "repo"
        start = time.perf_counter()
        generate(root, args.commits, args.flags, args.seed)
        print(f"generated {args.commits} commits ({args.flags} flag keys) in "
              f"{time.perf_counter() - start:.1f} s")
        cache = Path(folder) / "cache"
        start = time.perf_counter()
        found = history.cached_history(root, ["flags.toml"], [], set(), cache)
        cold = time.perf_counter() - start
        events = sum(len(h.events) for h in found.keys.values())
        start = time.perf_counter()
        history.cached_history(root, ["flags.toml"], [], set(), cache)
        warm = time.perf_counter() - start
        print(f"history pass: {found.commits} commits touching the registry, "
              f"{len(found.keys)} keys, {events} events: cold {cold:.2f} s, cached {warm:.3f} s")
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "flaglint", "check", str(root), "--exit-zero",
                        "--select", "FL4"], env={"FLAGLINT_CACHE_DIR": str(cache),
                                                 "PATH": "/usr/bin:/bin"}, check=True,
                       capture_output=True)
        print(f"flaglint check --select FL4 (history cached): "
              f"{time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
