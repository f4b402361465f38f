"""Flag state from the exports a team keeps of its flag service or flagd file
(`[[tool.flaglint.flag-state]]`): each export is a registry and a set of environments at once.

- Its flags are declarations (`FlagDecl` with the service as `source`) for the keys the
  registry does not declare: archived or deleted flags are tombstones, `stale` and
  `temporary` are kept for FL201.
- Each of its environments is a deployment environment of one host: a flag settled there (one
  value for everyone) is a known setting, a targeted or partial rollout an unknown one, a flag
  that serves the caller's own default is not set there.
- A key two exports describe differently (archived in one, served another value in another)
  is a `Disagreement`: reported (FL501), never merged silently; the first export's
  declaration stands.

Nothing is fetched: the files are read as they are, and a file that is not its format is a
configuration error naming it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from flaglint.config import Config, ConfigError, EnvironmentSpec, FlagStateSpec
from flaglint.findings import Span
from flaglint.sources.registry import FlagDecl, FlagValue, Registry, Status
from flaglint.suppressions import Suppressions

if TYPE_CHECKING:
    # Imported where an export is read: a project without one (every run's `Inputs` holds
    # an empty `Services`) never imports the formats' parsers (14 ms of a 0.18 s warm run)
    from flaglint.sources import deploy
    from flaglint.sources.flagstate import FlagState, ServiceFlag


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A key two exports describe differently: `what` says how, for a person."""

    key: str
    first: ServiceFlag
    second: ServiceFlag
    what: str


@dataclass(frozen=True)
class Services:
    """Every flag-state export read, in configuration order."""

    states: tuple[FlagState, ...] = ()
    disagreements: tuple[Disagreement, ...] = ()
    lines: dict[str, tuple[str, ...]] = field(default_factory=dict)  # path -> its lines

    def __bool__(self) -> bool:
        return bool(self.states)

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(state.path for state in self.states)

    def span(self, path: str, line: int) -> Span:
        """A line of an export, whole."""
        return _line_span(line, self.lines.get(path, ()))

    def flags_of(self, key: str) -> list[ServiceFlag]:
        return [state.flags[key] for state in self.states if key in state.flags]

    def settled(self, key: str) -> tuple[FlagValue, ServiceFlag] | None:
        """The one value every environment of every export serves `key` to everyone, and
        the export that says so; None when any environment targets, splits or serves
        another value, or when the flag is archived."""
        flags = self.flags_of(key)
        values = set()
        for flag in flags:
            if flag.archived or not flag.environments:
                return None
            for served in flag.environments.values():
                if not served.settled or served.value is None:
                    return None
                values.add((type(served.value), served.value))
        if len(values) != 1:
            return None
        return next(iter(values))[1], flags[0]


def describe(flag: ServiceFlag) -> str:
    """What one export says of a flag, for a person: `unleash: production true, staging
    30% rollout`."""
    if flag.archived:
        return f"{flag.source}: archived"
    parts = []
    for name, served in sorted(flag.environments.items()):
        if served.settled:
            state = "the caller's default" if served.value is None else _shown(served.value)
        elif served.targeting:
            state = "targeted"
        elif served.rollout is not None:
            state = f"{served.rollout:g}% rollout"
        else:
            state = "split"
        parts.append(state if name == "default" else f"{name} {state}")
    return f"{flag.source}: {', '.join(parts) or 'no environment'}"


def load_services(config: Config) -> Services:
    """The exports `config` names, read; a path that finds no file, or a file that is not
    its format, is a ConfigError naming it."""
    from flaglint.sources.flagstate import FlagStateError, read_flag_state

    states: list[FlagState] = []
    lines: dict[str, tuple[str, ...]] = {}
    for spec in config.flag_state:
        for path in _files(config, spec):
            try:
                state = read_flag_state(path, spec.format, config.root, spec.environment)
            except FlagStateError as error:
                if spec.environment is not None and \
                        error.message.startswith(f"no environment \"{spec.environment}\""):
                    raise ConfigError(config.source or config.root, spec.line,
                                      f"{error.path}: {error.message}; fix `environment`"
                                      ) from None
                raise ConfigError(config.root / error.path, error.line,
                                  f"{error.message} (flag-state format \"{spec.format}\"; "
                                  f"export it again, or fix `format`)") from None
            states.append(state)
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            lines[state.path] = tuple(text.splitlines())
    return Services(tuple(states), tuple(_disagreements(states)), lines)


def _files(config: Config, spec: FlagStateSpec) -> list[Path]:
    if spec.is_glob:
        found = sorted(p for p in config.root.glob(spec.path) if p.is_file())
    else:
        single = config.root / spec.path
        found = [single] if single.is_file() else []
    if not found:
        raise ConfigError(config.source or config.root, spec.line,
                          f"flag-state path {spec.path!r} finds no file under {config.root}; "
                          f"export it there (docs/flag-state.md has the curl) or fix `path`")
    return found


def _disagreements(states: list[FlagState]) -> Iterator[Disagreement]:
    first: dict[str, ServiceFlag] = {}
    for state in states:
        for key, flag in state.flags.items():
            before = first.setdefault(key, flag)
            if before is flag:
                continue
            what = _differ(before, flag)
            if what:
                yield Disagreement(key, before, flag, what)


def _differ(one: ServiceFlag, two: ServiceFlag) -> str:
    def where(flag: ServiceFlag) -> str:
        return f"{flag.source} ({flag.path}:{flag.line})"

    if one.archived != two.archived:
        archived, active = (one, two) if one.archived else (two, one)
        return f"archived in {where(archived)} but active in {where(active)}"
    # Only an environment both name can disagree: one export a environment (production
    # here, staging there) is how a rollout looks. A document that names none ("default")
    # is no environment to compare.
    for name in sorted((set(one.environments) & set(two.environments)) - {"default"}):
        a, b = one.environments[name], two.environments[name]
        if a.settled and b.settled and a.value is not None and b.value is not None and \
                (type(a.value), a.value) != (type(b.value), b.value):
            return (f"served `{_shown(a.value)}` in {name} by {where(one)} but "
                    f"`{_shown(b.value)}` by {where(two)}")
    return ""


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# -- the registry and the environments they stand for ---------------------------------------


def with_services(registry: Registry, services: Services) -> Registry:
    """The registry with a declaration for each key only an export has (the first export
    that has it)."""
    if not services:
        return registry
    flags = dict(registry.flags)
    for state in services.states:
        for key, flag in state.flags.items():
            if key not in flags:
                flags[key] = _decl(flag, services.lines.get(flag.path, ()))
    return dataclasses.replace(registry, flags=flags, services=services.paths)


def _decl(flag: ServiceFlag, lines: tuple[str, ...]) -> FlagDecl:
    said = {"type": flag.type, "owner": flag.maintainer, "description": flag.description,
            "created": flag.created}
    return FlagDecl(key=flag.key, path=flag.path, line=flag.line,
                    span=_line_span(flag.line, lines),
                    status=Status.RETIRED if flag.archived else Status.ACTIVE,
                    retired=flag.archived_on if flag.archived else None,
                    type=flag.type, owner=flag.maintainer, description=flag.description,
                    created=flag.created,
                    fields=frozenset(name for name, value in said.items() if value is not None),
                    source=flag.source, stale=flag.stale, temporary=flag.temporary)


def _line_span(line: int, lines: tuple[str, ...]) -> Span:
    return Span.at_line(line, lines[line - 1].rstrip() if 0 < line <= len(lines) else "")


def with_environments(deployments: deploy.Deployments | None, services: Services
                      ) -> deploy.Deployments | None:
    """The deployment environments with each export's environments after them, each one
    host; archived flags and flags that serve the caller's own default are not set there.
    Exports' problems are the deployments' (FL001)."""
    if not services:
        return deployments
    from flaglint.sources import deploy

    environments = list(deployments.environments) if deployments is not None else []
    problems = list(deployments.problems) if deployments is not None else []
    sources = [state.source for state in services.states]
    for state in services.states:
        lines = services.lines.get(state.path, ())
        names = sorted({name for flag in state.flags.values() for name in flag.environments})
        # A document that names no environment is called after its service, and after its
        # file too when the service has several exports.
        unnamed = state.source if sources.count(state.source) == 1 else \
            f"{state.source} ({state.path})"
        for name in names:
            settings = []
            for flag in state.flags.values():
                served = flag.environments.get(name)
                if flag.archived or served is None or (served.settled and served.value is None):
                    continue
                settings.append(deploy.Setting(
                    flag.key, served.value if served.settled else None,
                    known=served.settled, path=state.path,
                    span=_line_span(served.line, lines), flags_only=True))
            shown = unnamed if name == "default" else f"{state.source}:{name}"
            spec = EnvironmentSpec(shown, state.path)
            host = deploy.Host(shown, state.path, tuple(settings), _line_span(1, lines))
            environments.append(deploy.Environment(spec, (host,)))
        problems += [deploy.Problem(p.path, p.line, p.column, p.message)
                     for p in state.problems]
    suppressions = dict(deployments.suppressions) if deployments is not None else {}
    for path, lines in services.lines.items():
        suppressions.setdefault(path, Suppressions.scan("\n".join(lines)))
    notes = deployments.notes if deployments is not None else ()
    return deploy.Deployments(tuple(environments), tuple(problems), notes, suppressions)
