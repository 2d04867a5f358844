"""A fake Stripe API and hosted pages for the real ``stripe`` SDK.

API (form-encoded requests, JSON answers in Stripe's documented shapes):
``POST /v1/customers`` (a repeated ``Idempotency-Key`` returns the first
customer), ``POST /v1/checkout/sessions``, ``GET /v1/checkout/sessions/<id>``,
``POST /v1/billing_portal/sessions``, ``GET /v1/subscriptions/<id>``.
Unknown ids answer 404 ``resource_missing``; ``down = True`` answers 500.

Hosted pages (for browser tests): ``GET /checkout/<id>`` shows a "Pay"
button; paying creates an active subscription, sends the signed
``checkout.session.completed`` and ``customer.subscription.created`` events
to ``webhook_url`` (when set) and redirects to the session's success URL.
``GET /portal/<id>`` offers "Cancel subscription" and "Return".

Stripe Connect (connected accounts, account and login links, payment-mode
Checkout on a connected account, payment intents, balance transactions,
refunds, Connect events) lives in ``fake.connect``: see
:mod:`tests.fakes.stripe_connect_fake`.

Events are signed the way Stripe signs them: header
``t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the secret>``.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qsl

API_VERSION = "2026-10-28.endive"
_ids = itertools.count(1)


def new_id(prefix: str) -> str:
    return f"{prefix}_fake{next(_ids):06d}"


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """A ``Stripe-Signature`` header value for ``payload``."""
    stamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256)
    return f"t={stamp},v1={mac.hexdigest()}"


@dataclass
class StripeCall:
    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]


class FakeStripe:
    """Use as ``with FakeStripe(webhook_secret=...) as fake:``; ``fake.url`` is its base."""

    def __init__(self, *, webhook_secret: str, webhook_url: str = "",
                 plans: dict[str, int] | None = None, connect_secret: str = "",
                 connect_url: str = ""):
        from tests.fakes.stripe_connect_fake import ConnectWorld

        self.connect = ConnectWorld(self, connect_secret=connect_secret, connect_url=connect_url)
        self.webhook_secret = webhook_secret
        self.webhook_url = webhook_url
        self.plans = plans or {}
        self.calls: list[StripeCall] = []
        self.customers: dict[str, dict] = {}
        self.sessions: dict[str, dict] = {}
        self.portals: dict[str, dict] = {}
        self.subscriptions: dict[str, dict] = {}
        self.down = False
        self.before_subscription_read: Callable[[str], None] | None = None
        # Delivers (raw body, signature header) -> HTTP status instead of POSTing to webhook_url.
        self.transport: Callable[[bytes, str], int] | None = None
        self._by_idempotency_key: dict[str, dict] = {}
        self._lock = threading.RLock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeStripe:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def api_calls(self, method: str, path: str) -> list[StripeCall]:
        """Recorded API requests with this method and path (ids included)."""
        return [c for c in self.calls if c.method == method and c.path == path]

    # --- the world as Stripe knows it ------------------------------------------------

    def set_subscription(self, *, customer: str, price_id: str, status: str = "active",
                         subscription_id: str = "", trial_end: int | None = None,
                         cancel_at_period_end: bool = False) -> dict:
        """Create or replace a subscription (what a later read returns)."""
        now = int(time.time())
        sub_id = subscription_id or new_id("sub")
        sub = {
            "id": sub_id, "object": "subscription", "customer": customer, "status": status,
            "created": now, "cancel_at_period_end": cancel_at_period_end,
            "trial_end": trial_end, "metadata": {}, "livemode": False,
            "items": {"object": "list", "data": [{
                "id": new_id("si"), "object": "subscription_item", "quantity": 1,
                "price": {"id": price_id, "object": "price", "recurring": {"interval": "month"},
                          "unit_amount": self.plans.get(price_id, 0), "currency": "usd"},
                "current_period_start": now, "current_period_end": now + 30 * 86400}]},
        }
        with self._lock:
            self.subscriptions[sub_id] = sub
        return sub

    def event(self, event_type: str, obj: dict, *, created: int | None = None) -> dict:
        return {"id": new_id("evt"), "object": "event", "api_version": API_VERSION,
                "created": int(time.time()) if created is None else created,
                "type": event_type, "livemode": False, "pending_webhooks": 1,
                "request": {"id": None, "idempotency_key": None},
                "data": {"object": json.loads(json.dumps(obj))}}

    def invoice(self, subscription: dict, *, paid: bool) -> dict:
        return {"id": new_id("in"), "object": "invoice", "customer": subscription["customer"],
                "status": "paid" if paid else "open", "amount_due": 4900,
                "parent": {"type": "subscription_details",
                           "subscription_details": {"subscription": subscription["id"]}}}

    def signed(self, event: dict, *, secret: str | None = None,
               timestamp: int | None = None) -> tuple[bytes, str]:
        """The raw body and ``Stripe-Signature`` header of an event delivery."""
        body = json.dumps(event).encode()
        return body, sign(body, secret or self.webhook_secret, timestamp)

    def deliver(self, event: dict, *, secret: str | None = None, url: str | None = None,
                transport: Callable[[bytes, str], int] | None = None) -> int:
        """POST a signed event to ``webhook_url`` (or ``transport``); returns the status.

        ``secret``, ``url`` and ``transport`` stand in for the billing endpoint's
        (the Connect events go to the Connect endpoint with its own secret).
        """
        body, header = self.signed(event, secret=secret)
        transport = transport if url is not None or transport is not None else self.transport
        if transport:
            return transport(body, header)
        headers = {"content-type": "application/json", "stripe-signature": header}
        request = urllib.request.Request(url or self.webhook_url, data=body, method="POST",
                                         headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def complete_checkout(self, session_id: str) -> dict:
        """What paying on the hosted page does: an active subscription and two events."""
        with self._lock:
            session = self.sessions[session_id]
        sub = self.set_subscription(customer=session["customer"], price_id=session["_price"],
                                    trial_end=session.get("_trial_end"),
                                    status="trialing" if session.get("_trial_end") else "active")
        with self._lock:
            session.update(status="complete", payment_status="paid", subscription=sub["id"])
        if self.webhook_url or self.transport:
            self.deliver(self.event("checkout.session.completed", _public(session)))
            self.deliver(self.event("customer.subscription.created", sub))
        return sub

    # --- HTTP ------------------------------------------------------------------------

    def answer(self, method: str, path: str, params: dict[str, str],
               headers: dict[str, str]) -> tuple[int, Any]:
        """The API's answer: (status, JSON body)."""
        with self._lock:
            self.calls.append(StripeCall(method, path, params, headers))
        if self.down:
            return 500, _error("api_error", "The fake Stripe is down.")
        if not headers.get("authorization", "").startswith("Bearer sk_"):
            return 401, _error("invalid_request_error", "Invalid API Key provided.")
        key = headers.get("idempotency-key", "")
        with self._lock:
            if method == "POST" and key in self._by_idempotency_key:
                return 200, self._by_idempotency_key[key]
        status, body = self.connect.route(method, path, params, headers) \
            or self._route(method, path, params)
        if method == "POST" and key and status == 200:
            with self._lock:
                self._by_idempotency_key[key] = body
        return status, body

    def _route(self, method: str, path: str, params: dict[str, str]) -> tuple[int, Any]:
        parts = path.strip("/").split("/")
        if method == "POST" and path == "/v1/customers":
            customer = {"id": new_id("cus"), "object": "customer", "email": params.get("email"),
                        "name": params.get("name"),
                        "metadata": {"company_id": params.get("metadata[company_id]")}}
            with self._lock:
                self.customers[customer["id"]] = customer
            return 200, customer
        if method == "POST" and path == "/v1/checkout/sessions":
            if params.get("customer") not in self.customers:
                return 404, _error("invalid_request_error", "No such customer", "resource_missing")
            session_id = new_id("cs_test")
            trial_end = params.get("subscription_data[trial_end]")
            session = {"id": session_id, "object": "checkout.session", "mode": params.get("mode"),
                       "customer": params.get("customer"),
                       "client_reference_id": params.get("client_reference_id"),
                       "success_url": params.get("success_url"),
                       "cancel_url": params.get("cancel_url"), "status": "open",
                       "payment_status": "unpaid", "subscription": None,
                       "url": f"{self.url}/checkout/{session_id}",
                       "_price": params.get("line_items[0][price]"),
                       "_trial_end": int(trial_end) if trial_end else None}
            with self._lock:
                self.sessions[session_id] = session
            return 200, _public(session)
        if method == "POST" and path == "/v1/billing_portal/sessions":
            if params.get("customer") not in self.customers:
                return 404, _error("invalid_request_error", "No such customer", "resource_missing")
            portal_id = new_id("bps")
            portal = {"id": portal_id, "object": "billing_portal.session",
                      "customer": params["customer"], "return_url": params.get("return_url"),
                      "url": f"{self.url}/portal/{portal_id}"}
            with self._lock:
                self.portals[portal_id] = portal
            return 200, portal
        if method == "GET" and parts[:2] == ["v1", "subscriptions"] and len(parts) == 3:
            with self._lock:
                snapshot = json.loads(json.dumps(self.subscriptions.get(parts[2])))
            if self.before_subscription_read:
                self.before_subscription_read(parts[2])
            if snapshot is None:
                return 404, _error("invalid_request_error", "No such subscription",
                                   "resource_missing")
            return 200, snapshot
        if method == "GET" and parts[:3] == ["v1", "checkout", "sessions"] and len(parts) == 4:
            session = self.sessions.get(parts[3])
            return (200, _public(session)) if session else (
                404, _error("invalid_request_error", "No such session", "resource_missing"))
        return 404, _error("invalid_request_error", f"Unrecognized request URL ({path}).")

    def page(self, method: str, path: str) -> tuple[int, str, str]:
        """Hosted pages: (status, HTML, redirect location)."""
        parts = path.split("?")[0].strip("/").split("/")
        if parts[0] == "checkout" and len(parts) >= 2 and parts[1] in self.sessions:
            session = self.sessions[parts[1]]
            if method == "POST" and parts[2:] == ["pay"]:
                if session.get("mode") == "payment":
                    self.connect.pay(session["id"])
                else:
                    self.complete_checkout(session["id"])
                return 303, "", session["success_url"].replace("{CHECKOUT_SESSION_ID}",
                                                               session["id"])
            if parts[2:] == ["cancel"]:
                return 303, "", session["cancel_url"]
            return 200, _checkout_html(session), ""
        if parts[0] == "portal" and len(parts) >= 2 and parts[1] in self.portals:
            portal = self.portals[parts[1]]
            if method == "POST" and parts[2:] == ["cancel"]:
                self._cancel_all(portal["customer"])
                return 303, "", portal["return_url"]
            return 200, _portal_html(portal), ""
        connect_page = self.connect.page(method, parts)
        if connect_page is not None:
            return connect_page
        return 404, "<h1>Not found</h1>", ""

    def _cancel_all(self, customer: str) -> None:
        with self._lock:
            subs = [s for s in self.subscriptions.values() if s["customer"] == customer]
            for sub in subs:
                sub["status"] = "canceled"
        for sub in subs:
            if self.webhook_url or self.transport:
                self.deliver(self.event("customer.subscription.deleted", sub))


def _public(session: dict) -> dict:
    return {k: v for k, v in session.items() if not k.startswith("_")}


def _error(kind: str, message: str, code: str = "") -> dict:
    return {"error": {"type": kind, "message": message, **({"code": code} if code else {})}}


def _checkout_html(session: dict) -> str:
    sid = html.escape(session["id"])
    return (f"<!doctype html><title>Fake Stripe Checkout</title><h1>Fake Stripe Checkout</h1>"
            f"<p>Plan: {html.escape(session['_price'] or '')}</p>"
            f"<form method='post' action='/checkout/{sid}/pay'><button type='submit'>Pay"
            f"</button></form><a href='/checkout/{sid}/cancel'>Back</a>")


def _portal_html(portal: dict) -> str:
    pid = html.escape(portal["id"])
    return (f"<!doctype html><title>Fake Stripe billing portal</title><h1>Billing portal</h1>"
            f"<form method='post' action='/portal/{pid}/cancel'><button type='submit'>"
            f"Cancel subscription</button></form>"
            f"<a href='{html.escape(portal['return_url'] or '')}'>Return</a>")


def _handler_for(fake: FakeStripe):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            self._handle()

        def do_POST(self):  # noqa: N802
            self._handle()

        def _handle(self):
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            path, _, query = self.path.partition("?")
            if not path.startswith("/v1/"):
                status, body, location = fake.page(self.command, self.path)
                self._send(status, body.encode(), "text/html; charset=utf-8", location)
                return
            params = dict(parse_qsl(raw or query, keep_blank_values=True))
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, body = fake.answer(self.command, path, params, headers)
            self._send(status, json.dumps(body).encode(), "application/json", "",
                       {"request-id": new_id("req")})

        def _send(self, status: int, payload: bytes, content_type: str, location: str,
                  extra: dict[str, str] | None = None):
            self.send_response(status)
            self.send_header("content-type", content_type)
            self.send_header("content-length", str(len(payload)))
            if location:
                self.send_header("location", location)
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):  # keep test output clean
            return

    return Handler
