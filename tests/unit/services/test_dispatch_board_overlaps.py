"""Overlapping windows on the dispatch board (pure function)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from iprodash.services.dispatch_board import overlapping

NINE = datetime(2025, 6, 2, 13, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)


def test_overlapping_windows_flag_each_other():
    clashes = overlapping([("a", NINE, NINE + 2 * HOUR), ("b", NINE + HOUR, NINE + 3 * HOUR),
                           ("c", NINE + 5 * HOUR, NINE + 6 * HOUR)])
    assert clashes == {"a": {"b"}, "b": {"a"}}


def test_touching_windows_do_not_overlap():
    assert overlapping([("a", NINE, NINE + HOUR), ("b", NINE + HOUR, NINE + 2 * HOUR)]) == {}


def test_a_missing_end_counts_as_one_hour():
    assert overlapping([("a", NINE, None), ("b", NINE + 30 * timedelta(minutes=1), None)]) == {
        "a": {"b"}, "b": {"a"}}
    assert overlapping([("a", NINE, None), ("b", NINE + HOUR, None)]) == {}


def test_a_long_window_overlaps_every_window_inside_it():
    clashes = overlapping([("long", NINE, NINE + 8 * HOUR), ("x", NINE + HOUR, NINE + 2 * HOUR),
                           ("y", NINE + 4 * HOUR, NINE + 5 * HOUR)])
    assert clashes == {"long": {"x", "y"}, "x": {"long"}, "y": {"long"}}
