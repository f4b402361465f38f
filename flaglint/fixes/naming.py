"""Which files name a word: the last guard of every deletion `clean` makes."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from flaglint.analysis.dead_symbols import PLAIN_DECORATORS
from flaglint.facts import Definition, FileFacts
from flaglint.model.project import Project


def may_import(facts: FileFacts, module: str) -> bool:
    """Can this file import from `module`? A file read in full says so exactly. For a file
    the prefilter skipped, its text's index says which modules any import line names (in
    a function or a docstring too) and which dotted paths its strings hold
    (`import_module("app.flags")`): it may import from `module` when one of them is the
    module, something in it, or a package above it (which may re-export it, or be reached
    through as `app.flags.name`)."""
    if facts.complete:
        return any(target == module or target.startswith(module + ".")
                   for _, target in facts.imports)
    return any(named == module or named.startswith(module + ".")
               or module.startswith(named + ".")
               for named in (*facts.imported, *facts.dotted))


class FileText(NamedTuple):
    facts: FileFacts
    data: bytes  # the file's text as read


def files_naming(project: Project, name: str,
                 among: Callable[[FileFacts], bool] = lambda f: True) -> Iterator[FileText]:
    """The files `among` accepts whose text names `name` as a word, with that text, in
    order. The text is asked first: only those files' facts are decoded (pandas' clean
    asked `among` of all its 2,000 files' facts, ~130 MB of them)."""
    needle = name.encode()
    word = re.compile(rb"\b" + re.escape(needle) + rb"\b")
    for path in project.files.paths:
        data = project.source_of(path)
        if needle in data and word.search(data):
            facts = project.files.facts_of(path)
            if facts is not None and among(facts):
                yield FileText(facts, data)


def _naming(project: Project, files: Iterable[FileFacts], name: str) -> Iterator[FileText]:
    needle = name.encode()
    word = re.compile(rb"\b" + re.escape(needle) + rb"\b")
    for facts in files:
        data = project.source_of(facts.path)
        if needle in data and word.search(data):  # a substring search first: C's memmem
            yield FileText(facts, data)


def may_name(project: Project, name: str) -> Iterator[FileFacts]:
    """The files read in full whose facts may name `name`, an identifier (as a definition,
    an import, a value, a call or a string), in order. Each file's text and symbol summary
    are asked first, so only those files' facts are decoded: in an ASCII file a name in code
    is written as it is (Python folds other identifiers to NFKC, so a file that is not ASCII
    is always taken), and a string equal to it, however it is spelled, is in the summary's
    names (the last part of every string)."""
    for path in project.files.complete_paths():
        facts = project.files.facts_of(path) if may_spell(project.source_of(path), name) or \
            name in project.files.symbols_of(path).alive else None
        if facts is not None:
            yield facts


def named_in(project: Project, paths: Iterable[str], name: str) -> bool:
    """Does the text of one of these files name `name` as a word? (Their facts are not
    decoded: a clean asks it of every test file.)"""
    needle = name.encode()
    word = re.compile(rb"\b" + re.escape(needle) + rb"\b")
    return any(needle in (data := project.source_of(path)) and word.search(data)
               for path in paths)


def may_spell(data: bytes, name: str) -> bool:
    """May this text name the identifier `name` in code? Where it is written as it is, or
    anywhere in a file that is not ASCII (Python folds identifiers to NFKC). A string that
    spells it with escapes is not seen here."""
    return name.encode() in data or not data.isascii()


def named_elsewhere(project: Project, home: FileFacts, name: str) -> bool:
    return any(files_naming(project, name,
                            lambda f: f.path != home.path and may_import(f, home.module)))


def light_files_naming(project: Project, module: str, name: str) -> Iterator[FileText]:
    """The files the prefilter skipped that may import `module` and name `name` (the last
    part of a dotted name)."""
    return _naming(project, _light_importers(project, module), name.rsplit(".", 1)[-1])


def _light_importers(project: Project, module: str) -> list[FileFacts]:
    """The files the prefilter skipped that `may_import` `module`, in order, from an index
    of the modules and dotted paths they name (made once a project: a clean asks of every
    wrapper and parameter, and Sentry has 2,700 such files)."""
    index = project.memo().get("light importers")
    if index is None:
        light = list(project.files.light())
        named: dict[str, set[int]] = defaultdict(set)  # a module or dotted path -> files
        for position, facts in enumerate(light):
            for name in (*facts.imported, *facts.dotted):
                named[name].add(position)
        index = project.memo()["light importers"] = (light, named)
    light, named = index  # type: ignore[misc]
    found = set(named.get(module, ()))
    below = module + "."
    for name, positions in named.items():
        if name.startswith(below):  # something in it
            found |= positions
    parts = module.split(".")
    for end in range(1, len(parts)):  # a package above it, which may re-export it
        found |= named.get(".".join(parts[:end]), set())
    return [light[position] for position in sorted(found)]


def named_in_light_files(project: Project, module: str, name: str) -> bool:
    return any(light_files_naming(project, module, name))


def kept_wrapper(definition: Definition) -> bool:
    """Does `clean` keep this wrapper of the flag, whoever calls it (its read settled)? A
    public method: it may override one a base class calls (Weblate's `request_is_secure`,
    which social-auth calls), or be called by a framework or a library's users by name. A
    function a decorator may register (Wagtail's `@register.simple_tag def
    get_comments_enabled()`, which a template uses): what uses it through that is not
    Python flaglint reads."""
    name = definition.qualname.rsplit(".", 1)[-1]
    if any(d.rsplit(".", 1)[-1] not in PLAIN_DECORATORS for d in definition.decorators):
        return True
    return definition.method and (not name.startswith("_") or name.endswith("__"))
