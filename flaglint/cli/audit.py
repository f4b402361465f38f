"""`flaglint audit`: an inventory of every flag, in the format asked for or the output
file's suffix says."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from flaglint.cli import options
from flaglint.cli.options import EXIT_OK, UsageError
from flaglint.sources.discover import within

_BY_SUFFIX = {".html": "html", ".htm": "html", ".json": "json", ".csv": "csv"}


def run_audit(args: argparse.Namespace) -> int:
    from flaglint.audit import build
    from flaglint.audit.formats import write_csv, write_json, write_markdown
    from flaglint.audit.html import write_html
    from flaglint.engine.analyze import Origins

    target = options.target(args)
    config = target.config
    fmt = args.format
    if fmt is None:
        suffix = args.output.suffix.lower() if args.output is not None else ""
        fmt = _BY_SUFFIX.get(suffix, "markdown")
    outcome = options.analysed(args, config, args.today or dt.date.today(), Origins.ALL)
    project = outcome.project
    named = within(target.paths, config.root)
    audit = build(project, [f for f in outcome.findings if named(f.path)], named)
    for note in project.notes:
        print(f"flaglint: note: {note}", file=sys.stderr)
    writer = {"html": write_html, "json": write_json, "csv": write_csv,
              "markdown": write_markdown}[fmt]
    if args.output is None:
        writer(audit, sys.stdout)
        return EXIT_OK
    try:
        with args.output.open("w", encoding="utf-8", newline="") as handle:
            writer(audit, handle)
    except OSError as error:
        raise UsageError(f"--output {args.output}: {error.strerror or error}") from None
    print(f"flaglint: wrote the audit of {options.plural(len(audit.rows), 'flag')} to "
          f"{args.output} (stage: {audit.stage.name})", file=sys.stderr)
    return EXIT_OK
