"""What a glob of many hosts costs: `check` with and without `[tool.flaglint.environments]`.

    python bench/deploy.py                          # 1,000 hosts, 50 flags each, every format
    python bench/deploy.py --hosts 5000 --formats yaml

Each host file sets every flag of a registry of `--keys` flags (one host in ten disagrees on
one, one in a hundred still sets a retired key), beside a small code base that reads them. The
difference between the two medians is what reading and comparing the configs costs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SUFFIX = {"toml": "toml", "yaml": "yaml", "json": "json", "env": "env", "ini": "ini"}


def host(fmt: str, index: int, keys: int) -> str:
    values = {f"flag_{k}": (k % 3 == 0) != (index % 10 == 0 and k == 0) for k in range(keys)}
    if index % 100 == 0:
        values["old_switch"] = True
    if fmt == "toml":
        return "[flags]\n" + "".join(f"{k} = {str(v).lower()}\n" for k, v in values.items())
    if fmt == "yaml":
        return "flags:\n" + "".join(f"  {k}: {str(v).lower()}\n" for k, v in values.items())
    if fmt == "json":
        return json.dumps({"flags": values}, indent=2)
    if fmt == "ini":
        return "[flags]\n" + "".join(f"{k} = {str(v).lower()}\n" for k, v in values.items())
    return "".join(f"{k}={str(v).lower()}\n" for k, v in values.items())


def build(root: Path, fmt: str, hosts: int, keys: int, *, configured: bool) -> None:
    registry = "".join(f'[flags.flag_{k}]\nowner = "team"\ntype = "release"\n'
                       f"created = 2026-11-01\n\n" for k in range(keys))
    registry += '[flags.old_switch]\nstatus = "retired"\n'
    (root / "flags.toml").write_text(registry)
    config = '[tool.flaglint]\npresets = ["unleash"]\n'
    if configured:
        config += f'\n[tool.flaglint.environments]\nhosts = "deploy/*.{SUFFIX[fmt]}"\n'
    (root / "pyproject.toml").write_text(config)
    app = root / "app"
    app.mkdir(exist_ok=True)
    (app / "__init__.py").write_text("")
    reads = "".join(f"    if client.is_enabled(\"flag_{k}\"):\n        out.append({k})\n"
                    for k in range(keys))
    (app / "views.py").write_text("from UnleashClient import UnleashClient\n\n"
                                  "client = UnleashClient()\n\n\ndef view():\n    out = []\n"
                                  f"{reads}    return out\n")
    deploy = root / "deploy"
    deploy.mkdir(exist_ok=True)
    for index in range(hosts):
        (deploy / f"host{index:05}.{SUFFIX[fmt]}").write_text(host(fmt, index, keys))


def timed(root: Path, repeat: int) -> tuple[float, int]:
    times = []
    findings = 0
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "flaglint", "check", ".", "--no-cache",
                                 "--format", "json", "--exit-zero"], cwd=root,
                                capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - start)
        if result.returncode != 0:
            sys.exit(f"flaglint failed: {result.stderr[-2000:]}")
        findings = len(json.loads(result.stdout)["findings"])
    return statistics.median(times), findings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hosts", type=int, default=1000)
    parser.add_argument("--keys", type=int, default=50)
    parser.add_argument("--formats", nargs="+", default=list(SUFFIX), choices=list(SUFFIX))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{args.hosts:,} hosts x {args.keys} flags, median of {args.repeat}, "
          f"{os.cpu_count()} cores\n")
    print("| format | without configs s | with configs s | configs cost s | per host ms | "
          "settings/s | findings |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for fmt in args.formats:
        with tempfile.TemporaryDirectory() as scratch:
            root = Path(scratch)
            build(root, fmt, args.hosts, args.keys, configured=False)
            without, _ = timed(root, args.repeat)
            build(root, fmt, args.hosts, args.keys, configured=True)
            with_configs, findings = timed(root, args.repeat)
        cost = with_configs - without
        settings = args.hosts * args.keys
        print(f"| {fmt} | {without:.2f} | {with_configs:.2f} | {cost:.2f} | "
              f"{1000 * cost / args.hosts:.2f} | {settings / max(cost, 1e-9):,.0f} | "
              f"{findings} |", flush=True)


if __name__ == "__main__":
    main()
