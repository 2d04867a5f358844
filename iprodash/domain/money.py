"""Money as integer cents and rates as basis points; no floats anywhere.

Rounding is half-up on the magnitude: 2.5 -> 3 and -2.5 -> -3. Money lines
are almost always positive; for the rare negative one (a loss) rounding the
magnitude keeps ``round(-x) == -round(x)``, so a figure and its reversal
(e.g. a reopened job taken back out of a report) cancel exactly.
"""

from __future__ import annotations

import re

from iprodash.domain.errors import ValidationError

MAX_CENTS = 10_000_000 * 100
BP_PER_UNIT = 10_000
_MAX_INPUT = 40
_MINUS = ("-", "\u2212", "(")
_MONEY = re.compile(r"^\$?(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.(?P<frac>[0-9]*))?$")
_PERCENT = re.compile(r"^(?P<whole>[0-9]+)?(?:\.(?P<frac>[0-9]*))?%?$")


def _require_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    return value


def round_half_up(numerator: int, denominator: int) -> int:
    """Divide two integers exactly and round half-up on the magnitude.

    Args:
        numerator: Any integer.
        denominator: Any non-zero integer; signs combine as in ordinary division.

    Returns:
        ``numerator / denominator`` rounded to the nearest integer, halves away
        from zero (5/2 -> 3, -5/2 -> -3).

    Raises:
        ZeroDivisionError: ``denominator`` is 0.
        TypeError: either argument is not an int (floats are never money).
    """
    _require_int(numerator, "numerator")
    _require_int(denominator, "denominator")
    if denominator == 0:
        raise ZeroDivisionError("denominator must not be zero")
    negative = (numerator < 0) != (denominator < 0)
    quotient, remainder = divmod(abs(numerator), abs(denominator))
    if remainder * 2 >= abs(denominator):
        quotient += 1
    return -quotient if negative else quotient


def apply_rate_bp(cents: int, bp: int) -> int:
    """``cents x bp / 10,000`` rounded half-up to the cent, in integers only."""
    return round_half_up(_require_int(cents, "cents") * _require_int(bp, "bp"), BP_PER_UNIT)


def _clean(text: object) -> str:
    return "".join(("" if text is None else str(text)).split())


def _fraction(frac: str | None, field: str, what: str) -> int:
    frac = frac or ""
    if len(frac) > 2:
        raise ValidationError(f"Use at most two decimal places in the {what}.", field=field)
    return int(frac.ljust(2, "0"))


def parse_money(text: str, field: str = "amount") -> int:
    """Parse what a user typed as a dollar amount.

    Args:
        text: e.g. "400", "400.5", "$1,234.56" (spaces are ignored).
        field: Form field named in the error.

    Returns:
        The amount in cents: "$1,234.56" -> 123456.

    Raises:
        ValidationError: negative, more than two decimals, not a number, or
            more than $10,000,000.00.
    """
    raw = _clean(text)
    if raw.lstrip("$").startswith(_MINUS):
        raise ValidationError("An amount cannot be negative.", field=field)
    match = _MONEY.match(raw) if len(raw) <= _MAX_INPUT else None
    if not match or (match["whole"] is None and not match["frac"]):
        raise ValidationError("Enter an amount like 125.50.", field=field)
    whole = (match["whole"] or "0").replace(",", "")
    cents = _fraction(match["frac"], field, "amount")
    total = int(whole) * 100 + cents
    if total > MAX_CENTS:
        raise ValidationError(f"That amount is too large (at most {format_money(MAX_CENTS)}).",
                              field=field)
    return total


def format_money(cents: int) -> str:
    """123456 -> "$1,234.56"; negatives as "-$40.00"."""
    cents = _require_int(cents, "cents")
    sign = "-" if cents < 0 else ""
    dollars, rest = divmod(abs(cents), 100)
    return f"{sign}${dollars:,}.{rest:02d}"


def parse_percent_bp(text: str, field: str = "percent") -> int:
    """Parse a percentage a user typed.

    Args:
        text: e.g. "3.5", "3.5%", "40", "0" (spaces are ignored).
        field: Form field named in the error.

    Returns:
        Basis points: "3.5" -> 350, "100" -> 10000.

    Raises:
        ValidationError: not a number, more than two decimals, or outside 0-100.
    """
    raw = _clean(text)
    if raw.startswith(_MINUS):
        raise ValidationError("A percentage must be between 0 and 100.", field=field)
    match = _PERCENT.match(raw) if len(raw) <= _MAX_INPUT else None
    if not match or (match["whole"] is None and not match["frac"]):
        raise ValidationError("Enter a percentage like 3.5 (between 0 and 100).", field=field)
    fraction = _fraction(match["frac"], field, "percentage")
    whole = match["whole"] or "0"
    if len(whole.lstrip("0")) > 3 or int(whole) * 100 + fraction > BP_PER_UNIT:
        raise ValidationError("A percentage must be between 0 and 100.", field=field)
    return int(whole) * 100 + fraction


def format_percent(bp: int) -> str:
    """350 -> "3.5%", 300 -> "3%", 325 -> "3.25%", -50 -> "-0.5%"."""
    bp = _require_int(bp, "bp")
    sign = "-" if bp < 0 else ""
    whole, rest = divmod(abs(bp), 100)
    if rest == 0:
        return f"{sign}{whole}%"
    return f"{sign}{whole}." + f"{rest:02d}".rstrip("0") + "%"
