"""LaunchDarkly: the flags list of its REST API (`GET /api/v2/flags/{projectKey}` with
`summary=0`, https://launchdarkly.com/docs/api/feature-flags/get-feature-flags), or a file
of its SDKs' file data source (`flags` and `flagValues`, one environment's).

Each item holds its variations and, per environment, `on`, `offVariation`, `fallthrough`
(one variation, or a rollout whose weights are thousandths of a percent) and the targeting
lists. An environment that is off serves its off variation to everyone (or the caller's own
default when there is none); one that is on with no rule, target or prerequisite serves its
fallthrough. The list exported as a summary (the API's default) leaves the targeting out, so
flaglint cannot tell what it serves: that is an error that says to export it again.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flaglint.config import FLAG_TYPES
from flaglint.sources.flagstate.document import At, Document
from flaglint.sources.flagstate.fields import (
    Malformed,
    Reading,
    array,
    boolean,
    collect,
    field_of,
    mapping,
    not_format,
    object_at,
    served_value,
    strings,
    text,
    variant_name,
)
from flaglint.sources.flagstate.model import (
    FlagStateError,
    Served,
    ServedValue,
    ServiceFlag,
)
from flaglint.sources.flagstate.served import Share, settled, split, targeted

FORMAT = "launchdarkly"
_FIX = ("export it with `curl -H 'Authorization: …' "
        "'https://app.launchdarkly.com/api/v2/flags/PROJECT?summary=0&env=production'`")
_TARGETING = ("rules", "targets", "contextTargets", "prerequisites")
_WEIGHT_PER_PERCENT = 1000  # weights are thousandths of a percent: 100000 is everyone
_PROJECT = re.compile(r"/api/v2/flags/([^/?]+)")


def read(doc: Document, environment: str | None) -> Reading:
    data = doc.data
    if isinstance(data, dict) and "items" not in data and (
            isinstance(data.get("flags"), dict) or isinstance(data.get("flagValues"), dict)):
        return _file_data(doc, environment)
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise not_format(doc, "a LaunchDarkly flags list (no `items`) or a file of the SDK's "
                              "file data source (no `flags` or `flagValues`)", _FIX)
    items = data["items"]
    _check_not_summary(doc, items)
    flags, problems = collect(doc, ((("items", i), e) for i, e in enumerate(items)),
                              lambda at, entry: _flag(doc, at, entry), key_of=field_of("key"))
    names = dict.fromkeys(name for item in items if isinstance(item, dict)
                          and isinstance(item.get("environments"), dict)
                          for name in item["environments"])
    return Reading(flags, problems, tuple(names))


def _file_data(doc: Document, environment: str | None) -> Reading:
    """A file of the SDK's file data source (`ldclient.integrations.Files`), which a project
    loads itself (label-studio's `feature_flags.json`): `flags`, each the configuration of
    one environment with its variations as plain values, and `flagValues`, a value that
    everyone gets. It serves the environment that loads it: `--flag-state`'s environment,
    else `file`."""
    name = environment or "file"
    data = doc.data
    for part in ("flags", "flagValues"):
        if not isinstance(data.get(part, {}), dict):
            raise FlagStateError(doc.path, doc.line((part,)),
                                 f"`{part}` of the SDK's file data source is not an object "
                                 f"of flags by key")
    entries: list[tuple[At, Any]] = [
        (("flags", key), entry) for key, entry in data.get("flags", {}).items()]
    entries += [(("flagValues", key), value)
                for key, value in data.get("flagValues", {}).items()]
    flags, problems = collect(doc, entries, lambda at, entry: _file_flag(doc, at, entry, name))
    return Reading(flags, problems, (name,))


def _file_flag(doc: Document, at: At, entry: Any, environment: str) -> ServiceFlag:
    line, column = doc.where(at)
    if at[0] == "flagValues":
        value = served_value(entry)
        served = settled(line, value, on=True, variants=(variant_name(entry),))
    else:
        entry = object_at(entry, at, "the flag")
        values = [(variant_name(value), served_value(value))
                  for value in array(entry, at, "variations", required=True)]
        if not values:
            raise Malformed((*at, "variations"), "`variations` is empty")
        served = _served(line, entry, at, values, tuple(name for name, _ in values))
    return ServiceFlag(key=str(at[-1]), source=FORMAT, path=doc.path, line=line, column=column,
                       environments={environment: served})


def _check_not_summary(doc: Document, items: list[Any]) -> None:
    for index, item in enumerate(items):
        environments = item.get("environments") if isinstance(item, dict) else None
        for name, block in (environments or {}).items():
            if isinstance(block, dict) and "fallthrough" not in block and "rules" not in block:
                raise FlagStateError(
                    doc.path, doc.line(("items", index, "environments", name)),
                    f"environment `{name}` of flag `{item.get('key')}` has no `fallthrough` "
                    f"or `rules`: the flags list was exported as a summary; export it again "
                    f"with `summary=0` ({_FIX.removeprefix('export it with ')})")


def _flag(doc: Document, at: At, entry: Any) -> ServiceFlag:
    entry = object_at(entry, at, "the flag")
    key = text(entry, at, "key", required=True) or ""
    values = _variations(entry, at)
    names = tuple(name for name, _ in values)
    environments = {}
    for name, block in (mapping(entry, at, "environments") or {}).items():
        where = (*at, "environments", name)
        environments[name] = _served(doc.line(where), object_at(block, where, "the "
                                     "environment"), where, values, names)
    tags = strings(entry, at, "tags")
    temporary = boolean(entry, at, "temporary")
    line, column = doc.where(at)
    return ServiceFlag(
        key=key, source=FORMAT, path=doc.path, line=line, column=column,
        type=next((tag for tag in tags if tag in FLAG_TYPES), None),
        vendor_type=None if temporary is None else "temporary" if temporary else "permanent",
        temporary=temporary, archived=bool(boolean(entry, at, "archived", default=False)),
        # LaunchDarkly's own marker of a flag that should go
        stale=bool(boolean(entry, at, "deprecated", default=False)),
        archived_on=_created(entry, at, "archivedDate"),
        created=_created(entry, at), maintainer=_maintainer(entry, at),
        description=text(entry, at, "description") or None, tags=tags,
        project=_project(entry), environments=environments)


def _variations(entry: dict[str, Any], at: At) -> list[tuple[str, ServedValue]]:
    found = []
    for index, item in enumerate(array(entry, at, "variations", required=True)):
        place = (*at, "variations", index)
        item = object_at(item, place, "the variation")
        if "value" not in item:
            raise Malformed(place, f"variation {index} has no `value`")
        name = text(item, place, "name") or variant_name(item["value"])
        found.append((name, served_value(item["value"])))
    if not found:
        raise Malformed((*at, "variations"), "`variations` is empty")
    return found


def _served(line: int, block: dict[str, Any], at: At, values: list[tuple[str, ServedValue]],
            names: tuple[str, ...]) -> Served:
    on = boolean(block, at, "on", required=True)
    if not on:
        off = block.get("offVariation")
        value = None if off is None else values[_index(off, (*at, "offVariation"), values)][1]
        return settled(line, value, on=False, variants=names)
    if any(array(block, at, key) for key in _TARGETING):
        return targeted(line, on=True, variants=names)
    fallthrough = mapping(block, at, "fallthrough", required=True) or {}
    where = (*at, "fallthrough")
    if "variation" in fallthrough:
        chosen = values[_index(fallthrough["variation"], (*where, "variation"), values)]
        return settled(line, chosen[1], on=True, variants=names)
    rollout = mapping(fallthrough, where, "rollout", required=True) or {}
    shares = []
    for index, item in enumerate(array(rollout, (*where, "rollout"), "variations",
                                       required=True)):
        place = (*where, "rollout", "variations", index)
        item = object_at(item, place, "the rollout variation")
        name, value = values[_index(item.get("variation"), (*place, "variation"), values)]
        weight = item.get("weight", 0)
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight < 0:
            raise Malformed((*place, "weight"), "`weight` is not a number of thousandths")
        shares.append(Share(name, value, weight / _WEIGHT_PER_PERCENT))
    return split(line, shares, on=True, variants=names)


def _index(value: Any, at: At, values: list[tuple[str, ServedValue]]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < len(values):
        raise Malformed(at, f"`{at[-1]}` is {value!r}; expected the index of one of the "
                            f"{len(values)} variations")
    return value


def _created(entry: dict[str, Any], at: At, key: str = "creationDate") -> dt.date | None:
    """`creationDate` (or `archivedDate`) is milliseconds since the epoch (some examples
    write it as a string)."""
    value = entry.get(key)
    if value is None:
        return None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise Malformed((*at, key), f"`{key}` is not milliseconds since 1970")
    return dt.datetime.fromtimestamp(value / 1000, tz=dt.timezone.utc).date()


def _maintainer(entry: dict[str, Any], at: At) -> str | None:
    member = mapping(entry, at, "_maintainer")
    if member:
        named = " ".join(part for part in (member.get("firstName"), member.get("lastName"))
                         if isinstance(part, str) and part)
        email = member.get("email")
        return email if isinstance(email, str) and email else named or None
    team = mapping(entry, at, "_maintainerTeam")
    if team:
        label = team.get("key") or team.get("name")
        return label if isinstance(label, str) else None
    return None


def _project(entry: dict[str, Any]) -> str | None:
    """The project key, from the flag's own API link (`/api/v2/flags/PROJECT/KEY`)."""
    links = entry.get("_links")
    for name in ("self", "parent"):
        link = links.get(name) if isinstance(links, dict) else None
        href = link.get("href") if isinstance(link, dict) else None
        found = _PROJECT.search(href) if isinstance(href, str) else None
        if found:
            return found.group(1)
    return None
