"""The client's receipt: the public link in the "job done" text, and "Email receipt to client".

Both use the one receipt report (:func:`report_data.receipt_data` and
:func:`render_receipt`), rendered by the PDF worker process.

The link ``/api/receipt/<job id>/<token>`` needs no login; the HMAC token
(:func:`job_messages.receipt_token`, checked in constant time) is the
credential. It shows the PDF only while all of these hold, and otherwise the
same "not available" answer, whatever the reason, so a link reveals nothing
about a job it does not open:

- the token is the job's token for its current close (a job reopened and
  closed again has a new token: the old link stops working);
- the job is closed, and closed less than :data:`RECEIPT_LINK_DAYS` ago;
- the client was not erased (no ``client_erased_at``) and the client record
  still exists;
- the company is active (not suspended, deleted or waiting for deletion).

Requests are counted per address in the usage log (:data:`VIEWS_PER_WINDOW`
per :data:`VIEW_WINDOW`), like the login and password-reset throttles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pymongo.database import Database

from iprodash.domain.errors import Conflict, ValidationError
from iprodash.domain.validation import validate_email
from iprodash.integrations.pdf import render_pdf
from iprodash.repositories.base import utcnow
from iprodash.repositories.clients import ClientRepository
from iprodash.repositories.jobs import JobRepository
from iprodash.repositories.outbox import OutboxRepository
from iprodash.services import audit, report_data
from iprodash.services.actor import Actor, require_company_actor
from iprodash.services.job_messages import receipt_token_valid
from iprodash.services.notifications import enqueue_email
from iprodash.services.public_links import open_job, throttle
from iprodash.services.report_builders import (RECEIPT, REPORT_ATTACHMENT, ReportRequest,
                                               safe_filename)
from iprodash.services.report_templates import render_receipt
from iprodash.services.reports import render_and_store

RECEIPT_LINK_DAYS = 90  # as long as the outbox keeps the text that carried the link
VIEWS_PER_WINDOW = 20
VIEW_WINDOW = timedelta(minutes=10)
USAGE_KIND = "receipt_link"
Progress = Callable[[int, str], None]


class ReceiptUnavailable(Exception):
    """The link does not open a receipt (any reason; the page says only that)."""


@dataclass(frozen=True)
class ClientReceipt:
    filename: str
    pdf: bytes


def receipt_filename(company_name: str, number: Any) -> str:
    """``receipt-acme-locks-1042.pdf``: ASCII, no path characters."""
    return safe_filename("receipt", company_name, str(number))


def _client_gone(db: Database, job: dict) -> bool:
    if job.get("client_erased_at"):
        return True
    if not job.get("client_id"):
        return False
    return ClientRepository(db, job["company_id"]).find_one(
        {"_id": job["client_id"]}, projection={"_id": 1}) is None


def _viewable_job(db: Database, job_id: str, token: str, now: datetime) -> tuple[dict, dict]:
    company, job = open_job(db, job_id, ReceiptUnavailable)
    if not receipt_token_valid(job, token):
        raise ReceiptUnavailable
    closed_at = job.get("closed_at")
    if job.get("status") != "closed" or not job.get("finance") or closed_at is None:
        raise ReceiptUnavailable
    if now - closed_at > timedelta(days=RECEIPT_LINK_DAYS) or _client_gone(db, job):
        raise ReceiptUnavailable
    return company, job


def open_public_receipt(db: Database, *, job_id: str, token: str, ip: str,
                        now: datetime | None = None) -> ClientReceipt:
    """The receipt PDF a texted link points at (no login: the token is the credential).

    Run it off the event loop: rendering takes a second or two in the PDF worker.

    Raises:
        RateLimited: this address asked too often.
        ReceiptUnavailable: the link does not open a receipt (see the module rules).
    """
    now = now or utcnow()
    throttle(db, kind=USAGE_KIND, ip=ip, now=now, limit=VIEWS_PER_WINDOW, window=VIEW_WINDOW,
             message="Too many receipt requests from here. Wait a few minutes and try again.")
    company, job = _viewable_job(db, str(job_id)[:64], str(token)[:64], now)
    data = report_data.receipt_data(db, company["_id"], job)
    pdf = render_pdf(render_receipt(data))
    return ClientReceipt(filename=receipt_filename(company.get("name", ""), data.number),
                         pdf=pdf.data)


def _close_key(job: dict) -> str:
    closed_at = job.get("closed_at")
    return closed_at.isoformat() if closed_at else ""


def email_receipt_to_client(db: Database, *, actor: Actor | None, job_id: str,
                            on_progress: Progress | None = None) -> str:
    """Render the job's receipt and email it to the client's address on the job.

    Any office staff member may send it (docs/REPORTS.md, "Emailing"). The email
    goes through the outbox with the stored PDF as an attachment; each close of
    a job is emailed to one address once.

    Returns:
        The address it goes to.

    Raises:
        ValidationError: the job is not closed, or its client has no email address.
        Conflict: this receipt was already emailed to that address.
        NotFound: the job is not in the caller's company.
    """
    actor = require_company_actor(actor)
    job = JobRepository(db, actor.company_id).get(job_id, "job")
    if job.get("status") != "closed" or not job.get("finance"):
        raise ValidationError("A receipt can be emailed once the job is closed.")
    raw = ((job.get("client") or {}).get("email") or "").strip()
    if not raw or job.get("client_erased_at"):
        raise ValidationError("This job's client has no email address.")
    address = validate_email(raw)
    key = f"receipt-email:{job['_id']}:{_close_key(job)}:{address}"
    if OutboxRepository(db).by_key(key) is not None:
        raise Conflict(f"This receipt was already emailed to {address}.")
    doc = render_and_store(db, company_id=actor.company_id,
                           request=ReportRequest(kind=RECEIPT, job=str(job["_id"])),
                           made_by_id=actor.user_id, made_by_name=actor.name,
                           on_progress=on_progress)
    company = report_data.company_header(db, actor.company_id)
    title = doc["metadata"].get("title", "Receipt")
    queued = enqueue_email(
        db, company_id=actor.company_id, to=address, kind="report_pdf", idempotency_key=key,
        attachments=[{**REPORT_ATTACHMENT, "file_id": doc["_id"],
                      "filename": receipt_filename(company.name, job.get("number", ""))}],
        title=title, company=company.name, sender=actor.name)
    if not queued:
        raise Conflict(f"This receipt was already emailed to {address}.")
    audit.record(db, actor=actor, action="receipt.emailed", target_type="job",
                 target_id=job["_id"], after={"to": address, "report_id": str(doc["_id"]),
                                              "title": title})
    return address
