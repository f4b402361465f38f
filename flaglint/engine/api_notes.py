"""What a run says of the project's own `[[readers]]` and `[[definitions]]` that did not do
what they were configured for: an entry that matched no call (a name mistyped, or the
module it is imported from), or definition calls with no key to read. Made from the
linking alone, so a run from the cache says the same."""

from __future__ import annotations

import json
import os

from flaglint.config import Config
from flaglint.links.model import Linked
from flaglint.presets import DefinitionSpec, ReaderSpec


def api_notes(config: Config, linked: Linked) -> tuple[str, ...]:
    return _unmatched_notes(config, linked) + _keyless_notes(config, linked)


def _unmatched_notes(config: Config, linked: Linked) -> tuple[str, ...]:
    """An entry whose `call` matched no call in the project reads or defines nothing, and
    every flag it stood for is unread (FL102): said, with what to check. Only for the
    project's own entries: a preset whose methods a project never calls is no mistake."""
    matched = {d.origin for d in linked.definitions} | set(linked.keyless)
    # an entry of a call another entry matched (with a `namespace` of its own: Open
    # WebUI's second object its settings are handed to) defines what that one does
    called = {spec.call for spec in config.definitions if spec.origin in matched}
    notes = [_unmatched(config, spec, "sets" if spec.writes else "reads")
             for spec in config.readers
             if _configured(spec.origin) and spec.origin not in linked.matched]
    notes += [_unmatched(config, spec, "defines") for spec in config.definitions
              if spec.call is not None and _configured(spec.origin)
              and spec.origin not in matched
              and not (spec.namespace and spec.call in called)]
    return tuple(notes)


def _configured(origin: str) -> bool:
    """Is this an entry of the configuration (`readers[0]`), not one discovery found?"""
    return origin.startswith(("readers[", "definitions["))


def _unmatched(config: Config, spec: ReaderSpec | DefinitionSpec, does: str) -> str:
    call = spec.call or ""
    name = call.rpartition(".")[2]
    check = f"check the spelling of `{name}`" if call.startswith("*.") else (
        f"check the module path and the spelling of `{call}` (where the code imports it "
        f"from), or write \"*.{name}\" to match `{name}` on any receiver")
    return (f"{_where(config, spec.line)}: {_table(config, spec.origin)} (`{call}`) matches "
            f"no call in the project, so it {does} no flag; {check}; if a clean removed "
            f"its last call, delete the entry")


def _keyless_notes(config: Config, linked: Linked) -> tuple[str, ...]:
    """A `[[definitions]]` entry that matched calls and read a key in none of them defines
    nothing: said, with what may be wrong (prefect's `X = Setting(bool, …)`, whose key is
    the name it is bound to, at `key = 0` reads `bool`)."""
    defining = {definition.origin for definition in linked.definitions}
    notes = []
    for spec in config.definitions:
        count = linked.keyless.get(spec.origin, 0)
        if spec.call is None or not count or spec.origin in defining:
            continue
        calls = f"{count} call{'s' if count != 1 else ''}"
        callee = spec.call.rpartition(".")[2]
        if spec.bound_name:
            why = ("none bound once to a name at module or class level (a name bound in "
                   "a function, in both arms of an `if`, or to several values is no key)")
        else:
            key = json.dumps(spec.key_name if spec.key_name is not None else spec.key)
            why = (f"with no key flaglint can read at `key = {key}`; if the key is the name "
                   f"each is bound to (`X = {callee}(…)`), set `bound_name = true`")
        notes.append(f"{_table(config, spec.origin)} (`{spec.call}`) matched {calls}, so it "
                     f"defines no flag: {why}")
    return tuple(notes)


def _table(config: Config, origin: str) -> str:
    """The entry as the configuration spells it: `tool.flaglint.readers[0]` in
    pyproject.toml, `readers[0]` in flaglint.toml."""
    if config.source is not None and config.source.name == "pyproject.toml":
        return f"tool.flaglint.{origin}"
    return origin


def _where(config: Config, line: int) -> str:
    """The configuration file, from the project's root where it lies below it, and the
    line."""
    if config.source is None:
        return "the configuration"
    path = config.source
    try:
        shown = path.relative_to(config.root).as_posix()
    except ValueError:
        shown = os.fspath(path)
    return f"{shown}:{line}" if line else shown
