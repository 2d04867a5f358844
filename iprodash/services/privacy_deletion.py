"""Right to erasure: company deletion with a grace period, then a purge.

A company-admin asks, re-entering their password; the company turns
read-only for ``IPRODASH_DELETION_GRACE_DAYS`` and any admin can cancel.
When the grace period ends, the scheduler deletes every document and file
of the company and keeps only what docs/PRIVACY.md lists: an anonymous
company record, the audit chain with its personal content removed, and
billing events stripped of personal fields, for
``IPRODASH_DELETED_COMPANY_RECORD_YEARS``; then those go too.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pymongo.database import Database

from iprodash.domain.errors import Conflict, ValidationError
from iprodash.integrations import billing as stripe_billing
from iprodash.repositories.audit import REDACTION_ACTION
from iprodash.repositories.base import utcnow
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.company_data import CompanyData, DeletionSchedule
from iprodash.repositories.users import AccountLookup
from iprodash.services import audit
from iprodash.services.actor import COMPANY_ADMIN, Actor, require_company_actor
from iprodash.services.erasure_ledger import (COMPANY_PURGED, COMPANY_RECORD_DROPPED,
                                              record_erasure)
from iprodash.services.notifications import app_link, enqueue_email
from iprodash.services.passwords import check_password
from iprodash.settings import get_settings

log = logging.getLogger(__name__)
# Kept (anonymized) after a purge; everything else with the company_id goes.
# The erasure ledger holds ids only and must outlive every backup that predates it.
KEPT_AFTER_PURGE = {"audit_log", "billing_events", "erasure_ledger"}
_ENDED = {"canceled", "incomplete_expired"}
PERSONAL_KEYS = {"email", "name", "phone", "address", "ip", "customer_email", "customer_name",
                 "customer_phone", "customer_address", "billing_details", "shipping",
                 "receipt_email", "admin_email", "to", "from", "text", "subject", "html"}


@dataclass(frozen=True)
class DeletionStatus:
    pending: bool
    requested_at: str = ""
    requested_by: str = ""
    due_at: str = ""


def _status(company: dict | None) -> DeletionStatus:
    deletion = (company or {}).get("deletion")
    if not deletion:
        return DeletionStatus(pending=False)
    return DeletionStatus(pending=True, requested_by=deletion.get("requested_by_name", ""),
                          requested_at=deletion["requested_at"].strftime("%Y-%m-%d %H:%M UTC"),
                          due_at=deletion["due_at"].strftime("%Y-%m-%d %H:%M UTC"))


def deletion_status(db: Database, *, actor: Actor) -> DeletionStatus:
    actor = require_company_actor(actor)
    return _status(CompanyRepository(db).by_id(actor.company_id))


def require_not_pending_deletion(db: Database, company_id: Any) -> None:
    """Refuse writes while the company waits for deletion (it is read-only)."""
    status = _status(CompanyRepository(db).by_id(company_id))
    if status.pending:
        raise Conflict(f"This company is scheduled for deletion on {status.due_at} and is "
                       "read-only. A company admin can cancel the deletion.")


def _notify(db: Database, company: dict, kind: str, key: str, **values: str) -> None:
    enqueue_email(db, company_id=company["_id"], to=company["admin_email"], kind=kind,
                  idempotency_key=key, name="there", company=company["name"],
                  link=app_link("/privacy-center"), **values)


def request_company_deletion(db: Database, *, actor: Actor, password: str) -> DeletionStatus:
    """Schedule the company's deletion after the grace period (password re-entered)."""
    actor = require_company_actor(actor, COMPANY_ADMIN)
    user = AccountLookup(db).by_id(actor.user_id)
    if user is None or not check_password(password or "", user.get("password_hash")):
        raise ValidationError("Your password is not right.", field="password")
    now = utcnow()
    due = now + timedelta(days=get_settings().deletion_grace_days)
    company = DeletionSchedule(db).request(actor.company_id, {
        "requested_at": now, "requested_by": actor.user_id, "requested_by_name": actor.name,
        "due_at": due})
    if company is None:
        raise Conflict("The company's deletion is already scheduled.")
    audit.record(db, actor=actor, action="company.deletion_requested", target_type="company",
                 target_id=actor.company_id, after={"due_at": due})
    _notify(db, company, "company_deletion_requested",
            f"deletion:{actor.company_id}:{int(now.timestamp())}",
            due=due.strftime("%Y-%m-%d"), requested_by=actor.name)
    return _status(company)


def cancel_company_deletion(db: Database, *, actor: Actor) -> None:
    """Any company-admin may stop a scheduled deletion during the grace period."""
    actor = require_company_actor(actor, COMPANY_ADMIN)
    before = DeletionSchedule(db).cancel(actor.company_id)
    if before is None:
        raise Conflict("No deletion is scheduled for this company.")
    audit.record(db, actor=actor, action="company.deletion_cancelled", target_type="company",
                 target_id=actor.company_id, before={"due_at": before["deletion"]["due_at"]})
    _notify(db, before, "company_deletion_cancelled",
            f"deletion-cancel:{actor.company_id}:{int(utcnow().timestamp())}",
            cancelled_by=actor.name)


def scrub(value: Any) -> Any:
    """A copy of ``value`` without personal keys, at any depth."""
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items() if k not in PERSONAL_KEYS}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def seq_ranges(seqs: list[int]) -> list[list[int]]:
    """[1, 2, 3, 7] -> [[1, 3], [7, 7]]: compact proof of which entries were redacted."""
    ranges: list[list[int]] = []
    for seq in sorted(seqs):
        if ranges and seq == ranges[-1][1] + 1:
            ranges[-1][1] = seq
        else:
            ranges.append([seq, seq])
    return ranges


def record_redaction(db: Database, *, company_id: Any, seqs: list[int], reason: str) -> None:
    """Append the entry that vouches for redacted audit entries."""
    if seqs:
        audit.record(db, actor=None, action=REDACTION_ACTION, target_type="audit_log",
                     company_id=company_id, after={"seq_ranges": seq_ranges(seqs)},
                     reason=reason)


def _cancel_subscription(company: dict) -> None:
    """Stop Stripe charging a company that is being deleted (when billing is on)."""
    subscription_id = (company.get("billing") or {}).get("subscription_id")
    if not (get_settings().billing_enabled and subscription_id):
        return
    if stripe_billing.retrieve_subscription(subscription_id).get("status") in _ENDED:
        return
    stripe_billing.cancel_subscription(subscription_id)


def purge_company(db: Database, *, company_id: Any, ledger: bool = True) -> dict[str, int]:
    """Delete a company's data now, keeping only the anonymous records.

    Args:
        ledger: record the purge in the erasure ledger first (False when the
            restore replays that ledger).
    """
    data = CompanyData(db, company_id)
    company = data.company()
    if company is None or company.get("status") == "deleted":
        return {}
    if ledger:
        record_erasure(db, kind=COMPANY_PURGED, company_id=data.company_id,
                       record_id=data.company_id)
    _cancel_subscription(company)  # first: a failure leaves the data for the next run
    user_ids, emails = data.people()
    counts = {"files": data.delete_files()}
    for name in data.collections(skip=KEPT_AFTER_PURGE):
        counts[name] = data.delete_all(name)
    counts["traces"] = data.delete_unscoped_traces(user_ids, emails)
    if "billing_events" in db.list_collection_names():
        for event in list(data.stream("billing_events")):
            data.replace("billing_events", scrub(event))
    seqs = data.redact_audit(None, keep_actor=False)
    record_redaction(db, company_id=data.company_id, seqs=seqs, reason="company deleted")
    now = utcnow()
    years = get_settings().deleted_company_record_years
    deletion = company.get("deletion") or {}
    DeletionSchedule(db).leave_record(company, {
        "name": f"Deleted company {str(company['_id'])[-6:]}", "code": f"DEL{company['_id']}",
        "status": "deleted", "plan": company.get("plan", ""),
        "billing": {k: v for k, v in (company.get("billing") or {}).items()
                    if k in ("customer_id", "subscription_id", "price_id")},
        "created_at": company.get("created_at"), "deleted_at": now, "updated_at": now,
        "deletion": {"requested_at": deletion.get("requested_at"),
                     "due_at": deletion.get("due_at")},
        "records_until": now + timedelta(days=365 * years)})
    audit.record(db, actor=None, action="company.purged", target_type="company",
                 target_id=data.company_id, company_id=data.company_id,
                 after={k: v for k, v in counts.items() if v})
    return counts


def purge_due_companies(db: Database, *, now: datetime | None = None) -> dict[str, int]:
    """Scheduler task: purge companies whose grace period ended (one failure stops none)."""
    purged = failed = 0
    for company_id in DeletionSchedule(db).due(now or utcnow()):
        try:
            purge_company(db, company_id=company_id)
            purged += 1
        except Exception:  # noqa: BLE001 - the next company must still be purged
            log.exception("purging company %s failed", company_id)
            failed += 1
    return {"companies_purged": purged, "purges_failed": failed}


def forget_deleted_companies(db: Database, *, now: datetime | None = None) -> int:
    """Drop the anonymous records of companies deleted longer ago than the record period."""
    ended = DeletionSchedule(db).records_ended(now or utcnow())
    for company_id in ended:
        forget_company_record(db, company_id=company_id)
    return len(ended)


def forget_company_record(db: Database, *, company_id: Any, ledger: bool = True) -> None:
    """Drop one deleted company's anonymous record, billing events and audit chain."""
    data = CompanyData(db, company_id)
    if ledger:
        record_erasure(db, kind=COMPANY_RECORD_DROPPED, company_id=data.company_id,
                       record_id=data.company_id)
    entries = data.forget_audit_chain()
    data.delete_all("billing_events")
    DeletionSchedule(db).forget(data.company_id)
    audit.record(db, actor=None, action="retention.deleted_company_forgotten",
                 target_type="company", target_id=data.company_id, company_id=None,
                 after={"audit_entries": entries})
