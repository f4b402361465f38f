"""`made_in_bulk`: a frozen dataclass built through its slots' descriptors takes the same
arguments, and leaves the same object, as the `__init__` dataclasses would write."""

from __future__ import annotations

import dataclasses
import inspect
import pickle
from dataclasses import dataclass, field

import pytest

from flaglint import findings, suppressions
from flaglint.analysis import dead_symbols
from flaglint.facts import model
from flaglint.findings import Edit, Finding, Fix, Related, Span, made_in_bulk
from flaglint.links import model as links_model
from flaglint.links import resolve
from flaglint.suppressions import Suppression, Suppressions


@made_in_bulk
@dataclass(frozen=True, slots=True, order=True)
class _Sample:
    first: int
    second: str = "b"
    items: list[int] = field(default_factory=list)
    flag: bool = field(default=False, kw_only=True)
    named: tuple[int, ...] = field(default_factory=tuple, kw_only=True)


def _twin(cls: type) -> type:
    """The class as dataclasses alone makes it (its own `__init__`)."""
    fields = [(f.name, f.type, dataclasses.field(default=f.default, kw_only=f.kw_only)
               if f.default is not dataclasses.MISSING else
               dataclasses.field(default_factory=f.default_factory, kw_only=f.kw_only)
               if f.default_factory is not dataclasses.MISSING else
               dataclasses.field(kw_only=f.kw_only))
              for f in dataclasses.fields(cls)]
    return dataclasses.make_dataclass(cls.__name__, fields, frozen=True, slots=True)


def _parameters(cls: type) -> list[tuple[str, object, object]]:
    """Each parameter's name, kind and default (a default made by a factory: its value)."""
    return [(p.name, p.kind, repr(p.default) == "<factory>" or p.default)
            for p in inspect.signature(cls).parameters.values()]


def _made_in_bulk(cls: object) -> bool:
    return isinstance(cls, type) and dataclasses.is_dataclass(cls) \
        and "_unset" in getattr(cls.__init__, "__globals__", {})


BULK = sorted({value for module in (model, findings, suppressions, links_model, resolve,
                                    dead_symbols)
               for value in vars(module).values() if _made_in_bulk(value)} | {_Sample},
              key=lambda cls: cls.__qualname__)


def test_the_classes_made_most_are_made_in_bulk() -> None:
    assert {Span, Edit, Fix, Related, Finding, Suppression, Suppressions, resolve.Match,
            links_model.FlagRead, links_model.Symbol, dead_symbols._Defined, model.FileFacts,
            model.Call, model.Arg, model.Value, model.Cond, model.Guard, model.Definition,
            model.Constant} <= set(BULK)


@pytest.mark.parametrize("cls", BULK, ids=lambda c: c.__qualname__)
def test_same_signature_as_the_dataclass_init(cls: type) -> None:
    twin = _twin(cls)
    assert _parameters(cls) == [(name, kind, default is dataclasses.MISSING or default)
                                for name, kind, default in _parameters(twin)]


def test_same_object_as_the_dataclass_init() -> None:
    twin = _twin(_Sample)
    for args, kwargs in [((1,), {}), ((1, "x", [2]), {"flag": True}),
                         ((), {"first": 3, "named": (4,), "second": "y"})]:
        made, expected = _Sample(*args, **kwargs), twin(*args, **kwargs)
        assert dataclasses.asdict(made) == dataclasses.asdict(expected)
    assert _Sample(1).items is not _Sample(1).items  # a factory's default made every time
    assert _Sample(1) == _Sample(1, "b", []) and hash(Span(1, 2, 3, 4)) == hash(Span(1, 2, 3, 4))
    assert _Sample(1) < _Sample(2)
    assert dataclasses.replace(_Sample(1, flag=True), second="z") == _Sample(1, "z", flag=True)
    assert pickle.loads(pickle.dumps(_Sample(5, named=(6,)))) == _Sample(5, named=(6,))


def test_wrong_arguments_fail_as_the_dataclass_init_does() -> None:
    for args, kwargs in [((), {}), ((1, "x", [], True), {}), ((1,), {"nope": 2}),
                         ((1,), {"first": 1})]:
        with pytest.raises(TypeError):
            _Sample(*args, **kwargs)


def test_still_frozen() -> None:
    span = Span(1, 2, 3, 4)
    with pytest.raises(dataclasses.FrozenInstanceError):
        span.line = 5  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        _Sample(1).items = []  # type: ignore[misc]


def test_refuses_what_it_cannot_build() -> None:
    @dataclass(frozen=True, slots=True)
    class Later:
        a: int

        def __post_init__(self) -> None:
            pass

    @dataclass(frozen=True, slots=True)
    class Hidden:
        a: int
        b: int = field(default=0, init=False)

    @dataclass(frozen=True)
    class NoSlots:
        a: int

    for cls in (Later, Hidden, NoSlots):
        with pytest.raises(TypeError, match="made_in_bulk takes"):
            made_in_bulk(cls)
