"""Payments-area fixtures: the jobs area's shop, PDFs rendered in-process, the fake Stripe."""

from __future__ import annotations

import urllib.error

import pytest

from iprodash.services import invoices
from tests.integration.builders import api_client, pdf_text, render_in_process, stripe_settings
from tests.integration.jobs.conftest import other_shop, shop  # noqa: F401 - the shop fixtures

__all__ = ["pdf_text"]


@pytest.fixture(autouse=True)
def _render_in_process(monkeypatch):
    render_in_process(monkeypatch, invoices)


CONNECT_SECRET = "whsec_test_connect_0123456789"


@pytest.fixture
def stripe_fake():
    from tests.fakes.stripe_fake import FakeStripe

    with FakeStripe(webhook_secret="whsec_test_billing_unused",
                    connect_secret=CONNECT_SECRET) as fake:
        yield fake


@pytest.fixture
def payments_on(db, stripe_fake, monkeypatch):
    """Card payments on for one test: the platform key, the Connect secret, the fake's base."""
    with stripe_settings(monkeypatch, fake_url=stripe_fake.url,
                         STRIPE_CONNECT_WEBHOOK_SECRET=CONNECT_SECRET):
        yield stripe_fake


@pytest.fixture
def payments_off(db, monkeypatch):
    with stripe_settings(monkeypatch):
        yield


def follow_hosted_form(url: str) -> str:
    """Submit the single form of a fake Stripe hosted page; returns the redirect target."""
    import re
    import urllib.request
    from urllib.parse import urljoin

    with urllib.request.urlopen(url, timeout=10) as page:
        action = re.search(r"action='([^']+)'", page.read().decode())[1]

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(urllib.request.Request(urljoin(url, action), data=b"", method="POST"),
                    timeout=10)
    except urllib.error.HTTPError as exc:
        assert exc.code == 303, exc.code
        return exc.headers["location"]
    raise AssertionError("the hosted page did not redirect")


@pytest.fixture
def api(db):
    with api_client() as client:
        yield client


@pytest.fixture
def connected(shop, payments_on, api):
    """The shop's Stripe account onboarded through the fake, Connect events posted to the app."""
    from iprodash.services import stripe_accounts

    def post(body: bytes, header: str) -> int:
        return api.post("/api/webhooks/stripe-connect", content=body, headers={
            "stripe-signature": header, "content-type": "application/json"}).status_code

    payments_on.connect.connect_transport = post
    follow_hosted_form(stripe_accounts.start_onboarding(shop.db, actor=shop.admin))
    return payments_on
