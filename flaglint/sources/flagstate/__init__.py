"""Readers of flag-state exports: the file a team exports from its flag service with one
`curl`, read into one model (model.py) whatever the vendor. flaglint never fetches: it reads
the file, strictly, and names the line of anything it cannot read.

`read_flag_state(path, fmt, root)` reads one export; `fmt` is one of `FORMATS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from flaglint.sources.flagstate import (
    flagd,
    flagsmith,
    growthbook,
    launchdarkly,
    posthog,
    unleash,
)
from flaglint.sources.flagstate.document import Document, load
from flaglint.sources.flagstate.fields import Reading
from flaglint.sources.flagstate.model import (
    FlagState,
    FlagStateError,
    Problem,
    Served,
    ServiceFlag,
)

__all__ = ["FORMATS", "FlagState", "FlagStateError", "Problem", "Served", "ServiceFlag",
           "read_flag_state"]

Reader = Callable[[Document, "str | None"], Reading]

FORMATS: dict[str, Reader] = {
    flagd.FORMAT: flagd.read,
    unleash.FORMAT: unleash.read,
    launchdarkly.FORMAT: launchdarkly.read,
    flagsmith.FORMAT: flagsmith.read,
    growthbook.FORMAT: growthbook.read,
    posthog.FORMAT: posthog.read,
}


def read_flag_state(path: Path, fmt: str, root: Path, environment: str | None = None
                    ) -> FlagState:
    """The flags of the export at `path`, in format `fmt`. `environment` keeps only that
    environment of a multi-environment export, and names the one environment of a
    single-environment document (default: all of them; `"default"` for a document that
    names none). Raises FlagStateError for a file that is not that format at all."""
    shown = _relative(path, root)
    reader = FORMATS.get(fmt)
    if reader is None:
        raise FlagStateError(shown, 1, f"unknown flag-state format \"{fmt}\"; expected one "
                                       f"of {', '.join(sorted(FORMATS))}")
    document = load(path if path.is_absolute() else root / path, shown)
    reading = reader(document, environment)
    flags = reading.flags
    if environment is not None:
        if environment not in reading.environments:
            known = ", ".join(reading.environments) or "none"
            raise FlagStateError(shown, 1, f"no environment \"{environment}\" in this "
                                           f"export; it has: {known}")
        flags = {key: replace(flag, environments={
            name: served for name, served in flag.environments.items() if name == environment})
            for key, flag in flags.items()}
    problems = tuple(sorted(reading.problems, key=lambda p: (p.line, p.column)))
    return FlagState(source=fmt, path=shown, flags=flags, problems=problems)


def _relative(path: Path, root: Path) -> str:
    try:
        return (root / path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
