"""GitLab Code Quality: a JSON array of issues, as a merge request's widget reads it."""

from __future__ import annotations

from typing import Any, TextIO

from flaglint import jsontext
from flaglint.findings import Severity
from flaglint.reporters import Report

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def document(report: Report) -> list[dict[str, Any]]:
    issues = []
    for position, finding in enumerate(report.findings):
        flag = f"[{finding.flag}] " if finding.flag else ""
        issues.append({
            "type": "issue",
            "description": f"{finding.code} {flag}{finding.message}",
            "check_name": finding.code,
            "fingerprint": report.fingerprints[position] if position < len(
                report.fingerprints) else f"{finding.path}:{finding.span.line}:{finding.code}",
            "severity": SEVERITIES[finding.severity],
            "categories": ["Bug Risk"],
            "location": {"path": finding.path,
                         "lines": {"begin": finding.span.line,
                                   "end": max(finding.span.end_line, finding.span.line)}},
        })
    return issues


def write(report: Report, stream: TextIO) -> None:
    jsontext.write(document(report), stream, ensure_ascii=False)
