"""`flaglint audit`: an inventory of every flag, in the format asked for or the output
file's suffix says."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from flaglint.cli import options
from flaglint.cli.options import EXIT_OK, UsageError
from flaglint.sources.discover import within

if TYPE_CHECKING:
    from flaglint.audit.model import Audit

_BY_SUFFIX = {".html": "html", ".htm": "html", ".json": "json", ".csv": "csv"}


def run_audit(args: argparse.Namespace) -> int:
    from flaglint.audit import build
    from flaglint.audit.formats import CSV_ENCODING, write_csv, write_json, write_markdown
    from flaglint.audit.html import write_html
    from flaglint.engine.origins import Origins

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
    encoding = CSV_ENCODING if fmt == "csv" else "utf-8"
    if args.output is None:
        if fmt == "csv":
            _print_encoded(writer, audit, encoding)
        else:
            writer(audit, sys.stdout)
        return EXIT_OK
    try:
        with args.output.open("w", encoding=encoding, errors="backslashreplace",
                              newline="") as handle:
            writer(audit, handle)
    except OSError as error:
        raise UsageError(f"--output {args.output}: {error.strerror or error}") from None
    print(f"flaglint: wrote the audit of {options.plural(len(audit.rows), 'flag')} to "
          f"{args.output} (stage: {audit.stage.name})", file=sys.stderr)
    return EXIT_OK


def _print_encoded(writer: Callable[[Audit, TextIO], None], audit: Audit, encoding: str
                   ) -> None:
    """The report's bytes in `encoding` on stdout, whatever encoding stdout has (a CSV piped
    to a file is the file Excel opens)."""
    text = io.StringIO(newline="")
    writer(audit, text)
    data = text.getvalue().encode(encoding)
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stream stands in for stdout: the same text, mark included
        sys.stdout.write(data.decode("utf-8"))
        return
    buffer.write(data)
    buffer.flush()
