"""Imports a fix must keep: those of project modules whose import does something."""

from __future__ import annotations

from flaglint.analysis.dead_symbols import PLAIN_DECORATORS
from flaglint.facts import FileFacts
from flaglint.model.project import Project


def imports_with_effects(project: Project, path: str) -> set[str]:
    """The names this file imports from project modules whose import does something (a
    call at module or class level, a decorator that may register) and that no other file
    imports: an import a fix must keep even when the fix removed its last use. Where
    another file imports the module too, the import goes as a developer (and ruff's F401)
    would have it go: `from sentry import features`, which hundreds of modules import."""
    effects = project.memo().get("import effects")
    if not isinstance(effects, dict):
        effects = _importers(project)
        project.memo()["import effects"] = effects
    facts = project.files.facts_of(path)
    if facts is None:
        return set()
    return {local for local, target in facts.imports
            for module in (target, target.rpartition(".")[0])
            if module in effects and not effects[module] - {path}}


def _importers(project: Project) -> dict[str, set[str]]:
    """Module whose import does something -> the files that import it."""
    files = list(project.files.complete())
    importers: dict[str, set[str]] = {f.module: set() for f in files if _has_effects(f)}
    for importer in files:
        for _, target in importer.imports:
            for module in (target, target.rpartition(".")[0]):
                if module in importers:
                    importers[module].add(importer.path)
    return importers


def _has_effects(facts: FileFacts) -> bool:
    """Does importing the module do something: a call at module or class level
    (`features.add(...)`, `x = bool_state(...)`, which may register), or a decorator that
    may register?"""
    top = {facts.module} | {d.qualname for d in facts.definitions if d.kind == "class"
                            and d.qualname.count(".") == facts.module.count(".") + 1}
    return any(call.scope in top for call in facts.calls) or any(
        name.rsplit(".", 1)[-1] not in PLAIN_DECORATORS
        for d in facts.definitions for name in d.decorators)
