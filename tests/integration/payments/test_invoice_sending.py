""""Send invoice": the pay link by email through the outbox, by text only with consent,
what was sent listed on the job, and a clear refusal when the client cannot be reached."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from bson import ObjectId

from iprodash.domain.errors import Conflict, NotFound, PermissionDenied, ValidationError
from iprodash.services import invoice_sending, invoices, pay_links
from iprodash.services.actor import TECHNICIAN, Actor
from iprodash.services.invoices import ItemInput
from iprodash.services.job_records import zone_of
from tests.factories import sms_opted_in

ITEMS = [ItemInput("Torsion spring", "1", "200.00", True), ItemInput("Labor", "1", "100", False)]
NOON_NY = datetime(2026, 6, 2, 16, 0, tzinfo=timezone.utc)
NIGHT_NY = datetime(2026, 6, 3, 3, 0, tzinfo=timezone.utc)  # 23:00 in New York


def _invoiced(shop, **form):
    invoices.set_company_tax_rate(shop.db, actor=shop.admin, rate="8.875")
    job = shop.job(**form)
    return invoices.save_invoice(shop.db, actor=shop.user, job_id=str(job["_id"]), items=ITEMS)


def _outbox(shop, job, kind):
    return list(shop.db["outbox"].find({"job_id": job["_id"], "kind": kind}))


def test_email_only_without_consent_with_the_signed_pay_link(shop):
    job = _invoiced(shop, client_email="ann@example.test")
    sent = invoice_sending.send_invoice(shop.db, actor=shop.user, job_id=str(job["_id"]),
                                        now=NOON_NY)
    assert sent.email == "ann@example.test" and sent.phone == ""
    assert sent.summary.startswith("Invoice emailed to ann@example.test.")
    assert "Not texted" in sent.summary and "has not agreed to texts" in sent.summary
    [email] = _outbox(shop, job, "invoice")
    assert email["channel"] == "email" and email["status"] == "queued"
    assert "Amount due: $317.75" in email["text"]
    path = "/api/pay/" + email["text"].split("/api/pay/")[1].split()[0]
    job_id, token = path.split("/")[3:5]
    assert job_id == str(job["_id"]) and pay_links.open_pay_page(
        shop.db, job_id=job_id, token=token, ip="203.0.113.1").invoice.balance_due == 31775
    assert _outbox(shop, job, "invoice_link") == []

    after = shop.db["jobs"].find_one({"_id": job["_id"]})
    [line] = invoice_sending.sends_text(after, zone_of(shop.company))
    assert line.startswith("Tue Jun 2, 2026 12:00 PM: invoice #")
    assert "($317.75 due) emailed to ann@example.test by" in line


def test_text_and_email_with_consent_and_the_text_waits_for_daytime(shop):
    sms_opted_in(shop.db, shop.company, "(212) 555-0100")
    job = _invoiced(shop, client_email="ann@example.test")
    sent = invoice_sending.send_invoice(shop.db, actor=shop.user, job_id=str(job["_id"]),
                                        now=NIGHT_NY)
    assert sent.email and sent.phone == "+12125550100"
    [text] = _outbox(shop, job, "invoice_link")
    assert text["status"] == "queued" and "/api/pay/" in text["text"] and "$317.75 due" in text[
        "text"]
    assert text["not_before"] > NIGHT_NY  # 8:00 the next morning in New York
    assert "Waits for the recipient's daytime" in sent.summary


def test_text_only_when_the_client_has_no_email_but_agreed_to_texts(shop):
    sms_opted_in(shop.db, shop.company, "(212) 555-0100")
    job = _invoiced(shop)
    sent = invoice_sending.send_invoice(shop.db, actor=shop.user, job_id=str(job["_id"]),
                                        now=NOON_NY)
    assert sent.email == "" and sent.phone == "+12125550100"
    assert _outbox(shop, job, "invoice") == [] and len(_outbox(shop, job, "invoice_link")) == 1
    assert "No email address on the job" in sent.summary


def test_refused_clearly_without_email_and_without_consent(shop):
    job = _invoiced(shop)
    with pytest.raises(ValidationError) as refused:
        invoice_sending.send_invoice(shop.db, actor=shop.user, job_id=str(job["_id"]))
    assert refused.value.message.startswith(
        "The client has no email address and has not agreed to texts")
    assert shop.db["outbox"].count_documents({"job_id": job["_id"]}) == 0
    assert not shop.db["jobs"].find_one({"_id": job["_id"]}).get("invoice_sends")


def test_no_invoice_no_send_and_a_double_click_sends_once(shop):
    bare = shop.job(client_email="ann@example.test")
    with pytest.raises(ValidationError, match="Save the invoice first"):
        invoice_sending.send_invoice(shop.db, actor=shop.user, job_id=str(bare["_id"]))
    job = _invoiced(shop, client_email="ann@example.test")
    invoice_sending.send_invoice(shop.db, actor=shop.user, job_id=str(job["_id"]), now=NOON_NY)
    with pytest.raises(Conflict, match="sent a moment ago"):
        invoice_sending.send_invoice(shop.db, actor=shop.user, job_id=str(job["_id"]),
                                     now=NOON_NY)
    assert len(_outbox(shop, job, "invoice")) == 1


def test_only_the_office_of_the_jobs_company_sends(shop, other_shop):
    job = _invoiced(shop, client_email="ann@example.test")
    with pytest.raises(NotFound):
        invoice_sending.send_invoice(other_shop.db, actor=other_shop.user,
                                     job_id=str(job["_id"]))
    tech = shop.technician()
    technician = Actor(user_id=ObjectId(tech.id), role=TECHNICIAN, name="Tom", email="",
                       company_id=shop.company["_id"], technician_id=ObjectId(tech.id))
    with pytest.raises(PermissionDenied):
        invoice_sending.send_invoice(shop.db, actor=technician, job_id=str(job["_id"]))
    assert shop.db["outbox"].count_documents({"job_id": job["_id"]}) == 0


def test_erasing_the_client_leaves_nothing_of_where_the_invoice_went(shop):
    from iprodash.services.privacy_client_erasure import erase_client
    from tests.integration.privacy.people import traces

    sms_opted_in(shop.db, shop.company, "(212) 555-0100")
    job = _invoiced(shop, client_email="zelda.quist@mail.test")
    invoice_sending.send_invoice(shop.db, actor=shop.user, job_id=str(job["_id"]), now=NOON_NY)
    assert all(traces(shop.db, ["zelda.quist@mail.test"]).values())
    erase_client(shop.db, actor=shop.admin, client_id=str(job["client_id"]))
    assert traces(shop.db, ["zelda.quist@mail.test"]) == {"zelda.quist@mail.test": []}
    assert shop.db["jobs"].find_one({"_id": job["_id"]})["invoice_sends"] == []
