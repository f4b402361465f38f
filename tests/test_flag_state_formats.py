"""Readers of flag-service exports (flaglint/sources/flagstate): for each vendor, exports
shaped as its documentation shows them (tests/data/flag-state/<format>/, with the `curl` that
makes each in that folder's README), read into the one model, with exact values and lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flaglint import codec
from flaglint.sources.flagstate import FlagState, FlagStateError, read_flag_state
from flaglint.sources.flagstate.document import load
from flaglint.sources.flagstate.model import Problem, Served

DATA = Path(__file__).parent / "data" / "flag-state"
SCHEMAS = Path(__file__).parent.parent / "flaglint" / "sources" / "flagstate" / "schemas"


def read(name: str, fmt: str, environment: str | None = None) -> FlagState:
    return read_flag_state(Path(fmt) / name, fmt, DATA, environment)


def served(on: bool | None, value: object, settled: bool, line: int, *,
           rollout: float | None = None, targeting: bool = False,
           variants: tuple[str, ...] = ()) -> Served:
    return Served(on=on, value=value, settled=settled, rollout=rollout,  # type: ignore[arg-type]
                  targeting=targeting, variants=variants, line=line)


def error_of(name: str, fmt: str, environment: str | None = None) -> str:
    with pytest.raises(FlagStateError) as caught:
        read(name, fmt, environment)
    return str(caught.value)


# -- flagd ----------------------------------------------------------------------------------

ON_OFF = ("on", "off")


def test_flagd_each_flag_serves_what_its_definition_says():
    state = read("flags.flagd.json", "flagd")
    assert state.source == "flagd"
    assert state.path == "flagd/flags.flagd.json"
    assert state.problems == ()
    got = {key: flag.environments["default"] for key, flag in state.flags.items()}
    assert got == {
        "new-checkout": served(True, True, True, 4, variants=ON_OFF),
        # DISABLED: flagd acts as if the flag did not exist, so callers get their own default.
        "legacy-search": served(False, None, True, 12, variants=ON_OFF),
        "banner-color": served(True, "#0000FF", True, 23, variants=("red", "blue")),
        # `$ref` resolved into `$evaluators`: a condition on the e-mail decides.
        "fib-algo": served(True, None, False, 32, targeting=True,
                           variants=("recursive", "memo", "loop", "binet")),
        "header-color": served(True, None, False, 45, rollout=25.0,
                               variants=("red", "blue", "green", "yellow")),
        "dark-mode": served(True, None, False, 64, rollout=30.0, variants=ON_OFF),
        "max-items": served(True, 10, True, 81, rollout=100.0, variants=("low", "high")),
        # Object variants: settled, but the value is not one flaglint holds.
        "themes": served(True, None, True, 96, variants=("plain", "festive")),
    }
    flag = state.flags["new-checkout"]
    assert (flag.key, flag.source, flag.path, flag.line, flag.column) == (
        "new-checkout", "flagd", "flagd/flags.flagd.json", 4, 5)
    assert (flag.type, flag.archived, flag.stale, flag.created, flag.tags) == (
        None, False, False, None, ())


def test_flagd_yaml_keeps_on_and_off_as_variant_names():
    state = read("flags.flagd.yaml", "flagd", environment="production")
    assert state.problems == ()
    got = {key: flag.environments for key, flag in state.flags.items()}
    assert got == {
        "new-checkout": {"production": served(True, True, True, 4, variants=ON_OFF)},
        "beta-users": {"production": served(True, None, False, 10, targeting=True,
                                            variants=ON_OFF)},
        "retired-banner": {"production": served(False, None, True, 21,
                                                variants=("shown", "hidden"))},
    }
    assert (state.flags["beta-users"].line, state.flags["beta-users"].column) == (10, 3)


def test_flagd_malformed_flags_are_problems_at_their_field_and_the_rest_is_read():
    state = read("malformed.flagd.json", "flagd")
    assert list(state.flags) == ["good-flag", "also-good"]
    path = "flagd/malformed.flagd.json"
    assert state.problems == (
        Problem(path, 9, 7, 'flag `bad-state`: `state` is "ON"; expected "ENABLED" or '
                            '"DISABLED"'),
        Problem(path, 16, 7, 'flag `bad-default`: `defaultVariant` "maybe" is not one of the '
                             'variants (on, off)'),
        Problem(path, 22, 9, "flag `mixed-variants`: variant `off` is a string; every "
                             "variant of a flag has the type of the first (a boolean)"),
        Problem(path, 30, 31, 'flag `unknown-ref`: `$ref` names evaluator "isStaff", which '
                              '`$evaluators` does not define'),
    )


def test_flagd_unknown_schema_version_and_wrong_format_are_errors():
    assert error_of("future-schema.flagd.json", "flagd") == (
        "flagd/future-schema.flagd.json:2: `$schema` is https://flagd.dev/schema/v1/flags.json, "
        "flagd schema v1; flaglint reads flag definitions of schema v0 "
        "(https://flagd.dev/schema/v0/flags.json)")
    assert error_of("not-flagd.json", "flagd") == (
        "flagd/not-flagd.json:1: not a flagd flag definition file (no `flags` object); a flagd "
        "file holds a top-level `flags` object of flag definitions "
        "(https://flagd.dev/reference/flag-definitions/)")


@pytest.mark.parametrize("name", ["flags.flagd.json", "flags.flagd.yaml"])
def test_flagd_test_files_are_valid_against_the_vendored_schema(name):
    jsonschema = pytest.importorskip("jsonschema")
    from referencing import Registry, Resource

    flags = json.loads((SCHEMAS / "flags.json").read_text(encoding="utf-8"))
    targeting = json.loads((SCHEMAS / "targeting.json").read_text(encoding="utf-8"))
    registry = Registry().with_resource(targeting["$id"], Resource.from_contents(targeting))
    validator = jsonschema.Draft7Validator(flags, registry=registry)
    document = load(DATA / "flagd" / name, name)
    assert [error.message for error in validator.iter_errors(document.data)] == []


def test_flagd_vendored_schema_rejects_what_the_reader_reports():
    jsonschema = pytest.importorskip("jsonschema")
    from referencing import Registry, Resource

    flags = json.loads((SCHEMAS / "flags.json").read_text(encoding="utf-8"))
    targeting = json.loads((SCHEMAS / "targeting.json").read_text(encoding="utf-8"))
    registry = Registry().with_resource(targeting["$id"], Resource.from_contents(targeting))
    validator = jsonschema.Draft7Validator(flags, registry=registry)
    data = load(DATA / "flagd" / "malformed.flagd.json", "m").data
    rejected = {error.path[1] for error in validator.iter_errors(data) if len(error.path) > 1}
    # The two the schema can see; a defaultVariant outside the variants and an unknown
    # `$ref` are rules of the flagd documentation that the reader adds.
    assert {"bad-state", "mixed-variants"} <= rejected
    assert "good-flag" not in rejected and "also-good" not in rejected


# -- every format ---------------------------------------------------------------------------

READABLE = [("flags.flagd.json", "flagd"), ("flags.flagd.yaml", "flagd"),
            ("malformed.flagd.json", "flagd")]


@pytest.mark.parametrize(("name", "fmt"), READABLE)
def test_flag_state_goes_through_the_cache_codec_unchanged(name, fmt):
    state = read(name, fmt)
    assert codec.decode(FlagState, json.loads(json.dumps(codec.encode(state)))) == state
