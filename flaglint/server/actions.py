"""Code actions: each finding's fix (its text edits as the fix pipeline makes them, in every
file it changes), a comment that suppresses a finding on its line, and `flaglint clean KEY`
as a source action (the clean engine, run dry, gives the edits).

A fix's and a cleanup's edits take work: when the client resolves actions on request, they
are made when it asks (`codeAction/resolve`), else with the list."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from lsprotocol import types

from flaglint import store as cache
from flaglint.findings import Finding, FlagValue
from flaglint.server.diagnostics import findings_at
from flaglint.server.lookup import spot_at, spots_on
from flaglint.server.session import Analysis, shown
from flaglint.server.text import Units, text_edits
from flaglint.suppressions import Suppressions

CLEAN = f"{types.CodeActionKind.Source.value}.cleanFlag.flaglint"
CLEAN_COMMAND = "flaglint.cleanFlag"  # for clients that neither resolve actions nor wait
_IGNORE = re.compile(r"#\s*flaglint:\s*ignore\[([^\]]*)\]")
_NOQA = re.compile(r"#\s*noqa:\s*[A-Za-z]+[0-9]+(?:[,\s]+[A-Za-z]+[0-9]+)*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Client:
    """What the client takes: its position encoding, and how it takes edits."""

    units: Units
    lazy: bool  # it asks for an action's edit when the user picks it
    versioned: bool  # it takes edits of documents at a version (`documentChanges`)
    applies: bool = False  # it applies an edit the server sends (`workspace/applyEdit`)


def code_actions(analysis: Analysis, rel: str, wanted: types.Range,
                 only: Sequence[str] | None, client: Client) -> list[types.CodeAction]:
    found: list[types.CodeAction] = []
    at = list(findings_at(analysis, rel, wanted, client.units))
    for index, finding, diagnostic in at:
        if finding.fix is not None:
            found += _ready(analysis, _fix_action(analysis, index, finding, diagnostic), client)
    ignored = set()
    for _, finding, diagnostic in at:
        if (finding.code, finding.span.line) not in ignored:
            ignored.add((finding.code, finding.span.line))
            action = _ignore_action(analysis, finding, diagnostic, client)
            if action is not None:
                found.append(action)
    # The flags named where the cursor is (the one under it first), then on the lines of
    # the range, then the flags of the findings there.
    text = analysis.text(rel, client.units)
    line, column = text.column(wanted.start)
    spot = spot_at(analysis, rel, line, column)
    keys = [spot.key] if spot is not None and spot.key is not None else []
    keys += [s.key for s in spots_on(analysis, rel, line, text.column(wanted.end)[0])
             if s.key is not None]
    keys += [finding.flag for _, finding, _ in at if finding.flag is not None]
    for key in dict.fromkeys(keys):
        for value in clean_values(analysis, key):
            action = _clean_action(analysis, rel, key, value)
            if not client.lazy and client.applies:
                # A cleanup analyses the whole project again: a client that cannot ask for
                # it later runs it as a command, whose edit the server then sends.
                action.command = types.Command(title=action.title, command=CLEAN_COMMAND,
                                               arguments=[action.data])
                found.append(action)
            else:
                found += _ready(analysis, action, client)
    return [action for action in found if _wanted(action, only)]


def _wanted(action: types.CodeAction, only: Sequence[str] | None) -> bool:
    kind = str(getattr(action.kind, "value", action.kind))
    return not only or any(kind == k or kind.startswith(f"{k}.") for k in only)


def _ready(analysis: Analysis, action: types.CodeAction,
           client: Client) -> list[types.CodeAction]:
    """The action as offered: as it is when the client asks for its edit later, else with
    its edit (and not at all when it has none)."""
    if client.lazy:
        return [action]
    resolved, _ = resolve(analysis, action, client)
    return [resolved] if resolved.edit is not None else []


def _fix_action(analysis: Analysis, index: int, finding: Finding,
                diagnostic: types.Diagnostic) -> types.CodeAction:
    assert finding.fix is not None
    title = f"flaglint ({finding.code}): {finding.fix.description}"
    if not finding.fix.safe:
        title += " (unsafe)"
    return types.CodeAction(title=title, kind=types.CodeActionKind.QuickFix,
                            diagnostics=[diagnostic], is_preferred=finding.fix.safe,
                            data={"uri": analysis.uri(finding.path), "fix": index,
                                  "digest": analysis.digest, "finding": _identity(finding)})


def _identity(finding: Finding) -> list[object]:
    """What names a finding across analyses: its code, place and message."""
    return [finding.code, finding.path, finding.span.line, finding.span.column,
            finding.message]


def _ignore_action(analysis: Analysis, finding: Finding, diagnostic: types.Diagnostic,
                   client: Client) -> types.CodeAction | None:
    text = analysis.text(finding.path, client.units)
    line = text.line(finding.span.line)
    changed = ignoring(line, finding.code)
    if changed is None or finding.path.endswith(".json"):
        return None
    after = text.lines[:]
    after[finding.span.line - 1] = changed + text.lines[finding.span.line - 1][len(line):]
    scan = Suppressions.scan_python if finding.path.endswith(".py") else Suppressions.scan
    if not scan("".join(after)).suppresses(finding.span.line, finding.code):
        return None  # no comment can go there (a string's line): nothing is offered
    edit = _workspace_edit(analysis, [(finding.path, text.text, "".join(after))], client)
    if isinstance(edit, str):
        return None
    return types.CodeAction(title=f"flaglint ({finding.code}): Disable for this line",
                            kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                            edit=edit)


def ignoring(line: str, code: str) -> str | None:
    """The line with a comment that suppresses `code` on it; None when a comment cannot
    end it (a line continued with a backslash)."""
    bare = line.rstrip()
    if bare.endswith("\\"):
        return None
    found = _IGNORE.search(bare)
    if found is not None:
        codes = found.group(1).strip()
        return bare[:found.start(1)] + (f"{codes}, {code}" if codes else code) + \
            bare[found.end(1):]
    found = _NOQA.search(bare)
    if found is not None:
        return f"{bare[:found.end()]}, {code}{bare[found.end():]}"
    return f"{bare}  # flaglint: ignore[{code}]"


def clean_values(analysis: Analysis, key: str) -> list[FlagValue]:
    """The values `flaglint clean KEY` is offered with: the one the flag is settled to
    (rolled out, served by every deployment config, ended), else both booleans; none for
    a key with two lives, which clean refuses."""
    from flaglint.analysis.lifecycle import ending
    from flaglint.fixes.value import flag_variants
    from flaglint.rules.fl203_settled_in_config import served_everywhere
    from flaglint.sources.registry import Status

    project = analysis.project
    if key in project.two_lives or (key not in project.records and
                                    not project.graph.reads_of(key)):
        return []
    decl = project.registry.flags.get(key)
    if decl is not None and decl.status is Status.ROLLED_OUT and decl.value is not None:
        return [decl.value]
    everywhere = served_everywhere(project, [key])
    if key in everywhere:
        return [everywhere[key]]
    if ending(project, key) is not None:
        return [False]
    variants = flag_variants(project, key)
    return sorted(variants) if variants else [True, False]


def _clean_action(analysis: Analysis, rel: str, key: str,
                  value: FlagValue) -> types.CodeAction:
    return types.CodeAction(title=f"flaglint: Clean flag `{key}` (settle it to "
                                    f"`{shown(value)}`)", kind=CLEAN,
                              data={"uri": analysis.uri(rel), "clean": key,
                                    "value": shown(value)})


def resolve(analysis: Analysis, action: types.CodeAction,
            client: Client) -> tuple[types.CodeAction, str | None]:
    """The action with its edit, and what keeps it from having one (or what is left to do
    by hand after it)."""
    data: dict[str, Any] = action.data if isinstance(action.data, dict) else {}
    if "fix" in data:
        if data.get("digest") == analysis.digest:
            finding = analysis.findings[int(data["fix"])]
        else:  # analysed again since (a file opened): the same finding, fixed as it is now
            same = [f for f in analysis.findings
                    if f.fix is not None and _identity(f) == data.get("finding")]
            if not same:
                return action, "the project changed since this fix was offered: ask again"
            finding = same[0]
        changes = _fix_changes(analysis, finding)
        notes = None
    elif "clean" in data:
        found = _clean_changes(analysis, str(data["clean"]), str(data["value"]))
        if isinstance(found, str):
            return action, found
        changes, notes = found
    else:
        return action, None
    edit = _workspace_edit(analysis, changes, client)
    if isinstance(edit, str):
        return action, edit
    action.edit = edit
    return action, notes


def _fix_changes(analysis: Analysis, finding: Finding) -> list[tuple[str, str, str]]:
    from flaglint.engine.fixing import preview

    assert finding.fix is not None
    try:
        return [(r.path, r.before, r.after) for r in preview(analysis.project, finding.fix)]
    finally:
        analysis.store.close()


def _clean_changes(analysis: Analysis, key: str, value: str
                   ) -> tuple[list[tuple[str, str, str]], str | None] | str:
    """What `flaglint clean KEY --value V --dry-run` would change, file by file, and what
    it would leave to do by hand; or why it cannot run."""
    from flaglint.engine.cleaning import CleanError, clean_flag
    from flaglint.fixes.apply import FixScope
    from flaglint.sources.discover import GlobSet

    config = analysis.config
    store = cache.Store.default()
    try:
        report = clean_flag(config, dt.date.today(), key, value,
                            FixScope(unsafe=True, tests=True), store,
                            workers=os.cpu_count() or 1, tests=GlobSet(config.tests).match,
                            dry_run=True, retire=False, overlay=analysis.overlay)
    except CleanError as error:
        return str(error)
    finally:
        store.close()
    changes = [(r.path, r.before, r.after) for r in report.fixes.changed]
    if report.registry_path is not None and report.registry_after is not None and \
            report.registry_before != report.registry_after:
        changes.append((report.registry_path, report.registry_before or "",
                        report.registry_after))
    changes += [(path, report.configs.before[path], after)
                for path, after in sorted(report.configs.after.items())]
    left = [*report.left, *report.unreadable, *report.defined_in_code,
            *(where for where, _ in report.configs.left),
            *(f"{r.path}:{r.position[0]} (`{r.name}` not deleted)"
              for r in report.fixes.refusals(written=False)),
            *(f"{where} (a test class that sets it otherwise)"
              for where in report.test_classes),
            *(f"{where} (test settings that set it otherwise)" for where in report.test_settings),
            *(f"{where} (a test that sets it otherwise)" for where in report.tests_left),
            *(f"{where} (a test that sets it to a variable)" for where in report.tests_variable),
            *(f"{where} (a test helper that sets it otherwise)" for where in report.helpers_left),
            *(f"{where} (uses a constant that holds it)" for where in report.constants_used),
            *(f"{where} (a test that sets a prefixed setting of that name)"
              for where in report.tests_prefixed),
            *(f"{where} (a test that gives it another value)" for where in report.tests_literal),
            *(f"{where} (a call that may set it otherwise as the program runs)"
              for where in report.code_literal)]
    notes = [f"clean `{key}` leaves to do by hand: {', '.join(left)}"] if left else []
    decl = analysis.project.registry.flags.get(key)
    if not report.settled and report.registry_path is None and decl is not None and \
            decl.from_registry:
        notes.append(f"its registry entry stays: a read flaglint cannot follow may use "
                     f"it ({'; '.join(report.loose[:2])})" if report.loose and
                     not report.left and not report.unreadable else "its registry entry stays")
    if report.test_only:
        notes.append(f"only tests call now {', '.join(report.test_only)}")
    if report.tests_deleted:
        notes.append(f"deletes the tests "
                     f"{', '.join(t.describe(on_disk=True) for t in report.tests_deleted)}")
    if report.tests_cut:
        notes.append(f"cuts the tests "
                     f"{', '.join(t.describe(on_disk=True) for t in report.tests_cut)}")
    if report.public_wrappers:
        notes.append(f"deleted public definitions nothing in the project calls any more, which "
                     f"code outside it may: {', '.join(report.public_wrappers)}")
    return changes, "; ".join(notes) or None


def _workspace_edit(analysis: Analysis, changes: Iterable[tuple[str, str, str]],
                    client: Client) -> types.WorkspaceEdit | str:
    """The edit making these changes (path, before, after); or why it cannot be made."""
    documents: list[types.TextDocumentEdit] = []
    by_uri: dict[str, list[types.TextEdit]] = {}
    for rel, before, after in changes:
        why = analysis.stale(rel)
        if why is not None:
            return why
        edits = text_edits(before, after, client.units)
        if not edits:
            continue
        uri = analysis.uri(rel)
        by_uri[uri] = edits
        documents.append(types.TextDocumentEdit(
            text_document=types.OptionalVersionedTextDocumentIdentifier(
                uri=uri, version=analysis.version(rel)),
            edits=list(edits)))
    if not documents:
        return "nothing to change"
    if client.versioned:
        return types.WorkspaceEdit(document_changes=list(documents))
    return types.WorkspaceEdit(changes=by_uri)
