"""Where a key may still be read though no read flaglint resolves names it: the key as a
string in code, while some read's key is unknown (FL104: `features.has(name)` over a list
of names). FL102 says so rather than advise deleting the flag, and `clean` keeps the
registry entry and the definitions for it: the two agree."""

from __future__ import annotations

import re

from flaglint.analysis.references import Place
from flaglint.model.project import Project


def loose_strings(project: Project, key: str) -> list[Place]:
    """Where the key stands as a string in code outside its definitions and tests, while a
    read in code outside tests has a key flaglint cannot resolve; none without such a read."""
    dynamic = [r for r in project.linked.reads if r.key is None and not r.in_test]
    if not dynamic:
        return []
    defined = {(d.path, d.span.line) for d in project.linked.definitions if d.key == key}
    quoted = re.compile(r"""(["'])""" + re.escape(key) + r"\1")
    first = dynamic[0]
    why = f"the key as a string, which the read at {first.path}:{first.span.line} (its key " \
          f"unknown) may be"
    needle = key.encode("utf-8", "surrogatepass")
    found = []
    for path in project.paths():
        if project.is_test(path):
            continue
        data = project.source_of(path)
        if needle not in data:  # most files: no decoding
            continue
        text = data.decode("utf-8", "replace")
        for number, line in enumerate(text.split("\n"), start=1):
            match = quoted.search(line)
            if match and (path, number) not in defined:
                found.append(Place(path, number, match.start() + 1, why))
    return found
