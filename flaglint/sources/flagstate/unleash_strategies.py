"""What an Unleash environment serves, from its `enabled` switch, its activation strategies
and its variants (https://docs.getunleash.io/reference/activation-strategies).

Strategies are ORed: a caller is on when any strategy lets them in. flaglint calls an
environment settled only when no strategy picks callers: every strategy is a plain
percentage (`default` is 100%, `flexibleRollout` its `rollout`, the older
`gradualRollout*` their `percentage`) with no constraint and no segment. Then 100% anywhere
is everyone on, 0% everywhere is everyone off. A strategy that names callers (`userWithId`,
`remoteAddress`, a custom one), a constraint, a segment, a variant override or a parent flag
(`dependencies`) is targeting. An enabled environment with no strategy is on for everyone,
as the SDKs evaluate it. With variants, the settled value is the one variant everyone gets
(its name), else the variants split the callers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flaglint.sources.flagstate.document import At
from flaglint.sources.flagstate.fields import (
    Malformed,
    array,
    boolean,
    mapping,
    number,
    object_at,
    percentage,
    text,
)
from flaglint.sources.flagstate.model import Served
from flaglint.sources.flagstate.served import Share, settled, split, targeted

_PERCENT_PARAMETER = {"flexibleRollout": "rollout", "gradualRolloutRandom": "percentage",
                      "gradualRolloutUserId": "percentage",
                      "gradualRolloutSessionId": "percentage"}


@dataclass(frozen=True, slots=True)
class Variant:
    name: str
    weight: float
    overridden: bool  # some callers are given this variant by name


@dataclass(frozen=True, slots=True)
class Strategy:
    """One active strategy: `percent` of callers it lets in when it is a plain percentage
    (`default` is 100), None when it picks callers; `rollout` when it is a percentage
    strategy rather than `default`; `conditional` when constraints or segments narrow it."""

    percent: float | None
    rollout: bool
    conditional: bool
    variants: tuple[Variant, ...]


def strategy(entry: Any, at: At) -> Strategy | None:
    """The strategy an export or client response writes, None when it is switched off."""
    entry = object_at(entry, at, "the strategy")
    name = text(entry, at, "name") or text(entry, at, "strategyName", required=True)
    if boolean(entry, at, "disabled", default=False):
        return None
    parameters = mapping(entry, at, "parameters") or {}
    percent: float | None = None
    if name == "default":
        percent = 100.0
    elif name in _PERCENT_PARAMETER:
        key = _PERCENT_PARAMETER[name]
        percent = percentage(parameters, (*at, "parameters"), key, numeric_text=True)
        if percent is None:
            raise Malformed((*at, "parameters"), f"strategy `{name}` has no `{key}` parameter")
    conditional = bool(array(entry, at, "constraints") or array(entry, at, "segments"))
    return Strategy(percent, name in _PERCENT_PARAMETER, conditional, variants(entry, at))


def variants(entry: dict[str, Any], at: At) -> tuple[Variant, ...]:
    found = []
    for index, item in enumerate(array(entry, at, "variants")):
        place = (*at, "variants", index)
        item = object_at(item, place, "the variant")
        found.append(Variant(name=text(item, place, "name", required=True) or "",
                             weight=number(item, place, "weight") or 0.0,
                             overridden=bool(array(item, place, "overrides"))))
    return tuple(found)


def served_by(line: int, strategies: Sequence[Strategy], feature_variants: Sequence[Variant],
              *, enabled: bool, dependent: bool) -> Served:
    """What one environment serves (see the module's docstring)."""
    chosen = _variants_in_play(strategies, feature_variants)
    names = tuple(dict.fromkeys(v.name for v in (*feature_variants, *chosen)))
    if not enabled:
        return settled(line, value=False, on=False, variants=names)
    if dependent or any(s.conditional or s.percent is None for s in strategies) or any(
            v.overridden for v in chosen):
        return targeted(line, on=True, variants=names)
    percents = [s.percent for s in strategies if s.percent is not None]
    # The rollout is known when one percentage strategy is all there is.
    single = strategies[0].percent if len(strategies) == 1 and strategies[0].rollout else None
    if percents and max(percents) <= 0:
        return settled(line, value=False, on=True, variants=names, rollout=0.0)
    if percents and max(percents) < 100:
        return Served(on=True, value=None, settled=False, rollout=single, targeting=False,
                      variants=names, line=line)
    weighted = [v for v in chosen if v.weight > 0]
    if not weighted:
        return settled(line, value=True, on=True, variants=names, rollout=single)
    total = sum(v.weight for v in weighted)
    return split(line, [Share(v.name, v.name, v.weight * 100 / total) for v in weighted],
                 on=True, variants=names)


def _variants_in_play(strategies: Sequence[Strategy], feature_variants: Sequence[Variant]
                      ) -> tuple[Variant, ...]:
    """A strategy's own variants win over the feature's (Unleash 5's strategy variants)."""
    for strategy in strategies:
        if strategy.variants:
            return strategy.variants
    return tuple(feature_variants)
