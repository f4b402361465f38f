from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator

from flaglint.analysis import deadcode
from flaglint.analysis.deadcode import python_value, set_as_run
from flaglint.analysis.deployed import Served, same, served
from flaglint.findings import Finding, Severity
from flaglint.model.dead import DeadCode
from flaglint.model.project import FlagRecord, Project
from flaglint.rules.base import Rule, format_value
from flaglint.sources.registry import FlagValue, Status


class SettledInConfig(Rule):
    """
    ## What it does
    Reports an active flag that every configured deployment config
    (`[tool.flaglint.environments]`) serves with the same value, at its declaration. An
    environment that does not set the flag serves the reads' own default there (when all
    reads agree on one); a value decided elsewhere (`${VAR}`, a Helm template) settles
    nothing. Flags of a type that never expires (kill switches and permissions, by default)
    are meant to stay and are not reported. The message says the value, the environments,
    and what `flaglint clean KEY --value V` would remove. A flag nothing reads is left to
    FL102.

    ## Why is this bad?
    A flag that is on everywhere is rolled out in all but name: its other branch is dead
    code that nobody reviews, that a new environment or a mistyped config line brings back,
    and that makes the flag look live to everyone reading the code. Most flags that teams
    remove were in this state for months first.

    ## Example
    ```toml
    [flags.new_checkout]
    type = "release"
    owner = "payments"
    ```
    ```toml
    # pyproject.toml
    [tool.flaglint.environments]
    prod = { path = "deploy/prod.env", case = "upper" }
    staging = { path = "deploy/staging.env", case = "upper" }
    ```
    ```sh
    # deploy/prod.env, deploy/staging.env
    NEW_CHECKOUT=true
    ```
    ```python
    if client.is_enabled("new_checkout"):
        checkout_v2(cart)
    else:
        checkout_v1(cart)
    ```

    ## Use instead
    Remove the flag: `flaglint clean new_checkout --value true`, then delete its config
    lines. Or, to keep it a while longer, say so in the registry:
    ```toml
    [flags.new_checkout]
    status = "rolled-out"
    value = true
    ```

    ## Fix safety
    No fix: whether the flag may go is the team's decision; `flaglint clean` makes the change.

    ## Options
    `[tool.flaglint.environments]` names the configs, and every environment of a
    `[[tool.flaglint.flag-state]]` export counts as one (a rollout below 100% or any
    targeting settles nothing); `[tool.flaglint.lifetimes]` decides which types never expire.
    With `--changed-since REF`, reported when the change touched a config line or the
    registry entry of the flag.
    """

    code = "FL203"
    name = "settled-in-config"
    severity = Severity.INFO
    by_flag_in_diff = True

    def check(self, project: Project) -> Iterator[Finding]:
        deployments = project.deployments
        if deployments is None:
            return
        # A flag nothing reads has no code to clean: FL102 says what to do with it.
        keys = [k for k, r in project.records.items()
                if self.may_settle(project, r) and project.graph.reads_of(k)]
        for key, value in served_everywhere(project, keys).items():
            record = project.records[key]
            names = []
            for environment in deployments.environments:
                count = len(environment.hosts)
                names.append(f"{environment.spec.name}" + (f": {count} hosts"
                                                           if environment.spec.is_glob else ""))
            path, span = record.location
            state = "it is off everywhere, so the code it guards never runs" \
                if value is False else "it is rolled out in all but name"
            lives = project.two_lives.get(key)
            step = _cleaning(project, key, value) if lives is None else (
                f"no cleanup is advised: `{key}` has two lives ({lives}), and settling it "
                f"would settle both; give the new meaning a new key first")
            where = "environment" if project.services else "deployment config"
            yield self.finding(key, path, span,
                               f"Flag `{key}` is `{format_value(value)}` in every {where} "
                               f"({', '.join(names)}): {state}; {step}")

    @staticmethod
    def may_settle(project: Project, record: FlagRecord) -> bool:
        """An active flag of a type that expires (not a kill switch or a permission, nor a
        flag its flag service keeps as permanent)."""
        if record.status is not Status.ACTIVE or record.key in set_as_run(project.linked):
            return False  # (a flag the program sets as it runs is settled by no config)
        if record.decl is not None and record.decl.temporary is False:
            return False
        kind = record.decl.type if record.decl is not None else None
        return kind is None or project.config.lifetimes.get(kind, 0) is not None

    @staticmethod
    def _everywhere(project: Project, key: str, settings: dict[tuple[str, str], Served]
                    ) -> tuple[FlagValue] | None:
        """The one value every host serves, or None."""

        defaults = {python_value(r.default) for r in project.graph.reads_of(key)}
        default = next(iter(defaults)) if len(defaults) == 1 else (False, None)
        assert project.deployments is not None
        values: list[FlagValue | None] = []
        for environment in project.deployments.environments:
            for host in environment.hosts:
                item = settings.get((environment.spec.name, host.path))
                if item is not None and not item.setting.known:
                    return None
                if item is None and not default[0]:
                    return None
                values.append(item.setting.value if item is not None else default[1])
        first = values[0]
        if first is None or not all(v is not None and same(v, first) for v in values):
            return None
        return (first,)


def served_everywhere(project: Project, keys: Iterable[str]) -> dict[str, FlagValue]:
    """The keys every configured deployment config serves with one value, and that value."""
    deployments = project.deployments
    if deployments is None or not any(True for _ in deployments.hosts()) or \
            any(e.unreadable for e in deployments.environments):
        return {}  # a config that cannot be read may serve anything
    by_key: dict[str, dict[tuple[str, str], Served]] = {}
    for item in served(project):
        by_key.setdefault(item.key, {})[(item.host.environment, item.host.path)] = item
    found = {}
    for key in keys:
        if key in by_key:
            value = SettledInConfig._everywhere(project, key, by_key[key])
            if value is not None:
                found[key] = value[0]
    return found


def _cleaning(project: Project, key: str, value: FlagValue) -> str:
    """What `flaglint clean KEY --value V` would do, counted on a dead-code pass with the
    flag pinned to that value."""

    dead = pinned_dead(project, key, value)
    regions = [r for r in dead.regions if r.settled.key == key]
    lines = sum(r.span.end_line - r.span.line + 1 for r in regions)
    symbols = [s for s in dead.symbols if s.settled.key == key]
    reads = len(project.graph.reads_of(key))
    argument = format_value(value).strip('"')
    parts = [f"settle {reads} read{'s' if reads != 1 else ''}"]
    if regions:
        parts.append(f"remove {len(regions)} dead branch{'es' if len(regions) != 1 else ''} "
                     f"({lines} line{'s' if lines != 1 else ''})")
    if symbols:
        parts.append(f"{len(symbols)} dead helper{'s' if len(symbols) != 1 else ''}")
    done = f"`flaglint clean {key} --value {argument}` would {' and '.join(parts)}"
    decl = project.registry.flags.get(key)
    if decl is not None and not decl.from_registry:
        return f"{done}, then archive it in {decl.source}"
    return f"{done}; or mark it `status = \"rolled-out\"` with `value = {format_value(value)}`"


def pinned_dead(project: Project, key: str, value: FlagValue) -> DeadCode:
    """The dead code of one flag pinned to a value: what `flaglint clean` would remove."""
    dead = deadcode.analyze(project.files, project.linked, project.graph, {}, {key: value},
                            set(project.removed))
    return dataclasses.replace(
        dead, regions=tuple(r for r in dead.regions if r.settled.key == key),
        symbols=tuple(s for s in dead.symbols if s.settled.key == key))
