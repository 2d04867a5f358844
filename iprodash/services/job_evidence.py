"""What the technician left on a job for the office to approve: photos, notes, a time line.

The time line merges the job's status history (every move, by anyone) with
the technician's own actions from the audit log (photo added, note added,
payments or parts recorded), oldest first, in the company's time zone:
"Eve: On my way", "Eve: Added photo (after)", "Eve: Job done". The audit
read is one indexed query on ``(company_id, target_type, target_id, seq)``.
Callers have already loaded the job through an access-checked service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from pymongo.database import Database

from iprodash.domain.job_status import (CANCELED, CLOSED, EN_ROUTE, IN_PROGRESS, NEW,
                                        PENDING_APPROVAL, SCHEDULED)
from iprodash.domain.money import format_money
from iprodash.repositories.audit import AuditRepository
from iprodash.repositories.photos import PhotoRepository

TIMELINE_AUDIT_READ = 200
_TECH_ACTIONS = {"job.photo_added": "Added photo", "job.tech_note_added": "Added a note",
                 "job.money_lines_updated": "Recorded payments and parts"}


@dataclass(frozen=True)
class JobEvidence:
    """Photos, technician notes and the time line, ready for state (plain strings)."""

    photos: list[dict]
    tech_notes: list[dict]
    timeline: list[dict]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _short(moment: datetime, zone: ZoneInfo) -> str:
    """"Mon Jun 2, 9:05 AM" in the company's zone."""
    local = _aware(moment).astimezone(zone)
    return f"{local:%a %b} {local.day}, " + f"{local:%I:%M %p}".lstrip("0")


def move_label(entry: dict) -> str:
    """What a status history entry means in the words of the job page."""
    old, new, reason = entry.get("from"), entry.get("to"), (entry.get("reason") or "").strip()
    if old is None:
        return "Booked the job"
    label = {
        EN_ROUTE: "On my way",
        IN_PROGRESS: "Sent back to the technician" if old == PENDING_APPROVAL else "Started",
        PENDING_APPROVAL: "Reopened" if old == CLOSED else "Job done",
        CLOSED: "Approved and closed" if old == PENDING_APPROVAL else "Closed",
        CANCELED: "Canceled", NEW: "Restored", SCHEDULED: "Scheduled",
    }.get(new, str(new))
    return f"{label}: {reason}" if reason else label


def _tech_action_label(entry: dict) -> str:
    label = _TECH_ACTIONS[entry["action"]]
    after = entry.get("after") or {}
    if entry["action"] == "job.photo_added" and after.get("kind"):
        return f"{label} ({after['kind']})"
    if entry["action"] == "job.money_lines_updated" and isinstance(after.get("payments"), list):
        total = sum(int(p.get("amount_cents") or 0) for p in after["payments"]
                    if isinstance(p, dict))
        return f"Recorded payments ({format_money(total)} in all)"
    return label


def _timeline(db: Database, job: dict, zone: ZoneInfo) -> list[dict]:
    events: list[tuple[datetime, str]] = []
    for entry in job.get("status_history") or []:
        if entry.get("at") is not None:
            events.append((_aware(entry["at"]), f"{entry.get('by_name') or 'Someone'}: "
                                                f"{move_label(entry)}"))
    audit = AuditRepository(db, job["company_id"]).page(
        action=None, actor_id=None, before_seq=None, since=None, limit=TIMELINE_AUDIT_READ,
        target_type="job", target_id=str(job["_id"]))
    for entry in audit:
        if entry.get("actor_role") == "technician" and entry.get("action") in _TECH_ACTIONS:
            events.append((_aware(entry["created_at"]),
                           f"{entry.get('actor_name') or 'Technician'}: "
                           f"{_tech_action_label(entry)}"))
    events.sort(key=lambda event: event[0])
    return [{"when": _short(moment, zone), "text": text} for moment, text in events]


def job_evidence(db: Database, *, job: dict, zone: ZoneInfo) -> JobEvidence:
    """The photos (ids for the access-checked ``/api/photos/<id>`` route), notes and time line.

    Args:
        db: The database.
        job: The job document, already loaded for a caller allowed to see it.
        zone: The company's time zone.
    """
    photos = [{"id": str(f["_id"]), "kind": (f.get("metadata") or {}).get("kind", "other"),
               "when": _short(f["uploadDate"], zone)}
              for f in PhotoRepository(db, job["company_id"]).for_job(job["_id"])]
    notes = [{"when": _short(n["at"], zone), "who": n.get("by_name", ""), "text": n["text"]}
             for n in job.get("tech_notes") or [] if n.get("at") is not None]
    return JobEvidence(photos=photos, tech_notes=notes, timeline=_timeline(db, job, zone))
