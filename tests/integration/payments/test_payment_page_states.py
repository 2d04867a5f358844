"""The invoice section's and the Payments settings page's handlers, called as the
browser would call them (real session cookie, real database, no frontend build)."""

from __future__ import annotations

import pytest

from state.invoice_editor import InvoiceEditorState
from state.payments_settings import PaymentsSettingsState
from tests.integration.jobs.test_jobs_page_states import Browser, call


@pytest.fixture
def tabs(shop):
    user = shop.db["users"].find_one({"_id": shop.user.user_id})
    admin = shop.db["users"].find_one({"_id": shop.admin.user_id})
    return Browser(shop.db, user), Browser(shop.db, admin)


def test_office_builds_an_invoice_on_the_job_page(shop, tabs, payments_off):
    user_tab, _ = tabs
    job = shop.job()
    state = user_tab.at(InvoiceEditorState, f"/jobs/{job['_id']}")
    call(state, "load")
    assert not state.has_invoice and state.editable
    call(state, "add_item")
    call(state, "add_item")
    call(state, "set_item", 0, "description", "Torsion spring")
    call(state, "set_item", 0, "unit_price", "200")
    call(state, "set_item", 1, "description", "Labor")
    call(state, "set_item", 1, "unit_price", "100")
    call(state, "set_item", 1, "taxable", False)
    call(state, "set_item", 1, "no_such_field", "x")
    call(state, "set_tax_rate", "8.875")
    call(state, "save")
    assert state.error == "" and state.number == "#1"
    assert {"label": "Sales tax (8.875%)", "text": "$17.75"} in state.totals
    assert {"label": "Balance due", "text": "$317.75"} in state.totals
    assert state.pdf_url == f"/api/invoices/{job['_id']}/pdf"
    call(state, "show_pay_link")
    assert f"/api/pay/{job['_id']}/" in state.pay_link


def test_bad_items_get_a_sentence_and_nothing_is_saved(shop, tabs, payments_off):
    user_tab, _ = tabs
    job = shop.job()
    state = user_tab.at(InvoiceEditorState, f"/jobs/{job['_id']}")
    call(state, "load")
    call(state, "add_item")
    call(state, "set_item", 0, "description", "Labor")
    call(state, "set_item", 0, "unit_price", "lots")
    call(state, "save")
    assert state.error.startswith("Item 1:")
    assert "invoice" not in shop.db["jobs"].find_one({"_id": job["_id"]})


def test_payments_settings_admin_only_and_sales_tax(shop, tabs, payments_off):
    user_tab, admin_tab = tabs
    state = admin_tab.at(PaymentsSettingsState, "/settings/payments")
    call(state, "load")
    assert state.loaded and not state.available and state.status_text == "Not connected"
    call(state, "save_tax_rate", {"tax_rate": "45"})
    assert "between 0% and 30%" in state.tax_error
    call(state, "save_tax_rate", {"tax_rate": "8.875"})
    assert state.tax_rate == "8.875" and state.tax_error == ""
    refused = user_tab.at(PaymentsSettingsState, "/settings/payments")
    result = call(refused, "save_tax_rate", {"tax_rate": "1"})
    assert "toast" in repr(result).lower()
    company = shop.db["companies"].find_one({"_id": shop.company["_id"]})
    assert company["sales_tax_milli_percent"] == 8875
