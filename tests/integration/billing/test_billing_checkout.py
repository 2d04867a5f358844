"""Checkout and billing-portal sessions, asserted on the requests the fake Stripe got."""

from __future__ import annotations

import threading

import pytest

from iprodash.domain.errors import Conflict, PermissionDenied, ValidationError
from iprodash.integrations.billing import BillingUnavailable
from iprodash.services import billing
from iprodash.services.actor import USER
from tests.factories import actor_for, make_user
from tests.integration.billing.conftest import admin_actor, trial_company

APP = "http://localhost:3000"


def test_checkout_session_for_the_company_and_its_customer(db, billing_on):
    company = trial_company(db, days_left=1)
    url = billing.start_checkout(db, actor=admin_actor(db, company), price_id="price_pro")

    [customer_call] = billing_on.api_calls("POST", "/v1/customers")
    assert customer_call.params["metadata[company_id]"] == str(company["_id"])
    assert customer_call.params["email"] == company["admin_email"]
    assert customer_call.headers["idempotency-key"] == f"iprodash-customer-{company['_id']}"
    [checkout] = billing_on.api_calls("POST", "/v1/checkout/sessions")
    customer_id = db["companies"].find_one({"_id": company["_id"]})["billing"]["customer_id"]
    assert checkout.params["mode"] == "subscription"
    assert checkout.params["customer"] == customer_id
    assert checkout.params["client_reference_id"] == str(company["_id"])
    assert checkout.params["line_items[0][price]"] == "price_pro"
    assert checkout.params["line_items[0][quantity]"] == "1"
    assert checkout.params["success_url"] == f"{APP}/billing?checkout=success"
    assert checkout.params["cancel_url"] == f"{APP}/billing?checkout=canceled"
    assert checkout.params["subscription_data[metadata][company_id]"] == str(company["_id"])
    assert "subscription_data[trial_end]" not in checkout.params  # under Stripe's 48 h minimum
    session_id = url.rsplit("/", 1)[-1]
    assert url == f"{billing_on.url}/checkout/{session_id}"
    assert billing_on.sessions[session_id]["customer"] == customer_id
    entries = db["audit_log"].find({"company_id": company["_id"]}).sort("seq", 1)
    assert [e["action"] for e in entries] == ["billing.customer_created",
                                              "billing.checkout_started"]


def test_customer_is_created_once_and_reused(db, billing_on):
    company = trial_company(db)
    admin = admin_actor(db, company)
    billing.start_checkout(db, actor=admin, price_id="price_basic")
    billing.start_checkout(db, actor=admin, price_id="price_pro")
    billing.open_portal(db, actor=admin)

    assert len(billing_on.api_calls("POST", "/v1/customers")) == 1
    assert len(billing_on.customers) == 1
    [customer_id] = billing_on.customers
    sessions = billing_on.api_calls("POST", "/v1/checkout/sessions")
    assert [s.params["customer"] for s in sessions] == [customer_id, customer_id]


def test_two_admins_clicking_at_once_get_one_customer(db, billing_on):
    company = trial_company(db)
    admins = [admin_actor(db, company), admin_actor(db, company)]
    barrier = threading.Barrier(2)
    errors = []

    def click(actor):
        barrier.wait()
        try:
            billing.start_checkout(db, actor=actor, price_id="price_basic")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=click, args=(a,)) for a in admins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(billing_on.customers) == 1
    stored = db["companies"].find_one({"_id": company["_id"]})["billing"]["customer_id"]
    assert {c.params["customer"] for c in billing_on.api_calls("POST", "/v1/checkout/sessions")} \
        == {stored}


def test_rest_of_the_trial_is_carried_into_the_subscription(db, billing_on):
    company = trial_company(db, days_left=10)
    billing.start_checkout(db, actor=admin_actor(db, company), price_id="price_basic")
    [checkout] = billing_on.api_calls("POST", "/v1/checkout/sessions")
    ends = company["billing"]["trial_ends_at"]
    assert int(checkout.params["subscription_data[trial_end]"]) == int(ends.timestamp())


def test_portal_session_for_the_stored_customer(db, billing_on):
    company = trial_company(db)
    admin = admin_actor(db, company)
    with pytest.raises(Conflict, match="Subscribe to a plan first"):
        billing.open_portal(db, actor=admin)
    assert billing_on.api_calls("POST", "/v1/billing_portal/sessions") == []

    billing.start_checkout(db, actor=admin, price_id="price_basic")
    url = billing.open_portal(db, actor=admin)
    [portal] = billing_on.api_calls("POST", "/v1/billing_portal/sessions")
    assert portal.params == {"customer": next(iter(billing_on.customers)),
                             "return_url": f"{APP}/billing"}
    assert url.startswith(f"{billing_on.url}/portal/")


def test_only_a_company_admin_opens_billing(db, billing_on):
    company = trial_company(db)
    office = actor_for(make_user(db, company=company, role=USER))
    for call in (lambda: billing.start_checkout(db, actor=office, price_id="price_basic"),
                 lambda: billing.open_portal(db, actor=office),
                 lambda: billing.billing_overview(db, actor=office)):
        with pytest.raises(PermissionDenied):
            call()
    assert billing_on.calls == []


def test_unknown_price_is_refused_before_stripe_is_asked(db, billing_on):
    company = trial_company(db)
    with pytest.raises(ValidationError, match="Choose one of the plans"):
        billing.start_checkout(db, actor=admin_actor(db, company), price_id="price_free_lunch")
    assert billing_on.calls == []


def test_a_live_subscription_is_changed_in_the_portal_not_bought_twice(db, billing_on):
    company = trial_company(db)
    db["companies"].update_one({"_id": company["_id"]}, {"$set": {
        "billing.customer_id": "cus_x", "billing.subscription_id": "sub_x",
        "billing.status": "active"}})
    with pytest.raises(Conflict, match="Manage billing"):
        billing.start_checkout(db, actor=admin_actor(db, company), price_id="price_pro")
    assert billing_on.api_calls("POST", "/v1/checkout/sessions") == []


def test_stripe_down_is_a_sentence_not_a_crash(db, billing_on):
    company = trial_company(db)
    billing_on.down = True
    with pytest.raises(BillingUnavailable, match="Stripe could not be reached"):
        billing.start_checkout(db, actor=admin_actor(db, company), price_id="price_basic")
    stored = db["companies"].find_one({"_id": company["_id"]})
    assert "customer_id" not in stored["billing"]


def test_overview_shows_plans_status_and_trial_end(db, billing_on):
    company = trial_company(db, days_left=5)
    view = billing.billing_overview(db, actor=admin_actor(db, company))
    assert view.enabled and view.status_label == "Free trial" and view.plan_name == "Free trial"
    assert view.date_text.startswith("Free trial ends on ")
    assert [(p.price_id, p.name, p.price_text) for p in view.plans] == [
        ("price_basic", "Basic", "$49.00 / month"), ("price_pro", "Pro", "$99.00 / month")]
    assert not view.has_subscription and not view.can_manage


def test_malformed_plan_entries_are_skipped(db, billing_on, monkeypatch):
    from iprodash.settings import get_settings

    monkeypatch.setenv("IPRODASH_PLANS", "price_a:Team: 5 seats:1500,broken,price_b::10,x:Y:z")
    get_settings.cache_clear()
    assert billing.available_plans() == [billing.Plan("price_a", "Team: 5 seats", 1500)]
    assert billing.plan_name("price_a") == "Team: 5 seats"
    assert billing.plan_name("price_gone") == "price_gone"
