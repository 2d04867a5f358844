"""The one way State handlers coerce what the browser sent (state/session.py)."""

from __future__ import annotations

import pytest

from state.session import (NOT_UNDERSTOOD, BadArgument, as_choice, as_flag, as_form, as_int,
                           as_text, as_uploads)


def test_text_is_cut_to_its_length_and_nothing_else_is_text():
    assert as_text("x" * 5000, 40) == "x" * 40
    assert as_text("", 10) == ""
    for bad in (None, 12345, {"a": 1}, [1, 2], True):
        with pytest.raises(BadArgument, match=NOT_UNDERSTOOD[:20]):
            as_text(bad, 10)


def test_whole_numbers_in_range_digits_as_text_too():
    assert as_int(-1, -5, 5) == -1 and as_int("3", 0, 5) == 3 and as_int(" -2 ", -5, 5) == -2
    for bad in (None, True, 1.5, "²", "1e3", "", "x", 10**20, "9" * 30, 6, -6, [1]):
        with pytest.raises(BadArgument):
            as_int(bad, -5, 5)


def test_flags_and_choices():
    assert as_flag(False) is False and as_choice("a", {"a", "b"}) == "a"
    for bad in ("true", 1, None):
        with pytest.raises(BadArgument):
            as_flag(bad)
    for bad in ("c", {"a": 1}, None, ["a"]):
        with pytest.raises(BadArgument):
            as_choice(bad, {"a", "b"})


def test_a_form_keeps_text_and_drops_what_a_form_never_sends():
    form = as_form({"name": "Ann", "agreed": True, "off": False, "count": 3, "huge": 10**20,
                    "nested": {"a": 1}, "list": [1], "none": None, 7: "key", "long": "y" * 9000})
    assert form == {"name": "Ann", "agreed": "on", "off": "", "count": "3", "long": "y" * 5000}
    for bad in (None, "form", [1, 2], 12345):
        with pytest.raises(BadArgument):
            as_form(bad)


def test_uploads_are_a_list_of_files():
    assert as_uploads([]) == []
    for bad in (None, [1, 2], "file.csv", {"a": 1}):
        with pytest.raises(BadArgument):
            as_uploads(bad)
