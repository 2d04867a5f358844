"""The billing steps a company admin clicks through on fake Stripe's hosted pages."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def subscribe_then_cancel(page) -> None:
    """Subscribe through Checkout, then cancel in the billing portal: read-only."""
    page.goto("/billing")
    page.get_by_role("button", name=re.compile("Subscribe")).click()
    page.wait_for_url(re.compile(r"/checkout/cs_"))
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url(re.compile(r"/billing"))
    expect(page.get_by_text("Basic").first).to_be_visible()
    expect(page.get_by_text("Active").first).to_be_visible(timeout=30_000)

    page.get_by_role("button", name=re.compile("Manage billing")).click()
    page.wait_for_url(re.compile(r"/portal/"))
    page.get_by_role("button", name=re.compile("Cancel subscription")).click()
    page.wait_for_url(re.compile(r"/billing"))
    expect(page.get_by_text("Canceled").first).to_be_visible(timeout=30_000)
    expect(page.get_by_text(re.compile("read-only")).first).to_be_visible()


def make_read_only(page) -> None:
    """Leave the signed-in admin's company on an ended plan (once is enough)."""
    page.goto("/billing")
    expect(page.get_by_role("heading", name="Billing")).to_be_visible()
    page.wait_for_timeout(1000)
    if page.get_by_text(re.compile("read-only")).count() == 0:
        subscribe_then_cancel(page)
