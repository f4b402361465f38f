"""The driver: one analysis of a project, stage after stage, each stage's output taken from
the cache under the hash of its inputs or computed.

    inputs ─▶ facts ─▶ links ─┬─ (names no file read binds: read more files, link again)
                              ▼
      registry + history ─▶ project model ─▶ dead code ─┬─ (what dead code calls: read
                              │                          ▼   the files naming it, again)
                              ▼               line origins, the base's gated code
                           analyses rules ask for

Only this module runs those loops (the reading loop's steps are `planning.py`'s), and only
it runs the analyses that read more than the model (git blame; the base tree of a
`--changed-since` run, `regating.py`). A warm run, a run after an edit and a
`--changed-since` run take the same steps as a cold one; what did not change is found in
the cache.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from flaglint import store as cache
from flaglint.analysis import deadcode
from flaglint.analysis.dead_symbols import called_from_dead_code
from flaglint.analysis.deadcode import boolean_text, looks_boolean
from flaglint.analysis.lifecycle import ending
from flaglint.engine import regating
from flaglint.engine.api_notes import api_notes
from flaglint.engine.discovery import flag_api, with_flag_api
from flaglint.engine.inputs import Inputs
from flaglint.engine.linking import Links, call_graph, link
from flaglint.engine.origins import Origins, blame_reads
from flaglint.engine.planning import named_modules, read_and_plan
from flaglint.engine.reading import Reading
from flaglint.facts.prefilter import called_names, reader_needles
from flaglint.links.flag_api import FlagApi
from flaglint.links.model import spellings
from flaglint.model import project as model
from flaglint.model.dead import DeadCode, DeadRegion, DeadSymbol, FileDead, Settled
from flaglint.model.files import ProjectFiles
from flaglint.model.graph import FlagGraph
from flaglint.model.project import Project
from flaglint.processes import Workers
from flaglint.rules.base import Rule
from flaglint.sources import history as githistory
from flaglint.sources.diff import DiffScope
from flaglint.sources.history_model import History, HistoryUnavailable
from flaglint.sources.registry import FlagValue, Registry, Status
from flaglint.tomlsource import flag_table


@dataclass(frozen=True)
class Request:
    """What a run asks of the analysis beyond its inputs."""

    pinned: Mapping[str, FlagValue] = field(default_factory=dict)  # `clean KEY --value V`
    force_full: frozenset[str] = frozenset()  # modules read in full in any case
    # Reads of ended keys are always asked about: a key with two lives (a reuse, a zombie)
    # changes what every rule and fix may say of its reads.
    origins: Origins = Origins.ENDED
    diff: DiffScope | None = None
    regate: bool = False  # with `diff`: compare what each flag gates with the base (FL402)
    history: bool = True  # read git history (the --changed-since base needs none)
    # Files checked for syntax errors even when they name no flag API: those named on the
    # command line or open in an editor, and those the change touches.
    syntax: frozenset[str] = frozenset()


def request_for(rules: Sequence[Rule], diff: DiffScope | None = None,
                named: Iterable[str] = ()) -> Request:
    """What these rules ask of the analysis beyond the model (`named`: the root-relative
    paths named on the command line or open in an editor)."""
    syntax = frozenset(named) | (frozenset(diff.changed) | diff.added if diff else frozenset())
    return Request(diff=diff, regate=diff is not None and any(r.needs_base for r in rules),
                   syntax=syntax)


def analyze(inputs: Inputs, store: cache.Store, request: Request = Request(), *,
            workers: int = 1, fixers: Workers | None = None) -> Project:
    """Everything flaglint knows of the project. With `pinned` (`flaglint clean`), only
    the pinned flags are settled: the cleaning follows that flag's dead code only.
    `fixers` (a check's trial of its fixes) are started when dead code is found anew with
    a dead symbol, whose deletion the trial tries: they import libcst while the analysis
    goes on."""
    api = flag_api(inputs, store, workers=workers)  # nothing configured: found in the code
    inputs = with_flag_api(inputs, api)
    reading = Reading(inputs, store, workers=workers, force_full=request.force_full,
                      syntax=request.syntax)
    names = reader_needles(inputs.config)
    reading.start(names, named_modules(inputs.config), called_names(inputs.config))
    planned, made = read_and_plan(reading, store, names)
    first = made or link(reading, store, planned)
    linked = first.linked
    registry = model.with_aliases(inputs.registry, linked.aliases)
    history, history_note = (_history(inputs, registry, first, store) if request.history
                             else (None, None))
    pinned = dict(request.pinned)
    removed = {} if pinned else model.removed_keys(history, registry, linked)
    statuses = {} if pinned else model.statuses(registry)
    # What dead code calls may be defined, and used elsewhere, in files the prefilter
    # skipped: read the files that name it, until no new file does. What each round says
    # to read is kept under what it depends on: a run that finds it links and analyses
    # dead code once, at the end (Sentry with 68 flags settled, after an edit elsewhere:
    # three rounds, each a linking and dead code's analysis).
    # (and the names imported from a folder inside it that is on `sys.path` itself)
    packages = {source.module.split(".", 1)[0] for source in inputs.sources} | \
        set(planned.roots)
    settling = _settling(statuses, pinned, removed, packages)
    analysed = None  # the key of the round whose dead code `dead` is
    links: Links | None = first
    while True:
        round_key = cache.key("dead-round", settling, planned.key, _unparsed(reading))
        step = store.get("dead-round", round_key, _DeadRound)
        if step is None:
            links = final = links or link(reading, store, planned)
            files, graph, dead = _dead_code(reading, registry, final, store, statuses,
                                            pinned, removed)
            analysed = round_key
            if fixers is not None and dead.symbols:  # a trial will try to delete them
                fixers.start()
            step = _DeadRound(tuple(sorted(called_from_dead_code(
                files, dead, packages))) if dead.regions else None)
            store.put("dead-round", round_key, step, _DeadRound)
        if step.called is None or \
                not reading.read_more({(name,) for name in step.called}, set()):
            break
        names |= {(name,) for name in step.called}
        planned, links = read_and_plan(reading, store, names)
    kept = None
    if analysed != round_key:  # the last round's dead code, as a run before found it
        final = links or link(reading, store, planned)
        kept = store.get("dead-code", round_key, _KeptDead)
        files, graph, dead = _dead_code(reading, registry, final, store, statuses, pinned,
                                        removed, kept)
    if kept is None:
        _keep_dead(store, round_key, dead)
    linked = final.linked
    project = Project(inputs.config, inputs.today, files, registry, graph, linked,
                      model.records(registry, linked, history), dead, pinned, history,
                      history_note, removed,
                      inputs.notes + _found_note(api) + api_notes(inputs.config, linked)
                      + _text_boolean_notes(registry),
                      inputs.deployments, inputs.overlay, request.diff, flag_api=api,
                      services=inputs.services, read=inputs.read, keys=inputs.keys)
    origins, blamed = blame_reads(project, inputs, store, request.origins)
    regated = regating.regated(project, inputs, store, request.diff, workers) \
        if request.diff is not None and request.regate else {}
    if origins or regated or blamed is not None:
        project = dataclasses.replace(project, origins=origins, regated=regated,
                                      blamed=blamed)
    return _one_story(project, statuses, set(removed))


def _one_story(project: Project, statuses: Mapping[str, tuple[Status, FlagValue | None]],
               removed: set[str]) -> Project:
    """Keys with two lives (a reuse, FL401, or left-over code, FL404): the reads of the
    new life are live code, never settled by the old life's end; and every rule and fix
    learns why the key's reads are not settled or cleaned."""
    if project.pinned or project.history is None:
        return project
    lives, new_reads = _two_lives(project)
    if not lives:
        return project
    dead = deadcode.analyze(project.files, project.linked, project.graph, statuses,
                            project.pinned, removed, live=new_reads)
    return dataclasses.replace(project, dead=dead, two_lives=lives)


def _found_note(api: FlagApi) -> tuple[str, ...]:
    """What discovery found, said once: the configuration it stands for, and what it could
    not decide (environment variables named like flags: never used, said)."""
    if not api:
        return api.undecided
    found = [f"`{spec.call}` ({evidence.calls} read{'s' if evidence.calls != 1 else ''})"
             for spec, evidence in api.readers]
    found += [f"`{spec.class_ or spec.call}` (defines flags)" for spec, _ in api.definitions]
    if api.presets and "django-settings" in api.presets:
        found.append("Django settings named like flags (the django-settings preset)")
    return (f"no flag API is configured, so flaglint uses the one it found in the code: "
            f"{', '.join(found)}; `flaglint init` writes it to flaglint.toml for review",
            *api.undecided)


def _text_boolean_notes(registry: Registry) -> tuple[str, ...]:
    """A flag rolled out with the text of a boolean (`value = "false"`): said once, as only
    the reads whose default is text are settled (`deadcode.looks_boolean`)."""
    return tuple(
        f"{decl.path}:{decl.line}: {flag_table(decl.key)} is rolled out with the text "
        f"\"{decl.value}\", which a test of a read takes for true: only its reads whose "
        f"default is text are settled; if the flag is a boolean, write value = "
        f"{boolean_text(decl.value)}"
        for decl in registry.flags.values()
        if decl.status is Status.ROLLED_OUT and decl.from_registry and looks_boolean(decl.value))


def _dead_code(reading: Reading, registry: Registry, links: Links, store: cache.Store,
               statuses: Mapping[str, tuple[Status, FlagValue | None]],
               pinned: Mapping[str, FlagValue], removed: Iterable[str],
               kept: _KeptDead | None = None) -> tuple[ProjectFiles, FlagGraph, DeadCode]:
    """The files read so far, their flag graph, and the dead code the settled reads make
    (`kept`: as a run before found it)."""
    files = ProjectFiles(reading.ordered(), reading, reading.alive)
    graph = _graph(registry, links, reading, store)
    if kept is not None:
        return files, graph, DeadCode(kept.settled, kept.regions, kept.symbols, kept.tested,
                                      {(r.path, r.call): r for r in links.linked.reads})
    return files, graph, deadcode.analyze(files, links.linked, graph, statuses, pinned,
                                          set(removed), kept=_DeadFiles(reading, store))


class _DeadFiles:
    """Each file's part of dead code (`FileDead`), kept under its facts and what settles its
    reads: a round analysed again after an edit decodes the facts of the edited files only
    (Sentry with 68 flags settled: 133 files with a settled read)."""

    def __init__(self, reading: Reading, store: cache.Store) -> None:
        self.reading = reading
        self.store = store

    def _key(self, path: str, ask: str) -> str:
        return cache.key("dead-file", self.reading.facts_key(path, full=True), ask)

    def known(self, asks: Mapping[str, str]) -> dict[str, FileDead]:
        keys = {path: self._key(path, ask) for path, ask in asks.items()}
        found = self.store.get_many("dead-file", keys.values(), FileDead)
        return {path: found[key] for path, key in keys.items() if key in found}

    def keep(self, path: str, ask: str, found: FileDead) -> None:
        self.store.put("dead-file", self._key(path, ask), found, FileDead, later=True)


def _keep_dead(store: cache.Store, round_key: str, dead: DeadCode) -> None:
    """Keep a last round's dead code; much of it (the 4.4 MB module's 9,600 regions: 1.9
    MB, 0.19 s to encode) is encoded by a writer while the rules run."""
    store.put("dead-code", round_key, _KeptDead.of(dead), _KeptDead, later=True)
    if len(dead.settled) + len(dead.regions) >= _WRITE_DEAD_AHEAD:
        store.write_ahead()


_WRITE_DEAD_AHEAD = 5_000  # settled reads and dead regions: below this, a fork costs more


@dataclass(frozen=True, slots=True)
class _KeptDead:
    """The dead code of a last round, as the cache keeps it under the round's key (its
    reads are the linking's): a run after an edit elsewhere decodes none of the facts of
    the files with a settled read (Sentry with 68 flags settled: 133 files)."""

    settled: dict[tuple[str, int], Settled]
    regions: tuple[DeadRegion, ...]
    symbols: tuple[DeadSymbol, ...]
    tested: frozenset[tuple[str, int]]

    @classmethod
    def of(cls, dead: DeadCode) -> _KeptDead:
        return cls(dead.settled, dead.regions, dead.symbols, dead.tested)


@dataclass(frozen=True, slots=True)
class _DeadRound:
    """What one round of dead code's analysis says the driver reads next: the files that
    name these (what dead code calls); None: there is no dead region."""

    called: tuple[str, ...] | None


def _unparsed(reading: Reading) -> list[str]:
    """The files read in full that do not parse: a linking's key leaves them out (it links
    none of them), but a round that read one more made it FL001, and may be the last."""
    return [reading.facts_key(brief.path, full=True) for brief in reading.ordered()
            if brief.complete and brief.error is not None]


def _settling(statuses: Mapping[str, tuple[Status, FlagValue | None]],
              pinned: Mapping[str, FlagValue], removed: Iterable[str],
              packages: Iterable[str]) -> str:
    """What settles reads, and the packages whose calls dead code follows: with the
    linking's key, what a round of dead code's analysis depends on."""
    return cache.key("dead-round", [[key, status.value, value]
                                    for key, (status, value) in sorted(statuses.items())],
                     sorted(pinned.items()), sorted(removed), sorted(packages))


def _graph(registry: Registry, links: Links, reading: Reading,
           store: cache.Store) -> FlagGraph:
    return FlagGraph(registry.flags.values(), links.linked.definitions, links.linked.reads,
                     lambda: call_graph(links, reading, store))


def _history(inputs: Inputs, registry: Registry, links: Links, store: cache.Store
             ) -> tuple[History | None, str | None]:
    """The flags' git history, or why there is none."""
    linked = links.linked
    if not registry.declares and not linked.definitions:
        return None, None
    root = inputs.config.root
    definition_files = sorted({d.path for d in linked.definitions})
    # Keys once defined in code and deleted since are found by what still names them: the
    # reads, and the deployment configs that set them (FL501 on a key deleted from code).
    code_keys = sorted({d.key for d in linked.definitions} | {
        r.key for r in linked.reads if r.key is not None and (
            r.key not in registry.flags or not registry.flags[r.key].from_registry)})
    # A key no line holds (`f'{NS}.beta'`) is looked for as its definition writes it
    spelled = spellings(linked.definitions)
    specs = inputs.config.definitions
    shapes = githistory.DefinitionShapes(
        frozenset(s.class_.rsplit(".", 1)[-1] for s in specs if s.class_),
        frozenset(s.call.rsplit(".", 1)[-1] for s in specs if s.call),
        frozenset(s.call.rsplit(".", 1)[-1] for s in specs if s.call and s.bound_name))
    key = cache.key("history", githistory.HISTORY_VERSION, inputs.git, registry.paths,
                    definition_files, code_keys, sorted(shapes.classes), sorted(shapes.calls),
                    sorted(shapes.bound), sorted(spelled.items()))
    found = store.get("history", key, History) if inputs.git.head else None
    if found is None:
        try:
            found = githistory.read_history(root, registry.paths, definition_files,
                                            set(code_keys), shapes, spelled)
        except HistoryUnavailable as error:
            return None, (f"git history unavailable ({error}): FL401 and FL402 cannot see "
                          f"when keys were removed or changed, reads of retired keys are "
                          f"FL404, and flags without `created` or `expires` are not checked "
                          f"for expiry")
        store.put("history", key, found, History)
    note = None
    if found.shallow:
        note = (f"this is a shallow clone ({found.commits} commits of flag history): "
                f"history rules see only that far; fetch the whole history with "
                f"`git fetch --unshallow` (in GitHub Actions, `fetch-depth: 0`)")
    return found, note


def _two_lives(project: Project) -> tuple[dict[str, str], frozenset[tuple[str, int]]]:
    """The keys FL401 finds on, and those FL404 finds on that were declared again (whatever
    the run selects, over the whole history, not only a `--changed-since` range): key ->
    where that is said; and the reads FL401 calls new. A retired key whose reads are only
    left-over code has one life, ended: settling those reads to their default is its
    cleanup."""
    from flaglint.rules.fl401_reused_key import ReusedKey
    from flaglint.rules.fl404_zombie_flag import ZombieFlag

    whole = dataclasses.replace(project, diff=None)
    found = sorted([*ReusedKey().check(whole), *ZombieFlag().check(whole)],
                   key=lambda f: (f.code, f.sort_key))
    lives: dict[str, str] = {}
    new_reads = set()
    for finding in found:
        if finding.flag is None:
            continue
        if finding.code == "FL404":
            end = ending(project, finding.flag)
            if end is None or end.again is None:
                continue
        lives.setdefault(finding.flag, f"{finding.code} at {finding.path}:{finding.span.line}")
        if finding.code == "FL401":
            new_reads |= {(read.path, read.call) for read in project.graph.reads_of(finding.flag)
                          if read.path == finding.path and read.span == finding.span}
    return lives, frozenset(new_reads)

