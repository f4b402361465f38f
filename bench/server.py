"""Measure `flaglint server` as an editor drives it: pygls's language client starts
`python -m flaglint server` over stdio on a copy of a code base and times, from the client:

- `flaglint check` warm (a fresh process, nothing changed: the number CI and pre-commit see)
  and after a one-line edit of one file, for comparison;
- the server's first diagnostics of the whole project (a warm cache);
- diagnostics of an open file after an unsaved edit, after saving it, and after a save of
  new text on disk (no edit in the buffer before it: the whole run from disk);
- hover, go to definition and find references on a flag read, and completion of a key.

    python bench/server.py                            # Sentry, at /work/corpora/sentry
    python bench/server.py PATH --file REL --reader features.has --repeat 20

The code base is copied to a temporary folder (its files are edited), with a private cache
folder. Nothing is asserted: the numbers are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.client import LanguageClient

T = TypeVar("T")
SENTRY = Path("/work/corpora/sentry")
LIMIT = 120  # seconds: a server that has not answered by then is reported as hung


def check_times(root: Path, env: dict[str, str], repeat: int, edited: Path) -> tuple[float, ...]:
    """`flaglint check` in a new process: cold, warm (best of `repeat`), and after a
    one-line edit of `edited` (best of `repeat`, each a new edit)."""
    command = [sys.executable, "-m", "flaglint", "check", "--exit-zero"]

    def timed() -> float:
        start = time.perf_counter()
        subprocess.run(command, cwd=root, env=env, capture_output=True, check=True)
        return time.perf_counter() - start

    cold = timed()
    warm = min(timed() for _ in range(repeat))
    text = edited.read_text(encoding="utf-8")
    edits = []
    for index in range(repeat):
        edited.write_text(f"{text}\n# check edit {index}\n", encoding="utf-8")
        edits.append(timed())
    edited.write_text(text, encoding="utf-8")
    timed()  # back to the warm state
    return cold, warm, min(edits)


class Editor:
    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root = root
        self.env = env
        self.client = LanguageClient("flaglint-bench", "1")
        self.published: dict[str, int] = {}
        self.arrived = asyncio.Event()

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.published[params.uri] = self.published.get(params.uri, 0) + 1
            self.published[""] = self.published.get("", 0) + 1
            self.arrived.set()

        @self.client.feature(types.WINDOW_LOG_MESSAGE)
        def log(params: types.LogMessageParams) -> None:
            pass  # notes on what the project lacks (no registry, no git history)

    async def start(self) -> None:
        await self.client.start_io(sys.executable, "-m", "flaglint", "server", env=self.env,
                                   cwd=str(self.root))
        await self.client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            workspace_folders=[types.WorkspaceFolder(uri=self.root.as_uri(), name="bench")]))
        self.client.initialized(types.InitializedParams())

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()

    async def published_after(self, uri: str, count: int) -> None:
        """Wait until the file ("": any file) has had more than `count` publications."""

        async def wait() -> None:
            while self.published.get(uri, 0) <= count:
                self.arrived.clear()
                await self.arrived.wait()

        await asyncio.wait_for(wait(), LIMIT)


async def timed(action: Callable[[], Awaitable[T]]) -> tuple[float, T]:
    start = time.perf_counter()
    found = await asyncio.wait_for(action(), LIMIT)
    return time.perf_counter() - start, found


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (f"median {statistics.median(times) * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms  "
            f"max {max(times) * 1000:7.1f} ms  (n={len(times)})")


async def drive(root: Path, env: dict[str, str], rel: str, reader: str,
                repeat: int) -> dict[str, Any]:
    editor = Editor(root, env)
    client = editor.client
    path = root / rel
    uri = path.as_uri()
    text = path.read_text(encoding="utf-8")
    found: dict[str, Any] = {}
    start = time.perf_counter()
    await editor.start()
    await editor.published_after("", 0)  # the whole project's first diagnostics
    found["first diagnostics of the project"] = time.perf_counter() - start

    before = editor.published.get(uri, 0)
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1,
                                             text=text)))
    await editor.published_after(uri, before)

    changed, saved, fresh = [], [], []
    version = 1
    for index in range(repeat):
        # An unsaved edit, then the save of that text.
        version += 1
        edited = f"{text}\n# edit {index}\n"
        before = editor.published[uri]
        began = time.perf_counter()
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=edited)]))
        await editor.published_after(uri, before)
        changed.append(time.perf_counter() - began)
        path.write_text(edited, encoding="utf-8")
        before = editor.published[uri]
        began = time.perf_counter()
        client.text_document_did_save(types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))
        await editor.published_after(uri, before)
        saved.append(time.perf_counter() - began)
        # New text on disk, saved with no edit of the buffer before it.
        version += 1
        edited = f"{text}\n# saved {index}\n"
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=edited)]))
        await editor.published_after(uri, editor.published[uri])
        path.write_text(f"{text}\n# saved {index} on disk\n", encoding="utf-8")
        before = editor.published[uri]
        began = time.perf_counter()
        client.text_document_did_save(types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))
        await editor.published_after(uri, before)
        fresh.append(time.perf_counter() - began)
    found["diagnostics after an unsaved edit"] = changed
    found["diagnostics after saving that edit"] = saved
    found["diagnostics after a save of new text"] = fresh

    # The buffer back to the file's text; the reads' positions.
    version += 1
    path.write_text(text, encoding="utf-8")
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
    before = editor.published[uri]
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    await editor.published_after(uri, before)
    reads = [types.Position(line=number, character=match.start() + 2)
             for number, line in enumerate(text.splitlines())
             for match in re.finditer(re.escape(reader) + r"\(", line)]
    if not reads:
        sys.exit(f"no `{reader}(` call in {rel}: pick another --file or --reader")
    document = types.TextDocumentIdentifier(uri=uri)
    hovers, definitions, references, answered = [], [], [], 0
    for index in range(repeat * 5):
        at = reads[index % len(reads)]
        took, hover = await timed(lambda at=at: client.text_document_hover_async(
            types.HoverParams(text_document=document, position=at)))
        hovers.append(took)
        answered += hover is not None
        took, _ = await timed(lambda at=at: client.text_document_definition_async(
            types.DefinitionParams(text_document=document, position=at)))
        definitions.append(took)
        took, _ = await timed(lambda at=at: client.text_document_references_async(
            types.ReferenceParams(text_document=document, position=at,
                                  context=types.ReferenceContext(include_declaration=True))))
        references.append(took)
    found["hover on a read"] = hovers
    found["slowest hover"] = f"#{hovers.index(max(hovers)) + 1}"
    found["go to definition"] = definitions
    found["find references"] = references
    found["reads hovered with an answer"] = f"{answered} of {len(hovers)}"
    await editor.stop()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", type=Path, default=SENTRY)
    parser.add_argument("--file", default="sentry/api/endpoints/project_details.py",
                        help="the file opened, edited and hovered (from the root)")
    parser.add_argument("--reader", default="features.has",
                        help="the call whose reads are hovered")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / args.path.name
        shutil.copytree(args.path, root, symlinks=True)
        env = {**os.environ, "FLAGLINT_CACHE_DIR": str(Path(scratch) / "cache")}
        cold, warm, after_edit = check_times(root, env, args.repeat, root / args.file)
        print(f"{args.path} ({args.file}, {os.cpu_count()} cores)")
        print(f"  flaglint check: cold {cold:.2f} s, warm {warm:.3f} s, "
              f"after a one-line edit {after_edit:.3f} s (best of {args.repeat})")
        found = asyncio.run(drive(root, env, args.file, args.reader, args.repeat))
    for what, value in found.items():
        if isinstance(value, list):
            print(f"  {what:40} {summary(value)}")
        elif isinstance(value, float):
            print(f"  {what:40} {value:.2f} s")
        else:
            print(f"  {what:40} {value}")
    print(f"  budget for diagnostics after a save: warm + 0.2 s = {warm + 0.2:.3f} s; "
          f"for hover: 50 ms")


if __name__ == "__main__":
    main()
