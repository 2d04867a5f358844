"""Review requests after a job is closed and paid: the company's setting, once per client per
90 days, texts only with consent (email otherwise), quiet hours, no-marketing clients."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from iprodash.domain.errors import PermissionDenied, ValidationError
from iprodash.domain.finance import Payment
from iprodash.services import clients, invoices, review_requests
from iprodash.services.invoices import ItemInput
from tests.factories import sms_opted_in

LINK = "https://g.page/r/acme-locks/review"
NOON_NY = datetime(2026, 6, 2, 16, 0, tzinfo=timezone.utc)
NIGHT_NY = datetime(2026, 6, 3, 3, 0, tzinfo=timezone.utc)  # 23:00 in New York
EIGHT_AM_NY = datetime(2026, 6, 3, 12, 0, tzinfo=timezone.utc)
PHONE = "(212) 555-0100"


def _turn_on(shop, channel=review_requests.TEXT_OR_EMAIL):
    review_requests.update_review_settings(shop.db, actor=shop.admin, enabled=True, link=LINK,
                                           channel=channel)


def _paid_job(shop, client_id: str = "", **form) -> dict:
    tech = shop.technician()
    return shop.closed_job(payments=[Payment("cash", 15000, "technician")],
                           technician_id=tech.id, client_id=client_id, **form)


def _requests(shop) -> list[dict]:
    return list(shop.db["outbox"].find({"kind": "review_request"}).sort("_id", 1))


def test_off_by_default_and_the_setting_is_checked(shop):
    _paid_job(shop, client_email="ann@example.test")
    assert _requests(shop) == []
    for link in ("http://example.test/review", "example.test", "https://"):
        with pytest.raises(ValidationError, match="https://"):
            review_requests.update_review_settings(shop.db, actor=shop.admin, enabled=True,
                                                   link=link, channel="text")
    with pytest.raises(ValidationError, match="before turning review requests on"):
        review_requests.update_review_settings(shop.db, actor=shop.admin, enabled=True,
                                               link="", channel="text")
    with pytest.raises(PermissionDenied):
        review_requests.update_review_settings(shop.db, actor=shop.user, enabled=False,
                                               link=LINK, channel="text")
    _turn_on(shop)
    assert review_requests.get_review_settings(shop.db, actor=shop.admin) == \
        review_requests.ReviewSettings(enabled=True, link=LINK, channel="text_or_email")


def test_closing_a_paid_job_texts_the_client_who_agreed_once_per_90_days(shop):
    _turn_on(shop)
    sms_opted_in(shop.db, shop.company, PHONE)
    first = _paid_job(shop, client_email="ann@example.test")
    [text] = _requests(shop)
    assert text["channel"] == "sms" and LINK in text["text"] and "Acme Locks" in text["text"]
    assert text["client_id"] == first["client_id"] and text["job_id"] == first["_id"]

    second = _paid_job(shop, client_id=str(first["client_id"]))
    assert second["client_id"] == first["client_id"]
    assert len(_requests(shop)) == 1  # the same client within 90 days: nothing more

    later = shop.db["jobs"].find_one({"_id": second["_id"]})
    asked = shop.db["clients"].find_one({"_id": first["client_id"]})["review_requested_at"]
    assert review_requests.request_after_close(
        shop.db, job=later, now=asked + timedelta(days=89)).startswith("asked within 90 days")
    assert review_requests.request_after_close(
        shop.db, job=later, now=asked + timedelta(days=91, hours=1)) in ("texted",)
    assert len(_requests(shop)) == 2


def test_email_when_the_client_has_not_agreed_to_texts_and_nothing_without_either(shop):
    _turn_on(shop)
    emailed = _paid_job(shop, client_email="ann@example.test")
    [email] = _requests(shop)
    assert email["channel"] == "email" and email["to"] == "ann@example.test"
    assert LINK in email["text"] and email["client_id"] == emailed["client_id"]

    _paid_job(shop, client_phone="(212) 555-0199")  # no email, no consent
    assert len(_requests(shop)) == 1


def test_channel_text_only_sends_no_email_and_channel_email_never_texts(shop):
    sms_opted_in(shop.db, shop.company, PHONE)
    _turn_on(shop, channel=review_requests.TEXT_ONLY)
    _paid_job(shop, client_phone="(212) 555-0199", client_email="bo@example.test")
    assert _requests(shop) == []
    _turn_on(shop, channel=review_requests.EMAIL_ONLY)
    _paid_job(shop, client_email="ann@example.test")  # agreed to texts, but email only
    [email] = _requests(shop)
    assert email["channel"] == "email" and email["to"] == "ann@example.test"


def test_quiet_hours_hold_a_text_and_an_email_until_8_am(shop):
    sms_opted_in(shop.db, shop.company, PHONE)
    texted = _paid_job(shop)  # closed while review requests were off
    emailed = _paid_job(shop, client_phone="(212) 555-0199", client_email="bo@example.test")
    assert _requests(shop) == []
    _turn_on(shop)
    assert review_requests.request_after_close(shop.db, job=texted, now=NIGHT_NY) == "texted"
    assert review_requests.request_after_close(shop.db, job=emailed, now=NIGHT_NY) == "emailed"
    text, email = _requests(shop)
    assert text["channel"] == "sms" and text["not_before"] == EIGHT_AM_NY
    assert email["channel"] == "email" and email["next_attempt_at"] == EIGHT_AM_NY
    assert review_requests.request_after_close(
        shop.db, job=emailed, now=NOON_NY).startswith("asked within")


def test_no_request_for_an_unpaid_invoice_or_a_client_who_wants_no_marketing(shop):
    _turn_on(shop)
    sms_opted_in(shop.db, shop.company, PHONE)
    tech = shop.technician()
    job = shop.walk_to(shop.job(technician_id=tech.id), "pending_approval")
    invoices.save_invoice(shop.db, actor=shop.user, job_id=str(job["_id"]),
                          items=[ItemInput("Rekey", "1", "300.00", False)])
    from iprodash.services import job_lifecycle

    job_lifecycle.close_job(shop.db, actor=shop.user, job_id=str(job["_id"]),
                            closing_price_cents=10000,
                            payments=[Payment("cash", 10000, "technician")])
    assert _requests(shop) == []  # $200.00 still due on the invoice

    other = shop.job(client_phone="(212) 555-0100", client_name="Ann Lee")
    clients.set_contact_preferences(shop.db, actor=shop.user, client_id=str(other["client_id"]),
                                    no_texts=False, no_marketing=True)
    _paid_job(shop, client_id=str(other["client_id"]), client_email="ann@example.test")
    assert _requests(shop) == []
