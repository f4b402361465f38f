"""`flaglint clean` in deployment configs: the lines that set the cleaned key go, every
other byte of the file stays. A line-based entry is deleted (`.env` and INI lines, a TOML
`key = value` line, a YAML `key: value` entry or `- name: KEY` list item in block style);
anything else (JSON, inline tables, flow style) is listed for a person, and so is a file
that would not parse once the lines are gone."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from flaglint.analysis.deployed import Served
from flaglint.analysis.loose import key_mention
from flaglint.analysis.references import Place
from flaglint.config import EnvironmentSpec
from flaglint.sources import git
from flaglint.sources.deploy import format_of, parses
from flaglint.suppressions import source_lines


@dataclass
class ConfigCleanup:
    before: dict[str, str] = field(default_factory=dict)  # path -> text
    after: dict[str, str] = field(default_factory=dict)
    removed: int = 0  # settings removed
    left: list[tuple[str, str]] = field(default_factory=list)  # (`path:line`, why)


def _own_line(fmt: str, line: str, column: int, key: str) -> bool:
    """Does the setting start its line (after indentation, or a YAML `- `), so that its
    lines can go without touching another entry?"""
    head = line[:column - 1].strip()
    if fmt in ("env", "ini"):
        return True
    if fmt == "toml":  # `key = value`, not a table or inline table that holds it
        written = line.split("=", 1)[0].strip().strip("\"'")
        # (in a section, `[runner]` then `fastReruns = …`, the line names the key's last part)
        return "=" in line and (written == key or key.endswith(f".{written}"))
    if fmt == "yaml":
        return head in ("", "-")
    return False


def remove_settings(root: Path, settings: Iterable[Served],
                    specs: Mapping[str, EnvironmentSpec]) -> ConfigCleanup:
    """Remove each setting's lines from its file; `specs` are the environments by name."""
    done = ConfigCleanup()
    by_path: dict[str, list[Served]] = {}
    for item in settings:
        by_path.setdefault(item.setting.path, []).append(item)
    for path, items in sorted(by_path.items()):
        file = root / path
        fmt = format_of(specs[items[0].host.environment], file)
        try:
            data = file.read_bytes()
            text = data.decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            done.left += [(f"{path}:{i.setting.span.line}", "cannot read the file")
                          for i in items]
            continue
        lines = source_lines(text)
        drop: set[int] = set()
        for item in items:
            span = item.setting.span
            if fmt is None or not 0 < span.line <= len(lines) or not _own_line(
                    fmt, lines[span.line - 1], span.column, item.setting.key):
                done.left.append((f"{path}:{span.line}", "not on a line of its own"))
                continue
            drop.update(range(span.line, span.end_line + 1))
        if not drop:
            continue
        after = ("\r\n" if "\r\n" in text else "\n").join(
            line for number, line in enumerate(lines, start=1) if number not in drop)
        if fmt is not None and not parses(after, fmt):
            done.left += [(f"{path}:{i.setting.span.line}", "the file would not parse "
                           "without its lines") for i in items]
            continue
        bom = "\ufeff" if data.startswith(b"\xef\xbb\xbf") else ""
        done.before[path] = bom + text
        done.after[path] = bom + after
        done.removed += sum(1 for i in items if i.setting.span.line in drop)
    return done


_MAX_MENTION_BYTES = 1_000_000  # larger files are data, not docs
_MAX_WRITTEN_LINE = 1_000  # a longer line is built (minified code, source maps): not for a person


def mentions(root: Path, key: str, contents: Mapping[str, str]) -> list[str]:
    """`path:line` of every line that still names `key` after a clean (comments, docs, log
    messages, other configs), for a person to read: git's files (else a walk), text only,
    with the cleaned files as they are now (`contents`)."""
    word = key_mention(key)
    return [f"{name}:{number}" for name, text in _texts_naming(root, key, contents)
            for number, line in enumerate(source_lines(text), 1)
            if len(line) <= _MAX_WRITTEN_LINE and word.search(line)]


def template_reads(root: Path, key: str) -> list[Place]:
    """Where a template reads the key as an attribute of what its context holds (`{% if
    settings.KEY %}`; `{{ app_settings.KEY }}` for a key in upper case): a read no fix
    replaces, so `clean` keeps the setting's definition and the registry entry while one
    stands (nautobot's `configcontext.html`: the setting deleted, the template took it for
    off; django-helpdesk reads its own settings module's as `helpdesk_settings.KEY`)."""
    if not key.isidentifier():
        return []
    # any holder of a setting's name (upper case, as Django's settings are: a flag `search`
    # is no `form.search`), else `settings.KEY`
    holder = r"[A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*" if key.isupper() else "settings"
    tag = re.compile(r"(?:\{\{|\{%)[^\n]*?(?<![\w.])(" + holder + r"\s*\.\s*" +
                     re.escape(key) + r")\b")
    return [Place(name, number, match.start(1) + 1,
                  "a template reads it, which no fix replaces")
            for name, text in _texts_naming(root, key, {}) if not name.endswith(".py")
            for number, line in enumerate(source_lines(text), 1)
            if (match := tag.search(line)) is not None]


def _texts_naming(root: Path, key: str, contents: Mapping[str, str]
                  ) -> Iterator[tuple[str, str]]:
    """Each text file (git's, else a walk) whose text holds `key`, as it is now
    (`contents` first), by path: text only, no larger than a document."""
    # git grep finds the few files that hold the key in C, threads and all; other files are
    # never read (a repository's assets run to hundreds of megabytes).
    listed = git.run(root, "grep", "-z", "-l", "-I", "-F", "--untracked", "-e", key)
    if listed.returncode in (0, 1):
        names = [n for n in listed.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
        names = sorted(set(names) | set(contents))
    else:
        names = [p.relative_to(root).as_posix() for p in root.rglob("*")
                 if p.is_file() and ".git" not in p.parts]
    for name in sorted(names):
        if name in contents:
            text = contents[name]
        else:
            path = root / name
            try:
                if path.stat().st_size > _MAX_MENTION_BYTES:
                    continue
                data = path.read_bytes()
            except OSError:
                continue
            if b"\0" in data[:8192]:
                continue  # binary
            text = data.decode("utf-8", errors="replace")
        if key in text:
            yield name, text
