"""GrowthBook: the SDK features payload (`GET /api/features/{clientKey}`, the JSON its SDKs
fetch, https://docs.growthbook.io/lib/build-your-own).

One environment per payload (the SDK connection's). A feature has a `defaultValue` and
`rules` tried in order; the first that matches a caller decides. A rule with a `condition`
(or parent conditions, saved groups, filters) is targeting. A `force` rule with no condition
and full `coverage` serves its value to everyone, so the rules after it never run; with
partial coverage it is a rollout. An experiment rule (`variations`, `weights`) splits
callers. GrowthBook has no on/off switch: `on` is the truthiness of a settled value, as the
SDKs' `isOn` reads it. An encrypted payload cannot be read: export it unencrypted.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flaglint.sources.flagstate.document import At, Document
from flaglint.sources.flagstate.fields import (
    Malformed,
    Reading,
    array,
    collect,
    not_format,
    number,
    object_at,
    served_value,
    variant_name,
)
from flaglint.sources.flagstate.model import FlagStateError, Served, ServiceFlag
from flaglint.sources.flagstate.served import Share, settled, split, targeted

FORMAT = "growthbook"
_FIX = ("export it with `curl https://cdn.growthbook.io/api/features/CLIENT_KEY` from an SDK "
        "connection without encryption")
_CONDITIONS = ("condition", "parentConditions", "savedGroups", "filters")
_SLICES = ("namespace", "range", "ranges")  # a rule that reaches only a slice of callers


def read(doc: Document, environment: str | None) -> Reading:
    data = doc.data
    if isinstance(data, dict) and data.get("encryptedFeatures") and not data.get("features"):
        raise FlagStateError(doc.path, doc.line(("encryptedFeatures",)),
                             "the features are encrypted (`encryptedFeatures`); flaglint "
                             f"reads the plain payload: {_FIX}")
    if not isinstance(data, dict) or not isinstance(data.get("features"), dict):
        raise not_format(doc, "a GrowthBook SDK features payload (no `features` object)",
                         _FIX)
    name = environment or "default"

    def read_feature(at: At, entry: Any) -> ServiceFlag:
        entry = object_at(entry, at, "the feature")
        line, column = doc.where(at)
        return ServiceFlag(key=str(at[-1]), source=FORMAT, path=doc.path, line=line,
                           column=column, environments={name: _served(line, entry, at)})

    flags, problems = collect(doc, ((("features", key), entry)
                                    for key, entry in data["features"].items()), read_feature)
    return Reading(flags, problems, (name,))


def _served(line: int, entry: dict[str, Any], at: At) -> Served:
    default = entry.get("defaultValue")
    rules = [object_at(rule, (*at, "rules", index), "the rule")
             for index, rule in enumerate(array(entry, at, "rules"))]
    names = tuple(dict.fromkeys(variant_name(value) for rule in rules
                                for value in rule.get("variations") or []))
    coverages = [_coverage(rule, (*at, "rules", index)) for index, rule in enumerate(rules)]
    # A rule that reaches everyone ends the list: the rules after it never run.
    reached = next((index + 1 for index, rule in enumerate(rules) if coverages[index] >= 1
                    and not _sliced(rule) and not _conditional(rule)), len(rules))
    if any(_conditional(rule) for rule in rules[:reached]):
        return targeted(line, on=None, variants=names)
    live = [(index, rules[index], coverages[index]) for index in range(reached)
            if coverages[index] > 0]
    if not live:
        return settled(line, served_value(default), on=_truthy(default), variants=names)
    index, rule, cover = live[0]  # the first rule that reaches anyone decides first
    if _sliced(rule) or (cover < 1 and len(live) > 1):
        # Those it leaves out go on to the next rules: no one share can be told.
        return Served(on=None, value=None, settled=False, rollout=None, targeting=False,
                      variants=names, line=line)
    shares = _shares(rule, cover, (*at, "rules", index))
    if cover < 1:
        shares.append(Share(variant_name(default), served_value(default), (1 - cover) * 100))
    result = split(line, shares, on=None, variants=names)
    if result.settled:
        return replace(result, on=_truthy(_raw(rule, result.value, default)))
    return result


def _conditional(rule: dict[str, Any]) -> bool:
    return any(rule.get(key) for key in _CONDITIONS)


def _sliced(rule: dict[str, Any]) -> bool:
    """Reaches only a slice of callers (a namespace or hash range), or is no rule flaglint
    knows (neither `force` nor `variations`)."""
    return any(key in rule for key in _SLICES) or not ("force" in rule or "variations" in rule)


def _coverage(rule: dict[str, Any], at: At) -> float:
    cover = number(rule, at, "coverage")
    if cover is not None and not 0 <= cover <= 1:
        raise Malformed((*at, "coverage"), f"`coverage` is {cover:g}; expected 0 to 1")
    return 1.0 if cover is None else cover


def _shares(rule: dict[str, Any], cover: float, at: At) -> list[Share]:
    if "force" in rule:
        return [Share(variant_name(rule["force"]), served_value(rule["force"]), cover * 100)]
    variations = array(rule, at, "variations")
    if not variations:
        raise Malformed((*at, "variations"), "`variations` is empty")
    weights = rule.get("weights") or [1 / len(variations)] * len(variations)
    if not isinstance(weights, list) or len(weights) != len(variations) or not all(
            isinstance(w, int | float) and not isinstance(w, bool) for w in weights):
        raise Malformed((*at, "weights"), "`weights` does not give one number per variation")
    return [Share(variant_name(value), served_value(value), weight * cover * 100)
            for value, weight in zip(variations, weights, strict=True)]


def _raw(rule: dict[str, Any], value: Any, default: Any) -> Any:
    """The value as the payload writes it (an object, where `Served.value` holds None)."""
    if "force" in rule and served_value(rule["force"]) == value:
        return rule["force"]
    return next((v for v in rule.get("variations") or [] if served_value(v) == value), default)


def _truthy(value: Any) -> bool:
    return value not in (None, False, "", 0) and value != {}
