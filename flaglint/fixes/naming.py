"""Which files name a word: the last guard of every deletion `clean` makes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

from flaglint.facts import FileFacts
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
    """The files `among` accepts (asked first: only those are read) whose text names `name`
    as a word, with that text."""
    word = re.compile(rb"\b" + re.escape(name.encode()) + rb"\b")
    for facts in project.files:
        if among(facts):
            data = project.source_of(facts.path)
            if word.search(data):
                yield FileText(facts, data)


def named_elsewhere(project: Project, home: FileFacts, name: str) -> bool:
    return any(files_naming(project, name,
                            lambda f: f.path != home.path and may_import(f, home.module)))


def light_files_naming(project: Project, module: str, name: str) -> Iterator[FileText]:
    """The files the prefilter skipped that may import `module` and name `name` (the last
    part of a dotted name)."""
    return files_naming(project, name.rsplit(".", 1)[-1],
                        lambda f: not f.complete and may_import(f, module))


def named_in_light_files(project: Project, module: str, name: str) -> bool:
    return any(light_files_naming(project, module, name))
