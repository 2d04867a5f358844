"""Quiet hours: the sending window in the recipient's zone."""

from datetime import datetime, timezone

import pytest

from iprodash.services.quiet_hours import is_quiet, next_sending_time, recipient_timezone

UTC = timezone.utc


@pytest.mark.parametrize("utc_hour,expected", [
    (12, datetime(2025, 3, 4, 13, 0, tzinfo=UTC)),   # 07:00 EST -> 08:00 same day
    (13, datetime(2025, 3, 4, 13, 0, tzinfo=UTC)),   # 08:00 exactly: open
    (1, datetime(2025, 3, 4, 1, 0, tzinfo=UTC)),     # 20:00 EST the day before: open
    (2, datetime(2025, 3, 4, 13, 0, tzinfo=UTC)),    # 21:00 EST: closed until 08:00
])
def test_next_sending_time_new_york(utc_hour, expected):
    now = datetime(2025, 3, 4, utc_hour, 0, tzinfo=UTC)
    assert next_sending_time(now, "America/New_York") == expected


def test_late_evening_waits_for_the_next_morning():
    now = datetime(2025, 3, 5, 3, 30, tzinfo=UTC)  # 22:30 EST on Mar 4
    assert next_sending_time(now, "America/New_York") == datetime(2025, 3, 5, 13, 0, tzinfo=UTC)
    assert is_quiet(now, "America/New_York")


def test_daylight_saving_day_uses_local_eight():
    now = datetime(2025, 3, 9, 10, 0, tzinfo=UTC)  # 06:00 EDT, the morning clocks sprang forward
    assert next_sending_time(now, "America/New_York") == datetime(2025, 3, 9, 12, 0, tzinfo=UTC)


def test_recipient_zone_from_the_number_or_the_company():
    assert recipient_timezone("+13125550100", "America/New_York") == "America/Chicago"
    assert recipient_timezone("+14155550100", "America/New_York") == "America/Los_Angeles"
    assert recipient_timezone("not a number", "America/Denver") == "America/Denver"
    assert recipient_timezone("+18005550100", "America/Denver") == "America/Denver"  # toll-free
