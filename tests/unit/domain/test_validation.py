"""Everyday field validation: email, password, time zone, required text."""

import pytest

from iprodash.domain.errors import ValidationError
from iprodash.domain.validation import (required_text, validate_email, validate_password,
                                        validate_timezone)


@pytest.mark.parametrize("typed, stored", [
    ("Ann@Example.com", "ann@example.com"),
    ("  a.b+tag@sub.example.co.uk ", "a.b+tag@sub.example.co.uk"),
    ("admin@demo.test", "admin@demo.test"),
])
def test_valid_emails_are_trimmed_and_lower_cased(typed, stored):
    assert validate_email(typed) == stored


@pytest.mark.parametrize("typed", ["", None, "ann", "ann@", "@example.com", "ann@example",
                                   "ann@@example.com", "an n@example.com", "ann@example..com",
                                   "ann@.example.com", "ann@example.com.",
                                   "a" * 65 + "@example.com", "a@" + "b" * 250 + ".com"])
def test_invalid_emails_are_refused(typed):
    with pytest.raises(ValidationError) as info:
        validate_email(typed)
    assert info.value.message == "Enter a valid email address."
    assert info.value.field == "email"


def test_password_length_limits():
    assert validate_password("a" * 10) == "a" * 10
    assert validate_password("a" * 72) == "a" * 72
    with pytest.raises(ValidationError, match="at least 10 characters"):
        validate_password("a" * 9)
    with pytest.raises(ValidationError, match="at least 10 characters"):
        validate_password(None)
    with pytest.raises(ValidationError, match="at most 72 bytes"):
        validate_password("a" * 73)


def test_password_limit_is_in_bytes_not_letters():
    assert validate_password("é" * 36) == "é" * 36  # 72 bytes in UTF-8
    with pytest.raises(ValidationError, match="at most 72 bytes") as info:
        validate_password("é" * 37)  # 37 letters but 74 bytes
    assert info.value.field == "password"


def test_password_with_nul_is_refused():
    with pytest.raises(ValidationError, match="control characters"):
        validate_password("abcdefghij\x00")


@pytest.mark.parametrize("zone", ["America/New_York", "America/Los_Angeles", "UTC",
                                  " America/Chicago "])
def test_known_time_zones(zone):
    assert validate_timezone(zone) == zone.strip()


@pytest.mark.parametrize("zone", ["", None, "Mars/Olympus", "EST5EDT/../etc", "../../etc/passwd",
                                  "america/new_york"])
def test_unknown_time_zones_are_refused(zone):
    with pytest.raises(ValidationError, match="Choose a time zone from the list."):
        validate_timezone(zone)


def test_required_text():
    assert required_text("  Demo Locksmith ", "Company name") == "Demo Locksmith"
    with pytest.raises(ValidationError, match="^Company name is required.$") as info:
        required_text("   ", "Company name")
    assert info.value.field == "Company name"
    with pytest.raises(ValidationError, match=r"too long \(at most 5 characters\)") as info:
        required_text("abcdef", "Nickname", max_len=5, field="nickname")
    assert info.value.field == "nickname"
    assert required_text("abcde", "Nickname", max_len=5) == "abcde"
