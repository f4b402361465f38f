"""`jsontext` writes the text `json.dumps(indent=2)` writes, character for character."""

from __future__ import annotations

import enum
import io
import json
import math
import random

import pytest

from flaglint import jsontext

TEXTS = ["", "plain", "quote \" and \\ back", "line\nbreak\ttab\x00\x1f", "é ü 北京",
         "\ud800 lone", "emoji 🎉", "</script>", "\u2028"]


class _Level(enum.IntEnum):
    LOW = 1


class _Name(str, enum.Enum):
    KEY = "key"


def _document(rng: random.Random, depth: int) -> object:
    kind = rng.randrange(10 if depth < 4 else 6)
    if kind == 0:
        return rng.choice(TEXTS)
    if kind == 1:
        return rng.choice([0, -1, 7, 2**70, True, False, None, _Level.LOW])
    if kind == 2:
        return rng.choice([0.0, -0.0, 1.5, 1e300, 3.14159, math.inf, -math.inf, math.nan])
    if kind == 3:
        return rng.choice([[], {}, ()])
    if kind in (4, 5):
        return rng.choice(TEXTS) + str(rng.randrange(100))
    if kind in (6, 7):
        return [_document(rng, depth + 1) for _ in range(rng.randrange(5))]
    if kind == 8:
        return tuple(_document(rng, depth + 1) for _ in range(rng.randrange(4)))
    keys = [rng.choice(TEXTS) + str(rng.randrange(50)) for _ in range(rng.randrange(6))]
    return {key: _document(rng, depth + 1) for key in keys}


@pytest.mark.parametrize("ensure_ascii", [True, False])
@pytest.mark.parametrize("sort_keys", [True, False])
def test_same_text_as_json(ensure_ascii, sort_keys):
    rng = random.Random(f"{ensure_ascii}{sort_keys}")
    for _ in range(400):
        document = {"top": _document(rng, 0), "list": [_document(rng, 1) for _ in range(3)]}
        expected = json.dumps(document, indent=2, ensure_ascii=ensure_ascii,
                              sort_keys=sort_keys)
        assert jsontext.dumps(document, ensure_ascii=ensure_ascii,
                              sort_keys=sort_keys) == expected
        stream = io.StringIO()
        jsontext.write(document, stream, ensure_ascii=ensure_ascii, sort_keys=sort_keys)
        assert stream.getvalue() == expected + "\n"


def test_keys_that_are_not_strings_as_json_writes_them():
    document = {2: "a", 2.5: "b", True: "c", None: "d", -0.0: "e", math.inf: "f",
                _Name.KEY: _Name.KEY, "level": _Level.LOW}
    assert jsontext.dumps(document) == json.dumps(document, indent=2)
    assert jsontext.dumps([1, "x", {}]) == json.dumps([1, "x", {}], indent=2)
    assert jsontext.dumps("alone") == json.dumps("alone", indent=2)


def test_what_json_refuses_is_refused():
    for document in ({(1, 2): "tuple key"}, {"a": object()}, [{1, 2}]):
        with pytest.raises(TypeError):
            json.dumps(document, indent=2)
        with pytest.raises(TypeError):
            jsontext.dumps(document)
    with pytest.raises(TypeError):
        jsontext.dumps({"b": 1, 2: 1}, sort_keys=True)  # as json: keys that do not compare
