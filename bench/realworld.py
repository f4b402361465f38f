"""flaglint beside ruff and vulture on real code: cold, warm, one file edited, `--changed-since`.

    pip install -e '.[bench]'
    python bench/realworld.py                       # Sentry 23.7.1, Django 5.2, this stdlib
    python bench/realworld.py --corpora sentry --repeat 5

Corpora are fetched from PyPI with pip (the Sentry 23.7.1 wheel, the Django 5.2 sdist) or
copied from the running Python's standard library,
unpacked under bench/corpora/ and committed to a git repository of their own, so that
`check --changed-since HEAD~1` has a parent to compare with. Sentry's flags are read as
`features.has("organizations:…", org)`; the reader is configured as a user would.

Every run is a fresh process with a private cache; the median of --repeat runs is shown.
"One file edited" appends a comment to a file that reads a flag (or to any file where none
does) and runs again; "edit moving reads" adds a line at its top instead, which moves every
read below it (new facts: the file is linked again; where no file reads a flag, the same as
an append); "--changed-since" (DESIGN.md's `--diff REF`) commits such a change and checks
it against its parent, cache warm.
flaglint runs with its modules' bytecode cached, as an installed tool does.
`--scale 1 2 4` checks 1, 2 and 4 copies of each corpus (growth must be linear).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
SENTRY_READER = """
[tool.flaglint]
presets = []

[[tool.flaglint.readers]]
call = "sentry.features.has"
key = 0
"""
CORPORA = {
    # name: (PyPI project, version, package type, folder kept, flaglint config)
    "sentry": ("sentry", "23.7.1", "bdist_wheel", "sentry", SENTRY_READER),
    "django": ("django", "5.2", "sdist", "Django-5.2", "[tool.flaglint]\n"),
}


def fetch(project: str, version: str, kind: str, into: Path) -> bytes:
    """The release file, downloaded by pip from the index it is configured with."""
    wheel = kind == "bdist_wheel"

    def downloaded() -> list[Path]:
        return [f for f in into.iterdir() if f.name.lower().startswith(f"{project}-{version}")
                and f.name.endswith(".whl" if wheel else ".tar.gz")]

    if not downloaded():
        binary = ["--only-binary" if wheel else "--no-binary", ":all:"]
        print(f"fetching {project}=={version} ({kind})", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        *binary, f"{project}=={version}", "-d", str(into)], check=True)
    return downloaded()[0].read_bytes()


def prepare(name: str, root: Path) -> Path:
    """The corpus as a git repository with one commit; made once, reused after."""
    folder = root / name
    if (folder / ".git").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    if name == "stdlib":
        source = Path(sysconfig.get_paths()["stdlib"])
        shutil.copytree(source, folder / "Lib", ignore=shutil.ignore_patterns(
            "site-packages", "__pycache__", "*.pyc"), symlinks=True)
        config = "[tool.flaglint]\n"
    else:
        project, version, kind, kept, config = CORPORA[name]
        data = fetch(project, version, kind, root)
        with tempfile.TemporaryDirectory() as scratch:
            if kind == "bdist_wheel":
                zipfile.ZipFile(io.BytesIO(data)).extractall(scratch)
            else:
                with tarfile.open(fileobj=io.BytesIO(data)) as archive:
                    archive.extractall(scratch, filter="data")
            shutil.move(str(Path(scratch) / kept), str(folder / kept))
    (folder / "pyproject.toml").write_text(config)
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-qm", "corpus")
    return folder


def git(folder: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}
    subprocess.run(["git", "-C", str(folder), *args], check=True, env=env)


def count(folder: Path) -> tuple[int, int]:
    files = lines = 0
    for file in folder.rglob("*.py"):
        if ".git" in file.parts:
            continue
        files += 1
        with file.open("rb") as handle:
            lines += sum(1 for _ in handle)
    return files, lines


def timed(args: list[str], folder: Path, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    result = subprocess.run(args, cwd=folder, env=env, capture_output=True, text=True,
                            check=False)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1, 3):  # vulture exits 3 when it finds dead code
        sys.exit(f"{args[0]} failed ({result.returncode}): {result.stderr[-2000:]}")
    return elapsed


def edited_file(folder: Path) -> Path:
    """A file that reads a flag when there is one, else the largest module."""
    files = sorted((f for f in folder.rglob("*.py") if ".git" not in f.parts),
                   key=lambda f: -f.stat().st_size)
    for file in files:
        if "features.has(" in file.read_text(errors="replace"):
            return file
    return files[0]


class Bench:
    def __init__(self, repeat: int, jobs: int) -> None:
        self.repeat = repeat
        self.jobs = jobs
        self.edits = 0

    def flaglint(self, folder: Path, *extra: str) -> list[str]:
        return [sys.executable, "-m", "flaglint", "check", ".", "--exit-zero", "--jobs",
                str(self.jobs), *extra]

    def edit(self, file: Path) -> None:
        self.edits += 1
        with file.open("a") as handle:
            handle.write(f"\n# bench edit {self.edits}\n")

    def measure(self, folder: Path) -> dict[str, dict[str, float]]:
        runs: dict[str, dict[str, list[float]]] = {}

        def note(tool: str, case: str, seconds: float) -> None:
            runs.setdefault(tool, {}).setdefault(case, []).append(seconds)

        target = edited_file(folder)
        original = target.read_bytes()
        ruff = [shutil.which("ruff") or "ruff", "check", "--select", "F", "--exit-zero",
                "--quiet", "."]
        vulture = [shutil.which("vulture") or "vulture", "."]
        try:
            for _ in range(self.repeat):
                with tempfile.TemporaryDirectory() as cache:
                    # As installed tools run: Python keeps flaglint's compiled modules (a
                    # PYTHONDONTWRITEBYTECODE environment would recompile them every run).
                    env = {k: v for k, v in os.environ.items()
                           if k != "PYTHONDONTWRITEBYTECODE"}
                    env["FLAGLINT_CACHE_DIR"] = cache
                    ruff_cache = ["--cache-dir", str(Path(cache) / "ruff")]
                    note("flaglint", "cold", timed(self.flaglint(folder), folder, env))
                    note("ruff", "cold", timed([*ruff, "--no-cache"], folder))
                    note("vulture", "cold", timed(vulture, folder))
                    note("flaglint", "warm", timed(self.flaglint(folder), folder, env))
                    timed([*ruff, *ruff_cache], folder)
                    note("ruff", "warm", timed([*ruff, *ruff_cache], folder))
                    self.edit(target)
                    note("flaglint", "edit", timed(self.flaglint(folder), folder, env))
                    self.edit(target)
                    note("ruff", "edit", timed([*ruff, *ruff_cache], folder))
                    target.write_bytes(original)
                    timed(self.flaglint(folder), folder, env)  # warm again at HEAD
                    # A line added at the top moves every read below it: new facts.
                    target.write_bytes(b"# bench: a line above the reads\n" + original)
                    note("flaglint", "moved", timed(self.flaglint(folder), folder, env))
                    target.write_bytes(original)
                    timed(self.flaglint(folder), folder, env)
                    self.edit(target)
                    git(folder, "commit", "-qam", "bench: one file changed")
                    since = self.flaglint(folder, "--changed-since", "HEAD~1")
                    note("flaglint", "diff", timed(since, folder, env))
                    git(folder, "reset", "-q", "--hard", "HEAD~1")
        finally:
            target.write_bytes(original)
        return {tool: {case: statistics.median(times) for case, times in cases.items()}
                for tool, cases in runs.items()}


def scaled(folder: Path, copies: int, root: Path) -> Path:
    """`copies` copies of a corpus side by side, as one git repository."""
    if copies == 1:
        return folder
    target = root / f"{folder.name}-x{copies}"
    if not (target / ".git").exists():
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()
        for i in range(copies):
            shutil.copytree(folder, target / f"copy{i}",
                            ignore=shutil.ignore_patterns(".git", "pyproject.toml"))
        shutil.copy(folder / "pyproject.toml", target / "pyproject.toml")
        git(target, "init", "-q")
        git(target, "add", "-A")
        git(target, "commit", "-qm", "corpus")
    return target


def versions() -> str:
    def version(args: list[str]) -> str:
        try:
            out = subprocess.run(args, capture_output=True, text=True, check=False).stdout
        except OSError:
            return "missing"
        return out.strip().splitlines()[0] if out.strip() else "missing"

    flaglint = version([sys.executable, "-m", "flaglint", "--version"])
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}; {flaglint}, {version(['ruff', '--version'])}, "
            f"{version(['vulture', '--version'])}")


def loop_seconds() -> float:
    """How long this machine takes for a fixed 10^7-step Python loop: a shared VM's speed
    moves by a fifth or more within minutes, so a bench says how fast the machine was as
    its runs were measured (printed before and after them)."""
    start = time.perf_counter()
    for _ in range(10_000_000):
        pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", nargs="+", default=["sentry", "django", "stdlib"],
                        choices=["sentry", "django", "stdlib"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--scale", type=int, nargs="+", default=[1])
    parser.add_argument("--work", type=Path, default=HERE / "corpora")
    args = parser.parse_args()
    if not shutil.which("ruff") or not shutil.which("vulture"):
        sys.exit("ruff and vulture are compared too: pip install -e '.[bench]'")
    args.work.mkdir(parents=True, exist_ok=True)
    bench = Bench(args.repeat, args.jobs)
    print(f"Machine: {versions()}; median of {args.repeat}, --jobs {args.jobs}; a 10^7-step "
          f"Python loop {loop_seconds():.2f} s before the runs\n")
    print("| code base | files | lines | tool | cold s | cold lines/s | warm s | one file "
          "edited s | edit moving reads s | `--changed-since HEAD~1` s |")
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|")
    total_lines = total_cold = 0.0
    for name in args.corpora:
        base = prepare(name, args.work.resolve())
        for copies in args.scale:
            folder = scaled(base, copies, args.work.resolve())
            files, lines = count(folder)
            label = name if copies == 1 else f"{name} ×{copies}"
            results = bench.measure(folder)
            if copies == 1:
                total_lines += lines
                total_cold += results["flaglint"]["cold"]
            for tool, cases in results.items():
                cold = cases["cold"]
                cells = [f"{cases[c]:.2f}" if c in cases else "—"
                         for c in ("warm", "edit", "moved", "diff")]
                print(f"| {label} | {files:,} | {lines:,} | {tool} | {cold:.2f} | "
                      f"{lines / cold:,.0f} | {' | '.join(cells)} |", flush=True)
    if total_cold:
        print(f"\nflaglint cold over all corpora: {total_lines:,.0f} lines in {total_cold:.2f} s"
              f" = {total_lines / total_cold:,.0f} lines/s")
    print(f"A 10^7-step Python loop {loop_seconds():.2f} s after the runs")


if __name__ == "__main__":
    main()
