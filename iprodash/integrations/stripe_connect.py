"""Stripe Connect: each company's own Stripe account, and card payments taken on it.

A thin adapter over the official SDK, the platform's key (``STRIPE_API_KEY``)
and ``STRIPE_API_BASE`` (a local fake in tests). Charges are *direct*: every
call about a payment carries the company's account id (the ``Stripe-Account``
header), so the company is the merchant of record and Stripe takes its fee
from the company's balance; that fee is what the balance transaction reports
and what the job's money uses.

Accounts are Express accounts: Stripe hosts the onboarding (Account Links)
and the company's dashboard (login links), and nobody here ever sees the
company's bank details.
"""

from __future__ import annotations

from typing import Any

import stripe

from iprodash.integrations import stripe_client
from iprodash.integrations.stripe_client import WEBHOOK_TOLERANCE_SECONDS, StripeUnavailable
from iprodash.settings import get_settings

class InvalidConnectWebhook(Exception):
    """The Connect webhook's signature, timestamp or body is not valid."""


def _client():
    return stripe_client.client()


def _call(what: str, request) -> dict[str, Any]:
    return stripe_client.call(what, request, refused="Stripe refused the request. Please try "
                                                    "again, or contact support if it keeps "
                                                    "happening.")


def create_account(*, company_id: str, email: str, name: str) -> str:
    """The company's Express account (one per company: an idempotency key per company)."""
    account = _call("account create", lambda: _client().v1.accounts.create(
        params={"type": "express", "email": email or None, "country": "US",
                "business_profile": {"name": name},
                "capabilities": {"card_payments": {"requested": True},
                                 "transfers": {"requested": True}},
                "metadata": {"company_id": company_id}},
        options={"idempotency_key": f"iprodash-connect-account-{company_id}"}))
    return account["id"]


def onboarding_link(*, account_id: str, refresh_url: str, return_url: str) -> str:
    """A one-time Stripe-hosted onboarding page for the account."""
    link = _call("account link", lambda: _client().v1.account_links.create(params={
        "account": account_id, "refresh_url": refresh_url, "return_url": return_url,
        "type": "account_onboarding"}))
    return link["url"]


def retrieve_account(account_id: str) -> dict[str, Any]:
    """The account as Stripe has it now (charges and payouts enabled or not)."""
    return _call("account retrieve", lambda: _client().v1.accounts.retrieve(account_id))


def dashboard_link(account_id: str) -> str:
    """A one-time link into the company's Stripe Express dashboard."""
    link = _call("login link", lambda: _client().v1.accounts.login_links.create(account_id))
    return link["url"]


def create_checkout(*, account_id: str, amount_cents: int, tip_cents: int, description: str,
                    success_url: str, cancel_url: str, metadata: dict[str, str],
                    idempotency_key: str) -> dict[str, Any]:
    """A payment-mode Checkout Session on the company's account (a direct charge)."""
    items = [{"quantity": 1, "price_data": {"currency": "usd", "unit_amount": amount_cents,
                                            "product_data": {"name": description}}}]
    if tip_cents:
        items.append({"quantity": 1, "price_data": {"currency": "usd", "unit_amount": tip_cents,
                                                    "product_data": {"name": "Tip"}}})
    return _call("checkout session", lambda: _client().v1.checkout.sessions.create(
        params={"mode": "payment", "line_items": items, "success_url": success_url,
                "cancel_url": cancel_url, "metadata": metadata,
                "payment_intent_data": {"metadata": metadata}},
        options={"stripe_account": account_id, "idempotency_key": idempotency_key}))


def retrieve_payment_intent(*, account_id: str, payment_intent_id: str) -> dict[str, Any]:
    """The PaymentIntent with its latest charge and that charge's balance transaction."""
    return _call("payment intent retrieve", lambda: _client().v1.payment_intents.retrieve(
        payment_intent_id, params={"expand": ["latest_charge.balance_transaction"]},
        options={"stripe_account": account_id}))


def verify_event(raw_body: bytes, signature_header: str | None) -> dict[str, Any]:
    """Check the ``Stripe-Signature`` of a Connect webhook and return the event.

    Raises:
        InvalidConnectWebhook: bad or missing signature, a timestamp over 300 s
            old, or a body that is not an event.
    """
    secret = get_settings().stripe_connect_webhook_secret
    if not secret:
        raise InvalidConnectWebhook("no Connect webhook secret is configured")
    try:
        event = stripe.Webhook.construct_event(raw_body, signature_header or "", secret,
                                               tolerance=WEBHOOK_TOLERANCE_SECONDS)
    except (stripe.SignatureVerificationError, ValueError, KeyError) as exc:
        raise InvalidConnectWebhook(str(exc)) from exc
    return event.to_dict()
