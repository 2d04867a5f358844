"""The dashboard's "Waiting for approval": jobs the technicians marked done.

One read of at most ``limit + 1`` jobs on the ``(company_id, status,
scheduled_start)`` index: the candidates are only the company's jobs in
Pending approval, a handful at any time, so it stays cheap on the embedded
server too (DESIGN.md). The extra row only tells the page there are more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from pymongo import ASCENDING
from pymongo.database import Database

from iprodash.domain.job_status import PENDING_APPROVAL
from iprodash.repositories.jobs import JobRepository
from iprodash.repositories.technicians import TechnicianRepository
from iprodash.services.actor import COMPANY_ADMIN, USER, Actor, require_company_actor
from iprodash.services.job_records import company_of, zone_of
from iprodash.services.job_views import format_moment

QUEUE_LIMIT = 20
_FIELDS = {"number": 1, "client.name": 1, "address.city": 1, "technician_id": 1,
           "scheduled_start": 1, "status_history": 1, "updated_at": 1}


@dataclass(frozen=True)
class WaitingJob:
    """One job waiting for the office's approval (plain strings for state)."""

    id: str
    number: int
    client_name: str
    city: str
    technician_name: str
    done_text: str


@dataclass(frozen=True)
class ApprovalQueue:
    rows: list[WaitingJob]
    more: bool


def _marked_done_at(job: dict) -> datetime | None:
    for entry in reversed(job.get("status_history") or []):
        if entry.get("to") == PENDING_APPROVAL:
            return entry.get("at")
    return job.get("updated_at")


def jobs_waiting_for_approval(db: Database, *, actor: Actor,
                              limit: int = QUEUE_LIMIT) -> ApprovalQueue:
    """The caller's company's jobs in Pending approval, earliest appointment first.

    Raises:
        PermissionDenied: the caller is not office staff of a company.
    """
    actor = require_company_actor(actor, COMPANY_ADMIN, USER)
    limit = max(1, min(int(limit), 100))
    docs = list(JobRepository(db, actor.company_id)
                .find({"status": PENDING_APPROVAL}, projection=_FIELDS)
                .sort([("scheduled_start", ASCENDING), ("_id", ASCENDING)]).limit(limit + 1))
    shown = docs[:limit]
    names = {tid: doc.get("name", "") for tid, doc in TechnicianRepository(
        db, actor.company_id).by_ids([d["technician_id"] for d in shown
                                      if d.get("technician_id")]).items()}
    zone = zone_of(company_of(db, actor))
    rows = []
    for doc in shown:
        done = _marked_done_at(doc)
        if done is not None and done.tzinfo is None:
            done = done.replace(tzinfo=timezone.utc)
        rows.append(WaitingJob(
            id=str(doc["_id"]), number=int(doc["number"]),
            client_name=(doc.get("client") or {}).get("name", ""),
            city=(doc.get("address") or {}).get("city", ""),
            technician_name=names.get(doc.get("technician_id"), "Unassigned"),
            done_text=format_moment(done, zone)))
    return ApprovalQueue(rows=rows, more=len(docs) > limit)
