"""Where a team's flag hygiene stands, from measured facts: the four stages Reactionary,
Repeatable, Reliable and Aspirational. Each stage is the previous one plus its criteria; the
team is at the highest stage whose criteria, and all before them, hold. The README lists
the criteria; the report says which hold, and the next three steps with their commands."""

from __future__ import annotations

from flaglint.audit.model import Audit, Criterion, FlagRow, Stage
from flaglint.model.project import Project
from flaglint.sources.history_model import EventKind

STAGES = ("Reactionary", "Repeatable", "Reliable", "Aspirational")


def _share(part: int, whole: int) -> str:
    return f"{part} of {whole}" + (f" ({100 * part // whole}%)" if whole else "")


def _at_least(part: int, whole: int, percent: int) -> bool:
    """`part` is at least `percent`% of `whole`; never on nothing (0 of 0 proves nothing)."""
    return whole > 0 and part * 100 >= whole * percent


def _at_most(part: int, whole: int, percent: int) -> bool:
    return whole > 0 and part * 100 <= whole * percent


def _checks_configured(project: Project) -> bool:
    """A pre-commit hook or a CI job runs flaglint."""
    root = project.config.root
    places = [root / ".pre-commit-config.yaml", root / ".gitlab-ci.yml"]
    workflows = root / ".github" / "workflows"
    if workflows.is_dir():
        places += sorted(workflows.glob("*.y*ml"))
    for place in places:
        try:
            if "flaglint" in place.read_text(encoding="utf-8", errors="replace"):
                return True
        except OSError:
            continue
    return False


def _live(rows: list[FlagRow]) -> list[FlagRow]:
    """The flags in use: an undeclared key that only tests read is no flag of the product
    (FL101 says nothing of it either: it is stale, read only in tests)."""
    return [r for r in rows if r.status in ("active", "rolled-out", "undeclared")
            and not (r.status == "undeclared" and not r.reads)]


def criteria(audit: Audit, project: Project) -> list[Criterion]:
    rows = audit.rows
    live = _live(rows)
    read = [r for r in live if r.reads or r.test_reads]
    declared = [r for r in read if r.declared]
    owned = [r for r in live if r.owner_source in ("registry", "CODEOWNERS")]
    typed = [r for r in live if r.type_source == "registry"]
    active = [r for r in rows if r.status == "active"]
    expired = [r for r in active if any(s.startswith("past its lifetime") for s in r.stale)]
    reused = sum(audit.totals.get(code, 0) for code in ("FL401", "FL404"))
    dead = audit.totals["dead_lines"]
    left = sum(not d.removable for d in audit.dead_code)
    drift = audit.totals.get("FL501", 0)
    added, removed = _flow(project, audit)
    return [
        # Definitions configured that declare no flag (prefect's `Setting(bool, …)`, keyed
        # by the name it is bound to) declare nothing
        Criterion("Repeatable", "a registry or code definitions declare the flags",
                  project.registry.declares or bool(project.linked.definitions),
                  "a registry" if project.registry.present else
                  "definitions in code" if project.linked.definitions else
                  "definitions configured, none found in the code"
                  if project.config.definitions else "none"),
        Criterion("Repeatable", "at least 90% of the keys read are declared",
                  _at_least(len(declared), len(read), 90), _share(len(declared), len(read))),
        Criterion("Repeatable", "at least 90% of live flags have an owner (registry or "
                  "CODEOWNERS)", _at_least(len(owned), len(live), 90),
                  _share(len(owned), len(live))),
        Criterion("Reliable", "every live flag has a declared type, so it has a lifetime",
                  _at_least(len(typed), len(live), 100), _share(len(typed), len(live))),
        Criterion("Reliable", "at most 20% of active flags are past their lifetime",
                  _at_most(len(expired), len(active), 20), _share(len(expired), len(active))),
        Criterion("Reliable", "no retired or removed key is read or used again (FL401, "
                  "FL404)", reused == 0, f"{reused} finding{'s' if reused != 1 else ''}"),
        Criterion("Reliable", "a pre-commit hook or CI job runs flaglint",
                  _checks_configured(project), "found" if _checks_configured(project)
                  else "not found in .pre-commit-config.yaml, .github/workflows or "
                  ".gitlab-ci.yml"),
        Criterion("Aspirational", "no dead code behind settled flags (FL301, FL302)",
                  not audit.dead_code, f"{dead} line{'s' if dead != 1 else ''}" + (
                      f", and {left} part{'s' if left != 1 else ''} no fix removes"
                      if left else "")),
        Criterion("Aspirational", "at most 5% of flags are stale",
                  _at_most(sum(r.is_stale for r in rows), len(rows), 5),
                  _share(sum(r.is_stale for r in rows), len(rows))),
        Criterion("Aspirational", "flags are removed as fast as they are added (last 6 "
                  "months)", audit.history and removed >= added and (
                      removed > 0 or not any(r.is_stale for r in rows)),
                  f"{added} added, {removed} removed" if audit.history else
                  "no git history"),
        Criterion("Aspirational", "deployment configs are checked and agree (FL501)",
                  audit.deployments and drift == 0,
                  f"{drift} FL501 findings" if audit.deployments else
                  "no [tool.flaglint.environments]"),
    ]


def _flow(project: Project, audit: Audit) -> tuple[int, int]:
    """Flags declared and removed or retired in the last six months (git): a key counts
    once when the registry and a definition in code both declare it (mlflow: 33 added for
    30 flags), added when the first of them declares it (or a tombstone comes back to
    life), removed when the last lets it go. The events are in the history's order."""

    if project.history is None:
        return 0, 0
    until = audit.today.toordinal()
    since = until - 183
    added = removed = 0
    for history in project.history.keys.values():
        declaring: set[bool] = set()  # in code, in the registry: which declare the key now
        for event in history.events:
            was = bool(declaring)
            if event.kind in (EventKind.DECLARED, EventKind.REVIVED):
                declaring.add(event.in_code)
            elif event.kind in (EventKind.REMOVED, EventKind.RETIRED):
                declaring.discard(event.in_code)
            if since <= event.commit.date.toordinal() <= until:  # not after `--today`
                added += not was and bool(declaring)
                removed += was and not declaring
    return added, removed


def stage(audit: Audit, project: Project) -> Stage:
    if not audit.rows:  # nothing to judge: no stage, and how to show flaglint the flags
        return Stage("", [], [
            "No flag found: flaglint reads the SDKs it has presets for, and a project's own "
            "flag functions once it knows them. Run `flaglint init`, which looks for them "
            "and writes what it finds to `flaglint.toml`, or name them yourself: "
            "`[[tool.flaglint.readers]]` with `call = \"app.flags.is_enabled\"` and "
            "`key = 0` (see the README's configuration)"])
    found = criteria(audit, project)
    reached = STAGES[0]
    for name in STAGES[1:]:
        if all(c.met for c in found if STAGES.index(c.stage) <= STAGES.index(name)):
            reached = name
        else:
            break
    return Stage(reached, found, _steps(audit, found, project))


def _steps(audit: Audit, found: list[Criterion], project: Project) -> list[str]:
    """The next three steps: the unmet criteria of the lowest stages first, each with the
    command that takes it."""
    dead: dict[str, int] = {}  # each key's dead lines, as its first row says
    for row in audit.rows:
        if row.dead_lines and row.key not in project.two_lives:  # never advise cleaning a reuse
            dead.setdefault(row.key, row.dead_lines)
    settled = sorted(dead, key=lambda k: (-dead[k], k))  # the largest first; ties by key
    clean = _clean_command(project, settled)
    stale = [r.key for r in audit.rows if r.is_stale]
    # the criterion's: active flags past their lifetime (a rolled-out one is no longer active)
    expired = [r.key for r in audit.rows if r.status == "active"
               and any(s.startswith("past its lifetime") for s in r.stale)]
    registry = project.registry.present
    live = _live(audit.rows)
    undeclared = [r.key for r in live if not r.declared]
    unowned = [r for r in live if r.owner_source not in ("registry", "CODEOWNERS")]
    untyped = [r for r in live if r.type_source != "registry"]

    def in_registry(found: list[FlagRow]) -> bool:  # FL103 lists registry entries alone
        return registry and any("registry" in r.declared.split("+") for r in found)
    commands = {
        "a registry or code definitions declare the flags":
            "Write a registry from what the code shows: `flaglint init` (then review "
            "`flags.toml`)",
        "at least 90% of the keys read are declared":
            f"Declare the undeclared keys ({_keys(undeclared)}): `flaglint check --select "
            "FL101` says where each is read; then add them to `flags.toml`",
        "at least 90% of live flags have an owner (registry or CODEOWNERS)":
            f"Give every flag an owner ({_keys([r.key for r in unowned])}): `owner = "
            "\"team\"` in `flags.toml`, or a CODEOWNERS file for the code that reads it" + (
                " (`flaglint check --select FL103` lists the registry's entries without one)"
                if in_registry(unowned) else ""),
        "every live flag has a declared type, so it has a lifetime":
            f"Declare the type of each flag ({_keys([r.key for r in untyped])}) in "
            "`flags.toml` (release, experiment, operational, kill-switch, permission)" + (
                ": `flaglint check --select FL103` lists the registry's entries without one"
                if in_registry(untyped) else "" if registry else
                ": `flaglint init` writes a registry with guessed types to review"),
        "at most 20% of active flags are past their lifetime":
            f"Roll out or remove the expired flags ({_keys(expired)}): "
            "`flaglint check --select FL201`",
        "no retired or removed key is read or used again (FL401, FL404)": _reuse_step(audit),
        "a pre-commit hook or CI job runs flaglint":
            "Run flaglint on every change: add the pre-commit hook (`id: flaglint`) or the "
            "GitHub action, with `flaglint check --write-baseline .flaglint-baseline.json` "
            "to start from today",
        "no dead code behind settled flags (FL301, FL302)":
            "Remove the dead code of settled flags: " + (
                f"`{clean}` shows the cleanup of the largest" if clean else
                "`flaglint check --fix`"),
        "at most 5% of flags are stale":
            f"Clean up the stale flags ({_keys(stale)}): the flags' `stale` column says why "
            "each is stale",
        "flags are removed as fast as they are added (last 6 months)":
            "Remove a settled flag for every new one" + (
                f": `{clean}` shows one" if clean else
                " (the flags' `stale` column says which are stale, and why)"),
        "deployment configs are checked and agree (FL501)":
            "Fix the drift between deployment configs: `flaglint check --select FL203,FL501`"
            if audit.deployments else "Point `[tool.flaglint.environments]` at the "
            "deployment configs (each environment's file, or a glob of hosts), so that "
            "FL203 and FL501 compare them",
    }
    # A share of nothing is unmet ("0 of 0"), but a step naming no key says nothing to do
    nothing = {"at least 90% of the keys read are declared": not undeclared,
               "at least 90% of live flags have an owner (registry or CODEOWNERS)": not unowned,
               "every live flag has a declared type, so it has a lifetime": not untyped,
               "at most 20% of active flags are past their lifetime": not expired}
    unmet = sorted((c for c in found if not c.met and not nothing.get(c.text, False)),
                   key=lambda c: STAGES.index(c.stage))
    if not project.has_declarations:
        # The rules about declarations, types and reuse say nothing before there are
        # declarations: `flaglint init` (the first criterion's step) writes them.
        waiting = ("keys read are declared", "have an owner", "declared type",
                   "past their lifetime", "used again")
        unmet = [c for c in unmet if not any(words in c.text for words in waiting)]
    return [commands[c.text] for c in unmet[:3]]


def _reuse_step(audit: Audit) -> str:
    """What to do of the reads of ended keys: a key used again (FL401) needs a new name; a
    key whose reads were only left behind (FL404 alone) needs those reads deleted, which
    `clean` does (wagtail's one left-over read was told to "give reused keys a new name")."""
    reused = [r.key for r in audit.rows if r.findings.get("FL401")]
    left = [r.key for r in audit.rows if r.findings.get("FL404") and r.key not in reused]
    steps = []
    if reused:
        steps.append(f"Give the keys used again a new name and delete the old readers "
                     f"({_keys(reused)}): `flaglint check --select FL401,FL404`")
    if left:
        steps.append(f"Delete the reads left over of retired or removed keys ({_keys(left)}): "
                     f"`flaglint check --select FL404` lists them, and `flaglint clean KEY "
                     f"--value V` deletes a key's reads and the code they make dead (`V`: "
                     f"what the reads yield now, their default)")
    return "; ".join(steps)


def _keys(found: list[str]) -> str:
    return ", ".join(found[:3]) + (", …" if len(found) > 3 else "")


def _clean_command(project: Project, keys: list[str]) -> str:
    """`flaglint clean KEY --value V --dry-run` for the first of these flags whose value
    is known (its registry's, or every deployment config's)."""
    from flaglint.rules.base import format_value
    from flaglint.rules.fl203_settled_in_config import served_everywhere

    served = served_everywhere(project, keys) if project.deployments is not None else {}
    for key in keys:
        decl = project.registry.flags.get(key)
        value = decl.value if decl is not None and decl.value is not None else served.get(key)
        if value is None and decl is not None and decl.status.value == "retired":
            value = False
        if value is not None:
            shown = format_value(value).strip('"')
            return f"flaglint clean {key} --value {shown} --dry-run"
    return ""
