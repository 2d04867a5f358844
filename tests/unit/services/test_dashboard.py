"""Dashboard periods: company-local days, whole months and edge days."""

from __future__ import annotations

from datetime import date

import pytest

from iprodash.domain.errors import ValidationError
from iprodash.services.dashboard import month_split, resolve_period

WEDNESDAY = date(2025, 3, 12)


@pytest.mark.parametrize("kind, first, last", [
    ("today", date(2025, 3, 12), date(2025, 3, 12)),
    ("this_week", date(2025, 3, 10), date(2025, 3, 16)),
    ("this_month", date(2025, 3, 1), date(2025, 3, 31)),
    ("last_month", date(2025, 2, 1), date(2025, 2, 28)),
    ("last_12_months", date(2024, 3, 1), date(2025, 2, 28)),
    ("this_year", date(2025, 1, 1), date(2025, 12, 31)),
])
def test_named_periods(kind, first, last):
    period = resolve_period(kind, today=WEDNESDAY)
    assert (period.first, period.last) == (first, last)


def test_last_month_in_january_is_december_of_last_year():
    period = resolve_period("last_month", today=date(2025, 1, 15))
    assert (period.first, period.last) == (date(2024, 12, 1), date(2024, 12, 31))


def test_this_month_in_december():
    period = resolve_period("this_month", today=date(2024, 12, 31))
    assert (period.first, period.last) == (date(2024, 12, 1), date(2024, 12, 31))


def test_last_12_months_is_never_this_year():
    for today in (date(2024, 12, 1), date(2024, 12, 31), date(2025, 1, 1), WEDNESDAY):
        twelve = resolve_period("last_12_months", today=today)
        year = resolve_period("this_year", today=today)
        assert (twelve.first, twelve.last) != (year.first, year.last)
        assert twelve.last == resolve_period("last_month", today=today).last
        assert twelve.first == date(today.year - 1, today.month, 1)
    december = resolve_period("last_12_months", today=date(2024, 12, 31))
    assert (december.first, december.last) == (date(2023, 12, 1), date(2024, 11, 30))


def test_custom_period_is_validated():
    period = resolve_period("custom", today=WEDNESDAY, start="2025-01-15", end="2025-02-02")
    assert period.length_days == 19
    with pytest.raises(ValidationError, match="on or before"):
        resolve_period("custom", today=WEDNESDAY, start="2025-02-02", end="2025-01-15")
    with pytest.raises(ValidationError, match="start date"):
        resolve_period("custom", today=WEDNESDAY, start="yesterday", end="2025-01-15")
    with pytest.raises(ValidationError, match="three years"):
        resolve_period("custom", today=WEDNESDAY, start="2020-01-01", end="2025-01-15")
    with pytest.raises(ValidationError, match="period"):
        resolve_period("forever", today=WEDNESDAY)


def test_month_split_uses_whole_months_and_edge_days():
    months, days = month_split(date(2025, 1, 15), date(2025, 4, 10))
    assert months == ("2025-02", "2025-03")
    assert days == [(date(2025, 1, 15), date(2025, 1, 31)), (date(2025, 4, 1), date(2025, 4, 10))]


def test_month_split_of_exact_months_has_no_edge_days():
    assert month_split(date(2025, 1, 1), date(2025, 12, 31)) == (("2025-01", "2025-12"), [])
    twelve = resolve_period("last_12_months", today=WEDNESDAY)
    assert month_split(twelve.first, twelve.last) == (("2024-03", "2025-02"), [])


def test_month_split_inside_one_month_is_only_days():
    assert month_split(date(2025, 2, 3), date(2025, 2, 20)) == \
        (None, [(date(2025, 2, 3), date(2025, 2, 20))])


def test_week_starts_and_days_cover_the_period():
    period = resolve_period("custom", today=WEDNESDAY, start="2025-03-01", end="2025-03-17")
    assert period.week_starts() == ["2025-02-24", "2025-03-03", "2025-03-10", "2025-03-17"]
    assert period.days()[0] == "2025-03-01" and period.days()[-1] == "2025-03-17"
    assert period.label == "Mar 1, 2025 - Mar 17, 2025"
