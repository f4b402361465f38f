"""`flaglint init`: a registry and a configuration written from what the code, git and the
deployment configs show, so that a legacy project starts with every flag declared. Nothing
that exists is overwritten: an existing registry makes init refuse, an existing configuration
is left alone (init prints what it would add). A registry written beside existing ones
(`--registry FILE`) adds to them: it declares only the keys no registry declares, and the
configuration lists every registry."""

from __future__ import annotations

import json
import os
from pathlib import Path

from flaglint.audit.model import Audit, FlagRow
from flaglint.config import Config
from flaglint.links.flag_api import Evidence, is_member
from flaglint.model.project import Project
from flaglint.rules.base import format_value
from flaglint.rules.fl101_undefined_flag import typo_of, value_setting
from flaglint.rules.fl203_settled_in_config import served_everywhere
from flaglint.tomlsource import flag_table


def _entry(row: FlagRow, settled: object | None) -> str:
    lines = [flag_table(row.key)]
    lines.append(f'type = "{row.type}"' + ("" if row.type_source == "registry" else
                                          "  # guessed from the name: check it"))
    if row.owner:
        source = {"CODEOWNERS": "  # from CODEOWNERS", "git": "  # its main git author"}
        lines.append(f"owner = {json.dumps(row.owner)}{source.get(row.owner_source, '')}")
    if row.created is not None:
        lines.append(f"created = {row.created.isoformat()}" + (
            "  # first seen in git" if row.created_source == "git" else ""))
    if settled is False:  # off everywhere is not rolled out: its code never runs
        lines.append(f"# off in every deployment config, so the code it guards never runs: "
                     f"`flaglint clean {row.key} --value false` removes it")
    elif settled is not None:
        lines.append('status = "rolled-out"  # every deployment config serves this value')
        lines.append(f"value = {format_value(settled)}")
    return "\n".join(lines)


def registry_text(audit: Audit, project: Project) -> str:

    # A key only tests read is no flag of the product (`is_feature_enabled("not an enum")`
    # in a negative test): init does not register it.
    # A key an existing registry declares stays there: declared twice, it is an error.
    # A flag service's flag is the service's to declare.
    services = {state.source for state in project.services.states}
    rows = [r for r in audit.rows if "registry" not in r.declared and not services & set(
        r.declared.split("+")) and (r.status == "active" or (
        r.status == "undeclared" and any(not read.in_test
                                         for read in project.graph.reads_of(r.key))))]
    # An undeclared key one or two edits from a declared one is a typo (FL101 says which):
    # registered, it would hide the typo.
    declared = sorted(project.records)
    typos = {r.key: hint for r in rows if r.status == "undeclared"
             and (hint := typo_of(r.key, declared)) is not None}
    rows = [r for r in rows if r.key not in typos]
    # A setting read only with a value for its default (`getattr(settings, "X", 500)`) holds
    # a value, not a flag (pretix's): not in the audit, nor reported by FL101; said here
    values = {key: default for key in project.graph.flags() if key not in project.records
              and (default := value_setting(project.graph.reads_of(key))) is not None}
    settled = served_everywhere(project, [r.key for r in rows if r.type not in (
        "kill-switch", "permission")])
    header = ("# The flag registry, written by `flaglint init` from the code, git history "
              "and deployment configs.\n# Review the guessed types and owners, and add a "
              "`description` to each flag.\n")
    notes = "".join(f"# Not registered: `{key}` reads like a typo of `{hint}`.\n"
                    for key, hint in sorted(typos.items()))
    notes += "".join(f"# Not registered: `{key}` is a setting read with a default of "
                     f"{default}: a value, not a flag.\n"
                     for key, default in sorted(values.items()))
    body = "\n\n".join(_entry(r, settled.get(r.key)) for r in rows)
    return header + notes + ("\n" + body + "\n" if rows else "")


def registries(config: Config, new: Path) -> list[Path]:
    """The registry files once init has written `new`: every configured one, or the default
    one where it exists, then `new`. Init adds a registry; it never drops one, whose flags
    would all become undeclared."""
    kept = [_normal(config.root / name) for name in config.registry
            if config.registry_configured or (config.root / name).is_file()]
    new = _normal(new)
    return kept if new in kept else [*kept, new]


def is_read(config: Config, path: Path) -> bool:
    """Whether checks read `path` as a registry as the configuration stands (the default one
    once it exists)."""
    return _normal(path) in {_normal(config.root / name) for name in config.registry}


def _normal(path: Path) -> Path:
    """`path` absolute, without `.` or `..`, its links kept: as the configuration names it."""
    return Path(os.path.normpath(path.absolute()))


def registry_line(paths: list[Path], folder: Path) -> str:
    """`registry = [...]` for a configuration in `folder`, which reads relative paths from
    there."""
    return f"registry = [{', '.join(json.dumps(_spelled(p, folder)) for p in paths)}]"


def _spelled(path: Path, folder: Path) -> str:
    """`path` relative to `folder` where it lies below it, else as it is."""
    try:
        return path.relative_to(_normal(folder)).as_posix()
    except ValueError:
        return str(path)


def config_text(project: Project, registry: list[Path]) -> str:
    """flaglint.toml at the project's root, listing `registry`."""
    lines = ["# flaglint's configuration (as [tool.flaglint] in pyproject.toml would hold it),",
             "# written by `flaglint init`.", registry_line(registry, project.config.root)]
    presets = project.linked.presets
    config = project.config
    if presets or config.readers or config.definitions:
        lines.append(f"presets = [{', '.join(json.dumps(p) for p in presets)}]")
    else:  # `presets = []` would keep a later run from finding any (wagtail's trial)
        lines.append("# presets: none found; left unset, so a later run uses those of the SDKs "
                     "the code imports, and Django settings named like flags")
    evidence = {spec: found for spec, found in (*project.flag_api.readers,
                                                *project.flag_api.definitions)}
    for spec in config.readers:
        lines += ["", "[[readers]]" + _evidence(evidence.get(spec), "reads"),
                  f"call = {json.dumps(spec.call)}",
                  f"key = {_argument(spec.key, spec.key_name, both=spec.any_receiver)}"]
        if spec.default is not None or spec.default_name is not None:
            lines.append(f"default = "
                         f"{_argument(spec.default, spec.default_name, both=spec.any_receiver)}")
        if spec.writes:
            lines.append("writes = true")
    for definition in config.definitions:
        lines += ["", "[[definitions]]" + _evidence(evidence.get(definition), "flags")]
        if definition.class_ is not None:
            lines.append(f"class = {json.dumps(definition.class_)}")
        else:
            lines.append(f"call = {json.dumps(definition.call)}")
            lines.append(f"key = {_argument(definition.key, definition.key_name)}")
            if definition.reads:
                lines.append(f"reads = {json.dumps(list(definition.reads))}")
            if definition.attributes:
                lines.append(f"attributes = {json.dumps(list(definition.attributes))}")
    for state in config.flag_state:
        lines += ["", "[[flag-state]]", f"format = {json.dumps(state.format)}",
                  f"path = {json.dumps(state.path)}"]
        if state.environment is not None:
            lines.append(f"environment = {json.dumps(state.environment)}")
    if project.flag_api.undecided:
        lines += ["", "# Found, but not decided (name them above if they read flags):"]
        lines += [f"# - {line}" for line in project.flag_api.undecided]
    for found in flag_classes(project):
        lines += ["", "[[definitions]]  # its members are the keys the code reads",
                  f"class = {json.dumps(found)}"]
    return "\n".join(lines) + "\n"


def flag_classes(project: Project) -> list[str]:
    """Classes (Enums, constant holders) whose members the code outside the tests passes as
    flag keys (`client.is_enabled(Flags.NEW_UI.value)`) and that no definition names yet:
    each is a `[[definitions]] class = …` worth writing. Every string member of such a class
    is a key, so a member passed must be named as keys are (`NEW_UI`): an object that
    describes one flag (ReviewBoard's `feature_id`, beside its `name` and `summary`) is no
    class of keys."""
    configured = {spec.class_ for spec in project.config.definitions if spec.class_}
    classes = {d.qualname for f in project.files for d in f.definitions if d.kind == "class"}
    found: set[str] = set()
    for read in project.linked.reads:
        facts = project.facts_of(read.path)
        if read.key is None or facts is None or not 0 <= read.call < len(facts.calls) or \
                project.is_test(read.path):
            continue
        for arg in facts.calls[read.call].args:
            owner, _, member = arg.value.text.removesuffix(".value").rpartition(".")
            if arg.value.kind.value == "name" and owner in classes and \
                    owner not in configured and is_member(member):
                found.add(owner)
    return sorted(found)


def _evidence(found: Evidence | None, what: str) -> str:
    """`  # found: app/flags.py:12, 14 reads (FeatureFlag.X, …)` for a discovered entry."""
    if found is None:
        return ""
    examples = ", ".join(found.examples)
    counted = f"{found.calls} {what}" if what == "reads" else f"{found.calls} uses"
    return f"  # found: {found.where}, {counted}" + (f" ({examples})" if examples else "")


def _argument(position: int | None, name: str | None, *, both: bool = True) -> str:
    """An argument as the configuration names it: `1`, `"name"`, or both, `[1, "name"]`
    (not `both`: the position, when there is one; a reader of a function the project
    defines takes its arguments by keyword too, from its parameters' names)."""
    if position is not None and name is not None and both:
        return json.dumps([position, name])
    return json.dumps(position if position is not None else name)
