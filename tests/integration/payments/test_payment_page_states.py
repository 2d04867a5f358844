"""The invoice section's and the Payments settings page's handlers, called as the
browser would call them (real session cookie, real database, no frontend build)."""

from __future__ import annotations

import pytest

from state.invoice_editor import InvoiceEditorState
from state.job_detail import JobDetailState
from state.payments_settings import PaymentsSettingsState
from tests.integration.tabs import Tab, call


def open_job_page(tab: Tab, state: InvoiceEditorState) -> None:
    """The job page's loader, which fills its invoice section."""
    answer = call(tab.at(JobDetailState, state.router.url.path), "load")
    assert "toast" not in repr(answer), answer


@pytest.fixture
def tabs(shop):
    user = shop.db["users"].find_one({"_id": shop.user.user_id})
    admin = shop.db["users"].find_one({"_id": shop.admin.user_id})
    return Tab.signed_in(shop.db, user), Tab.signed_in(shop.db, admin)


def test_office_builds_an_invoice_on_the_job_page(shop, tabs, payments_off):
    user_tab, _ = tabs
    job = shop.job()
    state = user_tab.at(InvoiceEditorState, f"/jobs/{job['_id']}")
    open_job_page(user_tab, state)
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
    open_job_page(user_tab, state)
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


def _drain(result) -> list:
    """Run a generator handler to its end, as Reflex does; its yielded events."""
    return list(result) if hasattr(result, "__iter__") and not isinstance(result, list) \
        else [result]


def test_send_invoice_from_the_card_lists_what_was_sent_or_says_why_not(shop, tabs,
                                                                         payments_off):
    from iprodash.services import invoices
    from iprodash.services.invoices import ItemInput

    user_tab, _ = tabs
    unreachable = shop.job()
    invoices.save_invoice(shop.db, actor=shop.user, job_id=str(unreachable["_id"]),
                          items=[ItemInput("Labor", "1", "100", False)])
    state = user_tab.at(InvoiceEditorState, f"/jobs/{unreachable['_id']}")
    open_job_page(user_tab, state)
    _drain(call(state, "send_invoice"))
    assert state.error.startswith("The client has no email address and has not agreed")
    assert state.sends == [] and not state.sending

    job = shop.job(client_email="ann@example.test")
    invoices.save_invoice(shop.db, actor=shop.user, job_id=str(job["_id"]),
                          items=[ItemInput("Labor", "1", "100", False)])
    state = user_tab.at(InvoiceEditorState, f"/jobs/{job['_id']}")
    open_job_page(user_tab, state)
    events = _drain(call(state, "send_invoice"))
    assert "Invoice emailed to ann@example.test" in repr(events)
    [line] = state.sends
    assert "($100.00 due) emailed to ann@example.test" in line and state.error == ""


def test_review_request_setting_on_the_texting_page(shop, tabs):
    from state.review_settings import ReviewSettingsState

    user_tab, admin_tab = tabs
    state = admin_tab.at(ReviewSettingsState, "/settings/messaging")
    call(state, "load")
    assert not state.enabled and state.channel == "text_or_email"
    call(state, "set_enabled", True)
    call(state, "save", {"review_link": ""})
    assert "Add the link to your review page" in state.error
    call(state, "set_channel", "email")
    call(state, "save", {"review_link": "https://g.page/r/acme/review"})
    assert state.error == "" and state.enabled and state.channel == "email"
    company = shop.db["companies"].find_one({"_id": shop.company["_id"]})
    assert company["reviews"] == {"enabled": True, "link": "https://g.page/r/acme/review",
                                  "channel": "email"}
    refused = user_tab.at(ReviewSettingsState, "/settings/messaging")
    assert "toast" in repr(call(refused, "save", {"review_link": ""})).lower()


def test_the_invoice_card_shows_a_refund_as_its_own_line(shop, tabs, connected, api):
    from tests.integration.payments.test_pay_by_link import _paid_by_link, _refund_day

    job, reference = _paid_by_link(shop, api, tip="20.00")
    connected.connect.refund(reference, 5000)
    user_tab, _ = tabs
    state = user_tab.at(InvoiceEditorState, f"/jobs/{job['_id']}")
    open_job_page(user_tab, state)
    assert [line["label"] for line in state.totals][-4:] == [
        "Paid", f"Refunded by Stripe on {_refund_day(shop)}", "Tips", "Balance due"]
    assert [line["text"] for line in state.totals][-4:] == [
        "$317.75", "-$50.00", "$20.00", "$50.00"]
