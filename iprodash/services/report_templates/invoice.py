"""The client's invoice for a job: items, discount, sales tax, payments, balance due.

Same look as the receipt (the shared stylesheet and company block); every
typed value is escaped with :func:`e`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from iprodash.domain.phones import display_phone
from iprodash.services.report_data import CompanyHeader
from iprodash.services.report_templates.common import (company_block, document, e, meta_table,
                                                       money)

if TYPE_CHECKING:  # the view is built by the invoices service, which imports this module
    from iprodash.services.invoices import InvoiceView


def invoice_title(number: int) -> str:
    return f"Invoice #{number}"


def _bill_to(job: dict) -> str:
    client, address = job.get("client") or {}, job.get("address") or {}
    city = " ".join(part for part in (address.get("city", ""), address.get("state", ""),
                                      address.get("zip", "")) if part)
    parts = (client.get("name", ""), address.get("line", ""), city,
             display_phone(client.get("phone", "")),
             client.get("email", ""))
    return "<br>".join(e(part) for part in parts if part) or "-"


def _item_row(item: dict) -> str:
    taxable = "Yes" if item.get("taxable") else "No"
    return (f"<tr><td>{e(item['description'])}</td><td class=\"num\">"
            f"{e(item['quantity_text'])}</td><td class=\"num\">{e(item['unit_price_text'])}</td>"
            f"<td>{taxable}</td><td class=\"num\">{e(item['amount_text'])}</td></tr>")


def _totals(invoice: InvoiceView) -> str:
    *rows, (due_name, due) = invoice.total_lines()
    body = "".join(f'<tr><td>{e(name)}</td><td class="num">{money(cents)}</td></tr>'
                   for name, cents in rows)
    return (f'<table class="figures">{body}<tr class="total"><td>{e(due_name)}</td>'
            f'<td class="num">{money(due)}</td></tr></table>')


def _payments(invoice: InvoiceView) -> str:
    if not invoice.payments:
        return "<p>No payments yet.</p>"
    rows = "".join(f"<tr><td>{e(p['method'])}</td><td class=\"num\">{e(p['amount_text'])}</td>"
                   f"<td class=\"num\">{e(p['tip_text'])}</td></tr>" for p in invoice.payments)
    rows += "".join(f"<tr><td>{e(r['label'])}</td><td class=\"num\">-{e(r['amount_text'])}"
                    "</td><td></td></tr>" for r in invoice.refund_lines)
    return ('<table class="figures"><tr><th>Method</th><th class="num">Amount</th>'
            f'<th class="num">Of which tip</th></tr>{rows}</table>')


def render_invoice(*, company: CompanyHeader, job: dict, invoice: InvoiceView) -> str:
    """The invoice as an HTML document."""
    body = (
        company_block(company)
        + f"<h1>{e(invoice_title(invoice.number))}</h1>"
        + meta_table([("Invoice number", f"#{invoice.number}"),
                      ("Job number", f"#{int(job.get('number', 0))}"),
                      ("Bill to", _bill_to(job))])
        + '<h2>Items</h2><table class="figures"><tr><th>Description</th><th class="num">Qty'
          '</th><th class="num">Unit price</th><th>Taxable</th><th class="num">Amount</th></tr>'
        + "".join(_item_row(item) for item in invoice.items) + "</table>"
        + "<h2>Payments</h2>" + _payments(invoice)
        + "<h2>Total</h2>" + _totals(invoice)
        + f'<p class="thanks">Thank you for choosing {e(company.name)}!</p>'
    )
    return document(invoice_title(invoice.number), body)
