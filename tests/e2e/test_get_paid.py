"""Get paid, as the office and the client do it: connect Stripe (fake onboarding), build an
invoice with two items and sales tax, send it, pay it on a phone through the fake Checkout,
see the card payment with Stripe's exact fee and the right profit, and download the invoice
PDF showing nothing left to pay.

Figures (Demo Locksmith, technician 40%, no lead source): items $200.00 taxable + $100.00
not, tax 8.875% -> $17.75, total $317.75, paid by card with Stripe's actual fee $10.09:
net 317.75 - 17.75 - 10.09 = 289.91; technician 115.96; profit 173.95.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import login
from tests.e2e.office_data import DemoOffice

CLIENT_EMAIL = "paula.payer@example.test"


def _card(page, heading: str):
    return page.locator("div.rt-Card").filter(has=page.get_by_role("heading", name=heading))


def _connect_stripe(page) -> None:
    page.goto("/settings/payments")
    page.get_by_role("button", name="Connect Stripe").click()
    page.wait_for_url(re.compile(r"/connect/onboard/"))
    expect(page.get_by_role("heading", name="Fake Stripe onboarding")).to_be_visible()
    page.get_by_role("button", name="Agree and submit").click()
    page.wait_for_url(re.compile(r"/settings/payments"))
    stripe = _card(page, "Card payments with Stripe")
    expect(stripe.get_by_text("Enabled")).to_have_count(2)
    page.get_by_label("Sales-tax rate %").fill("8.875")
    page.get_by_role("button", name="Save sales tax").click()
    expect(page.get_by_text(re.compile(r"8\.875%")).first).to_be_visible()


def _build_invoice(page) -> None:
    invoice = _card(page, "Invoice")
    for row, (description, price, taxable) in enumerate((("Torsion spring", "200.00", True),
                                                         ("Labor", "100.00", False))):
        invoice.get_by_role("button", name="Add item").click()
        expect(invoice.get_by_label("Item description")).to_have_count(row + 1)
        invoice.get_by_label("Item description").nth(row).fill(description)
        invoice.get_by_label("Quantity").nth(row).fill("1")
        invoice.get_by_label("Unit price").nth(row).fill(price)
        box = invoice.get_by_role("checkbox", name="Taxable").nth(row)
        if box.is_checked() != taxable:
            box.click()
        expect(box).to_be_checked(checked=taxable)
        expect(invoice.get_by_label("Item description").nth(row)).to_have_value(description)
    invoice.get_by_role("button", name="Save invoice").click()
    expect(invoice.get_by_text("$17.75")).to_be_visible()
    expect(invoice.get_by_text("$317.75").first).to_be_visible()


def _sent_pay_link(app_db, job_id) -> str:
    email = app_db["outbox"].find_one({"kind": "invoice", "job_id": job_id})
    assert email is not None and email["to"] == CLIENT_EMAIL
    return re.search(r"(http\S+/api/pay/\S+)", email["text"])[1]


def test_connect_invoice_send_pay_on_a_phone_and_download_the_paid_invoice(
        page, phone_page, app_server, app_db, fake_stripe):
    office = DemoOffice(app_db)
    tech = office.technician("Gina Getpaid", "(212) 555-0177")
    job = office.job(client="Paula Payer", phone="(212) 555-0178", technician_id=tech,
                     scheduled=True, email=CLIENT_EMAIL)
    login(page, "admin@demo.test")
    _connect_stripe(page)

    page.goto(f"/jobs/{job['_id']}")
    _build_invoice(page)
    invoice = _card(page, "Invoice")
    invoice.get_by_role("button", name="Send invoice").click()
    expect(page.get_by_text(f"Invoice emailed to {CLIENT_EMAIL}", exact=False).first
           ).to_be_visible()
    expect(invoice.get_by_text(re.compile(rf"invoice #\d+ \(\$317\.75 due\) emailed to "
                                          rf"{re.escape(CLIENT_EMAIL)}"))).to_be_visible()

    link = _sent_pay_link(app_db, job["_id"])
    fake_stripe.connect.next_fee = 1009  # Stripe's fee on this charge, to the cent
    phone_page.goto(link)
    assert phone_page.evaluate("window.innerWidth") == 375
    expect(phone_page.get_by_text("Balance due")).to_be_visible()
    pay = phone_page.get_by_role("button", name=re.compile(r"Pay \$317\.75"))
    expect(pay).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    pay.click()
    phone_page.wait_for_url(re.compile(r"/checkout/"))
    expect(phone_page.get_by_role("heading", name="Fake Stripe Checkout")).to_be_visible()
    phone_page.get_by_role("button", name="Pay").click()
    phone_page.wait_for_url(re.compile(r"paid=1"))
    expect(phone_page.get_by_text("Paid in full. Thank you!")).to_be_visible()  # the webhook
    expect(phone_page.get_by_role("button", name=re.compile("Pay"))).to_have_count(0)

    page.reload()
    payments = _card(page, "Payments")
    expect(payments.get_by_placeholder("Amount")).to_have_value("317.75")
    expect(_card(page, "Invoice").get_by_text("Balance due")).to_be_visible()
    page.get_by_role("button", name="Close job", exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Closing price $")).to_have_value("317.75")
    dialog.get_by_role("button", name="Close job").click()
    expect(page.get_by_text("Job closed at $317.75.")).to_be_visible()
    money = _card(page, "Money")
    for label, figure in (("Card fee", "$10.09"), ("Sales tax", "$17.75"), ("Net", "$289.91"),
                          ("Technician commission", "$115.96"),
                          ("Company profit", "$173.95")):
        row = money.locator("div.rt-Flex").filter(has=page.get_by_text(label, exact=True))
        expect(row.get_by_text(figure, exact=True).first).to_be_visible()

    with page.expect_download(timeout=60_000) as info:
        _card(page, "Invoice").get_by_role("button", name="Invoice PDF").click()
    download = info.value
    assert download.failure() is None, download.failure()
    data = Path(download.path()).read_bytes()
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
    assert "Paula Payer" in text and "$317.75" in text
    assert re.search(r"Balance due\s*\$0\.00", text), text
