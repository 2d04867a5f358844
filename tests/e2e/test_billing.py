"""The billing page goes to (fake) Stripe Checkout and back; a signed
webhook updates the status; cancelling makes the account read-only."""

from __future__ import annotations

from tests.e2e.billing_flow import subscribe_then_cancel
from tests.e2e.conftest import login


def test_subscribe_through_checkout_then_cancel(page, fake_stripe):
    login(page, "admin@other.test")
    subscribe_then_cancel(page)
    assert fake_stripe.api_calls("POST", "/v1/customers")
