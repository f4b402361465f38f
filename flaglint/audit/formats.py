"""The audit as JSON (with a `version`, for machines), CSV (for a spreadsheet) and Markdown
(for a wiki page); the HTML report is audit/html.py."""

from __future__ import annotations

import csv
from typing import Any, TextIO

from flaglint import jsontext
from flaglint.audit.model import VERSION, Audit, FlagRow

COLUMNS = ("key", "status", "declared", "type", "type_source", "owner", "owner_source",
           "author", "created", "created_source", "age_days", "lifetime_days", "last_read_change",
           "reads", "test_reads", "files", "packages", "guarded_lines", "dead_lines",
           "findings", "stale", "where", "service", "expires")


def row_dict(row: FlagRow) -> dict[str, Any]:
    return {
        "key": row.key, "status": row.status, "declared": row.declared, "type": row.type,
        "type_source": row.type_source, "owner": row.owner, "owner_source": row.owner_source,
        "author": row.author,
        "created": row.created.isoformat() if row.created else None,
        "created_source": row.created_source, "age_days": row.age_days,
        "lifetime_days": row.lifetime_days,
        "expires": row.expires.isoformat() if row.expires else None,
        "last_read_change": row.last_read_change.isoformat() if row.last_read_change
        else None,
        "reads": row.reads, "test_reads": row.test_reads, "files": row.files,
        "packages": row.packages, "guarded_lines": row.guarded_lines,
        "dead_lines": row.dead_lines, "findings": row.findings, "stale": row.stale,
        "where": row.where, "no_lifetime": row.no_lifetime, "service": row.service,
    }


def document(audit: Audit) -> dict[str, Any]:
    return {
        "version": VERSION,
        "today": audit.today.isoformat(),
        "sources": {"registry": audit.registry, "history": audit.history,
                    "deployments": audit.deployments, "flag_state": list(audit.services)},
        "stage": {"name": audit.stage.name, "next_steps": audit.stage.steps,
                  "criteria": [{"stage": c.stage, "criterion": c.text, "met": c.met,
                                "measured": c.measured} for c in audit.stage.criteria]},
        "totals": audit.totals,
        "flags": [row_dict(r) for r in audit.rows],
        "months": [{"month": m, "flags": n, "stale": s} for m, n, s in audit.months],
        "dead_code": [{"flag": d.flag, "path": d.path, "line": d.line,
                       "end_line": d.end_line, "what": d.what, "removable": d.removable}
                      for d in audit.dead_code],
    }


def write_json(audit: Audit, stream: TextIO) -> None:
    jsontext.write(document(audit), stream, ensure_ascii=False)


# Excel reads a CSV file as UTF-8 only when it starts with a byte-order mark (else in the
# system's ANSI code page, which garbles `×`, accents and owners' names): the CSV is written
# in this encoding, to a file and to stdout alike.
CSV_ENCODING = "utf-8-sig"


def write_csv(audit: Audit, stream: TextIO) -> None:
    """The rows, to a stream opened in CSV_ENCODING (the stream writes the byte-order mark)."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in audit.rows:
        values = row_dict(row)
        values["findings"] = " ".join(f"{code}×{n}" for code, n in row.findings.items())
        values["stale"] = "; ".join(row.stale)
        writer.writerow(["" if values[c] is None else values[c] for c in COLUMNS])


def _cell(text: object) -> str:
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def write_markdown(audit: Audit, stream: TextIO) -> None:
    totals = audit.totals
    out = [f"# Flag audit ({audit.today.isoformat()})", "",
           f"{totals['flags']} flags, {totals['stale']} stale" + (
               f" ({totals['no_lifetime']} more past the lifetime of a type only guessed)"
               if totals["no_lifetime"] else "") + f"; {totals['findings']} findings; "
           f"{totals['dead_lines']} lines of dead code behind settled flags; "
           f"{totals['files']} files, {totals['lines']} lines checked.", "",
           headline(audit), ""]
    for criterion in audit.stage.criteria:
        mark = "x" if criterion.met else " "
        out.append(f"- [{mark}] {criterion.stage}: {criterion.text} ({criterion.measured})")
    if audit.stage.steps:
        out += ["", "Next steps:", ""]
        out += [f"{i}. {step}" for i, step in enumerate(audit.stage.steps, start=1)]
    out += ["", "## Flags", "",
            "| flag | status | type | owner | created | age (days) | reads | files | "
            "guarded lines | dead lines | findings | stale |",
            "|---|---|---|---|---|---:|---:|---:|---:|---:|---|---|"]
    for row in audit.rows:
        findings = ", ".join(f"{code}×{n}" for code, n in row.findings.items())
        status = f"{row.status} ({_cell(row.service)})" if row.service else row.status
        # what flaglint guessed is marked, as the HTML report marks it
        kind = row.type if row.type_source == "registry" else f"{row.type} *(guessed)*"
        owner = _cell(row.owner) + (f" *({_cell(row.owner_source)})*" if row.owner_source
                                    and row.owner_source != "registry" else "")
        out.append(f"| `{_cell(row.key)}` | {status} | {kind} | {owner} | "
                   f"{row.created or ''} | {'' if row.age_days is None else row.age_days} | "
                   f"{row.reads} (+{row.test_reads} in tests) | {row.files} | "
                   f"{row.guarded_lines} | {row.dead_lines} | {findings} | "
                   f"{_cell('; '.join(row.stale))} |")
    for removable, title in ((True, "Dead code cleaning would remove"),
                             (False, "Dead code no fix removes (left to do by hand)")):
        listed = [d for d in audit.dead_code if d.removable is removable]
        if listed:
            out += ["", f"## {title}", ""]
            out += [f"- `{d.flag}`: {d.path}:{d.line}-{d.end_line} ({d.what})"
                    for d in listed]
    out += ["", _sources(audit)]
    stream.write("\n".join(out) + "\n")


def headline(audit: Audit) -> str:
    """The stage's heading, or that there is nothing to judge."""
    if not audit.stage.name:
        return "## No flag found"
    return f"## Where the team stands: {audit.stage.name}"


def _sources(audit: Audit) -> str:
    sources = ["a registry" if audit.registry else "no registry (status and types inferred)",
            "git history" if audit.history else "no git history (no ages, no debt over time)",
            "deployment configs" if audit.deployments else
            "no deployment configs (FL203 and FL501 silent)"]
    if audit.services:
        sources.append(f"flag-state exports ({', '.join(audit.services)})")
    return "Read from: " + ", ".join(sources) + "."
