"""Fingerprints of findings, and the baseline file that hides the ones recorded there.

A finding's fingerprint is its rule, flag and file with the text of its anchoring line and of
the nearest non-blank lines above and below (whitespace ignored), never its line number or
message (messages count days): edits elsewhere in the file do not change it. Two findings
with the same fingerprint in one file are told apart by their order.

A baseline matches findings by fingerprint first, then by rule, flag, file and the anchoring
line's text alone, so that an edit right next to a finding does not resurface it either.
The file is JSON, one entry a finding, sorted, without line numbers: it changes only when
findings do.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from flaglint.findings import Finding
from flaglint.suppressions import source_lines

VERSION = 1
_COMMENT = ("flaglint baseline: `flaglint check --baseline FILE` hides the findings recorded "
            "here; `--write-baseline FILE` records today's. Entries match by fingerprint, "
            "not by line.")


class BaselineError(Exception):
    """A baseline file that cannot be read: exit 2 with this message."""


@dataclass(frozen=True, slots=True)
class Entry:
    code: str
    flag: str | None
    path: str
    text: str  # the anchoring line, stripped
    fingerprint: str

    @property
    def loose(self) -> tuple[str, str | None, str, str]:
        return self.code, self.flag, self.path, self.text


class Lines:
    """The lines of the files findings point into, read once each."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._files: dict[str, list[str]] = {}

    def of(self, path: str) -> list[str]:
        if path not in self._files:
            try:
                text = (self.root / path).read_bytes().decode("utf-8", errors="replace")
            except OSError:
                text = ""
            self._files[path] = source_lines(text)
        return self._files[path]

    def line(self, path: str, number: int) -> str:
        lines = self.of(path)
        return lines[number - 1] if 0 < number <= len(lines) else ""


def entries(findings: Sequence[Finding], lines: Lines) -> list[Entry]:
    """Each finding's entry, in the findings' order."""
    seen: Counter[str] = Counter()
    found = []
    for finding in findings:
        text = lines.of(finding.path)
        index = finding.span.line - 1
        anchor = text[index].strip() if 0 <= index < len(text) else ""
        # The nearest lines with text around it, found by walking out from it (not by
        # slicing the file, which made a large file's findings quadratic)
        above = next((text[i].strip() for i in range(min(index, len(text)) - 1, -1, -1)
                      if text[i].strip()), "")
        below = next((text[i].strip() for i in range(max(index + 1, 0), len(text))
                      if text[i].strip()), "")
        key = "\0".join((finding.code, finding.flag or "", finding.path, anchor, above, below))
        digest = hashlib.blake2b(key.encode(errors="surrogatepass"), digest_size=12).hexdigest()
        seen[digest] += 1
        fingerprint = digest if seen[digest] == 1 else f"{digest}:{seen[digest]}"
        found.append(Entry(finding.code, finding.flag, finding.path, anchor, fingerprint))
    return found


def fingerprints(findings: Sequence[Finding], root: Path) -> list[str]:
    return [e.fingerprint for e in entries(findings, Lines(root))]


def load(path: Path) -> list[Entry]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"--baseline {path}: no such file; record one with "
                            f"--write-baseline {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise BaselineError(f"--baseline {path}: cannot read it ({error})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BaselineError(f"{path}:{error.lineno}: not a flaglint baseline ({error.msg}); "
                            f"record one with --write-baseline {path}") from None
    items = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(
            items, list):
        raise BaselineError(f"{path}: not a flaglint baseline (expected version {VERSION} "
                            f"and a `findings` list); record one with --write-baseline {path}")
    found = []
    for number, item in enumerate(items):
        try:
            found.append(Entry(str(item["code"]), item.get("flag"), str(item["path"]),
                               str(item.get("text", "")), str(item["fingerprint"])))
        except (KeyError, TypeError, AttributeError):
            raise BaselineError(f"{path}: entry {number + 1} needs code, path and "
                                f"fingerprint; record the file again with --write-baseline "
                                f"{path}") from None
    return found


def write(path: Path, recorded: Sequence[Entry]) -> None:
    rows = sorted(recorded, key=lambda e: (e.path, e.code, e.flag or "", e.text,
                                           e.fingerprint))
    body = ",\n".join("    " + json.dumps({"code": e.code, "flag": e.flag, "path": e.path,
                                          "text": e.text, "fingerprint": e.fingerprint},
                                         ensure_ascii=True) for e in rows)
    text = (f'{{\n  "version": {VERSION},\n  "comment": {json.dumps(_COMMENT)},\n'
            f'  "findings": [\n{body}\n  ]\n}}\n' if rows else
            f'{{\n  "version": {VERSION},\n  "comment": {json.dumps(_COMMENT)},\n'
            f'  "findings": []\n}}\n')
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise BaselineError(f"--write-baseline {path}: {error.strerror or error}") from None


@dataclass(frozen=True, slots=True)
class Matched:
    kept: list[int]  # indexes of the findings the baseline does not hold
    hidden: int
    stale: list[Entry]  # entries no finding matches any more (fixed since)


def match(current: Sequence[Entry], recorded: Sequence[Entry]) -> Matched:
    by_fingerprint: dict[tuple[str, str], list[int]] = {}
    by_text: dict[tuple[str, str | None, str, str], list[int]] = {}
    for index, entry in enumerate(recorded):
        by_fingerprint.setdefault((entry.path, entry.fingerprint), []).append(index)
        by_text.setdefault(entry.loose, []).append(index)
    used: set[int] = set()
    matched: set[int] = set()

    def take(candidates: list[int] | None) -> bool:
        for index in candidates or ():
            if index not in used:
                used.add(index)
                return True
        return False

    for position, entry in enumerate(current):
        if take(by_fingerprint.get((entry.path, entry.fingerprint))):
            matched.add(position)
    for position, entry in enumerate(current):
        if position not in matched and take(by_text.get(entry.loose)):
            matched.add(position)
    kept = [i for i in range(len(current)) if i not in matched]
    stale = [e for i, e in enumerate(recorded) if i not in used]
    return Matched(kept, len(matched), stale)
