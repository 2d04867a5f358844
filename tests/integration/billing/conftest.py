"""Billing on: Stripe keys, plans and the API base pointed at a local fake Stripe."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from iprodash.api.app import create_api
from iprodash.repositories.base import utcnow
from iprodash.services.actor import COMPANY_ADMIN
from tests.factories import actor_for, make_company, make_user
from tests.fakes.stripe_fake import FakeStripe

WEBHOOK_SECRET = "whsec_test_billing_0123456789"
PLANS = {"price_basic": 4900, "price_pro": 9900}


@pytest.fixture
def stripe_fake():
    with FakeStripe(webhook_secret=WEBHOOK_SECRET, plans=PLANS) as fake:
        yield fake


@pytest.fixture
def billing_on(db, stripe_fake, monkeypatch):
    """Turn billing on for one test (after ``db`` has set up its settings)."""
    from iprodash.settings import get_settings

    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_fake_key")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
    monkeypatch.setenv("STRIPE_API_BASE", stripe_fake.url)
    monkeypatch.setenv("IPRODASH_PLANS", "price_basic:Basic:4900,price_pro:Pro:9900")
    monkeypatch.setenv("IPRODASH_TRIAL_DAYS", "14")
    monkeypatch.setenv("IPRODASH_PAST_DUE_GRACE_DAYS", "7")
    get_settings.cache_clear()
    yield stripe_fake
    get_settings.cache_clear()


@pytest.fixture
def billing_off(db, monkeypatch):
    """No Stripe keys, whatever the developer's environment holds."""
    from iprodash.settings import get_settings

    for name in ("STRIPE_API_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def api(db):
    with TestClient(create_api(), base_url="http://localhost:3000") as client:
        yield client


def trial_company(db, *, days_left: float = 10, **fields) -> dict:
    """An approved company in its free trial."""
    ends = utcnow() + timedelta(days=days_left)
    return make_company(db, billing={"status": "trialing", "trial_ends_at": ends}, **fields)


def admin_actor(db, company: dict):
    return actor_for(make_user(db, company=company, role=COMPANY_ADMIN))
