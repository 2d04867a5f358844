"""Insert, update and (de)activate a company record with its audit entry.

Technicians, lead sources and clients are saved the same way: the service
checks the role, the plan and the form, then one of these writes the record
and records who changed what (never the derived ``search_keys``).
"""

from __future__ import annotations

from typing import Any

from pymongo.database import Database

from iprodash.repositories.base import TenantRepository, utcnow
from iprodash.services import audit
from iprodash.services.actor import Actor

_NOT_AUDITED = ("search_keys",)


def _audited(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if k not in _NOT_AUDITED}


def _label(kind: str) -> str:
    return kind.replace("_", " ")


def insert_audited(db: Database, *, actor: Actor, repo: TenantRepository, kind: str,
                   fields: dict[str, Any], defaults: dict[str, Any] | None = None) -> dict:
    """Insert ``defaults`` + ``fields`` with timestamps; audit ``<kind>.created``."""
    now = utcnow()
    new_id = repo.insert({**(defaults or {}), **fields, "created_at": now, "updated_at": now})
    audit.record(db, actor=actor, action=f"{kind}.created", target_type=kind,
                 target_id=new_id, after=_audited(fields))
    return repo.get(new_id, _label(kind))


def update_audited(db: Database, *, actor: Actor, repo: TenantRepository, kind: str,
                   before: dict, fields: dict[str, Any]) -> dict:
    """Set ``fields`` on the loaded ``before`` record; audit what really changed."""
    after = repo.set_fields(before["_id"], fields)
    old, new = audit.changed_fields(before, _audited(fields))
    if new:
        audit.record(db, actor=actor, action=f"{kind}.updated", target_type=kind,
                     target_id=before["_id"], before=old, after=new)
    return after


def set_active_audited(db: Database, *, actor: Actor, repo: TenantRepository, kind: str,
                       record_id: Any, active: bool) -> dict:
    """Deactivate (hidden from pickers, history kept) or reactivate a record."""
    before = repo.get(record_id, _label(kind))
    after = repo.set_fields(before["_id"], {"active": bool(active)})
    was = bool(before.get("active", True))
    if was != bool(active):
        audit.record(db, actor=actor,
                     action=f"{kind}.{'reactivated' if active else 'deactivated'}",
                     target_type=kind, target_id=before["_id"], before={"active": was},
                     after={"active": bool(active)})
    return after
