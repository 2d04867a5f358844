"""Settings -> Payments: connecting the company's Stripe account through the fake Stripe
with the official SDK (Account Links, account flags, login link, disconnect)."""

from __future__ import annotations

import pytest

from iprodash.domain.errors import PermissionDenied, ValidationError
from iprodash.services import stripe_accounts
from tests.integration.payments.conftest import follow_hosted_form


def test_connect_onboard_and_open_the_dashboard(shop, payments_on):
    fake = payments_on
    before = stripe_accounts.payments_overview(shop.db, actor=shop.admin)
    assert before.available and not before.connected and before.status_text == "Not connected"

    url = stripe_accounts.start_onboarding(shop.db, actor=shop.admin)
    account_id = shop.db["companies"].find_one(
        {"_id": shop.company["_id"]})["stripe_connect"]["account_id"]
    assert fake.connect.accounts[account_id]["metadata"]["company_id"] == str(shop.company["_id"])
    assert fake.connect.accounts[account_id]["type"] == "express"
    pending = stripe_accounts.refresh_account(shop.db, actor=shop.admin)
    assert pending.connected and not pending.charges_enabled
    assert pending.status_text == "Onboarding not finished: continue on Stripe"

    back = follow_hosted_form(url)
    assert back.endswith("/settings/payments?stripe=return")
    after = stripe_accounts.refresh_account(shop.db, actor=shop.admin)
    assert after.charges_enabled and after.payouts_enabled
    assert after.status_text == "Connected: card payments and payouts are on"
    assert stripe_accounts.dashboard_url(shop.db, actor=shop.admin).endswith(
        f"/express/{account_id}")

    # Onboarding again (e.g. the link expired) keeps the same account.
    stripe_accounts.start_onboarding(shop.db, actor=shop.admin)
    assert len(fake.connect.accounts) == 1
    assert len(fake.api_calls("POST", "/v1/account_links")) == 2


def test_disconnect_unlinks_and_card_payments_stop(shop, payments_on):
    follow_hosted_form(stripe_accounts.start_onboarding(shop.db, actor=shop.admin))
    stripe_accounts.refresh_account(shop.db, actor=shop.admin)
    company = shop.db["companies"].find_one({"_id": shop.company["_id"]})
    assert stripe_accounts.connected_account(company).startswith("acct_")
    stripe_accounts.disconnect(shop.db, actor=shop.admin)
    company = shop.db["companies"].find_one({"_id": shop.company["_id"]})
    with pytest.raises(ValidationError, match="does not take card payments"):
        stripe_accounts.connected_account(company)
    assert not stripe_accounts.payments_overview(shop.db, actor=shop.admin).connected
    with pytest.raises(ValidationError, match="No Stripe account"):
        stripe_accounts.disconnect(shop.db, actor=shop.admin)
    actions = [a["action"] for a in shop.db["audit_log"].find({"company_id": shop.company["_id"]})]
    assert "company.stripe_connected" in actions and "company.stripe_disconnected" in actions


def test_only_the_admin_and_only_when_configured(shop, payments_off):
    with pytest.raises(PermissionDenied):
        stripe_accounts.payments_overview(shop.db, actor=shop.user)
    with pytest.raises(PermissionDenied):
        stripe_accounts.start_onboarding(shop.db, actor=shop.user)
    assert not stripe_accounts.payments_overview(shop.db, actor=shop.admin).available
    with pytest.raises(ValidationError, match="not configured"):
        stripe_accounts.start_onboarding(shop.db, actor=shop.admin)
    assert "stripe_connect" not in shop.db["companies"].find_one({"_id": shop.company["_id"]})


def test_a_charge_needs_an_enabled_account(shop, payments_on):
    stripe_accounts.start_onboarding(shop.db, actor=shop.admin)
    company = shop.db["companies"].find_one({"_id": shop.company["_id"]})
    with pytest.raises(ValidationError, match="cannot take payments yet"):
        stripe_accounts.connected_account(company)


def test_stripe_down_is_a_sentence_and_nothing_is_stored(shop, payments_on):
    payments_on.down = True
    with pytest.raises(stripe_accounts.stripe_connect.StripeUnavailable):
        stripe_accounts.start_onboarding(shop.db, actor=shop.admin)
    assert "stripe_connect" not in shop.db["companies"].find_one({"_id": shop.company["_id"]})
