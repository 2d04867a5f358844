"""The billing page goes to (fake) Stripe Checkout and back; a signed
webhook updates the status; cancelling makes the account read-only."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import login


def test_subscribe_through_checkout_then_cancel(page, fake_stripe):
    login(page, "admin@other.test")
    page.goto("/billing")
    page.get_by_role("button", name=re.compile("Subscribe")).click()
    page.wait_for_url(re.compile(r"/checkout/cs_"))
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url(re.compile(r"/billing"))
    expect(page.get_by_text("Basic").first).to_be_visible()
    expect(page.get_by_text("Active").first).to_be_visible(timeout=30_000)
    assert fake_stripe.api_calls("POST", "/v1/customers")

    page.get_by_role("button", name=re.compile("Manage billing")).click()
    page.wait_for_url(re.compile(r"/portal/"))
    page.get_by_role("button", name=re.compile("Cancel subscription")).click()
    page.wait_for_url(re.compile(r"/billing"))
    expect(page.get_by_text("Canceled").first).to_be_visible(timeout=30_000)
    expect(page.get_by_text(re.compile("read-only")).first).to_be_visible()
