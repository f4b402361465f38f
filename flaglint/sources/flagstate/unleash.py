"""Unleash: the feature export (`POST /api/admin/features-batch/export`, the UI's export, and
the older `GET /api/admin/state/export`) and the client features response
(`GET /api/client/features`, versions 1 and 2).

The export lists `features`, `featureStrategies` and `featureEnvironments` apart, joined by
`featureName`. The batch export holds one environment and its strategies name none; the
older state export names each strategy's `environment`. The client response holds the one
environment its API token is for: each feature carries its `enabled` and `strategies`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Any

from flaglint.config import DEFAULT_LIFETIMES, FLAG_TYPES
from flaglint.sources.flagstate.document import At, Document
from flaglint.sources.flagstate.fields import (
    Malformed,
    Reading,
    array,
    boolean,
    collect,
    field_of,
    iso_date,
    not_format,
    object_at,
    text,
)
from flaglint.sources.flagstate.model import (
    FlagStateError,
    Problem,
    Served,
    ServiceFlag,
)
from flaglint.sources.flagstate.unleash_strategies import (
    Strategy,
    served_by,
    strategy,
    variants,
)

FORMAT = "unleash"
_FIX = ("export it with `curl -X POST -H 'Authorization: …' -H 'Content-Type: application/"
        "json' -d '{\"environment\": \"production\", \"project\": \"default\"}' "
        "https://UNLEASH/api/admin/features-batch/export`, or save `GET /api/client/features`")
_CLIENT_VERSIONS = (1, 2)


def read(doc: Document, environment: str | None) -> Reading:
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise not_format(doc, "an Unleash export or client features response (no `features` "
                              "list)", _FIX)
    if "featureStrategies" in data or "featureEnvironments" in data:
        return _export(doc, data, environment)
    return _client(doc, data, environment)


def _client(doc: Document, data: dict[str, Any], environment: str | None) -> Reading:
    version = data.get("version")
    if version not in _CLIENT_VERSIONS or isinstance(version, bool):
        raise FlagStateError(doc.path, doc.line(("version",)),
                             f"Unleash client features response of version "
                             f"{_shown(version)}; flaglint reads versions 1 and 2 "
                             f"(save `GET /api/client/features` from Unleash 4 or later)")
    name = environment or "default"

    def read_feature(at: At, entry: Any) -> ServiceFlag:
        entry = object_at(entry, at, "the feature")
        flag = _feature(doc, at, entry, ())
        found = [strategy(item, (*at, "strategies", index))
                 for index, item in enumerate(array(entry, at, "strategies"))]
        served = served_by(flag.line, [s for s in found if s is not None], variants(entry, at),
                           enabled=bool(boolean(entry, at, "enabled", required=True)),
                           dependent=bool(array(entry, at, "dependencies")))
        return _with(flag, {name: served})

    flags, problems = collect(doc, ((("features", i), e) for i, e in enumerate(data["features"])),
                              read_feature, key_of=field_of("name"))
    return Reading(flags, problems, (name,))


def _export(doc: Document, data: dict[str, Any], environment: str | None) -> Reading:
    problems_at: list[tuple[At, str]] = []
    switches = _by_feature(data, "featureEnvironments", problems_at)
    strategies = _by_feature(data, "featureStrategies", problems_at)
    tags = _tags(data)
    dependent = {d.get("feature") for d in data.get("dependencies") or []
                 if isinstance(d, dict) and d.get("dependencies")}
    names = list(dict.fromkeys(
        [str(e["environment"]) for items in switches.values() for _, e in items
         if isinstance(e.get("environment"), str)]
        + [str(e["name"]) for e in data.get("environments") or []
           if isinstance(e, dict) and isinstance(e.get("name"), str)]))
    single = names[0] if len(names) == 1 else None if names else environment or "default"
    if not names:
        names = [single or "default"]

    def read_feature(at: At, entry: Any) -> ServiceFlag:
        entry = object_at(entry, at, "the feature")
        key = text(entry, at, "name", required=True) or ""
        flag = _feature(doc, at, entry, tags.get(key, ()))
        environments: dict[str, Served] = {}
        for where, switch in switches.get(key, []):
            env = text(switch, where, "environment") or single
            if env is None:
                raise Malformed((*where, "environment"), "`environment` is missing")
            in_env = _strategies_in(strategies.get(key, []), env, single)
            feature_variants = variants(switch, where) or variants(entry, at)
            environments[env] = served_by(
                doc.line(where), in_env, feature_variants,
                enabled=bool(boolean(switch, where, "enabled", required=True)),
                dependent=key in dependent)
        return _with(flag, environments)

    flags, problems = collect(doc, ((("features", i), e) for i, e in enumerate(data["features"])),
                              read_feature, key_of=field_of("name"))
    extra = [Problem(doc.path, *doc.where(at), message) for at, message in problems_at]
    return Reading(flags, extra + problems, tuple(names))


def _by_feature(data: dict[str, Any], key: str, problems: list[tuple[At, str]]
                ) -> dict[str, list[tuple[At, dict[str, Any]]]]:
    """The entries of one of the export's lists, by the feature they belong to."""
    grouped: dict[str, list[tuple[At, dict[str, Any]]]] = defaultdict(list)
    items = data.get(key)
    if items is None:
        return grouped
    if not isinstance(items, list):
        problems.append(((key,), f"`{key}` is not a list; the export's {key} are not read"))
        return grouped
    for index, entry in enumerate(items):
        feature = entry.get("featureName") if isinstance(entry, dict) else None
        if not isinstance(feature, str) or not feature:
            problems.append(((key, index), f"`{key}` item {index} has no `featureName`"))
            continue
        grouped[feature].append(((key, index), entry))
    return grouped


def _strategies_in(entries: list[tuple[At, dict[str, Any]]], environment: str,
                   single: str | None) -> list[Strategy]:
    found = []
    for at, entry in entries:
        named = entry.get("environment")
        if named is None and single is None:
            raise Malformed(at, "the strategy names no `environment` and the export holds "
                                "several")
        if (named if named is not None else single) == environment:
            parsed = strategy(entry, at)
            if parsed is not None:
                found.append(parsed)
    return found


def _tags(data: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    tags: dict[str, list[str]] = defaultdict(list)
    for entry in data.get("featureTags") or []:
        if isinstance(entry, dict) and isinstance(entry.get("tagValue"), str):
            tags[str(entry.get("featureName"))].append(entry["tagValue"])
    return {feature: tuple(values) for feature, values in tags.items()}


def _feature(doc: Document, at: At, entry: dict[str, Any], tags: tuple[str, ...]
             ) -> ServiceFlag:
    key = text(entry, at, "name", required=True) or ""
    vendor_type = text(entry, at, "type")
    line, column = doc.where(at)
    return ServiceFlag(
        key=key, source=FORMAT, path=doc.path, line=line, column=column,
        type=vendor_type if vendor_type in FLAG_TYPES else None, vendor_type=vendor_type,
        # Unleash's types are flaglint's; those with a lifetime are meant to go.
        temporary=DEFAULT_LIFETIMES[vendor_type] is not None if vendor_type in FLAG_TYPES
        else None,
        archived=bool(boolean(entry, at, "archived", default=False) or entry.get("archivedAt")),
        archived_on=iso_date(entry, at, "archivedAt"),
        stale=bool(boolean(entry, at, "stale", default=False)),
        created=iso_date(entry, at, "createdAt"), description=text(entry, at, "description"),
        tags=tags, project=text(entry, at, "project"))


def _with(flag: ServiceFlag, environments: dict[str, Served]) -> ServiceFlag:
    return replace(flag, environments=environments)


def _shown(value: Any) -> str:
    return "none" if value is None else f"\"{value}\"" if isinstance(value, str) else str(value)
