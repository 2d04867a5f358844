"""A job's invoice: line items, discount and sales tax, its number and its PDF.

The invoice lives on the job document as ``invoice`` (DATA_MODEL.md). A job
without one keeps working exactly as before: its tax is 0 and nothing else
reads the field. The rules (amounts, discount, tax) are in
:mod:`iprodash.domain.invoices`; the sales tax found here is what
:func:`iprodash.domain.finance.compute_job_finance` takes off the job's gross.

* The invoice number comes from the company's ``invoices`` counter on the
  first save and never changes; numbers are sequential per company.
* The sales-tax rate is the company's (Settings -> Payments) unless the job
  overrides it; the rate used is stored on the invoice, so changing the
  company's rate later never rewrites an invoice already written.
* Closed and canceled jobs' invoices are history: reopen or restore first.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from pymongo.database import Database

from iprodash.domain.card_changes import apply_refund
from iprodash.domain.clock import as_utc, zone_of
from iprodash.domain.errors import ValidationError
from iprodash.domain.invoices import (InvoiceItem, format_quantity, format_tax_rate,
                                      invoice_totals, parse_quantity, parse_tax_rate,
                                      validate_tax_rate)
from iprodash.domain.line_items import PAYMENT_METHOD_LABELS
from iprodash.domain.money import format_money, parse_money
from iprodash.domain.words import label
from iprodash.integrations.pdf import render_pdf
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.counters import CounterRepository
from iprodash.services import audit, report_data
from iprodash.services.actor import COMPANY_ADMIN, TECHNICIAN, USER, Actor, require_company_actor
from iprodash.services.job_records import company_of, now_ms, refuse_if_final, write_job
from iprodash.services.jobs import load_job
from iprodash.services.plan_access import require_writable
from iprodash.services.report_builders import safe_filename
from iprodash.services.report_templates.invoice import render_invoice

INVOICES = "invoices"


@dataclass(frozen=True)
class ItemInput:
    """One item as typed on the job page."""

    description: str
    quantity: str
    unit_price: str
    taxable: bool


@dataclass(frozen=True)
class InvoiceView:
    """What the job page, the pay page and the PDF show (cents and formatted text)."""

    number: int
    items: list[dict]
    subtotal: int
    discount: int
    tax_rate_text: str
    tax_rate_overridden: bool
    tax: int
    total: int
    tips: int
    paid: int
    refunded: int
    balance_due: int
    payments: list[dict]
    received: int = 0
    refund_lines: tuple[dict, ...] = ()

    def total_lines(self) -> list[tuple[str, int]]:
        """The invoice's figures in order, as the pay page, the PDF and the job page show
        them: ``(label, cents)``; a refund is a negative line of its own."""
        lines = [("Subtotal", self.subtotal)]
        if self.discount:
            lines.append(("Discount", -self.discount))
        lines += [(f"Sales tax ({self.tax_rate_text})", self.tax), ("Invoice total", self.total),
                  ("Paid", self.received)]
        lines += [(r["label"], -r["cents"]) for r in self.refund_lines]
        return lines + [("Balance due", self.balance_due)]


def company_tax_rate(company: dict) -> int:
    """The company's sales-tax rate in thousandths of a percent (0 when unset)."""
    return int(company.get("sales_tax_milli_percent", 0))


def set_company_tax_rate(db: Database, *, actor: Actor, rate: str) -> str:
    """Set the company's sales-tax rate (company-admin); returns it formatted."""
    actor = require_company_actor(actor, COMPANY_ADMIN)
    require_writable(db, actor=actor)
    value = parse_tax_rate(rate)
    companies = CompanyRepository(db)
    before = company_tax_rate(companies.by_id(actor.company_id) or {})
    if before != value:
        companies.update(actor.company_id, {"sales_tax_milli_percent": value})
        audit.record(db, actor=actor, action="company.sales_tax_updated", target_type="company",
                     target_id=actor.company_id, before={"sales_tax_milli_percent": before},
                     after={"sales_tax_milli_percent": value})
    return format_tax_rate(value)


def parse_items(rows: list[ItemInput]) -> list[InvoiceItem]:
    """Turn typed rows into items; a sentence naming the row when one is wrong."""
    items = []
    for number, row in enumerate(rows, start=1):
        try:
            items.append(InvoiceItem(
                description=str(row.description or "").strip(),
                quantity_hundredths=parse_quantity(str(row.quantity or "")),
                unit_price_cents=parse_money(str(row.unit_price or ""), field="unit_price"),
                taxable=bool(row.taxable)))
        except ValidationError as exc:
            raise ValidationError(f"Item {number}: {exc.message}", field=exc.field) from exc
    return items


def save_invoice(db: Database, *, actor: Actor, job_id: str, items: list[ItemInput],
                 discount: str = "", tax_rate: str = "", version: str | None = None) -> dict:
    """Create or replace the invoice of an open job (office staff).

    Args:
        items: The typed items (at least one).
        discount: Dollars off the whole invoice ("" for none).
        tax_rate: This job's sales-tax rate, e.g. "8.875"; "" uses the company's.
        version: The job's ``updated_at`` when the form was loaded.

    Returns:
        The job after the change.

    Raises:
        ValidationError: a bad item, discount or rate, or a closed/canceled job.
    """
    actor = require_company_actor(actor, COMPANY_ADMIN, USER)
    require_writable(db, actor=actor)
    job = load_job(db, actor, job_id)
    refuse_if_final(job, "invoiced")
    parsed = parse_items(list(items))
    if not parsed:
        raise ValidationError("Add at least one item to the invoice.", field="items")
    discount_cents = parse_money(discount, field="discount") if str(discount or "").strip() \
        else 0
    overridden = bool(str(tax_rate or "").strip())
    rate = parse_tax_rate(tax_rate) if overridden else company_tax_rate(company_of(db, actor))
    totals = invoice_totals(parsed, discount_cents=discount_cents,
                            tax_rate_milli_percent=validate_tax_rate(rate))
    old = job.get("invoice") or {}
    number = old.get("number") or CounterRepository(db, actor.company_id).next_value(INVOICES)
    invoice = {
        "number": number, "items": [item.as_dict() for item in parsed],
        "discount_cents": totals.discount, "tax_rate_milli_percent": rate,
        "tax_rate_overridden": overridden, "subtotal_cents": totals.subtotal,
        "taxable_cents": totals.taxable, "tax_cents": totals.tax, "total_cents": totals.total,
        "issued_at": old.get("issued_at") or now_ms(),
    }
    after = write_job(db, actor=actor, job=job, fields={"invoice": invoice}, version=version)
    audit.record(db, actor=actor, action="job.invoice_saved", target_type="job",
                 target_id=job["_id"],
                 before={"total_cents": old.get("total_cents")} if old else None,
                 after={"number": number, "total_cents": totals.total,
                        "tax_cents": totals.tax})
    return after


def _refund_line(refund: dict, zone: ZoneInfo) -> dict:
    """One Stripe refund as the client reads it: the part of the invoice given back
    (a refund beyond the payment's invoice part gave back tip too)."""
    amount = int(refund.get("amount_cents", 0))
    charge = int(refund["payment_cents"]) - int(refund.get("tip_cents", 0)) \
        if refund.get("payment_cents") is not None else amount
    cents = max(min(amount, charge), 0)
    when = ""
    if refund.get("at") is not None:
        local = as_utc(refund["at"]).astimezone(zone)
        when = f" on {local:%b} {local.day}, {local.year}"
    tip = amount - cents
    return {"label": f"Refunded by Stripe{when}" + (
                f" (and {format_money(tip)} of tip)" if tip > 0 else ""),
            "cents": cents, "amount_text": format_money(cents), "tip_cents": tip}


def _as_received(payments: list[dict], refunds: list[dict]) -> list[dict]:
    """The payments as the client made them: a refunded card payment at its amount
    before the refund (its refund is a line of its own), one refunded in full too."""
    received = {r["reference"]: r for r in refunds if r.get("payment_cents") is not None}
    out = [{**p, "amount_cents": received[p["reference"]]["payment_cents"],
            "tip_cents": received[p["reference"]].get("tip_cents", 0)}
           if p.get("reference") in received else p for p in payments]
    present = {p.get("reference") for p in payments}
    return out + [{"method": "card", "amount_cents": r["payment_cents"],
                   "tip_cents": r.get("tip_cents", 0)}
                  for ref, r in received.items() if ref not in present]


def view_of(job: dict, zone: ZoneInfo | None = None) -> InvoiceView | None:
    """The invoice of ``job`` with what was paid and refunded against it, or None without one.

    A refunded amount is no longer paid: it shows as its own line (date in the
    company's ``zone``, UTC when not given) and the balance due rises by it. A
    refund Stripe reported on a closed job counts here at once (the client got
    the money back), though the job's figures wait for a reopen.
    """
    invoice = job.get("invoice")
    if not invoice:
        return None
    zone = zone or ZoneInfo("UTC")
    payments = [dict(p) for p in job.get("payments") or []]
    refunds = job.get("refunds") or []
    for refund in refunds:  # a refund on a closed job waits to come off its payment
        left = int(refund.get("amount_cents", 0)) - int(refund.get("applied_cents", 0))
        if left > 0:
            payments = apply_refund(payments, refund["reference"], left)
    tips = sum(int(p.get("tip_cents", 0)) for p in payments)
    paid = sum(int(p["amount_cents"]) - int(p.get("tip_cents", 0)) for p in payments)
    refund_lines = tuple(_refund_line(r, zone) for r in refunds
                         if int(r.get("amount_cents", 0)) > 0)
    return InvoiceView(
        number=int(invoice["number"]),
        items=[{**item, "quantity_text": format_quantity(item["quantity_hundredths"]),
                "unit_price_text": format_money(item["unit_price_cents"]),
                "amount_text": format_money(item["amount_cents"])}
               for item in invoice.get("items") or []],
        subtotal=int(invoice["subtotal_cents"]), discount=int(invoice["discount_cents"]),
        tax_rate_text=format_tax_rate(invoice["tax_rate_milli_percent"]),
        tax_rate_overridden=bool(invoice.get("tax_rate_overridden")),
        tax=int(invoice["tax_cents"]), total=int(invoice["total_cents"]), tips=tips, paid=paid,
        refunded=sum(int(r.get("amount_cents", 0)) for r in refunds),
        balance_due=max(int(invoice["total_cents"]) - paid, 0),
        payments=[{"method": label(PAYMENT_METHOD_LABELS, p["method"]),
                   "amount_text": format_money(int(p["amount_cents"])),
                   "tip_text": format_money(int(p.get("tip_cents", 0)))}
                  for p in _as_received(job.get("payments") or [], refunds)],
        received=paid + sum(r["cents"] for r in refund_lines), refund_lines=refund_lines)


def job_invoice(db: Database, *, actor: Actor, job_id: str) -> InvoiceView | None:
    """The invoice of one of the caller's jobs (office staff, or the job's technician)."""
    actor = require_company_actor(actor, COMPANY_ADMIN, USER, TECHNICIAN)
    return view_of(load_job(db, actor, job_id), zone_of(company_of(db, actor)))


def invoice_filename(company_name: str, number: int) -> str:
    """``invoice-acme-locks-17.pdf``: ASCII, no path characters."""
    return safe_filename("invoice", company_name, str(number))


def invoice_pdf(db: Database, *, actor: Actor, job_id: str) -> tuple[str, bytes]:
    """The job's invoice as a PDF: ``(filename, bytes)``. Run it off the event loop.

    Raises:
        ValidationError: the job has no invoice yet.
    """
    actor = require_company_actor(actor, COMPANY_ADMIN, USER, TECHNICIAN)
    job = load_job(db, actor, job_id)
    view = view_of(job, zone_of(company_of(db, actor)))
    if view is None:
        raise ValidationError("This job has no invoice yet.")
    company = report_data.company_header(db, actor.company_id)
    html = render_invoice(company=company, job=job, invoice=view)
    return invoice_filename(company.name, view.number), render_pdf(html).data
