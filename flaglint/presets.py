"""The flag SDK call shapes flaglint knows, and the project's own readers and definitions."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ReaderSpec:
    """A call that reads a flag: `call` is a qualified name, or `*.name` for any receiver."""

    call: str
    key: int | None = 0
    key_name: str | None = None
    default: int | None = None
    default_name: str | None = None
    value_type: str | None = None
    negate_prefix: bool = False  # django-waffle decorators: "!key" means "when off"
    origin: str = ""
    writes: bool = False  # it sets the flag (a test override), it does not read it
    line: int = field(default=0, compare=False)  # of its `call` in the configuration
    # The key every call reads, for a function that takes none (pandas'
    # `using_copy_on_write()` reads `mode.copy_on_write`): then `key` is None
    flag: str | None = None

    @property
    def method(self) -> str:
        return self.call.rsplit(".", 1)[-1]

    @property
    def any_receiver(self) -> bool:
        return self.call.startswith("*.")


@dataclass(frozen=True, slots=True)
class DefinitionSpec:
    """Flags defined in code: by a call (`call`, `key`) or every string member of `class_`."""

    call: str | None = None
    key: int | None = 0
    key_name: str | None = None
    class_: str | None = None
    origin: str = ""
    reads: tuple[str, ...] = ()  # methods that read the flag object the call returns
    attributes: tuple[str, ...] = ()  # attributes that read it (`holder.value`)
    call_reads: bool = False  # calling the object reads it (`with config.x(v):`)
    prefix: str = ""  # keys defined with it name the same flag without it (`jax_x` is `x`)
    truth_reads: bool = False  # a truth test of the object reads it (`if holder:`)
    namespace: str = ""  # an object whose attribute named by the key reads it (`config.jax_x`)
    bound_name: bool = False  # the key is the name the call is bound to (`X = Setting(…)`)
    writes: tuple[str, ...] = ()  # methods that set the flag (`X.set(True)`)
    line: int = field(default=0, compare=False)  # of its `call` in the configuration


def _reader(preset: str, method: str, key: int, key_name: str | None = None,
            default: int | None = None, default_name: str | None = None,
            value_type: str | None = None, *, negate_prefix: bool = False) -> ReaderSpec:
    return ReaderSpec(f"*.{method}", key, key_name, default, default_name, value_type,
                      negate_prefix=negate_prefix, origin=preset)


def _override(preset: str, method: str, key: int, key_name: str) -> ReaderSpec:
    return ReaderSpec(f"*.{method}", key, key_name, origin=preset, writes=True)


def _openfeature() -> tuple[ReaderSpec, ...]:
    specs = []
    for kind, value_type in (("boolean", "bool"), ("string", "str"), ("integer", "int"),
                             ("float", "float"), ("object", "object")):
        for suffix in ("value", "details"):
            specs.append(_reader("openfeature", f"get_{kind}_{suffix}", 0, "flag_key", 1,
                                 "default_value", value_type))
    return tuple(specs)


PRESETS: dict[str, tuple[ReaderSpec, ...]] = {
    "openfeature": _openfeature(),
    "launchdarkly": (
        _reader("launchdarkly", "variation", 0, "key", 2, "default"),
        _reader("launchdarkly", "variation_detail", 0, "key", 2, "default"),
    ),
    "unleash": (
        _reader("unleash", "is_enabled", 0, "feature_name", value_type="bool"),
        _reader("unleash", "get_variant", 0, "feature_name", value_type="variant"),
    ),
    "flagsmith": (
        _reader("flagsmith", "is_feature_enabled", 0, "feature_name", value_type="bool"),
        _reader("flagsmith", "get_feature_value", 0, "feature_name"),
        _reader("flagsmith", "get_flag", 0, "feature_name"),
    ),
    "django-waffle": (
        _reader("django-waffle", "flag_is_active", 1, "flag_name", value_type="bool"),
        _reader("django-waffle", "switch_is_active", 0, "switch_name", value_type="bool"),
        _reader("django-waffle", "sample_is_active", 0, "sample_name", value_type="bool"),
        _reader("django-waffle", "waffle_flag", 0, "flag_name", value_type="bool",
                negate_prefix=True),
        _reader("django-waffle", "waffle_switch", 0, "switch_name", value_type="bool",
                negate_prefix=True),
        _override("django-waffle", "override_flag", 0, "name"),
        _override("django-waffle", "override_switch", 0, "name"),
        _override("django-waffle", "override_sample", 0, "name"),
    ),
    "posthog": (
        _reader("posthog", "feature_enabled", 0, "key", value_type="bool"),
        _reader("posthog", "get_feature_flag", 0, "key"),
    ),
    "growthbook": (
        _reader("growthbook", "is_on", 0, "key", value_type="bool"),
        _reader("growthbook", "is_off", 0, "key", value_type="bool"),
        _reader("growthbook", "get_feature_value", 0, "key", 1, "fallback"),
    ),
    "configcat": (_reader("configcat", "get_value", 0, "key", 1, "default_value"),),
    "statsig": (
        _reader("statsig", "check_gate", 1, "gate", value_type="bool"),
        _reader("statsig", "get_experiment", 1, "experiment"),
    ),
    "split": (_reader("split", "get_treatment", 1, "feature_flag_name"),),
    # Django settings as flags: `settings.FEATURE_X` and `getattr(settings, "FEATURE_X",
    # False)` of `django.conf.settings`, for names that say they are flags. No call shape of
    # its own (the linker knows it), and only when `presets` names it: every Django project
    # says `settings` everywhere.
    "django-settings": (),
}

SETTINGS = "django.conf.settings"
# Setting names that are flags, for the django-settings preset.
SETTINGS_FLAGS = ("FEATURE_*", "FEATURES_*", "FLAG_*", "ENABLE_*", "*_ENABLED")
SETTINGS_PRESET = "django-settings"  # the preset, and the API its reads name
OPT_IN = (SETTINGS_PRESET,)  # presets used only when `presets` names them

# When `presets` is not configured, a preset is on where its SDK is imported somewhere in the
# project: method names such as `get_value` or `is_on` are too common to trust everywhere.
PRESET_MODULES: dict[str, tuple[str, ...]] = {
    "openfeature": ("openfeature",),
    "launchdarkly": ("ldclient",),
    "unleash": ("UnleashClient", "unleash"),
    "flagsmith": ("flagsmith",),
    "django-waffle": ("waffle",),
    "posthog": ("posthog",),
    "growthbook": ("growthbook",),
    "configcat": ("configcatclient", "configcat"),
    "statsig": ("statsig",),
    "split": ("splitio",),
}
