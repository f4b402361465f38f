"""PostHog: the local-evaluation flags (`GET /api/feature_flag/local_evaluation`, what its
server SDKs poll, https://posthog.com/docs/feature-flags/local-evaluation).

One environment (the project). A flag matches a caller when one of its release-condition
`groups` does: a group with `properties` is targeting; one without is a percentage
(`rollout_percentage`, where null means 100). Multivariate flags split matched callers among
`multivariate.variants`, unless a group names its `variant`. An inactive flag is off for
everyone; a deleted one is archived and off.
"""

from __future__ import annotations

from typing import Any

from flaglint.sources.flagstate.document import At, Document
from flaglint.sources.flagstate.fields import (
    Reading,
    array,
    boolean,
    collect,
    field_of,
    iso_date,
    mapping,
    not_format,
    object_at,
    percentage,
    strings,
    text,
)
from flaglint.sources.flagstate.model import Served, ServiceFlag
from flaglint.sources.flagstate.served import Share, settled, split, targeted

FORMAT = "posthog"
_FIX = ("export it with `curl -H 'Authorization: Bearer phx_…' "
        "'https://us.posthog.com/api/feature_flag/local_evaluation?token=phc_…'`")


def read(doc: Document, environment: str | None) -> Reading:
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("flags"), list):
        raise not_format(doc, "a PostHog local-evaluation response (no `flags` list)", _FIX)
    name = environment or "default"

    def read_flag(at: At, entry: Any) -> ServiceFlag:
        entry = object_at(entry, at, "the flag")
        key = text(entry, at, "key", required=True) or ""
        deleted = bool(boolean(entry, at, "deleted", default=False))
        active = bool(boolean(entry, at, "active", required=True)) and not deleted
        line, column = doc.where(at)
        return ServiceFlag(
            key=key, source=FORMAT, path=doc.path, line=line, column=column,
            archived=deleted, created=iso_date(entry, at, "created_at"),
            description=text(entry, at, "name") or None, tags=strings(entry, at, "tags"),
            environments={name: _served(line, entry, at, active=active)})

    flags, problems = collect(doc, ((("flags", i), e) for i, e in enumerate(data["flags"])),
                              read_flag, key_of=field_of("key"))
    return Reading(flags, problems, (name,))


def _served(line: int, entry: dict[str, Any], at: At, *, active: bool) -> Served:
    filters = mapping(entry, at, "filters") or {}
    where = (*at, "filters")
    variants = _variants(filters, where)
    names = tuple(share.name for share in variants)
    if not active:
        return settled(line, value=False, on=False, variants=names)
    groups = [object_at(group, (*where, "groups", index), "the condition group")
              for index, group in enumerate(array(filters, where, "groups"))]
    if any(group.get("properties") for group in groups) or any(
            filters.get(key) for key in ("super_groups", "holdout_groups")):
        return targeted(line, on=True, variants=names)
    percents = [_rollout(group, (*where, "groups", index))
                for index, group in enumerate(groups)]
    single = percents[0] if len(percents) == 1 else None
    if not percents or max(percents) <= 0:
        return settled(line, value=False, on=True, variants=names, rollout=single)
    if max(percents) < 100:
        return Served(on=True, value=None, settled=False, rollout=single, targeting=False,
                      variants=names, line=line)
    chosen = {group["variant"] for group in groups if isinstance(group.get("variant"), str)}
    if len(chosen) == 1 and any(p >= 100 and g.get("variant") in chosen
                                for p, g in zip(percents, groups, strict=True)):
        return settled(line, chosen.pop(), on=True, variants=names)
    if chosen:
        return Served(on=True, value=None, settled=False, rollout=None, targeting=False,
                      variants=names, line=line)
    if not variants:
        return settled(line, value=True, on=True, variants=names, rollout=single)
    return split(line, variants, on=True, variants=names)


def _rollout(group: dict[str, Any], at: At) -> float:
    found = percentage(group, at, "rollout_percentage")
    return 100.0 if found is None else found  # PostHog reads a missing rollout as everyone


def _variants(filters: dict[str, Any], at: At) -> list[Share]:
    multivariate = mapping(filters, at, "multivariate") or {}
    shares = []
    for index, item in enumerate(array(multivariate, (*at, "multivariate"), "variants")):
        place = (*at, "multivariate", "variants", index)
        item = object_at(item, place, "the variant")
        key = text(item, place, "key", required=True) or ""
        shares.append(Share(key, key, percentage(item, place, "rollout_percentage") or 0.0))
    return shares
