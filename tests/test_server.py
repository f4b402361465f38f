"""`flaglint server` as an editor drives it: pygls's language client starts
`python -m flaglint server --stdio` and talks to it over stdin and stdout. Every wait is for
a message the server must send; the time limit only ends a hung server's test."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar, Union

import pytest
from cattrs import Converter
from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.protocol import default_converter

from flaglint.server.diagnostics import rule_pages

from .conftest import write_tree

T = TypeVar("T")
HUNG = 120  # seconds: only a server that never answers waits this long

# `python -m flaglint server --stdio`, with its stderr kept in a file the test reads.
LAUNCH = ("import os, runpy, sys; "
          "os.dup2(os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND), 2); "
          "sys.argv = ['flaglint', 'server', '--stdio']; "
          "runpy.run_module('flaglint', run_name='__main__')")

PROJECT = {
    "pyproject.toml": """
        [tool.flaglint]
        presets = ["unleash", "django-waffle"]

        [tool.flaglint.environments]
        prod = "deploy/prod.env"
        staging = "deploy/staging.env"
    """,
    "flags.toml": """
        [flags.new_checkout]
        type = "release"
        owner = "payments"
        description = "Route carts through the new checkout service"
        created = 2026-01-10
        expires = 2099-01-01

        [flags.dark_mode]
        type = "release"
        owner = "web"
        status = "rolled-out"
        value = true
    """,
    "deploy/prod.env": "new_checkout=false\n",
    "deploy/staging.env": "new_checkout=true\n",
    "app/__init__.py": "",
    "app/checkout.py": """
        from unleash import client


        def checkout(cart):
            if client.is_enabled("new_checkout"):
                return "new"
            return "old"


        def theme():
            if client.is_enabled("dark_mode"):
                return "dark"
            return "light"


        def pay():
            label = "💳"; blocked = client.is_enabled("kill_payments")
            if blocked:
                return None
            return label
    """,
    "tests/test_checkout.py": """
        from waffle.testutils import override_flag

        from app.checkout import checkout


        @override_flag("new_checkout", active=True)
        def test_new_checkout():
            assert checkout([]) == "new"
    """,
}
CHECKOUT = textwrap.dedent(PROJECT["app/checkout.py"]).lstrip("\n")

FL202 = ("FL202", 2, (10, 7, 10, 37), "Flag `dark_mode` is rolled out with value `true`; this "
         "read always yields it, so the code still branches on a constant")
FL301 = ("FL301", 2, (12, 4, 12, 18), "Flag `dark_mode` is rolled out with value `true`; the "
         "code after the early exit above can never run")
# The read's columns count UTF-16 code units: the card takes two.
FL101 = ("FL101", 2, (16, 28, 16, 62), "Flag `kill_payments` is declared in no registry or "
         "definition; nobody owns it and it never expires")


def brief(diagnostic: types.Diagnostic) -> tuple[Any, ...]:
    r = diagnostic.range
    return (diagnostic.code, diagnostic.severity.value if diagnostic.severity else None,
            (r.start.line, r.start.character, r.end.line, r.end.character), diagnostic.message)


def span(location: types.Location | types.Range) -> tuple[int, int, int, int]:
    r = location.range if isinstance(location, types.Location) else location
    return r.start.line, r.start.character, r.end.line, r.end.character


def converter() -> Converter:
    """pygls's converter, reading an action with a command as an action: lsprotocol takes
    any object with a `command` for a Command, though a CodeAction may carry one."""
    found = default_converter()

    def action(data: Any, _: type) -> types.Command | types.CodeAction:
        kind = types.Command if isinstance(data.get("command"), str) else types.CodeAction
        return found.structure(data, kind)

    found.register_structure_hook(Union[types.Command, types.CodeAction], action)  # noqa: UP007
    return found


class Editor:
    """A client holding documents open, as an editor does."""

    def __init__(self, root: Path, log: Path, *, resolve: bool = True,
                 versioned: bool = True, applies: bool = False,
                 folders: tuple[str, ...] = ("",)) -> None:
        self.root = root
        self.folders = [root / folder for folder in folders]
        self.log = log
        self.client = LanguageClient("flaglint-tests", "1", converter_factory=converter)
        self.published: dict[str, list[types.PublishDiagnosticsParams]] = {}
        self.messages: list[str] = []  # shown to the user
        self.logged: list[str] = []
        self.versions: dict[str, int] = {}
        self.applied: list[types.WorkspaceEdit] = []  # sent by the server to be made
        self.arrived = asyncio.Event()
        action = types.CodeActionClientCapabilities(
            resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"])) \
            if resolve else types.CodeActionClientCapabilities()
        self.capabilities = types.ClientCapabilities(
            text_document=types.TextDocumentClientCapabilities(code_action=action),
            workspace=types.WorkspaceClientCapabilities(
                apply_edit=applies,
                workspace_edit=types.WorkspaceEditClientCapabilities(
                    document_changes=versioned)))

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.published.setdefault(params.uri, []).append(params)
            self.arrived.set()

        @self.client.feature(types.WINDOW_SHOW_MESSAGE)
        def show(params: types.ShowMessageParams) -> None:
            self.messages.append(params.message)
            self.arrived.set()

        @self.client.feature(types.WORKSPACE_APPLY_EDIT)
        def apply(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
            self.applied.append(params.edit)
            self.arrived.set()
            return types.ApplyWorkspaceEditResult(applied=True)

        @self.client.feature(types.WINDOW_LOG_MESSAGE)
        def log(params: types.LogMessageParams) -> None:
            self.logged.append(params.message)

    async def __aenter__(self) -> Editor:
        await self.client.start_io(sys.executable, "-c", LAUNCH, str(self.log))
        await self.ask(self.client.initialize_async(types.InitializeParams(
            capabilities=self.capabilities,
            workspace_folders=[types.WorkspaceFolder(uri=folder.as_uri(), name=folder.name)
                               for folder in self.folders])))
        self.client.initialized(types.InitializedParams())
        return self

    async def __aexit__(self, *exc: object) -> None:
        """Shut the server down; one that does not end is killed, and fails the test."""
        try:
            await self.ask(self.client.shutdown_async(None))
            self.client.exit(None)
            await self.ask(self.client.stop())
        except TimeoutError:
            process = self.client._server  # the server's process, started by start_io
            if process is not None and process.returncode is None:
                process.kill()
            if exc[0] is None:
                pytest.fail(f"the server did not end\n{self.log.read_text()}")

    def uri(self, rel: str) -> str:
        return (self.root / rel).as_uri()

    def document(self, rel: str) -> types.TextDocumentIdentifier:
        return types.TextDocumentIdentifier(uri=self.uri(rel))

    def open(self, rel: str) -> None:
        self.versions[rel] = 1
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=self.uri(rel), language_id="python", version=1,
                text=(self.root / rel).read_text(encoding="utf-8"))))

    def change(self, rel: str, text: str) -> int:
        """Replace the buffer's text (unsaved); its new version."""
        self.versions[rel] += 1
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(
                uri=self.uri(rel), version=self.versions[rel]),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
        return self.versions[rel]

    def save(self, rel: str, text: str | None = None) -> None:
        """Write the file (the buffer's text when it is open) and say it was saved."""
        if text is not None:
            (self.root / rel).write_text(text, encoding="utf-8")
        self.client.text_document_did_save(types.DidSaveTextDocumentParams(
            text_document=self.document(rel)))

    async def until(self, done: Callable[[], T | None], what: str) -> T:
        """Wait for the messages that make `done()` true (its value)."""

        async def wait() -> T:
            while True:
                found = done()
                if found is not None:
                    return found
                self.arrived.clear()
                await self.arrived.wait()

        try:
            return await asyncio.wait_for(wait(), HUNG)
        except TimeoutError:
            pytest.fail(f"no {what}; received {self.published}\n{self.log.read_text()}")

    async def diagnostics(self, rel: str, version: int | None) -> list[types.Diagnostic]:
        """The diagnostics published for the buffer at this version."""

        def found() -> list[types.Diagnostic] | None:
            sent = [p for p in self.published.get(self.uri(rel), []) if p.version == version]
            return list(sent[-1].diagnostics) if sent else None

        return await self.until(found, f"diagnostics of {rel} at version {version}")

    async def settles(self, rel: str, expected: list[tuple[Any, ...]]) -> None:
        """Wait until the last diagnostics published for a file are these."""

        def found() -> bool | None:
            sent = self.published.get(self.uri(rel))
            return True if sent and [brief(d) for d in sent[-1].diagnostics] == expected \
                else None

        await self.until(found, f"diagnostics {expected} for {rel}")

    async def ask(self, request: Awaitable[T]) -> T:
        return await asyncio.wait_for(request, HUNG)

    async def actions(self, rel: str, line: int, only: list[str] | None = None
                      ) -> list[types.CodeAction]:
        position = types.Position(line=line, character=0)
        found = await self.ask(self.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=self.document(rel),
                range=types.Range(start=position, end=position),
                context=types.CodeActionContext(diagnostics=[], only=only))))
        return [a for a in found or [] if isinstance(a, types.CodeAction)]

    async def hover(self, rel: str, line: int, character: int) -> types.Hover | None:
        return await self.ask(self.client.text_document_hover_async(types.HoverParams(
            text_document=self.document(rel),
            position=types.Position(line=line, character=character))))


def run(tmp_path: Path, scenario: Callable[[Editor], Coroutine[Any, Any, None]], *,
        files: dict[str, str] | None = None, folders: tuple[str, ...] = ("",),
        **client: bool) -> str:
    """Run `scenario` with an editor on a project (`folders`: the workspace folders in
    it); the server's stderr."""
    root = write_tree(tmp_path / "project", files or PROJECT)
    log = tmp_path / "server.log"

    async def main() -> None:
        async with Editor(root, log, folders=folders, **client) as editor:
            await scenario(editor)

    asyncio.run(main())
    return log.read_text() if log.exists() else ""


def edits(edit: types.WorkspaceEdit | None) -> list[tuple[str, int | None, list[Any]]]:
    """A workspace edit as (file, version, [(range, new text)]), file names from the root."""
    assert edit is not None
    found = []
    for change in edit.document_changes or ():
        assert isinstance(change, types.TextDocumentEdit)
        found.append((change.text_document.uri.rsplit("/project/", 1)[1],
                      change.text_document.version,
                      [(span(e.range), e.new_text) for e in change.edits
                       if isinstance(e, types.TextEdit)]))
    for uri, text_edits in (edit.changes or {}).items():
        found.append((uri.rsplit("/project/", 1)[1], None,
                      [(span(e.range), e.new_text) for e in text_edits]))
    return found


# -- diagnostics ------------------------------------------------------------------------------


def test_diagnostics_on_open_for_unsaved_buffers_and_on_save(tmp_path):
    async def scenario(editor: Editor) -> None:
        editor.open("app/checkout.py")
        shown = await editor.diagnostics("app/checkout.py", 1)
        assert [brief(d) for d in shown] == [FL202, FL301, FL101]
        first = shown[0]
        assert first.source == "flaglint"
        assert first.code_description is not None
        assert first.code_description.href == rule_pages()["FL202"]
        assert first.code_description.href.endswith("/rules/FL202-settled-flag.md")
        assert list(shown[1].tags or ()) == [types.DiagnosticTag.Unnecessary]  # dead code
        assert shown[0].tags is None
        # The registry's own findings are published too (none here) and so are the
        # config lines': the whole project is checked.
        # An unsaved edit: the typo is fixed in the buffer, and a new read comes in.
        text = CHECKOUT.replace('"kill_payments"', '"new_checkout"').replace(
            '    return "old"\n', '    return "old" if client.is_enabled("fast_pay") else ""\n')
        version = editor.change("app/checkout.py", text)
        unsaved = await editor.diagnostics("app/checkout.py", version)
        assert [brief(d) for d in unsaved] == [
            ("FL101", 2, (6, 20, 6, 49), "Flag `fast_pay` is declared in no registry or "
             "definition; nobody owns it and it never expires"), FL202, FL301]
        # Saved: the same findings, from the file on disk now.
        editor.save("app/checkout.py", text)
        await editor.settles("app/checkout.py", [brief(d) for d in unsaved])

    assert run(tmp_path, scenario) == ""


def test_a_project_read_by_worker_processes_gets_its_diagnostics(tmp_path):
    """edx-enterprise (812 files): the server's first analysis hung for good. Its reader
    thread waits on stdin holding the stream's lock, and each worker process forked to
    read the project closes stdin as it starts (multiprocessing does): it waited for that
    lock forever. 1.5 MB of modules that read a flag are read by workers; their
    diagnostics come, and an edit's, and the server ends."""
    padding = "".join(f"\n\ndef helper_{i}(value):\n    return value + {i}\n"
                      for i in range(400))
    files = {**PROJECT, **{f"app/module_{n}.py": "from unleash import client\n\n\n"
                           "def theme():\n    if client.is_enabled(\"dark_mode\"):\n"
                           "        return \"dark\"\n    return \"light\"\n" + padding
                           for n in range(60)}}

    async def scenario(editor: Editor) -> None:
        editor.open("app/module_7.py")
        shown = await editor.diagnostics("app/module_7.py", 1)
        assert [d.code for d in shown] == ["FL202", "FL301"]
        text = (editor.root / "app/module_7.py").read_text().replace('"dark_mode"', '"dim"')
        shown = await editor.diagnostics("app/module_7.py", editor.change("app/module_7.py",
                                                                        text))
        assert [d.code for d in shown] == ["FL101"]

    assert sum(len(text) for text in files.values()) > 1_000_000
    assert run(tmp_path, scenario, files=files) == ""


# The project with a helper only dead code calls (FL302, with the dead call as related).
WITH_HELPER = {**PROJECT, "app/checkout.py": PROJECT["app/checkout.py"] + """

        def legacy():
            return "old"


        def old_theme():
            if client.is_enabled("dark_mode"):
                return "dark"
            return legacy()
    """}


def test_the_editor_and_check_agree(tmp_path):
    """Every finding of `flaglint check` on the project, and no other, is published as a
    diagnostic before any file is opened."""
    root = tmp_path / "project"
    published: dict[str, list[tuple[Any, ...]]] = {}

    async def scenario(editor: Editor) -> None:
        await editor.until(lambda: editor.published.get(editor.uri("app/checkout.py")),
                           "the first diagnostics")
        for uri, sent in editor.published.items():
            published[uri.rsplit("/project/", 1)[1]] = [
                (d.code, d.severity, d.range.start.line + 1, d.message,
                 [(r.location.uri.rsplit("/project/", 1)[1], r.location.range.start.line + 1,
                   r.message) for r in d.related_information or ()])
                for d in sent[-1].diagnostics]

    run(tmp_path, scenario, files=WITH_HELPER)
    result = subprocess.run([sys.executable, "-m", "flaglint", "check", "--format", "sarif"],
                            cwd=root, capture_output=True, text=True, check=False)
    assert result.returncode == 1, result.stderr
    levels = {"error": 1, "warning": 2, "note": 3}
    expected: dict[str, list[tuple[Any, ...]]] = {}
    for found in json.loads(result.stdout)["runs"][0]["results"]:
        where = found["locations"][0]["physicalLocation"]
        expected.setdefault(where["artifactLocation"]["uri"], []).append((
            found["ruleId"], levels[found["level"]], where["region"]["startLine"],
            found["message"]["text"],
            [(r["physicalLocation"]["artifactLocation"]["uri"],
              r["physicalLocation"]["region"]["startLine"], r["message"]["text"])
             for r in found.get("relatedLocations", ())]))
    assert published == expected
    assert [code for code, *_ in published["app/checkout.py"]] == [
        "FL202", "FL301", "FL101", "FL302", "FL202", "FL301"]


def test_related_locations(tmp_path):
    files = WITH_HELPER

    async def scenario(editor: Editor) -> None:
        editor.open("app/checkout.py")
        shown = await editor.diagnostics("app/checkout.py", 1)
        dead = [d for d in shown if d.code == "FL302"]
        assert [brief(d) for d in dead] == [
            ("FL302", 2, (22, 0, 23, 16), "Function `legacy` is called only from code that "
             "can never run (flag `dark_mode` is rolled out with value `true`); delete it")]
        related = dead[0].related_information
        assert related is not None
        assert [(r.location.uri.rsplit("/", 1)[1], span(r.location), r.message)
                for r in related] == [
            ("checkout.py", (29, 11, 29, 19), "a dead call of `legacy`")]

    run(tmp_path, scenario, files=files)


def test_a_file_that_does_not_parse_is_fl001_and_the_server_goes_on(tmp_path):
    async def scenario(editor: Editor) -> None:
        editor.open("app/checkout.py")
        await editor.diagnostics("app/checkout.py", 1)
        version = editor.change("app/checkout.py", CHECKOUT.replace("def pay():", "def pay(:"))
        shown = await editor.diagnostics("app/checkout.py", version)
        assert [brief(d) for d in shown] == [
            ("FL001", 1, (15, 8, 15, 8), "Cannot parse as Python 3 (any version up to 3.14): "
             "invalid syntax; its flag reads are not checked")]
        # The reads on lines the edit left alone still answer, as the file last parsed.
        hover = await editor.hover("app/checkout.py", 4, 12)
        assert hover is not None and isinstance(hover.contents, types.MarkupContent)
        assert hover.range is not None and span(hover.range) == (4, 7, 4, 40)
        assert hover.contents.value.startswith("**Flag `new_checkout`** · release · active")
        version = editor.change("app/checkout.py", CHECKOUT)
        shown = await editor.diagnostics("app/checkout.py", version)
        assert [brief(d) for d in shown] == [FL202, FL301, FL101]

    assert run(tmp_path, scenario) == ""


def test_a_saved_file_that_names_no_flag_api_is_checked_when_opened(tmp_path):
    """A whole-project analysis parses only what may read flags; a file opened in the
    editor is checked for syntax errors though it names no flag API, also when the project
    was analysed before it was opened."""
    files = {**PROJECT, "app/notes.py": "def f(:\n    pass\n"}

    async def scenario(editor: Editor) -> None:
        editor.open("app/checkout.py")
        assert [d.code for d in await editor.diagnostics("app/checkout.py", 1)] == [
            "FL202", "FL301", "FL101"]
        editor.open("app/notes.py")
        shown = await editor.diagnostics("app/notes.py", 1)
        assert [brief(d) for d in shown] == [
            ("FL001", 1, (0, 6, 0, 6), "Cannot parse as Python 3 (any version up to 3.14): "
             "invalid syntax; its flag reads are not checked")]

    assert run(tmp_path, scenario, files=files) == ""


def test_a_broken_configuration_is_one_diagnostic_on_its_line(tmp_path):
    flags = textwrap.dedent(PROJECT["flags.toml"]).lstrip("\n")
    broken = flags.replace('status = "rolled-out"', 'status = "rolledout"')

    async def scenario(editor: Editor) -> None:
        editor.open("app/checkout.py")
        await editor.diagnostics("app/checkout.py", 1)
        editor.save("flags.toml", broken)
        await editor.settles("flags.toml", [
            (None, 1, (10, 0, 10, 20), "unknown status 'rolledout' in [flags.dark_mode]; "
             "expected active, rolled-out or retired")])
        await editor.settles("app/checkout.py", [])
        editor.save("pyproject.toml", "[tool.flaglint]\nprests = []\n")
        await editor.settles("pyproject.toml", [
            (None, 1, (1, 0, 1, 11), "unknown key `prests` in [tool.flaglint]; expected one "
             "of registry, src, exclude, presets, tests, lifetimes, readers, definitions, "
             "environments, require, select, ignore, overloaded, "
             "target-version, flag-state")])
        editor.save("pyproject.toml", textwrap.dedent(PROJECT["pyproject.toml"]).lstrip())
        editor.save("flags.toml", flags)
        await editor.settles("app/checkout.py", [FL202, FL301, FL101])
        await editor.settles("flags.toml", [])
        await editor.settles("pyproject.toml", [])

    run(tmp_path, scenario)


def test_registry_and_deployment_config_edits_update_the_readers(tmp_path):
    flags = textwrap.dedent(PROJECT["flags.toml"]).lstrip("\n")

    async def scenario(editor: Editor) -> None:
        editor.open("app/checkout.py")
        await editor.diagnostics("app/checkout.py", 1)
        # flags.toml saved from the editor: `kill_payments` is declared now, and
        # `dark_mode` is active again.
        editor.save("flags.toml", flags.replace('status = "rolled-out"\nvalue = true\n', "")
                    + '\n[flags.kill_payments]\ntype = "kill-switch"\nowner = "payments"\n')
        await editor.settles("app/checkout.py", [])
        # A deployment config changed on disk: now every config serves `new_checkout` off.
        (editor.root / "deploy/staging.env").write_text("new_checkout=false\n")
        editor.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=editor.uri("deploy/staging.env"),
                                     type=types.FileChangeType.Changed)]))
        await editor.settles("flags.toml", [
            ("FL203", 3, (0, 0, 0, 20), "Flag `new_checkout` is `false` in every deployment "
             "config (prod, staging): it is off everywhere, so the code it guards never runs; "
             "`flaglint clean new_checkout --value false` would settle 1 read and remove 1 "
             "dead branch (2 lines); or mark it `status = \"rolled-out\"` with "
             "`value = false`")])

    run(tmp_path, scenario)


# -- hover, definition, references, completion ------------------------------------------------


def test_hover_on_a_flag_read(tmp_path):
    async def scenario(editor: Editor) -> None:
        editor.open("app/checkout.py")
        hover = await editor.hover("app/checkout.py", 4, 12)
        assert hover is not None and hover.range is not None
        assert span(hover.range) == (4, 7, 4, 40)
        assert isinstance(hover.contents, types.MarkupContent)
        assert hover.contents.kind == types.MarkupKind.Markdown
        assert hover.contents.value == (
            "**Flag `new_checkout`** · release · active\n\n"
            "Route carts through the new checkout service\n\n"
            "- owner: payments\n"
            "- created: 2026-01-10\n"
            "- expires: 2099-01-01 (its `expires` date)\n"
            "- declared at flags.toml:1\n"
            "- prod: `false` (deploy/prod.env:1)\n"
            "- staging: `true` (deploy/staging.env:1)\n\n"
            "1 read in 1 file")
        hover = await editor.hover("app/checkout.py", 10, 20)
        assert hover is not None and isinstance(hover.contents, types.MarkupContent)
        assert hover.contents.value == (
            "**Flag `dark_mode`** · release · rolled-out\n\n"
            "- owner: web\n"
            "- value: `true`\n"
            "- declared at flags.toml:8\n\n"
            "1 read in 1 file\n\n"
            "2 open findings:\n"
            "- FL202 app/checkout.py:11:8: Flag `dark_mode` is rolled out with value `true`; "
            "this read always yields it, so the code still branches on a constant\n"
            "- FL301 app/checkout.py:13:5: Flag `dark_mode` is rolled out with value `true`; "
            "the code after the early exit above can never run")
        hover = await editor.hover("app/checkout.py", 16, 40)
        assert hover is not None and isinstance(hover.contents, types.MarkupContent)
        assert hover.contents.value.startswith("**Flag `kill_payments`** · undeclared\n\n"
                                               "1 read in 1 file\n\n1 open finding:\n- FL101")
        assert await editor.hover("app/checkout.py", 1, 0) is None
        # The registry entry answers too.
        editor.open("flags.toml")
        hover = await editor.hover("flags.toml", 7, 3)
        assert hover is not None and isinstance(hover.contents, types.MarkupContent)
        assert hover.contents.value.startswith("**Flag `dark_mode`** · release · rolled-out")

    run(tmp_path, scenario)


def test_definition_and_references_of_a_key(tmp_path):
    async def scenario(editor: Editor) -> None:
        editor.open("app/checkout.py")
        client = editor.client
        at = types.Position(line=4, character=30)
        found = await editor.ask(client.text_document_definition_async(
            types.DefinitionParams(text_document=editor.document("app/checkout.py"),
                                   position=at)))
        assert isinstance(found, list)
        assert [(loc.uri, span(loc)) for loc in found if isinstance(loc, types.Location)] \
            == [(editor.uri("flags.toml"), (0, 0, 0, 20))]
        for declarations in (False, True):
            found = await editor.ask(client.text_document_references_async(
                types.ReferenceParams(
                    text_document=editor.document("app/checkout.py"), position=at,
                    context=types.ReferenceContext(include_declaration=declarations))))
            expected = [("app/checkout.py", (4, 7, 4, 40)), ("deploy/prod.env", (0, 0, 0, 18)),
                        ("deploy/staging.env", (0, 0, 0, 17)),
                        ("tests/test_checkout.py", (5, 0, 5, 43))]
            if declarations:
                expected.insert(0, ("flags.toml", (0, 0, 0, 20)))
            assert [(loc.uri.rsplit("/project/", 1)[1], span(loc)) for loc in found or []] \
                == expected
        # From a config line, the same key.
        editor.open("deploy/prod.env")
        found = await editor.ask(client.text_document_definition_async(
            types.DefinitionParams(text_document=editor.document("deploy/prod.env"),
                                   position=types.Position(line=0, character=2))))
        assert [span(loc) for loc in found or [] if isinstance(loc, types.Location)] == \
            [(0, 0, 0, 20)]

    run(tmp_path, scenario)


def test_completion_of_keys_in_a_readers_key_argument(tmp_path):
    async def scenario(editor: Editor) -> None:
        editor.open("app/checkout.py")
        await editor.diagnostics("app/checkout.py", 1)
        typed = CHECKOUT + '\n\ndef later():\n    return client.is_enabled("ne'
        editor.change("app/checkout.py", typed)

        async def complete(line: int, character: int) -> types.CompletionList | None:
            found = await editor.ask(editor.client.text_document_completion_async(
                types.CompletionParams(text_document=editor.document("app/checkout.py"),
                                       position=types.Position(line=line,
                                                               character=character))))
            assert found is None or isinstance(found, types.CompletionList)
            return found

        found = await complete(23, 32)
        assert found is not None
        assert [(i.label, i.detail, span(i.text_edit.range), i.text_edit.new_text)
                for i in found.items if isinstance(i.text_edit, types.TextEdit)] == [
            ("dark_mode", "release · web · rolled-out", (23, 30, 23, 32), "dark_mode"),
            ("new_checkout", "release · payments · active", (23, 30, 23, 32), "new_checkout")]
        documentation = found.items[1].documentation
        assert isinstance(documentation, types.MarkupContent)
        assert documentation.value == "Route carts through the new checkout service"
        # By keyword, the key is `feature_name`; another argument, or another call, is none.
        for text, character in (('client.is_enabled(feature_name="', 36),
                                ('client.is_enabled("x", context="', 36),
                                ('print("', 11)):
            editor.change("app/checkout.py", CHECKOUT + f"\n\ndef later():\n    {text}")
            found = await complete(23, character)
            assert (found is not None) == text.startswith("client.is_enabled(feature"), text

    run(tmp_path, scenario)


# -- code actions ------------------------------------------------------------------------------


def test_code_actions_fix_ignore_and_clean(tmp_path):
    async def scenario(editor: Editor) -> None:
        editor.open("app/checkout.py")
        await editor.diagnostics("app/checkout.py", 1)
        offered = await editor.actions("app/checkout.py", 10)
        assert [(a.title, a.kind) for a in offered] == [
            ("flaglint (FL202): Replace the read with `True`", types.CodeActionKind.QuickFix),
            ("flaglint (FL202): Disable for this line", types.CodeActionKind.QuickFix),
            ("flaglint: Clean flag `dark_mode` (settle it to `true`)",
             "source.cleanFlag.flaglint")]
        fix, ignore, clean = offered
        assert fix.is_preferred is True and fix.edit is None  # made when asked for
        assert [brief(d) for d in fix.diagnostics or []] == [FL202]
        resolved = await editor.ask(editor.client.code_action_resolve_async(fix))
        assert edits(resolved.edit) == [
            ("app/checkout.py", 1, [((10, 0, 13, 0), '    return "dark"\n')])]
        assert edits(ignore.edit) == [
            ("app/checkout.py", 1, [((10, 0, 11, 0), '    if client.is_enabled("dark_mode"):  '
                                     '# flaglint: ignore[FL202]\n')])]
        resolved = await editor.ask(editor.client.code_action_resolve_async(clean))
        assert edits(resolved.edit) == [
            ("app/checkout.py", 1, [((10, 0, 13, 0), '    return "dark"\n')]),
            ("flags.toml", None, [((6, 0, 12, 0), "")])]
        # Only what is asked for: source actions.
        offered = await editor.actions("app/checkout.py", 10, only=["source"])
        assert [a.title for a in offered] == [
            "flaglint: Clean flag `dark_mode` (settle it to `true`)"]
        # An active flag is cleaned to either value.
        offered = await editor.actions("app/checkout.py", 4)
        assert [a.title for a in offered] == [
            "flaglint: Clean flag `new_checkout` (settle it to `true`)",
            "flaglint: Clean flag `new_checkout` (settle it to `false`)"]

    run(tmp_path, scenario)


def test_no_edit_is_offered_for_a_registry_edited_and_not_saved(tmp_path):
    """flags.toml changed in the editor and not saved asks for no analysis (it counts once
    saved), so the analysis's view of the open buffers said it was clean: the clean's edit
    of it, made from the file on disk, was sent for the edited buffer, whose lines it
    misplaced (a duplicated `[flags.…]` header in a client without versions)."""
    async def scenario(editor: Editor) -> None:
        editor.open("app/checkout.py")
        editor.open("flags.toml")
        await editor.diagnostics("app/checkout.py", 1)
        editor.change("flags.toml", "# reviewed\n" + (editor.root / "flags.toml").read_text())
        clean = (await editor.actions("app/checkout.py", 10, only=["source"]))[0]
        assert clean.title == "flaglint: Clean flag `dark_mode` (settle it to `true`)"
        resolved = await editor.ask(editor.client.code_action_resolve_async(clean))
        assert resolved.edit is None
        await editor.until(lambda: editor.messages or None, "a message")
        assert editor.messages == [
            "flaglint: save flags.toml first: flaglint reads it from disk"]

    run(tmp_path, scenario)


def test_code_actions_on_an_unsaved_buffer(tmp_path):
    async def scenario(editor: Editor) -> None:
        editor.open("app/checkout.py")
        version = editor.change("app/checkout.py", "# moved down\n" + CHECKOUT)
        shown = await editor.diagnostics("app/checkout.py", version)
        assert [d.range.start.line for d in shown] == [11, 13, 17]
        offered = await editor.actions("app/checkout.py", 11)
        resolved = await editor.ask(editor.client.code_action_resolve_async(offered[0]))
        assert edits(resolved.edit) == [
            ("app/checkout.py", version, [((11, 0, 14, 0), '    return "dark"\n')])]
        # Another file opened meanwhile (the project analysed again): the same fix is made.
        editor.open("app/__init__.py")
        await editor.diagnostics("app/__init__.py", 1)
        again = await editor.ask(editor.client.code_action_resolve_async(offered[0]))
        assert edits(again.edit) == edits(resolved.edit)
        # A fix offered before the buffer changed is not made on the new text.
        editor.change("app/checkout.py", "# moved down\n\n" + CHECKOUT)
        stale = await editor.ask(editor.client.code_action_resolve_async(offered[0]))
        assert stale.edit is None

    run(tmp_path, scenario)


def test_code_actions_come_with_their_edits_for_clients_that_do_not_resolve(tmp_path):
    async def scenario(editor: Editor) -> None:
        editor.open("app/checkout.py")
        offered = await editor.actions("app/checkout.py", 10)
        assert [(a.title, edits(a.edit)) for a in offered] == [
            ("flaglint (FL202): Replace the read with `True`",
             [("app/checkout.py", None, [((10, 0, 13, 0), '    return "dark"\n')])]),
            ("flaglint (FL202): Disable for this line",
             [("app/checkout.py", None, [((10, 0, 11, 0), '    if client.is_enabled('
                                          '"dark_mode"):  # flaglint: ignore[FL202]\n')])]),
            ("flaglint: Clean flag `dark_mode` (settle it to `true`)",
             [("app/checkout.py", None, [((10, 0, 13, 0), '    return "dark"\n')]),
              ("flags.toml", None, [((6, 0, 12, 0), "")])])]

    run(tmp_path, scenario, resolve=False, versioned=False)


# -- flags defined in code ---------------------------------------------------------------------

IN_CODE = {
    "pyproject.toml": """
        [tool.flaglint]
        presets = []

        [[tool.flaglint.definitions]]
        class = "app.flags.Feature"

        [[tool.flaglint.definitions]]
        call = "app.flags.bool_state"
        key = [0, "name"]
        attributes = ["value"]

        [[tool.flaglint.readers]]
        call = "app.flags.is_enabled"
        key = 0
    """,
    "app/__init__.py": "",
    "app/flags.py": """
        import enum
        import os


        class Feature(enum.Enum):
            FAST_SEARCH = "fast_search"


        class _Holder:
            def __init__(self, name, default):
                self.name = name
                self.value = default


        def bool_state(name, default=False):
            return _Holder(name, default)


        def is_enabled(key):
            return os.getenv(str(key)) == "1"


        new_router = bool_state(name="new_router", default=True)
    """,
    "app/views.py": """
        from app import flags
        from app.flags import Feature, is_enabled


        def search():
            if is_enabled(Feature.FAST_SEARCH):
                return "fast"
            return "slow"


        def route():
            if flags.new_router.value:
                return "smart"
            return "legacy"
    """,
}


def test_flags_defined_in_code_enum_members_and_holders(tmp_path):
    async def scenario(editor: Editor) -> None:
        editor.open("app/views.py")
        assert await editor.diagnostics("app/views.py", 1) == []

        async def definition(line: int, character: int) -> list[tuple[str, Any]]:
            found = await editor.ask(editor.client.text_document_definition_async(
                types.DefinitionParams(text_document=editor.document("app/views.py"),
                                       position=types.Position(line=line,
                                                               character=character))))
            return [(loc.uri.rsplit("/project/", 1)[1], span(loc)) for loc in found or []
                    if isinstance(loc, types.Location)]

        # The Enum member, from a read that passes it.
        assert await definition(5, 30) == [("app/flags.py", (5, 4, 5, 31))]
        # The holder, from a read through its attribute.
        assert await definition(11, 18) == [("app/flags.py", (22, 13, 22, 56))]
        hover = await editor.hover("app/views.py", 11, 18)
        assert hover is not None and isinstance(hover.contents, types.MarkupContent)
        assert hover.contents.value == ("**Flag `new_router`** · active\n\n"
                                        "- defined at app/flags.py:23\n\n1 read in 1 file")
        # Keys defined in code are completed too.
        editor.change("app/views.py", textwrap.dedent(IN_CODE["app/views.py"]).lstrip()
                      + '\n\ndef later():\n    return is_enabled("')
        found = await editor.ask(editor.client.text_document_completion_async(
            types.CompletionParams(text_document=editor.document("app/views.py"),
                                   position=types.Position(line=17, character=23))))
        assert isinstance(found, types.CompletionList)
        assert [(i.label, i.detail) for i in found.items] == [
            ("fast_search", "defined in code"), ("new_router", "defined in code")]

    run(tmp_path, scenario, files=IN_CODE)


def test_unsafe_fixes_are_marked(tmp_path):
    """A retired flag's dead branch is removed only by an unsafe fix (a config may serve the
    key again): its action says so and is not the preferred one."""
    files = {"pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n',
             "flags.toml": '[flags.old_cart]\nstatus = "retired"\n',
             "app/__init__.py": "",
             "app/cart.py": """
                 from unleash import client


                 def helper():
                     return "old"


                 def cart():
                     if client.is_enabled("old_cart"):
                         return helper()
                     return "new"
             """}

    async def scenario(editor: Editor) -> None:
        editor.open("app/cart.py")
        await editor.diagnostics("app/cart.py", 1)
        offered = await editor.actions("app/cart.py", 8)
        fixes = [a for a in offered if a.kind == types.CodeActionKind.QuickFix
                 and "Disable" not in a.title]
        assert [(a.title, a.is_preferred) for a in fixes] == [
            ("flaglint (FL301): Delete the `if` body and keep what runs instead (unsafe)",
             False)]
        resolved = await editor.ask(editor.client.code_action_resolve_async(fixes[0]))
        assert edits(resolved.edit) == [
            ("app/cart.py", 1, [((0, 0, 3, 0), ""), ((8, 0, 10, 0), "")])]  # and the import

    run(tmp_path, scenario, files=files)


def test_bad_input_never_ends_the_server(tmp_path):
    """Requests about what the server does not know, a file that is not UTF-8 and a stale or
    foreign action get no answer or an empty one, and the server goes on answering."""
    files = {**PROJECT, "app/latin.py": ""}
    outside = tmp_path / "elsewhere.py"
    outside.write_text('from unleash import client\nclient.is_enabled("x")\n')

    async def scenario(editor: Editor) -> None:
        (editor.root / "app/latin.py").write_bytes(b"NAME = '\xe9t\xe9'\n")
        editor.save("app/latin.py")
        await editor.settles("app/latin.py", [
            ("FL001", 1, (0, 8, 0, 8), "Cannot decode: byte 0xe9 is not valid utf-8 (declare "
             "the file's encoding with a `# -*- coding: NAME -*-` line); its flag reads are "
             "not checked")])
        client = editor.client
        nowhere = types.Position(line=0, character=0)
        # A buffer with no file, a file in no workspace folder, a document never opened,
        # a position past the end.
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri="untitled:Untitled-1",
                                                 language_id="python", version=1,
                                                 text='client.is_enabled("x")\n')))
        assert await editor.ask(client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri="untitled:Untitled-1"),
            position=nowhere))) is None
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(
                uri=editor.uri("app/never_opened.py"), version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="(")]))
        assert await editor.hover("app/checkout.py", 400, 3) is None
        assert await editor.hover("app/never_opened.py", 0, 0) is None
        found = await editor.ask(client.text_document_definition_async(types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=outside.as_uri()),
            position=types.Position(line=1, character=3))))
        assert not found
        foreign = types.CodeAction(title="not ours", data={"uri": editor.uri("app/x.py"),
                                                           "fix": 99, "digest": "no"})
        resolved = await editor.ask(client.code_action_resolve_async(foreign))
        assert resolved.edit is None
        # Still answering.
        hover = await editor.hover("app/checkout.py", 4, 12)
        assert hover is not None and hover.range is not None
        assert span(hover.range) == (4, 7, 4, 40)

    run(tmp_path, scenario, files=files)


def test_each_workspace_folder_has_its_own_configuration(tmp_path):
    """Two projects open side by side: each folder is configured and analysed as `check`
    run in it would be (one reads Unleash with a registry, the other its own API)."""
    files = {**{f"shop/{name}": text for name, text in PROJECT.items()},
             **{f"search/{name}": text for name, text in IN_CODE.items()}}

    async def scenario(editor: Editor) -> None:
        editor.open("shop/app/checkout.py")
        editor.open("search/app/views.py")
        shown = await editor.diagnostics("shop/app/checkout.py", 1)
        assert [brief(d) for d in shown] == [FL202, FL301, FL101]
        assert await editor.diagnostics("search/app/views.py", 1) == []
        hover = await editor.hover("search/app/views.py", 11, 18)
        assert hover is not None and isinstance(hover.contents, types.MarkupContent)
        assert hover.contents.value.startswith("**Flag `new_router`** · active\n\n"
                                               "- defined at app/flags.py:23")
        hover = await editor.hover("shop/app/checkout.py", 4, 12)
        assert hover is not None and isinstance(hover.contents, types.MarkupContent)
        assert "- declared at flags.toml:1" in hover.contents.value

    run(tmp_path, scenario, files=files, folders=("shop", "search"))


def test_a_client_that_does_not_resolve_runs_a_cleanup_as_a_command(tmp_path):
    """A cleanup analyses the whole project again: offered to a client that cannot ask for
    an action's edit later, it is a command, and the server sends its edit once picked."""

    async def scenario(editor: Editor) -> None:
        editor.open("app/checkout.py")
        offered = await editor.actions("app/checkout.py", 10)
        assert [(a.title, a.edit is None) for a in offered] == [
            ("flaglint (FL202): Replace the read with `True`", False),
            ("flaglint (FL202): Disable for this line", False),
            ("flaglint: Clean flag `dark_mode` (settle it to `true`)", True)]
        command = offered[2].command
        assert command is not None and command.command == "flaglint.cleanFlag"
        await editor.ask(editor.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=command.command,
                                       arguments=command.arguments)))
        applied = await editor.until(lambda: editor.applied or None, "an edit to apply")
        assert [edits(edit) for edit in applied] == [[
            ("app/checkout.py", None, [((10, 0, 13, 0), '    return "dark"\n')]),
            ("flags.toml", None, [((6, 0, 12, 0), "")])]]

    run(tmp_path, scenario, resolve=False, versioned=False, applies=True)


def test_hover_says_what_a_flag_service_serves(tmp_path):
    export = (Path(__file__).parent / "data" / "flag-state" / "unleash" /
              "export-production.json").read_text()
    files = {
        "pyproject.toml": '[tool.flaglint]\npresets = ["unleash"]\n\n'
                          '[[tool.flaglint.flag-state]]\nformat = "unleash"\n'
                          'path = "unleash.json"\n',
        "unleash.json": export,
        "app.py": "from UnleashClient import UnleashClient\n\nclient = UnleashClient()\n"
                  "banner = client.is_enabled('beta-banner')\n",
    }

    async def scenario(editor: Editor) -> None:
        editor.open("app.py")
        hover = await editor.hover("app.py", 3, 30)
        assert hover is not None and isinstance(hover.contents, types.MarkupContent)
        assert hover.contents.value.startswith(
            "**Flag `beta-banner`** · release · active\n\n"
            "Banner for the beta programme\n\n"
            "- declared at unleash.json:30 (unleash)\n"
            "- marked stale in unleash\n"
            "- unleash: production targeted\n")

    run(tmp_path, scenario, files=files)


def test_exit_without_shutdown_ends_with_1_as_the_protocol_says(tmp_path):
    """pygls ended its loop on `exit` and dropped the code it chose: the server always ended
    with 0. The protocol says 1 when no `shutdown` came first."""
    def frame(message: dict[str, Any]) -> bytes:
        body = json.dumps(message).encode()
        return b"Content-Length: %d\r\n\r\n" % len(body) + body

    for shutdown, code in ((False, 1), (True, 0)):
        messages = [{"jsonrpc": "2.0", "id": 1, "method": "initialize",
                     "params": {"processId": None, "rootUri": None, "capabilities": {}}},
                    {"jsonrpc": "2.0", "method": "initialized", "params": {}}]
        if shutdown:
            messages.append({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None})
        messages.append({"jsonrpc": "2.0", "method": "exit", "params": None})
        done = subprocess.run([sys.executable, "-m", "flaglint", "server"], cwd=tmp_path,
                              input=b"".join(map(frame, messages)), capture_output=True,
                              timeout=HUNG)
        assert (shutdown, done.returncode, done.stderr) == (shutdown, code, b"")


def test_a_folder_opened_through_a_symbolic_link_keeps_its_spelling(tmp_path):
    """A workspace folder given through a symbolic link (on macOS /tmp is one): the
    diagnostics of files not open, definitions and references came under the resolved
    path, which an editor takes for other files (nothing shown where the user looks)."""
    real = write_tree(tmp_path / "project", PROJECT)
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)

    async def scenario() -> None:
        async with Editor(link, tmp_path / "server.log") as editor:
            await editor.until(lambda: editor.published or None, "diagnostics")
            editor.open("app/checkout.py")
            await editor.diagnostics("app/checkout.py", 1)
            found = await editor.ask(editor.client.text_document_definition_async(
                types.DefinitionParams(text_document=editor.document("app/checkout.py"),
                                       position=types.Position(line=10, character=27))))
            assert isinstance(found, list) and found
            uris = {*editor.published, *(location.uri for location in found)}
            assert uris and all(uri.startswith(link.as_uri() + "/") for uri in uris), uris

    asyncio.run(scenario())


def test_the_clean_action_says_what_the_command_would_say(tmp_path):
    """The clean action was silent where `flaglint clean` says what it leaves or should be
    looked at: here, a public wrapper it deletes because nothing in the project calls it
    any more (another package may)."""
    files = {**PROJECT, "app/checkout.py": PROJECT["app/checkout.py"] + """

        def dark_on():
            return client.is_enabled("dark_mode")


        def banner():
            return "dark" if dark_on() else "light"
    """}

    async def scenario(editor: Editor) -> None:
        editor.open("app/checkout.py")
        await editor.diagnostics("app/checkout.py", 1)
        clean = (await editor.actions("app/checkout.py", 10, only=["source"]))[0]
        resolved = await editor.ask(editor.client.code_action_resolve_async(clean))
        assert resolved.edit is not None
        await editor.until(lambda: editor.messages or None, "a message")
        assert editor.messages == [
            "flaglint: deleted public definitions nothing in the project calls any more, which "
            "code outside it may: app/checkout.py `dark_on`"]

    run(tmp_path, scenario, files=files)


def test_completion_in_the_only_file_that_imports_the_sdk_while_it_does_not_parse(tmp_path):
    """With no presets configured, a preset is on where its SDK is imported. A file that
    does not parse named no module, so typing `waffle.switch_is_active('` (unclosed) in the
    only file importing waffle turned the preset off, and nothing completed. Such a file now
    names the modules its import lines name, as a file read light does."""
    files = {"pyproject.toml": "[tool.flaglint]\n",
             "flags.toml": '[flags.beta]\nowner = "a"\ntype = "release"\n',
             "app/__init__.py": "",
             "app/views.py": "import waffle\n\n\ndef page(request):\n"
                             "    return waffle.switch_is_active('beta')\n"}

    async def scenario(editor: Editor) -> None:
        editor.open("app/views.py")
        await editor.diagnostics("app/views.py", 1)
        typed = (editor.root / "app/views.py").read_text() + \
            "\n\ndef other():\n    return waffle.switch_is_active('"
        version = editor.change("app/views.py", typed)
        shown = await editor.diagnostics("app/views.py", version)
        assert [d.code for d in shown] == ["FL001"]
        found = await editor.ask(editor.client.text_document_completion_async(
            types.CompletionParams(text_document=editor.document("app/views.py"),
                                   position=types.Position(line=8, character=36))))
        assert isinstance(found, types.CompletionList)
        assert [item.label for item in found.items] == ["beta"]

    run(tmp_path, scenario, files=files)
