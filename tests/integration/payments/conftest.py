"""Payments-area fixtures: a shop built through the services, PDFs rendered in-process."""

from __future__ import annotations

import io
import urllib.error

import pytest
from pypdf import PdfReader

from iprodash.integrations.pdf_worker import render_pdf_here
from iprodash.services import invoices
from tests.integration.jobs.conftest import Shop


@pytest.fixture(autouse=True)
def _render_in_process(monkeypatch):
    """The same rendering code the PDF worker runs, in the test process (quicker)."""
    monkeypatch.setattr(invoices, "render_pdf",
                        lambda html, on_page=None: render_pdf_here(html, on_page=on_page))


@pytest.fixture
def shop(db) -> Shop:
    return Shop(db, "Acme Locks")


@pytest.fixture
def other_shop(db) -> Shop:
    return Shop(db, "Other Locks")


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF"), data[:20]
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


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
    from iprodash.settings import get_settings

    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_fake_key")
    monkeypatch.setenv("STRIPE_CONNECT_WEBHOOK_SECRET", CONNECT_SECRET)
    monkeypatch.setenv("STRIPE_API_BASE", stripe_fake.url)
    monkeypatch.delenv("STRIPE_WEBHOOK_SECRET", raising=False)
    get_settings.cache_clear()
    yield stripe_fake
    get_settings.cache_clear()


@pytest.fixture
def payments_off(db, monkeypatch):
    from iprodash.settings import get_settings

    for name in ("STRIPE_API_KEY", "STRIPE_CONNECT_WEBHOOK_SECRET", "STRIPE_API_BASE"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


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
    from fastapi.testclient import TestClient

    from iprodash.api.app import create_api

    with TestClient(create_api(), base_url="http://localhost:3000") as client:
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
