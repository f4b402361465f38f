"""Readers of flag-service exports (flaglint/sources/flagstate): for each vendor, exports
shaped as its documentation shows them (tests/data/flag-state/<format>/, with the `curl` that
makes each in that folder's README), read into the one model, with exact values and lines."""

from __future__ import annotations

import datetime as dt
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


def served(*, on: bool | None, value: object, settled: bool, line: int,
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
        "new-checkout": served(on=True, value=True, settled=True, line=4, variants=ON_OFF),
        # DISABLED: flagd acts as if the flag did not exist, so callers get their own default.
        "legacy-search": served(on=False, value=None, settled=True, line=12, variants=ON_OFF),
        "banner-color": served(on=True, value="#0000FF", settled=True,
                               line=23, variants=("red", "blue")),
        # `$ref` resolved into `$evaluators`: a condition on the e-mail decides.
        "fib-algo": served(on=True, value=None, settled=False, line=32, targeting=True,
                           variants=("recursive", "memo", "loop", "binet")),
        "header-color": served(on=True, value=None, settled=False, line=45, rollout=25.0,
                               variants=("red", "blue", "green", "yellow")),
        "dark-mode": served(on=True, value=None, settled=False,
                            line=64, rollout=30.0, variants=ON_OFF),
        "max-items": served(on=True, value=10, settled=True,
                            line=81, rollout=100.0, variants=("low", "high")),
        # Object variants: settled, but the value is not one flaglint holds.
        "themes": served(on=True, value=None, settled=True, line=96, variants=("plain", "festive")),
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
        "new-checkout": {"production": served(on=True, value=True, settled=True,
                                              line=4, variants=ON_OFF)},
        "beta-users": {"production": served(on=True, value=None, settled=False,
                                            line=10, targeting=True,
                                            variants=ON_OFF)},
        "retired-banner": {"production": served(on=False, value=None, settled=True, line=21,
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


# -- Unleash -------------------------------------------------------------------------------


def test_unleash_batch_export_holds_one_environment():
    state = read("export-production.json", "unleash")
    assert state.problems == ()
    got = {key: flag.environments for key, flag in state.flags.items()}
    assert got == {
        "new-checkout": {"production": served(on=True, value=True, settled=True,
                                              line=134, rollout=100.0)},
        "kill-payments": {"production": served(on=False, value=False, settled=True, line=141)},
        "search-v2": {"production": served(on=True, value=None, settled=False,
                                           line=148, rollout=25.0,
                                           variants=("classic", "semantic"))},
        # A constraint (appName IN …), a segment, a parent flag: targeting.
        "beta-banner": {"production": served(on=True, value=None, settled=False,
                                             line=158, targeting=True)},
        "premium-export": {"production": served(on=True, value=None, settled=False,
                                                line=165, targeting=True)},
        "color-scheme": {"production": served(on=True, value="dark", settled=True,
                                              line=172, rollout=100.0,
                                              variants=("dark",))},
        "checkout-upsell": {"production": served(on=True, value=None, settled=False,
                                                 line=181, targeting=True)},
    }
    flag = state.flags["new-checkout"]
    assert (flag.line, flag.column, flag.type, flag.vendor_type, flag.temporary) == (
        3, 5, "release", "release", True)
    assert (flag.project, flag.description, flag.tags, flag.stale, flag.archived) == (
        "storefront", "One-page checkout", ("checkout", "web"), False, False)
    types = {key: (f.type, f.temporary) for key, f in state.flags.items()}
    assert types["kill-payments"] == ("kill-switch", False)
    assert types["premium-export"] == ("permission", False)
    assert types["color-scheme"] == ("operational", True)
    assert types["search-v2"] == ("experiment", True)
    assert state.flags["beta-banner"].stale is True
    assert error_of("export-production.json", "unleash", environment="staging") == (
        'unleash/export-production.json:1: no environment "staging" in this export; it has: '
        "production")


def test_unleash_state_export_has_environments_that_disagree():
    state = read("state-export.json", "unleash")
    assert state.problems == ()
    checkout = state.flags["new-checkout"]
    assert checkout.environments == {
        "development": served(on=True, value=True, settled=True, line=74),
        "production": served(on=True, value=None, settled=False, line=75, rollout=50.0),
    }
    assert checkout.created == dt.date(2023, 3, 14)
    reports = state.flags["old-reports"]
    assert (reports.archived, reports.stale, reports.created, reports.project) == (
        True, True, dt.date(2021, 9, 17), "backoffice")
    assert reports.archived_on == dt.date(2024, 1, 2)  # `archivedAt`
    assert reports.environments == {
        "development": served(on=False, value=False, settled=True, line=76),
        "production": served(on=True, value=None, settled=False,
                             line=77, targeting=True),  # userWithId
    }
    production = read("state-export.json", "unleash", environment="production")
    assert {key: list(f.environments) for key, f in production.flags.items()} == {
        "new-checkout": ["production"], "old-reports": ["production"]}
    assert error_of("state-export.json", "unleash", environment="prod") == (
        'unleash/state-export.json:1: no environment "prod" in this export; it has: '
        "development, production")


def test_unleash_client_features_response_is_the_token_s_environment():
    state = read("client-features.json", "unleash", environment="production")
    assert state.problems == ()
    got = {key: flag.environments["production"] for key, flag in state.flags.items()}
    assert got == {
        "new-checkout": served(on=True, value=True, settled=True, line=4, rollout=100.0),
        # Strategy variants split everyone 30/70.
        "search-v2": served(on=True, value=None, settled=False, line=23, rollout=70.0,
                            variants=("classic", "semantic")),
        "kill-payments": served(on=False, value=False, settled=True, line=44),
        "vip-lounge": served(on=True, value=None, settled=False, line=53, targeting=True),
        # 0% for everyone (the disabled strategy does not count): settled off.
        "gradual-rewrite": served(on=True, value=False, settled=True, line=62, rollout=0.0),
    }
    assert state.flags["gradual-rewrite"].stale is True
    assert list(read("client-features.json", "unleash").flags["new-checkout"].environments) \
        == ["default"]


def test_unleash_unknown_client_version_and_wrong_format_are_errors():
    assert error_of("client-features-v3.json", "unleash") == (
        "unleash/client-features-v3.json:2: Unleash client features response of version 3; "
        "flaglint reads versions 1 and 2 (save `GET /api/client/features` from Unleash 4 or "
        "later)")
    assert error_of("not-unleash.json", "unleash") == (
        "unleash/not-unleash.json:1: not an Unleash export or client features response (no "
        "`features` list); export it with `curl -X POST -H 'Authorization: …' -H "
        "'Content-Type: application/json' -d '{\"environment\": \"production\", \"project\": "
        "\"default\"}' https://UNLEASH/api/admin/features-batch/export`, or save "
        "`GET /api/client/features`")


def test_unleash_malformed_entries_are_problems_and_the_rest_is_read():
    state = read("malformed-export.json", "unleash")
    assert list(state.flags) == ["fine"]
    assert state.flags["fine"].environments == {
        "production": served(on=True, value=True, settled=True, line=15)}
    path = "unleash/malformed-export.json"
    assert state.problems == (
        Problem(path, 4, 5, "`features` item 1: `name` is missing"),
        Problem(path, 7, 47, 'flag `bad-stale`: `stale` is "yes"; expected true or false'),
        Problem(path, 11, 80, 'flag `bad-rollout`: `rollout` is "lots"; expected a number'),
        Problem(path, 12, 5, "`featureStrategies` item 2 has no `featureName`"),
        Problem(path, 16, 7, 'flag `bad-switch`: `enabled` is "yes"; expected true or false'),
    )


# -- LaunchDarkly --------------------------------------------------------------------------

BOOLEAN = ("true", "false")
COPY = ("Plain", "Friendly", "Short")


def test_launchdarkly_environments_serve_their_fallthrough_or_off_variation():
    state = read("flags.json", "launchdarkly")
    assert state.problems == ()
    got = {key: flag.environments for key, flag in state.flags.items()}
    assert got == {
        "new-checkout": {
            "production": served(on=True, value=True, settled=True, line=27, variants=BOOLEAN),
            # Weights are thousandths of a percent: 30000 is 30%.
            "staging": served(on=True, value=None, settled=False,
                              line=45, rollout=30.0, variants=BOOLEAN),
        },
        "kill-payments": {
            # Off: its rules do not apply, everyone gets the off variation.
            "production": served(on=False, value=False, settled=True, line=89,
                                 variants=("Payments stopped", "Payments flowing")),
            # Off with no off variation: callers get their own default.
            "staging": served(on=False, value=None, settled=True, line=100,
                              variants=("Payments stopped", "Payments flowing")),
        },
        "checkout-copy": {
            "production": served(on=True, value=None, settled=False,
                                 line=124, targeting=True, variants=COPY),
            "staging": served(on=True, value="Complete your order", settled=True,
                              line=135, rollout=100.0,
                              variants=COPY),
        },
        "old-upsell": {"production": served(on=True, value=None, settled=False,
                                            line=168, targeting=True,
                                            variants=BOOLEAN)},
        "page-size": {"production": served(on=True, value=50, settled=True, line=187,
                                           variants=("20", "50", '{"mode": "infinite"}'))},
    }


def test_launchdarkly_lifecycle_fields():
    flags = read("flags.json", "launchdarkly").flags
    checkout = flags["new-checkout"]
    assert (checkout.line, checkout.column, checkout.type, checkout.vendor_type) == (
        6, 5, "release", "temporary")
    assert (checkout.temporary, checkout.created, checkout.maintainer, checkout.project) == (
        True, dt.date(2023, 3, 14), "ariel@acme.com", "storefront")
    assert (checkout.tags, checkout.description, checkout.archived) == (
        ("release", "checkout"), "One-page checkout", False)
    kill = flags["kill-payments"]
    assert (kill.type, kill.vendor_type, kill.temporary, kill.maintainer) == (
        "kill-switch", "permanent", False, "payments-team")
    # Permanent with no type tag: no type.
    assert (flags["page-size"].type, flags["page-size"].vendor_type) == (None, "permanent")
    assert flags["checkout-copy"].type is None
    upsell = flags["old-upsell"]
    assert (upsell.archived, upsell.type, upsell.created) == (
        True, "operational", dt.date(2020, 1, 1))


def test_launchdarkly_environment_is_chosen_by_its_key():
    state = read("flags.json", "launchdarkly", environment="staging")
    assert {key: list(f.environments) for key, f in state.flags.items()} == {
        "new-checkout": ["staging"], "kill-payments": ["staging"],
        "checkout-copy": ["staging"], "old-upsell": [], "page-size": []}
    assert error_of("flags.json", "launchdarkly", environment="Production") == (
        'launchdarkly/flags.json:1: no environment "Production" in this export; it has: '
        "production, staging")


def test_launchdarkly_malformed_entries_summary_export_and_wrong_format():
    state = read("malformed.json", "launchdarkly")
    assert list(state.flags) == ["good"]
    path = "launchdarkly/malformed.json"
    assert state.problems == (
        Problem(path, 3, 5, "`items` item 0: `key` is missing"),
        Problem(path, 15, 54, "flag `bad-fallthrough`: `variation` is 2; expected the index "
                              "of one of the 2 variations"),
        Problem(path, 22, 25, 'flag `bad-on`: `on` is "true"; expected true or false'),
        Problem(path, 27, 7, "flag `bad-date`: `creationDate` is not milliseconds since 1970"),
    )
    curl = ("`curl -H 'Authorization: …' "
            "'https://app.launchdarkly.com/api/v2/flags/PROJECT?summary=0&env=production'`")
    assert error_of("summary.json", "launchdarkly") == (
        "launchdarkly/summary.json:9: environment `production` of flag `new-checkout` has no "
        "`fallthrough` or `rules`: the flags list was exported as a summary; export it again "
        f"with `summary=0` ({curl})")
    assert error_of("not-launchdarkly.json", "launchdarkly") == (
        "launchdarkly/not-launchdarkly.json:1: not a LaunchDarkly flags list (no `items`) "
        "or a file of the SDK's file data source (no `flags` or `flagValues`); "
        f"export it with {curl}")


def test_launchdarkly_file_data_source_serves_its_one_environment():
    """The SDK's file data source (`ldclient.integrations.Files`), which label-studio loads
    from `feature_flags.json`: `flags` are one environment's configurations with plain
    variations, `flagValues` values everyone gets. `init --flag-state` said it was no
    LaunchDarkly export."""
    state = read("file-data.json", "launchdarkly")
    got = {key: (flag.line, flag.column, flag.environments)
           for key, flag in state.flags.items()}
    assert got == {
        "new-ui": (4, 5, {"file": served(on=True, value=True, settled=True, line=4,
                                         variants=("true", "false"))}),
        "old-export": (13, 5, {"file": served(on=False, value=False, settled=True, line=13,
                                              variants=("true", "false"))}),
        "page-size": (22, 18, {"file": served(on=True, value=50, settled=True, line=22,
                                              variants=("50",))}),
    }
    assert state.problems == (Problem("launchdarkly/file-data.json", 20, 28,
                                      "flag `broken`: `variations` is empty"),)
    named = read("file-data.json", "launchdarkly", environment="production")
    assert list(named.flags["new-ui"].environments) == ["production"]


@pytest.mark.parametrize(("text", "part"), [
    ('{"flags": [], "flagValues": {"a": true}}', "flags"),
    ('{"flags": {}, "flagValues": []}', "flagValues"),
    ('{"flags": {}, "flagValues": 3}', "flagValues")])
def test_launchdarkly_file_data_source_of_another_shape_is_an_error(tmp_path, text, part):
    """Found by review: each was an internal error."""
    (tmp_path / "f.json").write_text(text)
    with pytest.raises(FlagStateError) as caught:
        read_flag_state(Path("f.json"), "launchdarkly", tmp_path, None)
    assert str(caught.value) == (f"f.json:1: `{part}` of the SDK's file data source is not "
                                 f"an object of flags by key")


# -- Flagsmith -----------------------------------------------------------------------------


def test_flagsmith_environment_document_serves_values_and_splits():
    state = read("environment-document.json", "flagsmith")
    assert state.problems == ()
    # The document names its environment.
    got = {key: flag.environments["Production"] for key, flag in state.flags.items()}
    assert got == {
        "new_checkout": served(on=True, value=True, settled=True, line=50),
        "welcome_message": served(on=True, value="Hello, shopper", settled=True, line=59),
        "legacy_search": served(on=False, value=False, settled=True, line=68),
        # 30% red, 20% green, the control value (blue) the other 50%.
        "button_color": served(on=True, value=None, settled=False, line=77, rollout=50.0,
                               variants=("blue", "red", "green")),
        "checkout_theme": served(on=True, value="dark", settled=True, line=99, rollout=100.0,
                                 variants=("light", "dark")),
        # A segment override can turn it on for beta testers.
        "beta_reports": served(on=False, value=None, settled=False, line=115, targeting=True),
        # An identity override.
        "max_items": served(on=True, value=None, settled=False, line=124, targeting=True),
    }
    flag = state.flags["button_color"]
    assert (flag.line, flag.column, flag.vendor_type, flag.type, flag.project) == (
        77, 5, "MULTIVARIATE", None, "Storefront")
    assert list(read("environment-document.json", "flagsmith", "Production").flags) == list(
        state.flags)
    assert error_of("environment-document.json", "flagsmith", environment="staging") == (
        'flagsmith/environment-document.json:1: no environment "staging" in this export; it '
        "has: Production")


def test_flagsmith_malformed_entries_and_wrong_format():
    state = read("malformed.json", "flagsmith")
    # No `name` in this document: the environment is "default".
    assert state.flags["fine"].environments == {
        "default": served(on=False, value=False, settled=True, line=6)}
    assert list(state.flags) == ["fine"]
    path = "flagsmith/malformed.json"
    assert state.problems == (
        Problem(path, 5, 5, "`feature_states` item 0: `feature` is missing"),
        Problem(path, 14, 7, 'flag `bad_enabled`: `enabled` is "true"; expected true or false'),
        Problem(path, 22, 11, "flag `bad_split`: `percentage_allocation` is 150; expected a "
                              "percentage (0 to 100)"),
    )
    assert error_of("not-flagsmith.json", "flagsmith") == (
        "flagsmith/not-flagsmith.json:1: not a Flagsmith environment document (no "
        "`feature_states`); export it with `curl -H 'X-Environment-Key: ser.…' "
        "https://edge.api.flagsmith.com/api/v1/environment-document/`")


# -- GrowthBook ----------------------------------------------------------------------------


def test_growthbook_rules_decide_in_order():
    state = read("features.json", "growthbook", environment="production")
    assert state.problems == ()
    got = {key: flag.environments["production"] for key, flag in state.flags.items()}
    assert got == {
        "new-checkout": served(on=True, value=True, settled=True, line=4),
        # Forced true for 30% of ids; the rest get the default.
        "dark-mode": served(on=None, value=None, settled=False, line=7, rollout=30.0),
        "banner-text": served(on=None, value=None, settled=False, line=13, targeting=True),
        "price-test": served(on=None, value=None, settled=False,
                             line=19, rollout=50.0, variants=("10", "12")),
        # The first rule reaches everyone: the conditional one after it never runs.
        "max-results": served(on=True, value=50, settled=True, line=34, rollout=100.0),
        # A rule with coverage 0 reaches no one.
        "legacy-export": served(on=False, value=False, settled=True, line=41),
        "checkout-layout": served(on=True, value=None, settled=True, line=47),
    }
    flag = state.flags["price-test"]
    assert (flag.line, flag.column, flag.type, flag.archived, flag.created) == (
        19, 5, None, False, None)


def test_growthbook_encrypted_malformed_and_wrong_format():
    fix = ("export it with `curl https://cdn.growthbook.io/api/features/CLIENT_KEY` from an "
           "SDK connection without encryption")
    assert error_of("encrypted.json", "growthbook") == (
        "growthbook/encrypted.json:4: the features are encrypted (`encryptedFeatures`); "
        f"flaglint reads the plain payload: {fix}")
    assert error_of("not-growthbook.json", "growthbook") == (
        "growthbook/not-growthbook.json:1: not a GrowthBook SDK features payload (no "
        f"`features` object); {fix}")
    state = read("malformed.json", "growthbook")
    assert list(state.flags) == ["fine"]
    path = "growthbook/malformed.json"
    assert state.problems == (
        Problem(path, 5, 5, 'flag `not-an-object`: the feature is "yes"; expected an object'),
        Problem(path, 8, 34, "flag `bad-coverage`: `coverage` is 2; expected 0 to 1"),
        Problem(path, 12, 58, "flag `bad-weights`: `weights` does not give one number per "
                              "variation"),
        Problem(path, 16, 34, "flag `no-variations`: `variations` is empty"),
    )


# -- PostHog -------------------------------------------------------------------------------


def test_posthog_release_conditions():
    state = read("local-evaluation.json", "posthog")
    assert state.problems == ()
    got = {key: flag.environments["default"] for key, flag in state.flags.items()}
    assert got == {
        "new-checkout": served(on=True, value=True, settled=True, line=3, rollout=100.0),
        # A null rollout_percentage is everyone.
        "beta-feature": served(on=True, value=True, settled=True, line=18, rollout=100.0),
        "dark-mode": served(on=True, value=None, settled=False, line=28, rollout=30.0),
        "eu-only": served(on=True, value=None, settled=False, line=38, targeting=True),
        "paused": served(on=False, value=False, settled=True, line=54),
        "old-flag": served(on=False, value=False, settled=True, line=63),
        "pricing-page": served(on=True, value=None, settled=False,
                               line=72, rollout=50.0, variants=("control", "test")),
        "new-nav": served(on=True, value="redesign", settled=True, line=90, rollout=100.0,
                          variants=("control", "redesign")),
        "company-reports": served(on=True, value=False, settled=True, line=107, rollout=0.0),
    }
    assert state.flags["old-flag"].archived is True
    assert state.flags["paused"].archived is False
    assert (state.flags["dark-mode"].description, state.flags["dark-mode"].line) == (
        "Dark mode", 28)


def test_posthog_malformed_entries_and_wrong_format():
    state = read("malformed.json", "posthog")
    assert list(state.flags) == ["fine"]
    path = "posthog/malformed.json"
    assert state.problems == (
        Problem(path, 3, 5, "`flags` item 0: `key` is missing"),
        Problem(path, 5, 66, 'flag `bad-active`: `active` is "yes"; expected true or false'),
        Problem(path, 9, 51, "flag `bad-rollout`: `rollout_percentage` is 150; expected a "
                             "percentage (0 to 100)"),
    )
    assert error_of("not-posthog.json", "posthog") == (
        "posthog/not-posthog.json:1: not a PostHog local-evaluation response (no `flags` "
        "list); export it with `curl -H 'Authorization: Bearer phx_…' "
        "'https://us.posthog.com/api/feature_flag/local_evaluation?token=phc_…'`")


# -- every format ---------------------------------------------------------------------------

READABLE = [("flags.flagd.json", "flagd"), ("flags.flagd.yaml", "flagd"),
            ("malformed.flagd.json", "flagd"), ("export-production.json", "unleash"),
            ("state-export.json", "unleash"), ("client-features.json", "unleash"),
            ("malformed-export.json", "unleash"), ("flags.json", "launchdarkly"),
            ("malformed.json", "launchdarkly"), ("environment-document.json", "flagsmith"),
            ("features.json", "growthbook"), ("local-evaluation.json", "posthog")]


@pytest.mark.parametrize(("name", "fmt"), READABLE)
def test_flag_state_goes_through_the_cache_codec_unchanged(name, fmt):
    state = read(name, fmt)
    assert codec.decode(FlagState, json.loads(json.dumps(codec.encode(state)))) == state


def test_an_unknown_format_and_a_broken_file_are_errors(tmp_path):
    assert error_of("flags.json", "split") == (
        'split/flags.json:1: unknown flag-state format "split"; expected one of flagd, '
        "flagsmith, growthbook, launchdarkly, posthog, unleash")
    (tmp_path / "ld.json").write_text('{"items": [\n  {"key": "x",}\n]}\n', encoding="utf-8")
    with pytest.raises(FlagStateError) as caught:
        read_flag_state(tmp_path / "ld.json", "launchdarkly", tmp_path)
    assert str(caught.value) == (
        "ld.json:2: not JSON: Expecting property name enclosed in double quotes (column 15)")
    (tmp_path / "flags.yaml").write_text("flags:\n  a: [1,\n", encoding="utf-8")
    with pytest.raises(FlagStateError) as caught:
        read_flag_state(Path("flags.yaml"), "flagd", tmp_path)
    assert str(caught.value).startswith("flags.yaml:3: not YAML: ")


@pytest.mark.parametrize("path", sorted(DATA.glob("*/*.json")), ids=lambda p: p.name)
def test_every_recorded_json_position_is_where_that_member_or_item_is_written(path):
    document = load(path, path.name)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert document.positions
    for at, (line, column) in document.positions.items():
        written = lines[line - 1][column - 1:]
        value = document.data
        for step in at:
            value = value[step]
        if at and isinstance(at[-1], str):
            assert written.startswith(json.dumps(at[-1], ensure_ascii=False)), (at, written)
        elif isinstance(value, dict | list):
            assert written[0] == ("[" if isinstance(value, list) else "{"), (at, written)
        else:
            assert json.JSONDecoder().raw_decode(written)[0] == value, (at, written)
