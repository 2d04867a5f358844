"""The one clock: a company's day is its wall clock's, whatever the machine's."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from iprodash.domain import clock

NEW_YORK = {"timezone": "America/New_York"}
HONOLULU = {"timezone": "Pacific/Honolulu"}


def test_company_today_is_the_companys_date_not_the_utc_date():
    late_utc = datetime(2024, 1, 1, 4, 59, tzinfo=timezone.utc)  # 23:59 Dec 31 in New York
    assert clock.company_today(NEW_YORK, late_utc) == date(2023, 12, 31)
    assert clock.company_today(NEW_YORK, late_utc + timedelta(minutes=2)) == date(2024, 1, 1)
    assert clock.company_today(HONOLULU, datetime(2024, 1, 1, 9, 59, tzinfo=timezone.utc)) == \
        date(2023, 12, 31)
    assert clock.company_now(HONOLULU, late_utc).utcoffset() == timedelta(hours=-10)


def test_a_company_without_a_zone_is_in_new_york_and_naive_counts_as_utc():
    naive = datetime(2024, 7, 1, 3, 30)  # 23:30 Jun 30 in New York (EDT)
    assert clock.company_today({}, naive) == date(2024, 6, 30)


def test_without_now_the_apps_clock_decides(monkeypatch):
    monkeypatch.setattr(clock, "utc_now", lambda: datetime(2024, 3, 1, 2, 0, tzinfo=timezone.utc))
    assert clock.company_today(NEW_YORK) == date(2024, 2, 29)
    assert clock.local_today(ZoneInfo("UTC")) == date(2024, 3, 1)


def test_day_bounds_follow_daylight_saving():
    zone = ZoneInfo("America/New_York")
    start, end = clock.days_bounds(date(2024, 3, 10), date(2024, 3, 10), zone)  # spring forward
    assert start == datetime(2024, 3, 10, 5, 0, tzinfo=timezone.utc)
    assert end - start == timedelta(hours=23)
    start, end = clock.days_bounds(date(2024, 11, 3), date(2024, 11, 4), zone)  # fall back
    assert end - start == timedelta(hours=49)
