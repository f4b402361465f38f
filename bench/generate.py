"""Generate a synthetic code base for the benchmark: packages of plain modules, a few percent
of which read flags (through literals, constants, Enums and wrappers), plus a flags.toml.

    python bench/generate.py --files 2000 --out bench/corpus
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

PLAIN = '''
import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass
class Record{n}:
    ident: int
    name: str
    amount: float = 0.0

    def total(self, rate: float) -> float:
        value = self.amount * rate
        if value > {limit}:
            log.info("large %s", self.ident)
        return round(value, 2)


def load_{n}(rows):
    result = []
    for row in rows:
        if not row:
            continue
        result.append(Record{n}(int(row[0]), str(row[1]), float(row[2])))
    return result


def summarize_{n}(records):
    by_name = {{}}
    for record in records:
        by_name.setdefault(record.name, []).append(record.total(1.{n}))
    return {{name: sum(values) for name, values in sorted(by_name.items())}}
'''

FLAGGED = '''
from corpus.flags import client, feature_on
from corpus.keys import Flag, {const}


def route_{n}(order):
    if feature_on(order.user):
        return "smart"
    if client.is_enabled({const}):
        return "const"
    if client.is_enabled(Flag.F{k}.value):
        return "enum"
    if client.is_enabled("flag_{k}"):
        return "literal"
    return "legacy"
'''


def generate(out: Path, files: int, seed: int) -> None:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    package = out / "corpus"
    package.mkdir(parents=True)
    (out / "pyproject.toml").write_text('[tool.flaglint]\npresets = ["unleash"]\n')
    flags = 40
    registry = []
    for k in range(flags):
        status = 'status = "rolled-out"\nvalue = true\n' if k % 7 == 0 else ""
        registry.append(f'[flags.flag_{k}]\ntype = "release"\nowner = "team{k % 5}"\n'
                        f"created = 2026-{1 + k % 12:02d}-01\n{status}")
    (out / "flags.toml").write_text("\n".join(registry))
    (package / "__init__.py").write_text("")
    (package / "keys.py").write_text(
        "import enum\n\n" + "".join(f'K{k} = "flag_{k}"\n' for k in range(flags))
        + "\n\nclass Flag(enum.Enum):\n" + "".join(f'    F{k} = "flag_{k}"\n'
                                                    for k in range(flags)))
    (package / "flags.py").write_text(
        "from UnleashClient import UnleashClient\n\nclient = UnleashClient('u', 'a')\n\n\n"
        "def feature_on(user):\n    return client.is_enabled('flag_1', {'user': user})\n")
    for n in range(files):
        folder = package / f"pkg{n % 40}"
        folder.mkdir(exist_ok=True)
        (folder / "__init__.py").touch()
        if rng.random() < 0.05:
            k = rng.randrange(flags)
            text = FLAGGED.format(n=n, k=k, const=f"K{k}")
        else:
            text = PLAIN.format(n=n, limit=rng.randrange(100, 10000))
        (folder / f"mod{n}.py").write_text(text.lstrip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "corpus")
    args = parser.parse_args()
    generate(args.out, args.files, args.seed)
    print(f"wrote {args.files} modules to {args.out}")


if __name__ == "__main__":
    main()
