"""`flaglint server`: a language server over stdio, for editors. It shows every finding of
`flaglint check` as a diagnostic (for unsaved buffers too), offers each finding's fix, a
suppression comment and `flaglint clean KEY` as code actions, and answers hover, go to
definition, find references and completion of flag keys, from the same analysis and cache
as the command line.

app.py wires the protocol (pygls) to the session (session.py: buffers, folders, analyses),
which runs in one worker thread (worker.py); diagnostics.py, actions.py, lookup.py and
completion.py answer from an analysis; text.py converts positions and makes text edits.
Nothing here writes to stdout but the protocol: logging goes to stderr."""

from __future__ import annotations

from typing import BinaryIO

__all__ = ["serve"]


def serve(stdin: BinaryIO, stdout: BinaryIO) -> bool:
    """Serve one client on these streams until it says exit (or closes them); whether it
    asked for a shutdown first (the exit code is 1 otherwise, as the protocol says: pygls
    ends its loop on `exit` and drops the code it chose)."""
    from flaglint.server.app import make_server

    server = make_server()
    server.start_io(stdin, stdout)
    # pygls's own mark is set as the request comes, ours when its handler runs
    return server.shut_down or bool(getattr(server.protocol, "_shutdown", False))
