"""Validation of everyday fields: email, password, time zone, required text."""

from __future__ import annotations

import re
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from iprodash.domain.errors import ValidationError

_EMAIL = re.compile(r"^[^@\s]{1,64}@(?=.{1,253}$)[^@\s.]+(?:\.[^@\s.]+)+$")
MIN_PASSWORD = 10
MAX_PASSWORD_BYTES = 72  # bcrypt ignores (bcrypt 5: rejects) anything longer
MAX_EMAIL = 254


def validate_email(text: str | None) -> str:
    """Return a trimmed, lower-cased email address.

    Pragmatic, not RFC 5322: one "@", no spaces, a dotted domain without
    empty labels ("a@b.co" passes, "a@b", "a@b..co", "a b@c.co" do not).

    Raises:
        ValidationError: "Enter a valid email address." (``field="email"``).
    """
    email = (text or "").strip().lower()
    if len(email) > MAX_EMAIL or not _EMAIL.match(email):
        raise ValidationError("Enter a valid email address.", field="email")
    return email


def validate_password(text: str | None) -> str:
    """Return the password when it is 10+ characters and at most 72 bytes.

    The byte limit is bcrypt's: it is checked before hashing so a long
    passphrase gets a message instead of a server error.

    Raises:
        ValidationError: too short, too long, or containing a NUL character.
    """
    password = text or ""
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"Use a password of at least {MIN_PASSWORD} characters.",
                              field="password")
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise ValidationError(f"Use a password of at most {MAX_PASSWORD_BYTES} bytes "
                              "(about 72 letters, fewer with accents or emoji).", field="password")
    if "\x00" in password:
        raise ValidationError("A password cannot contain invisible control characters.",
                              field="password")
    return password


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def validate_timezone(name: str | None) -> str:
    """Return an IANA time zone name such as "America/New_York".

    Raises:
        ValidationError: "Choose a time zone from the list."
    """
    zone = (name or "").strip()
    try:
        if zone not in _known_zones():
            raise ZoneInfoNotFoundError(zone)
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError("Choose a time zone from the list.", field="timezone") from exc
    return zone


def required_text(value: str | None, field_label: str, max_len: int = 200,
                  *, field: str | None = None) -> str:
    """Return trimmed text that must be present and not too long.

    Args:
        value: What the user typed.
        field_label: The label shown in the message, e.g. "Company name".
        max_len: Longest accepted length after trimming.
        field: Form field named in the error (defaults to ``field_label``).

    Raises:
        ValidationError: "Company name is required." or "... is too long".
    """
    text = (value or "").strip()
    if not text:
        raise ValidationError(f"{field_label} is required.", field=field or field_label)
    if len(text) > max_len:
        raise ValidationError(f"{field_label} is too long (at most {max_len} characters).",
                              field=field or field_label)
    return text
