"""The summary a reviewer reads in a pull-request comment or `$GITHUB_STEP_SUMMARY`: counts by
severity and rule, findings grouped by flag and linked to their lines, the safe fixes, and
what the change made new. It never exceeds GitHub's comment limit."""

from __future__ import annotations

import html
from collections import Counter
from typing import NamedTuple, TextIO

from flaglint.findings import Finding, Severity
from flaglint.reporters import Report, fix_kind

LIMIT = 65_536  # characters in a GitHub comment (and a step summary is read the same way)
_RESERVE = 600  # room kept for the closing lines


def _plural(count: int, word: str, suffix: str = "s") -> str:
    return f"{count} {word}{suffix if count != 1 else ''}"


def _text(message: str) -> str:
    """A message in Markdown: one line, HTML kept as text; backticks stay code."""
    return html.escape(" ".join(message.split()), quote=False)


def _where(finding: Finding, links: str | None) -> str:
    span = finding.span
    label = f"{finding.path}:{span.line}".replace("[", "\\[").replace("]", "\\]")
    if links is None:
        return f"`{label}`" if "`" not in label else label
    anchor = f"#L{span.line}" + (f"-L{span.end_line}" if span.end_line > span.line else "")
    return f"[{label}]({links}{finding.path.replace(' ', '%20')}{anchor})"


def render(report: Report, links: str | None = None) -> str:
    findings = report.findings
    by_severity = Counter(f.severity for f in findings)
    if findings:
        parts = ", ".join(_plural(by_severity[s], s.value) for s in Severity if by_severity[s])
        head = [f"## flaglint: {_plural(len(findings), 'finding')} ({parts})", ""]
    else:
        head = ["## flaglint: no findings", ""]
    scope = []
    if report.diff_ref is not None:
        scope.append(f"On what this change touched since `{report.diff_ref}`: its lines, "
                     f"and the flags whose history, configs or gated code it changed.")
    if report.hidden is not None:
        stale = ""
        if report.stale:
            stale = "; 1 baseline entry no longer matches" if report.stale == 1 else \
                f"; {report.stale} baseline entries no longer match"
        scope.append(f"{_plural(len(findings), 'finding')} new since the baseline "
                     f"({report.hidden} older hidden{stale}).")
    head += [" ".join(scope), ""] if scope else []
    head.append(f"Checked {_plural(report.files, 'file')} and {_plural(report.flags, 'flag')}.")
    if not findings:
        return "\n".join(head) + "\n"
    rules = Counter((f.code, f.rule, f.severity) for f in findings)
    head += ["", "| rule | severity | findings |", "|---|---|---:|"]
    head += [f"| {code} {rule} | {severity.value} | {count} |"
             for (code, rule, severity), count in sorted(rules.items())]
    body = _by_flag(findings, links)
    fixes = _fixes(report, links)
    closing = fixes
    out = "\n".join(head) + "\n"
    shown = 0
    for block in body:
        if len(out) + len(block.text) + sum(map(len, closing)) + _RESERVE > LIMIT:
            break
        out += block.text
        shown += block.findings
    if shown < len(findings):
        out += (f"\n_{_plural(len(findings) - shown, 'more finding')} not shown: this summary "
                f"stops at GitHub's {LIMIT:,}-character limit. The job log and the code "
                f"scanning upload list them all._\n")
    for part in closing:
        if len(out) + len(part) + 200 > LIMIT:
            out += "\n_The list of safe fixes is cut here for the same limit._\n"
            break
        out += part
    return out


class _Block(NamedTuple):
    """Markdown the summary shows whole or not at all."""

    text: str
    findings: int  # how many findings it shows


def _by_flag(findings: list[Finding], links: str | None) -> list[_Block]:
    """One block a finding, each flag's under its heading (flags with errors first)."""
    groups: dict[str | None, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.flag, []).append(finding)
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}

    def rank(flag: str | None) -> tuple[int, int, str]:
        worst = min(order[f.severity] for f in groups[flag])
        return (flag is None, worst, flag or "")

    blocks = []
    for flag in sorted(groups, key=rank):
        items = groups[flag]
        title = f"`{flag}`" if flag is not None and "`" not in flag else (flag or "No flag")
        blocks.append(_Block(f"\n### {title} ({_plural(len(items), 'finding')})\n\n", 0))
        for finding in items:
            mark = " (safe fix)" if fix_kind(finding.fix) == "safe" else ""
            blocks.append(_Block(f"- **{finding.code}** {finding.severity.value}{mark} "
                                 f"{_where(finding, links)}: {_text(finding.message)}\n", 1))
    # A heading is only worth its room with at least one finding under it.
    merged: list[_Block] = []
    for block in blocks:
        if merged and merged[-1].findings == 0:
            merged[-1] = _Block(merged[-1].text + block.text, block.findings)
        else:
            merged.append(block)
    return merged


def _fixes(report: Report, links: str | None) -> list[str]:
    safe = [f for f in report.findings if fix_kind(f.fix) == "safe"]
    counts = report.fixable
    if not safe and not counts["unsafe"] and not counts["tests"]:
        return []
    lines = ["\n### Fixes\n\n"]
    if safe:
        lines.append(f"`flaglint check --fix` applies {_plural(len(safe), 'safe fix', 'es')}:"
                     "\n\n")
        for finding in safe:
            assert finding.fix is not None
            lines.append(f"- {_where(finding, links)}: {_text(finding.fix.description)}\n")
    more = []
    if counts["unsafe"]:
        more.append(f"{counts['unsafe']} with `--fix --unsafe-fixes` (the flag is not pinned: "
                    f"review them)")
    if counts["tests"]:
        more.append(f"{counts['tests']} in test code with `--fix --fix-tests`")
    if more:
        lines.append(("\n" if safe else "") + f"More: {'; '.join(more)}.\n")
    return lines


def write(report: Report, stream: TextIO, links: str | None = None) -> None:
    stream.write(render(report, links))
