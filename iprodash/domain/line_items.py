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
REFERENCE_MAX = 200


@dataclass(frozen=True)
class Payment:
    """Money taken for a job.

    Attributes:
        method: One of :data:`PAYMENT_METHODS`.
        amount_cents: Positive amount in cents (any tip included).
        collected_by: ``"technician"`` or ``"company"``: who holds the money.
        tip_cents: The part of ``amount_cents`` that is a tip (the technician's in full).
        fee_cents: The processor's actual fee for a card payment, when the
            processor told us; ``None`` means "use the company's card fee rate".
        reference: The processor's id for the payment (e.g. a Stripe
            PaymentIntent), empty for money the office typed in.
    """

    method: str
    amount_cents: int
    collected_by: str
    tip_cents: int = 0
    fee_cents: int | None = None
    reference: str = ""

    @classmethod
    def from_dict(cls, data: dict) -> Payment:
        """Build from a stored ``{method, amount_cents, collected_by, ...}`` dict."""
        return cls(data["method"], data["amount_cents"], data["collected_by"],
                   tip_cents=data.get("tip_cents", 0), fee_cents=data.get("fee_cents"),
                   reference=data.get("reference", ""))

    def as_dict(self) -> dict:
        """The dict stored on the job document.

        A payment without a tip, an actual fee or a processor id is stored
        exactly as before those existed (three keys).
        """
        data = {"method": self.method, "amount_cents": self.amount_cents,
                "collected_by": self.collected_by}
        if self.tip_cents:
            data["tip_cents"] = self.tip_cents
        if self.fee_cents is not None:
            data["fee_cents"] = self.fee_cents
        if self.reference:
            data["reference"] = self.reference
        return data


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
    _check_share(payment.tip_cents, payment.amount_cents, "tip", "tip_cents")
    if payment.fee_cents is not None:
        if payment.method != CARD:
            raise ValidationError("Only a card payment has a processor fee.", field="fee_cents")
        _check_share(payment.fee_cents, payment.amount_cents, "card fee", "fee_cents")
    if not isinstance(payment.reference, str) or len(payment.reference) > REFERENCE_MAX:
        raise ValidationError("The payment reference is not valid.", field="reference")
    return payment


def _check_share(value: object, amount: int, what: str, field: str) -> None:
    """A tip or a fee: whole cents, from $0.00 up to the payment's amount."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(f"Enter the {what} in dollars and cents, like 5.00.", field=field)
    if value > amount:
        raise ValidationError(f"A {what} cannot be more than the payment it is part of.",
                              field=field)


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
