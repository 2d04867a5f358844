"""Stripe Connect in the fake Stripe: connected accounts and direct charges on them.

Owned by :class:`tests.fakes.stripe_fake.FakeStripe` as ``fake.connect``.

API (Stripe's documented shapes; a call about a payment must carry the
account's ``Stripe-Account`` header, otherwise it answers 404 like Stripe):
``POST /v1/accounts``, ``GET /v1/accounts/<id>``, ``POST /v1/account_links``,
``POST /v1/accounts/<id>/login_links``, ``POST /v1/checkout/sessions`` with
``mode=payment``, ``GET /v1/payment_intents/<id>`` (``expand[]`` of
``latest_charge.balance_transaction`` embeds both), ``GET
/v1/balance_transactions/<id>``, ``POST /v1/refunds``.

Hosted pages: ``/connect/onboard/<link>`` ("Agree and submit" enables the
account, sends ``account.updated`` and goes to the link's return URL),
``/express/<account>`` (the Express dashboard), and payment-mode Checkout at
``/checkout/<session>`` (paying sends ``checkout.session.completed`` and
``payment_intent.succeeded``). Connect events carry ``account`` and are
signed with ``connect_secret`` and posted to ``connect_url`` (or
``connect_transport``).
"""

from __future__ import annotations

import threading
import time
from html import escape
from typing import Any, Callable

from tests.fakes import stripe_fake as base

DEFAULT_FEE_BP, DEFAULT_FEE_FIXED = 290, 30  # 2.9% + 30c, Stripe's US card price


def default_fee(amount: int) -> int:
    return (amount * DEFAULT_FEE_BP + 5_000) // 10_000 + DEFAULT_FEE_FIXED


class ConnectWorld:
    """Accounts, their Checkout sessions, payment intents, charges and refunds."""

    def __init__(self, fake: Any, *, connect_secret: str = "", connect_url: str = ""):
        self.fake = fake
        self.connect_secret = connect_secret
        self.connect_url = connect_url
        self.connect_transport: Callable[[bytes, str], int] | None = None
        self.accounts: dict[str, dict] = {}
        self.links: dict[str, dict] = {}
        self.payment_intents: dict[str, dict] = {}
        self.charges: dict[str, dict] = {}
        self.balance_transactions: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.delivered: list[dict] = []
        self.next_fee: int | None = None  # the fee of the next charge (default 2.9% + 30c)
        self._lock = threading.RLock()

    # --- the world as Stripe knows it ------------------------------------------------

    def enable(self, account_id: str, *, charges: bool = True, payouts: bool = True) -> dict:
        """What finishing onboarding does; sends ``account.updated``."""
        with self._lock:
            account = self.accounts[account_id]
            account.update(charges_enabled=charges, payouts_enabled=payouts,
                           details_submitted=True)
        self.deliver(self.event("account.updated", account, account_id))
        return account

    def pay(self, session_id: str, *, fee: int | None = None) -> dict:
        """What paying on the hosted Checkout page does: PI, charge, balance transaction."""
        with self._lock:
            session = self.fake.sessions[session_id]
            account = session["_account"]
            amount = session["amount_total"]
            fee = fee if fee is not None else (self.next_fee if self.next_fee is not None
                                               else default_fee(amount))
            txn = {"id": base.new_id("txn"), "object": "balance_transaction", "amount": amount,
                   "fee": fee, "net": amount - fee, "currency": "usd", "type": "charge"}
            pi_id, charge_id = base.new_id("pi"), base.new_id("ch")
            charge = {"id": charge_id, "object": "charge", "amount": amount,
                      "amount_refunded": 0, "refunded": False, "payment_intent": pi_id,
                      "balance_transaction": txn["id"], "currency": "usd", "paid": True,
                      "status": "succeeded", "metadata": dict(session["metadata"])}
            intent = {"id": pi_id, "object": "payment_intent", "amount": amount,
                      "amount_received": amount, "currency": "usd", "status": "succeeded",
                      "latest_charge": charge_id, "metadata": dict(session["metadata"])}
            self.balance_transactions[txn["id"]] = {**txn, "_account": account}
            self.charges[charge_id] = {**charge, "_account": account}
            self.payment_intents[pi_id] = {**intent, "_account": account}
            session.update(status="complete", payment_status="paid", payment_intent=pi_id)
        self.deliver(self.event("checkout.session.completed", base._public(session), account))
        self.deliver(self.event("payment_intent.succeeded", intent, account))
        return intent

    def refund(self, payment_intent_id: str, amount: int | None = None) -> dict:
        """A refund (as made in the company's Stripe dashboard); sends ``charge.refunded``."""
        with self._lock:
            intent = self.payment_intents[payment_intent_id]
            charge = self.charges[intent["latest_charge"]]
            amount = charge["amount"] - charge["amount_refunded"] if amount is None else amount
            refund = {"id": base.new_id("re"), "object": "refund", "amount": amount,
                      "charge": charge["id"], "payment_intent": payment_intent_id,
                      "status": "succeeded", "currency": "usd"}
            self.refunds[refund["id"]] = {**refund, "_account": charge["_account"]}
            charge["amount_refunded"] += amount
            charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
            public = base._public(charge)
        self.deliver(self.event("charge.refunded", public, charge["_account"]))
        return refund

    def event(self, event_type: str, obj: dict, account: str) -> dict:
        return {**self.fake.event(event_type, base._public(obj)), "account": account}

    def deliver(self, event: dict) -> int:
        """Sign and POST a Connect event (nothing happens without a destination)."""
        if not (self.connect_url or self.connect_transport):
            return 0
        self.delivered.append(event)
        return self.fake.deliver(event, secret=self.connect_secret, url=self.connect_url,
                                 transport=self.connect_transport)

    # --- HTTP ------------------------------------------------------------------------

    def route(self, method: str, path: str, params: dict[str, str],
              headers: dict[str, str]) -> tuple[int, Any] | None:
        """The answer to a Connect request, or None when it is not one."""
        parts = path.strip("/").split("/")
        on = headers.get("stripe-account", "")
        if method == "POST" and path == "/v1/accounts":
            account = {"id": base.new_id("acct"), "object": "account",
                       "type": params.get("type", "express"), "email": params.get("email"),
                       "country": params.get("country", "US"), "charges_enabled": False,
                       "payouts_enabled": False, "details_submitted": False,
                       "metadata": {"company_id": params.get("metadata[company_id]")}}
            with self._lock:
                self.accounts[account["id"]] = account
            return 200, account
        if parts[:2] == ["v1", "accounts"] and len(parts) >= 3:
            account = self.accounts.get(parts[2])
            if account is None:
                return 404, base._error("invalid_request_error", "No such account",
                                        "resource_missing")
            if method == "GET" and len(parts) == 3:
                return 200, dict(account)
            if method == "POST" and parts[3:] == ["login_links"]:
                return 200, {"object": "login_link", "created": int(time.time()),
                             "url": f"{self.fake.url}/express/{account['id']}"}
        if method == "POST" and path == "/v1/account_links":
            if params.get("account") not in self.accounts:
                return 404, base._error("invalid_request_error", "No such account",
                                        "resource_missing")
            link_id = base.new_id("link")
            with self._lock:
                self.links[link_id] = {"account": params["account"],
                                       "return_url": params.get("return_url"),
                                       "refresh_url": params.get("refresh_url")}
            return 200, {"object": "account_link", "created": int(time.time()),
                         "expires_at": int(time.time()) + 300,
                         "url": f"{self.fake.url}/connect/onboard/{link_id}"}
        if method == "POST" and path == "/v1/checkout/sessions" and params.get("mode") == "payment":
            return self._payment_session(params, on)
        if method == "GET" and parts[:2] == ["v1", "payment_intents"] and len(parts) == 3:
            return self._owned(self.payment_intents, parts[2], on, "payment_intent",
                               expand="latest_charge.balance_transaction" in params.values())
        if method == "GET" and parts[:2] == ["v1", "balance_transactions"] and len(parts) == 3:
            return self._owned(self.balance_transactions, parts[2], on, "balance transaction")
        if method == "POST" and path == "/v1/refunds":
            intent = self.payment_intents.get(params.get("payment_intent", ""))
            if intent is None or intent["_account"] != on:
                return 404, base._error("invalid_request_error", "No such payment_intent",
                                        "resource_missing")
            amount = params.get("amount")
            return 200, base._public(self.refund(intent["id"], int(amount) if amount else None))
        return None

    def _payment_session(self, params: dict[str, str], on: str) -> tuple[int, Any]:
        if on not in self.accounts:
            return 400, base._error("invalid_request_error",
                                    "Direct charges need a Stripe-Account header.")
        if not self.accounts[on]["charges_enabled"]:
            return 400, base._error("invalid_request_error",
                                    "This account cannot currently make live charges.")
        amounts = [int(params[k]) for k in sorted(params)
                   if k.endswith("[price_data][unit_amount]")]
        session_id = base.new_id("cs_test")
        metadata = {k[len("metadata["):-1]: v for k, v in params.items()
                    if k.startswith("metadata[")}
        session = {"id": session_id, "object": "checkout.session", "mode": "payment",
                   "amount_total": sum(amounts), "currency": "usd", "metadata": metadata,
                   "success_url": params.get("success_url"),
                   "cancel_url": params.get("cancel_url"), "status": "open",
                   "payment_status": "unpaid", "payment_intent": None,
                   "url": f"{self.fake.url}/checkout/{session_id}", "_account": on,
                   "_price": f"{sum(amounts)} cents"}
        with self.fake._lock:
            self.fake.sessions[session_id] = session
        return 200, base._public(session)

    def _owned(self, table: dict, key: str, on: str, what: str,
               expand: bool = False) -> tuple[int, Any]:
        found = table.get(key)
        if found is None or found["_account"] != on:
            return 404, base._error("invalid_request_error", f"No such {what}",
                                    "resource_missing")
        body = base._public(found)
        if expand:
            charge = base._public(self.charges[found["latest_charge"]])
            charge["balance_transaction"] = base._public(
                self.balance_transactions[charge["balance_transaction"]])
            body["latest_charge"] = charge
        return 200, body

    def page(self, method: str, parts: list[str]) -> tuple[int, str, str] | None:
        """Hosted Connect pages: (status, HTML, redirect), or None when not one."""
        if parts[:2] == ["connect", "onboard"] and len(parts) >= 3 and parts[2] in self.links:
            link = self.links[parts[2]]
            if method == "POST" and parts[3:] == ["complete"]:
                self.enable(link["account"])
                return 303, "", link["return_url"]
            lid = escape(parts[2])
            return 200, ("<!doctype html><title>Fake Stripe onboarding</title>"
                         "<h1>Fake Stripe onboarding</h1>"
                         f"<form method='post' action='/connect/onboard/{lid}/complete'>"
                         "<button type='submit'>Agree and submit</button></form>"), ""
        if parts[:1] == ["express"] and len(parts) == 2 and parts[1] in self.accounts:
            return 200, ("<!doctype html><title>Fake Stripe Express dashboard</title>"
                         f"<h1>Express dashboard {escape(parts[1])}</h1>"), ""
        return None
