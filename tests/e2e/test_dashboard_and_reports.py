"""The owner sees the dashboard and downloads a profit and loss PDF."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.e2e.office_data import DemoOffice


def test_dashboard_shows_tiles_and_charts(page, app_db):
    office = DemoOffice(app_db)
    tech = office.technician("Chart Tech", "(212) 555-0177")
    office.closed_job(client="Chart Client", phone="(212) 555-0178", technician_id=tech,
                      cash_cents=25000)  # so this month has profit to draw
    login(page, "admin@demo.test")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    for tile in ("Jobs closed", "Gross", "Company profit", "Close rate"):
        expect(page.get_by_text(tile).first).to_be_visible()
    # The charts are drawn by Plotly's basic bundle: every trace type they use
    # (bars, and the sources chart's ROI markers) must be in it, or Plotly draws
    # an empty plot.
    plots = page.locator(".js-plotly-plot")
    expect(plots).to_have_count(4, timeout=30_000)
    for n in range(4):
        expect(plots.nth(n).locator(".barlayer .point path").first).to_be_attached()
    # The sources chart's ROI trace (a scatter on a second axis) and its legend entry;
    # a source with no cost has no ROI point, so the trace may have no marker.
    expect(page.locator(".js-plotly-plot .scatterlayer .trace").first).to_be_attached()
    expect(page.locator(".js-plotly-plot .legend").get_by_text("ROI")).to_be_visible()


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
