"""The real resend SDK against a fake Resend: exact request, retries, rate limit, bounces.

A lone due email goes as one ``POST /emails``; batches are in test_email_batches.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from iprodash.repositories.base import utcnow
from iprodash.repositories.email_suppressions import EmailSuppressionRepository
from iprodash.services.pseudonyms import email_pseudonym
from iprodash.services.notifications import enqueue_email
from iprodash.services.outbox_dispatch import drain_outbox
from tests.integration.messaging.conftest import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    """Emails are queued at the real time: the frozen clock starts just after it."""
    return FakeClock(utcnow() + timedelta(seconds=5))


def _invite(db, company, key="invite:1", to="new@example.test"):
    return enqueue_email(db, company_id=company["_id"], to=to, kind="invite",
                         idempotency_key=key, inviter="Ann", company=company["name"], days="7",
                         link="http://localhost:3000/join?invite=abc")


def test_sends_html_and_text_from_the_verified_sender_with_the_company_name(
        db, company, clock, limiter, resend_fake):
    _invite(db, company)
    assert drain_outbox(db, clock=clock.now, limiter=limiter)["sent"] == 1

    [request] = resend_fake.email_requests()
    assert request.headers["authorization"] == "Bearer re_test_key"
    assert request.headers["idempotency-key"] == "invite:1"
    body = request.body
    assert body["from"] == "Acme Locks via iProDash <no-reply@iprodash.local>"
    assert body["to"] == ["new@example.test"]
    assert body["subject"] == "Ann invited you to Acme Locks on iProDash"
    assert "http://localhost:3000/join?invite=abc" in body["text"]
    assert '<a href="http://localhost:3000/join?invite=abc">' in body["html"]
    message = db["outbox"].find_one({"idempotency_key": "invite:1"})
    assert message["status"] == "sent" and message["provider_id"] == resend_fake.delivered[0]["id"]


def test_retries_on_429_and_500_then_sends_once(db, company, clock, limiter, resend_fake):
    _invite(db, company)
    resend_fake.fail_next(429)
    resend_fake.fail_next(500)
    assert drain_outbox(db, clock=clock.now, limiter=limiter)["retry"] == 1
    clock.advance(seconds=30)
    assert drain_outbox(db, clock=clock.now, limiter=limiter)["retry"] == 1
    clock.advance(seconds=60)
    assert drain_outbox(db, clock=clock.now, limiter=limiter)["sent"] == 1
    assert len(resend_fake.email_requests()) == 3 and len(resend_fake.delivered) == 1


def test_validation_error_is_dead_at_once(db, company, clock, limiter, resend_fake):
    _invite(db, company)
    resend_fake.fail_next(422)
    assert drain_outbox(db, clock=clock.now, limiter=limiter)["dead"] == 1
    assert "Resend 422" in db["outbox"].find_one({})["last_error"]


def test_two_requests_per_second(db, company, clock, limiter, resend_fake):
    for n in range(3):  # each alone: sent to Resend on its own before
        _invite(db, company, key=f"invite:{n}", to=f"p{n}@example.test")
    db["outbox"].update_many({}, {"$set": {"send_alone": True}})
    assert drain_outbox(db, clock=clock.now, limiter=limiter)["sent"] == 3
    assert len(resend_fake.email_requests()) == 3 and resend_fake.batch_requests() == []
    assert [round(s, 3) for s in clock.sleeps] == [0.5, 0.5]


def test_a_bounced_address_is_not_mailed_and_the_reason_is_kept(db, company, clock, limiter,
                                                               resend_fake):
    EmailSuppressionRepository(db).mark(email_pseudonym("new@example.test"), reason="bounced",
                                        detail="mailbox does not exist", at=clock.now())
    _invite(db, company)
    assert drain_outbox(db, clock=clock.now, limiter=limiter)["suppressed"] == 1
    assert resend_fake.email_requests() == []
    assert "bounced" in db["outbox"].find_one({})["last_error"]


def test_without_a_key_the_local_provider_fills_the_sent_box(db, company, clock, limiter):
    _invite(db, company)
    assert drain_outbox(db, clock=clock.now, limiter=limiter)["sent"] == 1
    copy = db["sent_box"].find_one({"to": "new@example.test"})
    assert copy["channel"] == "email" and "Accept within 7 days: [sign-in link]" in copy["text"]
    assert "invite=abc" not in copy["text"] + copy["html"]
    sent = db["outbox"].find_one({"to": "new@example.test"})
    assert sent["status"] == "sent" and "invite=abc" not in sent["text"] + sent["html"]
    assert clock.sleeps == []  # provider limits do not apply to the local box
