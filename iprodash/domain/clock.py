"""The one clock: what instant it is, and which day that is for a company.

A company's "today" is the date on a wall clock in the company's time zone,
never the machine's date: at 00:30 UTC it is still yesterday evening in New
York and early afternoon the day before in Honolulu. Everything that needs
"now" reads :func:`utc_now` (through ``repositories.base.utcnow``), and every
company day comes from :func:`company_today`. Both take an optional ``now``
so callers and tests can pin the instant; tests that need the whole app to
see one instant replace :func:`utc_now` (``monkeypatch.setattr``).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "America/New_York"


def utc_now() -> datetime:
    """The current instant, timezone-aware UTC (the only read of the machine clock)."""
    return datetime.now(timezone.utc)


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive datetime counts as UTC (as MongoDB stores it)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def zone_of(company: dict) -> ZoneInfo:
    """The company's time zone (New York when it has none set)."""
    return ZoneInfo(company.get("timezone") or DEFAULT_TIMEZONE)


def local_now(zone: ZoneInfo, now: datetime | None = None) -> datetime:
    """``now`` (default: the current instant) on a wall clock in ``zone``."""
    return as_utc(now if now is not None else utc_now()).astimezone(zone)


def local_today(zone: ZoneInfo, now: datetime | None = None) -> date:
    """The date in ``zone`` at ``now`` (default: the current instant)."""
    return local_now(zone, now).date()


def company_now(company: dict, now: datetime | None = None) -> datetime:
    """``now`` on the company's wall clock."""
    return local_now(zone_of(company), now)


def company_today(company: dict, now: datetime | None = None) -> date:
    """The company's date at ``now`` (default: the current instant)."""
    return local_today(zone_of(company), now)


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant at which ``day`` begins in ``zone``."""
    return datetime.combine(day, time(0), zone).astimezone(timezone.utc)


def days_bounds(first: date, last: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """UTC ``[start, end)`` of the local days ``first`` to ``last`` inclusive."""
    return day_start(first, zone), day_start(last + timedelta(days=1), zone)
