"""ruff-like text: `path:line:col: CODE [flag] message`, then a one-line summary; with
`--show-fixes`, each finding's fix under it and what --fix fixed, file by file."""

from __future__ import annotations

import re
from collections import Counter
from typing import TextIO

from flaglint.findings import Finding, Severity
from flaglint.linediff import newline_lines
from flaglint.reporters import Report, fix_kind

_BOLD, _RED, _YELLOW, _CYAN, _DIM, _RESET = ("\033[1m", "\033[31m", "\033[33m", "\033[36m",
                                             "\033[2m", "\033[0m")
_GREEN = "\033[32m"
_COLORS = {Severity.ERROR: _RED, Severity.WARNING: _YELLOW, Severity.INFO: _CYAN}
_HUNK = re.compile(r"@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")


def _paint(text: str, code: str, *, color: bool) -> str:
    return f"{code}{text}{_RESET}" if color else text


def finding_line(finding: Finding, *, color: bool = False) -> str:
    where = _paint(f"{finding.path}:{finding.span.line}:{finding.span.column}:", _BOLD, color=color)
    code = _paint(finding.code, _BOLD + _COLORS[finding.severity], color=color)
    flag = f" [{finding.flag}]" if finding.flag else ""
    fix = _paint(" [*]", _DIM, color=color) if fix_kind(finding.fix) == "safe" else ""
    return f"{where} {code}{fix}{flag} {finding.message}"


def summary(report: Report) -> str:
    files = f"{report.files} file{'s' if report.files != 1 else ''}"
    flags = f"{report.flags} flag{'s' if report.flags != 1 else ''}"
    if report.fixed is not None:
        count = len(report.findings) + report.fixed
        return (f"Found {count} finding{'s' if count != 1 else ''} ({report.fixed} fixed, "
                f"{len(report.findings)} remaining) in {files}, {flags}.")
    if not report.findings:
        return f"All checks passed ({files}, {flags})."
    by_severity = Counter(f.severity for f in report.findings)
    parts = [f"{by_severity[s]} {s.value}{'s' if by_severity[s] != 1 else ''}"
             for s in Severity if by_severity[s]]
    count = len(report.findings)
    return (f"Found {count} finding{'s' if count != 1 else ''} ({', '.join(parts)}) "
            f"in {files}, {flags}.")


def fix_line(finding: Finding) -> str | None:
    """The fix a finding offers, and the option that applies it (`--show-fixes`)."""
    kind = fix_kind(finding.fix)
    if kind is None or finding.fix is None:
        return None
    how = {"safe": "safe", "unsafe": "unsafe, with --unsafe-fixes",
           "tests": "in test code, with --fix-tests"}[kind]
    return f"    fix ({how}): {finding.fix.description}"


def fix_summary(report: Report, *, color: bool = False, done: str = "Fixed") -> str:
    """What --fix fixed, file by file and rule by rule, as ruff's --show-fixes says it."""
    total = sum(count.number for count in report.fixes)
    width = max((len(str(count.number)) for count in report.fixes), default=1)
    lines = [_paint(f"{done} {total} finding{'s' if total != 1 else ''}:", _BOLD, color=color)]
    by_path: dict[str, list[tuple[int, str, str]]] = {}
    for count in report.fixes:
        by_path.setdefault(count.path, []).append((count.number, count.code, count.rule))
    for path in sorted(by_path):
        lines.append(f"- {_paint(path, _BOLD, color=color)}:")
        for number, code, rule in sorted(by_path[path], key=lambda c: (-c[0], c[1])):
            lines.append(f"    {number:>{width}} × {_paint(code, _BOLD, color=color)} ({rule})")
    return "\n".join(lines)


def write(report: Report, stream: TextIO, *, color: bool = False, statistics: bool = False,
          quiet: bool = False, show_fixes: bool = False) -> None:
    """The report; `quiet`: the findings alone, no summary or hint; `show_fixes`: the fixes
    too (under each finding, and what --fix fixed)."""
    if report.recorded is not None:
        return  # a run that records a baseline hides what it records: nothing to show
    if statistics:
        counts = Counter((f.code, f.rule) for f in report.findings)
        fixable = Counter(f.code for f in report.findings if fix_kind(f.fix) == "safe")
        width = max((len(str(n)) for n in counts.values()), default=1)
        for (code, rule), count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            mark = " [*]" if fixable[code] else ""
            stream.write(f"{count:>{width}}  {code}{mark}  {rule}\n")
        for path, suppression in report.unused_suppressions:
            stream.write(f"{path}:{suppression.line}: unused suppression "
                         f"`{suppression.written()}`\n")
        if report.hidden is not None:
            stream.write(f"Baseline: {report.hidden} finding{'s' if report.hidden != 1 else ''}"
                         f" hidden")
            if report.stale:
                entries = "1 entry no longer matches" if report.stale == 1 else \
                    f"{report.stale} entries no longer match"
                stream.write(f"; {entries} a finding (fixed since): record the baseline again "
                             f"with --write-baseline FILE")
            stream.write("\n")
    else:
        for finding in report.findings:
            stream.write(finding_line(finding, color=color) + "\n")
            fix = fix_line(finding) if show_fixes else None
            if fix is not None:
                stream.write(fix + "\n")
    if show_fixes and report.fixes:
        stream.write("\n" + fix_summary(report, color=color) + "\n\n")
    if quiet:
        return
    stream.write(summary(report) + "\n")
    hint = fix_hint(report)
    if hint:
        stream.write(hint + "\n")


def fix_hint(report: Report) -> str:
    """What `[*]` means, and how many more fixes other options would apply (as ruff says)."""
    counts = report.fixable
    again = "more " if counts["safe"] else ""
    more = []
    if counts["unsafe"]:
        more.append(f"{counts['unsafe']} {again}with `--fix --unsafe-fixes`")
    if counts["tests"]:
        more.append(f"{counts['tests']} {again}in test code with `--fix --fix-tests`")
    if not counts["safe"] and not more:
        return ""
    text = f"[*] {counts['safe']} fixable with `flaglint check --fix`" if counts["safe"] \
        else "No fixes available with `flaglint check --fix` alone"
    return text + (f" ({'; '.join(more)})" if more else "") + "."


def painted_diff(diff: str) -> str:
    """A unified diff in a terminal's colours: file names bold, hunk headers cyan, lines
    removed red and added green (told from file names by the hunk's line counts); lines
    are cut at newlines only, as the diff's are, and `\\ No newline at end of file` is
    left as it is."""
    lines, old, new = [], 0, 0
    for line in newline_lines(diff):
        body, end = line.rstrip("\n"), line[len(line.rstrip("\n")):]
        hunk = _HUNK.match(line) if not (old or new) else None
        if line.startswith("\\"):
            lines.append(line)
            continue
        if hunk is not None:
            old, new = int(hunk[1] or 1), int(hunk[2] or 1)
            code = _CYAN
        elif old or new:
            sign = line[:1]
            old -= sign in " -"
            new -= sign in " +"
            code = {"-": _RED, "+": _GREEN}.get(sign, "")
        else:
            code = _BOLD
        lines.append(f"{code}{body}{_RESET}{end}" if code else line)
    return "".join(lines)

