"""The owner sees the dashboard and downloads a profit and loss PDF."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import login


def test_dashboard_shows_tiles_and_charts(page):
    login(page, "admin@demo.test")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    for tile in ("Jobs closed", "Gross", "Company profit", "Close rate"):
        expect(page.get_by_text(tile).first).to_be_visible()


def test_report_download_link_refuses_a_stranger(page):
    """The PDF itself is clicked in test_downloads; a browser with no session gets 401."""
    login(page, "admin@demo.test")
    page.goto("/reports")
    page.get_by_role("combobox").first.click()
    page.get_by_role("option", name="Profit and loss").click()
    page.get_by_role("button", name="Make the PDF").click()
    link = page.get_by_role("link", name="Download PDF").first
    expect(link).to_be_visible(timeout=60_000)
    anonymous = page.context.browser.new_context().request
    refused = anonymous.get(f"{page.url.split('/reports')[0]}{link.get_attribute('href')}")
    assert refused.status == 401


def test_office_user_without_financials_sees_no_profit(page):
    login(page, "office@demo.test")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_text("Company profit")).to_have_count(0)
