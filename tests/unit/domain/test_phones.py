"""Phones: any typed format to E.164, digits for search keys, display format."""

import pytest

from iprodash.domain.errors import ValidationError
from iprodash.domain.phones import display_phone, normalize_phone, phone_digits


@pytest.mark.parametrize("typed", [
    "(212) 555-0100", "212-555-0100", "212.555.0100", "2125550100", "+1 212 555 0100",
    "1 (212) 555-0100", "+1-212-555-0100", "  212 555 0100  ", "212-555-0100 ext. 7",
    "\uff12\uff11\uff12\uff15\uff15\uff15\uff10\uff11\uff10\uff10",  # full-width digits
])
def test_us_formats_normalize_to_e164(typed):
    assert normalize_phone(typed) == "+12125550100"


def test_foreign_numbers_keep_their_country():
    assert normalize_phone("+44 20 7946 0958") == "+442079460958"
    assert normalize_phone("020 7946 0958", default_region="GB") == "+442079460958"


@pytest.mark.parametrize("typed", ["", "   ", None, "12345", "call me", "(555) 123-4567",
                                   "212-555-010", "1" * 41, "+1 212 555 0100 0100 0100"])
def test_invalid_numbers_are_refused_with_an_example(typed):
    with pytest.raises(ValidationError) as info:
        normalize_phone(typed)
    assert info.value.message == "Enter a valid phone number, e.g. (212) 555-0100."
    assert info.value.field == "phone"


@pytest.mark.parametrize("text, digits", [
    ("+1 (212) 555-0100", "12125550100"), ("no digits", ""), ("", ""), (None, ""),
    ("\uff15\uff15\uff15-01", "55501"), ("x\u00b2", ""),  # superscript two is not a digit
])
def test_phone_digits(text, digits):
    assert phone_digits(text) == digits


def test_display_format():
    assert display_phone("+12125550100") == "(212) 555-0100"
    assert display_phone("+442079460958") == "+44 20 7946 0958"
    assert display_phone("+442079460958", home_region="GB") == "020 7946 0958"
    assert display_phone("not a phone") == "not a phone"


def test_display_phone_reads_numbers_stored_before_e164_and_nothing():
    assert display_phone("212.555.0199") == "(212) 555-0199"
    assert display_phone("(212) 555-0199") == "(212) 555-0199"
    assert display_phone("") == "" and display_phone(None) == ""
    assert display_phone("+1555") == "+1555"  # too short to be a number: shown as typed


def test_demo_data_stores_e164_only():
    from iprodash.services.demo_jobs import demo_phone
    from iprodash.services.demo_seed import DEMO_COMPANIES

    stored = [spec["phone"] for spec in DEMO_COMPANIES] + [demo_phone(n) for n in (0, 99, 12345)]
    assert all(normalize_phone(number) == number for number in stored)
