"""Findings as diagnostics: one a finding, on the file it points at, with its code, its
severity, a link to its rule's page and its second places as related information; and a
configuration that cannot be read as one diagnostic on the line that is wrong."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from pathlib import Path

from lsprotocol import types

from flaglint.config import ConfigError
from flaglint.findings import Finding, Severity
from flaglint.server.session import Analysis
from flaglint.server.text import Text, Units

log = logging.getLogger(__name__)

SOURCE = "flaglint"
SEVERITIES = {Severity.ERROR: types.DiagnosticSeverity.Error,
              Severity.WARNING: types.DiagnosticSeverity.Warning,
              Severity.INFO: types.DiagnosticSeverity.Information}
DEAD_CODE = ("FL301", "FL302")  # shown faded: code that can never run
_NOWHERE = types.Range(start=types.Position(line=0, character=0),
                       end=types.Position(line=0, character=0))


@functools.cache
def rule_pages() -> dict[str, str]:
    """Each rule's page as a file URI: the `rules/` pages of the checkout flaglint runs
    from, else the same pages written from the rules' documentation to the cache folder
    (an installed flaglint has no `rules/` folder)."""
    from flaglint.docs import page_name, write_pages
    from flaglint.rules import all_rules
    from flaglint.store import cache_dir

    rules = all_rules()
    folder = Path(__file__).resolve().parent.parent.parent / "rules"
    if not all((folder / page_name(rule)).is_file() for rule in rules):
        folder = cache_dir() / "rules"
        try:
            write_pages(folder)
        except OSError as error:
            log.warning("cannot write the rule pages to %s: %s", folder, error)
            return {}
    return {rule.code: (folder / page_name(rule)).as_uri() for rule in rules}


class Texts:
    """The text of each file diagnostics are about, read once."""

    def __init__(self, analysis: Analysis, units: Units) -> None:
        self.analysis = analysis
        self.units = units
        self._texts: dict[str, Text] = {}

    def __call__(self, rel: str) -> Text:
        found = self._texts.get(rel)
        if found is None:
            found = self._texts[rel] = self.analysis.text(rel, self.units)
        return found


def diagnostic(finding: Finding, texts: Texts) -> types.Diagnostic:
    analysis = texts.analysis
    page = rule_pages().get(finding.code)
    related = [types.DiagnosticRelatedInformation(
        location=types.Location(uri=analysis.uri(r.path),
                                range=texts(r.path).range(r.span) if r.span else _NOWHERE),
        message=r.message) for r in finding.related]
    return types.Diagnostic(
        range=texts(finding.path).range(finding.span),
        message=finding.message,
        severity=SEVERITIES[finding.severity],
        code=finding.code,
        code_description=types.CodeDescription(href=page) if page else None,
        source=SOURCE,
        related_information=related or None,
        tags=[types.DiagnosticTag.Unnecessary] if finding.code in DEAD_CODE else None,
        data={"flag": finding.flag} if finding.flag is not None else None,
    )


def by_file(analysis: Analysis, units: Units
            ) -> dict[str, tuple[int | None, list[types.Diagnostic]]]:
    """uri -> the version of the buffer analysed (None: the file on disk) and the
    diagnostics, for every file with findings and every open buffer of the project."""
    texts = Texts(analysis, units)
    found: dict[str, tuple[int | None, list[types.Diagnostic]]] = {
        analysis.uri(rel): (analysis.version(rel), []) for rel in analysis.buffers}
    for finding in analysis.findings:
        uri = analysis.uri(finding.path)
        if uri not in found:
            found[uri] = (analysis.version(finding.path), [])
        found[uri][1].append(diagnostic(finding, texts))
    return found


def config_error(error: ConfigError, units: Units) -> tuple[str, types.Diagnostic] | None:
    """The file a configuration error is in, and the diagnostic on its line."""
    if error.path is None:
        return None
    try:
        text = Text(error.path.read_text(encoding="utf-8", errors="replace"), units)
    except OSError:
        text = Text("", units)
    where = text.line_range(error.line) if error.line > 0 else _NOWHERE
    return error.path.resolve().as_uri(), types.Diagnostic(
        range=where, message=error.message, severity=types.DiagnosticSeverity.Error,
        source=SOURCE)


def findings_at(analysis: Analysis, rel: str, wanted: types.Range,
                units: Units) -> Iterable[tuple[int, Finding, types.Diagnostic]]:
    """The findings of one file on the lines of `wanted`, with their index among the
    analysis's findings and their diagnostic."""
    texts = Texts(analysis, units)
    for index, finding in enumerate(analysis.findings):
        if finding.path != rel:
            continue
        shown = diagnostic(finding, texts)
        first, last = shown.range.start.line, shown.range.end.line
        if last > first and shown.range.end.character == 0:
            last -= 1  # the span ends at the start of the line after it
        if first <= wanted.end.line and wanted.start.line <= last:
            yield index, finding, shown
