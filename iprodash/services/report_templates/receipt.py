"""The client's receipt for a closed job: what was done and how it was paid."""

from __future__ import annotations

from iprodash.domain.line_items import PAYMENT_METHOD_LABELS
from iprodash.domain.words import label
from iprodash.services.report_data import ReceiptData
from iprodash.services.report_templates.common import (Byline, company_block, document, e,
                                                       meta_table, money, multiline)



def receipt_title(number: int) -> str:
    return f"Receipt for job #{number}"


def render_receipt(data: ReceiptData, byline: Byline | None = None) -> str:
    """The receipt as an HTML document."""
    bill_to = "<br>".join(e(part) for part in (data.client_name, *data.address_lines,
                                               data.client_phone, data.client_email) if part)
    work = f"<p><strong>{e(data.job_type)}</strong></p>" if data.job_type else ""
    if data.description:
        work += f"<p>{multiline(data.description)}</p>"
    if data.parts_used:
        work += "<p>Parts used: " + ", ".join(e(part) for part in data.parts_used) + "</p>"
    payments = "".join(
        f'<tr><td>{e(label(PAYMENT_METHOD_LABELS, method))}</td>'
        f'<td class="num">{money(amount)}</td></tr>'
        for method, amount in data.payments_by_method)
    body = (
        company_block(data.company)
        + f"<h1>{e(receipt_title(data.number))}</h1>"
        + meta_table([("Job number", f"#{data.number}"), ("Date", e(data.closed_on)),
                      ("Bill to", bill_to or "-")])
        + "<h2>Work done</h2>" + (work or "<p>-</p>")
        + '<h2>Payments</h2><table class="figures"><tr><th>Method</th>'
          '<th class="num">Amount</th></tr>'
        + payments
        + f'<tr class="total"><td>Total paid</td><td class="num">{money(data.total)}</td></tr>'
          "</table>"
        + f'<p class="thanks">Thank you for choosing {e(data.company.name)}!</p>'
    )
    return document(receipt_title(data.number), body, byline)
