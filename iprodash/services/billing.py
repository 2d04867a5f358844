"""Subscriptions: the plans, the billing page, Stripe Checkout and the billing portal.

Stripe hosts every payment page; this module only opens them for the
company-admin and reads back what Stripe says (see
:mod:`iprodash.services.billing_webhooks` for the webhooks). Without Stripe
keys billing is off and nothing here pretends a payment happened.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from pymongo.database import Database

from iprodash.domain.errors import Conflict, NotFound, ValidationError
from iprodash.domain.money import format_money
from iprodash.integrations import billing as stripe_api
from iprodash.repositories.base import utcnow
from iprodash.repositories.billing_events import CompanyBilling
from iprodash.repositories.companies import CompanyRepository
from iprodash.services import audit
from iprodash.services.actor import COMPANY_ADMIN, Actor, require_company_actor
from iprodash.services.notifications import app_link
from iprodash.services.plan_access import LIVE_SUBSCRIPTION, access_for, format_day
from iprodash.settings import get_settings

log = logging.getLogger(__name__)
# The same path as state.routes.BILLING (services never import the UI).
BILLING_PAGE = "/billing"
# Stripe refuses a Checkout trial that ends sooner than this.
_MIN_CHECKOUT_TRIAL = timedelta(hours=49)


@dataclass(frozen=True)
class Plan:
    price_id: str
    name: str
    monthly_cents: int

    @property
    def price_text(self) -> str:
        return f"{format_money(self.monthly_cents)} / month"


@dataclass(frozen=True)
class BillingOverview:
    """What the billing page shows."""

    enabled: bool
    plan_name: str = ""
    status_label: str = ""
    date_text: str = ""
    notice: str = ""
    has_subscription: bool = False
    can_manage: bool = False
    plans: list[Plan] = field(default_factory=list)


def available_plans() -> list[Plan]:
    """The plans from ``IPRODASH_PLANS`` ("price_id:Name:cents", comma-separated)."""
    plans = []
    for entry in get_settings().billing_plans:
        price_id, _, rest = entry.partition(":")
        name, _, cents = rest.rpartition(":")
        if not (price_id and name and cents.isdigit()):
            log.error("IPRODASH_PLANS entry %r is not price_id:Name:cents; skipped.", entry)
            continue
        plans.append(Plan(price_id=price_id.strip(), name=name.strip(), monthly_cents=int(cents)))
    return plans


def plan_name(price_id: str) -> str:
    """The display name of a Stripe price (the id itself when it is not in the settings)."""
    return next((p.name for p in available_plans() if p.price_id == price_id), price_id)


def has_live_subscription(billing: dict) -> bool:
    return bool(billing.get("subscription_id")) and billing.get("status") in LIVE_SUBSCRIPTION


def _admin_company(db: Database, actor: Actor) -> tuple[Actor, dict]:
    actor = require_company_actor(actor, COMPANY_ADMIN)
    company = CompanyRepository(db).by_id(actor.company_id)
    if company is None:
        raise NotFound("Your company no longer exists.")
    return actor, company


def _require_billing() -> None:
    if not get_settings().billing_enabled:
        raise Conflict("Billing is not configured on this server.")


def _when(value: datetime | None) -> str:
    return format_day(value) if value else ""


def _date_text(billing: dict, until: datetime | None) -> str:
    status = billing.get("status") or "trialing"
    if not billing.get("subscription_id"):
        return f"Free trial ends on {_when(until)}" if until else ""
    if status in ("past_due", "incomplete") and until:
        return f"Full access until {_when(until)}"
    if status == "trialing" and billing.get("trial_ends_at"):
        return f"Trial ends on {_when(billing['trial_ends_at'])}, then the plan starts"
    if status in ("trialing", "active") and billing.get("current_period_end"):
        verb = "Ends" if billing.get("cancel_at_period_end") else "Renews"
        return f"{verb} on {_when(billing['current_period_end'])}"
    return ""


def billing_overview(db: Database, *, actor: Actor) -> BillingOverview:
    """The company's plan, status and next date, for its admin."""
    actor, company = _admin_company(db, actor)
    if not get_settings().billing_enabled:
        return BillingOverview(enabled=False)
    billing = company.get("billing") or {}
    access = access_for(company)
    live = has_live_subscription(billing)
    name = plan_name(billing.get("price_id", "")) if billing.get("subscription_id") else ""
    return BillingOverview(
        enabled=True, plan_name=name or "Free trial", status_label=access.label,
        date_text=_date_text(billing, access.until),
        notice=access.message(is_admin=True), has_subscription=live,
        can_manage=bool(billing.get("customer_id")), plans=available_plans())


def _customer_for(db: Database, actor: Actor, company: dict) -> str:
    """The company's Stripe customer, created the first time and reused after."""
    existing = (company.get("billing") or {}).get("customer_id")
    if existing:
        return existing
    created = stripe_api.create_customer(company_id=str(company["_id"]), name=company["name"],
                                         email=company.get("admin_email", ""))
    stored = CompanyBilling(db).link_customer(company["_id"], created)
    if stored == created:
        audit.record(db, actor=actor, action="billing.customer_created", target_type="company",
                     target_id=company["_id"], after={"customer_id": created})
    return stored


def _checkout_trial_end(company: dict) -> int | None:
    """The rest of the free trial, carried into the subscription when Stripe allows."""
    access = access_for(company)
    if access.status != "trialing" or access.until is None:
        return None
    if access.until - utcnow() < _MIN_CHECKOUT_TRIAL:
        return None
    return int(access.until.astimezone(timezone.utc).timestamp())


def start_checkout(db: Database, *, actor: Actor, price_id: str) -> str:
    """Open a Stripe Checkout Session for ``price_id``; returns its URL.

    Raises:
        Conflict: billing is off, or the company already has a live
            subscription (plan changes and cancellations go through the portal).
        ValidationError: ``price_id`` is not one of the configured plans.
    """
    actor, company = _admin_company(db, actor)
    _require_billing()
    plan = next((p for p in available_plans() if p.price_id == price_id), None)
    if plan is None:
        raise ValidationError("Choose one of the plans.", field="price_id")
    if has_live_subscription(company.get("billing") or {}):
        raise Conflict("Your company already has a subscription. Use Manage billing to "
                       "change the plan or cancel.")
    customer_id = _customer_for(db, actor, company)
    url = stripe_api.create_checkout_session(
        customer_id=customer_id, price_id=plan.price_id, company_id=str(company["_id"]),
        success_url=app_link(f"{BILLING_PAGE}?checkout=success"),
        cancel_url=app_link(f"{BILLING_PAGE}?checkout=canceled"),
        trial_end=_checkout_trial_end(company))
    audit.record(db, actor=actor, action="billing.checkout_started", target_type="company",
                 target_id=company["_id"], after={"price_id": plan.price_id})
    return url


def open_portal(db: Database, *, actor: Actor) -> str:
    """Open the Stripe billing portal (cards, invoices, plan, cancel); returns its URL."""
    actor, company = _admin_company(db, actor)
    _require_billing()
    customer_id = (company.get("billing") or {}).get("customer_id")
    if not customer_id:
        raise Conflict("Subscribe to a plan first; Manage billing opens after that.")
    url = stripe_api.create_portal_session(customer_id=customer_id,
                                           return_url=app_link(BILLING_PAGE))
    audit.record(db, actor=actor, action="billing.portal_opened", target_type="company",
                 target_id=company["_id"])
    return url
