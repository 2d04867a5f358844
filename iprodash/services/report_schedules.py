"""Scheduled delivery: the weekly or monthly P&L and settlement pack by email.

A company-admin subscribes an address (typed twice). The scheduler task
:func:`deliver_scheduled_reports` runs every so often; for each company with
subscriptions it finds the last completed week (Monday to Sunday) or month
in the company's time zone, claims the delivery ``company:period:kind``
(one worker wins, even with two running) and renders the P&L plus one
settlement statement per technician who closed jobs in the period, then
emails them all through the outbox, one email per subscriber.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bson import ObjectId
from pymongo.database import Database

from iprodash.domain.errors import Conflict, NotFound, ValidationError
from iprodash.domain.validation import validate_email
from iprodash.repositories.base import utcnow
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.report_schedules import ReportSubscriptions, ScheduleQueue
from iprodash.repositories.reports import ReportFiles, ReportSources
from iprodash.repositories.users import AccountLookup
from iprodash.services import audit
from iprodash.services.actor import COMPANY_ADMIN, Actor, require_company_actor
from iprodash.services.notifications import enqueue_email
from iprodash.services.plan_access import require_writable
from iprodash.services.report_builders import (PROFIT_LOSS, REPORT_ATTACHMENT, SETTLEMENT,
                                               ReportRequest)
from iprodash.services.report_data import Period
from iprodash.services.reports import render_and_store
from iprodash.services.rollups import company_zone

log = logging.getLogger(__name__)
WEEKLY, MONTHLY = "weekly", "monthly"
CADENCE_LABELS = {WEEKLY: "Every week (Monday to Sunday)", MONTHLY: "Every month"}
LEASE_SECONDS = 15 * 60
SCHEDULE_NAME = "Scheduled delivery"


@dataclass(frozen=True)
class SubscriptionRow:
    id: str
    cadence: str
    cadence_label: str
    email: str
    created_by: str


def _row(doc: dict) -> SubscriptionRow:
    return SubscriptionRow(id=str(doc["_id"]), cadence=doc["cadence"],
                           cadence_label=CADENCE_LABELS.get(doc["cadence"], doc["cadence"]),
                           email=doc["email"], created_by=doc.get("created_by_name", ""))


def subscribe(*, db: Database, actor: Actor | None, cadence: str, email: str,
              confirm_email: str) -> SubscriptionRow:
    """Send the pack to ``email`` every week or month (company-admin).

    Raises:
        ValidationError: unknown cadence, invalid address or a differing confirmation.
        Conflict: the address already gets this pack.
    """
    actor = require_company_actor(actor, COMPANY_ADMIN)
    require_writable(db, actor=actor)
    if cadence not in CADENCE_LABELS:
        raise ValidationError("Pick weekly or monthly.", field="cadence")
    address = validate_email(email)
    if validate_email(confirm_email or "") != address:
        raise ValidationError("The two addresses differ. Type the address again to confirm.",
                              field="confirm_email")
    repo = ReportSubscriptions(db, actor.company_id)
    new_id = repo.add(cadence=cadence, email=address, created_by=actor.user_id,
                      created_by_name=actor.name)
    if new_id is None:
        raise Conflict(f"{address} already gets the {cadence} pack.")
    audit.record(db, actor=actor, action="report_subscription.created",
                 target_type="report_subscription", target_id=new_id,
                 after={"cadence": cadence, "email": address})
    return _row(repo.get(new_id, "subscription"))


def unsubscribe(*, db: Database, actor: Actor | None, subscription_id: str) -> None:
    """Stop one scheduled delivery (company-admin).

    Not gated by the plan: a read-only company may still stop emails going out.
    """
    actor = require_company_actor(actor, COMPANY_ADMIN)
    removed = ReportSubscriptions(db, actor.company_id).remove(subscription_id)
    if removed is None:
        raise NotFound("That delivery does not exist.")
    audit.record(db, actor=actor, action="report_subscription.deleted",
                 target_type="report_subscription", target_id=removed["_id"],
                 before={"cadence": removed["cadence"], "email": removed["email"]})


def list_subscriptions(*, db: Database, actor: Actor | None) -> list[SubscriptionRow]:
    actor = require_company_actor(actor, COMPANY_ADMIN)
    return [_row(doc) for doc in ReportSubscriptions(db, actor.company_id).all()]


def last_completed_period(cadence: str, today: date) -> Period:
    """The last whole week (Monday to Sunday) or calendar month before ``today``."""
    if cadence == WEEKLY:
        this_monday = today - timedelta(days=today.weekday())
        return Period(this_monday - timedelta(days=7), this_monday - timedelta(days=1))
    last_day = today.replace(day=1) - timedelta(days=1)
    return Period(last_day.replace(day=1), last_day)


def delivery_key(company_id: ObjectId, cadence: str, period: Period) -> str:
    """The idempotency key of one delivery: company + period + kind."""
    return f"{company_id}:{period.start.isoformat()}:{period.end.isoformat()}:{cadence}-pack"


def _still_allowed(db: Database, company_id: ObjectId, subscription: dict) -> bool:
    """Deliveries stop once the admin who set one up is no longer an active admin."""
    user = AccountLookup(db).by_id(subscription["created_by"]) or {}
    return (user.get("company_id") == company_id and user.get("role") == COMPANY_ADMIN
            and user.get("status") == "active")


def _render_pack(db: Database, company_id: ObjectId, period: Period, key: str) -> list[dict]:
    """The pack's PDFs; files a previous, interrupted run stored are reused."""
    files = {((f["metadata"].get("params") or {}).get("technician_id"), f["metadata"]["kind"]): f
             for f in ReportFiles(db, company_id).by_delivery(key)}
    start, end = period.utc_bounds(company_zone(db, company_id))
    wanted = [ReportRequest(kind=PROFIT_LOSS, period=period)] + [
        ReportRequest(kind=SETTLEMENT, period=period, technician_id=technician_id)
        for technician_id in ReportSources(db, company_id).technicians_with_closed_jobs(start, end)]
    pack = []
    for request in wanted:
        stored = files.get((request.technician_id, request.kind))
        pack.append(stored or render_and_store(
            db, company_id=company_id, request=request, made_by_id=None,
            made_by_name=SCHEDULE_NAME, source="schedule", delivery_key=key))
    return pack


def _deliver(db: Database, company_id: ObjectId, cadence: str, now: datetime,
             worker: str) -> str:
    company = CompanyRepository(db).by_id(company_id)
    if company is None or company.get("status") != "active":
        return "skipped"
    subscribers = [s for s in ReportSubscriptions(db, company_id).active(cadence)
                   if _still_allowed(db, company_id, s)]
    if not subscribers:
        return "skipped"
    period = last_completed_period(cadence, now.astimezone(company_zone(db, company_id)).date())
    key = delivery_key(company_id, cadence, period)
    queue = ScheduleQueue(db)
    if queue.claim(key, company_id=company_id, worker=worker, lease_seconds=LEASE_SECONDS,
                   now=now) is None:
        return "skipped"
    try:
        pack = _render_pack(db, company_id, period, key)
        attachments = [{**REPORT_ATTACHMENT, "file_id": f["_id"], "filename": f["filename"]}
                       for f in pack]
        for subscriber in subscribers:
            enqueue_email(db, company_id=company_id, to=subscriber["email"], kind="report_pack",
                          idempotency_key=f"{key}:{subscriber['email']}", attachments=attachments,
                          company=company["name"], cadence=cadence, period=period.label,
                          count=str(len(pack)))
    except Exception as exc:
        queue.release(key, worker=worker, error=str(exc))
        raise
    queue.finish(key, worker=worker, result={"files": len(pack), "emails": len(subscribers)})
    audit.record(db, actor=None, action="report.pack_sent", target_type="report_delivery",
                 target_id=key, company_id=company_id,
                 after={"period": period.label, "cadence": cadence, "files": len(pack),
                        "to": [s["email"] for s in subscribers]})
    return "delivered"


def deliver_scheduled_reports(db: Database, *, now: datetime | None = None,
                              worker: str | None = None) -> dict[str, int]:
    """Scheduler task: send every due pack once; one company's failure stops no other."""
    now = now or utcnow()
    worker = worker or f"{socket.gethostname()}:{os.getpid()}:{id(db)}"
    counts = {"delivered": 0, "skipped": 0, "failed": 0}
    for company_id in ScheduleQueue(db).subscribed_company_ids():
        for cadence in (WEEKLY, MONTHLY):
            try:
                counts[_deliver(db, company_id, cadence, now, worker)] += 1
            except Exception:  # noqa: BLE001 - one company must not stop the others
                log.exception("scheduled %s reports of company %s failed", cadence, company_id)
                counts["failed"] += 1
    return counts
