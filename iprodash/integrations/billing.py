"""Stripe: customers, Checkout and billing-portal sessions, subscriptions, webhooks.

A thin adapter over the official SDK. ``STRIPE_API_BASE`` points it at a
local fake in tests; without ``STRIPE_API_KEY`` no function here is called
(services check ``settings.billing_enabled`` first).
"""

from __future__ import annotations

from typing import Any

import stripe

from iprodash.integrations import stripe_client
from iprodash.integrations.stripe_client import WEBHOOK_TOLERANCE_SECONDS, StripeUnavailable
from iprodash.settings import get_settings

BillingUnavailable = StripeUnavailable  # the name the billing code and its tests use


class InvalidWebhook(Exception):
    """The webhook's signature, timestamp or body is not valid."""


def _client():
    return stripe_client.client()


def _call(what: str, request) -> dict[str, Any]:
    """Run one SDK request; Stripe's errors become a sentence for the user."""
    return stripe_client.call(what, request, refused="Stripe refused the billing request. "
                                                    "Please contact support.")


def create_customer(*, company_id: str, name: str, email: str) -> str:
    """Create the company's Stripe customer; the same company never gets two.

    Stripe's idempotency key makes a repeated (or concurrent) call return the
    customer created first.
    """
    customer = _call("customer create", lambda: _client().v1.customers.create(
        params={"name": name, "email": email, "metadata": {"company_id": company_id}},
        options={"idempotency_key": f"iprodash-customer-{company_id}"}))
    return customer["id"]


def create_checkout_session(*, customer_id: str, price_id: str, company_id: str,
                            success_url: str, cancel_url: str,
                            trial_end: int | None = None) -> str:
    """A subscription-mode Checkout Session; returns the hosted page's URL."""
    subscription_data: dict[str, Any] = {"metadata": {"company_id": company_id}}
    if trial_end:
        subscription_data["trial_end"] = trial_end
    session = _call("checkout session", lambda: _client().v1.checkout.sessions.create(params={
        "mode": "subscription", "customer": customer_id, "client_reference_id": company_id,
        "line_items": [{"price": price_id, "quantity": 1}],
        "success_url": success_url, "cancel_url": cancel_url,
        "subscription_data": subscription_data,
    }))
    return session["url"]


def create_portal_session(*, customer_id: str, return_url: str) -> str:
    """A billing-portal session for the customer; returns its URL."""
    session = _call("portal session", lambda: _client().v1.billing_portal.sessions.create(
        params={"customer": customer_id, "return_url": return_url}))
    return session["url"]


def retrieve_subscription(subscription_id: str) -> dict[str, Any]:
    """The subscription as Stripe has it now (the truth, whatever the event said)."""
    return _call("subscription retrieve",
                 lambda: _client().v1.subscriptions.retrieve(subscription_id))


def cancel_subscription(subscription_id: str) -> dict[str, Any]:
    """Cancel at once, without proration (a deleted company is not charged again)."""
    return _call("subscription cancel",
                 lambda: _client().v1.subscriptions.cancel(subscription_id))


def verify_event(raw_body: bytes, signature_header: str | None) -> dict[str, Any]:
    """Check the ``Stripe-Signature`` of a webhook and return the event.

    Raises:
        InvalidWebhook: bad or missing signature, stale timestamp (over
            300 s), or a body that is not an event.
    """
    secret = get_settings().stripe_webhook_secret
    try:
        event = stripe.Webhook.construct_event(raw_body, signature_header or "", secret,
                                               tolerance=WEBHOOK_TOLERANCE_SECONDS)
    except (stripe.SignatureVerificationError, ValueError, KeyError) as exc:
        raise InvalidWebhook(str(exc)) from exc
    return event.to_dict()
