"""OpenFeature flagd flag definition files (https://flagd.dev/reference/flag-definitions/),
JSON or YAML, checked by hand against what the flags schema v0 requires (schemas/ holds the
copy the tests validate against).

A DISABLED flag is one flagd treats as absent: every caller gets its own code default, so the
flag is settled, off, with no value flaglint can know. An ENABLED flag with no targeting (or
`{}`) is settled to its default variant's value; targeting that is only a `fractional` split
is a percentage rollout; any other targeting, once `$ref`s to `$evaluators` are resolved,
decides per caller.
"""

from __future__ import annotations

import re
from typing import Any

from flaglint.sources.flagstate.document import At, Document
from flaglint.sources.flagstate.fields import (
    Malformed,
    Reading,
    collect,
    mapping,
    not_format,
    object_at,
    served_value,
    text,
)
from flaglint.sources.flagstate.model import FlagStateError, Served, ServiceFlag
from flaglint.sources.flagstate.served import Share, settled, split, targeted

FORMAT = "flagd"
_FIX = "a flagd file holds a top-level `flags` object of flag definitions " \
       "(https://flagd.dev/reference/flag-definitions/)"
_SCHEMA_VERSION = re.compile(r"flagd\.dev/schema/v(\d+)")
_STATES = ("ENABLED", "DISABLED")
_MAX_REF_DEPTH = 32


def read(doc: Document, environment: str | None) -> Reading:
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("flags"), dict):
        raise not_format(doc, "a flagd flag definition file (no `flags` object)", _FIX)
    _check_schema(doc, data.get("$schema"))
    evaluators = data.get("$evaluators") or {}
    name = environment or "default"
    flags, problems = collect(
        doc, ((("flags", key), entry) for key, entry in data["flags"].items()),
        lambda at, entry: _flag(doc, at, entry, evaluators, name))
    return Reading(flags, problems, (name,))


def _check_schema(doc: Document, schema: Any) -> None:
    found = _SCHEMA_VERSION.search(schema) if isinstance(schema, str) else None
    if found and found.group(1) != "0":
        raise FlagStateError(doc.path, doc.line(("$schema",)),
                             f"`$schema` is {schema}, flagd schema v{found.group(1)}; "
                             f"flaglint reads flag definitions of schema v0 "
                             f"(https://flagd.dev/schema/v0/flags.json)")


def _flag(doc: Document, at: At, entry: Any, evaluators: Any, environment: str
          ) -> ServiceFlag:
    entry = object_at(entry, at, "the flag")
    state = text(entry, at, "state", required=True)
    if state not in _STATES:
        raise Malformed((*at, "state"), f"`state` is \"{state}\"; expected \"ENABLED\" or "
                                        f"\"DISABLED\"")
    variants = _variants(entry, at)
    default = text(entry, at, "defaultVariant", required=True)
    if default not in variants:
        raise Malformed((*at, "defaultVariant"),
                        f"`defaultVariant` \"{default}\" is not one of the variants "
                        f"({', '.join(variants)})")
    targeting = _resolve(mapping(entry, at, "targeting"), evaluators, (*at, "targeting"), 0)
    line, column = doc.where(at)
    served = _served(line, state, variants, default, targeting, at)
    return ServiceFlag(key=str(at[-1]), source=FORMAT, path=doc.path, line=line,
                       column=column, environments={environment: served})


def _variants(entry: dict[str, Any], at: At) -> dict[str, Any]:
    """The variants object: not empty, every value of one JSON type (the schema's four
    typed flags: boolean, string, number, object)."""
    variants = mapping(entry, at, "variants", required=True) or {}
    if not variants:
        raise Malformed((*at, "variants"), "`variants` is empty; a flag needs at least one")
    kinds = {name: _kind(value) for name, value in variants.items()}
    first = next(iter(kinds.values()))
    for name, kind in kinds.items():
        if kind is None or kind != first:
            raise Malformed((*at, "variants", name),
                            f"variant `{name}` is {kind or 'a list or null'}; every variant "
                            f"of a flag has the type of the first ({first})")
    return variants


def _kind(value: Any) -> str | None:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | float):
        return "a number"
    return "an object" if isinstance(value, dict) else None


def _resolve(rule: Any, evaluators: Any, at: At, depth: int) -> Any:
    """The targeting with each `{"$ref": name}` replaced by that shared evaluator."""
    if isinstance(rule, list):
        return [_resolve(item, evaluators, (*at, index), depth) for index, item in
                enumerate(rule)]
    if not isinstance(rule, dict):
        return rule
    if set(rule) == {"$ref"}:
        name = rule["$ref"]
        if not isinstance(evaluators, dict) or name not in evaluators:
            known = ", ".join(evaluators) if isinstance(evaluators, dict) else ""
            raise Malformed((*at, "$ref"), f"`$ref` names evaluator \"{name}\", which "
                                           f"`$evaluators` does not define"
                                           + (f" ({known})" if known else ""))
        if depth >= _MAX_REF_DEPTH:
            raise Malformed((*at, "$ref"), f"evaluator \"{name}\" refers to itself")
        return _resolve(evaluators[name], evaluators, ("$evaluators", name), depth + 1)
    return {key: _resolve(value, evaluators, (*at, key), depth) for key, value in rule.items()}


def _served(line: int, state: str, variants: dict[str, Any], default: str, targeting: Any,
            at: At) -> Served:
    names = tuple(variants)
    if state == "DISABLED":
        return settled(line, None, on=False, variants=names)
    if not targeting:
        return settled(line, served_value(variants[default]), on=True, variants=names)
    shares = _fractional(targeting, variants, (*at, "targeting", "fractional"))
    if shares is None:
        return targeted(line, on=True, variants=names)
    return split(line, shares, on=True, variants=names)


def _fractional(targeting: dict[str, Any], variants: dict[str, Any], at: At
                ) -> list[Share] | None:
    """The shares of a targeting that is only `{"fractional": [...]}`, else None. The first
    argument may be the bucketing expression; each other is `[variant, weight]` (weight 1
    when left out), weights relative to their sum."""
    if set(targeting) != {"fractional"} or not isinstance(targeting["fractional"], list):
        return None
    buckets = list(enumerate(targeting["fractional"]))
    if buckets and not isinstance(buckets[0][1], list):
        buckets = buckets[1:]
    weights: dict[str, float] = {}
    for index, bucket in buckets:
        name = bucket[0] if isinstance(bucket, list) and bucket else None
        weight = bucket[1] if isinstance(bucket, list) and len(bucket) > 1 else 1
        if not isinstance(name, str) or name not in variants:
            raise Malformed((*at, index), f"`fractional` bucket {index} names "
                                          f"{name!r}, not one of the variants")
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight < 0:
            return None  # a computed weight: decided per caller
        weights[name] = weights.get(name, 0.0) + float(weight)
    total = sum(weights.values())
    if not total:
        return None
    return [Share(name, served_value(variants[name]), weight * 100 / total)
            for name, weight in weights.items()]
