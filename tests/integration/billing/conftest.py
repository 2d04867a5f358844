"""Billing on: Stripe keys, plans and the API base pointed at a local fake Stripe."""

from __future__ import annotations

from datetime import timedelta

import pytest

from iprodash.repositories.base import utcnow
from iprodash.services.actor import COMPANY_ADMIN
from tests.factories import actor_for, make_company, make_user
from tests.fakes.stripe_fake import FakeStripe
from tests.integration.builders import api_client, stripe_settings

WEBHOOK_SECRET = "whsec_test_billing_0123456789"
PLANS = {"price_basic": 4900, "price_pro": 9900}


@pytest.fixture
def stripe_fake():
    with FakeStripe(webhook_secret=WEBHOOK_SECRET, plans=PLANS) as fake:
        yield fake


@pytest.fixture
def billing_on(db, stripe_fake, monkeypatch):
    """Turn billing on for one test (after ``db`` has set up its settings)."""
    with stripe_settings(monkeypatch, fake_url=stripe_fake.url,
                         STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
                         IPRODASH_PLANS="price_basic:Basic:4900,price_pro:Pro:9900",
                         IPRODASH_TRIAL_DAYS="14", IPRODASH_PAST_DUE_GRACE_DAYS="7"):
        yield stripe_fake


@pytest.fixture
def billing_off(db, monkeypatch):
    """No Stripe keys, whatever the developer's environment holds."""
    with stripe_settings(monkeypatch):
        yield


@pytest.fixture
def api(db):
    with api_client() as client:
        yield client


def trial_company(db, *, days_left: float = 10, **fields) -> dict:
    """An approved company in its free trial."""
    ends = utcnow() + timedelta(days=days_left)
    return make_company(db, billing={"status": "trialing", "trial_ends_at": ends}, **fields)


def admin_actor(db, company: dict):
    return actor_for(make_user(db, company=company, role=COMPANY_ADMIN))
