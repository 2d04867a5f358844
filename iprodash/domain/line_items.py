"""Payments and parts recorded on a job, and the checks they must pass.

:mod:`iprodash.domain.finance` re-exports everything here, so callers may
import ``Payment`` and friends from either module.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Iterable

from iprodash.domain.errors import ValidationError
from iprodash.domain.money import MAX_CENTS, format_money

CASH, CHECK, CARD, ZELLE, OTHER = "cash", "check", "card", "zelle", "other"
PAYMENT_METHODS = (CASH, CHECK, CARD, ZELLE, OTHER)
TECHNICIAN, COMPANY = "technician", "company"
COLLECTORS = (TECHNICIAN, COMPANY)
PAYMENT_METHOD_LABELS = {CASH: "Cash", CHECK: "Check", CARD: "Card", ZELLE: "Zelle",
                         OTHER: "Other"}
COLLECTOR_LABELS = {TECHNICIAN: "Technician", COMPANY: "Company"}
PART_DESCRIPTION_MAX = 200


@dataclass(frozen=True)
class Payment:
    """Money taken for a job.

    Attributes:
        method: One of :data:`PAYMENT_METHODS`.
        amount_cents: Positive amount in cents.
        collected_by: ``"technician"`` or ``"company"``: who holds the money.
    """

    method: str
    amount_cents: int
    collected_by: str

    @classmethod
    def from_dict(cls, data: dict) -> Payment:
        """Build from a stored ``{method, amount_cents, collected_by}`` dict."""
        return cls(data["method"], data["amount_cents"], data["collected_by"])

    def as_dict(self) -> dict:
        """The dict stored on the job document."""
        return asdict(self)


@dataclass(frozen=True)
class Part:
    """A part used on a job.

    Attributes:
        description: What the part is, e.g. "Kwikset deadbolt".
        cost_cents: Positive cost in cents.
        paid_by: ``"technician"`` or ``"company"``: who bought it.
    """

    description: str
    cost_cents: int
    paid_by: str

    @classmethod
    def from_dict(cls, data: dict) -> Part:
        """Build from a stored ``{description, cost_cents, paid_by}`` dict."""
        return cls(data.get("description", ""), data["cost_cents"], data["paid_by"])

    def as_dict(self) -> dict:
        """The dict stored on the job document."""
        return asdict(self)


def _check_amount(value: object, what: str, field: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"Enter the {what} in dollars and cents, like 125.50.", field=field)
    if value <= 0:
        raise ValidationError(f"A {what} must be more than $0.00.", field=field)
    if value > MAX_CENTS:
        raise ValidationError(f"A {what} cannot be more than {format_money(MAX_CENTS)}.",
                              field=field)


def validate_payment(payment: Payment) -> Payment:
    """Return ``payment`` when its method, amount and collector are valid.

    Raises:
        ValidationError: unknown method or collector, or an amount that is not
            a positive number of cents.
    """
    if payment.method not in PAYMENT_METHODS:
        raise ValidationError("Choose a payment method: cash, check, card, zelle or other.",
                              field="method")
    if payment.collected_by not in COLLECTORS:
        raise ValidationError("Choose who collected the payment: the technician or the company.",
                              field="collected_by")
    _check_amount(payment.amount_cents, "payment amount", "amount_cents")
    return payment


def validate_part(part: Part) -> Part:
    """Return ``part`` when its description, cost and payer are valid.

    Raises:
        ValidationError: missing or overlong description, unknown payer, or a
            cost that is not a positive number of cents.
    """
    description = (part.description or "").strip()
    if not description:
        raise ValidationError("Describe the part, e.g. \"Kwikset deadbolt\".", field="description")
    if len(description) > PART_DESCRIPTION_MAX:
        raise ValidationError(f"Keep the part description under {PART_DESCRIPTION_MAX} "
                              "characters.", field="description")
    if part.paid_by not in COLLECTORS:
        raise ValidationError("Choose who paid for the part: the technician or the company.",
                              field="paid_by")
    _check_amount(part.cost_cents, "part cost", "cost_cents")
    return part


def validate_payments_match(closing_price_cents: int, payments: Iterable[Payment]) -> None:
    """Check that the payments add up to the closing price, to the cent.

    Raises:
        ValidationError: the closing price is negative, or the sum differs,
            e.g. "Payments add up to $350.00 but the closing price is $400.00."
    """
    if isinstance(closing_price_cents, bool) or not isinstance(closing_price_cents, int) \
            or closing_price_cents < 0:
        raise ValidationError("Enter the closing price in dollars and cents, like 125.50.",
                              field="closing_price")
    total = sum(payment.amount_cents for payment in payments)
    if total != closing_price_cents:
        raise ValidationError(f"Payments add up to {format_money(total)} but the closing price "
                              f"is {format_money(closing_price_cents)}.", field="payments")
