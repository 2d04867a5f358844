"""Write audit entries for every change of company data and admin action."""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from pymongo.database import Database

from iprodash.repositories.audit import AuditChain
from iprodash.services.actor import Actor

_SECRET_FIELDS = {"password_hash", "token_hash", "secret", "api_key_hash"}


def _clean(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {k: v for k, v in values.items() if k not in _SECRET_FIELDS}


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """The before/after values of just the fields that differ."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def record(db: Database, *, actor: Actor | None, action: str, target_type: str,
           target_id: Any = None, company_id: ObjectId | None = None,
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
           reason: str = "", ip: str = "") -> None:
    """Append one audit entry.

    Args:
        db: the database.
        actor: who did it (None for the system or an anonymous sign-up).
        action: dotted verb, e.g. ``company.approve``.
        target_type: kind of record changed.
        target_id: its id.
        company_id: the company whose chain gets the entry (defaults to the actor's).
        before: changed fields before.
        after: changed fields after.
        reason: free text given by the actor.
        ip: caller address when there is no actor.
    """
    company = company_id if company_id is not None else (actor.company_id if actor else None)
    AuditChain(db).append(company_id=company, entry={
        "actor_id": actor.user_id if actor else None,
        "actor_name": actor.name if actor else "system",
        "actor_role": actor.role if actor else "system",
        "action": action, "target_type": target_type,
        "target_id": str(target_id) if target_id is not None else None,
        "before": _clean(before), "after": _clean(after), "reason": reason,
        "ip": (actor.ip if actor else "") or ip,
    })
