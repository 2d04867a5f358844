"""Reading the audit log (company-admin) and verifying its hash chain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from bson import ObjectId
from pymongo.database import Database

from iprodash.domain.audit_words import TARGET_LABELS, action_label
from iprodash.domain.dates import parse_day
from iprodash.domain.phones import display_phone
from iprodash.domain.words import label, pluralize
from iprodash.repositories.audit import AuditChain, AuditRepository
from iprodash.repositories.base import utcnow
from iprodash.repositories.lead_sources import LeadSourceRepository
from iprodash.repositories.technicians import TechnicianRepository
from iprodash.repositories.users import UserRepository
from iprodash.services.actor import COMPANY_ADMIN, Actor, require_company_actor
from iprodash.services.audit_changes import describe_changes, ids_in
from iprodash.services.company_time import company_zone

PAGE_SIZE = 30
_NAMED_TARGETS = {"technician", "lead_source", "user"}


@dataclass(frozen=True)
class AuditRow:
    seq: int
    when: str
    who: str
    action: str
    action_label: str
    target: str
    changes: str
    reason: str
    ip: str


def _names(db: Database, company_id, entries: list[dict]) -> dict[str, str]:
    """Names of the technicians, lead sources and users a page of entries points at."""
    wanted = set()
    for entry in entries:
        wanted |= ids_in(entry.get("before")) | ids_in(entry.get("after"))
        if entry.get("target_type") in _NAMED_TARGETS and entry.get("target_id"):
            wanted.add(str(entry["target_id"]))
    ids = [ObjectId(i) for i in wanted if ObjectId.is_valid(i)]
    if not ids:
        return {}
    found: dict = {}
    for repo in (TechnicianRepository(db, company_id), LeadSourceRepository(db, company_id)):
        found |= {key: doc.get("name", "") for key, doc in repo.by_ids(ids).items()}
    found |= UserRepository(db, company_id).names_by_ids(ids)
    return {str(key): name for key, name in found.items() if name}


def _target(entry: dict, names: dict[str, str]) -> str:
    """ "Technician Eve Flowtest", "Job 65f0…" (the id stays: the target filter takes it)."""
    kind = label(TARGET_LABELS, entry.get("target_type", ""))
    target_id = str(entry.get("target_id") or "")
    if entry.get("target_type") == "phone":
        target_id = display_phone(target_id)
    return f"{kind} {names.get(target_id, target_id)}".strip()


def _row(entry: dict, names: dict[str, str], zone: ZoneInfo | None = None) -> AuditRow:
    return AuditRow(seq=entry["seq"], when=entry["created_at"].strftime("%Y-%m-%d %H:%M:%S"),
                    who=entry.get("actor_name", "") or "System",
                    action=entry["action"], action_label=action_label(entry["action"]),
                    target=_target(entry, names),
                    changes=describe_changes(action=entry["action"], before=entry.get("before"),
                                             after=entry.get("after"), names=names,
                                             zone=zone),
                    reason=entry.get("reason", ""), ip=entry.get("ip", ""))


def _day(text: str, label: str) -> datetime | None:
    """A ``YYYY-MM-DD`` filter date as midnight UTC (None when empty)."""
    if not (text or "").strip():
        return None
    day = parse_day(text, message=f"Enter the {label} date as YYYY-MM-DD.", field=label)
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)


def list_audit(db: Database, *, actor: Actor, action: str = "", actor_id: str = "",
               days: int = 0, before_seq: int = 0, target_type: str = "", target_id: str = "",
               date_from: str = "", date_to: str = "") -> list[AuditRow]:
    """One page of the company's audit log, newest first, filtered by who
    (``actor_id``), what (``action``, or a group such as ``user.``), when
    (last ``days``, or ``date_from`` to ``date_to`` inclusive, UTC) and
    target (``target_type`` and ``target_id``)."""
    actor = require_company_actor(actor, COMPANY_ADMIN)
    since = utcnow() - timedelta(days=days) if days > 0 else None
    since = max(filter(None, [since, _day(date_from, "from")]), default=None)
    until = _day(date_to, "to")
    rows = AuditRepository(db, actor.company_id).page(
        action=action.strip()[:80] or None, actor_id=actor_id or None,
        before_seq=before_seq or None, since=since, limit=PAGE_SIZE,
        until=until + timedelta(days=1) if until else None,
        target_type=target_type.strip()[:40] or None, target_id=target_id.strip()[:64] or None)
    names = _names(db, actor.company_id, rows)
    zone = company_zone(db, actor.company_id) if any(_has_time(r) for r in rows) else None
    return [_row(r, names, zone) for r in rows]


def _has_time(entry: dict) -> bool:
    """Whether an entry's changes hold a time (only then is the company's zone read)."""
    def times(values) -> bool:
        return any(isinstance(v, datetime) or (isinstance(v, dict) and times(v))
                   or (isinstance(v, list) and any(isinstance(i, datetime) for i in v))
                   for v in (values or {}).values())
    return times(entry.get("before")) or times(entry.get("after"))


def verify_company_audit(db: Database, *, actor: Actor) -> str:
    """A sentence saying whether the company's chain is intact."""
    actor = require_company_actor(actor, COMPANY_ADMIN)
    ok, checked, problem = AuditChain(db).verify(actor.company_id)
    if ok:
        return f"The audit log is intact ({pluralize(checked, 'entry')} checked)."
    return (f"The audit log was tampered with: {problem} "
            f"(after {pluralize(checked, 'good entry', 'good entries')}).")


def audit_people(db: Database, *, actor: Actor) -> list[dict[str, str]]:
    """Company members to filter the log by (id and name), by name."""
    actor = require_company_actor(actor, COMPANY_ADMIN)
    rows = UserRepository(db, actor.company_id).page(status=None, after=None, limit=200)
    return [{"id": str(r["_id"]), "name": r["name"]} for r in rows]
