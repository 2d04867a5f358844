"""One reading of typed and URL dates, with a sane range."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from iprodash.domain.dates import check_day, parse_day, read_day
from iprodash.domain.errors import ValidationError


@pytest.mark.parametrize("text, day", [
    ("2026-12-02", date(2026, 12, 2)), (" 2026-12-02T10:00 ", date(2026, 12, 2)),
    ("2000-01-01", date(2000, 1, 1)), ("2100-12-31", date(2100, 12, 31)),
    ("1999-12-31", None), ("2101-01-01", None), ("9999-12-31", None), ("0001-01-01", None),
    ("", None), (None, None), ("tomorrow", None), ("2026-02-30", None), (20261202, None),
])
def test_read_day(text, day):
    assert read_day(text) == day


def test_parse_day_explains_the_range_or_the_format():
    with pytest.raises(ValidationError, match="between 2000 and 2100") as info:
        parse_day("9999-12-31", message="Choose the start date.", field="start")
    assert info.value.field == "start"
    with pytest.raises(ValidationError, match="Choose the start date."):
        parse_day("soon", message="Choose the start date.", field="start")
    assert parse_day("2026-12-02", message="x", field="d") == date(2026, 12, 2)


def test_check_day_reads_a_moment_in_its_own_offset_before_any_conversion():
    late = datetime(2100, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-12)))
    assert check_day(late, field="when") is late
    assert check_day(date(2000, 1, 1), field="when") == date(2000, 1, 1)
    for bad in (datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-12))),
                datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))), date(1999, 12, 31),
                date(2101, 1, 1)):
        with pytest.raises(ValidationError, match="between 2000 and 2100"):
            check_day(bad, field="when")
