"""Appointment reminders: each company's offsets (default 24 h and 2 h before).

The scheduler runs :func:`send_due_reminders` every few minutes. A job gets
the reminder for an offset when its start is between ``offset`` and
``offset - 1 hour`` away, so a run that was missed for up to an hour still
sends it, and a job booked later than that gets no stale reminder (its
confirmation said when). One idempotency key per job, offset and start time
means a rescheduled job is reminded again and nothing is sent twice. Quiet
hours apply; a reminder that could only go out after the start is dropped.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from pymongo.database import Database

from iprodash.repositories.base import utcnow
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.reminder_jobs import UpcomingJobs, active_company_ids
from iprodash.services.job_messages import client_wants_texts, job_values
from iprodash.services.sms import enqueue_sms
from iprodash.services.sms_templates import REMINDER, company_template, render

log = logging.getLogger(__name__)
DEFAULT_REMINDER_HOURS = (24, 2)
CATCH_UP = timedelta(hours=1)


def reminder_hours(company: dict) -> list[int]:
    """The company's reminder offsets in hours, largest first."""
    hours = (company.get("sms") or {}).get("reminder_hours")
    return sorted(hours if hours is not None else DEFAULT_REMINDER_HOURS, reverse=True)


def _remind(db: Database, company: dict, job: dict, hours: int, now: datetime) -> bool:
    phone = (job.get("client") or {}).get("phone")
    if not phone or not client_wants_texts(db, job):
        return False
    start = job["scheduled_start"]
    outcome = enqueue_sms(
        db, company=company, to=phone, kind=REMINDER,
        text=render(company_template(company, REMINDER), job_values(job, company)),
        idempotency_key=f"job:{job['_id']}:reminder:{hours}h:{start.isoformat()}",
        urgent=False, expires_at=start, now=now,
        related={"job_id": job["_id"], "client_id": job.get("client_id")})
    return outcome.queued and not outcome.duplicate


def send_due_reminders(db: Database, *, now: datetime | None = None) -> dict[str, int]:
    """Queue every reminder that is due; one company's failure never stops the rest."""
    now = now or utcnow()
    counts = {"queued": 0, "failed": 0}
    for ref in active_company_ids(db):
        try:
            company = CompanyRepository(db).by_id(ref["_id"])
            jobs = UpcomingJobs(db, company["_id"])
            for hours in reminder_hours(company):
                due_until = now + timedelta(hours=hours)
                for job in jobs.starting_between(due_until - CATCH_UP, due_until):
                    try:
                        counts["queued"] += int(_remind(db, company, job, hours, now))
                    except Exception:  # noqa: BLE001 - one bad job must not stop the others
                        log.exception("reminder for job %s failed", job.get("_id"))
                        counts["failed"] += 1
        except Exception:  # noqa: BLE001 - one company must not stop the others
            log.exception("reminders for company %s failed", ref.get("_id"))
            counts["failed"] += 1
    return counts
