"""The one place a typed or URL date is read: ``YYYY-MM-DD`` between 2000 and 2100.

A day outside that range is a typo (or a probe) in a field-service CRM; it
is refused with a sentence before any arithmetic can overflow.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from iprodash.domain.errors import ValidationError

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)
OUT_OF_RANGE = "Choose a date between 2000 and 2100."


def read_day(text: object) -> date | None:
    """The day in ``text`` (first 10 characters), or None when missing, malformed or out of range."""
    head = str(text or "").strip()[:10]
    if not _DAY.fullmatch(head):
        return None
    try:
        day = date.fromisoformat(head)
    except ValueError:
        return None
    return day if EARLIEST_DAY <= day <= LATEST_DAY else None


def parse_day(text: object, *, message: str, field: str) -> date:
    """Like :func:`read_day`, but a bad or missing day raises ``message``."""
    day = read_day(text)
    if day is None:
        if str(text or "").strip() and _looks_like_a_day(text):
            raise ValidationError(OUT_OF_RANGE, field=field)
        raise ValidationError(message, field=field)
    return day


def check_day(day: date, *, field: str) -> date:
    """``day`` (a ``date`` or ``datetime``, read in its own offset) when it is
    between 2000 and 2100; outside, the same sentence as :func:`parse_day`.

    Checked before any time-zone conversion, which overflows near year 1 and 9999.
    """
    plain = day.date() if isinstance(day, datetime) else day
    if not EARLIEST_DAY <= plain <= LATEST_DAY:
        raise ValidationError(OUT_OF_RANGE, field=field)
    return day


def _looks_like_a_day(text: object) -> bool:
    head = str(text).strip()[:10]
    try:
        return bool(_DAY.fullmatch(head)) and date.fromisoformat(head) is not None
    except ValueError:
        return False
