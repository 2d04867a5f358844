"""The operator console: approve, reject, suspend and reactivate companies.

The operator sees companies, their status, plan and user count and the
platform totals, never a company's jobs or clients.
"""

from __future__ import annotations

from dataclasses import dataclass

from pymongo.database import Database

from iprodash.domain.errors import Conflict, NotFound, ValidationError
from iprodash.domain.messages import MESSAGE_KIND_LABELS
from iprodash.domain.statuses import PLAN_LABELS
from iprodash.domain.words import label
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.outbox import OutboxRepository
from iprodash.repositories.users import AccountLookup
from iprodash.services import audit
from iprodash.services.actor import OPERATOR, Actor, require_role
from iprodash.services.notifications import app_link, enqueue_email
from iprodash.services.plan_access import access_for, trial_start_fields

PAGE_SIZE = 25

# action -> (statuses it may start from, new status, email kind, reason required)
_TRANSITIONS = {
    "approve": (["pending"], "active", "company_approved", False),
    "reject": (["pending", "unconfirmed"], "rejected", "company_rejected", True),
    "suspend": (["active"], "suspended", "company_suspended", True),
    "reactivate": (["suspended", "rejected"], "active", "company_reactivated", False),
}


@dataclass(frozen=True)
class CompanyRow:
    id: str
    name: str
    code: str
    status: str
    plan: str
    admin_email: str
    users: int
    created: str
    billing: str = ""  # plan status: Free trial, Active, Past due, Canceled...


def _plan(company: dict) -> str:
    """The plan in words: a subscribed plan's own name, else its code's label."""
    code = company.get("plan", "trial")
    return PLAN_LABELS.get(code, code)


def list_companies(db: Database, *, actor: Actor, status: str = "",
                   after_id: str = "") -> list[CompanyRow]:
    """One page of companies, newest first."""
    require_role(actor, OPERATOR)
    rows = CompanyRepository(db).page(status=status or None, after_id=after_id or None,
                                      limit=PAGE_SIZE)
    counts = AccountLookup(db).count_for_companies([row["_id"] for row in rows])
    return [CompanyRow(id=str(r["_id"]), name=r["name"], code=r["code"], status=r["status"],
                       plan=_plan(r), admin_email=r.get("admin_email", ""),
                       users=counts.get(r["_id"], 0),
                       created=r["created_at"].strftime("%Y-%m-%d"),
                       billing=access_for(r).label) for r in rows]


def platform_totals(db: Database, *, actor: Actor) -> dict[str, int]:
    """Company counts by status (aggregated, de-identified)."""
    require_role(actor, OPERATOR)
    return CompanyRepository(db).count_by_status()


def change_company_status(db: Database, *, actor: Actor, company_id: str, action: str,
                          reason: str = "") -> str:
    """Apply an operator action; returns the new status."""
    require_role(actor, OPERATOR)
    if action not in _TRANSITIONS:
        raise ValidationError("Unknown action.")
    allowed_from, new_status, email_kind, needs_reason = _TRANSITIONS[action]
    reason = (reason or "").strip()[:500]
    if needs_reason and not reason:
        raise ValidationError(f"Give a reason to {action} a company.", field="reason")
    companies = CompanyRepository(db)
    before = companies.by_id(company_id)
    if before is None:
        raise NotFound("That company does not exist.")
    first_approval = action == "approve" or (before["status"] == "rejected"
                                             and not before.get("billing"))
    trial = trial_start_fields() if first_approval else {}
    after = companies.set_status_if(company_id, allowed_from=allowed_from,
                                    fields={"status": new_status, **trial})
    if after is None:
        raise Conflict(f"A company that is {before['status']} cannot be {action}d.")
    audit.record(db, actor=actor, action=f"company.{action}", target_type="company",
                 target_id=company_id, company_id=after["_id"], reason=reason,
                 before={"status": before["status"]}, after={"status": new_status})
    admin = AccountLookup(db).by_email(after["admin_email"])
    enqueue_email(db, company_id=after["_id"], to=after["admin_email"], kind=email_kind,
                  idempotency_key=f"company:{company_id}:{action}:{audit_seq_hint(before)}",
                  name=admin["name"] if admin else "there", company=after["name"],
                  reason=reason or "-", link=app_link("/login"))
    return new_status


def audit_seq_hint(company: dict) -> str:
    """Distinguishes repeated actions (suspend, reactivate, suspend again)."""
    updated = company.get("updated_at") or company["created_at"]
    return str(int(updated.timestamp() * 1000))


def list_outbox(db: Database, *, actor: Actor, before_id: str = "") -> list[dict]:
    """The operator's view of every company's emails: who, subject, kind,
    status and time, never a body (bodies carry sign-in links and company data)."""
    require_role(actor, OPERATOR)
    rows = OutboxRepository(db).page_emails(before_id=before_id or None, limit=PAGE_SIZE)
    return [{"id": str(r["_id"]), "channel": r["channel"], "to": r["to"],
             "subject": r.get("subject", ""), "kind": r.get("kind", ""),
             "kind_label": label(MESSAGE_KIND_LABELS, r.get("kind", "")),
             "status": r["status"], "created": r["created_at"].strftime("%Y-%m-%d %H:%M")}
            for r in rows]
