"""docs/configuration.md, made from the configuration's own definition (keys.py) and the
presets' call shapes (presets.py), so that the page cannot say what the code does not do.
`python -m flaglint.docs` writes it; a test fails when it is stale."""

from __future__ import annotations

from flaglint.config.keys import TABLES, Key, Table
from flaglint.presets import OPT_IN, PRESET_MODULES, PRESETS, SETTINGS, SETTINGS_FLAGS, ReaderSpec

# A configuration that uses every table; a test reads it as flaglint does.
EXAMPLE = """\
[tool.flaglint]
registry = ["flags.toml"]
src = ["."]
exclude = ["migrations/**"]
presets = ["unleash"]
tests = ["tests/**", "**/test_*.py"]
require = ["owner", "type"]
ignore = ["FL104"]
target-version = "py312"

[tool.flaglint.lifetimes]
operational = 14

[[tool.flaglint.readers]]          # the project's own flag API
call = "myapp.flags.is_on"
key = 0
default = 1

[[tool.flaglint.definitions]]      # flags defined by a call: edX's WaffleFlag
call = "*.WaffleFlag"
key = 0
reads = ["is_enabled"]

[[tool.flaglint.definitions]]      # every string member of this Enum is a flag
class = "myapp.flags.Flags"

[[tool.flaglint.definitions]]      # flag objects: x_holder = bool_state(name="jax_x")
call = "jax._src.config.bool_state"
key = [0, "name"]
attributes = ["value"]
call_reads = true
prefix = "jax_"

[tool.flaglint.environments]
prod = "deploy/prod.env"
servers = "deploy/servers/*.toml"
k8s = { path = "k8s/prod/configmap.yaml", at = "data" }
ecs = { path = "cd/task.json", at = "containerDefinitions[*].environment", prefix = "FF_" }
"""


def render() -> str:
    parts = ["# Configuration reference\n",
             "<!-- Made from flaglint/config/keys.py and flaglint/presets.py by `python -m "
             "flaglint.docs`; a test fails when it is stale. Edit those, then run it. -->\n",
             "Every key flaglint reads, with what it takes, its default and what it does. "
             "The [README](../README.md) shows where to start; the registry's own format "
             "(`flags.toml`) is in [DESIGN.md](DESIGN.md).\n",
             "```toml\n" + EXAMPLE + "```\n"]
    parts += [_table(table) for table in TABLES]
    parts.append("## Presets\n\n" + PRESETS_INTRO + "\n\n" + preset_table() + "\n")
    return "\n".join(parts)


def _table(table: Table) -> str:
    rows = ["| key | takes | default | what it does |", "|---|---|---|---|"]
    rows += [_row(key) for key in table.keys]
    return f"## `{table.heading}`\n\n{table.intro}\n\n" + "\n".join(rows) + "\n"


def _row(key: Key) -> str:
    default = key.default if key.default.startswith("(") or not key.default \
        else f"`{key.default}`"
    cells = (f"`{key.name}`", key.takes, default, key.meaning)
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


PRESETS_INTRO = (
    "The call shapes of the flag SDKs flaglint knows. A method is matched on any receiver "
    "(`client.variation(...)`, `self.ld.variation(...)`); the key and the default may be "
    "passed by position, as shown, or by the keyword the SDK names them. Unless `presets` is "
    "set, a preset is on where the project imports its SDK's module. Test overrides set a "
    "flag: the reads they enclose are not settled, and they declare nothing.")


def preset_table() -> str:
    """The presets and their call shapes, as the README and docs/configuration.md show
    them."""
    rows = ["| preset | on where the code imports | reads | test overrides |",
            "|---|---|---|---|"]
    for name, specs in PRESETS.items():
        modules = ", ".join(f"`{module}`" for module in PRESET_MODULES.get(name, ()))
        if name in OPT_IN:
            modules = ("(when `presets` names it, or, with no flag API configured, when "
                       "discovery finds settings named like flags)")
        reads = _shapes([spec for spec in specs if not spec.writes])
        if not specs and name == "django-settings":
            names = ", ".join(f"`{pattern}`" for pattern in SETTINGS_FLAGS)
            reads = (f"`settings.FEATURE_X`, `getattr(settings, \"FEATURE_X\", default)` of "
                     f"`{SETTINGS}`, for setting names like {names}, but for those a "
                     f"settings module binds to text, a number, a collection or a call "
                     f"whose default is one, and never to a boolean (`FEATURE_FLAGS_FILE = "
                     f"get_env(\"X\", \"flags.json\")`: a value)")
        writes = _shapes([spec for spec in specs if spec.writes]) or "—"
        if not specs and name == "django-settings":
            writes = "`override_settings` `(FEATURE_X=…)`, as a decorator or a `with`"
        rows.append(f"| `{name}` | {modules} | {reads} | {writes} |")
    return "\n".join(rows)


def _shapes(specs: list[ReaderSpec]) -> str:
    """Methods of one call shape together: "`is_on`, `is_off` `(key)`"."""
    groups: list[tuple[tuple[str, bool], list[str]]] = []
    for spec in specs:
        shape = (_shape(spec), spec.negate_prefix)
        method = f"@{spec.method}" if spec.negate_prefix else spec.method
        if groups and groups[-1][0] == shape:
            groups[-1][1].append(method)
        else:
            groups.append((shape, [method]))
    return "; ".join(", ".join(f"`{method}`" for method in methods) + f" `{shape}`"
                     + (" (`\"!key\"` negates)" if negates else "")
                     for (shape, negates), methods in groups)


def _shape(spec: ReaderSpec) -> str:
    """The arguments as the call is written: `(key, …, default)`."""
    slots = {spec.key: "key"} if spec.key is not None else {}
    if spec.default is not None:
        slots[spec.default] = "default"
    return f"({', '.join(slots.get(i, '…') for i in range(max(slots, default=-1) + 1))})"
