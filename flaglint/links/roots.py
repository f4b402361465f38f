"""Folders inside the project that are on `sys.path` themselves: label-studio's modules are
`label_studio.tasks.api` as its folders go (`label_studio/` is a package), and its code
imports them as `tasks.api`, since `label_studio/` is where it runs. Names that start at
such a folder are the same names as those that start at the project's root."""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterable, Set


def source_roots(modules: Iterable[str], packages: Set[str],
                 imported: Iterable[Iterable[str]]) -> dict[str, str]:
    """Each name `N` the project imports (`N.X`, a module: `imported` holds each file's
    imported modules and names) that no top-level package of its own and no module of the
    standard library answers, but that one package `P` of the project holds as the module
    `P.N.X`: `N` -> `P`. Where two packages hold one, the name is left as it is; a bare
    `import celery` in `proj/celery.py` means the library, whatever the project's module
    is called."""
    under = _under(tuple(modules), frozenset(packages))
    if not under:
        return {}
    found: dict[str, set[str]] = {}
    wanted = set(under)
    for names in imported:
        for name in wanted.intersection(names):
            found.setdefault(name.split(".", 1)[0], set()).update(under[name])
    return {top: next(iter(holders)) for top, holders in sorted(found.items())
            if len(holders) == 1}


@functools.lru_cache(maxsize=4)
def _under(modules: tuple[str, ...], packages: frozenset[str]) -> dict[str, frozenset[str]]:
    """Each module's name from a package down (`N.X`, `N` no top-level package nor the
    standard library's) -> the packages that hold it; made once a process for a project's
    modules (`clean` analyses three times)."""
    under: dict[str, set[str]] = {}
    for module in modules:
        parts = module.split(".")
        if parts[0] not in packages:
            continue
        for start in range(1, len(parts) - 1):  # `N.X` at least
            top = parts[start]
            if top in packages or top in sys.stdlib_module_names:
                continue
            under.setdefault(".".join(parts[start:]), set()).add(".".join(parts[:start]))
    return {name: frozenset(holders) for name, holders in under.items()}
