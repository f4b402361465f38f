"""`flaglint server`: the language server, on stdin and stdout."""

from __future__ import annotations

import argparse
import os
import sys

from flaglint.cli.options import EXIT_OK


def run_server(args: argparse.Namespace) -> int:
    from flaglint.server import serve

    # stdout is the protocol's channel: the server gets its own handle on it, and file
    # descriptor 1 and sys.stdout go to stderr, so that nothing else (a stray print, a
    # child process) can write into the channel.
    sys.stdout.flush()
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    serve(sys.stdin.buffer, channel)
    return EXIT_OK
