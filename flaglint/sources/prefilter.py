"""The text prefilter's pieces that a warm run needs without the extraction machinery: the
needle sets (which words make a file worth reading in full) and what a run decided."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass


class Needles:
    """Does a file mention all the words of one of these sets, each as a whole word? A set is
    a reader's name with the module or class it is reached through (`features`, `has`): a
    file that only says `has` cannot call `sentry.features.has`."""

    def __init__(self, needles: set[tuple[str, ...]]) -> None:
        self.sets = sorted({tuple(sorted(w.encode() for w in words if w)) for words in needles}
                           - {()})
        self.words = sorted({word for words in self.sets for word in words})
        self.digest = hashlib.blake2b(b"\0\0".join(b"\0".join(s) for s in self.sets),
                                      digest_size=12).hexdigest()
        self._regex = {w: re.compile(rb"\b" + re.escape(w) + rb"\b") for w in self.words}

    def search(self, blob: bytes) -> bool:
        # A substring test is a fast memmem in C; the regex only confirms word boundaries.
        present = {word for word in self.words if word in blob}
        if not present:
            return False
        whole: dict[bytes, bool] = {}
        for words in self.sets:
            if all(word in present for word in words) and all(
                    whole.setdefault(w, self._regex[w].search(blob) is not None)
                    for w in words):
                return True
        return False


@dataclass(frozen=True)
class ExtractionState:
    """What a run's prefilter decided, for a later run that re-reads a few edited files
    (results.py): each file's content key, the files read in full, every needle set used."""

    keys: dict[str, str]
    complete: frozenset[str]
    needles: frozenset[tuple[str, ...]]
