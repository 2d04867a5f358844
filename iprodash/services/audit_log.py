"""Reading the audit log (company-admin) and verifying its hash chain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from pymongo.database import Database

from iprodash.domain.errors import ValidationError
from iprodash.repositories.audit import AuditChain, AuditRepository
from iprodash.repositories.users import UserRepository
from iprodash.repositories.base import utcnow
from iprodash.services.actor import COMPANY_ADMIN, Actor, require_company_actor

PAGE_SIZE = 30


@dataclass(frozen=True)
class AuditRow:
    seq: int
    when: str
    who: str
    action: str
    target: str
    changes: str
    reason: str
    ip: str


def _describe(entry: dict) -> str:
    after = entry.get("after") or {}
    before = entry.get("before") or {}
    parts = [f"{k}: {before.get(k, '')!s} -> {v!s}" if k in before else f"{k}: {v!s}"
             for k, v in after.items()]
    return "; ".join(parts)[:300]


def _day(text: str, label: str) -> datetime | None:
    """A ``YYYY-MM-DD`` filter date as midnight UTC (None when empty)."""
    if not (text or "").strip():
        return None
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError as exc:
        raise ValidationError(f"Enter the {label} date as YYYY-MM-DD.", field=label) from exc


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
    return [AuditRow(seq=r["seq"], when=r["created_at"].strftime("%Y-%m-%d %H:%M:%S"),
                     who=r.get("actor_name", ""), action=r["action"],
                     target=f"{r.get('target_type', '')} {r.get('target_id') or ''}".strip(),
                     changes=_describe(r), reason=r.get("reason", ""), ip=r.get("ip", ""))
            for r in rows]


def verify_company_audit(db: Database, *, actor: Actor) -> str:
    """A sentence saying whether the company's chain is intact."""
    actor = require_company_actor(actor, COMPANY_ADMIN)
    ok, checked, problem = AuditChain(db).verify(actor.company_id)
    if ok:
        return f"The audit log is intact ({checked} entries checked)."
    return f"The audit log was tampered with: {problem} (after {checked} good entries)."


def audit_people(db: Database, *, actor: Actor) -> list[dict[str, str]]:
    """Company members to filter the log by (id and name), by name."""
    actor = require_company_actor(actor, COMPANY_ADMIN)
    rows = UserRepository(db, actor.company_id).page(status=None, after=None, limit=200)
    return [{"id": str(r["_id"]), "name": r["name"]} for r in rows]
