"""Live sign-in links are never stored readable (issue 14): a queued or dead
message holds its link only sealed, the dispatcher opens it to send, and what
stays afterwards is the redacted body."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from bson import json_util

from iprodash.domain.sign_in_links import REDACTED
from iprodash.integrations.local_mailbox import read_mailbox
from iprodash.repositories.base import utcnow
from iprodash.repositories.outbox import SUPPRESSED, OutboxRepository
from iprodash.repositories.tokens import hash_token
from iprodash.services import auth, outbox_admin
from iprodash.services.actor import COMPANY_ADMIN
from iprodash.services.outbox_dispatch import drain_outbox
from iprodash.settings import get_settings
from tests.factories import actor_for, make_user
from tests.integration.messaging.conftest import FakeClock
from tests.mailbox import delivered_link

RESET = re.compile(r"http://localhost:3000/reset/([A-Za-z0-9_\-]+)")


@pytest.fixture
def clock() -> FakeClock:
    """Emails are queued at the real time: the frozen clock starts just after it."""
    return FakeClock(utcnow() + timedelta(seconds=5))


def _reset_for_admin(db, company) -> dict:
    admin = make_user(db, company=company, role=COMPANY_ADMIN, email="boss@acme.test")
    auth.request_password_reset(db, email="boss@acme.test", ip="203.0.113.9")
    return admin


def _stored(db) -> str:
    """Everything the outbox and the sent box hold, as text."""
    return json_util.dumps(list(db["outbox"].find({})) + list(db["sent_box"].find({})))


def test_a_queued_reset_holds_no_link_and_goes_out_whole(db, company, clock, limiter,
                                                         resend_fake):
    _reset_for_admin(db, company)
    queued = db["outbox"].find_one({"kind": "password_reset"})
    assert queued["status"] == "queued" and queued.get("sealed_body")
    assert f"minutes: {REDACTED}" in queued["text"] and "/reset/" not in _stored(db)

    assert drain_outbox(db, clock=clock.now, limiter=limiter)["sent"] == 1
    [request] = resend_fake.email_requests()
    token = RESET.search(request.body["text"]).group(1)
    assert f'<a href="http://localhost:3000/reset/{token}">' in request.body["html"]
    assert db["one_time_tokens"].find_one({"kind": "reset"})["token_hash"] == hash_token(token)
    sent = db["outbox"].find_one({"_id": queued["_id"]})
    assert sent["status"] == "sent" and "sealed_body" not in sent
    assert token not in _stored(db) and REDACTED in sent["html"]


def test_a_dead_letter_keeps_the_link_sealed_and_a_retry_sends_it(db, company, clock, limiter,
                                                                   resend_fake):
    admin = _reset_for_admin(db, company)
    resend_fake.fail_next(422)
    assert drain_outbox(db, clock=clock.now, limiter=limiter)["dead"] == 1
    dead = db["outbox"].find_one({"kind": "password_reset"})
    assert dead["status"] == "dead" and dead.get("sealed_body")
    assert "/reset/" not in _stored(db)

    outbox_admin.retry_dead_message(db, actor=actor_for(admin), message_id=str(dead["_id"]))
    clock.advance(seconds=1)
    assert drain_outbox(db, clock=clock.now, limiter=limiter)["sent"] == 1
    token = RESET.search(resend_fake.email_requests()[-1].body["text"]).group(1)
    auth.reset_password(db, token=token, password="a-new-long-password")  # the link works
    assert token not in _stored(db)


def test_a_changed_secret_key_dead_letters_the_message_with_a_sentence(db, company, monkeypatch,
                                                                       mailbox):
    _reset_for_admin(db, company)
    monkeypatch.setenv("IPRODASH_SECRET_KEY", "a-rotated-secret-key-0123456789abcdef")
    get_settings.cache_clear()
    assert drain_outbox(db)["dead"] == 1
    dead = db["outbox"].find_one({"kind": "password_reset"})
    assert "Ask for a new link" in dead["last_error"]
    assert db["sent_box"].count_documents({}) == 0 and read_mailbox(mailbox) == []


def test_the_outbox_refuses_a_readable_link_and_keeps_a_refused_one_redacted(db, company):
    outbox = OutboxRepository(db)
    message = {"company_id": company["_id"], "channel": "email", "kind": "password_reset",
               "to": "x@acme.test", "text": "Reset: http://localhost:3000/reset/abc",
               "idempotency_key": "raw-link"}
    with pytest.raises(ValueError, match="readable sign-in link"):
        outbox.enqueue(message)
    assert db["outbox"].count_documents({}) == 0
    assert outbox.enqueue({**message, "idempotency_key": "refused"}, status=SUPPRESSED)
    assert db["outbox"].find_one({})["text"] == f"Reset: {REDACTED}"


def test_the_development_mailbox_is_private_and_holds_the_link(db, company, mailbox):
    _reset_for_admin(db, company)
    link = delivered_link(db, mailbox, to="boss@acme.test", path="/reset/")
    assert RESET.fullmatch(link)
    assert mailbox.stat().st_mode & 0o777 == 0o600
    [entry] = read_mailbox(mailbox)
    assert entry["kind"] == "password_reset" and link in entry["html"]
    assert link not in _stored(db)
