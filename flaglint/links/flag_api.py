"""A project's own flag API, found from the code when nothing is configured: the functions
and methods the project calls with flag keys (`is_feature_enabled(FeatureFlag.X)`,
`project.has_feature(Feature.X)`), and the calls that make flag objects (`x =
bool_state("jax_x", …)`). `flaglint init` writes what it finds, with its evidence; a run with
nothing configured uses it as if it were configured.

Two steps: the text of every file says which names are candidates (`candidates`), cheaply;
the facts of the files that name them say which candidates the code calls with keys
(`find`)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from flaglint.facts import Call, FileFacts, Value, ValueKind
from flaglint.presets import DefinitionSpec, ReaderSpec

# A function whose name says it answers a flag question: `is_feature_enabled`,
# `has_feature`, `flag_is_active`, `feature_on`, `is_flag_set`, `check_switch`.
_FLAG_WORD = r"(?:feature|flag|toggle|switch)s?"
_QUESTION = re.compile(rf"^(?:is_|has_|check_|get_|use_)?(?:\w+_)?{_FLAG_WORD}"
                       rf"(?:_(?:is_)?(?:enabled|active|on|set|value|state|status))?$|"
                       rf"^(?:is_|has_)\w*{_FLAG_WORD}\w*$|"
                       rf"^\w*{_FLAG_WORD}_(?:is_)?(?:enabled|active|on|set)$", re.IGNORECASE)
# A call that makes a flag object bound to a name: `bool_state(`, `define_bool_flag(`,
# `Toggle(`, `FeatureFlag(`, `DEFINE_bool(`.
_MAKER = re.compile(r"(?:^|_)(?:state|flag|toggle|switch|feature)s?$|^define_|^DEFINE_|"
                    r"^(?:Toggle|Flag|Feature|Switch)\w*$", re.IGNORECASE)

_DEF = re.compile(rb"^[ \t]*(?:async[ \t]+)?def[ \t]+(\w+)[ \t]*\(", re.MULTILINE)
_BOUND_CALL = re.compile(rb"^([A-Za-z_]\w*)[ \t]*=[ \t]*([\w.]+)\([ \t]*(?:name[ \t]*=[ \t]*)?"
                         rb"[rbuRBU]?[\"']", re.MULTILINE)
_MEMBER = re.compile(r"^[A-Z][A-Z0-9_]*$")


def is_question(name: str) -> bool:
    """Does a function's name say it answers whether a flag is on?"""
    return bool(_QUESTION.match(name))


def candidates(blob: bytes) -> set[str]:
    """The names this file defines that may be the project's flag API: functions whose name
    asks about a flag, and callees that bind flag objects to names at the top level."""
    found = {m.group(1).decode() for m in _DEF.finditer(blob)
             if is_question(m.group(1).decode())}
    found |= {m.group(2).decode().rsplit(".", 1)[-1] for m in _BOUND_CALL.finditer(blob)
              if _MAKER.search(m.group(2).decode().rsplit(".", 1)[-1])}
    return found


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why discovery believes a spec: where the function or maker is, and how often the
    code passes it keys."""

    where: str  # path:line
    calls: int  # calls with a key (reads, or definitions)
    examples: tuple[str, ...]  # a few keys as the code writes them


@dataclass
class FlagApi:
    """What discovery found: specs to use as configured, each with its evidence; and what
    it could not decide (said, never used)."""

    readers: list[tuple[ReaderSpec, Evidence]] = field(default_factory=list)
    definitions: list[tuple[DefinitionSpec, Evidence]] = field(default_factory=list)
    undecided: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.readers or self.definitions)


def find(facts: Iterable[FileFacts], holder_attributes: dict[str, tuple[str, ...]]
         ) -> FlagApi:
    """The flag API in these facts (the files that name a candidate, read in full).
    `holder_attributes`: for each maker's qualified name, the attributes its objects are
    read through (`value`), as the text of the project shows."""
    files = [f for f in facts if f.complete]
    api = FlagApi()
    _readers(files, api)
    _makers(files, api, holder_attributes)
    return api


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
    examples: list[str] = field(default_factory=list)


def _readers(files: list[FileFacts], api: FlagApi) -> None:
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
    for facts in files:
        for call in facts.calls:
            for candidate in _called(call, found, by_name):
                _count(candidate, call, facts)
    for candidate in sorted(found.values(), key=lambda c: c.qualname):
        position, keyed = candidate.keys.most_common(1)[0] if candidate.keys else (0, 0)
        if keyed and keyed * 2 >= candidate.calls:
            name = candidate.qualname.rsplit(".", 1)[-1]
            shape = f"*.{name}" if candidate.method else candidate.qualname
            param = candidate.params[position] if position < len(candidate.params) else None
            api.readers.append((ReaderSpec(shape, position, param, origin="discovered"),
                                Evidence(candidate.where, keyed,
                                         tuple(candidate.examples[:3]))))
        elif candidate.calls:
            api.undecided.append(
                f"{candidate.where}: `{candidate.qualname}` asks about a flag, but "
                f"{'none' if not keyed else f'only {keyed}'} of its {candidate.calls} "
                f"calls pass a key flaglint can read")


def _called(call: Call, found: dict[str, _Candidate], by_name: dict[str, list[_Candidate]]
            ) -> list[_Candidate]:
    """The candidates a call may call: the function it resolves to, or a method of that
    name on any receiver."""
    if call.resolved and call.callee in found and not found[call.callee].method:
        return [found[call.callee]]
    if call.attribute:
        return [c for c in by_name.get(call.name, []) if c.method]
    return []


def _count(candidate: _Candidate, call: Call, facts: FileFacts) -> None:
    candidate.calls += 1
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    for index, arg in enumerate(positional):
        key = key_like(arg.value)
        if key is not None:
            candidate.keys[index] += 1
            if len(candidate.examples) < 3 and key not in candidate.examples:
                candidate.examples.append(key)
            return
    for arg in call.args:
        if arg.keyword in candidate.params and (key := key_like(arg.value)) is not None:
            candidate.keys[candidate.params.index(arg.keyword)] += 1
            return


def _makers(files: list[FileFacts], api: FlagApi,
            holder_attributes: dict[str, tuple[str, ...]]) -> None:
    """Calls that bind flag objects to top-level names with a key first: at least two of
    them, or one whose objects the code reads through an attribute."""
    made: dict[str, list[tuple[str, str]]] = {}  # callee -> (key, path:line)
    for facts in files:
        for constant in facts.constants:
            value = constant.value
            if value.kind is not ValueKind.CALL or not 0 <= value.index < len(facts.calls):
                continue
            call = facts.calls[value.index]
            if constant.qualname.count(".") != facts.module.count(".") + 1 or \
                    not _MAKER.search(call.name) or not call.resolved:
                continue
            first = next((a for a in call.args if a.keyword in (None, "name") and not a.star),
                         None)
            if first is not None and first.value.kind is ValueKind.STR:
                made.setdefault(call.callee, []).append(
                    (first.value.text, f"{facts.path}:{constant.span.line}"))
    for callee, keys in sorted(made.items()):
        attributes = holder_attributes.get(callee, ())
        if len(keys) < 2 and not attributes:
            continue
        api.definitions.append((
            DefinitionSpec(call=callee, key=0, key_name="name", attributes=attributes,
                           origin="discovered"),
            Evidence(keys[0][1], len(keys), tuple(k for k, _ in keys[:3]))))
