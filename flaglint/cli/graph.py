"""`flaglint graph`: the flag graph as GraphML, DOT or JSON."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from flaglint.cli import options
from flaglint.cli.options import EXIT_OK


def run_graph(args: argparse.Namespace) -> int:
    from flaglint.engine.analyze import Request, analyze
    from flaglint.engine.inputs import gather
    from flaglint.reporters.graph import write_graph

    target = options.target(args)
    store = options.store(args)
    try:
        inputs = gather(target.config, dt.date.today(), store, target.paths)
        project = analyze(inputs, store, Request(), workers=options.workers(args))
        project.graph.call_graph()  # loaded while the cache is open
    finally:
        store.close()
    if args.output is not None:
        with args.output.open("w", encoding="utf-8", errors="backslashreplace") as handle:
            write_graph(project.graph, args.format, handle)
    else:
        write_graph(project.graph, args.format, sys.stdout)
    return EXIT_OK
