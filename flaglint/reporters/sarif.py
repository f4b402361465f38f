"""SARIF 2.1.0, as GitHub code scanning reads it: rules with their documentation, results
with stable fingerprints, second places as related locations, fixes as text replacements,
and the invocation's exit code and notes."""

from __future__ import annotations

from typing import Any, TextIO
from urllib.parse import quote

from flaglint import __version__, jsontext
from flaglint.docs import render
from flaglint.findings import Finding, Severity, Span
from flaglint.linediff import opcodes
from flaglint.reporters import FileChange, Report
from flaglint.rules import all_rules

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
ROOT = "%SRCROOT%"
FINGERPRINT = "flaglintFingerprint/v1"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def document(report: Report) -> dict[str, Any]:

    wanted = set(report.codes) | {f.code for f in report.findings}
    rules = [r for r in all_rules() if r.code in wanted]
    index = {r.code: i for i, r in enumerate(rules)}
    descriptors = []
    for rule in rules:
        what = _section(rule.documentation(), "What it does")
        descriptors.append({
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": _first_sentence(what)},
            "fullDescription": {"text": what},
            "help": {"text": rule.documentation(), "markdown": render(rule)},
            "defaultConfiguration": {"level": LEVELS[rule.severity]},
            "properties": {"tags": ["feature-flags"], "fixable": rule.fixable},
        })
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "flaglint", "version": __version__,
                            "semanticVersion": __version__, "rules": descriptors}},
        "invocations": [_invocation(report)],
        "columnKind": "unicodeCodePoints",
        "results": [_result(report, i, f, index[f.code])
                    for i, f in enumerate(report.findings)],
    }
    if report.root is not None:
        run["originalUriBaseIds"] = {ROOT: {"uri": report.root.resolve().as_uri() + "/"}}
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def write(report: Report, stream: TextIO) -> None:
    jsontext.write(document(report), stream, ensure_ascii=False)


def _invocation(report: Report) -> dict[str, Any]:
    invocation: dict[str, Any] = {"executionSuccessful": report.exit_code in (0, 1),
                                  "exitCode": report.exit_code}
    if report.notes:
        invocation["toolExecutionNotifications"] = [
            {"level": "note", "message": {"text": note}} for note in report.notes]
    return invocation


def _location(path: str, span: Span | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": quote(path), "uriBaseId": ROOT}}
    if span is not None:
        physical["region"] = _region(span)
    return {"physicalLocation": physical}


def _region(span: Span) -> dict[str, int]:
    end_line, end_column = span.end_line, span.end_column
    if (end_line, end_column) < (span.line, span.column):
        end_line, end_column = span.line, span.column
    return {"startLine": span.line, "startColumn": span.column, "endLine": end_line,
            "endColumn": end_column}


def _result(report: Report, position: int, finding: Finding, rule_index: int
            ) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(finding.path, finding.span)],
    }
    if position < len(report.fingerprints):
        result["partialFingerprints"] = {FINGERPRINT: report.fingerprints[position]}
    if finding.related:
        result["relatedLocations"] = [
            {"id": number, **_location(r.path, r.span), "message": {"text": r.message}}
            for number, r in enumerate(finding.related, start=1)]
    changes = report.changes.get(position)
    if finding.fix is not None and changes:
        result["fixes"] = [{"description": {"text": finding.fix.description},
                            "artifactChanges": [_artifact_change(c) for c in changes]}]
    if finding.flag is not None:
        result["properties"] = {"flag": finding.flag}
    return result


def _artifact_change(change: FileChange) -> dict[str, Any]:
    """The change as replacements of whole lines, by character offset."""
    before = change.before.splitlines(keepends=True)
    after = change.after.splitlines(keepends=True)
    offsets = [0]
    for line in before:
        offsets.append(offsets[-1] + len(line))
    replacements = []
    for tag, i1, i2, j1, j2 in opcodes(before, after):
        if tag == "equal":
            continue
        replacement: dict[str, Any] = {"deletedRegion": {
            "charOffset": offsets[i1], "charLength": offsets[i2] - offsets[i1]}}
        if j2 > j1:
            replacement["insertedContent"] = {"text": "".join(after[j1:j2])}
        replacements.append(replacement)
    return {"artifactLocation": {"uri": quote(change.path), "uriBaseId": ROOT},
            "replacements": replacements}


def _section(text: str, heading: str) -> str:
    part = text.split(f"## {heading}\n", 1)[-1].split("\n## ", 1)[0]
    return " ".join(part.split())


def _first_sentence(text: str) -> str:
    end = text.find(". ")
    return text if end < 0 else text[:end + 1]
