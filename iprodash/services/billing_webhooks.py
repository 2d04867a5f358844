"""Stripe webhooks: verified, processed once, and never moving a company back in time.

Each event is claimed by its id under a unique index, so a duplicate
delivery (even a concurrent one) does nothing. The subscription an event
names is re-read from Stripe, and the write carries the event's time, so an
older event that arrives late cannot replace a newer state. Every change is
audited; a failed payment emails the company's admin.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from pymongo.database import Database

from iprodash.domain.errors import NotFound
from iprodash.integrations import billing as stripe_api
from iprodash.repositories.billing_events import BillingEventRepository, CompanyBilling
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.users import AccountLookup
from iprodash.services import audit
from iprodash.services.billing import BILLING_PAGE, plan_name
from iprodash.services.notifications import app_link, enqueue_email
from iprodash.services.plan_access import LIVE_SUBSCRIPTION
from iprodash.settings import get_settings

log = logging.getLogger(__name__)
HANDLED = {"checkout.session.completed", "customer.subscription.created",
           "customer.subscription.updated", "customer.subscription.deleted",
           "invoice.paid", "invoice.payment_failed"}
_GRACE_STATUSES = ("past_due", "incomplete")
_AUDITED = ("status", "price_id", "subscription_id", "current_period_end",
            "cancel_at_period_end", "trial_ends_at")


def process_webhook(db: Database, *, raw_body: bytes, signature: str | None) -> str:
    """Verify one delivery and apply it once; returns what it did.

    Raises:
        NotFound: billing is not configured on this server.
        InvalidWebhook: the signature, timestamp or body is not valid.
        BillingUnavailable: Stripe could not be asked; the event stays
            unprocessed so Stripe's retry applies it.
    """
    if not get_settings().billing_enabled:
        raise NotFound("Billing is not configured on this server.")
    event = stripe_api.verify_event(raw_body, signature)
    events = BillingEventRepository(db)
    if not events.claim(event_id=event["id"], event_type=event["type"],
                        created=int(event["created"])):
        return "duplicate"
    try:
        company_id, outcome = _apply(db, event)
    except Exception as exc:
        events.settle(event["id"], status="failed", outcome=str(exc), company_id=None)
        raise
    events.settle(event["id"], status="processed", outcome=outcome, company_id=company_id)
    return outcome


def _apply(db: Database, event: dict[str, Any]) -> tuple[Any, str]:
    kind, obj = event["type"], event["data"]["object"]
    if kind not in HANDLED:
        return None, "ignored: not a billing event"
    billing = CompanyBilling(db)
    if kind == "checkout.session.completed":
        company = _checkout_company(db, obj)
        subscription_id = _id_of(obj.get("subscription"))
    elif kind.startswith("customer.subscription."):
        company = billing.by_customer(_id_of(obj.get("customer")))
        subscription_id = obj.get("id")
    else:
        company = billing.by_customer(_id_of(obj.get("customer")))
        subscription_id = _invoice_subscription(obj)
    if company is None:
        return None, "ignored: no company has this Stripe customer"
    if not subscription_id:
        return company["_id"], "ignored: no subscription"
    subscription = stripe_api.retrieve_subscription(subscription_id)
    outcome = _sync(db, company, subscription, event)
    if kind == "invoice.payment_failed" and subscription.get("status") in (
            *_GRACE_STATUSES, "unpaid"):
        _email_payment_failed(db, company, subscription, event["id"])
        outcome += "; admin emailed"
    return company["_id"], outcome


def _checkout_company(db: Database, session: dict) -> dict | None:
    """The company a completed Checkout belongs to (``client_reference_id``)."""
    try:
        company = CompanyRepository(db).by_id(session.get("client_reference_id") or "")
    except NotFound:
        return None
    customer_id = _id_of(session.get("customer"))
    if company is not None and customer_id:
        CompanyBilling(db).link_customer(company["_id"], customer_id)
        company = CompanyRepository(db).by_id(company["_id"])
    return company


def _sync(db: Database, company: dict, subscription: dict, event: dict) -> str:
    """Store the subscription as Stripe has it now, unless a newer event already did."""
    before = company.get("billing") or {}
    current_id = before.get("subscription_id")
    status = subscription["status"]
    if current_id and current_id != subscription["id"] and status not in LIVE_SUBSCRIPTION:
        return "ignored: an ended older subscription"
    fields = _subscription_fields(subscription)
    unset = []
    if status in _GRACE_STATUSES:
        if before.get("status") not in _GRACE_STATUSES or not before.get("past_due_since"):
            fields["billing.past_due_since"] = _when(event["created"])
    else:
        unset.append("billing.past_due_since")
    after = CompanyBilling(db).apply_if_newer(company["_id"], event_created=int(event["created"]),
                                              fields=fields, unset=unset)
    if after is None:
        return "ignored: a newer event was already applied"
    old, new = audit.changed_fields({k: before.get(k) for k in _AUDITED},
                                    {k: (after.get("billing") or {}).get(k) for k in _AUDITED})
    if not new:
        return f"unchanged ({status})"
    audit.record(db, actor=None, action="billing.subscription_changed", target_type="company",
                 target_id=company["_id"], company_id=company["_id"], before=old, after=new,
                 reason=f"Stripe {event['type']} {event['id']}")
    return f"status {before.get('status') or 'none'} -> {status}"


def _subscription_fields(subscription: dict) -> dict[str, Any]:
    items = (subscription.get("items") or {}).get("data") or [{}]
    price_id = (items[0].get("price") or {}).get("id", "")
    # Newer API versions keep the period on the item, older ones on the subscription.
    period_end = items[0].get("current_period_end") or subscription.get("current_period_end")
    fields = {
        "billing.status": subscription["status"],
        "billing.subscription_id": subscription["id"],
        "billing.price_id": price_id,
        "billing.current_period_end": _when(period_end),
        "billing.cancel_at_period_end": bool(subscription.get("cancel_at_period_end")),
        "plan": plan_name(price_id) or "subscription",
    }
    if subscription.get("trial_end"):
        fields["billing.trial_ends_at"] = _when(subscription["trial_end"])
    return fields


def _email_payment_failed(db: Database, company: dict, subscription: dict,
                          event_id: str) -> None:
    to = company.get("admin_email")
    if not to:
        return
    admin = AccountLookup(db).by_email(to)
    price_id = ((subscription.get("items") or {}).get("data") or [{}])[0].get("price") or {}
    enqueue_email(db, company_id=company["_id"], to=to, kind="billing_payment_failed",
                  idempotency_key=f"stripe:{event_id}",
                  name=admin["name"] if admin else "there", company=company["name"],
                  plan=plan_name(price_id.get("id", "")) or "your plan",
                  days=str(get_settings().past_due_grace_days), link=app_link(BILLING_PAGE))


def _invoice_subscription(invoice: dict) -> str:
    """The subscription an invoice bills (its place moved between API versions)."""
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    return _id_of(details.get("subscription") or invoice.get("subscription"))


def _id_of(value: Any) -> str:
    """An id whether Stripe sent it as a string or as an expanded object."""
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(value or "")


def _when(timestamp: Any) -> datetime | None:
    return datetime.fromtimestamp(int(timestamp), tz=timezone.utc) if timestamp else None
