"""Pure parts of the jobs area: filter keys, time windows, money lines, display."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from bson import ObjectId

from iprodash.domain.errors import ValidationError
from iprodash.domain.finance import Part, Payment
from iprodash.repositories.jobs import filter_key, job_filter_keys
from iprodash.services.job_forms import local_parts, parse_money_lines, parse_window
from iprodash.services.job_views import format_moment, window_text

NEW_YORK = ZoneInfo("America/New_York")
TECH, SOURCE = ObjectId(), ObjectId()


def test_filter_keys_hold_every_combination_of_the_list_filters():
    keys = job_filter_keys("scheduled", TECH, None)
    assert len(keys) == len(set(keys)) == 11
    for chosen in (dict(status="scheduled"), dict(status="open"), dict(technician=str(TECH)),
                   dict(lead_source="none"), dict(status="open", technician=str(TECH)),
                   dict(status="scheduled", lead_source="none"),
                   dict(status="open", technician=str(TECH), lead_source="none")):
        assert filter_key(**chosen) in keys
    assert filter_key(technician="none") not in keys
    assert filter_key() == ""


def test_closed_and_canceled_jobs_are_not_open():
    for status in ("closed", "canceled"):
        keys = job_filter_keys(status, TECH, SOURCE)
        assert len(keys) == 7 and not any("s:open" in k for k in keys)
        assert filter_key(status=status, lead_source=str(SOURCE)) in keys


def test_window_typed_in_company_time_is_stored_in_utc():
    start, end = parse_window("2025-11-02", "00:30", "03:00", NEW_YORK)  # DST ends at 02:00
    assert start == datetime(2025, 11, 2, 4, 30, tzinfo=timezone.utc)
    assert end == datetime(2025, 11, 2, 8, tzinfo=timezone.utc)
    assert local_parts(start, NEW_YORK) == ("2025-11-02", "00:30")
    assert parse_window("", "", "", NEW_YORK) == (None, None)


@pytest.mark.parametrize("day, start, end, field", [
    ("", "09:00", "", "date"), ("2025-06-02", "", "", "start_time"),
    ("2025-06-02", "9am", "", "start_time"), ("2025-06-02", "09:00", "09:00", "end_time"),
    ("02/06/2025", "09:00", "", "date")])
def test_bad_windows_name_the_field(day, start, end, field):
    with pytest.raises(ValidationError) as error:
        parse_window(day, start, end, NEW_YORK)
    assert error.value.field == field


def test_money_lines_parse_dollars_and_name_the_bad_line():
    payments, parts = parse_money_lines(
        [{"method": "card", "amount": "$1,200.50", "collected_by": "company"}],
        [{"description": "Deadbolt", "cost": "50", "paid_by": "technician"}])
    assert payments == [Payment("card", 120050, "company")]
    assert parts == [Part("Deadbolt", 5000, "technician")]
    with pytest.raises(ValidationError) as error:
        parse_money_lines([{"method": "cash", "amount": "10", "collected_by": "company"},
                           {"method": "cash", "amount": "ten", "collected_by": "company"}], [])
    assert error.value.message.startswith("Payment 2: ")
    with pytest.raises(ValidationError) as error:
        parse_money_lines([], [{"description": "", "cost": "5", "paid_by": "company"}])
    assert error.value.message.startswith("Part 1: ")


def test_times_read_like_a_dispatcher_writes_them():
    start = datetime(2025, 6, 2, 13, 5, tzinfo=timezone.utc)
    assert format_moment(start, NEW_YORK) == "Mon Jun 2, 2025 9:05 AM"
    assert window_text(start, start.replace(hour=15), NEW_YORK) == (
        "Mon Jun 2, 2025 9:05 AM - 11:05 AM")
    assert window_text(None, None, NEW_YORK) == "Not scheduled"
