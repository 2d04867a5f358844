"""A job's invoice: line items, a discount and sales tax (DOMAIN.md, Invoices).

Pure rules, integers only. Sales-tax rates need three decimals (New York
City's 8.875%), so they are kept in thousandths of a percent ("milli-percent",
8.875% = 8875) rather than the basis points used for commissions.

Decisions where DOMAIN.md is silent:

* Quantities have up to two decimals (1.5 hours) and are kept in hundredths;
  a line's amount is ``round(quantity x unit price)`` to the cent, once per line.
* A discount is an amount taken off the whole invoice. It lowers the taxable
  amount by its taxable share, ``round(discount x taxable / subtotal)``, the
  way a store applies a coupon to a mixed basket; tax is
  ``round(taxable after discount x rate)``, rounded once per invoice.
* The invoice's total is ``subtotal - discount + tax``; a tip is paid on top
  of it and never taxed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from iprodash.domain.errors import ValidationError
from iprodash.domain.money import MAX_CENTS, format_money, round_half_up

MILLI_PERCENT_PER_UNIT = 100_000
MAX_TAX_MILLI_PERCENT = 30_000  # no US sales tax comes near 30%
HUNDREDTHS = 100
MAX_QUANTITY_HUNDREDTHS = 100_000 * HUNDREDTHS
MAX_ITEMS = 50
DESCRIPTION_MAX = 200
_RATE = re.compile(r"^(?P<whole>[0-9]{1,3})?(?:\.(?P<frac>[0-9]{0,3}))?%?$")
_QUANTITY = re.compile(r"^(?P<whole>[0-9]{1,6})?(?:\.(?P<frac>[0-9]{0,2}))?$")


@dataclass(frozen=True)
class InvoiceItem:
    """One line of an invoice.

    Attributes:
        description: What was done or sold, e.g. "Replace torsion spring".
        quantity_hundredths: Quantity x 100 (1.5 hours = 150).
        unit_price_cents: Price of one unit in cents.
        taxable: Whether sales tax applies to the line.
    """

    description: str
    quantity_hundredths: int
    unit_price_cents: int
    taxable: bool

    @property
    def amount_cents(self) -> int:
        """``round(quantity x unit price)`` to the cent."""
        return round_half_up(self.quantity_hundredths * self.unit_price_cents, HUNDREDTHS)

    @classmethod
    def from_dict(cls, data: dict) -> InvoiceItem:
        """Build from a stored item dict."""
        return cls(data["description"], data["quantity_hundredths"], data["unit_price_cents"],
                   bool(data["taxable"]))

    def as_dict(self) -> dict:
        """The dict stored on the job's invoice (with its amount, for reading)."""
        return {"description": self.description,
                "quantity_hundredths": self.quantity_hundredths,
                "unit_price_cents": self.unit_price_cents, "taxable": self.taxable,
                "amount_cents": self.amount_cents}


@dataclass(frozen=True)
class InvoiceTotals:
    """An invoice's figures in cents."""

    subtotal: int
    discount: int
    taxable: int
    tax: int
    total: int


def _is_int(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, int)


def validate_item(item: InvoiceItem) -> InvoiceItem:
    """Return ``item`` when its description, quantity and price are sensible.

    Raises:
        ValidationError: naming the field to fix.
    """
    description = (item.description or "").strip() if isinstance(item.description, str) else ""
    if not description:
        raise ValidationError("Describe the item, e.g. \"Replace torsion spring\".",
                              field="description")
    if len(description) > DESCRIPTION_MAX:
        raise ValidationError(f"Keep an item's description under {DESCRIPTION_MAX} characters.",
                              field="description")
    if not _is_int(item.quantity_hundredths) or \
            not 0 < item.quantity_hundredths <= MAX_QUANTITY_HUNDREDTHS:
        raise ValidationError("Enter a quantity more than 0, like 1 or 1.5.", field="quantity")
    if not _is_int(item.unit_price_cents) or not 0 <= item.unit_price_cents <= MAX_CENTS:
        raise ValidationError("Enter the unit price in dollars and cents, like 125.50.",
                              field="unit_price")
    if not isinstance(item.taxable, bool):
        raise ValidationError("Say whether the item is taxable.", field="taxable")
    return item


def validate_tax_rate(milli_percent: object) -> int:
    """Return the rate when it is whole thousandths of a percent from 0 to 30%."""
    if not _is_int(milli_percent) or not 0 <= milli_percent <= MAX_TAX_MILLI_PERCENT:
        raise ValidationError("A sales-tax rate must be between 0% and 30%.", field="tax_rate")
    return milli_percent


def invoice_totals(items: list[InvoiceItem], *, discount_cents: int,
                   tax_rate_milli_percent: int) -> InvoiceTotals:
    """Add up an invoice (see the module docstring for the discount rule).

    Raises:
        ValidationError: too many or invalid items, a bad rate, or a discount
            below zero or above the subtotal.
    """
    if len(items) > MAX_ITEMS:
        raise ValidationError(f"An invoice holds at most {MAX_ITEMS} items.", field="items")
    items = [validate_item(item) for item in items]
    validate_tax_rate(tax_rate_milli_percent)
    subtotal = sum(item.amount_cents for item in items)
    taxable = sum(item.amount_cents for item in items if item.taxable)
    if subtotal > MAX_CENTS:
        raise ValidationError(f"An invoice cannot be more than {format_money(MAX_CENTS)}.",
                              field="items")
    if not _is_int(discount_cents) or discount_cents < 0:
        raise ValidationError("Enter the discount in dollars and cents, like 25.00.",
                              field="discount")
    if discount_cents > subtotal:
        raise ValidationError(f"The discount cannot be more than the items' "
                              f"{format_money(subtotal)}.", field="discount")
    if subtotal:
        taxable -= round_half_up(discount_cents * taxable, subtotal)
    tax = round_half_up(taxable * tax_rate_milli_percent, MILLI_PERCENT_PER_UNIT)
    return InvoiceTotals(subtotal=subtotal, discount=discount_cents, taxable=taxable, tax=tax,
                         total=subtotal - discount_cents + tax)


def invoice_tax_cents(job: dict) -> int:
    """The sales tax on a job's invoice, 0 for a job without one."""
    return int((job.get("invoice") or {}).get("tax_cents", 0))


def parse_tax_rate(text: str, field: str = "tax_rate") -> int:
    """Parse a typed sales-tax rate: "8.875" or "8.875%" -> 8875 (milli-percent).

    Raises:
        ValidationError: not a number with at most three decimals, or over 30%.
    """
    raw = (text or "").strip().replace(" ", "") if isinstance(text, str) else ""
    match = _RATE.match(raw) if len(raw) <= 12 else None
    if not match or (match["whole"] is None and not match["frac"]):
        raise ValidationError("Enter a sales-tax rate like 8.875 (between 0 and 30).",
                              field=field)
    value = int(match["whole"] or "0") * 1000 + int((match["frac"] or "").ljust(3, "0"))
    if value > MAX_TAX_MILLI_PERCENT:
        raise ValidationError("A sales-tax rate must be between 0% and 30%.", field=field)
    return value


def format_tax_rate(milli_percent: int) -> str:
    """8875 -> "8.875%", 8000 -> "8%", 0 -> "0%"."""
    whole, rest = divmod(int(milli_percent), 1000)
    return f"{whole}%" if rest == 0 else f"{whole}." + f"{rest:03d}".rstrip("0") + "%"


def parse_quantity(text: str, field: str = "quantity") -> int:
    """Parse a typed quantity: "1" -> 100, "1.5" -> 150 (hundredths).

    Raises:
        ValidationError: not a positive number with at most two decimals.
    """
    raw = (text or "").strip() if isinstance(text, str) else ""
    match = _QUANTITY.match(raw) if len(raw) <= 12 else None
    if not match or (match["whole"] is None and not match["frac"]):
        raise ValidationError("Enter a quantity like 1 or 1.5.", field=field)
    value = int(match["whole"] or "0") * HUNDREDTHS + int((match["frac"] or "").ljust(2, "0"))
    if not 0 < value <= MAX_QUANTITY_HUNDREDTHS:
        raise ValidationError("Enter a quantity more than 0, like 1 or 1.5.", field=field)
    return value


def format_quantity(hundredths: int) -> str:
    """150 -> "1.5", 100 -> "1"."""
    whole, rest = divmod(int(hundredths), HUNDREDTHS)
    return str(whole) if rest == 0 else f"{whole}." + f"{rest:02d}".rstrip("0")
