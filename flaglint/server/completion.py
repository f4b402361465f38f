"""Flag keys offered while typing a reader's key argument: `client.is_enabled("new_`
offers every key the registry and the definitions in code declare. The call is recognised
from the text before the cursor (the buffer is being typed and may not parse): the string
the cursor is in, the argument's position or keyword, and the name called, matched against
the readers in effect (configured, found in the code, the presets' SDK calls, the project's
wrappers that take a key)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lsprotocol import types

from flaglint.model.project import Project
from flaglint.presets import PRESETS
from flaglint.server.text import Text
from flaglint.sources.registry import Status

_LOOK_BACK = 2000  # characters before the string searched for its call
_CALLEE = re.compile(r"([A-Za-z_][\w.]*)\s*$")
_KEYWORD = re.compile(r"(?<![=!<>])\b([A-Za-z_]\w*)\s*=\s*$")
_OPENERS = {")": "(", "]": "[", "}": "{"}


@dataclass(frozen=True, slots=True)
class Argument:
    """The string argument the cursor is in."""

    callee: str  # as written: `client.is_enabled`
    position: int  # how many arguments come before it
    keyword: str | None  # `feature_name=` when passed by name
    start: int  # the column (from 1) after its opening quote


def argument_at(text: Text, line: int, column: int) -> Argument | None:
    """The call argument whose string the cursor (line and column from 1) is in."""
    current = text.line(line)[:column - 1]
    quote = _open_quote(current)
    if quote is None:
        return None
    before = "".join(text.lines[max(0, line - 20):line - 1]) + current[:quote]
    before = before[-_LOOK_BACK:]
    found = _call_before(before)
    if found is None:
        return None
    callee, position = found
    keyword = _KEYWORD.search(before)
    return Argument(callee, position, keyword.group(1) if keyword else None, quote + 2)


def _open_quote(line: str) -> int | None:
    """Where the string still open at the end of `line` starts (a plain string: not an
    f-string or bytes); None when the line ends outside a string or in a comment."""
    opened: str | None = None
    start = 0
    index = 0
    while index < len(line):
        char = line[index]
        if opened is not None:
            if char == "\\":
                index += 1
            elif char == opened:
                opened = None
        elif char == "#":
            return None
        elif char in "\"'":
            opened, start = char, index
        index += 1
    if opened is None or line[start + 1:start + 3] == opened * 2:
        return None
    prefix = re.search(r"[A-Za-z]*$", line[:start])
    if prefix is not None and set(prefix.group(0).lower()) - {"r", "u"}:
        return None
    return start


def _call_before(text: str) -> tuple[str, int] | None:
    """The name called by the innermost call open at the end of `text`, and how many of
    its arguments come before the end."""
    depth = 0
    commas = 0
    index = len(text) - 1
    while index >= 0:
        char = text[index]
        if char in "\"'":
            index = text.rfind(char, 0, index)  # skip back over a string
            if index < 0:
                return None
        elif char in _OPENERS:
            depth += 1
        elif char in "([{":
            if depth == 0:
                if char != "(":
                    return None
                callee = _CALLEE.search(text[:index])
                return (callee.group(1), commas) if callee is not None else None
            depth -= 1
        elif char == "," and depth == 0:
            commas += 1
        index -= 1
    return None


def _takes_key(project: Project, argument: Argument) -> bool:
    """Is the argument the key of a reader (or writer) in effect, or of a wrapper?"""
    name = argument.callee.rsplit(".", 1)[-1]
    specs = [*project.config.readers,
             *(spec for preset in project.linked.presets for spec in PRESETS.get(preset, ()))]
    for spec in specs:
        if spec.method != name:
            continue
        if argument.keyword is None and spec.key == argument.position:
            return True
        if argument.keyword is not None and argument.keyword == spec.key_name:
            return True
    for qualname, wrapper in project.linked.wrappers.items():
        if qualname.rsplit(".", 1)[-1] != name or wrapper.key_param is None:
            continue
        position, keyword = wrapper.key_param
        if (argument.keyword is None and position == argument.position) or \
                argument.keyword == keyword:
            return True
    return False


def completions(project: Project, text: Text, position: types.Position
                ) -> types.CompletionList | None:
    line, column = text.column(position)
    argument = argument_at(text, line, column)
    if argument is None or not _takes_key(project, argument):
        return None
    replaced = types.Range(start=text.position(line, argument.start), end=position)
    items = []
    for key, record in sorted(project.records.items()):
        decl = record.decl
        ended = decl is not None and decl.status is Status.RETIRED
        detail = " · ".join(part for part in (
            decl.type if decl is not None else None,
            decl.owner if decl is not None else None,
            decl.status.value if decl is not None else "defined in code") if part)
        documentation = decl.description if decl is not None else None
        items.append(types.CompletionItem(
            label=key, kind=types.CompletionItemKind.Constant, detail=detail or None,
            documentation=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                              value=documentation) if documentation else None,
            tags=[types.CompletionItemTag.Deprecated] if ended else None,
            sort_text=f"{'1' if ended else '0'}{key}",
            text_edit=types.TextEdit(range=replaced, new_text=key)))
    return types.CompletionList(is_incomplete=False, items=items)
