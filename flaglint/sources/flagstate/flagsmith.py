"""Flagsmith: the environment document (`GET /api/v1/environment-document/` with a server-side
environment key), the file its SDKs evaluate locally
(https://docs.flagsmith.com/clients/server-side#local-evaluation).

One environment per document. Each feature state has `enabled` and, for a remote-config or
multivariate feature, a `feature_state_value`; the value flaglint reports is that value, or
`enabled` itself for a plain flag. Multivariate options take `percentage_allocation` of
identities and the control value the rest. A feature overridden for a segment
(`project.segments[].feature_states`) or for an identity (`identity_overrides`) is targeting.
"""

from __future__ import annotations

from typing import Any

from flaglint.sources.flagstate.document import At, Document
from flaglint.sources.flagstate.fields import (
    Reading,
    array,
    boolean,
    collect,
    iso_date,
    mapping,
    not_format,
    object_at,
    percentage,
    served_value,
    text,
    variant_name,
)
from flaglint.sources.flagstate.model import Served, ServiceFlag
from flaglint.sources.flagstate.served import Share, settled, split, targeted

FORMAT = "flagsmith"
_FIX = ("export it with `curl -H 'X-Environment-Key: ser.…' "
        "https://edge.api.flagsmith.com/api/v1/environment-document/`")


def read(doc: Document, environment: str | None) -> Reading:
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("feature_states"), list):
        raise not_format(doc, "a Flagsmith environment document (no `feature_states`)", _FIX)
    named = data.get("name")
    name = named if isinstance(named, str) and named else environment or "default"
    project: dict[str, Any] = data["project"] if isinstance(data.get("project"), dict) else {}
    overridden = _segment_overrides(project) | _identity_overrides(data)
    project_name = project.get("name") if isinstance(project.get("name"), str) else None

    def read_state(at: At, entry: Any) -> ServiceFlag:
        entry = object_at(entry, at, "the feature state")
        feature = mapping(entry, at, "feature", required=True) or {}
        key = text(feature, (*at, "feature"), "name", required=True) or ""
        line, column = doc.where(at)
        return ServiceFlag(
            key=key, source=FORMAT, path=doc.path, line=line, column=column,
            vendor_type=text(feature, (*at, "feature"), "type"),
            created=iso_date(feature, (*at, "feature"), "created_date"),
            description=text(feature, (*at, "feature"), "description") or None,
            project=project_name,
            environments={name: _served(line, entry, at, overridden=key in overridden)})

    flags, problems = collect(
        doc, ((("feature_states", i), e) for i, e in enumerate(data["feature_states"])),
        read_state, key_of=_feature_name)
    return Reading(flags, problems, (name,))


def _served(line: int, entry: dict[str, Any], at: At, *, overridden: bool) -> Served:
    enabled = bool(boolean(entry, at, "enabled", required=True))
    raw = entry.get("feature_state_value")
    value = enabled if raw is None else served_value(raw)
    options = []
    for index, item in enumerate(array(entry, at, "multivariate_feature_state_values")):
        place = (*at, "multivariate_feature_state_values", index)
        item = object_at(item, place, "the multivariate value")
        option = mapping(item, place, "multivariate_feature_option", required=True) or {}
        share = percentage(item, place, "percentage_allocation") or 0.0
        options.append(Share(variant_name(option.get("value")),
                             served_value(option.get("value")), share))
    names = tuple(share.name for share in options)
    if overridden:
        return targeted(line, on=enabled, variants=names)
    if not options:
        return settled(line, value, on=enabled)
    control = Share(variant_name(raw), value, max(0.0, 100 - sum(s.percent for s in options)))
    return split(line, [control, *options], on=enabled, variants=(control.name, *names))


def _segment_overrides(project: dict[str, Any]) -> set[str]:
    return {_feature_name(state) for segment in project.get("segments") or []
            if isinstance(segment, dict) for state in segment.get("feature_states") or []}


def _identity_overrides(data: dict[str, Any]) -> set[str]:
    return {_feature_name(state) for identity in data.get("identity_overrides") or []
            if isinstance(identity, dict) for state in identity.get("identity_features") or []}


def _feature_name(state: Any) -> str:
    feature = state.get("feature") if isinstance(state, dict) else None
    name = feature.get("name") if isinstance(feature, dict) else None
    return name if isinstance(name, str) else ""
