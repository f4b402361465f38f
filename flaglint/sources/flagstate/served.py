"""The few shapes an environment's state takes, built the same way for every vendor: off,
settled to one value, a plain percentage split, or decided by targeting."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flaglint.sources.flagstate.model import Served, ServedValue

_WHOLE = 100 - 1e-9  # shares are often sums of floats (0.5 + 0.5 weights × 100)


@dataclass(frozen=True, slots=True)
class Share:
    """One variant of a percentage split and the percentage of callers it gets."""

    name: str
    value: ServedValue
    percent: float


def settled(line: int, value: ServedValue, *, on: bool | None,
            variants: tuple[str, ...] = (), rollout: float | None = None) -> Served:
    return Served(on=on, value=value, settled=True, rollout=rollout, targeting=False,
                  variants=variants, line=line)


def targeted(line: int, *, on: bool | None, variants: tuple[str, ...] = ()) -> Served:
    """Rules, segments or conditions decide who gets what."""
    return Served(on=on, value=None, settled=False, rollout=None, targeting=True,
                  variants=variants, line=line)


def split(line: int, shares: Sequence[Share], *, on: bool | None,
          variants: tuple[str, ...]) -> Served:
    """A percentage split with no condition: settled when one variant gets everyone.
    `rollout` is the share of the true variant when the values are booleans, else the
    largest share."""
    if all(isinstance(share.value, bool) for share in shares):
        rollout = sum(share.percent for share in shares if share.value is True)
    else:
        rollout = max((share.percent for share in shares), default=0.0)
    whole = next((share for share in shares if share.percent >= _WHOLE), None)
    if whole is not None:
        return settled(line, whole.value, on=on, variants=variants, rollout=round(rollout, 6))
    return Served(on=on, value=None, settled=False, rollout=round(rollout, 6),
                  targeting=False, variants=variants, line=line)
