"""``POST /api/webhooks/stripe`` with events signed the way Stripe signs them."""

from __future__ import annotations

import threading
import time

import httpx

from iprodash.services import billing
from iprodash.services.billing_webhooks import process_webhook
from tests.integration.billing.conftest import admin_actor, trial_company

WEBHOOK = "/api/webhooks/stripe"


def _post(api, body: bytes, signature: str):
    return api.post(WEBHOOK, content=body, headers={"stripe-signature": signature,
                                                    "content-type": "application/json"})


def _send(api, fake, event, **sign_args):
    body, signature = fake.signed(event, **sign_args)
    return _post(api, body, signature)


def _billing(db, company) -> dict:
    return db["companies"].find_one({"_id": company["_id"]}).get("billing", {})


def _checked_out(db, fake, *, status="active"):
    """A company that went through Checkout: customer stored, subscription at Stripe."""
    company = trial_company(db)
    billing.start_checkout(db, actor=admin_actor(db, company), price_id="price_basic")
    customer = _billing(db, company)["customer_id"]
    subscription = fake.set_subscription(customer=customer, price_id="price_basic",
                                         status=status)
    return company, subscription


def test_completed_checkout_activates_the_company(db, billing_on, api):
    company, subscription = _checked_out(db, billing_on)
    session = next(iter(billing_on.sessions.values()))
    session.update(status="complete", subscription=subscription["id"])
    response = _send(api, billing_on, billing_on.event("checkout.session.completed", {
        k: v for k, v in session.items() if not k.startswith("_")}))

    assert response.status_code == 200, response.text
    stored = db["companies"].find_one({"_id": company["_id"]})
    assert stored["billing"]["status"] == "active"
    assert stored["billing"]["subscription_id"] == subscription["id"]
    assert stored["billing"]["price_id"] == "price_basic" and stored["plan"] == "Basic"
    assert stored["billing"]["current_period_end"] is not None
    assert billing_on.api_calls("GET", f"/v1/subscriptions/{subscription['id']}")
    [entry] = db["audit_log"].find({"company_id": company["_id"],
                                    "action": "billing.subscription_changed"})
    assert entry["after"]["status"] == "active" and entry["before"]["status"] == "trialing"
    assert entry["actor_role"] == "system" and "checkout.session.completed" in entry["reason"]
    event = db["billing_events"].find_one({})
    assert event["status"] == "processed" and event["company_id"] == company["_id"]
    view = billing.billing_overview(db, actor=admin_actor(db, company))
    assert view.status_label == "Active" and view.plan_name == "Basic"
    assert view.date_text.startswith("Renews on ") and view.has_subscription


def test_tampered_body_is_refused_and_changes_nothing(db, billing_on, api):
    company, subscription = _checked_out(db, billing_on)
    body, signature = billing_on.signed(
        billing_on.event("customer.subscription.updated", subscription))
    tampered = body.replace(b'"status": "active"', b'"status": "canceled"')
    assert tampered != body
    response = _post(api, tampered, signature)
    assert response.status_code == 400
    assert db["billing_events"].count_documents({}) == 0
    assert _billing(db, company)["status"] == "trialing"


def test_wrong_secret_and_missing_signature_are_refused(db, billing_on, api):
    _, subscription = _checked_out(db, billing_on)
    event = billing_on.event("customer.subscription.updated", subscription)
    assert _send(api, billing_on, event, secret="whsec_someone_else").status_code == 400
    body, _ = billing_on.signed(event)
    assert api.post(WEBHOOK, content=body).status_code == 400
    assert db["billing_events"].count_documents({}) == 0


def test_stale_signature_is_refused(db, billing_on, api):
    company, subscription = _checked_out(db, billing_on)
    event = billing_on.event("customer.subscription.updated", subscription)
    stale = _send(api, billing_on, event, timestamp=int(time.time()) - 301)
    assert stale.status_code == 400
    assert _billing(db, company)["status"] == "trialing"
    fresh = _send(api, billing_on, event, timestamp=int(time.time()) - 60)
    assert fresh.status_code == 200
    assert _billing(db, company)["status"] == "active"


def test_duplicate_deliveries_at_once_are_processed_once(db, billing_on, api):
    company, subscription = _checked_out(db, billing_on, status="past_due")
    event = billing_on.event("invoice.payment_failed", billing_on.invoice(subscription,
                                                                          paid=False))
    body, signature = billing_on.signed(event)
    barrier = threading.Barrier(8)
    answers = []

    def deliver():
        barrier.wait()
        answers.append(_post(api, body, signature))

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert [a.status_code for a in answers] == [200] * 8
    outcomes = [a.json()["outcome"] for a in answers]
    assert outcomes.count("duplicate") == 7
    assert db["billing_events"].count_documents({"event_id": event["id"]}) == 1
    assert db["audit_log"].count_documents({"action": "billing.subscription_changed"}) == 1
    emails = list(db["outbox"].find({"kind": "billing_payment_failed"}))
    assert len(emails) == 1 and emails[0]["to"] == company["admin_email"]
    assert "7 days" in emails[0]["text"] and "/billing" in emails[0]["text"]
    assert _send(api, billing_on, event).json()["outcome"] == "duplicate"


def test_payment_failure_starts_the_grace_period(db, billing_on, api):
    company, subscription = _checked_out(db, billing_on, status="past_due")
    event = billing_on.event("invoice.payment_failed",
                             billing_on.invoice(subscription, paid=False))
    assert _send(api, billing_on, event).status_code == 200
    stored = _billing(db, company)
    assert stored["status"] == "past_due"
    assert abs(stored["past_due_since"].timestamp() - event["created"]) < 1

    subscription["status"] = "active"  # the card was updated and the invoice paid
    paid = billing_on.event("invoice.paid", billing_on.invoice(subscription, paid=True),
                            created=event["created"] + 60)
    assert _send(api, billing_on, paid).status_code == 200
    stored = _billing(db, company)
    assert stored["status"] == "active" and "past_due_since" not in stored
    assert db["outbox"].count_documents({"kind": "billing_payment_failed"}) == 1


def test_an_older_update_arriving_late_does_not_move_status_back(db, billing_on, api):
    company, subscription = _checked_out(db, billing_on, status="active")
    now = int(time.time())
    older = billing_on.event("customer.subscription.updated",
                             {**subscription, "status": "past_due"}, created=now - 30)
    newer = billing_on.event("customer.subscription.updated", subscription, created=now)

    assert _send(api, billing_on, newer).json()["outcome"] == "status trialing -> active"
    late = _send(api, billing_on, older)
    assert late.status_code == 200
    assert late.json()["outcome"] == "ignored: a newer event was already applied"
    assert _billing(db, company)["status"] == "active"
    assert db["audit_log"].count_documents({"action": "billing.subscription_changed"}) == 1


def test_a_slow_older_event_cannot_overwrite_a_newer_one(db, billing_on):
    """The older event re-reads Stripe (past due then), stalls, and writes last."""
    company, subscription = _checked_out(db, billing_on, status="past_due")
    now = int(time.time())
    older = billing_on.event("customer.subscription.updated", subscription, created=now - 30)
    newer = billing_on.event("customer.subscription.updated",
                             {**subscription, "status": "active"}, created=now)
    results = {}

    def meanwhile_the_newer_event_lands(_subscription_id):
        billing_on.before_subscription_read = None
        billing_on.subscriptions[subscription["id"]]["status"] = "active"
        body, signature = billing_on.signed(newer)
        results["newer"] = process_webhook(db, raw_body=body, signature=signature)

    billing_on.before_subscription_read = meanwhile_the_newer_event_lands
    body, signature = billing_on.signed(older)
    results["older"] = process_webhook(db, raw_body=body, signature=signature)

    assert results == {"newer": "status trialing -> active",
                       "older": "ignored: a newer event was already applied"}
    assert _billing(db, company)["status"] == "active"


def test_subscription_deleted_makes_the_company_read_only(db, billing_on, api):
    company, subscription = _checked_out(db, billing_on)
    assert _send(api, billing_on, billing_on.event("customer.subscription.created",
                                                   subscription)).status_code == 200
    subscription = billing_on.subscriptions[subscription["id"]]
    subscription["status"] = "canceled"
    response = _send(api, billing_on, billing_on.event("customer.subscription.deleted",
                                                       subscription))
    assert response.json()["outcome"] == "status active -> canceled"
    view = billing.billing_overview(db, actor=admin_actor(db, company))
    assert view.status_label == "Canceled" and not view.has_subscription
    assert view.notice == ("Your subscription is canceled: the account is read-only. "
                           "Open Billing to subscribe again.")


def test_stripe_down_answers_503_and_the_retry_applies_the_event(db, billing_on, api):
    company, subscription = _checked_out(db, billing_on)
    event = billing_on.event("customer.subscription.updated", subscription)
    billing_on.down = True
    assert _send(api, billing_on, event).status_code == 503
    assert db["billing_events"].find_one({"event_id": event["id"]})["status"] == "failed"
    assert _billing(db, company)["status"] == "trialing"
    billing_on.down = False
    assert _send(api, billing_on, event).status_code == 200
    assert _billing(db, company)["status"] == "active"
    assert db["billing_events"].find_one({"event_id": event["id"]})["attempts"] == 2


def test_events_for_unknown_customers_and_types_are_acknowledged(db, billing_on, api):
    stranger = billing_on.set_subscription(customer="cus_nobody", price_id="price_basic")
    response = _send(api, billing_on, billing_on.event("customer.subscription.updated",
                                                       stranger))
    assert response.status_code == 200
    assert response.json()["outcome"] == "ignored: no company has this Stripe customer"
    other = _send(api, billing_on, billing_on.event("charge.refunded", {"id": "ch_1"}))
    assert other.json()["outcome"] == "ignored: not a billing event"
    assert db["audit_log"].count_documents({}) == 0


def test_hosted_checkout_and_portal_round_trip(db, billing_on, api):
    """What a browser does: pay on the hosted page, come back active; cancel in the portal."""
    company = trial_company(db, days_left=1)
    admin = admin_actor(db, company)
    billing_on.transport = lambda body, signature: _post(api, body, signature).status_code
    url = billing.start_checkout(db, actor=admin, price_id="price_pro")
    assert "Pay" in httpx.get(url).text
    paid = httpx.post(f"{url}/pay", follow_redirects=False)
    assert paid.status_code == 303
    assert paid.headers["location"] == "http://localhost:3000/billing?checkout=success"
    view = billing.billing_overview(db, actor=admin)
    assert (view.plan_name, view.status_label, view.has_subscription) == ("Pro", "Active", True)

    portal = billing.open_portal(db, actor=admin)
    canceled = httpx.post(f"{portal}/cancel", follow_redirects=False)
    assert canceled.headers["location"] == "http://localhost:3000/billing"
    assert billing.billing_overview(db, actor=admin).status_label == "Canceled"
