from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from flaglint.analysis.deployed import Odd, Served, odd_hosts, same, served
from flaglint.analysis.lifecycle import Ending, ending
from flaglint.findings import Finding, Related, Severity, Span
from flaglint.links.model import FlagRead
from flaglint.model.project import Project
from flaglint.rules.base import Rule, format_value
from flaglint.sources.registry import FlagValue, Status


class ConfigDrift(Rule):
    """
    ## What it does
    Reports a line of a deployment config (`[tool.flaglint.environments]`) that:
    - sets a retired key, a key removed from the registry (git history says when), or a key
      no registry or definition declares (in a `flags` table, a flags file, or with the
      environment's `prefix`);
    - sets a rolled-out flag to another value than the one it was rolled out with;
    - puts a host of a group (an environment given by a glob, one file per host) in the
      minority: it sets another value than most hosts, sets a flag most hosts do not, or does
      not set one most hosts do (reported at the start of its settings).

    ## Why is this bad?
    This is the other half of Knight Capital's loss: of eight servers, seven got the new code
    and one did not; the reused flag woke the dead Power Peg code on that eighth server. A
    config that still sets a retired key keeps the old behaviour one deployment away, and a
    host that disagrees with the others serves different code than the team believes.

    ## Example
    ```toml
    [flags.smart_routing]
    status = "rolled-out"
    value = true

    [flags.power_peg]
    status = "retired"
    retired = 2003-06-01
    ```
    ```toml
    # pyproject.toml
    [tool.flaglint.environments]
    servers = "deploy/servers/*.toml"
    ```
    ```toml
    # deploy/servers/host8.toml (hosts 1 to 7 no longer set power_peg)
    [flags]
    smart_routing = true
    power_peg = true
    ```

    ## Use instead
    ```toml
    # deploy/servers/host8.toml
    [flags]
    smart_routing = true
    ```

    ## Fix safety
    No fix: decide which hosts are right, then make them agree.

    ## Options
    `[tool.flaglint.environments]` names the configs: `name = "path"` or a glob (a group of
    hosts), or a table `{ path, at, format, prefix, case }`. Each environment of a
    `[[tool.flaglint.flag-state]]` export is one more config; a key two exports describe
    differently (archived in one, or served another value to everyone) is reported at the
    second. With `--changed-since REF`, only config lines the change touched are reported.
    """

    code = "FL501"
    name = "config-drift"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Finding]:
        if project.deployments is None:
            return

        settings = served(project)
        # One finding a line: what is wrong with it, then what to do about the first wrong.
        problems: dict[_ConfigLine, list[_Problem]] = {}
        related: dict[_ConfigLine, tuple[Related, ...]] = {}
        endings: dict[str, Ending | None] = {}
        for item in settings:
            if item.key not in endings:
                endings[item.key] = ending(project, item.key)
            problem = self._lifecycle(project, item, endings[item.key])
            if problem is not None:
                line = _ConfigLine(item.setting.path, item.setting.span, item.key)
                problems.setdefault(line, []).append(problem)
        for environment in project.deployments.environments:
            for odd in odd_hosts(environment, settings):
                span = odd.setting.span if odd.setting is not None else odd.host.anchor
                line = _ConfigLine(odd.host.path, span, odd.key)
                known = problems.setdefault(line, [])
                known.append(_Problem(_minority(odd, environment.spec.name, again=bool(known)),
                                      "make the hosts agree"))
                agree = "does not set it" if odd.unset else \
                    f"sets {_shown(odd.majority)}"
                related[line] = tuple(
                    Related(host.path, host.span if not odd.unset else None,
                            f"a host in the majority: {agree}")
                    for host in odd.majority_hosts)
        for line in sorted(problems):
            found = problems[line]
            message = "; ".join(p.reason for p in found) + f"; {found[0].advice}"
            yield self.finding(line.key, line.path, line.span,
                               message[:1].upper() + message[1:],
                               related=related.get(line, ()))
        services = project.services
        for differ in services.disagreements:
            first, second = differ.first, differ.second
            yield self.finding(
                differ.key, second.path, services.span(second.path, second.line),
                f"Flag `{differ.key}` is {differ.what}: the flag services disagree on what "
                f"runs; make them agree (flaglint reads the flag as {first.source} "
                f"declares it)",
                related=(Related(first.path, services.span(first.path, first.line),
                                 f"`{differ.key}` in {first.source}"),))

    @staticmethod
    def _lifecycle(project: Project, item: Served, end: Ending | None) -> _Problem | None:

        key, setting = item.key, item.setting
        value = _shown(setting.value) if setting.known else _DEPLOY_TIME
        if end is not None and end.again is None:
            reads = [r for r in project.graph.reads_of(key) if not r.in_test]
            woken = (f"; the code that still reads it ({_places(reads)}) runs wherever this "
                     f"config is deployed") if reads else ""
            return _Problem(f"flag `{key}` {end.phrase()}, yet this config sets it to "
                            f"{value}{woken}", "delete the line")
        decl = project.registry.flags.get(key)
        if not item.declared and project.has_declarations:
            return _Problem(f"flag `{key}` is declared in no registry or definition, yet this "
                            f"config sets it to {value}",
                            "declare it, or delete the line if nothing reads it")
        if decl is not None and decl.status is Status.ROLLED_OUT and setting.known and \
                decl.value is not None and not same(setting.value, decl.value):
            return _Problem(f"flag `{key}` is rolled out with value "
                            f"`{format_value(decl.value)}`, but this config sets it to {value}: "
                            f"this environment still runs the code the rollout retired",
                            f"set it to `{format_value(decl.value)}` or delete the line")
        return None


class _ConfigLine(NamedTuple):
    """A line of a deployment config that sets (or, for a host, fails to set) a flag."""

    path: str
    span: Span
    key: str


@dataclass(frozen=True, slots=True)
class _Problem:
    """What is wrong with a config line, and what to do about it."""

    reason: str
    advice: str


def _minority(odd: Odd, group: str, *, again: bool) -> str:
    """Why this host is odd; `again`: the line was already said to set the flag."""
    where = f" ({odd.example.path}:{odd.example.span.line})" if odd.example is not None else ""
    of = f"{odd.agreeing} of {odd.hosts} hosts of `{group}`"
    flag = "it" if again else f"flag `{odd.key}`"
    if odd.setting is None:
        return (f"this host does not set flag `{odd.key}`, which {of} set to "
                f"{_shown(odd.majority)}{where}: it serves the reader's default instead")
    mine = _shown(odd.setting.value) if odd.setting.known else _DEPLOY_TIME
    if odd.unset:
        return f"this host sets {flag} to {mine}, which {of} do not set"
    return f"this host sets {flag} to {mine} where {of} set {_shown(odd.majority)}{where}"


_DEPLOY_TIME = "a value decided at deploy time"


def _shown(value: FlagValue | None) -> str:
    return f"`{format_value(value)}`" if value is not None else "an empty value"


def _places(reads: list[FlagRead]) -> str:
    shown = [f"{r.path}:{r.span.line}" for r in reads[:3]]
    more = f" and {len(reads) - 3} more" if len(reads) > 3 else ""
    return ", ".join(shown) + more
