"""Without Stripe keys billing is off: everyone active, nothing pretends to be paid."""

from __future__ import annotations

import pytest

from iprodash.domain.errors import Conflict
from iprodash.services import billing, company_settings, plan_access
from iprodash.services import operator as operator_service
from state import routes
from tests.factories import make_company
from tests.factories import operator as make_operator
from tests.integration.billing.conftest import WEBHOOK_SECRET, admin_actor

CANCELED = {"status": "canceled", "subscription_id": "sub_1", "customer_id": "cus_1"}


def test_billing_page_says_not_configured_and_opens_nothing(db, billing_off, stripe_fake):
    company = make_company(db, billing=CANCELED)
    admin = admin_actor(db, company)
    assert billing.billing_overview(db, actor=admin) == billing.BillingOverview(enabled=False)
    with pytest.raises(Conflict, match="Billing is not configured"):
        billing.start_checkout(db, actor=admin, price_id="price_basic")
    with pytest.raises(Conflict, match="Billing is not configured"):
        billing.open_portal(db, actor=admin)
    assert stripe_fake.calls == []
    assert db["companies"].find_one({"_id": company["_id"]})["billing"] == CANCELED


def test_every_approved_company_is_active_without_keys(db, billing_off):
    company = make_company(db, billing=CANCELED)
    admin = admin_actor(db, company)
    plan_access.require_writable(db, actor=admin)
    company_settings.regenerate_company_code(db, actor=admin)
    assert plan_access.plan_banner(db, actor=admin) == ""
    [row] = operator_service.list_companies(db, actor=make_operator(db))
    assert row.billing == "Active (billing off)"


def test_webhook_is_not_accepted_without_keys(db, billing_off, stripe_fake, api):
    company = make_company(db)
    event = stripe_fake.event("customer.subscription.updated", stripe_fake.set_subscription(
        customer="cus_1", price_id="price_basic"))
    body, signature = stripe_fake.signed(event, secret=WEBHOOK_SECRET)
    response = api.post(routes.API_STRIPE_WEBHOOK, content=body,
                        headers={"stripe-signature": signature})
    assert response.status_code == 404
    assert response.json()["message"] == "Billing is not configured on this server."
    assert db["billing_events"].count_documents({}) == 0
    assert "subscription_id" not in db["companies"].find_one({"_id": company["_id"]}).get(
        "billing", {})


def test_services_link_to_the_billing_route():
    assert billing.BILLING_PAGE == routes.BILLING
