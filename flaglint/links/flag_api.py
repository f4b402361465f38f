"""A project's own flag API, found from the code when nothing is configured: the functions
and methods the project calls with flag keys (`is_feature_enabled(FeatureFlag.X)`,
`project.has_feature(Feature.X)`), and the calls that make flag objects (`x =
bool_state("jax_x", …)`). `flaglint init` writes what it finds, with its evidence; a run with
nothing configured uses it as if it were configured.

Two steps: the text of every file says which names are candidates (`candidates`), cheaply;
the facts of the files that name them say which candidates the code calls with keys
(`find`)."""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from flaglint.facts import Call, FileFacts, Value, ValueKind
from flaglint.presets import DefinitionSpec, ReaderSpec

# A function whose name says it answers a flag question: `is_feature_enabled`,
# `has_feature`, `flag_is_active`, `feature_on`, `is_flag_set`, `check_switch`.
_FLAG_WORD = r"(?:feature|flag|toggle|switch)s?"
_QUESTION = re.compile(rf"^(?:is|has|check|use)_(?:\w+_)?{_FLAG_WORD}(?:_\w+)?$|"
                       rf"^(?:\w+_)?{_FLAG_WORD}_(?:is_)?(?:enabled|active|on|set|checked)$",
                       re.IGNORECASE)
# A call that makes a flag object bound to a name: `bool_state(`, `define_bool_flag(`,
# `Toggle(`, `FeatureFlag(`, `DEFINE_bool(`; and a class named for one in CamelCase, as
# edx-toggles' `WaffleFlag(`, `WaffleSwitch(`, `SettingToggle(`.
_MAKER = re.compile(r"(?:^|_)(?:state|flag|toggle|switch|feature)s?$|^define_|^DEFINE_|"
                    r"^(?:Toggle|Flag|Feature|Switch)\w*$", re.IGNORECASE)
_CAMEL_MAKER = re.compile(r"^[A-Z]\w*[a-z0-9](?:Flag|Toggle|Switch)$")

# A call on something named for flags, with a string first: `features.has("org:x", …)`,
# `waffle.switch_is_active("x")`, `toggles.is_on("x")`.
# Sought in the lowered text, one word at a time from the word for flags on (a literal the
# engine finds fast), the receiver's whole name read back from there: a leading `\w*`, or
# one pattern for every word, would be tried at every character of every file.
_FLAG_WORDS = (b"feature", b"flag", b"toggle", b"switch", b"waffle")  # byte search first
_ON_FLAGS = tuple(re.compile(word + rb"s?\.(\w+)[ \t]*\(\s*[rbu]?[\"']")
                  for word in _FLAG_WORDS)
_WORD_END = re.compile(rb"\w+$")
_VERB = re.compile(r"^(?:has|is_|get|check|enabled|active|on$|variation|evaluate|flag|feature)",
                   re.IGNORECASE)

# A function whose name holds a flag word (every question does), sought in the lowered text
# from `def`, a literal the engine finds fast; what stands before it on its line is checked
# apart (`^` with MULTILINE would be tried at every character).
_WORDED_DEF = re.compile(rb"def[ \t]+(\w*(?:feature|flag|toggle|switch)\w*)[ \t]*\(")
_DEF_INDENT = re.compile(rb"[ \t]*(?:async[ \t]+)?")
# Django settings read as flags (`settings.FEATURE_SEARCH`): the django-settings preset.
_DJANGO_SETTINGS = re.compile(rb"^[ \t]*from[ \t]+django\.conf[ \t]+import[ \t]+settings\b",
                              re.MULTILINE)
# Read as an attribute, or by `getattr(settings, "X", False)` with a boolean default or
# none (wagtail reads them so; `getattr(settings, "FEATURE_LIMITS", {})` holds a value)
_SETTING_FLAG = re.compile(rb"\bsettings\.(?:FEATURES?_\w+|FLAG_\w+|ENABLE_\w+|\w+_ENABLED)\b|"
                           rb"\bgetattr\(\s*settings\s*,\s*[\"'](?:FEATURES?_\w+|"
                           rb"FLAG_\w+|ENABLE_\w+|\w+_ENABLED)[\"']\s*(?:,\s*(?:True|False)\s*)?"
                           rb",?\s*\)")
DJANGO_SETTINGS = ("=django-settings",)  # the mark of a file that reads settings as flags
# An environment variable named like a flag, read directly (`os.getenv("FEATURE_X")`).
_ENV_FLAG = re.compile(r"^(?:FEATURES?_\w+|FF_\w+|ENABLE_\w+|\w+_ENABLED|\w+_FLAG)$")
_ENV_READ = re.compile(rb"\b(getenv|environ)\b[ \t]*(?:\.get)?[ \t]*[(\[]\s*[\"']"
                       rb"(?:FEATURES?_|FF_|ENABLE_|\w+_ENABLED[\"']|\w+_FLAG[\"'])")
# From a line's start: `\n` is a literal the engine finds fast (the first line is matched
# apart). The key may be an f-string (`f'{NS}.x'`) and, as black writes a long call, on the
# next line (edx-enterprise's `X = WaffleFlag(\n    f'{ENTERPRISE_NAMESPACE}.x',\n …)`).
_BOUND_CALL = re.compile(rb"\n([A-Za-z_]\w*)[ \t]*=[ \t]*([\w.]+)\(\s*(?:name[ \t]*=[ \t]*)?"
                         rb"[rbufRBUF]{0,2}[\"']")
_MEMBER = re.compile(r"^[A-Z][A-Z0-9_]*$")


def _is_maker(name: str) -> bool:
    return bool(_MAKER.search(name) or _CAMEL_MAKER.match(name))


def is_question(name: str) -> bool:
    """Does a function's name say it answers whether a flag is on?"""
    return bool(_QUESTION.match(name))


def candidates(blob: bytes) -> set[tuple[str, ...]]:
    """The words that make a file worth reading to find the project's flag API: functions
    whose name asks about a flag, callees that bind flag objects to names at the top level
    (with the names they bind, through which the objects are read), and calls on something
    named for flags with a string first (`features.has("org:x")`, as it is written)."""
    lowered = blob.lower()  # as long as `blob`: only ASCII letters change
    found: set[tuple[str, ...]] = set()
    for question in _WORDED_DEF.finditer(lowered):
        start = lowered.rfind(b"\n", 0, question.start()) + 1
        if _DEF_INDENT.fullmatch(lowered, start, question.start()):
            name = blob[question.start(1):question.end(1)].decode()
            if is_question(name):
                found.add((name,))
    lines = b"\n" + blob  # every line starts after a `\n`, the first one too
    for bound in _BOUND_CALL.finditer(lines):
        maker = bound.group(2).decode().rsplit(".", 1)[-1]
        if _is_maker(maker):
            found |= {(maker,), (bound.group(1).decode(),)}  # the maker, and what it makes
    for word, on_flags in zip(_FLAG_WORDS, _ON_FLAGS, strict=True):
        if word + b"." not in lowered and word + b"s." not in lowered:
            continue
        for call in on_flags.finditer(lowered):
            head = _WORD_END.search(blob, max(0, call.start() - 200), call.start(1) - 1)
            if head is None:  # cannot be: the match starts with a word
                continue
            receiver = head.group(0).decode()
            method = blob[call.start(1):call.end(1)].decode()
            if _VERB.match(method):
                # the call as written: a file that names both words apart calls nothing so
                found.add((f"{receiver}.{method}",))
    if b"django.conf" in blob and _DJANGO_SETTINGS.search(blob) and any(
            not _in_comment(blob, match.start()) for match in _SETTING_FLAG.finditer(blob)):
        found.add(DJANGO_SETTINGS)
    if b"getenv" in blob or b"environ" in blob:
        found |= {(read.group(1).decode(),) for read in _ENV_READ.finditer(blob)}
    return found


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why discovery believes a spec: where the function or maker is, and how often the
    code passes it keys."""

    where: str  # path:line
    calls: int  # calls with a key (reads, or definitions)
    examples: tuple[str, ...]  # a few keys as the code writes them


@dataclass(frozen=True, slots=True)
class FlagApi:
    """What discovery found: specs to use as configured, each with its evidence; and what
    it could not decide (said, never used)."""

    readers: tuple[tuple[ReaderSpec, Evidence], ...] = ()
    definitions: tuple[tuple[DefinitionSpec, Evidence], ...] = ()
    undecided: tuple[str, ...] = ()
    presets: tuple[str, ...] | None = None  # the presets to use, when discovery changed them

    def __bool__(self) -> bool:
        return bool(self.readers or self.definitions or self.presets)


@dataclass
class _Found:
    readers: list[tuple[ReaderSpec, Evidence]] = field(default_factory=list)
    definitions: list[tuple[DefinitionSpec, Evidence]] = field(default_factory=list)
    undecided: list[str] = field(default_factory=list)


ReadsOf = Callable[[set[str]], tuple[tuple[str, ...], tuple[str, ...]]]


def find(facts: Iterable[FileFacts], reads_of: ReadsOf,
         roots: Mapping[str, str] | None = None,
         texts: Mapping[str, bytes] | None = None,
         tests: Callable[[str], bool] = lambda path: False) -> FlagApi:
    """The flag API in these facts (the files that name a candidate, read in full).
    `reads_of(names)`: the attributes objects bound to these names are read through
    (`value` of `x.value`) and the methods that read them (`is_enabled` of
    `x.is_enabled()`, a name `read_verb` takes), as the text of the project shows;
    `roots`: the names imported from a folder inside the project on `sys.path`
    (`links/roots.py`); `texts`: the files' bytes, by path; `tests`: is a path test code?
    Test code only confirms what the code outside it shows: a test's fake or a test-only
    class of keys is no part of the project's flag API."""
    files = [f for f in facts if f.complete]
    found = _Found()
    _readers(files, found, _chaser(files, roots or {}), tests)
    _on_flags(files, found, tests)
    _makers(files, found, reads_of, tests)
    found.definitions += _classes(files, [spec for spec, _ in found.readers], tests)
    found.undecided += _environment([f for f in files if not tests(f.path)], texts or {})
    return FlagApi(tuple(found.readers), tuple(found.definitions), tuple(found.undecided))


def read_verb(name: str) -> bool:
    """Does a method of this name ask about a flag (`is_enabled`, `has`, `active`)?"""
    return _VERB.match(name) is not None


def key_like(value: Value) -> str | None:
    """A key as a call passes it: a string literal, or a member of a class of keys
    (`FeatureFlag.X`, `Feature.X.value`); else None."""
    if value.kind is ValueKind.STR and value.text and len(value.text) <= 200:
        return value.text
    if value.kind is ValueKind.NAME:
        parts = value.text.split(".")
        if parts[-1] in ("value", "name") and len(parts) > 2:
            parts = parts[:-1]
        if len(parts) >= 2 and _MEMBER.match(parts[-1]) and parts[-2][:1].isupper():
            return ".".join(parts[-2:])
    return None


@dataclass
class _Candidate:
    qualname: str
    method: bool
    params: tuple[str, ...]
    where: str
    keys: Counter[int] = field(default_factory=Counter)  # position -> calls with a key there
    calls: int = 0
    outside: int = 0  # calls with a key outside the tests
    examples: list[str] = field(default_factory=list)


def _chaser(files: list[FileFacts], roots: Mapping[str, str]) -> Callable[[str], str]:
    """A callee as the project names its definition: from the project's root, through the
    re-exports of the files read (label-studio calls `core.feature_flags.flag_set`, which
    `label_studio/core/feature_flags/__init__.py` imports from `.base`)."""
    exports = {f.module: dict(f.imports) for f in files}

    def rooted(name: str) -> str:
        package = roots.get(name.split(".", 1)[0])
        return f"{package}.{name}" if package is not None else name

    def chase(name: str) -> str:
        name = rooted(name)
        for _ in range(10):
            module, _, attribute = name.rpartition(".")
            target = exports.get(module, {}).get(attribute)
            if target is None or rooted(target) == name:
                return name
            name = rooted(target)
        return name

    return chase


def _readers(files: list[FileFacts], api: _Found, chase: Callable[[str], str],
             tests: Callable[[str], bool]) -> None:
    found: dict[str, _Candidate] = {}
    by_name: dict[str, list[_Candidate]] = {}
    for facts in files:
        for definition in facts.definitions:
            name = definition.qualname.rsplit(".", 1)[-1]
            if definition.kind == "function" and is_question(name):
                candidate = _Candidate(definition.qualname, definition.method,
                                       definition.params,
                                       f"{facts.path}:{definition.span.line}")
                found[definition.qualname] = candidate
                by_name.setdefault(name, []).append(candidate)
    strings = _string_constants(files)
    for facts in sorted(files, key=lambda f: tests(f.path)):  # the examples outside first
        in_tests = tests(facts.path)
        for call in facts.calls:
            for candidate in _called(call, found, by_name, chase):
                if _count(candidate, call, strings) and not in_tests:
                    candidate.outside += 1
    for candidate in sorted(found.values(), key=lambda c: c.qualname):
        position, keyed = candidate.keys.most_common(1)[0] if candidate.keys else (0, 0)
        if keyed and not candidate.outside:
            api.undecided.append(
                f"{candidate.where}: `{candidate.qualname}` asks about a flag, but only test "
                f"code calls it with a key ({keyed} of its {candidate.calls} calls)")
        elif keyed and keyed * 2 >= candidate.calls:
            name = candidate.qualname.rsplit(".", 1)[-1]
            shape = f"*.{name}" if candidate.method else candidate.qualname
            param = candidate.params[position] if position < len(candidate.params) else None
            # `def is_enabled(name, default=False)`: the default a call passes (and its own,
            # when it is `True` or `False`, for a call that passes none)
            default = candidate.params.index("default") \
                if "default" in candidate.params else None
            api.readers.append((ReaderSpec(shape, position, param, default,
                                           "default" if default is not None else None,
                                           origin="discovered"),
                                Evidence(candidate.where, keyed,
                                         tuple(candidate.examples[:3]))))
        elif candidate.calls:
            api.undecided.append(
                f"{candidate.where}: `{candidate.qualname}` asks about a flag, but "
                f"{'none' if not keyed else f'only {keyed}'} of its {candidate.calls} "
                f"calls pass a key flaglint can read")


_FLAGGY = re.compile(rf"^\w*{_FLAG_WORD}$|^waffle$", re.IGNORECASE)


def _on_flags(files: list[FileFacts], api: _Found, tests: Callable[[str], bool]) -> None:
    """Calls of a function of something named for flags (`sentry.features.has`, the
    `has` of the module `features`) that pass a string key first, at least three times and
    in most of their calls, one of them outside the tests: the readers of an API flaglint
    has no preset for."""
    calls: dict[str, list[tuple[str, Call]]] = {}
    for facts in files:
        for call in facts.calls:
            parts = call.callee.split(".")
            if call.resolved and call.attribute and len(parts) >= 2 and \
                    _FLAGGY.match(parts[-2]) and _VERB.match(parts[-1]):
                calls.setdefault(call.callee, []).append((facts.path, call))
    known = {spec.call for spec, _ in api.readers}
    strings = _string_constants(files) if calls else {}
    for callee, found in sorted(calls.items()):
        keyed = [(path, call, k) for path, call in found
                 if (first := next((a for a in call.args if a.keyword is None), None))
                 is not None and (k := _key(first.value, strings)) is not None]
        outside = [(path, call) for path, call, _ in keyed if not tests(path)]
        if callee in known or not outside or len(keyed) < 3 or len(keyed) * 2 < len(found):
            continue
        path, call = outside[0]
        api.readers.append((ReaderSpec(callee, 0, origin="discovered"),
                            Evidence(f"{path}:{call.span.line}", len(keyed),
                                     tuple(dict.fromkeys(k for _, _, k in keyed))[:3])))


def _called(call: Call, found: dict[str, _Candidate], by_name: dict[str, list[_Candidate]],
            chase: Callable[[str], str]) -> list[_Candidate]:
    """The candidates a call may call: the function it resolves to, or a method of that
    name on any receiver."""
    target = chase(call.callee) if call.resolved else call.callee
    if call.resolved and target in found and not found[target].method:
        return [found[target]]
    if call.attribute:
        return [c for c in by_name.get(call.name, []) if c.method]
    return []


def _string_constants(files: list[FileFacts]) -> dict[str, str]:
    """Every name bound once to a string, by its qualified name: a call may pass a key as
    a module constant (ora2's `self.is_feature_enabled(MFE_VIEWS)`, `MFE_VIEWS =
    'mfe_views'`), which linking resolves as it resolves a literal."""
    return {constant.qualname: constant.value.text for facts in files
            for constant in facts.constants if constant.value.kind is ValueKind.STR}


def _key(value: Value, strings: dict[str, str]) -> str | None:
    """`key_like`, or the string a name passed is bound to."""
    found = key_like(value)
    if found is None and value.kind is ValueKind.NAME and value.text in strings:
        text = strings[value.text]
        return text if text and len(text) <= 200 else None
    return found


def _count(candidate: _Candidate, call: Call, strings: dict[str, str]) -> bool:
    """Count a call of the candidate; does it pass a key?"""
    candidate.calls += 1
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    for index, arg in enumerate(positional):
        key = _key(arg.value, strings)
        if key is not None:
            candidate.keys[index] += 1
            if len(candidate.examples) < 3 and key not in candidate.examples:
                candidate.examples.append(key)
            return True
    for arg in call.args:
        if arg.keyword in candidate.params and (key := _key(arg.value, strings)) is not None:
            candidate.keys[candidate.params.index(arg.keyword)] += 1
            return True
    return False


def _makers(files: list[FileFacts], api: _Found, reads_of: ReadsOf,
            tests: Callable[[str], bool]) -> None:
    """Calls that bind flag objects to top-level names with a key first, one of them
    outside the tests: at least two of them, or one whose objects the code reads through an
    attribute or a method."""
    made: dict[str, list[tuple[str, str, str]]] = {}  # callee -> (key, path:line, name)
    strings = _string_constants(files)
    # The code outside the tests first: the evidence shown is where the first one is made
    for facts in sorted(files, key=lambda f: tests(f.path)):
        for constant in facts.constants:
            value = constant.value
            if value.kind is not ValueKind.CALL or not 0 <= value.index < len(facts.calls):
                continue
            call = facts.calls[value.index]
            if constant.qualname.count(".") != facts.module.count(".") + 1 or \
                    not _is_maker(call.name) or not call.resolved:
                continue
            first = next((a for a in call.args if a.keyword in (None, "name") and not a.star),
                         None)
            key = _made_key(first.value, strings) if first is not None else None
            if key is not None:
                made.setdefault(call.callee, []).append(
                    (key, f"{facts.path}:{constant.span.line}",
                     constant.qualname.rsplit(".", 1)[-1]))
    for callee, keys in sorted(made.items()):
        if tests(keys[0][1].rpartition(":")[0]):
            continue  # made in test code only
        attributes, methods = reads_of({name for _, _, name in keys})
        if len(keys) < 2 and not attributes and not methods:
            continue
        api.definitions.append((
            DefinitionSpec(call=callee, key=0, key_name="name", reads=methods,
                           attributes=attributes, origin="discovered"),
            Evidence(keys[0][1], len(keys), tuple(k for k, _, _ in keys[:3]))))


def _made_key(value: Value, strings: dict[str, str]) -> str | None:
    """The key a definition call passes, as its evidence shows it: a literal, or an
    f-string (or `+`) of names, with the strings the names are bound to where the files
    read say (edx-enterprise's `f'{ENTERPRISE_NAMESPACE}.x'`: `enterprise.x`), else as
    written; None for anything else."""
    if value.kind is ValueKind.STR:
        return value.text
    if value.kind is not ValueKind.TEMPLATE:
        return None
    pieces = value.text.split("\0")
    names = [strings.get(name) for name in value.names]
    if len(pieces) != len(names) + 1 or any(name is None for name in names):
        return value.source
    return pieces[0] + "".join(f"{name}{piece}" for name, piece in zip(names, pieces[1:],
                                                                      strict=True))


def _classes(files: list[FileFacts], readers: list[ReaderSpec], tests: Callable[[str], bool]
             ) -> list[tuple[DefinitionSpec, Evidence]]:
    """Classes whose members the code passes to the readers found (`Feature.X`,
    `FeatureFlag.X.value`), outside the tests at least once: their string members are the
    flags."""
    classes = {d.qualname: (f, d) for f in files for d in f.definitions if d.kind == "class"}
    passed: Counter[str] = Counter()
    outside: set[str] = set()
    examples: dict[str, list[str]] = {}
    for facts in files:
        in_tests = tests(facts.path)
        for call in facts.calls:
            if not any(_reads(call, spec) for spec in readers):
                continue
            for arg in call.args:
                owner = _owner_of(arg.value)
                if owner in classes:
                    passed[owner] += 1
                    if not in_tests:
                        outside.add(owner)
                    examples.setdefault(owner, []).append(arg.value.text.rsplit(".", 2)[-2]
                                                          if arg.value.text.endswith(".value")
                                                          else arg.value.text.rsplit(".", 1)[-1])
    found = []
    for owner, count in sorted(passed.items()):
        if owner not in outside:
            continue
        facts, definition = classes[owner]
        found.append((DefinitionSpec(class_=owner, origin="discovered"),
                      Evidence(f"{facts.path}:{definition.span.line}", count,
                               tuple(dict.fromkeys(examples[owner]))[:3])))
    return found


def _reads(call: Call, spec: ReaderSpec) -> bool:
    if spec.any_receiver:
        return call.attribute and call.name == spec.method
    return call.resolved and call.callee == spec.call


def is_member(name: str) -> bool:
    """Is this named as a class of keys names its members (`NEW_UI`: constants, Enum
    members), not as an attribute of an object that describes one flag (`feature_id`)?"""
    return _MEMBER.match(name) is not None


def _owner_of(value: Value) -> str | None:
    """The class of a member passed as a key (`app.flags.Feature.X(.value)`)."""
    if value.kind is not ValueKind.NAME:
        return None
    parts = value.text.split(".")
    if parts[-1] in ("value", "name"):
        parts = parts[:-1]
    return ".".join(parts[:-1]) if len(parts) >= 2 and is_member(parts[-1]) else None


def _in_comment(blob: bytes, at: int) -> bool:
    """Is this position after a `#` on its line (a comment, or a string holding one: the
    text search cannot tell, and takes neither)?"""
    return b"#" in blob[blob.rfind(b"\n", 0, at) + 1:at]


def _environ_items(data: bytes) -> Iterator[tuple[str, int]]:
    """`os.environ["X"]` read in this file (neither a write nor a `del`), with its line: a
    subscript, which the file's facts hold no call of."""
    if b"environ" not in data:
        return
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and \
                isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str) and (
                    (isinstance(node.value, ast.Attribute) and node.value.attr == "environ") or
                    (isinstance(node.value, ast.Name) and node.value.id == "environ")):
            yield node.slice.value, node.lineno


def _environment(files: list[FileFacts], texts: Mapping[str, bytes]) -> list[str]:
    """Environment variables named like flags and read directly, by a literal name
    (`os.getenv("X")`, `os.environ.get("X")`, `os.environ["X"]`): said, not used (which of a
    project's variables are flags is for a person to say, or a helper to wrap)."""
    reads: dict[str, str] = {}
    for facts in files:
        here: dict[str, int] = {}  # each variable's first line in this file
        for call in facts.calls:
            if call.callee not in ("os.getenv", "os.environ.get") or not call.args:
                continue
            key = key_like(call.args[0].value)
            if key is not None and _ENV_FLAG.match(key):
                here[key] = min(here.get(key, call.span.line), call.span.line)
        for key, line in _environ_items(texts.get(facts.path, b"")):
            if _ENV_FLAG.match(key):
                here[key] = min(here.get(key, line), line)
        for key, line in sorted(here.items(), key=lambda item: item[1]):
            reads.setdefault(key, f"{facts.path}:{line}")
    if not reads:
        return []
    shown = ", ".join(f"{key} ({where})" for key, where in sorted(reads.items())[:5])
    more = f" and {len(reads) - 5} more" if len(reads) > 5 else ""
    return [f"environment variables named like flags are read directly: {shown}{more}; "
            f"a helper that reads them (`def is_enabled(name): return os.getenv(name) == "
            f"\"true\"`), named in `[[readers]]`, makes them flags"]
