"""The generated documentation: the rule pages under `rules/`, from each rule's docstring,
and docs/configuration.md, from the configuration's definition (config/reference.py).

Regenerate with `python -m flaglint.docs` (or `FLAGLINT_UPDATE_SNAPSHOTS=1 pytest`); a test
fails when a page is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

from flaglint.rules import all_rules
from flaglint.rules.base import DOC_HEADINGS, Rule


def page_name(rule: Rule) -> str:
    return f"{rule.code}-{rule.name}.md"


def render(rule: Rule) -> str:
    fix = "yes" if rule.fixable else "no"
    return (f"# {rule.code} {rule.name}\n\n"
            f"Default severity: **{rule.severity.value}**. Fixable: **{fix}**.\n\n"
            f"{rule.documentation()}\n")


def missing_headings(rule: Rule) -> list[str]:
    text = rule.documentation()
    return [h for h in DOC_HEADINGS if f"## {h}\n" not in text]


def expected_pages() -> dict[str, str]:
    pages = {page_name(rule): render(rule) for rule in all_rules()}
    index = ["# flaglint rules\n", "| code | name | severity |", "|---|---|---|"]
    index += [f"| [{r.code}]({page_name(r)}) | {r.name} | {r.severity.value} |"
              for r in all_rules()]
    pages["README.md"] = "\n".join(index) + "\n"
    return pages


def write_pages(folder: Path) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    changed = []
    pages = expected_pages()
    for stale in folder.glob("*.md"):
        if stale.name not in pages:
            stale.unlink()
            changed.append(stale.name)
    for name, text in pages.items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(name)
    return changed


def write_configuration(path: Path) -> bool:
    """Write the configuration reference; whether it changed."""
    from flaglint.config import reference

    text = reference.render()
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


if __name__ == "__main__":
    repository = Path(__file__).parent.parent
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else repository / "rules"
    for name in write_pages(target):
        print(f"wrote {target / name}")
    configuration = repository / "docs" / "configuration.md"
    if write_configuration(configuration):
        print(f"wrote {configuration}")
