"""How test code names a flag (`FlagNames`), and what may set it, asked before libcst reads
a test file (`fixes/flag_settings.py` edits them): a clean of a key Sentry's tests name
imported libcst, and parsed every test file naming it, to find no class decorator."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass

from flaglint.analysis.references import Kind, references

_ITS_OWN = frozenset({Kind.USE, Kind.CALL, Kind.IMPORT})
_NAMING = _ITS_OWN | {Kind.OTHER, Kind.UNKNOWN, Kind.UNPARSED}


# A test's literal that sets a flag on or off, as written (`"True"`, `"1"`, `"off"`)
ON_OFF = {"true": True, "on": True, "yes": True, "1": True, "enabled": True,
          "false": False, "off": False, "no": False, "0": False, "disabled": False}

@dataclass(frozen=True)
class FlagNames:
    """How test code can name the flag. `qualnames` are the members' and objects' own
    qualified names: a file whose `Flag.NEW` resolves to something else (another module's
    `Flag`) does not name the flag by it."""

    members: frozenset[tuple[str, str]] = frozenset()  # (class, member): `FeatureFlag.X`
    objects: frozenset[str] = frozenset()  # names bound to the flag object
    keys: frozenset[str] = frozenset()  # the key (an environment variable's name) as text
    qualnames: frozenset[str] = frozenset()
    # The mappings its reads read the key from (`settings.FEATURES.get(key)`: FEATURES):
    # `patch.dict("django.conf.settings.FEATURES", {key: False})` sets the flag
    mappings: frozenset[str] = frozenset()
    # The names of the calls a reader with `writes = true` names (pandas' `option_context`,
    # `set_option`): given the key, each sets the flag, whatever it is called
    setters: frozenset[str] = frozenset()

    def words(self) -> set[str]:
        return {m for _, m in self.members} | set(self.objects) | set(self.keys)

    def in_file(self, text: str, module: str) -> FlagNames:
        """The names as this file uses them: a member or object whose every mention in the
        file resolves to the flag's own (`analysis/references.py`); the keys as they are."""
        if not self.qualnames:
            return self  # nothing to resolve them to: taken as written
        mine = set()
        for qualname in self.qualnames:
            found = references(text, module, qualname, keys=self.keys)
            named = [r for r in found if r.kind in _NAMING]
            if named and all(r.kind in _ITS_OWN for r in named):
                mine.add(qualname.rsplit(".", 1)[-1])
        return FlagNames(frozenset(m for m in self.members if m[1] in mine),
                         frozenset(o for o in self.objects if o in mine), self.keys,
                         self.qualnames, self.mappings, self.setters)



def words_of(names: FlagNames) -> re.Pattern[str] | None:
    """The names as whole words: a text without any holds no setting of the flag."""
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(names.words())) +
                      r")\b") if names.words() else None


def python_tree(text: str, trees: dict[str, ast.Module | None], path: str
                ) -> ast.Module | None:
    """Python's tree of a file's text, made once (`trees`, by path); None where it does not
    parse."""
    if path not in trees:
        try:
            trees[path] = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            trees[path] = None
    return trees[path]


def may_set(text: str, words: re.Pattern[str], tree: ast.Module | None = None) -> bool:
    """May a class decorator or a function (a test or a helper) of this text set the flag?
    Python's own parser says, before libcst reads the file (Sentry's tests name many keys:
    libcst's parse of each was most of a clean's time). `tree`: the text's, made before."""
    if tree is None:
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return True  # libcst decides
    segment = _segments(text)
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(
                words.search(segment(d)) for d in node.decorator_list):
            return True
        # A function's segment starts at `def`: its decorators are apart (wagtail's tests are
        # `@override_settings(WAGTAIL_WORKFLOW_ENABLED=False)`)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                words.search(segment(part)) for part in (*node.decorator_list, node)):
            return True
    return False


def _segments(text: str) -> Callable[[ast.expr | ast.stmt], str]:
    """A node's source, as `ast.get_source_segment` gives it, from the text's lines split
    once (that function splits them again on each call: a test file of 5,000 lines and 400
    functions took a second; nautobot's `clean` spent 3 s there)."""
    data = text.encode("utf-8")
    starts = [0]
    for line in data.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))

    def segment(node: ast.expr | ast.stmt) -> str:
        end_line, end_column = node.end_lineno, node.end_col_offset
        if end_line is None or end_column is None or node.lineno > len(starts) - 1 or \
                end_line > len(starts) - 1:
            return ""
        first = starts[node.lineno - 1] + node.col_offset
        last = starts[end_line - 1] + end_column
        return data[first:last].decode("utf-8", "replace")

    return segment
