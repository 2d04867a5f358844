"""Invoices: items, discount and sales tax on a job, numbers per company, the PDF,
and the job's money with the tax taken out (DOMAIN.md worked example 5)."""

from __future__ import annotations

import pytest

from iprodash.domain.errors import Conflict, NotFound, PermissionDenied, ValidationError
from iprodash.domain.finance import Payment, Part
from iprodash.services import invoices, job_lifecycle, job_views, jobs
from iprodash.services.invoices import ItemInput
from tests.integration.payments.conftest import pdf_text

SPRING = ItemInput("Torsion spring", "1", "200.00", True)
LABOR = ItemInput("Labor", "2", "50", False)


def _invoice(shop, job, *items, **kw):
    return invoices.save_invoice(shop.db, actor=shop.user, job_id=str(job["_id"]),
                                 items=list(items or (SPRING, LABOR)), **kw)


def test_company_rate_applies_and_the_job_can_override_it(shop):
    invoices.set_company_tax_rate(shop.db, actor=shop.admin, rate="8.875")
    job = _invoice(shop, shop.job())
    inv = job["invoice"]
    assert (inv["subtotal_cents"], inv["taxable_cents"], inv["tax_cents"],
            inv["total_cents"]) == (30000, 20000, 1775, 31775)
    assert inv["tax_rate_milli_percent"] == 8875 and not inv["tax_rate_overridden"]
    job = _invoice(shop, job, SPRING, tax_rate="5")
    assert (job["invoice"]["tax_cents"], job["invoice"]["tax_rate_overridden"]) == (1000, True)
    invoices.set_company_tax_rate(shop.db, actor=shop.admin, rate="10")
    assert shop.db["jobs"].find_one({"_id": job["_id"]})["invoice"]["tax_cents"] == 1000


def test_numbers_are_sequential_per_company_and_kept_on_edit(shop, other_shop):
    first = _invoice(shop, shop.job())
    second = _invoice(shop, shop.job())
    elsewhere = _invoice(other_shop, other_shop.job())
    again = _invoice(shop, first, LABOR)
    assert [first["invoice"]["number"], second["invoice"]["number"]] == [1, 2]
    assert elsewhere["invoice"]["number"] == 1
    assert again["invoice"]["number"] == 1 and again["invoice"]["subtotal_cents"] == 10000


def test_bad_input_is_refused_with_a_sentence_and_nothing_changes(shop):
    job = shop.job()
    for kw, items in (({}, [ItemInput("", "1", "5", True)]),
                      ({}, [ItemInput("Labor", "0", "5", True)]),
                      ({"discount": "500"}, [LABOR]),
                      ({"tax_rate": "45"}, [LABOR]),
                      ({}, [])):
        with pytest.raises(ValidationError) as info:
            _invoice(shop, job, *items, **kw) if items else invoices.save_invoice(
                shop.db, actor=shop.user, job_id=str(job["_id"]), items=[])
        assert info.value.message.endswith(".")
    assert "invoice" not in shop.db["jobs"].find_one({"_id": job["_id"]})
    assert shop.db["counters"].count_documents({"_id": f"{shop.company['_id']}:invoices"}) == 0


def test_only_the_office_writes_and_only_in_its_own_company(shop, other_shop):
    job = shop.job()
    with pytest.raises(NotFound):
        invoices.save_invoice(shop.db, actor=other_shop.user, job_id=str(job["_id"]),
                              items=[LABOR])
    with pytest.raises(PermissionDenied):
        invoices.set_company_tax_rate(shop.db, actor=shop.user, rate="5")
    with pytest.raises(Conflict):
        _invoice(shop, job, LABOR, version="2020-01-01T00:00:00+00:00")


def test_a_closed_job_is_not_invoiced_until_reopened(shop):
    tech = shop.technician()
    job = shop.closed_job(payments=[Payment("cash", 10000, "company")], technician_id=tech.id)
    with pytest.raises(ValidationError, match="closed job"):
        _invoice(shop, job, LABOR)


def test_worked_example_5_through_the_services(shop):
    """Invoice with tax, a card payment with a tip and an actual fee, closed: the
    job's money is DOMAIN.md's worked example 5 to the cent."""
    invoices.set_company_tax_rate(shop.db, actor=shop.admin, rate="8.875")
    tech = shop.technician(percent="40")
    source = shop.source(percent="10")
    job = shop.job(technician_id=tech.id, lead_source_id=source.id)
    _invoice(shop, job)
    paid = Payment("card", 33775, "company", tip_cents=2000, fee_cents=1009, reference="pi_5")
    job = shop.walk_to(shop.db["jobs"].find_one({"_id": job["_id"]}), "pending_approval")
    closed = job_lifecycle.close_job(shop.db, actor=shop.user, job_id=str(job["_id"]),
                                     closing_price_cents=33775, payments=[paid],
                                     parts=[Part("Spring", 4000, "company")]).job
    f = closed["finance"]
    assert (f["tax"], f["tips"], f["cc_fee"], f["net"], f["tech_commission"],
            f["source_commission"], f["company_profit"]) == (
        1775, 2000, 1009, 24991, 9996, 2499, 12496)
    assert closed["payments"][0] == {"method": "card", "amount_cents": 33775,
                                     "collected_by": "company", "tip_cents": 2000,
                                     "fee_cents": 1009, "reference": "pi_5"}
    lines = {line["key"]: line["text"] for line in
             job_views.job_detail(shop.db, actor=shop.admin, job_id=str(job["_id"])).finance_lines}
    assert lines["tax"] == "$17.75" and lines["tips"] == "$20.00"
    assert lines["company_profit"] == "$124.96"
    view = invoices.job_invoice(shop.db, actor=shop.user, job_id=str(job["_id"]))
    assert (view.total, view.paid, view.tips, view.balance_due) == (31775, 31775, 2000, 0)


def test_a_job_without_an_invoice_reads_as_before(shop):
    tech = shop.technician(percent="40")
    job = shop.closed_job(payments=[Payment("card", 40000, "company")],
                          parts=[Part("Door lock", 5000, "technician")], technician_id=tech.id)
    lines = [line["key"] for line in
             job_views.job_detail(shop.db, actor=shop.admin, job_id=str(job["_id"])).finance_lines]
    assert "tax" not in lines and "tips" not in lines
    assert invoices.job_invoice(shop.db, actor=shop.user, job_id=str(job["_id"])) is None
    with pytest.raises(ValidationError, match="no invoice"):
        invoices.invoice_pdf(shop.db, actor=shop.user, job_id=str(job["_id"]))


def test_the_pdf_lists_items_tax_payments_and_balance_due(shop):
    invoices.set_company_tax_rate(shop.db, actor=shop.admin, rate="8.875")
    job = _invoice(shop, shop.job(), SPRING, ItemInput("Labor <b>", "1.5", "40", False),
                   discount="10")
    jobs.save_payments_and_parts(shop.db, actor=shop.user, job_id=str(job["_id"]),
                                 payments=[Payment("cash", 10000, "technician")], parts=[])
    name, data = invoices.invoice_pdf(shop.db, actor=shop.user, job_id=str(job["_id"]))
    text = pdf_text(data)
    assert name == "invoice-acme-locks-1.pdf"
    # subtotal 260.00; the 10.00 discount takes 200/260 of itself (7.69) off the
    # taxable 200.00; tax 8.875% of 192.31 = 17.07; total 267.07; paid 100.00
    for expected in ("Invoice #1", "Torsion spring", "Labor <b>", "1.5", "$260.00", "-$10.00",
                     "Sales tax (8.875%)", "$17.07", "$267.07", "$100.00", "Balance due",
                     "$167.07"):
        assert expected in text, expected


def test_the_pdf_route_needs_a_session_of_the_jobs_company(shop, other_shop, api):
    from iprodash.api.security import SESSION_COOKIE
    from iprodash.services import auth

    job = _invoice(shop, shop.job())
    path = f"/api/invoices/{job['_id']}/pdf"
    assert api.get(path).status_code == 401
    stranger = shop.db["users"].find_one({"_id": other_shop.user.user_id})
    api.cookies.set(SESSION_COOKIE, auth.issue_session(shop.db, user=stranger, ip="127.0.0.1",
                                                       user_agent="pytest"))
    assert api.get(path).status_code == 404
    member = shop.db["users"].find_one({"_id": shop.user.user_id})
    api.cookies.set(SESSION_COOKIE, auth.issue_session(shop.db, user=member, ip="127.0.0.1",
                                                       user_agent="pytest"))
    answer = api.get(path)
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
    assert "invoice-acme-locks-1.pdf" in answer.headers["content-disposition"]
