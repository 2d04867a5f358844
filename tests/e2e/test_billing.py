"""The billing page goes to (fake) Stripe Checkout and back; a signed
webhook updates the status; cancelling makes the account read-only."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.billing_flow import subscribe_then_cancel
from tests.e2e.conftest import login


def test_subscribe_through_checkout_then_cancel(page, fake_stripe):
    login(page, "admin@other.test")
    subscribe_then_cancel(page)
    assert fake_stripe.api_calls("POST", "/v1/customers")
    # Every signed-in page now says so above its heading (set by the page's guard).
    page.goto("/jobs")
    expect(page.get_by_role("heading", name="Jobs")).to_be_visible()
    expect(page.get_by_role("status").filter(
        has_text="Your subscription is canceled: the account is read-only.")).to_be_visible()
