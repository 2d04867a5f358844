"""A job's status moves: step forward, close, reopen, cancel, restore.

The moves and who may make them are :mod:`iprodash.domain.job_status`'s;
each move here appends a history entry (who, when, from, to, reason),
audits, keeps the rollups in step in the same call and lets
:mod:`iprodash.services.job_messages` text the client or technician.
"""

from __future__ import annotations

import logging

from pymongo.database import Database

from iprodash.domain.card_changes import apply_waiting, kept_fees
from iprodash.domain.errors import Conflict, DomainError, ValidationError
from iprodash.domain.finance import (Part, Payment, compute_job_finance,
                                     validate_payments_match)
from iprodash.domain.invoices import invoice_tax_cents
from iprodash.domain.job_status import (CANCELED, CLOSED, IN_PROGRESS, NEW, PENDING_APPROVAL,
                                        SCHEDULED, check_move, is_send_back)
from iprodash.repositories.lead_sources import LeadSourceRepository
from iprodash.repositories.technicians import TechnicianRepository
from iprodash.services import audit, job_messages, review_requests, rollups
from iprodash.services.actor import COMPANY_ADMIN, TECHNICIAN, USER, Actor, require_company_actor
from iprodash.services.job_documents import snapshot_rates
from iprodash.services.job_records import (JobChange, company_of, local_day, now_ms, write_job,
                                           zone_of)
from iprodash.services.jobs import keep_processor_details, load_job
from iprodash.services.plan_access import require_writable

log = logging.getLogger(__name__)
SETTLED = ("This job is part of a recorded technician payout. Void the payout on the "
           "Settlements page before reopening it.")


def _moved(db: Database, actor: Actor, job: dict, target: str, reason: str,
           fields: dict | None = None, expect: dict | None = None) -> dict:
    """Write the move and audit it; the job after."""
    after = write_job(db, actor=actor, job=job, fields={"status": target, **(fields or {})},
                      history={"from": job["status"], "to": target, "reason": reason},
                      expect=expect)
    audit.record(db, actor=actor, action=f"job.status.{target}", target_type="job",
                 target_id=job["_id"], before={"status": job["status"]},
                 after={"status": target}, reason=reason)
    return after


def _notify(db: Database, actor: Actor, after: dict, old_status: str) -> JobChange:
    change = JobChange(job=after)
    change.note(job_messages.job_status_changed(db, job=after, old_status=old_status,
                                                actor=actor))
    return change


def change_status(db: Database, *, actor: Actor, job_id: str, target: str,
                  reason: str = "") -> JobChange:
    """Move a job one step along the status machine, or cancel, reopen or restore it.

    Closing needs the closing price and payments: use :func:`close_job`.
    A technician may only move their own jobs (scheduled -> en route ->
    in progress -> pending approval).

    Raises:
        ValidationError: an impossible move (the domain's sentence), a
            missing reason, or a job not ready for the move.
        PermissionDenied: the caller's role may not make this move.
        Conflict: someone else moved the job first.
    """
    actor = require_company_actor(actor, COMPANY_ADMIN, USER, TECHNICIAN)
    require_writable(db, actor=actor)
    job = load_job(db, actor, job_id)
    if target == CLOSED and job["status"] != CLOSED:
        check_move(current=job["status"], target=target, role=actor.role)
        raise ValidationError("Close the job with its closing price and payments.",
                              field="status")
    if target == CANCELED:
        return cancel_job(db, actor=actor, job_id=job_id, reason=reason)
    if (job["status"], target) == (CLOSED, PENDING_APPROVAL):
        return reopen_job(db, actor=actor, job_id=job_id, reason=reason)
    if (job["status"], target) == (CANCELED, NEW):
        return restore_job(db, actor=actor, job_id=job_id)
    if is_send_back(job["status"], target):
        return send_back_job(db, actor=actor, job_id=job_id, reason=reason)
    check_move(current=job["status"], target=target, role=actor.role, reason=reason)
    if target == SCHEDULED and job.get("scheduled_start") is None:
        raise ValidationError("Set the date and time window before marking the job Scheduled.",
                              field="date")
    after = _moved(db, actor, job, target, (reason or "").strip())
    return _notify(db, actor, after, job["status"])


def close_job(db: Database, *, actor: Actor, job_id: str, closing_price_cents: int,
              payments: list[Payment] | None = None, parts: list[Part] | None = None,
              version: str | None = None) -> JobChange:
    """Close a job pending approval, snapshotting rates and finance.

    Args:
        closing_price_cents: What the client paid in total.
        payments: The payments to close with (default: the job's recorded ones).
        parts: The parts to close with (default: the job's recorded ones).
        version: The job's ``updated_at`` when the dialog was opened.

    Raises:
        ValidationError: the payments do not add up to the closing price, a
            line is invalid, or no technician is assigned.
    """
    actor = require_company_actor(actor, COMPANY_ADMIN, USER)
    require_writable(db, actor=actor)
    job = load_job(db, actor, job_id)
    check_move(current=job["status"], target=CLOSED, role=actor.role)
    payments = keep_processor_details(
        job.get("payments") or [], list(payments if payments is not None else
                                        [Payment.from_dict(p) for p in job.get("payments") or []]))
    parts = list(parts if parts is not None else
                 [Part.from_dict(p) for p in job.get("parts") or []])
    if job.get("technician_id") is None:
        raise ValidationError("Assign the technician who did the job before closing it.",
                              field="technician_id")
    company = company_of(db, actor)
    technician = TechnicianRepository(db, actor.company_id).get(job["technician_id"],
                                                                "technician")
    source = (LeadSourceRepository(db, actor.company_id).get(job["lead_source_id"],
                                                             "lead source")
              if job.get("lead_source_id") else None)
    rates = snapshot_rates(company=company, technician=technician, source=source)
    finance = compute_job_finance(payments=payments, parts=parts, rates=rates,
                                  tax_cents=invoice_tax_cents(job), kept_fees_cents=kept_fees(job))
    validate_payments_match(closing_price_cents, payments)
    closed_at = now_ms()
    fields = {"payments": [p.as_dict() for p in payments], "parts": [p.as_dict() for p in parts],
              "closing_price_cents": closing_price_cents, "closed_at": closed_at,
              "closed_day": local_day(closed_at, zone_of(company)), "rates": rates.as_dict(),
              "finance": finance.as_dict()}
    after = write_job(db, actor=actor, job=job, fields={"status": CLOSED, **fields},
                      history={"from": job["status"], "to": CLOSED, "reason": ""},
                      version=version)
    audit.record(db, actor=actor, action="job.status.closed", target_type="job",
                 target_id=job["_id"], before={"status": job["status"]},
                 after={"status": CLOSED, "closing_price_cents": closing_price_cents,
                        "rates": fields["rates"], "finance": fields["finance"]})
    rollups.record_closed(db, job=after)
    change = _notify(db, actor, after, job["status"])
    try:
        review_requests.request_after_close(db, job=after)
    except DomainError:  # a review request never stands in the way of closing
        log.exception("review request for job %s failed", after["_id"])
    return change


def reopen_job(db: Database, *, actor: Actor, job_id: str, reason: str) -> JobChange:
    """Send a closed job back to Pending approval (company admin, with a reason).

    Its rate and finance snapshots are cleared and its figures leave the
    rollups; payments and parts stay for the next close. Card payments and
    refunds Stripe reported while it was closed join its payments now
    (:func:`iprodash.domain.card_changes.apply_waiting`), so they count when
    it closes again.

    Raises:
        Conflict: the job is in a recorded technician payout.
    """
    actor = require_company_actor(actor, COMPANY_ADMIN, USER)
    require_writable(db, actor=actor)
    job = load_job(db, actor, job_id)
    check_move(current=job["status"], target=PENDING_APPROVAL, role=actor.role, reason=reason)
    if job.get("settlement_id") is not None:
        raise Conflict(SETTLED)
    try:
        after = _moved(db, actor, job, PENDING_APPROVAL, reason.strip(),
                       fields={"closed_at": None, "closed_day": None, "rates": None,
                               "finance": None, **apply_waiting(job)},
                       expect={"settlement_id": None})
    except Conflict:
        if load_job(db, actor, job_id).get("settlement_id") is not None:
            raise Conflict(SETTLED) from None
        raise
    rollups.record_reopened(db, job=job)
    return _notify(db, actor, after, job["status"])


def send_back_job(db: Database, *, actor: Actor, job_id: str, reason: str) -> JobChange:
    """Return a job the technician marked done to In progress (office, with a reason).

    The reason is in the status history, which the technician's phone page
    shows ("Sent back by the office: ..."), and goes to the technician by
    text when they agreed to texts.

    Raises:
        ValidationError: no reason, or the job is not pending approval.
        PermissionDenied: the caller is not office staff.
    """
    actor = require_company_actor(actor, COMPANY_ADMIN, USER)
    require_writable(db, actor=actor)
    job = load_job(db, actor, job_id)
    check_move(current=job["status"], target=IN_PROGRESS, role=actor.role, reason=reason)
    text = reason.strip()
    after = _moved(db, actor, job, IN_PROGRESS, text)
    change = JobChange(job=after)
    change.note(job_messages.job_sent_back(db, job=after, reason=text, actor=actor))
    return change


def cancel_job(db: Database, *, actor: Actor, job_id: str, reason: str) -> JobChange:
    """Cancel an open job with a reason; it stays in the statistics."""
    actor = require_company_actor(actor, COMPANY_ADMIN, USER, TECHNICIAN)
    require_writable(db, actor=actor)
    job = load_job(db, actor, job_id)
    check_move(current=job["status"], target=CANCELED, role=actor.role, reason=reason)
    after = _moved(db, actor, job, CANCELED, reason.strip())
    rollups.record_canceled(db, job=after)
    return _notify(db, actor, after, job["status"])


def restore_job(db: Database, *, actor: Actor, job_id: str) -> JobChange:
    """Bring a canceled job back as New (with any card changes that waited, as on reopen)."""
    actor = require_company_actor(actor, COMPANY_ADMIN, USER, TECHNICIAN)
    require_writable(db, actor=actor)
    job = load_job(db, actor, job_id)
    check_move(current=job["status"], target=NEW, role=actor.role)
    after = _moved(db, actor, job, NEW, "", fields=apply_waiting(job))
    rollups.record_restored(db, job=after)
    return _notify(db, actor, after, job["status"])

