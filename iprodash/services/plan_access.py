"""Access by plan status: who may change company data, and the banner to show.

Trialing and active: everything. Past due: everything, with a banner, until
the grace period ends. Canceled, unpaid, paused, a free trial that ended, or
past due beyond the grace: read-only for company data (exports and the
billing page still work; nothing is deleted). Without Stripe keys billing is
off and every approved company is active.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pymongo.database import Database

from iprodash.domain.errors import PermissionDenied
from iprodash.repositories.base import utcnow
from iprodash.domain.statuses import BILLING_STATUS_LABELS
from iprodash.repositories.companies import CompanyRepository
from iprodash.services.actor import COMPANY_ADMIN, Actor
from iprodash.services.privacy_deletion import require_not_pending_deletion
from iprodash.settings import get_settings

STATUS_LABELS = BILLING_STATUS_LABELS
# status -> (what happened, what an admin does, what other staff do)
_READ_ONLY = {
    "canceled": ("Your subscription is canceled", "Open Billing to subscribe again.",
                 "Ask your company admin to subscribe again."),
    "unpaid": ("Your subscription is unpaid", "Open Billing to update your payment method.",
               "Ask your company admin to update the payment method."),
    "paused": ("Your subscription is paused", "Open Billing to resume it.",
               "Ask your company admin to resume it."),
    "trial_ended": ("Your free trial has ended", "Open Billing to choose a plan.",
                    "Ask your company admin to choose a plan."),
    "past_due": ("Your payment is past due and the grace period has ended",
                 "Open Billing to update your payment method.",
                 "Ask your company admin to update the payment method."),
}
# Stripe statuses whose subscription still runs (a second one must not be bought).
LIVE_SUBSCRIPTION = {"trialing", "active", "past_due", "incomplete", "unpaid", "paused"}


@dataclass(frozen=True)
class PlanAccess:
    """What a company may do now, and why not when it may not."""

    status: str
    writable: bool
    billing_enabled: bool = True
    until: datetime | None = None  # trial end or end of the grace period
    reason: str = ""  # e.g. "Your subscription is canceled"; empty when writable

    @property
    def label(self) -> str:
        if not self.billing_enabled:
            return "Active (billing off)"
        return STATUS_LABELS.get(self.status, self.status.replace("_", " ").capitalize())

    def message(self, *, is_admin: bool) -> str:
        """The read-only sentence, or the banner of a company that still has access."""
        if not self.writable:
            _, admin_step, staff_step = _READ_ONLY.get(self.status, _READ_ONLY["canceled"])
            return f"{self.reason}: the account is read-only. " + (
                admin_step if is_admin else staff_step)
        if self.status in ("past_due", "incomplete") and self.until:
            if is_admin:
                return ("Your last payment failed. Update your payment method in Billing by "
                        f"{format_day(self.until)} to keep full access.")
            return ("Your company's last payment failed. Ask your company admin to update the "
                    f"payment method by {format_day(self.until)} to keep full access.")
        if self.status == "trialing" and self.until and is_admin:
            return (f"Your free trial ends on {format_day(self.until)}. "
                    "Open Billing to choose a plan.")
        return ""


def format_day(moment: datetime) -> str:
    """A date as people write it: "Mar 5, 2026"."""
    return f"{moment:%b} {moment.day}, {moment.year}"


def trial_start_fields(now: datetime | None = None) -> dict[str, Any]:
    """The company fields that start the free trial (set when a company is approved)."""
    ends = (now or utcnow()) + timedelta(days=get_settings().trial_days)
    return {"billing.status": "trialing", "billing.trial_ends_at": ends}


def _read_only(status: str) -> PlanAccess:
    reason = _READ_ONLY.get(status, _READ_ONLY["canceled"])[0]
    return PlanAccess(status=status, writable=False, reason=reason)


def access_for(company: dict, *, now: datetime | None = None) -> PlanAccess:
    """The access a company has now, from its stored billing record."""
    settings = get_settings()
    if not settings.billing_enabled:
        return PlanAccess(status="active", writable=True, billing_enabled=False)
    now = now or utcnow()
    billing = company.get("billing") or {}
    status = billing.get("status") or "trialing"
    if status == "trialing" and not billing.get("subscription_id"):
        # Our own free trial; companies approved before billing existed count from sign-up.
        ends = billing.get("trial_ends_at") or (
            company["created_at"] + timedelta(days=settings.trial_days))
        if now >= ends:
            return _read_only("trial_ended")
        return PlanAccess(status="trialing", writable=True, until=ends)
    if status in ("trialing", "active"):
        return PlanAccess(status=status, writable=True)
    if status in ("past_due", "incomplete"):
        since = billing.get("past_due_since") or now
        deadline = since + timedelta(days=settings.past_due_grace_days)
        if now >= deadline:
            return _read_only("past_due")
        return PlanAccess(status=status, writable=True, until=deadline)
    return _read_only(status)  # canceled, unpaid, paused; unknown ones fail closed


def _company_access(db: Database, actor: Actor | None) -> PlanAccess | None:
    if actor is None:
        raise PermissionDenied("Please log in to continue.")
    if actor.company_id is None:
        raise PermissionDenied("This page is for company staff.")
    if not get_settings().billing_enabled:
        return None
    company = CompanyRepository(db).by_id(actor.company_id)
    if company is None:
        raise PermissionDenied("Your company no longer exists.")
    return access_for(company)


def require_writable(db: Database, *, actor: Actor) -> None:
    """Refuse a change of company data while the plan makes the account read-only.

    Raises:
        PermissionDenied: with the sentence that says why and what to do.
    """
    access = _company_access(db, actor)
    if access is not None and not access.writable:
        raise PermissionDenied(access.message(is_admin=actor.role == COMPANY_ADMIN))
    require_not_pending_deletion(db, actor.company_id)  # read-only during the deletion grace


def plan_banner(db: Database, *, actor: Actor) -> str:
    """The sentence the signed-in frame shows (empty when all is well)."""
    access = _company_access(db, actor)
    return access.message(is_admin=actor.role == COMPANY_ADMIN) if access else ""
