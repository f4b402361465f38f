"""Generate one very large module: `--functions` functions, each reading one of `--keys` flags
through an Unleash client, plus a flags.toml where every tenth flag is rolled out (so its
reads are dead-code findings). The default (48,000 functions, about 4.4 MB) is the 5 MB case
of the speed table: work must stay linear in the size of one file.

    python bench/huge.py --out /tmp/huge
"""

from __future__ import annotations

import argparse
from pathlib import Path

FUNCTION = '''

def f{n}(x):
    if client.is_enabled("flag_{key}"):
        return x + {n}
    return x
'''


def generate(out: Path, functions: int, keys: int) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    body = "".join(FUNCTION.format(n=n, key=n % keys) for n in range(functions))
    (out / "big.py").write_text(
        "from UnleashClient import UnleashClient\n\nclient = UnleashClient()\n" + body)
    registry = []
    for key in range(keys):
        if key % 10 == 0:
            registry.append(f'[flags.flag_{key}]\nstatus = "rolled-out"\nvalue = true\n')
        else:
            registry.append(f'[flags.flag_{key}]\nowner = "a"\ntype = "release"\n')
    (out / "flags.toml").write_text("\n".join(registry))
    (out / "pyproject.toml").write_text('[tool.flaglint]\npresets = ["unleash"]\n')
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--functions", type=int, default=48_000)
    parser.add_argument("--keys", type=int, default=400)
    arguments = parser.parse_args()
    path = generate(arguments.out, arguments.functions, arguments.keys)
    print(f"{path / 'big.py'}: {(path / 'big.py').stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
