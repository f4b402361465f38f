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
    read in code outside tests has a key flaglint cannot resolve that may be this key (an
    f-string's text around its fields says which keys it can make: `f"venue_{name}"` never
    makes `smart_routing`); none without such a read."""
    dynamic = [r for r in project.linked.reads if r.key is None and not r.in_test and
               may_make(r.expression, key)]
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


_FSTRING = re.compile(r"""[rR]?[fF][rR]?(?P<q>'''|"\"\"|'|")(?P<body>.*)(?P=q)""", re.DOTALL)


def may_make(expression: str, key: str) -> bool:
    """May a key written so (its source text) be `key`? Only an f-string's literal text
    before its first field and after its last is known (a `{{` or an escape: anything)."""
    found = _FSTRING.fullmatch(expression.strip())
    if found is None:
        return True
    body = found.group("body")
    if "{{" in body or "}}" in body or "\\" in body:
        return True
    first, last = body.find("{"), body.rfind("}")
    if first < 0 or last < first:
        return True  # no field: a constant flaglint would have resolved
    head, tail = body[:first], body[last + 1:]
    return len(key) >= len(head) + len(tail) and key.startswith(head) and key.endswith(tail)
