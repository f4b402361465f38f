"""One round of fixes: the fixes the scope allows, taken whole, applied to the files held
in memory, and refused file by file when a result would not parse or would delete a
definition something still names. Nothing here analyses the project again: the driver
(engine/fixing.py) does, between rounds."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from flaglint.analysis.imports import kept_imports
from flaglint.analysis.references import Place, Reference, blocking, references
from flaglint.analysis.references import places as reference_places
from flaglint.facts import FileFacts, ValueKind
from flaglint.findings import Finding, Fix
from flaglint.fixes.apply import FixMemo, FixScope, Transformed, known_unused, plan, transform
from flaglint.fixes.plans import FilePlan, FixResult
from flaglint.fixes.report import Blocked, Fixed, FixReport, line_map
from flaglint.links.resolve import is_settings_module
from flaglint.model.project import Project
from flaglint.processes import Workers
from flaglint.store import content_key

T = TypeVar("T")


def apply_round(project: Project, fixes: Sequence[tuple[T, Fix]], blocked: list[Fix],
                scope: FixScope, report: FixReport, workers: Workers | None = None,
                memo: FixMemo | None = None) -> list[T]:
    """Apply one round of fixes to the overlay; return the findings whose fixes went in.
    A file whose result would not parse is refused with every fix that edits it; a fix
    that deletes a definition something still refers to is refused alone, with where.
    `workers`: the processes that fix files, when the run started them; `memo`: where files
    fixed before are kept."""
    root = project.config.root
    refused_files: set[str] = set()
    refused_edits: set[tuple[str, int, int]] = set()
    tried: dict[str, _Tried] = {}  # a plan transformed before, by path
    named_in: _Named = {}  # which words each file's text names, across the rounds
    while True:
        allowed = [(owner, fix) for owner, fix in fixes
                   if not any(e.path in refused_files or (e.path, *e.position) in refused_edits
                              for e in fix.edits)]
        plans, chosen = plan(allowed, blocked, scope, root)
        if not plans:
            return []
        unused = known_unused(root, plans, report.overlay, memo) if memo is not None else {}
        for rel, file_plan in plans.items():
            file_plan.keep_imports = kept_imports(project, rel, set(plans), unused.get(rel))
        todo = {rel: p for rel, p in plans.items() if rel not in tried or tried[rel].plan != p}
        for done, (rel, file_plan) in zip(transform(root, todo, report.overlay, workers, memo),
                                          sorted(todo.items()), strict=True):
            tried[rel] = _Tried(file_plan, done)
        results = [tried[rel].done for rel in sorted(plans)]
        unparsed = {done.result.path for done in results if done.result.refused is not None}
        for done in results:
            if done.result.refused is not None:
                report.record(done.result)
        named = still_referred(project, results, named_in, memo)
        for refusal in named:
            report.block(refusal)
        if unparsed or named:
            refused_files |= unparsed  # and every fix that edits such a file waits with it
            refused_edits |= {(r.path, *r.position) for r in named}
            continue
        for done in results:
            if done.result.changed:
                report.record(done.result)
                report.overlay[done.result.path] = done.data
        return chosen if any(done.result.changed for done in results) else []


@dataclass(frozen=True, slots=True)
class _Tried:
    plan: FilePlan
    done: Transformed


def applicable(project: Project, fixes: Sequence[tuple[T, Fix]], blocked: list[Fix],
               memo: FixMemo | None = None, workers: Workers | None = None
               ) -> tuple[list[T], list[str]]:
    """Which of these fixes the first round of `--fix --unsafe-fixes --fix-tests` applies
    (a fix is offered only when it would be), and why the others are refused: `path:line:
    ...` of each deletion something still refers to and each file whose fix would not
    parse (`workers`: the processes that fix files, when the run started them). Nothing
    is recorded anywhere."""
    scratch = FixReport(overlay=dict(project.overlay or {}))
    chosen = apply_round(project, fixes, blocked, FixScope(unsafe=True, tests=True), scratch,
                         workers, memo)
    why = [refusal.describe() for refusal in scratch.blocked]
    why += [f"{result.path}: {result.refused}" for result in scratch.refused]
    return chosen, why


def preview(project: Project, fix: Fix) -> list[FixResult]:
    """What applying this one fix alone would change, file by file; empty when the pipeline
    would refuse it (a file that would not parse, a definition something still refers
    to)."""
    root = project.config.root
    plans, chosen = plan([(0, fix)], [], FixScope(unsafe=True, tests=True), root)
    if not chosen:
        return []
    for rel, file_plan in plans.items():
        file_plan.keep_imports = kept_imports(project, rel)
    results = transform(root, plans, project.overlay or {})
    if any(done.result.refused is not None for done in results) or \
            still_referred(project, results):
        return []
    return [done.result for done in results if done.result.changed]


# Whether a text (by its content key) names each word sought in it: a round refused in part
# is tried again without what was refused, over the same texts
_Named = dict[str, dict[bytes, bool]]


def still_referred(project: Project, results: list[Transformed],
                   named_in: _Named | None = None, memo: FixMemo | None = None
                   ) -> list[Blocked]:
    """The definitions these fixes delete that something in the project, once fixed, still
    refers to or may refer to (`analysis/references.py`): a use, a string that names it, a
    lookup by value, a name flaglint cannot resolve. A definition is deleted only when
    nothing may refer to it any more: the last guard against deleting code that runs.
    `memo`: where earlier runs kept which texts name which words."""
    fixed = {done.result.path: done.data for done in results}
    deleted = []  # (path, position, name, qualname, keys) of each definition deleted
    for done in results:
        facts = project.facts_of(done.result.path)
        if facts is None or not done.result.removed_names:
            continue
        for name, position in sorted(done.result.removed_names.items()):
            qualname = f"{facts.module}.{name}"
            deleted.append((done.result.path, position, name, qualname,
                            _keys(facts, qualname)))
    # A setting a settings module binds is read as `django.conf.settings.NAME` (the
    # review's: `clean CLOUD_ON`, a setting the preset takes for no flag, deleted its line
    # while `settings.CLOUD_ON` was still read)
    also = {q: (f"django.conf.settings.{name}", keys) for _, _, name, q, keys in deleted
            if is_settings_module(q.rpartition(".")[0])}
    referring = _referring(project, fixed, {(q, keys) for *_, q, keys in deleted} |
                           set(also.values()), {} if named_in is None else named_in, memo)
    # A place in a file this round fixes is at a line of its fixed text: where that line
    # is in the text before, which stays when the deletion is refused (a diff of the two,
    # made only for a file a refusal names)
    changed = {done.result.path: done.result for done in results if done.result.changed}
    back: dict[str, Callable[[int], int]] = {}

    def before(place: Place) -> Place:
        if place.path not in changed:
            return place
        if place.path not in back:
            result = changed[place.path]
            back[place.path] = line_map(result.after, result.before)
        return place._replace(line=back[place.path](place.line))

    found = []
    for path, position, name, qualname, keys in deleted:
        # one reason a place: the symbol's own (its settings module's `if KEY:` is a use of
        # it, and no name the settings' object resolves)
        first: dict[tuple[str, int, int], Place] = {}
        for place in referring[qualname, keys] + (referring[also[qualname]]
                                                  if qualname in also else []):
            first.setdefault((place.path, place.line, place.column), place)
        places = list(first.values())
        if places:
            found.append(Blocked(path, position, name, tuple(map(before, places))))
    return found


def _keys(facts: FileFacts, qualname: str) -> frozenset[str]:
    """The strings a lookup may name a definition by: the string it binds (an Enum member's
    value), and the name of an object a call made or of any name a module binds to a value
    (prefect reads its settings back from a mapping by name, `values["PREFECT_X"]`, and
    failed to import once `PREFECT_X` went; Django reads a setting by name, `getattr(
    settings, name)` for the names in a list, whatever the setting is bound to). Not a
    function's or a class's name: a string equal to it is most often something else."""
    owner, _, name = qualname.rpartition(".")
    found = {name} if owner == facts.module and \
        not any(d.qualname == qualname for d in facts.definitions) else set()
    for constant in facts.constants:
        if constant.qualname == qualname:
            if constant.value.kind is ValueKind.STR:
                found.add(constant.value.text)
            elif constant.value.kind is ValueKind.CALL:
                found.add(name)
    return frozenset(found)


def _referring(project: Project, fixed: dict[str, bytes],
               symbols: set[tuple[str, frozenset[str]]], named_in: _Named,
               memo: FixMemo | None) -> dict[tuple[str, frozenset[str]], list[Place]]:
    """Every place that may refer to each symbol (its qualified name, the keys that name
    it). Each text is searched once for the words of them all (Sentry with 67 flags
    settled: 53 deleted definitions, a search of its 15 MB each, was 8 s), and once across
    runs: `memo` keeps, by the words sought, the words each text named (Sentry's 15 MB
    searched again after an edit of one file: 0.2 s)."""
    wanted: dict[bytes, list[tuple[str, frozenset[str]]]] = {}
    for symbol in sorted(symbols, key=lambda s: (s[0], sorted(s[1]))):
        qualname, keys = symbol
        for word in {qualname.rsplit(".", 1)[-1], *keys}:
            wanted.setdefault(word.encode(), []).append(symbol)
    places: dict[tuple[str, frozenset[str]], list[Place]] = {s: [] for s in symbols}
    if not wanted:
        return places
    words = sorted(word.decode() for word in wanted)
    ordered = sorted(wanted)  # the words as bytes, in the order `seen` lists them
    kept = memo.named(words) if memo is not None else {}
    # A word is looked for as text first (in C, 0.4 s for 53 over Sentry's 15 MB), then as
    # a whole word: one pattern of them all would find only one where two overlap
    whole = {word: re.compile(rb"\b" + re.escape(word) + rb"\b") for word in wanted}
    seen: dict[str, tuple[str, ...]] = {}  # each text's words named, as the memo keeps them
    for path in project.paths():
        data, key = _text(project, fixed, path)
        if kept.get(key) == () and key not in named_in:  # names none of them: most texts
            seen[key] = ()
            continue
        answers = named_in.setdefault(key, {})
        if wanted.keys() - answers.keys() and key in kept:
            answers.update((word, word.decode() in kept[key]) for word in wanted)
        sought = wanted.keys() - answers.keys()
        if sought:
            if data is None:
                data = project.source_of(path)
            answers.update(_search(data, sought, whole))
        seen[key] = tuple(word.decode() for word in ordered if answers[word])
        named = {symbol for word, holders in wanted.items() if answers[word]
                 for symbol in holders}
        if named:
            for symbol, found in _resolved(project, path, key, data, named, memo):
                places[symbol] += reference_places(found, path)
    if memo is not None and seen != kept:
        memo.keep_named(words, seen)
    return places


def _resolved(project: Project, path: str, key: str, data: bytes | None,
              named: set[tuple[str, frozenset[str]]], memo: FixMemo | None
              ) -> list[tuple[tuple[str, frozenset[str]], list[Reference]]]:
    """The references that block deleting each of these symbols in one text (`key`: its
    content key; `data`: its bytes, None when not read yet), kept in `memo` by the text,
    its module and the symbol."""
    brief = project.files.brief(path)
    module = brief.module if brief is not None else ""
    is_package = bool(brief and brief.is_package)
    text = None
    resolved = []
    for qualname, keys in sorted(named, key=lambda s: (s[0], sorted(s[1]))):
        entry = content_key("\0".join([key, module, str(is_package), qualname,
                                       *sorted(keys)]).encode())
        found = memo.references(entry) if memo is not None else None
        if found is None:
            if text is None:
                text = (data if data is not None else project.source_of(path)).decode(
                    "utf-8", "replace")
            found = blocking(references(text, module, qualname, keys=keys,
                                        is_package=is_package))
            if memo is not None:
                memo.keep_references(entry, found)
        resolved.append(((qualname, keys), found))
    return resolved


def _search(data: bytes, words: Iterable[bytes], whole: dict[bytes, re.Pattern[bytes]]
            ) -> dict[bytes, bool]:
    """Which of these words a text names as a whole word."""
    return {word: word in data and whole[word].search(data) is not None for word in words}


def _text(project: Project, fixed: dict[str, bytes], path: str) -> tuple[bytes | None, str]:
    """A file's bytes, once fixed (None: not read yet), and their content key."""
    data = fixed.get(path)
    if data is None and path in project.overlay:
        data = project.overlay[path]
    key = project.keys.get(path) if data is None else None
    if key is None:
        if data is None:
            data = project.source_of(path)
        key = content_key(data)
    return data, key


def count_fixed(chosen: Iterable[Finding], before: Iterable[Finding],
                after: Iterable[Finding]) -> Counter[Fixed]:
    """The fixed findings that no longer show, by file and rule. Lines move, so findings are
    matched by what they say (code, flag, file, message): of each such kind, as many are
    fixed as the fixes chose and fewer show after than before."""
    def identity(finding: Finding) -> tuple[str, str | None, str, str]:
        return finding.code, finding.flag, finding.path, finding.message

    chosen = list(chosen)
    rules = {identity(finding): finding.rule for finding in chosen}
    gone = Counter(map(identity, before))
    gone.subtract(map(identity, after))
    fixed: Counter[Fixed] = Counter()
    for kind, count in Counter(map(identity, chosen)).items():
        number = min(count, max(gone[kind], 0))
        if number:
            code, _, path, _ = kind
            fixed[Fixed(path, code, rules[kind])] += number
    return fixed
