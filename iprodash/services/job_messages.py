"""Texts caused by a job's changes; the jobs service calls these in the same step.

Which change sends what (each once per event, through the outbox):

| change | to | text | waits for daytime |
|---|---|---|---|
| becomes ``scheduled`` (or is rescheduled while scheduled) | client | appointment confirmation | yes; dropped if it would arrive after the start |
| becomes ``en_route`` | client | technician on the way | no (urgent) |
| ``pending_approval`` -> ``closed`` (first close only) | client | job done + receipt link | yes |
| technician assigned | technician | job assigned + link to ``/tech`` | only when the job starts more than 3 hours later |
| ``pending_approval`` -> ``in_progress`` (sent back) | technician | the office's reason + link to the job | yes |

Canceling, restoring and reopening send nothing (the office calls the
client). The technician link points at ``{public_url}/tech`` until the
technician portal issue adds per-job pages. Reminders are sent by the
scheduler (:mod:`iprodash.services.reminders`). A text that may not be sent
(no consent, STOP) is kept as ``suppressed`` with the reason; the returned
:class:`~iprodash.services.sms.SmsOutcome` carries that reason for a toast.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta, timezone

from pymongo.database import Database

from iprodash.domain.phones import display_phone
from iprodash.repositories.base import utcnow
from iprodash.repositories.clients import ClientRepository
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.technicians import TechnicianRepository
from iprodash.services.actor import Actor
from iprodash.services.notifications import app_link
from iprodash.services.quiet_hours import DEFAULT_ZONE, zone_info
from iprodash.services.sms import SmsOutcome, enqueue_sms
from iprodash.services.technician_access import issue_technician_link
from iprodash.services.sms_templates import (APPOINTMENT_CONFIRMATION, JOB_ASSIGNED, JOB_DONE,
                                             JOB_SENT_BACK, SENT_BACK_TEMPLATE,
                                             TECH_EN_ROUTE, company_template, render)
from iprodash.settings import get_settings

TECH_LINK_PATH = "/tech"
# Served by iprodash.api.receipts (FastAPI, beside the other public links under /api).
RECEIPT_PATH = "/api/receipt/{job_id}/{token}"
_URGENT_ASSIGNMENT = timedelta(hours=3)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _close_stamp(closed_at: datetime | None) -> str:
    """``closed_at`` in whole milliseconds (what MongoDB keeps), or "" when unset."""
    if closed_at is None:
        return ""
    if closed_at.tzinfo is None:
        closed_at = closed_at.replace(tzinfo=timezone.utc)
    return str((closed_at - _EPOCH) // timedelta(milliseconds=1))


def receipt_token(job: dict) -> str:
    """An unguessable token for the client's receipt link of one close of ``job``.

    The HMAC covers the job id and the moment it was closed, so a link texted
    at one close stops working when the job is reopened and closed again (the
    receipt may then show other payments, or another client).
    """
    message = f"receipt:v2:{job['_id']}:{_close_stamp(job.get('closed_at'))}"
    digest = hmac.new(get_settings().secret_key.encode(), message.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def receipt_token_valid(job: dict, token: str) -> bool:
    """True when ``token`` is the receipt token of ``job`` as it is now (constant time)."""
    return hmac.compare_digest(receipt_token(job).encode(), (token or "").encode()[:64])


def receipt_link(job: dict) -> str:
    return app_link(RECEIPT_PATH.format(job_id=job["_id"], token=receipt_token(job)))


def _local(moment: datetime | None, company: dict) -> datetime | None:
    return moment.astimezone(zone_info(company.get("timezone") or DEFAULT_ZONE)) if moment else None


def _clock(moment: datetime) -> str:
    return moment.strftime("%I:%M %p").lstrip("0")


def job_values(job: dict, company: dict, *, technician: dict | None = None) -> dict[str, str]:
    """The template variables of ``job`` (times in the company's zone)."""
    client = job.get("client") or {}
    start, end = _local(job.get("scheduled_start"), company), _local(job.get("scheduled_end"),
                                                                     company)
    address = job.get("address") or {}
    name = (client.get("name") or "").strip()
    return {
        "company": company["name"], "company_phone": display_phone(company.get("phone", "")),
        "company_email": company.get("admin_email", ""), "client_name": name,
        "first_name": name.split()[0] if name else "there",
        "job_number": str(job.get("number", "")),
        "date": f"{start:%a %b} {start.day}" if start else "",
        "window": (f"{_clock(start)}-{_clock(end)}" if start and end
                   else _clock(start) if start else ""),
        "address": ", ".join(p for p in (address.get("line"), address.get("city")) if p),
        "technician": ((technician or {}).get("nickname") or (technician or {}).get("name")
                       or "Your technician"),
    }


def _company(db: Database, job: dict) -> dict:
    return CompanyRepository(db).by_id(job["company_id"])


def _technician(db: Database, job: dict) -> dict | None:
    if not job.get("technician_id"):
        return None
    return TechnicianRepository(db, job["company_id"]).find_one({"_id": job["technician_id"]})


NO_SMS = "The client's record says no texts (the office turned texts off for this client)."


def client_wants_texts(db: Database, job: dict) -> bool:
    """False when the job's client record is marked ``no_sms``."""
    if not job.get("client_id"):
        return True
    client = ClientRepository(db, job["company_id"]).find_one({"_id": job["client_id"]},
                                                             projection={"no_sms": 1})
    return not (client or {}).get("no_sms")


def _text_client(db: Database, *, job: dict, company: dict, kind: str, key: str,
                 urgent: bool, link: str = "", expires_at: datetime | None = None,
                 now: datetime) -> SmsOutcome:
    phone = (job.get("client") or {}).get("phone")
    if not phone:
        return SmsOutcome(queued=False, reason="The client has no phone number, so no text.")
    if not client_wants_texts(db, job):
        return SmsOutcome(queued=False, reason=NO_SMS)
    values = {**job_values(job, company, technician=_technician(db, job)), "link": link}
    return enqueue_sms(db, company=company, to=phone, kind=kind,
                       text=render(company_template(company, kind), values),
                       idempotency_key=key, urgent=urgent, expires_at=expires_at, now=now,
                       related={"job_id": job["_id"], "client_id": job.get("client_id")})


def job_status_changed(db: Database, *, job: dict, old_status: str, actor: Actor | None,
                       now: datetime | None = None) -> SmsOutcome | None:
    """Enqueue the client's text for a status change (see the module table).

    Args:
        db: the database.
        job: the job document after the change.
        old_status: its status before the change.
        actor: who changed it (unused for now; kept for auditing callers).
        now: the current time (tests freeze it).

    Returns:
        The outcome, or None when this change sends nothing.
    """
    now = now or utcnow()
    status, job_id = job.get("status"), job["_id"]
    if status == "scheduled" and job.get("scheduled_start"):
        company = _company(db, job)
        start = job["scheduled_start"]
        if start <= now:
            return None
        return _text_client(db, job=job, company=company, kind=APPOINTMENT_CONFIRMATION,
                            key=f"job:{job_id}:confirm:{start.isoformat()}", urgent=False,
                            expires_at=start, now=now)
    if status == "en_route" and old_status != "en_route":
        step = len(job.get("status_history") or [])
        return _text_client(db, job=job, company=_company(db, job), kind=TECH_EN_ROUTE,
                            key=f"job:{job_id}:en_route:{step}", urgent=True, now=now)
    if status == "closed" and old_status == "pending_approval":
        return _text_client(db, job=job, company=_company(db, job), kind=JOB_DONE,
                            key=f"job:{job_id}:done", urgent=False, link=receipt_link(job),
                            now=now)
    return None


def job_assigned(db: Database, *, job: dict, actor: Actor | None,
                 now: datetime | None = None) -> SmsOutcome:
    """Text the job's technician that the job is theirs, with a link.

    Args:
        db: the database.
        job: the job document after the assignment (``technician_id`` set).
        actor: who assigned it (unused for now).
        now: the current time (tests freeze it).
    """
    now = now or utcnow()
    technician = _technician(db, job)
    if technician is None:
        return SmsOutcome(queued=False, reason="The job has no technician.")
    if not technician.get("phone"):
        return SmsOutcome(queued=False, reason="The technician has no phone number, so no text.")
    company = _company(db, job)
    start = job.get("scheduled_start")
    urgent = start is not None and start - now <= _URGENT_ASSIGNMENT
    link = issue_technician_link(db, company_id=job["company_id"],
                                 technician_id=technician["_id"],
                                 created_by=actor.user_id if actor else None,
                                 job_id=str(job["_id"]))
    values = {**job_values(job, company, technician=technician), "link": app_link(link)}
    when = start.isoformat() if start else "unscheduled"
    return enqueue_sms(db, company=company, to=technician["phone"], kind=JOB_ASSIGNED,
                       text=render(company_template(company, JOB_ASSIGNED), values),
                       idempotency_key=f"job:{job['_id']}:assigned:{technician['_id']}:{when}",
                       urgent=urgent, now=now,
                       related={"job_id": job["_id"], "technician_id": technician["_id"]})


def job_sent_back(db: Database, *, job: dict, reason: str, actor: Actor | None,
                  now: datetime | None = None) -> SmsOutcome:
    """Text the job's technician that the office sent the job back, and why.

    Like every text, it is queued only when the technician's number agreed
    to texts and did not send STOP; otherwise the outcome says why not.

    Args:
        db: the database.
        job: the job document after the move (``in_progress``).
        reason: the office's reason, as stored in the status history.
        actor: who sent it back (the link is issued in their name).
        now: the current time (tests freeze it).
    """
    now = now or utcnow()
    technician = _technician(db, job)
    if technician is None:
        return SmsOutcome(queued=False, reason="The job has no technician, so no text.")
    if not technician.get("phone"):
        return SmsOutcome(queued=False, reason="The technician has no phone number, so no text.")
    company = _company(db, job)
    link = issue_technician_link(db, company_id=job["company_id"],
                                 technician_id=technician["_id"],
                                 created_by=actor.user_id if actor else None,
                                 job_id=str(job["_id"]))
    values = {**job_values(job, company, technician=technician), "link": app_link(link),
              "reason": " ".join(reason.split())[:300]}
    step = len(job.get("status_history") or [])
    return enqueue_sms(db, company=company, to=technician["phone"], kind=JOB_SENT_BACK,
                       text=render(SENT_BACK_TEMPLATE, values),
                       idempotency_key=f"job:{job['_id']}:sent_back:{step}", urgent=False,
                       now=now, related={"job_id": job["_id"],
                                         "technician_id": technician["_id"]})
