"""`flaglint server`: the language server, on stdin and stdout."""

from __future__ import annotations

import argparse
import os
import sys

from flaglint.cli.options import EXIT_OK

EXIT_UNASKED = 1  # `exit` without a `shutdown` before it: the protocol's code


def run_server(args: argparse.Namespace) -> int:
    from flaglint.server import serve

    # stdout is the protocol's channel: the server gets its own handle on it, and file
    # descriptor 1 and sys.stdout go to stderr, so that nothing else (a stray print, a
    # child process) can write into the channel.
    sys.stdout.flush()
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    # stdin too: the server's reader waits on it holding its lock, and a worker process
    # forked meanwhile closes sys.stdin as it starts (multiprocessing does), which waited
    # for that lock forever: the first analysis of a large project (workers read it) hung.
    # Workers get /dev/null instead, unheld.
    requests = os.fdopen(os.dup(sys.stdin.fileno()), "rb")
    nothing = os.open(os.devnull, os.O_RDONLY)
    os.dup2(nothing, sys.stdin.fileno())
    os.close(nothing)
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - for the process's life
    return EXIT_OK if serve(requests, channel) else EXIT_UNASKED
