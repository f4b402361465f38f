"""GitHub Actions workflow commands: one annotation a finding, on the line it points at."""

from __future__ import annotations

from typing import TextIO

from flaglint.findings import Finding, Severity
from flaglint.reporters import Report

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """A command's message: `%`, CR and LF are escaped, as the runner requires."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: also `:` and `,`, which would end it."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    span = finding.span
    properties = [("file", finding.path), ("line", str(span.line)),
                  ("col", str(span.column)), ("endLine", str(max(span.end_line, span.line)))]
    if span.end_line == span.line and span.end_column > span.column:
        properties.append(("endColumn", str(span.end_column)))
    title = f"{finding.code} {finding.rule}" + (f" [{finding.flag}]" if finding.flag else "")
    properties.append(("title", title))
    joined = ",".join(f"{name}={escape_property(value)}" for name, value in properties)
    return f"::{COMMANDS[finding.severity]} {joined}::{escape_data(finding.message)}"


def write(report: Report, stream: TextIO) -> None:
    for finding in report.findings:
        stream.write(annotation(finding) + "\n")
