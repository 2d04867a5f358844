"""Jobs: create, edit, assign a technician, record payments and parts.

Status moves, closing, reopening, canceling and restoring live in
:mod:`iprodash.services.job_lifecycle`. Each function here checks the
caller, validates everything, writes, audits, updates the rollups and asks
:mod:`iprodash.services.job_messages` for the texts the change causes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from iprodash.domain.clock import as_utc
from iprodash.domain.errors import Conflict, NotFound, ValidationError
from iprodash.domain.finance import Part, Payment, validate_part, validate_payment
from iprodash.domain.job_status import NEW, SCHEDULED
from iprodash.repositories.base import to_object_id
from iprodash.repositories.clients import ClientRepository
from iprodash.repositories.counters import CounterRepository
from iprodash.repositories.jobs import JobRepository
from iprodash.repositories.technicians import TechnicianRepository
from iprodash.services import audit, job_messages, rollups
from iprodash.services.actor import COMPANY_ADMIN, TECHNICIAN, USER, Actor, require_company_actor
from iprodash.services.clients import client_fields, create_client_record
from iprodash.services.job_forms import JobForm, parse_client_id, parse_job_form
from iprodash.services.job_records import (JobChange, company_of, keys_for, now_ms,
                                           refuse_if_final, write_job, zone_of)
from iprodash.services.plan_access import require_writable

EDITABLE = ("client", "address", "job_type", "description", "notes", "scheduled_start",
            "scheduled_end", "technician_id", "lead_source_id")
MAX_LINES = 50
NUMBER_ATTEMPTS = 5
MAX_WINDOW = timedelta(hours=24)


def load_job(db: Database, actor: Actor, job_id: Any) -> dict:
    """The caller's job: any job of the company for office staff, only their
    own for a technician (another one's is reported as not found)."""
    job = JobRepository(db, actor.company_id).get(job_id, "job")
    if actor.role == TECHNICIAN and job.get("technician_id") != actor.technician_id:
        raise NotFound("That job does not exist.")
    return job


def _client_for(db: Database, actor: Actor, form: JobForm, fields: dict) -> Any:
    """The reused client's id, or a new client made from the form."""
    client_id = parse_client_id(form.client_id)
    if client_id is not None:
        return ClientRepository(db, actor.company_id).get(client_id, "client")["_id"]
    client = fields["client"]
    record = create_client_record(db, actor=actor, fields=client_fields(
        name=client["name"], phone=client["phone"], email=client["email"],
        address=fields["address"]))
    return record["_id"]


def _insert_numbered(db: Database, actor: Actor, job: dict) -> Any:
    """Insert with the company's next job number (a number taken by a bulk
    load that did not reserve its block is skipped)."""
    counters, repo = CounterRepository(db, actor.company_id), JobRepository(db, actor.company_id)
    for _ in range(NUMBER_ATTEMPTS):
        job["number"] = counters.next_value()
        job.update(keys_for(job))
        try:
            return repo.insert(job)
        except DuplicateKeyError:
            job.pop("_id", None)
    raise Conflict("Could not give the job a number just now. Please save it again.")


def create_job(db: Database, *, actor: Actor, form: JobForm) -> JobChange:
    """Book a new job (status New) with the next job number of the company.

    A client is reused when the form names one (found by phone on the
    form); otherwise a client record is created from the form.
    """
    actor = require_company_actor(actor, COMPANY_ADMIN, USER)
    require_writable(db, actor=actor)
    company = company_of(db, actor)
    fields = parse_job_form(db, actor=actor, form=form, zone=zone_of(company))
    client_id = _client_for(db, actor, form, fields)
    now = now_ms()
    job = {**fields, "client_id": client_id, "status": NEW, "number": 0,
           "status_history": [{"from": None, "to": NEW, "at": now, "by_id": actor.user_id,
                               "by_name": actor.name, "reason": ""}],
           "payments": [], "parts": [], "closing_price_cents": None, "closed_at": None,
           "closed_day": None, "rates": None, "finance": None, "settlement_id": None,
           "created_at": now, "created_by": actor.user_id, "updated_at": now,
           "updated_by": actor.user_id}
    job["_id"] = _insert_numbered(db, actor, job)
    job["company_id"] = actor.company_id
    audit.record(db, actor=actor, action="job.created", target_type="job", target_id=job["_id"],
                 after={"number": job["number"], **{k: job[k] for k in EDITABLE}})
    rollups.record_created(db, job=job)
    change = JobChange(job=job)
    if job["technician_id"] is not None:
        change.note(job_messages.job_assigned(db, job=job, actor=actor))
    return change


def update_job(db: Database, *, actor: Actor, job_id: str, form: JobForm,
               version: str | None = None) -> JobChange:
    """Save the edit form of an open job.

    Args:
        version: The job's ``updated_at`` when the form was loaded; a job
            changed since then is refused with a Conflict.
    """
    actor = require_company_actor(actor, COMPANY_ADMIN, USER)
    require_writable(db, actor=actor)
    job = load_job(db, actor, job_id)
    refuse_if_final(job, "edited")
    fields = parse_job_form(db, actor=actor, form=form, zone=zone_of(company_of(db, actor)),
                            current=job)
    if job["status"] != NEW and fields["scheduled_start"] is None:
        raise ValidationError("A scheduled job needs its date and time window.", field="date")
    if parse_client_id(form.client_id) not in (None, job.get("client_id")):
        fields["client_id"] = _client_for(db, actor, form, fields)
    before, after_fields = audit.changed_fields(job, fields)
    if not after_fields:
        return JobChange(job=job)
    after = write_job(db, actor=actor, job=job, fields=after_fields, version=version)
    audit.record(db, actor=actor, action="job.updated", target_type="job", target_id=job["_id"],
                 before=before, after=after_fields)
    change = JobChange(job=after)
    if "technician_id" in after_fields and after["technician_id"] is not None:
        change.note(job_messages.job_assigned(db, job=after, actor=actor))
    if "scheduled_start" in after_fields and after["status"] == SCHEDULED:
        change.note(job_messages.job_status_changed(db, job=after, old_status=SCHEDULED,
                                                    actor=actor))
    return change


def assign_technician(db: Database, *, actor: Actor, job_id: str,
                      technician_id: str | None) -> JobChange:
    """Assign, reassign or unassign (``None``/"") an open job's technician."""
    actor = require_company_actor(actor, COMPANY_ADMIN, USER)
    require_writable(db, actor=actor)
    job = load_job(db, actor, job_id)
    refuse_if_final(job, "reassigned")
    new_id = None
    if technician_id:
        technician = TechnicianRepository(db, actor.company_id).get(technician_id, "technician")
        if not technician.get("active", True) and technician["_id"] != job.get("technician_id"):
            raise ValidationError("That technician is deactivated. Pick another one.",
                                  field="technician_id")
        new_id = technician["_id"]
    if new_id == job.get("technician_id"):
        return JobChange(job=job)
    after = write_job(db, actor=actor, job=job, fields={"technician_id": new_id})
    audit.record(db, actor=actor, action="job.assigned", target_type="job", target_id=job["_id"],
                 before={"technician_id": job.get("technician_id")},
                 after={"technician_id": new_id})
    change = JobChange(job=after)
    if new_id is not None:
        change.note(job_messages.job_assigned(db, job=after, actor=actor))
    return change


def _lines(items: list, validate, what: str) -> list[dict]:
    if len(items) > MAX_LINES:
        raise ValidationError(f"A job can have at most {MAX_LINES} {what}.", field=what)
    return [validate(item).as_dict() for item in items]


def keep_processor_details(stored: list[dict], typed: list[Payment]) -> list[Payment]:
    """Give typed payments back the tip, actual fee and processor id they had.

    The payments form shows method, amount and collector only; a card payment
    that came from Stripe keeps its tip, fee and reference as long as a line
    with the same method, amount and collector is still there.
    """
    waiting = [Payment.from_dict(p) for p in stored if p.get("reference")]
    kept = []
    for payment in typed:
        match = next((w for w in waiting if not payment.reference and
                      (w.method, w.amount_cents, w.collected_by) ==
                      (payment.method, payment.amount_cents, payment.collected_by)), None)
        if match is not None:
            waiting.remove(match)
            payment = match
        kept.append(payment)
    return kept


def save_payments_and_parts(db: Database, *, actor: Actor, job_id: str,
                            payments: list[Payment], parts: list[Part],
                            version: str | None = None) -> JobChange:
    """Replace an open job's payments and parts (each line validated first).

    Office staff may do this on any open job; a technician on their own.
    """
    actor = require_company_actor(actor, COMPANY_ADMIN, USER, TECHNICIAN)
    require_writable(db, actor=actor)
    job = load_job(db, actor, job_id)
    refuse_if_final(job, "changed")
    payments = keep_processor_details(job.get("payments") or [], list(payments))
    new = {"payments": _lines(list(payments), validate_payment, "payments"),
           "parts": _lines(list(parts), validate_part, "parts")}
    before, after_fields = audit.changed_fields(job, new)
    if not after_fields:
        return JobChange(job=job)
    after = write_job(db, actor=actor, job=job, fields=after_fields, version=version)
    audit.record(db, actor=actor, action="job.money_lines_updated", target_type="job",
                 target_id=job["_id"], before=before, after=after_fields)
    return JobChange(job=after)


def job_document(db: Database, *, actor: Actor, job_id: str) -> dict:
    """The raw job document, for views (role and company checked)."""
    actor = require_company_actor(actor, COMPANY_ADMIN, USER, TECHNICIAN)
    return load_job(db, actor, to_object_id(job_id, "job"))


def reschedule_job(db: Database, *, actor: Actor, job_id: str, start: datetime,
                   end: datetime) -> JobChange:
    """Give an open job a new time window (UTC ``start`` < ``end``), audited.

    The client's appointment confirmation follows as for an edit of a
    scheduled job (:func:`update_job`).
    """
    actor = require_company_actor(actor, COMPANY_ADMIN, USER)
    require_writable(db, actor=actor)
    if not isinstance(start, datetime) or not isinstance(end, datetime) or end <= start:
        raise ValidationError("The window must end after it starts.", field="end_time")
    if end - start > MAX_WINDOW:
        raise ValidationError("A job's window can be at most 24 hours long.", field="end_time")
    job = load_job(db, actor, job_id)
    refuse_if_final(job, "rescheduled")
    fields = {"scheduled_start": as_utc(start), "scheduled_end": as_utc(end)}
    before, after_fields = audit.changed_fields(job, fields)
    if not after_fields:
        return JobChange(job=job)
    after = write_job(db, actor=actor, job=job, fields=fields)
    audit.record(db, actor=actor, action="job.rescheduled", target_type="job",
                 target_id=job["_id"], before=before, after=after_fields)
    change = JobChange(job=after)
    if after["status"] == SCHEDULED:
        change.note(job_messages.job_status_changed(db, job=after, old_status=SCHEDULED,
                                                    actor=actor))
    return change
