"""Parameters `clean` settles or drops: one every call now passes the same boolean is that
boolean where it is tested; one the cleanup left unread goes, with its arguments at every
call, when every call is known."""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Iterable

from flaglint.analysis.references import Kind, Place, beyond_calls, places, references
from flaglint.facts import Call, Definition, FileFacts, ValueKind
from flaglint.findings import Edit, EditKind, Fix, Span
from flaglint.fixes.naming import files_naming, light_files_naming, named_in_light_files
from flaglint.fixes.report import Blocked, FixReport
from flaglint.links.model import ResolvedCall
from flaglint.model.project import Project


def constant_parameters(project: Project, before: Project, report: FixReport
                        ) -> list[tuple[object, Fix]]:
    """Module-level functions called from the changed files whose parameter every known call
    now passes as the same `True` or `False`, where the calls `before` the cleanup did not
    (the cleanup settled what it was, or removed a call that passed something else):
    inside, that parameter is that value where it is tested. Only when every call is known
    (a recursive call too). A parameter every call passed alike before is not the flag's
    business: it stays."""
    fixes: list[tuple[object, Fix]] = []
    changed = {r.path for r in report.changed}
    calls_before = every_call(before)
    homes = _homes(project)
    sites: dict[str, dict[Span, Call]] = {}
    sites_before: dict[str, dict[Span, Call]] = {}
    for callee, calls in sorted(every_call(project).items()):
        if not calls or not any(c.path in changed for c in calls) or \
                not _may_pass_constant(project, calls, changed, sites):
            continue
        # a module-level function is defined in its module's file (what the test below asks)
        path = homes.get(callee.rpartition(".")[0])
        home = project.facts_of(path) if path is not None else None
        if home is None:
            continue
        definition = next((d for d in home.definitions if d.qualname == callee), None)
        if definition is None or definition.kind != "function" or definition.method or \
                definition.decorators or definition.qualname != f"{home.module}." \
                f"{callee.rsplit('.', 1)[-1]}":
            continue
        name = callee.rsplit(".", 1)[-1]
        constant: list[tuple[str, bool]] = []
        for index, parameter in enumerate(definition.params):
            values = _passed(project, calls, index, parameter, sites)
            if len(values) != 1 or None in values:
                continue
            was = _passed(before, calls_before.get(callee, []), index, parameter,
                          sites_before)
            if was and was != values:  # (no call seen before: nothing says it changed)
                constant.append((parameter, values.pop() == "True"))
        # Scanning every file for the name is the costly part: only for a candidate.
        if not constant or named_in_light_files(project, home.module, name):
            continue
        around = passed_around(project, definition.qualname)
        if around:
            kept = ", ".join(f"`{p}`" for p, _ in constant)
            report.block(Blocked(home.path, (definition.span.line, definition.span.column),
                                 name, tuple(around[:5]), f"keeps {kept} (not every call "
                                 f"can be seen)"))
            continue
        for parameter, value in constant:
            edit = Edit(EditKind.SPECIALIZE, home.path, definition.span.line,
                        definition.span.column, value, parameter)
            fixes.append((definition, Fix(
                safe=True, description=f"`{parameter}` of `{name}` is always the same",
                edits=(edit,), in_tests=project.in_tests((edit,)))))
    return fixes


def every_call(project: Project) -> dict[str, list[ResolvedCall]]:
    """Every known call of each function or class, a recursive call of it by itself too
    (which passes arguments as any other call does; dead code's `calls_to` leaves it out)."""
    calls: dict[str, list[ResolvedCall]] = {}
    for call in project.graph.call_graph().calls:
        calls.setdefault(call.callee, []).append(call)
    return calls


def _homes(project: Project) -> dict[str, str]:
    """The file of each module, the first in the project's order."""
    found: dict[str, str] = {}
    for path in project.files.paths:
        brief = project.files.brief(path)
        if brief is not None:
            found.setdefault(brief.module, path)
    return found


def _may_pass_constant(project: Project, calls: Iterable[ResolvedCall], changed: set[str],
                       sites: dict[str, dict[Span, Call]]) -> bool:
    """Does each of these calls made in the changed files pass some `True` or `False` as
    written, without `*args`? Else no parameter is one every call passes alike (`_passed`
    takes nothing else), and the other calling files' facts need not be decoded (pandas:
    492 functions called from the 21 files a clean changed, in hundreds of files)."""
    for site in calls:
        if site.path in changed:
            call = _site(project, site, sites)
            if call is None or any(a.star for a in call.args) or not any(
                    _literal_bool(a.value.kind, a.value.text) for a in call.args):
                return False
    return True


def _literal_bool(kind: ValueKind, text: str | None) -> bool:
    return kind is ValueKind.CONST and text in ("True", "False")


def _site(project: Project, site: ResolvedCall, sites: dict[str, dict[Span, Call]]
          ) -> Call | None:
    """The call made there (`sites`: each file's calls by where they are, made once a
    file)."""
    if site.path not in sites:
        facts = project.facts_of(site.path)
        sites[site.path] = {} if facts is None else {
            c.span: c for c in reversed(facts.calls)}  # the first of a span wins
    return sites[site.path].get(site.span)


def _passed(project: Project, calls: Iterable[ResolvedCall], index: int, parameter: str,
            sites: dict[str, dict[Span, Call]]) -> set[str | None]:
    """What these calls pass as the parameter (`index`: its position): `True` or `False`
    as written, None for anything else (or a call that cannot say). `sites`: each file's
    calls by where they are, made once a file."""
    values: set[str | None] = set()
    for site in calls:
        call = _site(project, site, sites)
        if call is None or any(a.star for a in call.args):
            values.add(None)
            break
        positional = [a for a in call.args if a.keyword is None]
        given = next((a for a in call.args if a.keyword == parameter), None) or (
            positional[index] if index < len(positional) else None)
        values.add(given.value.text if given is not None and
                   _literal_bool(given.value.kind, given.value.text) else None)
    return values


def parameter_candidates(project: Project, report: FixReport
                          ) -> list[tuple[str, Definition, list[str]]]:
    """Module-level functions in the changed files whose parameters the cleanup made unread
    (read before it, not after): (path, definition, those parameters)."""
    found = []
    for result in report.changed:
        facts = project.facts_of(result.path)
        if facts is None or not facts.complete:
            continue
        functions = [(definition.qualname.rsplit(".", 1)[-1], definition)
                     for definition in facts.definitions if definition.kind == "function"
                     and not definition.method and not definition.decorators
                     and definition.qualname.rpartition(".")[0] == facts.module]
        unread = dict(_unread(result.before, project.source_of(result.path),
                              tuple(dict.fromkeys((name, d.params) for name, d in functions))))
        found += [(result.path, definition, list(unread[name, definition.params]))
                  for name, definition in functions if (name, definition.params) in unread]
    return found


_Function = tuple[str, tuple[str, ...]]  # a module-level function's name and parameters


@functools.lru_cache(maxsize=32)  # (a process that runs on keeps at most 32 pairs of texts)
def _unread(before: str, after: str, functions: tuple[_Function, ...]
            ) -> tuple[tuple[_Function, tuple[str, ...]], ...]:
    """Of these functions, those with parameters the code `before` reads and the code
    `after` does not, with them. Remembered: a clean asks three times of the same texts
    (pandas: 21 files of up to 12,000 lines, each parsed twice a time)."""
    try:
        then_tree, now_tree = ast.parse(before), ast.parse(after)
    except (SyntaxError, ValueError):
        return ()
    found = []
    for name, params in functions:
        now, then = _function(now_tree, name), _function(then_tree, name)
        if now is not None and then is not None:
            unread = tuple(p for p in params if _reads(then, p) and not _reads(now, p))
            if unread:
                found.append(((name, params), unread))
    return tuple(found)


def callers_read_light(project: Project, report: FixReport) -> frozenset[str]:
    """The modules, read light, that name a function whose parameters may be settled or go
    (one the changed files call, or one whose parameters the cleanup left unread): they
    must be read in full to know every call."""
    changed = {r.path for r in report.changed}
    homes = _homes(project)
    sites: dict[str, dict[Span, Call]] = {}
    functions = {(module, callee) for callee, calls in every_call(project).items()
                 if any(c.path in changed for c in calls)
                 and (module := callee.rpartition(".")[0]) in homes
                 and _may_pass_constant(project, calls, changed, sites)}
    for path, definition, _ in parameter_candidates(project, report):
        home = project.facts_of(path)
        if home is not None:
            functions.add((home.module, definition.qualname))
    modules = set()
    for module, qualname in sorted(functions):
        modules |= {f.module for f, _ in light_files_naming(project, module, qualname)}
    return frozenset(modules)


def unused_parameters(project: Project, report: FixReport) -> list[tuple[object, Fix]]:
    """Dropping the parameters the cleanup left unread, with their arguments at every call.
    Only when every call is known and there is one: the function is not passed around, no
    call spreads `*args`/`**kwargs`, no file read light names it, and each argument dropped
    has no side effect."""
    fixes: list[tuple[object, Fix]] = []
    calls_to = every_call(project)
    for path, definition, unread in parameter_candidates(project, report):
        name = definition.qualname.rsplit(".", 1)[-1]
        home = project.facts_of(path)
        calls = calls_to.get(definition.qualname, [])
        if home is None or not calls:
            continue  # no call in the project: it may be called from outside (an API, a view)
        sites = argument_edits(project, calls, definition.params, unread)
        if sites is None or named_in_light_files(project, home.module, name):
            continue
        around = passed_around(project, definition.qualname)
        if around:
            dropped = ", ".join(f"`{p}`" for p in unread)
            report.block(Blocked(path, (definition.span.line, definition.span.column), name,
                                 tuple(around[:5]), f"keeps {dropped}, now unread (not "
                                 f"every call can be seen)"))
            continue
        edits = [Edit(EditKind.DROP_PARAMETER, path, definition.span.line,
                      definition.span.column, name=p) for p in unread]
        edits += sites
        fixes.append((definition, Fix(
            safe=True, description=f"Drop the parameters of `{name}` the cleanup left unread",
            edits=tuple(edits), in_tests=project.in_tests(edits))))
    return fixes


def _function(tree: ast.Module, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    return next((node for node in tree.body if isinstance(
        node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name), None)


def _reads(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
    return any(isinstance(node, ast.Name) and node.id == name
               for statement in function.body for node in ast.walk(statement))


def passed_around(project: Project, qualname: str,
                  among: Callable[[FileFacts], bool] = lambda f: True, *,
                  exports: bool = True) -> list[Place]:
    """Where the function is used other than by calling it (passed, stored, decorated with,
    caught, named by a string: `getattr(mail, "send")`, `vars(render)["show"]`), or named
    where flaglint cannot tell what it is, in the files `among` takes (every file):
    `path:line:column: why`. Then not every call is known. Without `exports`, an entry of
    an `__all__` is not such a use."""
    name = qualname.rsplit(".", 1)[-1]
    found_places: list[Place] = []
    for found in files_naming(project, name, among):
        brief = project.files.brief(found.facts.path)
        text = found.data.decode("utf-8", "replace")
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            tree = None  # (references says so: it may name it anywhere)
        listed = set() if exports or tree is None else _export_lines(tree)
        found_places += places([r for r in beyond_calls(references(
            text, found.facts.module, qualname, is_package=bool(brief and brief.is_package),
            tree=tree)) if not (r.kind is Kind.STRING and r.line in listed)], found.facts.path)
    return found_places


def _export_lines(tree: ast.Module) -> set[int]:
    """The lines of the module's statements that bind or extend `__all__`."""
    lines: set[int] = set()
    for statement in tree.body:
        targets = statement.targets if isinstance(statement, ast.Assign) else \
            [statement.target] if isinstance(statement, (ast.AugAssign, ast.AnnAssign)) else []
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            lines.update(range(statement.lineno, (statement.end_lineno or statement.lineno) + 1))
    return lines


def argument_edits(project: Project, sites: Iterable[ResolvedCall], params: tuple[str, ...],
                    unread: list[str]) -> list[Edit] | None:
    edits = []
    for site in sites:
        facts = project.facts_of(site.path)
        call = next((c for c in facts.calls if c.span == site.span), None) \
            if facts is not None else None
        if call is None or any(arg.star for arg in call.args):
            return None
        for parameter in unread:
            index = params.index(parameter)
            positional = [a for a in call.args if a.keyword is None]
            given = next((a for a in call.args if a.keyword == parameter), None) or (
                positional[index] if index < len(positional) else None)
            if given is None:
                continue
            if given.value.kind not in (ValueKind.CONST, ValueKind.STR, ValueKind.NAME):
                return None  # dropping it would drop what computing it does
            edits.append(Edit(EditKind.DROP_ARGUMENT, site.path, call.span.line,
                              call.span.column, name=parameter, parameter=index))
    return edits
