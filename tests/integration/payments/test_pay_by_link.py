"""Pay by link against the fake Stripe: the pay page's token rules, Checkout on the
company's account, the Connect webhook (signature, de-duplication), the actual fee
from the balance transaction, tips and refunds."""

from __future__ import annotations

import re
from datetime import timedelta

from iprodash.domain.finance import Part, Payment
from iprodash.repositories.base import utcnow
from iprodash.services import card_payments, invoices, job_lifecycle, job_views, pay_links
from iprodash.services.invoices import ItemInput
from tests.fakes.stripe_fake import sign
from tests.integration.payments.conftest import CONNECT_SECRET, follow_hosted_form, pdf_text

ITEMS = [ItemInput("Torsion spring", "1", "200.00", True), ItemInput("Labor", "1", "100", False)]
REFUSAL = "This payment link is not available"


def _invoiced_job(shop):
    invoices.set_company_tax_rate(shop.db, actor=shop.admin, rate="8.875")
    tech, source = shop.technician(percent="40"), shop.source(percent="10")
    job = shop.job(technician_id=tech.id, lead_source_id=source.id)
    return invoices.save_invoice(shop.db, actor=shop.user, job_id=str(job["_id"]), items=ITEMS)


def _path(shop, job) -> str:
    link = pay_links.pay_link(shop.db, actor=shop.user, job_id=str(job["_id"]))
    return link.removeprefix("http://localhost:3000")


def _job(shop, job):
    return shop.db["jobs"].find_one({"_id": job["_id"]})


def test_worked_example_5_paid_by_link_with_the_actual_fee(shop, connected, api):
    fake = connected
    job = _invoiced_job(shop)
    page = api.get(_path(shop, job))
    assert page.status_code == 200 and "Pay $317.75" in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "no-store" in page.headers["cache-control"]

    answer = api.post(_path(shop, job), data={"tip": "20.00"}, follow_redirects=False)
    assert answer.status_code == 303
    checkout = answer.headers["location"]
    [created] = fake.api_calls("POST", "/v1/checkout/sessions")
    assert created.headers["stripe-account"].startswith("acct_")
    assert created.params["line_items[1][price_data][unit_amount]"] == "2000"
    assert "payments" not in _job(shop, job) or not _job(shop, job)["payments"]

    fake.connect.next_fee = 1009
    back = follow_hosted_form(checkout)
    assert back.endswith("?paid=1")
    [payment] = _job(shop, job)["payments"]
    assert payment == {"method": "card", "amount_cents": 33775, "collected_by": "company",
                       "tip_cents": 2000, "fee_cents": 1009,
                       "reference": payment["reference"]}
    assert payment["reference"].startswith("pi_")
    assert "Paid in full" in api.get(_path(shop, job)).text

    job = shop.walk_to(_job(shop, job), "pending_approval")
    closed = job_lifecycle.close_job(shop.db, actor=shop.user, job_id=str(job["_id"]),
                                     closing_price_cents=33775,
                                     parts=[Part("Spring", 4000, "company")]).job
    f = closed["finance"]
    assert (f["cc_fee"], f["tax"], f["tips"], f["net"], f["tech_commission"],
            f["source_commission"], f["company_profit"]) == (
        1009, 1775, 2000, 24991, 9996, 2499, 12496)


def test_the_webhook_checks_signatures_and_handles_each_event_once(shop, connected, api):
    fake = connected
    job = _invoiced_job(shop)
    checkout = api.post(_path(shop, job), data={"tip": ""},
                        follow_redirects=False).headers["location"]
    follow_hosted_form(checkout)
    assert len(_job(shop, job)["payments"]) == 1  # two events, one payment
    kinds = [event["type"] for event in fake.connect.delivered]
    assert "checkout.session.completed" in kinds and "payment_intent.succeeded" in kinds

    again = fake.connect.delivered[-1]
    body, header = fake.signed(again, secret=CONNECT_SECRET)
    answer = api.post("/api/webhooks/stripe-connect", content=body,
                      headers={"stripe-signature": header})
    assert answer.status_code == 200 and answer.json()["outcome"] == "duplicate"

    forged = {**again, "id": "evt_forged"}
    body, _ = fake.signed(forged, secret=CONNECT_SECRET)
    for header in ("", sign(body, "whsec_wrong"),
                   sign(body, CONNECT_SECRET, timestamp=int(utcnow().timestamp()) - 3600)):
        answer = api.post("/api/webhooks/stripe-connect", content=body,
                          headers={"stripe-signature": header})
        assert answer.status_code == 400
    assert len(_job(shop, job)["payments"]) == 1


def test_an_event_from_another_companys_account_touches_nothing(shop, other_shop, connected,
                                                                 api):
    job = _invoiced_job(shop)
    checkout = api.post(_path(shop, job), data={}, follow_redirects=False).headers["location"]
    follow_hosted_form(checkout)
    event = dict(connected.connect.delivered[-1])
    event.update(id="evt_other", account="acct_not_ours")
    body, header = connected.signed(event, secret=CONNECT_SECRET)
    answer = api.post("/api/webhooks/stripe-connect", content=body,
                      headers={"stripe-signature": header})
    assert answer.json()["outcome"] == "ignored: no company has this account"


def test_a_refund_in_stripe_shows_on_the_job_and_waits_when_closed(shop, connected, api):
    fake = connected
    job = _invoiced_job(shop)
    follow_hosted_form(api.post(_path(shop, job), data={},
                                follow_redirects=False).headers["location"])
    reference = _job(shop, job)["payments"][0]["reference"]
    job = shop.walk_to(_job(shop, job), "pending_approval")
    job_lifecycle.close_job(shop.db, actor=shop.user, job_id=str(job["_id"]),
                            closing_price_cents=31775)
    before = _job(shop, job)["finance"]
    fake.connect.refund(reference, 5000)
    after = _job(shop, job)
    assert after["refunds"][0]["amount_cents"] == 5000
    assert after["finance"] == before  # figures change only when it closes again
    assert card_payments.waiting_card_lines(after)[0] == (
        "Stripe refunded $50.00 of a card payment after the job was closed.")
    fake.connect.refund(reference, 1000)
    assert _job(shop, job)["refunds"][0]["amount_cents"] == 6000
    assert invoices.job_invoice(shop.db, actor=shop.user,
                                job_id=str(job["_id"])).balance_due == 6000


def test_every_bad_link_gets_the_same_refusal(shop, other_shop, connected, api):
    job = _invoiced_job(shop)
    good = _path(shop, job)
    expires, mac = good.rsplit("/", 1)[1].split(".")
    other = invoices.save_invoice(other_shop.db, actor=other_shop.user,
                                  job_id=str(other_shop.job()["_id"]), items=ITEMS)
    stale = pay_links.pay_token(job, now=utcnow() - timedelta(days=31))
    bad = [good.replace(mac, "0" * 32), good.replace(str(job["_id"]), str(other["_id"])),
           good.rsplit("/", 1)[0] + "/" + stale, "/api/pay/not-an-id/x",
           good.rsplit("/", 1)[0] + "/" + expires]
    pages = [api.get(path) for path in bad]
    assert {(p.status_code, p.text) for p in pages} == {(404, pages[0].text)}
    assert REFUSAL in pages[0].text
    assert api.post(bad[0], data={}).status_code == 404


def test_the_pay_page_is_rate_limited_per_address(shop, connected, api):
    job = _invoiced_job(shop)
    path = _path(shop, job)
    codes = [api.get(path).status_code for _ in range(pay_links.VIEWS_PER_WINDOW + 1)]
    assert codes[:-1] == [200] * pay_links.VIEWS_PER_WINDOW and codes[-1] == 429


def test_no_card_button_until_the_account_can_take_charges(shop, payments_on, api):
    job = _invoiced_job(shop)
    page = api.get(_path(shop, job))
    assert page.status_code == 200 and "not available for this invoice" in page.text
    answer = api.post(_path(shop, job), data={})
    assert answer.status_code == 200 and "does not take card payments" in answer.text
    assert re.search(r"Balance due</td><td class=\"num\">\$317.75", answer.text)


def _paid_by_link(shop, api, tip: str = "") -> tuple[dict, str]:
    job = _invoiced_job(shop)
    follow_hosted_form(api.post(_path(shop, job), data={"tip": tip},
                                follow_redirects=False).headers["location"])
    return _job(shop, job), _job(shop, job)["payments"][0]["reference"]


def test_a_refund_on_an_open_job_comes_off_its_payment_at_once(shop, connected, api):
    connected.connect.next_fee = 1009
    job, reference = _paid_by_link(shop, api, tip="20.00")
    connected.connect.refund(reference, 5000)
    after = _job(shop, job)
    [payment] = after["payments"]
    assert (payment["amount_cents"], payment["tip_cents"], payment["fee_cents"]) == (
        33775 - 5000, 2000, 1009)  # off the charge, not the tip; Stripe keeps its fee
    assert after["refunds"][0] | {"at": None} == {"reference": reference, "amount_cents": 5000,
                                                   "applied_cents": 5000, "at": None,
                                                   "payment_cents": 33775, "tip_cents": 2000}
    assert not after.get("card_pending")
    view = invoices.job_invoice(shop.db, actor=shop.user, job_id=str(job["_id"]))
    assert (view.paid, view.refunded, view.balance_due) == (26775, 5000, 5000)
    job = shop.walk_to(after, "pending_approval")
    closed = job_lifecycle.close_job(shop.db, actor=shop.user, job_id=str(job["_id"]),
                                     closing_price_cents=28775).job
    assert (closed["finance"]["gross"], closed["finance"]["cc_fee"]) == (28775, 1009)

    connected.connect.refund(reference)  # the rest, after the close: waits
    assert len(_job(shop, job)["payments"]) == 1


def test_a_refund_in_full_takes_the_payment_off_an_open_job_and_its_fee_stays_a_cost(
        shop, connected, api):
    connected.connect.next_fee = 1009
    job, reference = _paid_by_link(shop, api)
    connected.connect.refund(reference)
    after = _job(shop, job)
    assert after["payments"] == [] and after["refunds"][0]["amount_cents"] == 31775
    assert after["refunds"][0]["kept_fee_cents"] == 1009  # Stripe keeps its fee
    view = invoices.job_invoice(shop.db, actor=shop.user, job_id=str(job["_id"]))
    assert (view.paid, view.balance_due) == (0, 31775)
    job = shop.walk_to(after, "pending_approval")
    closed = job_lifecycle.close_job(shop.db, actor=shop.user, job_id=str(job["_id"]),
                                     closing_price_cents=31775,
                                     payments=[Payment("cash", 31775, "technician")]).job
    f = closed["finance"]
    assert (f["gross"], f["card"], f["tax"], f["cc_fee"], f["net"]) == (
        31775, 0, 1775, 1009, 31775 - 1775 - 1009)
    note = job_views.job_detail(shop.db, actor=shop.admin, job_id=str(job["_id"])).finance_note
    assert note.endswith("The card fee includes $10.09 Stripe kept on refunded card money.")


def test_a_refund_on_a_closed_job_changes_its_figures_only_after_reopen_and_close(
        shop, connected, api):
    connected.connect.next_fee = 1009
    job, reference = _paid_by_link(shop, api)
    job = shop.walk_to(job, "pending_approval")
    closed = job_lifecycle.close_job(shop.db, actor=shop.user, job_id=str(job["_id"]),
                                     closing_price_cents=31775).job
    connected.connect.refund(reference, 10000)
    waiting = _job(shop, job)
    assert waiting["finance"] == closed["finance"] and waiting["payments"] == closed["payments"]
    assert waiting["refunds"][0]["applied_cents"] == 0
    notes = card_payments.waiting_card_lines(waiting)
    assert notes[0] == "Stripe refunded $100.00 of a card payment after the job was closed."
    assert "figures change when it is closed again" in notes[1]
    assert invoices.view_of(waiting).balance_due == 10000

    reopened = job_lifecycle.reopen_job(shop.db, actor=shop.admin, job_id=str(job["_id"]),
                                        reason="Client refunded in Stripe").job
    assert reopened["payments"][0]["amount_cents"] == 21775 and not reopened["card_pending"]
    assert reopened["refunds"][0]["applied_cents"] == 10000
    assert invoices.view_of(reopened).balance_due == 10000  # counted once, not twice
    again = job_lifecycle.close_job(shop.db, actor=shop.user, job_id=str(job["_id"]),
                                    closing_price_cents=21775).job
    f = again["finance"]
    assert (f["gross"], f["tax"], f["cc_fee"], f["net"]) == (21775, 1775, 1009, 21775 - 1775
                                                             - 1009)
    assert f != closed["finance"]


def test_a_late_card_payment_on_a_closed_job_joins_its_payments_on_reopen(shop, connected,
                                                                          api):
    job = _invoiced_job(shop)
    link = _path(shop, job)
    job = shop.walk_to(_job(shop, job), "pending_approval")
    closed = job_lifecycle.close_job(shop.db, actor=shop.user, job_id=str(job["_id"]),
                                     closing_price_cents=10000,
                                     payments=[Payment("cash", 10000, "technician")]).job
    follow_hosted_form(api.post(link, data={}, follow_redirects=False).headers["location"])
    waiting = _job(shop, job)
    assert waiting["payments"] == closed["payments"] and waiting["finance"] == closed["finance"]
    assert card_payments.waiting_card_lines(waiting)[0] == (
        "A card payment of $217.75 arrived after the job was closed.")
    reopened = job_lifecycle.reopen_job(shop.db, actor=shop.admin, job_id=str(job["_id"]),
                                        reason="Card payment came in").job
    assert [p["method"] for p in reopened["payments"]] == ["cash", "card"]
    assert card_payments.waiting_card_lines(reopened) == []


def _refund_day(shop) -> str:
    from iprodash.domain.clock import company_now
    local = company_now(shop.db["companies"].find_one({"_id": shop.company["_id"]}))
    return f"{local:%b} {local.day}, {local.year}"


def test_a_refund_is_its_own_line_on_the_pay_page_and_the_pdf_and_reopens_the_balance(
        shop, connected, api):
    job, reference = _paid_by_link(shop, api, tip="20.00")
    assert "Paid in full" in api.get(_path(shop, job)).text
    connected.connect.refund(reference, 5000)
    day = _refund_day(shop)

    page = api.get(_path(shop, job)).text
    assert re.search(r"<td>Paid</td><td class=\"num\">\$317\.75</td>", page)
    assert f"<td>Refunded by Stripe on {day}</td><td class=\"num\">-$50.00</td>" in page
    assert re.search(r"Balance due</td><td class=\"num\">\$50\.00</td>", page)
    assert "Paid in full" not in page and "Pay $50.00" in page

    _, data = invoices.invoice_pdf(shop.db, actor=shop.user, job_id=str(job["_id"]))
    text = pdf_text(data)
    for expected in ("$337.75", f"Refunded by Stripe on {day}", "-$50.00", "$317.75",
                     "Balance due", "$50.00"):
        assert expected in text, expected
    view = invoices.job_invoice(shop.db, actor=shop.user, job_id=str(job["_id"]))
    assert view.total_lines()[-3:] == [("Paid", 31775),
                                       (f"Refunded by Stripe on {day}", -5000),
                                       ("Balance due", 5000)]


def test_a_refund_beyond_the_invoice_part_names_the_tip_it_gave_back(shop, connected, api):
    job, reference = _paid_by_link(shop, api, tip="20.00")
    connected.connect.refund(reference)  # all of it, the $20.00 tip too
    day = _refund_day(shop)
    view = invoices.job_invoice(shop.db, actor=shop.user, job_id=str(job["_id"]))
    assert (view.paid, view.received, view.balance_due, view.tips) == (0, 31775, 31775, 0)
    assert view.total_lines()[-2] == (
        f"Refunded by Stripe on {day} (and $20.00 of tip)", -31775)
    assert view.payments == [{"method": "Card", "amount_text": "$337.75",
                              "tip_text": "$20.00"}]  # as the client paid it


def test_a_refund_waiting_on_a_closed_job_shows_on_the_pay_page_at_once(shop, connected,
                                                                         api):
    job, reference = _paid_by_link(shop, api)
    job = shop.walk_to(job, "pending_approval")
    job_lifecycle.close_job(shop.db, actor=shop.user, job_id=str(job["_id"]),
                            closing_price_cents=31775)
    connected.connect.refund(reference, 10000)
    page = api.get(_path(shop, job)).text
    assert f"Refunded by Stripe on {_refund_day(shop)}</td><td class=\"num\">-$100.00" in page
    assert re.search(r"Balance due</td><td class=\"num\">\$100\.00</td>", page)
