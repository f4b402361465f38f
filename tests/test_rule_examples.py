"""Every rule page's "Example" produces its rule and its "Use instead" does not.

The code blocks of the two sections become a small project: ```toml blocks are the registry,
```python blocks are files (`# path.py` on a line of its own starts a file; `# a.py, b.py`
writes the same code to each; without a header the file is app.py). A toml, sh, yaml, json
or ini block whose first line is `# path` (`# a.env, b.env` for several) is a deployment
config, and a `# pyproject.toml` toml block adds to the configuration. A "Use instead"
without a registry block keeps the example's, and its configs replace the example's of the
same name; a section without a registry declares the keys it reads.
History rules get a git repository: the example's registry with the description of its
`# was "..."` comment first (FL402, for both sections), the code before the tombstone
(FL404) or after it (FL401).
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from flaglint.rules import all_rules

from .conftest import commit_all, git, lint_tree, write_tree

BLOCK = re.compile(r"```(python|toml|sh|yaml|json|ini)\n(.*?)```", re.DOTALL)
HEADER = re.compile(r"^# ([\w/]+\.py(?:, [\w/]+\.py)*)\s*$", re.MULTILINE)
CONFIG_HEADER = re.compile(r"# ([\w./-]+\.\w+(?:, [\w./-]+\.\w+)*)(?:\s.*)?\n")
PYPROJECT = '[tool.flaglint]\npresets = ["unleash", "launchdarkly"]\n'
KEY = re.compile(r'(?:is_enabled|variation)\("(\w+)"')


def sections(rule) -> tuple[str, str]:
    text = rule.documentation()
    example = text.split("## Example\n", 1)[1].split("\n## ", 1)[0]
    instead = text.split("## Use instead\n", 1)[1].split("\n## ", 1)[0]
    return example, instead


def blocks(section: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """The registry, the Python files, and the deployment configs (with `pyproject.toml`)."""
    registry, files, configs = "", {}, {}
    for language, body in BLOCK.findall(section):
        header = CONFIG_HEADER.match(body) if language != "python" else None
        if header is not None:
            for name in header.group(1).split(", "):
                configs[name] = configs.get(name, "") + body
            continue
        if language == "toml":
            registry += body + "\n"
            continue
        parts = HEADER.split(body)
        if parts[0].strip():
            files["app.py"] = files.get("app.py", "") + parts[0]
        for names, code in zip(parts[1::2], parts[2::2], strict=True):
            for name in names.split(", "):
                files[name] = code.lstrip("\n")
    return registry, files, configs


def first_meaning(registry: str) -> str | None:
    """The registry as it was before a `# was "..."` description was rewritten."""
    was = re.search(r'description = "([^"]*)"\s*# was "([^"]*)"', registry)
    return registry.replace(was.group(1), was.group(2)) if was else None


def project(root: Path, registry: str, files: dict[str, str], code: str,
            before: str | None = None, configs: dict[str, str] | None = None) -> None:
    """Write the project; flags the code reads and the registry leaves out are declared."""
    configs = dict(configs or {})
    pyproject = PYPROJECT + configs.pop("pyproject.toml", "")
    files = {**files, **configs}
    declared = set(re.findall(r"^\[flags\.(\w+)\]", registry, re.MULTILINE))
    read = {k for text in files.values() for k in KEY.findall(text)}
    for key in sorted(read - declared if not registry else ()):
        registry += (f'\n[flags.{key}]\nowner = "team"\ntype = "release"\n'
                     f"created = 2026-11-01\n")
    packages = {str(Path(name).parent) for name in files} - {"."}
    inits = {f"{package}/__init__.py": "" for package in packages}
    if code not in ("FL401", "FL402", "FL404"):
        write_tree(root, {"pyproject.toml": pyproject, "flags.toml": registry, **inits,
                          **files})
        return
    root.mkdir(exist_ok=True)
    if not (root / ".git").exists():
        git(root, "init", "-q", "-b", "main")
    if code == "FL402":
        if before is not None:
            write_tree(root, {"pyproject.toml": PYPROJECT, "flags.toml": before})
            commit_all(root, "the flag's first meaning", "2026-01-05")
        write_tree(root, {"pyproject.toml": PYPROJECT, "flags.toml": registry, **inits,
                          **files})
        commit_all(root, "registry", "2026-11-20")
        return
    steps = [({"pyproject.toml": PYPROJECT, "flags.toml": registry}, "2003-06-01"),
             ({**inits, **files}, "2012-07-31" if code == "FL401" else "2003-01-01")]
    if code == "FL404":
        steps.reverse()
    for tree, date in steps:
        write_tree(root, tree)
        commit_all(root, "step", date)


def codes(root: Path, code: str) -> list[str]:
    return [f.code for f in lint_tree(root, select=(code,))]


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_example_reports_the_rule_and_use_instead_does_not(rule, tmp_path):
    example, instead = sections(rule)
    registry, files, configs = blocks(example)
    assert registry or files, f"{rule.code}: the Example has no code block"
    before = first_meaning(registry)
    project(tmp_path / "example", registry, files, rule.code, before, configs)
    assert rule.code in codes(tmp_path / "example", rule.code), \
        f"{rule.code}: the Example is silent"

    other_registry, other_files, other_configs = blocks(instead)
    assert other_registry or other_files or other_configs, \
        f"{rule.code}: Use instead has no code block"
    other_configs = {**configs, **other_configs}
    project(tmp_path / "instead", other_registry or registry, other_files, rule.code, before,
            other_configs)
    assert rule.code not in codes(tmp_path / "instead", rule.code), \
        f"{rule.code}: Use instead reports the rule too"


def test_blocks_split_files_by_header():
    section = textwrap.dedent('''
        ```python
        # a/x.py, b/y.py
        print(1)
        # c.py
        print(2)
        ```
    ''')
    assert blocks(section) == ("", {"a/x.py": "print(1)\n", "b/y.py": "print(1)\n",
                                    "c.py": "print(2)\n"}, {})
