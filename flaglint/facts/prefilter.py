"""The text prefilter: which words make a file worth reading in full. Only ~1-7% of the
files of a large project mention a flag API; the rest get a syntax check only."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable

from flaglint.config import Config
from flaglint.facts.collector import TRUTH
from flaglint.presets import OPT_IN, PRESETS, SETTINGS_FLAGS

_AUTOMATIC = tuple(name for name in PRESETS if name not in OPT_IN)


class Needles:
    """Does a file mention all the words of one of these sets, each as a whole word? A set is
    a reader's name with the module or class it is reached through (`features`, `has`): a
    file that only says `has` cannot call `sentry.features.has`. A word of `called` counts
    only where code could name the function it is: called (`has(`), an attribute (`.has`),
    imported under another name (`has as`), or on an import line; a file that says "the
    code has deployed" in a comment does not read flags."""

    def __init__(self, needles: set[tuple[str, ...]], called: Iterable[str] = ()) -> None:
        self.sets = sorted({tuple(sorted(w.encode() for w in words if w)) for words in needles}
                           - {()})
        self.words = sorted({word for words in self.sets for word in words})
        self.called = frozenset(w.encode() for w in called) & set(self.words)
        self.digest = hashlib.blake2b(b"\0\0".join(b"\0".join(s) for s in self.sets)
                                      + b"\0\0\0" + b"\0".join(sorted(self.called)),
                                      digest_size=12).hexdigest()
        self._regex = {w: re.compile(rb"\b" + re.escape(w) + rb"\b") for w in self.words}
        self._groups = _by_prefix(self.words)

    def search(self, blob: bytes) -> bool:
        # A fast search in C for each group's first bytes; the regex only confirms word
        # boundaries.
        present = self._present(blob)
        if not present:
            return False
        whole: dict[bytes, bool] = {}
        for words in self.sets:
            if all(word in present for word in words) and all(
                    whole.setdefault(w, called(blob, w) if w in self.called
                                     else self._regex[w].search(blob) is not None)
                    for w in words):
                return True
        return False

    def _present(self, blob: bytes) -> set[bytes]:
        """The words that are in the blob, each as a substring."""
        present: set[bytes] = set()
        for pattern, found in self._groups:
            if pattern is None:
                present.update(word for word in found if word in blob)
                continue
            present.update(*(found[rest] for rest in set(pattern.findall(blob))))
        return present


_CALLED_AFTER = re.compile(rb"\s*\(|[ \t]+as\b")  # `name(`, `name as`
_IMPORT_LINE = re.compile(rb"[ \t]*(?:from|import)\b")


def called(blob: bytes, name: bytes) -> bool:
    """Does code in the blob name `name` as a function could be: `.name`, `name(`,
    `name as`, or on an import line? Each place the name stands is looked at: the one
    pattern that says so (`called_pattern`) has no first bytes to seek and tries every
    position (0.14 s of Sentry's cold run)."""
    if not name or name[0] not in _WORD or name[-1] not in _WORD:
        return called_pattern(name).search(blob) is not None  # no word's edges to test
    end = len(name)
    start = blob.find(name)
    while start >= 0:
        after = start + end
        if after == len(blob) or blob[after] not in _WORD:
            before = start - 1
            while before >= 0 and blob[before] in b" \t":
                before -= 1
            if before >= 0 and blob[before] == _DOT:
                return True
            if start == 0 or blob[start - 1] not in _WORD:
                if _CALLED_AFTER.match(blob, after):
                    return True
                line = _IMPORT_LINE.match(blob, blob.rfind(b"\n", 0, start) + 1)
                if line is not None and line.end() <= start:
                    return True
        start = blob.find(name, start + 1)
    return False


@functools.lru_cache(maxsize=64)
def called_pattern(name: bytes) -> re.Pattern[bytes]:
    """What `called` answers, as one pattern (for a test to hold the two equal)."""
    name = re.escape(name)
    return re.compile(rb"\.[ \t]*" + name + rb"\b|\b" + name + rb"(?:\s*\(|[ \t]+as\b)"
                      rb"|^[ \t]*(?:from|import)\b[^\n]*\b" + name + rb"\b", re.MULTILINE)


_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_DOT = ord(".")


# A group of words that begin with the same bytes is sought by one pattern: those bytes (a
# fast search, as a substring test is), then the longest word that goes on from there. The
# pattern takes only the first bytes, so it finds every place where they start unless they
# can overlap themselves (`aaaa`, `abab`): those words, and words shorter than that, are
# substrings to test one by one.
_PREFIX = 4
_Group = tuple[re.Pattern[bytes] | None, dict[bytes, list[bytes]]]


def _by_prefix(words: list[bytes]) -> list[_Group]:
    """The words' groups: a pattern and, for the rest of each word after the first bytes
    (what the pattern finds), the words present where it is (the word and the group's
    words it begins with); or None and each word alone."""
    alone: dict[bytes, list[bytes]] = {}
    prefixes: dict[bytes, list[bytes]] = {}
    for word in words:
        prefix = word[:_PREFIX]
        if len(word) < _PREFIX or any(prefix[i:] == prefix[:_PREFIX - i]
                                      for i in range(1, _PREFIX)):
            alone[word] = [word]
        else:
            prefixes.setdefault(prefix, []).append(word)
    groups: list[_Group] = [(None, alone)] if alone else []
    for prefix, members in sorted(prefixes.items()):
        rests = sorted((word[_PREFIX:] for word in members), key=len, reverse=True)
        pattern = re.compile(re.escape(prefix) + b"(?=(" + b"|".join(
            re.escape(rest) for rest in rests) + b"))")
        groups.append((pattern, {word[_PREFIX:]: [w for w in members if word.startswith(w)]
                                 for word in members}))
    return groups


def _presets(config: Config) -> tuple[str, ...]:
    return config.presets if config.presets is not None else _AUTOMATIC


def _calls(config: Config) -> list[str]:
    """The qualified name of every reader (the presets' too) and definition call."""
    specs = [*config.readers, *(s for name in _presets(config) for s in PRESETS[name])]
    return [spec.call for spec in specs] + [s.call for s in config.definitions if s.call]


def reader_names(config: Config) -> set[str]:
    """The last name of every call that may read or define a flag."""
    presets = _presets(config)
    specs = [*config.readers, *(s for name in presets for s in PRESETS[name])]
    names = {spec.method for spec in specs}
    if "django-settings" in presets:
        names |= {"settings", "getattr"}
    names |= {spec.call.rsplit(".", 1)[-1] for spec in config.definitions if spec.call}
    names |= {method for spec in config.definitions for method in (*spec.reads, *spec.writes)}
    return names


def reader_needles(config: Config) -> set[tuple[str, ...]]:
    """What the prefilter seeks: for a qualified reader `a.b.c`, the words `b` and `c` (the
    call goes through `b`, by attribute or import, or it names `c` imported from `b`); for a
    `*.name` reader or a definition's method, the name alone."""
    calls = _calls(config)
    if "django-settings" in _presets(config):
        calls.append("*.settings")
    needles = {tuple(call.split(".")[-2:]) if not call.startswith("*.") else
               (call.rsplit(".", 1)[-1],) for call in calls}
    needles |= {(method,) for spec in config.definitions
                for method in (*spec.reads, *spec.writes)}
    needles |= {(spec.namespace.rsplit(".", 1)[-1],) for spec in config.definitions
                if spec.namespace}
    return needles


def called_names(config: Config) -> frozenset[str]:
    """The names of `reader_needles` that name a function or method: the last name of each
    reader and definition call, and the methods definitions read through."""
    return frozenset({call.rsplit(".", 1)[-1] for call in _calls(config)}
                     | {method for spec in config.definitions
                        for method in (*spec.reads, *spec.writes)})


def attribute_reads(config: Config) -> frozenset[str]:
    """The attribute names that read a flag (`value` of `holder.value`), and the setting
    names of the django-settings preset (globs): what extraction records besides calls."""
    names = {a for spec in config.definitions for a in spec.attributes}
    names |= {f"{spec.prefix}*" for spec in config.definitions if spec.namespace}
    if any(spec.truth_reads for spec in config.definitions):
        names.add(TRUTH)  # record truth tests of module-level names too (`if holder:`)
    if config.presets is not None and "django-settings" in config.presets:
        names |= set(SETTINGS_FLAGS)
    return frozenset(names)
