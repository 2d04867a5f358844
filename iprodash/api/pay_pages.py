"""``/api/pay/<job id>/<token>``: the client's pay page for a job's invoice.

Public (the signed, expiring token is the credential; rules in
:mod:`iprodash.services.pay_links`), rate-limited per address, never cached,
no referrer. Every bad link gets the same small refusal page. ``GET`` shows
the invoice and a "Pay $X" form with an optional tip; ``POST`` opens Stripe
Checkout on the company's account. The payment is recorded by the Connect
webhook only, never by the return here.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from iprodash.api.public_pages import NO_STORE, html_page, refusal
from iprodash.api.security import client_ip
from iprodash.db import get_db
from iprodash.domain.errors import DomainError, RateLimited, ValidationError
from iprodash.domain.money import format_money
from iprodash.services.pay_links import (TIP_PERCENTS, PayLinkUnavailable, PayPage,
                                         open_pay_page, parse_tip, start_payment)
from iprodash.services.report_templates.common import e

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/pay")

NOT_AVAILABLE = ("This payment link is not available",
                 "The link may have expired, or the invoice was changed after it was sent. "
                 "Please ask the company for a new link.")
TOO_MANY = ("Please wait a moment",
            "Too many requests came from your connection. Try again in a few minutes.")
_STYLE = ("table{width:100%;border-collapse:collapse}td{padding:.3em 0;border-bottom:1px solid "
          "#eee}td.num{text-align:right}tr.total td{font-weight:bold}button{font-size:1.1em;"
          "padding:.7em 1.2em;width:100%;margin-top:1em}label{display:block;margin:.3em 0}")


def _tip_choices(due: int) -> str:
    choices = []
    for percent in TIP_PERCENTS:
        value = f"{percent}%"
        text = "No tip" if percent == 0 else f"{percent}% ({format_money(parse_tip(value, due))})"
        checked = " checked" if percent == 0 else ""
        choices.append(f'<label><input type="radio" name="tip" value="{value}"{checked}> '
                       f"{e(text)}</label>")
    return "<fieldset><legend>Add a tip for your technician</legend>" + "".join(choices) \
        + "</fieldset>"


def _page(page: PayPage, paid: bool, error: str = "") -> HTMLResponse:
    inv = page.invoice
    rows = "".join(f"<tr><td>{e(i['description'])} × {e(i['quantity_text'])}</td>"
                   f'<td class="num">{e(i["amount_text"])}</td></tr>' for i in inv.items)
    *figures, (due_name, due) = inv.total_lines()
    rows += "".join(f'<tr><td>{e(name)}</td><td class="num">{format_money(cents)}</td></tr>'
                    for name, cents in figures)
    rows += (f'<tr class="total"><td>{e(due_name)}</td>'
             f'<td class="num">{format_money(due)}</td></tr>')
    if inv.balance_due <= 0:
        action = "<p><strong>Paid in full. Thank you!</strong></p>"
    elif paid:
        action = ("<p><strong>Thank you! Your payment is being confirmed by Stripe; this page "
                  "shows it within a minute.</strong></p>")
    elif not page.can_pay:
        action = ("<p>Card payment is not available for this invoice. Please contact the "
                  "company.</p>")
    else:
        action = (f'<form method="post">{_tip_choices(inv.balance_due)}'
                  f"<button type=\"submit\">Pay {format_money(inv.balance_due)}"
                  " (plus any tip)</button></form>")
    body = (f"<h1>{e(page.company_name)}</h1><p>Invoice #{inv.number} for job "
            f"#{page.job_number}</p>" + (f'<p role="alert">{e(error)}</p>' if error else "")
            + f"<table>{rows}</table>{action}")
    return html_page(f"Invoice #{inv.number}", body, style=_STYLE)


@router.get("/{job_id}/{token}")
def pay_page(job_id: str, token: str, request: Request) -> Response:
    try:
        page = open_pay_page(get_db(), job_id=job_id[:64], token=token[:80],
                             ip=client_ip(request))
    except RateLimited:
        return refusal(TOO_MANY, 429)
    except (PayLinkUnavailable, DomainError):
        return refusal(NOT_AVAILABLE, 404)
    return _page(page, paid=request.query_params.get("paid") == "1")


@router.post("/{job_id}/{token}")
async def pay(job_id: str, token: str, request: Request, tip: str = Form("")) -> Response:
    db, ip = get_db(), client_ip(request)
    try:
        url = await run_in_threadpool(start_payment, db, job_id=job_id[:64], token=token[:80],
                                      ip=ip, tip=tip[:20])
    except RateLimited:
        return refusal(TOO_MANY, 429)
    except PayLinkUnavailable:
        return refusal(NOT_AVAILABLE, 404)
    except (ValidationError, DomainError) as exc:
        try:
            page = open_pay_page(db, job_id=job_id[:64], token=token[:80], ip=ip)
        except (PayLinkUnavailable, DomainError):
            return refusal(NOT_AVAILABLE, 404)
        return _page(page, paid=False, error=exc.message)
    return RedirectResponse(url, status_code=303, headers=NO_STORE)
