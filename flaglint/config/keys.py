"""Every configuration key: its name, what it takes, its default and what it means. This is
the one list: table.py accepts exactly these keys, and docs/configuration.md is written
from it (`python -m flaglint.docs`; a test fails when the page is stale)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from flaglint.config.model import (
    DEFAULT_EXCLUDE,
    DEFAULT_LIFETIMES,
    DEFAULT_TESTS,
    ENV_FORMATS,
    FLAG_STATE_FORMATS,
    FLAG_TYPES,
    INI_INLINE_COMMENTS,
    NEWEST_PYTHON,
    REGISTRY_FIELDS,
    Config,
)


@dataclass(frozen=True, slots=True)
class Key:
    """One configuration key. `default` is TOML, or words in parentheses; `meaning` is
    Markdown."""

    name: str
    takes: str
    default: str
    meaning: str


@dataclass(frozen=True, slots=True)
class Table:
    """The keys of one table: the top level, or each entry of an array of tables."""

    heading: str  # as written in pyproject.toml
    intro: str
    keys: tuple[Key, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(key.name for key in self.keys)


def toml(value: object) -> str:
    """A default as TOML writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(toml(item) for item in value) + "]"
    return str(value)


def _default(name: str) -> str:
    """A Config field's default, as TOML."""
    field = next(f for f in dataclasses.fields(Config) if f.name == name)
    return toml(field.default)


def _code(values: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f"`{value}`" for value in values)


_LIFETIMES = ", ".join(f"`{name}` {days if days is not None else 'never expires'}"
                       for name, days in DEFAULT_LIFETIMES.items())

TOP = Table("[tool.flaglint]", (
    "In `pyproject.toml`, or at the top level of a `flaglint.toml` (as in `ruff.toml`), found "
    "by walking up from the first checked path, or given with `--config FILE`. Paths are "
    "relative to the configuration's folder. Globs are gitignore-like: `*` stays within a "
    "folder, `**` crosses folders, a pattern matches at any depth unless it starts with `/`, "
    "and a pattern that matches a folder takes everything in it. An unknown key, a value of "
    "the wrong type or an unknown name is an error (exit 2) that names the file, the line "
    "and the key."), (
    Key("registry", "list of paths", _default("registry"),
        "The flag registries (`[flags.KEY]` tables). The default one may be missing; a "
        "registry named here must exist."),
    Key("src", "list of paths", _default("src"),
        "The folders (or files) whose Python files are read."),
    Key("exclude", "list of globs", "[]",
        f"Paths never read, besides the built-in ones ({_code(DEFAULT_EXCLUDE)}) and, in a "
        f"git repository, the files git ignores."),
    Key("presets", "list of preset names", "(every preset whose SDK the project imports)",
        "The SDK call shapes that read flags (see Presets below). Unset, a preset is on where "
        "its SDK's module is imported somewhere in the project; named here, it is on "
        "everywhere; `[]` leaves only the project's own `readers`. `django-settings` is on "
        "only when named."),
    Key("tests", "list of globs", toml(DEFAULT_TESTS),
        "Test code: reads there alone do not keep a flag alive (FL102), `--fix` leaves it "
        "alone unless `--fix-tests`, and `clean` edits it (unless `--no-tests`)."),
    Key("lifetimes", "table of type = days", "(see `[tool.flaglint.lifetimes]`)",
        "How many days a flag of each type lives after `created` before FL201 calls it "
        "expired."),
    Key("readers", "array of tables", "[]",
        "The project's own flag API: calls that read a flag (see "
        "`[[tool.flaglint.readers]]`)."),
    Key("definitions", "array of tables", "[]",
        "Flags defined in code instead of (or besides) a registry (see "
        "`[[tool.flaglint.definitions]]`). With a definition and no registry, FL101 and "
        "FL102 have something to compare reads with."),
    Key("environments", "table of name = path, glob or table", "{}",
        "Deployment configs that say what each environment serves, for FL203 and FL501 "
        "(see `[tool.flaglint.environments]`)."),
    Key("require", "list of registry fields", _default("require"),
        f"The fields FL103 requires of every registry entry but tombstones (`status = "
        f"\"retired\"`); any of {_code(REGISTRY_FIELDS)}."),
    Key("select", "list of codes or prefixes", "[]",
        "The rules to run (`FL4`, `FL301`, `ALL`); empty: the rules on by default (all but "
        "those the rule table marks off). `--select` on the command line replaces it."),
    Key("ignore", "list of codes or prefixes", "[]",
        "The rules not to run; `--ignore` on the command line adds to it."),
    Key("overloaded", "whole number, 2 or more", _default("overloaded"),
        "FL403: how many top-level packages reading one key make it overloaded."),
    Key("target-version", "`\"py3N\"`", "(from `requires-python`, else any version)",
        f"The Python the project is written for: the grammar FL001 names when a file does "
        f"not parse (`py30` to `py3{NEWEST_PYTHON[1]}`). Unset, the lowest version "
        f"`requires-python` allows in the `pyproject.toml` beside the configuration."),
    Key("flag-state", "array of tables", "[]",
        "Exports of a flag service (or flagd files) read as a registry and as environments "
        "(see `[[tool.flaglint.flag-state]]` and docs/flag-state.md)."),
))

LIFETIMES = Table("[tool.flaglint.lifetimes]", (
    f"Days a flag of each type lives, after Unleash; unset types keep their default "
    f"({_LIFETIMES}). A flag's own `expires` wins over its type's lifetime."), tuple(
    Key(name, "whole number of days, 1 or more",
        toml(days) if days is not None else "(never expires)",
        {"release": "A flag that ships a change; removed once rolled out.",
         "experiment": "An A/B test; removed once decided.",
         "operational": "A flag that tunes the system for a while (a migration, a load "
                        "shift).",
         "kill-switch": "A switch kept to turn a feature off in an incident.",
         "permission": "A flag that grants a feature to some users for good."}[name])
    for name, days in DEFAULT_LIFETIMES.items()))
assert LIFETIMES.names == FLAG_TYPES

READER = Table("[[tool.flaglint.readers]]", (
    "A call that reads a flag, in the project's own API. A function that returns such a "
    "read is a wrapper, and every call of it is a read too (found by itself)."), (
    Key("call", "qualified name (required)", "",
        "The function or method, by its qualified name (`myapp.flags.is_on`), resolved "
        "through each module's imports, relative imports and package re-exports; "
        "`\"*.is_on\"` for a method of that name on any receiver. Anything else (a pattern, "
        "`\"*.client.is_on\"`) is an error."),
    Key("key", "position, keyword name, or both (required, unless `flag`)", "",
        "The argument that is the flag's key: its position (0, 1, …), its keyword name, or "
        "both (`[1, \"key\"]`: the `key=` keyword, else the second argument)."),
    Key("flag", "text", "(none)",
        "The key every call reads, for a function that takes none (pandas' "
        "`using_copy_on_write()` reads `mode.copy_on_write`): each call is a read of that "
        "flag, and `clean` replaces it by the flag's value. Instead of `key`."),
    Key("default", "position, keyword name, or both", "(none)",
        "The argument that is the read's default: what a retired or removed flag's read "
        "yields, compared across reads by FL105."),
    Key("writes", "true or false", "false",
        "The call sets the flag instead (`config.set_option(\"server.x\", False)`): where "
        "code outside the tests sets a flag as the program runs, its reads are never "
        "settled, and `clean` refuses it until the setting is gone."),
))

DEFINITION = Table("[[tool.flaglint.definitions]]", (
    "Flags defined in code: by a call (`call` with `key`), or as the string members of a "
    "class or Enum (`class`). A name bound to a definition call is a flag object; `reads`, "
    "`attributes`, `call_reads` and `truth_reads` say how the code reads it, wherever the "
    "object is reached (imported, or through a module attribute)."), (
    Key("call", "qualified name", "",
        "A call that defines a flag, by its qualified name (`sentry.features.manager.add`) or "
        "`\"*.WaffleFlag\"` for that name on any receiver; anything else is an error. Either "
        "`call` or `class`, or neither with `namespace`."),
    Key("key", "position, keyword name, or both", "0",
        "The argument that is the key; `[0, \"name\"]`: the `name=` keyword, else the first "
        "argument."),
    Key("bound_name", "true or false", "false",
        "Instead of `key`: the key is the name the call is bound to, within its module "
        "(`PREFECT_X = Setting(bool, default=False)` defines `PREFECT_X`, a class's "
        "`enabled = Setting(…)` defines `Api.enabled`; a call not bound once to one name at "
        "module or class level defines nothing)."),
    Key("class", "qualified name", "",
        "Instead of `call`: every string-valued member of this class or Enum is a flag's "
        "key (`client.is_enabled(Flags.NEW_UI.value)` reads `new_ui`)."),
    Key("reads", "list of method names", "[]",
        "Methods of the flag object that read it (`NEW_UI.is_enabled()`)."),
    Key("writes", "list of method names", "[]",
        "Methods of the flag object that set it (`MLFLOW_X.set(True)`). Called in tests, "
        "they are a test's setting; called anywhere else, the program sets the flag as it "
        "runs, so no read of it is settled (no fix, no dead code), whatever the registry "
        "says, and `clean` refuses it."),
    Key("attributes", "list of attribute names", "[]",
        "Attributes of the flag object that read it (`x_holder.value`, also "
        "`config.x_holder.value`)."),
    Key("call_reads", "true or false", "false",
        "Calling the flag object reads it (`with config.x_holder(True):`); such reads are "
        "never fixed."),
    Key("truth_reads", "true or false", "false",
        "A truth test of the flag object reads it (`if x_holder:`)."),
    Key("prefix", "string", '""',
        "Keys defined with this prefix name the same flag without it: with `\"jax_\"`, "
        "`x` in the registry or a read is the flag `jax_x`."),
    Key("namespace", "qualified name (with `prefix`)", '""',
        "An object whose attribute named by a key reads that flag (`config.jax_x` with "
        "`namespace = \"jax._src.config.config\"`). Without `call`, its attributes whose "
        "names start with `prefix` are flags that nothing in the code defines: a Django "
        "setting named otherwise than the `django-settings` preset's names (`namespace = "
        "\"django.conf.settings\"`, `prefix = \"OFFER_\"` reads `settings.OFFER_HOSTING`)."),
))

ENVIRONMENT = Table("[tool.flaglint.environments]", (
    "Each entry names a deployment config: `name = \"path\"` for one environment, "
    "`name = \"glob\"` for a group of hosts (one file each, compared with each other: the "
    "minority is reported), or a table with the keys below. A file holds a flat mapping of "
    "key to value, or that mapping under a top-level `flags` table, or where `at` points. "
    "true/false/yes/no/on/off/1/0 are booleans, numbers are numbers, anything else a "
    "string; `${VAR}` and templates are decided at deploy time and never compared. An "
    "environment that does not set a flag serves the reads' default there."), (
    Key("path", "path or glob (required)", "",
        "The file, or a glob of files (`deploy/servers/*.toml`), below the project root."),
    Key("at", "dotted path", "(the top level, or its `flags` table)",
        "Where the settings are: dots, `[*]` for every item, `[0]` for one (`data`, "
        "`spec.template.spec.containers[*].env`); a mapping, a name/value list (Kubernetes "
        "`env:`, ECS `environment`) or docker-compose's `KEY=value` strings."),
    Key("format", "one of " + ", ".join(ENV_FORMATS), "(from the file name)",
        "How to read the file: `.env` (python-dotenv's dialect), JSON, TOML, YAML "
        "(several documents too) or INI."),
    Key("prefix", "string", '""',
        "Keys carry this before the flag's key (`FEATURE_` + `new_checkout`)."),
    Key("case", "\"upper\" or \"lower\"", "(as written)",
        "How the key is written after the prefix (`FEATURE_NEW_CHECKOUT`)."),
    Key("inline-comments", "characters", toml(INI_INLINE_COMMENTS),
        "INI only: the characters that start a comment after a value (after whitespace), as "
        "configparser's inline comments; `\"\"` for none."),
))

FLAG_STATE = Table("[[tool.flaglint.flag-state]]", (
    "Each entry names an export of a flag service, or an OpenFeature flagd file, kept in the "
    "repository (flaglint never fetches). Its flags declare keys (archived ones are "
    "tombstones), and each of its environments is one more deployment config: a flag "
    "served one value to everyone there is settled, a rollout below 100% or any targeting "
    "is not. docs/flag-state.md has the `curl` that makes each export."), (
    Key("format", "one of " + ", ".join(FLAG_STATE_FORMATS) + " (required)", "",
        "How the export is written: a flagd definition file, an Unleash feature export or "
        "client features response, LaunchDarkly's flag list, a Flagsmith environment "
        "document, GrowthBook's SDK payload or PostHog's local-evaluation response."),
    Key("path", "path or glob (required)", "",
        "The export, or a glob of exports, below the project root."),
    Key("environment", "string", "(every environment)",
        "The one environment kept of an export that holds several."),
))

TABLES = (TOP, LIFETIMES, READER, DEFINITION, ENVIRONMENT, FLAG_STATE)
