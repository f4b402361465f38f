"""The language server: the protocol's messages (pygls speaks JSON-RPC) wired to the
session. Notifications keep the buffers and ask for analyses; requests are answered in the
worker, after the analyses asked for before them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from flaglint import __version__
from flaglint.server import actions, completion, diagnostics, lookup
from flaglint.server.session import Analysis, Folder, Session
from flaglint.server.text import Text, Units

log = logging.getLogger(__name__)
T = TypeVar("T")

WATCHED = ("**/*.{py,pyi,toml,json,yaml,yml,ini,cfg,env}", "**/.env*")


def units_of(encoding: types.PositionEncodingKind | str | None) -> Units:
    """How many code units of the client's position encoding a string takes."""
    if encoding == types.PositionEncodingKind.Utf8:
        return lambda text: len(text.encode("utf-8"))
    if encoding == types.PositionEncodingKind.Utf32:
        return len
    return lambda text: len(text.encode("utf-16-le")) // 2


def path_of(uri: str) -> Path | None:
    """The file a `file:` URI names (None for others: an untitled buffer)."""
    spelled = spelled_path(uri)
    return spelled.resolve() if spelled is not None else None


def spelled_path(uri: str) -> Path | None:
    """The path as the URI spells it, through any symbolic link (`/tmp/link/app.py`)."""
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return Path(path) if path else None


class FlaglintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("flaglint", __version__,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.session = Session()
        self.client = actions.Client(units_of(None), lazy=False, versioned=False)
        self.said: set[str] = set()  # messages shown once
        self.shut_down = False  # asked to by the client: `exit` then ends the process with 0
        self._running: set[asyncio.Future[None]] = set()

    # -- analyses -------------------------------------------------------------------------

    def schedule(self, folder: Folder | None) -> None:
        """Analyse the folder once more, and publish what changed (nothing for a file in no
        project: None)."""
        if folder is None or folder.scheduled:
            return  # the run asked for has not started: it will see this change too
        folder.scheduled = True
        task = asyncio.ensure_future(self._analyse(folder))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _analyse(self, folder: Folder) -> None:
        found = await self.session.worker.call(lambda: self._diagnostics(folder))
        self._publish(folder, found)

    def _diagnostics(self, folder: Folder
                     ) -> dict[str, tuple[int | None, list[types.Diagnostic]]] | None:
        """uri -> (version, diagnostics) after an analysis of the folder (in the worker);
        None when it failed and nothing is known."""
        analysis = self.session.analyse(folder)
        units = self.client.units
        if folder.error is not None:
            buffers = self.session.buffers()
            found: dict[str, tuple[int | None, list[types.Diagnostic]]] = {
                uri: (b.version, []) for uri, b in buffers.items() if folder.owns(b.path)}
            shown = diagnostics.config_error(folder.error, units)
            if shown is not None:
                buffer = buffers.get(shown[0])
                found[shown[0]] = (buffer.version if buffer else None, [shown[1]])
            return found
        if analysis is None:
            return None
        return diagnostics.by_file(analysis, units)

    def _publish(self, folder: Folder,
                 found: dict[str, tuple[int | None, list[types.Diagnostic]]] | None) -> None:
        if folder.failure is not None:
            self._say_once(types.MessageType.Error,
                           f"flaglint: internal error analysing {folder.path}: "
                           f"{folder.failure} (the server log has the traceback)")
        analysis = folder.analysis
        if analysis is not None and analysis.notes != folder.notes:
            folder.notes = analysis.notes
            for note in analysis.notes:
                self.window_log_message(types.LogMessageParams(
                    type=types.MessageType.Info, message=f"flaglint: {folder.path}: {note}"))
        if found is None:
            return
        open_uris = set(self.session.buffers())
        for uri, (version, shown) in found.items():
            if folder.published.get(uri) != tuple(shown) or uri in open_uris:
                self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                    uri=uri, diagnostics=shown, version=version))
        for uri in set(folder.published) - set(found):
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        folder.published = {uri: tuple(shown) for uri, (_, shown) in found.items()}

    def say(self, note: str | None, *, done: bool) -> None:
        """What an action leaves to do by hand (`done`), or why it cannot be made."""
        if note is not None:
            kind = types.MessageType.Info if done else types.MessageType.Warning
            self.window_show_message(types.ShowMessageParams(type=kind,
                                                             message=f"flaglint: {note}"))

    def _say_once(self, kind: types.MessageType, message: str) -> None:
        if message not in self.said:
            self.said.add(message)
            self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def start(self, params: types.InitializeParams) -> None:
        """What the client takes, and its workspace folders."""
        capabilities = params.capabilities
        code_action = capabilities.text_document.code_action \
            if capabilities.text_document is not None else None
        resolvable = code_action.resolve_support.properties \
            if code_action is not None and code_action.resolve_support is not None else []
        edits = capabilities.workspace.workspace_edit \
            if capabilities.workspace is not None else None
        self.client = actions.Client(
            units_of(self.workspace.position_encoding), lazy="edit" in resolvable,
            versioned=bool(edits is not None and edits.document_changes),
            applies=bool(capabilities.workspace is not None and
                         capabilities.workspace.apply_edit))
        for folder in params.workspace_folders or ():
            if (path := path_of(folder.uri)) is not None:
                self.session.add_folder(path, spelled_path(folder.uri))
        root = params.root_uri or (Path(params.root_path).as_uri() if params.root_path
                                   else None)
        if not params.workspace_folders and root is not None and \
                (path := path_of(root)) is not None:
            self.session.add_folder(path, spelled_path(root))

    # -- questions ------------------------------------------------------------------------

    async def ask(self, uri: str, question: Callable[[Analysis, str], T]) -> T | None:
        """`question(analysis, path)` about a file, answered in the worker once the
        analyses asked for before it are done; None for a file outside any project."""
        path = path_of(uri)
        if path is None:
            return None
        folder = self.session.folder_for(path, create=False)
        if folder is None:
            return None

        def answer() -> T | None:
            analysis = folder.analysis
            rel = analysis.relative(path) if analysis is not None else None
            if analysis is None or rel is None:
                return None
            return question(analysis, rel)

        return await self.session.worker.call(answer)

    def at(self, analysis: Analysis, rel: str, position: types.Position) -> tuple[int, int]:
        """A position of a file as (line, column), both from 1."""
        return analysis.text(rel, self.client.units).column(position)


def make_server() -> FlaglintServer:
    server = FlaglintServer()
    session = server.session

    @server.feature(types.INITIALIZE)
    def initialize(params: types.InitializeParams) -> None:
        server.start(params)

    @server.feature(types.INITIALIZED)
    async def initialized(params: types.InitializedParams) -> None:
        for folder in list(session.folders.values()):
            server.schedule(folder)  # the whole project's findings, before any file opens
        workspace = server.client_capabilities.workspace
        watching = workspace.did_change_watched_files if workspace is not None else None
        if watching is not None and watching.dynamic_registration:
            options = types.DidChangeWatchedFilesRegistrationOptions(
                watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in WATCHED])
            await server.client_register_capability_async(types.RegistrationParams(
                registrations=[types.Registration(
                    id="flaglint-watched-files",
                    method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    register_options=options)]))

    @server.feature(types.SHUTDOWN)
    async def shutdown(params: None) -> None:
        server.shut_down = True

        def close() -> None:
            for folder in session.folders.values():
                if folder.analysis is not None:
                    folder.analysis.store.close()

        await session.worker.call(close)
        session.worker.stop()

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def folders_changed(params: types.DidChangeWorkspaceFoldersParams) -> None:
        for removed in params.event.removed:
            path = path_of(removed.uri)
            gone = session.remove_folder(path) if path is not None else None
            if gone is not None:
                server._publish(gone, {})
        for added in params.event.added:
            if (path := path_of(added.uri)) is not None:
                server.schedule(session.add_folder(path))

    _documents(server)
    _navigation(server)
    _code_actions(server)
    return server


def _documents(server: FlaglintServer) -> None:
    """The notifications that keep the buffers, and the analyses they ask for."""
    session = server.session

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        document = params.text_document
        path = path_of(document.uri)
        if path is not None:
            session.open(document.uri, path, document.version, document.text)
            server.schedule(session.folder_for(path))

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        path = path_of(uri)
        if path is None:
            return
        text = server.workspace.get_text_document(uri).source
        buffer = session.change(uri, path, params.text_document.version, text)
        if buffer.is_python:  # other files are read from disk: they count once saved
            server.schedule(session.folder_for(path))

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        path = path_of(params.text_document.uri)
        if path is not None:
            session.save(params.text_document.uri)
            for folder in _owners(session, path):
                server.schedule(folder)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        buffer = session.close(params.text_document.uri)
        if buffer is not None and buffer.dirty:  # back to the file on disk
            server.schedule(session.folder_for(buffer.path))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def files_changed(params: types.DidChangeWatchedFilesParams) -> None:
        folders: dict[Path, Folder] = {}
        for change in params.changes:
            path = path_of(change.uri)
            if path is not None:
                folders.update((f.path, f) for f in _owners(session, path))
        for folder in folders.values():
            server.schedule(folder)


def _owners(session: Session, path: Path) -> list[Folder]:
    """The folders whose project a file may change (a registry or a deployment config
    can lie above a folder, beside its configuration)."""
    found = [f for f in session.folders.values() if f.owns(path)]
    own = session.folder_for(path) if not found else None
    return found or ([own] if own is not None else [])


def _navigation(server: FlaglintServer) -> None:
    """The requests about a flag: hover, definition, references, completion."""

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(params: types.HoverParams) -> types.Hover | None:
        def question(analysis: Analysis, rel: str) -> types.Hover | None:
            line, column = server.at(analysis, rel, params.position)
            return lookup.hover(analysis, rel, line, column, server.client.units)

        return await server.ask(params.text_document.uri, question)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    async def definition(params: types.DefinitionParams) -> list[types.Location] | None:
        def question(analysis: Analysis, rel: str) -> list[types.Location] | None:
            spot = lookup.spot_at(analysis, rel, *server.at(analysis, rel, params.position))
            if spot is None or spot.key is None:
                return None
            return lookup.definitions(analysis, spot.key, server.client.units)

        return await server.ask(params.text_document.uri, question)

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    async def references(params: types.ReferenceParams) -> list[types.Location] | None:
        def question(analysis: Analysis, rel: str) -> list[types.Location] | None:
            spot = lookup.spot_at(analysis, rel, *server.at(analysis, rel, params.position))
            if spot is None or spot.key is None:
                return None
            return lookup.references(analysis, spot.key, server.client.units,
                                     declarations=params.context.include_declaration)

        return await server.ask(params.text_document.uri, question)

    @server.feature(types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionOptions(trigger_characters=['"', "'"]))
    async def complete(params: types.CompletionParams) -> types.CompletionList | None:
        text = server.workspace.get_text_document(params.text_document.uri).source

        def question(analysis: Analysis, rel: str) -> types.CompletionList | None:
            return completion.completions(analysis.project, Text(text, server.client.units),
                                          params.position)

        return await server.ask(params.text_document.uri, question)



def _code_actions(server: FlaglintServer) -> None:
    """The code actions, and their edits when the client asks for them later."""

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, actions.CLEAN],
        resolve_provider=True))
    async def code_action(params: types.CodeActionParams) -> list[types.CodeAction] | None:
        def question(analysis: Analysis, rel: str) -> list[types.CodeAction]:
            return actions.code_actions(analysis, rel, params.range, params.context.only,
                                        server.client)

        return await server.ask(params.text_document.uri, question)

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def resolve(action: types.CodeAction) -> types.CodeAction:
        data: Any = action.data
        uri = data.get("uri") if isinstance(data, dict) else None
        if not isinstance(uri, str):
            return action

        def question(analysis: Analysis, rel: str) -> tuple[types.CodeAction, str | None]:
            return actions.resolve(analysis, action, server.client)

        found = await server.ask(uri, question)
        if found is None:
            return action
        resolved, note = found
        server.say(note, done=resolved.edit is not None)
        return resolved

    @server.command(actions.CLEAN_COMMAND)
    async def clean(ls: FlaglintServer, *arguments: object) -> None:
        """The cleanup a client without `codeAction/resolve` picked: its edit, sent. (pygls
        hands the server first, to a parameter named `ls`.)"""
        data = arguments[0] if arguments else None
        if not isinstance(data, dict) or not isinstance(data.get("uri"), str):
            return
        uri: str = data["uri"]
        action = types.CodeAction(title="clean", data=data)

        def question(analysis: Analysis, rel: str) -> tuple[types.CodeAction, str | None]:
            return actions.resolve(analysis, action, server.client)

        found = await server.ask(uri, question)
        if found is None:
            return
        resolved, note = found
        server.say(note, done=resolved.edit is not None)
        if resolved.edit is not None:
            await server.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(
                edit=resolved.edit, label=f"flaglint: clean {data.get('clean')}"))
