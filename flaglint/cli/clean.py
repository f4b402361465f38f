"""`flaglint clean KEY --value V`: remove a settled flag and its dead code, then say what
changed and what is left to do by hand."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import re
import sys
from typing import TYPE_CHECKING

from flaglint import tomlsource
from flaglint.cli import options
from flaglint.cli.options import EXIT_FINDINGS, EXIT_OK, RunError, UsageError
from flaglint.config import Config
from flaglint.sources.discover import GlobSet

if TYPE_CHECKING:
    from flaglint.engine.cleaning import CleanReport


def run_clean(args: argparse.Namespace) -> int:
    from flaglint.engine.cleaning import CleanError, clean_flag
    from flaglint.fixes.apply import FixScope
    from flaglint.sources.discover import within

    target = options.target(args)
    config = target.config
    scope = FixScope(unsafe=True, tests=not args.no_tests,
                     editable=within(target.paths, config.root))
    store = options.store(args)
    try:
        report = clean_flag(config, args.today or dt.date.today(), args.key, args.value, scope,
                            store, workers=options.workers(args),
                            tests=GlobSet(config.tests).match, dry_run=args.dry_run,
                            retire=args.tombstone, start_workers=True)
    except CleanError as error:
        raise UsageError(str(error)) from None
    except options.write_error() as error:
        raise RunError(options.write_failure(error)) from None
    finally:
        store.close()
    if args.dry_run:
        sys.stdout.write(report.diff())
    for refused in report.fixes.refused:
        print(f"flaglint: warning: {refused.path} not changed: {refused.refused}",
              file=sys.stderr)
    lines = [_changed(args, report), *_details(args, config, report)]
    sys.stdout.flush()
    stream = sys.stderr if args.dry_run else sys.stdout
    stream.write("\n".join(lines) + "\n")
    return EXIT_OK if report.complete else EXIT_FINDINGS


def _changed(args: argparse.Namespace, report: CleanReport) -> str:
    """What the cleanup changed, in one sentence."""
    plural = options.plural
    changed = report.fixes.changed
    replaced = sum(r.replaced for r in changed)
    branches = sum(r.removed_branches for r in changed)
    definitions = sum(r.removed_definitions for r in changed)
    helpers = sum(r.removed_helpers for r in changed)
    verb = "would change" if args.dry_run else "changed"
    source = f" (served to everyone by {report.value_from})" if report.value_from else ""
    return (f"Flag `{args.key}` settled to `{_shown(report.value)}`{source}: {verb} "
            f"{plural(len(changed), 'file')}; {plural(replaced, 'read')} replaced, "
            f"{plural(branches, 'branch', 'es')} collapsed, "
            f"{plural(helpers, 'dead helper')} and {plural(definitions, 'definition')} "
            f"deleted.")


def _details(args: argparse.Namespace, config: Config, report: CleanReport) -> list[str]:
    """The rest of the account: test code changed, the registry entry, and what is left
    to do by hand (a dry run's, at the lines of the files as they are: it wrote none)."""
    plural, key = options.plural, args.key
    if args.dry_run:
        report = dataclasses.replace(
            report, left=_on_disk(report, report.left),
            defined_in_code=_on_disk(report, report.defined_in_code),
            mentions=_on_disk(report, report.mentions),
            constants_used=_on_disk(report, report.constants_used),
            tests_prefixed=_on_disk(report, report.tests_prefixed),
            tests_literal=_on_disk(report, report.tests_literal),
            code_literal=_on_disk(report, report.code_literal),
            loose=_on_disk(report, report.loose))
    lines = _tests_changed(report, on_disk=args.dry_run)
    public = report.public_wrappers
    if public:
        them, it = ("it", "its") if len(public) == 1 else ("them", "their")
        deleted = "Would delete" if args.dry_run else "Deleted"
        lines.append(f"{deleted} {plural(len(public), 'public definition')} (wrappers of "
                     f"`{key}`, or code only the removed branches called) nothing in "
                     f"the project calls any more: {', '.join(public)}; code outside the "
                     f"project that calls {them} (a library's users) breaks: keep {it} "
                     f"definition{'' if len(public) == 1 else 's'} if any does.")
    if report.registry_path is not None and report.registry_before == report.registry_after:
        lines.append(f"{tomlsource.flag_table(key)} kept in {report.registry_path}: it is a "
                     f"tombstone already, which keeps the key from being used again.")
    elif report.registry_path is not None:
        what = "turned into a tombstone" if args.tombstone else "removed"
        lines.append(f"{tomlsource.flag_table(key)} {'would be ' if args.dry_run else ''}"
                     f"{what} in {report.registry_path}.")
    from flaglint.engine.cleaning import LEFT  # (imported by the clean that made `report`)

    for where, why in zip(report.left, report.left_why or [""] * len(report.left),
                          strict=True):
        lines.append(f"{where}: a read of `{key}` is left ({why or LEFT}); change it by "
                     f"hand.")
    for path in report.unreadable:
        lines.append(f"{path}: does not parse, so reads of `{key}` in it cannot be ruled "
                     f"out; fix it and run clean again.")
    if not report.settled and report.registry_path is None:
        be = "is" if len(report.left) == 1 else "are"
        why = f"{plural(len(report.left), 'read')} of it {be} left" if report.left else \
            f"{plural(len(report.unreadable), 'file')} cannot be read" if report.unreadable \
            else (f"a read flaglint cannot follow may use it "
                  f"({'; '.join(report.loose[:5])})")
        if key in _declared(config):
            lines.append(f"{tomlsource.flag_table(key)} kept: {why}.")
        else:
            lines.append(f"`{key}` is not gone yet: {why}.")
    if report.configs.removed:
        lines.append(f"{plural(report.configs.removed, 'deployment config setting')} of "
                     f"`{key}` {'would be ' if args.dry_run else ''}removed from "
                     f"{plural(len(report.configs.after), 'file')}.")
    for where, why in report.configs.left:
        lines.append(f"{where}: sets `{key}` ({why}); remove it by hand.")
    lines += _still(args, report, key)
    if report.settled:
        for where in report.services:
            lines.append(f"Archive `{key}` in {where}: flaglint does not edit a flag "
                         f"service's export.")
    return lines + _refused(args, config, report)


def _still(args: argparse.Namespace, report: CleanReport, key: str) -> list[str]:
    """What still names the key, and the code that still uses a constant holding it."""
    lines = []
    if report.mentions:
        shown = ", ".join(report.mentions[:20])
        more = f" and {len(report.mentions) - 20} more" if len(report.mentions) > 20 else ""
        lines.append(f"Still naming `{key}` (comments, docs, other files; not edited): "
                     f"{shown}{more}.")
    if report.constants_used:
        shown = ", ".join(report.constants_used[:20])
        more = f" and {len(report.constants_used) - 20} more" \
            if len(report.constants_used) > 20 else ""
        lines.append(f"Still using `{key}` through a constant that holds it, in code that "
                     f"is no read flaglint knows (not edited; decide by hand): {shown}{more}.")
    if report.tests_literal:
        lines.append(f"Tests still give `{key}` another value than `{_shown(report.value)}` "
                     f"where flaglint knows no setter: {', '.join(report.tests_literal)}; not "
                     f"edited: if that sets the flag, they ran under {_gone(args)} (adapt or "
                     f"delete them).")
    if report.code_literal:
        lines.append(f"Code outside the tests still gives `{key}` another value than "
                     f"`{_shown(report.value)}` through a call flaglint knows no setter in: "
                     f"{', '.join(report.code_literal)}; not edited: if that sets the flag as "
                     f"the program runs, the clean "
                     f"{'would change' if args.dry_run else 'changed'} what runs there (name "
                     f"the call a reader with `writes = true`, and flaglint refuses the "
                     f"clean).")
    if report.tests_prefixed:
        lines.append(f"Tests set a setting named `{key}` with a prefix (`…_{key}`), which a "
                     f"reader that adds one reads: {', '.join(report.tests_prefixed)}; not "
                     f"edited: if it is the flag, they ran under {_gone(args)} (adapt or "
                     f"delete them).")
    if report.constants_unparsed:
        lines.append(f"Not searched for uses of a constant that holds `{key}`, as they do not "
                     f"parse: {', '.join(report.constants_unparsed)}.")
    return lines


def _tests_changed(report: CleanReport, *, on_disk: bool) -> list[str]:
    """The test files changed, the tests deleted, and those cut (`on_disk`: at their lines
    in the files as they are, for a dry run)."""
    lines = []
    tests = sorted(report.fixes.tests)
    if tests:
        lines.append(f"Test code among them: {', '.join(tests)} (leave tests alone with "
                     f"--no-tests).")
    would = "would be " if on_disk else ""
    for changed, said in ((report.tests_deleted,
                           f"Tests {would}deleted, with the code they tested"),
                          (report.tests_cut, f"Tests {would}cut, their part that ran "
                                             f"the code the clean "
                                             f"{'would remove' if on_disk else 'removed'} "
                                             f"gone")):
        if changed:
            lines.append(f"{said}: "
                         f"{', '.join(t.describe(on_disk=on_disk) for t in changed)}.")
    return lines


def _on_disk(report: CleanReport, places: list[str]) -> list[str]:
    """`path:line…` places in the files as the clean left them, as they are on disk."""
    moved = []
    for place in places:
        path, _, rest = place.partition(":")
        line, sep, tail = rest.partition(":")
        if not line.isdigit():  # `path:line \`Name\``
            line, sep, tail = rest.partition(" ")
        if line.isdigit():
            place = f"{path}:{report.fixes.on_disk(path, int(line))}{sep}{tail}"
        # and the read it names (`… which the read at views.py:1380 (its key unknown) may be`)
        moved.append(_READ_AT.sub(lambda m: f"{m[1]}{m[2]}:"
                                            f"{report.fixes.on_disk(m[2], int(m[3]))}", place))
    return moved


_READ_AT = re.compile(r"(the read at )([^\s:]+):(\d+)")


def _refused(args: argparse.Namespace, config: Config, report: CleanReport) -> list[str]:
    """What the clean did not delete, and why; and the tests that still use it."""
    key, lines = args.key, []
    refusals = report.fixes.refusals(written=not args.dry_run)
    refused = {f"{r.path}:{r.position[0]}" for r in refusals}
    # while reads are left, the definition is what they read: it goes after them (mlflow)
    then = " once the reads left are gone" if report.left else ""
    for where in report.defined_in_code:
        if where not in refused:  # a refusal says why it stays instead
            lines.append(f"{where}: `{key}` is defined here in code; remove the definition "
                         f"by hand{then}.")
    lines += [f"{refusal.describe()}." for refusal in refusals]
    # edx-completion: a mixin's setUpClass set the switch from a class attribute, which
    # flaglint cannot read; the test that set it off kept expecting the removed branch
    is_test = GlobSet(config.tests).match
    kept = [r for r in refusals if any(is_test(p.path) for p in r.places)]
    if kept:
        names = ", ".join(sorted({f"`{r.name}`" for r in kept}))
        places = ", ".join(sorted({f"{p.path}:{p.line}" for r in kept for p in r.places
                                   if is_test(p.path)}))
        lines.append(f"Tests still use {names} ({places}): one that sets `{key}` to another "
                     f"value than `{_shown(report.value)}` tests "
                     f"{_gone(args).removeprefix('the ')}; "
                     f"adapt or delete it.")
    other = f"to another value than `{_shown(report.value)}`"
    for left, said in (
            (report.test_classes, f"Test classes set `{key}` {other} for all their tests "
                                  f"(\0): those tests ran under {_gone(args)}; adapt or "
                                  f"delete them (the classes are left as they are)."),
            (report.test_settings, f"Test settings set `{key}` {other} (\0): every test run "
                                   f"with them ran under {_gone(args)}; adapt those tests "
                                   f"and the setting (left as it is)."),
            (report.tests_left, f"Tests set `{key}` {other} (\0): they ran under "
                                f"{_gone(args)}; adapt or delete them (left as they are, "
                                f"since a read of `{key}` is left)."),
            (report.tests_variable, f"Tests set `{key}` to a value only running them tells "
                                    f"(\0: a parametrized test's, a name's, an "
                                    f"attribute's): a test that ran under the other value "
                                    f"ran code that {'would be' if args.dry_run else 'is'} "
                                    f"gone; adapt them (left as they are)."),
            (report.helpers_left, f"Test helpers or autouse fixtures set `{key}` {other} "
                                  f"(\0): the tests that call or use them ran under "
                                  f"{_gone(args)}; adapt them and those tests (left as they "
                                  f"are).")):
        if left:
            lines.append(said.replace("\0", ", ".join(_on_disk(report, left))))
    if report.test_only:
        now = "would call" if args.dry_run else "call now"
        lines.append(f"Only tests {now} {', '.join(_on_disk(report, report.test_only))}: "
                     f"{_gone(args)} {'is' if args.dry_run else 'was'} the last other caller; "
                     f"delete them with their tests if nothing outside the project needs "
                     f"them.")
    return lines


def _gone(args: argparse.Namespace) -> str:
    """The code the clean removes, as a dry run says it (it removes nothing)."""
    return "the code the clean would remove" if args.dry_run else "the code the clean removed"


def _declared(config: Config) -> set[str]:
    from flaglint.sources.registry import load_registry

    return set(load_registry(config).flags)


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
