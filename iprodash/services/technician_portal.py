"""What a technician sees on the phone: only their own jobs.

Reads go through the jobs repository with the technician's filter key, so a
technician can never load another technician's job, client or company
totals: a job that is not assigned to the caller is reported as not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

from pymongo.database import Database

from iprodash.domain.clock import local_today, zone_of
from iprodash.domain.errors import NotFound, PermissionDenied, ValidationError
from iprodash.domain.finance import JobFinance, Part, Payment
from iprodash.domain.job_status import (IN_PROGRESS, TECHNICIAN_ACTIONS, allowed_moves,
                                        is_send_back, status_label)
from iprodash.domain.line_items import COLLECTOR_LABELS, PAYMENT_METHOD_LABELS
from iprodash.domain.money import format_money, parse_money
from iprodash.domain.phones import display_phone
from iprodash.domain.validation import required_text
from iprodash.domain.words import label
from iprodash.repositories.base import to_object_id, utcnow
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.jobs import SCHEDULED_START, JobRepository, filter_key
from iprodash.services import audit, job_lifecycle, jobs
from iprodash.services.actor import TECHNICIAN, Actor
from iprodash.services.job_records import write_job
from iprodash.services.plan_access import require_writable

_LIST_FIELDS = {"number": 1, "client.name": 1, "address.city": 1, "status": 1,
                "scheduled_start": 1, "scheduled_end": 1, "job_type": 1}
LOOK_BACK = timedelta(days=7)
LOOK_AHEAD = timedelta(days=21)


@dataclass(frozen=True)
class TechJobRow:
    id: str
    number: int
    when: str
    client_first_name: str
    city: str
    status: str
    status_label: str
    job_type: str
    bucket: str  # "today", "upcoming" or "recent"


def require_technician(actor: Actor | None) -> Actor:
    if actor is None or actor.role != TECHNICIAN or actor.technician_id is None:
        raise PermissionDenied("This page is for technicians. Open the link your office sent.")
    return actor


def shows_commission(db: Database, company_id) -> bool:
    """The company setting that lets technicians see what they earn."""
    company = CompanyRepository(db).by_id(company_id) or {}
    return bool(company.get("show_tech_commission"))


def company_zone(db: Database, actor: Actor) -> ZoneInfo:
    return zone_of(CompanyRepository(db).by_id(actor.company_id) or {})


def format_window(start: datetime | None, end: datetime | None, zone: ZoneInfo) -> str:
    """"Mon Nov 23, 9:00 AM - 11:00 AM" in the company time zone."""
    if start is None:
        return "Not scheduled yet"
    local = start.astimezone(zone)
    text = local.strftime("%a %b %d, %I:%M %p").replace(" 0", " ")
    if end is not None:
        text += " - " + end.astimezone(zone).strftime("%I:%M %p").lstrip("0")
    return text


def my_jobs(db: Database, *, actor: Actor, now: datetime | None = None) -> list[TechJobRow]:
    """Today's, upcoming and recent jobs assigned to the caller, soonest first.

    "Today" is the company's day at ``now`` (default: the current instant).
    """
    actor = require_technician(actor)
    zone = company_zone(db, actor)
    now = now or utcnow()
    rows = JobRepository(db, actor.company_id).page_in_window(
        key=filter_key(technician=str(actor.technician_id)), field=SCHEDULED_START,
        start=now - LOOK_BACK, end=now + LOOK_AHEAD, after=None, limit=200, descending=False,
        projection=_LIST_FIELDS)
    today = local_today(zone, now)
    result = []
    for job in rows:
        day = job["scheduled_start"].astimezone(zone).date()
        bucket = "today" if day == today else ("upcoming" if day > today else "recent")
        result.append(TechJobRow(
            id=str(job["_id"]), number=job["number"],
            when=format_window(job.get("scheduled_start"), job.get("scheduled_end"), zone),
            client_first_name=(job.get("client", {}).get("name") or "").split(" ")[0],
            city=job.get("address", {}).get("city", ""), status=job["status"],
            status_label=status_label(job["status"]), job_type=job.get("job_type", ""),
            bucket=bucket))
    order = {"today": 0, "upcoming": 1, "recent": 2}
    return sorted(result, key=lambda r: order[r.bucket])


def load_my_job(db: Database, *, actor: Actor, job_id: str) -> dict:
    """The raw job document, only when it is assigned to the caller."""
    actor = require_technician(actor)
    job = JobRepository(db, actor.company_id).find_one(
        {"_id": to_object_id(job_id, "job"), "technician_id": actor.technician_id})
    if job is None:
        raise NotFound("That job is not assigned to you.")
    return job


def sent_back_reason(job: dict) -> str:
    """The office's reason while a job it sent back is in progress again, else ""."""
    history = job.get("status_history") or []
    if job.get("status") != IN_PROGRESS or not history:
        return ""
    last = history[-1]
    return last.get("reason", "") if is_send_back(last.get("from", ""), last.get("to", "")) else ""


def navigate_url(address: dict) -> str:
    """Google Maps directions to the job's address."""
    parts = [address.get(k, "") for k in ("line", "city", "state", "zip")]
    return ("https://www.google.com/maps/dir/?api=1&destination="
            + quote_plus(", ".join(p for p in parts if p)))


def job_view(db: Database, *, actor: Actor, job_id: str) -> dict:
    """Everything the technician's job page shows, ready for state."""
    job = load_my_job(db, actor=actor, job_id=job_id)
    client, address = job.get("client", {}), job.get("address", {})
    phone = client.get("phone", "")
    commission = ""
    if job.get("finance") and shows_commission(db, actor.company_id):
        commission = format_money(JobFinance.from_dict(job["finance"]).tech_commission)
    return {
        "id": str(job["_id"]), "number": job["number"], "status": job["status"],
        "status_label": status_label(job["status"]),
        "moves": [{"status": s, "label": TECHNICIAN_ACTIONS.get(s, status_label(s))}
                  for s in allowed_moves(job["status"], TECHNICIAN)],
        "when": format_window(job.get("scheduled_start"), job.get("scheduled_end"),
                              company_zone(db, actor)),
        "client_name": client.get("name", ""), "phone_display": display_phone(phone),
        "tel": f"tel:{phone}" if phone else "", "sms": f"sms:{phone}" if phone else "",
        "address": ", ".join(p for p in (address.get("line"), address.get("city"),
                                         address.get("state"), address.get("zip")) if p),
        "navigate": navigate_url(address) if address.get("line") else "",
        "job_type": job.get("job_type", ""), "description": job.get("description", ""),
        "notes": job.get("notes", ""),
        "payments": [{"method": label(PAYMENT_METHOD_LABELS, p["method"]),
                      "amount": format_money(p["amount_cents"]),
                      "by": label(COLLECTOR_LABELS, p["collected_by"]).lower()}
                     for p in job.get("payments", [])],
        "parts": [{"description": p["description"], "cost": format_money(p["cost_cents"]),
                   "by": label(COLLECTOR_LABELS, p["paid_by"]).lower()}
                  for p in job.get("parts", [])],
        "commission": commission, "sent_back": sent_back_reason(job),
        "tech_notes": [{"when": n["at"].astimezone(company_zone(db, actor)).strftime(
            "%b %d %I:%M %p"), "text": n["text"]} for n in job.get("tech_notes", [])],
    }


def add_my_payment(db: Database, *, actor: Actor, job_id: str, method: str, amount: str) -> None:
    """Record money the technician collected on their job."""
    require_writable(db, actor=require_technician(actor))
    job = load_my_job(db, actor=actor, job_id=job_id)
    payment = Payment(method=method, amount_cents=parse_money(amount), collected_by="technician")
    jobs.save_payments_and_parts(
        db, actor=actor, job_id=job_id,
        payments=[*[Payment.from_dict(p) for p in job.get("payments", [])], payment],
        parts=[Part.from_dict(p) for p in job.get("parts", [])])


def add_my_part(db: Database, *, actor: Actor, job_id: str, description: str, cost: str,
                paid_by: str) -> None:
    """Record a part used on the technician's job (paid by them or the company)."""
    require_writable(db, actor=require_technician(actor))
    job = load_my_job(db, actor=actor, job_id=job_id)
    part = Part(description=required_text(description, "Part", max_len=120),
                cost_cents=parse_money(cost, field="cost"), paid_by=paid_by)
    jobs.save_payments_and_parts(
        db, actor=actor, job_id=job_id,
        payments=[Payment.from_dict(p) for p in job.get("payments", [])],
        parts=[*[Part.from_dict(p) for p in job.get("parts", [])], part])


def add_my_note(db: Database, *, actor: Actor, job_id: str, text: str) -> None:
    """Append a technician note to the job (kept apart from the office notes)."""
    require_writable(db, actor=require_technician(actor))
    job = load_my_job(db, actor=actor, job_id=job_id)
    note = required_text(text, "Note", max_len=2000)
    notes = [*job.get("tech_notes", []), {"at": utcnow(), "by_name": actor.name, "text": note}]
    if len(notes) > 100:
        raise ValidationError("This job has too many notes; ask the office to tidy them up.")
    write_job(db, actor=actor, job=job, fields={"tech_notes": notes})
    audit.record(db, actor=actor, action="job.tech_note_added", target_type="job",
                 target_id=job["_id"], after={"note": note[:200]})


def move_my_job(db: Database, *, actor: Actor, job_id: str, target: str) -> list[str]:
    """En route, started or done (pending approval) on the technician's own job.

    Returns:
        Notices about side effects (e.g. why the client was not texted).
    """
    require_writable(db, actor=require_technician(actor))
    load_my_job(db, actor=actor, job_id=job_id)
    return job_lifecycle.change_status(db, actor=actor, job_id=job_id, target=target).notices
