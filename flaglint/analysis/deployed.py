"""Which flag each deployment setting sets, and where the hosts of a group disagree.

A key maps to a flag by its exact key, through the flag's definition (the name of the Enum
member whose value is the key), or through the environment's `prefix`/`case`. A key that maps
to no known flag is still a flag setting when its mapping holds flags only (a `flags` table, a
flags file) or it carries the prefix; any other key (`DATABASE_URL`) is not flaglint's.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flaglint.config import EnvironmentSpec
from flaglint.findings import Span
from flaglint.model.project import Project
from flaglint.sources.deploy import Environment, Host, Setting, normalise
from flaglint.sources.registry import FlagValue


@dataclass(frozen=True, slots=True)
class Served:
    """A setting of one flag in one host's config."""

    key: str  # the flag key
    setting: Setting
    host: Host
    declared: bool  # the key is one flaglint knows (registry, code, reads, history)


@dataclass(frozen=True, slots=True)
class HostLine:
    """Where a host's config says something about a flag: the setting's line, or the
    file's start when it does not set the flag."""

    path: str
    span: Span


@dataclass(frozen=True, slots=True)
class Odd:
    """A host of a group in the minority for one flag: it sets another value than most hosts,
    sets what they do not, or does not set what they do."""

    key: str
    host: Host
    setting: Setting | None  # None: the host does not set it
    majority: FlagValue | None  # None with `unset`: most hosts do not set it
    unset: bool
    agreeing: int  # hosts in the majority
    hosts: int  # hosts that say something known
    example: HostLine | None  # a majority host's line
    majority_hosts: tuple[HostLine, ...] = ()  # every majority host's line (or start)


def known_keys(project: Project) -> set[str]:
    keys = set(project.records) | set(project.registry.flags) | set(project.removed)
    keys |= {r.key for r in project.linked.reads if r.key is not None}
    if project.history is not None:
        keys |= set(project.history.keys)
    return keys


def members(project: Project) -> dict[str, str]:
    """Definition member names (`Flags.SMART_ROUTING`) -> the key they define."""
    return {d.scope.rsplit(".", 1)[-1]: d.key for d in project.linked.definitions}


class KeyMap:
    def __init__(self, project: Project) -> None:
        self.known = known_keys(project)
        self.members = members(project)
        self._written: dict[tuple[str, str | None], dict[str, str]] = {}

    def flag(self, setting: Setting, spec: EnvironmentSpec) -> tuple[str, bool] | None:
        """(flag key, declared) for a setting, None when it is not a flag setting."""
        key = setting.key
        if spec.prefix or spec.case:
            written = self._as_written(spec.prefix, spec.case)
            if key in written:
                return written[key], True
            if spec.prefix and key.startswith(spec.prefix):
                bare = key[len(spec.prefix):]
                bare = bare.lower() if spec.case == "upper" else \
                    bare.upper() if spec.case == "lower" else bare
                return bare, bare in self.known
        if key in self.known:
            return key, True
        if key in self.members:
            return self.members[key], True
        return (key, False) if setting.flags_only else None

    def _as_written(self, prefix: str, case: str | None) -> dict[str, str]:
        found = self._written.get((prefix, case))
        if found is None:
            def cased(key: str) -> str:
                return key.upper() if case == "upper" else key.lower() if case == "lower" \
                    else key
            found = {prefix + cased(k): k for k in sorted(self.known, reverse=True)}
            self._written[(prefix, case)] = found
        return found


def served(project: Project) -> list[Served]:
    """Every flag setting of every host, in config order (worked out once a project)."""
    found = project.memo().get("served")
    if not isinstance(found, list):
        found = project.memo()["served"] = _served(project)
    return found


def _served(project: Project) -> list[Served]:
    deployments = project.deployments
    if deployments is None:
        return []
    keys = KeyMap(project)
    found = []
    for environment in deployments.environments:
        for host in environment.hosts:
            for setting in host.settings:
                mapped = keys.flag(setting, environment.spec)
                if mapped is not None:
                    found.append(Served(mapped[0], setting, host, mapped[1]))
    return found


_UNSET = object()


def odd_hosts(environment: Environment, settings: list[Served]) -> list[Odd]:
    """The hosts of a group in the minority, flag by flag (a strict majority decides; hosts
    whose value is decided elsewhere are left out)."""
    if not environment.group:
        return []
    by_key: dict[str, dict[str, Served]] = {}
    for served_here in settings:
        if served_here.host.environment == environment.spec.name:
            by_key.setdefault(served_here.key, {})[served_here.host.path] = served_here
    odd = []
    for key in sorted(by_key):
        values: dict[str, object] = {}
        for host in environment.hosts:
            item = by_key[key].get(host.path)
            if item is None:
                values[host.path] = _UNSET
            elif item.setting.known:
                values[host.path] = _comparable(item.setting.value)
        counts = Counter(values.values())
        majority, agreeing = counts.most_common(1)[0]
        if agreeing * 2 <= len(values):
            continue  # no majority: nothing says which hosts are odd
        example = next((by_key[key][p].setting for p, v in values.items()
                        if v == majority and p in by_key[key]), None)
        agree = tuple(HostLine(host.path, by_key[key][host.path].setting.span
                               if host.path in by_key[key] else host.anchor)
                      for host in environment.hosts if values.get(host.path) == majority)
        for host in environment.hosts:
            if host.path not in values or values[host.path] == majority:
                continue
            item = by_key[key].get(host.path)
            odd.append(Odd(key, host, item.setting if item is not None else None,
                           majority=None if majority is _UNSET else _value_of(majority),
                           unset=majority is _UNSET, agreeing=agreeing, hosts=len(values),
                           example=HostLine(example.path, example.span)
                           if example is not None else None,
                           majority_hosts=agree))
    return odd


def _comparable(value: FlagValue | None) -> object:
    # True == 1 in Python: keep the type, so that `2` (a number) and `true` differ; 2.0 is 2.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return (type(value).__name__, value)


def _value_of(comparable: object) -> FlagValue | None:
    assert isinstance(comparable, tuple)
    value: FlagValue | None = comparable[1]
    return value


def same(config: FlagValue | None, registry: FlagValue | None) -> bool:
    """Does a config's value mean the registry's? (both read the same way: "on" is true)"""
    return _comparable(config) == _comparable(normalise(registry)[1])
