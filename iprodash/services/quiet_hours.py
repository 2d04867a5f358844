"""Quiet hours: non-urgent texts wait for 8:00-21:00 in the recipient's time zone.

The recipient's zone is taken from the phone number when its area code
belongs to exactly one zone (``phonenumbers`` knows this for US numbers),
otherwise the company's zone is used, as DOMAIN.md asks.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from phonenumbers import timezone as phone_timezones

DEFAULT_ZONE = "America/New_York"


def zone_info(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def recipient_timezone(phone: str, company_timezone: str | None) -> str:
    """The recipient's IANA zone, or the company's when the number does not tell.

    Args:
        phone: E.164 number, e.g. "+13125550100" (Chicago).
        company_timezone: The company's zone, used when the number's area
            spans several zones or is unknown.
    """
    try:
        number = phonenumbers.parse(phone or "", None)
        zones = [z for z in phone_timezones.time_zones_for_number(number)
                 if z != phone_timezones.UNKNOWN_TIMEZONE]
    except phonenumbers.NumberParseException:
        zones = []
    if len(zones) == 1:
        return zones[0]
    return company_timezone or DEFAULT_ZONE


def next_sending_time(now: datetime, zone_name: str, *, start_hour: int = 8,
                      end_hour: int = 21) -> datetime:
    """``now`` when it is inside the sending window, else the window's next opening.

    Args:
        now: A timezone-aware instant.
        zone_name: The recipient's IANA zone.
        start_hour: First allowed local hour (8 means 8:00).
        end_hour: Local hour at which sending stops (21 means up to 20:59:59).

    Returns:
        A timezone-aware UTC instant at or after ``now``.
    """
    zone = zone_info(zone_name)
    local = now.astimezone(zone)
    if start_hour <= local.hour < end_hour:
        return now
    day = local.date() if local.hour < start_hour else local.date() + timedelta(days=1)
    opening = datetime.combine(day, time(start_hour), tzinfo=zone)
    return opening.astimezone(now.tzinfo)


def is_quiet(now: datetime, zone_name: str, *, start_hour: int = 8, end_hour: int = 21) -> bool:
    """True when ``now`` falls outside the sending window in ``zone_name``."""
    return next_sending_time(now, zone_name, start_hour=start_hour, end_hour=end_hour) != now
