"""Cents parsing/formatting, basis points and exact half-up rounding."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iprodash.domain.errors import ValidationError
from iprodash.domain.money import (MAX_CENTS, apply_rate_bp, format_money, format_percent,
                                   parse_money, parse_percent_bp, round_half_up)


def _half_up(value: Fraction) -> int:
    """Reference rounding: half-up on the magnitude, computed with Fractions."""
    magnitude = abs(value)
    whole = magnitude.numerator // magnitude.denominator
    if magnitude - whole >= Fraction(1, 2):
        whole += 1
    return -whole if value < 0 else whole


@pytest.mark.parametrize("text, cents", [
    ("400", 40000), ("400.5", 40050), ("400.50", 40050), ("$1,234.56", 123456),
    (" $ 1,234.56 ", 123456), ("0", 0), ("0.01", 1), (".5", 50), ("400.", 40000),
    ("1,000,000", 100_000_000), ("10000000", MAX_CENTS), ("$10,000,000.00", MAX_CENTS),
])
def test_parse_money_accepts_what_people_type(text, cents):
    assert parse_money(text) == cents


@pytest.mark.parametrize("text, message", [
    ("-40", "cannot be negative"), ("$-40", "cannot be negative"), ("(40)", "cannot be negative"),
    ("1.005", "two decimal places"), ("12.345", "two decimal places"),
    ("10000000.01", "too large"), ("999999999999999999999", "too large"),
    ("abc", "like 125.50"), ("", "like 125.50"), ("$", "like 125.50"), (".", "like 125.50"),
    ("1,23", "like 125.50"), ("12,3456", "like 125.50"), ("1e5", "like 125.50"),
    ("4OO", "like 125.50"), ("1" * 5000, "like 125.50"), (None, "like 125.50"),
])
def test_parse_money_refuses_with_a_clear_message(text, message):
    with pytest.raises(ValidationError, match=message) as info:
        parse_money(text, field="closing_price")
    assert info.value.field == "closing_price"


@pytest.mark.parametrize("cents, text", [
    (0, "$0.00"), (5, "$0.05"), (40000, "$400.00"), (123456, "$1,234.56"), (-4000, "-$40.00"),
    (-1, "-$0.01"), (MAX_CENTS, "$10,000,000.00"),
])
def test_format_money(cents, text):
    assert format_money(cents) == text


@given(st.integers(min_value=0, max_value=MAX_CENTS))
def test_format_then_parse_round_trips(cents):
    assert parse_money(format_money(cents)) == cents


def test_floats_are_never_money():
    with pytest.raises(TypeError):
        format_money(12.5)
    with pytest.raises(TypeError):
        apply_rate_bp(100.0, 300)


@pytest.mark.parametrize("text, bp", [
    ("3.5", 350), ("3.5%", 350), ("3.50 %", 350), ("0", 0), ("100", 10_000), ("100%", 10_000),
    ("33.33", 3333), (".5", 50), ("040", 4000),
])
def test_parse_percent_bp(text, bp):
    assert parse_percent_bp(text) == bp


@pytest.mark.parametrize("text, message", [
    ("100.01", "between 0 and 100"), ("101", "between 0 and 100"), ("-1", "between 0 and 100"),
    ("99999999", "between 0 and 100"), ("3.555", "two decimal places"), ("abc", "like 3.5"),
    ("", "like 3.5"), ("%", "like 3.5"), ("3.5%%", "like 3.5"),
])
def test_parse_percent_refuses(text, message):
    with pytest.raises(ValidationError, match=message):
        parse_percent_bp(text)


@pytest.mark.parametrize("bp, text", [(350, "3.5%"), (300, "3%"), (325, "3.25%"), (5, "0.05%"),
                                      (0, "0%"), (10_000, "100%"), (-50, "-0.5%")])
def test_format_percent(bp, text):
    assert format_percent(bp) == text


@given(st.integers(min_value=0, max_value=10_000))
def test_percent_round_trips(bp):
    assert parse_percent_bp(format_percent(bp)) == bp


@pytest.mark.parametrize("num, den, expected", [
    (5, 2, 3), (-5, 2, -3), (7, 2, 4), (4, 2, 2), (1, 3, 0), (2, 3, 1), (-1, 3, 0), (-2, 3, -1),
    (5, -2, -3), (-5, -2, 3), (0, 7, 0), (111665550, 1_000_000, 112),
])
def test_round_half_up_examples(num, den, expected):
    assert round_half_up(num, den) == expected


def test_round_half_up_refuses_zero_denominator():
    with pytest.raises(ZeroDivisionError):
        round_half_up(1, 0)


@given(st.integers(min_value=-10**15, max_value=10**15),
       st.integers(min_value=-10**6, max_value=10**6).filter(bool))
def test_round_half_up_matches_fractions(num, den):
    assert round_half_up(num, den) == _half_up(Fraction(num, den))


@given(st.integers(min_value=-MAX_CENTS, max_value=MAX_CENTS), st.integers(0, 10_000))
def test_apply_rate_bp_matches_fractions(cents, bp):
    assert apply_rate_bp(cents, bp) == _half_up(Fraction(cents * bp, 10_000))


def test_apply_rate_bp_worked_rounding_example():
    # DOMAIN.md example 3: 333.33 x 33.5% = 111.66555 -> 111.67
    assert apply_rate_bp(33333, 3350) == 11167
    assert apply_rate_bp(1, 5000) == 1  # half a cent rounds up
    assert apply_rate_bp(-1, 5000) == -1  # and a negative half away from zero
