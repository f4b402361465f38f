"""The scan for suppression comments: its quick test of a whole file (`_may_hold_one`)
never passes over a file whose lines hold one."""

from __future__ import annotations

import itertools

from flaglint.suppressions import Suppression, Suppressions, _may_hold_one


def _spellings(word: str) -> list[str]:
    return ["".join(letters) for letters in itertools.product(*((c.lower(), c.upper())
                                                                 for c in word))]


def test_every_case_of_noqa_is_found_and_flaglint_only_in_lower_case():
    for noqa in _spellings("noqa"):
        text = f"x = 1\ny = 2  # {noqa}: FL301\n"
        assert _may_hold_one(text)
        assert Suppressions.scan(text).by_line == {2: Suppression(2, ("FL301",), noqa=True)}
    for flaglint in _spellings("flaglint"):
        text = f"y = 2  # {flaglint}: ignore[FL301]\n"
        found = Suppressions.scan(text).by_line
        assert found == ({1: Suppression(1, ("FL301",))} if flaglint == "flaglint" else {})


def test_a_file_the_quick_test_passes_over_holds_no_suppression():
    # Letters a case-blind regex takes for `i` (dotless ı, dotted İ), and what `lower`
    # turns into two characters, around markers that are none.
    for text in ["# flaglınt: ignore\n", "# FLAGLİNT: ignore\n", "# nqoa\n", "# no qa\n",
                 "x = 'İ'  # KELVIN \u212a\n", "# flag lint: ignore\n"]:
        assert not _may_hold_one(text)
        assert Suppressions.scan(text).by_line == {}


def test_the_quick_test_holds_while_flaglint_is_spelled_in_lower_case():
    import re

    from flaglint.suppressions import _PATTERN

    assert not _PATTERN.flags & re.IGNORECASE  # else `_may_hold_one` must look for more
