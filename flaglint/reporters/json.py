"""The JSON report of DESIGN.md: version 1, findings, summary."""

from __future__ import annotations

from typing import Any, TextIO

from flaglint import jsontext
from flaglint.findings import EditKind, Finding
from flaglint.reporters import Report, fix_kind


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "rule": finding.rule,
        "severity": finding.severity.value,
        "flag": finding.flag,
        "path": finding.path,
        "line": finding.span.line,
        "column": finding.span.column,
        "end_line": finding.span.end_line,
        "end_column": finding.span.end_column,
        "message": finding.message,
        "fix": None if finding.fix is None else {
            "safe": finding.fix.safe, "description": finding.fix.description,
            "applicability": fix_kind(finding.fix),
            "edits": [{"kind": e.kind.value, "path": e.path, "line": e.line,
                       "column": e.column, **({"value": e.value}
                                              if e.kind is EditKind.SETTLE_READ else {})}
                      for e in finding.fix.edits]},
    }


def document(report: Report) -> dict[str, Any]:
    return {
        "version": 1,
        "findings": [finding_dict(f) for f in report.findings],
        "summary": {"files": report.files, "flags": report.flags,
                    "findings": len(report.findings), "fixed": report.fixed or 0,
                    "fixable": report.fixable},
    }


def write(report: Report, stream: TextIO) -> None:
    jsontext.write(document(report), stream)
