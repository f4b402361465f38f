from __future__ import annotations

from collections.abc import Iterator

from flaglint.config import NEWEST_PYTHON, Config
from flaglint.findings import Finding, Severity, Span
from flaglint.model.project import Project
from flaglint.rules.base import Rule


class ParseErrorRule(Rule):
    """
    ## What it does
    Reports a Python file that cannot be read, decoded or parsed, and a deployment config
    (`[tool.flaglint.environments]`) that cannot be read or parsed as its format.

    Which files are parsed: every file that may read or define a flag (its text names a
    reader, a definition call, or a wrapper or flag object flaglint found, or a key resolves
    through it), every file named on the command line by itself (`flaglint check
    app/views.py`; a folder named is read as a whole project is) or open in an editor, and
    every file a `--changed-since` change touches. Any other file is
    decoded (FL001 when it does not decode) and its imports indexed, not parsed: it holds no
    flag read whether it parses or not, and parsing every file would be two thirds of a
    cold run (README: "Which files flaglint parses"). `flaglint clean KEY` parses every file
    that names the key too, and refuses while one does not parse.

    ## Why is this bad?
    flaglint cannot see the flag reads in a file it cannot parse, so every other rule is blind
    there: a read of a retired flag in that file goes unreported. A deployment config it
    cannot read hides what that environment serves (FL203, FL501). The run goes on with the
    other files.

    ## Example
    ```python
    def route(order)
        return client.is_enabled("new_router")
    ```

    ## Use instead
    ```python
    def route(order):
        return client.is_enabled("new_router")
    ```

    ## Fix safety
    No fix: the file must be repaired by hand.

    ## Options
    Exclude generated or deliberately broken files with `exclude` in `[tool.flaglint]`.
    """

    code = "FL001"
    name = "parse-error"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Finding]:
        grammar = _grammar(project.config)
        for path, error in project.parse_errors():
            if error is not None:
                span = Span(error.line, error.column, error.line, error.column)
                message = error.message
                if message.startswith("cannot parse: "):
                    message = f"cannot parse as {grammar}: {message.removeprefix('cannot parse: ')}"
                message = message[:1].upper() + message[1:]
                yield self.finding(None, path, span,
                                   f"{message}; its flag reads are not checked")
        deployments = project.deployments
        for problem in deployments.problems if deployments is not None else ():
            span = Span(problem.line, problem.column, problem.line, problem.column)
            message = problem.message[:1].upper() + problem.message[1:]
            yield self.finding(None, problem.path, span, message)


def _grammar(config: Config) -> str:
    """Which grammar rejected the file: the project's Python when it is said, else any
    Python 3 that flaglint reads (libcst accepts every grammar up to the newest)."""
    if config.target_version is None:
        return f"Python 3 (any version up to {NEWEST_PYTHON[0]}.{NEWEST_PYTHON[1]})"
    major, minor = config.target_version
    return f"Python {major}.{minor} (`{config.target_origin}`)"
