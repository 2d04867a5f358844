"""Pay by link: the public page a client opens to pay a job's invoice by card.

The link ``/api/pay/<job id>/<token>`` needs no login; the token is the
credential: ``<expires unix time>.<HMAC of job id, invoice number and
expiry>`` (the app's secret key, compared in constant time). It opens the
page only while all of these hold, and otherwise the same "not available"
answer, whatever the reason:

- the token is this job's for its invoice number and has not expired
  (:data:`PAY_LINK_DAYS`);
- the job still has that invoice and is not canceled, and its client was not
  erased;
- the company is active.

Requests are counted per address (:data:`VIEWS_PER_WINDOW` per
:data:`VIEW_WINDOW`). "Pay" opens Stripe Checkout on the company's connected
account for the balance due plus the chosen tip; the payment itself is
recorded only by the Connect webhook (:mod:`iprodash.services.card_payments`).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from pymongo.database import Database

from iprodash.domain.clock import zone_of
from iprodash.domain.errors import ValidationError
from iprodash.domain.job_status import CANCELED
from iprodash.domain.money import MAX_CENTS, parse_money
from iprodash.integrations import stripe_connect
from iprodash.repositories.base import utcnow
from iprodash.services import stripe_accounts
from iprodash.services.actor import COMPANY_ADMIN, TECHNICIAN, USER, Actor, require_company_actor
from iprodash.services.invoices import InvoiceView, view_of
from iprodash.services.jobs import load_job
from iprodash.services.notifications import app_link
from iprodash.services.public_links import open_job, throttle
from iprodash.settings import get_settings

PAY_PATH = "/api/pay/{job_id}/{token}"
PAY_LINK_DAYS = 30
VIEWS_PER_WINDOW = 30
VIEW_WINDOW = timedelta(minutes=10)
USAGE_KIND = "pay_link"
TIP_PERCENTS = (0, 10, 15, 20)


class PayLinkUnavailable(Exception):
    """The link does not open a pay page (any reason; the page says only that)."""


@dataclass(frozen=True)
class PayPage:
    company_name: str
    job_number: int
    invoice: InvoiceView
    can_pay: bool


def _mac(job_id: str, number: int, expires: int) -> str:
    message = f"pay:v1:{job_id}:{number}:{expires}"
    return hmac.new(get_settings().secret_key.encode(), message.encode(),
                    hashlib.sha256).hexdigest()[:32]


def pay_token(job: dict, *, now: datetime | None = None) -> str:
    """A token for ``job``'s invoice, valid for :data:`PAY_LINK_DAYS`."""
    expires = int(((now or utcnow()) + timedelta(days=PAY_LINK_DAYS)).timestamp())
    return f"{expires}.{_mac(str(job['_id']), int(job['invoice']['number']), expires)}"


def pay_link(db: Database, *, actor: Actor, job_id: str) -> str:
    """The pay link of one of the caller's invoiced jobs (office or its technician)."""
    actor = require_company_actor(actor, COMPANY_ADMIN, USER, TECHNICIAN)
    job = load_job(db, actor, job_id)
    if not job.get("invoice"):
        raise ValidationError("Save the invoice first.")
    return app_link(PAY_PATH.format(job_id=job["_id"], token=pay_token(job)))


def _token_valid(job: dict, token: str, now: datetime) -> bool:
    expires_text, _, mac = (token or "").partition(".")
    if not expires_text.isdigit() or len(expires_text) > 12 or not job.get("invoice"):
        return False
    expected = _mac(str(job["_id"]), int(job["invoice"]["number"]), int(expires_text))
    return hmac.compare_digest(expected.encode(), mac.encode()[:64]) \
        and int(expires_text) > now.timestamp()


def _open(db: Database, job_id: str, token: str, ip: str,
          now: datetime | None) -> tuple[dict, dict, datetime]:
    now = now or utcnow()
    throttle(db, kind=USAGE_KIND, ip=ip, now=now, limit=VIEWS_PER_WINDOW, window=VIEW_WINDOW,
             message="Too many requests from here. Wait a few minutes and try again.")
    company, job = open_job(db, job_id, PayLinkUnavailable)
    if not _token_valid(job, str(token)[:80], now) \
            or job.get("status") == CANCELED or job.get("client_erased_at"):
        raise PayLinkUnavailable
    return company, job, now


def open_pay_page(db: Database, *, job_id: str, token: str, ip: str,
                  now: datetime | None = None) -> PayPage:
    """What the pay page shows.

    Raises:
        RateLimited: this address asked too often.
        PayLinkUnavailable: the link does not open a pay page.
    """
    company, job, _ = _open(db, job_id, token, ip, now)
    invoice = view_of(job, zone_of(company))
    link = company.get("stripe_connect") or {}
    return PayPage(company_name=company.get("name", ""), job_number=int(job.get("number", 0)),
                   invoice=invoice, can_pay=bool(invoice.balance_due > 0 and link.get(
                       "charges_enabled") and get_settings().card_payments_enabled))


def parse_tip(text: str, balance_due: int) -> int:
    """A tip the client chose: "15%" of the balance due, or dollars ("5.00"), or nothing."""
    raw = (text or "").strip()
    if not raw or raw == "0%":
        return 0
    if raw.endswith("%") and raw[:-1].isdigit() and int(raw[:-1]) in TIP_PERCENTS:
        return (balance_due * int(raw[:-1]) + 50) // 100
    tip = parse_money(raw, field="tip")
    if tip > min(balance_due, MAX_CENTS):
        raise ValidationError("A tip cannot be more than the amount due.", field="tip")
    return tip


def start_payment(db: Database, *, job_id: str, token: str, ip: str, tip: str = "",
                  now: datetime | None = None) -> str:
    """Open Stripe Checkout on the company's account for the balance due plus the tip.

    Returns:
        The Checkout page's URL.

    Raises:
        RateLimited, PayLinkUnavailable: as :func:`open_pay_page`.
        ValidationError: nothing is due, a bad tip, or the company cannot take cards.
    """
    company, job, now = _open(db, job_id, token, ip, now)
    invoice = view_of(job)
    if invoice.balance_due <= 0:
        raise ValidationError("This invoice is paid in full. Thank you!")
    tip_cents = parse_tip(tip, invoice.balance_due)
    account_id = stripe_accounts.connected_account(company)
    page = app_link(PAY_PATH.format(job_id=job["_id"], token=token))
    minute = int(now.timestamp()) // 60  # a double click within a minute opens one session
    session = stripe_connect.create_checkout(
        account_id=account_id, amount_cents=invoice.balance_due, tip_cents=tip_cents,
        description=f"{company.get('name', '')} invoice #{invoice.number}",
        success_url=f"{page}?paid=1", cancel_url=page,
        metadata={"company_id": str(company["_id"]), "job_id": str(job["_id"]),
                  "invoice_number": str(invoice.number), "tip_cents": str(tip_cents)},
        idempotency_key=f"pay-{job['_id']}-{invoice.balance_due}-{tip_cents}-{minute}")
    return session["url"]
